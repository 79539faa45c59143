"""Parses the rendered block markup (a small subset of Markdown) into blocks with markdown-it.

#…#### headings, paragraphs, `- ` items (one paragraph each) and `+ ` items (run together in
one paragraph), fenced ```figure KEY``` / ```table KEY``` / ```attachment``` blocks, `***` page
breaks, **bold**, and `code spans` for 【待补】 markers. Numbers are not assigned here.
"""

from __future__ import annotations

from dataclasses import dataclass

from ..blocks import Attachment, Figure, Heading, PageBreak, Paragraph, Run, Table
from ..errors import TemplateError


@dataclass
class ItemGroup:
    """A run-in enumeration before numbering: each item's runs; `joined` puts them in one paragraph."""

    items: list[list[Run]]
    joined: bool


_parser = None


def _md():
    global _parser
    if _parser is None:
        from markdown_it import MarkdownIt

        _parser = MarkdownIt("commonmark", {"html": False}).disable(
            ["code", "lheading", "blockquote", "html_block", "reference", "link", "image",
             "autolink", "html_inline", "entity"])
    return _parser


def warm_up() -> None:
    """Load the Markdown parser now (a worker process, at its start)."""
    _md()


def _runs(inline, source: str) -> list[Run]:
    runs: list[Run] = []
    bold = False
    for tok in inline.children or []:
        if tok.type == "text":
            runs.append(Run(tok.content, bold=bold))
        elif tok.type in ("softbreak", "hardbreak"):
            continue  # Chinese lines join without a space
        elif tok.type == "strong_open":
            bold = True
        elif tok.type == "strong_close":
            bold = False
        elif tok.type in ("em_open", "em_close"):
            continue
        elif tok.type == "code_inline":
            runs.append(Run(tok.content, missing=True))
        else:
            raise TemplateError(f"{source}：不支持的写法「{tok.markup or tok.type}」")
    merged: list[Run] = []
    for r in runs:  # adjacent runs of one look are one run
        if merged and (merged[-1].bold, merged[-1].missing) == (r.bold, r.missing):
            merged[-1] = Run(merged[-1].text + r.text, r.bold, r.missing)
        elif r.text:
            merged.append(r)
    return merged


def parse(text: str, source: str = "模板") -> list:
    """Blocks (with ItemGroup for enumerations) from rendered markup."""
    tokens = _md().parse(text)
    blocks: list = []
    i = 0
    while i < len(tokens):
        tok = tokens[i]
        line = f"{source}渲染结果第{tok.map[0] + 1}行" if tok.map else source
        if tok.type == "heading_open":
            level = int(tok.tag[1])
            if level > 4:
                raise TemplateError(f"{line}：标题最多四级（#### ），这里用了 {level} 个 #")
            blocks.append(Heading(level, _runs(tokens[i + 1], line)))
            i += 3
        elif tok.type == "paragraph_open":
            blocks.append(Paragraph(_runs(tokens[i + 1], line)))
            i += 3
        elif tok.type == "bullet_list_open":
            group, i = _bullet_list(tokens, i, line)
            blocks.append(group)
        elif tok.type == "ordered_list_open":
            raise TemplateError(f"{line}：行首的“1.”会被当作编号列表。三级标题请用 ### ，正文请改写行首")
        elif tok.type == "fence":
            blocks.append(_fence(tok, line))
            i += 1
        elif tok.type == "hr":
            blocks.append(PageBreak())
            i += 1
        else:
            raise TemplateError(f"{line}：不支持的写法「{tok.type}」")
    return blocks


def _bullet_list(tokens: list, i: int, line: str) -> tuple[ItemGroup, int]:
    """The enumeration whose bullet_list_open is `tokens[i]`, and the index after its close."""
    opening = tokens[i]
    items: list[list[Run]] = []
    i += 1
    current: list[Run] = []
    while True:
        t = tokens[i]
        if t.type == "bullet_list_open":
            raise TemplateError(f"{line}：列表不能嵌套")
        if t.type == "bullet_list_close":
            break
        if t.type == "list_item_open":
            current = []
        elif t.type == "list_item_close":
            items.append(current)
        elif t.type == "inline":
            current.extend(_runs(t, line))
        elif t.type not in ("paragraph_open", "paragraph_close"):
            raise TemplateError(f"{line}：列表项中只能写文字")
        i += 1
    return ItemGroup(items, joined=opening.markup == "+"), i + 1


def _fence(tok, line: str):
    """The figure, table or attachment a ``` block stands for."""
    kind, _, key = tok.info.strip().partition(" ")
    title = tok.content.strip()
    key = key.strip()
    if kind == "figure" and key and title:
        return Figure(key, title)
    if kind == "table" and key and title:
        return Table(key, title)
    if kind == "attachment" and title:
        return Attachment(title)
    raise TemplateError(f"{line}：无法识别的代码块「{tok.info}」。应为 ```figure 键名、```table 键名 或 ```attachment，下一行写标题")
