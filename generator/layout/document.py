"""render_docx: blocks, charts and tables → a GB/T 9704 Word document, as bytes.

Order on the page: [版头] title, blank line, body, [附件说明], 署名 and 成文日期, the
attachments (each on a new page), [版记]. Paragraph formatting comes from the styles
(styles.py); this module only chooses the style and writes the text.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from generator.blocks import (
    Attachment,
    Block,
    DocumentMeta,
    Figure,
    Heading,
    PageBreak,
    Paragraph,
    Run,
    Table,
    TableData,
)
from generator.errors import LayoutError
from generator.layout import _xml as x
from generator.layout import package
from generator.layout import styles as st
from generator.layout.figures import fit, picture_inline, png_size
from generator.layout.masthead import add_masthead, add_record
from generator.layout.profile import Profile
from generator.layout.tables import build_table
from generator.layout.title import break_title, signature_indents

if TYPE_CHECKING:
    from docx.document import Document
    from docx.oxml.document import CT_Body


def render_docx(blocks: list[Block], meta: DocumentMeta, images: dict[str, bytes],
                tables: dict[str, TableData] | None = None,
                profile: Profile | None = None) -> bytes:
    """The .docx bytes of the report. Same inputs give byte-identical output.

    `images` maps a Figure's key to PNG bytes; `tables` is a fallback for Table blocks
    whose `data` is None. Any failure is a LayoutError naming the block concerned.
    """
    renderer = _Renderer(meta, images, tables or {}, profile or Profile())
    try:
        return renderer.render(blocks)
    except LayoutError:
        raise
    except Exception as exc:  # python-docx or lxml: report where, not a traceback
        raise LayoutError(
            f"生成 Word 文档失败（{renderer.where}）：{type(exc).__name__}: {exc}。"
            "请检查该处内容；若无法解决，请把本信息提供给维护人员。"
        ) from exc


class _Renderer:
    """Writes the body of one document; holds what the styles need to know afterwards."""

    document: Document  # made by render(), as is its body
    body: CT_Body

    def __init__(self, meta: DocumentMeta, images: dict[str, bytes],
                 tables: dict[str, TableData], profile: Profile):
        self.meta, self.images, self.tables, self.profile = meta, images, tables, profile
        self.where = "准备文档"
        self.table_sizes: set[float] = set()
        self.pending_break = False
        self.shape_id = 0
        self.revision = 0
        self.when = package.timestamp("")
        self.attachment_count = 0

    # The whole document ---------------------------------------------------------------------
    def render(self, blocks: list[Block]) -> bytes:
        meta, profile = self.meta, self.profile
        self.when = when = package.timestamp(meta.created)
        self.document = document = package.new_document()
        self._section()
        self.body = body = document.element.body
        sect_pr = body.find(x.w("sectPr"))
        body.remove(sect_pr)

        split = next((i for i, b in enumerate(blocks) if isinstance(b, Attachment)), len(blocks))
        self.where = "版头和标题"
        if meta.issuer_mark or meta.doc_number:
            add_masthead(self, meta)
        self._title(meta.title)
        self.blank()
        for index, block in enumerate(blocks[:split], start=1):
            self._block(block, index)
        self.pending_break = False
        closing = bool(meta.attachments or meta.organ or meta.date)
        if closing and len(body) and body[-1].tag == x.w("p"):
            # Never a page holding only the 署名 and date: the closing paragraph goes with them
            # (Word carries its last line over; LibreOffice moves it whole).
            x.set_ppr(body[-1], "keepNext")
        if meta.attachments:
            self.where = "附件说明"
            self.blank(keepNext=True)
            self._attachment_note(meta.attachments)
        self.where = "署名和成文日期"
        self._signature(meta.organ, meta.date)
        self.attachment_count = max(len(meta.attachments),
                                    sum(isinstance(b, Attachment) for b in blocks))
        for index, block in enumerate(blocks[split:], start=split + 1):
            self._block(block, index)
        if meta.copy_to or meta.printer or meta.print_date:
            self.where = "版记"
            add_record(self, meta)
        if body[-1].tag == x.w("tbl"):
            self.p()  # Word wants a paragraph after a closing table
        body.append(sect_pr)

        self.where = "样式和文档属性"
        st.install_styles(document.styles.element, profile, self.table_sizes)
        st.install_settings(document.settings.element)
        self._font_table()
        package.set_core_properties(document, title=meta.title.replace("\n", ""),
                                    author=meta.author, when=when)
        self.where = "保存文档"
        return package.save(document, when)

    def _section(self) -> None:
        """A4 page, margins, line grid, and the odd/even page-number footers."""
        p = self.profile
        section = self.document.sections[0]
        section.footer.is_linked_to_previous = False
        section.even_page_footer.is_linked_to_previous = False
        indent = round(p.page_number_size * 20)  # 1 字 of the page-number size
        for footer, odd in ((section.footer, True), (section.even_page_footer, False)):
            root = footer._element
            for child in list(root):
                root.remove(child)
            para = x.paragraph(root, {
                "pStyle": {"val": st.FOOTER},
                "ind": {"right": indent} if odd else {"left": indent},
                "jc": {"val": "right" if odd else "left"},
            })
            x.page_field(para)
        sect_pr = section._sectPr
        for name in list(sect_pr.attrib):
            del sect_pr.attrib[name]
        keep = {x.w("headerReference"), x.w("footerReference")}
        for child in list(sect_pr):
            if child.tag not in keep:
                sect_pr.remove(child)
        x.sub(sect_pr, "pgSz", {"w": p.page_width, "h": p.page_height})
        x.sub(sect_pr, "pgMar", {
            "top": p.margin_top, "right": p.margin_right, "bottom": p.margin_bottom,
            "left": p.margin_left, "header": p.header_distance, "footer": p.footer_distance,
            "gutter": 0,
        })
        x.sub(sect_pr, "cols", {"space": 425})
        x.sub(sect_pr, "docGrid", {"type": "lines", "linePitch": p.line_pitch})

    def _font_table(self) -> None:
        rel = next(r for r in self.document.part.rels.values() if r.reltype.endswith("/fontTable"))
        rel.target_part._blob = st.font_table(self.profile)

    # Paragraph helpers ----------------------------------------------------------------------
    def p(self, style: str | None = None, **items):
        """Appends a paragraph in `style` (Normal if None) with extra pPr `items`."""
        if style and style != st.NORMAL:
            items["pStyle"] = {"val": style}
        if self.pending_break:
            items["pageBreakBefore"] = True
            self.pending_break = False
        return x.paragraph(self.body, items)

    def blank(self, **items) -> None:
        """An empty line of the grid."""
        self.p(**items)

    def runs(self, p, runs: list[Run], number: str = "") -> None:
        """Writes `number` and `runs` into `p`; runs marked "ins"/"del" (a --redline copy)
        become tracked changes, and so does the paragraph mark when every run is marked."""
        changes = {getattr(r, "change", None) for r in runs}
        whole = changes.pop() if len(changes) == 1 and runs else None
        if whole in ("ins", "del"):
            x.set_ppr(p, "rPr")
            p.find(x.w("pPr")).find(x.w("rPr")).append(self._change(whole))
        if number:
            self._add_run(p, Run(number, change=whole))
        for r in runs:
            self._add_run(p, r)

    def _add_run(self, p, r: Run) -> None:
        change = getattr(r, "change", None)
        parent = p
        if change in ("ins", "del"):
            parent = self._change(change)
            p.append(parent)
        x.run(parent, r.text, bold=r.bold, highlight="yellow" if r.missing else None,
              deleted=change == "del")

    def _change(self, kind: str):
        """A w:ins or w:del revision mark by the document's author at its (fixed) time."""
        self.revision += 1
        return x.make(kind, {"id": self.revision, "author": self.meta.author or "reportgen",
                             "date": self.when.strftime("%Y-%m-%dT%H:%M:%SZ")})

    def _title(self, title: str) -> None:
        for line in break_title(title, self.profile.title_chars_per_line):
            x.run(self.p(st.TITLE), line)

    # Blocks -----------------------------------------------------------------------------------
    def _block(self, block: Block, index: int) -> None:
        if isinstance(block, Heading):
            self.where = f"第{index}块，标题「{block.text[:30]}」"
            if block.level not in (1, 2, 3, 4):
                raise LayoutError(f"标题「{block.text[:30]}」的级别是 {block.level}，只能是 1～4。")
            self.runs(self.p(st.heading_style(block.level)), block.runs, block.number)
        elif isinstance(block, Paragraph):
            self.where = f"第{index}块，段落「{block.text[:30]}」"
            self.runs(self.p(), block.runs)
        elif isinstance(block, Figure):
            self.where = f"第{index}块，{block.caption}"
            self._figure(block)
        elif isinstance(block, Table):
            self.where = f"第{index}块，{block.caption}"
            self._table(block)
        elif isinstance(block, PageBreak):
            self.pending_break = True
        elif isinstance(block, Attachment):
            self.where = f"第{index}块，附件「{block.title[:30]}」"
            self._attachment(block)
        else:
            raise LayoutError(f"第{index}块的类型 {type(block).__name__} 无法排版。")

    def _figure(self, figure: Figure) -> None:
        label = f"图{figure.number}「{figure.title}」"
        data = self.images.get(figure.key)
        if data is None:
            raise LayoutError(f"{label}对应的图片「{figure.key}」不存在，请检查图表配置或图表生成步骤。")
        size = png_size(data, label)
        p = self.profile
        cx, cy = fit(size, p.type_width, p.type_height - 3 * p.line_pitch)
        self.shape_id += 1
        inline = picture_inline(self.document, data, self.shape_id, cx, cy, figure.caption)
        x.sub(x.sub(self.p(st.FIGURE), "r"), "drawing").append(inline)
        x.run(self.p(st.CAPTION), figure.caption)

    def _table(self, table: Table) -> None:
        label = f"表{table.number}「{table.title}」"
        data = table.data if table.data is not None else self.tables.get(table.key)
        if data is None:
            raise LayoutError(f"{label}没有数据（表格「{table.key}」），请检查表格配置。")
        tbl, size = build_table(data, self.profile, label, mark=self._change)
        self.table_sizes.add(size)
        x.run(self.p(st.CAPTION, keepNext=True), table.caption)
        self.body.append(tbl)

    def _attachment(self, attachment: Attachment) -> None:
        """附件 on a new page: label top left (line 1), title centred on line 3, blank line."""
        self.pending_break = True
        label = "附件"
        if self.attachment_count > 1:
            label += str(attachment.number or "")
        x.run(self.p(st.ATTACHMENT_LABEL), label)
        self.blank()
        self._title(attachment.title)
        self.blank()

    # Closing parts ------------------------------------------------------------------------------
    def _attachment_note(self, titles: list[str]) -> None:
        """附件说明 (GB/T 9704 7.3.4): 附件：1.　title, wrapped lines aligned with the title."""
        char_width = self.profile.char_width
        titles = [t.strip().rstrip("。．.，,；;") for t in titles]
        if len(titles) == 1:
            p = self.p(keepNext=True, ind={"left": 5 * char_width, "hanging": 3 * char_width})
            x.run(p, "附件：" + titles[0])
            return
        number = round((len(str(len(titles))) + 1) * char_width / 2)  # "1." is 1 字, "10." 1½ 字
        left = 5 * char_width + number
        for i, title in enumerate(titles, start=1):
            head, hanging = (("附件：", 3 * char_width + number) if i == 1 else ("", number))
            tabs = x.build("tabs", ("tab",), {"tab": {"val": "left", "pos": left}})
            p = self.p(keepNext=True, tabs=tabs, ind={"left": left, "hanging": hanging})
            x.run(p, f"{head}{i}.\t{title}")

    def _signature(self, organ: str, date: str) -> None:
        """署名 and 成文日期 without a seal (GB/T 9704 7.3.5.2), one blank line below the text."""
        if not organ and not date:
            return
        char_width = self.profile.char_width
        organ_right, date_right = signature_indents(organ, date)
        self.blank(keepNext=True)
        for text, right, keep in ((organ, organ_right, True), (date, date_right, None)):
            if text:
                p = self.p(keepNext=keep, ind={"right": round(right * char_width), "firstLine": 0},
                           jc={"val": "right"})
                x.run(p, text)

