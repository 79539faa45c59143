"""The WordprocessingML helpers (generator/layout/_xml.py): children in schema order, text
with tabs, breaks and significant spaces, control characters dropped, a complete PAGE field."""

from __future__ import annotations

import pytest
from lxml import etree

from generator.layout import _xml as x
from tests.docx_reader import NS, local, w


def test_props_writes_children_in_schema_order_and_skips_none():
    ppr = x.build("pPr", x.PPR_ORDER, {"jc": {"val": "center"}, "keepNext": True,
                                        "ind": {"firstLine": 630.0},
                                        "spacing": None})
    names = [local(c) for c in ppr]
    assert names == sorted(names, key=x.PPR_ORDER.index) and "spacing" not in names
    assert ppr.find("w:ind", NS).get(w("firstLine")) == "630"     # whole floats as integers
    assert ppr.find("w:keepNext", NS).attrib == {}
    with pytest.raises(ValueError, match="unordered property"):
        x.build("pPr", x.PPR_ORDER, {"notAProperty": True})


def test_run_text_tabs_breaks_spaces_and_control_characters():
    p = etree.Element(w("p"), nsmap={"w": x.W_NS})
    r = x.run(p, " 甲\t乙\x07\n丙 ", bold=True, highlight="yellow")
    assert [local(c) for c in r] == ["rPr", "t", "tab", "t", "br", "t"]
    assert [t.text for t in r.findall("w:t", NS)] == [" 甲", "乙", "丙 "]
    space = "{http://www.w3.org/XML/1998/namespace}space"
    assert [t.get(space) for t in r.findall("w:t", NS)] == ["preserve", None, "preserve"]
    assert [local(c) for c in r.find("w:rPr", NS)] == ["b", "bCs", "highlight"]
    gone = x.run(p, "删去", deleted=True)
    assert gone.find("w:delText", NS).text == "删去" and gone.find("w:t", NS) is None
    assert x.clean_text("a\x00b\x0bc\ufffe\td\n") == "abc\td\n"


def test_page_field_is_complete_with_a_result():
    p = etree.Element(w("p"), nsmap={"w": x.W_NS})
    x.page_field(p)
    kinds = [c.get(w("fldCharType")) for c in p.iter(w("fldChar"))]
    assert kinds == ["begin", "separate", "end"]
    assert p.find(".//w:instrText", NS).text == " PAGE "
    texts = [t.text for t in p.iter(w("t"))]
    assert texts == ["— ", "1", " —"]
