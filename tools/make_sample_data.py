"""Writes the sample data of the fictional city 临江市 into data/指标数据.xlsx.

Run `python tools/make_sample_data.py` after changing a recipe. The values are plausible and
consistent: county values of every 求和 indicator add up to the city value, and the city value
of every 平均 indicator is exactly the mean of the counties. Each county-level unit has a
PROFILE of strengths and weaknesses by area of work (theory, leaders, professional training,
resources, grassroots, digital, quality) and a few DIPS (an area that fell back in a year), so
that ranks differ between indicators, each unit lags in its own set of indicators, and the
problems section of every report has its own substance. The city's own figures are fixed by
the recipes. Randomness is seeded: the output is stable.

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
COUNTIES = list(WEIGHT)
SHORT = {"临江市": "临江", **{c: c[:-1] for c in COUNTIES}}
AREAS = ("theory", "leaders", "professional", "resources", "grassroots", "digital", "quality",
         "economy")
# … and how well it keeps pace with the plan in each area of work (below 1: lagging behind).
# Columns follow AREAS: theory (理论武装、政治能力), leaders (领导干部、分类分级), professional
# (专业化能力、专题研修), resources (课程、案例、基地、师资), grassroots (基层干部), digital
# (网络培训、电子档案), quality (评估、转化、从严管理、经费), economy (新兴产业占比).
_PROFILE = {
    #          theo  lead  prof  reso  gras  digi  qual  econ
    "江城区": (1.10, 1.12, 1.13, 1.06, 0.94, 1.16, 1.03, 1.15),  # strong overall; grassroots middling
    "东湖区": (1.01, 0.95, 1.03, 0.88, 0.97, 1.06, 1.16, 1.06),  # service quality; thin resources
    "西山区": (1.04, 0.89, 0.88, 1.12, 0.99, 0.93, 0.95, 0.93),  # sites and courses; weak in specialised training
    "临川县": (0.96, 0.93, 0.96, 1.00, 1.17, 0.85, 0.97, 0.90),  # grassroots first; digital behind
    "青石县": (0.92, 1.01, 1.08, 0.91, 0.87, 0.96, 0.88, 1.02),  # industry-specialised training; grassroots and quality weak
    "白沙县": (0.90, 1.06, 0.92, 0.86, 0.93, 1.01, 0.86, 0.97),  # leaders' training steady; resources thin
    "云岭县": (0.82, 0.79, 0.76, 0.90, 0.88, 0.73, 0.81, 0.82),  # weak overall, least so in sites and grassroots
    "安平市": (1.06, 1.10, 1.11, 1.03, 1.14, 1.00, 0.89, 1.10),  # manufacturing: professional, leaders; evaluation weak
}
PROFILE = {c: dict(zip(AREAS, f, strict=True)) for c, f in _PROFILE.items()}
# Areas where a unit fell back (factors by year on its profile), so that falls differ.
DIPS = {
    ("江城区", "grassroots"): (1.00, 1.05, 0.90),
    ("东湖区", "resources"): (1.00, 1.06, 0.88),
    ("西山区", "leaders"): (1.00, 1.04, 0.91),
    ("临川县", "digital"): (1.00, 1.05, 0.90),
    ("青石县", "grassroots"): (1.00, 1.06, 0.87),
    ("白沙县", "theory"): (1.00, 1.05, 0.90),
    ("云岭县", "professional"): (1.00, 1.06, 0.88),
    ("安平市", "quality"): (1.00, 1.05, 0.89),
}


def pace(county: str, area: str | None, year_index: int) -> float:
    """How a unit keeps pace in an area in a year: its profile times any dip; 1 without an area."""
    if area is None:
        return 1.0
    return PROFILE[county][area] * DIPS.get((county, area), (1.0,) * len(YEARS))[year_index]


@dataclass
class Sum:
    """Summable count: city totals per year; counties share them by WEIGHT × pace in `area`
    (by WEIGHT alone without an area: sizes such as cadre numbers)."""

    city: tuple
    area: str | None = None
    decimals: int = 0


@dataclass
class Mean:
    """A rate or average: the city's values per year (the figures of the sample city report),
    exactly the mean of the counties, which spread around them by their pace in `area`."""

    city: tuple
    area: str
    spread: float = 1.0
    decimals: int = 1
    cap: float | None = 100.0


@dataclass
class Fixed:
    """A fact or a policy figure, the same every year; counties get `county` (or the city's)."""

    city: float | str
    county: float | str | dict | None = None
    area: str | None = None


def Seq(*values, area: str | None = None):  # noqa: N802 - reads like the other recipe constructors
    """Per-year values for the city only (counties get a copy scaled by WEIGHT and pace)."""
    return Fixed(tuple(values), "scale", area)


RECIPES: dict[str, object] = {
    "joint_meeting_depts": Fixed(18, 12),
    "plan_issue_month": Fixed(6, 7),
    "plan_doc_org": Fixed("临组", "{short}组"),
    "plan_doc_seq": Fixed(5, 8),
    "plan_task_areas": Fixed(6),
    "plan_key_tasks": Fixed(32, 24),
    "plan_quant_indicators": Fixed(26, 18),
    "plan_safeguards": Fixed(12, 9),
    "theory_course_share": Mean((70.9, 72.0, 73.7), "theory", spread=3.0),
    "leader_lectures": Seq(21, 24, 26, area="theory"),
    "center_group_sessions": Sum((168, 184, 203), "theory"),
    "center_group_attendees": Sum((3650, 3980, 4310), "theory"),
    "political_classes": Sum((28, 33, 36), "theory"),
    "political_trainees": Sum((1150, 1320, 1390), "theory"),
    "units_criticized": Sum((6, 4, 3)),
    "skills_db_coverage": Fixed(92.5, 88.0),
    "coord_depts": Fixed(14, 10),
    "coord_meetings": Seq(4, 4, 5),
    "inspections": Seq(2, 3, 3),
    "inspected_units": Seq(46, 58, 65),
    "inspected_lower_share": Fixed(100, 85),
    "tracked_classes": Sum((236, 262, 281), "leaders"),
    "sys_training_months": Fixed(3),
    "sys_trained_leaders": Sum((430, 465, 468), "leaders"),
    "highland_name": Fixed("长江中游绿色智造", {"江城区": "城市数字经济", "东湖区": "现代服务业",
                                           "西山区": "生态文旅", "临川县": "现代农业",
                                           "青石县": "新型建材", "白沙县": "临港物流",
                                           "云岭县": "山区生态康养", "安平市": "县域先进制造"}),
    "emerging_industry_share": Mean((17.6, 18.9, 19.9), "economy", spread=3.0),
    "new_topic_classes": Sum((9, 11, 12)),
    "scarce_cadres_trained": Sum((520, 610, 560), "professional"),
    "local_cases": Sum((32, 35, 30), "resources"),
    "backbone_selected": Sum((86, 95, 102), "professional"),
    "partner_universities": Fixed("浙江大学、复旦大学、武汉大学"),
    "leading_enterprises": Sum((12, 15, 18)),
    "field_bases": Sum((16, 14, 13), "resources"),
    "professional_hours": Sum((1_005_000, 1_080_000, 1_152_000), "professional"),
    "cadre_count": Sum((27_600, 27_850, 27_900)),
    "trainees_party_school": Sum((5_200, 5_650, 6_020), "leaders"),
    "trainees_online": Sum((18_600, 21_300, 23_900), "digital"),
    "trainees_seminar": Sum((2_150, 2_460, 2_710), "professional"),
    "trainees_practice": Sum((1_280, 1_390, 1_520), "professional"),
    "training_funds": Sum((2_860.0, 3_050.0, 3_210.0), "quality", decimals=1),
    "post_training_eval_share": Mean((55.9, 61.4, 65.8), "quality", spread=8.0),
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
    "theory_trainees": Sum((8_650, 9_420, 10_180), "theory"),
    "party_spirit_trainees": Sum((6_200, 6_880, 7_350), "theory"),
    "red_bases": Sum((22, 25, 27)),
    "leader_participation": Mean((95.8, 96.6, 97.3), "leaders", spread=1.5),
    "young_cadres_trained": Sum((1_860, 2_040, 2_260), "leaders"),
    "grassroots_trainees": Sum((12_400, 13_800, 15_100), "grassroots"),
    "grassroots_hours": Sum((420_000, 462_000, 496_000), "grassroots"),
    "grassroots_cadres": Sum((16_500, 16_600, 16_650)),
    "teacher_pool": Sum((420, 468, 515)),
    "leader_teachers": Sum((260, 298, 335), "resources"),
    "quality_courses": Sum((38, 41, 43), "resources"),
    "local_textbooks": Seq(3, 4, 5, area="resources"),
    "online_courses": Seq(1_850, 2_260, 2_680, area="digital"),
    "online_compliance": Mean((88.0, 90.3, 92.5), "digital", spread=2.0),
    "e_archive_coverage": Mean((75.4, 87.1, 94.4), "digital", spread=2.0),
    "satisfaction": Mean((94.9, 95.8, 96.3), "quality", spread=1.0),
    "class_inspections": Sum((96, 118, 132), "quality"),
    "duplicate_classes_cut": Sum((21, 17, 14)),
    "transfer_tracking_share": Mean((36.9, 41.9, 45.9), "quality", spread=4.0),
    "transfer_results": Sum((310, 365, 402), "quality"),
    "knowledge_trainees": Sum((5_400, 6_150, 6_830), "professional"),
    "soe_trainees": Sum((3_120, 3_380, 3_650), "leaders"),
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
        # A unit's own deviation from its size, then for activities (an area) a smaller one
        # each year; sizes and stocks (no area) keep their shares, so they grow with the city.
        own = {c: rng.uniform(0.95, 1.05) for c in COUNTIES}
        wobble = 0.0 if recipe.area is None else 0.03
        per_year = []
        for i, total in enumerate(recipe.city):
            shares = {c: WEIGHT[c] * own[c] * pace(c, recipe.area, i)
                      * rng.uniform(1 - wobble, 1 + wobble) for c in COUNTIES}
            per_year.append(split_exact(total, shares, recipe.decimals))
        for c in COUNTIES:
            rows[c] = [year[c] for year in per_year]
    elif isinstance(recipe, Mean):
        rows[CITY] = list(recipe.city)
        per_year = []
        for i, v in enumerate(recipe.city):
            paces = {c: pace(c, recipe.area, i) for c in COUNTIES}
            middle = sum(paces.values()) / len(paces)
            raw = {c: v + (paces[c] - middle) * recipe.spread * 10
                   + rng.uniform(-0.3, 0.3) * recipe.spread for c in COUNTIES}
            per_year.append(mean_exact(v, raw, recipe.decimals, recipe.cap))
        for c in COUNTIES:
            rows[c] = [year[c] for year in per_year]
    elif isinstance(recipe, Fixed):
        city = recipe.city if isinstance(recipe.city, tuple) else (recipe.city,) * len(YEARS)
        rows[CITY] = list(city)
        for c in COUNTIES:
            if recipe.county == "scale":
                rows[c] = [max(1, round(v * WEIGHT[c] * pace(c, recipe.area, i) / 4))
                           for i, v in enumerate(city)]
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


def mean_exact(city: float, raw: dict[str, float], decimals: int,
               cap: float | None) -> dict[str, float]:
    """County values near `raw`, rounded to `decimals`, whose mean is exactly `city`.

    The values are shifted together onto the city's mean, then the rounding remainder is
    settled one last digit at a time, on the counties rounding lost most on (never above `cap`).
    """
    unit = 10 ** decimals
    shift = city - sum(raw.values()) / len(raw)
    wanted = {c: (x + shift) * unit for c, x in raw.items()}
    top = None if cap is None else round(cap * unit)
    out = {c: round(x) if top is None else min(round(x), top) for c, x in wanted.items()}
    rest = round(city * unit) * len(raw) - sum(out.values())
    step = 1 if rest > 0 else -1
    while rest:
        room = [c for c in raw if top is None or step < 0 or out[c] < top]
        c = max(room, key=lambda c: (wanted[c] - out[c]) * step)
        out[c] += step
        rest -= step
    return {c: v / unit for c, v in out.items()}


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
    _fix_zip_times(out, fixed)
    print(f"wrote {out.relative_to(ROOT)}: {ws.max_row - 1} rows")


def _fix_zip_times(path: Path, when: dt.datetime) -> None:
    """Give every part of the workbook, and its 修改时间 (which openpyxl sets to the time of
    saving), the same fixed time: rerunning the script changes no byte."""
    import re
    import zipfile

    stamp = when.strftime("%Y-%m-%dT%H:%M:%SZ").encode()
    with zipfile.ZipFile(path) as zin:
        parts = [(info.filename, zin.read(info)) for info in zin.infolist()]
    parts = [(name, re.sub(rb"(<dcterms:modified[^>]*>)[^<]*", rb"\g<1>" + stamp, data)
              if name == "docProps/core.xml" else data) for name, data in parts]
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zout:
        for name, data in parts:
            info = zipfile.ZipInfo(name, date_time=when.timetuple()[:6])
            info.compress_type = zipfile.ZIP_DEFLATED
            zout.writestr(info, data)


if __name__ == "__main__":
    main()
