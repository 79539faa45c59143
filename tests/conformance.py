"""The ECMA-376 schema-order check of a generated .docx (test_format_conformance.py,
output/test_regen.py, output/test_revisions.py): the child orders of ECMA-376 Part 1 (transitional schema
wml.xsd) written out, and `order_problems`, which lists the children that are out of order,
unknown or repeated. Reading the .docx itself is tests/docx_reader.py's.
"""

from __future__ import annotations

from lxml import etree

from tests.docx_reader import M_NS, SL_NS, W_NS, is_w, local


def _ranks(*items) -> dict[str, int]:
    """Element name → rank; a tuple groups names that share a rank (an xsd:choice)."""
    out = {}
    for rank, item in enumerate(items):
        for name in (item if isinstance(item, tuple) else (item,)):
            out[name] = rank
    return out


PPR_BASE = (
    "pStyle", "keepNext", "keepLines", "pageBreakBefore", "framePr", "widowControl", "numPr",
    "suppressLineNumbers", "pBdr", "shd", "tabs", "suppressAutoHyphens", "kinsoku", "wordWrap",
    "overflowPunct", "topLinePunct", "autoSpaceDE", "autoSpaceDN", "bidi", "adjustRightInd",
    "snapToGrid", "spacing", "ind", "contextualSpacing", "mirrorIndents", "suppressOverlap", "jc",
    "textDirection", "textAlignment", "textboxTightWrap", "outlineLvl", "divId", "cnfStyle",
)
RPR_BASE = (
    "rStyle", "rFonts", "b", "bCs", "i", "iCs", "caps", "smallCaps", "strike", "dstrike",
    "outline", "shadow", "emboss", "imprint", "noProof", "snapToGrid", "vanish", "webHidden",
    "color", "spacing", "w", "kern", "position", "sz", "szCs", "highlight", "u", "effect", "bdr",
    "shd", "fitText", "vertAlign", "rtl", "cs", "em", "lang", "eastAsianLayout", "specVanish",
    "oMath",
)
#: w:pPr of a paragraph (CT_PPr) and of a style / docDefaults (CT_PPrGeneral, no rPr/sectPr).
PPR = _ranks(*PPR_BASE, "rPr", "sectPr", "pPrChange")
PPR_GENERAL = _ranks(*PPR_BASE, "pPrChange")
#: w:rPr of a run (CT_RPr) and of a paragraph mark (CT_ParaRPr: revision marks first).
RPR = _ranks(*RPR_BASE, "rPrChange")
PARA_RPR = _ranks("ins", "del", "moveFrom", "moveTo", *RPR_BASE, "rPrChange")
SECTPR = _ranks(
    ("headerReference", "footerReference"), "footnotePr", "endnotePr", "type", "pgSz", "pgMar",
    "paperSrc", "pgBorders", "lnNumType", "pgNumType", "cols", "formProt", "vAlign", "noEndnote",
    "titlePg", "textDirection", "bidi", "rtlGutter", "docGrid", "printerSettings", "sectPrChange",
)
TBLPR = _ranks(
    "tblStyle", "tblpPr", "tblOverlap", "bidiVisual", "tblStyleRowBandSize",
    "tblStyleColBandSize", "tblW", "jc", "tblCellSpacing", "tblInd", "tblBorders", "shd",
    "tblLayout", "tblCellMar", "tblLook", "tblCaption", "tblDescription", "tblPrChange",
)
#: CT_TrPrBase is an unbounded xsd:choice (any order); CT_TrPr appends ins, del, trPrChange.
TRPR = _ranks(
    ("cnfStyle", "divId", "gridBefore", "gridAfter", "wBefore", "wAfter", "cantSplit",
     "trHeight", "tblHeader", "tblCellSpacing", "jc", "hidden"), "ins", "del", "trPrChange",
)
TCPR = _ranks(
    "cnfStyle", "tcW", "gridSpan", "hMerge", "vMerge", "tcBorders", "shd", "noWrap", "tcMar",
    "textDirection", "tcFitText", "vAlign", "hideMark", "headers", "cellIns", "cellDel",
    "cellMerge", "tcPrChange",
)
PBDR = _ranks("top", "left", "bottom", "right", "between", "bar")
TBL_BORDERS = _ranks("top", ("left", "start"), "bottom", ("right", "end"), "insideH", "insideV")
TC_BORDERS = _ranks("top", ("left", "start"), "bottom", ("right", "end"), "insideH", "insideV",
                    "tl2br", "tr2bl")
CELL_MAR = _ranks("top", ("left", "start"), "bottom", ("right", "end"))
STYLE = _ranks(
    "name", "aliases", "basedOn", "next", "link", "autoRedefine", "hidden", "uiPriority",
    "semiHidden", "unhideWhenUsed", "qFormat", "locked", "personal", "personalCompose",
    "personalReply", "rsid", "pPr", "rPr", "tblPr", "trPr", "tcPr", "tblStylePr",
)
STYLES = _ranks("docDefaults", "latentStyles", "style")
DOC_DEFAULTS = _ranks("rPrDefault", "pPrDefault")
FONT = _ranks("altName", "panose1", "charset", "family", "notTrueType", "pitch", "sig",
              "embedRegular", "embedBold", "embedItalic", "embedBoldItalic")
SETTINGS = _ranks(
    "writeProtection", "view", "zoom", "removePersonalInformation", "removeDateAndTime",
    "doNotDisplayPageBoundaries", "displayBackgroundShape", "printPostScriptOverText",
    "printFractionalCharacterWidth", "printFormsData", "embedTrueTypeFonts", "embedSystemFonts",
    "saveSubsetFonts", "saveFormsData", "mirrorMargins", "alignBordersAndEdges",
    "bordersDoNotSurroundHeader", "bordersDoNotSurroundFooter", "gutterAtTop",
    "hideSpellingErrors", "hideGrammaticalErrors", "activeWritingStyle", "proofState",
    "formsDesign", "attachedTemplate", "linkStyles", "stylePaneFormatFilter",
    "stylePaneSortMethod", "documentType", "mailMerge", "revisionView", "trackRevisions",
    "doNotTrackMoves", "doNotTrackFormatting", "documentProtection", "autoFormatOverride",
    "styleLockTheme", "styleLockQFSet", "defaultTabStop", "autoHyphenation",
    "consecutiveHyphenLimit", "hyphenationZone", "doNotHyphenateCaps", "showEnvelope",
    "summaryLength", "clickAndTypeStyle", "defaultTableStyle", "evenAndOddHeaders",
    "bookFoldRevPrinting", "bookFoldPrinting", "bookFoldPrintingSheets",
    "drawingGridHorizontalSpacing", "drawingGridVerticalSpacing",
    "displayHorizontalDrawingGridEvery", "displayVerticalDrawingGridEvery",
    "doNotUseMarginsForDrawingGridOrigin", "drawingGridHorizontalOrigin",
    "drawingGridVerticalOrigin", "doNotShadeFormData", "noPunctuationKerning",
    "characterSpacingControl", "printTwoOnOne", "strictFirstAndLastChars", "noLineBreaksAfter",
    "noLineBreaksBefore", "savePreviewPicture", "doNotValidateAgainstSchema", "saveInvalidXml",
    "ignoreMixedContent", "alwaysShowPlaceholderText", "doNotDemarcateInvalidXml",
    "saveXmlDataOnly", "useXSLTWhenSaving", "saveThroughXslt", "showXMLTags",
    "alwaysMergeEmptyNamespace", "updateFields", "hdrShapeDefaults", "footnotePr", "endnotePr",
    "compat", "docVars", "rsids", "mathPr", "attachedSchema", "themeFontLang",
    "clrSchemeMapping", "doNotIncludeSubdocsInStats", "doNotAutoCompressPictures",
    "forceUpgrade", "captions", "readModeInkLockDown", "smartTagType", "schemaLibrary",
    "shapeDefaults", "doNotEmbedSmartTags", "decimalSymbol", "listSeparator",
)
#: Elements that may occur more than once in their parent.
REPEATABLE = {"headerReference", "footerReference", "activeWritingStyle", "attachedSchema",
              "smartTagType", "cnfStyle", "divId", "gridBefore", "gridAfter", "wBefore", "wAfter",
              "cantSplit", "trHeight", "tblHeader", "tblCellSpacing", "jc", "hidden",
              "tblStylePr", "style"}
#: Container elements: the first rank holds the properties, unknown children are content.
CONTAINERS = {
    "p": ({"pPr": 0}, 1), "r": ({"rPr": 0}, 1), "tbl": ({"tblPr": 0, "tblGrid": 1}, 2),
    "tr": ({"tblPrEx": 0, "trPr": 1}, 2), "tc": ({"tcPr": 0}, 1), "body": ({"sectPr": 2}, 1),
}
#: Range markup that may appear anywhere in a container.
ANYWHERE = {"bookmarkStart", "bookmarkEnd", "commentRangeStart", "commentRangeEnd",
            "permStart", "permEnd", "proofErr", "moveFromRangeStart", "moveFromRangeEnd",
            "moveToRangeStart", "moveToRangeEnd"}


def order_for(el) -> dict[str, int] | None:
    """The rank table that applies to the children of `el`, or None when not checked."""
    name = local(el)
    parent = el.getparent()
    pname = local(parent) if parent is not None else ""
    if name == "pPr":
        return PPR if pname == "p" else PPR_GENERAL
    if name == "rPr":
        return PARA_RPR if pname == "pPr" else RPR
    table = {"sectPr": SECTPR, "tblPr": TBLPR, "trPr": TRPR, "tcPr": TCPR, "pBdr": PBDR,
             "tblBorders": TBL_BORDERS, "tcBorders": TC_BORDERS, "tblCellMar": CELL_MAR,
             "tcMar": CELL_MAR, "style": STYLE, "styles": STYLES, "docDefaults": DOC_DEFAULTS,
             "font": FONT, "settings": SETTINGS}
    return table.get(name)


def order_problems(root, part: str) -> list[str]:
    """Children out of schema order, unknown or repeated, under every checked element."""
    problems = []
    for el in root.iter():
        if not isinstance(el.tag, str):
            continue
        name = local(el)
        kids = [k for k in el if isinstance(k.tag, str)]
        if name in CONTAINERS and is_w(el):
            ranks, content = CONTAINERS[name]
            last = -1
            for k in kids:
                kn = local(k)
                if kn in ANYWHERE or not is_w(k):
                    continue
                rank = ranks.get(kn, content)
                if rank < last:
                    problems.append(f"{part}: <w:{kn}> after content in <w:{name}> "
                                    f"(line {k.sourceline})")
                last = max(last, rank)
            continue
        ranks = order_for(el) if is_w(el) or name in ("settings",) else None
        if ranks is None:
            continue
        last, seen = -1, set()
        for k in kids:
            kn = local(k)
            ns = etree.QName(k).namespace
            if ns not in (W_NS, M_NS, SL_NS):
                continue              # extension elements (w14 …) under mc:Ignorable
            if kn not in ranks:
                problems.append(f"{part}: <{kn}> is not allowed in <w:{name}> "
                                f"(line {k.sourceline})")
                continue
            if kn in seen and kn not in REPEATABLE:
                problems.append(f"{part}: <w:{kn}> repeated in <w:{name}> (line {k.sourceline})")
            seen.add(kn)
            if ranks[kn] < last:
                expected = [n for n, r in sorted(ranks.items(), key=lambda i: i[1])]
                present = [local(x) for x in kids if etree.QName(x).namespace == W_NS]
                problems.append(
                    f"{part}: <w:{kn}> out of order in <w:{name}> (line {k.sourceline}): "
                    f"found {present}, schema order {[n for n in expected if n in present]}")
            last = max(last, ranks[kn])
    return problems
