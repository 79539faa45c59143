"""Shared inputs of the layout tests (tests/layout): a small PNG, table data, the sample
blocks and meta (two attachments, all four heading levels, a figure and a table), and the
sample document rendered once for all test modules."""

from __future__ import annotations

import struct
import zlib
from functools import lru_cache

from generator.blocks import (
    Attachment,
    DocumentMeta,
    Figure,
    Heading,
    PageBreak,
    Paragraph,
    Run,
    Table,
    TableData,
)
from generator.layout import render_docx
from tests.docx_reader import Docx, w

CHAR = 320 - 5          # one 三号 character with −0.25 pt spacing, twips
TYPE_WIDTH = 11906 - 1587 - 1474
TITLE = "关于《2023—2027年全国干部教育培训规划》实施情况的中期评估报告"
TEXT = ("我市深入贯彻落实干部教育培训规划，坚持把政治训练贯穿干部成长全周期，全年共举办各类"
        "培训班126期，培训干部12345人次，完成年度计划的103.5%，较上年提高2.3个百分点。")


def make_png(width: int = 320, height: int = 180) -> bytes:
    """A valid RGB PNG without matplotlib."""
    raw = b"".join(b"\x00" + b"\x40\x80\xc0" * width for _ in range(height))

    def chunk(kind: bytes, data: bytes) -> bytes:
        return (struct.pack(">I", len(data)) + kind + data
                + struct.pack(">I", zlib.crc32(kind + data)))

    ihdr = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", ihdr) + chunk(b"IDAT", zlib.compress(raw))
            + chunk(b"IEND", b""))


def table_data(rows: int = 30, columns: int = 8) -> TableData:
    header = ["地区", "培训人次", "完成率", "状态", "学时", "同比", "排名", "备注"][:columns]
    body = [[f"县区{i}", str(100 + i), f"{90 + i / 10:.1f}%", "滞后" if i % 5 == 0 else "达标",
             "12345", "2.3", str(i + 1), "无"][:columns] for i in range(rows)]
    align = ["left", "right", "right", "center", "right", "right", "right", "left"][:columns]
    alerts = {(i, 3) for i in range(0, rows, 5)} if columns > 3 else set()
    return TableData(header, body, align, alerts=alerts)


def sample_blocks() -> list:
    blocks: list = []
    numbers = {1: ["一、", "二、"], 2: ["（一）", "（二）"], 3: ["1.", "2."], 4: ["（1）", "（2）"]}
    for k in range(2):
        for level in (1, 2, 3, 4):
            blocks.append(Heading(level, [Run(f"第{level}级标题")], number=numbers[level][k]))
        blocks.append(Paragraph([Run(TEXT)]))
        blocks.append(Paragraph([Run("一是", bold=True), Run(TEXT),
                                 Run("【待补：培训学时】", missing=True)], item=True, number="一是"))
    blocks.append(Figure("chart", "各县区培训完成率", number=1))
    blocks.append(Paragraph([Run(TEXT)]))
    blocks.append(Table("t1", "各县区培训完成情况", number=1, data=table_data()))
    blocks.append(PageBreak())
    blocks.append(Paragraph([Run("分页后的段落。")]))
    blocks.append(Attachment("各县区干部教育培训完成情况统计表", number=1))
    blocks.append(Paragraph([Run("附件正文。")]))
    blocks.append(Attachment("典型经验做法", number=2))
    blocks.append(Paragraph([Run("附件二正文。")]))
    return blocks


def sample_meta(**changes) -> DocumentMeta:
    values = dict(title=TITLE, organ="中共某某市委组织部", date="2025年12月20日",
                  attachments=["各县区干部教育培训完成情况统计表", "典型经验做法"],
                  author="某某市委组织部", created="2025-12-20T09:30:00")
    values.update(changes)
    return DocumentMeta(**values)


def render(blocks, images=None, **meta) -> bytes:
    return render_docx(blocks, sample_meta(**meta), images or {})


@lru_cache(maxsize=1)
def sample_doc() -> Docx:
    """The sample blocks with the chart, rendered once (read it, do not change it)."""
    return Docx(render(sample_blocks(), {"chart": make_png()}))


def table_and_caption(doc: Docx):
    """The first w:tbl of the body and the caption paragraph above it."""
    children = list(doc.body)
    i = next(k for k, el in enumerate(children) if el.tag == w("tbl"))
    return children[i], children[i - 1]

