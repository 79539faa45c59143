"""Small helpers shared by the loaders: cell text, choices and 'did you mean' suggestions."""

from __future__ import annotations

import datetime as _dt
import difflib
import unicodedata
from collections.abc import Iterable

from .numeric import show

# Characters that look like nothing, or like an ordinary space, and so make two codes or
# names that read alike differ: pasted from web pages, Word or WeChat, or left by a BOM.
_ODD_NAMES = {
    "\u200b": "零宽空格", "\u200c": "零宽不连字符", "\u200d": "零宽连字符", "\u2060": "零宽不换行符",
    "\ufeff": "零宽不换行空格（字节顺序标记 BOM）", "\u00ad": "软连字符", "\u200e": "从左到右标记",
    "\u200f": "从右到左标记", "\u00a0": "不换行空格", "\u3000": "全角空格", "\u202f": "窄不换行空格",
    "\t": "制表符", "\n": "换行符", "\r": "回车符",
}


def _is_odd(ch: str, ascii_only: bool) -> bool:
    if ch == " ":
        return False
    if ch in _ODD_NAMES or unicodedata.category(ch) in ("Cf", "Cc", "Zs", "Zl", "Zp"):
        return True
    return ascii_only and "\uff01" <= ch <= "\uff5e"  # full-width ！…～ (ａ, １, ＿)


def odd_characters(written: str, ascii_only: bool = False) -> tuple[str, str] | None:
    """(what, cleaned) when `written` holds a character that does not belong in a code or
    name, else None: `what` names the first such character and where it is, to follow
    「…」中 in a message (含有看不见的字符“零宽空格”（U+200B），位于第9个字符之后，请删除);
    `cleaned` is the text without invisible characters, with ordinary spaces and half-width
    letters. With `ascii_only` (codes) full-width letters and digits count as odd too."""
    found = [i for i, ch in enumerate(written) if _is_odd(ch, ascii_only)]
    if not found:
        return None
    i = found[0]
    ch = written[i]
    code = f"U+{ord(ch):04X}"
    if i == 0:
        where = "位于开头"
    elif i == len(written) - 1:
        where = "位于末尾"
    else:
        where = f"位于第{i}个字符之后"
    if "\uff01" <= ch <= "\uff5e":
        what = (f"含有全角字符「{ch}」（第{i + 1}个字符），"
                f"请改为半角的「{unicodedata.normalize('NFKC', ch)}」（切换到英文输入法后重新输入）")
    else:
        name = _ODD_NAMES.get(ch) or unicodedata.name(ch, "控制字符").lower()
        look = "看起来像空格的字符" if unicodedata.category(ch) == "Zs" else "看不见的字符"
        what = f"含有{look}“{name}”（{code}），{where}，请删除"
    if len(found) > 1:
        what += f"（共{len(found)}处）"
    cleaned = "".join(" " if unicodedata.category(c) == "Zs" else
                      unicodedata.normalize("NFKC", c) if "\uff01" <= c <= "\uff5e" else c
                      for c in written if not (_is_odd(c, False) and unicodedata.category(c) != "Zs"))
    return what, cleaned.strip()


def text(value: object) -> str:
    """A cell as text: '' for empty, 5 → '5', 5.5 → '5.5', a date → '2024年5月1日'."""
    if type(value) is str:   # most cells: first, before the checks of other types
        return value.strip()
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
