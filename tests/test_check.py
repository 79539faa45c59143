"""`reportgen check` (generator/check.py): everything read, problems listed, True when usable."""

from openpyxl import load_workbook

from generator.check import run_check
from tests.sample import copy_sample


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
