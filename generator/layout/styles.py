"""Styles, settings and font table: the document-wide part of the GB/T 9704 format.

Fonts, sizes, spacing and indents live on styles, so runs carry only bold and highlight.
The template's styles, settings and font table are replaced wholesale: python-docx's
default template brings theme fonts, blue headings, space-after 200, `eastAsia=en-US`
and an rsid list, none of which belong in an official document.
"""

from __future__ import annotations

from lxml import etree

from generator.layout import _xml as x
from generator.layout.profile import ALT_NAMES, Profile

# Style ids the body refers to.
NORMAL = "Normal"
TITLE = "Title"
CAPTION = "Caption"
FIGURE = "Figure"
FOOTER = "Footer"
ATTACHMENT_LABEL = "AttachmentLabel"
ISSUER_MARK = "IssuerMark"
RECORD = "Record"
BLACK = "000000"


def heading_style(level: int) -> str:
    """Style id of a heading level 1–4."""
    return f"Heading{level}"


def table_style_ids(size: float) -> tuple[str, str]:
    """(text style id, header style id) of table cells at `size` points."""
    tag = f"{size:g}".replace(".", "")
    return f"TableText{tag}", f"TableHeader{tag}"


def install_styles(root, profile: Profile, table_sizes: set[float]) -> None:
    """Replaces the content of styles.xml (`root`, a w:styles element) with ours."""
    for child in list(root):
        root.remove(child)
    _install_defaults(root, profile)
    _install_text_styles(root, profile)
    _install_part_styles(root, profile)
    _install_table_styles(root, profile, table_sizes)
    _install_builtin_styles(root)


def _install_defaults(root, p: Profile) -> None:
    """docDefaults: the body font and size, no space after paragraphs."""
    defaults = x.sub(root, "docDefaults")
    x.props(x.sub(defaults, "rPrDefault"), "rPr", x.RPR_ORDER, {
        "rFonts": x.rfonts(p.latin_font, p.body_font),
        "sz": x.half_points(p.body_size), "szCs": x.half_points(p.body_size),
        "lang": {"val": "en-US", "eastAsia": "zh-CN", "bidi": "ar-SA"},
    })
    x.props(x.sub(defaults, "pPrDefault"), "pPr", x.PPR_ORDER, {
        "spacing": {"after": 0, "line": 240, "lineRule": "auto"},
    })


def _install_text_styles(root, p: Profile) -> None:
    """Normal, the title, the four heading levels and the caption."""
    pitch, char_width = p.line_pitch, p.char_width
    no_indent = {"firstLine": 0}
    # Normal carries the body format: every other paragraph style is based on it.
    _style(root, "paragraph", NORMAL, "Normal", default=True, ppr={
        "widowControl": {"val": 0},
        # No automatic space between Chinese and Latin/digits: it would break the 28-字 grid.
        "autoSpaceDE": {"val": 0}, "autoSpaceDN": {"val": 0},
        "spacing": x.exact_spacing(pitch),
        "ind": {"firstLine": 2 * char_width},
        "jc": {"val": "both"},
    }, rpr={
        "rFonts": x.rfonts(p.latin_font, p.body_font), "color": {"val": BLACK},
        "spacing": {"val": p.char_spacing},
        "sz": x.half_points(p.body_size), "szCs": x.half_points(p.body_size),
    })
    # Larger text must not snap to the grid: LibreOffice would give each title line two lines.
    _style(root, "paragraph", TITLE, "Title", based_on=NORMAL, next_=NORMAL, ppr={
        "snapToGrid": {"val": 0}, "jc": {"val": "center"}, "ind": no_indent,
    }, rpr=_font(p.latin_font, p.title_font, p.title_size, bold=False,
                 spacing=p.title_char_spacing))
    fonts = (p.heading1_font, p.heading2_font, p.heading3_font, p.heading4_font)
    for level, font in enumerate(fonts, start=1):
        _style(root, "paragraph", heading_style(level), f"heading {level}", based_on=NORMAL,
               next_=NORMAL, ppr={"keepNext": True, "outlineLvl": {"val": level - 1}},
               rpr={"rFonts": x.rfonts(p.latin_font, font), "b": {"val": 0},
                    "bCs": {"val": 0}})
    _style(root, "paragraph", CAPTION, "caption", based_on=NORMAL, next_=NORMAL, ppr={
        "jc": {"val": "center"}, "ind": no_indent,
    }, rpr={"rFonts": x.rfonts(p.latin_font, p.caption_font), "b": {"val": 0},
            "bCs": {"val": 0}})


def _install_part_styles(root, p: Profile) -> None:
    """Pictures, the attachment label, the issuer mark, the record and the page number."""
    no_indent = {"firstLine": 0}
    # Pictures: single spacing (an exact line would crop them); Word snaps the height to the grid.
    _style(root, "paragraph", FIGURE, "图片", based_on=NORMAL, next_=CAPTION, ppr={
        "keepNext": True, "spacing": x.SINGLE_SPACING, "ind": no_indent,
        "jc": {"val": "center"},
    })
    _style(root, "paragraph", ATTACHMENT_LABEL, "附件标识", based_on=NORMAL, next_=TITLE, ppr={
        "keepNext": True, "ind": no_indent, "jc": {"val": "left"},
    }, rpr={"rFonts": x.rfonts(p.latin_font, p.attachment_label_font)})
    _style(root, "paragraph", ISSUER_MARK, "发文机关标志", based_on=NORMAL, ppr={
        "snapToGrid": {"val": 0}, "spacing": x.SINGLE_SPACING, "ind": no_indent, "jc": {"val": "center"},
    }, rpr=_font(p.latin_font, p.issuer_mark_font, p.issuer_mark_size, spacing=0,
                 color=p.red))
    _style(root, "paragraph", RECORD, "版记", based_on=NORMAL, ppr={
        "snapToGrid": {"val": 0}, "spacing": x.SINGLE_SPACING,
        "ind": {"left": _pt(p.record_size), "right": _pt(p.record_size), "firstLine": 0},
        "jc": {"val": "left"},
    }, rpr=_font(p.latin_font, p.record_font, p.record_size, spacing=0))
    # Page numbers: 宋体 in every slot so that the digits are 宋体 half-width digits.
    _style(root, "paragraph", FOOTER, "footer", ppr={
        "widowControl": {"val": 0}, "snapToGrid": {"val": 0}, "spacing": x.SINGLE_SPACING,
        "ind": {"left": 0, "right": 0, "firstLine": 0}, "jc": {"val": "right"},
    }, rpr=_font(p.page_number_font, p.page_number_font, p.page_number_size, spacing=0,
                 color=BLACK))


def _install_table_styles(root, p: Profile, table_sizes: set[float]) -> None:
    """A text and a header style for each size of table text."""
    for size in sorted(table_sizes):
        text_id, header_id = table_style_ids(size)
        _style(root, "paragraph", text_id, f"表格文字{size:g}磅", ppr={
            "widowControl": {"val": 0}, "autoSpaceDE": {"val": 0}, "autoSpaceDN": {"val": 0},
            "snapToGrid": {"val": 0}, "spacing": x.SINGLE_SPACING,
            "ind": {"left": 0, "right": 0, "firstLine": 0}, "jc": {"val": "center"},
        }, rpr=_font(p.latin_font, p.table_font, size, spacing=0, color=BLACK))
        _style(root, "paragraph", header_id, f"表头{size:g}磅", based_on=text_id,
               rpr={"rFonts": x.rfonts(p.latin_font, p.table_header_font)})


def _install_builtin_styles(root) -> None:
    """Word's default character and table styles, which Word expects to find."""
    char = x.sub(root, "style", {"type": "character", "default": 1,
                                 "styleId": "DefaultParagraphFont"})
    x.sub(char, "name", {"val": "Default Paragraph Font"})
    x.sub(char, "uiPriority", {"val": 1})
    x.sub(char, "semiHidden")
    x.sub(char, "unhideWhenUsed")
    table = x.sub(root, "style", {"type": "table", "default": 1, "styleId": "TableNormal"})
    x.sub(table, "name", {"val": "Normal Table"})
    x.sub(table, "uiPriority", {"val": 99})
    x.sub(table, "semiHidden")
    x.sub(table, "unhideWhenUsed")
    margins = {"top": {"w": 0, "type": "dxa"}, "left": {"w": 108, "type": "dxa"},
               "bottom": {"w": 0, "type": "dxa"}, "right": {"w": 108, "type": "dxa"}}
    x.props(table, "tblPr", x.TBLPR_ORDER, {
        "tblInd": {"w": 0, "type": "dxa"},
        "tblCellMar": x.build("tblCellMar", x.BORDER_ORDER, margins),
    })


def _pt(size: float) -> int:
    """One character of `size` points, in twips."""
    return round(size * 20)


def _font(latin: str, east_asia: str, size: float, *, bold: bool | None = None,
          spacing: int | None = None, color: str | None = None) -> dict:
    """rPr items for a face and size."""
    items: dict = {"rFonts": x.rfonts(latin, east_asia),
                   "sz": x.half_points(size), "szCs": x.half_points(size)}
    if bold is not None:
        items["b"] = {"val": int(bold)}
        items["bCs"] = {"val": int(bold)}
    if spacing is not None:
        items["spacing"] = {"val": spacing}
    if color:
        items["color"] = {"val": color}
    return items


def _style(root, kind: str, style_id: str, name: str, *, based_on: str | None = None,
           next_: str | None = None, default: bool = False, ppr: dict | None = None,
           rpr: dict | None = None) -> None:
    """Appends one w:style with its children in schema order."""
    attrs: dict[str, str | int] = {"type": kind, "styleId": style_id}
    if default:
        attrs["default"] = 1
    style = x.sub(root, "style", attrs)
    x.sub(style, "name", {"val": name})
    if based_on:
        x.sub(style, "basedOn", {"val": based_on})
    if next_:
        x.sub(style, "next", {"val": next_})
    x.sub(style, "qFormat")
    if ppr:
        x.props(style, "pPr", x.PPR_ORDER, ppr)
    if rpr:
        x.props(style, "rPr", x.RPR_ORDER, rpr)


_SETTINGS = f"""<w:settings xmlns:w="{x.W_NS}">
  <w:zoom w:percent="100"/>
  <w:defaultTabStop w:val="420"/>
  <w:evenAndOddHeaders/>
  <w:characterSpacingControl w:val="doNotCompress"/>
  <w:compat>
    <w:useFELayout/>
    <w:compatSetting w:name="compatibilityMode" w:uri="http://schemas.microsoft.com/office/word" w:val="15"/>
    <w:compatSetting w:name="overrideTableStyleFontSizeAndJustification" w:uri="http://schemas.microsoft.com/office/word" w:val="1"/>
    <w:compatSetting w:name="enableOpenTypeFeatures" w:uri="http://schemas.microsoft.com/office/word" w:val="1"/>
    <w:compatSetting w:name="doNotFlipMirrorIndents" w:uri="http://schemas.microsoft.com/office/word" w:val="1"/>
  </w:compat>
  <w:themeFontLang w:val="en-US" w:eastAsia="zh-CN"/>
  <w:clrSchemeMapping w:bg1="light1" w:t1="dark1" w:bg2="light2" w:t2="dark2" w:accent1="accent1" w:accent2="accent2" w:accent3="accent3" w:accent4="accent4" w:accent5="accent5" w:accent6="accent6" w:hyperlink="hyperlink" w:followedHyperlink="followedHyperlink"/>
  <w:decimalSymbol w:val="."/>
  <w:listSeparator w:val=","/>
</w:settings>"""


def install_settings(root) -> None:
    """Replaces settings.xml's content: odd/even footers, no rsids, no punctuation compression."""
    for child in list(root):
        root.remove(child)
    for child in list(x.parse(_SETTINGS)):
        root.append(child)


def font_table(profile: Profile) -> bytes:
    """fontTable.xml naming every face used, with `w:altName` fallbacks for the CJK ones."""
    root = etree.Element(x.w("fonts"), nsmap={"w": x.W_NS})
    for name in profile.fonts():
        font = x.sub(root, "font", {"name": name})
        cjk = any(ord(c) > 127 for c in name)
        alt = ALT_NAMES.get(name) or (name[: -len("_GB2312")] if name.endswith("_GB2312") else "")
        if alt:
            x.sub(font, "altName", {"val": alt})
        x.sub(font, "charset", {"val": "86" if cjk else "00"})
        x.sub(font, "family", {"val": "auto" if cjk else "roman"})
        x.sub(font, "pitch", {"val": "variable"})
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)
