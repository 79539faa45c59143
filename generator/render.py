"""Drawing charts and laying out documents, in worker processes, into temporary files.

Each worker writes its document to a temporary file beside the final one and returns only
its path, hash and estimated page count, so memory stays flat however many regions a batch
has. Nothing is renamed into place here: `build.write` does that once every region succeeded.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

from .blocks import DocumentMeta
from .errors import ReportError


@dataclass(frozen=True)
class Task:
    region: str
    blocks: list
    meta: DocumentMeta
    specs: dict
    layout: dict
    target: Path            # the final path; the temporary file goes beside it
    cache_dir: Path | None  # chart cache shared by builds


@dataclass(frozen=True)
class Rendered:
    temp: Path
    sha256: str
    pages: int


def render_document(blocks, meta: DocumentMeta, specs: dict, layout: dict,
                    cache_dir: Path | None = None) -> tuple[bytes, int]:
    """The .docx bytes of one document and its estimated page count."""
    from .charts import render_charts
    from .layout import Profile, render_docx
    from .layout.pages import estimate_pages

    images = render_charts(specs, cache_dir=cache_dir)
    profile = Profile.from_mapping(layout) if layout else None
    data = render_docx(blocks, meta, images, profile=profile)
    return data, estimate_pages(blocks, meta.title, images, profile)


def _run(task: Task) -> tuple[str, Rendered | None, str | None]:
    from .output import sha256, write_temp

    try:
        data, pages = render_document(task.blocks, task.meta, task.specs, task.layout,
                                      task.cache_dir)
        return task.region, Rendered(write_temp(task.target, data), sha256(data), pages), None
    except ReportError as exc:
        return task.region, None, exc.message


def _warm_up() -> None:
    """Load the heavy libraries and the chart font in a worker before any task arrives."""
    import docx  # noqa: F401

    from . import charts
    from .layout import document  # noqa: F401

    charts.warm_up()


class Pool:
    """`jobs` worker processes, started early (they import while the data is read)."""

    def __init__(self, jobs: int):
        self.jobs = jobs
        self.executor = None

    def __enter__(self) -> Pool:
        if self.jobs > 1:
            import multiprocessing as mp
            from concurrent.futures import ProcessPoolExecutor

            methods = mp.get_all_start_methods()
            ctx = mp.get_context("fork" if "fork" in methods else methods[0])
            self.executor = ProcessPoolExecutor(self.jobs, mp_context=ctx, initializer=_warm_up)
            self.executor.submit(os.getpid)  # spawns the workers now
        return self

    def __exit__(self, *exc) -> bool:
        if self.executor is not None:
            self.executor.shutdown(wait=True, cancel_futures=True)
        return False

    def run(self, tasks: list[Task], progress=None) -> tuple[dict[str, Rendered], dict[str, str]]:
        """Render every task; returns (rendered by region, error message by region)."""
        done: dict[str, Rendered] = {}
        failed: dict[str, str] = {}
        results = (self.executor.map(_run, tasks) if self.executor and len(tasks) > 1
                   else map(_run, tasks))
        for region, rendered, error in results:
            if error:
                failed[region] = error
            else:
                done[region] = rendered
            if progress:
                progress(region, error)
        return done, failed
