"""Chart specs shared by the exhibits tests: one good spec of each kind, and bad ones with
a word their error message must contain."""

from __future__ import annotations

import math

from generator.exhibits.specs import CompareChart, ProgressChart, StructureChart, TrendChart

COUNTIES = ("江城区", "东湖区", "西山区", "临川县", "青石县", "白沙县", "云岭县", "安平市")
PROGRESS = ProgressChart(
    "规划主要指标完成情况",
    ("市管干部政治能力轮训", "县处级干部系统培训", "急需紧缺专业干部培训", "本土化教学案例",
     "现场教学基地", "年轻干部（80后、90后）理论培训"),
    (76.5, 58.2, 103.4, 40.0, 60.0, -3.5),
    60.0,
)
COMPARE = CompareChart(
    "各县（市、区）干部人均参训学时", COUNTIES, (62.3, 58.1, 49.0, 55.5, 71.2, 44.8, 56.5, 60.2),
    56.5, "学时", 1, highlight="临川县", average_label="临江市平均",
)
TREND = TrendChart(
    "2023—2025年干部培训规模", (2023, 2024, 2025),
    (("培训班次", (128, 142, None)), ("网络专题培训（期）", (35, 48, 61)), ("现场教学、研修", (-2, 30, 41))),
    "期", 0,
)
STRUCTURE = StructureChart(
    "干部培训类型构成（％）", ("党校主体班", "网络专题培训", "专题研修", "实践锻炼"),
    (3520, 2810, 2240, 1430), "人次", 0,
)
SPECS = {"progress": PROGRESS, "compare": COMPARE, "trend": TREND, "structure": STRUCTURE}

BAD = [
    (ProgressChart("完成情况", (), (), 60), "没有任何指标"),
    (ProgressChart("完成情况", ("甲", "乙"), (1,), 60), "个数应一致"),
    (ProgressChart("完成情况", ("甲",), (math.nan,), 60), "甲"),
    (ProgressChart("完成情况", ("甲",), (None,), 60), "不是有效数字"),
    (ProgressChart("完成情况", ("甲",), (1,), math.inf), "时序进度"),
    (CompareChart("人均学时", ("甲", "乙"), (1, 2), math.nan, "学时", 1,
                  average_label="临江市平均"), "临江市平均"),
    (CompareChart("人均学时", ("甲", "乙"), (1, 2), 1, "学时", 1, highlight="丙"), "丙"),
    (CompareChart("人均学时", ("甲", "甲"), (1, 2), 1, "学时", 1), "重复"),
    (CompareChart("人均学时", ("甲",), (1,), 1, "学时", -1), "小数位数"),
    (TrendChart("规模", (), (), "期", 0), "没有任何年份"),
    (TrendChart("规模", (2023, 2024), (("班次", (1,)),), "期", 0), "不一致"),
    (TrendChart("规模", (2023,), (("班次", (None,)),), "期", 0), "均无数值"),
    (TrendChart("规模", (2023,), (("班次", (math.nan,)),), "期", 0), "2023"),
    (StructureChart("构成", ("甲", "乙"), (0, 0), "人次", 0), "合计为0"),
    (StructureChart("构成", ("甲", "乙"), (5, -1), "人次", 0), "负数"),
]
