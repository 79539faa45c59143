"""generator.data.validate: county sums and means against the city, year-on-year jumps, missing figures."""

from __future__ import annotations

import pytest

from generator.data import load_dataset
from generator.data.validate import cross_check, derive_city_sums
from generator.model import Combine, DataOptions, Kind
from tests.data.edits import (
    CAT,
    VAL,
    L,
    at,
    build,
    check_broken,
    column,
    drop,
    problems_of,
    put,
    vrow,
)


def test_county_sum_that_disagrees_is_an_error_at_the_city_cell(tmp_path):
    city = vrow("临江市", 2024, "train_total")
    check_broken(tmp_path, "values", [put(city, 3, 9999)], L(VAL, city, "数值"),
                 "「培训干部总人次」2024年各县（市、区）合计为 2640人次，与临江市的数值 9999人次 不一致")


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


def test_unchecked_sums_can_be_left_out_where_values_were_rejected(tmp_path):

    ds = load_dataset(**build(tmp_path, {"values": [drop(vrow("青山县", 2024, "train_total"))]}))
    regions, values = ds.regions, ds.values
    assert [p for p in cross_check(ds.indicators, regions, values, DataOptions()) if "无法核对" in p.message]
    assert not [p for p in cross_check(ds.indicators, regions, values, DataOptions(), unchecked=False)
                if "无法核对" in p.message]


def test_city_sums_from_counties_fill_only_missing_city_figures(tmp_path):
    """validation.city_sums_from_counties: the city's missing 求和 figure is its counties' sum,
    said in a warning; a given city figure is kept; with a county missing nothing is made up."""
    from generator.model import Indicator, Region, Value

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
