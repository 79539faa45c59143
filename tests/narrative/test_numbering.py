"""Tests for generator/narrative/numbering.py: headings, items, figures and tables numbered
after rendering, with no gap, and references resolved."""

import pytest

from generator.blocks import Figure, Heading, Paragraph, Table
from generator.errors import TemplateError
from generator.narrative.markup import ItemGroup, parse
from generator.narrative.numbering import number_blocks, ref_placeholder


def test_numbering_leaves_no_gap_and_resolves_references():
    text = (
        "# 甲\n\n## 子一\n\n见" + ref_placeholder("trend") + "。\n\n## 子二\n\n"
        "```figure trend\n趋势\n```\n\n# 乙\n\n## 子一\n\n### 小节\n\n#### 细目\n\n"
        "+ 领句一。后文。\n+ 领句二。\n\n- 独立一。\n- 独立二。\n\n"
        "```table indicators\n表\n```\n"
    )
    blocks = number_blocks(parse(text))
    heads = [b.text for b in blocks if isinstance(b, Heading)]
    assert heads == ["一、甲", "（一）子一", "（二）子二", "二、乙", "（一）子一", "1.小节", "（1）细目"]
    assert blocks[2].text == "见图1。"
    joined = [b for b in blocks if isinstance(b, Paragraph) and b.item]
    assert joined[0].text == "一是领句一。后文。二是领句二。"
    assert joined[0].runs[0].bold and joined[0].runs[1].text == "领句一。" and joined[0].runs[1].bold
    assert [b.text for b in joined[1:]] == ["一是独立一。", "二是独立二。"]   # numbering restarts
    assert [b.caption for b in blocks if isinstance(b, (Figure, Table))] == ["图1\u3000趋势", "表1\u3000表"]


def test_unknown_reference_is_an_error():
    with pytest.raises(TemplateError, match="不存在的图表「nope」"):
        number_blocks(parse("见" + ref_placeholder("nope") + "。\n"))


def test_item_group_type_is_internal():
    assert not any(isinstance(b, ItemGroup) for b in number_blocks(parse("- 一。\n")))
