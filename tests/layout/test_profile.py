"""The page, grid, fonts and sizes (generator/layout/profile.py) and their overrides from the
config."""

from __future__ import annotations

import pytest

from generator.blocks import Heading, Run
from generator.errors import LayoutError
from generator.layout import render_docx
from generator.layout.profile import Profile
from tests.docx_reader import Docx
from tests.layout.layout_samples import CHAR, sample_meta


def test_grid_arithmetic_gives_22_lines_of_28_characters():
    p = Profile()
    assert 22 * p.line_pitch <= p.type_height < 23 * p.line_pitch
    assert p.char_width == CHAR
    assert 28 * p.char_width <= p.type_width < 29 * p.char_width
    assert 28 * 320 > p.type_width                        # without −0.25 pt only 27 fit


def test_profile_from_mapping_overrides_fonts_and_sizes():
    p = Profile.from_mapping({"body_font": "仿宋", "heading2_font": "楷体", "table_max_size": "小四"})
    assert p.body_font == "仿宋" and p.heading3_font == "仿宋" and p.table_font == "仿宋"
    assert p.table_max_size == 12.0
    d = Docx(render_docx([Heading(2, [Run("标题")], "（一）")], sample_meta(), {}, profile=p))
    assert d.style_value("Normal", "rPr/rFonts", "eastAsia") == "仿宋"
    assert d.style_value("Heading2", "rPr/rFonts", "eastAsia") == "楷体"
    assert d.style_value("Heading3", "rPr/rFonts", "eastAsia") == "仿宋"


def test_profile_unknown_key_lists_valid_keys():
    with pytest.raises(LayoutError) as err:
        Profile.from_mapping({"body_fnt": "仿宋"})
    assert "body_fnt" in err.value.message and "body_font" in err.value.message


@pytest.mark.parametrize("mapping", [{"body_size": "特大"}, {"body_font": ""},
                                     {"margin_top": 2.5}, {"title_size": 100}])
def test_profile_rejects_bad_values(mapping):
    with pytest.raises(LayoutError, match=next(iter(mapping))):
        Profile.from_mapping(mapping)
