"""What a build tells the drafter (generator/summary.py): states, paths, the table."""

from pathlib import Path
from types import SimpleNamespace

from generator.build import Written
from generator.model import Problem
from generator.summary import print_summary, shown, state_word


def test_state_word():
    assert state_word(Written("青石县", Path("a.docx"))) == "已生成"
    assert state_word(Written("青石县", Path("a.docx"), changes="修订说明\n- 改了")) == "已更新"
    assert state_word(Written("青石县", Path("a.docx"), skipped=True)) == "未变化，跳过"


def test_shown_is_relative_inside_the_report_folder_only(tmp_path):
    assert shown(tmp_path / "output" / "a.docx", tmp_path) == "output/a.docx"
    assert shown(Path("/elsewhere/a.docx"), tmp_path) == "/elsewhere/a.docx"


def _job(root: Path, **extra):
    warning = Problem(None, "偏高", severity="warning", region="青石县")
    return SimpleNamespace(cfg=SimpleNamespace(root=root), ds=SimpleNamespace(warnings=[warning]),
                           missing=extra.get("missing", []), failures=extra.get("failures", {}))


def test_the_summary_table(tmp_path):
    written = [Written("临江市", tmp_path / "output" / "临江市.docx", pages=31),
               Written("青石县", tmp_path / "output" / "青石县.docx", missing=2, pages=24),
               Written("白沙县", tmp_path / "output" / "白沙县.docx", skipped=True)]
    out: list[tuple[str, bool]] = []
    print_summary(_job(tmp_path, missing=["青石县：培训经费"], failures={"云岭县": "模板有误"}),
                  written, lambda text="", err=False: out.append((text, err)))
    lines = [t for t, _ in out]
    assert lines[0] == "共 3 份报告：生成 2 份，1 份内容未变化已跳过（加 --force 可全部重新生成）。"
    header, city, county, skipped = (line.split() for line in lines[1:5])
    assert header == ["地区", "文件", "页数", "待补", "警告", "状态"]
    assert city == ["临江市", "output/临江市.docx", "约31", "0", "0", "已生成"]
    assert county == ["青石县", "output/青石县.docx", "约24", "2", "1", "已生成"]
    assert skipped == ["白沙县", "output/白沙县.docx", "—", "0", "0", "未变化，跳过"]
    assert "  - 青石县：培训经费" in lines
    assert any("数据有 1 个警告" in t for t in lines)
    assert ("【云岭县】模板有误", True) in out           # failures go to stderr
