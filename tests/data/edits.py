"""Shared helpers of tests/data: broken copies of the fixture city and finding their problems."""

from __future__ import annotations

import copy

import pytest

from generator.data import load_dataset
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


def errors_of(**args):
    with pytest.raises(DataError) as info:
        load_dataset(**args)
    return [p for p in info.value.problems if p.is_error], info.value


def only(problems, fragment):
    found = [p for p in problems if fragment in p.message]
    assert len(found) == 1, [p.message for p in problems]
    return found[0]


def check_broken(tmp_path, table, edits, location, fragment):
    """The copy with `edits` applied to `table` fails with an error at `location` saying `fragment`."""
    problems, exc = problems_of(build(tmp_path, {table: edits}))
    problem = at(problems, location, fragment)
    assert problem.is_error
    assert exc.message.startswith("数据检查发现 ")
    assert location.file in exc.message
