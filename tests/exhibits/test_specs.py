"""Tests for generator/exhibits/specs.py: what makes a chart spec drawable."""

from __future__ import annotations

import re

import pytest

from generator.errors import LayoutError
from generator.exhibits.specs import spec_problems, validate
from tests.exhibits.chart_samples import BAD, SPECS


def test_good_specs_have_no_problems():
    for spec in SPECS.values():
        assert spec_problems(spec) == []
        validate(spec)


@pytest.mark.parametrize(("spec", "words"), BAD)
def test_validate_names_the_chart_and_the_problem(spec, words):
    with pytest.raises(LayoutError) as info:
        validate(spec)
    message = info.value.format_message()
    assert f"「{spec.title}」" in message and words in message
    assert re.search(r"[\u4e00-\u9fff]", message) and spec_problems(spec)
