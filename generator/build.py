"""The orchestrator: config → data → metrics → narrative → charts → layout → output.

`gather` does everything that can fail on bad input for every requested region before
`write` creates a single file, so a bad county fails the batch with no document written.
"""

from __future__ import annotations

import datetime as dt
import os
from dataclasses import dataclass, field
from pathlib import Path

from . import fmt
from .blocks import DocumentMeta, Figure, Paragraph, Run
from .config import ReportConfig, load_config
from .errors import DataError, ReportError, TemplateError
from .figures import chart_specs
from .metrics import RegionMetrics, region_metrics
from .model import Dataset, Region
from .narrative import Narrative, NarrativeRenderer
from .narrative.views import Missing
from .output import Manifest, atomic_write, output_path, protect_edits, sha256


@dataclass
class RegionReport:
    """Everything needed to write one region's document, already validated."""

    region: Region
    metrics: RegionMetrics
    narrative: Narrative
    meta: DocumentMeta
    specs: dict[str, object]
    path: Path
    missing: list[Missing] = field(default_factory=list)


@dataclass
class Job:
    cfg: ReportConfig
    ds: Dataset
    reports: list[RegionReport]

    @property
    def missing(self) -> list[Missing]:
        return [m for r in self.reports for m in r.missing]


@dataclass
class Written:
    region: str
    path: Path
    moved: Path | None       # where a hand-edited file that stood at `path` was kept
    missing: int


def load_data(cfg: ReportConfig) -> Dataset:
    from .data import load_dataset

    return load_dataset(cfg.catalog, cfg.regions, cfg.values, cfg.data_options,
                        display_root=cfg.root)


def select_regions(ds: Dataset, names: list[str] | None, all_regions: bool) -> list[Region]:
    """The city by default; `--all` the city and every county-level unit, in the regions file's order."""
    if all_regions:
        return [ds.city, *ds.children(ds.city.name)]
    if not names:
        return [ds.city]
    known = {r.name: r for r in ds.regions}
    unknown = [n for n in names if n not in known]
    if unknown:
        import difflib

        lines = []
        for n in unknown:
            close = difflib.get_close_matches(n, list(known), n=1)
            lines.append(f"  - 「{n}」" + (f"（是否为「{close[0]}」？）" if close else ""))
        raise DataError("地区表中没有以下地区：\n" + "\n".join(lines)
                        + f"\n可用的地区：{'、'.join(known)}")
    seen: list[Region] = []
    for n in names:
        if known[n] not in seen:
            seen.append(known[n])
    return seen


def document_meta(cfg: ReportConfig, region: Region, narrative: Narrative) -> DocumentMeta:
    epoch = os.environ.get("SOURCE_DATE_EPOCH")
    if epoch and epoch.isdigit():
        created = dt.datetime.fromtimestamp(int(epoch), dt.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")
    else:
        created = f"{cfg.date.isoformat()}T00:00:00Z"
    attachments = [b.title for b in narrative.blocks if type(b).__name__ == "Attachment"]
    h = cfg.header
    return DocumentMeta(
        title=cfg.title_for(region.name), organ=cfg.organ_for(region.name),
        date=fmt.date(cfg.date), attachments=attachments,
        issuer_mark=h.get("issuer_mark", "").format(region=region.name),
        doc_number=h.get("doc_number", ""), copy_to=h.get("copy_to", ""),
        printer=h.get("printer", "").format(region=region.name),
        print_date=h.get("print_date", ""), created=created)


def _attach_charts(ds: Dataset, report_metrics: RegionMetrics, narrative: Narrative) -> dict:
    """Chart specs for the figures of the narrative; a figure without data becomes a 【待补】 line."""
    figures = {b.key: b.title for b in narrative.blocks if isinstance(b, Figure)}
    specs = chart_specs(ds, report_metrics, figures)
    for key, spec in specs.items():
        if isinstance(spec, KeyError):
            raise TemplateError(f"模板中的图表「{key}」不存在。可用的图表键：completion、county_compare、trend、structure")
    for i, b in enumerate(narrative.blocks):
        if isinstance(b, Figure) and specs.get(b.key) is None:
            name = f"图{b.number}　{b.title}的数据"
            narrative.blocks[i] = Paragraph([Run(f"【待补：{name}】", missing=True)])
            narrative.missing.append(Missing(report_metrics.region.name, b.key, name, None))
    return {k: s for k, s in specs.items() if s is not None}


def gather(config_path: Path | str, regions: list[str] | None = None, *,
           all_regions: bool = False, cfg: ReportConfig | None = None) -> Job:
    """Validate and compute everything for the requested regions; writes nothing."""
    cfg = cfg or load_config(config_path)
    ds = load_data(cfg)
    chosen = select_regions(ds, regions, all_regions)
    renderer = NarrativeRenderer(cfg.templates)
    peers_n = len(ds.children(ds.city.name))
    reports, paths = [], {}
    for region in chosen:
        m = region_metrics(ds, region.name, cfg.year, cfg.plan.start, cfg.plan.end,
                           cfg.ahead_margin)
        narrative = renderer.render(cfg, m, peers_n)
        specs = _attach_charts(ds, m, narrative)
        path = output_path(cfg.output, cfg.filename, year=cfg.year, city=ds.city.name,
                           region=region.name, is_city=region.is_city)
        if path in paths:
            raise ReportError(f"「{paths[path]}」和「{region.name}」的输出文件名相同（{path.name}）。"
                              "请在 report.yaml 的 output.filename 中加入 {region} 或 {county}。")
        paths[path] = region.name
        meta = document_meta(cfg, region, narrative)
        reports.append(RegionReport(region, m, narrative, meta, specs, path, narrative.missing))
    return Job(cfg, ds, reports)


def strict_check(job: Job) -> None:
    if job.missing:
        lines = "\n".join(f"  - {m}" for m in job.missing)
        raise DataError(f"严格模式下不允许缺少数据，以下 {len(job.missing)} 项需要补齐：\n{lines}\n"
                        "请在指标数据表中补上这些数值，或去掉 --strict 生成带【待补】标记的草稿。")


def render_document(job: Job, report: RegionReport) -> bytes:
    """The .docx bytes of one region (charts drawn, layout applied)."""
    from .charts import render_charts
    from .layout import Profile, render_docx

    images = render_charts(report.specs)
    profile = Profile.from_mapping(job.cfg.layout) if job.cfg.layout else None
    return render_docx(report.narrative.blocks, report.meta, images, profile=profile)


def write(job: Job) -> list[Written]:
    """Render and write every document; hand-edited files are moved aside, never overwritten."""
    documents = [(r, render_document(job, r)) for r in job.reports]
    manifest = Manifest.load(job.cfg.output)
    written = []
    for report, data in documents:
        moved = protect_edits(report.path, manifest)
        atomic_write(report.path, data)
        manifest.record(report.path, sha256(data))
        written.append(Written(report.region.name, report.path, moved, len(report.missing)))
    manifest.save()
    return written


def build(config_path: Path | str, regions: list[str] | None = None, *,
          all_regions: bool = False, strict: bool = False) -> tuple[Job, list[Written]]:
    job = gather(config_path, regions, all_regions=all_regions)
    if strict:
        strict_check(job)
    return job, write(job)
