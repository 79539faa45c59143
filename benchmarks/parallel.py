"""How well this machine runs two chart-drawing processes at once: the ceiling of `--jobs 2`.

Draws the city's completion chart `reps` times in one process, then in two forked processes
at the same time, and prints JSON: the median milliseconds a chart takes alone and in the
pair, and the same for a pure-Python loop (which scales on any two real cores). A chart that
takes 1.5 times as long in the pair means that two drawers draw only 2 / 1.5 = 1.33 times as
many charts per second as one: no scheduling gets a chart-bound batch past that.

    python benchmarks/parallel.py CONFIG [REPS]
"""

from __future__ import annotations

import json
import os
import statistics
import sys
import time
from pathlib import Path


def _chart_spec(config: Path):
    """The city report's completion chart, as a build composes it (build.region_report)."""
    from generator import build
    from generator.narrative import renderer_for

    prep = build.prepare(config)
    report = build.region_report(prep, renderer_for(prep.cfg.templates), prep.ds.city.name)
    return report.specs["completion"]


def _timed(fn, reps: int) -> float:
    walls = []
    for _ in range(reps):
        start = time.perf_counter()
        fn()
        walls.append(time.perf_counter() - start)
    return statistics.median(walls) * 1000


def _pair(fn, reps: int) -> float:
    """Median ms of `fn` in two processes running at once (the slower one's)."""
    reads = []
    for _ in range(2):
        read, write = os.pipe()
        if os.fork() == 0:
            os.close(read)
            os.write(write, str(_timed(fn, reps)).encode())
            os._exit(0)
        os.close(write)
        reads.append(read)
    results = []
    for read in reads:
        with os.fdopen(read) as fh:
            results.append(float(fh.read()))
    for _ in reads:
        os.wait()
    return max(results)


def _spin() -> None:
    total = 0
    for i in range(300_000):
        total += i


def main(argv: list[str]) -> None:
    from generator.exhibits import charts

    spec = _chart_spec(Path(argv[0]))
    reps = int(argv[1]) if len(argv) > 1 else 15

    def chart() -> None:
        charts.render_chart(spec)

    for _ in range(3):
        chart()   # loads matplotlib and the font: both processes inherit them
    print(json.dumps({"chart_alone": _timed(chart, reps), "chart_pair": _pair(chart, reps),
                      "loop_alone": _timed(_spin, reps), "loop_pair": _pair(_spin, reps)}))


if __name__ == "__main__":
    main(sys.argv[1:])
