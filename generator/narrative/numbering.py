"""Numbers assigned after rendering: headings 一、（一）1.（1）, items 一是, 图N, 表N, 附件N.

Because numbering happens on the parsed blocks, a section that a template condition drops
never leaves a gap. `ref(key)` placeholders in the text are resolved here too, and again by
`drop_figures` once the charts without data are known, so a dropped chart leaves no gap either.
"""

from __future__ import annotations

import re

from .. import fmt
from ..blocks import Attachment, Figure, Heading, Paragraph, Run, Table
from ..errors import TemplateError
from .markup import ItemGroup

REF_OPEN, REF_CLOSE = "\u27e6", "\u27e7"  # ⟦ref⟧, never typed by a person
_REF = re.compile(f"{REF_OPEN}([^{REF_CLOSE}]+){REF_CLOSE}")
_REF_PIECES = re.compile(f"({REF_OPEN}[^{REF_CLOSE}]+{REF_CLOSE})")  # split, keeping each ref


def ref_placeholder(key: str) -> str:
    return f"{REF_OPEN}{key}{REF_CLOSE}"


def heading_number(level: int, n: int) -> str:
    if level == 1:
        return f"{fmt.chinese_ordinal(n)}、"
    if level == 2:
        return f"（{fmt.chinese_ordinal(n)}）"
    if level == 3:
        return f"{n}."
    return f"（{n}）"


def _lead_bold(runs: list[Run]) -> list[Run]:
    """Bold the item's lead sentence (up to its first 。) unless the template set bold itself."""
    if any(r.bold for r in runs) or not runs or runs[0].missing:
        return runs
    first = runs[0]
    cut = first.text.find("。")
    if cut < 0:
        return runs
    return [Run(first.text[: cut + 1], bold=True), Run(first.text[cut + 1:]), *runs[1:]]


def _items(group: ItemGroup) -> list[Paragraph]:
    numbered = []
    for n, runs in enumerate(group.items, 1):
        numbered.append([Run(f"{fmt.chinese_ordinal(n)}是", bold=True), *_lead_bold(runs)])
    if group.joined:
        merged: list[Run] = [r for item in numbered for r in item]
        return [Paragraph(merged, item=True)]
    return [Paragraph(runs, item=True) for runs in numbered]


def number_blocks(blocks: list, source: str = "模板") -> list:
    """Final blocks: numbers assigned, enumerations expanded, references resolved."""
    counters = [0, 0, 0, 0]
    refs: dict[str, str] = {}
    figures = tables = attachments = 0
    out: list = []
    for b in blocks:
        if isinstance(b, Heading):
            counters[b.level - 1] += 1
            for k in range(b.level, 4):
                counters[k] = 0
            b.number = heading_number(b.level, counters[b.level - 1])
            out.append(b)
        elif isinstance(b, ItemGroup):
            out.extend(_items(b))
        elif isinstance(b, Figure):
            figures += 1
            b.number = figures
            refs.setdefault(b.key, f"图{figures}")
            out.append(b)
        elif isinstance(b, Table):
            tables += 1
            b.number = tables
            refs.setdefault(b.key, f"表{tables}")
            out.append(b)
        elif isinstance(b, Attachment):
            attachments += 1
            b.number = attachments
            counters = [0, 0, 0, 0]
            out.append(b)
        else:
            out.append(b)

    def resolve(text: str) -> str:
        def one(m: re.Match) -> str:
            if m.group(1) not in refs:
                raise TemplateError(f"{source}：引用了不存在的图表「{m.group(1)}」，请检查 ref('…') 中的键名是否与 ```figure/```table 一致")
            return refs[m.group(1)]
        return _REF.sub(one, text)

    for b in out:
        for r in getattr(b, "runs", []):
            if REF_OPEN in r.text:
                r.source = r.text
                r.text = resolve(r.text)
    return out


def drop_figures(blocks: list, keys: set[str], placeholder) -> None:
    """Figures of `keys` (charts without data) replaced in `blocks` by `placeholder(figure)`,
    a 【待补】 paragraph without a number; the other figures numbered again 图1, 图2 … with
    no gap, and the references in the text resolved again: to a renumbered figure by its new
    number, to a dropped one taken out where it is an aside (（见图3）, ，见图3）), else the
    placeholder's marker in its place."""
    refs: dict[str, str] = {}
    marks: dict[str, list[Run]] = {}
    n = 0
    for i, b in enumerate(blocks):
        if isinstance(b, Figure) and b.key in keys:
            if b.key not in marks:
                marks[b.key] = placeholder(b).runs
            blocks[i] = Paragraph([Run(r.text, r.bold, r.missing) for r in marks[b.key]])
        elif isinstance(b, Figure):
            n += 1
            b.number = n
            refs.setdefault(b.key, f"图{n}")
        elif isinstance(b, Table):
            refs.setdefault(b.key, f"表{b.number}")
    for b in blocks:
        runs = getattr(b, "runs", None)
        if runs and any(r.source for r in runs):
            b.runs = [piece for r in runs for piece in _resolve_again(r, refs, marks)]


def _resolve_again(run: Run, refs: dict[str, str], marks: dict[str, list[Run]]) -> list[Run]:
    if run.source is None:
        return [run]
    text = run.source
    for key in marks:  # an aside pointing at the dropped figure goes with it
        ph = re.escape(ref_placeholder(key))
        text = re.sub(f"（见{ph}）", "", text)
        text = re.sub(f"[，、；]见{ph}(?=）)", "", text)
    out: list[Run] = []
    for piece in _REF_PIECES.split(text):
        if not piece:
            continue
        m = _REF.fullmatch(piece)
        if m and m.group(1) in marks:
            out += [Run(r.text, run.bold, True, run.change) for r in marks[m.group(1)]]
            continue
        if not out or out[-1].missing:
            out.append(Run("", run.bold, run.missing, run.change, source=""))
        last = out[-1]
        assert last.source is not None  # made just above, or by an earlier piece
        last.text += refs[m.group(1)] if m else piece
        last.source += piece  # each piece keeps its placeholders: it can be resolved again
    return out
