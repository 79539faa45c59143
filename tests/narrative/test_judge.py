"""The judgement layer: categories decided from the figures (generator/narrative/judge.py) and
the views that templates ask (generator/narrative/views.py), with hand-made figures."""

from __future__ import annotations

from types import SimpleNamespace

import pytest
from hypothesis import given
from hypothesis import strategies as st

from generator.metrics import AHEAD, BEHIND, MET, ON_TRACK, IndicatorMetrics
from generator.model import Indicator, Kind, Region, TargetType
from generator.narrative import judge
from generator.narrative.views import IndicatorView, RenderContext, Summary


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


def test_share_words():
    assert [judge.share_word(k, 12) for k in (0, 3, 6, 7, 12)] == ["没有", "少数", "半数", "多数", "各项"]


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


# --- views ---------------------------------------------------------------------------------

SHARE = Indicator("share", "理论课程占比", "%", Kind.PERCENT, 1, 70, TargetType.ANNUAL)
TRAINED = Indicator("trained", "轮训人数", "名", Kind.COUNT, 0, 3000, TargetType.CUMULATIVE)
CITY = Region("临江市", "市", None, "临江")
COUNTY = Region("云岭县", "县", "临江市", "云岭")


def _view(ind, region=COUNTY, progress=58.3, **m):
    metrics = SimpleNamespace(region=region, year=2025, time_progress=progress, indicators={})
    ctx = RenderContext(metrics, plan_end=2027)
    im = IndicatorMetrics(ind, m.pop("by_year", {}), 2025, **m)
    return IndicatorView(im, ctx)


def test_missed_floor_is_behind_not_sound_and_worded_as_a_shortfall():
    v = _view(SHARE, value=68.6, prev=69.0, target=70, rate=98.0, gap=-1.4, status=BEHIND,
              by_year={2024: 69.0, 2025: 68.6})
    assert v.behind and not v.ok and not v.sound and v.falling and v.problem
    assert v.verdict == "距70%的年度目标尚差1.4个百分点"
    assert not v.held


def test_floor_held_every_year():
    v = _view(SHARE, value=73.7, prev=72.0, target=70, rate=105.3, gap=3.7, status=MET,
              by_year={2023: 71.5, 2024: 72.0, 2025: 73.7})
    assert v.ok and v.sound and v.held and v.rising and v.narrow
    assert v.verdict == "达到70%的年度目标要求"


def test_cumulative_verdicts_and_what_is_left():
    v = _view(TRAINED, value=560, prev=610, cum=1690, target=3000, rate=56.3, gap=-2.0,
              status=BEHIND)
    assert v.verdict == "低于时序进度2个百分点"
    assert v.remaining == "1310名" and v.per_year_needed == "655名"
    ahead = _view(TRAINED, value=700, prev=600, cum=2100, target=3000, rate=70.0, gap=11.7,
                  status=AHEAD)
    assert ahead.verdict == "超过时序进度11.7个百分点" and ahead.sound
    done = _view(TRAINED, value=700, prev=600, cum=3100, target=3000, rate=103.3, gap=45,
                 status=AHEAD)
    assert done.remaining == "" and done.per_year_needed == ""


def test_rank_phrase_names_the_city():
    last = _view(SHARE, value=60.0, rank=8, peers=8)
    assert last.position == judge.LAST and last.weak
    assert last.rank_phrase == "在临江市排名末位"
    first = _view(SHARE, value=80.0, rank=1, peers=8)
    assert first.rank_phrase == "位居临江市首位" and first.strong and not first.weak


def test_benchmark_is_the_city_value_with_one_label():
    v = _view(SHARE, value=69.0, city=72.0)
    assert v.vs_benchmark == "低于临江市平均水平3个百分点"
    assert not v.above_benchmark
    assert _view(SHARE, value=72.04, city=72.0).vs_benchmark == "与临江市平均水平持平"
    assert COUNTY.benchmark_label == "临江市平均" and CITY.benchmark_label == "全市平均"
    county_city = Region("安平市", "县级市", "临江市", "安平")
    assert county_city.benchmark_label == "临江市平均"   # never 全市, which would mean itself


def test_about_puts_yu_only_after_a_rounded_number():
    assert _view(TRAINED, value=555).about == "550余"
    assert _view(TRAINED, value=500).about == "500"


def test_summary_counts_from_one_set_and_lists_floors_first():
    def make(code, tt, status, rate, target=100):
        ind = Indicator(code, code, "%" if tt is TargetType.ANNUAL else "人",
                        Kind.PERCENT if tt is TargetType.ANNUAL else Kind.COUNT, 1, target, tt)
        return _view(ind, value=rate, rate=rate, status=status, target=target)

    views = {
        "a": make("a", TargetType.CUMULATIVE, BEHIND, 40.0),
        "b": make("b", TargetType.ANNUAL, BEHIND, 99.0),
        "c": make("c", TargetType.CUMULATIVE, BEHIND, 55.0),
        "d": make("d", TargetType.ANNUAL, MET, 101.0),
        "e": make("e", TargetType.CUMULATIVE, AHEAD, 80.0),
        "f": _view(Indicator("f", "f", "个", Kind.COUNT), value=3),   # no target: not counted
    }
    s = Summary(views)
    assert s.n_targets == 5 and s.n_ok + s.n_behind == s.n_targets
    assert [v.code for v in s.behind] == ["b", "a", "c"]   # the annual floor first, then by gap
    assert s.share_behind == "多数" and s.half_behind
    assert [v.code for v in s.narrow] == ["d"]
