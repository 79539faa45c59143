"""Writes the sample data of the fictional city 临江市 into data/指标数据.xlsx.

Run `python tools/make_sample_data.py` after changing a recipe. The values are plausible and
consistent: county values of every 求和 indicator add up to the city value, 平均 indicators'
city value is the mean of the counties, and a few counties lag behind (PACE < 1) so that the
problems section of the report has substance. Randomness is seeded: the output is stable.

The optional text indicators (选填, such as text_design) are not generated here: the sample's
texts are written by hand in data/地区文字材料.csv.
"""

from __future__ import annotations

import csv
import datetime as dt
import random
import sys
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT / "data"
YEARS = (2023, 2024, 2025)
CITY = "临江市"
# Relative size of each county-level unit (share of cadres, of plan targets) …
WEIGHT = {"江城区": 1.35, "东湖区": 1.20, "西山区": 0.95, "临川县": 1.05,
          "青石县": 0.90, "白沙县": 0.80, "云岭县": 0.60, "安平市": 1.15}
# … and how well it keeps pace with the plan (below 1: lagging behind).
PACE = {"江城区": 1.12, "东湖区": 1.05, "西山区": 0.97, "临川县": 1.00,
        "青石县": 0.93, "白沙县": 0.86, "云岭县": 0.74, "安平市": 1.08}
COUNTIES = list(WEIGHT)
SHORT = {"临江市": "临江", **{c: c[:-1] for c in COUNTIES}}


@dataclass
class Sum:
    """Summable count: city totals per year; counties share them by WEIGHT × PACE."""

    city: tuple
    decimals: int = 0
    pace: bool = True


@dataclass
class Mean:
    """A rate or average: counties spread around the city value by PACE; city = their mean."""

    city: tuple
    spread: float = 1.0
    decimals: int = 1
    cap: float | None = 100.0


@dataclass
class Fixed:
    """A fact or a policy figure, the same every year; counties get `county` (or the city's)."""

    city: float | str
    county: float | str | dict | None = None


def Seq(*values):  # noqa: N802 - reads like the other recipe constructors
    """Per-year values for the city only (counties get a scaled copy by WEIGHT)."""
    return Fixed(tuple(values), "scale")


RECIPES: dict[str, object] = {
    "joint_meeting_depts": Fixed(18, 12),
    "plan_issue_month": Fixed(6, 7),
    "plan_doc_org": Fixed("临组", "{short}组"),
    "plan_doc_seq": Fixed(5, 8),
    "plan_task_areas": Fixed(6),
    "plan_key_tasks": Fixed(32, 24),
    "plan_quant_indicators": Fixed(26, 18),
    "plan_safeguards": Fixed(12, 9),
    "theory_course_share": Mean((71.5, 72.8, 74.2), spread=2.5),
    "leader_lectures": Seq(21, 24, 26),
    "center_group_sessions": Sum((168, 184, 203)),
    "center_group_attendees": Sum((3650, 3980, 4310)),
    "political_classes": Sum((28, 33, 36)),
    "political_trainees": Sum((1150, 1320, 1390)),
    "units_criticized": Sum((6, 4, 3), pace=False),
    "skills_db_coverage": Fixed(92.5, 88.0),
    "coord_depts": Fixed(14, 10),
    "coord_meetings": Seq(4, 4, 5),
    "inspections": Seq(2, 3, 3),
    "inspected_units": Seq(46, 58, 65),
    "inspected_lower_share": Fixed(100, 85),
    "tracked_classes": Sum((236, 262, 281)),
    "sys_training_months": Fixed(3),
    "sys_trained_leaders": Sum((430, 465, 468)),
    "highland_name": Fixed("长江中游绿色智造", {"江城区": "城市数字经济", "东湖区": "现代服务业",
                                           "西山区": "生态文旅", "临川县": "现代农业",
                                           "青石县": "新型建材", "白沙县": "临港物流",
                                           "云岭县": "山区生态康养", "安平市": "县域先进制造"}),
    "emerging_industry_share": Mean((18.6, 19.9, 21.3), spread=3.0),
    "new_topic_classes": Sum((9, 11, 12), pace=False),
    "scarce_cadres_trained": Sum((520, 610, 560)),
    "local_cases": Sum((32, 35, 30)),
    "backbone_selected": Sum((86, 95, 102)),
    "partner_universities": Fixed("浙江大学、复旦大学、武汉大学"),
    "leading_enterprises": Sum((12, 15, 18), pace=False),
    "field_bases": Sum((16, 14, 13)),
    "professional_hours": Sum((1_005_000, 1_080_000, 1_152_000)),
    "cadre_count": Sum((27_600, 27_850, 27_900), pace=False),
    "trainees_party_school": Sum((5_200, 5_650, 6_020)),
    "trainees_online": Sum((18_600, 21_300, 23_900)),
    "trainees_seminar": Sum((2_150, 2_460, 2_710)),
    "trainees_practice": Sum((1_280, 1_390, 1_520)),
    "training_funds": Sum((2_860.0, 3_050.0, 3_210.0), decimals=1),
    "post_training_eval_share": Mean((58.0, 63.5, 67.2), spread=6.0),
    "duty_list_tasks": Fixed(45, 30),
    "reform_projects": Fixed(10, 5),
    "innovation_award_fund": Fixed(50, 20),
    "appraisal_weight": Fixed(15),
    "model_cadres_publicized": Fixed(30, 10),
    "teachers_practice": Fixed(20, 8),
    "master_studios": Fixed(10, 3),
    "unit_appraisal_weight": Fixed(5),
    "funding_growth_min": Fixed(8),
    "interview_share": Fixed(30),
    "transfer_months": Fixed(6),
    "eval_months": Fixed(3),
    "eval_years": Fixed(1),
    # Appended for the narrative's sections (二)–(六) and the problems section.
    "theory_trainees": Sum((8_650, 9_420, 10_180)),
    "party_spirit_trainees": Sum((6_200, 6_880, 7_350)),
    "red_bases": Sum((22, 25, 27), pace=False),
    "leader_participation": Mean((96.2, 97.1, 97.8), spread=1.5),
    "young_cadres_trained": Sum((1_860, 2_040, 2_260)),
    "grassroots_trainees": Sum((12_400, 13_800, 15_100)),
    "grassroots_hours": Sum((420_000, 462_000, 496_000)),
    "grassroots_cadres": Sum((16_500, 16_600, 16_650), pace=False),
    "teacher_pool": Sum((420, 468, 515), pace=False),
    "leader_teachers": Sum((260, 298, 335)),
    "quality_courses": Sum((38, 41, 43)),
    "local_textbooks": Seq(3, 4, 5),
    "online_courses": Seq(1_850, 2_260, 2_680),
    "online_compliance": Mean((88.4, 91.0, 93.1), spread=2.0),
    "e_archive_coverage": Mean((76.5, 88.0, 95.3), spread=2.0),
    "satisfaction": Mean((95.2, 95.9, 96.6), spread=1.0),
    "class_inspections": Sum((96, 118, 132)),
    "duplicate_classes_cut": Sum((21, 17, 14), pace=False),
    "transfer_tracking_share": Mean((38.5, 43.0, 47.6), spread=4.0),
    "transfer_results": Sum((310, 365, 402)),
    "knowledge_trainees": Sum((5_400, 6_150, 6_830)),
    "soe_trainees": Sum((3_120, 3_380, 3_650)),
}


def read_catalog() -> dict[str, dict]:
    with open(DATA / "指标目录.csv", encoding="utf-8-sig", newline="") as fh:
        return {row["指标代码"]: row for row in csv.DictReader(fh)}


def split_exact(total: float, shares: dict[str, float], decimals: int) -> dict[str, float]:
    """Split `total` by `shares`, rounded to `decimals`, adding up exactly (largest remainder)."""
    unit = 10 ** decimals
    whole = round(total * unit)
    norm = sum(shares.values())
    raw = {k: whole * s / norm for k, s in shares.items()}
    out = {k: int(v) for k, v in raw.items()}
    rest = whole - sum(out.values())
    for k in sorted(raw, key=lambda k: raw[k] - out[k], reverse=True)[:rest]:
        out[k] += 1
    return {k: v / unit for k, v in out.items()}


def county_values(code: str, recipe, rng: random.Random) -> dict[str, list]:
    """Values per region and year for one indicator."""
    rows: dict[str, list] = {}
    if isinstance(recipe, Sum):
        rows[CITY] = list(recipe.city)
        per_year = []
        for total in recipe.city:
            shares = {c: WEIGHT[c] * (PACE[c] if recipe.pace else 1.0) * rng.uniform(0.94, 1.06)
                      for c in COUNTIES}
            per_year.append(split_exact(total, shares, recipe.decimals))
        for c in COUNTIES:
            rows[c] = [year[c] for year in per_year]
    elif isinstance(recipe, Mean):
        for c in COUNTIES:
            vals = []
            for v in recipe.city:
                x = v + (PACE[c] - 1.0) * recipe.spread * 10 + rng.uniform(-0.5, 0.5) * recipe.spread
                if recipe.cap is not None:
                    x = min(x, recipe.cap)
                vals.append(round(x, recipe.decimals))
            rows[c] = vals
        rows[CITY] = [round(sum(rows[c][i] for c in COUNTIES) / len(COUNTIES), recipe.decimals)
                      for i in range(len(YEARS))]
    elif isinstance(recipe, Fixed):
        city = recipe.city if isinstance(recipe.city, tuple) else (recipe.city,) * len(YEARS)
        rows[CITY] = list(city)
        for c in COUNTIES:
            if recipe.county == "scale":
                rows[c] = [max(1, round(v * WEIGHT[c] / 4)) for v in city]
            elif isinstance(recipe.county, dict):
                rows[c] = [recipe.county[c]] * len(YEARS)
            elif isinstance(recipe.county, str):
                rows[c] = [recipe.county.format(short=SHORT[c])] * len(YEARS)
            elif recipe.county is None:
                rows[c] = list(city)
            else:
                rows[c] = [recipe.county] * len(YEARS)
    else:
        raise TypeError(f"{code}: unknown recipe {recipe!r}")
    return rows


def targets(catalog: dict[str, dict], values: dict[str, dict[str, list]]) -> list[tuple]:
    """Region-specific plan targets of cumulative indicators, split by WEIGHT (city from catalog)."""
    rows = []
    for code, entry in catalog.items():
        if entry["目标类型"] != "累计" or not entry["规划目标"]:
            continue
        city_target = float(entry["规划目标"])
        split = split_exact(city_target, WEIGHT, 0)
        for c in COUNTIES:
            rows.append((c, "规划目标", code, int(split[c]), "五年规划分解目标", ""))
    return rows


def build_rows() -> list[tuple]:
    catalog = read_catalog()
    missing = [c for c, e in catalog.items()
               if not e["分子指标"] and e.get("选填") != "是" and c not in RECIPES]
    unknown = [c for c in RECIPES if c not in catalog]
    if missing or unknown:
        sys.exit(f"recipes out of step with the catalog: missing {missing}, unknown {unknown}")
    rows: list[tuple] = []
    all_values = {}
    for i, (code, recipe) in enumerate(RECIPES.items()):
        rng = random.Random(f"{code}-{i}")
        all_values[code] = county_values(code, recipe, rng)
    for region in [CITY, *COUNTIES]:
        for code in RECIPES:
            for y, v in zip(YEARS, all_values[code][region], strict=True):
                if isinstance(v, float) and v.is_integer():
                    v = int(v)
                rows.append((region, y, code, v, "组织部统计", ""))
    rows.extend(targets(catalog, all_values))
    return rows


def main() -> None:
    from openpyxl import Workbook
    from openpyxl.styles import Font

    wb = Workbook()
    ws = wb.active
    ws.title = "指标数据"
    ws.append(["地区", "年度", "指标代码", "数值", "来源", "备注"])
    for cell in ws[1]:
        cell.font = Font(bold=True)
    for row in build_rows():
        ws.append(list(row))
    ws.column_dimensions["A"].width = 10
    ws.column_dimensions["C"].width = 26
    ws.freeze_panes = "A2"
    fixed = dt.datetime(2025, 12, 1, 9, 0, 0)
    wb.properties.created = fixed
    wb.properties.modified = fixed
    wb.properties.creator = "reportgen"
    out = DATA / "指标数据.xlsx"
    wb.save(out)
    print(f"wrote {out.relative_to(ROOT)}: {ws.max_row - 1} rows")


if __name__ == "__main__":
    main()
