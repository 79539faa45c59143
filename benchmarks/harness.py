"""Measuring helpers: timed subprocesses (wall, CPU and peak memory), medians, the result table.

Only public tools: `time.perf_counter` for wall time and `os.wait4`, which returns the
`resource` usage of a child *including its own waited-for children* (the worker processes of
`--jobs 2`), so CPU and peak RSS cover the whole process tree of a command.
"""

from __future__ import annotations

import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
BIN = REPO / ".venv" / "bin"
REPORTGEN = str(BIN / "reportgen")
PYTHON = str(BIN / "python")
SAMPLE_PARTS = ("report.yaml", "data", "templates")


# ---------------------------------------------------------------- processes

@dataclass
class Run:
    """One finished command: wall seconds, CPU seconds (user + system, children included),
    peak RSS in MB of the largest process of the tree, exit code and combined output."""

    wall: float
    cpu: float
    rss_mb: float
    code: int
    output: str


def run(argv: list[str], *, cwd: Path | None = None, env: dict | None = None) -> Run:
    """Run `argv` to completion and measure it; a non-zero exit raises with the output."""
    with tempfile.TemporaryFile() as out:
        start = time.perf_counter()
        proc = subprocess.Popen(argv, cwd=cwd, env=env, stdout=out, stderr=subprocess.STDOUT)
        _, status, usage = os.wait4(proc.pid, 0)
        wall = time.perf_counter() - start
        proc.returncode = os.waitstatus_to_exitcode(status)
        out.seek(0)
        text = out.read().decode("utf-8", "replace")
    result = Run(wall, usage.ru_utime + usage.ru_stime, usage.ru_maxrss / 1024,
                 proc.returncode, text)
    if result.code != 0:  # the first line names the command and the first line it printed
        first = next((line.strip() for line in text.splitlines() if line.strip()), "")
        raise RuntimeError(f"{' '.join(argv)} exited with {result.code}: {first[:300]}\n"
                           f"{text[-2000:]}")
    return result


def reportgen(*args: str, env: dict | None = None) -> Run:
    return run([REPORTGEN, *args], env=env)


def median(values: list[float]) -> float:
    return statistics.median(values)


# ---------------------------------------------------------------- sample copies

def copy_sample(dest: Path) -> Path:
    """Copy report.yaml, data/ and templates/ into `dest`; returns the copy's report.yaml.
    The repository's own output/ is never touched."""
    dest.mkdir(parents=True, exist_ok=True)
    for part in SAMPLE_PARTS:
        src = REPO / part
        if src.is_dir():
            shutil.copytree(src, dest / part, dirs_exist_ok=True)
        else:
            shutil.copy2(src, dest / part)
    return dest / "report.yaml"


def clean_output(config: Path) -> None:
    """Remove a copy's output folder (documents, manifest, any cache kept there): the next
    build starts from nothing."""
    shutil.rmtree(config.parent / "output", ignore_errors=True)


def snapshot_code(dest: Path) -> Path:
    """Copy the `generator` package into `dest` and put it first on this process's path:
    every section measures the same code even while the working tree changes (reportgen's
    program fingerprint would otherwise turn a rebuild into a full build). Returns `dest`.

    The copy is compiled to bytecode, as an installation is (pip compiles what it installs;
    a checkout's first run writes __pycache__): without it, where PYTHONDONTWRITEBYTECODE is
    set (this workplace's shells set it), every cold process would compile reportgen's ~40
    modules again, about 0.08 s that no user's run pays."""
    import compileall

    shutil.copytree(REPO / "generator", dest / "generator",
                    ignore=shutil.ignore_patterns("__pycache__"))
    if not compileall.compile_dir(dest / "generator", quiet=1):
        raise RuntimeError(f"could not compile {dest / 'generator'}")
    sys.path.insert(0, str(dest))
    return dest


def code_version() -> str:
    """The commit measured, and whether generator/ had uncommitted changes."""
    def git(*args: str) -> str:
        return subprocess.run(["git", *args], cwd=REPO, capture_output=True, text=True).stdout

    dirty = " + uncommitted changes in generator/" if git("status", "--porcelain",
                                                           "generator").strip() else ""
    return f"Code: {git('rev-parse', '--short', 'HEAD').strip() or 'unknown'}{dirty}"


class ColdEnv:
    """Environments for "cold" commands: a fresh XDG cache folder per run, so that no chart
    cache a build may keep there survives; matplotlib keeps its (install-time) font list;
    `code` (a snapshot of the package) comes first on PYTHONPATH."""

    def __init__(self, root: Path, code: Path):
        self.root = root
        self.code = code
        self.count = 0
        probe = run([PYTHON, "-c", "import matplotlib; print(matplotlib.get_cachedir())"])
        self.mpl_dir = probe.output.strip().splitlines()[-1]

    def fresh(self) -> dict:
        self.count += 1
        cache = self.root / f"xdg-cache-{self.count}"
        cache.mkdir(parents=True)
        return {**os.environ, "XDG_CACHE_HOME": str(cache), "MPLCONFIGDIR": self.mpl_dir,
                "PYTHONPATH": str(self.code)}


# ---------------------------------------------------------------- the machine

def machine() -> str:
    model = "unknown CPU"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
    probe = run([PYTHON, "-c", "import platform; print(platform.python_version())"])
    return (f"Machine: {model}, {cores} cores usable, {platform.system()} {platform.release()}; "
            f"Python {probe.output.strip()} ({BIN.parent})")


# ---------------------------------------------------------------- the table

@dataclass
class Row:
    """One printed figure. `goal` is a maximum unless `at_least`; no goal means information.
    `failed` marks the row standing for a section that raised: its goals were not checked."""

    label: str
    value: float | None
    unit: str            # "s", "MB" or "x"
    runs: int
    goal: float | None = None
    at_least: bool = False
    note: str = ""
    failed: bool = False

    @property
    def verdict(self) -> str:
        """PASS or FAIL for a goal row (a goal that could not be measured fails), FAIL for a
        failed section, "" for a figure without a goal."""
        if self.failed:
            return "FAIL"
        if self.goal is None:
            return ""
        if self.value is None:
            return "FAIL"
        ok = self.value >= self.goal if self.at_least else self.value <= self.goal
        return "PASS" if ok else "FAIL"

    def shown(self, number: float | None) -> str:
        if number is None:
            return "n/a"
        if self.unit == "MB":
            return f"{number:.0f} MB"
        if self.unit == "x":
            return f"{number:.2f}x"
        return f"{number:.3f} s"

    def goal_text(self) -> str:
        if self.goal is None:
            return "-"
        return ("≥ " if self.at_least else "≤ ") + self.shown(self.goal)


def table(rows: list[Row]) -> str:
    """The rows as aligned text columns: figure, median, runs, goal, PASS/FAIL, note."""
    header = ("figure", "median", "runs", "goal", "result", "note")
    cells = [header] + [(r.label, r.shown(r.value), str(r.runs) if r.runs else "-",
                         r.goal_text(), r.verdict, r.note) for r in rows]
    widths = [max(len(c[i]) for c in cells) for i in range(len(header))]
    lines = ["  ".join(c.ljust(w) for c, w in zip(line, widths, strict=True)).rstrip()
             for line in cells]
    lines.insert(1, "-" * len(lines[0]))
    return "\n".join(lines)
