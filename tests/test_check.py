"""`reportgen check` (generator/check.py): everything read, problems listed, True when usable."""

from openpyxl import load_workbook

from generator.check import run_check
from tests.sample import copy_sample, count_compositions, edit_value


def _run(config) -> tuple[bool, str]:
    lines: list[str] = []
    ok = run_check(config, lambda text="", **_: lines.append(str(text)))
    return ok, "\n".join(lines)


def test_the_sample_passes(tmp_path):
    city = copy_sample(tmp_path)
    ok, out = _run(city / "report.yaml")
    assert ok is True
    assert "检查通过" in out and "9 个地区" in out and "错误" not in out


def test_a_broken_value_fails_and_is_named(tmp_path):
    city = copy_sample(tmp_path)
    path = city / "data" / "指标数据.xlsx"
    wb = load_workbook(path)
    row = next(r for r in wb["指标数据"].iter_rows(min_row=2)
               if r[0].value == "青石县" and r[1].value == 2025 and isinstance(r[3].value, (int, float)))
    line = row[0].row
    row[3].value = "一百二"
    wb.save(path)
    ok, out = _run(city / "report.yaml")
    assert ok is False
    assert "检查通过" not in out
    assert "发现 1 个错误" in out and "一百二" in out
    assert f"第{line}行「数值」列" in out          # where to fix it


def test_a_second_check_composes_only_what_changed_and_says_the_same(tmp_path, monkeypatch):
    city = copy_sample(tmp_path)
    edit_value(city, "青石县", 2025, "joint_meeting_depts")   # one value missing: listed as 待补
    composed = count_compositions(monkeypatch)
    ok, first = _run(city / "report.yaml")
    assert ok and len(composed) == 9 and "青石县2025年「联席会议成员单位数」" in first, first
    composed.clear()
    ok, again = _run(city / "report.yaml")
    assert ok and composed == [] and again == first
    template = city / "templates" / "40_closing.md.j2"   # any template: every region again
    template.write_text(template.read_text(encoding="utf-8") + "{% if %}\n", encoding="utf-8")
    import pytest

    from generator.errors import ReportError
    with pytest.raises(ReportError) as caught:
        _run(city / "report.yaml")
    assert "40_closing.md.j2" in caught.value.message and len(composed) == 9


def test_a_damaged_check_record_is_ignored(tmp_path):
    city = copy_sample(tmp_path)
    ok, first = _run(city / "report.yaml")
    record = city / "output" / ".reportgen" / "checked.json"
    assert record.is_file()
    for damage in (b"", b"{not json", b'{"2025/x.docx": 3}', b"[1, 2]", b"{}"):
        record.write_bytes(damage)
        ok, again = _run(city / "report.yaml")
        assert ok and again == first
