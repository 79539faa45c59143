"""Tests for generator/narrative/views.py: what templates see of an indicator — formatted
figures, wording, verdicts, ranks, the benchmark, the summary counts and missing-value markers
— with hand-made figures and through the renderer with a tiny dataset."""

from __future__ import annotations

import shutil
from pathlib import Path
from types import SimpleNamespace

import pytest

from generator.metrics import AHEAD, BEHIND, MET, ON_TRACK, IndicatorMetrics, region_metrics
from generator.model import Indicator, Kind, Region, TargetType
from generator.narrative import NarrativeRenderer, judge
from generator.narrative.views import (
    FROM_ZERO,
    PERCENT,
    POINTS,
    AgainstBenchmark,
    AgainstTarget,
    IndicatorView,
    Placing,
    RenderContext,
    Summary,
    YearOnYear,
)
from tests.narrative.narrative_support import CFG, dataset, render

# --- views with hand-made figures ------------------------------------------------------------

TEMPLATES = Path(__file__).resolve().parents[2] / "templates"

SHARE = Indicator("share", "理论课程占比", "%", Kind.PERCENT, 1, 70, TargetType.ANNUAL)
TRAINED = Indicator("trained", "轮训人数", "名", Kind.COUNT, 0, 3000, TargetType.CUMULATIVE)
CITY = Region("临江市", "市", None, "临江")
COUNTY = Region("云岭县", "县", "临江市", "云岭")


def _view(ind, region=COUNTY, progress=58.3, **m):
    metrics = SimpleNamespace(region=region, year=2025, time_progress=progress, indicators={})
    ctx = RenderContext(metrics, plan_end=2027)
    im = IndicatorMetrics(ind, m.pop("by_year", {}), 2025, **m)
    return IndicatorView(im, ctx)


def _macro(tmp_path, call, **context):
    """What a macro of templates/_macros.md.j2 prints, rendered through the project's
    environment: `_macro(tmp_path, "m.yoy(x)", x=view)`."""
    shutil.copy(TEMPLATES / "_macros.md.j2", tmp_path)
    (tmp_path / "t.md.j2").write_text('{% import "_macros.md.j2" as m with context %}{{ ' + call + ' }}',
                                      encoding="utf-8")
    return NarrativeRenderer(tmp_path).env.get_template("t.md.j2").render(**context)


def test_missed_floor_is_behind_not_sound_and_worded_as_a_shortfall():
    v = _view(SHARE, value=68.6, prev=69.0, target=70, rate=98.0, gap=-1.4, status=BEHIND,
              by_year={2024: 69.0, 2025: 68.6})
    assert v.behind and not v.ok and not v.sound and v.falling and v.problem
    assert v.against_target == AgainstTarget(judge.BELOW, False, "70%", "1.4个百分点")
    assert not v.held


def test_floor_held_every_year():
    v = _view(SHARE, value=73.7, prev=72.0, target=70, rate=105.3, gap=3.7, status=MET,
              by_year={2023: 71.5, 2024: 72.0, 2025: 73.7})
    assert v.ok and v.sound and v.held and v.rising and v.narrow
    assert v.against_target == AgainstTarget(judge.LEVEL, False, "70%")


def test_cumulative_verdicts_and_what_is_left():
    v = _view(TRAINED, value=560, prev=610, cum=1690, target=3000, rate=56.3, gap=-2.0,
              status=BEHIND)
    assert v.against_target == AgainstTarget(judge.BELOW, True, "", "2个百分点")
    assert v.remaining == "1310名" and v.per_year_needed == "655名"
    ahead = _view(TRAINED, value=700, prev=600, cum=2100, target=3000, rate=70.0, gap=11.7,
                  status=AHEAD)
    assert ahead.against_target == AgainstTarget(judge.ABOVE, True, "", "11.7个百分点")
    assert ahead.sound
    done = _view(TRAINED, value=700, prev=600, cum=3100, target=3000, rate=103.3, gap=45,
                 status=AHEAD)
    assert done.remaining == "" and done.per_year_needed == ""


HOURS = Indicator("hours", "人均学时", "学时", Kind.DURATION, 1, 40, TargetType.ANNUAL)


@pytest.mark.parametrize("ind,figures,expected,phrase", [
    (SHARE, dict(value=68.6, target=70, gap=-1.4, status=BEHIND),
     AgainstTarget(judge.BELOW, False, "70%", "1.4个百分点"), "距70%的年度目标尚差1.4个百分点"),
    (SHARE, dict(value=73.7, target=70, gap=3.7, status=MET),
     AgainstTarget(judge.LEVEL, False, "70%"), "达到70%的年度目标要求"),
    (SHARE, dict(value=92.0, target=70, gap=22.0, status=AHEAD),
     AgainstTarget(judge.ABOVE, False, "70%", "22个百分点"), "超过70%的年度目标22个百分点"),
    (HOURS, dict(value=34.2, target=40, gap=-5.8, status=BEHIND),
     AgainstTarget(judge.BELOW, False, "40学时", "5.8学时"), "距40学时的年度目标尚差5.8学时"),
    (TRAINED, dict(value=560, rate=56.3, gap=-2.0, status=BEHIND),
     AgainstTarget(judge.BELOW, True, "", "2个百分点"), "低于时序进度2个百分点"),
    (TRAINED, dict(value=700, rate=70.0, gap=11.7, status=AHEAD),
     AgainstTarget(judge.ABOVE, True, "", "11.7个百分点"), "超过时序进度11.7个百分点"),
    (TRAINED, dict(value=600, rate=58.8, gap=0.5, status=ON_TRACK),
     AgainstTarget(judge.LEVEL, True), "达到时序进度要求"),
    (TRAINED, dict(value=600),
     AgainstTarget(None, True, marker="`【待补：轮训人数】`"), "`【待补：轮训人数】`"),
])
def test_against_target_is_decided_by_the_view_and_worded_by_the_macro(ind, figures, expected,
                                                                       phrase, tmp_path):
    view = _view(ind, target=figures.pop("target", ind.target), **figures)
    assert view.against_target == expected
    assert _macro(tmp_path, "m.verdict(x)", x=view) == phrase


@pytest.mark.parametrize("rank,position,phrase", [
    (1, judge.FIRST, "位居临江市首位"), (2, judge.TOP, "位居临江市前列"),
    (4, judge.UPPER, "处于临江市中上游"), (5, judge.LOWER, "处于临江市中下游"),
    (6, judge.BOTTOM, "在临江市排名靠后"), (8, judge.LAST, "在临江市排名末位"),
])
def test_placing_is_decided_by_the_view_and_worded_by_the_macro(rank, position, phrase,
                                                                 tmp_path):
    view = _view(SHARE, value=60.0, rank=rank, peers=8)
    assert view.placing == Placing(position, "临江市")
    assert view.placing.position == view.position
    assert _macro(tmp_path, "m.rank_phrase(x)", x=view) == phrase


def test_a_figure_every_unit_shares_neither_leads_nor_lags_and_a_shared_rank_says_so(tmp_path):
    even = _view(SHARE, value=60.0, rank=1, peers=8, tied=8)
    assert even.position == judge.EVEN and not even.strong and not even.weak
    assert _macro(tmp_path, "m.rank_phrase(x)", x=even, peer_word="县（市、区）") == \
        "与临江市其他县（市、区）持平"
    shared = _view(SHARE, value=60.0, rank=3, peers=8, tied=2)
    assert shared.position == judge.TOP and shared.tied
    assert _macro(tmp_path, "m.rank(x)", x=shared) == "并列第三"
    alone = _view(SHARE, value=60.0, rank=3, peers=8, tied=1)
    assert not alone.tied and _macro(tmp_path, "m.rank(x)", x=alone) == "第三"


def test_placing_without_a_rank_is_a_marker(tmp_path):
    view = _view(SHARE, value=60.0, rank=None, peers=8)
    assert view.placing == Placing(None, "临江市", "`【待补：理论课程占比】`")
    assert _macro(tmp_path, "m.rank_phrase(x)", x=view) == "`【待补：理论课程占比】`"


def test_strong_and_weak_follow_the_position():
    last = _view(SHARE, value=60.0, rank=8, peers=8)
    assert last.position == judge.LAST and last.weak and not last.strong
    first = _view(SHARE, value=80.0, rank=1, peers=8)
    assert first.strong and not first.weak


@pytest.mark.parametrize("ind,value,city,expected,phrase", [
    (SHARE, 69.0, 72.0, AgainstBenchmark(judge.BELOW, "3个百分点", "临江市平均"),
     "低于临江市平均水平3个百分点"),
    (SHARE, 75.2, 72.0, AgainstBenchmark(judge.ABOVE, "3.2个百分点", "临江市平均"),
     "高于临江市平均水平3.2个百分点"),
    (SHARE, 72.04, 72.0, AgainstBenchmark(judge.LEVEL, "", "临江市平均"),   # equal as printed
     "与临江市平均水平持平"),
    (TRAINED, 560, 550, AgainstBenchmark(judge.ABOVE, "10名", "临江市平均"),
     "高于临江市平均水平10名"),
    (SHARE, None, 72.0, AgainstBenchmark(None, "", "临江市平均", "`【待补：理论课程占比】`"),
     "`【待补：理论课程占比】`"),
])
def test_against_benchmark_is_decided_by_the_view_and_worded_by_the_macro(ind, value, city,
                                                                           expected, phrase,
                                                                           tmp_path):
    view = _view(ind, value=value, city=city)
    assert view.against_benchmark == expected
    assert _macro(tmp_path, "m.vs_benchmark(x)", x=view) == phrase


def test_benchmark_is_the_city_value_with_one_label():
    v = _view(SHARE, value=69.0, city=72.0)
    assert v.benchmark == "72%" and not v.above_benchmark
    assert COUNTY.benchmark_label == "临江市平均" and CITY.benchmark_label == "全市平均"
    county_city = Region("安平市", "县级市", "临江市", "安平")
    assert county_city.benchmark_label == "临江市平均"   # never 全市, which would mean itself


def test_about_puts_yu_only_after_a_rounded_number():
    assert _view(TRAINED, value=555).about == "550余"
    assert _view(TRAINED, value=500).about == "500"



@pytest.mark.parametrize("ind,old,new,expected,phrase", [
    (TRAINED, 100, 112.5, YearOnYear(judge.UP, PERCENT, "12.5%"), "同比增长12.5%"),
    (TRAINED, 100, 96.9, YearOnYear(judge.DOWN, PERCENT, "3.1%"), "同比下降3.1%"),
    (TRAINED, 100, 100.01, YearOnYear(judge.FLAT_DIR, PERCENT, "0%"), "与上年基本持平"),
    (SHARE, 63.5, 67.2, YearOnYear(judge.UP, POINTS, "3.7个百分点"), "同比提高3.7个百分点"),
    (SHARE, 67.2, 63.5, YearOnYear(judge.DOWN, POINTS, "3.7个百分点"), "同比下降3.7个百分点"),
    (SHARE, 63.5, 63.52, YearOnYear(judge.FLAT_DIR, POINTS, "0个百分点"), "与上年基本持平"),
    (TRAINED, 0, 5, YearOnYear(judge.UP, FROM_ZERO, "5名"), "同比增加5名"),
    (TRAINED, 0, 0, YearOnYear(judge.FLAT_DIR, FROM_ZERO, ""), "与上年基本持平"),
])
def test_year_on_year_is_decided_by_the_view_and_worded_by_the_macro(ind, old, new, expected,
                                                                     phrase, tmp_path):
    view = _view(ind, value=new, prev=old)
    assert view.year_on_year == expected
    assert view.year_on_year.direction == view.trend   # the 同比 words and x.rising/x.falling agree
    assert _macro(tmp_path, "m.yoy(x)", x=view) == phrase


def test_year_on_year_without_last_year_is_a_marker():
    change = _view(TRAINED, value=5, prev=None).year_on_year
    assert change.direction is None and change.marker == "`【待补：轮训人数】`"


@pytest.mark.parametrize("kind,word", [
    (judge.ALL, "各项"), (judge.MOST, "多数"), (judge.HALF, "半数"), (judge.FEW, "少数"),
    (judge.NONE, "没有"),
])
def test_each_share_kind_is_worded_by_the_macro(kind, word, tmp_path):
    assert _macro(tmp_path, "m.share(kind)", kind=kind) == word


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
    assert s.behind_share == judge.MOST and s.half_behind
    assert [v.code for v in s.narrow] == ["d"]


# --- views through the renderer, with a tiny dataset and templates ---------------------------

def test_views_format_figures_and_wording(tmp_path):
    body = ("{{ t.we }}举办{{ v.classes }}期，累计{{ v.classes.cum }}期，完成{{ v.classes.rate }}，"
            "{{ v.classes.status }}；占比{{ v.share }}，{{ m.yoy(v.share) }}，目标{{ v.share.target }}；"
            "打造“{{ v.name }}高地”；时序进度{{ time_progress }}。\n")
    shutil.copy(TEMPLATES / "_macros.md.j2", tmp_path)
    n = render(tmp_path, '{% import "_macros.md.j2" as m %}' + body)
    assert n.text.strip() == ("我市举办10期，累计27期，完成54%，滞后；占比72%，同比提高4个百分点，"
                              "目标70%；打造“绿色*智造高地”；时序进度60%。")
    assert n.missing == []


def test_county_wording_rank_and_comparison(tmp_path):
    body = ("{{ t.we }}{{ t.cadres }}：{{ v.share }}，{{ m.vs_benchmark(v.share) }}，"
            "在全市{{ peers_n }}个{{ peer_word }}中排名第{{ v.share.rank }}。\n")
    shutil.copy(TEMPLATES / "_macros.md.j2", tmp_path)
    n = render(tmp_path, '{% import "_macros.md.j2" as m %}' + body, "青石县")
    # the one benchmark: the city's own figure (72%), named after the city in a county report
    assert n.text.strip() == "我县县管干部：69%，低于临江市平均水平3个百分点，在全市2个县（市、区）中排名第2。"


def test_missing_value_renders_marker_and_is_listed(tmp_path):
    n = render(tmp_path, "定位：{{ v.name }}。\n", "青石县")
    (p,) = n.blocks
    assert p.runs[1].missing and p.runs[1].text == "【待补：战略定位】"
    assert [str(m) for m in n.missing] == ["青石县2025年「战略定位」（name）"]


def test_county_level_city_compares_with_the_named_city(tmp_path):
    ds = dataset()
    ds.regions[1] = Region("青石县", "县级市", "临江市", "青石")
    shutil.copy(TEMPLATES / "_macros.md.j2", tmp_path)
    (tmp_path / "report.md.j2").write_text(
        '{% import "_macros.md.j2" as m %}{{ t.we }}{{ m.vs_benchmark(v.share) }}。\n', encoding="utf-8")
    m = region_metrics(ds, "青石县", 2025, 2023, 2027)
    n = NarrativeRenderer(tmp_path).render(CFG, m, peers_n=2)
    assert n.text.strip() == "我市低于临江市平均水平3个百分点。"


def test_missing_year_inside_a_cumulative_figure_is_named(tmp_path):
    ds = dataset()
    del ds.values[("临江市", 2024, "classes")]
    (tmp_path / "report.md.j2").write_text("累计{{ v.classes.cum }}期，完成{{ v.classes.rate }}。\n",
                                           encoding="utf-8")
    m = region_metrics(ds, "临江市", 2025, 2023, 2027)
    n = NarrativeRenderer(tmp_path).render(CFG, m, peers_n=2)
    assert [str(x) for x in n.missing] == ["临江市2024年「轮训班期数」（classes）"]
    assert n.text.count("【待补：轮训班期数】") == 2
