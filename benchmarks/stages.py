"""Warm in-process time of one region's report, stage by stage, through the library's public
functions (the same steps as `build.gather` and `build.write`, one region, no worker pool).

The first run pays the imports and the compiling of the templates and is thrown away (a warm
process keeps its compiled templates: narrative.renderer_for); the chart cache of the
process is cleared before every run, so each run draws its charts.
"""

from __future__ import annotations

import time
from pathlib import Path

STAGES = ("data", "metrics", "narrative", "charts", "layout", "save")


def one_report(config_path: Path, out: Path) -> dict[str, float]:
    """Seconds per stage for the city's report, written to `out`."""
    from generator import build, config, exhibits, layout, output
    from generator.blocks import Figure
    from generator.exhibits import charts
    from generator.metrics import MetricsBatch
    from generator.narrative import renderer_for

    clock = time.perf_counter
    times: dict[str, float] = {}
    t0 = clock()
    cfg = config.load_config(config_path)
    ds = build.load_data(cfg)
    t1 = clock()
    batch = MetricsBatch(ds, cfg.year, cfg.plan.start, cfg.plan.end, cfg.ahead_margin,
                         month=cfg.progress_month)
    m = batch.region(ds.city.name)
    t2 = clock()
    text = renderer_for(cfg.templates).render(cfg, m, len(ds.children(ds.city.name)))
    meta = build.document_meta(cfg, ds.city, text)
    t3 = clock()
    charts.clear_cache()
    titles = {b.key: b.title for b in text.blocks if isinstance(b, Figure)}
    specs = exhibits.chart_specs(batch, m, titles)
    lacking = sorted(k for k, s in specs.items() if s is None)
    if lacking:  # build would replace them by 【待补】 lines: not the report measured here
        raise RuntimeError(f"the city's figures {', '.join(lacking)} have no data")
    images = charts.render_charts(specs)
    t4 = clock()
    profile = layout.Profile.from_mapping(cfg.layout) if cfg.layout else None
    data = layout.render_docx(text.blocks, meta, images, profile=profile)
    t5 = clock()
    output.atomic_write(out, data)
    t6 = clock()
    marks = (t0, t1, t2, t3, t4, t5, t6)
    for i, stage in enumerate(STAGES):
        times[stage] = marks[i + 1] - marks[i]
    times["total"] = t6 - t0
    return times


def stage_times(config_path: Path, out: Path, reps: int) -> dict[str, list[float]]:
    """Per stage (and "total"), the seconds of `reps` warm runs."""
    out.parent.mkdir(parents=True, exist_ok=True)
    one_report(config_path, out)  # warm-up: imports, font registration
    runs = [one_report(config_path, out) for _ in range(reps)]
    return {key: [r[key] for r in runs] for key in (*STAGES, "total")}
