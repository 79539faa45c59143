"""PNG files: the one check that an image is whole, and its size (used by the chart cache, where
a damaged cached image is drawn again, the layout, where a damaged image is a message naming
the figure, and the page estimate); and the one writer of the charts' images
(`encode_opaque_rgba`)."""

from __future__ import annotations

import functools
import struct
import zlib
from collections.abc import Callable

SIGNATURE = b"\x89PNG\r\n\x1a\n"


class PngError(ValueError):
    """Not a whole PNG. `reason`: "signature" (not a PNG at all), "crc" (the chunk `chunk`
    fails its check) or "incomplete" (cut short, or no size)."""

    def __init__(self, reason: str, chunk: str = ""):
        super().__init__(f"{reason} {chunk}".strip())
        self.reason = reason
        self.chunk = chunk


def png_size(data: bytes) -> tuple[int, int]:
    """(width, height) in pixels of a complete, uncorrupted PNG; PngError otherwise.

    Every chunk's length and CRC are checked and IEND must be present, so a truncated or
    damaged file is found here rather than in Word.
    """
    if not isinstance(data, (bytes, bytearray)) or not data.startswith(SIGNATURE):
        raise PngError("signature")
    pos, seen_end = len(SIGNATURE), False
    size: tuple[int, int] | None = None
    while pos + 8 <= len(data):
        length, kind = struct.unpack(">I4s", data[pos:pos + 8])
        end = pos + 8 + length + 4
        if end > len(data):
            break
        body = data[pos + 4:pos + 8 + length]
        if zlib.crc32(body) != struct.unpack(">I", data[end - 4:end])[0]:
            raise PngError("crc", kind.decode("latin-1"))
        if kind == b"IHDR" and length >= 8:
            width, height = struct.unpack(">II", body[4:12])
            size = (width, height)
        if kind == b"IEND":
            seen_end = True
            break
        pos = end
    if size is None or not seen_end or size[0] == 0 or size[1] == 0:
        raise PngError("incomplete")
    return size


def is_whole_png(data: bytes) -> bool:
    """Whether `data` is a complete, uncorrupted PNG (see `png_size`)."""
    try:
        png_size(data)
    except PngError:
        return False
    return True


def _chunk(kind: bytes, body: bytes) -> bytes:
    return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body))


def encode_opaque_rgba(rgba, dpi: int) -> bytes:
    """An 8-bit RGB PNG of `rgba`, a (height, width, 4) uint8 array whose alpha is all opaque
    (a chart's canvas: its face is white) and is dropped, with only the pHYs (dpi) chunk: no
    time, no software name, so the same pixels give the same file.

    Every row is stored unfiltered and deflated fast (`deflate`): for the charts (large flat
    areas) that is as small as Pillow's adaptive filtering and several times as fast, since
    trying five filters on every row costs more than the compression itself. The rows are
    made in one numpy array, a filter byte and then the pixels, copied a colour channel at a
    time: copying a (h, w, 3) slice of (h, w, 4) goes three bytes at a time, about six times
    slower (10 ms against 1.6 ms for a 1181 × 669 chart)."""
    import numpy as np

    height, width, depth = rgba.shape
    if depth != 4 or rgba.dtype != np.uint8 or width <= 0 or height <= 0:
        raise ValueError(f"not {width}×{height} RGBA pixels of one byte a channel")
    rows = np.zeros((height, 1 + 3 * width), np.uint8)   # filter byte 0: none
    rgb = np.ndarray((height, width, 3), np.uint8, rows, offset=1,   # a view, never a copy
                     strides=(1 + 3 * width, 3, 1))
    for channel in range(3):
        rgb[:, :, channel] = rgba[:, :, channel]
    per_metre = round(dpi / 0.0254)
    return b"".join((
        SIGNATURE,
        _chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)),
        _chunk(b"pHYs", struct.pack(">IIB", per_metre, per_metre, 1)),
        _chunk(b"IDAT", deflate()(rows.data)),
        _chunk(b"IEND", b""),
    ))


@functools.cache
def deflate() -> Callable[[memoryview], bytes]:
    """The compressor of the charts' pixel rows: a zlib stream, as PNG requires.

    ISA-L (the `isal` package) where it is installed, at its level 2: for the sample's 36
    charts (2.4 MB of rows each) 1.1 ms a chart and 62 KB, against zlib's fastest level, 6.8
    ms and 60 KB, which is used where isal has no wheel. Either stream decodes to the same
    rows (tests/test_png.py); which one wrote a file changes its bytes, never its pixels, and
    one installation always writes the same bytes for the same pixels."""
    try:
        from isal import isal_zlib
    except ImportError:
        return functools.partial(zlib.compress, level=1)
    return functools.partial(isal_zlib.compress, level=2)
