"""What the overview shows per region: its form, its data, its last build.

Computed with the same `build.gather` a build uses (lenient, so that one county's bad rows
do not hide the others), and kept until an input file changes. Like `reportgen check` it
composes only the regions whose inputs changed since the last build or check, and writes
nothing but the caches in output/.reportgen/ (the data cache, the check record).
"""

from __future__ import annotations

import datetime as dt
import os
import threading
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from ..errors import ReportError

if TYPE_CHECKING:
    from ..build import Job
    from ..config import ReportConfig
    from ..model import Dataset

SUBMITTED, NOT_SUBMITTED, PROBLEM = "已交", "未交", "有问题"


@dataclass
class RegionStatus:
    name: str
    level: str
    is_city: bool
    form: str = NOT_SUBMITTED       # 已交 / 未交 / 有问题
    form_detail: str = ""           # which file when, or what is wrong
    missing: int = 0                # 【待补】 in its report
    warnings: int = 0
    problem: str = ""               # why its report cannot be built now
    report: Path | None = None      # where its .docx goes
    built: str = ""                 # when that .docx was last written

    @property
    def has_report(self) -> bool:
        return self.report is not None and self.report.is_file()


@dataclass
class Overview:
    regions: list[RegionStatus] = field(default_factory=list)
    error: str = ""                 # the whole city cannot be read (config, catalog …)
    year: int = 0
    city: str = ""
    cfg: ReportConfig | None = None
    job: Job | None = None          # build.Job of the gather (None when it failed)
    ds: Dataset | None = None       # the dataset (regions, for titles and signatures)

    def region(self, name: str) -> RegionStatus | None:
        return next((r for r in self.regions if r.name == name), None)


def modified(path: Path) -> str:
    """When a file was last written, as the pages show it ('' when it does not exist)."""
    try:
        return dt.datetime.fromtimestamp(path.stat().st_mtime).strftime("%Y-%m-%d %H:%M")
    except OSError:
        return ""


def _read(config_path: Path):
    """(cfg, dataset, job, error): as much as can be read. A failed gather (a broken template,
    a bad catalog) still lists the regions, so that their previous reports stay served."""
    from ..build import gather
    from ..check import known_documents, remember
    from ..config import load_config
    from ..rounds import current_data

    cfg = load_config(config_path)
    try:
        # a region whose inputs are those the last build or check recorded is not composed
        # again: its 【待补】 count is the recorded one
        known, record = known_documents(cfg.output)
        job = gather(config_path, all_regions=True, cfg=cfg, keep_going=True, known=known)
        remember(record, job)
        return cfg, job.ds, job, ""
    except ReportError as exc:
        error = exc.message
    try:
        return cfg, current_data(cfg, lenient=True), None, error
    except ReportError:
        return cfg, None, None, error


def compute(config_path: Path, refused: dict[str, dict] | None = None) -> Overview:
    """The overview now. `refused`: the last refused upload per region (web/datafiles)."""
    try:
        cfg, ds, job, error = _read(config_path)
    except ReportError as exc:      # the report definition itself
        return Overview(error=exc.message)
    out = Overview(error=error, year=cfg.year, cfg=cfg, job=job, ds=ds)
    if ds is None:
        return out
    out.city = ds.city.name
    known = {"record": _on_record(cfg), "refused": refused or {},
             "has_year": {k[0] for k in ds.values if k[1] == cfg.year}}
    for region in [ds.city, *ds.children(ds.city.name)]:
        out.regions.append(_region(cfg, ds, job, region, known))
    shared = {r.problem for r in out.regions if r.problem}
    if not out.error and len(shared) == 1 and sum(bool(r.problem) for r in out.regions) > 1:
        out.error = shared.pop()       # one template error breaks every region alike: say it once
        for r in out.regions:
            r.problem = ""
    return out


def _region(cfg, ds, job, region, known: dict) -> RegionStatus:
    from ..data import format_problems
    from ..output import output_path

    s = RegionStatus(region.name, region.level, region.is_city,
                     warnings=sum(1 for p in ds.warnings if p.region == region.name))
    if region.name in known["record"]:
        entry = known["record"][region.name]
        s.form, s.form_detail = SUBMITTED, f"{entry['file']}（{entry['time'][:16]}）"
    elif region.name in known["has_year"]:   # entered in the values file, not by a form
        s.form, s.form_detail = SUBMITTED, f"{cfg.year}年数据已在指标数据文件中"
    if region.name in known["refused"]:
        s.form, s.form_detail = PROBLEM, known["refused"][region.name]["summary"]
    s.report = output_path(cfg.output, cfg.filename, year=cfg.year, city=ds.city.name,
                           region=region.name, is_city=region.is_city)
    s.built = modified(s.report)
    report = next((r for r in job.reports if r.region.name == region.name), None) if job else None
    if report is not None:
        s.missing = len(report.missing)
    elif job is not None and region.name in job.known_missing:
        s.missing = len(job.known_missing[region.name])
    if region.name in ds.failed:   # its rows in the values files have errors
        s.problem = format_problems(ds.failed[region.name])
        s.form, s.form_detail = PROBLEM, "数据有误，不能生成报告（见下方）"
    elif job is not None and region.name in job.failures:
        s.problem = job.failures[region.name]
    return s


def _on_record(cfg) -> dict:
    from ..rounds.collect import returns_on_record

    try:
        return returns_on_record(cfg) if cfg.collected else {}
    except ReportError:
        return {}


def _signature(config_path: Path) -> tuple:
    """Sizes and times of every file the overview depends on."""
    from ..config import load_config

    paths = [Path(config_path)]
    try:
        cfg = load_config(config_path)
    except ReportError:
        return tuple((str(p), *_stat(p)) for p in paths)
    paths += [cfg.catalog, cfg.regions, *[Path(v.path) for v in cfg.values]]
    if cfg.collected:
        paths.append(cfg.collected)
    if cfg.templates.is_dir():
        paths += sorted(cfg.templates.iterdir())
    from ..output import MANIFEST
    from ..rounds.collect import log_path

    # the manifest changes on every build; the collect log on every merge of forms
    paths += [cfg.output / MANIFEST, log_path(cfg)]
    return tuple((str(p), *_stat(p)) for p in paths)


def _stat(path: Path) -> tuple[int, int]:
    try:
        st = os.stat(path)
        return st.st_mtime_ns, st.st_size
    except OSError:
        return 0, -1


class StatusCache:
    """The overview, computed again only when an input file (or the refused list) changed."""

    def __init__(self, config_path: Path) -> None:
        self.config_path = Path(config_path)
        self._key: tuple | None = None
        self._value: Overview | None = None
        self._lock = threading.Lock()

    def get(self, refused: dict[str, dict] | None = None) -> Overview:
        key = (_signature(self.config_path), repr(sorted((refused or {}).items())))
        with self._lock:
            if key != self._key or self._value is None:
                self._value, self._key = compute(self.config_path, refused), key
            return self._value

    def forget(self) -> None:
        with self._lock:
            self._key = None
