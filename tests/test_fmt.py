"""The one formatting source: rounding, units, 个百分点, change wording, dates, document numbers."""

import datetime as dt
import re
import subprocess
import sys
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from generator import fmt


@pytest.mark.parametrize("value,decimals,scale,expected", [
    (12345, 0, None, "12345"),
    (2.5, 0, None, "3"),
    (2.675, 2, None, "2.68"),
    (41.29032, 1, None, "41.3"),
    (12345, 2, "万", "1.23"+"万"),
    (1_152_000, 1, "万", "115.2万"),
    (-0.04, 1, None, "0"),
    (56.0, 1, None, "56"),
    (3210.0, 1, None, "3210"),
    (41.30, 2, None, "41.3"),
    (61197, 0, "万", "6.12万"),
    (1_152_000, 0, "万", "115万"),
    (3_240_000, 0, "万", "324万"),
    (61_000, 0, "万", "6.1万"),
    (99_960, 0, "万", "10万"),
    (99_600, 0, "万", "9.96万"),
    (123_456_789, 0, "亿", "1.23亿"),
    (-61197, 0, "万", "-6.12万"),
])
def test_number(value, decimals, scale, expected):
    assert fmt.number(value, decimals, scale) == expected


def test_percent_and_points():
    assert fmt.percent(60) == "60%"
    assert fmt.percent(59.98) == "60%"
    assert fmt.percent(64.3333, 1) == "64.3%"
    assert fmt.points(-3.25) == "3.3个百分点"
    assert fmt.points(3.0) == "3个百分点"


@pytest.mark.parametrize("value,expected", [
    (555, "550余"), (1690, "1600余"), (11940, "11000余"), (100.5, "100余"), (199, "190余"),
    (500, "500"), (1200, "1200"), (100, "100"), (99, "99"), (87, "87"), (0, "0"),
])
def test_approx(value, expected):
    assert fmt.approx(value) == expected


def test_date_and_document_number():
    assert fmt.date(dt.date(2025, 1, 5)) == "2025年1月5日"
    assert fmt.doc_number("临组", 2023, 5) == "临组字〔2023〕5号"
    assert fmt.doc_number("临组字", 2023, 12.0) == "临组字〔2023〕12号"


def test_chinese_ordinal():
    assert [fmt.chinese_ordinal(n) for n in (1, 2, 10, 11, 20)] == ["一", "二", "十", "十一", "二十"]


def test_chinese_ordinal_loads_only_the_converter_and_agrees_with_the_library():
    # In a fresh process: cn2an's own package (and its Chinese → Arabic parser) is not
    # loaded, nor proces's address masks, and the converter gives what cn2an.an2cn gives,
    # 0 to 10,000; afterwards both libraries still import whole.
    code = (
        "import sys\n"
        "from generator import fmt\n"
        "mine = [fmt.chinese_ordinal(n) for n in range(10001)]\n"
        "assert 'cn2an' not in sys.modules, 'the whole cn2an package was imported'\n"
        "assert 'proces' not in sys.modules, 'proces was imported whole, or its stand-in left in place'\n"
        "assert not any('masking' in m for m in sys.modules), 'the address masks were built'\n"
        "import cn2an, proces\n"
        "assert callable(proces.mask_address) and cn2an.cn2an('十二') == 12\n"
        "assert mine == [cn2an.an2cn(n, 'low') for n in range(10001)]\n"
        "print('ok')\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "ok"


@given(st.integers(min_value=0, max_value=10**9))
def test_whole_numbers_print_as_themselves(n):
    assert fmt.number(n, 0) == str(n)


FIGURES = st.floats(min_value=-1e12, max_value=1e12, allow_nan=False)
SCALES = st.sampled_from(["万", "亿"])


def _digits(text: str) -> str:
    """The number of a printed figure, without its unit or scale."""
    return re.sub(r"[万亿%]|个百分点$", "", text)


@given(st.floats(min_value=0, max_value=1e7, allow_nan=False), st.integers(0, 3))
def test_number_has_at_most_the_catalog_decimals_and_rounds_half_up(x, d):
    text = fmt.number(x, d)
    assert len(text.split(".")[1]) <= d if "." in text else True
    assert Decimal(text) == fmt.round_half_up(x, d)


@given(FIGURES, st.integers(0, 4), st.one_of(st.none(), SCALES))
def test_never_a_trailing_zero_after_the_point(x, d, scale):
    for text in (fmt.number(x, d, scale), fmt.percent(x, d), fmt.points(x, d)):
        digits = _digits(text)
        assert not (("." in digits and digits.endswith("0")) or digits.endswith(".")), text
        assert digits != "-0", text


@given(st.floats(min_value=-1e14, max_value=1e14, allow_nan=False), st.integers(0, 2), SCALES)
def test_scaled_figures_keep_three_significant_digits(x, d, scale):
    text = fmt.number(x, d, scale)
    assert text.endswith(scale)
    shown = Decimal(text[:-1])
    unit = Decimal(10_000 if scale == "万" else 100_000_000)
    exact = abs(Decimal(repr(x))) / unit
    if not exact:
        return
    # at least 3 significant digits: the error is within half a unit of the third digit …
    third = Decimal(1).scaleb(exact.adjusted() - 2)
    assert abs(abs(shown) - exact) <= third / 2
    # … and no more decimals than the catalog's unless they are needed for that
    places = -shown.as_tuple().exponent if "." in text else 0
    assert places <= max(d, 2 - exact.adjusted())


@given(st.floats(min_value=1, max_value=1e12, allow_nan=False), st.integers(0, 2), SCALES)
def test_scaled_figures_round_trip_within_half_a_percent(x, d, scale):
    unit = 10_000 if scale == "万" else 100_000_000
    shown = float(fmt.number(x, d, scale)[:-1]) * unit
    assert abs(shown - x) <= 0.005 * x * (1 + 1e-9)


@given(st.floats(min_value=-1e9, max_value=1e12, allow_nan=False))
def test_approx_never_exceeds_the_value_and_yu_only_below_it(x):
    text = fmt.approx(x)
    yu = text.endswith("余")
    shown = Decimal(text.removesuffix("余"))
    exact = Decimal(repr(x))
    if exact < 100:
        assert not yu and text == fmt.number(x, 0)
        return
    assert shown <= exact
    assert yu == (shown < exact)
    assert len(str(shown).rstrip("0")) <= 2          # a round number: two significant digits
    assert shown > exact * Decimal("0.9") - 1         # and not far below the value
    assert not text.startswith("0") and text.count("余") <= 1


@given(st.integers(min_value=100, max_value=10**12))
def test_approx_of_a_round_count_is_exact(n):
    text = fmt.approx(n)
    assert text.endswith("余") != (int(text.removesuffix("余")) == n)
