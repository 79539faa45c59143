"""Rendering one document (generator/render.py): the .docx bytes and its page count."""

import io
import zipfile

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
