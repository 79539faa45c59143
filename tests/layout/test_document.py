"""The document writer (generator/layout/document.py) from given blocks and meta, checked at
the XML level with tests/docx_reader.py: headings, runs, items, page breaks, 附件说明, 署名 and
成文日期, the attachment pages, tracked changes, errors, speed.

The finished document against the spec docs/gbt9704.md (page, grid, fonts, page numbers, text
rules, each property once) is tests/test_format_conformance.py's; the layout tests check what
the spec leaves to the layout and what the sample report cannot show (several attachments, a
single one, level-3 and level-4 headings, 版记 text, bad input). Styles, title, figures,
tables, 版头/版记 and the package: the other modules of tests/layout.
"""

from __future__ import annotations

import time

import pytest

from generator.blocks import Attachment, Figure, Heading, Paragraph, Run, Table
from generator.errors import LayoutError
from generator.layout import Profile, render_docx
from generator.layout import document as layout_document
from tests.docx_reader import NS, Docx, local, text_of, w
from tests.layout.layout_samples import (
    CHAR,
    TEXT,
    make_png,
    render,
    sample_blocks,
    sample_doc,
    sample_meta,
    table_data,
)


@pytest.fixture(scope="module")
def doc() -> Docx:
    return sample_doc()


def test_the_package_entry_point_is_the_document_writer(doc, monkeypatch):
    """generator.layout.render_docx only defers the import: document.render_docx gives the
    same bytes, and turns a failure inside a block into a LayoutError naming the block."""
    images = {"chart": make_png()}
    assert layout_document.render_docx(sample_blocks(), sample_meta(), images) == doc.data

    def broken(*args, **kwargs):
        raise RuntimeError("boom")

    monkeypatch.setattr(layout_document, "build_table", broken)
    blocks = [Paragraph([Run("正文")]), Table("t", "情况表", 1, table_data(3, 3))]
    with pytest.raises(LayoutError, match="生成 Word 文档失败（第2块，.*情况表.*RuntimeError: boom"):
        layout_document.render_docx(blocks, sample_meta(), {}, profile=Profile())


# Headings and body ----------------------------------------------------------------------------
@pytest.mark.parametrize("level,outline", [(1, "0"), (2, "1"), (3, "2"), (4, "3")])
def test_heading_levels(doc, level, outline):
    """Fonts, size, indent and spacing of every level: test_heading_styles in
    test_format_conformance.py. Here: no bold at any level, the outline level, the numbers."""
    sid = f"Heading{level}"
    assert not doc.fmt.style_run_props(sid).bold
    assert doc.style_value(sid, "pPr/outlineLvl") == outline
    texts = [text_of(p) for p in doc.paragraphs() if doc.style_of(p) == sid]
    numbers = {1: ("一、", "二、"), 2: ("（一）", "（二）"), 3: ("1.", "2."), 4: ("（1）", "（2）")}
    assert texts == [n + f"第{level}级标题" for n in numbers[level]]


def test_runs_carry_only_bold_and_highlight(doc):
    allowed = {"b", "bCs", "highlight"}
    for p in doc.paragraphs():
        for rpr in p.findall("w:r/w:rPr", NS):
            assert {local(c) for c in rpr} <= allowed


def test_item_paragraph_bold_lead_and_missing_value_highlight(doc):
    item = next(p for p in doc.paragraphs() if text_of(p).startswith("一是"))
    runs = item.findall("w:r", NS)
    assert runs[0].find("w:rPr/w:b", NS) is not None
    assert text_of(runs[0]) == "一是"
    missing = [r for r in runs if "【待补" in text_of(r)]
    assert missing and missing[0].find("w:rPr/w:highlight", NS).get(w("val")) == "yellow"
    assert all(r.find("w:rPr/w:highlight", NS) is None for r in runs if r not in missing)
    assert doc.style_of(item) == "Normal"


def test_page_break_block_breaks_before_the_next_paragraph(doc):
    p = doc.find_p("分页后的段落。")
    assert p.find("w:pPr/w:pageBreakBefore", NS) is not None


# Closing parts (order and alignment of 附件说明, 署名, 成文日期: test_format_conformance.py) -----
def test_attachment_note_aligned_hanging(doc):
    first = next(p for p in doc.paragraphs() if text_of(p).startswith("附件："))
    second = first.getnext()
    assert text_of(first) == "附件：1.\t各县区干部教育培训完成情况统计表"
    assert text_of(second) == "2.\t典型经验做法"
    left = 5 * CHAR + CHAR                                # 2 字 + 附件： + "1." (1 字)
    for p, hanging in ((first, 3 * CHAR + CHAR), (second, CHAR)):
        ind = p.find("w:pPr/w:ind", NS)
        assert int(ind.get(w("left"))) == left
        assert int(ind.get(w("hanging"))) == hanging
        assert int(p.find("w:pPr/w:tabs/w:tab", NS).get(w("pos"))) == left
    assert text_of(first.getprevious()) == ""             # blank line after the body


def test_single_attachment_note_has_no_number():
    d = Docx(render([Paragraph([Run("正文")])], attachments=["统计表"]))
    p = next(p for p in d.paragraphs() if text_of(p).startswith("附件"))
    assert text_of(p) == "附件：统计表"
    ind = p.find("w:pPr/w:ind", NS)
    assert (ind.get(w("left")), ind.get(w("hanging"))) == (str(5 * CHAR), str(3 * CHAR))


def test_signature_and_date_indents(doc):
    organ, date = doc.find_p("中共某某市委组织部"), doc.find_p("2025年12月20日")
    assert text_of(organ.getprevious()) == ""             # one blank line above
    # 署名 9 字: right 2 字; date 7 字 starts 2 字 right of the 署名 → right 9 + 2 − 2 − 7 = 2 字.
    assert organ.find("w:pPr/w:ind", NS).get(w("right")) == str(2 * CHAR)
    assert date.find("w:pPr/w:ind", NS).get(w("right")) == str(2 * CHAR)
    assert organ.find("w:pPr/w:keepNext", NS) is not None
    # The closing body paragraph, 附件说明 and blank lines stay with the 署名 (no lone 署名 page).
    chain = []
    p = organ.getprevious()
    while text_of(p) != "分页后的段落。":
        chain.append(p)
        p = p.getprevious()
    chain.append(p)
    assert all(q.find("w:pPr/w:keepNext", NS) is not None for q in chain)


def test_attachment_pages(doc):
    """Two attachments (the sample has one): each on a new page, labelled in order."""
    labels = [p for p in doc.paragraphs() if doc.style_of(p) == "AttachmentLabel"]
    assert [text_of(p) for p in labels] == ["附件1", "附件2"]
    assert all(p.find("w:pPr/w:pageBreakBefore", NS) is not None for p in labels)
    assert doc.style_value("AttachmentLabel", "rPr/rFonts", "eastAsia") == "黑体"
    assert doc.style_value("AttachmentLabel", "pPr/ind", "firstLine") == "0"
    label = labels[0]
    blank, title, after = label.getnext(), label.getnext().getnext(), label.getnext().getnext().getnext()
    assert text_of(blank) == ""                           # title on the third line
    assert doc.style_of(title) == "Title" and text_of(title) == "各县区干部教育培训完成情况统计表"
    assert text_of(after) == ""


def test_single_attachment_label_has_no_number():
    blocks = [Paragraph([Run("正文")]), Attachment("统计表", 1), Paragraph([Run("附件正文")])]
    d = Docx(render(blocks, attachments=["统计表"]))
    assert any(text_of(p) == "附件" and d.style_of(p) == "AttachmentLabel" for p in d.paragraphs())


def test_redline_runs_become_tracked_changes():
    """Ids, authors and dates on every mark of a real redline: test_format_conformance.py."""
    blocks = [Paragraph([Run("共举办"), Run("12", change="del"), Run("14", change="ins"),
                         Run("期。")]),
              Heading(2, [Run("新增标题", change="ins")], "（二）"),
              Paragraph([Run("删去的段落。", change="del")])]
    d = Docx(render(blocks, author="reportgen"))
    p = d.find_p("共举办14期。")
    deleted, inserted = p.find("w:del", NS), p.find("w:ins", NS)
    assert deleted.find("w:r/w:delText", NS).text == "12"
    assert inserted.find("w:r/w:t", NS).text == "14"
    for mark in (deleted, inserted):
        assert mark.get(w("author")) == "reportgen"
        assert mark.get(w("date")) == "2025-12-20T09:30:00Z"
    heading = next(q for q in d.paragraphs() if d.style_of(q) == "Heading2")
    assert [text_of(r) for r in heading.findall("w:ins/w:r", NS)] == ["（二）", "新增标题"]
    assert heading.find("w:pPr/w:rPr/w:ins", NS) is not None
    gone = next(q for q in d.paragraphs() if q.find("w:del", NS) is not None and q is not p)
    assert gone.find("w:pPr/w:rPr/w:del", NS) is not None


# Inputs and errors ----------------------------------------------------------------------------
def test_tables_argument_is_a_fallback_for_table_data():
    data = render_docx([Table("t", "情况表", 1, None)], sample_meta(), {},
                       tables={"t": table_data(3, 3)})
    assert Docx(data).body.find("w:tbl", NS) is not None


def test_bad_heading_level_and_created_date():
    with pytest.raises(LayoutError, match="级别"):
        render([Heading(5, [Run("五级")])])
    with pytest.raises(LayoutError, match="创建时间"):
        render([Paragraph([Run("x")])], created="昨天")


def test_library_failures_become_layout_errors(monkeypatch):
    import generator.layout.package as package

    def broken(*args, **kwargs):
        raise RuntimeError("boom")

    monkeypatch.setattr(package, "save", broken)
    with pytest.raises(LayoutError, match="保存文档.*boom"):
        render([Paragraph([Run("x")])])


# Performance -----------------------------------------------------------------------------------------
def test_long_document_renders_fast():
    blocks: list = []
    for i in range(5):
        blocks.append(Heading(1, [Run("总体情况")], f"{'一二三四五'[i]}、"))
        blocks += [Paragraph([Run(TEXT), Run(TEXT)]) for _ in range(35)]
        blocks.append(Figure(f"c{i}", "图", i + 1))
    blocks.append(Table("t", "表", 1, table_data()))
    assert sum(len(b.text) for b in blocks if isinstance(b, Paragraph)) >= 30000
    images = {f"c{i}": make_png(800, 450) for i in range(5)}
    render_docx(blocks, sample_meta(), images)           # warm up imports
    start = time.perf_counter()
    render_docx(blocks, sample_meta(), images)
    assert time.perf_counter() - start < 0.3
