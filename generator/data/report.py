"""Problems as a plain-text table for a terminal, aligned for Chinese (double-width) characters."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace

from ..model import Location, Problem
from ..text import display_width, may_break  # display_width: also generator.data's

HEADERS = ("级别", "位置", "问题", "处理建议")
# Problems of one kind (same fix) beyond this many are listed as 同类问题共N处，前20处如下, and
# only this many of them are kept per region while reading (200,000 duplicate rows).
GROUP_SHOW = 20
GAP = "  "
# Share of the free width each wrapped column may take when the table is too wide.
_SHARES = (0.28, 0.38, 0.34)
_MIN_COLUMN = 12


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


class Capped:
    """Problems as they are found, at most GROUP_SHOW of each kind per region kept; the rest
    only counted, on the last one kept (`Problem.omitted`), so memory stays flat however many
    rows repeat one mistake, and every region with an error still has one (--keep-going)."""

    def __init__(self, keep: int = GROUP_SHOW) -> None:
        self.keep = keep
        self._kept: list[Problem] = []
        self._counts: dict[tuple, int] = {}
        self._last: dict[tuple, int] = {}

    def add(self, problem: Problem, region: str | None = None) -> None:
        """Count `problem` (given `region` when it is not set yet), keep it if it is among the first."""
        key = (problem.kind, region or problem.region)
        n = self._counts[key] = self._counts.get(key, 0) + 1
        if n <= self.keep:
            if region is not None:
                problem = replace(problem, region=region)
            self._last[key] = len(self._kept)
            self._kept.append(problem)

    def problems(self) -> list[Problem]:
        out = list(self._kept)
        for key, n in self._counts.items():
            if n > self.keep:
                i = self._last[key]
                out[i] = replace(out[i], omitted=out[i].omitted + n - self.keep)
        return out


def count(problems: list[Problem]) -> tuple[int, int]:
    """(errors, warnings), counting the problems a kept one stands for."""
    errors = sum(1 + p.omitted for p in problems if p.is_error)
    return errors, sum(1 + p.omitted for p in problems) - errors


def format_problems(problems: list[Problem], width: int = 110, limit: int | None = None) -> str:
    """A table with columns 级别, 位置, 问题, 处理建议; errors first, then warnings.

    Cells wider than their column wrap onto further lines, so every line fits in `width`
    terminal columns (at least for the fixed parts) and every column starts at the same place.
    More than GROUP_SHOW problems of one kind are shown as a group: a line 同类问题共N处，
    前20处如下： and its first 20 rows. With `limit`, at most that many rows are shown and
    a last line says how many problems were left out.
    """
    if not problems:
        return "没有发现问题。"
    ordered = sorted(problems, key=lambda p: not p.is_error)
    totals: dict[tuple, int] = {}
    kept: dict[tuple, int] = {}
    for p in ordered:
        totals[p.kind] = totals.get(p.kind, 0) + 1 + p.omitted
        kept[p.kind] = kept.get(p.kind, 0) + 1
    entries: list[Problem | str] = []
    shown: dict[tuple, int] = {}
    covered = rows_shown = 0
    for p in ordered:
        total = totals[p.kind]
        n = shown.get(p.kind, 0)
        if total > GROUP_SHOW and n >= GROUP_SHOW:
            continue
        if limit is not None and rows_shown >= limit:
            break
        if total > GROUP_SHOW and n == 0:
            entries.append(f"同类问题共{total}处，前{min(GROUP_SHOW, kept[p.kind])}处如下：")
            covered += total
        elif total <= GROUP_SHOW:
            covered += 1 + p.omitted
        shown[p.kind] = n + 1
        entries.append(p)
        rows_shown += 1
    rows = [("错误" if p.is_error else "警告", place(p.location), p.message, p.hint or "")
            for p in entries if isinstance(p, Problem)]
    widths = _column_widths(rows, width)
    lines = [_line(HEADERS, widths), _line(tuple("-" * w for w in widths), widths)]
    blocks = []
    row_iter = iter(rows)
    for entry in entries:
        if isinstance(entry, str):
            blocks.append([entry])
            continue
        cells = [_wrap(cell, w) for cell, w in zip(next(row_iter), widths, strict=True)]
        height = max(len(c) for c in cells)
        blocks.append([_line(tuple(c[i] if i < len(c) else "" for c in cells), widths)
                       for i in range(height)])
    spaced = any(len(b) > 1 for b in blocks) or any(isinstance(e, str) for e in entries)
    for i, block in enumerate(blocks):
        if spaced and i:
            lines.append("")
        lines.extend(block)
    rest = sum(totals.values()) - covered
    if rest > 0:
        lines.append(f"\n……另有 {rest} 个问题未列出，修改以上问题后再检查一次即可看到。")
    return "\n".join(lines)


def _line(cells: tuple[str, ...], widths: list[int]) -> str:
    padded = [c + " " * (w - display_width(c)) for c, w in zip(cells, widths, strict=True)]
    return GAP.join(padded).rstrip()


def _column_widths(rows: Sequence[tuple[str, ...]], width: int) -> list[int]:
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
        while cut > start + 1 and not may_break(para[cut - 1], para[cut]):
            cut -= 1
        if cut == before:
            return cut


def _wordy(ch: str) -> bool:
    return ch.isascii() and not ch.isspace()
