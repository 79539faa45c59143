"""`make bench`: reportgen's speed and memory against the goals of issue 7, as one table.

Every figure is a median over repeated runs (the number of runs is printed beside it). "Cold"
figures are fresh processes of `.venv/bin/reportgen` on a temporary copy of the sample (the
repository's output/ is never touched); "warm" figures are in-process calls of the library
after one discarded warm-up run. The script always exits 0: it reports, it does not test.

    python benchmarks/run.py [--only cold,warm,batch,rebuild,synthetic,bigcheck,docxtpl] [--counties N]
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
import time
from pathlib import Path

import bigcheck
import docxtpl_baseline
import stages
import synthetic
from harness import (
    PYTHON,
    ColdEnv,
    Row,
    clean_output,
    code_version,
    copy_sample,
    machine,
    median,
    reportgen,
    run,
    snapshot_code,
    table,
)

COLD_REPS = 5      # --help, check, one city report
WARM_REPS = 7      # in-process stages
BATCH_REPS = 3     # 9 sample regions, each way
REBUILD_REPS = 3
VERSUS_REPS = 3    # reportgen and docxtpl, alternating
SECTIONS = ("cold", "warm", "batch", "rebuild", "synthetic", "bigcheck", "docxtpl")


class Bench:
    """Shared state of one benchmark run: the temporary folder, the sample copy, the notes."""

    def __init__(self, root: Path, counties: int):
        self.root = root
        self.counties = counties
        self.config = copy_sample(root / "sample")
        self.env = ColdEnv(root / "env", snapshot_code(root / "code"))
        self.notes: list[str] = []
        self.skipping: bool | None = None   # does `build` skip unchanged documents?

    def build(self, config: Path, *args: str, env: dict | None = None):
        """A cold `reportgen build` from an empty output folder and (unless `env` is given)
        empty caches."""
        clean_output(config)
        return reportgen("build", "-c", str(config), *args, env=env or self.env.fresh())


def load() -> str:
    return " ".join(f"{x:.2f}" for x in os.getloadavg())


def log(text: str) -> None:
    print(f"· {text}", file=sys.stderr, flush=True)


# ---------------------------------------------------------------- 1. cold commands

def cold_cli(b: Bench) -> list[Row]:
    log(f"cold CLI ({COLD_REPS} runs each)")
    cfg = str(b.config)
    helps = [reportgen("--help", env=b.env.fresh()).wall for _ in range(COLD_REPS)]
    checks = [reportgen("check", "-c", cfg, env=b.env.fresh()).wall for _ in range(COLD_REPS)]
    builds = [b.build(b.config) for _ in range(COLD_REPS)]
    return [
        Row("cold: reportgen --help", median(helps), "s", COLD_REPS, 0.2),
        Row("cold: reportgen check (9 regions)", median(checks), "s", COLD_REPS, 0.8),
        Row("cold: reportgen build (city, 4 charts)", median([r.wall for r in builds]), "s",
            COLD_REPS, 1.2, note=f"CPU {median([r.cpu for r in builds]):.3f} s"),
    ]


# ---------------------------------------------------------------- 2. warm stages

def warm(b: Bench) -> list[Row]:
    log(f"warm in-process stages ({WARM_REPS} runs after a warm-up)")
    times = stages.stage_times(b.config, b.root / "warm" / "city.docx", WARM_REPS)
    rows = [Row(f"warm: {stage}", median(times[stage]), "s", WARM_REPS)
            for stage in stages.STAGES]
    rows.append(Row("warm: one city report, total", median(times["total"]), "s", WARM_REPS, 0.5))
    return rows


# ---------------------------------------------------------------- 3. batch of the sample

def batch(b: Bench) -> list[Row]:
    log(f"batch of 9 regions, CLI --jobs 1/2 ({BATCH_REPS} runs each) and in-process")
    cfg = b.config
    one, two, city = [], [], []
    for _ in range(BATCH_REPS):  # interleaved, so that a burst of other load hits all three
        one.append(b.build(cfg, "--all", "--jobs", "1"))
        two.append(b.build(cfg, "--all", "--jobs", "2"))
        city.append(b.build(cfg, "--jobs", "1"))
    wall1, wall2 = median([r.wall for r in one]), median([r.wall for r in two])
    per_county = (median([r.cpu for r in one]) - median([r.cpu for r in city])) / 8
    in1, in2 = in_process_batch(cfg, 1), in_process_batch(cfg, 2)
    peak = max(r.rss_mb for r in one + two)
    return [
        Row("batch 9, CLI cold --jobs 1: wall", wall1, "s", BATCH_REPS),
        Row("batch 9, CLI cold --jobs 2: wall", wall2, "s", BATCH_REPS,
            note=f"peak RSS {peak:.0f} MB"),
        Row("batch 9, CLI cold: speed-up j1/j2", wall1 / wall2, "x", BATCH_REPS, 1.8, True),
        Row("batch 9, in-process (charts uncached) j1", in1, "s", BATCH_REPS),
        Row("batch 9, in-process (charts uncached) j2", in2, "s", BATCH_REPS),
        Row("batch 9, in-process: speed-up j1/j2", in1 / in2, "x", BATCH_REPS, 1.8, True,
            note="gather is serial in both"),
        Row("CPU per additional county (9 - city)/8", per_county, "s", BATCH_REPS, 0.45,
            note="CLI cold --jobs 1, children included"),
    ]


def in_process_batch(config: Path, jobs: int) -> float:
    """Median wall time of `build(all_regions=True)` in this (warm) process, chart cache cleared."""
    from generator import build, charts

    build.build(config, all_regions=True, jobs=jobs)  # warm-up
    walls = []
    for _ in range(BATCH_REPS):
        clean_output(config)
        charts.clear_cache()
        start = time.perf_counter()
        build.build(config, all_regions=True, jobs=jobs)
        walls.append(time.perf_counter() - start)
    return median(walls)


# ---------------------------------------------------------------- 5. rebuild after a correction

def rebuild(b: Bench) -> list[Row]:
    log(f"rebuild after one corrected county value ({REBUILD_REPS} runs)")
    config = copy_sample(b.root / "rebuild")
    workbook = config.parent / "data" / "指标数据.xlsx"
    pristine = workbook.read_bytes()
    fulls, rebuilds, rewritten = [], [], 0
    for _ in range(REBUILD_REPS):
        workbook.write_bytes(pristine)
        env = b.env.fresh()  # shared by both builds: whatever the first one caches, stays
        fulls.append(b.build(config, "--all", env=env).wall)
        before = snapshot(config)
        bump_xlsx(workbook)
        rebuilds.append(reportgen("build", "-c", str(config), "--all", env=env).wall)
        rewritten = changed(before, snapshot(config))
    b.skipping = rewritten < len(before)
    full, again = median(fulls), median(rebuilds)
    note = f"{rewritten}/{len(before)} documents rewritten"
    if not b.skipping:
        note += "; build does not skip unchanged documents yet"
    return [
        Row("rebuild 9: full build (--jobs 2)", full, "s", REBUILD_REPS),
        Row("rebuild 9: after one corrected value", again, "s", REBUILD_REPS, note=note),
        Row("rebuild 9: speed-up full/rebuild", full / again, "x", REBUILD_REPS, 5.0, True),
    ]


def snapshot(config: Path) -> dict[str, tuple[int, int]]:
    """(inode, mtime) of every document: a rewritten file (atomic rename) changes both."""
    return {str(p): (p.stat().st_ino, p.stat().st_mtime_ns)
            for p in (config.parent / "output").rglob("*.docx")}


def changed(before: dict, after: dict) -> int:
    return sum(1 for path, stamp in after.items() if before.get(path) != stamp)


def correction_target(config_dir: Path) -> tuple[str, str]:
    """(county, code): the first county and the first 不汇总 count indicator, whose correction
    needs no matching change of the city's total."""
    rows = synthetic.read_csv(config_dir / "data" / "指标目录.csv")
    code = next(r["指标代码"] for r in rows if r["汇总方式"] == "不汇总" and r["类型"] == "计数")
    county = synthetic.read_csv(config_dir / "data" / "地区.csv")[1]["地区名称"]
    return county, code


def bump_xlsx(workbook: Path) -> None:
    from openpyxl import load_workbook

    county, code = correction_target(workbook.parent.parent)
    wb = load_workbook(workbook)
    ws = wb["指标数据"]
    latest = max(r[1].value for r in ws.iter_rows(min_row=2) if isinstance(r[1].value, int))
    for cells in ws.iter_rows(min_row=2):
        if (cells[0].value, cells[1].value, cells[2].value) == (county, latest, code):
            cells[3].value += 1
    wb.save(workbook)


def bump_csv(values: Path) -> None:
    county, code = correction_target(values.parent.parent)
    rows = synthetic.read_csv(values)
    latest = max(r["年度"] for r in rows if r["年度"].isdigit())
    for r in rows:
        if (r["地区"], r["年度"], r["指标代码"]) == (county, latest, code):
            r["数值"] = str(int(r["数值"]) + 1)
    synthetic.write_csv(values, synthetic.VALUE_HEADER, [tuple(r.values()) for r in rows])


# ---------------------------------------------------------------- 4. synthetic province

def synthetic_set(b: Bench) -> list[Row]:
    n = b.counties + 1
    log(f"synthetic set of {n} regions (1 run each; this is the slow part)")
    config = synthetic.make(b.root / "synthetic", b.counties)
    city = b.build(config, "--jobs", "1")
    env = b.env.fresh()
    full = b.build(config, "--all", "--jobs", "2", env=env)
    per_variant = (full.cpu - city.cpu) / b.counties
    rows = [
        Row(f"synthetic {n}: build --all --jobs 2, wall", full.wall, "s", 1,
            note=f"{full.wall / n:.3f} s wall per region"),
        Row(f"synthetic {n}: CPU per additional county", per_variant, "s", 1, 0.45,
            note=f"(CPU all {full.cpu:.1f} s - city only {city.cpu:.1f} s)/{b.counties}"),
        Row(f"synthetic {n}: peak RSS of any process", full.rss_mb, "MB", 1, 400),
    ]
    if b.skipping is False:
        rows.append(Row(f"synthetic {n}: rebuild speed-up", None, "x", 0, 5.0, True,
                        note="not run: build does not skip unchanged documents yet"))
        return rows
    before = snapshot(config)
    bump_csv(config.parent / "data" / "指标数据.csv")
    again = reportgen("build", "-c", str(config), "--all", "--jobs", "2", env=env)
    rows.append(Row(f"synthetic {n}: rebuild after one correction", again.wall, "s", 1,
                    note=f"{changed(before, snapshot(config))}/{len(before)} documents rewritten"))
    rows.append(Row(f"synthetic {n}: rebuild speed-up", full.wall / again.wall, "x", 1, 5.0,
                    True))
    return rows


# ---------------------------------------------------------------- 5. a careless 200,000-row file

def big_check(b: Bench) -> list[Row]:
    log("check of 200,000 values rows, nearly all duplicates (1 run)")
    figures = bigcheck.measure(bigcheck.make(b.root / "bigcheck"), env=b.env.fresh())
    printed = f"{figures['lines']} lines, {figures['out_mb']:.2f} MB printed"
    return [
        Row("check, 200,000 rows (duplicates): wall", figures["wall"], "s", 1, note=printed),
        Row("check, 200,000 rows (duplicates): peak RSS", figures["rss_mb"], "MB", 1, 200,
            note="issue 13: was 594 MB and 791,603 lines"),
    ]


# ---------------------------------------------------------------- 6. versus docxtpl

def versus_docxtpl(b: Bench) -> list[Row]:
    log(f"reportgen against a docxtpl script ({VERSUS_REPS} alternating runs each)")
    folder = b.root / "docxtpl"
    folder.mkdir()
    content = docxtpl_baseline.extract(b.config)
    data, template = folder / "content.json", folder / "template.docx"
    data.write_text(json.dumps(content, ensure_ascii=False), encoding="utf-8")
    docxtpl_baseline.make_template(template, content[0]["table"]["header"])
    script = [PYTHON, docxtpl_baseline.__file__, str(data), str(template)]

    ours: dict[str, list[float]] = {"one": [], "all": []}
    theirs: dict[str, list[float]] = {"one": [], "all": []}
    for i in range(VERSUS_REPS):
        ours["one"].append(b.build(b.config).wall)
        theirs["one"].append(run([*script, str(folder / f"one-{i}"), "--first"]).wall)
        ours["all"].append(b.build(b.config, "--all", "--jobs", "2").wall)
        theirs["all"].append(run([*script, str(folder / f"all-{i}")]).wall)
    one = median(ours["one"]) / median(theirs["one"])
    every = median(ours["all"]) / median(theirs["all"])
    warm_ours, warm_theirs = warm_render(b, content[0], template, folder)
    return [
        Row("docxtpl script: one report, cold", median(theirs["one"]), "s", VERSUS_REPS),
        Row("docxtpl script: 9 regions, cold", median(theirs["all"]), "s", VERSUS_REPS),
        Row("ratio reportgen/docxtpl: one report", one, "x", VERSUS_REPS, 1.0,
            note=f"reportgen build {median(ours['one']):.3f} s"),
        Row("ratio reportgen/docxtpl: 9 regions", every, "x", VERSUS_REPS, 0.5,
            note=f"reportgen build --all --jobs 2 {median(ours['all']):.3f} s"),
        Row("ratio, warm render only (charts+docx+save)", warm_ours / warm_theirs, "x",
            WARM_REPS, note=f"reportgen {warm_ours:.3f} s, docxtpl {warm_theirs:.3f} s"),
    ]


def warm_render(b: Bench, region: dict, template: Path, folder: Path) -> tuple[float, float]:
    """Median seconds to turn ready content into a saved .docx in a warm process, both ways."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    from generator import build, charts
    from generator.output import atomic_write
    from generator.render import render_document

    job = build.gather(b.config)
    report = job.reports[0]
    docxtpl_baseline.setup_font(plt)

    def ours() -> None:
        charts.clear_cache()
        data, _ = render_document(report.narrative.blocks, report.meta, report.specs,
                                  job.cfg.layout)
        atomic_write(folder / "warm-reportgen.docx", data)

    def theirs() -> None:
        docxtpl_baseline.render_region(plt, template, region, folder)

    return timed(ours, WARM_REPS), timed(theirs, WARM_REPS)


def timed(fn, reps: int) -> float:
    fn()  # warm-up
    walls = []
    for _ in range(reps):
        start = time.perf_counter()
        fn()
        walls.append(time.perf_counter() - start)
    return median(walls)


# ---------------------------------------------------------------- main

RUNNERS = {"cold": cold_cli, "warm": warm, "batch": batch, "rebuild": rebuild,
           "synthetic": synthetic_set, "bigcheck": big_check, "docxtpl": versus_docxtpl}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--only", default=",".join(SECTIONS),
                        help=f"comma-separated sections out of {','.join(SECTIONS)}")
    parser.add_argument("--counties", type=int, default=199,
                        help="county-level units of the synthetic set (default 199)")
    args = parser.parse_args()
    sys.stdout.reconfigure(line_buffering=True)
    chosen = [s for s in SECTIONS if s in args.only.split(",")]

    print(machine())
    print(code_version())
    print(f"Load average before: {load()}")
    print(f"Started {time.strftime('%Y-%m-%d %H:%M:%S')}; sections: {', '.join(chosen)}")
    started = time.perf_counter()
    rows: list[Row] = []
    with tempfile.TemporaryDirectory(prefix="reportgen-bench-") as tmp:
        b = Bench(Path(tmp), args.counties)
        for name in chosen:
            try:
                rows += RUNNERS[name](b)
            except Exception as exc:  # a broken section is reported, the others still run
                rows.append(Row(f"{name}: FAILED", None, "s", 0, note=str(exc).splitlines()[0]))
                b.notes.append(f"{name}: {exc}")
    print()
    print(table(rows))
    for note in b.notes:
        print(f"\nNote: {note}")
    print(f"\nLoad average after: {load()} (other work on the machine skews the figures)")
    print(f"Total benchmark time {time.perf_counter() - started:.0f} s. "
          "Cold = fresh `.venv/bin/reportgen` processes (empty output/ and caches); "
          "CPU and peak RSS include child processes (os.wait4).")
    return 0


if __name__ == "__main__":
    sys.exit(main())
