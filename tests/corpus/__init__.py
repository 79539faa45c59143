"""The bad-input corpus: careless and hostile inputs, each with the behaviour the README promises.

Each module in this package (one per area: config, data, templates, files, corrections …)
exposes `CASES`, a list of `Case`. tests/test_corpus.py runs every case on a private copy of
the sample folder that already holds a good build in output/, and checks, besides the case's
own expectations, what holds for every bad input:

- the exit code is non-zero (or the one the case names);
- the output names the problem in Chinese (`expect`: substrings that must all appear);
- no Python traceback, from the main process or a worker;
- the output folder is as it was: no file changed, none added (no temporary file left),
  unless the case says which new files it may add.

Write a case as data, not as a test function, so the corpus can count itself.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path


@dataclass(frozen=True)
class Case:
    """One bad input: how to break a copy of the sample, what to run, what must be said."""

    name: str
    setup: Callable[[Path], None]          # breaks the sample copy at this folder
    args: tuple[str, ...] = ("check",)      # CLI arguments (-c <copy>/report.yaml is added)
    expect: tuple[str, ...] = ()            # substrings the output must contain
    exit_code: int | None = None            # None: any non-zero
    may_add: tuple[str, ...] = ()           # regexes of output paths the case may create
    config: str = "report.yaml"             # the config file to pass with -c (relative)
    env: dict[str, str] = field(default_factory=dict)


# --- helpers for setups --------------------------------------------------------------------

def edit_text(path: Path, old: str, new: str, *, count: int = 1, encoding: str = "utf-8") -> None:
    """Replace `old` by `new` in a text file; fails loudly when `old` is not there."""
    text = path.read_text(encoding="utf-8-sig")
    if old not in text:
        raise AssertionError(f"{path.name}: 「{old}」 not found")
    path.write_text(text.replace(old, new, count), encoding=encoding)


def write(path: Path, text: str, encoding: str = "utf-8") -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding=encoding)


def values_csv(root: Path, edit: Callable[[list[list]], list[list]] | None = None) -> Path:
    """Turn the sample workbook into data/values.csv (optionally edited) and use it instead."""
    import csv

    from openpyxl import load_workbook

    ws = load_workbook(root / "data" / "指标数据.xlsx", read_only=True)["指标数据"]
    rows = [list(r) for r in ws.iter_rows(values_only=True)]
    if edit:
        rows = edit(rows)
    out = root / "data" / "values.csv"
    with open(out, "w", encoding="utf-8", newline="") as fh:
        csv.writer(fh).writerows(rows)
    edit_text(root / "report.yaml", "- path: data/指标数据.xlsx\n      sheets: [指标数据]",
              "- path: data/values.csv")
    return out


def set_value(rows: list[list], region: str, year, code: str, value) -> list[list]:
    """In value rows (header first), set the 数值 of one region/year/code."""
    header = rows[0]
    ri, yi, ci, vi = (header.index(h) for h in ("地区", "年度", "指标代码", "数值"))
    for r in rows[1:]:
        if r[ri] == region and str(r[yi]) == str(year) and r[ci] == code:
            r[vi] = value
            return rows
    raise AssertionError(f"no row {region} {year} {code}")


TRACEBACK = re.compile(r"Traceback \(most recent call last\)|^\s+File \".*\", line \d+", re.M)
