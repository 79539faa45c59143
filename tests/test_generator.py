"""The package itself (generator/__init__.py): its version has one home, `__version__`."""

import importlib.metadata
import re
import subprocess
import sys
from pathlib import Path

import generator

ROOT = Path(__file__).resolve().parent.parent


def test_pyproject_takes_the_version_from_the_package():
    text = (ROOT / "pyproject.toml").read_text(encoding="utf-8")
    project = text.split("[project]", 1)[1].split("\n[", 1)[0]
    assert re.search(r'^dynamic = \["version"\]', project, re.M)
    assert not re.search(r"^version\s*=", project, re.M)   # no second home
    assert 'version = {attr = "generator.__version__"}' in text
    assert re.fullmatch(r"\d+\.\d+\.\d+.*", generator.__version__)


def test_the_installed_metadata_agrees():
    assert importlib.metadata.version("reportgen") == generator.__version__


def test_importing_the_package_or_the_cli_does_not_load_importlib_metadata():
    code = ("import sys, generator.cli; "
            "print('importlib.metadata' in sys.modules, generator.__version__)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True, cwd=ROOT).stdout.split()
    assert out == ["False", generator.__version__]
