"""The workbench package's map: its docstring names every module it has, and only those."""

from __future__ import annotations

import re
from pathlib import Path

import generator.web as web


def test_the_package_docstring_names_each_of_its_modules():
    doc = web.__doc__ or ""
    listed = set(re.findall(r"^- ([a-z_, ]+?)\s{2,}", doc, re.M))
    named = {name.strip() for group in listed for name in group.split(",")}
    modules = {p.stem for p in Path(web.__file__).parent.glob("*.py") if p.stem != "__init__"}
    assert named == modules, (sorted(modules - named), sorted(named - modules))
