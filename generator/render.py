"""The per-region stages in worker processes: narrative, exhibits and layout, into temporary files.

The main process reads the config and the data and computes the metrics batch once. A
worker forked early (the composer) gets that batch once (`Pool.share`) and composes every
region's report from it (the function `build.region_report`, handed over with the batch);
drawers, forked from the main process once it has loaded the drawing libraries (so that
they inherit them, and the batch, rather than load them again), draw the charts and lay the
documents out. A worker writes each document to a temporary file beside the final one and
returns the report's blocks and the file's path, hash and estimated page count, so memory
stays flat however many regions a batch has. Nothing is renamed into place here:
`build.write` does that once every region succeeded.

Must not import python-docx or matplotlib at module level (they load in the workers, or on
first use); knows nothing of the CLI.
"""

from __future__ import annotations

import os
import queue
import signal
from collections.abc import Callable
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .blocks import DocumentMeta
from .errors import ReportError

if TYPE_CHECKING:
    from concurrent.futures import ProcessPoolExecutor


@dataclass(frozen=True)
class Shared:
    """What every region of a batch shares, made once in the main process and handed to each
    worker once: the prepared batch (config, data, metrics; build.Prepared), the function that
    composes one region's report from it (build.region_report), and where caches live."""

    prepared: Any
    compose: Callable
    layout: dict
    chart_cache: Path | None
    compiled: Any                   # output.template_cache(), or None
    strict: bool = False            # --strict: a report with missing values is not laid out
    owner: int = field(default_factory=os.getpid)   # the build's main process, names temp files


@dataclass(frozen=True)
class Task:
    """One region to compose and lay out. `previous`: the content hash of the document now in
    place; a document that comes out the same is not laid out again."""

    region: str
    previous: str | None = None
    shared: Path | None = None      # the pickled Shared, for a worker process


@dataclass(frozen=True)
class Rendered:
    temp: Path
    sha256: str
    pages: int


@dataclass(frozen=True)
class Outcome:
    """What a worker hands back for one region: its report (without metrics, which the main
    process has) and, unless the document came out unchanged, the rendered temporary file."""

    region: str
    report: Any = None
    content: str = ""               # the content hash (output.regen.content_hash)
    rendered: Rendered | None = None
    error: str | None = None


def render_document(blocks, meta: DocumentMeta, specs: dict, layout: dict,
                    cache_dir: Path | None = None) -> tuple[bytes, int]:
    """The .docx bytes of one document and its estimated page count."""
    from .exhibits.charts import render_charts
    from .layout import Profile, render_docx
    from .layout.pages import estimate_pages

    images = render_charts(specs, cache_dir=cache_dir)
    profile = Profile.from_mapping(layout) if layout else None
    data = render_docx(blocks, meta, images, profile=profile)
    return data, estimate_pages(blocks, meta.title, images, profile)


_SHARED: dict[Path | None, Shared] = {}


def _shared(task: Task) -> Shared:
    """The batch a task belongs to: set by Pool.share in this process, or read once per worker
    from the file the main process wrote."""
    if task.shared not in _SHARED:
        assert task.shared is not None   # in the main process, Pool.share set it
        _read_shared(task.shared)
    return _SHARED[task.shared]


def _read_shared(path: Path) -> None:
    """In the composer: read the pickled batch (its first task, or ahead of it, see Pool.share)."""
    if path not in _SHARED:
        import pickle

        _SHARED.clear()
        _SHARED[path] = pickle.loads(path.read_bytes())


def _compose_and_render(task: Task) -> Outcome:
    """In this process: a region's stages one after the other (the layout draws the charts)."""
    composed = _compose(task, plan_draws=False)
    if not composed.lay_out:
        return composed.outcome
    return _lay_out((task.shared, composed.outcome))


@dataclass(frozen=True)
class Composed:
    """The first stage of a region in a worker: its outcome so far (report and content hash,
    or the error), whether it is to be laid out, and the charts (by cache key) to draw first."""

    outcome: Outcome
    lay_out: bool = False
    draw: dict = field(default_factory=dict)


def _compose(task: Task, plan_draws: bool = True) -> Composed:
    """Stage 1 in a worker: compose the region's report; say what must be drawn (unless the
    layout is to draw it in the same process: `plan_draws` False)."""
    from .exhibits.charts import to_draw
    from .narrative import renderer_for
    from .output.regen import content_hash

    shared = _shared(task)
    try:
        renderer = renderer_for(shared.prepared.cfg.templates, shared.compiled)
        report = shared.compose(shared.prepared, renderer, task.region)
        content = content_hash(report, shared.layout)
        outcome = Outcome(task.region, replace(report, metrics=None), content)
        if content == task.previous or (shared.strict and report.missing):
            return Composed(outcome)
        if not plan_draws or shared.chart_cache is None:   # the layout draws them
            return Composed(outcome, True)
        return Composed(outcome, True, to_draw(report.specs, shared.chart_cache))
    except ReportError as exc:
        return Composed(Outcome(task.region, error=exc.message))


def _draw(job: tuple[Path, dict]) -> str | None:
    """Stage 2 in a worker: draw charts into the chart cache; the error message, if any."""
    path, specs = job
    return _draw_into(specs, _shared(Task("", shared=path)).chart_cache)


def _draw_into(specs: dict, cache: Path | None) -> str | None:
    from .exhibits.charts import render_charts

    try:
        render_charts(specs, cache_dir=cache)
        return None
    except ReportError as exc:
        return exc.message


def _lay_out(job: tuple[Path | None, Outcome]) -> Outcome:
    """Stage 3 in a worker: lay the composed report out (its charts are in the cache now)."""
    from .output import set_owner, sha256, write_temp

    path, composed = job
    shared = _shared(Task("", shared=path))
    set_owner(shared.owner)
    report = composed.report
    try:
        data, pages = render_document(report.narrative.blocks, report.meta, report.specs,
                                      shared.layout, shared.chart_cache)
        rendered = Rendered(write_temp(report.path, data), sha256(data), pages)
        return replace(composed, rendered=rendered)
    except ReportError as exc:
        return Outcome(composed.region, error=exc.message)


WORKER_NICENESS = 5


@dataclass(frozen=True)
class Setup:
    """What a worker can prepare before the data are read: the templates to compile and where
    compiled templates are kept."""

    templates: Path
    compiled: Any = None


def _warm_up(setup: Setup | None = None) -> None:
    """The composer, when it starts (while the main process is still reading the data):
    compile the templates and load the Chinese numerals and the document writer (it lays out
    a batch of one region). Drawers (no `setup`) inherit what they need from the main
    process; a chart a worker has to draw without matplotlib loaded loads it then: a rebuild
    whose charts all come from the cache never loads it."""
    if setup is None:
        return
    from . import fmt, layout
    from .narrative import markup, renderer_for

    renderer_for(setup.templates, setup.compiled).compile_all()
    fmt.chinese_ordinal(1)   # loads the Chinese numerals library
    markup.warm_up()
    from .output import regen  # noqa: F401  (content_hash, inputs_key)
    layout.warm_up()


def _worker_init(setup: Setup | None) -> None:
    """In each worker: leave Ctrl-C to the main process, which stops the pool and removes
    every temporary file (a worker interrupted midway would print a traceback and leave its
    file). SIGINT was blocked while the worker was forked; it is ignored before unblocking."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    if hasattr(signal, "pthread_sigmask"):
        signal.pthread_sigmask(signal.SIG_UNBLOCK, {signal.SIGINT})
    if hasattr(os, "nice"):
        # Started before the data are read, the workers must not slow the main process down:
        # they warm up on what CPU it leaves (and need not finish when nothing is to be done).
        os.nice(WORKER_NICENESS)
    _warm_up(setup)


@contextmanager
def _sigint_blocked():
    """Hold SIGINT (kept pending, not lost) while workers are created, so that none starts
    with Python's default handler; the main process gets it right after."""
    if not hasattr(signal, "pthread_sigmask"):
        yield
        return
    old = signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGINT})
    try:
        yield
    finally:
        signal.pthread_sigmask(signal.SIG_SETMASK, old)


class Pool:
    """Worker processes that compose and lay out the regions' documents (`jobs` at most
    drawing at a time).

    `start` forks one worker early, before the data are read: the composer, which compiles
    the templates while this process reads and checks the data, and then composes every
    region from the batch, handed to it once (`share`: one pickled file). A batch of several
    regions then gets `jobs` drawers, forked from this process once it has loaded python-docx
    and (for a first build, whose charts cannot be in the cache yet) matplotlib with the
    Chinese font: they inherit the libraries and the batch instead of each loading them
    again, and draw the charts and lay out the documents as the composer hands the regions
    on. One region: the composer lays it out and this process draws its charts meanwhile,
    with one drawer forked for half of them when there are several.
    With one job, or one task and no worker started, everything runs in this process."""

    def __init__(self, jobs: int, setup: Setup | None = None):
        self.jobs = jobs
        self.setup = setup
        self.executor: ProcessPoolExecutor | None = None   # the composer, started early
        self.drawers: ProcessPoolExecutor | None = None
        self.shared: Shared | None = None
        self.shared_file: Path | None = None
        self.used = False               # a task went to the composer

    def __enter__(self) -> Pool:
        return self

    def __exit__(self, *exc) -> None:
        self.stop()

    def stop(self) -> None:
        """Cancel what has not started and wait for the workers to finish what has (a few
        seconds at most): afterwards no worker writes anything. A second Ctrl-C meanwhile is
        held, so that the cleanup after it is complete."""
        from .output import interrupts_held

        with interrupts_held():
            if self.drawers is not None:
                self.drawers.shutdown(wait=True, cancel_futures=True)
                self.drawers = None
            if self.executor is not None:
                if not self.used:   # started early and given nothing: no need to let it warm up
                    for process in list(getattr(self.executor, "_processes", {}).values()):
                        process.terminate()
                self.executor.shutdown(wait=True, cancel_futures=True)
                self.executor = None
            if self.shared_file is not None:
                _SHARED.pop(self.shared_file, None)
                self.shared_file.unlink(missing_ok=True)
                self.shared_file = None

    def start(self) -> None:
        """Fork the composer now (nothing with one job)."""
        if self.jobs < 2 or self.executor is not None:
            return
        self.executor = _fork_workers(1, self.setup)

    def share(self, shared: Shared) -> None:
        """The batch the next tasks belong to. A composer already started reads it at once,
        while this process decides which regions to rebuild (not counted as its first task: with
        nothing to rebuild, `stop` still ends it without waiting). One batch per pool (a build)."""
        assert self.shared_file is None, "a pool is given one batch"
        self.shared = shared
        _SHARED.clear()
        _SHARED[None] = shared
        if self.executor is not None:
            self.executor.submit(_read_shared, self._shared_file())

    def _shared_file(self) -> Path:
        """The pickled batch for the composer, written once (removed by `stop`); drawers
        forked later find it in `_SHARED` under the same name, inherited."""
        if self.shared_file is None:
            import pickle
            import tempfile

            fd, name = tempfile.mkstemp(prefix="reportgen-batch-", suffix=".pickle")
            self.shared_file = Path(name)
            with os.fdopen(fd, "wb") as fh:
                pickle.dump(self.shared, fh, protocol=pickle.HIGHEST_PROTOCOL)
            assert self.shared is not None   # (share comes first)
            _SHARED[self.shared_file] = self.shared
        return self.shared_file

    def _start_drawers(self, n: int) -> ProcessPoolExecutor:
        """Load what drawing and laying out need here, then fork `n` drawers that inherit it.
        matplotlib is loaded first only when the chart cache holds no image yet (a first
        build draws every chart); otherwise a drawer loads it if it has a chart to draw."""
        from . import layout

        layout.warm_up()
        assert self.shared is not None
        if _first_drawing(self.shared.chart_cache):
            from .exhibits import charts

            charts.warm_up()
        return self._fork_drawers(n)

    def _fork_helper(self) -> ProcessPoolExecutor:
        """One region with several charts to draw: load matplotlib here (if the wait for the
        composer has not already) and fork one drawer that inherits it, to draw half of them
        while this process draws the others (the composer, which has python-docx, lays out)."""
        from .exhibits import charts

        charts.warm_up()
        return self._fork_drawers(1)

    def _fork_drawers(self, n: int) -> ProcessPoolExecutor:
        """Fork `n` drawers from this process as it is now (stopped with the pool)."""
        import gc

        gc.freeze()   # what they inherit stays out of their collections: fewer pages copied
        try:
            self.drawers = _fork_workers(n, None)
        finally:
            gc.unfreeze()
        return self.drawers

    def run(self, tasks: list[Task], progress=None) -> list[Outcome]:
        """Compose and render every task; the outcomes in the order they finish.

        In this process a region's stages run one after the other. With workers, each region
        is three tasks (compose → draw its charts → lay out) scheduled as they become ready."""
        if self.jobs > 1 and len(tasks) > 1 and self.executor is None:
            self.start()
        if progress is not None and hasattr(progress, "start"):
            progress.start(len(tasks))
        if self.executor is None or not tasks:
            return self._run_here(tasks, progress)
        self.used = True
        assert self.shared is not None   # (share comes first)
        several = len(tasks) > 1
        stages = _Stages(self.executor, self._shared_file(), progress,
                         draw_here=None if several else self.shared.chart_cache,
                         start_drawers=partial(self._start_drawers, min(self.jobs, len(tasks)))
                         if several else None, fork_helper=self._fork_helper)
        try:
            return stages.run(tasks)
        except BaseException:  # Ctrl-C or a crash: stop the workers, keep no temporary file
            self.stop()
            stages.discard()
            raise

    def _run_here(self, tasks: list[Task], progress) -> list[Outcome]:
        outcomes: list[Outcome] = []
        try:
            for outcome in map(_compose_and_render, tasks):
                outcomes.append(outcome)
                if progress:
                    progress(outcome.region, outcome.error)
        except BaseException:
            _discard(outcomes)
            raise
        return outcomes


def _first_drawing(cache: Path | None) -> bool:
    """Whether a build with this chart cache will draw charts for sure (none is cached yet),
    so that loading matplotlib before any region is composed is no waste."""
    return cache is None or not any(Path(cache).glob("*.png"))


def _fork_workers(n: int, setup: Setup | None) -> ProcessPoolExecutor:
    """`n` worker processes, forked now (where the system can fork) with SIGINT held, so
    that none starts with Python's default handler."""
    import multiprocessing as mp
    from concurrent.futures import ProcessPoolExecutor

    methods = mp.get_all_start_methods()
    ctx = mp.get_context("fork" if "fork" in methods else methods[0])
    with _sigint_blocked():
        executor = ProcessPoolExecutor(n, mp_context=ctx, initializer=_worker_init,
                                       initargs=(setup,))
        executor.submit(int)   # creates the workers now
    return executor


def _discard(outcomes) -> None:
    from .output import discard_temp

    for outcome in outcomes:
        if outcome.rendered is not None:
            discard_temp(outcome.rendered.temp)


class _Stages:
    """The three stages of every region on a pool of workers: a region's charts are drawn
    once its report is composed (a chart two regions share, once), and it is laid out once
    they are all in the chart cache."""

    def __init__(self, composer, shared: Path, progress, draw_here: Path | None = None,
                 start_drawers: Callable | None = None, fork_helper: Callable | None = None):
        self.composer, self.shared, self.progress = composer, shared, progress
        # One report: this process, idle otherwise, draws the charts into the chart cache
        # `draw_here` (having loaded matplotlib while the composer composed, when no chart
        # was cached yet).
        self.draw_here = draw_here
        # Several: once the composer has been given every region, `start_drawers` loads the
        # libraries here (while the composer composes) and forks the drawers, which draw and
        # lay out from then on.
        self.start_drawers = start_drawers
        self.drawers = None
        # One report with several charts to draw: `fork_helper` forks a drawer (once) that
        # draws every other one of them while this process draws the rest.
        self.fork_helper = fork_helper
        self.helper = None
        self.pending: dict = {}                       # future → (stage, region or chart key)
        self.finished: queue.SimpleQueue = queue.SimpleQueue()   # futures, as they finish
        self.waiting: dict[str, tuple[Outcome, set]] = {}   # region → (composed, keys to draw)
        self.drawing: dict[str, set[str]] = {}        # chart key → regions waiting for it
        self.drawn: set[str] = set()
        self.outcomes: list[Outcome] = []
        self.handlers: dict[str, Callable] = {"compose": self._composed, "draw": self._drawn,
                                              "lay_out": self._laid_out}

    def submit(self, stage: str, fn, arg, tag: str, executor=None) -> None:
        """Submit (to the composer, the drawers once there are some, or `executor`) with
        Ctrl-C held: interrupted inside the executor's locks, the cleanup that follows
        (Pool.stop) would wait for them forever. Blocked too while workers may be created, so
        that none starts with Python's default handler."""
        from .output import interrupts_held

        if executor is None:
            executor = self.composer if stage == "compose" or self.drawers is None else self.drawers
        with interrupts_held(), _sigint_blocked():
            future = executor.submit(fn, arg)
            self.pending[future] = (stage, tag)
        # (a queue, not concurrent.futures.wait: that visits every pending future each time,
        # and a batch of 200 regions has a thousand charts pending at once)
        future.add_done_callback(self.finished.put)

    def run(self, tasks: list[Task]) -> list[Outcome]:
        for task in tasks:
            self.submit("compose", _compose, replace(task, shared=self.shared), task.region)
        if self.start_drawers is not None:
            self.drawers = self.start_drawers()
        elif self.draw_here is not None and _first_drawing(self.draw_here):
            from .exhibits import charts

            charts.warm_up()
        while self.pending:
            future = self.finished.get()
            stage, tag = self.pending.pop(future)
            self.handlers[stage](tag, future.result())
        return self.outcomes

    def finish(self, outcome: Outcome) -> None:
        self.outcomes.append(outcome)
        if self.progress:
            self.progress(outcome.region, outcome.error)

    def _composed(self, region: str, composed: Composed) -> None:
        if not composed.lay_out:
            self.finish(composed.outcome)
            return
        needed = set(composed.draw) - self.drawn
        for key in needed:
            if key not in self.drawing:
                self.drawing[key] = set()
                if self.draw_here is None:
                    self.submit("draw", _draw, (self.shared, {key: composed.draw[key]}), key)
            self.drawing[key].add(region)
        self.waiting[region] = (composed.outcome, needed)
        if self.draw_here is not None:
            self._draw_here(composed.draw, sorted(needed))
        if region in self.waiting:
            self._ready(region)

    def _draw_here(self, specs: dict, keys: list[str]) -> None:
        """One report: draw its charts in this process, every other one in a helper forked
        for it when there are several (their results come back as "draw" stages)."""
        if len(keys) > 1 and self.fork_helper is not None:
            if self.helper is None:
                self.helper = self.fork_helper()
            for key in keys[1::2]:
                self.submit("draw", _draw, (self.shared, {key: specs[key]}), key, self.helper)
            keys = keys[::2]
        for key in keys:
            self._drawn(key, _draw_into({key: specs[key]}, self.draw_here))

    def _drawn(self, key: str, error: str | None) -> None:
        for region in sorted(self.drawing.pop(key, set())):
            if region not in self.waiting:
                continue                               # failed already, by another chart
            if error:
                del self.waiting[region]
                self.finish(Outcome(region, error=error))
            else:
                self.waiting[region][1].discard(key)
                self._ready(region)
        if not error:
            self.drawn.add(key)

    def _ready(self, region: str) -> None:
        outcome, needed = self.waiting[region]
        if not needed:
            del self.waiting[region]
            self.submit("lay_out", _lay_out, (self.shared, outcome), region)

    def _laid_out(self, region: str, outcome: Outcome) -> None:
        self.finish(outcome)

    def discard(self) -> None:
        """Remove the temporary files of what was laid out (after an interruption)."""
        _discard(self.outcomes)
