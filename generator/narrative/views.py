"""What templates see of an indicator: formatted figures, wording, and missing-value markers.

Every figure goes through generator.fmt with the catalog's decimals and scale, so a number
reads the same in prose, tables and charts. A value absent from the data prints as a
【待补：指标名称】 marker (a code span in the block markup, highlighted in Word) and is
recorded, so the build can list it or, with --strict, fail.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass

from .. import fmt
from ..metrics import AHEAD, BEHIND, MET, ON_TRACK, IndicatorMetrics, RegionMetrics
from ..model import Indicator, Kind, TargetType
from . import judge

_MD_SPECIAL = re.compile(r"([\\`*_#<>\[\]!|~])")


def escape(text: str) -> str:
    """Make data text safe inside the block markup (no accidental bold, headings or code)."""
    return _MD_SPECIAL.sub(r"\\\1", text)


@dataclass(frozen=True)
class Missing:
    """A value the report needed and the data did not have."""

    region: str
    code: str
    name: str
    year: int | None

    def __str__(self) -> str:
        year = f"{self.year}年" if self.year else ""
        return f"{self.region}{year}「{self.name}」（{self.code}）"


class UnknownIndicator(Exception):
    """A template asked for an indicator code the catalog does not have."""

    def __init__(self, code: str, known: list[str]):
        import difflib

        close = difflib.get_close_matches(code, known, n=1)
        hint = f"，是否应为「{close[0]}」" if close else ""
        super().__init__(f"模板引用了指标目录中没有的指标代码「{code}」{hint}")
        self.code = code


def value_text(ind: Indicator, value, *, decimals: int | None = None) -> str:
    """A value as printed in prose (number without unit; % for percentages; text escaped)."""
    if ind.kind is Kind.TEXT:
        return escape(str(value))
    d = ind.decimals if decimals is None else decimals
    if ind.kind is Kind.PERCENT:
        return fmt.percent(value, d)
    return fmt.number(value, d, ind.scale)


def value_with_unit(ind: Indicator, value) -> str:
    """A value with its unit, as a change report lists it: 1390人次, 74.2% (the % is the unit)."""
    if not isinstance(value, (int, float)):
        return str(value)
    return value_text(ind, value) + ("" if ind.unit == "%" else ind.unit)


# How a year-on-year change is measured: a rate in points, a quantity relatively, a quantity
# that was 0 last year by its increase.
POINTS, PERCENT, FROM_ZERO = "points", "percent", "from_zero"


@dataclass(frozen=True)
class YearOnYear:
    """A change since last year, decided here and worded by the templates (`m.yoy(x)`).

    `direction` is judge.UP / DOWN / FLAT_DIR (flat below judge.FLAT, the one threshold),
    `measure` POINTS / PERCENT / FROM_ZERO, `amount` the size as printed with its unit
    ('3.7个百分点', '12.5%', '5人次'); without last year's or this year's value, `direction`
    is None and `marker` is the 【待补】 marker to print instead.
    """

    direction: str | None
    measure: str
    amount: str
    marker: str = ""


@dataclass(frozen=True)
class Placing:
    """Where a county-level unit ranks among its peers, decided here and worded by the
    templates (`m.rank_phrase(x)`).

    `position` is judge.FIRST / TOP / UPPER / LOWER / BOTTOM / LAST, `where` the city they
    belong to ('临江市'); without a rank, `position` is None and `marker` is the 【待补】
    marker to print instead.
    """

    position: str | None
    where: str
    marker: str = ""


@dataclass(frozen=True)
class AgainstBenchmark:
    """This year's value against the benchmark (the city's own figure), decided here and
    worded by the templates (`m.vs_benchmark(x)`).

    `relation` is judge.ABOVE / BELOW / LEVEL (level when the printed difference is 0),
    `amount` the difference as printed with its unit ('3个百分点', '2.4学时'; '' when level),
    `label` the benchmark's name ('临江市平均'); without this year's value or the benchmark,
    `relation` is None and `marker` is the 【待补】 marker to print instead.
    """

    relation: str | None
    amount: str
    label: str
    marker: str = ""


@dataclass(frozen=True)
class AgainstTarget:
    """How the figure stands against its requirement, decided here and worded by the
    templates (`m.verdict(x)`).

    `relation` is judge.ABOVE (ahead) / LEVEL (on track, or met) / BELOW (behind), as
    judge.pace reads the status; `cumulative` says the requirement is the time progress,
    otherwise it is the annual `target`, printed with its unit ('95%', '40学时'; '' for a
    cumulative target); `gap` is the margin or shortfall as printed ('1.7个百分点'; '' when
    level). Without a status, `relation` is None and `marker` is the 【待补】 marker to print
    instead.
    """

    relation: str | None
    cumulative: bool
    target: str = ""
    gap: str = ""
    marker: str = ""


def marker(name: str) -> str:
    """The text of a 【待补】 placeholder."""
    return f"【待补：{name}】"


class IndicatorView:
    """One indicator of one region, as templates use it: `{{ v.code }}`, `{{ v.code.rate }}` …"""

    def __init__(self, m: IndicatorMetrics, ctx: RenderContext):
        self._m = m
        self._ind = m.indicator
        self._ctx = ctx

    # -- plumbing -------------------------------------------------------------------------
    def _missing(self, year: int | None = None) -> str:
        if year is None:  # a derived figure (cumulative, rate …): name the year that lacks data
            gaps = [y for y, v in sorted(self._m.by_year.items()) if v in (None, "")]
            year = self._m.year if self._m.year in gaps or not gaps else gaps[0]
        return self._ctx.missing(self._ind, year)

    def _fmt(self, value, year: int | None = None) -> str:
        if value is None or value == "":
            return self._missing(year)
        return value_text(self._ind, value)

    @property
    def _diff_decimals(self) -> int:
        """Decimals of a difference: rates differ in tenths of a point at least."""
        d = self._ind.decimals
        return max(d, 1) if self._ind.kind is Kind.PERCENT else d

    def _shown(self, value: float) -> float:
        """The value as printed (rounded half up to the catalog's decimals): differences are
        taken between printed figures, so a reader subtracting them gets the printed result."""
        return float(fmt.round_half_up(value, self._ind.decimals))

    def _diff_text(self, diff: float) -> str:
        """A difference of two values of this indicator: 个百分点 for rates, units otherwise."""
        if self._ind.kind is Kind.PERCENT:
            return fmt.points(diff, self._diff_decimals)
        return fmt.number(abs(diff), self._diff_decimals, self._ind.scale) + self._ind.unit

    def __str__(self) -> str:
        return self._fmt(self._m.value, self._m.year)

    def __html__(self) -> str:  # Jinja treats the view as already-safe text
        return str(self)

    # -- plain facts ----------------------------------------------------------------------
    name = property(lambda self: self._ind.name)
    unit = property(lambda self: self._ind.unit)
    code = property(lambda self: self._ind.code)
    raw = property(lambda self: self._m.value)
    raw_prev = property(lambda self: self._m.prev)
    raw_rate = property(lambda self: self._m.rate)
    raw_cum = property(lambda self: self._m.cum)
    missing = property(lambda self: self._m.value in (None, ""))
    status = property(lambda self: self._m.status or self._missing(self._m.year))
    cumulative = property(lambda self: self._ind.target_type is TargetType.CUMULATIVE)
    ahead = property(lambda self: self._m.status == AHEAD)
    behind = property(lambda self: self._m.status == BEHIND)
    rank = property(lambda self: self._m.rank if self._m.rank is not None else self._missing())
    peers = property(lambda self: self._m.peers)
    lowest = property(lambda self: self._m.lowest or self._missing())
    highest = property(lambda self: self._m.highest or self._missing())

    def at(self, year: int) -> str:
        return self._fmt(self._m.by_year.get(int(year)), int(year))

    @property
    def prev(self) -> str:
        return self._fmt(self._m.prev, self._m.year - 1)

    @property
    def cum(self) -> str:
        if self._m.cum is None:
            return self._missing()
        return fmt.number(self._m.cum, self._ind.decimals, self._ind.scale)

    @property
    def target(self) -> str:
        return self._missing() if self._m.target is None else value_text(self._ind, self._m.target)

    @property
    def rate(self) -> str:
        return self._missing() if self._m.rate is None else fmt.percent(self._m.rate, 1)

    @property
    def gap(self) -> str:
        if self._m.gap is None:
            return self._missing()
        if self._ind.target_type is TargetType.CUMULATIVE:
            return fmt.points(self._m.gap, 1)
        return self._diff_text(self._m.gap)

    @property
    def year_on_year(self) -> YearOnYear:
        """The change since last year as data; `m.yoy(x)` in _macros.md.j2 words it."""
        old, new = self._m.prev, self._m.value
        if not isinstance(old, (int, float)) or not isinstance(new, (int, float)):
            year = self._m.year - 1 if new is not None else self._m.year
            return YearOnYear(None, "", "", self._missing(year))
        if self._ind.kind is Kind.PERCENT:  # points between the printed rates
            old, new = self._shown(old), self._shown(new)
            return YearOnYear(self.trend, POINTS, fmt.points(new - old, 1))
        if old == 0:  # no relative change from nothing: the increase itself, or 持平
            if new > old:
                return YearOnYear(judge.UP, FROM_ZERO, fmt.number(new - old, 0) + self._ind.unit)
            return YearOnYear(judge.FLAT_DIR, FROM_ZERO, "")
        relative = (new - old) / abs(old) * 100
        return YearOnYear(self.trend, PERCENT, fmt.percent(abs(relative), 1))

    @property
    def change(self) -> str:
        return self._missing() if self._m.change is None else self._diff_text(self._m.change)

    @property
    def city(self) -> str:
        return self._fmt(self._m.city)

    # -- the benchmark: one value, one label, for prose, chart and table -----------------
    @property
    def benchmark(self) -> str:
        """The value a county is compared with: the city's own figure (weighted as the
        catalog says, because the city's figure is computed from the city's totals)."""
        return self._fmt(self._m.city)

    @property
    def against_benchmark(self) -> AgainstBenchmark:
        """This year's value against the benchmark as data, compared as printed;
        `m.vs_benchmark(x)` in _macros.md.j2 words it (高于临江市平均水平2.4学时 /
        与临江市平均水平持平)."""
        value, bench = self._m.value, self._m.city
        label = self._ctx.benchmark_label
        if not isinstance(value, (int, float)) or not isinstance(bench, (int, float)):
            return AgainstBenchmark(None, "", label, self._missing())
        diff = self._shown(value) - self._shown(bench)
        if fmt.round_half_up(abs(diff), self._diff_decimals) == 0:
            return AgainstBenchmark(judge.LEVEL, "", label)
        relation = judge.ABOVE if diff > 0 else judge.BELOW
        return AgainstBenchmark(relation, self._diff_text(diff), label)

    @property
    def above_benchmark(self) -> bool:
        value, bench = self._m.value, self._m.city
        return isinstance(value, (int, float)) and isinstance(bench, (int, float)) and value > bench

    # -- judgements: decided here from the figure, worded by the templates ---------------
    @property
    def ok(self) -> bool:
        """On track, met or ahead of its target: may be cited as an achievement."""
        return judge.is_ok(self._m.status)

    @property
    def trend(self) -> str | None:
        """'up' / 'down' / 'flat' year on year (None without both years)."""
        prev, value = self._m.prev, self._m.value
        if self._ind.kind is Kind.PERCENT and isinstance(prev, (int, float)) and isinstance(value, (int, float)):
            prev, value = self._shown(prev), self._shown(value)  # as the 同比 phrase reads them
        return judge.direction(prev, value, is_rate=self._ind.kind is Kind.PERCENT)

    rising = property(lambda self: self.trend == judge.UP)
    falling = property(lambda self: self.trend == judge.DOWN)

    @property
    def sound(self) -> bool:
        """Fit to be cited as experience: present, not lagging its target, not falling."""
        if self.missing or self.falling:
            return False
        return self._m.status is None or self.ok

    @property
    def rose_each_year(self) -> bool:
        """Grew in every year of the plan so far (连续增长)."""
        return judge.rose_each_year(self._m.by_year)

    @property
    def held(self) -> bool:
        """An annual target met in every year with data (持续高于…); for others, `ok`."""
        if self._ind.target_type is not TargetType.ANNUAL or self._m.target is None:
            return self.ok
        values = [v for v in self._m.by_year.values() if isinstance(v, (int, float))]
        return bool(values) and all(v >= self._m.target for v in values) and self.ok

    @property
    def narrow(self) -> bool:
        """Meets its requirement without a margin (进度正常 / 达标, not 超额完成)."""
        return self._m.status in (ON_TRACK, MET)

    @property
    def against_target(self) -> AgainstTarget:
        """How the figure stands against its requirement as data; `m.verdict(x)` in
        _macros.md.j2 words it (cumulative: 超过时序进度1.7个百分点 / 达到时序进度要求 /
        低于时序进度3.7个百分点; annual: 超过90%的年度目标… / 达到95%的年度目标要求 /
        距80%的年度目标尚差14.2个百分点)."""
        relation = judge.pace(self._m.status)
        if relation is None:
            return AgainstTarget(None, self.cumulative, marker=self.status)
        target = "" if self.cumulative else self.target + ("" if self.unit == "%" else self.unit)
        gap = "" if relation == judge.LEVEL else self.gap
        return AgainstTarget(relation, self.cumulative, target, gap)

    @property
    def shortfall(self) -> float:
        """How far short of its requirement, relative to it (0 when not lagging)."""
        return judge.shortfall(self._m.status, self._m.rate, self._ctx.progress, self.cumulative)

    @property
    def remaining(self) -> str:
        """What is left of a cumulative target: 1310名 (empty when reached or not cumulative)."""
        m = self._m
        if not self.cumulative or m.cum is None or m.target is None or m.cum >= m.target:
            return ""
        return fmt.number(m.target - m.cum, self._ind.decimals, self._ind.scale) + self._ind.unit

    @property
    def per_year_needed(self) -> str:
        """What each remaining plan year must add to reach a cumulative target: 655名."""
        m, years = self._m, self._ctx.years_left
        if not self.remaining or years <= 0 or m.target is None or m.cum is None:
            return ""  # (remaining is empty without a target or a cumulative value)
        need = (m.target - m.cum) / years
        if self._ind.decimals == 0:
            need = math.ceil(need)  # whole things: round up, a year cannot add half a cadre
        return fmt.number(need, self._ind.decimals, self._ind.scale) + self._ind.unit

    @property
    def problem(self) -> bool:
        """A problem item may rest on this figure: it lags its target, falls year on year, or
        ranks in the bottom part of the county-level units."""
        return self.behind or self.falling or self.weak

    # -- comparisons a sentence rests on --------------------------------------------------
    def exceeds(self, other: IndicatorView) -> bool:
        """This year's value is larger than another indicator's (both present)."""
        a, b = self._m.value, other._m.value
        return isinstance(a, (int, float)) and isinstance(b, (int, float)) and a > b

    def grows_below(self, floor: IndicatorView) -> bool:
        """Grew year on year by less than `floor` percent (e.g. funds against 年均增长8%)."""
        pct, goal = self._m.change_pct, floor._m.value
        return isinstance(pct, (int, float)) and isinstance(goal, (int, float)) and pct < goal

    @property
    def positive(self) -> bool:
        """This year's value is above zero (a zero count is never listed as an achievement)."""
        return isinstance(self._m.value, (int, float)) and self._m.value > 0

    def cum_exceeds(self, n: float) -> bool:
        """The plan-period total is above n (a list of n examples may precede 等N个)."""
        return isinstance(self._m.cum, (int, float)) and self._m.cum > n

    @property
    def under_half(self) -> bool:
        """A percentage below 50: most of what it covers is not covered (多数…尚未)."""
        return isinstance(self._m.value, (int, float)) and self._m.value < 50

    @property
    def complete(self) -> bool:
        """A percentage at 100 (全覆盖)."""
        return isinstance(self._m.value, (int, float)) and self._m.value >= 100

    @property
    def wide_spread(self) -> bool:
        """City report: the units' scores differ widely (分化明显): the best and the worst
        are more than judge.WIDE_SPREAD points of completion (or percent of the value) apart."""
        lo, hi = self._m.lowest_value, self._m.highest_value
        return isinstance(lo, (int, float)) and isinstance(hi, (int, float)) and hi - lo > judge.WIDE_SPREAD

    # -- position among the county-level units (county reports) ---------------------------
    @property
    def position(self) -> str | None:
        """'first' / 'top' / 'upper' / 'lower' / 'bottom' / 'last' among the units, or
        'even' when they all have the same figure."""
        return judge.position(self._m.rank, self._m.peers, self._m.tied)

    @property
    def tied(self) -> bool:
        """Its rank is shared with another unit (并列第二)."""
        return self._m.tied > 1

    strong = property(lambda self: judge.strong(self.position))
    weak = property(lambda self: judge.weak(self.position))

    @property
    def placing(self) -> Placing:
        """The position among the units as data; `m.rank_phrase(x)` in _macros.md.j2 words it
        (位居临江市前列 / 处于临江市中下游 / 在临江市排名末位)."""
        position = self.position
        if position is None:
            return Placing(None, self._ctx.city_word, self._missing())
        return Placing(position, self._ctx.city_word)

    # -- facts for text indicators and approximate counts --------------------------------
    @property
    def given(self) -> bool:
        """The region supplied this value (optional texts: woven in when given)."""
        return not self.missing

    @property
    def about(self) -> str:
        """This year's count as "550余" (余 only after a rounded number)."""
        if not isinstance(self._m.value, (int, float)):
            return self._fmt(self._m.value, self._m.year)
        return fmt.approx(self._m.value)

    @property
    def cum_about(self) -> str:
        """The plan-period total as "550余"."""
        return self._missing() if self._m.cum is None else fmt.approx(self._m.cum)

    def _score_text(self, score: float | None) -> str:
        if score is None:
            return self._missing()
        if self._m.rate is not None or self._ind.target_type is not None:
            return fmt.percent(score, 1)
        return value_text(self._ind, score)

    @property
    def lowest_value(self) -> str:
        return self._score_text(self._m.lowest_value)

    @property
    def highest_value(self) -> str:
        return self._score_text(self._m.highest_value)


class Indicators:
    """`v` in templates: attribute access by catalog code."""

    def __init__(self, views: dict[str, IndicatorView]):
        self._views = views

    def __getattr__(self, code: str) -> IndicatorView:
        if code.startswith("_"):
            raise AttributeError(code)
        try:
            return self._views[code]
        except KeyError:
            raise UnknownIndicator(code, list(self._views)) from None

    __getitem__ = __getattr__


class Summary:
    """`summary` in templates: the indicators with plan targets, counted from ONE set.

    Every "N项 … 其中M项" of the report counts from `targeted` (the indicators of the
    《实施方案》 that carry a target and have data this year), so the parts always add up.
    `behind` lists annual floors first (a requirement missed this year), then cumulative
    targets, each most serious first.
    """

    def __init__(self, views: dict[str, IndicatorView]):
        targeted = [v for v in views.values() if v._m.status is not None]
        self.targeted = targeted
        self.ok = [v for v in targeted if v.ok]
        self.ahead = [v for v in targeted if v.ahead]
        self.behind = sorted((v for v in targeted if v.behind),
                             key=lambda v: (v.cumulative, -v.shortfall, v.code))
        self.behind_annual = [v for v in self.behind if not v.cumulative]
        self.behind_cumulative = [v for v in self.behind if v.cumulative]
        self.narrow = [v for v in targeted if v.narrow]
        self.falling_ok = [v for v in self.ok if v.falling]
        self.falling_behind = [v for v in self.behind if v.falling]
        # county reports: where the unit stands out among the county-level units
        self.strengths = [v for v in targeted if v.strong]
        self.weaknesses = sorted((v for v in targeted if v.weak),
                                 key=lambda v: (-(v._m.rank or 0), v.code))
        self.n_targets = len(targeted)
        self.n_ok = len(self.ok)
        self.n_ahead = len(self.ahead)
        self.n_behind = len(self.behind)
        # half or more lagging: a matter of duty and incentives, not of single indicators
        self.half_behind = self.n_targets > 0 and self.n_behind * 2 >= self.n_targets
        # how large a part lags: judge.ALL / MOST / HALF / FEW / NONE, worded by m.share
        self.behind_share = judge.share(self.n_behind, self.n_targets)


class Recorded:
    """An indicator's metrics that note each field read, as (code, field), in `reads`."""

    __slots__ = ("_m", "_code", "_reads")

    def __init__(self, m: IndicatorMetrics, code: str, reads: set[tuple[str, str]]):
        self._m, self._code, self._reads = m, code, reads

    def __getattr__(self, name: str):
        self._reads.add((self._code, name))
        return getattr(self._m, name)


class RenderContext:
    """Per-region render state: the views and the list of missing values met while rendering."""

    def __init__(self, metrics: RegionMetrics, plan_end: int | None = None):
        self.region = metrics.region
        self.year = metrics.year
        self.progress = metrics.time_progress
        self.years_left = (plan_end - metrics.year) if plan_end else 0
        # One word for the city a county is compared with, and one benchmark label, both
        # from the region (also used by the comparison chart).
        self.city_word = metrics.region.city_word
        self.benchmark_label = metrics.region.benchmark_label
        self.found: dict[tuple[str, int | None], Missing] = {}
        # Which figures of which indicator the narrative read: the build's inputs key of this
        # region covers exactly these (a rank the text never states does not rebuild it).
        self.reads: set[tuple[str, str]] = set()
        self.views = {c: IndicatorView(Recorded(m, c, self.reads), self)  # type: ignore[arg-type]
                      for c, m in metrics.indicators.items()}

    def missing_list(self) -> list[Missing]:
        return sorted(self.found.values(), key=lambda m: (m.code, m.year or 0))

    def missing(self, ind: Indicator, year: int | None) -> str:
        key = (ind.code, year)
        self.found.setdefault(key, Missing(self.region.name, ind.code, ind.name, year))
        return f"`{marker(ind.name)}`"
