"""Turning a sheet's header row into named columns, and rows into cells by column name."""

from __future__ import annotations

import difflib
import re
import unicodedata
from dataclasses import dataclass, field

from ..model import Location, Problem
from .numeric import INVISIBLE
from .tables import Sheet

# How far down a title block may push the header row ("2024年干部培训数据" above it).
_HEADER_SEARCH_ROWS = 10
_INVISIBLE = dict.fromkeys(map(ord, INVISIBLE))  # a pasted header may carry a zero-width space
_MARKERS = re.compile(r"(?:\((?:可选|选填|必填|非必填|optional|required)\)|\*)+$", re.IGNORECASE)


@dataclass(frozen=True)
class Field:
    """One column a table may have: its Chinese header and the other names it may go by."""

    key: str
    label: str
    aliases: tuple[str, ...] = ()
    required: bool = False

    def names(self) -> tuple[str, ...]:
        return (self.label, self.key, *self.aliases)


@dataclass
class Table:
    """A sheet whose header row has been understood."""

    file: str
    sheet: str | None
    header_row: int
    headers: dict[str, str]                      # field key -> header as the user wrote it
    fields: dict[str, Field]
    rows: list[Row] = field(default_factory=list)
    index: dict[str, int] = field(default_factory=dict)   # field key -> position in a row

    def location(self, key: str | None = None, row: int | None = None) -> Location:
        return Location(self.file, self.sheet, row, self.column(key) if key else None)

    def column(self, key: str) -> str:
        return self.headers.get(key) or self.fields[key].label


@dataclass(slots=True)
class Row:
    """One data row: its cells as read (shared with the sheet, not copied: a values file may
    have 200,000 rows) and its row number as Excel shows it."""

    table: Table
    number: int
    values: tuple

    def get(self, key: str):
        """The cell of field `key`, None when empty or the column is absent."""
        i = self.table.index.get(key)
        return self.values[i] if i is not None and i < len(self.values) else None

    def loc(self, key: str | None = None) -> Location:
        return self.table.location(key, self.number)


def header_key(text: object) -> str:
    """The form headers are compared in: ' 指标代码（可选）' and 'Code' → '指标代码', 'code'."""
    norm = "".join(unicodedata.normalize("NFKC", str(text)).translate(_INVISIBLE).split())
    norm = _MARKERS.sub("", norm).lstrip("*")
    return norm.replace("_", "").replace("-", "").lower()


def map_sheet(sheet: Sheet, file: str, fields: list[Field], what: str,
              skip_unrecognised: bool = False) -> tuple[Table | None, list[Problem]]:
    """The sheet as a Table, or None with the problems that make its rows unusable.

    `what` names the table in messages (指标目录, 地区表, 指标数据). With `skip_unrecognised`
    a sheet without any known header is left out with a warning (e.g. a 填表说明 sheet).
    """
    lookup = {header_key(name): f for f in fields for name in f.names()}
    where = Location(file, sheet.name)
    place = f"工作表「{sheet.name}」" if sheet.name else f"「{file}」"
    header_row, cells, known = _find_header(sheet, lookup, fields)
    if header_row is None:
        if skip_unrecognised:
            return None, []  # an empty sheet such as Excel's default Sheet2
        return None, [Problem(where, f"{place}是空的，没有{what}", "请检查是否选错了文件或工作表")]
    if known == 0 and skip_unrecognised:
        wanted = "".join(f"「{f.label}」" for f in fields if f.required)
        return None, [Problem(where, f"已跳过{place}：其中没有{wanted}等列，不是{what}",
                              "如果这个工作表里有要用的数据，请把列名改成上面这些名称；否则可忽略此提示",
                              severity="warning")]

    table = Table(file, sheet.name, header_row, {}, {f.key: f for f in fields})
    columns, unknown, problems = _map_columns(table, cells, lookup)
    problems += _missing_columns(table, fields, columns, unknown, what)
    if any(p.is_error for p in problems):
        return None, problems

    table.index = columns
    positions = sorted(columns.values())
    for number, values in sheet.rows:
        if number <= header_row:
            continue
        if all(i >= len(values) or values[i] is None for i in positions):
            continue  # blank row, or only unmapped columns such as a pre-filled 序号
        table.rows.append(Row(table, number, values))
    return table, problems


def _map_columns(table: Table, cells, lookup: dict[str, Field]):
    """(field key → column position, headers not recognised, problems) of the header row
    `cells`; records each recognised header as written in `table.headers`."""
    problems: list[Problem] = []
    columns: dict[str, int] = {}
    unknown: list[str] = []
    for index, raw in enumerate(cells):
        if raw is None:
            continue
        written = str(raw).translate(_INVISIBLE).strip()
        f = lookup.get(header_key(raw))
        if f is None:
            unknown.append(written)
        elif f.key in columns:
            problems.append(Problem(
                Location(table.file, table.sheet, table.header_row, written),
                f"「{f.label}」列出现了两次（第{_letter(columns[f.key])}列和第{_letter(index)}列）",
                "请删除多余的一列，或把它改成别的列名"))
        else:
            columns[f.key] = index
            table.headers[f.key] = written
    return columns, unknown, problems


def _missing_columns(table: Table, fields: list[Field], columns: dict[str, int],
                     unknown: list[str], what: str) -> list[Problem]:
    """A problem for each required column the header row lacks, guessing a misspelling."""
    problems: list[Problem] = []
    header_row = table.header_row
    for f in fields:
        if f.required and f.key not in columns:
            guess = _closest(f, unknown)
            maybe = f"（是否把「{guess}」写错了？）" if guess else ""
            problems.append(Problem(
                Location(table.file, table.sheet, header_row, guess), f"{what}缺少「{f.label}」列{maybe}",
                f"请在第{header_row}行（列名所在行）" +
                (f"把「{guess}」改为「{f.label}」" if guess else f"加上「{f.label}」列")))
    return problems


def _find_header(sheet: Sheet, lookup: dict[str, Field], fields: list[Field]):
    """(row number, cells, how many known headers) of the header row.

    That is the first row naming at least two known columns (a title block may sit above
    it), else the first non-empty row; (None, (), 0) for an empty sheet.
    """
    need = min(2, len(fields))
    first = None
    for number, values in sheet.rows[:_HEADER_SEARCH_ROWS]:
        known = {lookup[k].key for v in values if v is not None and (k := header_key(v)) in lookup}
        if first is None and any(v is not None for v in values):
            first = (number, values, len(known))
        if len(known) >= need:
            return number, values, len(known)
    if first is None:
        if any(any(v is not None for v in values) for _, values in sheet.rows):
            number, values = next((n, v) for n, v in sheet.rows if any(c is not None for c in v))
            return number, values, 0
        return None, (), 0
    return first


def _closest(f: Field, headers: list[str]) -> str | None:
    """The header present that most resembles the missing one (指标编码 for 指标代码)."""
    best, score = None, 0.0
    for written in headers:
        key = header_key(written)
        for name in f.names():
            ratio = difflib.SequenceMatcher(None, key, header_key(name)).ratio()
            if ratio > score:
                best, score = written, ratio
    return best if score >= 0.5 else None


def _letter(index: int) -> str:
    """Column letter as Excel shows it: 0 → A, 26 → AA."""
    letters = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        letters = chr(65 + rest) + letters
    return letters
