"""What the overview shows per region: its form, its data, its last build.

Computed with the same `build.gather` a build uses (lenient, so that one county's bad rows
do not hide the others), never writing anything, and kept until an input file changes.
"""

from __future__ import annotations

import datetime as dt
import os
import threading
from dataclasses import dataclass, field
from pathlib import Path

from ..errors import ReportError

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
    cfg: object = None
    job: object = None              # build.Job of the gather, for titles and paths

    def region(self, name: str) -> RegionStatus | None:
        return next((r for r in self.regions if r.name == name), None)


def _mtime(path: Path) -> str:
    try:
        return dt.datetime.fromtimestamp(path.stat().st_mtime).strftime("%Y-%m-%d %H:%M")
    except OSError:
        return ""


def compute(config_path: Path, refused: dict[str, dict] | None = None) -> Overview:
    """The overview now. `refused`: the last refused upload per region (web/datafiles)."""
    from ..build import gather
    from ..config import load_config
    from ..data import format_problems
    from ..rounds.collect import returns_on_record

    try:
        cfg = load_config(config_path)
        job = gather(config_path, all_regions=True, cfg=cfg, keep_going=True)
    except ReportError as exc:
        return Overview(error=exc.message)
    ds = job.ds
    try:
        on_record = returns_on_record(cfg) if cfg.collected else {}
    except ReportError:
        on_record = {}
    warnings: dict[str, int] = {}
    for p in ds.warnings:
        if p.region:
            warnings[p.region] = warnings.get(p.region, 0) + 1
    reports = {r.region.name: r for r in job.reports}
    has_year = {k[0] for k in ds.values if k[1] == cfg.year}
    out = Overview(year=cfg.year, city=ds.city.name, cfg=cfg, job=job)
    for region in [ds.city, *ds.children(ds.city.name)]:
        s = RegionStatus(region.name, region.level, region.is_city,
                         warnings=warnings.get(region.name, 0))
        if region.name in on_record:
            entry = on_record[region.name]
            s.form, s.form_detail = SUBMITTED, f"{entry['file']}（{entry['time'][:16]}）"
        elif region.name in has_year:   # entered in the values file rather than by a form
            s.form, s.form_detail = SUBMITTED, f"{cfg.year}年数据已在指标数据文件中"
        if refused and region.name in refused:
            s.form, s.form_detail = PROBLEM, refused[region.name]["summary"]
        report = reports.get(region.name)
        if report is not None:
            s.missing, s.report = len(report.missing), report.path
            s.built = _mtime(report.path)
        if region.name in ds.failed:   # its rows in the values files have errors
            s.problem = format_problems(ds.failed[region.name])
            s.form, s.form_detail = PROBLEM, "数据有误，不能生成报告（见下方）"
        elif region.name in job.failures:
            s.problem = job.failures[region.name]
        out.regions.append(s)
    return out


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
    out = cfg.output
    if out.is_dir():   # the manifest changes on every build; returns' log on every collect
        paths += [p for p in out.glob(".reportgen*") if p.is_file()]
        paths += list((out / ".reportgen" / "returns").glob("*/log.json"))
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
