"""Title breaks, text widths and the 署名/成文日期 indents (generator/layout/title.py), and the
title as written at the top of the document."""

from __future__ import annotations

from itertools import pairwise

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from generator.blocks import Paragraph, Run
from generator.layout.profile import Profile
from generator.layout.title import break_title, signature_indents, text_width, title_width
from generator.text import is_wide
from tests.docx_reader import Docx, text_of
from tests.layout.layout_samples import TITLE, render, sample_doc


@pytest.fixture(scope="module")
def doc() -> Docx:
    return sample_doc()


def test_title_broken_into_lines_then_a_blank_line(doc):
    paras = doc.paragraphs()
    assert [doc.style_of(p) for p in paras[:2]] == ["Title", "Title"]
    assert [text_of(p) for p in paras[:2]] == ["关于《2023—2027年全国干部教育培训规划》",
                                               "实施情况的中期评估报告"]
    assert text_of(paras[2]) == "" and doc.style_of(paras[2]) == "Normal"
    assert doc.style_value("Title", "pPr/ind", "firstLine") == "0"
    assert doc.style_value("Title", "pPr/spacing", "line") == "579"


def test_explicit_title_breaks_are_kept():
    d = Docx(render([Paragraph([Run("正文")])], title="第一行\n第二行标题", attachments=[]))
    titles = [text_of(p) for p in d.paragraphs() if d.style_of(p) == "Title"]
    assert titles == ["第一行", "第二行标题"]


# Pure geometry -------------------------------------------------------------------------------------
@pytest.mark.parametrize("title,lines", [
    ("干部教育培训工作情况报告", ["干部教育培训工作情况报告"]),
    (TITLE, ["关于《2023—2027年全国干部教育培训规划》", "实施情况的中期评估报告"]),
    ("某某市2025年度干部教育培训规划实施情况评估报告",
     ["某某市2025年度干部教育培训规划", "实施情况评估报告"]),
    ("中共某某市委组织部关于2025年度干部教育培训工作情况的报告",
     ["中共某某市委组织部", "关于2025年度干部教育培训工作情况的报告"]),
    ("临江市贯彻落实《干部教育培训规划（2023－2027年）》实施情况评估报告",
     ["临江市贯彻落实", "《干部教育培训规划（2023－2027年）》", "实施情况评估报告"]),
    ("第一行\n  第二行  \n", ["第一行", "第二行"]),
])
def test_break_title(title, lines):
    assert break_title(title, Profile().title_chars_per_line) == lines


def test_break_title_rules_hold_for_long_titles():
    title = "关于《中共中央关于加强和改进新时代干部教育培训工作的意见》贯彻落实情况的报告"
    lines = break_title(title, 20)
    assert "".join(lines) == title and len(lines) == 2
    assert all(title_width(line) <= 20 for line in lines)
    assert not lines[1].startswith(("》", "，", "、"))
    digits = "某某县干部教育培训规划（2023—2027年）实施情况中期评估报告"
    assert break_title(digits, 20) == ["某某县干部教育培训规划（2023—2027年）", "实施情况中期评估报告"]
    long = "一二三四五六七八九十" * 5
    lengths = [len(line) for line in break_title(long, 20)]
    assert len(lengths) == 3 and max(lengths) - min(lengths) <= 1


def test_widths_count_ascii_as_half():
    assert text_width("2025年12月20日") == 7
    assert title_width("2025年") == 3.25                 # a little room for autospace


@pytest.mark.parametrize("organ,date,expected", [
    ("中共某某市委组织部", "2025年12月20日", (2.0, 2.0)),     # 9 字 / 7 字
    ("中共某某市委组织部办公室", "2025年1月2日", (2.0, 6.0)),  # 12 字 / 6 字
    ("某某市委组织部", "2025年12月20日", (4.0, 2.0)),          # date too long: 署名 moves left
    ("组织部", "2025年12月20日", (8.0, 2.0)),
])
def test_signature_indents(organ, date, expected):
    organ_right, date_right = signature_indents(organ, date)
    assert (organ_right, date_right) == expected
    # The date starts 2 字 right of the 署名 and is never closer than 2 字 to the edge.
    assert organ_right + text_width(organ) - (date_right + text_width(date)) == 2
    assert date_right >= 2 and organ_right >= 2


def _width_by_hand(text: str) -> float:
    """The definition, one character and one neighbour pair at a time."""

    def cjk(c):
        return "\u3400" <= c <= "\u9fff" or "\uf900" <= c <= "\ufaff"

    def alnum(c):
        return c.isascii() and c.isalnum()

    gaps = sum(0.25 for a, b in pairwise(text) if cjk(a) and alnum(b) or alnum(a) and cjk(b))
    return sum(1.0 if is_wide(c) else 0.5 for c in text) + gaps


MIXED = "年度2025Ab%.·“”—《》（）①℃ 干部培训丨\uf900\u3400\u9fff\u33ff\ufb00Ａ１é_"


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet=st.sampled_from(MIXED), max_size=40))
def test_widths_match_their_definition(text):
    assert text_width(text) == sum(1.0 if is_wide(c) else 0.5 for c in text)
    assert title_width(text) == _width_by_hand(text)
