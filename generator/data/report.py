"""Problems as a plain-text table for a terminal, aligned for Chinese (double-width) characters."""

from __future__ import annotations

import unicodedata

from ..model import Location, Problem

HEADERS = ("级别", "位置", "问题", "处理建议")
GAP = "  "
# Share of the free width each wrapped column may take when the table is too wide.
_SHARES = (0.28, 0.38, 0.34)
_MIN_COLUMN = 12
_NO_START = "，。、；：！？）」』”》,.;:!?)%"
_NO_END = "（「『“《("


def display_width(text: str) -> int:
    """Columns a string takes in a terminal: CJK and full-width characters count two."""
    total = 0
    for ch in text:
        if unicodedata.combining(ch):
            continue
        total += 2 if unicodedata.east_asian_width(ch) in ("W", "F") else 1
    return total


def place(location: Location | None) -> str:
    """The position cell: the file, then the sheet, then row and column, each on its own line."""
    if location is None:
        return "（全局）"
    lines = [location.file]
    if location.sheet:
        lines.append(f"工作表「{location.sheet}」")
    cell = (f"第{location.row}行" if location.row is not None else "") + (
        f"「{location.column}」列" if location.column else "")
    if cell:
        lines.append(cell)
    return "\n".join(lines)


def format_problems(problems: list[Problem], width: int = 110) -> str:
    """A table with columns 级别, 位置, 问题, 处理建议; errors first, then warnings.

    Cells wider than their column wrap onto further lines, so every line fits in `width`
    terminal columns (at least for the fixed parts) and every column starts at the same place.
    """
    if not problems:
        return "没有发现问题。"
    ordered = sorted(problems, key=lambda p: not p.is_error)
    rows = [("错误" if p.is_error else "警告", place(p.location), p.message, p.hint or "")
            for p in ordered]
    widths = _column_widths(rows, width)
    lines = [_line(HEADERS, widths), _line(tuple("-" * w for w in widths), widths)]
    blocks = []
    for row in rows:
        cells = [_wrap(cell, w) for cell, w in zip(row, widths, strict=True)]
        height = max(len(c) for c in cells)
        blocks.append([_line(tuple(c[i] if i < len(c) else "" for c in cells), widths)
                       for i in range(height)])
    spaced = any(len(b) > 1 for b in blocks)
    for i, block in enumerate(blocks):
        if spaced and i:
            lines.append("")
        lines.extend(block)
    return "\n".join(lines)


def _line(cells: tuple[str, ...], widths: list[int]) -> str:
    padded = [c + " " * (w - display_width(c)) for c, w in zip(cells, widths, strict=True)]
    return GAP.join(padded).rstrip()


def _column_widths(rows: list[tuple[str, ...]], width: int) -> list[int]:
    natural = [max(display_width(line) for r in [HEADERS, *rows] for line in r[i].split("\n"))
               for i in range(len(HEADERS))]
    free = width - natural[0] - len(GAP) * (len(HEADERS) - 1)
    wanted = natural[1:]
    if sum(wanted) <= free:
        return natural
    widths = [min(w, max(_MIN_COLUMN, int(free * s))) for w, s in zip(wanted, _SHARES, strict=True)]
    spare = free - sum(widths)
    for i in sorted(range(len(widths)), key=lambda i: wanted[i] - widths[i]):
        if spare <= 0:
            break
        extra = min(spare, wanted[i] - widths[i])
        if extra > 0:
            widths[i] += extra
            spare -= extra
    return [natural[0], *widths]


def _wrap(text: str, width: int) -> list[str]:
    """Lines of at most `width` display columns.

    Chinese may break anywhere, but not before closing or after opening punctuation;
    ASCII words (file names, codes, numbers such as 56.5%) are kept whole when they fit.
    """
    lines: list[str] = []
    for para in text.split("\n"):
        start = 0
        while True:
            end, used = start, 0
            while end < len(para) and used + display_width(para[end]) <= width:
                used += display_width(para[end])
                end += 1
            if end >= len(para):
                lines.append(para[start:].rstrip())
                break
            cut = _break_before(para, start, max(end, start + 1))
            lines.append(para[start:cut].rstrip())
            start = cut
            while start < len(para) and para[start] == " ":
                start += 1
            if start >= len(para):
                break
    return lines


def _break_before(para: str, start: int, cut: int) -> int:
    """Move a hard break back so it splits no ASCII word and obeys the punctuation rules."""
    while True:
        before = cut
        if _wordy(para[cut - 1]) and _wordy(para[cut]):
            word = cut - 1
            while word > start and _wordy(para[word - 1]):
                word -= 1
            if word > start:
                cut = word
        while cut > start + 1 and (para[cut] in _NO_START or para[cut - 1] in _NO_END):
            cut -= 1
        if cut == before:
            return cut


def _wordy(ch: str) -> bool:
    return ch.isascii() and not ch.isspace()
