"""The attachment tables of main indicators, built from the same views as the prose.

Cumulative targets (五年累计) and annual targets (每年都应达到) are measured differently, so
each has its own table: a cumulative indicator by its cumulative total against the plan
target and the time progress, an annual one by this year's value against the annual target,
beside last year's value.

The column headers are wording, kept with the charts' labels in labels.py (these tables are
built here, not rendered by a template); this module decides the rows and their cells.
Must not import python-docx or the narrative (it reads the views it is given).
"""

from __future__ import annotations

from .. import fmt
from ..blocks import TableData
from ..metrics import BEHIND
from ..model import Kind, TargetType
from .labels import CUMULATIVE_HEADER, annual_header

CUMULATIVE_ALIGN = ["center", "left", "center", "right", "right", "right", "right", "center"]
# relative widths (≈ twips at 五号): figures and names on one line where the width allows
CUMULATIVE_WIDTHS = [6.5, 32.8, 6.5, 8.0, 8.0, 8.0, 8.0, 10.7]

ANNUAL_ALIGN = ["center", "left", "center", "right", "right", "right", "right", "center"]
ANNUAL_WIDTHS = [6.5, 21.6, 6.5, 7.0, 9.65, 9.65, 16.8, 10.7]
STATUS_COLUMN = 7


def _plain(text: str) -> str:
    """Table cells are plain text: drop the markup of 【待补】 markers and escapes."""
    return text.replace("`", "").replace("\\", "")


def _targeted(views: dict, target_type: TargetType) -> list:
    """The views of indicators with a plan target of `target_type`, in catalog order."""
    return [v for v in views.values()
            if v._m.indicator.target_type is target_type and v._m.target is not None]


def _table(header, align, widths, rows_and_status) -> TableData:
    """Numbered rows (序号 first), with the status cell of every 滞后 row flagged."""
    rows: list[list[str]] = []
    alerts: set[tuple[int, int]] = set()
    for cells, status in rows_and_status:
        rows.append([_plain(c) for c in (str(len(rows) + 1), *cells)])
        if status == BEHIND:
            alerts.add((len(rows) - 1, STATUS_COLUMN))
    return TableData(header, rows, align, widths, alerts)


def cumulative_table(views: dict, time_progress: float) -> TableData:
    """Indicators with a five-year cumulative target: target, cumulative total, completion
    rate against the target and the plan's time progress, status (超额完成/进度正常/滞后)."""
    progress = fmt.percent(time_progress, 1)
    rows = []
    for view in _targeted(views, TargetType.CUMULATIVE):
        m = view._m
        rows.append(((view.name, view.unit, view.target, view.cum, view.rate, progress,
                      view.status), m.status))
    return _table(list(CUMULATIVE_HEADER), CUMULATIVE_ALIGN, CUMULATIVE_WIDTHS, rows)


def annual_gap(view) -> str:
    """This year's value minus the annual target, signed: '-1.4个百分点', '+2.1学时', '0学时'.

    The view's `gap` gives the size of the difference (as the prose words it, 相差1.4个百分点);
    the sign says on which side of the target the value lies.
    """
    m = view._m
    size = view.gap
    if m.gap is None:
        return size
    decimals = max(m.indicator.decimals, 1) if m.indicator.kind is Kind.PERCENT else \
        m.indicator.decimals
    if fmt.round_half_up(abs(m.gap), decimals) == 0:
        return size
    return ("+" if m.gap > 0 else "-") + size


def annual_table(views: dict, time_progress: float) -> TableData:
    """Indicators with an annual target (每年都应达到): the target, this year's and last year's
    values, the signed gap to the target and the status (超额完成/达标/滞后).

    `time_progress` is not used (an annual target does not depend on it); the argument keeps
    the signature of every table builder.
    """
    chosen = _targeted(views, TargetType.ANNUAL)
    year = chosen[0]._m.year if chosen else None
    header = annual_header(year)
    rows = [((view.name, view.unit, view.target, str(view), view.prev, annual_gap(view),
              view.status), view._m.status) for view in chosen]
    return _table(header, ANNUAL_ALIGN, ANNUAL_WIDTHS, rows)
