"""The command line's import path stays lean (issue 15): `--help` of every command loads none of
the data, text or drawing libraries, and `check` never loads matplotlib or python-docx (charts
and layout are only for `build`). Each command runs in a fresh interpreter, which then lists
the top-level packages it imported."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from tests.sample import copy_sample

DRAWING = {"matplotlib", "docx", "docxtpl"}   # build's, never check's (openpyxl itself loads PIL)
# nothing but click and the standard library is needed to show a help text
WEB = {"starlette", "uvicorn", "multipart", "argon2", "itsdangerous", "anyio"}   # serve's only
HEAVY = DRAWING | WEB | {"openpyxl", "numpy", "jinja2", "yaml", "lxml", "cn2an", "PIL"}
COMMANDS = ("build", "check", "init", "forms", "collect", "serve")

PROBE = """
import json, sys
out, argv = sys.argv[1], sys.argv[2:]
sys.argv = ["reportgen", *argv]
from generator.cli import main
try:
    main()
except SystemExit as exc:
    code = exc.code
else:
    code = 0
names = sorted({m.split(".")[0] for m in sys.modules})
with open(out, "w", encoding="utf-8") as fh:
    json.dump({"code": code, "modules": names}, fh)
"""


def imported(tmp_path, *argv: str) -> tuple[object, set[str]]:
    """(exit code, top-level modules) of `reportgen *argv` in a fresh interpreter."""
    out = tmp_path / "modules.json"
    subprocess.run([sys.executable, "-c", PROBE, str(out), *argv], cwd=tmp_path, check=True,
                   capture_output=True, timeout=120)
    result = json.loads(out.read_text(encoding="utf-8"))
    return result["code"], set(result["modules"])


@pytest.mark.parametrize("argv", [("--help",), ("--version",),
                                  *((name, "--help") for name in COMMANDS)])
def test_help_imports_nothing_heavy(tmp_path, argv):
    code, modules = imported(tmp_path, *argv)
    assert code in (0, None)
    assert "click" in modules  # the probe did see the command line's imports
    assert modules & HEAVY == set()


def test_check_does_not_import_matplotlib_or_python_docx(tmp_path):
    folder = copy_sample(tmp_path / "sample")
    code, modules = imported(tmp_path, "check", "-c", str(folder / "report.yaml"))
    assert code in (0, None)
    assert {"jinja2", "yaml"} <= modules  # the check really read and rendered
    assert modules & {"openpyxl", "python_calamine"}  # the .xlsx through either reader
    assert modules & WEB == set()
    assert modules & DRAWING == set()
