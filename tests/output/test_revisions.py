"""Change reports and tracked changes between two builds."""

from generator.blocks import Figure, Heading, Paragraph, Run
from generator.output.revisions import (
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


def _annual(rows):
    from generator.blocks import Table, TableData

    header = ["序号", "指标", "单位", "年度目标", "2025年", "2024年", "与目标相比", "状态"]
    return Table("annual_indicators", "年度性指标完成情况", 2,
                 TableData(header, [list(r) for r in rows], ["center"] * 8))


ROW_OLD = ["1", "领导干部年度参训率", "%", "95%", "97.9%", "96.9%", "+2.9个百分点", "达标"]
ROW_NEW = ["1", "领导干部年度参训率", "%", "95%", "94%", "96.9%", "-1个百分点", "滞后"]
ROW_OTHER = ["2", "训后评估覆盖率", "%", "80%", "82%", "81%", "+2个百分点", "达标"]


def test_redline_marks_changed_table_cells():
    old = [Paragraph([Run("甲。")]), _annual([ROW_OLD, ROW_OTHER])]
    new = [Paragraph([Run("甲。")]), _annual([ROW_NEW, ROW_OTHER])]
    blocks, changed = redline(old, new)
    assert changed == 1
    data = blocks[1].data
    assert data.rows == [ROW_NEW, ROW_OTHER]          # the rows as they are now
    assert [(r.text, r.change) for r in data.changes[(0, 4)]] == [("97.9%", "del"), ("94%", "ins")]
    assert [(r.text, r.change) for r in data.changes[(0, 7)]] == [("达标", "del"), ("滞后", "ins")]
    assert set(data.changes) == {(0, 4), (0, 6), (0, 7)}
    assert new[1].data.changes == {}                  # the document itself is left alone


def test_redline_marks_added_and_removed_table_rows():
    blocks, changed = redline([_annual([ROW_OLD, ROW_OTHER])], [_annual([ROW_OTHER])])
    assert changed == 1
    data = blocks[0].data
    assert data.rows == [ROW_OLD, ROW_OTHER] and data.row_changes == {0: "del"}
    blocks, _ = redline([_annual([ROW_OTHER])], [_annual([ROW_NEW, ROW_OTHER])])
    assert blocks[0].data.row_changes == {0: "ins"}


def test_table_changes_are_listed_row_by_row():
    from generator.output.revisions import table_changes

    lines = table_changes([_annual([ROW_OLD, ROW_OTHER])], [_annual([ROW_NEW, ROW_OTHER])])
    assert lines == ["表2　年度性指标完成情况「领导干部年度参训率」：2025年 97.9% → 94%；"
                     "与目标相比 +2.9个百分点 → -1个百分点；状态 达标 → 滞后"]
    assert table_changes([_annual([ROW_OLD])], [_annual([ROW_OLD, ROW_OTHER])]) == [
        "表2　年度性指标完成情况：新增一行「训后评估覆盖率」"]
    text = report_text("报告", [], [], "2025年12月20日", lines)
    assert "三、表格变化（1处）" in text and "状态 达标 → 滞后" in text


def test_removed_and_added_rows_render_as_tracked_rows_in_schema_order():
    import io
    import zipfile

    from lxml import etree

    from generator.blocks import DocumentMeta
    from generator.layout import render_docx
    from tests.conformance import order_problems

    blocks, _ = redline([_annual([ROW_OLD, ROW_OTHER])], [_annual([ROW_OTHER, ROW_NEW])])
    data = render_docx(blocks, DocumentMeta("报告", "中共临江市委组织部", "2025年12月20日"), {})
    doc = etree.fromstring(zipfile.ZipFile(io.BytesIO(data)).read("word/document.xml"))
    ns = {"w": "http://schemas.openxmlformats.org/wordprocessingml/2006/main"}
    marks = [[etree.QName(k).localname for k in tr.find("w:trPr", ns)]
             for tr in doc.iterfind(".//w:tr", ns)]
    # 领导干部年度参训率 stays (its cells changed); 训后评估覆盖率 moved: added above, removed below
    assert marks == [["cantSplit", "tblHeader"], ["cantSplit", "ins"], ["cantSplit"],
                     ["cantSplit", "del"]], marks
    deleted = doc.xpath("//w:tr[w:trPr/w:del]//w:r", namespaces=ns)
    assert deleted and all(r.getparent().tag.endswith("}del") for r in deleted)
    assert not doc.xpath("//w:tr[w:trPr/w:del]//w:t", namespaces=ns)   # w:delText only
    assert order_problems(doc, "document.xml") == []
