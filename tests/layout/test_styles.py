"""The styles, settings and font table (generator/layout/styles.py): which style carries what.
The values themselves (§Page and grid, §Font sizes and names): test_format_conformance.py."""

from __future__ import annotations

import pytest
from lxml import etree

from generator.layout import _xml as x
from generator.layout import styles
from generator.layout.profile import Profile
from tests.docx_reader import NS, Docx, w
from tests.layout.layout_samples import CHAR, TEXT, sample_doc


@pytest.fixture(scope="module")
def doc() -> Docx:
    return sample_doc()


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


def test_font_table_names_fonts_with_fallbacks(doc):
    alt = {f.get(w("name")): (f.find("w:altName", NS).get(w("val"))
                              if f.find("w:altName", NS) is not None else None)
           for f in doc.font_table.findall("w:font", NS)}
    assert alt["仿宋_GB2312"] == "仿宋"
    assert alt["楷体_GB2312"] == "楷体"
    assert alt["方正小标宋简体"] == "宋体"
    assert {"黑体", "宋体", "Times New Roman"} <= set(alt)


def test_page_number_paragraph_is_off_the_line_grid(doc):
    """Footers, alignment, indents, font, the PAGE field: test_format_conformance.py."""
    feet = [root for _, _, root in doc.footers()]
    assert len(feet) == 2
    for root in feet:
        style = doc.style_of(root.find("w:p", NS))
        assert doc.style_value(style, "pPr/spacing", "lineRule") == "auto"


def test_install_styles_replaces_the_content_with_one_style_per_part_and_table_size():
    root = etree.Element(w("styles"), nsmap={"w": x.W_NS})
    x.sub(root, "style", {"styleId": "Leftover"})
    profile = Profile.from_mapping({"body_font": "仿宋", "heading2_font": "楷体"})
    styles.install_styles(root, profile, {10.5, 14.0})
    ids = [s.get(w("styleId")) for s in root.iter(w("style"))]
    assert "Leftover" not in ids and len(ids) == len(set(ids))
    assert {styles.NORMAL, styles.TITLE, styles.CAPTION, styles.FIGURE, styles.ATTACHMENT_LABEL,
            styles.ISSUER_MARK, styles.RECORD} <= set(ids)
    assert {styles.heading_style(level) for level in (1, 2, 3, 4)} <= set(ids)
    assert styles.table_style_ids(10.5) == ("TableText105", "TableHeader105")
    assert {*styles.table_style_ids(10.5), *styles.table_style_ids(14.0)} <= set(ids)
    assert styles.table_style_ids(12.0)[0] not in ids     # only the sizes asked for

    def east_asia(style_id):
        style = next(s for s in root.iter(w("style")) if s.get(w("styleId")) == style_id)
        return style.find("w:rPr/w:rFonts", NS).get(w("eastAsia"))

    assert east_asia(styles.NORMAL) == "仿宋" and east_asia("Heading2") == "楷体"
    fonts = etree.fromstring(styles.font_table(profile))
    assert [f.get(w("name")) for f in fonts.findall("w:font", NS)] == profile.fonts()
