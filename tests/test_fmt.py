"""The one formatting source: rounding, units, 个百分点, change wording, dates, document numbers."""

import datetime as dt

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
    (-0.04, 1, None, "0.0"),
    (56.0, 1, None, "56.0"),
])
def test_number(value, decimals, scale, expected):
    assert fmt.number(value, decimals, scale) == expected


def test_percent_and_points():
    assert fmt.percent(60) == "60.0%"
    assert fmt.percent(64.3333, 1) == "64.3%"
    assert fmt.points(-3.25) == "3.3个百分点"


@pytest.mark.parametrize("old,new,is_rate,expected", [
    (100, 112.5, False, "同比增长12.5%"),
    (100, 96.9, False, "同比下降3.1%"),
    (100, 100.01, False, "与上年基本持平"),
    (63.5, 67.2, True, "同比提高3.7个百分点"),
    (67.2, 63.5, True, "同比下降3.7个百分点"),
    (63.5, 63.52, True, "与上年基本持平"),
    (0, 5, False, "同比增加5"),
    (None, 5, False, ""),
])
def test_change_phrase(old, new, is_rate, expected):
    assert fmt.change_phrase(old, new, is_rate=is_rate) == expected


def test_date_and_document_number():
    assert fmt.date(dt.date(2025, 1, 5)) == "2025年1月5日"
    assert fmt.doc_number("临组", 2023, 5) == "临组字〔2023〕5号"
    assert fmt.doc_number("临组字", 2023, 12.0) == "临组字〔2023〕12号"


def test_chinese_ordinal():
    assert [fmt.chinese_ordinal(n) for n in (1, 2, 10, 11, 20)] == ["一", "二", "十", "十一", "二十"]


@given(st.integers(min_value=0, max_value=10**9))
def test_whole_numbers_print_as_themselves(n):
    assert fmt.number(n, 0) == str(n)


@given(st.floats(min_value=0, max_value=1e7, allow_nan=False), st.integers(0, 3))
def test_number_has_exactly_the_catalog_decimals(x, d):
    text = fmt.number(x, d)
    assert (text.split(".")[1] if "." in text else "") == "0" * d or len(text.split(".")[1]) == d
    assert abs(float(text) - x) <= 0.5 * 10 ** -d + 1e-9
