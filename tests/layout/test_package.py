"""The .docx package (generator/layout/package.py): no leftover template parts, fixed core
properties and entry times, byte-identical output. Content types, relationships and schema
order: test_format_conformance.py."""

from __future__ import annotations

import datetime as dt

import pytest

from generator.blocks import Paragraph, Run
from generator.errors import LayoutError
from generator.layout import package
from tests.docx_reader import NS, Docx
from tests.layout.layout_samples import TITLE, make_png, render, sample_blocks, sample_doc


@pytest.fixture(scope="module")
def doc() -> Docx:
    return sample_doc()


def test_no_leftover_parts_of_the_python_docx_template(doc):
    assert not any(n.startswith("customXml") or "thumbnail" in n or "numbering" in n
                   or "stylesWithEffects" in n for n in doc.parts)


def test_core_properties_are_fixed(doc):
    core = doc.xml("docProps/core.xml")
    assert core.find("dc:creator", NS).text == "某某市委组织部"
    assert core.find("dc:title", NS).text == TITLE
    assert core.find("dcterms:created", NS).text == "2025-12-20T09:30:00Z"
    assert core.find("dcterms:modified", NS).text == "2025-12-20T09:30:00Z"
    assert not (core.find("dc:description", NS).text or "")
    assert all(info.date_time == (2025, 12, 20, 9, 30, 0) for info in doc.infos)


def test_same_inputs_give_identical_bytes(doc):
    images = {"chart": make_png()}
    assert render(sample_blocks(), images) == doc.data
    other = render(sample_blocks(), images, created="")
    assert other != doc.data
    assert render(sample_blocks(), images, created="") == other


def test_zip_entries_without_created_date_use_1980(monkeypatch):
    monkeypatch.delenv("SOURCE_DATE_EPOCH", raising=False)
    d = Docx(render([Paragraph([Run("正文")])], created=""))
    assert {i.date_time for i in d.infos} == {(1980, 1, 1, 0, 0, 0)}


def test_timestamp_is_utc_never_before_1980(monkeypatch):
    assert package.timestamp("2025-12-20T09:30:00") == dt.datetime(2025, 12, 20, 9, 30)
    assert package.timestamp(" 2025-12-20T09:30:00+08:00 ") == dt.datetime(2025, 12, 20, 1, 30)
    assert package.timestamp("2025-12-20T09:30:00Z") == dt.datetime(2025, 12, 20, 9, 30)
    assert package.timestamp("1970-01-01T00:00:00") == dt.datetime(1980, 1, 1)
    monkeypatch.setenv("SOURCE_DATE_EPOCH", str(int(dt.datetime(2024, 3, 1, tzinfo=dt.timezone.utc)
                                                    .timestamp())))
    assert package.timestamp("") == dt.datetime(2024, 3, 1)
    with pytest.raises(LayoutError, match="「2025/12/20」不是有效的 ISO 日期时间"):
        package.timestamp("2025/12/20")


def test_save_stores_images_and_deflates_the_xml():
    import io
    import zipfile

    document = package.new_document()
    document.add_picture(io.BytesIO(make_png()))
    data = package.save(document, dt.datetime(2025, 12, 20, 9, 30))
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        kinds = {i.filename: i.compress_type for i in z.infolist()}
        assert {i.date_time for i in z.infolist()} == {(2025, 12, 20, 9, 30, 0)}
    assert any(n.endswith(".png") for n in kinds)
    for name, kind in kinds.items():
        assert kind == (zipfile.ZIP_STORED if name.endswith(".png") else zipfile.ZIP_DEFLATED)
    assert package.save(document, dt.datetime(2025, 12, 20, 9, 30)) == data


def test_save_writes_what_python_docx_writes_in_its_order():
    """package.save runs python-docx's own package-writing steps into one zip: the entries,
    their order and their bytes are those of Document.save (only times and compression are
    ours)."""
    import io
    import zipfile

    document = package.new_document()
    document.add_paragraph("正文")
    document.add_picture(io.BytesIO(make_png()))
    theirs = io.BytesIO()
    document.save(theirs)
    ours = package.save(document, dt.datetime(2025, 12, 20, 9, 30))
    with zipfile.ZipFile(theirs) as a, zipfile.ZipFile(io.BytesIO(ours)) as b:
        assert a.namelist() == b.namelist()
        for name in a.namelist():
            assert a.read(name) == b.read(name), name
