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
    reads: frozenset = frozenset()   # (indicator code, metrics field) the text read (views.Recorded)

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
    """Holds the Jinja environment so that templates compile once for a whole batch
    (`compiled`: where compiled templates are kept between processes, see env.make_env)."""

    def __init__(self, templates: Path, compiled=None):
        self.templates = Path(templates)
        self.env = make_env(self.templates, compiled)

    def compile_all(self) -> None:
        """Compile every template of the folder now (a worker does this while the main process
        reads the data). A template that does not compile is left for `render` to report."""
        for path in sorted(self.templates.glob("*.j2")):
            try:
                self.env.get_template(path.name)
            except Exception:  # noqa: BLE001 (render names the file, the line and the fix)
                pass

    def render(self, cfg, metrics: RegionMetrics, peers_n: int) -> Narrative:
        """One region's narrative: rendered, parsed into blocks, numbered, tables filled."""
        context, ctx = template_context(cfg, metrics, peers_n)
        markup = render(self.env, self.templates, MAIN_TEMPLATE, context)
        source = f"{metrics.region.name}的报告正文"
        blocks = number_blocks(parse(markup, source), source)
        for b in blocks:
            if isinstance(b, Table):
                b.data = exhibits.table(b.key, ctx.views, metrics.time_progress, source)
        return Narrative(blocks, ctx.missing_list(), frozenset(ctx.reads))


_RENDERERS: dict[tuple, NarrativeRenderer] = {}


def renderer_for(templates: Path, compiled=None) -> NarrativeRenderer:
    """The renderer of `templates` kept for this process: a process that builds again (the
    workbench, a benchmark, a worker) compiles nothing twice. Jinja reloads a template whose
    file changed (env._make_loader checks the bytes)."""
    key = (Path(templates).resolve(), compiled)
    if key not in _RENDERERS:
        _RENDERERS[key] = NarrativeRenderer(templates, compiled)
    return _RENDERERS[key]
