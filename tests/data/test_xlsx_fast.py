"""generator.data.xlsx_fast: the calamine path gives exactly what the openpyxl path gives, or
falls back to it. Every workbook is read both ways and the results compared."""

from __future__ import annotations

import datetime as dt
import shutil
from pathlib import Path

import openpyxl
import pytest

from generator.data import tables, xlsx_fast
from tests.data_fixtures import VALUES_HEADER, value_rows, write_xlsx
from tests.sample import ROOT, copy_sample, strip_year

pytest.importorskip("python_calamine")


def both(path: Path, wanted: tuple[str, ...] = (), first_only: bool = False):
    """(fast result or None, openpyxl result), after asserting they agree when fast is not None."""
    fast = xlsx_fast.read(path, path.name, wanted, first_only, tables._choose_sheets)
    slow = tables._read_xlsx_openpyxl(path, path.name, wanted, first_only)
    if fast is not None:
        assert fast == slow
        for (f_sheet, s_sheet) in zip(fast[0], slow[0], strict=True):
            for f_row, s_row in zip(f_sheet.rows, s_sheet.rows, strict=True):
                assert [type(v) for v in f_row[1]] == [type(v) for v in s_row[1]], f_row
    return fast, slow


def workbook(path: Path, sheets: dict[str, dict[str, object]], edit=None) -> Path:
    """Write {sheet: {cell ref: value}} with openpyxl; `edit(wb)` may add merges or formats."""
    wb = openpyxl.Workbook()
    wb.remove(wb.active)
    for name, cells in sheets.items():
        ws = wb.create_sheet(name)
        for ref, value in cells.items():
            ws[ref] = value
    if edit:
        edit(wb)
    wb.save(path)
    return path


def test_sample_workbooks_take_the_fast_path():
    paths = sorted((ROOT / "data").glob("*.xlsx"))
    assert paths
    for path in paths:
        fast, _ = both(path)
        assert fast is not None, path


def test_workbooks_the_suite_builds(tmp_path):
    rows = [VALUES_HEADER, *value_rows()]
    write_xlsx(tmp_path / "a.xlsx", {"2023年": rows[:8], "Sheet3": [], "填表说明": [["请按年度分表填写"]]})
    write_xlsx(tmp_path / "b.xlsx", {"数据": rows}, formats={("数据", 3, 4): "0.0%"})
    city = copy_sample(tmp_path / "city")
    strip_year(city, 2024)
    empty = openpyxl.Workbook()
    empty.active.title = "指标数据"
    empty.save(tmp_path / "empty.xlsx")
    assert both(tmp_path / "a.xlsx")[0] is not None
    assert both(tmp_path / "a.xlsx", ("2023年", " sheet3 ", "没有"))[0] is not None
    assert both(tmp_path / "a.xlsx", first_only=True)[0] is not None
    assert both(tmp_path / "b.xlsx")[0] is None  # percent format
    assert both(city / "data/指标数据.xlsx")[0] is not None
    assert both(tmp_path / "empty.xlsx")[0] is not None


def test_the_suites_forms(tmp_path):
    from generator.rounds.forms import write_forms

    city = copy_sample(tmp_path / "city")
    write_forms(city / "report.yaml", out=tmp_path / "forms")
    forms = sorted((tmp_path / "forms").rglob("*.xlsx"))
    assert forms
    for path in forms[:3]:
        both(path)  # forms carry formats: either path, but the same result


PLAIN = {
    "ints": {"A1": 1, "B1": 0, "C1": -7, "D1": 2024, "E1": 2 ** 40},
    "floats": {"A1": 2.5, "B1": -0.125, "C1": 1e-9, "D1": 123456.789, "E1": 0.1 + 0.2},
    "text and gaps": {"A1": "  地区 ", "C1": "数值", "A2": "临江市", "B2": None, "C2": 5,
                      "A5": "江北区", "D5": "   "},
    "leading empty area": {"C4": "地区", "D4": "年度", "C5": "临江市", "D5": 2023},
    "booleans": {"A1": True, "B1": False, "C1": "是"},
    "formulas": {"A1": 1, "B1": 2, "C1": "=A1+B1"},
    "指标数据": {"A1": "地区", "B1": "年度", "A2": "青山县", "B2": 2024},
}


def test_generated_plain_workbooks_match(tmp_path):
    for name, cells in PLAIN.items():
        path = workbook(tmp_path / "w.xlsx", {name: cells})
        fast, slow = both(path)
        assert fast is not None, name
    path = workbook(tmp_path / "many.xlsx", {"二〇二三年": PLAIN["ints"], "说明": {},
                                             "2024年 数据": PLAIN["text and gaps"]})
    fast, _ = both(path)
    assert fast is not None and [s.name for s in fast[0]] == ["二〇二三年", "说明", "2024年 数据"]
    fast, _ = both(path, ("2024年数据", "2025年"))
    assert fast is not None and "现有工作表：「二〇二三年」、「说明」、「2024年 数据」" in fast[1][0].message


def test_merged_title_row_and_styled_empty_cells(tmp_path):
    def edit(wb):
        ws = wb["表"]
        ws.merge_cells("A1:D1")
        ws["F3"].font = openpyxl.styles.Font(bold=True)  # a styled cell without a value
        ws.row_dimensions[9].height = 30                 # a row element with no cells

    cells = {"A1": "2024年度考核汇总", "A2": "地区", "B2": "数值", "A3": "临江市", "B3": 5}
    fast, slow = both(workbook(tmp_path / "m.xlsx", {"表": cells}, edit))
    assert fast is not None
    rows = slow[0][0].rows  # openpyxl writes no cells for the merged area's other cells
    assert rows[0] == (1, ("2024年度考核汇总",)) and rows[2] == (3, ("临江市", 5, *[None] * 4))
    assert rows[-1] == (9, ()) and rows[5] == (6, ())


def test_big_int_is_left_to_openpyxl(tmp_path):
    fast, slow = both(workbook(tmp_path / "b.xlsx", {"S": {"A1": 9007199254740993}}))
    (value,) = slow[0][0].rows[0][1]  # beyond 2**53 a float cannot tell which int was stored
    assert fast is None and type(value) is int


@pytest.mark.parametrize("edit", [
    lambda wb: setattr(wb["S"]["A1"], "number_format", "0.0%"),
    lambda wb: setattr(wb["S"]["A1"], "number_format", "0%"),
    lambda wb: setattr(wb["S"]["B1"], "value", dt.datetime(2024, 5, 6)),
    lambda wb: setattr(wb["S"]["B1"], "value", dt.date(2024, 5, 6)),
])
def test_percent_and_date_formats_fall_back(tmp_path, edit):
    fast, _ = both(workbook(tmp_path / "f.xlsx", {"S": {"A1": 0.965}}, edit))
    assert fast is None


def test_error_cell_falls_back(tmp_path):
    def edit(wb):
        cell = wb["S"]["B2"]
        cell.value, cell.data_type = "#N/A", "e"

    fast, slow = both(workbook(tmp_path / "e.xlsx", {"S": {"A1": "地区", "A2": 1}}, edit))
    assert fast is None and slow[0][0].rows[1] == (2, (1, "#N/A"))


def test_damaged_files_fall_back_to_openpyxls_messages(tmp_path):
    (tmp_path / "bad.xlsx").write_bytes(b"this is not a zip")
    fast, slow = both(tmp_path / "bad.xlsx")
    assert fast is None and "文件已损坏" in slow[1][0].message


def test_read_xlsx_counts_the_path_taken(tmp_path):
    before = dict(xlsx_fast.PATHS_TAKEN)
    tables.read_sheets(ROOT / "data/指标数据.xlsx", "v.xlsx")
    pct = workbook(tmp_path / "p.xlsx", {"S": {"A1": 0.5}},
                   lambda wb: setattr(wb["S"]["A1"], "number_format", "0%"))
    sheets, _ = tables.read_sheets(pct, "p.xlsx", content=pct.read_bytes())
    assert sheets[0].rows == [(1, (50.0,))]
    assert xlsx_fast.PATHS_TAKEN["calamine"] == before.get("calamine", 0) + 1
    assert xlsx_fast.PATHS_TAKEN["openpyxl"] == before.get("openpyxl", 0) + 1


def test_without_calamine_openpyxl_reads(tmp_path, monkeypatch):
    import sys

    monkeypatch.setitem(sys.modules, "python_calamine", None)
    path = shutil.copy(ROOT / "data/指标数据.xlsx", tmp_path / "v.xlsx")
    assert xlsx_fast.read(Path(path), "v.xlsx", (), False, tables._choose_sheets) is None
