"""The CLI end to end on copies of the sample: messages, exit codes, files written or not."""

import csv
import os
import zipfile
from pathlib import Path

import pytest
from click.testing import CliRunner

from generator.cli import main
from generator.output import data_cache
from tests.sample import copy_sample

ROOT = Path(__file__).resolve().parent.parent
CITY_DOC = Path("output/2025/临江市干部教育培训规划实施情况评估报告.docx")


@pytest.fixture()
def sample(tmp_path):
    """A private copy of the sample city (config, data, templates) to break at will."""
    copy_sample(tmp_path)
    return tmp_path


def run(sample, *args):
    result = CliRunner().invoke(main, [*args, "-c", str(sample / "report.yaml")])
    assert "Traceback" not in result.output
    return result


def values_to_csv(sample, edit=None):
    """Turn the sample workbook into a CSV (optionally edited) and point the config at it."""
    from openpyxl import load_workbook

    ws = load_workbook(sample / "data" / "指标数据.xlsx", read_only=True)["指标数据"]
    rows = [list(r) for r in ws.iter_rows(values_only=True)]
    if edit:
        rows = edit(rows)
    with open(sample / "data" / "values.csv", "w", encoding="utf-8", newline="") as fh:
        csv.writer(fh).writerows(rows)
    cfg = (sample / "report.yaml").read_text(encoding="utf-8")
    cfg = cfg.replace("- path: data/指标数据.xlsx\n      sheets: [指标数据]", "- path: data/values.csv")
    (sample / "report.yaml").write_text(cfg, encoding="utf-8")


def doc_text(path: Path) -> str:
    import re

    xml = zipfile.ZipFile(path).read("word/document.xml").decode("utf-8")
    return "".join(re.findall(r"<w:t[^>]*>([^<]*)</w:t>", xml))


def test_help_and_version():
    r = CliRunner().invoke(main, ["--help"])
    assert r.exit_code == 0 and "reportgen check" in r.output
    assert CliRunner().invoke(main, ["-V"]).output.startswith("reportgen ")


def test_check_sample_is_clean(sample):
    r = run(sample, "check")
    assert r.exit_code == 0, r.output
    assert "检查通过" in r.output


def test_check_reports_every_problem_with_location(sample):
    def edit(rows):
        rows[5][3] = "约120"            # text in a number cell
        rows[9][0] = "青山县"           # unknown region
        rows.append(list(rows[12]))     # duplicate row
        return rows
    values_to_csv(sample, edit)
    r = run(sample, "check")
    assert r.exit_code == 1
    out = r.output
    assert "data/values.csv" in out and "第6行" in out and "「数值」列" in out
    assert "青山县" in out and "第10行" in out
    assert "重复" in out
    assert not (sample / "output" / "2025").exists()


def test_build_city_writes_a_docx_without_placeholders(sample):
    r = run(sample, "build")
    assert r.exit_code == 0, r.output
    doc = sample / CITY_DOC
    assert doc.exists() and "已生成" in r.output
    text = doc_text(doc)
    for bad in ("XX", "None", "nan", "{{", "【待补"):
        assert bad not in text
    assert "临江市贯彻落实" in text and "我市" in text


def test_deleted_value_gives_marker_and_listed_warning_and_strict_fails(sample):
    def edit(rows):
        return [r for r in rows if not (r[0] == "临江市" and r[1] == 2025 and r[2] == "joint_meeting_depts")]
    values_to_csv(sample, edit)
    r = run(sample, "build")
    assert r.exit_code == 0, r.output
    assert "联席会议成员单位数" in r.output and "待补" in r.output
    assert "【待补：联席会议成员单位数】" in doc_text(sample / CITY_DOC)
    (sample / CITY_DOC).unlink()
    r = run(sample, "build", "--strict")
    assert r.exit_code == 1
    assert "临江市2025年「联席会议成员单位数」" in r.output
    assert not (sample / CITY_DOC).exists()


def test_unknown_region_suggests_the_closest(sample):
    r = run(sample, "build", "--region", "青石")
    assert r.exit_code == 1 and "青石县" in r.output


def test_broken_template_names_file_and_line(sample):
    p = sample / "templates" / "00_preamble.md.j2"
    p.write_text(p.read_text(encoding="utf-8") + "\n{{ v.no_such_code }}\n", encoding="utf-8")
    r = run(sample, "build")
    assert r.exit_code == 1
    assert "00_preamble.md.j2" in r.output and "no_such_code" in r.output and "行" in r.output
    assert not (sample / CITY_DOC).exists()


def test_broken_config_lists_problems(sample):
    (sample / "report.yaml").write_text("title: x\nyear: abc\n", encoding="utf-8")
    r = run(sample, "check")
    assert r.exit_code == 1 and "year：" in r.output and "data：" in r.output


def test_hand_edited_document_is_kept(sample):
    assert run(sample, "build").exit_code == 0
    doc = sample / CITY_DOC
    doc.write_bytes(doc.read_bytes() + b"edited")
    r = run(sample, "build")                       # nothing changed: the edited file stays
    assert r.exit_code == 0 and "手工修改" in r.output and "保留原样" in r.output
    assert doc.read_bytes().endswith(b"edited")
    r = run(sample, "build", "--force")            # rebuilt: the edited file is moved aside
    assert r.exit_code == 0 and "手工修改" in r.output
    kept = list((sample / "output" / ".history").rglob("*.docx"))
    assert len(kept) == 1 and kept[0].read_bytes().endswith(b"edited")
    assert doc.exists() and not doc.read_bytes().endswith(b"edited")


def test_two_builds_give_identical_bytes(sample):
    import hashlib

    assert run(sample, "build").exit_code == 0
    first = hashlib.sha256((sample / CITY_DOC).read_bytes()).hexdigest()
    assert run(sample, "build").exit_code == 0
    assert hashlib.sha256((sample / CITY_DOC).read_bytes()).hexdigest() == first
    assert not (sample / "output" / ".history").exists()


def _break_county(rows):
    """青石县's 2025 political_trainees becomes text: one defect in one county."""
    for r in rows:
        if r[0] == "青石县" and r[1] == 2025 and r[2] == "political_trainees":
            r[3] = "一千二"
    return rows


def test_a_bad_county_fails_the_batch_before_any_file(sample):
    values_to_csv(sample, _break_county)
    r = run(sample, "build", "--all", "--jobs", "1")
    assert r.exit_code == 1
    assert "青石县" in r.output and "一千二" in r.output and "--keep-going" in r.output
    assert not (sample / "output").exists() or not list((sample / "output").rglob("*.docx"))


def test_keep_going_writes_the_eight_others(sample):
    values_to_csv(sample, _break_county)
    r = run(sample, "build", "--all", "--keep-going", "--jobs", "2")
    assert r.exit_code == 1
    docs = sorted(p.name for p in (sample / "output").rglob("*.docx"))
    assert len(docs) == 8 and not any("青石县" in d for d in docs)
    assert "1 个地区未能生成" in r.output and "【青石县】" in r.output


def test_all_regions_in_parallel_use_their_own_terms(sample):
    r = run(sample, "build", "--all", "--jobs", "2")
    assert r.exit_code == 0, r.output
    out = sample / "output" / "2025"
    assert len(list(out.glob("*.docx"))) == 9
    qingshi = doc_text(out / "临江市青石县干部教育培训规划实施情况评估报告.docx")
    assert "我县" in qingshi and "县委" in qingshi and "我市" not in qingshi
    jiangcheng = doc_text(out / "临江市江城区干部教育培训规划实施情况评估报告.docx")
    assert "我区" in jiangcheng and "区委" in jiangcheng and "我市" not in jiangcheng
    anping = doc_text(out / "临江市安平市干部教育培训规划实施情况评估报告.docx")
    assert "我市" in anping and "安平市贯彻落实" in anping


def test_console_entry_point_exit_codes(sample):
    import subprocess
    import sys

    def entry(*args):
        return subprocess.run([sys.executable, "-c", "from generator.cli import run; run()", *args],
                              capture_output=True, text=True, cwd=sample)

    ok = entry("check")
    assert ok.returncode == 0 and "检查通过" in ok.stdout
    bad = entry("build", "--region", "不存在县")
    assert bad.returncode == 1 and "地区表中没有" in bad.stderr and "Traceback" not in bad.stderr


def test_progress_bar_on_a_terminal_and_plain_lines_otherwise():
    import io

    from generator.summary import Progress

    class Tty(io.StringIO):
        def isatty(self):
            return True

    tty = Tty()
    with Progress(print, tty) as p:
        p.start(4)
        p("青石县", None)
        p("白沙县", "数据有误")
    assert "2/4" in tty.getvalue() and "█" * 12 in tty.getvalue() and "白沙县失败" in tty.getvalue()
    lines = []
    with Progress(lambda text, err=False: lines.append(text), io.StringIO()) as p:
        p.start(2)
        p("青石县", None)
    assert lines == ["[1/2] 青石县 完成"]


def test_unknown_chart_key_in_a_template_is_named(sample):
    p = sample / "templates" / "40_closing.md.j2"
    p.write_text(p.read_text(encoding="utf-8") + "\n```figure nope\n不存在的图\n```\n", encoding="utf-8")
    r = run(sample, "build")
    assert r.exit_code == 1 and "「nope」不存在" in r.output and "county_compare" in r.output
    assert not (sample / CITY_DOC).exists()


def test_a_write_failure_midway_leaves_no_temporary_files(sample, monkeypatch):
    import generator.output.regen as regen_module
    from generator.errors import OutputError

    real, calls = regen_module.commit_temp, []

    def flaky(tmp, path):
        calls.append(path)
        if len(calls) == 3:
            raise OutputError(f"无法写入「{path}」：测试")
        real(tmp, path)
    monkeypatch.setattr(regen_module, "commit_temp", flaky)
    r = run(sample, "build", "--all", "--jobs", "1")
    assert r.exit_code == 1 and "无法写入" in r.output
    assert not [p for p in (sample / "output").rglob("*") if "tmp-" in p.name]


# --- click's usage errors, in Chinese (issue 13) -------------------------------------------

@pytest.mark.parametrize("args, says", [
    (["build", "--al"], ("没有「--al」这个选项", "是否为 --all", "reportgen build --help")),
    (["check", "-c", "data"], ("「data」是一个文件夹", "report.yaml")),
    (["build", "-c"], ("「-c」后面缺少", "report.yaml")),
    (["buld"], ("没有「buld」这个命令", "是否为 build", "reportgen --help")),
    (["build", "--jobs", "x"], ("--jobs", "1 到 64 之间的整数", "「x」")),
    (["build", "--jobs", "0"], ("--jobs", "1 到 64 之间的整数", "「0」")),
    (["build", "--all=yes"], ("「--all」后面不用写值",)),
    (["build", "青石县"], ("多余的参数「青石县」", "--region 青石县")),
])
def test_usage_errors_are_chinese(sample, monkeypatch, args, says):
    monkeypatch.chdir(sample)
    r = CliRunner().invoke(main, args)
    assert r.exit_code == 2, r.output
    for piece in says:
        assert piece in r.output, r.output
    for english in ("Usage:", "Error:", "Try '", "No such", "Invalid value"):
        assert english not in r.output, r.output
    assert not (sample / "output").exists()


def test_help_still_works_after_the_usage_errors_are_translated():
    for args in (["--help"], ["build", "--help"], ["check", "-h"]):
        r = CliRunner().invoke(main, args)
        assert r.exit_code == 0 and "reportgen" in r.output, (args, r.output)
    assert "常用命令" in CliRunner().invoke(main, []).output  # a bare reportgen shows the help
    assert "--all" in CliRunner().invoke(main, ["build", "--help"]).output


# --- the file system (issue 13): modes, folders in the way, a full disk --------------------

@pytest.mark.skipif(os.name != "posix", reason="file modes are POSIX")
def test_reports_are_readable_as_the_umask_allows(sample):
    import stat

    old = os.umask(0o022)
    try:
        r = run(sample, "build", "--all", "--jobs", "2")
    finally:
        os.umask(old)
    assert r.exit_code == 0, r.output
    files = [p for p in (sample / "output").rglob("*") if p.is_file()]
    assert len(files) > 9
    assert {oct(stat.S_IMODE(p.stat().st_mode)) for p in files} == {"0o644"}


def test_a_folder_where_a_report_goes_is_a_message_and_nothing_is_written(sample):
    doc = sample / "output" / "2025" / "临江市青石县干部教育培训规划实施情况评估报告.docx"
    doc.mkdir(parents=True)
    r = run(sample, "build", "--all")
    assert r.exit_code == 1 and "内部错误" not in r.output, r.output
    assert f"「{doc}」是一个文件夹" in r.output and "改名或移走" in r.output
    # only the data cache: what reading the data files gave, for the retry
    cache = data_cache(sample / "output")
    assert [p for p in (sample / "output").rglob("*") if p.is_file() and p.parent != cache] == []


def test_a_full_disk_midway_is_a_message_and_leaves_no_file(sample, monkeypatch):
    import errno

    import generator.output.files as output_module

    real, calls = output_module.os.fsync, []

    def full(fd):
        calls.append(fd)
        if len(calls) == 2:
            raise OSError(errno.ENOSPC, "No space left on device")
        real(fd)
    monkeypatch.setattr(output_module.os, "fsync", full)
    r = run(sample, "build", "--all", "--jobs", "1")
    assert r.exit_code == 1 and "磁盘空间不足。请清理磁盘后重试" in r.output, r.output
    # Only whole chart images and the data cache may stay: caches, reused by the retry.
    cache = data_cache(sample / "output")
    left = [p for p in (sample / "output").rglob("*") if p.is_file() and p.parent != cache]
    assert [p for p in left if p.parent != sample / "output" / ".reportgen" / "charts"] == []
    assert all(p.suffix == ".png" and p.read_bytes().startswith(b"\x89PNG") for p in left)


def test_check_groups_twenty_thousand_duplicate_rows(sample):
    """One mistake copied down a large file is one group of 20 rows, not 20,000 table rows."""
    distinct = []

    def repeat(rows):
        distinct.append(len(rows) - 1)
        return [rows[0], *(rows[1 + i % (len(rows) - 1)] for i in range(20_000))]

    values_to_csv(sample, repeat)
    r = run(sample, "check")
    duplicates = 20_000 - distinct[0]
    assert r.exit_code == 1
    assert f"同类问题共{duplicates}处，前20处如下：" in r.output
    assert f"发现 {duplicates} 个错误" in r.output
    assert len(r.output.splitlines()) < 200
