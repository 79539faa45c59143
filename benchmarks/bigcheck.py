"""A careless 200,000-row values file for `reportgen check`: the sample's rows copied over and
over, so nearly every row is a duplicate (issue 13).

`check` must group the repeated problems (同类问题共N处，前20处如下) instead of printing one
table row per duplicate, and keep its memory flat. The section measures the wall time, the
peak RSS and the number of lines and bytes printed. Files go to a temporary folder only.
"""

from __future__ import annotations

import os
import subprocess
import tempfile
import time
from pathlib import Path

import synthetic
from harness import REPORTGEN, copy_sample


def make(dest: Path, rows: int = 200_000) -> Path:
    """A copy of the sample whose values are `rows` rows of the sample's own rows repeated
    (the first copy is valid, every later one a duplicate); returns its report.yaml."""
    config = copy_sample(dest)
    original = synthetic.sample_values(config.parent)
    repeated = [original[i % len(original)] for i in range(rows)]
    synthetic.write_csv(config.parent / "data" / "指标数据.csv", synthetic.VALUE_HEADER, repeated)
    text = config.read_text(encoding="utf-8").replace(
        "- path: data/指标数据.xlsx\n      sheets: [指标数据]", "- path: data/指标数据.csv")
    config.write_text(text, encoding="utf-8")
    return config


def measure(config: Path, env: dict | None = None) -> dict[str, float]:
    """`reportgen check` on `config`: wall seconds, peak RSS in MB, lines and MB printed.
    (check exits 1 here, as it should: the duplicates are errors.)"""
    with tempfile.TemporaryFile() as out:
        start = time.perf_counter()
        proc = subprocess.Popen([REPORTGEN, "check", "-c", str(config)], env=env,
                                stdout=out, stderr=subprocess.STDOUT)
        _, status, usage = os.wait4(proc.pid, 0)
        wall = time.perf_counter() - start
        out.seek(0)
        data = out.read()
    code = os.waitstatus_to_exitcode(status)
    if code != 1:
        raise RuntimeError(f"check exited with {code}, expected 1:\n"
                           f"{data[-2000:].decode('utf-8', 'replace')}")
    return {"wall": wall, "rss_mb": usage.ru_maxrss / 1024, "lines": data.count(b"\n"),
            "out_mb": len(data) / 1e6}


if __name__ == "__main__":  # python benchmarks/bigcheck.py: one measurement, printed
    with tempfile.TemporaryDirectory(prefix="reportgen-bigcheck-") as tmp:
        figures = measure(make(Path(tmp)))
        print(", ".join(f"{k} {v:.2f}" if isinstance(v, float) else f"{k} {v}"
                        for k, v in figures.items()))
