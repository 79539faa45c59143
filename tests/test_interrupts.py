"""Ctrl-C and crashes: no traceback from any process, no temporary file left, whole reports only.

The real test starts `reportgen build --all --jobs 2` in its own process group on a copy of
the sample and sends SIGINT to the whole group (as a terminal's Ctrl-C does) at several
moments. Every wait is bounded.
"""

from __future__ import annotations

import hashlib
import json
import os
import queue
import re
import signal
import subprocess
import sys
import threading
import time
import zipfile
from pathlib import Path

import pytest
from click.testing import CliRunner

from generator.cli import main
from tests.sample import copy_sample

ROOT = Path(__file__).resolve().parent.parent
TEMP = re.compile(r"(^|/)\.(tmp|reportgen-tmp)-[^/]*$|(^|/)\.[a-z0-9_]{8}\.tmp$")
TRACEBACK = re.compile(r"Traceback \(most recent call last\)|^\s+File \".*\", line \d+", re.M)

posix_only = pytest.mark.skipif(os.name != "posix", reason="process groups and SIGINT are POSIX")


@pytest.fixture()
def built(tmp_path):
    """A copy of the sample with a good build of the city report in output/."""
    copy_sample(tmp_path)
    r = CliRunner().invoke(main, ["build", "-c", str(tmp_path / "report.yaml")])
    assert r.exit_code == 0, r.output
    return tmp_path


def _snapshot(folder: Path) -> dict[str, str]:
    return {p.relative_to(folder).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(folder.rglob("*")) if p.is_file()}


def _assert_whole(path: Path) -> None:
    """A file reportgen may add: a whole document, or a whole state file."""
    if path.suffix == ".docx":
        with zipfile.ZipFile(path) as z:
            assert z.testzip() is None and "word/document.xml" in z.namelist(), path
    elif path.suffix == ".json":
        json.loads(path.read_text(encoding="utf-8"))
    elif path.suffix == ".png":
        data = path.read_bytes()
        assert data.startswith(b"\x89PNG") and data.endswith(b"IEND\xaeB`\x82"), path
    elif path.suffix == ".txt":
        path.read_text(encoding="utf-8")
    elif path.suffix == ".pickle" and path.parent.name == "data":
        assert path.stat().st_size > 0, path  # a data cache entry (atomic_write, whole or absent)
    else:
        raise AssertionError(f"unexpected file {path}")


def _check_folder(out: Path, before: dict[str, str]) -> None:
    after = _snapshot(out)
    temps = [k for k in after if TEMP.search(k)]
    assert not temps, f"temporary files left: {temps}"
    assert set(before) <= set(after), f"files lost: {set(before) - set(after)}"
    for k in after:
        if before.get(k) != after[k]:
            _assert_whole(out / k)


def _start(root: Path, *args: str) -> subprocess.Popen:
    return subprocess.Popen(
        [sys.executable, "-c", "from generator.cli import run; run()", "build", "--all",
         "--jobs", "2", *args], cwd=root, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
        start_new_session=True, env={**os.environ, "PYTHONPATH": str(ROOT)})


def _lines(proc: subprocess.Popen) -> queue.Queue:
    q: queue.Queue = queue.Queue()

    def pump():
        for line in iter(proc.stdout.readline, b""):
            q.put(line.decode("utf-8", "replace"))
        q.put(None)
    threading.Thread(target=pump, daemon=True).start()
    return q


def _interrupt_and_collect(proc: subprocess.Popen, lines: queue.Queue, *, after_line: bool,
                           delay: float) -> tuple[int, str]:
    seen = []
    if after_line:  # wait (bounded) for the first progress line
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            try:
                line = lines.get(timeout=1)
            except queue.Empty:
                continue
            if line is None:
                break
            seen.append(line)
            if line.startswith("[1/"):
                break
        else:
            proc.kill()
            pytest.fail("no progress line within 60 s")
    time.sleep(delay)
    try:
        os.killpg(proc.pid, signal.SIGINT)
    except ProcessLookupError:
        pass
    try:
        proc.wait(timeout=60)
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, signal.SIGKILL)
        pytest.fail("the build did not stop within 60 s of Ctrl-C")
    while True:
        try:
            line = lines.get(timeout=10)
        except queue.Empty:
            break
        if line is None:
            break
        seen.append(line)
    return proc.returncode, "".join(seen)


@posix_only
@pytest.mark.parametrize("after_line,delay,force", [
    (True, 0.0, True),      # while results come back
    (True, 0.0, False),     # while results come back, rebuilding only the counties
    (False, 0.15, True),    # very early: while the program starts
    (False, 0.8, True),     # while the data are read and checked
])
def test_ctrl_c_during_build_all_leaves_only_whole_files(built, after_line, delay, force):
    out = built / "output"
    before = _snapshot(out)
    proc = _start(built, *(("--force",) if force else ()))
    code, text = _interrupt_and_collect(proc, _lines(proc), after_line=after_line, delay=delay)
    assert not TRACEBACK.search(text), text
    assert "KeyboardInterrupt" not in text, text
    if after_line:
        assert code == 130, text
    assert code in (0, 130, -signal.SIGINT), text   # 0: it finished first; -2: before Python's handler
    if code == 130:
        assert "已中断" in text, text
    _check_folder(out, before)
    # the next build succeeds, and nothing is taken for a hand-edited file
    again = subprocess.run([sys.executable, "-c", "from generator.cli import run; run()", "build",
                            "--all", "--jobs", "2"], cwd=built, capture_output=True, text=True,
                           timeout=300, env={**os.environ, "PYTHONPATH": str(ROOT)})
    assert again.returncode == 0, again.stdout + again.stderr
    assert "Traceback" not in again.stderr
    assert len(list((out / "2025").glob("*评估报告.docx"))) == 9
    assert not (out / ".history").exists(), list((out / ".history").rglob("*"))
    _check_folder(out, before)


def test_workers_ignore_ctrl_c():
    """Workers leave Ctrl-C to the main process, which stops them and cleans up."""
    from generator.render import Pool

    with Pool(2) as pool:
        pool.start()
        handlers = {pool.executor.submit(signal.getsignal, signal.SIGINT).result(timeout=60)
                    for _ in range(4)}
    assert handlers == {signal.SIG_IGN}
    assert signal.getsignal(signal.SIGINT) is signal.default_int_handler   # main untouched


def test_interrupt_while_putting_files_in_place(built, monkeypatch):
    """Ctrl-C between two renames: the renamed reports are whole and recorded, no temp file
    stays, and the next build neither fails nor takes them for hand-edited files."""
    import generator.output.regen as regen_module

    real, calls = regen_module.commit_temp, []

    def interrupted(tmp, path):
        calls.append(path)
        if len(calls) == 4:
            raise KeyboardInterrupt
        real(tmp, path)
    monkeypatch.setattr(regen_module, "commit_temp", interrupted)
    out = built / "output"
    before = _snapshot(out)
    r = CliRunner().invoke(main, ["build", "--all", "--jobs", "1", "--force",
                                  "-c", str(built / "report.yaml")])
    assert r.exit_code == 130 and "已中断" in r.output, r.output
    _check_folder(out, before)
    monkeypatch.setattr(regen_module, "commit_temp", real)
    r = CliRunner().invoke(main, ["build", "--all", "--jobs", "1", "-c", str(built / "report.yaml")])
    assert r.exit_code == 0, r.output
    assert not (out / ".history").exists()
    _check_folder(out, before)


def test_interrupt_while_rendering_in_process(built, monkeypatch):
    """jobs=1: Ctrl-C in the middle of the batch discards what was rendered so far."""
    import generator.render as render_module

    real, calls = render_module.render_document, []

    def interrupted(*a, **k):
        calls.append(1)
        if len(calls) == 3:
            raise KeyboardInterrupt
        return real(*a, **k)
    monkeypatch.setattr(render_module, "render_document", interrupted)
    out = built / "output"
    before = _snapshot(out)
    r = CliRunner().invoke(main, ["build", "--all", "--jobs", "1", "--force",
                                  "-c", str(built / "report.yaml")])
    assert r.exit_code == 130 and "已中断" in r.output, r.output
    after = _snapshot(out)
    cached = {k for k in after.keys() - before.keys() if k.startswith(".reportgen/charts/")}
    for name in cached:   # whole chart images of the cache (reused by the retry) may be added
        _assert_whole(out / name)
    assert {k: v for k, v in after.items() if k not in cached} == before


def test_stale_temporary_files_are_removed_but_a_users_files_kept(built):
    out = built / "output" / "2025"
    dead = 2 ** 22 + 12345          # above any pid_max: never a live process
    stale = [out / f".reportgen-tmp-{dead}-ab12cd_9.docx", out / ".tmp-x1y2z3w4.docx",
             built / "output" / f".reportgen-tmp-{dead}-q1w2e3r4.json",
             built / "output" / ".reportgen" / "2025" / ".tmp-k9j8h7g6.json",
             built / "output" / ".reportgen" / "charts" / ".a1b2c3d4.tmp"]
    mine = [out / ".tmp-我的草稿.docx", out / "tmp-abcdefgh.docx", out / ".tmp-abcdefgh.docx.bak",
            out / ".reportgen-tmp-notes.docx", built / "output" / "笔记.tmp"]
    for p in stale + mine:
        p.parent.mkdir(parents=True, exist_ok=True)
        p.write_bytes(b"x" * 1000)
    r = CliRunner().invoke(main, ["build", "-c", str(built / "report.yaml")])
    assert r.exit_code == 0, r.output
    assert [p for p in stale if p.exists()] == []
    assert all(p.read_bytes() == b"x" * 1000 for p in mine)
