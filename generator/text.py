"""Chinese text geometry, the one source for every line breaker and width estimate of reportgen:
the characters a line may not start or end with (kinsoku), and whether a character is wide.

The kinsoku sets are Word's defaults for Simplified Chinese (ECMA-376 Part 1, 17.3.1.16
`kinsoku`), plus the em dash U+2014: Word lists the 破折号 as U+2015, the code point older
Windows code pages gave it, while Chinese input methods type U+2014 (——, 2023—2027). Users:
the title breaks (layout/title.py), table cells (layout/tables.py), chart labels (charts.py)
and the problem table of the terminal (data/report.py).
"""

from __future__ import annotations

import unicodedata

# Closing brackets and quotes, pause and stop marks, 间隔号, 省略号, 破折号, %, ℃ …
NO_LINE_START = frozenset(
    "!%),.:;>?]}¢¨°·ˇˉ―‖’”…‰′″›℃∶、。〃〉》」』】〕〗〞︶︺︾﹀﹄﹚﹜﹞"
    "！＂％＇），．：；？］｀｜｝～￠"
    "—")
# Opening brackets and quotes, currency signs (and 间隔号 again: Word keeps it on both sides).
NO_LINE_END = frozenset("$([{£¥·‘“〈《「『【〔〖〝﹙﹛﹝＄（．［｛￡￥")


def may_break(before: str, after: str) -> bool:
    """Whether a line may end with the character `before` and the next start with `after`
    (kinsoku only: whether a break inside a number or a Latin word is allowed is the caller's)."""
    return after not in NO_LINE_START and before not in NO_LINE_END


def is_wide(ch: str, *, ambiguous: bool = True) -> bool:
    """Whether `ch` takes a full CJK character's width (East Asian Width W or F).

    With `ambiguous` (the default), also the characters of width A (“”、…、—、①、℃), which a
    CJK font (Word's 仿宋 and 黑体, the charts' Noto Sans CJK) draws full-width; a terminal
    draws them narrow, so `display_width` passes False."""
    width = unicodedata.east_asian_width(ch)
    return width in ("W", "F") or ambiguous and width == "A"


def display_width(text: str) -> int:
    """Columns a string takes in a terminal: wide characters count two, combining marks none."""
    total = 0
    for ch in text:
        if unicodedata.combining(ch):
            continue
        total += 2 if is_wide(ch, ambiguous=False) else 1
    return total
