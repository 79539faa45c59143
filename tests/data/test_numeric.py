"""parse_number: the one lenient reader of numbers typed into cells."""

from __future__ import annotations

import math

import pytest
from hypothesis import given
from hypothesis import strategies as st

from generator.data import parse_number
from generator.data.numeric import is_whole, show

FULL_WIDTH = str.maketrans("0123456789.,-%", "０１２３４５６７８９．，－％")
SPACES = st.text(alphabet=" \t\u3000\u00a0", max_size=3)


@pytest.mark.parametrize(("text", "expected"), [
    ("1,234", 1234.0),
    ("１２３", 123.0),
    (" 45 ", 45.0),
    ("56.5%", 56.5),
    ("56.5％", 56.5),
    ("12.0", 12.0),
    ("-3", -3.0),
    ("\u22123", -3.0),          # the typographic minus sign pasted from Word
    ("+7", 7.0),
    ("1.2E+05", 120000.0),
    (".5", 0.5),
    ("5.", 5.0),
    ("１，２３４．５", 1234.5),
    ("\u3000８８\u3000", 88.0),
    ("12,345,678.25", 12345678.25),
    (5, 5.0),
    (2.5, 2.5),
])
def test_accepts_what_people_type(text, expected):
    assert parse_number(text) == expected


@pytest.mark.parametrize("text", [
    "约120", "12人", "N/A", "—", "-", "", "   ", "1,2", "12,34", "1,2345", "1.2.3", "nan",
    "inf", "-Infinity", "1_000", "١٢", "12 34", "%", "1e999", "五", "12万", "#DIV/0!",
    None, True, float("nan"), float("inf"), "1 %5",
])
def test_rejects_anything_else(text):
    assert parse_number(text) is None


@given(st.integers(min_value=-10**15, max_value=10**15), SPACES, SPACES)
def test_round_trips_grouped_integers(n, left, right):
    assert parse_number(f"{left}{n:,}{right}") == n
    assert parse_number(str(n)) == n


@given(st.floats(allow_nan=False, allow_infinity=False))
def test_round_trips_float_repr(x):
    assert parse_number(repr(x)) == x


@given(st.integers(min_value=0, max_value=10**12))
def test_full_width_digits_and_separators(n):
    assert parse_number(f"{n:,}".translate(FULL_WIDTH)) == n
    assert parse_number(str(n).translate(FULL_WIDTH)) == n


@given(st.floats(min_value=-1e12, max_value=1e12, allow_nan=False), st.integers(0, 4), SPACES)
def test_formatted_decimals_with_thousands_and_percent(x, decimals, pad):
    text = f"{x:,.{decimals}f}"
    expected = float(text.replace(",", ""))
    assert parse_number(pad + text + pad) == expected
    assert parse_number(text + "%") == expected


@given(st.text(max_size=20))
def test_never_raises_and_is_finite(text):
    result = parse_number(text)
    assert result is None or math.isfinite(result)


@given(st.floats(allow_nan=False, allow_infinity=False),
       st.sampled_from(["约", "人", "万", "个", "N/A", "左右", "—"]), st.booleans())
def test_numbers_with_words_are_rejected(x, word, before):
    text = word + repr(x) if before else repr(x) + word
    assert parse_number(text) is None


@given(st.integers(-10**9, 10**9))
def test_show_and_is_whole_for_integers(n):
    assert is_whole(float(n))
    assert show(float(n)) == str(n)
    assert parse_number(show(float(n))) == n


def test_show_hides_float_noise():
    assert show(0.1 + 0.2) == "0.3"
    assert show(12.50) == "12.5"
    assert not is_whole(12.5)
