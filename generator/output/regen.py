"""Regeneration: what a rebuild knows and says about the previous build of a document.

The content hash (equal hashes: an identical document, which the build skips), the values
and the snapshot kept for the next build, the change report (修订说明) and the tracked-changes
blocks, and putting a rebuilt document in place with its companions: the 修订说明 and the
修订稿 beside it, and the document itself together with its manifest entry and snapshot.
The comparisons themselves are revisions.py's; the redline document is laid out by the
layout stage through generator.render.
"""

from __future__ import annotations

import functools
import hashlib
import json
from collections.abc import Callable
from dataclasses import asdict
from pathlib import Path

from ..blocks import from_plain, to_plain
from ..model import Dataset
from ..narrative import blocks_text
from .files import (
    atomic_write,
    commit_temp,
    interrupts_held,
    notes_path,
    protect_edits,
    redline_path,
    sha256,
)
from .manifest import DocumentKeys, Manifest, program_fingerprint, save_snapshot
from .revisions import (
    redline,
    report_text,
    sentence_changes,
    table_changes,
    value_changes,
    value_key,
)


def content_hash(report, layout: dict) -> str:
    """Everything the document is made of (text, tables, chart data, metadata, format, program):
    equal hashes mean an identical document, so the build can skip it."""
    body = {
        "program": program_fingerprint(),
        "blocks": to_plain(report.narrative.blocks),
        "meta": asdict(report.meta),
        "charts": sorted((k, repr(v)) for k, v in report.specs.items()),
        "format": layout,
    }
    return _digest(body, default=str)


def shared_inputs(cfg, ds: Dataset, peers_n: int) -> str:
    """The part of every region's inputs key that all regions share, as one digest made once
    per build (hashed into each region's key): the program, the templates (every file of the
    folder, by content), the whole config (format included), the catalog and the regions
    table, and the build time the documents carry (SOURCE_DATE_EPOCH or the report's date)."""
    from ..clock import build_time

    templates = hashlib.sha256()
    folder = Path(cfg.templates)
    for p in sorted(folder.rglob("*")) if folder.is_dir() else ():
        if p.is_file():
            templates.update(p.relative_to(folder).as_posix().encode("utf-8") + b"\0")
            templates.update(hashlib.sha256(p.read_bytes()).digest())
    return _digest({"program": program_fingerprint(), "templates": templates.hexdigest(),
                    "config": _portable(asdict(cfg), Path(cfg.root)),
                    "created": build_time(cfg.date).isoformat(), "peers": peers_n,
                    "catalog": [asdict(i) for i in ds.indicators.values()],
                    "regions": [asdict(r) for r in ds.regions]})


def _digest(body: dict, default: Callable = repr) -> str:
    """The hash of `body` as canonical JSON (keys sorted); `default` writes what JSON cannot."""
    return sha256(json.dumps(body, ensure_ascii=False, sort_keys=True, default=default)
                  .encode("utf-8"))


def _portable(value, root: Path):
    """`value` with every path inside `root` relative to it: a report folder copied or moved
    elsewhere keeps its keys (only what the documents are made of counts)."""
    if isinstance(value, dict):
        return {k: _portable(v, root) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_portable(v, root) for v in value]
    if isinstance(value, (Path, str)) and Path(value).is_absolute():
        try:
            return Path(value).relative_to(root).as_posix()
        except ValueError:
            return str(value)
    return value


def inputs_key(shared: str, metrics, reads, charts: object, path: Path) -> str:
    """The key of one region's document, known before it is rendered: the shared inputs (their
    digest, `shared_inputs`: the catalog, regions table and config are not serialized again
    for every region: 45 KB of JSON for the sample, 91 KB for 200 regions), the
    region's own figures that its narrative read at its last build (`reads`: (indicator code,
    metrics field) pairs, narrative.Narrative.reads) with their values now, and the data of
    its charts (which show other regions' values too).

    A rendering that reads the same values follows the same branches of the templates and so
    reads nothing else: equal keys make equal documents (the dynamic dependencies of build
    systems such as redo). A rank that moved, or a county's value that the text never states,
    leaves the key of a report as it was."""
    used = {}
    for code, name in sorted(reads):
        m = metrics.indicators.get(code)
        used[f"{code}.{name}"] = getattr(m, name, None) if m is not None else "<no indicator>"
    return _digest({"shared": shared, "region": asdict(metrics.region), "year": metrics.year,
                    "progress": metrics.time_progress, "peers_of": metrics.peers, "used": used,
                    "charts": charts, "path": path.name})


def value_snapshot(ds: Dataset) -> dict[str, object]:
    """Every value and region target of the dataset, keyed region|year|code."""
    snap: dict[str, object] = {value_key(r, y, c): v.value for (r, y, c), v in ds.values.items()}
    snap.update({value_key(r, "规划目标", c): t for (r, c), t in ds.targets.items()})
    return snap


def snapshot(report) -> dict:
    """What the next build needs to tell what changed in this document, and which cached chart
    image (`<charts cache>/<key>.png`) each figure used, for the web preview."""
    from ..exhibits.charts import cache_key

    return {"blocks": to_plain(report.narrative.blocks),
            "charts": {key: cache_key(spec) for key, spec in report.specs.items()}}


class DataChanges:
    """The values and region targets that changed between the snapshot the last build kept
    (`old_values`, None for none) and `ds`: worked out on first use, once for a whole build,
    however many documents are rebuilt (each used to compare every value of every region
    again: with 200 regions, 0.17 s a document), and handed out by region. `now` is the
    snapshot the build keeps for the next one."""

    def __init__(self, ds: Dataset, old_values: dict | None):
        self.ds = ds
        self.old_values = old_values

    @functools.cached_property
    def now(self) -> dict[str, object]:
        return value_snapshot(self.ds)

    @functools.cached_property
    def _by_region(self) -> dict[str, list]:
        by_region: dict[str, list] = {}
        for change in self.all:
            by_region.setdefault(change.region, []).append(change)
        return by_region

    @functools.cached_property
    def all(self) -> list:
        """Every change, in key order (what the city's report lists: it compares them all)."""
        if not self.old_values:
            return []
        from ..narrative.views import value_with_unit

        inds = self.ds.indicators
        names = {c: i.name for c, i in inds.items()}

        def show(code, value):
            return value_with_unit(inds[code], value) if code in inds else str(value)

        def raw(code, value):
            return raw_with_unit(inds[code], value) if code in inds else str(value)

        return value_changes(self.old_values, self.now, names, show, raw)

    def of(self, region) -> list:
        """What `region` (a model.Region) lists: every change for the city, else its own."""
        return self.all if region.is_city else self._by_region.get(region.name, [])


def change_report(report, previous: dict, changes: DataChanges) -> str:
    """The 修订说明 of a rebuilt document against its previous snapshot; '' if nothing changed.

    Values listed are the region's own (the city's report lists every region's, as it compares
    them all: DataChanges.of); sentences are those of the document that differ, and table rows
    those whose cells differ (the attachment's 状态 may change with no sentence changing)."""
    values = changes.of(report.region)
    before = from_plain(previous["blocks"])
    changed = sentence_changes(blocks_text(before), report.narrative.text)
    tables = table_changes(before, report.narrative.blocks)
    if not values and not changed and not tables:
        return ""
    return report_text(report.meta.title, values, changed, report.meta.date, tables)


def raw_with_unit(ind, value) -> str:
    """A value as entered, with its unit: 1170300学时, 97.74% (no rounding, no 万, no
    thousands separators, like the report's own figures)."""
    from ..data.numeric import show

    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return str(value)
    return show(value) + (ind.unit or "")


def redline_blocks(report, previous: dict) -> list:
    """The document's blocks with tracked changes against the previous build."""
    blocks, _ = redline(from_plain(previous["blocks"]), report.narrative.blocks)
    return blocks


def write_beside(path: Path, data: bytes, manifest: Manifest) -> Path:
    """Write a file that goes with a document (its 修订说明, its 修订稿); returns `path`.

    A file standing there that reportgen did not write is moved aside first; the file and its
    manifest entry go together (Ctrl-C is held until both are done)."""
    with interrupts_held():
        protect_edits(path, manifest)
        atomic_write(path, data)
        manifest.record(path, sha256(data))
    return path


def write_notes(doc: Path, changes: str, manifest: Manifest) -> Path:
    """The change report `changes` as the 修订说明 beside `doc` (UTF-8, with a BOM)."""
    return write_beside(notes_path(doc), ("\ufeff" + changes).encode("utf-8"), manifest)


def write_redline(report, previous: dict, manifest: Manifest, layout: dict,
                  cache: Path | None) -> Path:
    """The tracked-changes copy (修订稿) of a rebuilt document against its previous snapshot."""
    from ..render import render_document

    data, _ = render_document(redline_blocks(report, previous), report.meta, report.specs,
                              layout, cache)
    return write_beside(redline_path(report.path), data, manifest)


def commit_document(report, temp: Path, file_hash: str, keys: DocumentKeys, manifest: Manifest,
                    placed: Callable[[], None]) -> None:
    """Rename the rendered document `temp` into place as `report.path`, with its manifest entry
    and its snapshot: the three go together (Ctrl-C is held until all are done). `placed` is
    called once the document is in place and recorded, before the snapshot is written."""
    state = snapshot(report)
    with interrupts_held():
        commit_temp(temp, report.path)
        manifest.record(report.path, file_hash, keys)
        placed()
        save_snapshot(manifest.folder, report.path, state)
