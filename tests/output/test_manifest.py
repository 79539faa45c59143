"""Tests for generator/output/manifest.py: the manifest, the snapshots, the fingerprint."""

import hashlib
from pathlib import Path

import pytest

from generator.errors import OutputError
from generator.output.manifest import Manifest

GENERATOR = Path(__file__).resolve().parents[2] / "generator"


def test_broken_manifest_is_a_clear_error(tmp_path):
    (tmp_path / ".reportgen-manifest.json").write_text("{", encoding="utf-8")
    with pytest.raises(OutputError, match="已损坏"):
        Manifest.load(tmp_path)


@pytest.mark.parametrize("text", ["", "[]", "null", '"files"', '{"files": 5}',
                                  '{"files": {"a.docx": "abc"}}', '{"files": {"a.docx": {"sha256": 1}}}',
                                  '{"files": {}, "values": [1, 2]}', "\xff\xfe garbage"])
def test_a_manifest_of_the_wrong_shape_is_a_clear_error(tmp_path, text):
    (tmp_path / ".reportgen-manifest.json").write_bytes(text.encode("latin-1"))
    with pytest.raises(OutputError, match="输出清单.*已损坏.*请删除该文件后重新生成"):
        Manifest.load(tmp_path)


@pytest.mark.parametrize("text", ['{"x": 1}', "[1]", '{"blocks": 5}', "7", "不是 JSON"])
def test_a_snapshot_of_the_wrong_shape_counts_as_none(tmp_path, text):
    from generator.output import load_snapshot

    doc = tmp_path / "2025" / "a.docx"
    state = tmp_path / ".reportgen" / "2025" / "a.docx.json"
    state.parent.mkdir(parents=True)
    state.write_text(text, encoding="utf-8")
    assert load_snapshot(tmp_path, doc) is None


def test_the_fingerprint_hashes_the_whole_package_but_the_web_and_the_data_round():
    """From generator/ (not generator/output/, where the function lives): every module but those
    of generator/web and generator/rounds, which make no document."""
    from generator.output import program_fingerprint

    h = hashlib.sha256()
    for p in sorted(GENERATOR.rglob("*.py")):
        rel = p.relative_to(GENERATOR)
        if rel.parts[0] not in ("web", "rounds"):
            h.update(rel.as_posix().encode())
            h.update(p.read_bytes())
    assert program_fingerprint() == h.hexdigest()
