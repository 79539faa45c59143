"""Templates edited by a user: the render budget, loading (encoding, missing files) and messages.

Each test renders a tiny templates folder through generator.narrative.env (the real report's
templates are exercised at the end, to show that they stay far below every limit).
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from generator.errors import TemplateError
from generator.narrative import env as envmod

ROOT = Path(__file__).resolve().parents[2]


def _folder(tmp_path: Path, files: dict[str, str | bytes]) -> Path:
    folder = tmp_path / "templates"
    folder.mkdir()
    for name, body in files.items():
        path = folder / name
        if isinstance(body, bytes):
            path.write_bytes(body)
        else:
            path.write_text(body, encoding="utf-8")
    return folder


def _render(tmp_path: Path, files: dict[str, str | bytes], main: str = "report.md.j2",
            context: dict | None = None) -> str:
    folder = _folder(tmp_path, files)
    return envmod.render(envmod.make_env(folder), folder, main, context or {"year": 2025})


def _fails(tmp_path: Path, files: dict[str, str | bytes], *pieces: str, **kw) -> str:
    with pytest.raises(TemplateError) as info:
        _render(tmp_path, files, **kw)
    message = info.value.message
    for piece in pieces:
        assert piece in message, f"「{piece}」 not in: {message}"
    assert "Traceback" not in message and "Error" not in message, message
    return message


# --- the budget ----------------------------------------------------------------------------

def test_huge_range_is_located(tmp_path):
    _fails(tmp_path, {"report.md.j2": "正文\n{% for i in range(10**9) %}{% endfor %}\n"},
           "模板「templates/report.md.j2」第2行", "range()", str(envmod.MAX_RANGE))


def test_range_too_big_for_len_is_located(tmp_path):
    _fails(tmp_path, {"report.md.j2": "{% for i in range(10**30) %}{% endfor %}"},
           "第1行", "range()")


def test_nested_loops_stop_at_the_step_budget(tmp_path, monkeypatch):
    monkeypatch.setattr(envmod, "MAX_STEPS", 50_000)
    body = "a\n\n{% for i in range(100000) %}{% for j in range(100000) %}{% endfor %}{% endfor %}"
    _fails(tmp_path, {"20_problems.md.j2": body,
                      "report.md.j2": '{% include "20_problems.md.j2" %}'},
           "模板「templates/20_problems.md.j2」第3行", "循环", "50000")


def test_nested_loops_over_strings_are_counted_too(tmp_path, monkeypatch):
    monkeypatch.setattr(envmod, "MAX_STEPS", 50_000)
    body = "{% set s = 'x' * 1000 %}\n{% for a in s %}{% for b in s %}{% endfor %}{% endfor %}"
    _fails(tmp_path, {"report.md.j2": body}, "第2行", "循环")


def test_wall_clock_budget(tmp_path, monkeypatch):
    monkeypatch.setattr(envmod, "MAX_SECONDS", 0.0)
    body = "x\n{% for i in range(100000) %}{{ i }}{% endfor %}"
    _fails(tmp_path, {"report.md.j2": body}, "第2行", "秒")


def test_output_size_budget(tmp_path, monkeypatch):
    monkeypatch.setattr(envmod, "MAX_OUTPUT", 100_000)
    body = "开头\n{% for i in range(100000) %}{{ 'x' * 100 }}\n{% endfor %}"
    _fails(tmp_path, {"report.md.j2": body}, "第2行", "过长", "100000")


def test_string_repetition_is_capped(tmp_path):
    _fails(tmp_path, {"report.md.j2": "{{ 'x' * 10**10 }}"}, "第1行", "重复")


def test_list_repetition_is_capped(tmp_path):
    _fails(tmp_path, {"report.md.j2": "\n{{ ([1, 2] * 10**8)|length }}"}, "第2行", "重复")


def test_concatenation_is_capped(tmp_path):
    _fails(tmp_path, {"report.md.j2": "{% set s = 'x' * 900000 %}{{ s + s }}"}, "第1行", "过长")


def test_huge_power_is_capped(tmp_path):
    _fails(tmp_path, {"report.md.j2": "{{ 9 ** 999999 }}"}, "第1行", "乘方")


def test_namespace_doubling_is_capped(tmp_path):
    body = ("{% set ns = namespace(s='x') %}\n{% for i in range(60) %}"
            "{% set ns.s = ns.s ~ ns.s %}{% endfor %}{{ ns.s|length }}")
    _fails(tmp_path, {"report.md.j2": body}, "第2行", "过长")


def test_macro_argument_doubling_is_capped(tmp_path):
    body = ("{% macro d(s) %}{{ d(s ~ s) }}{% endmacro %}\n{{ d('x') }}")
    _fails(tmp_path, {"report.md.j2": body}, "第1行", "过长")


def test_lists_cannot_be_modified(tmp_path):
    body = "{% set l = [1] %}\n{% for i in range(40) %}{{ l.extend(l) }}{% endfor %}"
    _fails(tmp_path, {"report.md.j2": body}, "第2行", "extend")


def test_include_of_itself(tmp_path):
    _fails(tmp_path, {"report.md.j2": 'a\n{% include "report.md.j2" %}\n'},
           "模板「templates/report.md.j2」第2行", "嵌套", str(envmod.MAX_DEPTH))


def test_include_cycle(tmp_path):
    _fails(tmp_path, {"report.md.j2": '{% include "a.md.j2" %}',
                      "a.md.j2": 'x\n{% include "b.md.j2" %}',
                      "b.md.j2": '{% include "a.md.j2" %}'}, "嵌套")


def test_extends_itself(tmp_path):
    _fails(tmp_path, {"report.md.j2": '{% extends "report.md.j2" %}'}, "嵌套")


def test_macro_calling_itself(tmp_path):
    body = "{% macro f(n) %}{{ f(n + 1) }}{% endmacro %}\n\n{{ f(1) }}"
    _fails(tmp_path, {"report.md.j2": body}, "模板「templates/report.md.j2」第1行", "宏", "f")


def test_recursive_loop_without_end(tmp_path):
    body = "{% for x in [1] recursive %}{{ loop([1]) }}{% endfor %}"
    _fails(tmp_path, {"report.md.j2": body}, "第1行", "嵌套")


# --- loading ---------------------------------------------------------------------------------

def test_missing_include_names_the_including_line(tmp_path):
    msg = _fails(tmp_path, {"report.md.j2": 'a\n\n{% include "41_extra.md.j2" %}\n'},
                 "模板「templates/report.md.j2」第3行", "找不到被包含的模板「41_extra.md.j2」")
    assert str(tmp_path / "templates") in msg


def test_missing_extends_and_import(tmp_path):
    _fails(tmp_path, {"report.md.j2": '{% extends "base.md.j2" %}'},
           "第1行", "找不到被继承的模板「base.md.j2」")


def test_missing_import(tmp_path):
    _fails(tmp_path, {"report.md.j2": 'x\n{% import "_m.md.j2" as m %}'},
           "第2行", "找不到被导入的模板「_m.md.j2」")


def test_missing_main_template(tmp_path):
    _fails(tmp_path, {"other.md.j2": "x"}, "找不到", "report.md.j2", "templates")


def test_template_that_is_a_folder(tmp_path):
    folder = _folder(tmp_path, {"report.md.j2": 'a\n{% include "41.md.j2" %}'})
    (folder / "41.md.j2").mkdir()
    with pytest.raises(TemplateError) as info:
        envmod.render(envmod.make_env(folder), folder, "report.md.j2", {})
    assert "「templates/41.md.j2」是一个文件夹" in info.value.message
    assert "第2行" in info.value.message


def test_gbk_template_is_named_with_the_fix(tmp_path):
    gbk = "落实\n各项\n{{ year }}年工作\n".encode("gbk")
    msg = _fails(tmp_path, {"report.md.j2": 'a\n{% include "40_closing.md.j2" %}',
                            "40_closing.md.j2": gbk},
                 "模板「templates/40_closing.md.j2」不是 UTF-8 编码", "另存为", "UTF-8", "GBK")
    assert "计算出错" not in msg
    assert "该文件由「templates/report.md.j2」第2行包含" in msg


def test_binary_template(tmp_path):
    png = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256))
    _fails(tmp_path, {"report.md.j2": png}, "「templates/report.md.j2」", "不是文本文件")


def test_bom_prefixed_template_works_and_leaves_no_bom(tmp_path):
    out = _render(tmp_path, {"report.md.j2": b"\xef\xbb\xbf# " + "标题\n{{ year }}".encode()})
    assert out.startswith("# 标题")
    assert "\ufeff" not in out


def test_template_too_large(tmp_path, monkeypatch):
    monkeypatch.setattr(envmod, "MAX_TEMPLATE_BYTES", 1000)
    _fails(tmp_path, {"report.md.j2": "x" * 2000}, "「templates/report.md.j2」", "过大")


def test_empty_main_template(tmp_path):
    _fails(tmp_path, {"report.md.j2": "{# nothing #}\n\n"}, "「templates/report.md.j2」", "空")


# --- messages ----------------------------------------------------------------------------

def test_unknown_filter(tmp_path):
    _fails(tmp_path, {"report.md.j2": "x\n{{ year|nosuch }}"}, "第2行", "没有名为「nosuch」的过滤器")


def test_unknown_test(tmp_path):
    _fails(tmp_path, {"report.md.j2": "{% if year is nosuch %}{% endif %}"}, "第1行", "「nosuch」")


def test_macro_missing_argument_names_the_call(tmp_path):
    _fails(tmp_path, {"_m.md.j2": "{% macro unit(x) %}\n{{ x }}{% endmacro %}",
                      "report.md.j2": '{% import "_m.md.j2" as m %}\n\n{{ m.unit() }}'},
           "模板「templates/report.md.j2」第3行", "缺少参数 x", "「templates/_m.md.j2」第2行")


def test_macro_extra_argument(tmp_path):
    _fails(tmp_path, {"report.md.j2": "{% macro unit(x) %}{{ x }}{% endmacro %}\n{{ unit(1, 2) }}"},
           "第2行", "unit", "参数")


def test_dunder_attribute(tmp_path):
    _fails(tmp_path, {"report.md.j2": "\n{{ ''.__class__.__mro__ }}"}, "第2行", "__class__", "不允许")


def test_division_by_zero(tmp_path):
    _fails(tmp_path, {"report.md.j2": "\n\n{{ year / 0 }}"}, "第3行", "除数为 0")


def test_syntax_error_in_included_file(tmp_path):
    _fails(tmp_path, {"report.md.j2": '{% include "a.md.j2" %}', "a.md.j2": "x\n{% if %}"},
           "模板「templates/a.md.j2」第2行", "语法")


# --- the real templates stay far below every limit -------------------------------------------

def test_real_templates_use_a_small_part_of_the_budget():
    from generator.build import gather

    envmod.PEAK.reset()
    job = gather(ROOT / "report.yaml", all_regions=True)
    assert len(job.reports) == 9
    peak = envmod.PEAK
    # A wide margin on every counter (README, 模板一节); time is measured in benchmarks.
    assert 0 < peak.steps * 50 < envmod.MAX_STEPS, peak
    assert 0 < peak.output * 50 < envmod.MAX_OUTPUT, peak
    assert 0 < peak.depth * 4 <= envmod.MAX_DEPTH, peak
    assert 0 < peak.macro_depth * 4 <= envmod.MAX_MACRO_DEPTH, peak


def test_limits_are_documented_in_the_readme():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    section = readme.split("## 模板", 1)[1].split("\n## ", 1)[0]
    for value in (envmod.MAX_RANGE, envmod.MAX_STEPS, envmod.MAX_OUTPUT, envmod.MAX_DEPTH):
        assert re.search(f"{value:,}|{value}", section), value
