"""Pure text geometry: title line breaks and the 署名/成文日期 indents, in 字 (character widths).

No python-docx here, so it is cheap to unit-test. Widths count a full-width character as
1 字 and any other (digits, Latin letters, the period) as ½ 字; which characters are
full-width, and the kinsoku rules, come from `generator.text`.
"""

from __future__ import annotations

import math
import re
from itertools import pairwise

from generator.text import is_wide, may_break

# A break before one of these words reads naturally: 《规划》 / 实施情况的中期评估报告.
TAIL_WORDS = ("实施", "中期", "评估", "报告", "情况", "总结", "自查", "工作", "关于", "的通知",
              "的意见", "的报告", "的决定", "的函")
_BAD = 12.0       # cost of a break at an arbitrary point between two characters
_IN_BOOK = 20.0   # extra cost of a break inside 《…》
_NUMBER = 14.0    # cost of a break next to a dash that joins two numbers (2023—2027)
_EXTRA_LINE = 10.0  # cost of one line more than the fewest possible


class _Widths(dict):
    """Width in 字 of each character met (`is_wide`: 1, any other ½), worked out once: page
    estimates measure every paragraph of a report, some 17,000 characters a document."""

    def __missing__(self, ch: str) -> float:
        width = self[ch] = 1.0 if is_wide(ch) else 0.5
        return width


_WIDTHS = _Widths()
_CJK = "\u3400-\u9fff\uf900-\ufaff"
# Where Chinese meets an ASCII digit or letter, either way round (a zero-width match each).
_AUTOSPACE = re.compile(f"(?<=[{_CJK}])(?=[0-9A-Za-z])|(?<=[0-9A-Za-z])(?=[{_CJK}])")


def text_width(text: str) -> float:
    """Width of `text` in 字: a wide character (`generator.text.is_wide`) 1, any other ½."""
    return sum(map(_WIDTHS.__getitem__, text))


def title_width(text: str) -> float:
    """Width of a title line in 字, allowing ¼ 字 wherever Chinese meets a digit or Latin letter
    (Word with autoSpace on, WPS and LibreOffice put a small space there)."""
    return text_width(text) + 0.25 * len(_AUTOSPACE.findall(text))


def break_title(title: str, max_width: float = 20.0) -> list[str]:
    """The lines of a title: its explicit "\\n" breaks, or meaningful breaks of a long title.

    A title wider than `max_width` 字 (see `title_width`) is broken at the cheapest points:
    not inside 《》 when avoidable, preferably after 》 or before a tail word (实施, 评估,
    报告 …), never against kinsoku or inside a number, lines as balanced as possible, and
    as few lines as that allows (one more line only if it avoids a clearly worse break).
    """
    if "\n" in title:
        return [line.strip() for line in title.split("\n") if line.strip()]
    title = title.strip()
    n = len(title)
    if title_width(title) <= max_width or n < 2:
        return [title]
    costs = [_break_cost(title, i) for i in range(n + 1)]
    prefix, gap = [0.0], [0.0]
    for i, c in enumerate(title):
        gap.append(title_width(title[i - 1:i + 1]) - text_width(title[i - 1:i + 1]) if i else 0.0)
        prefix.append(prefix[-1] + text_width(c) + gap[-1])

    def width(start: int, end: int) -> float:  # width of title[start:end] on a line of its own
        return prefix[end] - prefix[start] - gap[start + 1]

    fewest = math.ceil(title_width(title) / max_width)
    best: tuple[float, list[int]] | None = None
    for lines in range(fewest, n + 1):
        found = _best_breaks(n, width, costs, lines, max_width)
        if found is not None:
            found = (found[0] + _EXTRA_LINE * (lines - fewest), found[1])
            if best is None or found[0] < best[0]:
                best = found
            if lines > fewest:
                break
    cuts = [0, *(best[1] if best else []), n]
    return [title[a:b] for a, b in pairwise(cuts)]


def _best_breaks(n: int, width, costs: list[float], lines: int,
                 max_width: float) -> tuple[float, list[int]] | None:
    """(cost, break positions) of the best `lines` lines of at most `max_width`, or None."""
    mean = width(0, n) / lines
    # rows[k][i]: (cost, breaks) of setting the first i characters as k lines.
    rows: list[dict[int, tuple[float, list[int]]]] = [{0: (0.0, [])}]
    for k in range(1, lines + 1):
        row: dict[int, tuple[float, list[int]]] = {}
        for end in [n] if k == lines else range(1, n):
            if k < lines and math.isinf(costs[end]):
                continue
            for start, (cost, cuts) in rows[k - 1].items():
                w = width(start, end) if start < end else math.inf
                if w > max_width:
                    continue
                total = cost + abs(w - mean) + (costs[end] if k < lines else 0.0)
                if end not in row or total < row[end][0]:
                    row[end] = (total, [*cuts, end] if k < lines else cuts)
        rows.append(row)
    return rows[lines].get(n)


def _break_cost(title: str, i: int) -> float:
    """Cost of breaking `title` between characters i-1 and i (inf: forbidden)."""
    if i <= 0 or i >= len(title):
        return math.inf
    before, after = title[i - 1], title[i]
    if not may_break(before, after):
        return math.inf
    if before.isascii() and after.isascii() and before.isalnum() and after.isalnum():
        return math.inf  # inside a number or a Latin word
    cost = _BAD
    if before == "》" or after == "《" or any(title.startswith(word, i) for word in TAIL_WORDS):
        cost = 0.0
    if before in "—～-" and i >= 2 and title[i - 2].isdigit():
        cost = _NUMBER
    depth = title.count("《", 0, i) - title.count("》", 0, i)
    if depth > 0:
        cost += _IN_BOOK
    return cost


def signature_indents(organ: str, date: str) -> tuple[float, float]:
    """Right indents (字) of 署名 and 成文日期 for a document without a seal (GB/T 9704 7.3.5.2).

    The 署名 is set 2 字 from the right, the date on the next line with its first character
    2 字 to the right of the 署名's first character. If that leaves the date less than 2 字
    from the right (a date longer than the 署名 allows), the date is set 2 字 from the
    right and the 署名 moves left so that the 2-字 shift is kept.
    """
    organ_w, date_w = text_width(organ), text_width(date)
    organ_right = 2.0
    date_right = organ_right + organ_w - 2.0 - date_w
    if not organ:
        return 0.0, 2.0
    if date_right < 2.0:
        date_right = 2.0
        organ_right = date_right + date_w + 2.0 - organ_w
    return organ_right, date_right
