"""generator/text.py: one set of kinsoku rules and one East Asian width for every line breaker
(title, table cells, chart labels, the terminal's problem table), so they can no longer differ."""

from __future__ import annotations

from itertools import pairwise

import pytest

from generator.data.report import _wrap as report_wrap
from generator.exhibits import charts
from generator.layout.tables import balanced_lines
from generator.layout.title import break_title, text_width
from generator.text import NO_LINE_END, NO_LINE_START, display_width, is_wide, may_break


def test_the_sets_hold_words_defaults_for_chinese():
    for ch in "，。、；：？！）》」』】〕”’…％～·!%),.:;?]}":
        assert ch in NO_LINE_START, ch
    for ch in "（《「『【〔“‘·([{$￥":
        assert ch in NO_LINE_END, ch
    assert "—" in NO_LINE_START and "―" in NO_LINE_START   # 破折号 as typed, and as Word lists it
    assert not NO_LINE_START & set("临江市0aA《（“")
    assert not NO_LINE_END & set("临江市0aA》）”，。")


def test_may_break():
    assert may_break("市", "县")
    assert not may_break("县", "，") and not may_break("（", "县")
    assert not may_break("思", "·") and not may_break("·", "恩")   # Word keeps 间隔号 on both sides
    assert not may_break("…", "…") and not may_break("—", "—")     # …… and —— stay whole


def test_widths():
    assert is_wide("临") and is_wide("（") and is_wide("１")
    assert is_wide("“") and not is_wide("“", ambiguous=False)      # full-width in a CJK font only
    assert not is_wide("a") and not is_wide("5") and not is_wide(".")
    assert display_width("临江市A") == 7 and display_width("“全”") == 4
    assert display_width("e\u0301") == 1                             # a combining mark takes no column
    assert text_width("2025年12月20日") == 7 and text_width("“全覆盖”") == 5


TEXTS = [  # each broke against kinsoku in at least one of the breakers before they shared the sets
    "干部教育培训（《条例》）落实情况……进一步加强——持续推进，2023—2027年规划",
    "马克思·恩格斯著作选读学习班（第一期）专题培训",
    "参训人数占比（%）达到“全覆盖”要求【待补】的地区",
    "「网络培训」完成率为56.5%，较上年提高3.2个百分点。",
]


def _breakers(text: str, width: int) -> dict[str, list[str]]:
    return {"title": break_title(text, width), "table": balanced_lines(text, width).split("\n"),
            "chart": charts._wrap(text, width).split("\n"), "terminal": report_wrap(text, 2 * width)}


@pytest.mark.parametrize("text", TEXTS)
@pytest.mark.parametrize("width", [5, 7, 9, 11])
def test_every_breaker_follows_the_same_kinsoku(text, width):
    for name, lines in _breakers(text, width).items():
        assert "".join(lines).replace(" ", "") == text.replace(" ", ""), name
        for a, b in pairwise(lines):
            assert b[0] not in NO_LINE_START and a[-1] not in NO_LINE_END, (name, lines)
