"""The exhibits stage: which figures and tables a report may have, and how they are made.

Owns the one registry of exhibit keys (`FIGURES`: figure key → chart-spec builder, in
figures.py; `TABLES`: table key → attachment-table builder, in tables.py), the messages for
a key the templates use that does not exist, and `attach`, which gives the chart specs of a
narrative's figures. specs.py says what a chart shows, as plain data; charts.py draws it (the
only module importing matplotlib, and only inside its functions).

Must not import python-docx (placing a picture or a table on the page is the layout's), nor
the narrative at import time: the narrative uses `table` while it renders, and `attach` only
reads the rendered narrative (its imports of the narrative are inside the function).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from ..blocks import Figure, Paragraph, Run, TableData
from ..errors import TemplateError
from ..metrics import MetricsBatch, RegionMetrics
from . import figures, tables

if TYPE_CHECKING:
    from ..narrative import Narrative

FIGURES: dict[str, Callable[[MetricsBatch, RegionMetrics, str], object]] = {
    "completion": figures.completion_chart,
    "county_compare": figures.compare_chart,
    "trend": figures.trend_chart,
    "structure": figures.structure_chart,
}
TABLES: dict[str, Callable[[dict, float], TableData]] = {
    "cumulative_indicators": tables.cumulative_table,
    "annual_indicators": tables.annual_table,
}


def chart_specs(batch: MetricsBatch, m: RegionMetrics, titles: dict[str, str]) -> dict[str, object]:
    """Specs for the charts the templates ask for (`titles`: key → caption); None where data is lacking."""
    unknown = [k for k in titles if k not in FIGURES]
    if unknown:
        raise TemplateError(f"模板中的图表「{'、'.join(unknown)}」不存在。可用的图表键：{'、'.join(FIGURES)}")
    return {key: FIGURES[key](batch, m, title) for key, title in titles.items()}


def chart_inputs(batch: MetricsBatch, m: RegionMetrics) -> list[str]:
    """The data of every chart the region's report may have, before its narrative exists (for
    the build's inputs key): each registered builder's spec with an empty caption, as text."""
    return [repr(FIGURES[key](batch, m, "")) for key in sorted(FIGURES)]


def table(key: str, views: dict, time_progress: float, source: str) -> TableData:
    """The attachment table `key` of a region's views; `source` names the text that asked."""
    if key not in TABLES:
        raise TemplateError(f"{source}：没有名为「{key}」的表格，可用的有：{'、'.join(TABLES)}")
    return TABLES[key](views, time_progress)


def attach(batch: MetricsBatch, metrics: RegionMetrics, narrative: Narrative) -> dict:
    """Chart specs for the figures of the narrative. A figure without data becomes a 【待补】
    line without a number; the other figures are numbered again without a gap, and the
    references to the dropped one leave the text (`drop_figures`)."""
    from ..narrative.numbering import drop_figures
    from ..narrative.views import Missing, marker

    captions = {b.key: b.title for b in narrative.blocks if isinstance(b, Figure)}
    specs = chart_specs(batch, metrics, captions)

    def placeholder(figure: Figure) -> Paragraph:
        name = f"图“{figure.title}”的数据"
        narrative.missing.append(Missing(metrics.region.name, figure.key, name, None))
        return Paragraph([Run(marker(name), missing=True)])

    lacking = {k for k, s in specs.items() if s is None}
    if lacking:
        drop_figures(narrative.blocks, lacking, placeholder)
    return {k: s for k, s in specs.items() if s is not None}
