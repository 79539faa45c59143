"""Change reports and tracked changes between two builds."""

from generator.blocks import Figure, Heading, Paragraph, Run
from generator.revisions import (
    diff_runs,
    redline,
    report_text,
    sentence_changes,
    value_changes,
    value_key,
)


def test_sentence_changes_pairs_old_and_new():
    old = "甲为1390人次。乙不变；丙删去。"
    new = "甲为1420人次。乙不变；丁新增。"
    assert sentence_changes(old, new) == [("甲为1390人次。", "甲为1420人次。"), ("丙删去。", "丁新增。")]
    assert sentence_changes(old, old) == []


def test_value_changes_formats_and_names():
    old = {value_key("青石县", 2025, "x"): 1.0, value_key("青石县", 2024, "x"): 2.0}
    new = {value_key("青石县", 2025, "x"): 3.0, value_key("青石县", 2024, "x"): 2.0,
           value_key("青石县", "规划目标", "x"): 9.0}
    changes = value_changes(old, new, {"x": "协调会次数"}, lambda c, v: f"{v:.0f}次")
    assert [str(c) for c in changes] == ["青石县2025年「协调会次数」：1次 → 3次",
                                         "青石县规划目标「协调会次数」：（无） → 9次"]


def test_numbers_change_as_a_whole_and_formatting_is_kept():
    runs = diff_runs([Run("一是", bold=True), Run("累计培训1390人次，增长5.3%。")],
                     [Run("一是", bold=True), Run("累计培训1420人次，增长5.3%。")])
    assert [(r.text, r.bold, r.change) for r in runs] == [
        ("一是", True, None), ("累计培训", False, None), ("1390", False, "del"),
        ("1420", False, "ins"), ("人次，增长5.3%。", False, None)]


def test_redline_marks_changed_added_and_removed_paragraphs():
    old = [Heading(1, [Run("做法")], "一、"), Paragraph([Run("甲为1390。")]), Paragraph([Run("删去的段。")]),
           Figure("trend", "趋势", 1)]
    new = [Heading(1, [Run("做法")], "一、"), Paragraph([Run("甲为1420。")]), Figure("trend", "趋势", 1),
           Paragraph([Run("新增的段。")])]
    blocks, changed = redline(old, new)
    assert changed == 3
    texts = [[(r.text, r.change) for r in b.runs] if hasattr(b, "runs") else b.key for b in blocks]
    assert texts[0] == [("做法", None)]
    assert texts[1] == [("甲为", None), ("1390", "del"), ("1420", "ins"), ("。", None)]
    assert texts[2] == [("删去的段。", "del")]
    assert texts[3] == "trend"
    assert texts[4] == [("新增的段。", "ins")]


def test_report_text_lists_values_and_sentences():
    text = report_text("临江市青石县报告", [], [("旧句。", "新句。")], "2025年12月20日")
    assert "修订说明" in text and "原文：旧句。" in text and "现为：新句。" in text
    assert "一、数据变化（0项）" in text


def test_value_changes_give_raw_values_and_the_printed_form_where_it_differs():
    key = value_key("临江市", 2025, "h")
    names = {"h": "专业能力培训总学时"}

    def shown(code, v):
        return f"{round(v / 10000)}万学时"

    def raw(code, v):
        return f"{v}学时"

    same = value_changes({key: 1170000}, {key: 1170300}, names, shown, raw)
    assert [str(c) for c in same] == [
        "临江市2025年「专业能力培训总学时」：1170000学时 → 1170300学时（正文中均显示为117万学时）"]
    moved = value_changes({key: 1170000}, {key: 1250000}, names, shown, raw)
    assert [str(c) for c in moved] == [
        "临江市2025年「专业能力培训总学时」：1170000学时 → 1250000学时（正文中由117万学时改为125万学时）"]
    added = value_changes({}, {key: 1250000}, names, shown, raw)
    assert str(added[0]).endswith("：（无） → 1250000学时（正文中显示为125万学时）")
