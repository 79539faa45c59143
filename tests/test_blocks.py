"""The block model (generator/blocks.py): a snapshot round trip keeps every kind of block."""

from generator.blocks import (
    Attachment,
    Figure,
    Heading,
    PageBreak,
    Paragraph,
    Run,
    Table,
    TableData,
    from_plain,
    to_plain,
)

BLOCKS = [
    Heading(1, [Run("主要成效")], number="一、"),
    Paragraph([Run("全年培训"), Run("12", bold=True), Run("【待补】", missing=True)], item=True,
              number="一是"),
    Figure("trainees", "各地区培训人次", number=1),
    Table("summary", "主要指标完成情况", number=2,
          data=TableData(["指标", "数值"], [["培训人次", "1,200"], ["经费", "—"]],
                         ["left", "right"], [2.0, 1.0], {(1, 1), (0, 0)})),
    Table("empty", "无数据的表"),
    PageBreak(),
    Attachment("指标数据表", number=1),
]


def test_every_kind_of_block_survives_the_round_trip():
    plain = to_plain(BLOCKS)
    assert [d["kind"] for d in plain] == ["Heading", "Paragraph", "Figure", "Table", "Table",
                                          "PageBreak", "Attachment"]
    assert from_plain(plain) == BLOCKS


def test_the_plain_form_is_json_ready():
    import json

    plain = to_plain(BLOCKS)
    assert from_plain(json.loads(json.dumps(plain, ensure_ascii=False))) == BLOCKS
    assert plain[1]["runs"][1] == ["12", True, False]
    assert plain[3]["data"]["alerts"] == [[0, 0], [1, 1]]


def test_a_snapshot_leaves_out_what_only_a_redline_needs():
    run = Run("新", change="ins")
    [back] = from_plain(to_plain([Paragraph([run])]))
    assert back.runs[0].text == "新" and back.runs[0].change is None


def test_texts_and_captions():
    assert BLOCKS[0].text == "一、主要成效"
    assert BLOCKS[1].text == "全年培训12【待补】"
    assert BLOCKS[2].caption == "图1\u3000各地区培训人次"
    assert BLOCKS[3].caption == "表2\u3000主要指标完成情况"
