"""The benchmark's smallest configuration runs every section without error (issue 15), so it
cannot rot unnoticed again. No timing is asserted here: goals are `make bench`'s business."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
RUN = ROOT / "benchmarks" / "run.py"

def test_every_benchmark_section_runs():
    # the benchmark measures the project's own .venv (its reportgen and python)
    if not (ROOT / ".venv" / "bin" / "reportgen").exists():
        pytest.skip("no .venv/bin/reportgen: run `make test`, which builds it")
    proc = subprocess.run([sys.executable, str(RUN), "--smoke"], cwd=ROOT, capture_output=True,
                          text=True, timeout=240)
    out = proc.stdout
    failed = re.findall(r"^FAIL section .*$", out, re.M)
    assert proc.returncode == 0 and not failed, f"{failed}\n{out[-4000:]}\n{proc.stderr[-4000:]}"
    assert "PASS: every section ran." in out
    assert "section failed" not in out
    table = out[out.index("figure "):]   # each section left its rows (docxtpl may be skipped)
    for prefix in ("cold:", "warm:", "batch ", "rebuild ", "synthetic ", "check, "):
        assert re.search(rf"^{re.escape(prefix)}", table, re.M), f"no {prefix!r} row\n{table}"
    assert re.search(r"^(docxtpl script:|docxtpl: skipped)", table, re.M), table


def test_a_failing_section_fails_the_benchmark(tmp_path):
    """A section that raises prints FAIL with its reason and makes the exit status 1."""
    code = f"""
import sys
sys.path.insert(0, {str(RUN.parent)!r})
import run
run.RUNNERS["cold"] = lambda b: (_ for _ in ()).throw(AttributeError("no attribute 'ds'"))
run.Bench = lambda root, sizes: type("B", (), {{"notes": []}})()
sys.exit(run.main(["--only", "cold", "--smoke"]))
"""
    if not (ROOT / ".venv" / "bin" / "python").exists():
        pytest.skip("no .venv: run `make test`, which builds it")
    proc = subprocess.run([sys.executable, "-c", code], cwd=tmp_path, capture_output=True,
                          text=True, timeout=120)
    assert proc.returncode == 1, proc.stdout + proc.stderr
    assert "FAIL cold: AttributeError: no attribute 'ds'" in proc.stdout
    assert "FAIL section cold" in proc.stdout


@pytest.fixture
def bench_modules():
    """benchmarks/run.py and harness.py imported here, and forgotten afterwards."""
    before = set(sys.modules)
    sys.path.insert(0, str(RUN.parent))
    try:
        import harness
        import run

        yield run, harness
    finally:
        sys.path.remove(str(RUN.parent))
        for name in set(sys.modules) - before:
            if name in ("run", "harness", "bigcheck", "docxtpl_baseline", "stages", "synthetic"):
                del sys.modules[name]


def test_a_missed_goal_fails_a_full_run(bench_modules):
    run, harness = bench_modules
    Row = harness.Row
    met = Row("speed-up", 2.0, "x", 3, 1.8, at_least=True)
    missed = Row("wall", 0.9, "s", 3, 0.5)
    unmeasured = Row("rebuild speed-up", None, "x", 0, 5.0, True)
    assert (met.verdict, missed.verdict, unmeasured.verdict) == ("PASS", "FAIL", "FAIL")
    assert Row("info", 1.0, "s", 3).verdict == ""
    assert run.verdict([met], {}, smoke=False) == 0
    assert run.verdict([met, missed], {}, smoke=False) == 1
    assert run.verdict([met, missed], {}, smoke=True) == 0       # smoke: goals not enforced
    assert run.verdict([met], {"warm": "boom"}, smoke=True) == 1
