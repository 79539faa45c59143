"""Tests for generator/output/files.py: safe file names, atomic writes, temporary files, folders
in the way, and hand-edited files kept."""

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


def test_file_open_in_word_is_a_clear_message(tmp_path, monkeypatch):
    def locked(*a, **k):
        raise PermissionError(13, "Permission denied")
    monkeypatch.setattr("os.replace", locked)
    with pytest.raises(OutputError, match="Word/WPS 中打开"):
        atomic_write(tmp_path / "a.docx", b"new")


# --- file modes, folders in the way, a full disk, broken manifests, unsafe file names -----

@pytest.mark.skipif(not hasattr(__import__("os"), "umask") or __import__("os").name != "posix",
                    reason="file modes are POSIX")
@pytest.mark.parametrize("umask,mode", [(0o022, 0o644), (0o002, 0o664), (0o077, 0o600)])
def test_written_files_get_the_mode_the_umask_allows(tmp_path, umask, mode):
    import os
    import stat

    old = os.umask(umask)
    try:
        atomic_write(tmp_path / "2025" / "a.docx", b"doc")
        m = Manifest.load(tmp_path)
        m.save()
    finally:
        os.umask(old)
    assert stat.S_IMODE((tmp_path / "2025" / "a.docx").stat().st_mode) == mode
    assert stat.S_IMODE((tmp_path / ".reportgen-manifest.json").stat().st_mode) == mode


def test_a_full_disk_is_a_clear_message_and_leaves_nothing(tmp_path, monkeypatch):
    import errno
    import os

    target = tmp_path / "a.docx"
    target.write_bytes(b"old")
    real_fdopen = os.fdopen

    class Full:
        def __init__(self, fh):
            self.fh = fh

        def __enter__(self):
            return self

        def __exit__(self, *exc):
            self.fh.close()

        def write(self, data):
            raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(os, "fdopen", lambda fd, *a, **k: Full(real_fdopen(fd, *a, **k)))
    with pytest.raises(OutputError, match="磁盘空间不足。请清理磁盘后重试。原有文件未被改动"):
        atomic_write(target, b"new")
    assert target.read_bytes() == b"old"
    assert [p.name for p in tmp_path.iterdir()] == ["a.docx"]


def test_a_folder_where_the_report_goes_is_named_before_anything_is_written(tmp_path):
    from generator.output import check_targets

    doc = tmp_path / "2025" / "报告.docx"
    doc.mkdir(parents=True)
    (tmp_path / "2024").write_text("a file where a folder goes", encoding="utf-8")
    with pytest.raises(OutputError) as err:
        check_targets(tmp_path, [doc, tmp_path / "2024" / "报告.docx"])
    msg = err.value.message
    assert f"「{doc}」是一个文件夹" in msg and "改名或移走" in msg
    assert f"「{tmp_path / '2024'}」是一个文件" in msg and "以下 2 处" in msg


def test_a_folder_in_the_way_of_a_rename_is_a_message_not_an_internal_error(tmp_path):
    doc = tmp_path / "a.docx"
    doc.mkdir()
    with pytest.raises(OutputError, match="是一个文件夹.*改名或移走"):
        atomic_write(doc, b"new")
    assert [p.name for p in tmp_path.iterdir()] == ["a.docx"]


def test_absolute_patterns_are_refused_by_output_path_too(tmp_path):
    for pattern in ("/tmp/{region}.docx", "C:\\报告\\{region}.docx", "\\\\server\\share\\a.docx"):
        with pytest.raises(OutputError, match="不能是绝对路径"):
            output_path(tmp_path, pattern, year=2025, city="市", region="县", is_city=False)


ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.parametrize("pattern,expect", [
    ("/tmp/{year}/{region}.docx", "不能是绝对路径"),
    ("C:\\\\报告\\\\{region}.docx", "不能是绝对路径"),
    ("D:{region}.docx", "不能是绝对路径"),
    ("~/报告/{region}.docx", "不能是绝对路径"),
    ("{year}/../../{region}.docx", "“..”"),
    ("..\\\\{region}.docx", "“..”"),
    ("   ", "不能为空"),
    ("{year}/{city}{county}报告", ".docx 结尾"),
    ("{year}/{county}.docx", "文件名部分"),
    ("{year}/{region}报告?.docx", "不能含有"),
    ("{year/{region}.docx", "花括号"),
    ("{region.name}.docx", "「{region.name}」不可用"),
])
def test_unsafe_output_filename_is_refused_with_its_key_and_a_hint(tmp_path, pattern, expect):
    from generator.config import load_config
    from generator.errors import ConfigError

    text = (ROOT / "report.yaml").read_text(encoding="utf-8")
    old = 'filename: "{year}/{city}{county}干部教育培训规划实施情况评估报告.docx"'
    assert old in text
    (tmp_path / "report.yaml").write_text(text.replace(old, f'filename: "{pattern}"'), encoding="utf-8")
    for name in ("data", "templates"):
        (tmp_path / name).symlink_to(ROOT / name)
    with pytest.raises(ConfigError) as err:
        load_config(tmp_path / "report.yaml")
    msg = err.value.message
    assert "output.filename：" in msg and expect in msg, msg
    assert "{year}/{city}{county}" in msg, msg          # the hint: a relative pattern


def test_one_writer_for_every_file_a_custom_failure_and_no_fsync_for_a_cache(tmp_path, monkeypatch):
    """The chart cache writes through atomic_write too: without fsync (its images are checked
    when read), with its own message, and with the temporary name remove_temps knows."""
    import generator.output.files as output_module
    from generator.errors import LayoutError

    synced = []
    monkeypatch.setattr(output_module.os, "fsync", lambda fd: synced.append(fd))
    atomic_write(tmp_path / "a.png", b"png", sync=False)
    assert (tmp_path / "a.png").read_bytes() == b"png" and synced == []
    atomic_write(tmp_path / "a.docx", b"doc")
    assert len(synced) == 1

    blocker = tmp_path / "file"
    blocker.write_text("")
    with pytest.raises(LayoutError, match="^缓存「sub」写不进去$"):
        atomic_write(blocker / "sub" / "b.png", b"png",
                     failure=lambda path, exc: LayoutError(f"缓存「{path.parent.name}」写不进去"))

    def ctrl_c(*args):
        raise KeyboardInterrupt

    with monkeypatch.context() as m:      # Ctrl-C before the rename: no temporary file stays
        m.setattr(output_module.os, "replace", ctrl_c)
        with pytest.raises(KeyboardInterrupt):
            atomic_write(tmp_path / "c.png", b"png")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["a.docx", "a.png", "file"]


@pytest.mark.parametrize("suffix", [".docx", ".png", ".pdf", ".xlsx", ""])
def test_remove_temps_knows_every_temporary_file_write_temp_makes(tmp_path, suffix):
    from generator.output import commit_temp, remove_temps, write_temp

    tmp = write_temp(tmp_path / f"x{suffix}", b"data")
    assert tmp.name.startswith(".reportgen-tmp-")
    (tmp_path / f".reportgen-tmp-notes{suffix}").write_bytes(b"mine")   # not a name we make
    assert remove_temps(tmp_path, stale=False) == [tmp]
    kept = write_temp(tmp_path / f"y{suffix}", b"data")
    commit_temp(kept, tmp_path / f"y{suffix}")
    assert (tmp_path / f"y{suffix}").read_bytes() == b"data" and not kept.exists()


def test_a_private_file_is_this_users_only_from_its_first_byte(tmp_path):
    import os
    import stat

    from generator.output import atomic_write

    old = os.umask(0o022)
    try:
        atomic_write(tmp_path / "key", b"secret", private=True)
        atomic_write(tmp_path / "report.txt", b"shared")
    finally:
        os.umask(old)
    assert stat.S_IMODE(os.stat(tmp_path / "key").st_mode) == 0o600
    assert stat.S_IMODE(os.stat(tmp_path / "report.txt").st_mode) == 0o644
