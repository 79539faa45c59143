"""The words the exhibits print: attachment-table column headers and chart labels.

The attachment tables and the charts are built in Python, not rendered by a template, so
their words cannot live in templates/; they are kept here, in one table, apart from the
decisions (which rows, which series, which colour) in tables.py, figures.py and charts.py.
To change a column header or a chart label, change it here (and run `make golden`).

Must not import anything of the program: plain strings and patterns only.
"""

from __future__ import annotations

# The attachment tables' headers (the first column is the row number); the annual table's
# year columns are named by annual_header.
CUMULATIVE_HEADER = ("序号", "指标", "单位", "规划目标", "累计完成", "完成进度", "时序进度", "状态")
# The annual table's year columns when no indicator gives the year.
THIS_YEAR, LAST_YEAR = "本年度", "上年度"

# The training types of the trend and structure charts, labelled by a short name.
TRAINING_TYPE_LABELS = {
    "trainees_party_school": "党校主体班",
    "trainees_online": "网络专题培训",
    "trainees_seminar": "专题研修",
    "trainees_practice": "实践锻炼",
}

# Chart labels (charts.py fills in the formatted figures).
UNIT = "单位：{unit}"                 # above the value axis, or beside the legend
TIME_PROGRESS = "时序进度{progress}"  # the progress chart's vertical line
ON_PACE, LAGGING = "达到时序进度", "滞后于时序进度"  # the progress chart's legend
YEAR = "{year}年"                     # the trend chart's year ticks
TOTAL = "合计\n{total}"               # the centre of the structure chart's ring


def annual_header(year: int | None) -> list[str]:
    """The annual table's header: this year's and last year's columns named by the year."""
    this, last = (YEAR.format(year=year), YEAR.format(year=year - 1)) if year is not None \
        else (THIS_YEAR, LAST_YEAR)
    return ["序号", "指标", "单位", "年度目标", this, last, "与目标相比", "状态"]
