"""Tests for generator/narrative/markup.py: the block markup parsed into headings, paragraphs,
item groups and fences; missing markers and bold runs; parse errors."""

import pytest

from generator.errors import TemplateError
from generator.narrative.markup import parse


def test_parse_headings_paragraphs_items_fences():
    text = (
        "# 主要做法\n\n## 强化设计\n\n第一段\n接续一行。\n\n"
        "+ 甲。甲的内容。\n+ 乙。乙的内容。\n\n"
        "- 丙。\n- 丁。\n\n"
        "```figure completion\n完成进度\n```\n\n"
        "```attachment\n主要指标完成情况表\n```\n\n```table indicators\n主要指标完成情况表\n```\n"
    )
    blocks = parse(text)
    kinds = [type(b).__name__ for b in blocks]
    assert kinds == ["Heading", "Heading", "Paragraph", "ItemGroup", "ItemGroup", "Figure",
                     "Attachment", "Table"]
    assert blocks[2].text == "第一段接续一行。"          # lines join without a space
    assert blocks[3].joined and not blocks[4].joined
    assert blocks[5].key == "completion" and blocks[5].title == "完成进度"


def test_missing_marker_and_bold_runs():
    (p,) = parse("完成`【待补：轮训人次】`人次，**重点**内容。")
    assert [(r.text, r.bold, r.missing) for r in p.runs] == [
        ("完成", False, False), ("【待补：轮训人次】", False, True), ("人次，", False, False),
        ("重点", True, False), ("内容。", False, False)]


@pytest.mark.parametrize("bad,msg", [
    ("1. 不是标题\n", "编号列表"),
    ("```chart x\n标题\n```\n", "无法识别的代码块"),
    ("##### 五级\n", "最多四级"),
    ("- 外层\n  - 内层\n", "不能嵌套"),
])
def test_parse_errors_are_template_errors(bad, msg):
    with pytest.raises(TemplateError, match=msg):
        parse(bad)
