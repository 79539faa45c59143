"""An estimate of the page count, from the grid of the format (22 lines of 28 字 per page).

No layout engine runs here, so the figure is an estimate for the build summary ("约31页"):
body text on the line grid, figures by their height, table rows at about one and a half
lines, the title, the 署名 block and each attachment starting a new page.
"""

from __future__ import annotations

import math

from generator import png
from generator.blocks import Attachment, Figure, Heading, PageBreak, Paragraph, Table
from generator.layout.profile import Profile
from generator.layout.title import break_title, title_width

_TABLE_ROW_LINES = 1.5


def _lines(text: str, per_line: float, indent: float = 2.0) -> int:
    return max(1, math.ceil((title_width(text) + indent) / per_line))


def estimate_pages(blocks: list, title: str, images: dict[str, bytes],
                   profile: Profile | None = None) -> int:
    """Estimated number of pages of the document the layout would write."""
    p = profile or Profile()
    per_page = p.type_height // p.line_pitch            # 22
    per_line = p.type_width / p.char_width              # 28
    pages, lines = 0, 0.0

    def new_page():
        nonlocal pages, lines
        if lines:
            pages += 1
        lines = 0.0

    lines += len(break_title(title, p.title_chars_per_line)) * 1.5 + 1
    for b in blocks:
        add: float  # lines the block takes
        if isinstance(b, (Heading, Paragraph)):
            add = _lines(b.text, per_line)
        elif isinstance(b, Figure):
            try:
                w, h = png.png_size(images.get(b.key, b""))
                height = p.type_width * h / w
            except png.PngError:    # the layout names the bad image; here half a page
                height = p.type_width / 2
            add = math.ceil(height / p.line_pitch) + 1
        elif isinstance(b, Table):
            rows = len(b.data.rows) + 1 if b.data else 2
            add = rows * _TABLE_ROW_LINES + 1
        elif isinstance(b, (PageBreak, Attachment)):
            if isinstance(b, Attachment):
                lines += 4          # the signature block before the first attachment
            new_page()
            add = 4 if isinstance(b, Attachment) else 0
        else:
            add = 1
        while lines + add > per_page:  # what does not fit flows onto the next page
            add -= per_page - lines
            pages += 1
            lines = 0.0
        lines += add
    return pages + (1 if lines else 0)
