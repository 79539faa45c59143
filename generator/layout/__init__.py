"""Layout: blocks, charts and tables → a Word document in the GB/T 9704-2012 format.

The only package that imports python-docx, and only when `render_docx` is called, so that
`Profile` (and config validation) stays cheap. Must not import matplotlib, jinja2, the
narrative or the exhibits: it lays out blocks, PNG bytes and table data it is given.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from generator.layout.profile import Profile

if TYPE_CHECKING:
    from generator.blocks import Block, DocumentMeta, TableData

__all__ = ["Profile", "render_docx", "warm_up"]


def warm_up() -> None:
    """Import the document writer and python-docx now (a worker process, at its start)."""
    import docx  # noqa: F401

    import generator.layout.document  # noqa: F401


def render_docx(blocks: list[Block], meta: DocumentMeta, images: dict[str, bytes],
                tables: dict[str, TableData] | None = None,
                profile: Profile | None = None) -> bytes:
    """The .docx bytes of the report (see `generator.layout.document.render_docx`)."""
    from generator.layout.document import render_docx as _render

    return _render(blocks, meta, images, tables, profile)
