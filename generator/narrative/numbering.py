"""Numbers assigned after rendering: headings 一、（一）1.（1）, items 一是, 图N, 表N, 附件N.

Because numbering happens on the parsed blocks, a section that a template condition drops
never leaves a gap. `ref(key)` placeholders in the text are resolved here too.
"""

from __future__ import annotations

import re

from .. import fmt
from ..blocks import Attachment, Figure, Heading, Paragraph, Run, Table
from ..errors import TemplateError
from .markup import ItemGroup

REF_OPEN, REF_CLOSE = "\u27e6", "\u27e7"  # ⟦ref⟧, never typed by a person
_REF = re.compile(f"{REF_OPEN}([^{REF_CLOSE}]+){REF_CLOSE}")


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
            r.text = resolve(r.text)
    return out
