"""reportgen: turns indicator data into the annual assessment report of the cadre-training plan.

The version has one home, pyproject.toml; `__version__` reads it from the installed
distribution's metadata (the Makefile always installs the checkout, editable), computed on
first use so that importing the package stays cheap. Must not import any stage (config,
data, narrative, layout …) or third-party library: every command imports this package first.
"""

from __future__ import annotations

import re
from pathlib import Path

_PYPROJECT = Path(__file__).resolve().parent.parent / "pyproject.toml"


def _version() -> str:
    """The distribution's version; from a checkout's pyproject.toml when it is not installed."""
    from importlib import metadata

    try:
        return metadata.version("reportgen")
    except metadata.PackageNotFoundError:
        pass
    try:
        text = _PYPROJECT.read_text(encoding="utf-8")
    except OSError:
        return "0+unknown"
    project = re.search(r"^\[project\]\s*$(.*?)(?=^\[|\Z)", text, re.M | re.S)
    found = project and re.search(r'^version\s*=\s*["\']([^"\']+)["\']', project.group(1), re.M)
    return found.group(1) if found else "0+unknown"


def __getattr__(name: str) -> str:
    if name == "__version__":
        value = globals()["__version__"] = _version()
        return value
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
