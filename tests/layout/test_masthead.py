"""The optional 版头 and 版记 (generator/layout/masthead.py). Colours, rules, position, fonts
against the spec: test_format_conformance.py."""

from __future__ import annotations

import pytest

from generator.blocks import Paragraph, Run
from generator.layout import masthead
from generator.layout.profile import Profile
from generator.layout.title import text_width
from tests.docx_reader import NS, Docx, text_of, w
from tests.layout.layout_samples import TEXT, render, sample_doc


@pytest.fixture(scope="module")
def doc() -> Docx:
    return sample_doc()


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


def test_issuer_mark_35_mm_down_and_a_long_one_set_smaller_on_one_line():
    short = "某某市委文件"
    long = "中共某某市委组织部某某市人力资源和社会保障局文件"
    d = Docx(render([Paragraph([Run(TEXT)])], issuer_mark=short, doc_number="某组〔2025〕5号"))
    mark = d.paragraphs()[0]
    assert mark.find("w:pPr/w:spacing", NS).get(w("before")) == str(round(35 * masthead.MM))
    assert mark.find("w:r/w:rPr/w:sz", NS) is None        # the style's 小初
    rule = d.find_p("某组〔2025〕5号").find("w:pPr/w:pBdr/w:bottom", NS)
    assert rule.get(w("color")) == Profile().red
    d = Docx(render([Paragraph([Run(TEXT)])], issuer_mark=long))
    size = int(d.paragraphs()[0].find("w:r/w:rPr/w:sz", NS).get(w("val"))) / 2
    profile = Profile()
    assert size < profile.issuer_mark_size
    assert text_width(long) * size * 20 <= profile.type_width     # still one line
