"""`reportgen check`: config, data and templates of every region, problems listed at once.

A region whose inputs key (build.region_key) is the one the last build or check recorded is
not composed again: it would render as it did then (see docs/architecture.md)."""

from __future__ import annotations

from .config import load_config
from .errors import DataError


def run_check(config_path, echo) -> bool:
    """Print every problem found; True when there is no error (warnings allowed)."""
    from .build import gather
    from .data import count_problems, format_problems

    cfg = load_config(config_path)
    known, record = known_documents(cfg.output)
    try:
        job = gather(config_path, all_regions=True, cfg=cfg, known=known)
    except DataError as exc:
        if not exc.problems:
            raise
        errors, warnings = count_problems(exc.problems)  # a kept problem may stand for many
        echo(format_problems(exc.problems))
        echo(f"\n发现 {errors} 个错误、{warnings} 个警告。请按“处理建议”修改数据后重新运行 reportgen check。")
        return False
    remember(record, job)
    ds = job.ds
    ds.warnings[:0] = _target_warnings(ds)  # about the setup: before the per-value warnings
    if ds.warnings:
        echo(format_problems(ds.warnings))
        echo("")
    n_values = len(ds.values)
    missing = job.missing
    echo(f"检查通过：{len(ds.indicators)} 个指标、{len(ds.regions)} 个地区、{n_values} 条数据，"
         f"{len(job.reports) + len(job.known_missing)} 份报告的模板均可正常生成。")
    if ds.warnings:
        echo(f"有 {len(ds.warnings)} 个警告，请核实上表中的数值。")
    if missing:
        echo(f"有 {len(missing)} 项数据缺失，报告中将显示【待补】：")
        for m in missing:
            echo(f"  - {m}")
    return True


def known_documents(output):
    """What the last build (the manifest) or the last check recorded of each document: a
    region whose inputs key has not changed since renders as it did, so it is not composed
    again (build.gather's `known`; also the workbench's overview). A manifest that cannot be
    read just means no help. Returns (known, the check record to `remember` in)."""
    from .errors import OutputError
    from .output import CheckRecord, Manifest

    record = CheckRecord.load(output)
    try:
        manifest = Manifest.load(output)
    except OutputError:
        manifest = Manifest(output, {})

    def known(path):
        return record.keys(path) or manifest.keys(path)
    return known, record


def remember(record, job) -> None:
    """Record the regions this check (or overview) composed, for the next one."""
    from .output.manifest import DocumentKeys

    for r in job.reports:
        record.record(r.path, DocumentKeys(r.inputs, missing=r.missing,
                                           reads=sorted(r.narrative.reads)))
    if job.reports:
        record.save()


def _target_warnings(ds) -> list:
    """Plan targets a new city has not set yet (see data.validate.default_targets)."""
    from .data.validate import default_targets
    from .defaults import SAMPLE_CITY, bundled_targets

    return default_targets(ds.indicators, ds.regions, ds.targets, bundled_targets(), SAMPLE_CITY)
