"""generator.data.cells: invisible and full-width characters name themselves."""

from __future__ import annotations

import datetime

import pytest

from generator.data.cells import choice, closest, listing, odd_characters, text
from tests.data.edits import (
    CAT,
    NEXT_VALUE_ROW,
    REG,
    VAL,
    L,
    add,
    at,
    build,
    problems_of,
    put,
)

# --- issue 13: invisible and full-width characters name themselves ---------------------------


ODD = [
    ("values", [add("江北区", 2024, "train\u200b_total", 5)], L(VAL, NEXT_VALUE_ROW, "指标代码"),
     "指标代码「train_total」中含有看不见的字符“零宽空格”（U+200B），位于第5个字符之后，请删除"),
    ("values", [add("\ufeff江北区", 2024, "funds", 5)], L(VAL, NEXT_VALUE_ROW, "地区"),
     "地区「江北区」中含有看不见的字符“零宽不换行空格（字节顺序标记 BOM）”（U+FEFF），位于开头，请删除"),
    ("values", [add("江北区", 2024, "train\u00a0total", 5)], L(VAL, NEXT_VALUE_ROW, "指标代码"),
     "含有看起来像空格的字符“不换行空格”（U+00A0），位于第5个字符之后"),
    ("values", [add("江北区", 2024, "ｆｕｎｄｓ", 5)], L(VAL, NEXT_VALUE_ROW, "指标代码"),
     "指标代码「funds」中含有全角字符「ｆ」（第1个字符），请改为半角的「f」"),
    ("catalog", [put(3, 0, "fu\u200bnds")], L(CAT, 3, "指标代码"),
     "指标代码「funds」中含有看不见的字符“零宽空格”（U+200B），位于第2个字符之后，请删除"),
    ("catalog", [put(3, 0, "funds１")], L(CAT, 3, "指标代码"), "含有全角字符「１」（第6个字符）"),
    ("catalog", [put(5, 8, "train_total\ufeff")], L(CAT, 5, "权重指标"),
     "权重指标「train_total」中含有看不见的字符"),
    ("regions", [put(4, 0, "青山\u200b县")], L(REG, 4, "地区名称"),
     "地区名称「青山县」中含有看不见的字符“零宽空格”（U+200B），位于第2个字符之后，请删除"),
    ("regions", [put(4, 0, "青山\u00a0县")], L(REG, 4, "地区名称"), "“不换行空格”（U+00A0）"),
    ("regions", [put(3, 2, "临江市\u200b")], L(REG, 3, "上级"), "上级「临江市」中含有看不见的字符“零宽空格”"),
]


@pytest.mark.parametrize(("table", "edits", "location", "fragment"), ODD,
                         ids=[f"{t}-{i}" for i, (t, *_rest) in enumerate(ODD)])
def test_invisible_characters_are_named_and_placed(tmp_path, table, edits, location, fragment):
    problems, _ = problems_of(build(tmp_path, {table: edits}))
    assert at(problems, location, fragment).is_error


# --- the cell helpers themselves --------------------------------------------------------------

def test_odd_characters_names_the_first_and_cleans_them_all():
    assert odd_characters("train_total") is None
    assert odd_characters("ｆｕｎｄｓ") is None  # full-width letters count only in codes
    what, cleaned = odd_characters("a\u200bb\u200bc")
    assert what == "含有看不见的字符“零宽空格”（U+200B），位于第1个字符之后，请删除（共2处）"
    assert cleaned == "abc"
    what, cleaned = odd_characters("ｆｕｎｄｓ", ascii_only=True)
    assert what.startswith("含有全角字符「ｆ」（第1个字符），请改为半角的「f」") and cleaned == "funds"
    assert odd_characters("青山\u00a0县")[1] == "青山 县"


def test_text_closest_choice_and_listing():
    assert [text(v) for v in (None, 5, 5.5, 5.0, True, " 江北区 ")] == ["", "5", "5.5", "5", "是", "江北区"]
    assert text(datetime.datetime(2024, 5, 1)) == text(datetime.date(2024, 5, 1)) == "2024年5月1日"
    assert closest("Train_Total", ["funds", "train_total"]) == "train_total"
    assert closest("train_totl", ["funds", "train_total"]) == "train_total"
    assert closest("zzz", ["funds"]) is None and closest("", ["funds"]) is None
    assert choice("YES", {"yes": True}) is True and choice("可以", {"yes": True}) is None
    assert listing(["地区", "年度"]) == "「地区」「年度」"
