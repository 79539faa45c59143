"""Reading .xlsx and .csv files into rows of cells, each row knowing where it came from.

Everything here reports problems instead of raising, so that one run can list the
defects of every file. `read_table` is the raising convenience for other callers.
"""

from __future__ import annotations

import csv
import io
import unicodedata
import warnings
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path

from ..errors import DataError
from ..model import Location, Problem

EXCEL_SUFFIXES = (".xlsx", ".xlsm")
CSV_SUFFIXES = (".csv", ".txt")
SAVE_AS_HINT = "请在 Excel 中打开该文件，「另存为」Excel 工作簿 (.xlsx) 或「CSV UTF-8（逗号分隔）」后，再改配置文件里的文件名"


@dataclass
class Sheet:
    """The cells of one worksheet (or a whole CSV file, `name` None), with Excel row numbers."""

    name: str | None
    rows: list[tuple[int, tuple]] = field(default_factory=list)


def display_name(path: Path, root: Path | None) -> str:
    """The file name as the user should see it: relative to the config's folder, with '/'."""
    path = Path(path)
    if root is not None:
        try:
            return path.resolve().relative_to(Path(root).resolve()).as_posix()
        except (OSError, ValueError):  # outside the config's folder: show it as given
            pass
    return str(path)


def resolve(path: str | Path, root: Path | None) -> Path:
    """A relative path is taken from the config's folder when there is one."""
    path = Path(path)
    if not path.is_absolute() and root is not None:
        return Path(root) / path
    return path


def read_sheets(path: Path, file: str, sheets: tuple[str, ...] = (),
                first_only: bool = False,
                content: bytes | None = None) -> tuple[list[Sheet], list[Problem]]:
    """All requested sheets of a file, or the problems that prevent reading it.

    `sheets` empty means every sheet; `first_only` reads just the first sheet (catalog,
    regions). A CSV file is one sheet named None and ignores `sheets`. `content`, when
    given, is the file's bytes already read (and hashed, by the cache): they are parsed
    instead of reading the file again, so what is cached is what was hashed.
    """
    where = Location(file)
    if not path.exists():
        return [], [Problem(where, f"找不到文件「{file}」",
                            "请检查配置文件中填写的路径和文件名（包括扩展名），或把文件放到该位置")]
    if path.is_dir():
        return [], [Problem(where, f"「{file}」是一个文件夹，不是数据文件",
                            "请在配置文件中填写文件夹里具体的 .xlsx 或 .csv 文件名")]
    suffix = path.suffix.lower()
    if suffix in EXCEL_SUFFIXES:
        return _read_xlsx(path if content is None else io.BytesIO(content), file, sheets,
                          first_only)
    if suffix in CSV_SUFFIXES:
        return _read_csv(path, file, content)
    if suffix == ".xls":
        return [], [Problem(where, f"「{file}」是旧版 Excel 格式（.xls），本工具无法读取",
                            SAVE_AS_HINT)]
    shown = suffix or "（无扩展名）"
    return [], [Problem(where, f"不支持的文件类型「{shown}」：只能读取 .xlsx 或 .csv 文件",
                        SAVE_AS_HINT)]


def read_table(path: str | Path, sheets: tuple[str, ...] = (),
               display_root: Path | None = None) -> list[Sheet]:
    """The sheets of one file as rows of cell values; raises DataError if it cannot be read."""
    full = resolve(path, display_root)
    result, problems = read_sheets(full, display_name(full, display_root), tuple(sheets))
    if problems:
        from .report import format_problems

        raise DataError("无法读取数据文件，请按下表修改后重试。\n\n" + format_problems(problems),
                        problems=problems)
    return result


def _clean(value):
    """Cell values as the rest of the stage expects: stripped text, None for empty."""
    if isinstance(value, str):
        value = value.strip()
        return value or None
    return value


def _read_xlsx(path: Path | io.BytesIO, file: str, wanted: tuple[str, ...],
               first_only: bool) -> tuple[list[Sheet], list[Problem]]:
    """python-calamine when its result is exactly openpyxl's (xlsx_fast), else openpyxl."""
    from . import xlsx_fast

    fast = xlsx_fast.read(path, file, wanted, first_only, _choose_sheets)
    if fast is not None:
        xlsx_fast.PATHS_TAKEN["calamine"] += 1
        return fast
    xlsx_fast.PATHS_TAKEN["openpyxl"] += 1
    return _read_xlsx_openpyxl(path, file, wanted, first_only)


def _read_xlsx_openpyxl(path: Path | io.BytesIO, file: str, wanted: tuple[str, ...],
                        first_only: bool) -> tuple[list[Sheet], list[Problem]]:
    import openpyxl  # lazy: ~150 ms, and a CSV-only setup never needs it

    where = Location(file)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # openpyxl warns about unsupported extensions
            wb = openpyxl.load_workbook(path, read_only=True, data_only=True)
    except PermissionError:
        return [], [Problem(where, f"无法打开「{file}」：文件被占用或没有读取权限",
                            "请先在 Excel 中关闭这个文件，然后重试")]
    except Exception:  # noqa: BLE001 - any failure here means a damaged or fake workbook
        return [], [Problem(where, f"无法打开「{file}」：文件已损坏，或不是真正的 Excel 工作簿",
                            "请用 Excel 打开该文件，「另存为」Excel 工作簿 (.xlsx) 后重试")]
    try:
        worksheets = list(wb.worksheets)
        names = [ws.title for ws in worksheets]
        chosen, problems = _choose_sheets(worksheets, names, wanted, first_only, file)
        result = []
        for ws in chosen:
            try:
                result.append(Sheet(ws.title, list(_xlsx_rows(ws))))
            except Exception:  # noqa: BLE001 - a damaged sheet part
                problems.append(Problem(Location(file, ws.title),
                                        f"工作表「{ws.title}」无法读取，文件可能已损坏",
                                        "请用 Excel 打开该文件，「另存为」Excel 工作簿 (.xlsx) 后重试"))
        return result, problems
    finally:
        wb.close()


def _choose_sheets(worksheets, names, wanted, first_only, file):
    """The worksheets to read, and a problem for each requested name that does not exist."""
    if first_only or not wanted:
        if not worksheets:
            return [], [Problem(Location(file), f"「{file}」中没有工作表",
                                "请检查是否选错了文件")]
        return (worksheets[:1] if first_only else worksheets), []
    by_key = {_sheet_key(ws.title): ws for ws in worksheets}
    chosen, problems = [], []
    existing = "、".join(f"「{n}」" for n in names)
    for name in wanted:
        ws = next((w for w in worksheets if w.title == name), None) or by_key.get(_sheet_key(name))
        if ws is None:
            problems.append(Problem(
                Location(file, name), f"「{file}」中没有名为「{name}」的工作表（现有工作表：{existing}）",
                "请把配置文件中的工作表名称改成现有的名称之一，或在 Excel 中给工作表改名"))
        elif ws not in chosen:
            chosen.append(ws)
    return chosen, problems


def _sheet_key(name: str) -> str:
    """Sheet names compared without case, width or stray spaces: 「 2024年 」 finds 「2024年」."""
    return "".join(unicodedata.normalize("NFKC", name).split()).lower()


def _xlsx_rows(ws):
    """(row number, values) with percent-formatted numbers shown as Excel shows them: 0.565 → 56.5."""
    ws.reset_dimensions()  # some writers store a wrong <dimension>; read what is really there
    for number, cells in enumerate(ws.iter_rows(), start=1):
        values = []
        for cell in cells:
            value = cell.value
            if isinstance(value, (int, float)) and not isinstance(value, bool):
                fmt = cell.number_format or ""
                if "%" in fmt:
                    value = float(Decimal(repr(value)) * 100)
            values.append(_clean(value))
        yield number, tuple(values)


def _read_csv(path: Path, file: str,
              content: bytes | None = None) -> tuple[list[Sheet], list[Problem]]:
    where = Location(file)
    try:
        data = path.read_bytes() if content is None else content
    except PermissionError:
        return [], [Problem(where, f"无法打开「{file}」：文件被占用或没有读取权限",
                            "请先在 Excel 中关闭这个文件，然后重试")]
    except OSError as exc:
        return [], [Problem(where, f"无法读取「{file}」（{exc.strerror or exc}）",
                            "请确认文件存在且可以用 Excel 打开")]
    text = _decode(data)
    del data
    if text is None:
        return [], [Problem(where, f"无法识别「{file}」的文字编码（不是 UTF-8，也不是 GBK/GB18030）",
                            "请用 Excel 打开该文件，「另存为」「CSV UTF-8（逗号分隔）」后重试")]
    first = next((line for line in text.splitlines() if line.strip()), "")
    delimiter = "\t" if "\t" in first and "," not in first else ","
    # One string object per distinct cell text: region names, codes and sources repeat on
    # every row, and a large file would otherwise hold each copy separately.
    shared: dict[str, str] = {}

    def cell(c: str) -> str | None:
        c = c.strip()
        return shared.setdefault(c, c) if c else None

    rows = [(n, tuple(map(cell, cells)))
            for n, cells in enumerate(csv.reader(io.StringIO(text, newline=""),
                                                 delimiter=delimiter), start=1)]
    del text
    return [Sheet(None, rows)], []


def _decode(data: bytes) -> str | None:
    """UTF-8 (with or without BOM) first, then UTF-16 by BOM, then GB18030 (a superset of GBK).

    Zero bytes mean UTF-16 without a BOM (no UTF-8 or GBK text has them): little- or
    big-endian by where they fall; a file that then does not read as plain text is binary."""
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        encodings: tuple[str, ...] = ("utf-16",)
    elif b"\x00" in data[:4096]:
        head = data[:4096]
        encoding = "utf-16-le" if head[1::2].count(0) >= head[0::2].count(0) else "utf-16-be"
        try:
            text = data.decode(encoding)
        except UnicodeDecodeError:
            return None
        plain = all(ch.isprintable() or ch in "\r\n\t" for ch in text[:2000])
        return text if plain else None
    else:
        encodings = ("utf-8-sig", "gb18030")
    for encoding in encodings:
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    return None
