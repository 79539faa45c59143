"""Judgements: how a figure stands, decided once, in Python, from the figure itself.

Templates never compute a judgement. They ask an indicator view for a category (its pace
against target, its direction year on year, its position among the county-level units) and
choose their sentence by it; the few formulaic phrases that recur everywhere (the rank
phrase, 多数/少数, the verdict clause) are macros in templates/_macros.md.j2, which word the
categories decided here so that they read alike throughout.

Everything here is pure: numbers and categories in, categories out.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TypeGuard

from ..metrics import AHEAD, BEHIND, MET, ON_TRACK

# A change smaller than this (percent for quantities, points for rates) reads as 持平: the one
# threshold, used by `direction` and so by the view's year_on_year that the 同比 phrase words.
FLAT = 0.05

UP, DOWN, FLAT_DIR = "up", "down", "flat"

# Positions among the county-level units; m.rank_phrase(x) words them (位居…首位 / 前列 /
# 处于…中上游 / 中下游 / 在…排名靠后 / 排名末位).
FIRST, TOP, UPPER, LOWER, BOTTOM, LAST = "first", "top", "upper", "lower", "bottom", "last"
EVEN = "even"   # every unit has the same figure: no one leads or lags

# How a figure stands against a level (the benchmark, or its requirement): above it, level
# with it (equal as printed, or met without a margin), below it.
ABOVE, LEVEL, BELOW = "above", "level", "below"

# How large a part of a whole is; m.share(kind) words them (各项 / 多数 / 半数 / 少数 / 没有).
ALL, MOST, HALF, FEW, NONE = "all", "most", "half", "few", "none"

OK_STATUSES = (AHEAD, ON_TRACK, MET)

# Units whose best and worst completion (percent of target) lie further apart than this many
# points are said to differ widely (分化较为明显); closer, 总体均衡.
WIDE_SPREAD = 15.0


def direction(prev: object, value: object, *, is_rate: bool) -> str | None:
    """'up', 'down' or 'flat' year on year; None when a year is missing (or not a number).

    Rates compare in points, quantities relatively (a change below FLAT reads as flat), as
    the printed 同比 phrase does.
    """
    if not _number(prev) or not _number(value):
        return None
    if is_rate:
        diff = value - prev
    elif prev == 0:
        diff = 1.0 if value > 0 else (0.0 if value == 0 else -1.0)
        return UP if diff > 0 else (FLAT_DIR if diff == 0 else DOWN)
    else:
        diff = (value - prev) / abs(prev) * 100
    if abs(diff) < FLAT:
        return FLAT_DIR
    return UP if diff > 0 else DOWN


def rose_each_year(by_year: Mapping[int, object]) -> bool:
    """True when every year with data is above the one before (at least two years)."""
    values = [v for _, v in sorted(by_year.items())]
    numbers = [v for v in values if _number(v)]
    if len(values) < 2 or len(numbers) < len(values):
        return False
    return all(b > a for a, b in zip(numbers, numbers[1:], strict=False))


def position(rank: int | None, n: int, tied: int = 1) -> str | None:
    """Where a rank stands among n units: first, top (前列), upper/lower half, bottom, last;
    even when all `tied` units share one figure (tied == n: a rank that says nothing).

    The top and bottom bands are the first and last three eighths (3 of 8); the halves split
    the rest, so 中上游 is always in the upper half and 中下游 in the lower one.
    """
    if rank is None or n < 2:
        return None
    if tied >= n:
        return EVEN
    band = max(1, n * 3 // 8)
    if rank == 1:
        return FIRST
    if rank == n:
        return LAST
    if rank <= band:
        return TOP
    if rank > n - band:
        return BOTTOM
    return UPPER if rank * 2 <= n else LOWER


def strong(pos: str | None) -> bool:
    return pos in (FIRST, TOP)


def weak(pos: str | None) -> bool:
    return pos in (BOTTOM, LAST)


def share(part: int, whole: int) -> str:
    """ALL / MOST / HALF / FEW / NONE, for 'part of whole' (NONE when either is 0)."""
    if whole <= 0 or part <= 0:
        return NONE
    if part >= whole:
        return ALL
    if part * 2 > whole:
        return MOST
    if part * 2 == whole:
        return HALF
    return FEW


def pace(status: str | None) -> str | None:
    """A status against its requirement: ABOVE when ahead of it (超额完成), BELOW when behind
    (滞后), LEVEL when on track or met; None without a status."""
    if status is None:
        return None
    if status == AHEAD:
        return ABOVE
    return BELOW if status == BEHIND else LEVEL


def is_ok(status: str | None) -> bool:
    """On track, met or ahead: a figure that may be cited as an achievement."""
    return status in OK_STATUSES


def shortfall(status: str | None, rate: float | None, progress: float, cumulative: bool) -> float:
    """How far a figure falls short of what it should be, relative to it (0 when it does not).

    Cumulative targets are measured against time progress, annual ones against the target
    (rate is already value / target): 56.3% done at 58.3% progress is 3.4% short; 68.6% of
    a 70% floor is 2% short. Used to order problems, most serious first.
    """
    if status != BEHIND or rate is None:
        return 0.0
    if cumulative:
        return max(0.0, (progress - rate) / progress) if progress else 0.0
    return max(0.0, (100 - rate) / 100)


def _number(v: object) -> TypeGuard[float]:
    return isinstance(v, (int, float)) and not isinstance(v, bool)

