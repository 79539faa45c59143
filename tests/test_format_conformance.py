"""Independent conformance check of the generated documents against the format spec
docs/gbt9704.md (GB/T 9704-2012 《党政机关公文格式》 and its OOXML values).

Every check is derived from docs/gbt9704.md, not from the layout code or its tests, and reads
the .docx itself (zipfile + lxml, style inheritance resolved in tests/docx_reader.py; the
ECMA-376 schema orders in tests/conformance.py). This module owns the properties of the
finished document that the spec states; tests/test_layout.py checks how the layout package
gets there from given blocks. Documents:

* ``city`` and ``county``: the sample report (report.yaml) for 临江市 and 青石县;
* ``formal``: the city report with the optional 版头 and 版记 switched on (``header:``);
* ``redline``: a tracked-changes copy (only for the package / schema / revision checks).

Each assertion message starts with the section of docs/gbt9704.md it checks (§Page and grid,
§Structure …); the section names are that file's headings.
"""

from __future__ import annotations

import datetime as dt
import re
import shutil
from collections import Counter
from pathlib import Path

import pytest
import yaml

from tests.conformance import order_problems
from tests.docx_reader import (
    CT_NS,
    MM_EMU,
    MM_TWIPS,
    PKG_REL_NS,
    R_NS,
    TWIP_EMU,
    WP_NS,
    Docx,
    Para,
    cn_number,
    local,
    on,
    text_of,
    text_runs,
    text_width,
    w,
)

ROOT = Path(__file__).resolve().parents[1]
CITY, COUNTY = "临江市", "青石县"

# ---- values stated by docs/gbt9704.md ---------------------------------------------------------
A4 = (11906, 16838)
MARGINS = {"top": 2098, "left": 1587, "right": 1474, "bottom": 1984}
LINE = 579                      # exact line spacing and docGrid linePitch
CHAR_SPACING = -5               # w:spacing on 三号 runs
SZ = {"二号": 44, "三号": 32, "四号": 28}   # w:sz, half-points
TITLE_FONT = "方正小标宋简体"
BODY_FONT = "仿宋_GB2312"
HEADING_FONTS = {1: "黑体", 2: "楷体_GB2312", 3: "仿宋_GB2312", 4: "仿宋_GB2312"}
PAGE_NUMBER_FONT = "宋体"
TABLE_HEADER_FONT = "黑体"
RECORD_FONT = "仿宋_GB2312"
ONE_ZI_SIHAO = 280              # 1 字 at 四号 (page-number and 版记 indents)
FIGURE_MAX_EMU = 156 * MM_EMU   # 5,616,000: figures fit the 156 mm type width
BLACK = {"auto", "000000"}
EM_DASH = "\u2014"
IDEO_SPACE = "\u3000"

HEADING_FORMAT = {
    1: re.compile(r"^([一二三四五六七八九十]+)、(?!\s)"),
    2: re.compile(r"^（([一二三四五六七八九十]+)）(?![、.．])"),
    3: re.compile(r"^([1-9]\d*)\.(?!\d)(?!\s)"),
    4: re.compile(r"^（([1-9]\d*)）(?![、.．])"),
}
HEADING_EXAMPLE = {1: "一、", 2: "（一）", 3: "1.", 4: "（1）"}
DATE_STRICT = re.compile(r"^[1-9]\d{3}年(1[0-2]|[1-9])月(3[01]|[12]\d|[1-9])日$")


# ==============================================================================================
# Building the documents
# ==============================================================================================

def _copy_project(dst: Path) -> None:
    shutil.copy(ROOT / "report.yaml", dst / "report.yaml")
    shutil.copytree(ROOT / "data", dst / "data")
    shutil.copytree(ROOT / "templates", dst / "templates")


def _build(dst: Path, regions: list[str], **kwargs):
    from generator.build import build

    return build(dst / "report.yaml", regions, jobs=1, **kwargs)


def _config(dst: Path) -> dict:
    return yaml.safe_load((dst / "report.yaml").read_text(encoding="utf-8"))


def _expect(doc: Docx, cfg: dict, region: str) -> Docx:
    """What the document must say, from report.yaml."""
    date = cfg["date"]
    if isinstance(date, str):
        date = dt.date.fromisoformat(date)
    doc.region = region
    doc.title = cfg["title"].format(region=region, plan=cfg["plan"]["name"], year=cfg["year"])
    doc.organ = cfg["organ"].format(region=region, plan=cfg["plan"]["name"], year=cfg["year"])
    doc.date = f"{date.year}年{date.month}月{date.day}日"
    return doc


@pytest.fixture(scope="module")
def sample_docs(tmp_path_factory) -> dict[str, Docx]:
    """The sample city report and one county report, built once into a tmp copy."""
    tmp = tmp_path_factory.mktemp("gbt9704-sample")
    _copy_project(tmp)
    _build(tmp, [CITY, COUNTY])
    files = sorted(p for p in (tmp / "output").rglob("*.docx") if "修订稿" not in p.name)
    county = [p for p in files if COUNTY in p.name]
    city = [p for p in files if COUNTY not in p.name]
    assert len(city) == 1 and len(county) == 1, f"expected one city and one county .docx: {files}"
    cfg = _config(tmp)
    return {"city": _expect(Docx(city[0], "city"), cfg, CITY),
            "county": _expect(Docx(county[0], "county"), cfg, COUNTY)}


FORMAL_HEADER = """
header:
  issuer_mark: "中共{region}委组织部文件"
  doc_number: "临组〔2025〕5号"
  copy_to: "市委办公室，市人大常委会办公室，市政府办公室，市政协办公室"
  printer: "中共{region}委组织部办公室"
  print_date: "2025年12月20日"
"""


@pytest.fixture(scope="module")
def formal_doc(tmp_path_factory) -> Docx:
    """The city report as a formally issued document: 版头 and 版记 on."""
    tmp = tmp_path_factory.mktemp("gbt9704-formal")
    _copy_project(tmp)
    with open(tmp / "report.yaml", "a", encoding="utf-8") as f:
        f.write(FORMAL_HEADER)
    _build(tmp, [CITY])
    files = list((tmp / "output").rglob("*.docx"))
    assert len(files) == 1, files
    return _expect(Docx(files[0], "formal"), _config(tmp), CITY)


@pytest.fixture(scope="module")
def redline_doc(tmp_path_factory) -> Docx:
    """A tracked-changes copy: build, change a sentence of a template, rebuild with redline."""
    tmp = tmp_path_factory.mktemp("gbt9704-redline")
    _copy_project(tmp)
    _build(tmp, [CITY])
    tpl = tmp / "templates" / "40_closing.md.j2"
    old = "坚持目标不变、标准不降、力度不减"
    text = tpl.read_text(encoding="utf-8")
    assert old in text, f"fixture: the sentence to revise is no longer in {tpl.name}"
    tpl.write_text(text.replace(old, "坚持目标不变、力度不减、节奏不乱"), encoding="utf-8")
    _build(tmp, [CITY], redline=True)
    files = list((tmp / "output").rglob("*修订稿*.docx"))
    assert len(files) == 1, f"no tracked-changes document was written: {files}"
    return _expect(Docx(files[0], "redline"), _config(tmp), CITY)


DOCS = ["city", "county", "formal"]


def _get(request, name: str) -> Docx:
    if name == "formal":
        return request.getfixturevalue("formal_doc")
    if name == "redline":
        return request.getfixturevalue("redline_doc")
    return request.getfixturevalue("sample_docs")[name]


@pytest.fixture(params=DOCS)
def doc(request) -> Docx:
    return _get(request, request.param)


@pytest.fixture(params=[*DOCS, "redline"])
def any_doc(request) -> Docx:
    return _get(request, request.param)


@pytest.fixture
def formal(formal_doc) -> Docx:
    return formal_doc


# ==============================================================================================
# Helpers
# ==============================================================================================

def fail_list(problems: list[str], head: str, limit: int = 12) -> str:
    more = f"\n  … and {len(problems) - limit} more" if len(problems) > limit else ""
    return f"{head} ({len(problems)} problems):\n  " + "\n  ".join(problems[:limit]) + more


def zi(doc: Docx, p: Para) -> tuple[int, int]:
    """(size, spacing) of the paragraph's text: its first text run, or its style."""
    runs = text_runs(p.el)
    rp = doc.fmt.run_props(runs[0], p.el) if runs else doc.fmt.style_run_props(p.style)
    return rp.sz, rp.spacing


def two_zi(sz: int, spacing: int) -> set[int]:
    """2 字 in twips: twice the character advance (with and without the −0.25 pt spacing)."""
    return {2 * (sz * 10 + spacing), 2 * sz * 10}


def type_width(doc: Docx, sect=None) -> int:
    sect = sect if sect is not None else doc.final_section
    pg, mar = sect.find(w("pgSz")), sect.find(w("pgMar"))
    return int(pg.get(w("w"))) - int(mar.get(w("left"))) - int(mar.get(w("right")))


def type_height(doc: Docx, sect=None) -> int:
    sect = sect if sect is not None else doc.final_section
    pg, mar = sect.find(w("pgSz")), sect.find(w("pgMar"))
    return int(pg.get(w("h"))) - int(mar.get(w("top"))) - int(mar.get(w("bottom")))


def jc(doc: Docx, p) -> str:
    m = doc.fmt.p_merged(p, "jc")
    return (m or {}).get("val", "left")


def twips(m: dict | None, key: str) -> int:
    return int((m or {}).get(key, 0) or 0)


def lined_paragraphs(doc: Docx) -> list[Para]:
    """Paragraphs set on the 22-line grid: body, headings, blank lines, 署名, date, 附件说明."""
    return doc.layout.role("body", "heading", "blank", "signature", "date", "attachment_note",
                           "attachment_label")


def body_paragraphs(doc: Docx) -> list[Para]:
    return doc.layout.role("body")


def all_paragraphs(doc: Docx):
    """Every w:p of document.xml (tables included)."""
    return list(doc.body.iter(w("p")))


def masthead_elements(doc: Docx) -> set:
    return {p.el for p in doc.layout.role("masthead")}


def in_masthead(doc: Docx, el) -> bool:
    heads = masthead_elements(doc)
    return el in heads or any(a in heads for a in el.iterancestors())


def footer_paragraphs(doc: Docx) -> list[tuple[str, str, object]]:
    """(type, part, w:p) of every paragraph of the footers the sections reference."""
    return [(kind, part, p) for kind, part, root in doc.footers() for p in root.iter(w("p"))]


# ==============================================================================================
# Page and grid
# ==============================================================================================

def test_page_size_is_a4_portrait(doc):
    for sect in doc.sections:
        pg = sect.find(w("pgSz"))
        assert pg is not None, "§Page and grid: A4 — w:pgSz missing from w:sectPr"
        found = (int(pg.get(w("w"))), int(pg.get(w("h"))))
        assert found == A4, f"§Page and grid: A4 portrait pgSz w=11906 h=16838; found {found}"
        assert pg.get(w("orient"), "portrait") == "portrait", \
            f"§Page and grid: portrait; found orient={pg.get(w('orient'))}"


def test_margins(doc):
    for sect in doc.sections:
        mar = sect.find(w("pgMar"))
        assert mar is not None, "§Page and grid: margins — w:pgMar missing"
        found = {k: int(mar.get(w(k))) for k in MARGINS}
        assert found == MARGINS, (
            f"§Page and grid: margins top 37 mm (2098), left 28 mm (1587), right 26 mm (1474), "
            f"bottom 35 mm (1984); found {found}")
        assert int(mar.get(w("gutter"), "0")) == 0, "§Page and grid: no gutter (type area 156 mm)"


def test_type_area_is_156_by_225_mm(doc):
    for sect in doc.sections:
        width_mm = type_width(doc, sect) / MM_TWIPS
        height_mm = type_height(doc, sect) / MM_TWIPS
        assert abs(width_mm - 156) < 0.5 and abs(height_mm - 225) < 0.5, (
            f"§Page and grid: type area 156 × 225 mm; found {width_mm:.2f} × {height_mm:.2f} mm")


def test_doc_grid_lines_579(doc):
    for sect in doc.sections:
        grid = sect.find(w("docGrid"))
        assert grid is not None, "§Page and grid: docGrid type=lines linePitch=579 — missing"
        found = (grid.get(w("type")), grid.get(w("linePitch")))
        assert found == ("lines", str(LINE)), (
            f"§Page and grid: docGrid type=\"lines\" linePitch=\"579\" (not linesAndChars); "
            f"found type={found[0]} linePitch={found[1]}")
        assert grid.get(w("charSpace")) is None, (
            f"§Page and grid: no charSpace on the docGrid (it breaks LibreOffice); found "
            f"charSpace={grid.get(w('charSpace'))}")


def test_grid_gives_22_lines_of_28_characters(doc):
    """[derived] 22 × 579 ≤ type height < 23 × 579; 28 characters of 三号 −0.25 pt fit, 29 not."""
    for sect in doc.sections:
        h, wd = type_height(doc, sect), type_width(doc, sect)
        assert 22 * LINE <= h < 23 * LINE, \
            f"§Page and grid: 22 lines per page: 22×579={22 * LINE} ≤ {h} < {23 * LINE}"
        advance = SZ["三号"] * 10 + CHAR_SPACING
        assert 28 * advance <= wd < 29 * advance, (
            f"§Page and grid: 28 characters per line: 28×{advance}={28 * advance} ≤ {wd} "
            f"< {29 * advance}")


def test_exact_line_spacing_579(doc):
    problems = []
    for p in lined_paragraphs(doc):
        sp = doc.fmt.p_merged(p.el, "spacing") or {}
        if (sp.get("line"), sp.get("lineRule")) != (str(LINE), "exact"):
            problems.append(f"{p.where()}: line={sp.get('line')} lineRule={sp.get('lineRule')}")
    assert not problems, fail_list(
        problems, "§Page and grid: exact line spacing 579 (lineRule=exact) on body paragraphs, "
                  "headings and blank lines")


def test_sanhao_runs_have_character_spacing_minus_5(doc):
    problems = [f"「{text_of(pel)[:20]}」 run 「{text_of(r)[:10]}」: spacing={rp.spacing}"
                for pel, r, rp in doc.runs(all_paragraphs(doc))
                if rp.sz == SZ["三号"] and rp.spacing != CHAR_SPACING]
    assert not problems, fail_list(
        problems, "§Page and grid: 三号 runs get w:spacing w:val=\"-5\" (28 characters per line)")


def test_body_first_line_indent_is_2_zi_in_twips(doc):
    problems = []
    for p in body_paragraphs(doc):
        ind = doc.fmt.p_merged(p.el, "ind") or {}
        want = two_zi(*zi(doc, p))
        if "firstLine" not in ind:
            problems.append(f"{p.where()}: no w:firstLine (ind={ind})")
        elif int(ind["firstLine"]) not in want:
            problems.append(f"{p.where()}: firstLine={ind['firstLine']}, want {sorted(want)}")
        if ind.get("firstLineChars") not in (None, "0", "200"):
            problems.append(f"{p.where()}: firstLineChars={ind['firstLineChars']} overrides it")
        if twips(ind, "hanging") or twips(ind, "left") or twips(ind, "start"):
            problems.append(f"{p.where()}: extra indent {ind}")
    assert not problems, fail_list(
        problems, "§Page and grid: body paragraphs have a first-line indent of 2 字 written "
                  "in twips (w:firstLine)")


def test_heading_indent_is_2_zi(doc):
    problems = []
    for p in doc.layout.headings:
        ind = doc.fmt.p_merged(p.el, "ind") or {}
        want = two_zi(*zi(doc, p))
        if "firstLine" not in ind or int(ind["firstLine"]) not in want:
            problems.append(f"{p.where()}: ind={ind}, want firstLine in {sorted(want)}")
        elif twips(ind, "left") or twips(ind, "hanging"):
            problems.append(f"{p.where()}: extra indent {ind}")
    assert not problems, fail_list(
        problems, "§Page and grid: headings carry the same 2-字 first-line indent as the body")


def test_body_paragraphs_are_justified(doc):
    problems = [f"{p.where()}: jc={jc(doc, p.el)}" for p in body_paragraphs(doc)
                if jc(doc, p.el) != "both"]
    assert not problems, fail_list(problems, "§Page and grid: body paragraphs justified "
                                             "(jc=both)")


def test_no_space_before_or_after(doc):
    problems = []
    for p in lined_paragraphs(doc):
        sp = doc.fmt.p_merged(p.el, "spacing") or {}
        for key in ("before", "after", "beforeLines", "afterLines"):
            if twips(sp, key):
                problems.append(f"{p.where()}: {key}={sp[key]}")
        for key in ("beforeAutospacing", "afterAutospacing"):
            if sp.get(key) in ("1", "true", "on"):
                problems.append(f"{p.where()}: {key}")
    assert not problems, fail_list(
        problems, "§Page and grid: no space before/after on body paragraphs and headings "
                  "(blank lines are empty paragraphs, not paragraph spacing)")


def test_widow_control_off_on_body_paragraphs(doc):
    problems = []
    for p in doc.layout.role("body", "blank", "signature", "date", "attachment_note"):
        val = doc.fmt.p_flag(p.el, "widowControl")
        if val is not False:
            problems.append(f"{p.where()}: widowControl={'absent' if val is None else val}")
    assert not problems, fail_list(
        problems, "§Page and grid: widow/orphan control off on body paragraphs "
                  "(w:widowControl w:val=\"0\")")


def test_text_is_black(doc):
    paras = [p for p in all_paragraphs(doc) if not in_masthead(doc, p)]
    paras += [p for _, _, p in footer_paragraphs(doc)]
    problems = [f"「{text_of(pel)[:20]}」: color={rp.color} themeColor={rp.theme_color}"
                for pel, _, rp in doc.runs(paras)
                if rp.color.lower() not in BLACK or rp.theme_color]
    assert not problems, fail_list(
        problems, "§Page and grid: text black; only the 发文机关标志 and the 版头 rule are red")


def test_rules_and_borders_are_black(doc):
    problems = []
    parts = [(doc.main_part, doc.document)] + [(part, root) for _, part, root in doc.footers()]
    if doc.styles_root is not None:
        parts.append(("styles", doc.styles_root))
    for part, root in parts:
        for box in ("pBdr", "tblBorders", "tcBorders", "pgBorders"):
            for container in root.iter(w(box)):
                if in_masthead(doc, container):
                    continue
                for edge in container:
                    if edge.get(w("val")) in ("nil", "none", None):
                        continue
                    color = edge.get(w("color"), "auto")
                    if color.lower() not in BLACK or edge.get(w("themeColor")):
                        problems.append(f"{part}: {box}/{local(edge)} color={color}")
        for bdr in root.iter(w("bdr")):
            if bdr.get(w("color"), "auto").lower() not in BLACK:
                problems.append(f"{part}: run border color={bdr.get(w('color'))}")
    assert not problems, fail_list(problems, "§Page and grid: black rules; only the 版头 rule "
                                             "is red")


LINE_BREAK_RULES = ("kinsoku", "wordWrap", "overflowPunct")


def test_kinsoku_stays_on(doc):
    """kinsoku, wordWrap and overflowPunct switched off anywhere (a paragraph, a style,
    docDefaults): every paragraph the setting reaches would break lines without the rules."""
    problems = []
    for part in doc.word_parts():
        for el in doc.xml(part).iter(*(w(t) for t in LINE_BREAK_RULES)):
            if on(el) is False:
                owner = next(el.iterancestors(w("style"), w("p")), None)
                where = "docDefaults" if owner is None else \
                    owner.get(w("styleId")) or text_of(owner)[:20]
                problems.append(f"{part} 「{where}」: w:{local(el)} off (line {el.sourceline})")
    assert not problems, fail_list(problems, "§Text rules: keep kinsoku (line-break rules: "
                                             "kinsoku, wordWrap, overflowPunct) on")


# ==============================================================================================
# Fonts
# ==============================================================================================

def _role_font_problems(doc, paras, font, sz, *, bold=None) -> list[str]:
    problems = []
    for p in paras:
        problems += [f"{p.where()} run 「{text_of(r)[:12]}」: {rp.describe()} themes={rp.themes}"
                     for _, r, rp in doc.runs([p.el])
                     if rp.east_asia != font or rp.sz != sz or rp.themes
                     or (bold is not None and rp.bold != bold)]
    return problems


def test_title_font(doc):
    titles = doc.layout.role("title")
    assert titles, "§Font sizes and names: the document has no title paragraph (style Title)"
    problems = _role_font_problems(doc, titles, TITLE_FONT, SZ["二号"], bold=False)
    assert not problems, fail_list(
        problems, "§Font sizes and names: title 方正小标宋简体 (w:eastAsia), not bold, 二号 (sz 44)")


def test_body_font(doc):
    paras = doc.layout.role("body", "signature", "date", "attachment_note")
    assert paras, "no body paragraphs found"
    problems = _role_font_problems(doc, paras, BODY_FONT, SZ["三号"])
    assert not problems, fail_list(
        problems, "§Font sizes and names: body 仿宋_GB2312 (w:eastAsia) 三号 (sz 32)")


@pytest.mark.parametrize("level", [1, 2, 3, 4])
def test_heading_fonts(doc, level):
    paras = [p for p in doc.layout.headings if p.level == level]
    bold = False if level == 1 else None
    problems = _role_font_problems(doc, paras, HEADING_FONTS[level], SZ["三号"], bold=bold)
    assert not problems, fail_list(
        problems, f"§Font sizes and names: level-{level} heading {HEADING_FONTS[level]} "
                  f"(w:eastAsia) 三号{' not bold' if level == 1 else ''}")


@pytest.mark.parametrize("level", [1, 2, 3, 4])
def test_heading_styles(doc, level):
    """The heading styles themselves (levels 3 and 4 are defined even when the sample has
    none): font and size, black, and the body's line, 2-字 indent and no extra spacing."""
    sid = doc.styles.by_name(f"heading {level}")
    if sid is None:
        assert not [p for p in doc.layout.headings if p.level == level]
        pytest.skip(f"no 'heading {level}' style")
    rp = doc.fmt.style_run_props(sid)
    problems = []
    if rp.east_asia != HEADING_FONTS[level] or rp.themes:
        problems.append(f"eastAsia={rp.east_asia} themes={rp.themes}")
    if rp.sz != SZ["三号"]:
        problems.append(f"sz={rp.sz}")
    if level == 1 and rp.bold:
        problems.append("bold")
    if rp.color.lower() not in BLACK or rp.theme_color:
        problems.append(f"color={rp.color}")
    layers = doc.fmt.style_ppr_layers(sid)
    sp = doc.fmt.merged(layers, "spacing") or {}
    if (sp.get("line"), sp.get("lineRule")) != (str(LINE), "exact"):
        problems.append(f"line={sp.get('line')} lineRule={sp.get('lineRule')}")
    problems += [f"{key}={sp[key]}" for key in ("before", "after", "beforeLines", "afterLines")
                 if twips(sp, key)]
    ind = doc.fmt.merged(layers, "ind") or {}
    if twips(ind, "firstLine") not in two_zi(rp.sz, rp.spacing) or twips(ind, "left"):
        problems.append(f"ind={ind}")
    assert not problems, (f"§Font sizes and names, §Page and grid: style 'heading {level}' "
                          f"({sid}) should be {HEADING_FONTS[level]} 三号, black, exact 579, "
                          f"2-字 first-line indent, no space before/after: {problems}")


def test_page_number_font(doc):
    problems, seen = [], 0
    for kind, part, pel in footer_paragraphs(doc):
        for _, r, rp in doc.runs([pel]):
            seen += 1
            if {rp.east_asia, rp.ascii, rp.h_ansi} != {PAGE_NUMBER_FONT} or rp.sz != SZ["四号"] \
                    or rp.themes:
                problems.append(f"{part} ({kind}) run 「{text_of(r)}」: {rp.describe()} "
                                f"hAnsi={rp.h_ansi}")
    assert seen, "§Page numbers: no text runs in the footers"
    assert not problems, fail_list(
        problems, "§Page numbers: 宋体 (eastAsia, ascii and hAnsi: half-width 宋体 digits) "
                  "四号 (sz 28)")


def test_no_theme_attributes(doc):
    """w:rFonts (asciiTheme, eastAsiaTheme, hAnsiTheme, cstheme) and any other element
    (themeColor, themeFill …): a theme attribute beats the explicit font or colour."""
    problems = []
    for part in doc.word_parts():
        for el in doc.xml(part).iter():
            bad = sorted(local(a) for a in el.attrib if "theme" in local(a).lower())
            if bad:
                owner = next((a for a in el.iterancestors(w("style"))), None)
                where = f"style {owner.get(w('styleId'))}" if owner is not None else \
                    f"line {el.sourceline}"
                problems.append(f"{part} {where} <w:{local(el)}>: {bad}")
    assert not problems, fail_list(
        problems, "§python-docx notes: no w:*Theme attributes (a theme attribute beats the "
                  "explicit name); §Page and grid: text black, so no theme colours either")


def test_fonts_are_declared_with_alt_names(doc):
    assert doc.font_table is not None, "§Font sizes and names: no font table part"
    declared = {f.get(w("name")): f for f in doc.font_table.findall(w("font"))}
    used = set()
    for part in doc.word_parts():
        for rf in doc.xml(part).iter(w("rFonts")):
            used |= {v for k, v in rf.attrib.items() if local(k) in
                     ("eastAsia", "ascii", "hAnsi", "cs")}
    missing = sorted(used - set(declared))
    no_alt = sorted(n for n in used & set(declared)
                    if ("_GB2312" in n or n.startswith("方正"))
                    and declared[n].find(w("altName")) is None)
    assert not missing, f"§Font sizes and names: fonts used but not in the font table: {missing}"
    assert not no_alt, (f"§Font sizes and names: add w:altName fallbacks in the font table for "
                        f"{no_alt}")


def test_doc_defaults_space_after_zero(doc):
    ppr = doc.styles.ppr_default
    sp = ppr.find(w("spacing")) if ppr is not None else None
    found = {local(k): v for k, v in sp.attrib.items()} if sp is not None else {}
    assert found.get("after", "0") == "0" and found.get("afterLines", "0") == "0", (
        f"§python-docx notes: docDefaults space-after 0 (python-docx's template has 200); "
        f"found {found}")


def test_doc_defaults_language_zh_cn(doc):
    rpr = doc.styles.rpr_default
    lang = rpr.find(w("lang")) if rpr is not None else None
    found = lang.get(w("eastAsia")) if lang is not None else None
    assert found == "zh-CN", \
        f"§python-docx notes: docDefaults lang eastAsia=zh-CN (not en-US); found {found}"


# ==============================================================================================
# Structure: title, headings, 署名, 成文日期, 附件
# ==============================================================================================

def _title_block(doc: Docx) -> list[Para]:
    """The consecutive title paragraphs at the head of the document."""
    out = []
    for p in doc.layout.paras:
        if p.role == "title":
            out.append(p)
        elif out:
            break
    return out


def test_title_centred(doc):
    bad = [f"{p.where()}: jc={jc(doc, p.el)}" for p in doc.layout.role("title")
           if jc(doc, p.el) != "center"]
    assert not bad, fail_list(bad, "§Structure: title centred")


def test_title_lines_make_the_title_and_each_fits_a_line(doc):
    block = _title_block(doc)
    assert "".join(p.text for p in block) == doc.title, (
        f"§Structure: the title (multi-line, one paragraph per line) reads "
        f"「{doc.title}」; found {[p.text for p in block]}")
    problems = []
    for p in doc.layout.role("title"):
        sz, spacing = zi(doc, p)
        width = text_width(p.text) * (sz * 10 + spacing)
        if width > type_width(doc):
            problems.append(f"{p.where()}: {text_width(p.text)} 字 = {width:.0f} twips")
    assert not problems, fail_list(
        problems, "§Structure: multi-line titles broken at meaningful points — each title "
                  f"paragraph must fit one line of the type area ({type_width(doc)} twips)")


def test_body_starts_on_the_first_page(doc):
    first_body = next((p for p in doc.layout.paras if p.role in ("body", "heading")), None)
    assert first_body is not None, "no body text"
    problems = []
    for el in doc.layout.blocks[: doc.layout.blocks.index(first_body.el) + 1]:
        if local(el) != "p":
            continue
        if doc.fmt.p_flag(el, "pageBreakBefore"):
            problems.append(f"「{text_of(el)[:20]}」 pageBreakBefore")
        if any(b.get(w("type")) == "page" for b in el.iter(w("br"))):
            problems.append(f"「{text_of(el)[:20]}」 page break")
        if el.find(f"{w('pPr')}/{w('sectPr')}") is not None:
            problems.append(f"「{text_of(el)[:20]}」 section break")
    assert not problems, fail_list(problems, "§Structure: body starts on the first page")


def test_heading_number_format(doc):
    problems = []
    for p in doc.layout.headings:
        fmt = HEADING_FORMAT.get(p.level)
        if fmt is None or not fmt.match(p.text):
            problems.append(f"{p.where()}: level {p.level} should start with "
                            f"{HEADING_EXAMPLE.get(p.level)}")
    assert not problems, fail_list(
        problems, "§Structure: heading numbers 一、 （一） 1. （1） (full-width brackets, 、 only "
                  "after level 1, 1. with a half-width period)")


def test_heading_numbers_are_consecutive(doc):
    counters = [0, 0, 0, 0, 0]
    problems = []
    for p in doc.layout.headings:
        m = HEADING_FORMAT[p.level].match(p.text) if p.level in HEADING_FORMAT else None
        if not m:
            continue  # reported by test_heading_number_format
        counters[p.level] += 1
        for deeper in range(p.level + 1, 5):
            counters[deeper] = 0
        num = m.group(1)
        value = int(num) if num.isdigit() else cn_number(num)
        if value != counters[p.level]:
            problems.append(f"{p.where()}: number {value}, expected {counters[p.level]}")
    assert not problems, fail_list(problems, "§Structure: headings numbered consecutively "
                                             "within their parent")


def test_numbered_lines_are_headings_and_enumerations_are_not(doc):
    problems = []
    for p in doc.layout.paras:
        if p.role == "body" and (HEADING_FORMAT[1].match(p.text)
                                 or HEADING_FORMAT[2].match(p.text)):
            problems.append(f"{p.where()}: numbered like a heading but set as body text")
        if p.role == "heading" and re.match(r"^[一二三四五六七八九十]+是", p.text):
            problems.append(f"{p.where()}: 一是…… enumeration set as a heading")
        if re.match(r"^\(\s*[一二三四五六七八九十\d]+\s*\)", p.text):
            problems.append(f"{p.where()}: half-width brackets in a heading number")
    assert not problems, fail_list(
        problems, "§Structure: 一、/（一） lines are headings; 一是…… enumerations are body text")


def test_date_in_arabic_digits_without_zero_padding(doc):
    date = doc.layout.date
    assert date is not None, "§Structure: 成文日期 not found"
    assert DATE_STRICT.match(date.text.strip()), (
        f"§Structure: 成文日期 in Arabic digits without zero padding (2024年12月31日); "
        f"found 「{date.text}」")
    assert date.text.strip() == doc.date, \
        f"§Structure: 成文日期 should be the configured date {doc.date}; found 「{date.text}」"


def test_signature_and_date_on_the_right_date_below(doc):
    lay = doc.layout
    assert lay.date is not None, "§Structure: 成文日期 not found"
    assert lay.signature is not None, "§Structure: 署名 not found before the 成文日期"
    assert lay.signature.text.strip() == doc.organ, (
        f"§Structure: 署名 should be 「{doc.organ}」; found 「{lay.signature.text}」")
    assert lay.next_block(lay.signature.el) is lay.date.el, (
        "§Structure: the 成文日期 is on the line right below the 署名; found "
        f"{text_of(lay.next_block(lay.signature.el))!r} in between")
    problems = []
    for p in (lay.signature, lay.date):
        align = jc(doc, p.el)
        ind = doc.fmt.p_merged(p.el, "ind") or {}
        if align not in ("right", "end"):
            problems.append(f"{p.where()}: jc={align}")
        if twips(ind, "right") > 4 * 320 + 10:
            problems.append(f"{p.where()}: right indent {ind.get('right')} > 4 字")
    assert not problems, fail_list(problems, "§Structure: 署名 and 成文日期 right-aligned "
                                             "(7.3.5)")
    body = [p for p in lay.paras if p.role in ("body", "heading")]
    assert body and body[-1].pos < lay.signature.pos, "§Structure: 署名 follows the body text"


def _width_twips(doc: Docx, p: Para) -> float:
    """Width of a paragraph's text in twips (ASCII at half the size), with character spacing."""
    return sum((rp.sz * 5 if ord(c) < 128 else rp.sz * 10) + rp.spacing
               for _, r, rp in doc.runs([p.el]) for c in text_of(r))


def test_date_first_character_two_zi_right_of_signature(doc):
    """7.3.5 (unsealed): 署名 右空二字; the date on the next line, its first character 2 字
    right of the 署名's first character (if the date is longer, the date 右空二字)."""
    lay = doc.layout
    assert lay.signature is not None and lay.date is not None, "§Structure: 署名/成文日期 missing"
    sz, spacing = zi(doc, lay.signature)
    one = sz * 10 + spacing
    ri = {p.role: twips(doc.fmt.p_merged(p.el, "ind"), "right")
          for p in (lay.signature, lay.date)}
    start_sig = ri["signature"] + _width_twips(doc, lay.signature)
    start_date = ri["date"] + _width_twips(doc, lay.date)
    assert abs((start_sig - start_date) - 2 * one) <= one / 2, (
        f"§Structure: per 7.3.5 the 成文日期's first character is 2 字 ({2 * one} twips) right of "
        f"the 署名's; found {start_sig - start_date:.0f} twips (署名 starts {start_sig:.0f}, "
        f"date {start_date:.0f} twips from the right margin)")
    nearest = min(ri.values())
    assert abs(nearest - 2 * one) <= 10, (
        f"§Structure: per 7.3.5 the 署名 (or the longer date) is 右空二字 ({2 * one} twips); "
        f"right indents {ri}")


def test_attachment_note_before_signature(doc):
    lay = doc.layout
    if not lay.attachment_labels:
        assert not lay.attachment_notes, "§Structure: 附件说明 without an attachment"
        pytest.skip("no attachment")
    assert lay.attachment_notes, "§Structure: attachment present but no 附件说明 (附件：…)"
    assert lay.signature is not None
    first = lay.attachment_notes[0]
    assert first.pos < lay.signature.pos, "§Structure: 附件说明 comes before the 署名"
    body = [p for p in lay.paras if p.role in ("body", "heading") and p.pos < lay.signature.pos]
    assert body[-1].pos < first.pos, "§Structure: 附件说明 comes after the body text"
    names = re.sub(r"^附件\s*[:：]\s*", "", "".join(p.text for p in lay.attachment_notes))
    if len(lay.attachment_labels) == 1:
        assert not re.match(r"^\d", names), "§Structure: a single attachment is not numbered"
        label = lay.attachment_labels[0]
        title = next((p for p in lay.paras if p.pos > label.pos and p.role == "title"), None)
        assert title is not None and title.text == names.strip(), (
            f"§Structure: 附件说明 names the attachment: 「{names}」 vs its title "
            f"「{title.text if title else None}」")


def test_attachment_starts_on_a_new_page_with_label(doc):
    lay = doc.layout
    if not lay.attachment_labels:
        pytest.skip("no attachment")
    problems = []
    for n, label in enumerate(lay.attachment_labels, start=1):
        prev = lay.prev_block(label.el)
        new_page = (doc.fmt.p_flag(label.el, "pageBreakBefore")
                    or (prev is not None and any(b.get(w("type")) == "page"
                                                 for b in prev.iter(w("br"))))
                    or (prev is not None and prev.find(f"{w('pPr')}/{w('sectPr')}") is not None))
        if not new_page:
            problems.append(f"{label.where()}: does not start a new page")
        want = "附件" if len(lay.attachment_labels) == 1 else f"附件{n}"
        if label.text.strip() != want:
            problems.append(f"{label.where()}: label should be 「{want}」")
        if lay.date is None or label.pos < lay.date.pos:
            problems.append(f"{label.where()}: attachment before the 成文日期")
    assert not problems, fail_list(problems, "§Structure: the attachment begins on a new page "
                                             "with its 附件 label")


# ==============================================================================================
# 版头 and 版记 (formal document)
# ==============================================================================================

def _is_red(color: str | None) -> bool:
    if not color or len(color) != 6 or color.lower() == "auto":
        return False
    r, g, b = (int(color[i:i + 2], 16) for i in (0, 2, 4))
    return r >= 0xC0 and g <= 0x40 and b <= 0x40


def _masthead(doc: Docx):
    heads = [p for p in doc.layout.role("masthead") if p.text.strip()]
    assert len(heads) >= 2, ("§Structure: 版头 expected (发文机关标志 and 发文字号) before the "
                             f"title; found {[p.text for p in heads]}")
    return heads[0], heads[1]


def test_masthead_issuer_mark_red_and_centred(formal):
    mark, _ = _masthead(formal)
    assert jc(formal, mark.el) == "center", "§Structure: 发文机关标志 centred"
    for _, _, rp in formal.runs([mark.el]):
        assert _is_red(rp.color), f"§Structure: red 发文机关标志; found color={rp.color}"


def test_masthead_doc_number(formal):
    mark, number = _masthead(formal)
    text = number.text.strip()
    assert re.fullmatch(r"\S+〔[1-9]\d{3}〕[1-9]\d*号", text) and "第" not in text, (
        f"§Structure: 发文字号 like X组〔2024〕5号 (U+3014/U+3015, no leading zeros, no 第); "
        f"found 「{text}」")
    assert jc(formal, number.el) == "center", "§Structure: 发文字号 centred"
    between = [p for p in formal.layout.paras if mark.pos < p.pos < number.pos]
    assert len(between) == 2 and all(p.role == "masthead" and not p.text.strip()
                                     for p in between), (
        f"§Structure: 发文字号 two lines below the 发文机关标志; found {len(between)} paragraphs "
        "in between")


def test_masthead_red_rule_across_type_area(formal):
    _, number = _masthead(formal)
    candidates = [number.el, formal.layout.next_block(number.el)]
    rule = None
    for el in candidates:
        if el is None or local(el) != "p":
            continue
        pbdr = formal.fmt.nearest(formal.fmt.ppr_layers(el), "pBdr")
        edge = None
        if pbdr is not None:
            edge = pbdr.find(w("bottom")) if el is number.el else pbdr.find(w("top"))
        if edge is not None and edge.get(w("val")) not in ("nil", "none"):
            rule = (el, edge)
            break
    assert rule is not None, "§Structure: red rule below the 发文字号 (paragraph border) missing"
    el, edge = rule
    assert _is_red(edge.get(w("color"))), \
        f"§Structure: the 版头 rule is red; found color={edge.get(w('color'))}"
    ind = formal.fmt.p_merged(el, "ind") or {}
    assert not twips(ind, "left") and not twips(ind, "right"), (
        f"§Structure: the red rule runs across the type area (no side indents); found {ind}")


def _record(doc: Docx):
    recs = doc.layout.records
    assert len(recs) == 1, f"§Structure: one 版记 expected; found {len(recs)}"
    return recs[0]


def test_record_font_and_indents(formal):
    rec = _record(formal)
    problems = []
    for pel in rec.iter(w("p")):
        if not text_of(pel).strip():
            continue
        problems += [f"「{text_of(pel)[:16]}」: {rp.describe()}" for _, _, rp in formal.runs([pel])
                     if rp.east_asia != RECORD_FONT or rp.sz != SZ["四号"]]
        ind = formal.fmt.p_merged(pel, "ind") or {}
        start = twips(ind, "left") + twips(ind, "firstLine") - twips(ind, "hanging")
        if abs(start - ONE_ZI_SIHAO) > 10 or abs(twips(ind, "right") - ONE_ZI_SIHAO) > 10:
            problems.append(f"「{text_of(pel)[:16]}」: first line starts at {start}, right "
                            f"indent {twips(ind, 'right')} (want 280 and 280)")
    assert not problems, fail_list(
        problems, "§Structure: 版记 (抄送, 印发) in 四号仿宋 with 1 字 indents")


def test_record_rules(formal):
    rec = _record(formal)
    borders = rec.find(f"{w('tblPr')}/{w('tblBorders')}")
    assert borders is not None, "§Structure: 版记 rules (table borders) missing"

    def edge(name):
        e = borders.find(w(name))
        if e is None or e.get(w("val")) in ("nil", "none"):
            return None
        return float(e.get(w("sz"), "0")) / 8 * 25.4 / 72, e.get(w("color"), "auto")

    top, bottom, middle = edge("top"), edge("bottom"), edge("insideH")
    rows = len(rec.findall(w("tr")))
    assert top and abs(top[0] - 0.35) < 0.03, f"§Structure: first 版记 rule 0.35 mm; found {top}"
    assert bottom and abs(bottom[0] - 0.35) < 0.03, \
        f"§Structure: last 版记 rule 0.35 mm; found {bottom}"
    if rows > 1:
        assert middle and abs(middle[0] - 0.25) < 0.03, \
            f"§Structure: middle 版记 rule 0.25 mm; found {middle}"
    for e in (top, bottom, middle):
        assert e is None or e[1].lower() in BLACK, f"§Structure: 版记 rules black; found {e}"


def test_record_on_bottom_of_last_page(formal):
    rec = _record(formal)
    lay = formal.layout
    after = lay.blocks[lay.blocks.index(rec) + 1:]
    assert not any(text_of(b).strip() for b in after), \
        "§Structure: 版记 is the last thing in the document (last page)"
    pos = rec.find(f"{w('tblPr')}/{w('tblpPr')}")
    assert pos is not None and pos.get(w("tblpYSpec")) == "bottom" and \
        pos.get(w("vertAnchor")) == "margin", (
            "§Structure: the 版记's last rule on the bottom edge of the type area "
            "(floating table, vertAnchor=margin, tblpYSpec=bottom)")


# ==============================================================================================
# Figures and tables
# ==============================================================================================

def _figures(doc: Docx) -> list[Para]:
    return doc.layout.role("figure")


def test_figures_fit_the_type_width(doc):
    problems = []
    limit = min(FIGURE_MAX_EMU, type_width(doc) * TWIP_EMU)
    for p in _figures(doc):
        for ext in p.el.iter(f"{{{WP_NS}}}extent"):
            cx = int(ext.get("cx"))
            if cx > limit:
                problems.append(f"{p.where()}: extent cx={cx} EMU ({cx / MM_EMU:.3f} mm) > "
                                f"{limit} ({limit / MM_EMU:.0f} mm)")
    assert not problems, fail_list(
        problems, "§Structure: figures fit the 156 mm type width (wp:extent cx ≤ 5,616,000 EMU)")


def test_figure_paragraphs_do_not_clip_the_image(doc):
    problems = []
    for p in _figures(doc):
        sp = doc.fmt.p_merged(p.el, "spacing") or {}
        if sp.get("lineRule") == "exact":
            cy = max(int(e.get("cy")) for e in p.el.iter(f"{{{WP_NS}}}extent"))
            if int(sp.get("line", 0)) < cy / TWIP_EMU:
                problems.append(f"{p.where()}: exact line {sp.get('line')} < image "
                                f"{cy / TWIP_EMU:.0f} twips")
    assert not problems, fail_list(problems, "§Structure: a figure is not cut by exact line "
                                             "spacing")


def test_figure_captions_below_centred(doc):
    problems = []
    for p in _figures(doc):
        nxt = doc.layout.para_of(doc.layout.next_block(p.el))
        if nxt is None or not re.match(rf"^图[1-9]\d*{IDEO_SPACE}\S", nxt.text):
            problems.append(f"{p.where()}: followed by "
                            f"「{nxt.text[:20] if nxt else None}」, not 图N　标题")
        elif jc(doc, nxt.el) != "center":
            problems.append(f"{nxt.where()}: jc={jc(doc, nxt.el)}")
    assert not problems, fail_list(problems, "§Structure: caption 图N　标题 centred below each "
                                             "figure")


def _numbers(doc: Docx, mark: str) -> list[int]:
    return [int(m.group(1)) for p in doc.layout.role("caption")
            if (m := re.match(rf"^{mark}([1-9]\d*){IDEO_SPACE}", p.text))]


def test_figure_numbers_consecutive(doc):
    nums = _numbers(doc, "图")
    assert len(nums) == len(_figures(doc)), \
        f"§Structure: one 图N caption per figure: {len(nums)} captions, {len(_figures(doc))} figures"
    assert nums == list(range(1, len(nums) + 1)), \
        f"§Structure: figures numbered consecutively from 1; found {nums}"


def test_table_captions_above_centred(doc):
    problems = []
    for tbl in doc.layout.tables:
        prev = doc.layout.para_of(doc.layout.prev_block(tbl))
        if prev is None or not re.match(rf"^表[1-9]\d*{IDEO_SPACE}\S", prev.text):
            problems.append(f"table before 「{text_of(tbl)[:10]}」: preceded by "
                            f"「{prev.text[:20] if prev else None}」, not 表N　标题")
        elif jc(doc, prev.el) != "center":
            problems.append(f"{prev.where()}: jc={jc(doc, prev.el)}")
    assert not problems, fail_list(problems, "§Structure: caption 表N　标题 centred above each "
                                             "table")


def test_table_numbers_consecutive(doc):
    nums = _numbers(doc, "表")
    assert len(nums) == len(doc.layout.tables), \
        f"§Structure: one 表N caption per table: {len(nums)} captions, {len(doc.layout.tables)} tables"
    assert nums == list(range(1, len(nums) + 1)), \
        f"§Structure: tables numbered consecutively from 1; found {nums}"


def _header_rows(tbl) -> list:
    rows = tbl.findall(w("tr"))
    return [r for r in rows if on(r.find(f"{w('trPr')}/{w('tblHeader')}"))]


def test_table_header_row_repeats(doc):
    problems = []
    for i, tbl in enumerate(doc.layout.tables, start=1):
        rows = tbl.findall(w("tr"))
        if not rows or not on(rows[0].find(f"{w('trPr')}/{w('tblHeader')}")):
            problems.append(f"table {i}: first row has no w:tblHeader")
    assert not problems, fail_list(problems, "§Structure: table header row repeated on each "
                                             "page (w:tblHeader)")


def test_table_text_fangsong_at_most_sihao(doc):
    problems = []
    for i, tbl in enumerate(doc.layout.tables, start=1):
        heads = set(_header_rows(tbl))
        for tr in tbl.findall(w("tr")):
            for _, r, rp in doc.runs(tr.iter(w("p"))):
                if rp.sz > SZ["四号"]:
                    problems.append(f"table {i} 「{text_of(r)[:10]}」: sz={rp.sz}")
                if tr not in heads and "仿宋" not in (rp.east_asia or ""):
                    problems.append(f"table {i} 「{text_of(r)[:10]}」: eastAsia={rp.east_asia}")
    assert not problems, fail_list(problems, "§Structure: table text 仿宋, 四号 or smaller "
                                             "(sz ≤ 28)")


def test_table_header_row_heiti(doc):
    problems = []
    for i, tbl in enumerate(doc.layout.tables, start=1):
        heads = _header_rows(tbl) or tbl.findall(w("tr"))[:1]
        problems += [f"table {i} 「{text_of(r)}」: eastAsia={rp.east_asia}"
                     for tr in heads for _, r, rp in doc.runs(tr.iter(w("p")))
                     if rp.east_asia != TABLE_HEADER_FONT]
    assert not problems, fail_list(problems, "§Structure: table header row 黑体")


def test_tables_fit_the_type_area(doc):
    problems = []
    width = type_width(doc)
    for i, tbl in enumerate(doc.layout.tables + doc.layout.records, start=1):
        tw = tbl.find(f"{w('tblPr')}/{w('tblW')}")
        if tw is not None and tw.get(w("type")) == "dxa" and int(tw.get(w("w"))) > width:
            problems.append(f"table {i}: tblW {tw.get(w('w'))} > {width}")
        grid = sum(int(g.get(w("w"), 0)) for g in tbl.iter(w("gridCol")))
        if grid > width:
            problems.append(f"table {i}: grid {grid} > {width}")
    assert not problems, fail_list(problems, "§Page and grid: tables stay within the 156 mm "
                                             "type area")


# ==============================================================================================
# Page numbers
# ==============================================================================================

def test_even_and_odd_footers_switched_on(doc):
    assert doc.settings is not None, "§Page numbers: no settings part"
    el = doc.settings.find(w("evenAndOddHeaders"))
    assert on(el), "§Page numbers: w:evenAndOddHeaders in settings"
    for sect in doc.sections:
        kinds = sorted(ref.get(w("type"), "default") for ref in sect.findall(w("footerReference")))
        assert kinds == ["default", "even"], \
            f"§Page numbers: a default and an even footer (and no other); found {kinds}"


def _footer(doc: Docx, kind: str):
    found = doc.footer_for(doc.final_section, kind)
    assert found, f"§Page numbers: no {kind} footer referenced by the section"
    return found


def _number_paragraph(root):
    paras = [p for p in root.iter(w("p")) if p.find(f".//{w('fldChar')}") is not None
             or p.find(f".//{w('fldSimple')}") is not None]
    assert len(paras) == 1, f"§Page numbers: one page-number paragraph expected; found {len(paras)}"
    return paras[0]


@pytest.mark.parametrize("kind,align,side", [("default", "right", "right"),
                                             ("even", "left", "left")])
def test_footer_alignment_and_one_zi_indent(doc, kind, align, side):
    part, root = _footer(doc, kind)
    p = _number_paragraph(root)
    found = jc(doc, p)
    accepted = {"right": {"right", "end"}, "left": {"left", "start"}}[align]
    assert found in accepted, (
        f"§Page numbers: {'odd' if kind == 'default' else 'even'} pages {align}-aligned; "
        f"{part} has jc={found}")
    ind = doc.fmt.p_merged(p, "ind") or {}
    value = twips(ind, side) or twips(ind, {"right": "end", "left": "start"}[side])
    assert abs(value - ONE_ZI_SIHAO) <= 10, (
        f"§Page numbers: 1 字 (280 twips) {side} indent on {kind} footer; found {ind}")
    other = {"right": "left", "left": "right"}[side]
    assert twips(ind, other) == 0 and twips(ind, "firstLine") == 0, \
        f"§Page numbers: no other indent on the {kind} footer; found {ind}"


def test_no_first_page_footer_gap(doc):
    for sect in doc.sections:
        if on(sect.find(w("titlePg"))):
            assert doc.footer_for(sect, "first"), \
                "§Page numbers: titlePg set but no first-page footer: page 1 would lose its number"


def _field_parts(p):
    """(text before, field codes, result text, text after, sequence of fldChar types)."""
    state, before, codes, result, after, seq = "before", [], [], [], [], []
    for r in p.iter(w("r")):
        for node in r:
            name = local(node)
            if name == "fldChar":
                kind = node.get(w("fldCharType"))
                seq.append(kind)
                state = {"begin": "code", "separate": "result", "end": "after"}[kind]
            elif name == "instrText":
                codes.append(node.text or "")
            elif name == "t":
                {"before": before, "result": result, "after": after,
                 "code": codes}[state].append(node.text or "")
    return "".join(before), "".join(codes), "".join(result), "".join(after), seq


@pytest.mark.parametrize("kind", ["default", "even"])
def test_page_field_is_complete(doc, kind):
    part, root = _footer(doc, kind)
    p = _number_paragraph(root)
    assert p.find(f".//{w('fldSimple')}") is None, \
        f"§Page numbers: full PAGE field, not w:fldSimple ({part})"
    before, codes, result, after, seq = _field_parts(p)
    assert seq == ["begin", "separate", "end"], (
        f"§Page numbers: PAGE field built as begin, instrText, separate, result, end; "
        f"{part} has fldChar sequence {seq}")
    assert codes.split() and codes.split()[0].upper() == "PAGE", \
        f"§Page numbers: instrText PAGE; found {codes!r}"
    assert re.fullmatch(r"[0-9]+", result), (
        f"§Page numbers: a result run with half-width digits between separate and end "
        f"(WPS shows a field without a result as blank); found {result!r}")


@pytest.mark.parametrize("kind", ["default", "even"])
def test_page_number_wrapped_in_em_dashes(doc, kind):
    part, root = _footer(doc, kind)
    before, _, result, after, _ = _field_parts(_number_paragraph(root))
    assert (before, after) == (EM_DASH + " ", " " + EM_DASH), (
        f"§Page numbers: `— 1 —`, one em dash U+2014 and one space on each side; {part} has "
        f"{before!r} + field + {after!r}")


def test_footer_distance_24_to_25_mm(doc):
    for sect in doc.sections:
        mar = sect.find(w("pgMar"))
        footer = mar.get(w("footer"))
        if footer is None:
            continue
        mm = int(footer) / MM_TWIPS
        assert 24 - 0.05 <= mm <= 25 + 0.05, \
            f"§Page numbers: footer distance ≈ 24–25 mm; found {footer} twips = {mm:.2f} mm"


# ==============================================================================================
# Text rules
# ==============================================================================================

CJK = r"[\u3400-\u4dbf\u4e00-\u9fff\u3000-\u303f\uff00-\uffef“”‘’《》、—…]"


def _texts(doc: Docx) -> list[tuple[str, str]]:
    """(where, text) of every paragraph in document.xml and the footers."""
    out = [(f"#{i}", text_of(p)) for i, p in enumerate(all_paragraphs(doc))]
    out += [(part, text_of(p)) for _, part, p in footer_paragraphs(doc)]
    return [(where, t) for where, t in out if t.strip()]


def _snippet(text: str, m) -> str:
    return text[max(0, m.start() - 8): m.end() + 8]


def test_full_width_punctuation_in_chinese_text(doc):
    bad = re.compile(
        rf"{CJK}\s*[,;:?!()\"]|[,;:?!()\"]\s*{CJK}")
    problems = []
    for where, t in _texts(doc):
        for m in bad.finditer(t):
            problems.append(f"{where}: …{_snippet(t, m)}…")
    assert not problems, fail_list(
        problems, "§Text rules: full-width punctuation in Chinese text (，；：（）“” not ASCII "
                  ", ; : ( ) \")")


def test_dashes_and_ellipses_are_two_characters(doc):
    problems = []
    for where, t in _texts(doc):
        if t.strip() == EM_DASH or where.startswith("word/footer"):
            continue  # an empty table cell marked —, and the page number — 1 —
        for m in re.finditer(r"(?<!—)—(?!—)|(?<!…)…(?!…)|\.{3}|(?<!—)(——){2,}(?!—)", t):
            problems.append(f"{where}: …{_snippet(t, m)}…")
    assert not problems, fail_list(problems, "§Text rules: —— and …… as two characters")


def test_ranges_use_wave_dash(doc):
    problems = []
    for where, t in _texts(doc):
        outside = re.sub(r"《[^》]*》", "", t)     # a quoted document title keeps its own form
        for m in re.finditer(r"\d\s*[-－–~—]\s*\d", outside):
            problems.append(f"{where}: …{_snippet(outside, m)}…")
    assert not problems, fail_list(problems, "§Text rules: ranges with ～")


def test_no_leftovers(doc):
    bad = re.compile(r"XX|(?<![A-Za-z])(None|nan|NaN|null|undefined)(?![A-Za-z])"
                     r"|\{\{|\}\}|\{%|%\}|\d+\.\d{4,}|【待补")
    problems = []
    for where, t in _texts(doc):
        for m in bad.finditer(t):
            problems.append(f"{where}: …{_snippet(t, m)}…")
    assert not problems, fail_list(
        problems, "no leftover XX, None, nan, template braces, raw floats or 【待补】")


# ==============================================================================================
# The package
# ==============================================================================================

MAIN_CT = "application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"


def test_package_required_parts(any_doc):
    names = set(any_doc.parts)
    for need in ("[Content_Types].xml", "_rels/.rels", "docProps/core.xml", "docProps/app.xml",
                 any_doc.main_part):
        assert need in names, f"package: {need} missing"
    types = {r.type.rsplit("/", 1)[-1] for r in any_doc.rels("")}
    assert {"officeDocument", "core-properties", "extended-properties"} <= types, \
        f"package: _rels/.rels should point to the document and both docProps; found {types}"
    dupes = [n for n, c in Counter(any_doc.names).items() if c > 1]
    assert not dupes, f"package: duplicate zip entries {dupes}"


def test_all_xml_parts_parse(any_doc):
    for name in any_doc.xml_parts():
        any_doc.xml(name)  # raises on malformed XML


def _content_types(doc: Docx):
    root = doc.xml("[Content_Types].xml")
    defaults = {d.get("Extension").lower(): d.get("ContentType")
                for d in root.findall(f"{{{CT_NS}}}Default")}
    overrides = {o.get("PartName").lower(): o.get("ContentType")
                 for o in root.findall(f"{{{CT_NS}}}Override")}
    return defaults, overrides


def test_every_part_has_a_content_type(any_doc):
    defaults, overrides = _content_types(any_doc)
    missing = []
    for name in any_doc.parts:
        if name == "[Content_Types].xml":
            continue
        ext = name.rsplit(".", 1)[-1].lower() if "." in name else ""
        if "/" + name.lower() not in overrides and ext not in defaults:
            missing.append(name)
    assert not missing, f"package: parts without a content type: {missing}"
    assert overrides.get("/" + any_doc.main_part.lower()) == MAIN_CT, \
        "package: the main part has the wordprocessingml main content type"


def test_content_type_overrides_name_existing_parts(any_doc):
    _, overrides = _content_types(any_doc)
    lower = {n.lower() for n in any_doc.parts}
    stale = [p for p in overrides if p.lstrip("/") not in lower]
    assert not stale, f"package: [Content_Types].xml overrides parts that do not exist: {stale}"


def test_relationship_targets_exist(any_doc):
    problems = []
    for name in any_doc.parts:
        if not name.endswith(".rels"):
            continue
        folder, base = name.rsplit("/", 1) if "/" in name else ("", name)
        source_folder = folder[: -len("_rels")].rstrip("/")
        source = (source_folder + "/" if source_folder else "") + base[: -len(".rels")]
        if name == "_rels/.rels":
            source = ""
        elif source not in any_doc.parts:
            problems.append(f"{name}: relationships of a missing part {source}")
        ids = Counter()
        for r in any_doc.xml(name).findall(f"{{{PKG_REL_NS}}}Relationship"):
            ids[r.get("Id")] += 1
        problems += [f"{name}: duplicate Id {i}" for i, c in ids.items() if c > 1]
        for rel in any_doc.rels(source):
            if not rel.external and rel.part not in any_doc.parts:
                problems.append(f"{name}: {rel.id} → {rel.target} ({rel.part}) missing")
    assert not problems, fail_list(problems, "package: every relationship target exists")


def test_relationship_ids_used_in_parts_resolve(any_doc):
    problems = []
    for part in [any_doc.main_part, *any_doc.header_footer_parts()]:
        ids = {r.id for r in any_doc.rels(part)}
        for el in any_doc.xml(part).iter():
            for k, v in el.attrib.items():
                if k.startswith(f"{{{R_NS}}}") and v not in ids:
                    problems.append(f"{part}: {local(el)} r:{local(k)}={v} not in rels")
    assert not problems, fail_list(problems, "package: every r:id/r:embed resolves")


def test_schema_order(any_doc):
    problems = []
    for part in any_doc.word_parts():
        problems += order_problems(any_doc.xml(part), part)
    assert not problems, fail_list(
        problems, "ECMA-376 schema order of w:pPr / w:rPr / w:sectPr / w:tblPr / w:trPr / "
                  "w:tcPr / w:style … children (Word shows a repair prompt otherwise)", limit=20)


def test_tracked_changes_are_complete(any_doc):
    problems, ids = [], Counter()
    for part in [any_doc.main_part, *any_doc.header_footer_parts()]:
        for el in any_doc.xml(part).iter(w("ins"), w("del")):
            missing = [a for a in ("id", "author", "date") if el.get(w(a)) is None]
            if missing:
                problems.append(f"{part} line {el.sourceline}: w:{local(el)} lacks {missing}")
            date = el.get(w("date"))
            if date and not re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d(:\d\d(\.\d+)?)?(Z|[+-]\d\d:"
                                         r"\d\d)?", date):
                problems.append(f"{part}: w:{local(el)} date {date!r} is not ISO 8601")
            ids[el.get(w("id"))] += 1
            if local(el) == "del" and local(el.getparent()) != "rPr":
                if el.find(f".//{w('t')}") is not None:
                    problems.append(f"{part} line {el.sourceline}: deleted text in w:t, "
                                    "not w:delText")
    problems += [f"revision id {i} used {c} times" for i, c in ids.items() if i and c > 1]
    assert not problems, fail_list(problems, "tracked changes: w:ins/w:del carry w:id, "
                                             "w:author, w:date")


def test_redline_fixture_has_insertions_and_deletions(redline_doc):
    root = redline_doc.document
    assert root.find(f".//{w('ins')}") is not None and root.find(f".//{w('del')}") is not None, \
        "the tracked-changes document should contain w:ins and w:del (else the check above is empty)"
