"""The document as a reader sees it, as an HTML fragment: the web workbench's 预览.

Pure: no python-docx, no matplotlib. The order follows the Word layout
(generator/layout/document.py): title, body, 附件说明, 署名 and 成文日期, then the
attachments, each starting with its 附件 label and title. Heading numbers (一、 （一） 1.
（1）) are written before the heading's runs; an enumeration's 一是 is already its first
run. Every text is escaped; the fragment has no script and no inline style, so it works
under a strict Content-Security-Policy (the look is in static/preview.css).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from pathlib import Path

from markupsafe import Markup, escape

from generator.blocks import (
    Attachment,
    Figure,
    Heading,
    PageBreak,
    Paragraph,
    Run,
    Table,
    TableData,
    from_plain,
)
from generator.layout.profile import Profile
from generator.layout.title import break_title

FIGURE_MISSING = "图表图片暂缺，请重新生成报告后再预览"
TABLE_MISSING = "表格数据暂缺，请重新生成报告后再预览"
_ALIGN = {"left": "left", "center": "center", "centre": "center", "right": "right"}
_CACHE_KEY = re.compile(r"[0-9a-f]{64}")
_TRAILING = "。．.，,；;"


def render_html(blocks: list, *, title: str, organ: str = "", date: str = "",
                image_url: Callable[[str], str | None]) -> Markup:
    """`<article class="doc">…</article>`: title, body, 附件说明, signature, attachments.

    `blocks` are Block objects or their plain form (a snapshot's "blocks"); `image_url(key)`
    gives the URL of a figure's image, or None when there is none (a visible placeholder
    is shown instead)."""
    blocks = _blocks(blocks)
    split = next((i for i, b in enumerate(blocks) if isinstance(b, Attachment)), len(blocks))
    attachments = [b for b in blocks if isinstance(b, Attachment)]
    numbered = len(attachments) > 1  # 附件 alone for a single attachment, as in Word
    out: list[str] = ['<article class="doc">', _title(title, "doc-title")]
    out.extend(_block(b, image_url, numbered) for b in blocks[:split])
    if attachments:
        out.append(_attachment_note([a.title for a in attachments]))
    if organ or date:
        out.append(_signature(organ, date))
    out.extend(_block(b, image_url, numbered) for b in blocks[split:])
    out.append("</article>")
    return Markup("\n".join(out))


def figure_images(snapshot: dict | None, cache_dir: Path) -> dict[str, Path]:
    """Figure key → the cached PNG it was built with (`<cache_dir>/<cache key>.png`), for
    the figures of `snapshot["charts"]` whose image exists; the others are left out."""
    charts = (snapshot or {}).get("charts")
    if not isinstance(charts, dict):
        return {}
    found: dict[str, Path] = {}
    for key, digest in charts.items():
        if not isinstance(key, str) or not isinstance(digest, str):
            continue
        if not _CACHE_KEY.fullmatch(digest):  # never a path out of the cache
            continue
        path = Path(cache_dir) / f"{digest}.png"
        if path.is_file():
            found[key] = path
    return found


def count_missing(blocks: list) -> int:
    """How many 【待补】 placeholders (runs marked missing) the document has."""
    return sum(1 for b in _blocks(blocks) for r in getattr(b, "runs", ()) if r.missing)


# ---------------------------------------------------------------- blocks

def _blocks(blocks: Iterable) -> list:
    items = list(blocks)
    if any(isinstance(b, dict) for b in items):
        return from_plain(items)
    return items


def _block(block, image_url: Callable[[str], str | None], numbered: bool) -> str:
    if isinstance(block, Heading):
        tag = f"h{min(max(block.level, 1), 4) + 1}"
        return f"<{tag}>{escape(block.number)}{_runs(block.runs)}</{tag}>"
    if isinstance(block, Paragraph):
        cls = ' class="item"' if block.item else ""
        return f"<p{cls}>{_runs(block.runs)}</p>"
    if isinstance(block, Figure):
        return _figure(block, image_url(block.key))
    if isinstance(block, Table):
        return _table(block)
    if isinstance(block, PageBreak):
        return '<hr class="page-break">'
    if isinstance(block, Attachment):
        label = "附件" + (str(block.number or "") if numbered else "")
        return ('<div class="attachment">'
                f'<p class="attachment-label">{escape(label)}</p>'
                f'{_title(block.title, "attachment-title")}</div>')
    return ""


def _title(text: str, cls: str) -> str:
    """The title in the lines Word breaks it into (its "\n", else meaningful breaks)."""
    lines = break_title(text, Profile().title_chars_per_line) or [""]
    return f'<h1 class="{cls}">' + "<br>".join(map(str, map(escape, lines))) + "</h1>"


def _text(text: str) -> str:
    return "<br>".join(str(escape(line)) for line in text.split("\n"))


def _runs(runs: list[Run]) -> str:
    parts = []
    for r in runs:
        html = _text(r.text)
        if r.bold:
            html = f"<strong>{html}</strong>"
        if r.missing:
            html = f'<mark class="missing">{html}</mark>'
        if r.change == "ins":
            html = f"<ins>{html}</ins>"
        elif r.change == "del":
            html = f"<del>{html}</del>"
        parts.append(html)
    return "".join(parts)


def _figure(figure: Figure, url: str | None) -> str:
    caption = f"<figcaption>{escape(figure.caption)}</figcaption>"
    if url is None:
        return (f'<figure class="figure">'
                f'<div class="figure-missing">{escape(FIGURE_MISSING)}</div>{caption}</figure>')
    return (f'<figure class="figure"><img src="{escape(url)}" alt="{escape(figure.title)}" '
            f'loading="lazy">{caption}</figure>')


def _table(table: Table) -> str:
    data: TableData | None = table.data
    caption = f"<caption>{escape(table.caption)}</caption>"
    if data is None:
        return (f'<div class="table-scroll"><table class="table">{caption}<tbody><tr>'
                f'<td class="table-missing">{escape(TABLE_MISSING)}</td></tr></tbody></table></div>')
    columns = len(data.header)
    aligns = [_ALIGN.get(a, "center") for a in data.align] + ["center"] * columns
    head = "".join(f"<th>{_text(h)}</th>" for h in data.header)
    rows = []
    for i, row in enumerate(data.rows):
        cells = []
        for j, cell in enumerate(row):
            classes = f"align-{aligns[j]}" + (" alert" if (i, j) in data.alerts else "")
            cells.append(f'<td class="{classes}">{_text(str(cell))}</td>')
        rows.append("<tr>" + "".join(cells) + "</tr>")
    return (f'<div class="table-scroll"><table class="table">{caption}<thead><tr>{head}</tr>'
            f'</thead><tbody>{"".join(rows)}</tbody></table></div>')


# ---------------------------------------------------------------- closing parts

def _attachment_note(titles: list[str]) -> str:
    """附件说明 (GB/T 9704 7.3.4): 附件：title, or 附件：1.　title with the others under it."""
    titles = [t.strip().rstrip(_TRAILING) for t in titles]
    if len(titles) == 1:
        return f'<p class="attachment-note">附件：{escape(titles[0])}</p>'
    lines = []
    for i, t in enumerate(titles, start=1):
        head = ('<span class="note-head">附件：</span>' if i == 1 else
                '<span class="note-head note-head-blank" aria-hidden="true">附件：</span>')
        lines.append(f'<p class="attachment-note attachment-note-list">{head}'
                     f'<span class="note-number">{i}.</span>{escape(t)}</p>')
    return '<div class="attachment-notes">' + "".join(lines) + "</div>"


def _signature(organ: str, date: str) -> str:
    """署名 2 字 from the right, the date starting 2 字 right of the 署名's first character
    (or 2 字 from the right when longer), as `signature_indents` sets them in Word: the two
    lines share a left-aligned box that ends 2 字 from the right (see preview.css)."""
    lines = []
    if organ:
        lines.append(f'<p class="organ">{escape(organ)}</p>')
    if date:
        cls = "date" if organ else "date date-alone"
        lines.append(f'<p class="{cls}">{escape(date)}</p>')
    return ('<div class="signature"><div class="signature-lines">' + "".join(lines)
            + "</div></div>")
