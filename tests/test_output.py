"""Output: safe file names, atomic writes, manifest, and hand-edited files kept."""

import datetime as dt
from pathlib import Path

import pytest

from generator.errors import OutputError
from generator.output import Manifest, atomic_write, output_path, protect_edits, safe_name, sha256


def test_file_names_from_the_pattern(tmp_path):
    p = output_path(tmp_path, "{year}/{city}{county}报告.docx", year=2025, city="临江市",
                    region="青石县", is_city=False)
    assert p == tmp_path / "2025" / "临江市青石县报告.docx"
    p = output_path(tmp_path, "{year}/{city}{county}报告.docx", year=2025, city="临江市",
                    region="临江市", is_city=True)
    assert p == tmp_path / "2025" / "临江市报告.docx"


@pytest.mark.parametrize("name,expected", [("青/石县", "青_石县"), ('白:沙*县?', "白_沙_县_"),
                                           ("..\\云岭", ".._云岭")])
def test_region_names_made_safe(name, expected):
    assert safe_name(name) == expected


def test_dot_names_and_parent_paths_refused(tmp_path):
    with pytest.raises(OutputError):
        safe_name("..")
    with pytest.raises(OutputError, match="“..”"):
        output_path(tmp_path, "../{region}.docx", year=2025, city="市", region="县", is_city=False)


def test_atomic_write_leaves_old_file_on_failure(tmp_path, monkeypatch):
    target = tmp_path / "a.docx"
    target.write_bytes(b"old")

    def boom(*a, **k):
        raise OSError("disk full")
    monkeypatch.setattr("os.replace", boom)
    with pytest.raises(OutputError, match="无法写入.*原有文件未被改动"):
        atomic_write(target, b"new")
    assert target.read_bytes() == b"old"
    assert [p.name for p in tmp_path.iterdir()] == ["a.docx"]   # no temporary file left


def test_hand_edited_file_is_moved_aside_not_overwritten(tmp_path):
    m = Manifest.load(tmp_path)
    doc = tmp_path / "2025" / "报告.docx"
    atomic_write(doc, b"generated")
    m.record(doc, sha256(b"generated"))
    m.save()
    m = Manifest.load(tmp_path)
    assert protect_edits(doc, m) is None             # unchanged since written: may be replaced
    doc.write_bytes(b"edited in WPS")
    moved = protect_edits(doc, m, now=dt.datetime(2025, 12, 21, 9, 30))
    assert moved == tmp_path / ".history" / "2025" / "报告.手工修改.20251221-093000.docx"
    assert moved.read_bytes() == b"edited in WPS" and not doc.exists()


def test_unknown_file_in_the_way_is_kept(tmp_path):
    doc = tmp_path / "x.docx"
    doc.write_bytes(b"someone's file")
    moved = protect_edits(doc, Manifest.load(tmp_path))
    assert moved is not None and Path(moved).read_bytes() == b"someone's file"


def test_broken_manifest_is_a_clear_error(tmp_path):
    (tmp_path / ".reportgen-manifest.json").write_text("{", encoding="utf-8")
    with pytest.raises(OutputError, match="已损坏"):
        Manifest.load(tmp_path)


def test_file_open_in_word_is_a_clear_message(tmp_path, monkeypatch):
    def locked(*a, **k):
        raise PermissionError(13, "Permission denied")
    monkeypatch.setattr("os.replace", locked)
    with pytest.raises(OutputError, match="Word/WPS 中打开"):
        atomic_write(tmp_path / "a.docx", b"new")
