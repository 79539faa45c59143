"""Lenient reading of numbers that people type into Excel or CSV cells."""

from __future__ import annotations

import math
import re
import unicodedata

# One optional sign, digits either plain (1234.5) or grouped by thousands (1,234.5),
# an optional exponent (Excel shows 1.2E+05 for big numbers) and an optional trailing %.
_NUMBER = re.compile(
    r"([+-]?)"
    r"(\d{1,3}(?:,\d{3})+(?:\.\d*)?|\d+(?:\.\d*)?|\.\d+)"
    r"([eE][+-]?\d+)?"
    r"(%?)",
    re.ASCII,
)

# What Excel shows in a cell whose formula failed (the values table and the returned forms).
EXCEL_ERRORS = ("#DIV/0!", "#N/A", "#VALUE!", "#REF!", "#NAME?", "#NUM!", "#NULL!", "#SPILL!")

# Minus signs that NFKC leaves alone but people paste from Word or web pages, and invisible
# characters pasted along with a figure (zero-width space, BOM, soft hyphen …), dropped.
INVISIBLE = "\u200b\u200c\u200d\u2060\ufeff\u00ad\u200e\u200f"
_MINUS = str.maketrans({"\u2212": "-", "\u2013": "-", **dict.fromkeys(INVISIBLE, None)})


def parse_number(text: str | float | None) -> float | None:
    """The number a cell means, or None when it is not a plain number.

    Accepts what office staff type: `"1,234"`, full-width `"１２３"`, `" 45 "`, `"56.5%"`
    (→ 56.5, the figure as written), `"12.0"`, `"-3"`. Returns None for empty cells and for
    anything with words or symbols in it (`"约120"`, `"12人"`, `"N/A"`, `"—"`), so the caller
    can tell the user which cell to fix. Numbers that are already int/float pass through.
    """
    if text is None or isinstance(text, bool):
        return None
    if isinstance(text, (int, float)):
        value = float(text)
        return value if math.isfinite(value) else None
    if not isinstance(text, str):
        return None
    # NFKC turns full-width digits, ，．％ and the ideographic space into their ASCII forms.
    cleaned = unicodedata.normalize("NFKC", text).translate(_MINUS).strip()
    match = _NUMBER.fullmatch(cleaned)
    if match is None:
        return None
    sign, digits, exponent, _percent = match.groups()
    try:
        value = float(sign + digits.replace(",", "") + (exponent or ""))
    except ValueError:  # pragma: no cover - the pattern only admits valid literals
        return None
    return value if math.isfinite(value) else None


def is_whole(value: float) -> bool:
    """True for 12.0, False for 12.5 (tolerates float noise from Excel formulas)."""
    return abs(value - round(value)) < 1e-9


def show(value: float) -> str:
    """A number for a message: 12345 → '12345', 0.1 + 0.2 → '0.3', no exponent for big ones."""
    if is_whole(value) and abs(value) < 1e15:
        return str(int(round(value)))
    text = f"{value:.10f}".rstrip("0").rstrip(".")
    return text if text not in ("", "-0") else "0"
