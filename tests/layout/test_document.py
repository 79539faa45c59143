"""The layout package (generator/layout) from given blocks and meta, checked at the XML level
with tests/docx_reader.py: how it builds the document (which style carries what, title breaks,
figure and table geometry, 附件, 版头 and 版记, tracked changes, the package, errors).

The finished document against the spec docs/gbt9704.md (page, grid, fonts, page numbers, text
rules, each property once) is tests/test_format_conformance.py's; this module checks what the
spec leaves to the layout and what the sample report cannot show (several attachments, a single
one, level-3 and level-4 headings, 版记 text, bad input).
"""

from __future__ import annotations

import struct
import subprocess
import sys
import time
import zlib

import pytest

from generator.blocks import (
    Attachment,
    DocumentMeta,
    Figure,
    Heading,
    PageBreak,
    Paragraph,
    Run,
    Table,
    TableData,
)
from generator.errors import LayoutError
from generator.layout import Profile, render_docx
from generator.layout.title import break_title, signature_indents, text_width, title_width
from tests.docx_reader import NS, R_NS, Docx, local, text_of, w

CHAR = 320 - 5          # one 三号 character with −0.25 pt spacing, twips
TYPE_WIDTH = 11906 - 1587 - 1474
TITLE = "关于《2023—2027年全国干部教育培训规划》实施情况的中期评估报告"
TEXT = ("我市深入贯彻落实干部教育培训规划，坚持把政治训练贯穿干部成长全周期，全年共举办各类"
        "培训班126期，培训干部12345人次，完成年度计划的103.5%，较上年提高2.3个百分点。")


def make_png(width: int = 320, height: int = 180) -> bytes:
    """A valid RGB PNG without matplotlib."""
    raw = b"".join(b"\x00" + b"\x40\x80\xc0" * width for _ in range(height))

    def chunk(kind: bytes, data: bytes) -> bytes:
        return (struct.pack(">I", len(data)) + kind + data
                + struct.pack(">I", zlib.crc32(kind + data)))

    ihdr = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", ihdr) + chunk(b"IDAT", zlib.compress(raw))
            + chunk(b"IEND", b""))


def table_data(rows: int = 30, columns: int = 8) -> TableData:
    header = ["地区", "培训人次", "完成率", "状态", "学时", "同比", "排名", "备注"][:columns]
    body = [[f"县区{i}", str(100 + i), f"{90 + i / 10:.1f}%", "滞后" if i % 5 == 0 else "达标",
             "12345", "2.3", str(i + 1), "无"][:columns] for i in range(rows)]
    align = ["left", "right", "right", "center", "right", "right", "right", "left"][:columns]
    alerts = {(i, 3) for i in range(0, rows, 5)} if columns > 3 else set()
    return TableData(header, body, align, alerts=alerts)


def sample_blocks() -> list:
    blocks: list = []
    numbers = {1: ["一、", "二、"], 2: ["（一）", "（二）"], 3: ["1.", "2."], 4: ["（1）", "（2）"]}
    for k in range(2):
        for level in (1, 2, 3, 4):
            blocks.append(Heading(level, [Run(f"第{level}级标题")], number=numbers[level][k]))
        blocks.append(Paragraph([Run(TEXT)]))
        blocks.append(Paragraph([Run("一是", bold=True), Run(TEXT),
                                 Run("【待补：培训学时】", missing=True)], item=True, number="一是"))
    blocks.append(Figure("chart", "各县区培训完成率", number=1))
    blocks.append(Paragraph([Run(TEXT)]))
    blocks.append(Table("t1", "各县区培训完成情况", number=1, data=table_data()))
    blocks.append(PageBreak())
    blocks.append(Paragraph([Run("分页后的段落。")]))
    blocks.append(Attachment("各县区干部教育培训完成情况统计表", number=1))
    blocks.append(Paragraph([Run("附件正文。")]))
    blocks.append(Attachment("典型经验做法", number=2))
    blocks.append(Paragraph([Run("附件二正文。")]))
    return blocks


def sample_meta(**changes) -> DocumentMeta:
    values = dict(title=TITLE, organ="中共某某市委组织部", date="2025年12月20日",
                  attachments=["各县区干部教育培训完成情况统计表", "典型经验做法"],
                  author="某某市委组织部", created="2025-12-20T09:30:00")
    values.update(changes)
    return DocumentMeta(**values)


def render(blocks, images=None, **meta) -> bytes:
    return render_docx(blocks, sample_meta(**meta), images or {})


@pytest.fixture(scope="module")
def doc() -> Docx:
    return Docx(render(sample_blocks(), {"chart": make_png()}))


def jc(doc: Docx, p) -> str | None:
    """The effective alignment of paragraph `p`."""
    return (doc.fmt.p_merged(p, "jc") or {}).get("val")


# Styles and settings (the values themselves: §Page and grid, §Font sizes and names in
# test_format_conformance.py) --------------------------------------------------------------
def test_grid_arithmetic_gives_22_lines_of_28_characters():
    p = Profile()
    assert 22 * p.line_pitch <= p.type_height < 23 * p.line_pitch
    assert p.char_width == CHAR
    assert 28 * p.char_width <= p.type_width < 29 * p.char_width
    assert 28 * 320 > p.type_width                        # without −0.25 pt only 27 fit


def test_body_paragraphs_take_their_format_from_the_normal_style(doc):
    assert doc.styles.by_id["Normal"].get(w("default")) == "1"
    body = doc.find_p(TEXT)
    assert body.find("w:pPr", NS) is None or body.find("w:pPr/w:pStyle", NS) is None
    s = doc.style_value
    assert s("Normal", "pPr/ind", "firstLine") == str(2 * CHAR)   # 2 字 of the profile, exactly
    assert s("Normal", "pPr/ind", "firstLineChars") is None
    assert s("Normal", "rPr/rFonts", "ascii") == "Times New Roman"
    # Blank lines are empty paragraphs, never paragraph spacing written on a paragraph.
    for p in doc.paragraphs():
        spacing = p.find("w:pPr/w:spacing", NS)
        if spacing is not None and doc.style_of(p) not in ("IssuerMark",):
            assert spacing.get(w("before")) in (None, "0")


def test_only_the_issuer_mark_style_is_red(doc):
    for name in ("word/styles.xml", "word/document.xml", "word/footer1.xml", "word/footer2.xml"):
        colours = {c.get(w("val")) for c in doc.xml(name).iter(w("color"))}
        assert colours <= {"000000", "auto"} | ({"FF0000"} if name.endswith("styles.xml") else set())
    red = [s.get(w("styleId")) for s in doc.styles_root.iter(w("style"))
           if s.find("w:rPr/w:color[@w:val='FF0000']", NS) is not None]
    assert red == ["IssuerMark"]                           # only the 发文机关标志 is red


def test_settings_do_not_compress_punctuation_and_carry_no_rsids(doc):
    control = doc.settings.find("w:characterSpacingControl", NS)
    assert control.get(w("val")) == "doNotCompress"
    assert doc.settings.find("w:rsids", NS) is None
    assert doc.settings.find("w:themeFontLang", NS).get(w("eastAsia")) == "zh-CN"


# Title, headings, body ----------------------------------------------------------------------
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


# Figures and tables (captions below/above, centred, numbered: test_format_conformance.py) -----
def test_figure_fills_type_width_keeps_aspect_and_caption_follows(doc):
    paras = list(doc.body)
    i = next(k for k, el in enumerate(paras) if el.find(".//w:drawing", NS) is not None)
    figure, caption = paras[i], paras[i + 1]
    assert doc.style_of(figure) == "Figure"
    assert text_of(caption) == "图1\u3000各县区培训完成率"
    assert doc.style_of(caption) == "Caption"
    assert doc.style_value("Figure", "pPr/jc") == "center"
    assert doc.style_value("Figure", "pPr/spacing", "lineRule") == "auto"  # exact would crop
    extent = figure.find(".//wp:extent", NS)
    cx, cy = int(extent.get("cx")), int(extent.get("cy"))
    assert cx == 156 * 36_000          # the standard's 156 mm (the twip margins give 0.016 mm more)
    assert abs(cy / cx - 180 / 320) < 0.001
    blip = figure.find(".//a:blip", NS).get(f"{{{R_NS}}}embed")
    target = next(r.part for r in doc.rels(doc.main_part) if r.id == blip)
    assert doc.parts[target] == make_png()


def table_and_caption(doc):
    children = list(doc.body)
    i = next(k for k, el in enumerate(children) if el.tag == w("tbl"))
    return children[i], children[i - 1]


def test_table_caption_keeps_with_the_table_and_only_the_first_row_repeats(doc):
    tbl, caption = table_and_caption(doc)
    assert text_of(caption) == "表1\u3000各县区培训完成情况"
    assert doc.style_of(caption) == "Caption"
    assert caption.find("w:pPr/w:keepNext", NS) is not None
    rows = tbl.findall("w:tr", NS)
    assert len(rows) == 31
    assert all(r.find("w:trPr/w:tblHeader", NS) is None for r in rows[1:])


def test_table_geometry_borders_and_cells(doc):
    tbl, _ = table_and_caption(doc)
    assert tbl.find("w:tblPr/w:tblW", NS).get(w("w")) == str(TYPE_WIDTH)
    cols = [int(c.get(w("w"))) for c in tbl.findall("w:tblGrid/w:gridCol", NS)]
    assert sum(cols) == TYPE_WIDTH and len(cols) == 8
    borders = tbl.find("w:tblPr/w:tblBorders", NS)
    for edge in ("top", "left", "bottom", "right", "insideH", "insideV"):
        b = borders.find(f"w:{edge}", NS)
        assert (b.get(w("val")), b.get(w("color"))) == ("single", "000000")
    for tc in tbl.iter(w("tc")):
        assert tc.find("w:tcPr/w:vAlign", NS).get(w("val")) == "center"
    row = tbl.findall("w:tr", NS)[2]
    cells = row.findall("w:tc", NS)
    assert cells[1].find("w:p/w:pPr/w:jc", NS).get(w("val")) == "right"
    assert cells[0].find("w:p/w:pPr/w:jc", NS).get(w("val")) == "left"


def test_table_fonts_sizes_and_spacing(doc):
    """The header row's 黑体 and black text: test_format_conformance.py."""
    tbl, _ = table_and_caption(doc)
    header = tbl.find("w:tr/w:tc/w:p", NS)
    body = tbl.findall("w:tr", NS)[1].find("w:tc/w:p", NS)
    hs, bs = doc.style_of(header), doc.style_of(body)
    assert doc.style_value(bs, "rPr/rFonts", "eastAsia") == "仿宋_GB2312"
    size = int(doc.style_value(bs, "rPr/sz"))
    assert size <= 24                                      # 8 columns: 小四 or smaller
    assert int(doc.style_value(hs, "rPr/sz")) == size
    assert doc.style_value(bs, "pPr/spacing", "lineRule") == "auto"
    assert doc.style_value(bs, "pPr/ind", "firstLine") == "0"


def test_alert_cells_bold_on_light_grey_with_black_text(doc):
    tbl, _ = table_and_caption(doc)
    rows = tbl.findall("w:tr", NS)[1:]
    for i, row in enumerate(rows):
        cell = row.findall("w:tc", NS)[3]
        shd = cell.find("w:tcPr/w:shd", NS)
        bold = cell.find(".//w:r/w:rPr/w:b", NS)
        if i % 5 == 0:
            assert shd.get(w("fill")) == "D9D9D9" and bold is not None
            assert cell.find(".//w:color", NS) is None
        else:
            assert shd is None and bold is None


def test_small_tables_use_larger_text():
    d = Docx(render([Table("t", "小表", 1, table_data(5, 3))], attachments=[]))
    tbl = d.body.find("w:tbl", NS)
    style = d.style_of(tbl.findall("w:tr", NS)[1].find("w:tc/w:p", NS))
    assert d.style_value(style, "rPr/sz") == "28"          # 四号


# Page numbers (footers, alignment, indents, font, the PAGE field: test_format_conformance.py) -
def test_page_number_paragraph_is_off_the_line_grid(doc):
    feet = [root for _, _, root in doc.footers()]
    assert len(feet) == 2
    for root in feet:
        style = doc.style_of(root.find("w:p", NS))
        assert doc.style_value(style, "pPr/spacing", "lineRule") == "auto"


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


# 版头 and 版记 (colours, rules, position, fonts: test_format_conformance.py) -----------------
def test_no_masthead_or_record_unless_asked(doc):
    assert all(p.find(".//w:pBdr", NS) is None for p in doc.paragraphs())
    assert doc.document.find(".//w:tblpPr", NS) is None
    assert "IssuerMark" not in {doc.style_of(p) for p in doc.paragraphs()}


def test_masthead_and_record():
    d = Docx(render([Paragraph([Run(TEXT)])], issuer_mark="中共某某市委组织部文件",
                    doc_number="某组〔2025〕5号", copy_to="市委办公室，市政府办公室",
                    printer="中共某某市委组织部办公室", print_date="2025年12月20日"))
    paras = d.paragraphs()
    assert d.style_of(paras[0]) == "IssuerMark" and text_of(paras[0]) == "中共某某市委组织部文件"
    assert d.find_p("某组〔2025〕5号").find("w:pPr/w:pBdr/w:bottom", NS) is not None
    record = d.body.findall("w:tbl", NS)[-1]
    texts = [text_of(p) for p in record.iter(w("p"))]
    assert texts == ["抄送：市委办公室，市政府办公室。", "中共某某市委组织部办公室\t2025年12月20日印发"]
    assert d.style_of(next(record.iter(w("p")))) == "Record"
    assert d.body[-1].tag == w("sectPr") and d.body[-2].tag == w("p")


# Package (content types, relationships, schema order: test_format_conformance.py) -----------
def test_no_leftover_parts_of_the_python_docx_template(doc):
    assert not any(n.startswith("customXml") or "thumbnail" in n or "numbering" in n
                   or "stylesWithEffects" in n for n in doc.parts)


def test_font_table_names_fonts_with_fallbacks(doc):
    alt = {f.get(w("name")): (f.find("w:altName", NS).get(w("val"))
                              if f.find("w:altName", NS) is not None else None)
           for f in doc.font_table.findall("w:font", NS)}
    assert alt["仿宋_GB2312"] == "仿宋"
    assert alt["楷体_GB2312"] == "楷体"
    assert alt["方正小标宋简体"] == "宋体"
    assert {"黑体", "宋体", "Times New Roman"} <= set(alt)


def test_core_properties_are_fixed(doc):
    core = doc.xml("docProps/core.xml")
    assert core.find("dc:creator", NS).text == "某某市委组织部"
    assert core.find("dc:title", NS).text == TITLE
    assert core.find("dcterms:created", NS).text == "2025-12-20T09:30:00Z"
    assert core.find("dcterms:modified", NS).text == "2025-12-20T09:30:00Z"
    assert not (core.find("dc:description", NS).text or "")
    assert all(info.date_time == (2025, 12, 20, 9, 30, 0) for info in doc.infos)


def test_same_inputs_give_identical_bytes(doc):
    images = {"chart": make_png()}
    assert render(sample_blocks(), images) == doc.data
    other = render(sample_blocks(), images, created="")
    assert other != doc.data
    assert render(sample_blocks(), images, created="") == other


def test_zip_entries_without_created_date_use_1980(monkeypatch):
    monkeypatch.delenv("SOURCE_DATE_EPOCH", raising=False)
    d = Docx(render([Paragraph([Run("正文")])], created=""))
    assert {i.date_time for i in d.infos} == {(1980, 1, 1, 0, 0, 0)}


# Errors ----------------------------------------------------------------------------------------
def test_missing_image_names_the_figure():
    with pytest.raises(LayoutError, match="图3「完成率」.*chart9"):
        render([Figure("chart9", "完成率", 3)])


@pytest.mark.parametrize("data", [
    b"not a png", make_png()[:-20], make_png()[:40] + b"X" + make_png()[41:], b""])
def test_invalid_png_is_a_layout_error(data):
    with pytest.raises(LayoutError, match="图2「完成率」"):
        render([Figure("c", "完成率", 2)], {"c": data})


def test_table_errors_name_the_table():
    bad = TableData(["a", "b"], [["1", "2"], ["3"]], ["left", "right"])
    with pytest.raises(LayoutError, match="表4「情况表」第2行"):
        render([Table("t", "情况表", 4, bad)])
    with pytest.raises(LayoutError, match="表5「无数据」"):
        render([Table("t", "无数据", 5, None)])


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


# Profile -----------------------------------------------------------------------------------------
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


def test_importing_layout_does_not_import_docx():
    code = "import sys, generator.layout; assert 'docx' not in sys.modules"
    subprocess.run([sys.executable, "-c", code], check=True)


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
