"""Narrative stage: templates → block markup → numbered blocks, per region.

Owns the template context (`template_context`: what README's 模板 section lists), the
renderer and the `Narrative` it returns: judge decides, views give figures and decisions,
env renders the sandboxed templates (which hold the wording), markup and numbering turn the
text into blocks. Must not import python-docx, matplotlib, the layout or the output: the
blocks are laid out later; of the exhibits it uses only `exhibits.table` (the attachment
tables' data).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from .. import exhibits, fmt
from ..blocks import Table
from ..metrics import RegionMetrics
from .env import make_env, render
from .markup import parse
from .numbering import number_blocks
from .views import Indicators, Missing, RenderContext, Summary

MAIN_TEMPLATE = "report.md.j2"


@dataclass
class Narrative:
    """The numbered blocks of one region's report and the values it had to leave 【待补】."""

    blocks: list
    missing: list[Missing]

    @property
    def text(self) -> str:
        return blocks_text(self.blocks)


def blocks_text(blocks: list) -> str:
    """Plain text, one block per line (headings with numbers; figures/tables as their captions)."""
    lines = []
    for b in blocks:
        text = getattr(b, "text", None)
        if text is None:
            text = getattr(b, "caption", None)
        if text is None and hasattr(b, "title"):
            text = f"附件{b.number}　{b.title}"
        if text:
            lines.append(text)
    return "\n".join(lines) + "\n"


def template_context(cfg, metrics: RegionMetrics, peers_n: int) -> tuple[dict, RenderContext]:
    """The variables templates see (documented in README, 模板一节)."""
    region = metrics.region
    ctx = RenderContext(metrics, cfg.plan.end)
    terms = dict(cfg.terms[region.level])
    terms["name_short"] = region.short
    context = {
        "region": region,
        "t": terms,
        "w": dict(cfg.wording),
        "year": cfg.year,
        "prev_year": cfg.year - 1,
        "plan": cfg.plan,
        "time_progress": fmt.percent(metrics.time_progress, 1),
        "as_of": cfg.as_of or f"{cfg.year}年12月",
        "progress_basis": cfg.progress_basis,
        "peers_n": peers_n,
        "peer_word": "县（市、区）",
        "v": Indicators(ctx.views),
        "summary": Summary(ctx.views),
    }
    return context, ctx


class NarrativeRenderer:
    """Holds the Jinja environment so that templates compile once for a whole batch."""

    def __init__(self, templates: Path):
        self.templates = Path(templates)
        self.env = make_env(self.templates)

    def render(self, cfg, metrics: RegionMetrics, peers_n: int) -> Narrative:
        context, ctx = template_context(cfg, metrics, peers_n)
        markup = render(self.env, self.templates, MAIN_TEMPLATE, context)
        source = f"{metrics.region.name}的报告正文"
        blocks = number_blocks(parse(markup, source), source)
        for b in blocks:
            if isinstance(b, Table):
                b.data = exhibits.table(b.key, ctx.views, metrics.time_progress, source)
        return Narrative(blocks, ctx.missing_list())
