"""The web preview: blocks → HTML as a reader sees the document, and the figures' cached images."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest
from markupsafe import Markup

from generator.blocks import (
    Attachment,
    Figure,
    Heading,
    PageBreak,
    Paragraph,
    Run,
    Table,
    TableData,
    to_plain,
)
from generator.web.preview import FIGURE_MISSING, count_missing, figure_images, render_html
from tests.sample import ROOT, copy_sample

EVIL = "<script>alert('x')</script>"


def _blocks() -> list:
    return [
        Heading(1, [Run("主要做法")], "一、"),
        Heading(2, [Run("强化顶层设计")], "（一）"),
        Paragraph([Run("全市累计培训"), Run("【待补：培训人次】", missing=True), Run("人次。")]),
        Paragraph([Run("一是", bold=True), Run("锚定政治统领。", bold=True), Run("正文" + EVIL)],
                  item=True),
        Figure("completion", "指标完成进度" + EVIL, 1),
        Figure("trend", "参训人次变化", 2),
        Table("cumulative", "累计性指标", 1, TableData(
            ["序号", "指标", "状态"],
            [["1", "轮训人次", "进度正常"], ["2", "培训" + EVIL, "滞后"]],
            ["center", "left", "right"], alerts={(1, 2)})),
        Heading(3, [Run("细项")], "1."),
        Heading(4, [Run("再细")], "（1）"),
        PageBreak(),
        Attachment("主要指标完成情况表。", 1),
        Paragraph([Run("附件正文")]),
        Attachment("第二个附件", 2),
    ]


def _html(blocks=None, **kw) -> str:
    kw.setdefault("title", "临江市评估报告")
    kw.setdefault("organ", "中共临江市委组织部")
    kw.setdefault("date", "2025年12月20日")
    kw.setdefault("image_url", lambda key: f"/img/{key}.png?v=1&x=\"" if key == "completion" else None)
    result = render_html(_blocks() if blocks is None else blocks, **kw)
    assert isinstance(result, Markup)
    return str(result)


def test_article_title_and_headings_with_numbers():
    html = _html()
    assert html.startswith('<article class="doc">') and html.endswith("</article>")
    assert '<h1 class="doc-title">临江市评估报告</h1>' in html
    assert "<h2>一、主要做法</h2>" in html
    assert "<h3>（一）强化顶层设计</h3>" in html
    assert "<h4>1.细项</h4>" in html
    assert "<h5>（1）再细</h5>" in html
    assert html.index("doc-title") < html.index("<h2>") < html.index("<h3>")


def test_long_title_broken_as_in_word():
    html = _html(title="临江市贯彻落实《干部教育培训规划（2023－2027年）》实施情况评估报告")
    assert ('<h1 class="doc-title">临江市贯彻落实<br>《干部教育培训规划（2023－2027年）》<br>'
            "实施情况评估报告</h1>") in html
    assert '<h1 class="doc-title">第一行<br>第二行</h1>' in _html(title="第一行\n第二行")


def test_runs_bold_and_missing():
    html = _html()
    assert '<p>全市累计培训<mark class="missing">【待补：培训人次】</mark>人次。</p>' in html
    assert '<p class="item"><strong>一是</strong><strong>锚定政治统领。</strong>正文' in html
    assert count_missing(_blocks()) == 1
    assert count_missing([Paragraph([Run("a", missing=True), Run("b"), Run("c", missing=True)]),
                          Heading(1, [Run("【待补】", missing=True)], "一、"), PageBreak()]) == 3


def test_everything_escaped():
    html = _html(title="标题" + EVIL, organ="组织部" + EVIL)
    assert "<script" not in html
    assert "&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;" in html
    assert html.count("&lt;script&gt;") == 6  # title, paragraph, figure alt+caption, cell, organ
    assert 'src="/img/completion.png?v=1&amp;x=&#34;"' in html
    assert "onload" not in html and "style=" not in html


def test_table_caption_above_header_and_cells():
    html = _html()
    table = html[html.index('<table class="table">'):html.index("</table>")]
    assert table.index("<caption>表1\u3000累计性指标</caption>") < table.index("<thead>")
    assert "<thead><tr><th>序号</th><th>指标</th><th>状态</th></tr></thead>" in table
    assert '<td class="align-center">1</td><td class="align-left">轮训人次</td>' in table
    assert '<td class="align-right">进度正常</td>' in table
    assert '<td class="align-right alert">滞后</td>' in table
    assert table.count(" alert\"") == 1


def test_figures_image_url_and_placeholder():
    html = _html()
    first = html[html.index('<figure class="figure">'):]
    first = first[:first.index("</figure>")]
    assert '<img src="/img/completion.png' in first and 'loading="lazy"' in first
    assert 'alt="指标完成进度&lt;script&gt;' in first
    assert first.index("<img") < first.index("<figcaption>图1\u3000指标完成进度")
    second = html[html.index("图2\u3000参训人次变化") - 200:html.index("图2\u3000参训人次变化")]
    assert f'<div class="figure-missing">{FIGURE_MISSING}</div>' in second
    assert html.count("<img") == 1


def test_signature_and_attachment_note_before_attachments():
    html = _html()
    note = html.index('class="attachment-note')
    organ = html.index('<p class="organ">中共临江市委组织部</p>')
    date = html.index('<p class="date">2025年12月20日</p>')
    first = html.index('<div class="attachment">')
    assert html.index("（1）再细") < html.index('<hr class="page-break">') < note < organ < date < first
    assert '<p class="attachment-label">附件1</p>' in html
    assert '<p class="attachment-label">附件2</p>' in html
    assert '<h1 class="attachment-title">主要指标完成情况表。</h1>' in html
    assert html.index("附件1") < html.index("附件正文") < html.index("附件2")
    # the 附件说明 lists them as Word does: 附件：1.title, 2.title (closing 。 dropped)
    assert '<span class="note-number">1.</span>主要指标完成情况表</p>' in html
    assert '<span class="note-number">2.</span>第二个附件</p>' in html


def test_single_attachment_and_no_signature():
    blocks = [Paragraph([Run("正文")]), Attachment("情况表", 1), Paragraph([Run("表")])]
    html = _html(blocks, organ="", date="")
    assert '<p class="attachment-label">附件</p>' in html
    assert '<p class="attachment-note">附件：情况表</p>' in html
    assert "signature" not in html
    html = _html([Paragraph([Run("正文")])], organ="", date="2025年1月1日")
    assert '<p class="date date-alone">2025年1月1日</p>' in html and "附件" not in html


def test_plain_blocks_render_the_same():
    assert _html(to_plain(_blocks())) == _html()
    assert count_missing(to_plain(_blocks())) == 1


def test_figure_images(tmp_path):
    cache = tmp_path / "charts"
    cache.mkdir()
    good, gone = "a" * 64, "b" * 64
    (cache / f"{good}.png").write_bytes(b"\x89PNG")
    (tmp_path / "x.png").write_bytes(b"\x89PNG")  # what "../x" would reach: never used
    snapshot = {"blocks": [], "charts": {"completion": good, "trend": gone,
                                         "evil": "../x", "bad": 3}}
    assert figure_images(snapshot, cache) == {"completion": cache / f"{good}.png"}
    assert figure_images({"blocks": []}, cache) == {}
    assert figure_images(None, cache) == {}


def test_preview_imports_neither_docx_nor_matplotlib():
    code = ("import sys, generator.web.preview; "
            "print(sorted(m for m in sys.modules if m.split('.')[0] in ('docx', 'matplotlib')))")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          cwd=ROOT, check=True)
    assert done.stdout.strip() == "[]"


# ---------------------------------------------------------------- a real build of the sample

@pytest.fixture(scope="module")
def sample_build(tmp_path_factory):
    from generator.build import build
    from generator.exhibits import charts

    charts.clear_cache()  # images rendered earlier in this process are not written to a new cache
    folder = copy_sample(tmp_path_factory.mktemp("preview") / "city")
    job, written = build(folder / "report.yaml")
    return job, written


def test_snapshot_records_each_figures_cached_image(sample_build):
    from generator import output
    from generator.blocks import from_plain

    job, written = sample_build
    out = job.cfg.output
    snap = output.load_snapshot(out, written[0].path)
    assert snap is not None and "charts" in snap
    figures = [b.key for b in from_plain(snap["blocks"]) if isinstance(b, Figure)]
    assert figures and set(snap["charts"]) == set(figures)
    assert set(snap["charts"]) == set(job.reports[0].specs)
    cache = out / output.STATE / "charts"
    for digest in snap["charts"].values():
        assert re.fullmatch(r"[0-9a-f]{64}", digest)
        assert (cache / f"{digest}.png").read_bytes().startswith(b"\x89PNG")
    assert set(figure_images(snap, cache)) == set(figures)


def test_real_build_renders(sample_build):
    from generator import output
    from generator.blocks import from_plain

    job, written = sample_build
    out, meta = job.cfg.output, job.reports[0].meta
    snap = output.load_snapshot(out, written[0].path)
    images = figure_images(snap, out / output.STATE / "charts")
    html = str(render_html(snap["blocks"], title=meta.title, organ=meta.organ, date=meta.date,
                           image_url=lambda key: f"/figure/{key}.png" if key in images else None))
    blocks = from_plain(snap["blocks"])
    for b in blocks:
        if isinstance(b, Heading):
            assert f">{b.number}{''.join(r.text for r in b.runs)}</h{b.level + 1}>" in html
        elif isinstance(b, Figure):
            assert f'<img src="/figure/{b.key}.png"' in html
            assert f"<figcaption>{b.caption}</figcaption>" in html
        elif isinstance(b, Table):
            assert f"<caption>{b.caption}</caption><thead>" in html
    assert any(isinstance(b, Table) for b in blocks) and "figure-missing" not in html
    assert html.index(f'<p class="organ">{meta.organ}</p>') < html.index(f"{meta.date}</p>")
    if any(isinstance(b, Attachment) for b in blocks):
        assert html.index(meta.organ) < html.index('<div class="attachment">')
    assert count_missing(snap["blocks"]) == sum(r.missing for b in blocks for r in getattr(b, "runs", []))


def test_stylesheet_has_the_classes_used():
    css = (Path(ROOT) / "generator/web/static/preview.css").read_text(encoding="utf-8")
    for selector in (".doc", ".doc-title", "mark.missing", ".figure-missing", "td.alert",
                     "td.align-right", "hr.page-break", ".signature", ".attachment",
                     "attachment-note", "@media print"):
        assert selector in css, selector
    assert "http" not in css and "@import" not in css and "url(" not in css
