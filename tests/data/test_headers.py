"""generator.data.headers: finding the header row and mapping columns by any of their names."""

from __future__ import annotations

import pytest

from generator.data import load_dataset
from generator.data.headers import Field, header_key, map_sheet
from generator.data.tables import Sheet
from generator.model import Location
from tests.data.edits import (
    CAT,
    REG,
    VAL,
    L,
    build,
    check_broken,
    put,
    vrow,
)
from tests.data_fixtures import (
    CATALOG,
    REGIONS,
    VALUES_HEADER,
    make_city,
    value_rows,
    write_csv,
)


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


# --- missing or doubled columns, one defect per copy ----------------------------------------


BROKEN = [
    ("catalog", [put(1, 0, "指标编码")], L(CAT, 1, "指标编码"),
     "指标目录缺少「指标代码」列（是否把「指标编码」写错了？）"),
    ("catalog", [put(1, 12, "指标名称")], L(CAT, 1, "指标名称"), "「指标名称」列出现了两次（第B列和第M列）"),
    ("regions", [put(1, 0, "名称")], L(REG, 1, "名称"), "地区表缺少「地区名称」列（是否把「名称」写错了？）"),
    ("values", [put(1, 3, "值")], L(VAL, 1, "值"), "指标数据缺少「数值」列（是否把「值」写错了？）"),
    ("values", [put(1, 1, "时间")], L(VAL, 1), "指标数据缺少「年度」列"),
]


@pytest.mark.parametrize(("table", "edits", "location", "fragment"), BROKEN,
                         ids=[f"{t}-{i}" for i, (t, *_rest) in enumerate(BROKEN)])
def test_broken_copy_is_reported_at_its_cell(tmp_path, table, edits, location, fragment):
    check_broken(tmp_path, table, edits, location, fragment)


def test_invisible_characters_in_headers_and_numbers_are_ignored(tmp_path):
    """Headers and numbers are read leniently: a stray U+200B or U+FEFF there changes nothing."""
    row = vrow("青山县", 2023, "cadres")
    args = build(tmp_path, {"values": [put(1, 1, "年度\u200b"), put(1, 3, "\ufeff数值"),
                                       put(row, 3, "400\u200b")]})
    ds = load_dataset(**args)
    assert ds.values[("青山县", 2023, "cadres")].value == 400
    assert ds.values[("青山县", 2023, "cadres")].location.column == "数值"


# --- header_key and map_sheet on a sheet, without files ---------------------------------------

def test_header_key_ignores_spaces_marks_width_and_case():
    assert header_key(" 指标代码（可选）") == header_key("指标代码*") == "指标代码"
    assert header_key("Target_Type") == header_key("target-type") == "targettype"
    assert header_key("年度\u200b") == "年度"
    assert header_key("数值") != header_key("值")


def test_map_sheet_finds_the_header_below_a_title_and_maps_aliases():
    fields = [Field("region", "地区", ("region",), required=True), Field("value", "数值", required=True),
              Field("note", "备注")]
    sheet = Sheet("表1", [(1, ("2024年数据",)), (3, ("序号", "Region", "数值")),
                         (4, (1, "江北区", 5)), (5, (2, None, None)), (6, (3, "青山县", 7))])
    table, problems = map_sheet(sheet, "v.xlsx", fields, "指标数据")
    assert problems == [] and table.header_row == 3
    assert [(r.number, r.get("region"), r.get("value"), r.get("note")) for r in table.rows] == [
        (4, "江北区", 5, None), (6, "青山县", 7, None)]
    assert table.rows[0].loc("region") == Location("v.xlsx", "表1", 4, "Region")
    table, problems = map_sheet(Sheet("表1", [(1, ("地区",))]), "v.xlsx", fields, "指标数据")
    assert table is None and [p.location for p in problems] == [Location("v.xlsx", "表1", 1)]
    assert "指标数据缺少「数值」列" in problems[0].message
