"""The one way tests copy the sample city (config, data, templates) into a folder of their own."""

from __future__ import annotations

import shutil
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def copy_sample(dest: Path) -> Path:
    """A private copy of the sample in `dest` (created if needed), to break or build at will."""
    dest.mkdir(parents=True, exist_ok=True)
    for name in ("data", "templates"):
        shutil.copytree(ROOT / name, dest / name)
    shutil.copy(ROOT / "report.yaml", dest / "report.yaml")
    return dest
