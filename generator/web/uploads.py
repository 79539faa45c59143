"""Limits for uploaded files: an uploaded workbook is never executed or trusted.

Every upload is read with a size cap (`read_limited`), gets a harmless file name
(`safe_filename`) and is inspected before anything opens it (`inspect`): a workbook only
through its zip directory and the first few kilobytes of each worksheet, never with openpyxl,
so a zip bomb or a sheet claiming a million rows is refused before a loader sees it.
The declared sizes checked here are binding: Python's zipfile (which openpyxl uses) never
returns more bytes for a member than its directory entry declares.
`stage` writes accepted files to a private temporary folder; the caller `discard`s it.
"""

from __future__ import annotations

import html
import io
import os
import re
import shutil
import tempfile
import unicodedata
import zipfile
import zlib
from collections.abc import AsyncIterable, Iterable
from pathlib import Path, PurePosixPath

from ..errors import ReportError

MAX_UPLOAD_BYTES = 20 * 1024 * 1024
MAX_FILES = 30
ALLOWED = {".xlsx", ".csv"}

MAX_MEMBERS = 2_000                      # zip members of one workbook
MAX_UNCOMPRESSED = 200 * 1024 * 1024     # all members together, unpacked
MAX_RATIO = 200                          # unpacked / packed, for a member larger than ...
RATIO_FLOOR = 10 * 1024 * 1024           # ... this when unpacked
MAX_ROWS = 1_048_576                     # Excel's own limits
MAX_COLUMNS = 16_384
MAX_SHEET_CELLS = 200_000                # per worksheet, by its declared <dimension>
HEAD_BYTES = 4096                        # how much of a worksheet is read to find <dimension>
DEFAULT_NAME = "上传文件"

_MB = 1024 * 1024
_FORBIDDEN = set('<>:"/\\|?*')
_WINDOWS_RESERVED = re.compile(r"(?i)^(con|prn|aux|nul|com[0-9]|lpt[0-9])(\..*)?$")
_MAX_NAME_BYTES = 240                    # below the 255 bytes most file systems allow
_MACROS = {".xlsm", ".xltm", ".xlam"}
_DIMENSION = re.compile(rb"<(?:[A-Za-z_][\w.-]*:)?dimension\b[^>]*?\bref\s*=\s*[\"']([^\"']*)[\"']")
_CELL = re.compile(r"^\$?([A-Za-z]{1,3})\$?([0-9]{1,7})$")


class WebError(ReportError):
    """A request the workbench refuses; the message is shown on the page."""


# --- names -----------------------------------------------------------------------------------

def safe_filename(name: str) -> str:
    """The base name of an uploaded file, safe on Windows and Linux; Chinese is kept.

    Any directory part (`/` or `\\`) is dropped, control and formatting characters (such as a
    right-to-left override that disguises an extension) and characters Windows forbids are
    removed, the suffix is lower-cased; a name with nothing before the suffix becomes
    「上传文件.xlsx」. A suffix other than .xlsx or .csv (or none) is refused with a `WebError`
    that says what to do instead."""
    base = unicodedata.normalize("NFC", name or "").replace("\\", "/").rsplit("/", 1)[-1]
    cleaned = "".join(ch for ch in base
                      if ch not in _FORBIDDEN and unicodedata.category(ch) not in ("Cc", "Cf"))
    cleaned = cleaned.strip().rstrip(". ").strip()   # Windows drops trailing dots and spaces
    stem, dot, ext = cleaned.rpartition(".")
    if not dot or not ext or " " in ext:
        stem, ext = cleaned, ""
    suffix = "." + ext.lower() if ext else ""
    stem = stem.strip()
    if suffix not in ALLOWED:
        shown = cleaned or "（未命名）"
        raise WebError(_suffix_message(shown, suffix))
    if stem.strip(".") == "":
        stem = DEFAULT_NAME
    if _WINDOWS_RESERVED.match(stem):
        stem = "_" + stem
    while len((stem + suffix).encode("utf-8")) > _MAX_NAME_BYTES:
        stem = stem[:-1]
    return stem + suffix


def _suffix_message(name: str, suffix: str) -> str:
    if suffix == ".xls":
        return (f"「{name}」是旧版 Excel 格式（.xls），不能直接上传。请用 Excel 打开它，"
                "选择「另存为」，保存类型选「Excel 工作簿（*.xlsx）」，然后上传新保存的文件。")
    if suffix in _MACROS:
        return (f"「{name}」是带宏的 Excel 文件（{suffix}），为了安全不接受带宏的文件。"
                "请用 Excel 打开它，「另存为」「Excel 工作簿（*.xlsx）」后再上传。")
    if suffix == ".xlsb":
        return (f"「{name}」是 Excel 二进制工作簿（.xlsb），不能直接上传。请用 Excel 打开它，"
                "「另存为」「Excel 工作簿（*.xlsx）」后再上传。")
    kind = f"（{suffix}）" if suffix else "（没有扩展名）"
    return (f"不接受「{name}」这种类型的文件{kind}。只能上传 Excel 工作簿（.xlsx）或 CSV 文件"
            "（.csv）：各地区的填报表请上传 .xlsx，指标数据可以是 .xlsx 或 .csv。")


# --- reading with a cap ----------------------------------------------------------------------

def _size_text(limit: int) -> str:
    if limit >= _MB:
        return f"{limit / _MB:g} MB"
    if limit >= 1024:
        return f"{limit / 1024:g} KB"
    return f"{limit} 字节"


def _too_large(limit: int, name: str = "") -> WebError:
    what = f"「{name}」" if name else "文件"
    return WebError(f"{what}超过 {_size_text(limit)} 的上限，已停止接收。请删去文件中多余的内容"
                    "（如图片、空白工作表、不需要的行列）后再上传，或者分成几个文件上传。")


def read_limited(chunks: Iterable[bytes], limit: int = MAX_UPLOAD_BYTES, name: str = "") -> bytes:
    """The chunks joined; a `WebError` as soon as more than `limit` bytes arrived (the rest is
    not read)."""
    parts: list[bytes] = []
    total = 0
    for chunk in chunks:
        total += len(chunk)
        if total > limit:
            raise _too_large(limit, name)
        parts.append(bytes(chunk))
    return b"".join(parts)


async def read_limited_async(chunks: AsyncIterable[bytes], limit: int = MAX_UPLOAD_BYTES,
                             name: str = "") -> bytes:
    """`read_limited` for an async iterator, such as Starlette's `request.stream()`."""
    parts: list[bytes] = []
    total = 0
    async for chunk in chunks:
        total += len(chunk)
        if total > limit:
            raise _too_large(limit, name)
        parts.append(bytes(chunk))
    return b"".join(parts)


# --- inspecting ------------------------------------------------------------------------------

def inspect(data: bytes, name: str) -> None:
    """`inspect_xlsx` or `inspect_csv`, by the suffix of `name` (an unknown suffix is refused)."""
    suffix = PurePosixPath(safe_filename(name)).suffix
    if suffix == ".csv":
        inspect_csv(data, name)
    else:
        inspect_xlsx(data, name)


def _not_a_workbook(name: str, data: bytes) -> WebError:
    if data.startswith(b"\xd0\xcf\x11\xe0"):   # an OLE file: an .xls, or a password-protected workbook
        return WebError(f"「{name}」不是 .xlsx 格式的工作簿：它可能是改了扩展名的旧版 .xls 文件，"
                        "或者设置了打开密码。请用 Excel 打开它，如有密码先取消密码，再「另存为」"
                        "「Excel 工作簿（*.xlsx）」后上传。")
    return WebError(f"「{name}」不是有效的 Excel 工作簿（.xlsx），可能已经损坏，或者只是改了扩展名。"
                    "请用 Excel 打开它，「另存为」「Excel 工作簿（*.xlsx）」后再上传。")


def inspect_xlsx(data: bytes, name: str) -> None:
    """Refuse (`WebError`, naming the file) a workbook that is not a plain .xlsx or could
    exhaust the server: not a zip, too many members, a zip bomb, macros, no workbook part, a
    worksheet whose declared size is beyond the limits. Reads only the zip directory and the
    first `HEAD_BYTES` of each worksheet."""
    if len(data) > MAX_UPLOAD_BYTES:
        raise _too_large(MAX_UPLOAD_BYTES, name)
    if not data.startswith(b"PK"):
        raise _not_a_workbook(name, data)
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as zf:
            _inspect_zip(zf, name)
    except WebError:
        raise
    except (zipfile.BadZipFile, zipfile.LargeZipFile, EOFError, OSError, ValueError,
            NotImplementedError, RuntimeError, zlib.error, KeyError, OverflowError):
        raise _not_a_workbook(name, data) from None


def _inspect_zip(zf: zipfile.ZipFile, name: str) -> None:
    members = zf.infolist()
    if len(members) > MAX_MEMBERS:
        raise WebError(f"「{name}」内部包含的部件过多（{len(members)} 个），不像正常的填报表或"
                       "指标数据，已拒绝。请确认上传的是正确的文件；如确是本表，请把数据复制到"
                       "一个新建的 Excel 工作簿中保存后再上传。")
    bomb = WebError(f"「{name}」文件解压后过大，疑似异常文件，已拒绝。请确认上传的是正确的文件；"
                    "如确是本表，请把数据复制到一个新建的 Excel 工作簿中保存后再上传。")
    total = 0
    for info in members:
        total += info.file_size
        if total > MAX_UNCOMPRESSED:
            raise bomb
        if info.file_size > RATIO_FLOOR and info.file_size > MAX_RATIO * max(info.compress_size, 1):
            raise bomb
    lowered = {info.filename.lower(): info for info in members}
    if any(PurePosixPath(key).name == "vbaproject.bin" for key in lowered):
        raise WebError(f"「{name}」包含宏（VBA 代码），为了安全不接受带宏的文件。请用 Excel 打开它，"
                       "「另存为」「Excel 工作簿（*.xlsx）」（不带宏）后再上传。")
    if any(info.flag_bits & 0x1 for info in members):
        raise _not_a_workbook(name, b"")
    if "xl/workbook.xml" not in lowered:
        raise WebError(f"「{name}」不是 Excel 工作簿（里面没有工作簿内容），可能是其他软件生成的"
                       "压缩文件改了扩展名。请用 Excel 打开原始表格，「另存为」「Excel 工作簿"
                       "（*.xlsx）」后再上传。")
    titles = _sheet_titles(zf, lowered)
    sheets = sorted((info for key, info in lowered.items()
                     if key.startswith("xl/worksheets/") and key.endswith(".xml")
                     and key.count("/") == 2),
                    key=lambda info: _natural(info.filename))
    for number, info in enumerate(sheets, start=1):
        with zf.open(info) as fh:
            head = fh.read(HEAD_BYTES)
        found = _DIMENSION.search(head)
        if not found:
            continue
        size = _dimension(found.group(1).decode("ascii", "replace"))
        if size is None:
            continue
        last_row, last_column, cells = size
        if last_row > MAX_ROWS or last_column > MAX_COLUMNS or cells > MAX_SHEET_CELLS:
            title = titles.get(info.filename.lower())
            sheet = f"工作表「{title}」" if title else f"第 {number} 个工作表"
            raise WebError(f"「{name}」的{sheet}数据范围过大（声明到第 {last_row} 行、第 "
                           f"{last_column} 列，约 {cells} 个单元格，上限 {MAX_SHEET_CELLS} 个），"
                           "已拒绝。请删除表格下方和右侧多余的空行、空列（或把数据复制到一个新建的"
                           "工作簿），保存后再上传。")


def _natural(text: str) -> list:
    return [int(part) if part.isdigit() else part for part in re.split(r"(\d+)", text)]


def _column(letters: str) -> int:
    number = 0
    for ch in letters.upper():
        number = number * 26 + ord(ch) - 64
    return number


def _dimension(ref: str) -> tuple[int, int, int] | None:
    """(last row, last column, cell count) of a dimension ref such as "A1:F2101"."""
    parts = ref.strip().split(":")
    if not 1 <= len(parts) <= 2:
        return None
    cells = [m for m in (_CELL.match(part) for part in parts) if m]
    if len(cells) < len(parts):
        return None
    rows = [int(m.group(2)) for m in cells]
    columns = [_column(m.group(1)) for m in cells]
    height = max(rows) - min(rows) + 1
    width = max(columns) - min(columns) + 1
    return max(rows), max(columns), height * width


_SHEET_TAG = re.compile(r"<(?:\w+:)?sheet\b([^>]*)>")
_ATTR = re.compile(r"([\w:]+)\s*=\s*[\"']([^\"']*)[\"']")
_RELATIONSHIP = re.compile(r"<(?:\w+:)?Relationship\b([^>]*)>")
_TITLES_LIMIT = 1024 * 1024


def _sheet_titles(zf: zipfile.ZipFile, lowered: dict[str, zipfile.ZipInfo]) -> dict[str, str]:
    """Worksheet member name (lower-case) → the sheet's title, for messages; best effort."""
    rels = lowered.get("xl/_rels/workbook.xml.rels")
    if rels is None:
        return {}
    try:
        with zf.open(lowered["xl/workbook.xml"]) as fh:
            workbook = fh.read(_TITLES_LIMIT).decode("utf-8", "replace")
        with zf.open(rels) as fh:
            relations = fh.read(_TITLES_LIMIT).decode("utf-8", "replace")
    except (zipfile.BadZipFile, OSError, ValueError, EOFError, zlib.error):
        return {}
    targets = {}
    for match in _RELATIONSHIP.finditer(relations):
        attrs = dict(_ATTR.findall(match.group(1)))
        if "Id" in attrs and "Target" in attrs:
            target = attrs["Target"].lstrip("/")
            if not target.lower().startswith("xl/"):
                target = "xl/" + target
            targets[attrs["Id"]] = target.lower()
    titles = {}
    for match in _SHEET_TAG.finditer(workbook):
        attrs = {key.split(":")[-1] if key != "name" else key: value
                 for key, value in _ATTR.findall(match.group(1))}
        target = targets.get(attrs.get("id", ""))
        if target and "name" in attrs:
            titles[target] = html.unescape(attrs["name"])
    return titles


def inspect_csv(data: bytes, name: str) -> None:
    """Refuse (`WebError`, naming the file) a CSV that is too large, binary, or in an encoding
    the loaders do not read: UTF-8 (with or without BOM), GB18030 (what Excel saves as 「CSV」
    on a Chinese system) and UTF-16 with a BOM (Excel's 「Unicode 文本」) are accepted."""
    if len(data) > MAX_UPLOAD_BYTES:
        raise _too_large(MAX_UPLOAD_BYTES, name)
    save_as = ("请用 Excel 打开原始表格，选择「另存为」，保存类型选「CSV UTF-8（逗号分隔）（*.csv）」，"
               "然后上传新保存的文件。")
    if data.startswith(b"PK\x03\x04") or data.startswith(b"\xd0\xcf\x11\xe0"):
        raise WebError(f"「{name}」其实是 Excel 工作簿，不是 CSV 文本文件。请把它的扩展名改回 "
                       f".xlsx 后上传，或者{save_as}")
    text = None
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            text = data.decode("utf-16")
        except UnicodeDecodeError:
            text = None
    elif b"\x00" not in data:
        for encoding in ("utf-8-sig", "gb18030"):
            try:
                text = data.decode(encoding)
                break
            except UnicodeDecodeError:
                continue
    if text is None or "\x00" in text or not _plain(text):
        raise WebError(f"「{name}」不是可以识别的 CSV 文本文件（可能是二进制文件，或者文字编码"
                       f"无法识别）。{save_as}")


def _plain(text: str) -> bool:
    """No control characters other than line breaks and tabs (binary data decoded by luck)."""
    sample = text[:100_000]
    return not any(unicodedata.category(ch) == "Cc" and ch not in "\r\n\t\f\v" for ch in sample)


# --- staging ---------------------------------------------------------------------------------

def stage(folder: Path, files: list[tuple[str, bytes]]) -> Path:
    """Write uploaded files into a new private folder inside `folder`; returns that folder.

    Every file is named by `safe_filename` and inspected (`inspect`) before anything is
    written; a repeated name gets 「 (2)」, 「 (3)」 ... The folder and its files are readable by
    this user only. The caller removes the folder with `discard` when done."""
    if not files:
        raise WebError("没有收到任何文件。请先选择要上传的文件，再点击上传。")
    if len(files) > MAX_FILES:
        raise WebError(f"一次最多上传 {MAX_FILES} 个文件，这次选择了 {len(files)} 个。"
                       "请分几次上传。")
    names: list[str] = []
    taken: set[str] = set()
    for original, data in files:
        clean = safe_filename(original)
        inspect(data, clean)
        names.append(_unique(clean, taken))
    folder = Path(folder)
    try:
        folder.mkdir(parents=True, exist_ok=True)
        temp = Path(tempfile.mkdtemp(prefix="upload-", dir=folder))
    except OSError as exc:
        raise WebError(f"无法在服务器上保存上传的文件（{exc.strerror or exc}）。请稍后重试；"
                       "如果一直出现，请联系管理员检查磁盘空间和文件夹权限。") from None
    try:
        for clean, (_, data) in zip(names, files, strict=True):
            fd = os.open(temp / clean, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
            with os.fdopen(fd, "wb") as fh:
                fh.write(data)
    except OSError as exc:
        discard(temp)
        raise WebError(f"无法在服务器上保存上传的文件（{exc.strerror or exc}）。请稍后重试；"
                       "如果一直出现，请联系管理员检查磁盘空间和文件夹权限。") from None
    except BaseException:
        discard(temp)
        raise
    return temp


def _unique(name: str, taken: set[str]) -> str:
    """`name`, or 「name (2).xlsx」 ... when it (compared ignoring case) is already taken."""
    path = PurePosixPath(name)
    candidate, number = name, 1
    while candidate.lower() in taken:
        number += 1
        candidate = f"{path.stem} ({number}){path.suffix}"
    taken.add(candidate.lower())
    return candidate


def discard(path: Path) -> None:
    """Remove a folder made by `stage` (errors ignored: it is a temporary folder)."""
    shutil.rmtree(path, ignore_errors=True)
