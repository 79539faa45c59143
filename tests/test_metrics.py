"""Every metric against hand-computed values."""

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from generator import metrics as M
from generator.model import Combine, Dataset, Indicator, Kind, Region, TargetType, Value


def test_time_progress_of_the_five_year_plan():
    assert M.time_progress(2023, 2023, 2027) == 20
    assert M.time_progress(2025, 2023, 2027) == 60
    assert M.time_progress(2027, 2023, 2027) == 100
    assert M.time_progress(2030, 2023, 2027) == 100
    assert M.time_progress(2022, 2023, 2027) == 0


def test_time_progress_by_month():
    # as_of 2025-11: Jan 2023 … Nov 2025 is 35 of 60 months
    assert M.time_progress(2025, 2023, 2027, 11) == pytest.approx(58.3333, abs=1e-4)
    assert M.time_progress(2023, 2023, 2027, 12) == 20      # 12 of 60
    assert M.time_progress(2025, 2023, 2027, 12) == 60      # month 12: the whole-year figure
    assert M.time_progress(2023, 2023, 2027, 1) == pytest.approx(100 / 60)
    assert M.time_progress(2022, 2023, 2027, 6) == 0        # before the plan starts
    assert M.time_progress(2028, 2023, 2027, 3) == 100      # after it ends
    assert M.time_progress(2027, 2023, 2027, 12) == 100


def test_monthly_time_progress_flips_a_status_judged_on_one_decimal():
    # 59.1% completion: behind the whole-year 60.0%, on track against 58.3% (Nov 2025)
    assert M.status(59.1, TargetType.CUMULATIVE, M.time_progress(2025, 2023, 2027), 10) == M.BEHIND
    assert M.status(59.1, TargetType.CUMULATIVE, M.time_progress(2025, 2023, 2027, 11), 10) == M.ON_TRACK
    # judged on the figures the reader sees: 58.3% completion against 58.333…% is on track
    assert M.status(58.3, TargetType.CUMULATIVE, M.time_progress(2025, 2023, 2027, 11), 10) == M.ON_TRACK
    assert M.status(58.2, TargetType.CUMULATIVE, M.time_progress(2025, 2023, 2027, 11), 10) == M.BEHIND


def test_metrics_batch_receives_the_month():
    ds = _dataset()
    assert M.MetricsBatch(ds, 2025, 2023, 2027, month=11).progress == pytest.approx(35 / 60 * 100)
    m = M.region_metrics(ds, "甲县", 2025, 2023, 2027, month=11)
    assert m.time_progress == pytest.approx(35 / 60 * 100)
    t = m.indicators["trainees"]  # 40 of 60: 66.7%, 8.4 points ahead of 58.3% as printed
    assert t.gap == pytest.approx(66.7 - 58.3)  # a difference of the printed figures
    assert t.status == M.ON_TRACK


def test_cumulative_sums_plan_years_and_refuses_gaps():
    assert M.cumulative({2023: 10, 2024: 20, 2025: 30}, 2023, 2025) == 60
    assert M.cumulative({2023: 10, 2024: 20, 2025: 30}, 2023, 2024) == 30
    assert M.cumulative({2023: 10, 2025: 30}, 2023, 2025) is None


def test_completion():
    assert M.completion(3860, 6000) == pytest.approx(64.3333, abs=1e-3)
    assert M.completion(None, 6000) is None
    assert M.completion(10, 0) is None
    assert M.completion(10, None) is None


@pytest.mark.parametrize("rate,kind,expected", [
    (64.3, TargetType.CUMULATIVE, M.ON_TRACK),
    (60.0, TargetType.CUMULATIVE, M.ON_TRACK),
    (59.9, TargetType.CUMULATIVE, M.BEHIND),
    (70.0, TargetType.CUMULATIVE, M.AHEAD),
    (100.0, TargetType.CUMULATIVE, M.AHEAD),
    (106.0, TargetType.ANNUAL, M.MET),
    (100.0, TargetType.ANNUAL, M.MET),
    (110.0, TargetType.ANNUAL, M.AHEAD),
    (84.0, TargetType.ANNUAL, M.BEHIND),
    (None, TargetType.ANNUAL, None),
    (50.0, None, None),
])
def test_status(rate, kind, expected):
    assert M.status(rate, kind, progress=60.0, margin=10.0) == expected


def test_change_absolute_and_relative():
    assert M.change(100, 125) == (25, 25.0)
    assert M.change(80, 60) == (-20, -25.0)
    assert M.change(0, 5) == (5, None)
    assert M.change(None, 5) == (None, None)


def test_rank_is_competition_ranking_and_skips_missing():
    assert M.rank({"a": 3, "b": 5, "c": 5, "d": 1, "e": None}) == {"b": 1, "c": 1, "a": 3, "d": 4}
    assert M.rank({"a": 3, "b": 5}, higher_is_better=False) == {"a": 1, "b": 2}


def test_ratio():
    assert M.ratio(1_152_000, 27_900) == pytest.approx(41.2903, abs=1e-4)
    assert M.ratio(5, 0) is None


def _dataset():
    inds = {
        "trainees": Indicator("trainees", "轮训人次", "人次", Kind.COUNT, 0, 100, TargetType.CUMULATIVE,
                              Combine.SUM),
        "share": Indicator("share", "理论课程占比", "%", Kind.PERCENT, 1, 70, TargetType.ANNUAL,
                           Combine.MEAN),
        "hours": Indicator("hours", "总学时", "学时", Kind.DURATION, 0, combine=Combine.SUM),
        "people": Indicator("people", "干部数", "人", Kind.COUNT, 0, combine=Combine.SUM),
        "per_cap": Indicator("per_cap", "人均学时", "学时", Kind.DURATION, 1, numerator="hours",
                             denominator="people"),
    }
    regions = [Region("市", "市", None, "市"), Region("甲县", "县", "市", "甲"),
               Region("乙区", "区", "市", "乙")]
    rows = {
        # region: trainees 2023..2025, share 2024/2025, hours 2025, people 2025
        "市": ((20, 20, 30), (68.0, 72.0), 900, 30),
        "甲县": ((12, 10, 18), (66.0, 71.0), 600, 20),
        "乙区": ((8, 10, 12), (70.0, 73.0), 300, 10),
    }
    values = {}
    for region, (tr, sh, hours, people) in rows.items():
        for y, v in zip((2023, 2024, 2025), tr, strict=True):
            values[(region, y, "trainees")] = Value(region, y, "trainees", v)
        for y, v in zip((2024, 2025), sh, strict=True):
            values[(region, y, "share")] = Value(region, y, "share", v)
        values[(region, 2025, "hours")] = Value(region, 2025, "hours", hours)
        values[(region, 2025, "people")] = Value(region, 2025, "people", people)
    targets = {("甲县", "trainees"): 60.0, ("乙区", "trainees"): 40.0}
    return Dataset(inds, regions, values, targets=targets)


def test_region_metrics_city():
    m = M.region_metrics(_dataset(), "市", 2025, 2023, 2027)
    t = m.indicators["trainees"]
    assert t.cum == 70 and t.target == 100           # catalog target for the city
    assert t.rate == pytest.approx(70.0)
    assert t.gap == pytest.approx(10.0)
    assert t.status == M.AHEAD
    assert t.change == 10 and t.change_pct == pytest.approx(50.0)
    # peers compared on completion: 甲县 40/60 = 66.7%, 乙区 30/40 = 75%
    assert t.lowest == "甲县" and t.highest == "乙区"
    assert t.lowest_value == pytest.approx(66.6667, abs=1e-3)
    s = m.indicators["share"]
    assert s.rate == pytest.approx(72 / 70 * 100)
    assert s.gap == pytest.approx(2.0)
    assert s.status == M.MET
    assert s.cum is None                              # rates do not add up
    assert m.indicators["per_cap"].value == pytest.approx(30.0)
    assert m.time_progress == 60


def test_region_metrics_county_ranks_and_city_comparison():
    m = M.region_metrics(_dataset(), "甲县", 2025, 2023, 2027)
    t = m.indicators["trainees"]
    assert t.target == 60 and t.cum == 40
    assert t.rate == pytest.approx(66.6667, abs=1e-3)
    assert t.status == M.ON_TRACK
    assert t.rank == 2 and t.peers == 2
    assert t.city == 30
    s = m.indicators["share"]
    assert s.rank == 2 and s.status == M.MET
    pc = m.indicators["per_cap"]
    assert pc.value == pytest.approx(30.0) and pc.rank == 1  # 甲 30.0 vs 乙 30.0 → tie
    assert pc.tied == 2 and t.tied == 1 and s.tied == 1     # how many share the rank's figure


def test_status_judges_the_rounded_figures_a_reader_sees():
    assert M.status(59.96, TargetType.CUMULATIVE, progress=60.0, margin=10.0) == M.ON_TRACK


@settings(max_examples=40, deadline=None)
@given(st.lists(st.one_of(st.none(), st.sampled_from([3.0, 5.0, 5.5, 8.0])), min_size=1, max_size=12))
def test_ties_count_the_units_with_the_same_figure_and_no_missing_one(figures):
    """The batch counts ties once per indicator (PeerStats.ties): each unit's `tied` is the
    number of units whose figure equals its own; a unit without a figure has no rank."""
    ind = {"hours": Indicator("hours", "人均学时", "学时", Kind.DURATION, 1)}
    names = [f"第{i}县" for i in range(len(figures))]
    regions = [Region("市", "市", None, "市"), *(Region(n, "县", "市", n) for n in names)]
    values = {(n, 2025, "hours"): Value(n, 2025, "hours", v)
              for n, v in zip(names, figures, strict=True) if v is not None}
    batch = M.MetricsBatch(Dataset(ind, regions, values), 2025, 2023, 2027)
    for name, figure in zip(names, figures, strict=True):
        m = batch.region(name).indicators["hours"]
        if figure is None:
            assert m.rank is None
        else:
            assert m.tied == figures.count(figure)
            assert m.rank == 1 + sum(1 for f in figures if f is not None and f > figure)
