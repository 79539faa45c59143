"""The orchestrator: config → data → metrics → narrative → exhibits → layout → output.

`gather` does everything that can fail on bad input for every requested region before
`write` creates a single file, so a bad county fails the batch with no document written.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import partial
from pathlib import Path

from . import fmt
from .blocks import Attachment, DocumentMeta
from .clock import build_time
from .config import ReportConfig, load_config
from .errors import DataError, ReportError
from .exhibits import attach
from .metrics import MetricsBatch, RegionMetrics
from .model import Dataset, Region
from .narrative import Narrative, NarrativeRenderer
from .narrative.views import Missing
from .output import (
    Manifest,
    chart_cache,
    check_targets,
    discard_temp,
    file_sha256,
    interrupts_held,
    load_snapshot,
    notes_path,
    output_path,
    protect_edits,
    redline_path,
    remove_temps,
)


@dataclass
class RegionReport:
    """Everything needed to write one region's document, already validated."""

    region: Region
    metrics: RegionMetrics
    narrative: Narrative
    meta: DocumentMeta
    specs: dict[str, object]
    path: Path

    @property
    def missing(self) -> list[Missing]:
        return self.narrative.missing


@dataclass
class Job:
    cfg: ReportConfig
    ds: Dataset
    reports: list[RegionReport]
    failures: dict[str, str] = field(default_factory=dict)   # region → why it cannot be built

    @property
    def missing(self) -> list[Missing]:
        return [m for r in self.reports for m in r.missing]


@dataclass
class Written:
    region: str
    path: Path
    moved: Path | None = None      # where a hand-edited file that stood at `path` was kept
    missing: int = 0
    skipped: bool = False          # inputs unchanged since the last build: not rebuilt
    changes: str = ""              # the change report (修订说明) text, when there was a previous build
    notes: Path | None = None      # where the change report was written
    redline: Path | None = None    # the tracked-changes document (--redline)
    pages: int = 0                 # estimated page count
    edited: bool = False           # skipped, and the file on disk was changed by hand


def load_data(cfg: ReportConfig, lenient: bool = False) -> Dataset:
    """The checked dataset; files unchanged since the last run come from the output folder's
    data cache (output/.reportgen/data/), with the same result and messages."""
    from .data import load_dataset
    from .output import DataCache

    return load_dataset(cfg.catalog, cfg.regions, cfg.values, cfg.data_options,
                        display_root=cfg.root, lenient=lenient, cache=DataCache(cfg.output))


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
    created = build_time(cfg.date).strftime("%Y-%m-%dT%H:%M:%SZ")
    attachments = [b.title for b in narrative.blocks if isinstance(b, Attachment)]
    organ = cfg.organ_for(region)
    # 版头/版记 name the issuing body like the signature does: full name, or {organ} itself.
    header = {k: str(v).format(region=region.full_name, organ=organ) for k, v in cfg.header.items()}
    return DocumentMeta(
        title=cfg.title_for(region.name), organ=organ,
        date=fmt.date(cfg.date), attachments=attachments, created=created, **header)


def gather(config_path: Path | str, regions: list[str] | None = None, *,
           all_regions: bool = False, cfg: ReportConfig | None = None,
           keep_going: bool = False) -> Job:
    """Validate and compute everything for the requested regions; writes nothing.

    Problems of every region are collected first. Without `keep_going` any of them fails the
    whole batch (one error naming them all); with it, the failed regions are listed in
    `Job.failures` and the others go on.
    """
    cfg = cfg or load_config(config_path)
    try:
        ds = load_data(cfg, lenient=keep_going)
    except DataError as exc:
        errors = [p for p in exc.problems if p.is_error]
        if errors and all(p.region for p in errors):
            names = "、".join(dict.fromkeys(p.region for p in errors))
            exc.message += (f"\n出错的数据属于：{names}。未写入任何文件。"
                            "如需先生成其他地区的报告，可在 reportgen build 后加 --keep-going。")
        raise
    chosen = select_regions(ds, regions, all_regions)
    renderer = NarrativeRenderer(cfg.templates)
    batch = MetricsBatch(ds, cfg.year, cfg.plan.start, cfg.plan.end, cfg.ahead_margin,
                         month=cfg.progress_month)
    peers_n = len(ds.children(ds.city.name))
    reports: list[RegionReport] = []
    paths: dict[Path, str] = {}      # output file → region
    failures: dict[str, str] = {}
    for region in chosen:
        if region.name in ds.failed:
            from .data import format_problems

            failures[region.name] = "数据有误：\n" + format_problems(ds.failed[region.name])
            continue
        try:
            reports.append(_region_report(cfg, ds, batch, renderer, region, peers_n, paths))
        except ReportError as exc:
            failures[region.name] = exc.message
    if failures and not keep_going:
        raise ReportError(failure_message(failures, len(chosen)))
    return Job(cfg, ds, reports, failures)


def failure_message(failures: dict[str, str], total: int) -> str:
    parts = [f"{len(failures)} 个地区的报告无法生成（共 {total} 个），未写入任何文件："]
    grouped: dict[str, list[str]] = {}
    for name, why in failures.items():  # one template error breaks every region alike
        grouped.setdefault(why, []).append(name)
    for why, names in grouped.items():
        parts.append(f"【{'、'.join(names)}】{why}")
    parts.append("请改正以上问题后重试；如需先生成其他地区的报告，可加 --keep-going。")
    return "\n".join(parts)


def _region_report(cfg, ds, batch: MetricsBatch, renderer, region: Region, peers_n: int,
                   paths: dict) -> RegionReport:
    m = batch.region(region.name)
    narrative = renderer.render(cfg, m, peers_n)
    specs = attach(batch, m, narrative)
    path = output_path(cfg.output, cfg.filename, year=cfg.year, city=ds.city.name,
                       region=region.name, is_city=region.is_city)
    if path in paths:
        raise ReportError(f"「{paths[path]}」和「{region.name}」的输出文件名相同（{path.name}）。"
                          "请在 report.yaml 的 output.filename 中加入 {region} 或 {county}。")
    paths[path] = region.name
    meta = document_meta(cfg, region, narrative)
    return RegionReport(region, m, narrative, meta, specs, path)


def strict_check(job: Job, keep_going: bool = False) -> None:
    """--strict: a region with missing values is not built (the batch fails, or with
    --keep-going that region alone)."""
    if not job.missing:
        return
    if keep_going:
        for r in [r for r in job.reports if r.missing]:
            lines = "\n".join(f"  - {m}" for m in r.missing)
            job.failures[r.region.name] = f"严格模式下缺少 {len(r.missing)} 项数据：\n{lines}"
            job.reports.remove(r)
        return
    lines = "\n".join(f"  - {m}" for m in job.missing)
    raise DataError(f"严格模式下不允许缺少数据，以下 {len(job.missing)} 项需要补齐：\n{lines}\n"
                    "请在指标数据表中补上这些数值，或去掉 --strict 生成带【待补】标记的草稿。")


def write(job: Job, *, pool=None, keep_going: bool = False, progress=None,
          force: bool = False, redline: bool = False) -> list[Written]:
    """Render the documents whose content changed (all with `force`), then put them in place.

    Every document is rendered to a temporary file first; only when all succeeded (or with
    `keep_going`) are they renamed into place. Hand-edited files are moved aside, never
    overwritten; each rebuilt document that had a previous build gets a 修订说明 beside it
    (and with `redline` a tracked-changes copy).
    """
    from .render import Pool

    out = job.cfg.output
    targets = [p for r in job.reports for p in (r.path, notes_path(r.path))
               + ((redline_path(r.path),) if redline else ())]
    check_targets(out, targets)
    remove_temps(out, stale=True)      # left by an earlier build that crashed or was killed
    try:
        return _write(job, out, pool or Pool(1), keep_going, progress, force, redline)
    finally:  # every path, Ctrl-C included: no temporary file of this build stays
        with interrupts_held():
            remove_temps(out, stale=False)


def _write(job: Job, out: Path, pool, keep_going: bool, progress, force: bool,
           redline: bool) -> list[Written]:
    from .output.regen import content_hash, value_snapshot
    from .render import Task

    manifest = Manifest.load(out)
    hashes = {r.region.name: content_hash(r, job.cfg.layout) for r in job.reports}
    todo = {r.region.name for r in job.reports
            if force or not manifest.up_to_date(r.path, hashes[r.region.name])}
    cache = chart_cache(out)
    tasks = [Task(r.region.name, r.narrative.blocks, r.meta, r.specs, job.cfg.layout, r.path, cache)
             for r in job.reports if r.region.name in todo]
    done, failed = pool.run(tasks, progress)
    job.failures.update(failed)
    written: list[Written] = []
    try:
        if job.failures and not keep_going:
            raise ReportError(failure_message(job.failures, len(job.reports)))
        _put_in_place(job, manifest, hashes, todo, done, cache, redline, written)
    except BaseException:
        # Interrupted midway: what was renamed into place is whole; record it, so that the
        # next build neither takes it for a hand-edited file nor misses a data change.
        if any(not w.skipped for w in written):
            with interrupts_held():
                manifest.save()
        raise
    finally:  # whatever was not renamed into place (an error midway) leaves no temporary file
        for rendered in done.values():
            discard_temp(rendered.temp)
    if any(not w.skipped for w in written):
        manifest.values = value_snapshot(job.ds)
        with interrupts_held():
            manifest.save()
    return written


def _put_in_place(job: Job, manifest: Manifest, hashes: dict, todo: set, done: dict, cache: Path,
                  redline: bool, written: list[Written]) -> None:
    """Rename the rendered documents into place, appending to `written` as each is done: a
    hand-edited file standing there is kept aside first, and a rebuilt document gets its
    修订说明 (and with `redline` its 修订稿) before it is committed with its snapshot."""
    from .output.regen import change_report, commit_document, write_notes, write_redline

    for report in job.reports:
        name = report.region.name
        if name not in todo:
            written.append(_unchanged(report, manifest))
            continue
        if name not in done:
            continue
        rendered = done[name]
        w = Written(name, report.path, missing=len(report.missing), pages=rendered.pages)
        previous = load_snapshot(job.cfg.output, report.path)
        w.moved = protect_edits(report.path, manifest)
        if previous:
            w.changes = change_report(job.ds, report, previous, manifest.values)
        if w.changes:
            w.notes = write_notes(report.path, w.changes, manifest)
            if redline and previous:  # (changes come only with a previous build)
                w.redline = write_redline(report, previous, manifest, job.cfg.layout, cache)
        commit_document(report, rendered.temp, rendered.sha256, hashes[name], manifest,
                        placed=partial(written.append, w))


def _unchanged(report: RegionReport, manifest: Manifest) -> Written:
    """A document whose inputs did not change: not rebuilt; edited if changed on disk by hand."""
    edited = file_sha256(report.path) != manifest.written_hash(report.path)
    return Written(report.region.name, report.path, skipped=True, edited=edited,
                   missing=len(report.missing))


def build(config_path: Path | str, regions: list[str] | None = None, *,
          all_regions: bool = False, strict: bool = False, jobs: int = 1,
          keep_going: bool = False, progress=None, force: bool = False,
          redline: bool = False) -> tuple[Job, list[Written]]:
    """Gather and validate every requested region, then write their documents."""
    from .render import Pool

    with Pool(jobs) as pool:
        job = gather(config_path, regions, all_regions=all_regions, keep_going=keep_going)
        if strict:
            strict_check(job, keep_going)
        return job, write(job, pool=pool, keep_going=keep_going, progress=progress,
                          force=force, redline=redline)
