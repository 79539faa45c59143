"""Table column widths and line breaks (generator/layout/tables.py): no figure split across
lines, no character left alone on a line, one text size for the 8-column attachment tables."""

from itertools import pairwise

import pytest
from hypothesis import given
from hypothesis import strategies as st

from generator.blocks import TableData
from generator.layout.profile import Profile
from generator.layout.tables import CELL_MARGIN, balanced_lines, layout_table
from generator.layout.title import title_width


@pytest.mark.parametrize("text,room,expected", [
    ("急需紧缺专业干部培训人数", 11, "急需紧缺专业\n干部培训人数"),
    ("重点班次政治理论课程占比", 8, "重点班次政治\n理论课程占比"),
    ("完成进度", 2.7, "完成\n进度"),
    ("训后评估覆盖率", 8, "训后评估覆盖率"),
    ("2025年度培训人次（含网络）", 6, "2025年度\n培训人次\n（含网络）"),
])
def test_balanced_lines(text, room, expected):
    assert balanced_lines(text, room) == expected


@given(st.text(alphabet="干部培训人数率（）、2025.%年", min_size=1, max_size=30),
       st.floats(min_value=2, max_value=20))
def test_balanced_lines_keep_the_text_and_figures_whole(text, room):
    out = balanced_lines(text, room)
    assert out.replace("\n", "") == text
    lines = out.split("\n")
    if len(lines) > 1:
        assert all(title_width(line) <= room for line in lines)
        assert all(not (a[-1:].isdigit() and b[:1].isdigit()) for a, b in pairwise(lines))
        assert all(not line.startswith(("）", "、", "%")) for line in lines[1:])


def _attachment_table(header, rows):
    return TableData(header, rows, ["center", "left"] + ["right"] * (len(header) - 3) + ["center"])


def test_a_header_with_a_year_stays_on_one_line_and_8_columns_use_wuhao():
    header = ["序号", "指标", "单位", "年度目标", "2025年", "2024年", "与目标相比", "状态"]
    rows = [["1", "重点班次政治理论课程占比", "%", "70%", "73.7%", "72%", "-14.2个百分点", "超额完成"]]
    widths, size = layout_table(_attachment_table(header, rows), Profile())
    assert size == 10.5
    room = [(w - 2 * CELL_MARGIN) / (size * 20) for w in widths]
    assert room[4] >= title_width("2025年") and room[6] >= title_width("-14.2个百分点")
