"""Rendering one document (generator/render.py): the .docx bytes and its page count."""

import io
import os
import re
import subprocess
import sys
import zipfile
from functools import partial
from pathlib import Path

import pytest
from docx import Document

from generator.build import gather
from generator.render import render_document
from tests.sample import copy_sample


def test_the_city_report_renders_to_a_docx_of_more_than_twenty_pages(tmp_path):
    city = copy_sample(tmp_path / "city")
    job = gather(city / "report.yaml")
    [report] = job.reports
    data, pages = render_document(report.narrative.blocks, report.meta, report.specs,
                                  job.cfg.layout, cache_dir=tmp_path / "cache")
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        assert "word/document.xml" in z.namelist()
        assert any(n.startswith("word/media/") for n in z.namelist())       # the charts
    text = "".join(p.text for p in Document(io.BytesIO(data)).paragraphs)
    assert report.meta.title in text and report.meta.organ in text
    assert pages > 20


FAILING: set[str] = set()      # chart cache keys that cannot be drawn (set before the fork)


def drawing_fails(job):
    """Stands in for render._draw in the workers (forked after monkeypatching)."""
    import generator.render as render

    path, specs = job
    if set(specs) & FAILING:
        return "图表「测试」中有字体无法显示的字符：“𠀀”。请在数据或配置中改用常用字后重新生成。"
    return render.real_draw(job)


def test_workers_compose_draw_and_lay_out_in_stages_and_a_chart_error_fails_its_regions(
        tmp_path, monkeypatch):
    import generator.render as render
    from generator.build import build
    from generator.errors import ReportError
    from generator.exhibits.charts import cache_key

    city = copy_sample(tmp_path / "city")
    [qingshi] = gather(city / "report.yaml", ["青石县"]).reports
    FAILING.clear()
    FAILING.add(cache_key(qingshi.specs["structure"]))       # 青石县's own ring chart
    from generator.exhibits import charts

    charts.clear_cache()          # the workers inherit this process's drawn charts: none
    monkeypatch.setattr(render, "real_draw", render._draw, raising=False)
    monkeypatch.setattr(render, "_draw", drawing_fails)
    with pytest.raises(ReportError) as caught:
        build(city / "report.yaml", all_regions=True, jobs=2)
    assert "【青石县】" in caught.value.message and "字体无法显示的字符" in caught.value.message
    assert not list((city / "output").rglob("*.docx"))            # nothing written
    job, written = build(city / "report.yaml", all_regions=True, jobs=2, keep_going=True)
    assert list(job.failures) == ["青石县"]
    assert len(written) == 8 and all(w.path.is_file() for w in written)


STAGE_LOG: list[Path] = []    # where the stand-ins below append (set before the fork)


def _log_stage(stage: str) -> None:
    with STAGE_LOG[0].open("a", encoding="utf-8") as fh:
        fh.write(f"{stage} {os.getpid()} {int('matplotlib' in sys.modules)}\n")


def logged_stage(stage: str, *args):
    """Stands in for a worker stage (module-level and bound with functools.partial: the
    executor pickles it by name)."""
    import generator.render as render

    _log_stage(stage)
    return render.real_stages[stage](*args)


def test_one_report_with_a_worker_has_its_charts_drawn_here_and_by_one_helper(tmp_path, monkeypatch):
    """One worker composes and lays out; this process draws every other chart meanwhile and a
    helper forked from it (so with matplotlib loaded already) draws the rest, each chart
    once (render's _Stages with draw_here); the document is the one a single process makes."""
    import generator.render as render
    from generator.build import build
    from generator.exhibits import charts

    one, two = copy_sample(tmp_path / "one"), copy_sample(tmp_path / "two")
    build(one / "report.yaml", jobs=1)
    charts.clear_cache()
    log = tmp_path / "stages.log"
    STAGE_LOG[:] = [log]
    drawn = []
    real = render._draw_into

    def here(specs, cache):
        drawn.extend(specs)
        return real(specs, cache)
    monkeypatch.setattr(render, "_draw_into", here)
    monkeypatch.setattr(render, "real_stages", {"_draw": render._draw}, raising=False)
    monkeypatch.setattr(render, "_draw", partial(logged_stage, "_draw"))
    build(two / "report.yaml", jobs=2)
    rows = [line.split() for line in log.read_text(encoding="utf-8").splitlines()]
    helpers = {pid for _, pid, _ in rows}
    assert len(drawn) == 2 and len(rows) == 2                # half here, half in the helper
    assert len(helpers) == 1 and str(os.getpid()) not in helpers
    assert all(loaded == "1" for *_, loaded in rows)         # inherited, not loaded again
    [doc] = (one / "output").rglob("*评估报告.docx")
    assert doc.read_bytes() == (two / doc.relative_to(one)).read_bytes()
    assert len(list((two / "output" / ".reportgen" / "charts").glob("*.png"))) == 4


def test_a_chart_the_helper_cannot_draw_fails_the_one_report_and_writes_nothing(tmp_path, monkeypatch):
    """One region, --jobs 2: a chart that fails in the helper drawer fails the build with its
    message, as one drawn here would; no document is written."""
    import generator.render as render
    from generator.build import build
    from generator.errors import ReportError
    from generator.exhibits import charts
    from generator.exhibits.charts import cache_key

    city = copy_sample(tmp_path / "city")
    [report] = gather(city / "report.yaml").reports
    FAILING.clear()
    FAILING.update(cache_key(spec) for spec in report.specs.values())   # whichever it gets
    charts.clear_cache()
    monkeypatch.setattr(render, "real_draw", render._draw, raising=False)
    monkeypatch.setattr(render, "_draw", drawing_fails)
    with pytest.raises(ReportError) as caught:
        build(city / "report.yaml", jobs=2)
    assert "【临江市】" in caught.value.message and "字体无法显示的字符" in caught.value.message
    assert not list((city / "output").rglob("*.docx"))


def test_a_batch_is_composed_by_one_worker_and_drawn_by_others_that_inherit_matplotlib(
        tmp_path, monkeypatch):
    """--jobs 2, several regions: the composer composes every region; the charts are drawn
    and the documents laid out by drawers forked from this process after it loaded
    matplotlib, so none of them loads it again; the documents are those one process makes."""
    import generator.render as render
    from generator.build import build
    from generator.exhibits import charts

    one, two = copy_sample(tmp_path / "one"), copy_sample(tmp_path / "two")
    build(one / "report.yaml", all_regions=True, jobs=1)
    charts.clear_cache()
    log = tmp_path / "stages.log"
    STAGE_LOG[:] = [log]
    monkeypatch.setattr(render, "real_stages", {name: getattr(render, name)
                                                 for name in ("_compose", "_draw", "_lay_out")},
                        raising=False)
    for stage in ("_compose", "_draw", "_lay_out"):
        monkeypatch.setattr(render, stage, partial(logged_stage, stage))
    build(two / "report.yaml", all_regions=True, jobs=2)
    rows = [line.split() for line in log.read_text(encoding="utf-8").splitlines()]
    pids = {stage: {pid for s, pid, _ in rows if s == stage} for stage in ("_compose", "_draw", "_lay_out")}
    assert len(pids["_compose"]) == 1 and str(os.getpid()) not in pids["_compose"]
    assert len(pids["_draw"]) == 2 and not pids["_draw"] & pids["_compose"]
    assert pids["_lay_out"] <= pids["_draw"]
    assert all(loaded == "1" for s, _, loaded in rows if s == "_draw")     # inherited
    assert sum(1 for s, *_ in rows if s == "_compose") == 9
    assert sum(1 for s, *_ in rows if s == "_draw") == len(
        list((two / "output" / ".reportgen" / "charts").glob("*.png")))      # each chart once
    for doc in (one / "output").rglob("*评估报告.docx"):
        assert doc.read_bytes() == (two / doc.relative_to(one)).read_bytes(), doc.name


def test_a_rebuild_whose_charts_are_cached_never_loads_matplotlib(tmp_path):
    """A fresh process rebuilding the city's report (--force) with every chart in the cache:
    neither it nor a worker imports matplotlib, nor importlib.metadata to learn its version
    (the charts' cache key)."""
    city = copy_sample(tmp_path / "city")
    code = (
        "import sys\n"
        "from generator.build import build\n"
        f"build({str(city / 'report.yaml')!r}, jobs=2, force=True)\n"
        "assert 'matplotlib' not in sys.modules, 'matplotlib loaded in the main process'\n"
        "print('ok')\n"
    )
    first = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert first.returncode != 0 and "matplotlib loaded" in first.stderr   # it drew the charts
    again = subprocess.run([sys.executable, "-X", "importtime", "-c", code],
                           capture_output=True, text=True)
    assert again.returncode == 0, again.stderr
    assert again.stdout.strip() == "ok"
    # -X importtime reports the workers' imports on the same stderr
    assert not re.search(r"\|\s*matplotlib\b", again.stderr)
    assert not re.search(r"\|\s*importlib\.metadata\b", again.stderr)


def _batches_read() -> list[str]:
    """In a worker: the batches it has read (render._SHARED's names)."""
    import generator.render as render

    return [str(name) for name in render._SHARED]


def test_a_started_composer_reads_the_batch_as_soon_as_it_is_shared(tmp_path):
    """Before any task: the main process goes on to compute the inputs keys meanwhile. With
    nothing then to rebuild, stop still ends the composer without waiting for its warm-up."""
    from generator.build import prepare, region_report
    from generator.render import Pool, Shared

    city = copy_sample(tmp_path / "city")
    prep = prepare(city / "report.yaml")
    pool = Pool(2)
    pool.start()
    try:
        pool.share(Shared(prep, region_report, prep.cfg.layout, None, None))
        batch = pool.shared_file
        assert batch is not None and batch.is_file()
        assert pool.executor.submit(_batches_read).result(timeout=60) == [str(batch)]
        assert not pool.used
    finally:
        pool.stop()
    assert not batch.exists()
