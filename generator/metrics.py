"""Pure computations on validated data: no I/O, no formatting.

Completion against plan targets, time progress of the plan, gaps, status, year-on-year
change, ranks among the county-level units and per-capita figures.

Must not import the data readers, the narrative, the exhibits, the layout or the output (nor
jinja2, python-docx or matplotlib): it sees only the model's Dataset and fmt's rounding.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

from .fmt import round_half_up
from .model import Dataset, Indicator, Kind, Region, TargetType

AHEAD = "超额完成"
ON_TRACK = "进度正常"
MET = "达标"
BEHIND = "滞后"


def time_progress(year: int, start: int, end: int, month: int = 12) -> float:
    """Share of the plan period elapsed at the end of `month` of `year`, in percent.

    Counted in months: Nov 2025 of 2023–2027 is 35 of 60 months → 58.33; the end of 2025
    (month 12, the whole-year basis) → 60; before the plan 0, after it 100.
    """
    span = (end - start + 1) * 12
    done = min(max((year - start) * 12 + month, 0), span)
    return done * 100 / span


def cumulative(by_year: dict[int, float | None], start: int, year: int) -> float | None:
    """Sum over the plan years up to `year`; None when any of those years is missing."""
    total = 0.0
    for y in range(start, year + 1):
        v = by_year.get(y)
        if v is None:
            return None
        total += v
    return total


def completion(actual: float | None, target: float | None) -> float | None:
    """Actual against target, in percent; None when either is missing or the target is 0."""
    if actual is None or not target:
        return None
    return actual / target * 100


def status(rate: float | None, target_type: TargetType | None, progress: float,
           margin: float) -> str | None:
    """超额完成 / 进度正常 / 达标 / 滞后 from a completion rate.

    Cumulative targets are measured against time progress: at least `margin` points ahead of
    it (or the whole target reached) is 超额完成. Annual targets must hold every year:
    reaching it is 达标, beating it by `margin` percent is 超额完成.
    """
    if rate is None or target_type is None:
        return None
    # Judge on the figures the reader sees (one decimal), so 59.96% never reads "60.0%, 滞后".
    # Round half up, as fmt prints them, so the status and the printed figures never disagree.
    rate, progress = _shown(rate, 1), _shown(progress, 1)
    if target_type is TargetType.CUMULATIVE:
        if rate >= 100 or rate >= progress + margin:
            return AHEAD
        return ON_TRACK if rate >= progress else BEHIND
    if rate >= 100 + margin:
        return AHEAD
    return MET if rate >= 100 else BEHIND


def change(old: float | None, new: float | None) -> tuple[float | None, float | None]:
    """(absolute change, relative change in percent); relative is None when old is 0."""
    if old is None or new is None:
        return None, None
    diff = new - old
    return diff, (diff / abs(old) * 100 if old else None)


def rank(values: dict[str, float | None], higher_is_better: bool = True) -> dict[str, int]:
    """Competition ranking (1, 2, 2, 4) of the regions that have a value."""
    present = {k: v for k, v in values.items() if v is not None}
    first: dict[float, int] = {}
    for position, v in enumerate(sorted(present.values(), reverse=higher_is_better), 1):
        first.setdefault(v, position)
    return {k: first[v] for k, v in present.items()}


def ratio(numerator: float | None, denominator: float | None) -> float | None:
    """A derived figure (per-capita and the like); None when a part is missing or zero."""
    if numerator is None or not denominator:
        return None
    return numerator / denominator


@dataclass
class IndicatorMetrics:
    """Everything computed for one indicator of one region."""

    indicator: Indicator
    by_year: dict[int, float | str | None]
    year: int
    value: float | str | None = None
    prev: float | str | None = None
    cum: float | None = None
    target: float | None = None
    rate: float | None = None         # completion, percent
    gap: float | None = None          # rate − time progress (cumulative) / value − target (annual)
    status: str | None = None
    change: float | None = None
    change_pct: float | None = None
    rank: int | None = None           # among peers, 1 = best (competition ranking: 1, 2, 2, 4)
    tied: int = 0                     # how many peers share that rank's score, itself included
    peers: int = 0
    city: float | str | None = None   # the city's value: the one benchmark of a county
    lowest: str | None = None         # weakest / strongest peer (city report)
    highest: str | None = None
    lowest_value: float | None = None
    highest_value: float | None = None


@dataclass
class RegionMetrics:
    region: Region
    year: int
    time_progress: float
    indicators: dict[str, IndicatorMetrics] = field(default_factory=dict)
    peers: list[str] = field(default_factory=list)


def series(ds: Dataset, region: str, code: str, years: range) -> dict[int, float | str | None]:
    """Values of one indicator by year; derived indicators are computed from their parts."""
    ind = ds.indicators[code]
    num, den = ind.numerator, ind.denominator
    if num is not None and den is not None:  # derived (the catalog requires both or neither)
        return {y: ratio(_num(ds.get(region, num, y)), _num(ds.get(region, den, y)))
                for y in years}
    return {y: ds.get(region, code, y) for y in years}


def _shown(value: float, decimals: int) -> float:
    """A figure rounded as the report prints it (half up)."""
    return float(round_half_up(value, decimals))


def _num(v) -> float | None:
    return v if isinstance(v, (int, float)) else None


def _score(m: IndicatorMetrics) -> float | None:
    """What peers are compared on: completion where a target exists, else the value."""
    return m.rate if m.rate is not None else _num(m.value)


def indicator_metrics(ds: Dataset, region: Region, ind: Indicator, year: int, start: int,
                      progress: float, margin: float) -> IndicatorMetrics:
    years = range(start, year + 1)
    by_year = series(ds, region.name, ind.code, years)
    m = IndicatorMetrics(ind, by_year, year, value=by_year.get(year), prev=by_year.get(year - 1))
    if not ind.numeric:
        return m
    value, prev = _num(m.value), _num(m.prev)
    if ind.kind in (Kind.COUNT, Kind.AMOUNT, Kind.DURATION) and not ind.derived:
        m.cum = cumulative({y: _num(v) for y, v in by_year.items()}, start, year)
    m.target = ds.targets.get((region.name, ind.code), ind.target)
    if ind.target_type is TargetType.CUMULATIVE:
        m.rate = completion(m.cum, m.target)
        # gaps are differences of the figures as printed (58.3% − 56.3% reads 2 points, never 2.1)
        m.gap = None if m.rate is None else _shown(m.rate, 1) - _shown(progress, 1)
    elif ind.target_type is TargetType.ANNUAL:
        m.rate = completion(value, m.target)
        m.gap = None if value is None or m.target is None else _shown(value, ind.decimals) - m.target
    m.status = status(m.rate, ind.target_type, progress, margin)
    m.change, m.change_pct = change(prev, value)
    return m


@dataclass
class PeerStats:
    """One indicator across the county-level units: computed once per batch, not per region."""

    scores: dict[str, float | None]
    ranks: dict[str, int]
    count: int
    lowest: str | None = None
    highest: str | None = None
    ties: Counter = field(default_factory=Counter)   # score → how many units have it


class MetricsBatch:
    """Metrics of many regions of one dataset, each region and each indicator's peer
    comparison computed once: a batch of n regions costs O(n), not O(n²)."""

    def __init__(self, ds: Dataset, year: int, start: int, end: int, margin: float = 10.0,
                 month: int = 12):
        """`month`: the month of `year` up to which time progress runs (config.progress_month)."""
        self.ds, self.year, self.start, self.margin = ds, year, start, margin
        self.progress = time_progress(year, start, end, month)
        self.peer_names = [r.name for r in ds.children(ds.city.name)]
        self._regions: dict[str, dict[str, IndicatorMetrics]] = {}
        self._peers: dict[str, PeerStats] = {}

    def base(self, name: str) -> dict[str, IndicatorMetrics]:
        """The region's own figures, without comparisons."""
        if name not in self._regions:
            r = self.ds.region(name)
            self._regions[name] = {
                c: indicator_metrics(self.ds, r, ind, self.year, self.start, self.progress, self.margin)
                for c, ind in self.ds.indicators.items()}
        return self._regions[name]

    def peer_stats(self, code: str) -> PeerStats:
        if code not in self._peers:
            figures = {n: self.base(n)[code] for n in self.peer_names}
            scores = {n: _score(m) for n, m in figures.items()}
            present = {k: v for k, v in scores.items() if v is not None}
            stats = PeerStats(scores, rank(scores), len(present), ties=Counter(present.values()))
            if present:
                stats.lowest = min(present, key=lambda k: (present[k], k))
                stats.highest = max(present, key=lambda k: (present[k], k))
            self._peers[code] = stats
        return self._peers[code]

    def region(self, name: str) -> RegionMetrics:
        """All indicators of one region, with comparisons among the county-level units."""
        region = self.ds.region(name)
        out = RegionMetrics(region, self.year, self.progress, peers=list(self.peer_names))
        own = self.base(name)
        city = self.base(self.ds.city.name)
        for code, m in own.items():
            if not m.indicator.numeric:
                continue
            stats = self.peer_stats(code)
            m.peers, m.city = stats.count, city[code].value
            if not region.is_city:
                m.rank = stats.ranks.get(name)
                if m.rank is not None:
                    m.tied = stats.ties[stats.scores[name]]
            elif stats.lowest is not None and stats.highest is not None:  # set together
                m.lowest, m.highest = stats.lowest, stats.highest
                m.lowest_value = stats.scores[stats.lowest]
                m.highest_value = stats.scores[stats.highest]
        out.indicators = own
        return out


def region_metrics(ds: Dataset, region_name: str, year: int, start: int, end: int,
                   margin: float = 10.0, month: int = 12) -> RegionMetrics:
    """All indicators of one region (a batch of one; use MetricsBatch for many regions)."""
    return MetricsBatch(ds, year, start, end, margin, month).region(region_name)
