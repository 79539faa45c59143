"""Tests for generator/narrative/__init__.py: the renderer (template, views, markup and numbering
together), its template errors named by file and line, and blocks_text."""

import pytest

from generator.blocks import Attachment, Table
from generator.errors import TemplateError
from generator.narrative import blocks_text
from tests.narrative.narrative_support import render


@pytest.mark.parametrize("body,msg", [
    ("第一行\n{{ v.clases }}\n", "report.md.j2」第2行.*没有的指标代码「clases」.*classes"),
    ("{{ nothing }}\n", "report.md.j2」第1行.*不存在的变量"),
    ("{% if %}\n", "report.md.j2」第1行.*语法错误"),
    ("{{ v.__class__ }}\n", "没有的指标代码|不允许|不存在"),
    ("{% include 'gone.md.j2' %}\n", "report.md.j2」第1行.*找不到被包含的模板「gone.md.j2」"),
])
def test_template_errors_name_file_and_line(tmp_path, body, msg):
    with pytest.raises(TemplateError, match=msg):
        render(tmp_path, body)


def test_attachment_table_uses_the_same_figures(tmp_path):
    body = ("完成{{ v.classes.rate }}。\n\n```attachment\n表\n```\n\n"
            "```table cumulative_indicators\n累计\n```\n\n```table annual_indicators\n年度\n```\n")
    n = render(tmp_path, body)
    cum, annual = [b for b in n.blocks if isinstance(b, Table)]
    assert cum.data.rows[0] == ["1", "轮训班期数", "期", "50", "27", "54%", "60%", "滞后"]
    assert (0, 7) in cum.data.alerts
    assert annual.data.rows[0][1] == "理论课程占比" and annual.data.rows[0][3:5] == ["70%", "72%"]
    assert "54%" in n.text and isinstance(n.blocks[1], Attachment)
    assert "附件1　表" in blocks_text(n.blocks)
