"""The output package's face: the names other stages import from `generator.output` are the
ones of its modules (one home each), and the package does not load python-docx."""

from __future__ import annotations

import subprocess
import sys

import generator.output as output
from generator.output import cache, files, manifest


def test_the_package_re_exports_its_modules_names_unchanged():
    for name in output.__all__:
        home = files if hasattr(files, name) else cache if hasattr(cache, name) else manifest
        assert getattr(output, name) is getattr(home, name), name
    assert output.atomic_write is files.atomic_write
    assert output.Manifest is manifest.Manifest


def test_importing_the_output_stage_loads_no_layout_library():
    code = ("import sys, generator.output, generator.output.regen; "
            "print(sorted(m for m in ('docx', 'matplotlib') if m in sys.modules))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"
