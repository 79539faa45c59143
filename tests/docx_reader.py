"""The one reader of generated .docx files for the tests (test_layout*.py and
test_format_conformance.py; conformance.py adds the schema-order check).

Everything here works on the raw OOXML (zipfile + lxml), independently of the layout code:
style inheritance is resolved the way Word does it (direct formatting ← character style ←
paragraph style and its basedOn chain ← table style ← docDefaults), and paragraphs get a role
(title, heading, body, 署名 …) from their text and styles.
"""

from __future__ import annotations

import io
import posixpath
import re
import zipfile
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path

from lxml import etree

W_NS = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
R_NS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
WP_NS = "http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing"
A_NS = "http://schemas.openxmlformats.org/drawingml/2006/main"
PKG_REL_NS = "http://schemas.openxmlformats.org/package/2006/relationships"
CT_NS = "http://schemas.openxmlformats.org/package/2006/content-types"
M_NS = "http://schemas.openxmlformats.org/officeDocument/2006/math"
SL_NS = "http://schemas.openxmlformats.org/schemaLibrary/2006/main"
#: Prefixes for find/xpath: w, r, wp, a; rel and ct for the package parts; dc, dcterms for core.xml.
NS = {"w": W_NS, "r": R_NS, "wp": WP_NS, "a": A_NS, "rel": PKG_REL_NS, "ct": CT_NS,
      "dc": "http://purl.org/dc/elements/1.1/", "dcterms": "http://purl.org/dc/terms/"}

MM_TWIPS = 1440 / 25.4          # twips per millimetre (≈ 56.693)
MM_EMU = 36000                  # EMU per millimetre
TWIP_EMU = 635                  # EMU per twip


def w(tag: str) -> str:
    """Clark name of a WordprocessingML element or attribute."""
    return f"{{{W_NS}}}{tag}"


def local(el) -> str:
    return etree.QName(el).localname


def is_w(el) -> bool:
    return isinstance(el.tag, str) and etree.QName(el).namespace == W_NS


def on(el) -> bool | None:
    """Value of an on/off element (w:b, w:widowControl …); None when the element is absent."""
    if el is None:
        return None
    val = el.get(w("val"))
    return val is None or val.lower() not in ("0", "false", "off")


def attrs(el) -> dict[str, str]:
    """The attributes of `el` by local name."""
    return {etree.QName(k).localname: v for k, v in el.attrib.items()}


# ----------------------------------------------------------------------------------------------
# Text
# ----------------------------------------------------------------------------------------------

def text_of(el) -> str:
    """Visible text of a paragraph (or any element): w:t, tabs as \\t; deleted text excluded."""
    out = []
    for node in el.iter(w("t"), w("tab"), w("br"), w("noBreakHyphen")):
        if any(local(a) == "del" for a in node.iterancestors()):
            continue
        if node.tag == w("t"):
            out.append(node.text or "")
        elif node.tag == w("tab") and local(node.getparent()) == "r":
            out.append("\t")
        elif node.tag == w("noBreakHyphen"):
            out.append("-")
    return "".join(out)


def text_width(s: str) -> float:
    """Width in 字: a full-width character is 1, an ASCII character ½."""
    return sum(0.5 if ord(c) < 128 else 1.0 for c in s)


CN_DIGITS = {"零": 0, "〇": 0, "一": 1, "二": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7,
             "八": 8, "九": 9}


def cn_number(s: str) -> int:
    """一 … 九十九 → int."""
    if s == "十":
        return 10
    if "十" in s:
        tens, _, ones = s.partition("十")
        return (CN_DIGITS[tens] if tens else 1) * 10 + (CN_DIGITS[ones] if ones else 0)
    return CN_DIGITS[s]


# ----------------------------------------------------------------------------------------------
# The package
# ----------------------------------------------------------------------------------------------

@dataclass
class Rel:
    id: str
    type: str
    target: str
    external: bool
    part: str          # resolved part name inside the zip ("" for external targets)


class Docx:
    """A .docx (a file, or the bytes render_docx returns) read with zipfile; XML parts parsed
    on demand and kept (the tests only read them)."""

    def __init__(self, source: bytes | str | Path, label: str = ""):
        if isinstance(source, bytes):
            self.path, self.data = None, source
        else:
            self.path = Path(source)
            self.data = self.path.read_bytes()
        self.label = label or (self.path.name if self.path else "rendered")
        with zipfile.ZipFile(io.BytesIO(self.data)) as z:
            self.infos = z.infolist()
            self.names = [i.filename for i in self.infos]
            self.parts = {n: z.read(n) for n in self.names if not n.endswith("/")}
        self._xml: dict[str, etree._Element] = {}

    def __repr__(self) -> str:
        return f"Docx({self.label})"

    def xml(self, name: str):
        if name not in self._xml:
            self._xml[name] = etree.fromstring(self.parts[name])
        return self._xml[name]

    # relationships -----------------------------------------------------------------------------
    def rels(self, part: str) -> list[Rel]:
        """Relationships of `part` ("" for the package)."""
        folder, base = posixpath.split(part)
        name = "_rels/.rels" if part == "" else posixpath.join(folder, "_rels", base + ".rels")
        if name not in self.parts:
            return []
        out = []
        for r in self.xml(name):
            if local(r) != "Relationship":
                continue
            target = r.get("Target", "")
            external = r.get("TargetMode") == "External"
            resolved = ""
            if not external:
                if target.startswith("/"):
                    resolved = target.lstrip("/")
                else:
                    resolved = posixpath.normpath(posixpath.join(folder, target))
            out.append(Rel(r.get("Id", ""), r.get("Type", ""), target, external, resolved))
        return out

    @cached_property
    def main_part(self) -> str:
        for r in self.rels(""):
            if r.type.endswith("/officeDocument"):
                return r.part
        return "word/document.xml"

    @cached_property
    def document(self):
        return self.xml(self.main_part)

    @cached_property
    def body(self):
        return self.document.find(w("body"))

    def related(self, rel_type_suffix: str) -> list[str]:
        return [r.part for r in self.rels(self.main_part) if r.type.endswith(rel_type_suffix)]

    @cached_property
    def styles_root(self):
        parts = self.related("/styles")
        return self.xml(parts[0]) if parts else None

    @cached_property
    def settings(self):
        parts = self.related("/settings")
        return self.xml(parts[0]) if parts else None

    @cached_property
    def font_table(self):
        parts = self.related("/fontTable")
        return self.xml(parts[0]) if parts else None

    @cached_property
    def styles(self) -> Styles:
        return Styles(self.styles_root)

    @cached_property
    def sections(self) -> list:
        """Every w:sectPr of the body (in paragraphs and the final one)."""
        return [s for s in self.body.iter(w("sectPr"))]

    @cached_property
    def final_section(self):
        return self.body.find(w("sectPr"))

    def header_footer_parts(self) -> list[str]:
        return self.related("/footer") + self.related("/header")

    def footer_for(self, sect, kind: str):
        """(part name, root) of the footer of type `kind` referenced by `sect`, or None."""
        rels = {r.id: r for r in self.rels(self.main_part)}
        for ref in sect.findall(w("footerReference")):
            if ref.get(w("type"), "default") == kind:
                rel = rels.get(ref.get(f"{{{R_NS}}}id"))
                if rel and rel.part in self.parts:
                    return rel.part, self.xml(rel.part)
        return None

    def footers(self) -> list[tuple[str, str, object]]:
        """(type, part, root) of every footer referenced by the sections."""
        out = []
        for sect in self.sections:
            for ref in sect.findall(w("footerReference")):
                kind = ref.get(w("type"), "default")
                found = self.footer_for(sect, kind)
                if found:
                    out.append((kind, *found))
        return out

    def xml_parts(self) -> list[str]:
        return [n for n in self.parts if n.endswith(".xml") or n.endswith(".rels")]

    def word_parts(self) -> list[str]:
        """document.xml, styles.xml, settings, font table and every header/footer."""
        names = [self.main_part, *self.related("/styles"), *self.related("/settings"),
                 *self.related("/fontTable"), *self.related("/numbering"),
                 *self.header_footer_parts()]
        return [n for n in dict.fromkeys(names) if n in self.parts]

    # paragraphs and formatting ----------------------------------------------------------------
    def paragraphs(self) -> list:
        """The top-level w:p of the body, in order (not those in tables)."""
        return self.body.findall(w("p"))

    def find_p(self, text: str):
        """The first top-level paragraph whose visible text is `text`."""
        found = [p for p in self.paragraphs() if text_of(p) == text]
        assert found, f"{self.label}: no paragraph 「{text}」"
        return found[0]

    def runs(self, paragraphs):
        """(paragraph, run, effective RunProps) of every text run of `paragraphs` (w:p)."""
        for p in paragraphs:
            for r in text_runs(p):
                yield p, r, self.fmt.run_props(r, p)

    def style_of(self, p) -> str | None:
        """The paragraph style id of `p` (the default paragraph style when it names none)."""
        return self.fmt.para_style(p)

    def style_value(self, sid: str, path: str, attr: str = "val") -> str | None:
        """`attr` of the property at `path` ("pPr/spacing", "rPr/rFonts" …) of style `sid`,
        resolved through its basedOn chain and docDefaults."""
        assert sid in self.styles.by_id, f"{self.label}: no style {sid!r}"
        kind, tag = path.split("/")
        layers = self.fmt.style_ppr_layers(sid) if kind == "pPr" else self.fmt.style_rpr_layers(sid)
        return (self.fmt.merged(layers, tag) or {}).get(attr)

    @cached_property
    def fmt(self) -> Resolver:
        return Resolver(self.styles)

    @cached_property
    def layout(self) -> Layout:
        return Layout(self)


# ----------------------------------------------------------------------------------------------
# Styles and effective formatting
# ----------------------------------------------------------------------------------------------

class Styles:
    def __init__(self, root):
        self.root = root
        self.by_id: dict[str, object] = {}
        self.defaults: dict[str, str] = {}
        if root is None:
            self.rpr_default = self.ppr_default = None
            return
        for s in root.findall(w("style")):
            sid = s.get(w("styleId"))
            self.by_id[sid] = s
            if s.get(w("default")) in ("1", "true", "on"):
                self.defaults.setdefault(s.get(w("type"), "paragraph"), sid)
        self.rpr_default = root.find(f"{w('docDefaults')}/{w('rPrDefault')}/{w('rPr')}")
        self.ppr_default = root.find(f"{w('docDefaults')}/{w('pPrDefault')}/{w('pPr')}")

    def chain(self, sid: str | None) -> list:
        """The style and its basedOn ancestors, nearest first."""
        out, seen = [], set()
        while sid and sid in self.by_id and sid not in seen:
            seen.add(sid)
            s = self.by_id[sid]
            out.append(s)
            based = s.find(w("basedOn"))
            sid = based.get(w("val")) if based is not None else None
        return out

    def name(self, sid: str | None) -> str:
        s = self.by_id.get(sid)
        if s is None:
            return ""
        n = s.find(w("name"))
        return n.get(w("val"), "") if n is not None else ""

    def by_name(self, name: str) -> str | None:
        for sid in self.by_id:
            if self.name(sid).lower() == name.lower():
                return sid
        return None


def _nearest_table(el):
    for a in el.iterancestors(w("tbl")):
        return a
    return None


class Resolver:
    """Effective paragraph and run properties."""

    def __init__(self, styles: Styles):
        self.styles = styles

    # which styles apply --------------------------------------------------------------------
    def para_style(self, p) -> str | None:
        ps = p.find(f"{w('pPr')}/{w('pStyle')}")
        if ps is not None:
            return ps.get(w("val"))
        return self.styles.defaults.get("paragraph")

    def table_style(self, el) -> str | None:
        tbl = _nearest_table(el)
        if tbl is None:
            return None
        ts = tbl.find(f"{w('tblPr')}/{w('tblStyle')}")
        return ts.get(w("val")) if ts is not None else self.styles.defaults.get("table")

    def char_style(self, r) -> str | None:
        rs = r.find(f"{w('rPr')}/{w('rStyle')}")
        if rs is not None:
            return rs.get(w("val"))
        return None

    # layers, most specific first ---------------------------------------------------------------
    def _style_layers(self, sid, tag):
        return [s.find(w(tag)) for s in self.styles.chain(sid) if s.find(w(tag)) is not None]

    def _layers(self, direct, sids, tag: str) -> list:
        """`direct` (if any), the `tag` of each style chain in `sids`, then docDefaults."""
        layers = [direct] if direct is not None else []
        for sid in sids:
            layers += self._style_layers(sid, tag)
        default = self.styles.ppr_default if tag == "pPr" else self.styles.rpr_default
        return layers + ([default] if default is not None else [])

    def ppr_layers(self, p) -> list:
        return self._layers(p.find(w("pPr")), [self.para_style(p), self.table_style(p)], "pPr")

    def style_ppr_layers(self, sid) -> list:
        return self._layers(None, [sid], "pPr")

    def rpr_layers(self, r, p) -> list:
        return self._layers(r.find(w("rPr")),
                            [self.char_style(r), self.para_style(p), self.table_style(p)], "rPr")

    def style_rpr_layers(self, sid) -> list:
        return self._layers(None, [sid], "rPr")

    # merging -----------------------------------------------------------------------------------
    @staticmethod
    def merged(layers, tag: str) -> dict[str, str] | None:
        """Attribute-wise merge of child `tag` over the layers (nearest wins); None if absent.

        w:ind: a level that sets firstLine cancels an inherited hanging and vice versa.
        """
        found = False
        acc: dict[str, str] = {}
        for layer in reversed(layers):
            el = layer.find(w(tag))
            if el is None:
                continue
            found = True
            a = attrs(el)
            if tag == "ind":
                if "firstLine" in a or "hanging" in a:
                    acc.pop("firstLine", None)
                    acc.pop("hanging", None)
                if "firstLineChars" in a or "hangingChars" in a:
                    acc.pop("firstLineChars", None)
                    acc.pop("hangingChars", None)
            acc.update(a)
        return acc if found else None

    @staticmethod
    def nearest(layers, tag: str):
        """The nearest element `tag` over the layers (for on/off and single-value properties)."""
        for layer in layers:
            el = layer.find(w(tag))
            if el is not None:
                return el
        return None

    def p_merged(self, p, tag):
        return self.merged(self.ppr_layers(p), tag)

    def p_flag(self, p, tag) -> bool | None:
        return on(self.nearest(self.ppr_layers(p), tag))

    def toggle(self, r, p, tag: str) -> bool:
        """A toggle property (w:b, w:i): direct formatting is absolute; the paragraph style
        chain and the character style chain toggle each other (ECMA-376 17.7.3)."""
        direct = r.find(w("rPr"))
        if direct is not None and direct.find(w(tag)) is not None:
            return bool(on(direct.find(w(tag))))
        cs = on(self.nearest(self._style_layers(self.char_style(r), "rPr"), tag))
        ps = on(self.nearest(self._style_layers(self.para_style(p), "rPr")
                             + self._style_layers(self.table_style(p), "rPr"), tag))
        if cs is not None and ps is not None:
            return cs != ps
        if cs is not None:
            return cs
        if ps is not None:
            return ps
        if self.styles.rpr_default is not None:
            return bool(on(self.styles.rpr_default.find(w(tag))))
        return False

    def run_props(self, r, p) -> RunProps:
        return self._run_props(self.rpr_layers(r, p), self.toggle(r, p, "b"))

    def style_run_props(self, sid) -> RunProps:
        layers = self.style_rpr_layers(sid)
        return self._run_props(layers, bool(on(self.nearest(layers, "b"))))

    @classmethod
    def _run_props(cls, layers, bold: bool) -> RunProps:
        fonts = cls.merged(layers, "rFonts") or {}
        sz = (cls.merged(layers, "sz") or {}).get("val")
        spacing = (cls.merged(layers, "spacing") or {}).get("val")
        color = cls.merged(layers, "color") or {}
        return RunProps(
            east_asia=fonts.get("eastAsia"), ascii=fonts.get("ascii"), h_ansi=fonts.get("hAnsi"),
            themes={k: v for k, v in fonts.items() if k.lower().endswith("theme")},
            sz=int(sz) if sz is not None else 20, spacing=int(spacing) if spacing else 0,
            bold=bold, color=color.get("val", "auto"), theme_color=color.get("themeColor"),
        )


@dataclass
class RunProps:
    east_asia: str | None
    ascii: str | None
    h_ansi: str | None
    themes: dict
    sz: int            # half-points
    spacing: int       # twentieths of a point
    bold: bool
    color: str
    theme_color: str | None

    def describe(self) -> str:
        return (f"eastAsia={self.east_asia!r} ascii={self.ascii!r} sz={self.sz} "
                f"spacing={self.spacing} bold={self.bold} color={self.color}")


def text_runs(p):
    """The runs of a paragraph that carry text (deleted runs excluded)."""
    out = []
    for r in p.iter(w("r")):
        if any(local(a) == "del" for a in r.iterancestors()):
            continue
        if any(t.text for t in r.findall(w("t"))):
            out.append(r)
    return out


# ----------------------------------------------------------------------------------------------
# Paragraph roles
# ----------------------------------------------------------------------------------------------

HEADING_NAME = re.compile(r"^heading\s*([1-9])$", re.I)
CAPTION_TEXT = re.compile(r"^[图表]\s*\d+")
DATE_LOOSE = re.compile(r"^\s*[0-9０-９〇零一二三四五六七八九十]{2,4}\s*年.{1,4}月.{1,4}日\s*$")
ATTACH_LABEL = re.compile(r"^附件\s*[0-9０-９]*$")
ATTACH_NOTE = re.compile(r"^附件\s*[:：]")


@dataclass
class Para:
    el: object
    pos: int               # position among the body's block elements
    text: str
    role: str = "body"
    level: int = 0         # heading level 1-4
    style: str | None = None
    style_name: str = ""

    def where(self) -> str:
        t = self.text if len(self.text) <= 30 else self.text[:30] + "…"
        return f"[{self.role} #{self.pos}] 「{t}」"


@dataclass
class Layout:
    """Top-level blocks of the body with a role each."""

    doc: Docx
    paras: list[Para] = field(default_factory=list)
    tables: list = field(default_factory=list)       # data tables (not the 版记)
    records: list = field(default_factory=list)      # 版记 tables
    blocks: list = field(default_factory=list)       # every top-level block element, in order

    def __post_init__(self):
        doc = self.doc
        fmt = doc.fmt
        styles = doc.styles
        for pos, el in enumerate(b for b in doc.body if is_w(b) and local(b) != "sectPr"):
            self.blocks.append(el)
            if local(el) == "tbl":
                cells = [text_of(p).strip() for p in el.iter(w("p"))]
                if any(c.startswith("抄送") or c.endswith("印发") for c in cells):
                    self.records.append(el)
                else:
                    self.tables.append(el)
                continue
            if local(el) != "p":
                continue
            sid = fmt.para_style(el)
            name = styles.name(sid)
            para = Para(el, pos, text_of(el), style=sid, style_name=name)
            outline = fmt.merged(fmt.ppr_layers(el), "outlineLvl")
            heading = HEADING_NAME.match(name)
            if name.lower() == "title":
                para.role = "title"
            elif heading or (outline and outline.get("val", "9").isdigit()
                             and int(outline["val"]) < 4):
                para.role = "heading"
                para.level = int(heading.group(1)) if heading else int(outline["val"]) + 1
            elif el.find(f".//{w('drawing')}") is not None or el.find(f".//{w('pict')}") is not None:
                para.role = "figure"
            elif name.lower() == "caption" or CAPTION_TEXT.match(para.text):
                para.role = "caption"
            elif not para.text.strip():
                para.role = "blank"
            self.paras.append(para)

        titles = [p for p in self.paras if p.role == "title"]
        first_title = titles[0].pos if titles else 0
        for p in self.paras:
            if p.pos < first_title:
                p.role = "masthead"
        # 成文日期, 署名, 附件说明, 附件
        self.date = next((p for p in self.paras if p.role == "body"
                          and DATE_LOOSE.match(p.text)), None)
        self.signature = None
        if self.date is not None:
            self.date.role = "date"
            before = [p for p in self.paras if p.pos < self.date.pos and p.role != "blank"]
            if before and before[-1].role == "body":
                self.signature = before[-1]
                self.signature.role = "signature"
        note = next((p for p in self.paras if p.role == "body" and ATTACH_NOTE.match(p.text)),
                    None)
        self.attachment_notes = []
        if note is not None:
            end = self.signature.pos if self.signature else len(self.blocks)
            for p in self.paras:
                if note.pos <= p.pos < end and p.role == "body":
                    p.role = "attachment_note"
                    self.attachment_notes.append(p)
        self.attachment_labels = []
        after = self.date.pos if self.date else -1
        for p in self.paras:
            if p.pos > after and p.role == "body" and ATTACH_LABEL.match(p.text.strip()):
                p.role = "attachment_label"
                self.attachment_labels.append(p)

    def role(self, *roles: str) -> list[Para]:
        return [p for p in self.paras if p.role in roles]

    @property
    def headings(self) -> list[Para]:
        return self.role("heading")

    def prev_block(self, el):
        i = self.blocks.index(el)
        return self.blocks[i - 1] if i > 0 else None

    def next_block(self, el):
        i = self.blocks.index(el)
        return self.blocks[i + 1] if i + 1 < len(self.blocks) else None

    def para_of(self, el) -> Para | None:
        return next((p for p in self.paras if p.el is el), None)
