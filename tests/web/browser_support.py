"""Helpers of the browser tests (test_browser.py): the real server, Chromium, the forms.

The server is `reportgen serve` as a user starts it, in a subprocess on a free port; the
browser is headless Chromium driven by Playwright (the Python package only: its own browser
download is not needed, the system's Chromium is used). Either one missing is a skip that
says what to install, never a failure.
"""

from __future__ import annotations

import json
import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from dataclasses import dataclass
from pathlib import Path

import pytest

from tests.sample import form_columns

ROOT = Path(__file__).resolve().parent.parent.parent
CHROMIUM_CANDIDATES = ("/usr/bin/chromium", "chromium", "chromium-browser", "google-chrome",
                       "google-chrome-stable")
START_SECONDS = 30


# --- Chromium and Playwright -------------------------------------------------------------

def chromium_path() -> str:
    """The Chromium to drive: $REPORTGEN_CHROMIUM, else the system's; skips when there is none."""
    wanted = os.environ.get("REPORTGEN_CHROMIUM")
    for candidate in ((wanted,) if wanted else CHROMIUM_CANDIDATES):
        found = candidate if os.path.isabs(candidate) and os.access(candidate, os.X_OK) \
            else shutil.which(candidate)
        if found:
            return found
    pytest.skip("browser tests need Chromium: apt-get install chromium fonts-noto-cjk "
                "(or set REPORTGEN_CHROMIUM to a Chromium/Chrome executable)")


def sync_playwright():
    """playwright.sync_api.sync_playwright; skips when the package is not installed."""
    try:
        from playwright.sync_api import sync_playwright as start
    except ImportError:
        pytest.skip("browser tests need the Python package playwright: "
                    ".venv/bin/pip install playwright (no `playwright install` needed, "
                    "the system's Chromium is used)")
    return start


# --- the server ----------------------------------------------------------------------------

def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def serve_command(config: Path, port: int) -> list[str]:
    """`reportgen serve` of this venv (the console script, else `python -m generator.cli`)."""
    script = Path(sys.executable).parent / "reportgen"
    base = [str(script)] if script.is_file() else [sys.executable, "-m", "generator.cli"]
    return [*base, "serve", "-c", str(config), "--no-browser", "--port", str(port)]


@dataclass
class Server:
    process: subprocess.Popen
    url: str
    log: Path

    def output(self) -> str:
        try:
            return self.log.read_text(encoding="utf-8", errors="replace")
        except OSError:
            return ""

    def get_json(self, path: str) -> dict:
        with urllib.request.urlopen(self.url + path, timeout=10) as r:
            return json.loads(r.read().decode("utf-8"))

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(timeout=10)


def start_server(config: Path, log: Path, attempts: int = 3) -> Server:
    """The workbench over `config`, answering on a free port of 127.0.0.1."""
    for _ in range(attempts):
        port = free_port()
        with log.open("wb") as out:
            process = subprocess.Popen(serve_command(config, port), cwd=ROOT, stdout=out,
                                       stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL)
        server = Server(process, f"http://127.0.0.1:{port}", log)
        deadline = time.monotonic() + START_SECONDS
        while time.monotonic() < deadline and process.poll() is None:
            try:
                with urllib.request.urlopen(server.url + "/", timeout=5) as r:
                    if r.status == 200:
                        return server
            except (urllib.error.URLError, ConnectionError, TimeoutError):
                pass
            time.sleep(0.2)
        server.stop()
        if "已被占用" not in server.output():   # anything but a port taken meanwhile: give up
            break
    raise AssertionError(f"reportgen serve did not answer within {START_SECONDS} s:\n"
                         + server.output())


# --- the county form, as a person with Excel edits it ------------------------------------------

def input_cell(path: Path, code: str, column: str) -> tuple[str, str]:
    """The coordinate of indicator `code`'s cell in `column` (e.g. 2025年) of the input sheet,
    which must be an unlocked (input) cell, and the indicator's name as the form shows it."""
    from openpyxl import load_workbook

    ws = load_workbook(path).worksheets[0]
    head, cols = form_columns(ws)
    for r in range(head + 1, ws.max_row + 1):
        if ws.cell(row=r, column=cols["指标代码"]).value == code:
            cell = ws.cell(row=r, column=cols[column])
            assert not cell.protection.locked, f"{cell.coordinate} is not an input cell"
            return cell.coordinate, str(ws.cell(row=r, column=cols["指标"]).value)
    raise AssertionError(f"no row for {code} in the form")


def write_cell(source: Path, target: Path, coordinate: str, value) -> Path:
    """A copy of the form `source` at `target` with `value` typed into the input sheet's cell."""
    from openpyxl import load_workbook

    wb = load_workbook(source)
    wb.worksheets[0][coordinate].value = value
    target.parent.mkdir(parents=True, exist_ok=True)
    wb.save(target)
    return target


def read_cell(path: Path, coordinate: str):
    from openpyxl import load_workbook

    return load_workbook(path).worksheets[0][coordinate].value


def drop_value(values: Path, region: str, year: int, code: str):
    """Remove the row of (region, year, code) from a values workbook; its value, for the form.

    With the value no longer in the values file, the region's form becomes where it comes
    from: a form may not contradict the values file ("一个数值只能来自一处")."""
    from openpyxl import load_workbook

    wb = load_workbook(values)
    ws = wb.worksheets[0]
    head = {str(c.value): c.column for c in ws[1] if c.value is not None}
    for r in range(2, ws.max_row + 1):
        key = tuple(ws.cell(row=r, column=head[h]).value for h in ("地区", "年度", "指标代码"))
        if key == (region, year, code):
            value = ws.cell(row=r, column=head["数值"]).value
            ws.delete_rows(r)
            wb.save(values)
            return value
    raise AssertionError(f"no row {region} {year} {code} in {values.name}")
