"""The orchestrator: config → data → metrics → narrative → exhibits → layout → output.

`build` reads the config, the data and the metrics once (`prepare`), decides from each
region's inputs key which documents must be made again (`region_keys`), has the workers
compose and lay them out (generator.render, `region_report` per region) into temporary
files, and only when every region succeeded (or with --keep-going) puts them in place
(`write`, with the output stage). `gather` composes every region in this process and writes
nothing: a bad county fails the batch with no document written.

Must not import click (the CLI's), python-docx or matplotlib (the layout's and the charts',
loaded in the workers).
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from functools import cached_property, partial
from pathlib import Path

from . import fmt
from .blocks import Attachment, DocumentMeta
from .clock import build_time
from .config import ReportConfig, load_config
from .errors import DataError, ReportError
from .exhibits import attach
from .metrics import MetricsBatch, RegionMetrics
from .model import Dataset, Region
from .narrative import Narrative, NarrativeRenderer, renderer_for
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
    template_cache,
)
from .output.manifest import DocumentKeys


@dataclass
class RegionReport:
    """Everything needed to write one region's document, already validated."""

    region: Region
    metrics: RegionMetrics | None       # None only on its way back from a worker
    narrative: Narrative
    meta: DocumentMeta
    specs: dict[str, object]
    path: Path
    inputs: str = ""                    # its inputs key (build.region_key), for the manifest

    @property
    def missing(self) -> list[Missing]:
        return self.narrative.missing


@dataclass
class Job:
    cfg: ReportConfig
    ds: Dataset
    reports: list[RegionReport]     # the regions composed in this run
    failures: dict[str, str] = field(default_factory=dict)   # region → why it cannot be built
    # regions not composed in this run (inputs unchanged): what they left 【待补】, from the manifest
    known_missing: dict[str, list[Missing]] = field(default_factory=dict)

    @property
    def missing(self) -> list[Missing]:
        """What every region of the run leaves 【待补】, in the regions' order."""
        found = {**self.known_missing, **{r.region.name: r.missing for r in self.reports}}
        order = [r.name for r in self.ds.regions if r.name in found]   # the regions file's order
        return [m for name in order for m in found[name]]


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


@dataclass
class Prepared:
    """What every region of a batch shares, made once in the main process: the config, the
    checked data, the metrics batch, the chosen regions and their output files, and the
    regions that already failed (bad data, a clashing file name). Workers get it once."""

    cfg: ReportConfig
    ds: Dataset
    batch: MetricsBatch
    regions: list[Region]
    paths: dict[str, Path]
    failures: dict[str, str]

    @property
    def peers_n(self) -> int:
        return len(self.batch.peer_names)

    def buildable(self) -> list[Region]:
        return [r for r in self.regions if r.name not in self.failures]

    @cached_property
    def shared_inputs(self) -> str:
        """The digest of what every region's inputs key shares (output.regen.shared_inputs),
        made once per process (made before the batch is handed on, the workers get it with
        the batch)."""
        from .output.regen import shared_inputs

        return shared_inputs(self.cfg, self.ds, self.peers_n)


def _checked_data(cfg: ReportConfig, keep_going: bool) -> Dataset:
    try:
        return load_data(cfg, lenient=keep_going)
    except DataError as exc:
        errors = [p for p in exc.problems if p.is_error]
        if errors and all(p.region for p in errors):
            names = "、".join(dict.fromkeys(p.region for p in errors))
            exc.message += (f"\n出错的数据属于：{names}。未写入任何文件。"
                            "如需先生成其他地区的报告，可在 reportgen build 后加 --keep-going。")
        raise


def prepare(config_path: Path | str, regions: list[str] | None = None, *,
            all_regions: bool = False, cfg: ReportConfig | None = None,
            keep_going: bool = False) -> Prepared:
    """Config, data, metrics and output files of the requested regions; renders nothing.

    A region whose data are bad (with `keep_going`) or whose file name clashes with an earlier
    region's is listed in `failures`."""
    cfg = cfg or load_config(config_path)
    ds = _checked_data(cfg, keep_going)
    chosen = select_regions(ds, regions, all_regions)
    batch = MetricsBatch(ds, cfg.year, cfg.plan.start, cfg.plan.end, cfg.ahead_margin,
                         month=cfg.progress_month)
    paths: dict[str, Path] = {}
    owners: dict[Path, str] = {}      # output file → region
    failures: dict[str, str] = {}
    for region in chosen:
        if region.name in ds.failed:
            from .data import format_problems

            failures[region.name] = "数据有误：\n" + format_problems(ds.failed[region.name])
            continue
        path = output_path(cfg.output, cfg.filename, year=cfg.year, city=ds.city.name,
                           region=region.name, is_city=region.is_city)
        if path in owners:
            failures[region.name] = (
                f"「{owners[path]}」和「{region.name}」的输出文件名相同（{path.name}）。"
                "请在 report.yaml 的 output.filename 中加入 {region} 或 {county}。")
            continue
        owners[path] = region.name
        paths[region.name] = path
    return Prepared(cfg, ds, batch, chosen, paths, failures)


def region_report(prep: Prepared, renderer: NarrativeRenderer, name: str) -> RegionReport:
    """One region's report: narrative, exhibits and document metadata (in a worker, or here)."""
    region = prep.ds.region(name)
    m = prep.batch.region(name)
    narrative = renderer.render(prep.cfg, m, prep.peers_n)
    specs = attach(prep.batch, m, narrative)
    meta = document_meta(prep.cfg, region, narrative)
    key = region_key(prep, name, narrative.reads)
    return RegionReport(region, m, narrative, meta, specs, prep.paths[name], key)


def gather(config_path: Path | str, regions: list[str] | None = None, *,
           all_regions: bool = False, cfg: ReportConfig | None = None,
           keep_going: bool = False, known=None) -> Job:
    """Validate and compose every requested region in this process; writes nothing but the
    data cache (for `check`, the workbench's overview and the tests; `build` composes in its
    workers).

    `known(path)` (optional) gives what an earlier run recorded of a document (a
    DocumentKeys): a region whose inputs key is still the recorded one is not composed again,
    and its 【待补】 items are the recorded ones (`Job.known_missing`).

    Problems of every region are collected first. Without `keep_going` any of them fails the
    whole batch (one error naming them all); with it, the failed regions are listed in
    `Job.failures` and the others go on.
    """
    prep = prepare(config_path, regions, all_regions=all_regions, cfg=cfg, keep_going=keep_going)
    job = Job(prep.cfg, prep.ds, [], dict(prep.failures))
    for region in prep.buildable():
        recorded = known(prep.paths[region.name]) if known is not None else None
        if recorded is not None and region_key(prep, region.name, recorded.reads) == recorded.inputs:
            job.known_missing[region.name] = [Missing(**m) for m in recorded.missing]
            continue
        try:
            job.reports.append(region_report(prep, renderer_for(prep.cfg.templates), region.name))
        except ReportError as exc:
            job.failures[region.name] = exc.message
    job.failures = {r.name: job.failures[r.name] for r in prep.regions if r.name in job.failures}
    if job.failures and not keep_going:
        raise ReportError(failure_message(job.failures, len(prep.regions)))
    return job


def failure_message(failures: dict[str, str], total: int) -> str:
    parts = [f"{len(failures)} 个地区的报告无法生成（共 {total} 个），未写入任何文件："]
    grouped: dict[str, list[str]] = {}
    for name, why in failures.items():  # one template error breaks every region alike
        grouped.setdefault(why, []).append(name)
    for why, names in grouped.items():
        parts.append(f"【{'、'.join(names)}】{why}")
    parts.append("请改正以上问题后重试；如需先生成其他地区的报告，可加 --keep-going。")
    return "\n".join(parts)


def strict_failures(job: Job, keep_going: bool = False) -> None:
    """--strict: a region with missing values is not built (the batch fails, or with
    --keep-going that region alone)."""
    if not job.missing:
        return
    if keep_going:
        for name, items in _missing_by_region(job).items():
            lines = "\n".join(f"  - {m}" for m in items)
            job.failures[name] = f"严格模式下缺少 {len(items)} 项数据：\n{lines}"
        kept = set(job.failures)
        job.reports = [r for r in job.reports if r.region.name not in kept]
        job.known_missing = {n: v for n, v in job.known_missing.items() if n not in kept}
        return
    lines = "\n".join(f"  - {m}" for m in job.missing)
    raise DataError(f"严格模式下不允许缺少数据，以下 {len(job.missing)} 项需要补齐：\n{lines}\n"
                    "请在指标数据表中补上这些数值，或去掉 --strict 生成带【待补】标记的草稿。")


def _missing_by_region(job: Job) -> dict[str, list[Missing]]:
    found = {r.region.name: r.missing for r in job.reports if r.missing}
    found.update({n: v for n, v in job.known_missing.items() if v})
    return found


def region_key(prep: Prepared, name: str, reads) -> str:
    """The inputs key of a region's document (output.regen.inputs_key), over the figures
    `reads` its narrative read."""
    from .exhibits import chart_inputs
    from .output.regen import inputs_key

    m = prep.batch.region(name)
    return inputs_key(prep.shared_inputs, m, reads, chart_inputs(prep.batch, m), prep.paths[name])


def region_keys(prep: Prepared, manifest: Manifest) -> dict[str, str]:
    """Per buildable region with a document in place, its inputs key now over what its
    narrative read last time: equal to the key recorded then, the region is neither composed
    nor laid out again. Regions never built (or built by an earlier version) have none."""
    keys = {}
    for region in prep.buildable():
        recorded = manifest.keys(prep.paths[region.name])
        if recorded is not None:
            keys[region.name] = region_key(prep, region.name, recorded.reads)
    return keys


def write(prep: Prepared, *, pool=None, keep_going: bool = False, progress=None,
          force: bool = False, redline: bool = False, strict: bool = False) -> tuple[Job, list[Written]]:
    """Compose and lay out the documents whose inputs changed (all with `force`), then put
    them in place.

    Every document is rendered to a temporary file first; only when all succeeded (or with
    `keep_going`) are they renamed into place. Hand-edited files are moved aside, never
    overwritten; each rebuilt document that had a previous build gets a 修订说明 beside it
    (and with `redline` a tracked-changes copy).
    """
    from .render import Pool

    out = prep.cfg.output
    targets = [p for path in prep.paths.values() for p in (path, notes_path(path))
               + ((redline_path(path),) if redline else ())]
    check_targets(out, targets)
    remove_temps(out, stale=True)      # left by an earlier build that crashed or was killed
    try:
        return _write(prep, out, pool or Pool(1), keep_going, progress, force, redline, strict)
    finally:  # every path, Ctrl-C included: no temporary file of this build stays
        with interrupts_held():
            remove_temps(out, stale=False)


def _write(prep: Prepared, out: Path, pool, keep_going: bool, progress, force: bool,
           redline: bool, strict: bool) -> tuple[Job, list[Written]]:
    from .output.regen import DataChanges
    from .render import Shared, Task

    manifest = Manifest.load(out)
    cache = chart_cache(out)
    prep.shared_inputs   # noqa: B018  (made once, here: the composer gets it with the batch)
    # handed on before the keys are computed: the composer reads the batch meanwhile
    pool.share(Shared(prep, region_report, prep.cfg.layout, cache, template_cache(), strict))
    keys = region_keys(prep, manifest)
    todo = [r.name for r in prep.buildable() if force or r.name not in keys
            or not manifest.up_to_date(prep.paths[r.name], keys[r.name])]
    job = Job(prep.cfg, prep.ds, [], dict(prep.failures))
    job.known_missing = {r.name: _recorded_missing(manifest, prep.paths[r.name])
                         for r in prep.buildable() if r.name not in todo}
    tasks = [Task(name, None if force else manifest.content_hash(prep.paths[name]))
             for name in todo]
    outcomes = {o.region: o for o in pool.run(tasks, progress)}
    done = _collect(prep, job, outcomes)
    written: list[Written] = []
    changes = DataChanges(job.ds, manifest.values)   # worked out once, if a note needs it
    try:
        if strict:
            strict_failures(job, keep_going)
        job.failures = {r.name: job.failures[r.name] for r in prep.regions if r.name in job.failures}
        if job.failures and not keep_going:
            raise ReportError(failure_message(job.failures, len(prep.regions)))
        _put_in_place(prep, job, manifest, outcomes, changes, cache, redline, written)
    except BaseException:
        # Interrupted midway: what was renamed into place is whole; record it, so that the
        # next build neither takes it for a hand-edited file nor misses a data change.
        if any(not w.skipped for w in written):
            with interrupts_held():
                manifest.save()
        raise
    finally:  # whatever was not renamed into place (an error midway) leaves no temporary file
        for rendered in done:
            discard_temp(rendered.temp)
    if any(not w.skipped for w in written) or manifest.changed:
        if any(not w.skipped for w in written):
            manifest.values = changes.now
        with interrupts_held():
            manifest.save()
    return job, written


def _recorded_missing(manifest: Manifest, path: Path) -> list[Missing]:
    """What the document in place left 【待补】, as its last build recorded it."""
    recorded = manifest.keys(path)
    return [Missing(**m) for m in recorded.missing] if recorded is not None else []


def _collect(prep: Prepared, job: Job, outcomes: dict) -> list:
    """The reports the workers composed, back in `job` (with the metrics this process has);
    failed regions in `job.failures`. Returns the rendered temporary files."""
    rendered = []
    for region in prep.buildable():
        outcome = outcomes.get(region.name)
        if outcome is None:
            continue
        if outcome.error:
            job.failures[region.name] = outcome.error
            continue
        job.reports.append(replace(outcome.report, metrics=prep.batch.region(region.name)))
        if outcome.rendered is not None:
            rendered.append(outcome.rendered)
    return rendered


def _put_in_place(prep: Prepared, job: Job, manifest: Manifest, outcomes: dict,
                  changes, cache: Path, redline: bool, written: list[Written]) -> None:
    """Rename the rendered documents into place, appending to `written` as each is done: a
    hand-edited file standing there is kept aside first, and a rebuilt document gets its
    修订说明 (and with `redline` its 修订稿) before it is committed with its snapshot."""
    from .output.regen import change_report, commit_document, write_notes, write_redline

    reports = {r.region.name: r for r in job.reports}
    for region in prep.buildable():
        name, path = region.name, prep.paths[region.name]
        if name in job.failures:
            continue
        outcome = outcomes.get(name)
        if outcome is None or outcome.rendered is None:   # inputs or content unchanged
            written.append(_unchanged(name, path, manifest, reports.get(name),
                                      job.known_missing.get(name, [])))
            continue
        report, rendered = reports[name], outcome.rendered
        w = Written(name, path, missing=len(report.missing), pages=rendered.pages)
        previous = load_snapshot(prep.cfg.output, path)
        w.moved = protect_edits(path, manifest)
        if previous:
            w.changes = change_report(report, previous, changes)
        if w.changes:
            w.notes = write_notes(path, w.changes, manifest)
            if redline and previous:  # (changes come only with a previous build)
                w.redline = write_redline(report, previous, manifest, prep.cfg.layout, cache)
        recorded = DocumentKeys(report.inputs, outcome.content, report.missing, rendered.pages,
                                sorted(report.narrative.reads))
        commit_document(report, rendered.temp, rendered.sha256, recorded, manifest,
                        placed=partial(written.append, w))


def _unchanged(name: str, path: Path, manifest: Manifest, report: RegionReport | None,
               known: list[Missing]) -> Written:
    """A document whose inputs (or, composed again as `report`, whose content) did not
    change: not rebuilt; edited if changed on disk by hand. Composed again, its entry takes
    the new keys, so that the next build with these inputs skips it before composing it."""
    edited = file_sha256(path) != manifest.written_hash(path)
    missing = report.missing if report is not None else known
    if report is not None:
        manifest.rekey(path, DocumentKeys(report.inputs, manifest.content_hash(path) or "",
                                          missing, manifest.pages(path),
                                          sorted(report.narrative.reads)))
    return Written(name, path, skipped=True, edited=edited, missing=len(missing),
                   pages=manifest.pages(path))


def build(config_path: Path | str, regions: list[str] | None = None, *,
          all_regions: bool = False, strict: bool = False, jobs: int = 1,
          keep_going: bool = False, progress=None, force: bool = False,
          redline: bool = False) -> tuple[Job, list[Written]]:
    """Config → data → metrics here, once; narrative → exhibits → layout per region in the
    workers (the composer started first, so that it compiles the templates while the data
    are read; generator.render.Pool); then the output stage puts the documents in place."""
    from .render import Pool, Setup

    cfg = load_config(config_path)
    with Pool(jobs, Setup(cfg.templates, template_cache())) as pool:
        pool.start()
        prep = prepare(config_path, regions, all_regions=all_regions, cfg=cfg,
                       keep_going=keep_going)
        return write(prep, pool=pool, keep_going=keep_going, progress=progress, force=force,
                     redline=redline, strict=strict)
