"""What changed between two builds of a document: values, sentences, table cells, and
tracked changes.

Pure functions on the previous build's snapshot (blocks, values) and the new one. The change
report answers the leadership's question "what changed?"; the redline blocks carry w:ins /
w:del marks so a reviewer can accept or reject each change in Word or WPS.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Sequence
from dataclasses import dataclass

from ..blocks import Heading, Paragraph, Run, Table, TableData

_SENTENCE = re.compile(r"[^。！？；\n]*[。！？；]?")
_TOKEN = re.compile(r"\d+(?:\.\d+)?%?|.", re.S)   # a number changes as a whole


@dataclass(frozen=True)
class ValueChange:
    """One value added, removed or changed: `old`/`new` as entered (with the unit), and
    `old_shown`/`new_shown` as the report prints them (rounded, in 万 …); None where absent."""

    region: str
    year: str
    code: str
    name: str
    old: object
    new: object
    old_shown: object = None
    new_shown: object = None

    def __str__(self) -> str:
        when = "规划目标" if self.year == "规划目标" else f"{self.year}年"
        old = "（无）" if self.old is None else self.old
        new = "（删除）" if self.new is None else self.new
        return f"{self.region}{when}「{self.name}」：{old} → {new}{self.printed}"

    @property
    def printed(self) -> str:
        """How the report prints the figures, where that differs from the raw values:
        （正文中均显示为117万学时） when the rounding hides the change."""
        a, b = self.old_shown, self.new_shown
        if (a is None or a == self.old) and (b is None or b == self.new):
            return ""
        if a is not None and b is not None:
            return f"（正文中均显示为{a}）" if a == b else f"（正文中由{a}改为{b}）"
        return f"（正文中显示为{a if b is None else b}）"


def value_key(region: str, year, code: str) -> str:
    return f"{region}|{year}|{code}"


def value_changes(old: dict[str, object], new: dict[str, object], names: dict[str, str],
                  show=str, raw=None) -> list[ValueChange]:
    """Values added, removed or changed between two snapshots (keys from `value_key`);
    `raw(code, value)` writes a value as entered, with its unit (default: `show`), and
    `show(code, value)` as the report prints it."""
    raw = raw or show
    out = []
    for key in sorted(set(old) | set(new)):
        a, b = old.get(key), new.get(key)
        if a != b:
            region, year, code = key.split("|")
            ra, rb = (None if v is None else raw(code, v) for v in (a, b))
            sa, sb = (None if v is None else show(code, v) for v in (a, b))
            out.append(ValueChange(region, year, code, names.get(code, code), ra, rb, sa, sb))
    return out


def sentences(text: str) -> list[str]:
    return [s for s in _SENTENCE.findall(text) if s.strip()]


def sentence_changes(old_text: str, new_text: str) -> list[tuple[str, str]]:
    """(old, new) pairs of changed sentences; '' stands for a sentence added or removed."""
    a, b = sentences(old_text), sentences(new_text)
    out = []
    for op, i1, i2, j1, j2 in difflib.SequenceMatcher(None, a, b, autojunk=False).get_opcodes():
        if op == "equal":
            continue
        olds, news = a[i1:i2], b[j1:j2]
        for k in range(max(len(olds), len(news))):
            out.append((olds[k] if k < len(olds) else "", news[k] if k < len(news) else ""))
    return out


def report_text(title: str, values: list[ValueChange], changed: list[tuple[str, str]],
                when: str, tables: Sequence[str] = ()) -> str:
    """The 修订说明 written beside a rebuilt document: values, sentences, table rows."""
    lines = [f"{title}", f"修订说明（{when}重新生成）", ""]
    lines.append(f"一、数据变化（{len(values)}项）")
    lines += [f"  {n}. {v}" for n, v in enumerate(values, 1)] or ["  无（报告因模板、配置或其他地区数据的变化而改变）"]
    lines += ["", f"二、正文变化（{len(changed)}处）"]
    for n, (old, new) in enumerate(changed, 1):
        lines.append(f"  {n}. 原文：{old or '（无）'}")
        lines.append(f"     现为：{new or '（删除）'}")
    if not changed:
        lines.append("  无")
    lines += ["", f"三、表格变化（{len(tables)}处）"]
    lines += [f"  {n}. {t}" for n, t in enumerate(tables, 1)] or ["  无"]
    return "\n".join(lines) + "\n"


# --- tables ---------------------------------------------------------------------------------

def _numbered(header: list[str]) -> bool:
    """A table whose first column is its row number (序号): rows are told by the next one."""
    return header[:1] == ["序号"] and len(header) > 1


def _row_id(header: list[str], row: list[str]) -> str:
    return row[1] if _numbered(header) and len(row) > 1 else (row[0] if row else "")


def _paired_rows(old: TableData, new: TableData) -> list[tuple[int | None, int | None]]:
    """(old row, new row) index pairs in the new order, rows told apart by their name
    (the 指标 column); None where a row was added or removed."""
    a = [_row_id(old.header, r) for r in old.rows]
    b = [_row_id(new.header, r) for r in new.rows]
    out: list[tuple[int | None, int | None]] = []
    for op, i1, i2, j1, j2 in difflib.SequenceMatcher(None, a, b, autojunk=False).get_opcodes():
        if op in ("equal", "replace") and i2 - i1 == j2 - j1:
            out += list(zip(range(i1, i2), range(j1, j2), strict=True))
            continue
        out += [(i, None) for i in range(i1, i2)]
        out += [(None, j) for j in range(j1, j2)]
    return out


def _cell_runs(old: str, new: str) -> list[Run]:
    return diff_runs([Run(old)] if old else [], [Run(new)] if new else [])


def diff_table(old: TableData, new: TableData) -> TableData | None:
    """`new` with tracked changes against `old`: changed cells as runs marked "del"/"ins",
    removed rows kept (marked "del") where they stood, added rows marked "ins"; None if the
    two tables read the same."""
    if old.header == new.header and old.rows == new.rows:
        return None
    rows: list[list[str]] = []
    alerts: set[tuple[int, int]] = set()
    changes: dict[tuple[int, int], list[Run]] = {}
    row_changes: dict[int, str] = {}
    columns = len(new.header)
    for j in range(columns):
        was = old.header[j] if j < len(old.header) else ""
        if was != new.header[j]:
            changes[(-1, j)] = _cell_runs(was, new.header[j])
    for i, k in _paired_rows(old, new):
        here = len(rows)
        if k is None:          # removed: the old row, struck through
            assert i is not None  # a pair has one side at least
            rows.append(list(old.rows[i]))
            alerts |= {(here, c) for r, c in old.alerts if r == i}
            row_changes[here] = "del"
            changes.update({(here, c): [Run(t, change="del")] if t else []
                            for c, t in enumerate(old.rows[i])})
            continue
        rows.append(list(new.rows[k]))
        alerts |= {(here, c) for r, c in new.alerts if r == k}
        if i is None:          # added
            row_changes[here] = "ins"
            changes.update({(here, c): [Run(t, change="ins")] if t else []
                            for c, t in enumerate(new.rows[k])})
            continue
        for c, text in enumerate(new.rows[k]):
            was = old.rows[i][c] if c < len(old.rows[i]) else ""
            if was != text:
                changes[(here, c)] = _cell_runs(was, text)
    return TableData(list(new.header), rows, list(new.align), list(new.widths), alerts,
                     changes, row_changes)


def _row_lines(caption: str, old: TableData, new: TableData) -> list[str]:
    """One line per added, removed or changed row (a new 序号 alone is not a change)."""
    out = []
    skip = 1 if _numbered(new.header) else 0
    if old.header != new.header:
        out.append(f"{caption}表头：{'、'.join(old.header)} → {'、'.join(new.header)}")
    for i, k in _paired_rows(old, new):
        if k is None:
            assert i is not None  # a pair has one side at least
            out.append(f"{caption}：删去一行「{_row_id(old.header, old.rows[i])}」")
        elif i is None:
            out.append(f"{caption}：新增一行「{_row_id(new.header, new.rows[k])}」")
        else:
            a, b = old.rows[i], new.rows[k]
            cells = [f"{new.header[c]} {a[c] if c < len(a) else '（空）'} → {b[c] or '（空）'}"
                     for c in range(skip, len(b)) if (a[c] if c < len(a) else "") != b[c]]
            if cells:
                out.append(f"{caption}「{_row_id(new.header, b)}」：{'；'.join(cells)}")
    return out


def table_changes(old_blocks: list, new_blocks: list) -> list[str]:
    """The 修订说明 lines of the tables: rows added, removed or changed, tables added or
    removed (tables are matched by their key)."""
    old = {b.key: b for b in old_blocks if isinstance(b, Table)}
    out = []
    for b in new_blocks:
        if not isinstance(b, Table):
            continue
        before = old.pop(b.key, None)
        if before is None:
            out.append(f"新增{b.caption}")
        elif before.data is not None and b.data is not None:
            out += _row_lines(b.caption, before.data, b.data)
    out += [f"删去{b.caption}" for b in old.values()]
    return out


# --- tracked changes ------------------------------------------------------------------------

def _styled_chars(runs: list[Run]) -> list[tuple[str, bool, bool]]:
    return [(ch, r.bold, r.missing) for r in runs for ch in r.text]


def _runs_from(chars: list[tuple[str, bool, bool]], change: str | None) -> list[Run]:
    runs: list[Run] = []
    for ch, bold, missing in chars:
        if runs and (runs[-1].bold, runs[-1].missing) == (bold, missing):
            runs[-1].text += ch
        else:
            runs.append(Run(ch, bold, missing, change))
    return runs


def _tokens(chars: list[tuple[str, bool, bool]]) -> list[tuple[int, int, str]]:
    text = "".join(c for c, _, _ in chars)
    return [(m.start(), m.end(), m.group()) for m in _TOKEN.finditer(text)]


def diff_runs(old: list[Run], new: list[Run]) -> list[Run]:
    """New runs with the deleted text of `old` (change="del") and inserted text (change="ins")."""
    oc, nc = _styled_chars(old), _styled_chars(new)
    ot, nt = _tokens(oc), _tokens(nc)
    out: list[Run] = []
    matcher = difflib.SequenceMatcher(None, [t[2] for t in ot], [t[2] for t in nt], autojunk=False)
    for op, i1, i2, j1, j2 in matcher.get_opcodes():
        if op == "equal":
            out += _runs_from(nc[nt[j1][0]:nt[j2 - 1][1]], None)
            continue
        if i2 > i1:
            out += _runs_from(oc[ot[i1][0]:ot[i2 - 1][1]], "del")
        if j2 > j1:
            out += _runs_from(nc[nt[j1][0]:nt[j2 - 1][1]], "ins")
    return out


def _marked(block, change: str | None):
    runs = [Run(r.text, r.bold, r.missing, change) for r in block.runs]
    if isinstance(block, Heading):
        return Heading(block.level, runs, block.number)
    return Paragraph(runs, block.item, block.number)


def _table_redline(old, new) -> Table | None:
    """A copy of table `new` with its cells redlined against `old`; None if not a table or
    nothing changed."""
    if not (isinstance(old, Table) and isinstance(new, Table)):
        return None
    if old.data is None or new.data is None:
        return None
    data = diff_table(old.data, new.data)
    return None if data is None else Table(new.key, new.title, new.number, data)


def redline(old_blocks: list, new_blocks: list) -> tuple[list, int]:
    """The new blocks with tracked changes against the old ones, and how many blocks changed."""
    def key(b):
        return (type(b).__name__, getattr(b, "text", None) or getattr(b, "caption", ""))

    a, b = [key(x) for x in old_blocks], [key(x) for x in new_blocks]
    out, changed = [], 0
    for op, i1, i2, j1, j2 in difflib.SequenceMatcher(None, a, b, autojunk=False).get_opcodes():
        if op == "equal":
            for o, n in zip(old_blocks[i1:i2], new_blocks[j1:j2], strict=True):
                marked = _table_redline(o, n)
                out.append(marked or n)
                changed += marked is not None
            continue
        olds, news = old_blocks[i1:i2], new_blocks[j1:j2]
        for k in range(max(len(olds), len(news))):
            o = olds[k] if k < len(olds) else None
            n = news[k] if k < len(news) else None
            texty = (Heading, Paragraph)
            if isinstance(o, Table) and isinstance(n, Table) and o.key == n.key:
                out.append(_table_redline(o, n) or n)
            elif isinstance(o, texty) and isinstance(n, texty) and type(o) is type(n):
                copy = _marked(n, None)
                copy.runs = diff_runs(o.runs, n.runs)
                out.append(copy)
            else:
                if isinstance(o, texty):
                    out.append(_marked(o, "del"))
                if n is not None:
                    out.append(_marked(n, "ins") if isinstance(n, texty) else n)
            changed += 1
    return out, changed
