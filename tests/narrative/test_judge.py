"""Tests for generator/narrative/judge.py: the categories decided from the figures (direction,
position bands, pace, share kinds, shortfall, steady rise). The views that use them are in test_views."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from generator.metrics import AHEAD, BEHIND, MET, ON_TRACK
from generator.narrative import judge


def test_direction_follows_the_printed_change():
    assert judge.direction(100, 112, is_rate=False) == judge.UP
    assert judge.direction(100, 91, is_rate=False) == judge.DOWN
    assert judge.direction(100, 100.04, is_rate=False) == judge.FLAT_DIR   # 0.04% reads 持平
    assert judge.direction(72.0, 71.9, is_rate=True) == judge.DOWN         # points for rates
    assert judge.direction(72.0, 72.04, is_rate=True) == judge.FLAT_DIR
    assert judge.direction(0, 5, is_rate=False) == judge.UP
    assert judge.direction(None, 5, is_rate=False) is None


@pytest.mark.parametrize("rank,n,pos", [
    (1, 8, judge.FIRST), (2, 8, judge.TOP), (3, 8, judge.TOP), (4, 8, judge.UPPER),
    (5, 8, judge.LOWER), (6, 8, judge.BOTTOM), (7, 8, judge.BOTTOM), (8, 8, judge.LAST),
    (1, 2, judge.FIRST), (2, 2, judge.LAST), (None, 8, None), (1, 1, None),
])
def test_position_bands(rank, n, pos):
    assert judge.position(rank, n) == pos


def test_all_units_tied_is_even_and_part_of_them_tied_keeps_the_band():
    assert judge.position(1, 8, tied=8) == judge.EVEN
    assert judge.position(1, 8, tied=3) == judge.FIRST
    assert judge.position(None, 8, tied=8) is None
    assert not judge.strong(judge.EVEN) and not judge.weak(judge.EVEN)


@given(st.integers(2, 60), st.data())
def test_position_words_never_contradict_the_rank(n, data):
    rank = data.draw(st.integers(1, n))
    pos = judge.position(rank, n)
    if pos == judge.UPPER:
        assert rank * 2 <= n          # 中上游 is in the upper half
    if pos == judge.LOWER:
        assert rank * 2 > n           # 中下游 is in the lower half
    if pos in (judge.FIRST, judge.TOP):
        assert rank <= max(1, n * 3 // 8)
    assert (pos == judge.LAST) == (rank == n)
    assert (pos == judge.FIRST) == (rank == 1)


def test_share_kinds():
    assert [judge.share(k, 12) for k in (0, 3, 6, 7, 12)] == [
        judge.NONE, judge.FEW, judge.HALF, judge.MOST, judge.ALL]
    assert judge.share(3, 0) == judge.NONE


def test_pace_reads_a_status_against_its_requirement():
    assert [judge.pace(s) for s in (AHEAD, ON_TRACK, MET, BEHIND, None)] == [
        judge.ABOVE, judge.LEVEL, judge.LEVEL, judge.BELOW, None]


def test_shortfall_orders_by_relative_gap():
    # 56.3% done at 58.3% progress is 3.4% short; 68.6% of a floor is 31.4% short
    assert judge.shortfall(BEHIND, 56.3, 58.3, True) == pytest.approx(2.0 / 58.3)
    assert judge.shortfall(BEHIND, 98.0, 58.3, False) == pytest.approx(0.02)
    assert judge.shortfall(ON_TRACK, 60.0, 58.3, True) == 0.0


def test_rose_each_year():
    assert judge.rose_each_year({2023: 1, 2024: 2, 2025: 3})
    assert not judge.rose_each_year({2023: 1, 2024: 3, 2025: 2})
    assert not judge.rose_each_year({2025: 3})
    assert not judge.rose_each_year({2023: 1, 2024: None, 2025: 3})
