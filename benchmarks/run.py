"""`make bench`: reportgen's speed and memory against the goals of issues 7, 13 and 15, as one table.

Every figure is a median over repeated runs (the number of runs is printed beside it). "Cold"
figures are fresh processes of `.venv/bin/reportgen` on a temporary copy of the sample (the
repository's output/ is never touched); "warm" figures are in-process calls of the library
after one discarded warm-up run.

Each goal row prints PASS or FAIL; a section that raises prints FAIL with the reason at once
and one FAIL row in the table (its goals count as not met), and the other sections still run.
The exit status is 1 when any section failed or any goal was missed, else 0.

`--smoke` is the smallest configuration (one repetition of everything, batches of 3 of the
sample's regions instead of 9, 2 synthetic counties, 6,000 rows for the big check, the docxtpl
comparison skipped when docxtpl is missing): it shows that every section runs, in well under
a minute (tests/test_bench_smoke.py). Its figures are not comparable, so
its goals are printed but not enforced: it exits 1 only when a section failed.

    python benchmarks/run.py [--only cold,warm,batch,rebuild,synthetic,bigcheck,docxtpl]
                             [--counties N] [--smoke]
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import os
import sys
import tempfile
import time
import traceback
from dataclasses import dataclass
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

SECTIONS = ("cold", "warm", "batch", "rebuild", "synthetic", "bigcheck", "docxtpl")


@dataclass(frozen=True)
class Sizes:
    """Repetitions and sizes of one run."""

    cold: int = 5          # --help, check, one city report
    warm: int = 7          # in-process stages
    batch: int = 3         # the sample's regions, each way
    rebuild: int = 3
    versus: int = 3        # reportgen and docxtpl, alternating
    counties: int = 199    # county-level units of the synthetic set
    big_rows: int = 200_000
    batch_regions: int | None = None   # batches of the sample: all 9 regions, or the first N
    warm_up: bool = True   # in-process batch: one discarded build first
    smoke: bool = False


SMOKE = Sizes(cold=1, warm=1, batch=1, rebuild=1, versus=1, counties=2, big_rows=6_000,
              batch_regions=3, warm_up=False, smoke=True)


class Skipped(Exception):
    """A section that cannot run here and is not required to (--smoke without docxtpl)."""


class Bench:
    """Shared state of one benchmark run: the temporary folder, the sample copy, the notes."""

    def __init__(self, root: Path, sizes: Sizes):
        self.root = root
        self.sizes = sizes
        self.counties = sizes.counties
        self.config = copy_sample(root / "sample")
        self.env = ColdEnv(root / "env", snapshot_code(root / "code"))
        self.notes: list[str] = []
        self.skipping: bool | None = None   # does `build` skip unchanged documents?
        names = [r["地区名称"] for r in synthetic.read_csv(self.config.parent / "data" / "地区.csv")]
        # a batch of the sample: every region (--all), or (--smoke) the city and the first
        # counties, the first being the one `rebuild` corrects
        self.subset = names[:sizes.batch_regions] if sizes.batch_regions else None
        self.n = len(self.subset or names)

    @property
    def batch(self) -> tuple[str, ...]:
        """The build arguments of a batch of the sample."""
        if self.subset is None:
            return ("--all",)
        return tuple(arg for name in self.subset for arg in ("-r", name))

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
    reps = b.sizes.cold
    log(f"cold CLI ({reps} runs each)")
    cfg = str(b.config)
    helps = [reportgen("--help", env=b.env.fresh()).wall for _ in range(reps)]
    checks = [reportgen("check", "-c", cfg, env=b.env.fresh()).wall for _ in range(reps)]
    builds = [b.build(b.config) for _ in range(reps)]
    check, build = median(checks), median([r.wall for r in builds])
    return [
        Row("cold: reportgen --help", median(helps), "s", reps, 0.2),
        Row("cold: reportgen check (9 regions)", check, "s", reps, 0.8),
        Row("cold: reportgen build (city, 4 charts)", build, "s", reps, 1.2,
            note=f"CPU {median([r.cpu for r in builds]):.3f} s"),
        Row("cold: check (9 regions) / build (city)", check / build, "x", reps, 0.35,
            note="issue 15"),
    ]


# ---------------------------------------------------------------- 2. warm stages

def warm(b: Bench) -> list[Row]:
    reps = b.sizes.warm
    log(f"warm in-process stages ({reps} runs after a warm-up)")
    times = stages.stage_times(b.config, b.root / "warm" / "city.docx", reps)
    rows = [Row(f"warm: {stage}", median(times[stage]), "s", reps) for stage in stages.STAGES]
    rows.append(Row("warm: one city report, total", median(times["total"]), "s", reps, 0.5))
    return rows


# ---------------------------------------------------------------- 3. batch of the sample

def batch(b: Bench) -> list[Row]:
    reps = b.sizes.batch
    n = b.n
    log(f"batch of {n} regions, CLI --jobs 1/2 ({reps} runs each) and in-process")
    cfg = b.config
    one, two, city = [], [], []
    for _ in range(reps):  # interleaved, so that a burst of other load hits all three
        one.append(b.build(cfg, *b.batch, "--jobs", "1"))
        two.append(b.build(cfg, *b.batch, "--jobs", "2"))
        city.append(b.build(cfg, "--jobs", "1"))
    wall1, wall2 = median([r.wall for r in one]), median([r.wall for r in two])
    cpu1, cpu2 = median([r.cpu for r in one]), median([r.cpu for r in two])
    per_county = (cpu1 - median([r.cpu for r in city])) / (n - 1)
    (in1, in_cpu1), (in2, in_cpu2) = (in_process_batch(cfg, jobs, b.subset, b.sizes)
                                      for jobs in (1, 2))
    peak = max(r.rss_mb for r in one + two)
    pair = parallel_drawing(b)
    return [
        Row("machine: a chart drawn in each of 2 processes", pair["chart_pair"] / 1000, "s",
            b.sizes.batch * 5, note=f"alone {pair['chart_alone']:.0f} ms: two drawers draw "
            f"{2 * pair['chart_alone'] / pair['chart_pair']:.2f}x as fast as one (bounds the "
            "drawing part of a batch); a Python loop "
            f"{2 * pair['loop_alone'] / pair['loop_pair']:.2f}x"),
        Row(f"batch {n}, CLI cold --jobs 1: wall", wall1, "s", reps),
        Row(f"batch {n}, CLI cold --jobs 2: wall", wall2, "s", reps,
            note=f"peak RSS {peak:.0f} MB"),
        Row(f"batch {n}, CLI cold: speed-up j1/j2", wall1 / wall2, "x", reps, 1.8, True,
            note=_two_cores(wall1, wall2, cpu1, cpu2)),
        Row(f"batch {n}, in-process (charts uncached) j1", in1, "s", reps),
        Row(f"batch {n}, in-process (charts uncached) j2", in2, "s", reps),
        Row(f"batch {n}, in-process: speed-up j1/j2", in1 / in2, "x", reps, 1.8, True,
            note="warm: no loading to overlap; " + _two_cores(in1, in2, in_cpu1, in_cpu2)),
        Row(f"CPU per additional county ({n} - city)/{n - 1}", per_county, "s", reps, 0.45,
            note="CLI cold --jobs 1, children included"),
    ]


def _two_cores(wall1: float, wall2: float, cpu1: float, cpu2: float) -> str:
    """Where a speed-up is lost: the CPU --jobs 2 spends beyond --jobs 1 (work done twice,
    handing work over, two processes slowing each other), and the core-seconds left idle
    (waiting for a serial part). With no idle core at all, the speed-up would be
    wall1 / (cpu2 / 2): that bound is what the extra CPU alone allows."""
    idle = max(0.0, 2 * wall2 - cpu2)
    return (f"CPU {cpu1:.2f} s -> {cpu2:.2f} s; {idle:.2f} core-s idle; "
            f"no idle core: {2 * wall1 / cpu2:.2f}x")


def parallel_drawing(b: Bench) -> dict[str, float]:
    """benchmarks/parallel.py in a fresh process: ms a chart takes alone and in a pair."""
    script = Path(__file__).with_name("parallel.py")
    done = run([PYTHON, str(script), str(b.config), str(b.sizes.batch * 5)], env=b.env.fresh())
    return json.loads(done.output.strip().splitlines()[-1])


def in_process_batch(config: Path, jobs: int, subset: list[str] | None,
                     sizes: Sizes) -> tuple[float, float]:
    """Median wall and CPU seconds (this process and its workers, which the pool has waited
    for when `build` returns) of `build` of every region (or of `subset`) in this (warm)
    process, chart cache cleared."""
    import resource

    from generator import build
    from generator.exhibits import charts

    def once() -> None:
        build.build(config, subset, all_regions=subset is None, jobs=jobs)

    def cpu() -> float:
        return sum(u.ru_utime + u.ru_stime for u in (resource.getrusage(resource.RUSAGE_SELF),
                                                     resource.getrusage(resource.RUSAGE_CHILDREN)))

    if sizes.warm_up:
        once()
    walls, cpus = [], []
    for _ in range(sizes.batch):
        clean_output(config)
        charts.clear_cache()
        start, used = time.perf_counter(), cpu()
        once()
        walls.append(time.perf_counter() - start)
        cpus.append(cpu() - used)
    return median(walls), median(cpus)


# ---------------------------------------------------------------- 5. rebuild after a correction

def rebuild(b: Bench) -> list[Row]:
    reps = b.sizes.rebuild
    log(f"rebuild after one corrected county value ({reps} runs)")
    config = copy_sample(b.root / "rebuild")
    workbook = config.parent / "data" / "指标数据.xlsx"
    pristine = workbook.read_bytes()
    fulls, rebuilds, rewritten = [], [], 0
    for _ in range(reps):
        workbook.write_bytes(pristine)
        env = b.env.fresh()  # shared by both builds: whatever the first one caches, stays
        fulls.append(b.build(config, *b.batch, env=env).wall)
        before = snapshot(config)
        bump_xlsx(workbook)
        rebuilds.append(reportgen("build", "-c", str(config), *b.batch, env=env).wall)
        rewritten = changed(before, snapshot(config))
    b.skipping = rewritten < len(before)
    full, again = median(fulls), median(rebuilds)
    note = f"{rewritten}/{len(before)} documents rewritten"
    if not b.skipping:
        note += "; build does not skip unchanged documents yet"
    return [
        Row(f"rebuild {b.n}: full build (--jobs 2)", full, "s", reps),
        Row(f"rebuild {b.n}: after one corrected value", again, "s", reps, note=note),
        Row(f"rebuild {b.n}: speed-up full/rebuild", full / again, "x", reps, 5.0, True),
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
    rows = f"{b.sizes.big_rows:,}"
    log(f"check of {rows} values rows, nearly all duplicates (1 run)")
    config = bigcheck.make(b.root / "bigcheck", b.sizes.big_rows)
    figures = bigcheck.measure(config, env=b.env.fresh())
    printed = f"{figures['lines']} lines, {figures['out_mb']:.2f} MB printed"
    return [
        Row(f"check, {rows} rows (duplicates): wall", figures["wall"], "s", 1, note=printed),
        Row(f"check, {rows} rows (duplicates): peak RSS", figures["rss_mb"], "MB", 1, 200,
            note="issue 13: was 594 MB and 791,603 lines"),
    ]


# ---------------------------------------------------------------- 6. versus docxtpl

def versus_docxtpl(b: Bench) -> list[Row]:
    if importlib.util.find_spec("docxtpl") is None:
        why = "docxtpl is not installed (it is in the bench extra: pip install -e '.[bench]')"
        if b.sizes.smoke:
            raise Skipped(why)
        raise RuntimeError(why)
    reps = b.sizes.versus
    log(f"reportgen against a docxtpl script ({reps} alternating runs each)")
    folder = b.root / "docxtpl"
    folder.mkdir()
    content = docxtpl_baseline.extract(b.config, b.subset)
    data, template = folder / "content.json", folder / "template.docx"
    data.write_text(json.dumps(content, ensure_ascii=False), encoding="utf-8")
    docxtpl_baseline.make_template(template, content[0]["table"]["header"])
    script = [PYTHON, docxtpl_baseline.__file__, str(data), str(template)]

    ours: dict[str, list[float]] = {"one": [], "all": []}
    theirs: dict[str, list[float]] = {"one": [], "all": []}
    for i in range(reps):
        ours["one"].append(b.build(b.config).wall)
        theirs["one"].append(run([*script, str(folder / f"one-{i}"), "--first"]).wall)
        ours["all"].append(b.build(b.config, *b.batch, "--jobs", "2").wall)
        theirs["all"].append(run([*script, str(folder / f"all-{i}")]).wall)
    one = median(ours["one"]) / median(theirs["one"])
    every = median(ours["all"]) / median(theirs["all"])
    warm_ours, warm_theirs = warm_render(b, content[0], template, folder)
    return [
        Row("docxtpl script: one report, cold", median(theirs["one"]), "s", reps),
        Row(f"docxtpl script: {b.n} regions, cold", median(theirs["all"]), "s", reps),
        Row("ratio reportgen/docxtpl: one report", one, "x", reps, 1.0,
            note=f"reportgen build {median(ours['one']):.3f} s"),
        Row(f"ratio reportgen/docxtpl: {b.n} regions", every, "x", reps, 0.5,
            note=f"reportgen build {' '.join(b.batch)} --jobs 2 {median(ours['all']):.3f} s"),
        Row("ratio, warm render only (charts+docx+save)", warm_ours / warm_theirs, "x",
            b.sizes.warm, note=f"reportgen {warm_ours:.3f} s, docxtpl {warm_theirs:.3f} s"),
    ]


def warm_render(b: Bench, region: dict, template: Path, folder: Path) -> tuple[float, float]:
    """Median seconds to turn ready content into a saved .docx in a warm process, both ways."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    from generator import build
    from generator.exhibits import charts
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

    return timed(ours, b.sizes.warm), timed(theirs, b.sizes.warm)


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


def run_section(name: str, b: Bench) -> tuple[list[Row], str | None]:
    """The section's rows and None, or one FAIL row (SKIP row) and why it failed (was skipped).
    A failure is printed at once, with its traceback on stderr."""
    try:
        return RUNNERS[name](b), None
    except Skipped as exc:
        print(f"SKIP {name}: {exc}")
        return [Row(f"{name}: skipped", None, "s", 0, note=str(exc))], None
    except Exception as exc:  # a broken section is reported, the others still run
        text = str(exc).strip() or type(exc).__name__
        reason = f"{type(exc).__name__}: {text.splitlines()[0]}"
        print(f"FAIL {name}: {reason}")
        traceback.print_exc(file=sys.stderr)
        b.notes.append(f"{name} failed: {type(exc).__name__}: {text}")
        return [Row(f"{name}: section failed", None, "s", 0, note=reason, failed=True)], reason


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--only", default=",".join(SECTIONS),
                        help=f"comma-separated sections out of {','.join(SECTIONS)}")
    parser.add_argument("--counties", type=int, default=None,
                        help="county-level units of the synthetic set (default 199, 2 with --smoke)")
    parser.add_argument("--smoke", action="store_true",
                        help="smallest configuration, one repetition each: does every section run?")
    args = parser.parse_args(argv)
    sizes = SMOKE if args.smoke else Sizes()
    if args.counties is not None:
        sizes = Sizes(**{**sizes.__dict__, "counties": args.counties})
    asked = [s for s in args.only.split(",") if s]
    unknown = [s for s in asked if s not in SECTIONS]
    if unknown:
        parser.error(f"unknown section(s) {', '.join(unknown)}; choose from {', '.join(SECTIONS)}")
    chosen = [s for s in SECTIONS if s in asked]
    sys.stdout.reconfigure(line_buffering=True)

    print(machine())
    print(code_version())
    print(f"Load average before: {load()}")
    mode = " (--smoke: one repetition, smallest sizes)" if sizes.smoke else ""
    print(f"Started {time.strftime('%Y-%m-%d %H:%M:%S')}; sections: {', '.join(chosen)}{mode}")
    started = time.perf_counter()
    rows: list[Row] = []
    failed: dict[str, str] = {}
    with tempfile.TemporaryDirectory(prefix="reportgen-bench-") as tmp:
        b = Bench(Path(tmp), sizes)
        for name in chosen:
            section_rows, reason = run_section(name, b)
            rows += section_rows
            if reason is not None:
                failed[name] = reason
    print()
    print(table(rows))
    for note in b.notes:
        print(f"\nNote: {note}")
    print(f"\nLoad average after: {load()} (other work on the machine skews the figures)")
    print(f"Total benchmark time {time.perf_counter() - started:.0f} s. "
          "Cold = fresh `.venv/bin/reportgen` processes (empty output/ and caches); "
          "CPU and peak RSS include child processes (os.wait4).")
    return verdict(rows, failed, sizes.smoke)


def verdict(rows: list[Row], failed: dict[str, str], smoke: bool) -> int:
    """Print the summary; the exit status: 1 when a section failed or (unless `smoke`) a goal
    was missed."""
    goals = [r for r in rows if r.goal is not None]
    missed = [r for r in goals if r.verdict == "FAIL"]
    print(f"\nGoals: {len(goals) - len(missed)} of {len(goals)} PASS"
          + (f"; FAIL: {'; '.join(r.label for r in missed)}" if missed else ""))
    for name, reason in failed.items():
        print(f"FAIL section {name}: {reason}")
    if smoke:
        print("Smoke run: goals not enforced (one repetition of reduced sizes); "
              + ("FAIL: a section failed." if failed else "PASS: every section ran."))
        return 1 if failed else 0
    ok = not failed and not missed
    print("Result: PASS" if ok else
          f"Result: FAIL ({len(failed)} section(s) failed, {len(missed)} goal(s) missed)")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
