"""Templates edited by a careless or hostile user: runaway loops, huge values, self-includes,
missing or unreadable files, wrong encodings, sandbox escapes and plain mistakes."""

from __future__ import annotations

from pathlib import Path

from tests.corpus import Case, edit_text, write

T = "templates"
MAIN = "report.md.j2"
PROBLEMS = "20_problems.md.j2"
CLOSING = "40_closing.md.j2"


def _prepend(name: str, text: str):
    """Put `text` as a new first line of templates/<name>."""
    def setup(root: Path) -> None:
        path = root / T / name
        path.write_text(text + "\n" + path.read_text(encoding="utf-8"), encoding="utf-8")
    return setup


def _insert(name: str, line: int, text: str):
    """Put `text` as line `line` (1-based) of templates/<name>."""
    def setup(root: Path) -> None:
        path = root / T / name
        lines = path.read_text(encoding="utf-8").split("\n")
        lines.insert(line - 1, text)
        path.write_text("\n".join(lines), encoding="utf-8")
    return setup


def _append(name: str, text: str):
    def setup(root: Path) -> None:
        path = root / T / name
        path.write_text(path.read_text(encoding="utf-8") + text, encoding="utf-8")
    return setup


def _reencode(name: str, encoding: str):
    def setup(root: Path) -> None:
        path = root / T / name
        path.write_bytes(path.read_text(encoding="utf-8").encode(encoding))
    return setup


def _folder_instead(root: Path) -> None:
    (root / T / CLOSING).unlink()
    (root / T / CLOSING).mkdir()
    write(root / T / CLOSING / "说明.txt", "误建的文件夹")


def _binary(root: Path) -> None:
    (root / T / CLOSING).write_bytes((root / "data" / "指标数据.xlsx").read_bytes()[:4000])


def _bom(root: Path) -> None:
    for name in (MAIN, CLOSING):
        path = root / T / name
        path.write_bytes(b"\xef\xbb\xbf" + path.read_bytes())


def _include_cycle(root: Path) -> None:
    write(root / T / "41_a.md.j2", '{% include "41_b.md.j2" %}\n')
    write(root / T / "41_b.md.j2", '{% include "41_a.md.j2" %}\n')
    edit_text(root / T / MAIN, '{% include "40_closing.md.j2" %}',
              '{% include "40_closing.md.j2" %}\n{% include "41_a.md.j2" %}')



CASES = [
    # --- runaway rendering: each stops quickly with the template and line ------------------
    Case("templates_range_huge", _prepend(PROBLEMS, "{% for i in range(10**9) %}{% endfor %}"),
         expect=("模板「templates/20_problems.md.j2」第1行", "range() 的范围过大", "100000")),
    Case("templates_nested_loops", _prepend(
            PROBLEMS, "{% for i in range(100000) %}{% for j in range(100000) %}{% endfor %}{% endfor %}"),
         expect=("模板「templates/20_problems.md.j2」第1行", "循环和调用的次数超过")),
    Case("templates_nested_loops_build", _prepend(
            PROBLEMS, "{% for i in range(100000) %}{% for j in range(100000) %}{% endfor %}{% endfor %}"),
         args=("build", "--all", "--jobs", "2"),
         expect=("模板「templates/20_problems.md.j2」第1行", "循环和调用的次数超过", "未写入任何文件")),
    Case("templates_output_huge", _insert(CLOSING, 3, "{% for i in range(100000) %}{{ 'x' * 1000 }}{% endfor %}"),
         expect=("模板「templates/40_closing.md.j2」第3行", "生成的正文过长")),
    Case("templates_repeat_huge", _prepend(PROBLEMS, "{{ 'x' * 10**10 }}"),
         expect=("模板「templates/20_problems.md.j2」第1行", "重复得到的字符串或列表过长")),
    Case("templates_power_huge", _prepend(CLOSING, "{{ 9 ** 999999 }}"),
         expect=("模板「templates/40_closing.md.j2」第1行", "乘方")),
    Case("templates_namespace_doubling", _prepend(
            CLOSING, "{% set ns = namespace(s='x') %}{% for i in range(64) %}{% set ns.s = ns.s ~ ns.s %}{% endfor %}"),
         expect=("模板「templates/40_closing.md.j2」第1行", "过长")),
    Case("templates_list_extend", _prepend(
            CLOSING, "{% set l = [1] %}{% for i in range(64) %}{{ l.extend(l) }}{% endfor %}"),
         expect=("模板「templates/40_closing.md.j2」第1行", "不允许调用「extend」")),
    Case("templates_include_self", _prepend(PROBLEMS, '{% include "20_problems.md.j2" %}'),
         expect=("模板「templates/20_problems.md.j2」第1行", "模板嵌套超过 20 层")),
    Case("templates_include_cycle", _include_cycle,
         expect=("templates/41_", "模板嵌套超过 20 层")),
    Case("templates_extends_self", _prepend(CLOSING, '{% extends "40_closing.md.j2" %}'),
         expect=("模板「templates/40_closing.md.j2」第1行", "模板嵌套超过")),
    Case("templates_macro_recursion", _prepend(
            CLOSING, "{% macro f(n) %}{{ f(n + 1) }}{% endmacro %}{{ f(1) }}"),
         expect=("模板「templates/40_closing.md.j2」第1行", "宏 f 嵌套调用超过 40 层")),
    Case("templates_recursive_loop", _prepend(
            CLOSING, "{% for x in [1] recursive %}{{ loop([1]) }}{% endfor %}"),
         expect=("模板「templates/40_closing.md.j2」第1行", "嵌套调用过深")),

    # --- loading ---------------------------------------------------------------------------
    Case("templates_include_missing", lambda r: edit_text(
            r / T / MAIN, '{% include "40_closing.md.j2" %}',
            '{% include "40_closing.md.j2" %}\n\n{% include "41_extra.md.j2" %}'),
         expect=("模板「templates/report.md.j2」第13行", "找不到被包含的模板「41_extra.md.j2」",
                 "查找的文件夹", "请检查文件名")),
    Case("templates_extends_missing", _prepend(CLOSING, '{% extends "base.md.j2" %}'),
         expect=("模板「templates/40_closing.md.j2」第1行", "找不到被继承的模板「base.md.j2」")),
    Case("templates_import_missing", lambda r: edit_text(
            r / T / PROBLEMS, '{% import "_macros.md.j2" as m with context %}',
            '{% import "_macro.md.j2" as m with context %}'),
         expect=("模板「templates/20_problems.md.j2」第1行", "找不到被导入的模板「_macro.md.j2」")),
    Case("templates_main_deleted", lambda r: (r / T / MAIN).unlink(),
         expect=("找不到报告正文的主模板「report.md.j2」", "查找的文件夹")),
    Case("templates_main_empty", lambda r: (r / T / MAIN).write_text("", encoding="utf-8"),
         expect=("模板「templates/report.md.j2」生成的正文是空的",)),
    Case("templates_is_directory", _folder_instead,
         expect=("模板「templates/40_closing.md.j2」是一个文件夹", "report.md.j2」第11行")),
    Case("templates_gbk", _reencode(CLOSING, "gbk"),
         expect=("模板「templates/40_closing.md.j2」不是 UTF-8 编码", "GBK", "另存为", "UTF-8",
                 "该文件由「templates/report.md.j2」第11行包含")),
    Case("templates_gbk_main", _reencode(MAIN, "gb18030"),
         expect=("模板「templates/report.md.j2」不是 UTF-8 编码", "另存为")),
    Case("templates_utf16", _reencode(PROBLEMS, "utf-16"),
         expect=("模板「templates/20_problems.md.j2」",)),
    Case("templates_binary", _binary,
         expect=("模板「templates/40_closing.md.j2」不是", "不能作为模板")),
    Case("templates_bom_ok", _bom, exit_code=0, expect=("检查通过",)),
    Case("templates_long_line_ok", _append(CLOSING, "\n" + "很长的一段话" * 100_000 + "\n"),
         exit_code=0, expect=("检查通过",)),

    # --- mistakes: each named with its file and line -----------------------------------------
    Case("templates_syntax_in_included", _insert(CLOSING, 5, "{% if %}"),
         expect=("模板「templates/40_closing.md.j2」第5行", "模板语法错误")),
    Case("templates_unclosed_for", _append(CLOSING, "\n{% for x in summary.behind %}\n{{ x }}\n"),
         expect=("模板「templates/40_closing.md.j2」", "语法错误")),
    Case("templates_unknown_filter", _insert(CLOSING, 5, "{{ year|nosuch }}"),
         expect=("模板「templates/40_closing.md.j2」第5行", "没有名为「nosuch」的过滤器")),
    Case("templates_unknown_test", _insert(CLOSING, 5, "{% if year is nosuch %}x{% endif %}"),
         expect=("模板「templates/40_closing.md.j2」第5行", "没有名为「nosuch」的判断")),
    Case("templates_macro_missing_arg", _insert(PROBLEMS, 5, "{{ m.unit() }}"),
         expect=("模板「templates/20_problems.md.j2」第5行", "调用宏时缺少参数 x", "templates/_macros.md.j2")),
    Case("templates_macro_extra_arg", _insert(PROBLEMS, 5, "{{ m.unit(v.per_capita_hours, 2, 3) }}"),
         expect=("模板「templates/20_problems.md.j2」第5行", "宏 unit 最多接受 1 个参数")),
    Case("templates_dunder_class", _insert(CLOSING, 5, "{{ v.__class__ }}"),
         expect=("模板「templates/40_closing.md.j2」第5行", "不允许访问「__class__」")),
    Case("templates_dunder_mro", _insert(CLOSING, 5, "{{ ''.__class__.__mro__[1].__subclasses__() }}"),
         expect=("模板「templates/40_closing.md.j2」第5行", "不允许访问「__class__」")),
    Case("templates_division_by_zero", _insert(CLOSING, 5, "{{ year / 0 }}"),
         expect=("模板「templates/40_closing.md.j2」第5行", "除数为 0")),
    Case("templates_unknown_variable", _insert(CLOSING, 5, "{{ regoin.name }}"),
         expect=("模板「templates/40_closing.md.j2」第5行", "不存在的变量")),
    Case("templates_unknown_indicator", _insert(CLOSING, 5, "{{ v.politcal_trainees }}"),
         expect=("模板「templates/40_closing.md.j2」第5行", "politcal_trainees")),
    Case("templates_unknown_figure", _append(CLOSING, "\n```figure nope\n图题\n```\n"),
         expect=("图表「nope」不存在", "completion")),
    Case("templates_unknown_table", _append(CLOSING, "\n```table nope\n表题\n```\n"),
         expect=("没有名为「nope」的表格", "cumulative_indicators")),
    Case("templates_ref_missing", _append(CLOSING, "\n见{{ ref('nope') }}。\n"),
         expect=("引用了不存在的图表「nope」",)),
]
