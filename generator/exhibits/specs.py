"""What a chart shows, as plain frozen data: charts.py (the drawing) turns these into PNG images.

No matplotlib here: metrics and narrative build specs cheaply, and a spec's `repr` is the
cache key of its image, so sequences are stored as tuples and numbers as floats (a spec built
from lists or ints equals, hashes and caches like one built from tuples and floats).
"""

from __future__ import annotations

import math
from dataclasses import dataclass, fields

from generator.errors import LayoutError


def _as_float(value):
    """int → float so that 5 and 5.0 give the same spec; anything else is left for `problems`."""
    if isinstance(value, bool):
        return value
    if isinstance(value, (int, float)):
        return float(value)
    return value


def _seq(value, item=lambda v: v):
    """A list or tuple as a tuple (items mapped by `item`); anything else unchanged."""
    return tuple(item(v) for v in value) if isinstance(value, (list, tuple)) else value


def _series_item(item):
    if isinstance(item, (list, tuple)) and len(item) == 2:
        return (item[0], _seq(item[1], _as_float))
    return item


_FREEZERS = {
    "labels": _seq,
    "years": _seq,
    "completion": lambda v: _seq(v, _as_float),
    "values": lambda v: _seq(v, _as_float),
    "series": lambda v: _seq(v, _series_item),
    "time_progress": _as_float,
    "average": _as_float,
}


def _freeze(obj) -> None:
    """Lists → tuples and ints → floats, in place (the dataclass is frozen, hence setattr)."""
    for f in fields(obj):
        if f.name in _FREEZERS:
            object.__setattr__(obj, f.name, _FREEZERS[f.name](getattr(obj, f.name)))


def _is_number(value) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool) and math.isfinite(value)


def _check_values(name: str, labels, values, problems: list[str]) -> None:
    """Shared checks of a labels/values pair: non-empty, same length, finite numbers."""
    if not labels:
        problems.append(f"没有任何{name}，图中无数据可画")
        return
    if any(not isinstance(label, str) or not label.strip() for label in labels):
        problems.append(f"{name}名称不能为空")
    if len(values) != len(labels):
        problems.append(f"有{len(labels)}个{name}，却有{len(values)}个数值，两者个数应一致")
    bad = [labels[i] if i < len(labels) else str(i + 1)
           for i, v in enumerate(values) if not _is_number(v)]
    if bad:
        problems.append(f"以下{name}的数值缺失或不是有效数字：{'、'.join(map(str, bad))}")


def _check_decimals(decimals, problems: list[str]) -> None:
    if not isinstance(decimals, int) or isinstance(decimals, bool) or not 0 <= decimals <= 6:
        problems.append(f"小数位数应为0至6的整数，现为{decimals!r}")


@dataclass(frozen=True)
class ProgressChart:
    """Completion rate (%) of each plan indicator against the plan's time progress (%)."""

    title: str
    labels: tuple[str, ...]
    completion: tuple[float, ...]
    time_progress: float

    def __post_init__(self) -> None:
        _freeze(self)

    def problems(self) -> list[str]:
        """What stops this chart from being drawn, in Chinese; empty when it can be drawn."""
        out: list[str] = []
        _check_values("指标", self.labels, self.completion, out)
        if not _is_number(self.time_progress):
            out.append(f"时序进度缺失或不是有效数字（{self.time_progress!r}）")
        return out


@dataclass(frozen=True)
class CompareChart:
    """Counties compared on one indicator, sorted descending, against the benchmark.

    `average` and `average_label` are the report's one benchmark (the city's own value,
    labelled 全市平均 in the city report and 临江市平均 in a county's): see
    model.Region.benchmark_label; the prose compares with the same value and label.
    """

    title: str
    labels: tuple[str, ...]
    values: tuple[float, ...]
    average: float
    unit: str
    decimals: int
    highlight: str | None = None
    average_label: str = "平均"

    def __post_init__(self) -> None:
        _freeze(self)

    def problems(self) -> list[str]:
        out: list[str] = []
        _check_values("地区", self.labels, self.values, out)
        if not _is_number(self.average):
            out.append(f"{self.average_label}缺失或不是有效数字（{self.average!r}）")
        _check_decimals(self.decimals, out)
        if self.highlight is not None and self.highlight not in self.labels:
            out.append(f"要突出显示的地区「{self.highlight}」不在图中地区之列")
        if len(set(self.labels)) != len(self.labels):
            out.append("地区名称有重复")
        return out


@dataclass(frozen=True)
class TrendChart:
    """Yearly values of one or more series in the same unit; None is a year without data."""

    title: str
    years: tuple[int, ...]
    series: tuple[tuple[str, tuple[float | None, ...]], ...]
    unit: str
    decimals: int

    def __post_init__(self) -> None:
        _freeze(self)

    def problems(self) -> list[str]:
        out: list[str] = []
        _check_decimals(self.decimals, out)
        if not self.years:
            out.append("没有任何年份，图中无数据可画")
        elif any(not isinstance(y, int) or isinstance(y, bool) for y in self.years):
            out.append(f"年份应为整数：{self.years!r}")
        if not self.series:
            out.append("没有任何数据系列，图中无数据可画")
            return out
        seen_value = False
        for item in self.series:
            if not (isinstance(item, tuple) and len(item) == 2 and isinstance(item[1], tuple)):
                out.append(f"数据系列格式应为（名称, 各年数值）：{item!r}")
                continue
            name, values = item
            if not isinstance(name, str) or not name.strip():
                out.append("数据系列名称不能为空")
            if len(values) != len(self.years):
                out.append(f"系列「{name}」有{len(values)}个数值，与{len(self.years)}个年份不一致")
            bad = [str(self.years[i]) if i < len(self.years) else str(i + 1)
                   for i, v in enumerate(values) if v is not None and not _is_number(v)]
            if bad:
                out.append(f"系列「{name}」以下年份的数值不是有效数字：{'、'.join(bad)}")
            seen_value = seen_value or any(_is_number(v) for v in values)
        if not seen_value:
            out.append("所有数据系列均无数值，图中无数据可画")
        names = [s[0] for s in self.series if isinstance(s, tuple) and s]
        if len(set(names)) != len(names):
            out.append("数据系列名称有重复")
        return out


@dataclass(frozen=True)
class StructureChart:
    """Parts of a whole (e.g. training by type); the chart shows each part's share."""

    title: str
    labels: tuple[str, ...]
    values: tuple[float, ...]
    unit: str
    decimals: int

    def __post_init__(self) -> None:
        _freeze(self)

    def problems(self) -> list[str]:
        out: list[str] = []
        _check_values("类别", self.labels, self.values, out)
        _check_decimals(self.decimals, out)
        if not out:
            negative = [lab for lab, v in zip(self.labels, self.values, strict=True) if v < 0]
            if negative:
                out.append(f"构成图的数值不能为负数：{'、'.join(negative)}")
            elif sum(self.values) <= 0:
                out.append("各类别数值合计为0，无法计算占比")
        return out


ChartSpec = ProgressChart | CompareChart | TrendChart | StructureChart
CHART_TYPES = (ProgressChart, CompareChart, TrendChart, StructureChart)


def spec_problems(spec: object) -> list[str]:
    """Every reason `spec` cannot be drawn, each prefixed with the chart's title."""
    if not isinstance(spec, CHART_TYPES):
        return [f"不支持的图表类型：{type(spec).__name__}"]
    title = spec.title if isinstance(spec.title, str) and spec.title.strip() else "（无标题）"
    return [f"图表「{title}」：{p}" for p in spec.problems()]


def validate(*specs: object) -> None:
    """Raise one LayoutError listing every problem of every spec; None when all can be drawn."""
    problems = [p for spec in specs for p in spec_problems(spec)]
    if problems:
        which = "该图表" if len(specs) == 1 else "这些图表"
        raise LayoutError("无法绘制图表：\n" + "\n".join(f"  - {p}" for p in problems)
                          + f"\n请检查{which}对应的指标数据后重新生成。", problems)
