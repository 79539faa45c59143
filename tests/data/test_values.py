"""generator.data.values: indicator values and region plan targets, cell by cell."""

from __future__ import annotations

import pytest

from generator.data import load_dataset
from generator.data.values import ceiling
from tests.data.edits import (
    CAT,
    NEXT_VALUE_ROW,
    VAL,
    L,
    add,
    at,
    build,
    check_broken,
    column,
    drop,
    problems_of,
    put,
    vrow,
)

BROKEN = [
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
    ("values", [drop(i) for i in range(NEXT_VALUE_ROW - 1, 1, -1)], L(VAL), "中没有任何指标数据"),
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
    check_broken(tmp_path, table, edits, location, fragment)


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
