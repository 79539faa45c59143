"""Bad data files: catalog, regions and values as careless users leave them.

Problem tables wrap long cells, so the expected pieces are short: a location, a code point,
the start of a message.
"""

from pathlib import Path

from tests.corpus import Case, edit_text, set_value, values_csv, write

CAT = "data/指标目录.csv"
REG = "data/地区.csv"


def regions(edit):
    """Rewrite data/地区.csv through `edit(text) -> text`."""
    def setup(root: Path) -> None:
        path = root / REG
        path.write_text(edit(path.read_text(encoding="utf-8-sig")), encoding="utf-8")
    return setup


def catalog(old: str, new: str):
    return lambda r: edit_text(r / CAT, old, new)


def value(region, year, code, new):
    return lambda r: values_csv(r, lambda rows: set_value(rows, region, year, code, new))


def append(*cells):
    def edit(rows):
        rows.append([*cells, "", ""][: len(rows[0])])
        return rows
    return lambda r: values_csv(r, edit)


def code_cell(old: str, new: str):
    """Rewrite one code in every values row (so the invisible character sits in real rows)."""
    def edit(rows):
        ci = rows[0].index("指标代码")
        for row in rows[1:]:
            if row[ci] == old:
                row[ci] = new
                break
        return rows
    return lambda r: values_csv(r, edit)


def region_cell(old: str, new: str):
    def edit(rows):
        for row in rows[1:]:
            if row[0] == old:
                row[0] = new
                break
        return rows
    return lambda r: values_csv(r, edit)


def header(new: list[str]):
    def edit(rows):
        rows[0] = new
        return rows
    return lambda r: values_csv(r, edit)


def repeated(times: int):
    def edit(rows):
        body = rows[1:]
        return [rows[0], *(body[i % len(body)] for i in range(times))]
    return lambda r: values_csv(r, edit)


def fake_xlsx(root: Path) -> None:
    values_csv(root)
    (root / "data" / "指标数据.xlsx").write_bytes((root / "data" / "values.csv").read_bytes())
    edit_text(root / "report.yaml", "- path: data/values.csv",
              "- path: data/指标数据.xlsx\n      sheets: [指标数据]")


def empty_xlsx(root: Path) -> None:
    import openpyxl

    wb = openpyxl.Workbook()
    wb.active.title = "指标数据"
    wb.save(root / "data" / "指标数据.xlsx")


def ceiling_column(limit: str, code: str = "political_classes"):
    """A 合理上限 column in the catalog, `limit` for `code` only."""
    def setup(root: Path) -> None:
        path = root / CAT
        lines = path.read_text(encoding="utf-8-sig").splitlines()
        out = [lines[0] + ",合理上限"]
        out += [line + ("," + limit if line.startswith(code + ",") else ",")
                for line in lines[1:]]
        write(path, "\n".join(out) + "\n")
    return setup


CASES = [
    # regions
    Case("data_regions_header_only", regions(lambda t: t.splitlines()[0] + "\n"),
         expect=("地区表没有任何地区", "请至少填写市本级一行")),
    Case("data_region_parent_unknown", regions(lambda t: t.replace("青石县,县,临江市", "青石县,县,江海市")),
         expect=("上级「江海市」不是本市",)),
    Case("data_two_cities", regions(lambda t: t + "江海市,市,,江海\n"),
         expect=("地区「江海市」的「上级」为空",)),
    Case("data_county_listed_twice", regions(lambda t: t + "青石县,县,临江市,青石\n"),
         expect=("地区「青石县」重复",)),
    Case("data_region_name_with_slash", regions(lambda t: t.replace("青石县,县", "青石/县,县")),
         expect=("「青石/县」含有不能用于文件名的字符", "发现 1 个错误")),
    Case("data_region_zero_width", regions(lambda t: t.replace("青石县,县", "青石\u200b县,县")),
         expect=("U+200B", "零宽空格", "发现 1 个错误")),
    # catalog
    Case("data_catalog_duplicate_code",
         catalog("political_trainees,", "political_classes,"), expect=("「political_classes」重复",)),
    Case("data_catalog_unknown_kind",
         catalog("political_trainees,政治能力提升轮训人次,人次,计数", "political_trainees,政治能力提升轮训人次,人次,数量"),
         expect=("「类型」填的是「数量」",)),
    Case("data_catalog_code_zero_width", catalog("political_trainees,", "political\u200b_trainees,"),
         expect=("U+200B", "位于第9个字符之后")),
    Case("data_ceiling_bad", ceiling_column("很多"), expect=("合理上限「很多」不是数字",)),
    Case("data_ceiling_exceeded", ceiling_column("10"), expect=("超出合理范", "上限 10期）")),
    # values: cells
    Case("data_code_zero_width", code_cell("political_trainees", "political\u200b_trainees"),
         expect=("U+200B", "位于第9个字符之后")),
    Case("data_region_bom_inside", region_cell("青石县", "\ufeff青石县"), expect=("U+FEFF", "位于开头")),
    Case("data_code_no_break_space", code_cell("political_trainees", "political\u00a0trainees"),
         expect=("U+00A0", "不换行空格")),
    Case("data_code_full_width", code_cell("political_trainees", "ｐolitical_trainees"),
         expect=("「ｐ」（第1个字符）",)),
    Case("data_count_1e20", value("青石县", 2025, "political_trainees", "1e20"),
         expect=("超出合理范围", "100000000000000000000")),
    Case("data_percent_150", value("青石县", 2025, "theory_course_share", 150),
         expect=("是百分比", "此处为 150")),
    Case("data_negative_count", value("青石县", 2025, "political_classes", -3),
         expect=("不能是负数", "此处为 -3")),
    Case("data_text_in_count", value("青石县", 2025, "political_classes", "N/A"),
         expect=("此处填的是「N/A」",)),
    Case("data_derived_with_value", append("临江市", 2025, "per_capita_hours", 50),
         expect=("由分子、分母指标自动",)),
    Case("data_duplicate_row", append("青石县", 2025, "political_classes", 12),
         expect=("填了两", "同一地区、同一年度、同一指标只能有")),
    Case("data_unknown_region", append("青山县", 2025, "political_classes", 12),
         expect=("地区「青山县」不在地区表中",)),
    Case("data_sum_mismatch", value("临江市", 2025, "political_classes", 9999),
         expect=("不一致",)),
    Case("data_many_duplicates", repeated(6000),
         expect=("同类问题共3900处，前20处如下：", "发现 3900 个错误")),
    # values: files
    Case("data_values_header_english_only", header(["area", "year", "indicator", "amount", "source", "note"]),
         expect=("缺少「地区」列", "values.csv")),
    Case("data_xlsx_really_csv", fake_xlsx, expect=("不是真正的 Excel 工作簿",)),
    Case("data_xlsx_empty", empty_xlsx, expect=("是空的，没有指标数据",)),
]
