"""generator/png.py: the one PNG reader (chart cache, layout, page estimate) and the charts' writer."""

from __future__ import annotations

import io
import struct
import sys
import zlib

import pytest
from PIL import Image

from generator import png as png_module
from generator.blocks import Figure
from generator.errors import LayoutError
from generator.layout import figures
from generator.layout.pages import estimate_pages
from generator.png import (
    SIGNATURE,
    PngError,
    encode_opaque_rgba,
    is_whole_png,
    png_size,
)


def _chunk(kind: bytes, body: bytes) -> bytes:
    return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body))


def _png(width: int = 300, height: int = 200) -> bytes:
    ihdr = struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0)
    row = b"\x00" + b"\xff" * width
    return (SIGNATURE + _chunk(b"IHDR", ihdr) + _chunk(b"IDAT", zlib.compress(row * height))
            + _chunk(b"IEND", b""))


def test_size_of_a_whole_png():
    assert png_size(_png(300, 200)) == (300, 200) and is_whole_png(_png())


@pytest.mark.parametrize(("damage", "reason"), [
    (lambda d: b"GIF89a" + d[6:], "signature"),
    (lambda d: d[:50] + bytes([d[50] ^ 1]) + d[51:], "crc"),   # a flipped bit in IDAT
    (lambda d: d[:-12], "incomplete"),                          # cut short: no IEND
    (lambda d: SIGNATURE + _chunk(b"IEND", b""), "incomplete"),  # no IHDR
    (lambda d: _png(0, 5), "incomplete"),
])
def test_a_damaged_png_is_refused_and_the_layout_names_the_figure(damage, reason):
    data = damage(_png())
    with pytest.raises(PngError) as caught:
        png_size(data)
    assert caught.value.reason == reason and not is_whole_png(data)
    words = {"signature": "不是 PNG 文件", "crc": "IDAT 数据块校验失败", "incomplete": "不完整或已损坏"}
    with pytest.raises(LayoutError, match=f"图1的图片.*{words[reason]}"):
        figures.png_size(data, "图1")


def test_the_page_estimate_reads_the_same_size():
    blocks = [Figure("a", "图")]
    tall, flat = estimate_pages(blocks * 8, "题", {"a": _png(100, 300)}), \
        estimate_pages(blocks * 8, "题", {"a": _png(300, 100)})
    assert tall > flat
    assert estimate_pages(blocks * 8, "题", {"a": b"broken"}) >= 1   # a bad image: no crash


def _canvas(width: int, height: int, seed: int = 7):
    """Random opaque RGBA pixels, as a chart's canvas holds them, and their RGB bytes."""
    import numpy as np

    rgba = np.random.default_rng(seed).integers(0, 256, (height, width, 4), dtype=np.uint8)
    rgba[:, :, 3] = 255
    return rgba, rgba[:, :, :3].tobytes()


def test_the_writer_keeps_every_pixel_and_the_dpi():
    width, height = 37, 23   # odd sizes: rows are not a multiple of anything convenient
    rgba, pixels = _canvas(width, height)
    png = encode_opaque_rgba(rgba, 200)
    assert png_size(png) == (width, height)
    image = Image.open(io.BytesIO(png))
    assert image.mode == "RGB" and image.tobytes() == pixels
    assert image.info["dpi"] == pytest.approx((200, 200), abs=0.01)
    kinds = [png[i + 4:i + 8] for i in _chunk_offsets(png)]
    assert kinds == [b"IHDR", b"pHYs", b"IDAT", b"IEND"]   # no time, no software name
    assert encode_opaque_rgba(rgba.copy(), 200) == png


def test_the_rows_are_unfiltered_rgb():
    """Each row is a 0 byte (no filter) and the pixels' RGB bytes, the alpha dropped."""
    width, height = 5, 3
    rgba, pixels = _canvas(width, height, seed=3)
    png = encode_opaque_rgba(rgba, 200)
    idat = next(i for i in _chunk_offsets(png) if png[i + 4:i + 8] == b"IDAT")
    body = png[idat + 8:idat + 8 + struct.unpack(">I", png[idat:idat + 4])[0]]
    stride = 3 * width
    assert zlib.decompress(body) == b"".join(b"\x00" + pixels[i:i + stride]
                                              for i in range(0, len(pixels), stride))


def test_isal_compresses_where_it_is_installed():
    isal_zlib = pytest.importorskip("isal.isal_zlib")
    assert png_module.deflate().func is isal_zlib.compress


def test_without_isal_zlib_writes_the_same_pixels(monkeypatch):
    """Where isal has no wheel the rows go through zlib: other bytes, the same pixels."""
    rgba, pixels = _canvas(64, 48, seed=11)
    first = encode_opaque_rgba(rgba, 200)
    png_module.deflate.cache_clear()
    try:
        with monkeypatch.context() as patched:
            patched.setitem(sys.modules, "isal", None)   # `from isal import …`: ImportError
            assert png_module.deflate().func is zlib.compress
            second = encode_opaque_rgba(rgba, 200)
    finally:
        png_module.deflate.cache_clear()
    for data in (first, second):
        image = Image.open(io.BytesIO(data))
        assert image.mode == "RGB" and image.tobytes() == pixels and png_size(data) == (64, 48)
    assert encode_opaque_rgba(rgba, 200) == first   # isal again, once the cache is cleared


@pytest.mark.parametrize(("shape", "dtype"), [((2, 2, 3), "uint8"), ((0, 2, 4), "uint8"),
                                              ((2, 0, 4), "uint8"), ((2, 2, 4), "uint16")])
def test_the_writer_refuses_what_is_not_rgba(shape, dtype):
    import numpy as np

    with pytest.raises(ValueError):
        encode_opaque_rgba(np.zeros(shape, dtype), 200)


def _chunk_offsets(png: bytes) -> list[int]:
    offsets, pos = [], len(SIGNATURE)
    while pos < len(png):
        offsets.append(pos)
        pos += 12 + struct.unpack(">I", png[pos:pos + 4])[0]
    return offsets
