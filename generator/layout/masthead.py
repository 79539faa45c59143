"""Optional 版头 (GB/T 9704 7.2) and 版记 (7.4), written only when the meta asks for them."""

from __future__ import annotations

import math

from generator.blocks import DocumentMeta
from generator.layout import _xml as x
from generator.layout import styles as st
from generator.layout.title import text_width

MM = 56.693              # twips per millimetre
_PBDR_ORDER = ("top", "left", "bottom", "right")
_RULE_THICK = 8          # eighths of a point: 1 pt ≈ 0.35 mm (first and last rule of 版记)
_RULE_THIN = 6           # 0.75 pt ≈ 0.25 mm (middle rule)
_RED_RULE = 12           # 1.5 pt red rule under the 发文字号


def add_masthead(r, meta: DocumentMeta) -> None:
    """红色发文机关标志 35 mm below the type area's top edge, 发文字号 two lines below it,
    a red rule 4 mm under the number across the type area, then two blank lines."""
    profile = r.profile
    if meta.issuer_mark:
        before = round(35 * MM)
        p = r.p(st.ISSUER_MARK, spacing={"before": before, "after": 0, "line": 240,
                                         "lineRule": "auto"})
        # A long 发文机关标志 is set smaller rather than broken over two lines.
        size = profile.issuer_mark_size
        fit = profile.type_width / (text_width(meta.issuer_mark) * 20)
        extra = None
        if fit < size:
            size = math.floor(fit * 2) / 2
            extra = {"sz": x.half_points(size), "szCs": x.half_points(size)}
        x.run(p, meta.issuer_mark, extra=extra)
        r.blank()
        r.blank()
    rule = {"bottom": x.border(size=_RED_RULE, color=profile.red, space=11)}  # space: points
    p = r.p(pBdr=x.build("pBdr", _PBDR_ORDER, rule), ind={"firstLine": 0}, jc={"val": "center"})
    if meta.doc_number:
        x.run(p, meta.doc_number)
    r.blank()
    r.blank()


def add_record(r, meta: DocumentMeta) -> None:
    """版记 as a floating table at the bottom of the type area of the last page.

    Rules: thick above the first and below the last element, thin between them; 抄送 and
    印发机关 1 字 from the left, 印发日期 1 字 from the right, wrapped 抄送 lines aligned
    after the colon.
    """
    profile = r.profile
    # Word puts it on the bottom edge of the type area; LibreOffice before 7.6 keeps a
    # full-width floating table in the text flow (a preview difference only).
    width = profile.type_width
    one = round(profile.record_size * 20)  # 1 字 at 四号
    rows: list = []
    if meta.copy_to:
        text = "抄送：" + meta.copy_to.strip().rstrip("。.，,") + "。"
        rows.append(({"left": one + 3 * one, "right": one, "hanging": 3 * one}, None, text))
    if meta.printer or meta.print_date:
        date = meta.print_date.strip()
        if date and not date.endswith("印发"):
            date += "印发"
        tab = x.build("tabs", ("tab",), {"tab": {"val": "right", "pos": width - one}})
        rows.append(({"left": one, "right": one, "firstLine": 0}, tab,
                     f"{meta.printer.strip()}\t{date}"))

    tbl = x.make("tbl")
    edges = {"top": x.border(size=_RULE_THICK), "left": x.border("nil"),
             "bottom": x.border(size=_RULE_THICK), "right": x.border("nil"),
             "insideH": x.border(size=_RULE_THIN), "insideV": x.border("nil")}
    zero = {"w": 0, "type": "dxa"}
    x.props(tbl, "tblPr", x.TBLPR_ORDER, {
        "tblpPr": {"leftFromText": 0, "rightFromText": 0, "vertAnchor": "margin",
                   "horzAnchor": "margin", "tblpXSpec": "center", "tblpYSpec": "bottom"},
        "tblW": {"w": width, "type": "dxa"},
        "jc": {"val": "center"},
        "tblBorders": x.build("tblBorders", x.BORDER_ORDER, edges),
        "tblLayout": {"type": "fixed"},
        "tblCellMar": x.build("tblCellMar", x.BORDER_ORDER,
                              {"top": zero, "left": zero, "bottom": zero, "right": zero}),
    })
    x.sub(x.sub(tbl, "tblGrid"), "gridCol", {"w": width})
    for ind, tabs, text in rows:
        tr = x.sub(tbl, "tr")
        x.props(tr, "trPr", x.TRPR_ORDER, {
            "cantSplit": True, "trHeight": {"val": profile.line_pitch, "hRule": "atLeast"}})
        tc = x.sub(tr, "tc")
        x.props(tc, "tcPr", x.TCPR_ORDER, {"tcW": {"w": width, "type": "dxa"},
                                             "vAlign": {"val": "center"}})
        p = x.paragraph(tc, {"pStyle": {"val": st.RECORD}, "tabs": tabs, "ind": ind})
        x.run(p, text)
    r.pending_break = False
    r.body.append(tbl)
