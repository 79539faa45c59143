"""Raw WordprocessingML helpers: the one place that knows element names and schema order.

python-docx has no API for docGrid, fields, borders, shading, table headers or the eastAsia
font slot, and going through its object API for every paragraph is slow. The rest of the
layout package builds XML only through these functions. Properties are given as a dict
{child tag: attributes}; the helpers write the children in the order the schema demands
(Word rejects a file whose pPr/rPr/tblPr children are out of order).
"""

from __future__ import annotations

import re

from lxml import etree

W_NS = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
R_NS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
_W = "{" + W_NS + "}"
_XML_SPACE = "{http://www.w3.org/XML/1998/namespace}space"

# Schema order of the property elements we use (ECMA-376 Part 1, CT_PPr, CT_RPr, ...).
PPR_ORDER = (
    "pStyle", "keepNext", "keepLines", "pageBreakBefore", "widowControl", "pBdr", "shd", "tabs",
    "kinsoku", "wordWrap", "overflowPunct", "autoSpaceDE", "autoSpaceDN", "adjustRightInd",
    "snapToGrid", "spacing", "ind", "jc", "textAlignment", "outlineLvl", "rPr",
)
RPR_ORDER = (
    "rStyle", "rFonts", "b", "bCs", "i", "iCs", "snapToGrid", "color", "spacing", "w", "kern",
    "sz", "szCs", "highlight", "u", "shd", "lang",
)
TBLPR_ORDER = (
    "tblStyle", "tblpPr", "tblOverlap", "tblW", "jc", "tblInd", "tblBorders", "shd",
    "tblLayout", "tblCellMar", "tblLook",
)
TRPR_ORDER = ("cantSplit", "trHeight", "tblHeader", "jc", "ins", "del")  # CT_TrPr: marks last
TCPR_ORDER = ("tcW", "gridSpan", "vMerge", "tcBorders", "shd", "noWrap", "tcMar", "vAlign")
SECTPR_ORDER = (
    "headerReference", "footerReference", "type", "pgSz", "pgMar", "pgNumType", "cols",
    "titlePg", "docGrid",
)
BORDER_ORDER = ("top", "left", "bottom", "right", "insideH", "insideV")

_CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def w(tag: str) -> str:
    """Clark name of a w: tag: w('p') → '{…/main}p'."""
    return _W + tag


def sub(parent, tag: str, attrs: dict | None = None):
    """Appends <w:tag w:k="v"…/> to `parent` and returns it."""
    el = etree.SubElement(parent, _W + tag)
    if attrs:
        for key, value in attrs.items():
            el.set(_W + key, _attr(value))
    return el


def make(tag: str, attrs: dict | None = None):
    """A detached <w:tag/> created by python-docx's parser (so python-docx can adopt it)."""
    from docx.oxml.parser import OxmlElement

    el = OxmlElement("w:" + tag)
    if attrs:
        for key, value in attrs.items():
            el.set(_W + key, _attr(value))
    return el


def _attr(value) -> str:
    if value is True:
        return "1"
    if value is False:
        return "0"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def props(parent, tag: str, order: tuple[str, ...], items: dict):
    """Appends a property element <w:tag> with its children in schema `order`.

    `items` maps a child tag to: a dict of attributes, True (empty element), an lxml element
    (appended as is), or a list of those (repeated children). None values are skipped.
    """
    el = build(tag, order, items)
    parent.append(el)
    return el


def build(tag: str, order: tuple[str, ...], items: dict):
    """A detached <w:tag> with the children `items` (see `props`) in schema `order`."""
    unknown = set(items) - set(order)
    if unknown:  # a programming error, not a user's
        raise ValueError(f"unordered property {sorted(unknown)} in w:{tag}")
    el = make(tag)
    for name in order:
        value = items.get(name)
        if value is None:
            continue
        for one in value if isinstance(value, list) else [value]:
            if one is True:
                sub(el, name)
            elif isinstance(one, dict):
                sub(el, name, one)
            else:
                el.append(one)
    return el


def set_ppr(p, name: str, attrs: dict | bool = True) -> None:
    """Sets one pPr child of an existing paragraph `p`, keeping schema order."""
    ppr = p.find(_W + "pPr")
    if ppr is None:
        ppr = make("pPr")
        p.insert(0, ppr)
    old = ppr.find(_W + name)
    if old is not None:
        ppr.remove(old)
    rank = PPR_ORDER.index(name)
    new = make(name, attrs if isinstance(attrs, dict) else None)
    for i, child in enumerate(ppr):
        tag = etree.QName(child).localname
        if tag in PPR_ORDER and PPR_ORDER.index(tag) > rank:
            ppr.insert(i, new)
            return
    ppr.append(new)


def rfonts(latin: str, east_asia: str) -> dict:
    """Attributes of w:rFonts naming every slot explicitly (no theme fonts)."""
    return {"ascii": latin, "hAnsi": latin, "eastAsia": east_asia, "cs": latin}


def half_points(size_pt: float) -> dict:
    """w:sz / w:szCs value for a size in points."""
    return {"val": round(size_pt * 2)}


def exact_spacing(line: int) -> dict:
    """Paragraph spacing: exact line height `line` twips, nothing before or after."""
    return {"before": 0, "after": 0, "line": line, "lineRule": "exact"}


SINGLE_SPACING = {"before": 0, "after": 0, "line": 240, "lineRule": "auto"}


def border(val: str = "single", size: int = 4, color: str = "000000", space: int = 0) -> dict:
    """Attributes of one border edge; `size` in eighths of a point (4 = 0.5 pt)."""
    return {"val": val, "sz": size, "space": space, "color": color}


def shading(fill: str) -> dict:
    """Attributes of w:shd: a plain background colour."""
    return {"val": "clear", "color": "auto", "fill": fill}


def clean_text(text: str) -> str:
    """`text` without the control characters XML cannot hold."""
    return _CONTROL.sub("", text)


def paragraph(parent, items: dict | None = None):
    """Appends a w:p with a pPr built from `items` (see `props`) and returns it."""
    p = sub(parent, "p")
    if items:
        props(p, "pPr", PPR_ORDER, items)
    return p


def run(p, text: str, *, bold: bool = False, highlight: str | None = None,
        extra: dict | None = None, deleted: bool = False):
    """Appends a w:r with `text` to `p` (or to a w:ins/w:del); tabs and line feeds become
    w:tab and w:br; `deleted` text is written as w:delText."""
    r = sub(p, "r")
    items = dict(extra or {})
    if bold:
        items["b"] = True
        items["bCs"] = True
    if highlight:
        items["highlight"] = {"val": highlight}
    if items:
        props(r, "rPr", RPR_ORDER, items)
    add_text(r, text, "delText" if deleted else "t")
    return r


def add_text(r, text: str, tag: str = "t") -> None:
    """Writes `text` into run `r` as w:t (or `tag`), w:tab and w:br children."""
    text = clean_text(text)
    for i, line in enumerate(text.split("\n")):
        if i:
            sub(r, "br")
        for j, piece in enumerate(line.split("\t")):
            if j:
                sub(r, "tab")
            if piece:
                t = sub(r, tag)
                t.text = piece
                if piece[0] == " " or piece[-1] == " ":
                    t.set(_XML_SPACE, "preserve")


def page_field(p, before: str = "— ", after: str = " —", placeholder: str = "1") -> None:
    """Appends `before` PAGE `after` with a complete field: begin, instr, separate, result, end.

    WPS shows a field without a result as blank, so the result run is always written.
    """
    run(p, before)
    sub(sub(p, "r"), "fldChar", {"fldCharType": "begin"})
    instr = sub(sub(p, "r"), "instrText")
    instr.text = " PAGE "
    instr.set(_XML_SPACE, "preserve")
    sub(sub(p, "r"), "fldChar", {"fldCharType": "separate"})
    add_text(sub(p, "r"), placeholder)
    sub(sub(p, "r"), "fldChar", {"fldCharType": "end"})
    run(p, after)


def page_break_run(p) -> None:
    """Appends a run holding a page break."""
    sub(sub(p, "r"), "br", {"type": "page"})


def parse(xml: str):
    """Parses a fragment that declares its own namespaces, with python-docx's parser."""
    from docx.oxml.parser import parse_xml

    return parse_xml(xml)
