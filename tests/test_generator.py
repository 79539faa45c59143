"""The package itself (generator/__init__.py): its version has one home, pyproject.toml."""

import re
from pathlib import Path

import pytest

import generator

ROOT = Path(__file__).resolve().parent.parent


def test_the_version_is_pyprojects():
    text = (ROOT / "pyproject.toml").read_text(encoding="utf-8")
    project = text.split("[project]", 1)[1].split("\n[", 1)[0]
    declared = re.search(r'^version = "([^"]+)"', project, re.M).group(1)
    assert generator.__version__ == declared
    assert re.fullmatch(r"\d+\.\d+\.\d+.*", generator.__version__)


def test_the_checkout_reading_agrees_with_the_metadata():
    assert generator._version() == generator.__version__


def test_an_unknown_attribute_is_an_attribute_error():
    with pytest.raises(AttributeError):
        generator.no_such_thing  # noqa: B018
