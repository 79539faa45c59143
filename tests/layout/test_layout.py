"""The layout package as a whole (generator/layout/__init__.py): the only package that imports
python-docx, and only when a document is rendered or a worker warms up (`warm_up`)."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import generator.layout as layout
from generator.layout.profile import Profile

ROOT = Path(__file__).resolve().parents[2]


def test_importing_layout_does_not_import_docx():
    code = "import sys, generator.layout; assert 'docx' not in sys.modules"
    subprocess.run([sys.executable, "-c", code], check=True)


def test_warm_up_imports_the_document_writer_and_python_docx_and_the_package_exports_the_profile():
    assert layout.Profile is Profile
    assert set(layout.__all__) == {"Profile", "render_docx", "warm_up"}
    code = ("import sys, generator.layout as l; "
            "assert 'generator.layout.document' not in sys.modules; l.warm_up(); "
            "assert 'generator.layout.document' in sys.modules and 'docx' in sys.modules")
    subprocess.run([sys.executable, "-c", code], check=True, cwd=ROOT)


def test_only_the_layout_package_imports_python_docx():
    root = ROOT / "generator"
    offenders = [str(p.relative_to(root)) for p in root.rglob("*.py")
                 if "layout" not in p.parts
                 and re.search(r"^\s*(import docx|from docx)", p.read_text(encoding="utf-8"), re.M)]
    assert offenders == []
