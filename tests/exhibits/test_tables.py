"""Attachment tables: cumulative and annual targets each in their own table, prose formatting."""

from generator.exhibits.tables import annual_table, cumulative_table
from generator.metrics import region_metrics
from generator.model import Combine, Dataset, Indicator, Kind, Region, TargetType, Value
from generator.narrative.views import RenderContext


def _views(drop=()):
    inds = {
        "classes": Indicator("classes", "轮训班期数", "期", Kind.COUNT, 0, 50, TargetType.CUMULATIVE,
                             Combine.SUM),
        "cases": Indicator("cases", "教学案例数", "个", Kind.COUNT, 0, 30, TargetType.CUMULATIVE,
                           Combine.SUM),
        "share": Indicator("share", "理论课程占比", "%", Kind.PERCENT, 1, 70, TargetType.ANNUAL,
                           Combine.MEAN),
        "hours": Indicator("hours", "人均学时", "学时", Kind.DURATION, 1, 40, TargetType.ANNUAL,
                           Combine.MEAN),
        "untargeted": Indicator("untargeted", "其他人次", "人次", Kind.COUNT, 0, None, None,
                                Combine.SUM),
    }
    data = {"classes": (8, 9, 10), "cases": (10, 10, 10), "share": (None, 68.0, 72.0),
            "hours": (None, 42.0, 38.6), "untargeted": (1, 2, 3)}
    vals = {("临江市", y, c): Value("临江市", y, c, v)
            for c, series in data.items() for y, v in zip((2023, 2024, 2025), series, strict=True)
            if v is not None and (c, y) not in drop}
    ds = Dataset(inds, [Region("临江市", "市", None, "临江")], vals)
    m = region_metrics(ds, "临江市", 2025, 2023, 2027)
    return RenderContext(m).views, m.time_progress


def test_cumulative_table_has_cumulative_targets_only():
    views, progress = _views()
    t = cumulative_table(views, progress)
    assert t.header == ["序号", "指标", "单位", "规划目标", "累计完成", "完成进度", "时序进度", "状态"]
    assert t.rows == [["1", "轮训班期数", "期", "50", "27", "54%", "60%", "滞后"],
                      ["2", "教学案例数", "个", "30", "30", "100%", "60%", "超额完成"]]
    assert t.alerts == {(0, 7)}
    assert len(t.widths) == len(t.header) == len(t.align)


def test_time_progress_column_comes_from_the_argument():
    views, _ = _views()
    assert {r[6] for r in cumulative_table(views, 58.333).rows} == {"58.3%"}


def test_annual_table_compares_this_year_with_the_annual_target():
    views, progress = _views()
    t = annual_table(views, progress)
    assert t.header == ["序号", "指标", "单位", "年度目标", "2025年", "2024年", "与目标相比", "状态"]
    assert t.rows == [["1", "理论课程占比", "%", "70%", "72%", "68%", "+2个百分点", "达标"],
                      ["2", "人均学时", "学时", "40", "38.6", "42", "-1.4学时", "滞后"]]
    assert t.alerts == {(1, 7)}
    assert len(t.widths) == len(t.header) == len(t.align)


def test_missing_values_are_plain_markers():
    views, progress = _views(drop={("hours", 2025), ("hours", 2024)})
    (row,) = [r for r in annual_table(views, progress).rows if r[1] == "人均学时"]
    assert row[4] == row[5] == row[6] == row[7] == "【待补：人均学时】"
