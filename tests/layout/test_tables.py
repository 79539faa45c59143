"""Tables (generator/layout/tables.py): column widths and line breaks (no figure split across
lines, no character left alone on a line, one text size for the 8-column attachment tables),
and the table as written in the document: caption, geometry, borders, fonts, alert cells,
errors (captions above, centred, numbered; the header row's 黑体: test_format_conformance.py)."""

from itertools import pairwise

import pytest
from hypothesis import given
from hypothesis import strategies as st

from generator.blocks import Table, TableData
from generator.errors import LayoutError
from generator.layout.profile import Profile
from generator.layout.tables import CELL_MARGIN, balanced_lines, layout_table
from generator.layout.title import title_width
from tests.docx_reader import NS, Docx, text_of, w
from tests.layout.layout_samples import (
    TYPE_WIDTH,
    render,
    sample_doc,
    table_and_caption,
    table_data,
)


@pytest.fixture(scope="module")
def doc() -> Docx:
    return sample_doc()


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


# The table in the document ---------------------------------------------------------------------
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


def test_table_errors_name_the_table():
    bad = TableData(["a", "b"], [["1", "2"], ["3"]], ["left", "right"])
    with pytest.raises(LayoutError, match="表4「情况表」第2行"):
        render([Table("t", "情况表", 4, bad)])
    with pytest.raises(LayoutError, match="表5「无数据」"):
        render([Table("t", "无数据", 5, None)])
