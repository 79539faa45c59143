"""The figures' data: a chart spec per figure key, built from metrics (no drawing).

Each builder takes the batch, the region's metrics and the caption, and returns a spec, or
None where the data is lacking. The keys the templates may use are registered in
`generator.exhibits.FIGURES`.
"""

from __future__ import annotations

from ..metrics import MetricsBatch, RegionMetrics
from ..model import TargetType
from .labels import TRAINING_TYPE_LABELS
from .specs import CompareChart, ProgressChart, StructureChart, TrendChart

# Training by type: the trend and structure charts show these indicators, in this order,
# labelled by the short names of labels.TRAINING_TYPE_LABELS.
TRAINING_TYPES = tuple((code, TRAINING_TYPE_LABELS[code]) for code in (
    "trainees_party_school", "trainees_online", "trainees_seminar", "trainees_practice"))
COMPARE_INDICATOR = "per_capita_hours"
COMPARE_MAX = 20   # more county-level units than this: the top and bottom ten (and the region itself)


def _num(v):
    return float(v) if isinstance(v, (int, float)) else None


def completion_chart(batch: MetricsBatch, m: RegionMetrics, title: str):
    rows = [(x.indicator.name, x.rate) for x in m.indicators.values()
            if x.indicator.target_type is TargetType.CUMULATIVE and x.rate is not None]
    if not rows:
        return None
    return ProgressChart(title, tuple(r[0] for r in rows), tuple(r[1] for r in rows),
                         m.time_progress)


def compare_chart(batch: MetricsBatch, m: RegionMetrics, title: str):
    ds = batch.ds
    if COMPARE_INDICATOR not in ds.indicators:
        return None
    ind = ds.indicators[COMPARE_INDICATOR]
    pairs = []
    for name in m.peers:  # the batch computed every region once
        v = _num(batch.base(name)[ind.code].value)
        if v is None:
            return None
        pairs.append((name, v))
    city = _num(batch.base(ds.city.name)[ind.code].value)
    if city is None or not pairs:
        return None
    if len(pairs) > COMPARE_MAX:  # a bar per unit stops being readable (and costs memory)
        ranked = sorted(pairs, key=lambda p: -p[1])
        keep = ranked[:COMPARE_MAX // 2] + ranked[-(COMPARE_MAX // 2):]
        own = next((p for p in ranked if p[0] == m.region.name), None)
        if own and own not in keep:
            keep.insert(COMPARE_MAX // 2, own)
        pairs = [p for p in pairs if p in keep]
    return CompareChart(title, tuple(p[0] for p in pairs), tuple(p[1] for p in pairs), city,
                        ind.unit, ind.decimals,
                        highlight=None if m.region.is_city else m.region.name,
                        average_label=m.region.benchmark_label)


def trend_chart(batch: MetricsBatch, m: RegionMetrics, title: str):
    series = []
    for code, label in TRAINING_TYPES:
        if code not in m.indicators:
            return None
        by_year = m.indicators[code].by_year
        series.append((label, tuple(_num(by_year.get(y)) for y in sorted(by_year))))
    years = tuple(sorted(m.indicators[TRAINING_TYPES[0][0]].by_year))
    if all(v is None for _, vals in series for v in vals):
        return None
    return TrendChart(title, years, tuple(series), batch.ds.indicators[TRAINING_TYPES[0][0]].unit, 0)


def structure_chart(batch: MetricsBatch, m: RegionMetrics, title: str):
    values = []
    for code, _ in TRAINING_TYPES:
        v = _num(m.indicators[code].value) if code in m.indicators else None
        if v is None:
            return None
        values.append(v)
    return StructureChart(title, tuple(label for _, label in TRAINING_TYPES), tuple(values),
                          batch.ds.indicators[TRAINING_TYPES[0][0]].unit, 0)
