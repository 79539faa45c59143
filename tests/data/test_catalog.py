"""generator.data.catalog: the indicator catalog's rows, references and optional column."""

from __future__ import annotations

import pytest

from generator.data import load_dataset
from generator.data.catalog import load_catalog
from generator.data.tables import Sheet
from generator.model import Kind, Location
from tests.data.edits import (
    CAT,
    L,
    add,
    check_broken,
    column,
    put,
)
from tests.data_fixtures import (
    CATALOG,
    CATALOG_HEADER,
    catalog_with_column,
    make_city,
    write_csv,
    write_xlsx,
)

BROKEN = [
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
]


@pytest.mark.parametrize(("table", "edits", "location", "fragment"), BROKEN,
                         ids=[f"{t}-{i}" for i, (t, *_rest) in enumerate(BROKEN)])
def test_broken_copy_is_reported_at_its_cell(tmp_path, table, edits, location, fragment):
    check_broken(tmp_path, table, edits, location, fragment)


def test_at_least_fifteen_broken_copies():
    assert len(BROKEN) >= 15


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


# --- load_catalog on a sheet, without files ------------------------------------------------

def _sheet(header, rows):
    """A sheet as tables.read_sheets gives it: empty cells are None."""
    cells = [tuple(None if c == "" else c for c in row) for row in [header, *rows]]
    return Sheet(None, list(enumerate(cells, 1)))


def test_load_catalog_reads_a_sheet_and_marks_broken_rows():
    catalog, problems = load_catalog(_sheet(CATALOG_HEADER, CATALOG), "目录.csv")
    assert problems == [] and catalog.broken == set()
    assert list(catalog.indicators) == [row[0] for row in CATALOG]
    funds = catalog.indicators["funds"]
    assert funds.kind is Kind.AMOUNT and funds.decimals == 2 and funds.target is None
    assert funds.location == Location("目录.csv", None, 3, "指标代码")
    rows = [list(r) for r in CATALOG]
    rows[1][3] = "钱"  # funds: a kind nobody knows
    catalog, problems = load_catalog(_sheet(CATALOG_HEADER, rows), "目录.csv")
    assert catalog.broken == {"funds"} and "funds" not in catalog.indicators
    assert catalog.names["funds"] == "培训经费"
    assert [p.location for p in problems] == [Location("目录.csv", None, 3, "类型")]


def test_load_catalog_of_a_header_only_sheet_says_so_once():
    catalog, problems = load_catalog(_sheet(CATALOG_HEADER, []), "目录.csv")
    assert catalog.indicators == {}
    (problem,) = problems
    assert problem.is_error and "指标目录中没有任何指标" in problem.message
