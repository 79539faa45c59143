"""generator.data.report: the problem table, CJK-aligned, with many repeats grouped."""

from __future__ import annotations

import unicodedata

import pytest

from generator.data import format_problems
from generator.data.report import display_width
from generator.model import Location, Problem
from tests.data.edits import (
    problems_of,
)
from tests.data_fixtures import (
    make_city,
    value_rows,
)


def _columns(table: str) -> list[int]:
    """Display offsets where the columns start, read from the dashes under the header."""
    rule = table.splitlines()[1]
    starts, pos, prev = [], 0, " "
    for ch in rule:
        if ch == "-" and prev == " ":
            starts.append(pos)
        pos += display_width(ch)
        prev = ch
    return starts


def _boundaries(line: str) -> dict[int, str]:
    """Display offset → the character starting there."""
    out, pos = {}, 0
    for ch in line:
        out[pos] = ch
        pos += display_width(ch)
    return out


SAMPLE = [
    Problem(Location("data/指标数据.xlsx", "2024年", 5, "数值"), "「数值」列应为数字，此处填的是「约120」",
            "请只填阿拉伯数字（如 120、56.5 或 56.5%）；单位、“约”等说明请写到「备注」列",
            severity="warning"),
    Problem(Location("data/地区.csv", None, 12, "地区名称"), "地区名称「青山 县」中间有空格" * 4,
            "地区名称会用在文件名里：请去掉空格和 / \\ : * ? \" < > | 等符号，不超过20个字"),
    Problem(Location("data/a_very_long_folder_name/another_folder/指标目录_最终版_2024.csv"),
            "short", ""),
    Problem(None, "没有指定指标数据文件", "请在配置文件中填写指标数据文件的路径"),
]


@pytest.mark.parametrize("width", [100, 110, 120, 200])
def test_format_problems_aligns_cjk_columns(width):
    table = format_problems(SAMPLE, width=width)
    lines = table.splitlines()
    assert lines[0].split() == ["级别", "位置", "问题", "处理建议"]
    starts = _columns(table)
    assert len(starts) == 4
    for line in lines:
        assert display_width(line) <= width
        cells = _boundaries(line)
        for start in starts[1:]:
            if display_width(line) <= start:
                continue
            assert start in cells, f"a wide character straddles column {start}: {line!r}"
            before = line[: list(cells).index(start)]
            assert before.endswith("  "), f"no gap before column {start}: {line!r}"
    body = "\n".join(lines[2:])
    assert body.index("错误") < body.index("警告")  # errors first
    assert "第5行「数值」列" in body and "工作表「2024年」" in body


def test_format_problems_keeps_ascii_words_whole():
    table = format_problems(SAMPLE, width=100)
    assert "56.5%" in table and "data/地区.csv" in table


def test_display_width_counts_cjk_twice():
    assert display_width("临江市A") == 7
    assert display_width("（）「」１") == 10
    assert display_width("e\u0301") == 1
    assert unicodedata.east_asian_width("临") == "W"


def test_format_problems_empty():
    assert format_problems([]) == "没有发现问题。"


# --- issue 13: many repeats of one problem are grouped ---------------------------------------


def test_twenty_thousand_duplicate_rows_are_grouped(tmp_path):

    rows = value_rows()
    copies = [rows[i % len(rows)] for i in range(20_000)]
    args = make_city(tmp_path, values=copies)
    problems, exc = problems_of(args)
    duplicates = 20_000 - len(rows)
    assert sum(1 + p.omitted for p in problems if "填了两次" in p.message) == duplicates
    assert len(problems) < 200  # kept per region and kind, not one object per row
    text = format_problems(problems)
    assert f"同类问题共{duplicates}处，前20处如下：" in text
    assert len(text.splitlines()) < 150
    assert exc.message.startswith(f"数据检查发现 {duplicates} 个错误")
    assert len(exc.message.splitlines()) < 150
