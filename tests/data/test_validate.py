"""Validation rules of the data stage: every rule names the exact cell and what to do."""

from __future__ import annotations

import copy
import unicodedata

import pytest

from generator.data import format_problems, load_dataset
from generator.data.report import display_width
from generator.errors import DataError
from generator.model import DataOptions, Location, Problem
from tests.data_fixtures import (
    CATALOG,
    CATALOG_HEADER,
    REGIONS,
    REGIONS_HEADER,
    VALUES_HEADER,
    make_city,
    value_rows,
    write_csv,
)

CAT, REG, VAL = "data/指标目录.csv", "data/地区.csv", "data/指标数据.csv"
FILES = {"catalog": "指标目录.csv", "regions": "地区.csv", "values": "指标数据.csv"}
VROWS = value_rows()
NEXT_VALUE_ROW = len(VROWS) + 2  # where an appended values row lands


def vrow(region: str, year: int, code: str) -> int:
    """The Excel row number of a value in the fixture's values table."""
    return next(i for i, r in enumerate(VROWS) if r[:3] == [region, year, code]) + 2


# --- mutators: small edits of a table (header is row 1, as Excel shows) ---------------------

def put(row: int, col: int, value):
    def edit(table):
        table[row - 1][col] = value
    return edit


def add(*cells):
    def edit(table):
        table.append(list(cells) + [""] * (len(table[0]) - len(cells)))
    return edit


def drop(row: int):
    def edit(table):
        del table[row - 1]
    return edit


def column(header: str, cells: dict[int, object]):
    """Append a column `header`, filled at the given rows and empty elsewhere."""
    def edit(table):
        for number, row in enumerate(table, 1):
            row.append(header if number == 1 else cells.get(number, ""))
    return edit


def build(tmp_path, edits: dict | None = None, options: DataOptions | None = None) -> dict:
    """The fixture city with `edits` {table: [mutators]} applied; load_dataset's arguments."""
    tables = copy.deepcopy({"catalog": [CATALOG_HEADER, *CATALOG],
                            "regions": [REGIONS_HEADER, *REGIONS],
                            "values": [VALUES_HEADER, *value_rows()]})
    for name, mutators in (edits or {}).items():
        for mutate in mutators:
            mutate(tables[name])
    args = make_city(tmp_path)
    for name, table in tables.items():
        write_csv(tmp_path / "data" / FILES[name], table[0], table[1:])
    if options:
        args["options"] = options
    return args


def problems_of(args) -> tuple[list[Problem], DataError]:
    with pytest.raises(DataError) as info:
        load_dataset(**args)
    return info.value.problems, info.value


def at(problems, location: Location, fragment: str) -> Problem:
    """The one problem at `location` whose message contains `fragment`."""
    found = [p for p in problems if p.location == location and fragment in p.message]
    assert len(found) == 1, "\n".join(f"{p.location} {p.message}" for p in problems)
    assert found[0].hint, "every problem says what to do"
    return found[0]


def L(file, row=None, column=None):  # noqa: N802 - reads like the Location it builds
    return Location(file, None, row, column)


# --- one defect per copy -------------------------------------------------------------------

BROKEN = [
    # headers
    ("catalog", [put(1, 0, "指标编码")], L(CAT, 1, "指标编码"),
     "指标目录缺少「指标代码」列（是否把「指标编码」写错了？）"),
    ("catalog", [put(1, 12, "指标名称")], L(CAT, 1, "指标名称"), "「指标名称」列出现了两次（第B列和第M列）"),
    ("regions", [put(1, 0, "名称")], L(REG, 1, "名称"), "地区表缺少「地区名称」列（是否把「名称」写错了？）"),
    ("values", [put(1, 3, "值")], L(VAL, 1, "值"), "指标数据缺少「数值」列（是否把「值」写错了？）"),
    ("values", [put(1, 1, "时间")], L(VAL, 1), "指标数据缺少「年度」列"),
    # catalog rows
    ("catalog", [add(*CATALOG[1])], L(CAT, 10, "指标代码"), "指标代码「funds」重复（第3行已有这个代码）"),
    ("catalog", [put(3, 0, "Funds Total")], L(CAT, 3, "指标代码"), "指标代码「Funds Total」格式不对"),
    ("catalog", [put(3, 0, "")], L(CAT, 3, "指标代码"), "指标代码为空"),
    ("catalog", [put(3, 1, "")], L(CAT, 3, "指标名称"), "指标「funds」的指标名称为空"),
    ("catalog", [put(2, 3, "数量")], L(CAT, 2, "类型"), "「类型」填的是「数量」，无法识别（是否应为「计数」？）"),
    ("catalog", [put(2, 3, "")], L(CAT, 2, "类型"), "「类型」为空"),
    ("catalog", [put(3, 7, "合计")], L(CAT, 3, "汇总方式"), "「汇总方式」填的是「合计」，无法识别"),
    ("catalog", [put(2, 6, "每年")], L(CAT, 2, "目标类型"), "「目标类型」填的是「每年」，无法识别（是否应为「年度」？）"),
    ("catalog", [put(2, 6, "")], L(CAT, 2, "目标类型"), "指标「train_total」填了规划目标，但没有填目标类型"),
    ("catalog", [put(3, 4, 5)], L(CAT, 3, "小数位"), "小数位「5」不对"),
    ("catalog", [put(3, 4, "两位")], L(CAT, 3, "小数位"), "小数位「两位」不对"),
    ("catalog", [put(2, 5, "约5万")], L(CAT, 2, "规划目标"), "规划目标「约5万」不是数字"),
    ("catalog", [put(9, 5, 3)], L(CAT, 9, "规划目标"), "文本类指标不能设规划目标"),
    ("catalog", [put(2, 2, "")], L(CAT, 2, "单位"), "指标「train_total」的单位为空"),
    ("catalog", [put(3, 11, "千")], L(CAT, 3, "显示单位"), "显示单位「千」无法识别"),
    ("catalog", [put(9, 7, "求和")], L(CAT, 9, "汇总方式"), "文本类指标「partners」不能汇总"),
    ("catalog", [put(5, 8, "")], L(CAT, 5, "汇总方式"), "指标「pass_rate」按加权平均汇总，但没有填权重指标"),
    ("catalog", [put(5, 8, "train_totl")], L(CAT, 5, "权重指标"),
     "权重指标「train_totl」不在指标目录中（是否应为「train_total」？）"),
    ("catalog", [put(5, 8, "partners")], L(CAT, 5, "权重指标"), "权重指标「partners」是文本类指标，不能用于计算"),
    ("catalog", [put(2, 8, "cadres")], L(CAT, 2, "权重指标"), "汇总方式不是「加权平均」"),
    ("catalog", [put(8, 10, "")], L(CAT, 8, "分母指标"), "指标「cover_rate」只填了分子指标，缺少分母指标"),
    ("catalog", [put(8, 9, "")], L(CAT, 8, "分子指标"), "指标「cover_rate」只填了分母指标，缺少分子指标"),
    ("catalog", [put(8, 9, "trainee")], L(CAT, 8, "分子指标"),
     "分子指标「trainee」不在指标目录中（是否应为「trained」？）"),
    ("catalog", [put(8, 10, "partners")], L(CAT, 8, "分母指标"), "分母指标「partners」是文本类指标"),
    ("catalog", [put(8, 9, "参训干部人数")], L(CAT, 8, "分子指标"), "分子指标「参训干部人数」是指标名称"),
    ("catalog", [put(8, 9, "cover_rate")], L(CAT, 8, "分子指标"), "指标「cover_rate」的分子指标不能是它自己"),
    ("catalog", [put(6, 9, "cover_rate"), put(6, 10, "cadres")], L(CAT, 8, "分子指标"),
     "指标「cover_rate」的分子/分母指标互相引用，形成了循环"),
    ("catalog", [put(8, 3, "文本")], L(CAT, 8, "类型"), "指标「cover_rate」由分子/分母计算，不能是文本类"),
    ("catalog", [column("选填", {9: "可以"})], L(CAT, 9, "选填"),
     "指标「partners」的「选填」填的是「可以」，无法识别"),
    ("catalog", [column("选填（可选）", {3: 1})], L(CAT, 3, "选填（可选）"),
     "指标「funds」的「选填」填的是「1」，无法识别"),
    # regions
    ("regions", [drop(2)], L(REG, None, "上级"), "地区表中没有本市（「上级」为空的一行）"),
    ("regions", [put(4, 2, "")], L(REG, 4, "上级"), "只有本市（第2行「临江市」）可以不填上级"),
    ("regions", [put(2, 1, "县")], L(REG, 2, "层级"), "「临江市」没有上级，是本市，层级应为「市」"),
    ("regions", [put(3, 2, "青山县")], L(REG, 3, "上级"), "地区「江北区」的上级「青山县」不是本市（本市是「临江市」）"),
    ("regions", [put(5, 1, "市")], L(REG, 5, "层级"), "「云溪市」的层级「市」不对：只有本市的层级是「市」"),
    ("regions", [put(4, 1, "地级市")], L(REG, 4, "层级"), "层级「地级市」无法识别"),
    ("regions", [put(4, 1, "")], L(REG, 4, "层级"), "地区「青山县」的层级为空"),
    ("regions", [add("江北区", "区", "临江市")], L(REG, 6, "地区名称"), "地区「江北区」重复（第3行已有）"),
    ("regions", [put(4, 0, "青山 县")], L(REG, 4, "地区名称"), "地区名称「青山 县」中间有空格"),
    ("regions", [put(4, 0, "青山/县")], L(REG, 4, "地区名称"), "含有不能用于文件名的字符「/」"),
    ("regions", [put(4, 0, "青山县?")], L(REG, 4, "地区名称"), "含有不能用于文件名的字符「?」"),
    ("regions", [put(4, 0, "..")], L(REG, 4, "地区名称"), "地区名称不能是「..」"),
    ("regions", [put(4, 0, "青" * 21)], L(REG, 4, "地区名称"), "太长（21个字，最多20个字）"),
    ("regions", [put(4, 0, "")], L(REG, 4, "地区名称"), "地区名称为空"),
    ("regions", [put(5, 3, "云 溪")], L(REG, 5, "简称"), "简称「云 溪」中间有空格"),
    ("regions", [put(4, 3, "江北")], L(REG, 4, "简称"), "简称「江北」与第3行的地区重复"),
    # values
    ("values", [add("江北区", 2024, "train_totl", 5)], L(VAL, NEXT_VALUE_ROW, "指标代码"),
     "指标代码「train_totl」不在指标目录中（是否应为「train_total」培训干部总人次？）"),
    ("values", [add("江北区", 2024, "培训经费", 5)], L(VAL, NEXT_VALUE_ROW, "指标代码"),
     "指标代码「培训经费」不在指标目录中（是否应为「funds」培训经费？）"),
    ("values", [add("江北新区", 2024, "funds", 5)], L(VAL, NEXT_VALUE_ROW, "地区"),
     "地区「江北新区」不在地区表中（是否应为「江北区」？）"),
    ("values", [add("", 2024, "funds", 5)], L(VAL, NEXT_VALUE_ROW, "地区"), "地区为空"),
    ("values", [add("江北区", 2024, "", 5)], L(VAL, NEXT_VALUE_ROW, "指标代码"), "指标代码为空"),
    ("values", [add("江北区", "", "funds", 5)], L(VAL, NEXT_VALUE_ROW, "年度"), "年度为空"),
    ("values", [put(vrow("江北区", 2024, "funds"), 1, "二〇二四")], L(VAL, vrow("江北区", 2024, "funds"), "年度"),
     "年度「二〇二四」不是整数年份"),
    ("values", [put(vrow("江北区", 2024, "funds"), 1, 2024.5)], L(VAL, vrow("江北区", 2024, "funds"), "年度"),
     "年度「2024.5」不是整数年份"),
    ("values", [add("江北区", 2022, "funds", 5)], L(VAL, NEXT_VALUE_ROW, "年度"), "年度2022不在规划期（2023—2027年）内"),
    ("values", [add("江北区", 2028, "funds", 5)], L(VAL, NEXT_VALUE_ROW, "年度"), "年度2028不在规划期"),
    ("values", [add("江北区", 2024, "train_total", 1100)], L(VAL, NEXT_VALUE_ROW, "指标代码"),
     f"江北区2024年「培训干部总人次」填了两次（第{vrow('江北区', 2024, 'train_total')}行也有）"),
    ("values", [add("江北", "2024年", "train_total", 1100)], L(VAL, NEXT_VALUE_ROW, "指标代码"),
     "江北区2024年「培训干部总人次」填了两次"),
    ("values", [put(vrow("青山县", 2023, "cadres"), 3, "约120")], L(VAL, vrow("青山县", 2023, "cadres"), "数值"),
     "「数值」列应为数字，此处填的是「约120」"),
    ("values", [put(vrow("青山县", 2023, "cadres"), 3, "12人")], L(VAL, vrow("青山县", 2023, "cadres"), "数值"),
     "「数值」列应为数字，此处填的是「12人」"),
    ("values", [put(vrow("青山县", 2023, "cadres"), 3, "N/A")], L(VAL, vrow("青山县", 2023, "cadres"), "数值"),
     "「数值」列应为数字，此处填的是「N/A」"),
    ("values", [put(vrow("青山县", 2023, "cadres"), 3, "—")], L(VAL, vrow("青山县", 2023, "cadres"), "数值"),
     "「数值」列应为数字，此处填的是「—」"),
    ("values", [put(vrow("青山县", 2023, "cadres"), 3, "#DIV/0!")], L(VAL, vrow("青山县", 2023, "cadres"), "数值"),
     "「数值」列是 Excel 错误值 #DIV/0!"),
    ("values", [put(vrow("青山县", 2023, "cadres"), 3, "")], L(VAL, vrow("青山县", 2023, "cadres"), "数值"),
     "缺少数值"),
    ("values", [put(vrow("青山县", 2023, "cadres"), 3, -5)], L(VAL, vrow("青山县", 2023, "cadres"), "数值"),
     "「干部总数」不能是负数，此处为 -5"),
    ("values", [put(vrow("青山县", 2023, "funds"), 3, "-1.5")], L(VAL, vrow("青山县", 2023, "funds"), "数值"),
     "「培训经费」不能是负数，此处为 -1.5"),
    ("values", [put(vrow("青山县", 2023, "hours"), 3, -2)], L(VAL, vrow("青山县", 2023, "hours"), "数值"),
     "「人均学时」不能是负数"),
    ("values", [put(vrow("青山县", 2023, "pass_rate"), 3, 120)], L(VAL, vrow("青山县", 2023, "pass_rate"), "数值"),
     "「考核合格率」是百分比，应在 0 到 100 之间，此处为 120"),
    ("values", [put(vrow("青山县", 2023, "pass_rate"), 3, "-0.5%")],
     L(VAL, vrow("青山县", 2023, "pass_rate"), "数值"), "应在 0 到 100 之间，此处为 -0.5"),
    ("values", [put(vrow("青山县", 2023, "cadres"), 3, 12.5)], L(VAL, vrow("青山县", 2023, "cadres"), "数值"),
     "「干部总数」是计数类指标，应为整数，此处为 12.5"),
    ("values", [add("临江市", 2024, "cover_rate", 75)], L(VAL, NEXT_VALUE_ROW, "数值"),
     "「培训覆盖率」由分子、分母指标自动计算，不需要填写"),
    ("values", [put(vrow("临江市", 2024, "train_total"), 3, 9999)],
     L(VAL, vrow("临江市", 2024, "train_total"), "数值"),
     "「培训干部总人次」2024年各县（市、区）合计为 2640人次，与临江市的数值 9999人次 不一致"),
    ("values", [drop(i) for i in range(NEXT_VALUE_ROW - 1, 1, -1)], L(VAL), "中没有任何指标数据"),
    # region plan targets (年度 = 规划目标)
    ("values", [add("江北区", "规划目标", "funds", 30)], L(VAL, NEXT_VALUE_ROW, "年度"),
     "「培训经费」在指标目录中没有目标类型，无法使用这里填的规划目标"),
    ("values", [add("江北区", "规划目标", "partners", "x")], L(VAL, NEXT_VALUE_ROW, "年度"),
     "「合作院校」是文本类指标，不能填规划目标"),
    ("values", [add("江北区", "规划目标", "pass_rate", 120)], L(VAL, NEXT_VALUE_ROW, "数值"),
     "「考核合格率」的规划目标「120」超出范围"),
    ("values", [add("江北区", "规划目标", "train_total", "约两万")], L(VAL, NEXT_VALUE_ROW, "数值"),
     "「数值」列应为数字，此处填的是「约两万」"),
    ("values", [add("江北区", "规划目标", "train_total", "")], L(VAL, NEXT_VALUE_ROW, "数值"),
     "缺少规划目标的数值"),
    ("values", [add("江北区", "规划目标", "train_total", 9), add("江北", "目标", "train_total", 9)],
     L(VAL, NEXT_VALUE_ROW + 1, "指标代码"),
     f"江北区的规划目标「培训干部总人次」填了两次（第{NEXT_VALUE_ROW}行也有）"),
]


@pytest.mark.parametrize(("table", "edits", "location", "fragment"), BROKEN,
                         ids=[f"{t}-{i}" for i, (t, *_rest) in enumerate(BROKEN)])
def test_broken_copy_is_reported_at_its_cell(tmp_path, table, edits, location, fragment):
    problems, exc = problems_of(build(tmp_path, {table: edits}))
    problem = at(problems, location, fragment)
    assert problem.is_error
    assert exc.message.startswith("数据检查发现 ")
    assert location.file in exc.message


def test_at_least_fifteen_broken_copies():
    assert len(BROKEN) >= 15


def test_hints_say_what_to_do(tmp_path):
    problems, _ = problems_of(build(tmp_path, {
        "catalog": [put(3, 0, "Funds Total")],
        "values": [put(vrow("青山县", 2023, "cadres"), 3, ""),
                   add("江北区", 2024, "train_totl", 5), add("江北新区", 2024, "funds", 5)]}))
    hints = " ".join(p.hint for p in problems)
    assert "funds_total" in hints           # the code as it should be written
    assert "删除这一行" in hints              # what to do with an empty value
    assert "请改为「train_total」" in hints
    assert "请改为「江北区」" in hints


def test_region_short_names_and_defaults(tmp_path):
    regions = [*REGIONS, ["城区", "区", "临江", ""]]
    args = build(tmp_path, {"regions": [add(*regions[-1])],
                            "values": [add("青山", 2024, "partners", "x")]})
    args["options"] = DataOptions()
    # 城区 has no values, so the sums skip; 青山 (short name) resolves to 青山县
    ds = load_dataset(**args)
    assert [r.short for r in ds.regions] == ["临江", "江北", "青山", "云溪", "城区"]
    assert ds.region("城区").parent == "临江市"
    assert ds.get("青山县", "partners", 2024) == "x"


def test_region_plan_targets(tmp_path):
    ds = load_dataset(**build(tmp_path, {
        "catalog": [put(3, 6, "累计"), put(8, 6, "年度")],  # a type without a catalog target is fine
        "values": [add("江北区", "规划目标", "train_total", "12,000"),
                   add("青山县", "规划目标", "funds", 40),
                   add("临江市", " 规划目标 ", "cover_rate", "85%")]}))
    assert ds.targets == {("江北区", "train_total"): 12000, ("青山县", "funds"): 40,
                          ("临江市", "cover_rate"): 85}
    assert ds.years() == [2023, 2024]
    assert ds.indicators["funds"].target is None
    assert ds.indicators["funds"].target_type.value == "累计"


def test_county_sum_within_tolerance_or_incomplete_is_fine(tmp_path):
    city = vrow("临江市", 2024, "train_total")
    ds = load_dataset(**build(tmp_path, {"values": [put(city, 3, 2641)]}))
    assert ds.get("临江市", "train_total", 2024) == 2641
    county = vrow("青山县", 2024, "train_total")
    ds = load_dataset(**build(tmp_path, {"values": [put(city, 3, 9999), drop(county)]}))
    assert ds.get("临江市", "train_total", 2024) == 9999


def test_county_sum_message_names_indicator_year_sum_and_city_value(tmp_path):
    city = vrow("临江市", 2023, "funds")
    options = DataOptions(sum_tolerance=0.01)
    problems, _ = problems_of(build(tmp_path, {"values": [put(city, 3, 40)]}, options))
    p = at(problems, L(VAL, city, "数值"), "「培训经费」2023年")
    assert "合计为 30.75万元" in p.message and "数值 40万元" in p.message
    assert "允许误差 1%" in p.message and "汇总方式" in p.hint


def test_year_on_year_jumps_are_warnings(tmp_path):
    up, down = vrow("江北区", 2024, "hours"), vrow("云溪市", 2024, "hours")
    city = vrow("临江市", 2024, "hours")  # 人均学时 is 平均: the city stays the county mean
    ds = load_dataset(**build(tmp_path, {"values": [put(up, 3, 400), put(down, 3, 20),
                                                    put(city, 3, 172.7)]}))
    assert all(not w.is_error for w in ds.warnings) and len(ds.warnings) == 2
    up_warning = at(ds.warnings, L(VAL, up, "数值"), "「人均学时」变化异常：江北区2024年为 400")
    assert "是上年（100.5）的4倍" in up_warning.message
    assert "是上年（102）的1/5.1" in at(ds.warnings, L(VAL, down, "数值"), "云溪市2024年为 20").message


def test_jump_factor_and_zero_values(tmp_path):
    row, city = vrow("江北区", 2024, "hours"), vrow("临江市", 2024, "hours")
    ds = load_dataset(**build(tmp_path, {"values": [put(row, 3, 400), put(city, 3, 200)]},
                              DataOptions(yoy_jump_factor=5)))
    assert ds.warnings == []
    ds = load_dataset(**build(tmp_path, {"values": [put(row, 3, 0), put(city, 3, 66.7)]}))
    assert ds.warnings == []  # zero is not a jump of a factor


def test_missing_city_value_in_latest_year_warns_at_the_catalog_row(tmp_path):
    ds = load_dataset(**build(tmp_path, {"values": [drop(vrow("临江市", 2024, "partners"))]}))
    w = at(ds.warnings, L(CAT, 9, "指标代码"),
           "临江市2024年没有「合作院校」（partners）的数据，报告中该处将显示【待补】")
    assert not w.is_error and "补上" in w.hint


@pytest.mark.parametrize("optional", ["是", "否", None])
def test_optional_indicator_may_be_missing_without_a_warning(tmp_path, optional):
    edits = {"values": [drop(vrow("临江市", 2024, "partners")), drop(vrow("临江市", 2023, "partners"))]}
    if optional is not None:
        edits["catalog"] = [column("选填", {9: optional})]
    ds = load_dataset(**build(tmp_path, edits))
    assert not any(k[2] == "partners" for k in ds.values)
    if optional == "是":
        assert ds.warnings == []  # 选填: no value anywhere, and not a word about it
    else:
        at(ds.warnings, L(CAT, 9, "指标代码"), "临江市2024年没有「合作院校」（partners）的数据")


def test_warnings_are_listed_with_errors_in_the_error(tmp_path):
    problems, exc = problems_of(build(tmp_path, {"values": [
        drop(vrow("临江市", 2024, "partners")), put(vrow("江北区", 2024, "funds"), 3, "很多")]}))
    # the missing city value; no "could not check the sum" warning beside the rejected cell
    assert [p.severity for p in problems].count("warning") == 1
    assert exc.message.startswith("数据检查发现 1 个错误、1 个警告，请按下表逐项修改后重试。")
    assert exc.message.index("错误  ") < exc.message.index("警告  ")


def test_every_problem_of_every_file_in_one_error(tmp_path):
    problems, exc = problems_of(build(tmp_path, {
        "catalog": [put(4, 3, "小时")],
        "regions": [put(5, 1, "地级市")],
        "values": [put(vrow("江北区", 2023, "funds"), 3, "约12"), add("江北区", 2030, "funds", 1)],
    }))
    assert [p.location.file for p in problems] == [CAT, REG, VAL, VAL]
    assert exc.message.startswith("数据检查发现 4 个错误、0 个警告")
    assert [p.location.row for p in problems] == [4, 5, vrow("江北区", 2023, "funds"), NEXT_VALUE_ROW]
    for file in (CAT, REG, VAL):
        assert file in exc.message


def test_values_of_broken_catalog_rows_and_regions_are_not_reported_again(tmp_path):
    problems, _ = problems_of(build(tmp_path, {"catalog": [put(3, 3, "钱")],
                                               "regions": [put(3, 0, "江北 区")]}))
    assert len(problems) == 2  # the funds values and the 江北 values are not errors on top


# --- format_problems -----------------------------------------------------------------------

def _columns(table: str) -> list[int]:
    """Display offsets where the columns start, read from the dashes under the header."""
    rule = table.splitlines()[1]
    starts, pos, prev = [], 0, " "
    for ch in rule:
        if ch == "-" and prev == " ":
            starts.append(pos)
        pos += display_width(ch)
        prev = ch
    return starts


def _boundaries(line: str) -> dict[int, str]:
    """Display offset → the character starting there."""
    out, pos = {}, 0
    for ch in line:
        out[pos] = ch
        pos += display_width(ch)
    return out


SAMPLE = [
    Problem(Location("data/指标数据.xlsx", "2024年", 5, "数值"), "「数值」列应为数字，此处填的是「约120」",
            "请只填阿拉伯数字（如 120、56.5 或 56.5%）；单位、“约”等说明请写到「备注」列",
            severity="warning"),
    Problem(Location("data/地区.csv", None, 12, "地区名称"), "地区名称「青山 县」中间有空格" * 4,
            "地区名称会用在文件名里：请去掉空格和 / \\ : * ? \" < > | 等符号，不超过20个字"),
    Problem(Location("data/a_very_long_folder_name/another_folder/指标目录_最终版_2024.csv"),
            "short", ""),
    Problem(None, "没有指定指标数据文件", "请在配置文件中填写指标数据文件的路径"),
]


@pytest.mark.parametrize("width", [100, 110, 120, 200])
def test_format_problems_aligns_cjk_columns(width):
    table = format_problems(SAMPLE, width=width)
    lines = table.splitlines()
    assert lines[0].split() == ["级别", "位置", "问题", "处理建议"]
    starts = _columns(table)
    assert len(starts) == 4
    for line in lines:
        assert display_width(line) <= width
        cells = _boundaries(line)
        for start in starts[1:]:
            if display_width(line) <= start:
                continue
            assert start in cells, f"a wide character straddles column {start}: {line!r}"
            before = line[: list(cells).index(start)]
            assert before.endswith("  "), f"no gap before column {start}: {line!r}"
    body = "\n".join(lines[2:])
    assert body.index("错误") < body.index("警告")  # errors first
    assert "第5行「数值」列" in body and "工作表「2024年」" in body


def test_format_problems_keeps_ascii_words_whole():
    table = format_problems(SAMPLE, width=100)
    assert "56.5%" in table and "data/地区.csv" in table


def test_display_width_counts_cjk_twice():
    assert display_width("临江市A") == 7
    assert display_width("（）「」１") == 10
    assert display_width("e\u0301") == 1
    assert unicodedata.east_asian_width("临") == "W"


def test_format_problems_empty():
    assert format_problems([]) == "没有发现问题。"


# --- county sums that cannot be checked; 平均 and 加权平均 against the counties -------------

def test_county_sum_with_a_missing_county_value_says_which_counties(tmp_path):
    ds = load_dataset(**build(tmp_path, {"values": [drop(vrow("云溪市", 2024, "train_total")),
                                                    drop(vrow("青山县", 2024, "train_total"))]}))
    w = at(ds.warnings, L(VAL, vrow("临江市", 2024, "train_total"), "数值"),
           "「培训干部总人次」2024年缺少青山县、云溪市的数值")
    assert not w.is_error and "无法核对" in w.message and "合计" in w.message
    assert "补上" in w.hint


def test_mean_of_counties_is_reconciled_with_the_city_value(tmp_path):
    city = vrow("临江市", 2024, "hours")
    problems, _ = problems_of(build(tmp_path, {"values": [put(city, 3, 120)]}))
    p = at(problems, L(VAL, city, "数值"), "「人均学时」2024年各县（市、区）平均为 100.2学时")
    assert p.is_error and "与临江市的数值 120学时 不一致" in p.message
    assert "允许误差 0.5%" in p.message and "汇总方式" in p.hint


def test_weighted_mean_uses_the_weight_indicator(tmp_path):
    city = vrow("临江市", 2023, "pass_rate")
    problems, _ = problems_of(build(tmp_path, {"values": [put(city, 3, 90)]}))
    p = at(problems, L(VAL, city, "数值"), "「考核合格率」2023年各县（市、区）按「培训干部总人次」加权平均为 96.4%")
    assert p.is_error and "与临江市的数值 90% 不一致" in p.message
    # 96.9 is within the tolerance of the weighted mean 96.42, not of the plain mean 96.33
    ds = load_dataset(**build(tmp_path, {"values": [put(city, 3, 96.9)]}))
    assert not [w for w in ds.warnings if "加权" in w.message]


def test_mean_with_a_missing_county_or_weight_warns(tmp_path):
    ds = load_dataset(**build(tmp_path, {"values": [drop(vrow("江北区", 2024, "hours")),
                                                    drop(vrow("青山县", 2024, "train_total"))]}))
    # two rows above were dropped: the city's rows moved up by one or two
    at(ds.warnings, L(VAL, vrow("临江市", 2024, "hours") - 1, "数值"),
       "「人均学时」2024年缺少江北区的数值，无法核对各县（市、区）平均与临江市的数值是否一致")
    w = at(ds.warnings, L(VAL, vrow("临江市", 2024, "pass_rate") - 2, "数值"),
           "「考核合格率」2024年缺少青山县的权重「培训干部总人次」")
    assert "按「培训干部总人次」加权平均" in w.message
    assert all(not w.is_error for w in ds.warnings)


def test_county_sum_is_exact_for_decimal_figures(tmp_path):
    """0.1 + 0.2 is 0.3 here: with no tolerance at all, decimal figures that add up agree."""
    edits = [put(vrow("临江市", 2023, "funds"), 3, 0.3), put(vrow("江北区", 2023, "funds"), 3, 0.1),
             put(vrow("青山县", 2023, "funds"), 3, 0.2), put(vrow("云溪市", 2023, "funds"), 3, 0)]
    problems, _ = problems_of(build(tmp_path, {"values": edits}, DataOptions(sum_tolerance=0)))
    assert not [p for p in problems if "「培训经费」2023年各县（市、区）合计" in p.message]
    assert [p for p in problems if "「人均学时」2023年各县（市、区）平均" in p.message]  # checked


# --- issue 13: invisible and full-width characters name themselves ---------------------------

ODD = [
    ("values", [add("江北区", 2024, "train\u200b_total", 5)], L(VAL, NEXT_VALUE_ROW, "指标代码"),
     "指标代码「train_total」中含有看不见的字符“零宽空格”（U+200B），位于第5个字符之后，请删除"),
    ("values", [add("\ufeff江北区", 2024, "funds", 5)], L(VAL, NEXT_VALUE_ROW, "地区"),
     "地区「江北区」中含有看不见的字符“零宽不换行空格（字节顺序标记 BOM）”（U+FEFF），位于开头，请删除"),
    ("values", [add("江北区", 2024, "train\u00a0total", 5)], L(VAL, NEXT_VALUE_ROW, "指标代码"),
     "含有看起来像空格的字符“不换行空格”（U+00A0），位于第5个字符之后"),
    ("values", [add("江北区", 2024, "ｆｕｎｄｓ", 5)], L(VAL, NEXT_VALUE_ROW, "指标代码"),
     "指标代码「funds」中含有全角字符「ｆ」（第1个字符），请改为半角的「f」"),
    ("catalog", [put(3, 0, "fu\u200bnds")], L(CAT, 3, "指标代码"),
     "指标代码「funds」中含有看不见的字符“零宽空格”（U+200B），位于第2个字符之后，请删除"),
    ("catalog", [put(3, 0, "funds１")], L(CAT, 3, "指标代码"), "含有全角字符「１」（第6个字符）"),
    ("catalog", [put(5, 8, "train_total\ufeff")], L(CAT, 5, "权重指标"),
     "权重指标「train_total」中含有看不见的字符"),
    ("regions", [put(4, 0, "青山\u200b县")], L(REG, 4, "地区名称"),
     "地区名称「青山县」中含有看不见的字符“零宽空格”（U+200B），位于第2个字符之后，请删除"),
    ("regions", [put(4, 0, "青山\u00a0县")], L(REG, 4, "地区名称"), "“不换行空格”（U+00A0）"),
    ("regions", [put(3, 2, "临江市\u200b")], L(REG, 3, "上级"), "上级「临江市」中含有看不见的字符“零宽空格”"),
]


@pytest.mark.parametrize(("table", "edits", "location", "fragment"), ODD,
                         ids=[f"{t}-{i}" for i, (t, *_rest) in enumerate(ODD)])
def test_invisible_characters_are_named_and_placed(tmp_path, table, edits, location, fragment):
    problems, _ = problems_of(build(tmp_path, {table: edits}))
    assert at(problems, location, fragment).is_error


def test_invisible_characters_in_headers_and_numbers_are_ignored(tmp_path):
    """Headers and numbers are read leniently: a stray U+200B or U+FEFF there changes nothing."""
    row = vrow("青山县", 2023, "cadres")
    args = build(tmp_path, {"values": [put(1, 1, "年度\u200b"), put(1, 3, "\ufeff数值"),
                                       put(row, 3, "400\u200b")]})
    ds = load_dataset(**args)
    assert ds.values[("青山县", 2023, "cadres")].value == 400
    assert ds.values[("青山县", 2023, "cadres")].location.column == "数值"


# --- issue 13: a value far outside what the indicator allows ---------------------------------

def test_a_count_beyond_the_default_ceiling_is_an_error(tmp_path):
    row = vrow("青山县", 2024, "train_total")
    problems, _ = problems_of(build(tmp_path, {"values": [put(row, 3, "1e20")]}))
    p = at(problems, L(VAL, row, "数值"), "「培训干部总人次」为 100000000000000000000人次，超出合理范围")
    assert "合理上限" in p.hint and "100000000" in p.message
    assert not [q for q in problems if "变化异常" in q.message]


@pytest.mark.parametrize("code, value, ok", [
    ("train_total", 99_999_999, True), ("train_total", 100_000_001, False),
    ("funds", 999_999, True), ("funds", 2_000_000, False),      # 万元: up to 100亿元
    ("hours", 5000, True), ("hours", 5e8, False),
])
def test_default_ceilings_by_kind_and_unit(tmp_path, code, value, ok):
    from generator.data.values import ceiling

    ind = load_dataset(**build(tmp_path)).indicators[code]
    assert (value <= ceiling(ind)) is ok


def test_catalog_column_sets_the_plausible_ceiling(tmp_path):
    row = vrow("江北区", 2024, "hours")
    header = column("合理上限", {4: 200})
    problems, _ = problems_of(build(tmp_path, {"catalog": [header], "values": [put(row, 3, 250)]}))
    p = at(problems, L(VAL, row, "数值"), "「人均学时」为 250学时，超出合理范围（上限 200学时）")
    assert "指标目录" in p.hint
    target = add("江北区", "规划目标", "hours", 300)
    problems, _ = problems_of(build(tmp_path / "t", {"catalog": [header], "values": [target]}))
    at(problems, L(VAL, NEXT_VALUE_ROW, "数值"), "超出合理范围（上限 200学时）")
    for bad, says in (("很多", "合理上限「很多」不是数字"), (-3, "合理上限「-3」应大于 0")):
        problems, _ = problems_of(build(tmp_path / str(bad), {"catalog": [column("合理上限", {4: bad})]}))
        at(problems, L(CAT, 4, "合理上限"), says)


# --- issue 13: many repeats of one problem are grouped ---------------------------------------

def test_twenty_thousand_duplicate_rows_are_grouped(tmp_path):
    from generator.data import format_problems

    rows = value_rows()
    copies = [rows[i % len(rows)] for i in range(20_000)]
    args = make_city(tmp_path, values=copies)
    problems, exc = problems_of(args)
    duplicates = 20_000 - len(rows)
    assert sum(1 + p.omitted for p in problems if "填了两次" in p.message) == duplicates
    assert len(problems) < 200  # kept per region and kind, not one object per row
    text = format_problems(problems)
    assert f"同类问题共{duplicates}处，前20处如下：" in text
    assert len(text.splitlines()) < 150
    assert exc.message.startswith(f"数据检查发现 {duplicates} 个错误")
    assert len(exc.message.splitlines()) < 150


def test_unchecked_sums_can_be_left_out_where_values_were_rejected(tmp_path):
    from generator.data.validate import cross_check

    ds = load_dataset(**build(tmp_path, {"values": [drop(vrow("青山县", 2024, "train_total"))]}))
    regions, values = ds.regions, ds.values
    assert [p for p in cross_check(ds.indicators, regions, values, DataOptions()) if "无法核对" in p.message]
    assert not [p for p in cross_check(ds.indicators, regions, values, DataOptions(), unchecked=False)
                if "无法核对" in p.message]


def test_city_sums_from_counties_fill_only_missing_city_figures(tmp_path):
    """validation.city_sums_from_counties: the city's missing 求和 figure is its counties' sum,
    said in a warning; a given city figure is kept; with a county missing nothing is made up."""
    from generator.data.validate import derive_city_sums
    from generator.model import Combine, Indicator, Kind, Region, Value

    ind = {"t": Indicator("t", "培训人次", "人次", Kind.COUNT, combine=Combine.SUM)}
    regions = [Region("市", "市"), Region("甲县", "县", "市"), Region("乙县", "县", "市")]
    values = {("甲县", 2025, "t"): Value("甲县", 2025, "t", 10),
              ("乙县", 2025, "t"): Value("乙县", 2025, "t", 5),
              ("甲县", 2024, "t"): Value("甲县", 2024, "t", 8),            # 乙县 2024 missing
              ("市", 2023, "t"): Value("市", 2023, "t", 99),
              ("甲县", 2023, "t"): Value("甲县", 2023, "t", 50),
              ("乙县", 2023, "t"): Value("乙县", 2023, "t", 49)}
    problems = derive_city_sums(ind, regions, values)
    assert values[("市", 2025, "t")].value == 15
    assert values[("市", 2023, "t")].value == 99            # given: kept (the sum check judges it)
    assert ("市", 2024, "t") not in values                  # a county missing: not derived
    (p,) = problems
    assert not p.is_error and "市2025年的「培训人次」没有填写，已按各县（市、区）之和计算" in p.message
