"""A fast path for .xlsx files: python-calamine, used only where its result is exactly openpyxl's.

`read` gives what `tables._read_xlsx` gives through openpyxl (read_only, data_only, after
reset_dimensions) for the same file, or None whenever that cannot be guaranteed; the caller
then reads the file with openpyxl. Cheap checks on the zip's XML (stdlib zipfile and byte
searches) decide before calamine runs:

- no cell style with a percent or date/time number format (openpyxl turns those into
  percentages by our reader and datetimes by itself; calamine gives neither);
- no error cells (t="e"), ISO date cells (t="d"), carriage returns, `_xHHHH_` escapes,
  phonetic runs or prefixed element names, whose reading may differ;
- every row and cell carries its reference, rows come in order, and no number is stored as
  an integral value with a '.' or exponent (openpyxl gives float, calamine cannot tell).

The rows' lengths come from the sheet XML (openpyxl pads a row to its last <c> element and
gives () for a row with no cells); calamine gives the values. Integral floats become int, as
openpyxl reads a number stored without '.' or exponent; beyond 2**53 the value is not exact.
"""

from __future__ import annotations

import html
import io
import math
import posixpath
import re
import zipfile
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

from ..model import Problem

# Which reader served each .xlsx read in this process: "calamine" or "openpyxl".
PATHS_TAKEN: Counter[str] = Counter()

# Built-in number formats that are neither percent (9, 10) nor dates or times.
_PLAIN_BUILTIN = frozenset({0, 1, 2, 3, 4, 5, 6, 7, 8, 11, 12, 13, 37, 38, 39, 40, 41, 42, 43, 44,
                            48, 49})
_FIRST_CUSTOM = 164
_ATTR = re.compile(rb'([\w:]+)="([^"]*)"')
_SHEET = re.compile(rb"<sheet\b([^>]*)>")
_RELATIONSHIP = re.compile(rb"<Relationship\b([^>]*)>")
_NUMFMT = re.compile(rb"<numFmt\b([^>]*)>")
_XF = re.compile(rb"<xf\b([^>]*)>")
_CELL_XFS = re.compile(rb"<cellXfs\b.*?</cellXfs>", re.S)
_ROW = re.compile(rb'<row r="([0-9]+)"')
_LAST_CELL = re.compile(rb'<c r="([A-Z]{1,3})([0-9]+)"[^<]*+(?:<(?!c[\s>/]|/row>)[^<]*+)*+</row>')
_PREFIXED = re.compile(rb"</?[A-Za-z_][\w.-]*:(?:row|c|v|is|t|r|si|sheetData)\b")
_ESCAPE = re.compile(rb"_x[0-9A-Fa-f]{4}_")
_INTEGRAL_FLOAT = re.compile(rb"<v>\s*[-+]?[0-9]*\.0*\s*</v>")
_EXPONENT = re.compile(rb"<v>\s*([-+]?[0-9.]+[eE][-+]?[0-9]+)\s*</v>")
_DATE_LETTERS = re.compile(r"[dmhysDMHYS%]")
_EXACT = 2 ** 53


class Fallback(Exception):
    """The fast path cannot guarantee openpyxl's result for this file."""


@dataclass(frozen=True, eq=False)
class Part:
    """One worksheet as workbook.xml names it, and its XML part in the zip."""

    title: str
    xml: str


def read(path: Path | io.BytesIO, file: str, wanted: tuple[str, ...], first_only: bool,
         choose) -> tuple[list, list[Problem]] | None:
    """The sheets and problems openpyxl's path would give, or None: read with openpyxl."""
    try:
        import python_calamine
    except ImportError:
        return None
    try:
        return _read(python_calamine, path, file, wanted, first_only, choose)
    except Exception:  # noqa: BLE001 - Fallback, or anything calamine or zipfile raises
        return None
    finally:
        if isinstance(path, io.BytesIO):
            path.seek(0)


def _read(calamine, path, file, wanted, first_only, choose):
    from .tables import Sheet

    with zipfile.ZipFile(path) as archive:
        parts, rels = _worksheets(archive)
        _check_styles(archive, rels)
        _check_strings(archive, rels)
        chosen, problems = choose(parts, [p.title for p in parts], wanted, first_only, file)
        layouts = [_layout(archive.read(part.xml)) for part in chosen]
    if isinstance(path, io.BytesIO):
        path.seek(0)
        book = calamine.CalamineWorkbook.from_filelike(path)
    else:
        book = calamine.CalamineWorkbook.from_path(str(path))
    try:
        if not {p.title for p in chosen} <= set(book.sheet_names):
            raise Fallback
        sheets = [Sheet(part.title, _rows(book.get_sheet_by_name(part.title)
                                          .to_python(skip_empty_area=False), *layout))
                  for part, layout in zip(chosen, layouts, strict=True)]
    finally:
        book.close()
    return sheets, problems


def _attrs(raw: bytes) -> dict[str, str]:
    return {k.decode(): html.unescape(v.decode("utf-8")) for k, v in _ATTR.findall(raw)}


def _worksheets(archive: zipfile.ZipFile) -> tuple[list[Part], dict[str, str]]:
    """The worksheets in workbook order, and the workbook's other parts by relationship type."""
    names = set(archive.namelist())
    rels: dict[str, dict[str, str]] = {}
    for raw in _RELATIONSHIP.findall(archive.read("xl/_rels/workbook.xml.rels")):
        attrs = _attrs(raw)
        target = attrs["Target"]
        target = target[1:] if target.startswith("/") else posixpath.normpath("xl/" + target)
        rels[attrs["Id"]] = {"type": attrs["Type"].rsplit("/", 1)[-1], "target": target}
    parts = []
    for raw in _SHEET.findall(archive.read("xl/workbook.xml")):
        attrs = _attrs(raw)
        ids = [v for k, v in attrs.items() if k.endswith(":id")]
        rel = rels[ids[0]] if len(ids) == 1 else None
        if rel is None or rel["type"] != "worksheet" or rel["target"] not in names:
            raise Fallback  # chartsheets, macro sheets, missing parts: openpyxl decides
        parts.append(Part(attrs["name"], rel["target"]))
    if not parts:
        raise Fallback
    others = {rel["type"]: rel["target"] for rel in rels.values() if rel["type"] != "worksheet"}
    return parts, others


def _optional_part(archive: zipfile.ZipFile, rels: dict[str, str], kind: str,
                   usual: str) -> bytes | None:
    """A workbook part openpyxl reads by its usual name; elsewhere means falling back."""
    if rels.get(kind, usual) != usual:
        raise Fallback
    try:
        return archive.read(usual)
    except KeyError:
        return None


def _check_styles(archive: zipfile.ZipFile, rels: dict[str, str]) -> None:
    """Falls back when any cell style has a percent, date or time number format."""
    data = _optional_part(archive, rels, "styles", "xl/styles.xml")
    if data is None:
        return
    cell_xfs = _CELL_XFS.search(data)
    if cell_xfs is None:
        if b"cellXfs" in data:
            raise Fallback
        return
    custom = {}
    for raw in _NUMFMT.findall(data):
        attrs = _attrs(raw)
        custom[int(attrs["numFmtId"])] = attrs.get("formatCode", "")
    for raw in _XF.findall(cell_xfs.group()):
        number = int(_attrs(raw).get("numFmtId", "0"))
        if number in custom:
            plain = not _DATE_LETTERS.search(custom[number]) and (
                number >= _FIRST_CUSTOM or number in _PLAIN_BUILTIN)
        else:
            plain = number in _PLAIN_BUILTIN
        if not plain:
            raise Fallback


def _check_strings(archive: zipfile.ZipFile, rels: dict[str, str]) -> None:
    """Falls back on shared strings whose text openpyxl and calamine may read differently."""
    data = _optional_part(archive, rels, "sharedStrings", "xl/sharedStrings.xml")
    if data is None:
        return
    if b"\r" in data or b"<rPh" in data or b"x005F_" in data or _ESCAPE.search(data) \
            or _PREFIXED.search(data):
        raise Fallback


def _layout(xml: bytes) -> tuple[int, dict[int, int]]:
    """The number of rows openpyxl yields and the length of each row that has cells."""
    if (b't="e"' in xml or b't="d"' in xml or b"t='" in xml or b"\r" in xml
            or _ESCAPE.search(xml) or _PREFIXED.search(xml) or _INTEGRAL_FLOAT.search(xml)):
        raise Fallback
    if xml.count(b"<c ") + xml.count(b"<c>") != xml.count(b'<c r="') \
            or xml.count(b"<row ") + xml.count(b"<row>") != xml.count(b'<row r="'):
        raise Fallback
    if any(float(text).is_integer() for text in _EXPONENT.findall(xml)):
        raise Fallback
    rows = [int(r) for r in _ROW.findall(xml)]
    if any(a >= b for a, b in zip(rows, rows[1:], strict=False)):
        raise Fallback
    widths: dict[int, int] = {}
    last = 0
    for letters, digits in _LAST_CELL.findall(xml):
        number = int(digits)
        if number <= last:
            raise Fallback
        last = number
        widths[number] = _column(letters)
    if widths and (last > rows[-1] or not set(widths) <= set(rows)):
        raise Fallback
    return (rows[-1] if rows else 0), widths


def _column(letters: bytes) -> int:
    number = 0
    for letter in letters:
        number = number * 26 + letter - 64
    return number


def _rows(grid: list[list], total: int, widths: dict[int, int]) -> list[tuple[int, tuple]]:
    """openpyxl's rows from calamine's grid (from A1): each cut to its XML length."""
    if any(any(cells) for cells in grid[total:]):
        raise Fallback
    rows: list[tuple[int, tuple]] = []
    for number in range(1, total + 1):
        width = widths.get(number, 0)
        cells = grid[number - 1] if number <= len(grid) else []
        if any(cells[width:]):
            raise Fallback
        values = [_value(v) for v in cells[:width]]
        values.extend([None] * (width - len(values)))
        rows.append((number, tuple(values)))
    return rows


def _value(value):
    """One calamine value as openpyxl's path gives it (`tables._clean` included)."""
    kind = type(value)
    if kind is str:
        value = value.strip()
        return value or None
    if kind is float:
        if value.is_integer():
            if abs(value) >= _EXACT:
                raise Fallback
            return int(value)
        if not math.isfinite(value):
            raise Fallback
        return value
    if kind is bool or kind is int:
        return value
    raise Fallback  # dates, times, durations: the styles check should have kept them out
