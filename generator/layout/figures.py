"""Charts: PNG validation and the inline picture, fitted to the width of the type area."""

from __future__ import annotations

import io

from generator import png
from generator.errors import LayoutError

EMU_PER_TWIP = 635
TYPE_WIDTH_EMU = 156 * 36_000   # the standard's 156 mm; the margins in twips give 0.016 mm more


def png_size(data: bytes, label: str) -> tuple[int, int]:
    """(width, height) in pixels of a complete, uncorrupted PNG (`generator.png.png_size`);
    LayoutError naming the figure (`label`) otherwise, rather than a failure in Word."""
    try:
        return png.png_size(data)
    except png.PngError as exc:
        if exc.reason == "signature":
            raise LayoutError(f"{label}的图片不是 PNG 文件，请检查图表生成步骤。") from None
        if exc.reason == "crc":
            raise LayoutError(f"{label}的图片已损坏（{exc.chunk} 数据块校验失败），请重新生成图表。") from None
        raise LayoutError(f"{label}的图片不完整或已损坏，请重新生成图表。") from None


def fit(size_px: tuple[int, int], max_width: int, max_height: int) -> tuple[int, int]:
    """(cx, cy) in EMU: the full width `max_width` (twips), aspect kept, at most `max_height`."""
    w_px, h_px = size_px
    width: float = min(max_width * EMU_PER_TWIP, TYPE_WIDTH_EMU)
    height = width * h_px / w_px
    if height > max_height * EMU_PER_TWIP:
        height = max_height * EMU_PER_TWIP
        width = height * w_px / h_px
    return round(width), round(height)


def picture_inline(document, data: bytes, shape_id: int, cx: int, cy: int, description: str):
    """A `wp:inline` for `data` related to the main document part (deduplicated by hash)."""
    from docx.oxml.shape import CT_Inline
    from docx.shared import Emu

    r_id, _image = document.part.get_or_add_image(io.BytesIO(data))
    inline = CT_Inline.new_pic_inline(shape_id, r_id, f"figure{shape_id}.png", Emu(cx), Emu(cy))
    inline.docPr.set("descr", description)
    return inline
