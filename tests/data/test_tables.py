"""Reading the catalog, regions and values from .csv and .xlsx files."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from generator.data import load_dataset, read_table
from generator.errors import DataError
from generator.model import Combine, DataOptions, Kind, Location, TargetType, ValueSource
from tests.data_fixtures import (
    CATALOG,
    CATALOG_HEADER,
    REGIONS,
    REGIONS_HEADER,
    VALUES_HEADER,
    catalog_with_column,
    make_city,
    value_rows,
    write_csv,
    write_xlsx,
)

ROOT = Path(__file__).resolve().parents[2]


def errors_of(**args):
    with pytest.raises(DataError) as info:
        load_dataset(**args)
    return [p for p in info.value.problems if p.is_error], info.value


def only(problems, fragment):
    found = [p for p in problems if fragment in p.message]
    assert len(found) == 1, [p.message for p in problems]
    return found[0]


# --- CSV -----------------------------------------------------------------------------------

def test_csv_dataset_loads_in_file_order_with_locations(tmp_path):
    regions = [REGIONS[1], REGIONS[0], *REGIONS[2:]]  # city written second: it still comes first
    ds = load_dataset(**make_city(tmp_path, regions=regions))

    assert list(ds.indicators) == [row[0] for row in CATALOG]
    assert [r.name for r in ds.regions] == ["临江市", "江北区", "青山县", "云溪市"]
    assert ds.city.name == "临江市" and ds.city.short == "临江"
    assert ds.region("云溪市").short == "云溪" and ds.region("云溪市").level == "县级市"
    assert ds.region("江北区").parent == "临江市"
    assert ds.warnings == []

    rate = ds.indicators["pass_rate"]
    assert rate.kind is Kind.PERCENT and rate.decimals == 1 and rate.target == 95
    assert rate.target_type is TargetType.ANNUAL and rate.combine is Combine.WEIGHTED
    assert rate.weight == "train_total"
    assert ds.indicators["cover_rate"].derived
    assert ds.indicators["cover_rate"].location == Location("data/指标目录.csv", None, 8, "指标代码")

    first = ds.values[("临江市", 2023, "train_total")]
    assert first.value == 2400.0 and first.source == "组织部"
    assert first.location == Location("data/指标数据.csv", None, 2, "数值")
    assert ds.get("临江市", "partners", 2024) == "市委党校、临江大学"
    assert ds.years() == [2023, 2024]


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "gbk", "gb18030", "utf-16"])
def test_csv_encodings(tmp_path, encoding):
    args = make_city(tmp_path)
    write_csv(tmp_path / "data/指标数据.csv", VALUES_HEADER, value_rows(), encoding=encoding)
    write_csv(tmp_path / "data/地区.csv", REGIONS_HEADER, REGIONS, encoding=encoding)
    ds = load_dataset(**args)
    assert ds.get("青山县", "train_total", 2023) == 800
    assert ds.get("临江市", "partners", 2023) == "市委党校、临江大学"


def test_undecodable_csv_names_file_and_suggests_utf8(tmp_path):
    args = make_city(tmp_path)
    (tmp_path / "data/指标数据.csv").write_bytes("地区,年度\n".encode() + b"\xff\xfe\xfd\x80\n")
    errors, _ = errors_of(**args)
    p = only(errors, "无法识别")
    assert p.location == Location("data/指标数据.csv")
    assert "「data/指标数据.csv」" in p.message and "CSV UTF-8" in p.hint


def test_english_aliases_any_case(tmp_path):
    args = make_city(tmp_path)
    english = ["Code", "NAME", "unit", "Kind", "decimals", "target", "Target_Type", "combine",
               "weight", "numerator", "denominator", "scale", "note"]
    write_csv(tmp_path / "data/指标目录.csv", english, CATALOG)
    write_csv(tmp_path / "data/地区.csv", ["Region", "level", "parent", "short"], REGIONS)
    write_csv(tmp_path / "data/指标数据.csv", ["region", "Year", "CODE", "value", "source", "note"],
              value_rows())
    ds = load_dataset(**args)
    assert len(ds.indicators) == len(CATALOG) and len(ds.regions) == 4
    assert ds.get("云溪市", "funds", 2023) == 8


def test_headers_with_spaces_optional_marks_and_full_width(tmp_path):
    args = make_city(tmp_path)
    header = [" 地区 ", "\u3000年度", "指标 代码", "数值\u3000", "来源（可选）", "备注 (可选)"]
    write_csv(tmp_path / "data/指标数据.csv", header, value_rows())
    ds = load_dataset(**args)
    v = ds.values[("江北区", 2024, "train_total")]
    assert v.value == 1100 and v.source == "组织部"
    assert v.location.column == "数值"  # as written, trimmed


def test_blank_rows_skipped_and_title_rows_above_header(tmp_path):
    args = make_city(tmp_path)
    rows = value_rows()
    rows.insert(3, ["", "", "", "", "", ""])
    path = tmp_path / "data/指标数据.csv"
    write_csv(path, ["2024年临江市干部培训指标数据"], [[], VALUES_HEADER, *rows])
    ds = load_dataset(**args)
    # title (1), empty (2), header (3), data from row 4; the blank line is row 7
    assert ds.values[("临江市", 2023, "train_total")].location.row == 4
    assert ds.values[("青山县", 2023, "train_total")].location.row == 6
    assert ds.values[("云溪市", 2023, "train_total")].location.row == 8


def test_rows_with_only_a_serial_number_are_blank(tmp_path):
    args = make_city(tmp_path)
    rows = [[i + 1, *r] for i, r in enumerate(value_rows())] + [[999, "", "", "", ""]]
    write_csv(tmp_path / "data/指标数据.csv", ["序号", *VALUES_HEADER], rows)
    assert len(load_dataset(**args).values) == len(value_rows())


# --- XLSX ----------------------------------------------------------------------------------

def _split_by_year(rows):
    return {year: [VALUES_HEADER, *[r for r in rows if r[1] == year]] for year in (2023, 2024)}


def test_xlsx_values_from_every_sheet(tmp_path):
    args = make_city(tmp_path)
    sheets = {f"{y}年": rows for y, rows in _split_by_year(value_rows()).items()}
    sheets["Sheet3"] = []
    sheets["填表说明"] = [["请按年度分表填写"], ["数值只填数字"]]
    write_xlsx(tmp_path / "data/指标数据.xlsx", sheets)
    args["values"] = [ValueSource("data/指标数据.xlsx")]
    ds = load_dataset(**args)
    assert len(ds.values) == len(value_rows())
    assert ds.values[("江北区", 2024, "funds")].location == Location(
        "data/指标数据.xlsx", "2024年", 7, "数值")
    skipped = only(ds.warnings, "已跳过")
    assert skipped.location == Location("data/指标数据.xlsx", "填表说明")
    assert "「地区」「年度」「指标代码」「数值」" in skipped.message


def test_xlsx_selected_sheets_only(tmp_path):
    args = make_city(tmp_path)
    by_year = _split_by_year(value_rows())
    junk = [VALUES_HEADER, ["不存在县", "二〇二四", "nope", "很多"]]
    write_xlsx(tmp_path / "data/v.xlsx", {"2023": by_year[2023], "草稿": junk, "2024": by_year[2024]})
    args["values"] = [ValueSource("data/v.xlsx", sheets=("2023", " 2024 "))]
    ds = load_dataset(**args)
    assert ds.years() == [2023, 2024] and not ds.warnings


def test_xlsx_missing_sheet_lists_existing_ones(tmp_path):
    args = make_city(tmp_path)
    write_xlsx(tmp_path / "data/v.xlsx", {"2023年": _split_by_year(value_rows())[2023], "2024年": []})
    args["values"] = [ValueSource("data/v.xlsx", sheets=("2023年", "2025年"))]
    errors, _ = errors_of(**args)
    p = only(errors, "2025年")
    assert p.location == Location("data/v.xlsx", "2025年")
    assert "现有工作表：「2023年」、「2024年」" in p.message


def test_xlsx_cells_percent_format_text_numbers_and_text_kind(tmp_path):
    args = make_city(tmp_path)
    rows = [VALUES_HEADER, *value_rows()]
    at = {tuple(r[:3]): i + 1 for i, r in enumerate(rows)}
    rate_row = at[("江北区", 2023, "pass_rate")]
    rows[rate_row - 1][3] = 0.965                       # shown by Excel as 96.5%
    rows[at[("青山县", 2023, "train_total")] - 1][3] = " 1,234 "
    rows[at[("云溪市", 2023, "train_total")] - 1][3] = "１２３"
    rows[at[("临江市", 2023, "partners")] - 1][3] = 5
    rows[at[("江北区", 2024, "pass_rate")] - 1][3] = "96.5%"
    write_xlsx(tmp_path / "data/v.xlsx", {"数据": rows}, formats={("数据", rate_row, 4): "0.0%"})
    args["values"] = [ValueSource("data/v.xlsx")]
    args["options"] = DataOptions(sum_tolerance=10)
    ds = load_dataset(**args)
    assert ds.get("江北区", "pass_rate", 2023) == 96.5
    assert ds.get("江北区", "pass_rate", 2024) == 96.5
    assert ds.get("青山县", "train_total", 2023) == 1234
    assert ds.get("云溪市", "train_total", 2023) == 123
    assert ds.get("临江市", "partners", 2023) == "5"


def test_catalog_and_regions_from_xlsx_first_sheet(tmp_path):
    args = make_city(tmp_path)
    write_xlsx(tmp_path / "data/目录.xlsx", {"指标": [CATALOG_HEADER, *CATALOG], "旧": [["x"]]})
    write_xlsx(tmp_path / "data/地区.xlsx", {"地区": [REGIONS_HEADER, *REGIONS]})
    args.update(catalog=tmp_path / "data/目录.xlsx", regions=tmp_path / "data/地区.xlsx")
    ds = load_dataset(**args)
    assert ds.indicators["funds"].location == Location("data/目录.xlsx", "指标", 3, "指标代码")
    assert ds.region("青山县").location == Location("data/地区.xlsx", "地区", 4, "地区名称")


# --- files that cannot be read -------------------------------------------------------------

@pytest.mark.parametrize(("name", "content", "fragment", "hint"), [
    ("v.json", b"{}", "不支持的文件类型「.json」", "另存为"),
    ("v.xls", b"\xd0\xcf\x11\xe0", "旧版 Excel 格式", ".xlsx"),
    ("v.xlsx", b"this is not a zip", "文件已损坏", "另存为"),
    ("v.xlsx", None, "找不到文件「data/v.xlsx」", "路径"),
])
def test_unreadable_value_files(tmp_path, name, content, fragment, hint):
    args = make_city(tmp_path)
    if content is not None:
        (tmp_path / "data" / name).write_bytes(content)
    args["values"] = [ValueSource(f"data/{name}")]
    errors, exc = errors_of(**args)
    p = only(errors, fragment)
    assert p.location == Location(f"data/{name}") and hint in p.hint
    assert "Traceback" not in exc.message


def test_missing_catalog_still_checks_the_other_files(tmp_path):
    args = make_city(tmp_path)
    rows = value_rows()
    rows[0][1] = "去年"
    write_csv(tmp_path / "data/指标数据.csv", VALUES_HEADER, rows)
    args["catalog"] = tmp_path / "data/没有这个文件.csv"
    errors, _ = errors_of(**args)
    assert only(errors, "找不到文件").location == Location("data/没有这个文件.csv")
    assert only(errors, "年度「去年」").location == Location("data/指标数据.csv", None, 2, "年度")


def test_paths_outside_display_root_are_shown_as_given(tmp_path):
    args = make_city(tmp_path / "a")
    args["display_root"] = tmp_path / "elsewhere"
    args["values"] = [ValueSource(str(tmp_path / "a/data/指标数据.csv"))]
    ds = load_dataset(**args)
    assert ds.values[("临江市", 2023, "funds")].location.file == str(tmp_path / "a/data/指标数据.csv")


def test_read_table_returns_rows_and_raises_data_error(tmp_path):
    write_xlsx(tmp_path / "t.xlsx", {"A": [["地区", "数值"], ["临江市", 0.5]]},
               formats={("A", 2, 2): "0%"})
    sheets = read_table(tmp_path / "t.xlsx")
    assert sheets[0].name == "A" and sheets[0].rows[1] == (2, ("临江市", 50.0))
    with pytest.raises(DataError, match="找不到文件"):
        read_table("nope.csv", display_root=tmp_path)


# --- optional indicators (选填) -------------------------------------------------------------

@pytest.mark.parametrize("header", ["选填", "选填（可选）", " 选 填 ", "optional", "Optional", "是否选填"])
def test_optional_column_under_any_of_its_names(tmp_path, header):
    args = make_city(tmp_path)
    head, rows = catalog_with_column(header, {"partners": "是", "hours": "YES", "funds": "否"})
    write_csv(tmp_path / "data/指标目录.csv", head, rows)
    ds = load_dataset(**args)
    assert [c for c, ind in ds.indicators.items() if ind.optional] == ["hours", "partners"]


def test_optional_column_may_be_left_out_and_xlsx_true_false_cells_work(tmp_path):
    ds = load_dataset(**make_city(tmp_path))
    assert not any(ind.optional for ind in ds.indicators.values())
    args = make_city(tmp_path)
    head, rows = catalog_with_column("选填", {"partners": True, "funds": False})
    write_xlsx(tmp_path / "data/目录.xlsx", {"指标": [head, *rows]})
    args["catalog"] = tmp_path / "data/目录.xlsx"
    ds = load_dataset(**args)
    assert ds.indicators["partners"].optional and not ds.indicators["funds"].optional


# --- the sample data -----------------------------------------------------------------------

TEXT_CODES = ["text_design", "text_theory", "text_system", "text_resources", "text_platforms",
              "text_management", "text_next_focus"]
WITH_TEXTS = ["江城区", "东湖区", "临川县", "青石县", "云岭县", "安平市"]


@pytest.fixture(scope="module")
def sample():
    from generator.build import load_data
    from generator.config import load_config

    cfg = load_config(ROOT / "report.yaml")
    return cfg, load_data(cfg)


def test_sample_region_texts_load_for_six_units_and_are_optional(sample):
    cfg, ds = sample
    assert ROOT / "data/地区文字材料.csv" in [Path(v.path) for v in cfg.values]
    for code in TEXT_CODES:
        ind = ds.indicators[code]
        assert ind.kind is Kind.TEXT and ind.optional and ind.combine is Combine.NONE
    texts = {k: v for k, v in ds.values.items() if k[2] in TEXT_CODES}
    assert {(r, y) for r, y, _ in texts} == {(r, 2025) for r in WITH_TEXTS}
    assert len(texts) == len(WITH_TEXTS) * len(TEXT_CODES)
    assert texts[("青石县", 2025, "text_design")].location.file == "data/地区文字材料.csv"
    assert not [w for w in ds.warnings if "text_" in w.message]  # 临江市, 西山区, 白沙县 have none
    assert (ROOT / "data/地区文字材料.csv").read_bytes().startswith(b"\xef\xbb\xbf")  # BOM for Excel


def test_sample_texts_are_written_in_the_reports_voice(sample):
    _, ds = sample
    for (region, _, code), v in ds.values.items():
        if code not in TEXT_CODES:
            continue
        text, where = v.value, f"{region} {code}"
        assert not re.search(r"[0-9A-Za-z０-９Ａ-Ｚａ-ｚ]", text), f"{where}: figures come from data"
        assert not re.search(r"[,.;:?!()\"']", text), f"{where}: full-width punctuation"
        sentences = re.findall(r"[^。]+。", text)
        assert "".join(sentences) == text, f"{where}: whole sentences"
        if code == "text_next_focus":  # follows 下一步，我县将
            assert len(sentences) <= 2 and not text.startswith(("我", region)), where
        else:  # one item: a lead sentence and 2–4 sentences of practice
            assert 120 <= len(text) <= 260 and 3 <= len(sentences) <= 5, where


def test_sample_county_ranks_and_lagging_sets_differ(sample):
    """Not one pace for every indicator: each unit leads somewhere and trails somewhere."""
    from generator.metrics import MetricsBatch
    from generator.model import Combine as C

    cfg, ds = sample
    batch = MetricsBatch(ds, cfg.year, cfg.plan.start, cfg.plan.end, cfg.ahead_margin)
    peers = batch.peer_names
    # indicators compared on a rate, not on size: those with a target, means and per-capita figures
    scored = [c for c, ind in ds.indicators.items() if ind.numeric
              and (ind.target_type is not None or ind.combine in (C.MEAN, C.WEIGHTED))]
    ranks = {p: {c: batch.region(p).indicators[c].rank for c in scored} for p in peers}
    orders = {tuple(sorted(peers, key=lambda p: ranks[p][c])) for c in scored}
    assert len(orders) > len(scored) // 2  # indicators of one area may share an order, no more
    top = {p for p in peers if any(r <= 3 for r in ranks[p].values())}
    bottom = {p for p in peers if any(r >= len(peers) - 2 for r in ranks[p].values())}
    assert top >= set(peers) - {"云岭县"}      # 云岭县 may stay weak overall …
    assert bottom >= set(peers) - {"江城区"}   # … and 江城区 strong overall
    lagging = {p: frozenset(c for c, m in batch.region(p).indicators.items() if m.status == "滞后")
               for p in peers}
    assert len(set(lagging.values())) == len(peers)
    falls = {p: frozenset(c for c in scored if (m := batch.region(p).indicators[c]).change is not None
                          and m.change < 0) for p in peers}
    assert len({f for f in falls.values() if f}) >= 4


def test_sample_city_means_are_exactly_the_county_means(sample):
    _, ds = sample
    counties = [r.name for r in ds.children(ds.city.name)]
    for code, ind in ds.indicators.items():
        if ind.combine is not Combine.MEAN:
            continue
        for year in ds.years():
            parts = [ds.get(c, code, year) for c in counties]
            assert ds.get(ds.city.name, code, year) == pytest.approx(sum(parts) / len(parts)), (code, year)


# --- issue 13: careless files ---------------------------------------------------------------

def test_regions_file_with_only_its_header_row(tmp_path):
    errors, exc = errors_of(**make_city(tmp_path, regions=[]))
    problem = only(errors, "地区表没有任何地区")
    assert problem.location == Location("data/地区.csv") and "请至少填写市本级一行" in problem.hint
    assert not [p for p in errors if "不在地区表中" in p.message]  # not once per values row
    assert "地区表没有任何地区" in exc.message


@pytest.mark.parametrize("encoding", ["utf-16", "utf-16-le", "utf-16-be"])
def test_csv_in_utf16_with_or_without_bom(tmp_path, encoding):
    """Excel's 'Unicode text' and some exports write UTF-16, not always with a BOM."""
    args = make_city(tmp_path)
    write_csv(tmp_path / "data" / "指标数据.csv", VALUES_HEADER, value_rows(), encoding=encoding)
    ds = load_dataset(**args)
    assert ds.get("江北区", "train_total", 2023) == 1000


def test_binary_file_named_csv_is_refused(tmp_path):
    args = make_city(tmp_path)
    (tmp_path / "data" / "指标数据.csv").write_bytes(b"PK\x03\x04\x00\x00\xff\xfe\x00\x81" * 50)
    errors, _ = errors_of(**args)
    assert only(errors, "无法识别「data/指标数据.csv」的文字编码")
