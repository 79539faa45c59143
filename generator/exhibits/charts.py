"""The charts stage: chart specs → PNG bytes. The only module of reportgen that imports matplotlib.

Figures are 15.0 cm wide (the type width of a GB/T 9704 page is 156 mm) at 200 dpi, drawn with
the Noto Sans CJK SC font shipped by the `mplfonts` wheel, in a plain official style. The
chart's title is not drawn: the Word caption (图1　…) carries it. Every value label goes through
`generator.fmt`, so a figure never reads differently from the prose.

matplotlib is imported inside functions: `import generator.exhibits.charts` stays cheap, and a build
whose charts all come from the cache never imports it at all.

Layout is computed, not measured: margins come from an estimate of the label widths (a CJK
character is 1 em, a Latin one about 0.6 em), which avoids `tight_layout`'s extra draw.

The charts of one size share a renderer, and the texts they print are measured and shaped
once per process (`_canvas_class`): the same pixels as matplotlib's own canvas, drawn with
about 30% less CPU for the 36 charts of the sample drawn in one process.
"""

from __future__ import annotations

import functools
import hashlib
import importlib.util
import math
import os
import re
import threading
import warnings
from collections.abc import Callable
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from generator import fmt
from generator.errors import LayoutError
from generator.exhibits import labels
from generator.exhibits.specs import (
    ChartSpec,
    CompareChart,
    ProgressChart,
    StructureChart,
    TrendChart,
    validate,
)
from generator.output import atomic_write
from generator.png import encode_opaque_rgba, is_whole_png
from generator.text import NO_LINE_START, is_wide, may_break

# Bump whenever a change here alters the pixels: it is part of every cache key.
RENDERER_VERSION = "1"

WIDTH_CM = 15.0
HEIGHT_CM = 8.5
DPI = 200
FONT_FILE = "NotoSansCJKsc-Regular.otf"

FONT_PT = 9.0            # tick, value and legend labels
LINE_PT = FONT_PT * 1.3  # one line of such text, with leading
PT_PER_CM = 72 / 2.54

TEXT = "#262626"
AXIS = "#595959"
GRID = "#D9D9D9"
REF_LINE = "#404040"
BLUE = "#2F5597"         # normal bars
ALERT = "#D9541E"        # lagging or highlighted bars
SERIES = ("#2F5597", "#8FAADC", "#A5A5A5", "#3C7F73", "#C9A227", "#7F7F7F")
PARTS = ("#2F5597", "#8FAADC", "#A5A5A5", "#3C7F73", "#C9A227", "#C9D6EA", "#7F7F7F", "#9BBFB8")

# What the texts drawn in place of the axes' tick labels are called (their gid: no pixels).
TICK_LABEL, CATEGORY_LABEL = "value-tick", "category"

# Value labels sit on a white patch so that a reference line never runs through their digits.
_LABEL_BOX = {"boxstyle": "square,pad=0.12", "facecolor": "white", "edgecolor": "none"}

_MEMO: dict[str, bytes] = {}
_KEPT = threading.local()   # the canvas' renderers and text layouts, per thread (_canvas_class)
if hasattr(os, "register_at_fork"):
    # The layouts hold matplotlib's fonts, whose open file a forked child would share (and
    # seek in) with its parent: matplotlib forgets its fonts in a child, and so do the charts.
    os.register_at_fork(after_in_child=lambda: _KEPT.__dict__.clear())


# ---------------------------------------------------------------- public API

def render_chart(spec: ChartSpec) -> bytes:
    """The PNG image of `spec`; raises LayoutError (Chinese, naming the chart) when it cannot."""
    validate(spec)
    with warnings.catch_warnings(record=True) as caught, _styled():
        warnings.simplefilter("always")
        fig = _DRAWERS[type(spec)](spec)
        png = _encode(fig)
    missing = sorted({_glyph(str(w.message)) for w in caught
                      if "missing from font" in str(w.message)})
    for w in caught:
        if "missing from font" not in str(w.message):
            warnings.warn_explicit(w.message, w.category, w.filename, w.lineno)
    if missing:
        chars = "、".join(f"“{c}”" for c in missing)
        raise LayoutError(f"图表「{spec.title}」中有字体无法显示的字符：{chars}。"
                          "请在数据或配置中改用常用字后重新生成。")
    return png


def to_draw(specs: dict[str, ChartSpec], cache_dir: Path) -> dict[str, ChartSpec]:
    """The specs (by cache key) whose images are neither in this process's memory nor whole
    in `cache_dir`: what a build must draw before laying out (all checked first: validate)."""
    validate(*specs.values())
    wanted = {cache_key(spec): spec for spec in specs.values()}
    return {key: spec for key, spec in wanted.items()
            if key not in _MEMO and _read_cached(Path(cache_dir) / f"{key}.png") is None}


def render_charts(specs: dict[str, ChartSpec], cache_dir: Path | None = None) -> dict[str, bytes]:
    """PNG bytes per chart name. Identical specs render once per process; with `cache_dir`,
    images are also kept there as `<key>.png` across runs. All bad specs are reported at once."""
    validate(*specs.values())
    cache = Path(cache_dir) if cache_dir is not None else None
    out: dict[str, bytes] = {}
    for name, spec in specs.items():
        key = cache_key(spec)
        png = _MEMO.get(key)
        if png is None and cache is not None:
            png = _read_cached(cache / f"{key}.png")
        drawn = png is None
        if png is None:
            png = render_chart(spec)
        if cache is not None and (drawn or not (cache / f"{key}.png").is_file()):
            # A new cache folder after a memo hit too. No fsync: an image that a power cut
            # leaves incomplete fails is_whole_png when read, and is simply drawn again.
            atomic_write(cache / f"{key}.png", png, sync=False, failure=_cache_failure)
        _MEMO[key] = png
        out[name] = png
    return out


def warm_up() -> None:
    """Import matplotlib and register the CJK font now (a build's main process, while its one
    worker composes the report whose charts it will draw)."""
    import matplotlib.backends.backend_agg  # noqa: F401
    import matplotlib.figure  # noqa: F401

    _font_family()


def cache_key(spec: ChartSpec) -> str:
    """sha256 of the renderer version, the matplotlib version and the spec's repr."""
    text = f"{RENDERER_VERSION}\n{_mpl_version()}\n{spec!r}"
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def clear_cache() -> None:
    """Forget the images rendered in this process, and the renderers and text layouts this
    thread keeps (tests, long-running callers, the benchmark's warm runs)."""
    _MEMO.clear()
    _KEPT.__dict__.clear()


# ---------------------------------------------------------------- cache and files

@functools.cache
def _mpl_version() -> str:
    """The installed matplotlib's version, from its `_version.py` (which every install writes),
    found without importing matplotlib (~0.4 s) or importlib.metadata (25-40 ms): a rebuild whose
    charts are all cached needs neither."""
    spec = importlib.util.find_spec("matplotlib")
    origin = spec.origin if spec is not None else None
    try:
        text = Path(origin).with_name("_version.py").read_text(encoding="utf-8") if origin else ""
    except OSError:
        text = ""
    found = re.search(r"""\bversion\s*=\s*["']([^"']+)["']""", text)
    if found:
        return found.group(1)
    from importlib.metadata import version

    return version("matplotlib")


def _read_cached(path: Path) -> bytes | None:
    """A cached image, or None when absent or not a whole PNG (then it is simply drawn again)."""
    try:
        data = path.read_bytes()
    except OSError:
        return None
    return data if is_whole_png(data) else None


def _cache_failure(path: Path, exc: OSError) -> LayoutError:
    return LayoutError(f"无法写入图表缓存目录「{path.parent}」：{exc.strerror or exc}。"
                       "请检查该目录是否可写，或不使用图表缓存。")


# ---------------------------------------------------------------- font, style, encoding

def _font_path() -> Path:
    spec = importlib.util.find_spec("mplfonts")  # finds the package without importing it
    if spec is not None and spec.submodule_search_locations:
        for base in spec.submodule_search_locations:
            path = Path(base) / "fonts" / FONT_FILE
            if path.is_file():
                return path
    raise LayoutError(f"未找到图表所需的中文字体文件 {FONT_FILE}。"
                      "请重新安装依赖：pip install --force-reinstall mplfonts")


@functools.cache
def _font_family() -> str:
    """Register the CJK font with matplotlib once per process and return its family name."""
    from matplotlib import font_manager

    path = str(_font_path())
    font_manager.fontManager.addfont(path)
    return font_manager.FontProperties(fname=path).get_name()


@contextmanager
def _styled():
    """matplotlib's defaults with the charts' style, for the duration: any user matplotlibrc
    is ignored, so the same spec gives the same pixels everywhere."""
    import matplotlib as mpl

    family = _font_family()
    with mpl.rc_context():
        mpl.rcdefaults()
        mpl.rcParams.update(_style(family))
        yield


def _style(family: str) -> dict:
    return {
        "font.family": [family],
        "font.size": FONT_PT,
        "axes.unicode_minus": False,
        "text.parse_math": False,  # a "$" in a name is text, not TeX
        "text.color": TEXT,
        "axes.labelcolor": TEXT,
        "axes.edgecolor": AXIS,
        "axes.linewidth": 0.8,
        "axes.spines.top": False,
        "axes.spines.right": False,
        "legend.fontsize": FONT_PT,
        "legend.frameon": False,
        "figure.facecolor": "white",
        "axes.facecolor": "white",
        "figure.dpi": DPI,
        "savefig.dpi": DPI,
    }


def _encode(fig) -> bytes:
    """Draw once and write an RGB PNG with only the pHYs (dpi) chunk (generator.png)."""
    import numpy as np

    canvas = fig.canvas
    canvas.draw()
    return encode_opaque_rgba(np.asarray(canvas.buffer_rgba()), DPI)   # the face is white


def _glyph(message: str) -> str:
    match = re.match(r"Glyph (\d+)", message)
    return chr(int(match.group(1))) if match else "?"


# ---------------------------------------------------------------- canvas

# The matplotlib versions whose Agg text drawing _text_renderer_class repeats, and whose axes
# _axes_class trims (the pixel tests compare both with matplotlib's own); on any other version
# the charts are drawn by matplotlib's own canvas and axes.
_TUNED_VERSIONS = ("3.11.",)
_KEPT_RENDERERS = 8        # per thread: one per figure size, each holding its pixel buffer
_KEPT_LAYOUTS = 20_000     # per thread: laid-out texts, dropped all at once past this


def tuned_matplotlib() -> bool:
    """Whether the installed matplotlib is one `_canvas_class` and `_axes_class` were written
    for (else the charts are drawn by matplotlib's own canvas and axes)."""
    return _mpl_version().startswith(_TUNED_VERSIONS)


@functools.cache
def _canvas_class():
    """The canvas the charts are drawn on: on the matplotlib versions _text_renderer_class was
    written for, matplotlib's Agg canvas drawing on renderers kept per thread and figure size
    (with their text layouts); on any other version, matplotlib's own canvas.

    matplotlib measures each text through a cache of its renderer, and a canvas of its own
    makes a renderer (and a pixel buffer) for every figure: each chart measured again the
    years, the county names and the tick labels the previous one had measured. Kept, one
    renderer serves every chart of its size in a thread (a chart's pixels are encoded before
    the next one is drawn: `_encode`), so those measures are made once per process. A text
    measured once warns of a missing glyph once: the text renderer warns on each draw."""
    from matplotlib.backends.backend_agg import FigureCanvasAgg

    if not tuned_matplotlib():
        return FigureCanvasAgg
    renderer_class = _text_renderer_class()

    class Canvas(FigureCanvasAgg):
        def get_renderer(self):
            width, height = self.get_width_height(physical=True)
            key = (width, height, self.figure.dpi)
            kept = _kept("renderers")
            renderer = kept.pop(key, None)   # re-inserted last: the oldest is dropped first
            if renderer is None:
                renderer = renderer_class(width, height, self.figure.dpi)
                if len(kept) >= _KEPT_RENDERERS:
                    del kept[next(iter(kept))]
            kept[key] = renderer
            self.renderer = renderer
            return renderer

    return Canvas


def _kept(name: str) -> dict:
    return _KEPT.__dict__.setdefault(name, {})


def _text_renderer_class():
    """The Agg renderer of matplotlib 3.11 with its text drawing kept between texts.

    For every text, matplotlib 3.11 reads the font's height tables (on each of the two or
    three layouts of the text in a draw), shapes the string again to draw it (after shaping
    it to measure it) and builds the same rotation matrix with numpy for every glyph. Here
    the first two are kept per thread, keyed by everything they depend on (string, font
    properties, dpi, hinting, features, language), and the matrix is built once per text;
    each glyph is still rendered at its own position, by matplotlib, as before. The steps
    are matplotlib's own (backend_agg.RendererAgg.draw_text and _draw_text_glyphs_and_boxes,
    text.Text._get_layout), so the pixels are the same: tests/exhibits/test_charts.py
    compares every kind of chart with matplotlib's drawing of it."""
    from matplotlib.backends.backend_agg import RendererAgg

    return type("TextRenderer", (RendererAgg,), {
        "_get_font_height_metrics": _font_height_metrics,   # text.Text._get_layout asks
        "draw_text": _draw_text,
    })


def _kept_layouts(name: str) -> dict:
    store = _kept(name)
    if len(store) >= _KEPT_LAYOUTS:
        store.clear()
    return store


def _font_height_metrics(renderer, prop):
    from matplotlib.font_manager import fontManager, get_font

    heights = _kept_layouts("heights")
    key = (prop.copy(), renderer.dpi)
    found = heights.get(key)
    if found is None:
        found = heights[key] = _font_heights(get_font(fontManager._find_fonts_by_props(prop)),
                                             prop.get_size_in_points(), renderer.dpi)
    return found


def _draw_text(renderer, gc, x, y, s, prop, angle, ismath=False, mtext=None):
    from matplotlib.backends.backend_agg import RendererAgg, get_hinting_flag

    if ismath:
        return RendererAgg.draw_text(renderer, gc, x, y, s, prop, angle, ismath, mtext)
    flags = get_hinting_flag()
    features = mtext.get_fontfeatures() if mtext is not None else None
    language = mtext.get_language() if mtext is not None else None
    layouts = _kept_layouts("layouts")
    key = (s, prop.copy(), renderer.dpi, flags, features, language)
    found = layouts.get(key)
    if found is None:
        found = layouts[key] = _text_layout(renderer, s, prop, flags, features, language)
    glyphs, missing, family = found
    for char in missing:   # as matplotlib's measuring warns (render_chart reads it)
        warnings.warn(f"Glyph {ord(char)} missing from font(s) {family}.", stacklevel=2)
    _draw_glyphs(renderer, gc, x, y, angle, glyphs, prop.get_size_in_points(), flags)


def _text_layout(renderer, s, prop, flags, features, language):
    """(glyphs, characters no font of `prop` has, family) of one line of text. A character
    none has is drawn from matplotlib's last-resort font (a box)."""
    from matplotlib.font_manager import fontManager

    font = renderer._prepare_font(prop)
    items = font._layout(s, flags=flags, features=features, language=language)
    own = {str(path) for path in fontManager._find_fonts_by_props(prop)}
    missing = tuple(dict.fromkeys(item.char[0] for item in items
                                  if item.char and str(item.ft_object.fname) not in own))
    glyphs = tuple((item.ft_object, item.glyph_index, item.x, item.y) for item in items)
    return glyphs, missing, font.family_name


def _draw_glyphs(renderer, gc, x, y, angle, glyphs, size, flags):
    from matplotlib.ft2font import RenderMode

    cos, sin = math.cos(math.radians(angle)), math.sin(math.radians(angle))
    matrix = [[round(0x10000 * cos), round(-0x10000 * sin)],
              [round(0x10000 * sin), round(0x10000 * cos)]]
    mono = not gc.get_antialiased()
    mode = RenderMode.MONO if mono else RenderMode.NORMAL
    height, sized = renderer.height, None
    for font, index, dx, dy in glyphs:  # y is downwards, dy upwards
        if font is not sized:   # nothing else uses the font until this text is drawn
            font.set_size(size, renderer.dpi)
            sized = font
        font._set_transform(matrix, [round(0x40 * (x + dx * cos - dy * sin)),
                                     round(0x40 * (height - y + dx * sin + dy * cos))])
        bitmap = font._render_glyph(index, flags, mode)
        buffer = bitmap.buffer
        if mono:
            buffer *= 0xff
        renderer._renderer.draw_text_image(
            buffer, bitmap.left, int(height) - bitmap.top + buffer.shape[0], 0, gc)


def _font_heights(font, size: float, dpi: float) -> tuple:
    """(ascent, descent, line gap) in pixels from the font's tables, as matplotlib's
    text.Text._get_layout reads them (its expressions in its order: the same floats), or
    Nones, when matplotlib measures "lp" instead."""
    head, os2, hhea = (font.get_sfnt_table("head"), font.get_sfnt_table("OS/2"),
                       font.get_sfnt_table("hhea"))
    if head is None:
        return (None, None, None)
    scale = 1 / head["unitsPerEm"] * size * dpi / 72
    if os2 is not None:
        return (os2["sTypoAscender"] * scale, -os2["sTypoDescender"] * scale,
                os2["sTypoLineGap"] * scale)
    if hhea is not None:
        return (hhea["ascent"] * scale, -hhea["descent"] * scale, hhea["lineGap"] * scale)
    return (None, None, None)


# ---------------------------------------------------------------- layout helpers

def _em(text: str) -> float:
    """Width of the widest line of `text` in em: wide characters (`generator.text.is_wide`:
    CJK, full-width, and ambiguous ones like “”… that the CJK font draws full-width) 1,
    others about 0.6."""
    return max((sum(1.0 if is_wide(c) else 0.6 for c in line)
                for line in text.split("\n")), default=0.0)


def _greedy(tokens: list[str], width: float) -> list[str]:
    """Fill lines up to `width` em, breaking only where `generator.text.may_break` allows:
    closing punctuation hangs on the line before it (past `width`), and opening brackets
    move on to the line after it."""
    lines = [""]
    for token in tokens:
        line = lines[-1]
        if line and token[0] not in NO_LINE_START and _em(line + token) > width + 1e-9:
            cut = len(line)
            while cut and not may_break(line[cut - 1], (line + token)[cut]):
                cut -= 1
            if cut:
                lines[-1:] = [line[:cut], line[cut:]]
        lines[-1] += token
    return [line for line in lines if line]


def _wrap(text: str, max_em: float) -> str:
    """Break `text` into as few lines of at most about `max_em` as possible, balanced (10
    characters at 8 → 5 + 5), keeping runs of digits/letters whole and following the Chinese
    line-breaking rules for brackets and punctuation."""
    if "\n" in text or _em(text) <= max_em:
        return text
    tokens = re.findall(r"[A-Za-z0-9.%]+|.", text)
    count = math.ceil(_em(text) / max_em)
    width = _em(text) / count
    lines = _greedy(tokens, width)
    while len(lines) > count and width < max_em:
        width = min(width + 0.2, max_em)
        lines = _greedy(tokens, width)
    return "\n".join(lines)


def _lines(text: str) -> int:
    return text.count("\n") + 1


def _figure(height_pt: float):
    from matplotlib.figure import Figure

    fig = Figure(figsize=(WIDTH_CM / 2.54, height_pt / 72), dpi=DPI)
    _canvas_class()(fig)
    return fig


def _axes(fig, left: float, right: float, bottom: float, top: float):
    """Axes placed by margins in points (figure sizes are known, so no layout pass is needed)."""
    w, h = fig.get_size_inches() * 72
    return fig.add_axes((left / w, bottom / h, (w - left - right) / w, (h - bottom - top) / h),
                        axes_class=_axes_class())


@functools.cache
def _axes_class():
    """The axes the charts are drawn in: on the matplotlib versions this was written for,
    matplotlib's axes without their data limits; on any other version, matplotlib's own.

    For every bar and line added, matplotlib's axes work out the data's extent (the patch's
    path through its transforms), which only autoscaling reads. Every chart sets both of its
    limits itself (`_value_axis`, `_hbar_frame`, and set_xlim/set_ylim), which turns
    autoscaling off, so the extent is never read: without it a chart is drawn with about 8%
    less CPU (the sample's 36 charts, 42 → 39 ms each), to the same pixels
    (tests/exhibits/test_charts.py compares every kind with matplotlib's own axes)."""
    from matplotlib.axes import Axes

    if not tuned_matplotlib():
        return Axes

    class ChartAxes(Axes):
        def _update_patch_limits(self, patch) -> None:
            pass

        def _update_line_limits(self, line) -> None:
            pass

    return ChartAxes


def _limits(lo: float, hi: float, label_pt: float, axis_pt: float) -> tuple[float, float]:
    """Axis limits covering [lo, hi] and 0, plus room for a `label_pt` value label past each end."""
    lo, hi = min(lo, 0.0), max(hi, 0.0)
    if hi == lo:
        hi = lo + 1.0
    frac = min((label_pt + 4) / axis_pt, 0.5)
    span = (hi - lo) / (1 - frac * ((hi > 0) + (lo < 0)))
    return (lo - span * frac if lo < 0 else 0.0), (hi + span * frac if hi > 0 else 0.0)


def _ticks(lo: float, hi: float) -> tuple[list[float], int]:
    """Round tick values inside [lo, hi] and the decimals that print them all the same way."""
    from matplotlib.ticker import MaxNLocator

    ticks = [t for t in MaxNLocator(nbins=5, steps=[1, 2, 2.5, 5, 10]).tick_values(lo, hi)
             if lo - 1e-9 <= t <= hi + 1e-9]
    step = ticks[1] - ticks[0] if len(ticks) > 1 else 1.0
    decimals = next((d for d in range(5) if abs(step * 10**d - round(step * 10**d)) < 1e-6), 4)
    return ticks, decimals


def _value_axis(ax, axis: str, lo: float, hi: float) -> None:
    """Limits, ticks (printed by fmt.number) and a light grid on the value axis; with negative
    values the baseline is a line at zero instead of the axis edge.

    The ticks are drawn as plain lines and texts exactly where matplotlib would put its own
    (the grid below the bars, each label 4 pt off the axis, in the tick labels' transform: the
    same pixels), and the axis itself is hidden: each of its tick objects is two markers, a
    grid line and two texts, built and laid out on every draw. No axis of a chart is drawn,
    so the style sets nothing for ticks: these texts take the body font and colour."""
    ticks, decimals = _ticks(lo, hi)
    (ax.set_ylim if axis == "y" else ax.set_xlim)(lo, hi)
    (ax.yaxis if axis == "y" else ax.xaxis).set_visible(False)
    line = ax.axhline if axis == "y" else ax.axvline
    transform, va, ha = (ax.get_yaxis_text1_transform if axis == "y"
                         else ax.get_xaxis_text1_transform)(4)
    for t in ticks:
        line(t, color=GRID, linewidth=0.6, zorder=0.5)
        xy = (0, t) if axis == "y" else (t, 0)
        ax.text(*xy, fmt.number(t, decimals), transform=transform, va=va, ha=ha,
                clip_on=False, gid=TICK_LABEL)
    if lo < 0:
        ax.spines["bottom" if axis == "y" else "left"].set_visible(False)
        line(0, color=AXIS, linewidth=0.8, zorder=2.5)


def _category_labels(ax, texts: list[str]) -> None:
    """A name under each column (5 pt below the axes, centred), drawn as plain texts where
    matplotlib would put tick labels, with the axis itself hidden (see _value_axis)."""
    ax.xaxis.set_visible(False)
    transform, va, ha = ax.get_xaxis_text1_transform(5)
    for i, text in enumerate(texts):
        ax.text(i, 0, text, transform=transform, va=va, ha=ha, clip_on=False,
                gid=CATEGORY_LABEL)


def _tick_label_pt(lo: float, hi: float) -> float:
    ticks, decimals = _ticks(lo, hi)
    return max(_em(fmt.number(t, decimals)) for t in ticks) * FONT_PT


def _fit_font(text: str, room_pt: float, largest: float = FONT_PT, smallest: float = 6.5) -> float:
    """The largest font size (down to `smallest`) at which `text` fits in `room_pt`."""
    return max(smallest, min(largest, (room_pt - 2) / max(_em(text), 0.1)))


def _unit_caption(fig, ax, unit: str, x_pt: float) -> None:
    """单位：… above the top-left corner of the value axis, where official charts put it."""
    if not unit:
        return
    w, h = fig.get_size_inches() * 72
    fig.text(x_pt / w, ax.get_position().y1 + 4 / h, labels.UNIT.format(unit=unit), ha="left", va="bottom")


# ---------------------------------------------------------------- the four kinds

def _hbar_frame(labels: list[str], gap: float, top: float, bottom: float, right: float = 14.0):
    """Figure and axes for horizontal bars, one row per label (wrapped at 8 characters), first
    row on top; the figure grows taller rather than squeezing many rows. Returns
    (fig, ax, left margin, axes width, axes height) in points."""
    n = len(labels)
    wrapped = [_wrap(label, 8) for label in labels]
    left = max(_em(lab) for lab in wrapped) * FONT_PT + 12
    axes_h = max(HEIGHT_CM * PT_PER_CM - top - bottom,
                 n * (max(_lines(lab) for lab in wrapped) * LINE_PT + gap))
    fig = _figure(axes_h + top + bottom)
    ax = _axes(fig, left, right, bottom, top)
    ax.set_ylim(n - 0.5, -0.5)
    ax.yaxis.set_visible(False)
    # The row names stand where tick labels would (6 pt left of the axes, right-aligned, same
    # font), drawn as plain texts: matplotlib's tick objects, one per row, are most of the
    # time of a chart of 200 regions.
    for i, name in enumerate(wrapped):
        ax.annotate(name, (0, i), xycoords=("axes fraction", "data"), xytext=(-6, 0),
                    textcoords="offset points", ha="right", va="center_baseline",
                    annotation_clip=False)
    ax.spines["bottom"].set_visible(False)
    return fig, ax, left, WIDTH_CM * PT_PER_CM - left - right, axes_h


def _hbars(ax, values: list[float], texts: list[str], colors: list[str], axes_h: float) -> None:
    """Bars (at most 18 pt thick) with their value labels just past each end."""
    ax.barh(range(len(values)), values, height=min(0.6, 18 / (axes_h / len(values))),
            color=colors, zorder=2)
    for i, (v, text) in enumerate(zip(values, texts, strict=True)):
        ax.annotate(text, (v, i), xytext=(3 if v >= 0 else -3, 0), textcoords="offset points",
                    ha="left" if v >= 0 else "right", va="center", fontsize=FONT_PT,
                    bbox=_LABEL_BOX, zorder=4)


def _vline(ax, x: float, lo: float, hi: float, text: str) -> None:
    """A dashed reference line across horizontal bars, labelled above the axes."""
    ax.axvline(x, color=REF_LINE, linestyle=(0, (4, 3)), linewidth=1.0, zorder=3)
    frac = (x - lo) / (hi - lo)
    ax.annotate(text, (frac, 1.0), xycoords="axes fraction", xytext=(0, 4),
                textcoords="offset points", va="bottom",
                ha="left" if frac < 0.12 else "right" if frac > 0.88 else "center")


def _bottom_row(fig, left: float, right: float, unit: str, handles: list) -> None:
    """Legend at the bottom left and 单位：… at the bottom right, under horizontal bars."""
    w, h = fig.get_size_inches() * 72
    if handles:
        fig.legend(handles=handles, loc="lower left", bbox_to_anchor=(left / w, 4 / h), ncol=2,
                   borderpad=0, borderaxespad=0, handlelength=1.2, handleheight=0.9,
                   columnspacing=1.6, handletextpad=0.5)
    if unit:
        fig.text(1 - right / w, 4 / h, labels.UNIT.format(unit=unit), ha="right", va="bottom")


def _draw_progress(spec: ProgressChart):
    from matplotlib.patches import Patch

    right = 14.0
    fig, ax, left, axes_w, axes_h = _hbar_frame(list(spec.labels), 6, 20, 38, right)
    tp = spec.time_progress
    shown = [fmt.percent(v, 1) for v in spec.completion]
    # Compare what the reader sees: 59.96% prints as 60.0% and must not look lagging at 60.0%.
    lagging = [fmt.round_half_up(v, 1) < fmt.round_half_up(tp, 1) for v in spec.completion]
    label_pt = max(_em(s) for s in shown) * FONT_PT
    lo, hi = _limits(min(min(spec.completion), tp), max(max(spec.completion), tp, 100.0),
                     label_pt, axes_w)
    _value_axis(ax, "x", lo, hi)
    _hbars(ax, list(spec.completion), shown, [ALERT if lag else BLUE for lag in lagging], axes_h)
    _vline(ax, tp, lo, hi, labels.TIME_PROGRESS.format(progress=fmt.percent(tp, 1)))
    handles = [Patch(color=c, label=t) for c, t, on in
               ((BLUE, labels.ON_PACE, not all(lagging)), (ALERT, labels.LAGGING, any(lagging)))
               if on]
    _bottom_row(fig, left, right, "%", handles)
    return fig


def _draw_compare(spec: CompareChart):
    order = sorted(range(len(spec.values)), key=lambda i: (-spec.values[i], i))
    names = [spec.labels[i] for i in order]
    values = [spec.values[i] for i in order]
    n = len(values)
    shown = [fmt.number(v, spec.decimals) for v in values]
    avg_text = f"{spec.average_label}\n{fmt.number(spec.average, spec.decimals)}{spec.unit}"
    colors = [ALERT if name == spec.highlight else BLUE for name in names]
    vlo, vhi = min(min(values), spec.average), max(max(values), spec.average)

    top, right = 22.0, _em(avg_text) * FONT_PT + 10
    left = _tick_label_pt(min(vlo, 0), vhi * 1.25 if vhi > 0 else 0) + 16
    axes_w = WIDTH_CM * PT_PER_CM - left - right
    slot = axes_w / n
    per_line = (slot - 4) // FONT_PT
    if per_line < 3:  # too many regions for names under columns: one row per region instead
        return _compare_rows(spec, names, values, shown, colors)
    wrapped = [_wrap(name, per_line) for name in names]
    bottom = max(_lines(t) for t in wrapped) * LINE_PT + 12
    fig = _figure(HEIGHT_CM * PT_PER_CM)
    ax = _axes(fig, left, right, bottom, top)
    axes_h = HEIGHT_CM * PT_PER_CM - top - bottom

    lo, hi = _limits(vlo, vhi, LINE_PT, axes_h)
    _value_axis(ax, "y", lo, hi)
    ax.bar(range(n), values, width=min(0.56, 36 / slot), color=colors, zorder=2)
    ax.set_xlim(-0.5, n - 0.5)
    _category_labels(ax, wrapped)
    ax.spines["left"].set_visible(False)
    for i, (v, text) in enumerate(zip(values, shown, strict=True)):
        ax.annotate(text, (i, v), xytext=(0, 2 if v >= 0 else -2), textcoords="offset points",
                    ha="center", va="bottom" if v >= 0 else "top",
                    fontsize=_fit_font(text, slot), bbox=_LABEL_BOX, zorder=4)

    ax.axhline(spec.average, color=REF_LINE, linestyle=(0, (4, 3)), linewidth=1.0, zorder=3)
    ax.annotate(avg_text, (1.0, spec.average), xycoords=("axes fraction", "data"),
                xytext=(5, 0), textcoords="offset points", ha="left", va="center",
                linespacing=1.3, annotation_clip=False)
    _unit_caption(fig, ax, spec.unit, 4)
    return fig


def _compare_rows(spec: CompareChart, names, values, shown, colors):
    right = 14.0
    fig, ax, left, axes_w, axes_h = _hbar_frame(names, 6, 20, 24, right)
    lo, hi = _limits(min(min(values), spec.average), max(max(values), spec.average),
                     max(_em(s) for s in shown) * FONT_PT, axes_w)
    _value_axis(ax, "x", lo, hi)
    _hbars(ax, values, shown, colors, axes_h)
    _vline(ax, spec.average, lo, hi,
           f"{spec.average_label}{fmt.number(spec.average, spec.decimals)}{spec.unit}")
    _bottom_row(fig, left, right, spec.unit, [])
    return fig


def _legend_rows(names: list[str], room_pt: float) -> int:
    """Columns of a one-line-per-row legend that fit in `room_pt` (at least one)."""
    widths = [(_em(name) + 1.2 + 0.5 + 1.6) * FONT_PT for name in names]
    for ncol in range(len(names), 0, -1):
        rows = [widths[i:i + ncol] for i in range(0, len(widths), ncol)]
        if max(sum(r) for r in rows) <= room_pt:
            return ncol
    return 1


def _draw_trend(spec: TrendChart):
    names = [name for name, _ in spec.series]
    k, n = len(names), len(spec.years)
    numbers = [v for _, vals in spec.series for v in vals if v is not None]
    vlo, vhi = min(numbers), max(numbers)

    right = 14.0
    left = _tick_label_pt(min(vlo, 0), vhi * 1.25 if vhi > 0 else 0) + 16
    axes_w = WIDTH_CM * PT_PER_CM - left - right
    unit_pt = (_em(labels.UNIT.format(unit=spec.unit)) + 2) * FONT_PT if spec.unit else 0
    ncol = _legend_rows(names, axes_w - unit_pt) if k > 1 else 1
    top = 10 + LINE_PT * max(1, math.ceil(k / ncol) if k > 1 else 1)
    bottom = LINE_PT + 12
    fig = _figure(HEIGHT_CM * PT_PER_CM)
    ax = _axes(fig, left, right, bottom, top)
    axes_h = HEIGHT_CM * PT_PER_CM - top - bottom

    group = 0.72 if k > 1 else 0.5
    width = group / k
    bar_pt = axes_w / n * width
    texts = [fmt.number(v, spec.decimals) for v in numbers]
    size = min(_fit_font(t, bar_pt + 2, FONT_PT, 6.5) for t in texts)
    rotate = any(_em(t) * size > bar_pt + 2 for t in texts)
    label_pt = max(_em(t) for t in texts) * size if rotate else size * 1.3
    lo, hi = _limits(vlo, vhi, label_pt, axes_h)
    _value_axis(ax, "y", lo, hi)

    for j, (name, vals) in enumerate(spec.series):
        color = SERIES[j % len(SERIES)]
        xs = [i - group / 2 + width * (j + 0.5) for i in range(n)]
        present = [(x, v) for x, v in zip(xs, vals, strict=True) if v is not None]
        ax.bar([x for x, _ in present], [v for _, v in present], width=width * 0.92,
               color=color, label=name, zorder=2)
        for x, v in present:
            ax.annotate(fmt.number(v, spec.decimals), (x, v), xytext=(0, 2 if v >= 0 else -2),
                        textcoords="offset points", ha="center",
                        va="bottom" if v >= 0 else "top", fontsize=size,
                        rotation=90 if rotate else 0, bbox=_LABEL_BOX, zorder=4)
    ax.set_xlim(-0.5, n - 0.5)
    _category_labels(ax, [labels.YEAR.format(year=y) for y in spec.years])
    ax.spines["left"].set_visible(False)
    _unit_caption(fig, ax, spec.unit, 4)
    if k > 1:
        ax.legend(loc="lower right", bbox_to_anchor=(1.0, 1.0), ncol=ncol, borderpad=0,
                  borderaxespad=0.3, handlelength=1.2, handleheight=0.9, columnspacing=1.6,
                  handletextpad=0.5)
    return fig


def _spread(wanted: list[float], gap: float, lo: float, hi: float) -> list[float]:
    """Label heights near `wanted` (sorted high to low) at least `gap` apart, within [lo, hi]."""
    ys: list[float] = []
    for y in wanted:
        ys.append(min(y, hi) if not ys else min(y, ys[-1] - gap))
    if ys and ys[-1] < lo:
        ys[-1] = lo
        for i in range(len(ys) - 2, -1, -1):
            ys[i] = max(ys[i], ys[i + 1] + gap)
    return ys


def _draw_structure(spec: StructureChart):
    total = sum(spec.values)
    parts = [(lab, v, PARTS[i % len(PARTS)])
             for i, (lab, v) in enumerate(zip(spec.labels, spec.values, strict=True)) if v > 0]
    texts = [f"{lab} {fmt.percent(v / total * 100, 1)}" for lab, v, _ in parts]

    height_pt, width_pt = HEIGHT_CM * PT_PER_CM, WIDTH_CM * PT_PER_CM
    if max(_em(t) for t in texts) * FONT_PT > width_pt * 0.3:  # long names: wrap them
        texts = [f"{_wrap(lab, 8)} {fmt.percent(v / total * 100, 1)}" for lab, v, _ in parts]
    label_pt = max(_em(t) for t in texts) * FONT_PT
    # 1 data unit = the donut's radius; the label column starts at 1.30 units from the centre
    unit_pt = min(height_pt / 2 / 1.3, (width_pt / 2 - label_pt - 8) / 1.30)
    half_w, half_h = width_pt / 2 / unit_pt, height_pt / 2 / unit_pt

    fig = _figure(height_pt)
    ax = _axes(fig, 0, 0, 0, 0)   # the whole figure
    ax.set_axis_off()
    ax.set_xlim(-half_w, half_w)
    ax.set_ylim(-half_h, half_h)
    wedges, _ = ax.pie([v for _, v, _ in parts], colors=[c for *_, c in parts], startangle=90,
                       counterclock=False, radius=1.0,
                       wedgeprops={"width": 0.38, "edgecolor": "white", "linewidth": 1.2})
    ax.set_xlim(-half_w, half_w)  # pie() resets limits and aspect; the figure fixes both
    ax.set_ylim(-half_h, half_h)
    total_text = labels.TOTAL.format(total=fmt.number(total, spec.decimals) + spec.unit)
    ax.text(0, 0, total_text, ha="center", va="center", linespacing=1.4,
            fontsize=_fit_font(total_text, 2 * 0.62 * unit_pt * 0.85, 10))

    line_units = max(_lines(t) for t in texts) * LINE_PT / unit_pt
    for side in (1, -1):
        items = []
        for wedge, text in zip(wedges, texts, strict=True):
            mid = math.radians((wedge.theta1 + wedge.theta2) / 2)
            x, y = math.cos(mid), math.sin(mid)
            if (x >= -1e-9) == (side == 1):
                items.append((y, x, text))
        items.sort(key=lambda it: -it[0])
        lim = half_h - line_units / 2
        ys = _spread([1.1 * y for y, _, _ in items], line_units, -lim, lim)
        for (y, x, text), ly in zip(items, ys, strict=True):
            ax.plot([x * 0.98, x * 1.08, side * 1.22], [y * 0.98, y * 1.08, ly], color=AXIS,
                    linewidth=0.6, solid_joinstyle="round")
            ax.text(side * 1.26, ly, text, ha="left" if side == 1 else "right", va="center",
                    linespacing=1.25)
    return fig


# each takes its own class of spec
_DRAWERS: dict[type, Callable[[Any], Any]] = {
    ProgressChart: _draw_progress,
    CompareChart: _draw_compare,
    TrendChart: _draw_trend,
    StructureChart: _draw_structure,
}
