"""The sample data changed in memory, and the reports rendered from it (for tests/test_rulebook.py).

`variant()` is issue 10's "different set of indicators lags": the indicators that lag in the
city's sample report are raised to meet their targets and some that meet them are lowered
until they lag, for the city and every county alike (so county sums still add up).
`build()` renders reports from any such dataset through `generator.build.gather`, with only
the data loading replaced, so it follows whatever gather does.

    .venv/bin/python tests/variant.py /tmp/variant    # the variant as a folder with report.yaml,
    .venv/bin/python tools/similarity.py --against /tmp/variant/report.yaml   # for the CLI
"""

from __future__ import annotations

import csv
import dataclasses
import sys
from functools import lru_cache
from pathlib import Path
from unittest import mock

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from generator import build  # noqa: E402
from generator.metrics import BEHIND, MetricsBatch  # noqa: E402
from generator.model import Combine, Dataset, Kind, TargetType  # noqa: E402

CONFIG = ROOT / "report.yaml"
# Indicators made to lag in the variant (those of them that meet their targets in the sample).
MAKE_LAG = ("political_trainees", "quality_courses", "field_bases", "leader_participation",
            "online_compliance", "per_capita_hours")


@lru_cache(maxsize=1)
def sample():
    """(config, dataset) of the sample, loaded once per test session."""
    cfg = build.load_config(CONFIG)
    return cfg, build.load_data(cfg)


def build_reports(cfg, ds: Dataset, regions: list[str] | None = None):
    """gather() over an in-memory dataset: the reports (text, metrics, chart specs)."""
    with mock.patch.object(build, "load_data", lambda *a, **k: ds):
        job = build.gather(cfg.path, regions, all_regions=regions is None, cfg=cfg)
    return job.reports


def batch(cfg, ds: Dataset) -> MetricsBatch:
    kwargs = {}
    if hasattr(cfg, "progress_month"):
        kwargs["month"] = cfg.progress_month
    try:
        return MetricsBatch(ds, cfg.year, cfg.plan.start, cfg.plan.end, cfg.ahead_margin, **kwargs)
    except TypeError:
        return MetricsBatch(ds, cfg.year, cfg.plan.start, cfg.plan.end, cfg.ahead_margin)


def with_values(ds: Dataset, values: dict) -> Dataset:
    return dataclasses.replace(ds, values=values)


def _stored(ds: Dataset, code: str) -> str:
    """The indicator whose stored values carry `code` (a derived one: its numerator)."""
    ind = ds.indicators[code]
    return ind.numerator if ind.derived else code


def set_value(values: dict, ds: Dataset, region: str, year: int, code: str, new: float) -> None:
    ind = ds.indicators[code]
    if ind.kind is Kind.PERCENT:
        new = min(max(new, 0.0), 100.0)
        new = round(new, max(ind.decimals, 1))
    elif ind.kind is Kind.COUNT:
        new = float(max(round(new), 0))
    else:
        new = round(new, max(ind.decimals, 1))
    old = values[(region, year, code)]
    values[(region, year, code)] = dataclasses.replace(old, value=new)


def scale(ds: Dataset, values: dict, code: str, factor: float, regions: list[str],
          years: list[int]) -> None:
    """Multiply the stored values of `code` (a derived indicator: of its numerator)."""
    code = _stored(ds, code)
    for region in regions:
        for year in years:
            v = values.get((region, year, code))
            if v is not None and isinstance(v.value, (int, float)):
                set_value(values, ds, region, year, code, v.value * factor)


def resum(ds: Dataset, values: dict, codes: set[str], years: list[int]) -> None:
    """Make the city's value agree with its counties again (求和: the sum; 平均: the mean)."""
    city = ds.city.name
    counties = [r.name for r in ds.children(city)]
    for code in codes:
        ind = ds.indicators[code]
        for year in years:
            parts = [values.get((c, year, code)) for c in counties]
            nums = [p.value for p in parts if p is not None and isinstance(p.value, (int, float))]
            if (city, year, code) not in values or len(nums) != len(counties):
                continue
            if ind.combine is Combine.SUM:
                set_value(values, ds, city, year, code, sum(nums))
            elif ind.combine is Combine.MEAN:
                set_value(values, ds, city, year, code, sum(nums) / len(nums))


def _factor_to(m, want_rate: float) -> float:
    return want_rate / m.rate if m.rate else 1.0


def variant(cfg=None, ds: Dataset | None = None) -> Dataset:
    """The sample with a different set of lagging indicators: those lagging in the city's
    report meet their targets, those of MAKE_LAG lag, in every county (the city follows as
    the sum or mean of its counties)."""
    if cfg is None or ds is None:
        cfg, ds = sample()
    mb = batch(cfg, ds)
    city = mb.base(ds.city.name)
    progress = mb.progress
    counties = [r.name for r in ds.children(ds.city.name)]
    plan_years = [y for y in ds.years() if cfg.plan.start <= y <= cfg.year]
    values = dict(ds.values)
    touched = set()
    for code, m in city.items():
        if m.status is None:
            continue
        cumulative = m.indicator.target_type is TargetType.CUMULATIVE
        if m.status == BEHIND:
            want = progress + cfg.ahead_margin / 2 if cumulative else 104.0
        elif code in MAKE_LAG:
            want = progress - 7 if cumulative else 93.0
        else:
            continue
        years = plan_years if cumulative else [cfg.year]
        for county in counties:
            scale(ds, values, code, _factor_to(mb.base(county)[code], want), [county], years)
        touched.add(_stored(ds, code))
        if ds.indicators[_stored(ds, code)].combine not in (Combine.SUM, Combine.MEAN):
            scale(ds, values, code, _factor_to(m, want), [ds.city.name], years)
    resum(ds, values, touched, plan_years)
    return with_values(ds, values)


def lagging_codes(cfg, ds: Dataset, region: str | None = None) -> set[str]:
    mb = batch(cfg, ds)
    return {c for c, m in mb.base(region or ds.city.name).items() if m.status == BEHIND}


def write_folder(folder: Path, ds: Dataset | None = None) -> Path:
    """The variant as a city folder (report.yaml + values CSV), for the command line."""
    import yaml

    cfg, sample_ds = sample()
    ds = ds or variant(cfg, sample_ds)
    folder.mkdir(parents=True, exist_ok=True)
    raw = yaml.safe_load(CONFIG.read_text(encoding="utf-8"))
    raw["data"]["catalog"] = str(cfg.catalog)
    raw["data"]["regions"] = str(cfg.regions)
    raw["data"]["values"] = [{"path": "指标数据.csv"}]
    raw["templates"] = str(cfg.templates)
    raw["output"]["folder"] = str(folder / "output")
    with open(folder / "指标数据.csv", "w", encoding="utf-8", newline="") as f:
        w = csv.writer(f)
        w.writerow(["地区", "年度", "指标代码", "数值"])
        for (region, year, code), v in ds.values.items():
            w.writerow([region, year, code, v.value])
        for (region, code), target in ds.targets.items():
            w.writerow([region, "规划目标", code, target])
    path = folder / "report.yaml"
    path.write_text(yaml.safe_dump(raw, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return path


if __name__ == "__main__":
    print(write_folder(Path(sys.argv[1] if len(sys.argv) > 1 else "/tmp/reportgen-variant")))
