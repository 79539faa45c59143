"""Small helpers shared by the loaders: cell text, choices and 'did you mean' suggestions."""

from __future__ import annotations

import datetime as _dt
import difflib
from collections.abc import Iterable

from .numeric import show


def text(value: object) -> str:
    """A cell as text: '' for empty, 5 → '5', 5.5 → '5.5', a date → '2024年5月1日'."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, (int, float)):
        return show(float(value))
    if isinstance(value, _dt.datetime) and value.time() == _dt.time(0):
        value = value.date()
    if isinstance(value, _dt.date) and not isinstance(value, _dt.datetime):
        return f"{value.year}年{value.month}月{value.day}日"
    return str(value).strip()


def closest(word: str, candidates: Iterable[str], cutoff: float = 0.5) -> str | None:
    """The candidate most like `word` (a typo, a different case), or None if none is close."""
    options = list(dict.fromkeys(candidates))
    if not word or not options:
        return None
    lowered = {c.lower(): c for c in options}
    if word.lower() in lowered:
        return lowered[word.lower()]
    found = difflib.get_close_matches(word.lower(), list(lowered), n=1, cutoff=cutoff)
    return lowered[found[0]] if found else None


def choice(value: str, options: dict[str, object]):
    """The option a cell names (Chinese or English, any case), or None."""
    return options.get(value) or options.get(value.lower())


def listing(names: Iterable[str]) -> str:
    """「a」「b」「c」 for messages."""
    return "".join(f"「{n}」" for n in names)
