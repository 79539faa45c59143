"""The one source of figure formatting: prose, tables and chart labels all call these.

Rules follow Chinese official usage: Arabic digits, rounding half up to the catalog's
decimals, no thousands separators, 万/亿 only where the catalog asks, 个百分点 for
differences of rates, dates like 2025年12月31日 and document numbers like 临组字〔2023〕5号.
"""

from __future__ import annotations

import datetime as _dt
from decimal import ROUND_HALF_UP, Decimal

_SCALES = {"万": Decimal(10_000), "亿": Decimal(100_000_000)}


def round_half_up(value: float, decimals: int) -> Decimal:
    """Round like a person does (2.5 → 3), not like binary floats (round(2.675, 2) → 2.67)."""
    quantum = Decimal(1).scaleb(-decimals)
    return Decimal(repr(float(value))).quantize(quantum, rounding=ROUND_HALF_UP)


def number(value: float, decimals: int = 0, scale: str | None = None) -> str:
    """A quantity as printed: `number(12345, 0)` → '12345', `number(12345, 2, '万')` → '1.23万'."""
    d = Decimal(repr(float(value)))
    suffix = ""
    if scale:
        d = d / _SCALES[scale]
        suffix = scale
    text = f"{round_half_up(float(d), decimals):f}"
    if text.startswith("-") and Decimal(text) == 0:
        text = text[1:]
    return text + suffix


def percent(value: float, decimals: int = 1) -> str:
    """A rate already in percent: `percent(60)` → '60.0%'."""
    return number(value, decimals) + "%"


def points(diff: float, decimals: int = 1) -> str:
    """The size of a difference between two rates: `points(-3.25)` → '3.3个百分点'."""
    return number(abs(diff), decimals) + "个百分点"


def change_phrase(old: float | None, new: float | None, *, is_rate: bool, decimals: int = 1,
                  unit: str = "", flat_threshold: float = 0.05, prefix: str = "同比") -> str:
    """Wording of a year-on-year change: 同比增长12.5% / 同比提高2.3个百分点 / 与上年基本持平.

    For rates the difference is in 个百分点; for quantities the relative change in %. A change
    smaller than `flat_threshold` (percent, or points for rates) reads as 持平.
    """
    if old is None or new is None:
        return ""
    if is_rate:
        diff = new - old
        if abs(diff) < flat_threshold:
            return "与上年基本持平"
        verb = "提高" if diff > 0 else "下降"
        return f"{prefix}{verb}{points(diff, decimals)}"
    if old == 0:
        return f"{prefix}增加{number(new - old, 0)}{unit}" if new > old else "与上年基本持平"
    rel = (new - old) / abs(old) * 100
    if abs(rel) < flat_threshold:
        return "与上年基本持平"
    verb = "增长" if rel > 0 else "下降"
    return f"{prefix}{verb}{percent(abs(rel), decimals)}"


def date(value: _dt.date) -> str:
    """成文日期 style: Arabic digits, no zero padding: 2025年12月31日."""
    return f"{value.year}年{value.month}月{value.day}日"


def doc_number(org: str, year: int, seq: int | float) -> str:
    """发文字号: `doc_number('临组', 2023, 5)` → '临组字〔2023〕5号' (no leading zeros, no 第)."""
    org = org if org.endswith("字") else org + "字"
    return f"{org}〔{int(year)}〕{int(seq)}号"


def chinese_ordinal(n: int) -> str:
    """1 → 一, 12 → 十二: for 一是/二是 and heading numbers."""
    import cn2an  # lazy: costs ~70 ms and only the narrative needs it

    return cn2an.an2cn(int(n), "low")
