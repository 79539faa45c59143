"""The attachment table of main indicators, built from the same views as the prose."""

from __future__ import annotations

from . import fmt
from .blocks import TableData
from .metrics import BEHIND
from .model import TargetType

HEADER = ["序号", "指标", "单位", "规划目标", "累计完成", "完成进度", "时序进度", "状态"]
ALIGN = ["center", "left", "center", "right", "right", "right", "right", "center"]
WIDTHS = [0.6, 3.4, 0.8, 1.1, 1.1, 1.1, 1.1, 1.0]


def _plain(text: str) -> str:
    """Table cells are plain text: drop the markup of 【待补】 markers and escapes."""
    return text.replace("`", "").replace("\\", "")


def indicator_table(views: dict, time_progress: float) -> TableData:
    """One row per indicator with a plan target; 滞后 status cells flagged."""
    rows: list[list[str]] = []
    alerts: set[tuple[int, int]] = set()
    for view in views.values():
        m = view._m
        if m.indicator.target_type is None or m.target is None:
            continue
        cumulative = m.indicator.target_type is TargetType.CUMULATIVE
        done = view.cum if cumulative else str(view)
        progress = fmt.percent(time_progress, 1) if cumulative else "—"
        status = m.status or "—"
        label = m.indicator.name + ("" if cumulative else "（年度）")
        rate = view.rate if m.rate is not None else "—"
        rows.append([_plain(c) for c in (str(len(rows) + 1), label, m.indicator.unit,
                                         view.target, done, rate, progress, status)])
        if m.status == BEHIND:
            alerts.add((len(rows) - 1, 7))
    return TableData(HEADER, rows, ALIGN, WIDTHS, alerts)
