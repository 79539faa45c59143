"""The data stage: indicator catalog, regions and values from .xlsx/.csv, validated together.

`load_dataset` reads every file, collects every problem of every file in one pass, and
either returns a `Dataset` (with warnings) or raises one `DataError` listing them all.

Must not import python-docx, matplotlib or jinja2, nor the output stage: a cache of read
files is handed in by the caller (`cache`, build.load_data).
"""

from __future__ import annotations

from pathlib import Path

from ..errors import DataError
from ..model import DataOptions, Dataset, Problem, ValueSource
from .cache import SheetCache, read_cached
from .catalog import load_catalog
from .headers import map_sheet
from .numeric import parse_number
from .regions import load_regions
from .report import count as count_problems
from .report import display_width, format_problems
from .tables import display_name, read_table, resolve
from .validate import cross_check, derive_city_sums
from .values import FIELDS as VALUE_FIELDS
from .values import WHAT as VALUES_WHAT
from .values import load_values

__all__ = ["load_dataset", "format_problems", "count_problems", "parse_number", "read_table",
           "display_width", "SheetCache"]

# More than this many rows in the message would scroll the first ones out of sight.
MAX_LISTED = 100


def load_dataset(catalog: Path, regions: Path, values: list[ValueSource], options: DataOptions,
                 display_root: Path | None = None, lenient: bool = False,
                 cache: SheetCache | None = None) -> Dataset:
    """The validated dataset; raises DataError listing every error and warning of every file.

    Relative paths are taken from `display_root` (the config's folder), and file names in
    messages are shown relative to it, e.g. `data/指标数据.xlsx`.
    With `lenient`, errors that belong to one region's values (a bad cell, a sum that does not
    agree with the city) do not raise: the bad rows are left out and the errors are returned
    in `Dataset.failed` by region, so the other regions can still be built (--keep-going).
    Errors of the catalog, the regions file or an unreadable file always raise.
    With a `cache` (see data.cache), a file whose bytes are unchanged is not parsed again;
    the result and every message are the same either way.
    """
    problems: list[Problem] = []
    cat = _load_first_sheet(catalog, display_root, load_catalog, problems, cache)
    reg = _load_first_sheet(regions, display_root, load_regions, problems, cache)

    tables = []
    if not values:
        problems.append(Problem(None, "没有指定指标数据文件",
                                "请在配置文件中填写指标数据文件（.xlsx 或 .csv）的路径"))
    for source in values:
        path = resolve(source.path, display_root)
        file = display_name(path, display_root)
        sheets, found = read_cached(path, file, tuple(source.sheets), cache=cache)
        problems += found
        for sheet in sheets:
            table, found = map_sheet(sheet, file, VALUE_FIELDS, VALUES_WHAT,
                                     skip_unrecognised=not source.sheets and sheet.name is not None)
            problems += found
            if table is not None:
                tables.append(table)
    # Without a single region row, every values row would be reported as an unknown region.
    known = reg if reg is None or reg.regions or reg.broken else None
    values_by_key, targets, found = load_values(tables, cat, known, options)
    problems += found
    if values and tables and not any(t.rows for t in tables):  # header only
        names = "、".join(dict.fromkeys(f"「{t.file}」" for t in tables))
        problems.append(Problem(tables[0].location(), f"{names}中没有任何指标数据",
                                "请在列名下面逐行填写：地区、年度、指标代码、数值"))

    if cat is not None and reg is not None and options.city_sums:
        problems += derive_city_sums(cat.indicators, reg.regions, values_by_key)
    if cat is not None and reg is not None:
        # where values were rejected, "could not check" warnings would only repeat the errors
        problems += cross_check(cat.indicators, reg.regions, values_by_key, options,
                                sums=not reg.broken,
                                unchecked=not any(p.is_error for p in problems))
    errors = [p for p in problems if p.is_error]
    failed: dict[str, list[Problem]] = {}
    if errors and lenient and all(p.region for p in errors):
        for p in errors:
            assert p.region is not None  # all name one: checked just above
            failed.setdefault(p.region, []).append(p)
        problems = [p for p in problems if not p.is_error]
    elif errors:
        raise DataError(summary(problems), problems=problems)
    return Dataset(indicators=cat.indicators, regions=reg.regions, values=values_by_key,
                   warnings=problems, targets=targets, failed=failed)


def summary(problems: list[Problem]) -> str:
    """The DataError message: counts, what to do, and the table of problems."""
    errors, warnings = count_problems(problems)
    head = f"数据检查发现 {errors} 个错误、{warnings} 个警告，请按下表逐项修改后重试。"
    return head + "\n\n" + format_problems(problems, limit=MAX_LISTED)


def _load_first_sheet(path: Path, root: Path | None, loader, problems: list[Problem],
                      cache: SheetCache | None = None):
    """Read the first sheet of a catalog or region file with `loader`; None if unreadable."""
    full = resolve(path, root)
    file = display_name(full, root)
    sheets, found = read_cached(full, file, first_only=True, cache=cache)
    problems += found
    if not sheets:
        return None
    result, found = loader(sheets[0], file)
    problems += found
    return result
