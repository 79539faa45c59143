"""The one source of figure formatting: prose, tables and chart labels all call these.

Rules follow Chinese official usage: Arabic digits, rounding half up to the catalog's
decimals, no trailing ".0" (60%, 3210万元), no thousands separators, 万/亿 only where the
catalog asks and then with at least 3 significant digits (6.12万), 个百分点 for differences
of rates, 余 only after a rounded number (550余), dates like 2025年12月31日 and document
numbers like 临组字〔2023〕5号.
"""

from __future__ import annotations

import contextlib
import datetime as _dt
import functools
import importlib
import importlib.util
import sys
import types
from collections.abc import Callable
from decimal import ROUND_FLOOR, ROUND_HALF_UP, Decimal

_SCALES = {"万": Decimal(10_000), "亿": Decimal(100_000_000)}
SIGNIFICANT = 3  # significant digits a 万/亿 figure keeps at least


def round_half_up(value: float, decimals: int) -> Decimal:
    """Round like a person does (2.5 → 3), not like binary floats (round(2.675, 2) → 2.67)."""
    return _quantize(Decimal(repr(float(value))), decimals)


def _quantize(d: Decimal, decimals: int) -> Decimal:
    return d.quantize(Decimal(1).scaleb(-decimals), rounding=ROUND_HALF_UP)


def _plain(d: Decimal) -> str:
    """Digits of a rounded figure without trailing zeros after the point (3210.0 → 3210,
    6.10 → 6.1) and without the sign of a zero (−0.04 rounded to 0.0 → 0)."""
    text = f"{d:f}"
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return "0" if text in ("-0", "0") else text


def _scaled_decimals(value: float, decimals: int, scale: str) -> int:
    """Decimals a figure shown in 万/亿 needs: the catalog's, or more where fewer would leave
    under 3 significant digits (61197 in 万 with 0 decimals → 2: 6.12万, not 6万)."""
    d = abs(Decimal(repr(float(value)))) / _SCALES[scale]
    if d == 0:
        return decimals
    # d.adjusted() is the exponent of the leading digit: 6.1197 → 0, 115.2 → 2
    return max(decimals, SIGNIFICANT - 1 - d.adjusted())


def number(value: float, decimals: int = 0, scale: str | None = None) -> str:
    """A quantity as printed: `number(12345, 0)` → '12345', `number(3210.0, 1)` → '3210'.

    Rounded half up to `decimals`; trailing zeros after the point are dropped, so a whole
    figure never reads '3210.0' and 64.3 stays 64.3. With `scale` ('万' or '亿') the figure is
    divided by it and keeps at least 3 significant digits, with more decimals than `decimals`
    only where needed: `number(61197, 0, '万')` → '6.12万', `number(1152000, 0, '万')` → '115万',
    `number(61000, 0, '万')` → '6.1万'.
    """
    d = Decimal(repr(float(value)))
    if not scale:
        return _plain(_quantize(d, decimals))
    places = _scaled_decimals(value, decimals, scale)
    return _plain(_quantize(d / _SCALES[scale], places)) + scale


def percent(value: float, decimals: int = 1) -> str:
    """A rate already in percent: `percent(64.33)` → '64.3%', `percent(60)` → '60%'."""
    return number(value, decimals) + "%"


def points(diff: float, decimals: int = 1) -> str:
    """The size of a difference between two rates: `points(-3.25)` → '3.3个百分点', `points(3)`
    → '3个百分点'."""
    return number(abs(diff), decimals) + "个百分点"


def approx(value: float) -> str:
    """An approximate count for "N余" (more than N), without the unit: `approx(555)` → '550余'.

    Rule: a value of 100 or more is rounded DOWN to two significant digits (555 → 550余,
    1690 → 1600余, 11940 → 11000余); 余 follows only when that round number is strictly below
    the value. A value that already is that round number (500, 1200) or is below 100 (or
    negative) prints exactly, without 余 (500 → '500', 87 → '87'), so "500余次" never appears.
    The caller adds the unit: f"{fmt.approx(n)}次".
    """
    d = Decimal(repr(float(value)))
    if d < 100:
        return number(value, 0)
    step = Decimal(1).scaleb(d.adjusted() - 1)    # 555 → 10, 11940 → 1000
    floor = (d / step).to_integral_value(rounding=ROUND_FLOOR) * step
    return _plain(floor) + ("余" if floor < d else "")


def date(value: _dt.date) -> str:
    """成文日期 style: Arabic digits, no zero padding: 2025年12月31日."""
    return f"{value.year}年{value.month}月{value.day}日"


def doc_number(org: str, year: int, seq: int | float) -> str:
    """发文字号: `doc_number('临组', 2023, 5)` → '临组字〔2023〕5号' (no leading zeros, no 第)."""
    org = org if org.endswith("字") else org + "字"
    return f"{org}〔{int(year)}〕{int(seq)}号"


def chinese_ordinal(n: int) -> str:
    """1 → 一, 12 → 十二: for 一是/二是 and heading numbers."""
    return _an2cn()(int(n), "low")


@functools.cache
def _an2cn() -> Callable[[int, str], str]:
    """cn2an's Arabic → Chinese converter, loaded on first use (only the narrative needs it).

    `import cn2an` also builds the library's Chinese → Arabic parser, which reportgen never
    uses: about 0.1 s of regular expressions in every worker process. So its `an2cn` module
    is loaded by itself, as a submodule of a private alias of the package (the same files,
    its relative imports resolved there); if that fails, the package is imported as usual.
    Its one other import, `from proces import preprocess` (cn2an's text clean-up library),
    is given `proces.preprocess` by itself too (`_lean_proces`): `import proces` also builds
    the library's address masks, a regular expression of every city in China (40–50 ms),
    which the converter never uses."""
    if "cn2an" not in sys.modules:
        try:
            with _lean_proces():
                an2cn = _submodule_alone("cn2an", "an2cn", _CN2AN_ALIAS)
            if an2cn is not None:
                return an2cn.An2Cn().an2cn
        except Exception:  # noqa: BLE001 - any surprise: the ordinary import below
            for name in [m for m in sys.modules if m.startswith((_CN2AN_ALIAS, _PROCES_ALIAS))]:
                del sys.modules[name]
    import cn2an

    return cn2an.an2cn


@contextlib.contextmanager
def _lean_proces():
    """While cn2an's converter is imported: `proces` is a stand-in holding only the library's
    `preprocess` function, from its own module loaded alone (`_submodule_alone`: the
    package's __init__ and masks not run). The stand-in is removed afterwards, so that any
    later `import proces` gets the whole library. Where proces is already loaded, or cannot
    be found, nothing is done."""
    found = None if "proces" in sys.modules else _submodule_alone("proces", "preprocess",
                                                                   _PROCES_ALIAS)
    if found is None:
        yield
        return
    stand_in = types.ModuleType("proces")
    setattr(stand_in, "preprocess", found.preprocess)  # noqa: B010 - a module made here
    sys.modules["proces"] = stand_in
    try:
        yield
    finally:
        if sys.modules.get("proces") is stand_in:
            del sys.modules["proces"]


def _submodule_alone(package: str, name: str, alias: str) -> types.ModuleType | None:
    """`package.name` loaded without running `package`'s __init__: as a submodule of `alias`,
    a private package over the same files (relative imports resolve there); None when the
    package cannot be found."""
    spec = importlib.util.find_spec(package)
    if spec is None or not spec.submodule_search_locations:
        return None
    parent = types.ModuleType(alias)
    parent.__path__ = list(spec.submodule_search_locations)
    sys.modules.setdefault(alias, parent)
    return importlib.import_module(f"{alias}.{name}")


_CN2AN_ALIAS = "_reportgen_cn2an"
_PROCES_ALIAS = "_reportgen_proces"
