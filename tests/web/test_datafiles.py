"""Data changes from the workbench (generator/web/datafiles.py): problems as table rows,
nothing replaced by a bad upload."""

import pytest

from generator.config import load_config
from generator.web.datafiles import _strip_file, merge_forms, replace_values, value_files
from generator.web.uploads import WebError
from tests.sample import copy_sample


@pytest.fixture()
def city(tmp_path):
    return copy_sample(tmp_path / "city")


def test_strip_file_drops_what_the_file_and_cell_columns_say():
    assert _strip_file("〈青石县.xlsx〉：第3行没有数值") == "第3行没有数值"
    assert _strip_file("〈青石县.xlsx〉 填报!C7 不是数字", "填报!C7") == "不是数字"
    assert _strip_file("没有文件名的问题") == "没有文件名的问题"


def test_a_broken_form_comes_back_as_one_row_and_merges_nothing(city, tmp_path):
    forms = tmp_path / "forms"
    forms.mkdir()
    (forms / "坏表.xlsx").write_bytes(b"not a workbook")
    before = sorted(p.name for p in (city / "data").iterdir())
    out = merge_forms(city / "report.yaml", forms)
    assert out.ok is False and out.written is False
    assert out.merged == [] and out.held == []
    [row] = out.rows
    assert row.file == "坏表.xlsx" and row.severity == "错误"
    assert not row.text.startswith("〈")            # the file is in its own column
    assert "无法打开" in row.text
    assert sorted(p.name for p in (city / "data").iterdir()) == before


def test_a_bad_values_workbook_is_refused_and_the_file_left_as_it_was(city, tmp_path):
    target = city / "data" / "指标数据.xlsx"
    assert target in value_files(load_config(city / "report.yaml"))
    before = target.read_bytes()
    staged = tmp_path / "upload.xlsx"
    staged.write_bytes(b"garbage")
    rows = replace_values(city / "report.yaml", target, staged, "新数据.xlsx", tmp_path / "history")
    errors = [r for r in rows if r.severity == "错误"]
    assert errors and errors[0].file == "新数据.xlsx" and "新数据.xlsx" in errors[0].text
    assert "upload.xlsx" not in errors[0].text            # the user's name, not the staged one
    assert target.read_bytes() == before
    assert not (tmp_path / "history").exists()


def test_a_values_file_of_another_format_is_refused(city, tmp_path):
    staged = tmp_path / "upload.csv"
    staged.write_text("a,b\n", encoding="utf-8")
    with pytest.raises(WebError) as caught:
        replace_values(city / "report.yaml", city / "data" / "指标数据.xlsx", staged, "新数据.csv",
                       tmp_path / "history")
    assert "同一格式" in caught.value.message
