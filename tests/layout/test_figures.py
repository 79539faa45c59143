"""Figures in the document (generator/layout/figures.py): PNG checks, the picture's size and
its caption (captions below, centred, numbered: test_format_conformance.py)."""

from __future__ import annotations

import pytest

from generator.blocks import Figure
from generator.errors import LayoutError
from generator.layout import figures
from tests.docx_reader import NS, R_NS, Docx, text_of
from tests.layout.layout_samples import TYPE_WIDTH, make_png, render, sample_doc


@pytest.fixture(scope="module")
def doc() -> Docx:
    return sample_doc()


def test_figure_fills_type_width_keeps_aspect_and_caption_follows(doc):
    paras = list(doc.body)
    i = next(k for k, el in enumerate(paras) if el.find(".//w:drawing", NS) is not None)
    figure, caption = paras[i], paras[i + 1]
    assert doc.style_of(figure) == "Figure"
    assert text_of(caption) == "图1\u3000各县区培训完成率"
    assert doc.style_of(caption) == "Caption"
    assert doc.style_value("Figure", "pPr/jc") == "center"
    assert doc.style_value("Figure", "pPr/spacing", "lineRule") == "auto"  # exact would crop
    extent = figure.find(".//wp:extent", NS)
    cx, cy = int(extent.get("cx")), int(extent.get("cy"))
    assert cx == 156 * 36_000          # the standard's 156 mm (the twip margins give 0.016 mm more)
    assert abs(cy / cx - 180 / 320) < 0.001
    blip = figure.find(".//a:blip", NS).get(f"{{{R_NS}}}embed")
    target = next(r.part for r in doc.rels(doc.main_part) if r.id == blip)
    assert doc.parts[target] == make_png()


def test_fit_keeps_the_aspect_within_the_type_width_and_the_height_limit():
    assert figures.png_size(make_png(320, 180), "图1") == (320, 180)
    cx, cy = figures.fit((320, 180), TYPE_WIDTH, 20_000)
    assert cx == figures.TYPE_WIDTH_EMU and abs(cy / cx - 180 / 320) < 0.001
    narrow = figures.fit((320, 180), 5000, 20_000)        # a narrower room: its full width
    assert narrow[0] == 5000 * figures.EMU_PER_TWIP
    cx, cy = figures.fit((100, 400), TYPE_WIDTH, 6000)     # a tall chart: the height limit
    assert cy == 6000 * figures.EMU_PER_TWIP and abs(cx / cy - 100 / 400) < 0.001


def test_png_errors_say_what_is_wrong():
    png = make_png()
    with pytest.raises(LayoutError, match="图7「x」的图片不是 PNG 文件"):
        figures.png_size(b"GIF89a" + png[6:], "图7「x」")
    with pytest.raises(LayoutError, match="校验失败"):
        figures.png_size(png[:40] + b"X" + png[41:], "图7「x」")
    with pytest.raises(LayoutError, match="不完整或已损坏"):
        figures.png_size(png[:-20], "图7「x」")


def test_missing_image_names_the_figure():
    with pytest.raises(LayoutError, match="图3「完成率」.*chart9"):
        render([Figure("chart9", "完成率", 3)])


@pytest.mark.parametrize("data", [
    b"not a png", make_png()[:-20], make_png()[:40] + b"X" + make_png()[41:], b""])
def test_invalid_png_is_a_layout_error(data):
    with pytest.raises(LayoutError, match="图2「完成率」"):
        render([Figure("c", "完成率", 2)], {"c": data})
