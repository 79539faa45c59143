"""What templates see of an indicator: formatted figures, wording, and missing-value markers.

Every figure goes through generator.fmt with the catalog's decimals and scale, so a number
reads the same in prose, tables and charts. A value absent from the data prints as a
【待补：指标名称】 marker (a code span in the block markup, highlighted in Word) and is
recorded, so the build can list it or, with --strict, fail.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from .. import fmt
from ..metrics import AHEAD, BEHIND, IndicatorMetrics, RegionMetrics
from ..model import Indicator, Kind, TargetType

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


def marker(name: str) -> str:
    """The text of a 【待补】 placeholder."""
    return f"【待补：{name}】"


def target_text(ind: Indicator, value: float) -> str:
    """Targets are policy figures: 70% rather than 70.0% when they are whole."""
    decimals = 0 if float(value).is_integer() else ind.decimals
    return value_text(ind, value, decimals=decimals)


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
        return self._missing() if self._m.target is None else target_text(self._ind, self._m.target)

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
    def yoy(self) -> str:
        if not isinstance(self._m.prev, (int, float)) or not isinstance(self._m.value, (int, float)):
            return self._missing(self._m.year - 1 if self._m.value is not None else self._m.year)
        return fmt.change_phrase(self._m.prev, self._m.value,
                                 is_rate=self._ind.kind is Kind.PERCENT,
                                 decimals=1, unit=self._ind.unit)

    @property
    def change(self) -> str:
        return self._missing() if self._m.change is None else self._diff_text(self._m.change)

    @property
    def city(self) -> str:
        return self._fmt(self._m.city)

    @property
    def avg(self) -> str:
        return self._fmt(self._m.peer_avg)

    @property
    def vs_avg(self) -> str:
        value, avg = self._m.value, self._m.peer_avg
        if not isinstance(value, (int, float)) or avg is None:
            return self._missing()
        diff = value - avg
        decimals = max(self._ind.decimals, 1) if self._ind.kind is Kind.PERCENT else self._ind.decimals
        city = self._ctx.city_word
        if fmt.round_half_up(abs(diff), decimals) == 0:
            return f"与{city}平均水平持平"
        word = "高于" if diff > 0 else "低于"
        return f"{word}{city}平均水平{self._diff_text(diff)}"

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
    """`summary` in templates: counts and lists over the indicators that have plan targets."""

    def __init__(self, views: dict[str, IndicatorView]):
        targeted = [v for v in views.values() if v._m.status is not None]
        self.targeted = targeted
        self.ahead = [v for v in targeted if v.ahead]
        self.behind = sorted((v for v in targeted if v.behind), key=lambda v: v._m.gap)
        self.n_targets = len(targeted)
        self.n_ahead = len(self.ahead)
        self.n_behind = len(self.behind)


class RenderContext:
    """Per-region render state: the views and the list of missing values met while rendering."""

    def __init__(self, metrics: RegionMetrics):
        self.region = metrics.region
        self.year = metrics.year
        # how a county names the city it is compared with: 全市, except in a 县级市's own
        # report, where 全市 means itself
        region = metrics.region
        self.city_word = region.parent if region.level == "县级市" and region.parent else "全市"
        self.found: dict[tuple[str, int | None], Missing] = {}
        self.views = {c: IndicatorView(m, self) for c, m in metrics.indicators.items()}

    def missing_list(self) -> list[Missing]:
        return sorted(self.found.values(), key=lambda m: (m.code, m.year or 0))

    def missing(self, ind: Indicator, year: int | None) -> str:
        key = (ind.code, year)
        self.found.setdefault(key, Missing(self.region.name, ind.code, ind.name, year))
        return f"`{marker(ind.name)}`"
