"""generator.data.tables: reading .csv and .xlsx files, every sheet, every encoding."""

from __future__ import annotations

from pathlib import Path

import pytest

from generator.data import load_dataset, read_table
from generator.data.tables import display_name, read_sheets, resolve
from generator.errors import DataError
from generator.model import DataOptions, Location, ValueSource
from tests.data.edits import (
    errors_of,
    only,
)
from tests.data_fixtures import (
    REGIONS,
    REGIONS_HEADER,
    VALUES_HEADER,
    make_city,
    value_rows,
    write_csv,
    write_xlsx,
)

# --- CSV encodings and files that cannot be read ---------------------------------------


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


# --- read_sheets, resolve and display_name, without load_dataset -------------------------------

def test_read_sheets_gives_csv_rows_with_their_row_numbers(tmp_path):
    write_csv(tmp_path / "t.csv", ["地区", "数值"], [["江北区", 5], [], ["青山县", "1,234"]])
    sheets, problems = read_sheets(tmp_path / "t.csv", "t.csv")
    assert problems == []
    (sheet,) = sheets
    assert sheet.name is None and sheet.rows[0] == (1, ("地区", "数值"))
    assert [(n, cells[0]) for n, cells in sheet.rows[1:] if cells] == [(2, "江北区"), (4, "青山县")]
    sheets, problems = read_sheets(tmp_path / "nope.csv", "data/nope.csv")
    assert sheets == [] and problems[0].location == Location("data/nope.csv")
    assert "找不到文件「data/nope.csv」" in problems[0].message


def test_resolve_and_display_name(tmp_path):
    assert resolve("data/v.csv", tmp_path) == tmp_path / "data/v.csv"
    assert resolve(tmp_path / "v.csv", Path("/elsewhere")) == tmp_path / "v.csv"
    assert resolve("v.csv", None) == Path("v.csv")
    assert display_name(tmp_path / "data" / "v.csv", tmp_path) == "data/v.csv"
    assert display_name(tmp_path / "v.csv", tmp_path / "sub") == str(tmp_path / "v.csv")
    assert display_name(Path("v.csv"), None) == "v.csv"
