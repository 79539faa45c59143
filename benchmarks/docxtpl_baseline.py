"""The script a user would otherwise write: docxtpl fills a Word template, pyplot draws the charts.

It gets the same content as reportgen (paragraph texts, the indicator table, the data of the
same four charts), taken from reportgen's own gathered narrative by `extract` and saved as
JSON, so the script does no data loading or computing of its own: a conservative (fast)
baseline. Charts are drawn the usual way (pyplot, fixed 15 × 8.5 cm, tight_layout, savefig at
200 dpi with the same CJK font file), documents are rendered one region after another.

    python benchmarks/docxtpl_baseline.py content.json template.docx out_dir [--first]
"""

from __future__ import annotations

import io
import json
import sys
from dataclasses import asdict
from pathlib import Path

SIZE = (15 / 2.54, 8.5 / 2.54)
DPI = 200
BLUE, ALERT, LINE = "#2F5597", "#D9541E", "#404040"


# ---------------------------------------------------------------- content (not timed)

def extract(config_path: Path, regions: list[str] | None = None) -> list[dict]:
    """Per region (every region, or those named), the content of its reportgen document as
    plain JSON-able data."""
    from generator.build import gather  # only here: the timed script never imports reportgen

    job = gather(config_path, regions, all_regions=regions is None)
    return [_region_content(r) for r in job.reports]


def _region_content(report) -> dict:
    blocks, table = [], None
    for b in report.narrative.blocks:
        kind = type(b).__name__
        if kind == "Figure":
            spec = report.specs[b.key]
            chart = {"type": type(spec).__name__, **asdict(spec)}
            blocks.append({"kind": "figure", "caption": b.caption, "chart": chart})
        elif kind == "Table":
            table = {"caption": b.caption, "header": b.data.header, "rows": b.data.rows}
        elif kind == "Attachment":
            blocks.append({"kind": "heading", "text": f"附件{b.number}　{b.title}"})
        elif kind in ("Heading", "Paragraph"):
            blocks.append({"kind": kind.lower(), "text": b.text})
    meta = report.meta
    return {"file": report.path.name, "title": meta.title, "organ": meta.organ,
            "date": meta.date, "blocks": blocks, "table": table}


def make_template(path: Path, header: list[str]) -> None:
    """A Word template with a title, a loop of headings/paragraphs/figures and a table loop."""
    from docx import Document
    from docx.enum.text import WD_ALIGN_PARAGRAPH

    doc = Document()
    doc.add_paragraph("{{ title }}", style="Title")
    for line, style in (("{%p for b in blocks %}", None), ("{%p if b.kind == 'heading' %}", None),
                        ("{{ b.text }}", "Heading 2"), ("{%p elif b.kind == 'figure' %}", None)):
        doc.add_paragraph(line, style=style)
    for line in ("{{ b.image }}", "{{ b.caption }}"):
        doc.add_paragraph(line).alignment = WD_ALIGN_PARAGRAPH.CENTER
    for line in ("{%p else %}", "{{ b.text }}", "{%p endif %}", "{%p endfor %}",
                 "{{ table.caption }}"):
        doc.add_paragraph(line)
    grid = doc.add_table(rows=4, cols=len(header))
    grid.style = "Table Grid"
    for i, name in enumerate(header):
        grid.cell(0, i).text = name
        grid.cell(2, i).text = f"{{{{ row[{i}] }}}}"
    grid.cell(1, 0).text = "{%tr for row in table.rows %}"
    grid.cell(3, 0).text = "{%tr endfor %}"
    doc.add_paragraph("{{ organ }}")
    doc.add_paragraph("{{ date }}")
    doc.save(path)


# ---------------------------------------------------------------- the user's script (timed)

def setup_font(plt) -> None:
    import importlib.util

    from matplotlib import font_manager

    base = Path(importlib.util.find_spec("mplfonts").submodule_search_locations[0])
    path = str(base / "fonts" / "NotoSansCJKsc-Regular.otf")
    font_manager.fontManager.addfont(path)
    plt.rcParams["font.sans-serif"] = [font_manager.FontProperties(fname=path).get_name()]
    plt.rcParams["axes.unicode_minus"] = False


def draw_progress(ax, c: dict) -> None:
    tp = c["time_progress"]
    ys = range(len(c["labels"]))
    ax.barh(ys, c["completion"], color=[ALERT if v < tp else BLUE for v in c["completion"]])
    ax.set_yticks(ys, c["labels"])
    ax.invert_yaxis()
    ax.axvline(tp, color=LINE, linestyle="--", label=f"时序进度{tp:.1f}%")
    for y, v in zip(ys, c["completion"], strict=True):
        ax.text(v, y, f" {v:.1f}%", va="center", fontsize=9)
    ax.legend(loc="lower right")


def draw_compare(ax, c: dict) -> None:
    xs = range(len(c["labels"]))
    colors = [ALERT if name == c["highlight"] else BLUE for name in c["labels"]]
    ax.bar(xs, c["values"], color=colors)
    ax.set_xticks(xs, c["labels"])
    ax.axhline(c["average"], color=LINE, linestyle="--", label=c["average_label"])
    for x, v in zip(xs, c["values"], strict=True):
        ax.text(x, v, f"{v:.{c['decimals']}f}", ha="center", va="bottom", fontsize=9)
    ax.set_ylabel(c["unit"])
    ax.legend()


def draw_trend(ax, c: dict) -> None:
    years, series = c["years"], c["series"]
    width = 0.8 / len(series)
    for j, (name, values) in enumerate(series):
        xs = [i + (j - (len(series) - 1) / 2) * width for i in range(len(years))]
        bars = ax.bar(xs, [v or 0 for v in values], width=width, label=name)
        ax.bar_label(bars, fmt="%.0f", fontsize=7)
    ax.set_xticks(range(len(years)), [f"{y}年" for y in years])
    ax.set_ylabel(c["unit"])
    ax.legend(ncol=len(series), fontsize=8)


def draw_structure(ax, c: dict) -> None:
    total = sum(c["values"])
    labels = [f"{name} {v / total * 100:.1f}%" for name, v in zip(c["labels"], c["values"],
                                                                      strict=True)]
    ax.pie(c["values"], labels=labels, startangle=90, counterclock=False,
           wedgeprops={"width": 0.38, "edgecolor": "white"})
    ax.text(0, 0, f"合计\n{total:.0f}{c['unit']}", ha="center", va="center")
    ax.set_aspect("equal")


DRAW = {"ProgressChart": draw_progress, "CompareChart": draw_compare,
        "TrendChart": draw_trend, "StructureChart": draw_structure}


def chart_png(plt, chart: dict) -> io.BytesIO:
    fig, ax = plt.subplots(figsize=SIZE)
    DRAW[chart["type"]](ax, chart)
    fig.tight_layout()
    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=DPI)
    plt.close(fig)
    buf.seek(0)
    return buf


def render_region(plt, template: Path, region: dict, out_dir: Path) -> Path:
    from docx.shared import Mm
    from docxtpl import DocxTemplate, InlineImage

    tpl = DocxTemplate(template)
    blocks = []
    for b in region["blocks"]:
        if b["kind"] == "figure":
            b = {**b, "image": InlineImage(tpl, chart_png(plt, b["chart"]), width=Mm(150))}
        blocks.append(b)
    tpl.render({**region, "blocks": blocks}, autoescape=True)
    path = out_dir / region["file"]
    tpl.save(path)
    return path


def main(argv: list[str]) -> int:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    content, template, out_dir = (Path(a) for a in argv[:3])
    regions = json.loads(content.read_text(encoding="utf-8"))
    if "--first" in argv:
        regions = regions[:1]
    out_dir.mkdir(parents=True, exist_ok=True)
    setup_font(plt)
    for region in regions:
        render_region(plt, template, region, out_dir)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
