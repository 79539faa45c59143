"""Tests for generator/exhibits/charts.py: the images, what they say, the cache, errors."""

from __future__ import annotations

import os
import re
import struct
import subprocess
import sys
import warnings
import zlib
from pathlib import Path

import pytest

from generator import fmt
from generator.errors import LayoutError
from generator.exhibits import charts
from generator.exhibits.specs import CompareChart, ProgressChart, TrendChart
from tests.exhibits.chart_samples import BAD, COMPARE, COUNTIES, PROGRESS, SPECS, STRUCTURE, TREND

ROOT = Path(__file__).resolve().parents[2]

ALL = pytest.mark.parametrize("spec", list(SPECS.values()), ids=list(SPECS))


@pytest.fixture(autouse=True)
def _fresh_cache():
    charts.clear_cache()
    yield
    charts.clear_cache()


def chunks(png: bytes) -> list[tuple[bytes, bytes]]:
    """The (type, data) chunks of a PNG, checking each CRC."""
    assert png[:8] == b"\x89PNG\r\n\x1a\n"
    out, pos = [], 8
    while pos < len(png):
        (length,) = struct.unpack(">I", png[pos:pos + 4])
        kind, data = png[pos + 4:pos + 8], png[pos + 8:pos + 8 + length]
        (crc,) = struct.unpack(">I", png[pos + 8 + length:pos + 12 + length])
        assert zlib.crc32(kind + data) == crc
        out.append((kind, data))
        pos += 12 + length
    return out


def geometry(png: bytes) -> tuple[int, int, float]:
    """(width px, height px, dpi) from IHDR and pHYs."""
    found = dict(chunks(png))
    width, height = struct.unpack(">II", found[b"IHDR"][:8])
    ppm_x, _, unit = struct.unpack(">IIB", found[b"pHYs"])
    assert unit == 1  # metres
    return width, height, ppm_x * 0.0254


# ---------------------------------------------------------------- images

@ALL
def test_renders_a_png_15_cm_wide_at_200_dpi(spec):
    png = charts.render_chart(spec)
    width, height, dpi = geometry(png)
    assert dpi == pytest.approx(200, abs=0.5)
    assert width / dpi * 2.54 == pytest.approx(15.0, abs=0.02)
    assert height / dpi * 2.54 == pytest.approx(8.5, abs=0.1)
    assert [k for k, _ in chunks(png)][-1] == b"IEND"


def test_many_rows_make_a_taller_figure_not_a_narrower_one():
    labels = tuple(f"第{i}项培训指标名称" for i in range(14))
    png = charts.render_chart(ProgressChart("多指标", labels, tuple(range(14)), 40))
    width, height, dpi = geometry(png)
    assert width / dpi * 2.54 == pytest.approx(15.0, abs=0.02)
    assert height / dpi * 2.54 > 10


def test_crowded_comparison_switches_to_rows():
    names = tuple(f"{c}{i}" for i in range(2) for c in COUNTIES)
    png = charts.render_chart(CompareChart("十六地区", names, tuple(range(16)), 7.5, "学时", 1))
    _, height, dpi = geometry(png)
    assert height / dpi * 2.54 > 10


@ALL
def test_no_glyph_is_missing_and_no_warning_at_all(spec):
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        charts.render_chart(spec)


def test_a_character_the_font_lacks_is_a_layout_error_naming_chart_and_character():
    spec = CompareChart("人均学时", ("𪚥县", "东湖区"), (1, 2), 1.5, "学时", 1)
    with pytest.raises(LayoutError, match="人均学时") as info:
        charts.render_chart(spec)
    assert "𪚥" in info.value.format_message()


def test_font_covers_what_charts_print():
    from matplotlib.ft2font import FT2Font

    cmap = FT2Font(str(charts._font_path())).get_charmap()
    text = "".join(COUNTIES) + "（）、％：%-−.0123456789年单位全市平均时序进度合计达到滞后于“”《》"
    assert [c for c in text if ord(c) not in cmap] == []


@ALL
def test_same_spec_gives_identical_bytes(spec):
    assert charts.render_chart(spec) == charts.render_chart(spec)


def test_bytes_do_not_depend_on_the_process():
    code = ("import sys; from tests.exhibits.chart_samples import SPECS; from generator.exhibits.charts import "
            "render_chart; import hashlib; "
            "print(hashlib.sha256(render_chart(SPECS['trend'])).hexdigest())")
    env = {**os.environ, "PYTHONHASHSEED": "12345"}
    other = subprocess.run([sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True,
                           text=True, check=True).stdout.strip()
    import hashlib

    assert other == hashlib.sha256(charts.render_chart(TREND)).hexdigest()


def test_png_carries_no_time_text_or_software_chunk():
    kinds = {k for k, _ in chunks(charts.render_chart(COMPARE))}
    assert kinds <= {b"IHDR", b"pHYs", b"IDAT", b"IEND"}


def test_rc_params_do_not_leak():
    import matplotlib as mpl

    before = dict(mpl.rcParams)
    charts.render_chart(STRUCTURE)
    assert dict(mpl.rcParams) == before


# ---------------------------------------------------------------- the canvas

# Every kind, and texts drawn in the other ways the charts draw them: many wrapped rows, a
# crowded comparison drawn as rows, value labels turned upright over narrow columns, negative
# values, font sizes fitted to the room.
CANVAS_SPECS = [
    *SPECS.values(),
    ProgressChart("多指标", tuple(f"第{i}项培训指标名称" for i in range(14)), tuple(range(14)), 40),
    CompareChart("十六地区", tuple(f"{c}{i}" for i in range(2) for c in COUNTIES),
                 tuple(range(16)), 7.5, "学时", 1),
    TrendChart("窄柱", tuple(range(2018, 2026)),
               tuple((n, tuple(12345.6 + 101 * i for i in range(8))) for n in ("甲", "乙", "丙")),
               "人次", 1),
]


def test_on_this_matplotlib_the_charts_use_the_kept_renderers():
    """The pixel test below compares something: on the matplotlib the tests run with, the
    charts are drawn on the kept renderers, not matplotlib's own canvas."""
    if not charts.tuned_matplotlib():
        pytest.skip(f"matplotlib {charts._mpl_version()}: charts are drawn by matplotlib's "
                    "own canvas, nothing to compare")
    from matplotlib.backends.backend_agg import RendererAgg

    renderer = charts._figure(200).canvas.get_renderer()
    assert type(renderer) is not RendererAgg and isinstance(renderer, RendererAgg)
    assert charts._figure(200).canvas.get_renderer() is renderer       # same size: kept
    assert charts._figure(300).canvas.get_renderer() is not renderer   # another size


def test_kept_renderers_and_text_layouts_draw_matplotlibs_own_pixels(monkeypatch):
    """Charts drawn one after another on kept renderers, with text layouts kept from the
    charts before (the second round finds every one kept), are byte for byte the charts
    matplotlib's own canvas draws, each on a renderer of its own."""
    from matplotlib.backends.backend_agg import FigureCanvasAgg

    ours = [charts.render_chart(spec) for spec in CANVAS_SPECS + CANVAS_SPECS[::-1]]
    monkeypatch.setattr(charts, "_canvas_class", lambda: FigureCanvasAgg)
    stock = [charts.render_chart(spec) for spec in CANVAS_SPECS]
    assert ours == stock + stock[::-1]


def test_the_charts_axes_skip_data_limits_and_draw_matplotlibs_own_pixels(monkeypatch):
    """On the matplotlib the tests run with, the charts' axes keep no data limits (so this
    compares something), every chart has turned autoscaling off (the limits that are not
    kept are never read), and the charts come out byte for byte as in matplotlib's axes."""
    from matplotlib.axes import Axes

    if not charts.tuned_matplotlib():
        pytest.skip(f"matplotlib {charts._mpl_version()}: charts use matplotlib's own axes")
    assert charts._axes_class() is not Axes and issubclass(charts._axes_class(), Axes)
    made = []
    real_axes = charts._axes
    monkeypatch.setattr(charts, "_axes", lambda *args: made.append(real_axes(*args)) or made[-1])
    ours = [charts.render_chart(spec) for spec in CANVAS_SPECS]
    assert len(made) == len(CANVAS_SPECS)
    assert not any(ax.get_autoscalex_on() or ax.get_autoscaley_on() for ax in made)
    monkeypatch.setattr(charts, "_axes_class", lambda: Axes)
    assert [charts.render_chart(spec) for spec in CANVAS_SPECS] == ours


def test_a_missing_glyph_fails_every_chart_that_prints_it():
    """matplotlib warns of a missing glyph when it measures a text, and a kept renderer
    measures each text once: the second chart printing the same name must fail too."""
    compare = CompareChart("人均学时", ("𪚥县", "东湖区"), (1, 2), 1.5, "学时", 1)
    progress = ProgressChart("完成情况", ("𪚥县", "东湖区"), (50, 70), 60)
    for spec in (compare, compare, progress):
        with pytest.raises(LayoutError, match=spec.title) as info:
            charts.render_chart(spec)
        assert "𪚥" in info.value.format_message()


def _draw_all(_: int) -> list[bytes]:
    return [charts.render_chart(spec) for spec in CANVAS_SPECS * 2]


@pytest.mark.skipif(not hasattr(os, "fork"), reason="no fork on this system")
def test_processes_forked_after_drawing_draw_the_same_charts_at_once():
    """Drawers are forked from a process that may have drawn: the text layouts it kept hold
    matplotlib's fonts, whose open files a child would share (and seek in) with its parent
    and its siblings (FT_Load_Glyph: "broken file"). A child forgets them, as matplotlib
    forgets its fonts."""
    import multiprocessing

    alone = _draw_all(0)   # this process now keeps layouts for every text
    with multiprocessing.get_context("fork").Pool(2) as pool:
        drawn = pool.map(_draw_all, range(4), chunksize=1)
    assert drawn == [alone] * 4


def test_renderers_are_kept_for_the_last_few_sizes_only():
    if not charts.tuned_matplotlib():
        pytest.skip(f"matplotlib {charts._mpl_version()}: no renderer is kept")
    first = charts._figure(100).canvas.get_renderer()
    for i in range(charts._KEPT_RENDERERS - 1):
        charts._figure(110 + i).canvas.get_renderer()
    assert charts._figure(100).canvas.get_renderer() is first   # still one of the last few
    for i in range(charts._KEPT_RENDERERS):
        charts._figure(210 + i).canvas.get_renderer()
    assert charts._figure(100).canvas.get_renderer() is not first


# ---------------------------------------------------------------- what the charts say

def draw(spec):
    return charts._DRAWERS[type(spec)](spec)


def texts(fig) -> list[str]:
    """Every text of the chart but the axes' tick labels (see axis_texts)."""
    axis = (charts.TICK_LABEL, charts.CATEGORY_LABEL)
    return ([t.get_text() for ax in fig.axes for t in ax.texts if t.get_gid() not in axis]
            + [t.get_text() for t in fig.texts])


def axis_texts(ax, gid: str) -> list[str]:
    """The texts drawn where matplotlib's tick labels would be: the value axis' ticks
    (charts.TICK_LABEL) or the names under the columns (charts.CATEGORY_LABEL)."""
    return [t.get_text() for t in ax.texts if t.get_gid() == gid]


def test_compare_sorts_descending_highlights_and_labels_through_fmt():
    fig = draw(COMPARE)
    ax = fig.axes[0]
    names = axis_texts(ax, charts.CATEGORY_LABEL)
    assert names == ["青石县", "江城区", "安平市", "东湖区", "云岭县", "临川县", "西山区", "白沙县"]
    heights = [p.get_height() for p in ax.patches]
    assert heights == sorted(heights, reverse=True)
    colors = [p.get_facecolor() for p in ax.patches]
    highlighted = [n for n, c in zip(names, colors, strict=True) if c != colors[0]]
    assert highlighted == ["临川县"]
    shown = texts(fig)
    assert [fmt.number(h, 1) for h in heights] == shown[:8]
    assert "临江市平均\n56.5学时" in shown and "单位：学时" in shown


def test_progress_marks_lagging_bars_and_time_progress():
    fig = draw(PROGRESS)
    ax = fig.axes[0]
    shown = texts(fig)
    assert "时序进度60%" in shown and "76.5%" in shown and "-3.5%" in shown
    colors = [p.get_facecolor() for p in ax.patches]
    lagging = [c != colors[0] for c in colors]
    assert lagging == [False, True, False, True, False, True]
    assert "急需紧缺专\n业干部培训" in shown                  # a row name, left of its bar
    assert not ax.yaxis.get_visible()                        # (texts, not tick labels)


def test_progress_equal_after_rounding_is_not_lagging():
    fig = draw(ProgressChart("x", ("甲", "乙"), (59.96, 80.0), 60.0))
    colors = [p.get_facecolor() for p in fig.axes[0].patches]
    assert colors[0] == colors[1]


def test_trend_years_series_and_gaps():
    fig = draw(TREND)
    ax = fig.axes[0]
    assert axis_texts(ax, charts.CATEGORY_LABEL) == ["2023年", "2024年", "2025年"]
    assert len(ax.patches) == 8  # one year without data draws no bar
    assert "-2" in texts(fig) and "None" not in "".join(texts(fig))
    assert [t.get_text() for t in ax.get_legend().get_texts()] == [s[0] for s in TREND.series]


def test_structure_shares_and_total():
    shown = texts(draw(STRUCTURE))
    assert "党校主体班 35.2%" in shown and "实践锻炼 14.3%" in shown
    assert "合计\n10000人次" in shown


def test_wrapping_follows_chinese_line_breaking_rules():
    assert charts._wrap("党校（行政学院）主体班次培训", 8) == "党校（行政学院）\n主体班次培训"
    assert charts._wrap("急需紧缺专业干部培训", 8) == "急需紧缺专\n业干部培训"
    assert charts._wrap("本土化教学案例", 8) == "本土化教学案例"
    for line in charts._wrap("年轻干部（80后、90后）理论培训", 8).split("\n"):
        assert line[0] not in "）、" and line[-1] != "（"


# ---------------------------------------------------------------- cache

def test_identical_specs_render_once_per_process(monkeypatch):
    calls = []
    real = charts.render_chart
    monkeypatch.setattr(charts, "render_chart", lambda spec: calls.append(spec) or real(spec))
    first = charts.render_charts({"图1": COMPARE, "图2": COMPARE, "图3": TREND})
    assert len(calls) == 2 and first["图1"] is first["图2"]
    again = charts.render_charts({"县图": COMPARE})
    assert len(calls) == 2 and again["县图"] == first["图1"]


def test_lists_and_ints_make_the_same_spec_and_key():
    a = CompareChart("x", ["甲", "乙"], [1, 2], 1, "人", 0)
    b = CompareChart("x", ("甲", "乙"), (1.0, 2.0), 1.0, "人", 0)
    assert a == b and hash(a) == hash(b) and charts.cache_key(a) == charts.cache_key(b)
    assert charts.cache_key(a) != charts.cache_key(CompareChart("x", ("甲", "乙"), (1, 3), 1, "人", 0))


def test_the_cache_key_names_the_installed_matplotlib():
    import importlib.metadata

    assert charts._mpl_version() == importlib.metadata.version("matplotlib")


def test_cache_dir_round_trip(tmp_path, monkeypatch):
    cache = tmp_path / "cache"
    first = charts.render_charts({"a": STRUCTURE}, cache_dir=cache)
    key = charts.cache_key(STRUCTURE)
    assert (cache / f"{key}.png").read_bytes() == first["a"]
    assert [p.name for p in cache.iterdir()] == [f"{key}.png"]  # no temporary files left

    charts.clear_cache()

    def boom(spec):
        raise AssertionError("should come from the cache directory")

    monkeypatch.setattr(charts, "render_chart", boom)
    assert charts.render_charts({"b": STRUCTURE}, cache_dir=cache)["b"] == first["a"]


def test_a_damaged_cache_file_is_drawn_again(tmp_path):
    path = tmp_path / f"{charts.cache_key(TREND)}.png"
    path.write_bytes(b"\x89PNG\r\n\x1a\ntruncated")
    png = charts.render_charts({"t": TREND}, cache_dir=tmp_path)["t"]
    assert png == charts.render_chart(TREND) and path.read_bytes() == png


def test_a_cache_file_damaged_inside_is_drawn_again(tmp_path):
    """Its ends look right (signature, IEND), but a chunk fails its CRC (generator.png)."""
    good = charts.render_chart(TREND)
    path = tmp_path / f"{charts.cache_key(TREND)}.png"
    path.write_bytes(good[:100] + bytes([good[100] ^ 1]) + good[101:])
    charts.clear_cache()
    assert charts.render_charts({"t": TREND}, cache_dir=tmp_path)["t"] == good == path.read_bytes()


def test_unwritable_cache_dir_is_a_layout_error(tmp_path):
    blocker = tmp_path / "file"
    blocker.write_text("")
    with pytest.raises(LayoutError, match="图表缓存目录"):
        charts.render_charts({"a": STRUCTURE}, cache_dir=blocker / "sub")


# ---------------------------------------------------------------- errors


@pytest.mark.parametrize(("spec", "words"), BAD)
def test_bad_specs_raise_layout_error_naming_the_chart(spec, words):
    with pytest.raises(LayoutError) as info:
        charts.render_chart(spec)
    message = info.value.format_message()
    assert f"「{spec.title}」" in message and words in message
    assert re.search(r"[\u4e00-\u9fff]", message) and "Traceback" not in message


def test_render_charts_reports_every_bad_chart_before_drawing(monkeypatch):
    monkeypatch.setattr(charts, "render_chart", lambda spec: pytest.fail("drew before checking"))
    with pytest.raises(LayoutError) as info:
        charts.render_charts({"a": BAD[0][0], "b": COMPARE, "c": BAD[-1][0]})
    assert len(info.value.problems) == 2


# ---------------------------------------------------------------- imports

def test_only_charts_imports_matplotlib():
    pattern = re.compile(r"^\s*(import|from)\s+matplotlib\b", re.M)
    offenders = [str(p.relative_to(ROOT)) for p in sorted((ROOT / "generator").rglob("*.py"))
                 if p != ROOT / "generator" / "exhibits" / "charts.py" and p.is_file()
                 and pattern.search(p.read_text(encoding="utf-8"))]
    assert offenders == []
    assert pattern.search((ROOT / "generator" / "exhibits" / "charts.py").read_text(encoding="utf-8"))


def test_importing_charts_does_not_import_matplotlib():
    code = ("import sys, generator.exhibits.charts, generator.exhibits.specs; "
            "assert 'matplotlib' not in sys.modules, 'matplotlib imported'")
    subprocess.run([sys.executable, "-c", code], cwd=ROOT, check=True)


def test_a_new_cache_dir_gets_the_images_drawn_for_another(tmp_path):
    """The web preview reads the images from the output folder's cache: a second folder
    built in the same process must get them even when they come from memory."""
    first, second = tmp_path / "a", tmp_path / "b"
    charts.render_charts({"c": TREND}, cache_dir=first)
    charts.render_charts({"c": TREND}, cache_dir=second)
    name = f"{charts.cache_key(TREND)}.png"
    assert (second / name).read_bytes() == (first / name).read_bytes()


def _pixels(draw_axes, rc: dict | None = None) -> bytes:
    """The pixels of a small chart-styled figure (with `rc` on top of the charts' style)
    whose axes `draw_axes(ax)` fills."""
    import matplotlib as mpl

    with charts._styled():
        mpl.rcParams.update(rc or {})
        fig = charts._figure(160)
        ax = charts._axes(fig, 40, 14, 30, 10)
        draw_axes(ax)
        fig.canvas.draw()
        return bytes(fig.canvas.buffer_rgba())


@pytest.mark.parametrize("axis", ["x", "y"])
@pytest.mark.parametrize(("lo", "hi"), [(0, 87.5), (-12, 40)])
def test_ticks_drawn_as_texts_land_on_the_pixels_of_matplotlibs_own(axis, lo, hi):
    """The value axis and the column names are plain lines and texts (cheaper than the
    axis' tick objects), placed exactly where matplotlib's ticks, tick labels and grid fall."""
    from matplotlib.ticker import FixedFormatter, FixedLocator

    def own(ax):
        ticks, decimals = charts._ticks(lo, hi)
        target = ax.yaxis if axis == "y" else ax.xaxis
        (ax.set_ylim if axis == "y" else ax.set_xlim)(lo, hi)
        target.set_major_locator(FixedLocator(ticks))
        target.set_major_formatter(FixedFormatter([fmt.number(t, decimals) for t in ticks]))
        ax.grid(axis=axis, color=charts.GRID, linewidth=0.6)
        ax.set_axisbelow(True)
        ax.tick_params(axis=axis, length=0, pad=4)
        if lo < 0:
            ax.spines["bottom" if axis == "y" else "left"].set_visible(False)
            (ax.axhline if axis == "y" else ax.axvline)(0, color=charts.AXIS, linewidth=0.8,
                                                         zorder=2.5)
        if axis == "y":
            ax.set_xlim(-0.5, 2.5)
            ax.set_xticks(range(3), ["青石县", "江城\n区", "2025年"])
            ax.tick_params(axis="x", length=0, pad=5)
        else:
            ax.set_yticks([])

    def ours(ax):
        charts._value_axis(ax, axis, lo, hi)
        if axis == "y":
            ax.set_xlim(-0.5, 2.5)
            charts._category_labels(ax, ["青石县", "江城\n区", "2025年"])
        else:
            ax.yaxis.set_visible(False)

    # matplotlib's ticks as the charts styled them: marks in the axis colour, labels in the
    # body text's font and colour
    tick_style = {f"{a}tick.{key}": value for a in "xy" for key, value in
                  (("color", charts.AXIS), ("labelcolor", charts.TEXT), ("labelsize", charts.FONT_PT))}
    assert _pixels(ours) == _pixels(own, tick_style)
