"""Rendering one document (generator/render.py): the .docx bytes and its page count."""

import io
import zipfile

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


def test_one_report_with_a_worker_has_its_charts_drawn_by_the_main_process(tmp_path, monkeypatch):
    """One worker composes and lays out; this process draws the charts meanwhile (render's
    _Stages with draw_here), and the document is the one a single process makes."""
    import generator.render as render
    from generator.build import build
    from generator.exhibits import charts

    one, two = copy_sample(tmp_path / "one"), copy_sample(tmp_path / "two")
    build(one / "report.yaml", jobs=1)
    charts.clear_cache()
    drawn = []
    real = render._draw_into

    def here(specs, cache):
        drawn.extend(specs)
        return real(specs, cache)
    monkeypatch.setattr(render, "_draw_into", here)
    build(two / "report.yaml", jobs=2)
    assert len(drawn) == 4                                   # in this process, not a worker
    [doc] = (one / "output").rglob("*评估报告.docx")
    assert doc.read_bytes() == (two / doc.relative_to(one)).read_bytes()
    assert len(list((two / "output" / ".reportgen" / "charts").glob("*.png"))) == 4
