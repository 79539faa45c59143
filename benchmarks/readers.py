"""openpyxl (read_only, as generator/data/tables.py uses it) against python-calamine, the
Rust-backed reader, on the sample's workbook and on a 200,000-row values workbook.

Prints one table: the cold import time of each library (a fresh `python -c "import …"`, as the
short-lived CLI pays it) and the wall time to get every cell of the sheets reportgen reads.
"openpyxl, as read" is reportgen's openpyxl reader (`_read_xlsx_openpyxl`: cell objects, for the number
format that turns 0.565 shown as 56.5% into 56.5); "openpyxl values_only" is the library's
fastest path without number formats; calamine is `to_python(skip_empty_area=False)` (the
grid from A1, so row and column numbers stay the sheet's own); "reportgen fast path" is
`read_sheets` as it is now: the xlsx_fast checks on the zip's XML, then calamine. The big workbook is written
with openpyxl's write_only mode into a temporary folder and removed afterwards.

    python benchmarks/readers.py [--rows N] [--repeat N]

Without python-calamine installed its rows print "not installed".
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import tempfile
import time
import warnings
from pathlib import Path

import synthetic
from harness import PYTHON, REPO, median

SAMPLE = REPO / "data" / "指标数据.xlsx"


def import_time(module: str, repeat: int) -> float | None:
    """Median wall seconds of `python -c "import module"` minus that of `python -c pass`."""
    def once(code: str) -> float:
        start = time.perf_counter()
        done = subprocess.run([PYTHON, "-c", code], capture_output=True)
        if done.returncode:
            raise ModuleNotFoundError(module)
        return time.perf_counter() - start

    try:
        base = median([once("pass") for _ in range(repeat)])
        return median([once(f"import {module}") for _ in range(repeat)]) - base
    except ModuleNotFoundError:
        return None


def by_reportgen(path: Path) -> int:
    from generator.data.tables import _read_xlsx_openpyxl

    sheets, problems = _read_xlsx_openpyxl(path, path.name, (), False)
    assert not problems, problems
    return sum(len(cells) for sheet in sheets for _, cells in sheet.rows)


def by_fast_path(path: Path) -> int:
    """reportgen's `read_sheets` as it is: calamine after its checks (xlsx_fast), or openpyxl."""
    from generator.data import xlsx_fast
    from generator.data.tables import read_sheets

    before = xlsx_fast.PATHS_TAKEN["calamine"]
    sheets, problems = read_sheets(path, path.name)
    assert not problems, problems
    assert xlsx_fast.PATHS_TAKEN["calamine"] == before + 1, "fell back to openpyxl"
    return sum(len(cells) for sheet in sheets for _, cells in sheet.rows)


def by_values_only(path: Path) -> int:
    import openpyxl

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        wb = openpyxl.load_workbook(path, read_only=True, data_only=True)
    try:
        return sum(len(row) for ws in wb.worksheets for row in ws.iter_rows(values_only=True))
    finally:
        wb.close()


def by_calamine(path: Path) -> int:
    import python_calamine

    wb = python_calamine.CalamineWorkbook.from_path(str(path))
    try:
        return sum(len(row) for name in wb.sheet_names
                   for row in wb.get_sheet_by_name(name).to_python(skip_empty_area=False))
    finally:
        wb.close()


READERS = {"openpyxl, as read": by_reportgen, "openpyxl values_only": by_values_only,
           "calamine to_python": by_calamine, "reportgen fast path (checks + calamine)": by_fast_path}


def big_workbook(folder: Path, rows: int) -> Path:
    """`rows` rows of the sample's values repeated, as one sheet 指标数据 (write_only)."""
    import openpyxl

    original = synthetic.sample_values(REPO)
    wb = openpyxl.Workbook(write_only=True)
    ws = wb.create_sheet("指标数据")
    ws.append(list(synthetic.VALUE_HEADER))
    for i in range(rows):
        region, year, code, value, *rest = original[i % len(original)]
        ws.append([region, _number(year), code, _number(value), *rest])
    path = folder / "big.xlsx"
    wb.save(path)
    return path


def _number(text):
    """A number as Excel would store it ("2024" → 2024, "1.5" → 1.5), anything else as is."""
    if not isinstance(text, str):
        return text
    try:
        return float(text) if "." in text else int(text)
    except ValueError:
        return text


def timed(reader, path: Path, repeat: int) -> tuple[float, int]:
    cells, times = 0, []
    for _ in range(repeat):
        start = time.perf_counter()
        cells = reader(path)
        times.append(time.perf_counter() - start)
    return median(times), cells


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=200_000)
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    lines = [("figure", "seconds", "note")]
    for module in ("openpyxl", "python_calamine"):
        took = import_time(module, args.repeat)
        lines.append((f"cold import {module}", "not installed" if took is None else f"{took:.3f}",
                      f"median of {args.repeat}, minus a bare interpreter"))
    with tempfile.TemporaryDirectory(prefix="reportgen-readers-") as tmp:
        start = time.perf_counter()
        big = big_workbook(Path(tmp), args.rows)
        made = time.perf_counter() - start
        for label, path, repeat in (("sample", SAMPLE, args.repeat),
                                    (f"{args.rows:,} rows", big, max(1, args.repeat // 2))):
            for name, reader in READERS.items():
                try:
                    took, cells = timed(reader, path, repeat)
                except ModuleNotFoundError:
                    lines.append((f"{label}: {name}", "not installed", ""))
                    continue
                lines.append((f"{label}: {name}", f"{took:.3f}",
                              f"{cells:,} cells, median of {repeat}"))
        lines.append((f"writing the {args.rows:,}-row workbook", f"{made:.1f}", "openpyxl write_only"))
    width = max(len(line[0]) for line in lines)
    for figure, seconds, note in lines:
        print(f"{figure:<{width}}  {seconds:>13}  {note}")


if __name__ == "__main__":
    sys.path.insert(0, str(REPO))
    main()
