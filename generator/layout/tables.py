"""Tables as raw `w:tbl` XML: full type width, 仿宋 text, 黑体 header repeated on every page.

python-docx's `table.cell(i, j)` is quadratic and slow, so the table is written directly.
The text size is the largest of 四号/小四/五号 (小四 at most from six columns, 五号 from
eight) at which numbers fit their columns on one line; headers and left-aligned text too long
for a column are broken into lines of equal width (never one character alone on a line);
cells flagged as alerts (status 滞后) are bold on a light grey ground, so the text stays black
and the flag survives black-and-white printing.
"""

from __future__ import annotations

import math
import re
from collections.abc import Sequence
from itertools import pairwise

from generator.blocks import TableData
from generator.errors import LayoutError
from generator.layout import _xml as x
from generator.layout.profile import Profile
from generator.layout.styles import table_style_ids
from generator.layout.title import title_width
from generator.text import may_break

CELL_MARGIN = 85          # twips left and right of the cell text (1.5 mm)
_SLACK = 60               # twips of safety per column: real glyphs are not exactly ½ or 1 字
_SIZES = (14.0, 12.0, 10.5, 9.0)  # 四号, 小四, 五号, 小五
_TEXT_MIN = 8.0           # 字: a left-aligned text column narrower than this reads badly
ALERT_FILL = "D9D9D9"
_JC = {"left": "left", "center": "center", "centre": "center", "right": "right"}
# a run of Latin letters and digits (a figure) that a line may not break inside, or one character
_PIECE = re.compile(r"[A-Za-z0-9.,%+\-]+|.", re.S)


def check_table(data: TableData, label: str) -> None:
    """Raises LayoutError if the rows, alignments or widths do not match the header."""
    columns = len(data.header)
    if not columns:
        raise LayoutError(f"{label}没有表头，无法生成表格。")
    for i, row in enumerate(data.rows, start=1):
        if len(row) != columns:
            raise LayoutError(f"{label}第{i}行有{len(row)}列，表头有{columns}列，请核对表格数据。")
    bad = [a for a in data.align if a not in _JC]
    if bad:
        raise LayoutError(f"{label}的对齐方式「{bad[0]}」无效，应为 left、center 或 right。")


def layout_table(data: TableData, profile: Profile) -> tuple[list[int], float]:
    """Column widths (twips, summing to the type width) and the text size in points.

    The size is the largest allowed one at which every column gets its minimum: numbers and
    other centred or right-aligned cells on one line, left-aligned text at least 8 字, the
    header in at most two lines (one if there is room). The given relative widths (else the content widths) share
    the type width, then columns below their minimum take room from the others.
    """
    total = profile.type_width
    columns = len(data.header)
    # Wide tables read better a size down even when their cells would fit: 小四 from 6
    # columns, 五号 from 8 (two 8-column tables on one page then share one size, too).
    cap = profile.table_max_size if columns <= 5 else min(profile.table_max_size,
                                                          12.0 if columns < 8 else 10.5)
    sizes = [s for s in _SIZES if profile.table_min_size <= s <= cap] or [cap]
    aligns = list(data.align) + ["center"] * (columns - len(data.align))
    # widths with the ¼ 字 Word/WPS put where Chinese meets a digit (7个百分点, 2025年)
    body = [max([title_width(row[j]) for row in data.rows] + [0.0]) for j in range(columns)]
    head = [title_width(h) for h in data.header]
    hard = [max(body[j] if aligns[j] != "left" else min(body[j], _TEXT_MIN),
                _header_min(h, head[j]), 1.0) for j, h in enumerate(data.header)]
    desired = [max(body[j], head[j], 1.0) for j in range(columns)]
    size = sizes[-1]
    for candidate in sizes:
        if sum(_twips(hard, candidate)) <= total:
            size = candidate
            break
    # Headers on one line where the room allows, else in two lines (as balanced as Word does):
    # room left once text columns have their full width (a name on one line reads better
    # than a header on one line).
    one_line = [max(h, head[j]) for j, h in enumerate(hard)]
    text_full = [max(w, desired[j]) if aligns[j] == "left" else w for j, w in enumerate(one_line)]
    if sum(_twips(text_full, size)) <= total:
        hard = one_line
    minimum, wanted = _twips(hard, size), _twips(desired, size)
    if len(data.widths) == columns and all(w > 0 for w in data.widths):
        base = _share(total, data.widths)
    elif sum(wanted) <= total:
        base = [w + e for w, e in zip(wanted, _share(total - sum(wanted), desired), strict=True)]
    else:
        base = wanted
    return _fit(base, minimum, total), size


def _header_min(header: str, width: float) -> float:
    """The narrowest a header may be: two balanced lines, but a header with a figure
    (2025年) stays on one line, so the number is never split from its unit."""
    if any(c.isascii() and c.isdigit() for c in header):
        return width
    return min(width, max(2.0, math.ceil(width / 2)))


def _twips(widths_in_zi: list[float], size: float) -> list[int]:
    """Column widths for text `widths_in_zi` wide at `size` points, margins included."""
    return [round(w * size * 20) + 2 * CELL_MARGIN + _SLACK for w in widths_in_zi]


def _fit(base: list[int], minimum: list[int], total: int) -> list[int]:
    """`base` rescaled to sum to `total`, every column at least its `minimum` if possible."""
    if sum(minimum) >= total:
        return _share(total, minimum)
    fixed = [False] * len(base)
    while True:
        free = total - sum(m for m, f in zip(minimum, fixed, strict=True) if f)
        weights = [0 if f else b for b, f in zip(base, fixed, strict=True)]
        shares = _share(free, weights) if sum(weights) else [0] * len(base)
        widths = [m if f else s for m, s, f in zip(minimum, shares, fixed, strict=True)]
        short = [j for j, w in enumerate(widths) if w < minimum[j] and not fixed[j]]
        if not short:
            return widths
        for j in short:
            fixed[j] = True


def _share(total: int, weights: Sequence[float]) -> list[int]:
    """`total` split in proportion to `weights`, as integers summing exactly to `total`."""
    s = sum(weights)
    cuts = [round(total * sum(weights[: i + 1]) / s) for i in range(len(weights))]
    return [b - a for a, b in pairwise([0, *cuts])]


def build_table(data: TableData, profile: Profile, label: str, mark=None):
    """The `w:tbl` element for `data` and the text size it uses (for the styles).

    In a tracked-changes copy, `mark(kind)` makes the w:ins / w:del element of a revision:
    changed cells (`data.changes`) hold their old text deleted and new text inserted, and
    added or removed rows (`data.row_changes`) are marked in their w:trPr."""
    check_table(data, label)
    widths, size = layout_table(data, profile)
    text_style, header_style = table_style_ids(size)
    aligns = [_JC[a] for a in data.align] + ["center"] * (len(data.header) - len(data.align))

    tbl = x.make("tbl")
    edges = {side: x.border() for side in x.BORDER_ORDER}
    margins = {"top": {"w": 0, "type": "dxa"}, "left": {"w": CELL_MARGIN, "type": "dxa"},
               "bottom": {"w": 0, "type": "dxa"}, "right": {"w": CELL_MARGIN, "type": "dxa"}}
    x.props(tbl, "tblPr", x.TBLPR_ORDER, {
        "tblW": {"w": sum(widths), "type": "dxa"},
        "jc": {"val": "center"},
        "tblBorders": x.build("tblBorders", x.BORDER_ORDER, edges),
        "tblLayout": {"type": "fixed"},
        "tblCellMar": x.build("tblCellMar", x.BORDER_ORDER, margins),
        "tblLook": {"val": "04A0", "firstRow": 1, "lastRow": 0, "firstColumn": 0,
                    "lastColumn": 0, "noHBand": 1, "noVBand": 1},
    })
    grid = x.sub(tbl, "tblGrid")
    for width in widths:
        x.sub(grid, "gridCol", {"w": width})

    tr = x.sub(tbl, "tr")
    x.props(tr, "trPr", x.TRPR_ORDER, {"cantSplit": True, "tblHeader": True})
    room = [(wd - 2 * CELL_MARGIN - _SLACK) / (size * 20) for wd in widths]
    changes = data.changes if mark else {}
    row_changes = data.row_changes if mark else {}
    for j, text in enumerate(data.header):  # 完成 / 进度, not 完成进 / 度
        _cell(tr, balanced_lines(text, room[j]), widths[j], header_style, None, False,
              changes.get((-1, j)), mark)
    alerts = data.alerts
    for i, row in enumerate(data.rows):
        tr = x.sub(tbl, "tr")
        kind = row_changes.get(i)  # "ins" / "del": the row itself was added or removed
        x.props(tr, "trPr", x.TRPR_ORDER, {"cantSplit": True, **({kind: mark(kind)} if kind else {})})
        for j, text in enumerate(row):
            jc = aligns[j] if aligns[j] != "center" else None
            if aligns[j] == "left":
                text = balanced_lines(text, room[j])
            _cell(tr, text, widths[j], text_style, jc, (i, j) in alerts, changes.get((i, j)), mark)
    return tbl, size


def balanced_lines(text: str, room: float) -> str:
    """`text` with line breaks ("\n") so that it takes as few lines of at most `room` 字 as
    Word would, but of nearly equal width: 急需紧缺专业干部培训人数 in a column of 11 字 reads
    急需紧缺专业 / 干部培训人数, not 急需紧缺专业干部培训人 / 数. Figures and punctuation are
    never split. Text that fits, or cannot be balanced within `room`, is returned as is."""
    width = title_width(text)
    if width <= room or room <= 0 or "\n" in text:
        return text
    count = math.ceil(width / room)
    goal = width / count
    lines: list[str] = []
    line, used = "", 0.0
    for piece in _pieces(text):
        size = title_width(piece)
        if line and used + size / 2 > goal * (len(lines) + 1) and len(lines) < count - 1:
            lines.append(line)
            line = ""
        line += piece
        used += size
    lines.append(line)
    if any(title_width(t) > room for t in lines):
        return text
    return "\n".join(lines)


def _pieces(text: str) -> list[str]:
    """`text` cut where a line may break: between figures and characters, except where
    kinsoku forbids it (opening punctuation stays with what follows, closing with what precedes)."""
    pieces: list[str] = []
    for piece in _PIECE.findall(text):
        if pieces and not may_break(pieces[-1][-1], piece[0]):
            pieces[-1] += piece
        else:
            pieces.append(piece)
    return pieces


def _cell(tr, text: str, width: int, style: str, jc: str | None, alert: bool,
          runs=None, mark=None) -> None:
    """Appends one w:tc: width, vertical centring, optional alert shading, one paragraph;
    `runs` (a tracked-changes copy) replace `text` by runs in w:del / w:ins from `mark`."""
    tc = x.sub(tr, "tc")
    x.props(tc, "tcPr", x.TCPR_ORDER, {
        "tcW": {"w": width, "type": "dxa"},
        "shd": x.shading(ALERT_FILL) if alert else None,
        "vAlign": {"val": "center"},
    })
    p = x.paragraph(tc, {"pStyle": {"val": style}, "jc": {"val": jc} if jc else None})
    if runs is not None:
        for r in runs:
            parent = p
            if r.change in ("ins", "del"):
                parent = mark(r.change)
                p.append(parent)
            x.run(parent, r.text, bold=alert or r.bold, deleted=r.change == "del")
    elif text:
        x.run(p, text, bold=alert)
