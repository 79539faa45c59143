"""A synthetic province-sized data set (1 city + N county-level units) made from the sample.

Each synthetic county copies the values of one sample county. Additive indicators (汇总方式
求和: counts, hours, money) are scaled by the county's share of a city of the sample's size,
and the city's value of each of them is set to the exact sum of its counties; the city's value
of each 平均 / 加权平均 indicator is set to its counties' (weighted) mean at the catalog's
decimals. So the data passes `reportgen check` (the city agrees with its counties) and city
figures stay near the sample's. Everything else (county percentages and averages, text, the
city's 不汇总 values) is copied unchanged. The files
are written to a temporary folder only; nothing here is ever committed.
"""

from __future__ import annotations

import csv
import itertools
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path

from harness import copy_sample

VALUE_HEADER = ("地区", "年度", "指标代码", "数值", "来源", "备注")
REGION_HEADER = ("地区名称", "层级", "上级", "简称")
ADDITIVE_KINDS = ("计数", "时长", "金额")
FIRST = "东西南北青白云安平江山湖川石河林泉阳宁丰金玉清长"
SECOND = "山河湖川石林泉阳宁丰溪源岭峰原台城桥港塘"
LEVELS = (("区", "区"), ("县", "县"), ("县级市", "市"))


def read_csv(path: Path) -> list[dict[str, str]]:
    with open(path, encoding="utf-8-sig", newline="") as fh:
        return list(csv.DictReader(fh))


def write_csv(path: Path, header: tuple[str, ...], rows: list[tuple]) -> None:
    with open(path, "w", encoding="utf-8", newline="") as fh:
        writer = csv.writer(fh)
        writer.writerow(header)
        writer.writerows(rows)


def sample_values(config_dir: Path) -> list[tuple]:
    """The rows (地区, 年度, 指标代码, 数值, 来源, 备注) of the sample's values workbook."""
    from openpyxl import load_workbook

    wb = load_workbook(config_dir / "data" / "指标数据.xlsx", read_only=True)
    try:
        rows = list(wb["指标数据"].iter_rows(values_only=True))
    finally:
        wb.close()
    return [tuple(r[:6]) for r in rows[1:] if r and r[0]]


def additive_codes(config_dir: Path) -> dict[str, int]:
    """Code → decimals of the 求和 indicators whose values can be scaled and added up."""
    out = {}
    for row in read_csv(config_dir / "data" / "指标目录.csv"):
        if (row["汇总方式"] == "求和" and row["类型"] in ADDITIVE_KINDS
                and not row.get("分子指标")):
            out[row["指标代码"]] = int(row["小数位"] or 0)
    return out


def averaged_codes(config_dir: Path) -> dict[str, tuple[int, str]]:
    """Code → (decimals, weight code or "") of the 平均 and 加权平均 indicators."""
    out = {}
    for row in read_csv(config_dir / "data" / "指标目录.csv"):
        if row["汇总方式"] == "平均":
            out[row["指标代码"]] = (int(row["小数位"] or 0), "")
        elif row["汇总方式"] == "加权平均" and row.get("权重指标"):
            out[row["指标代码"]] = (int(row["小数位"] or 0), row["权重指标"])
    return out


def county_names(n: int, taken: set[str]) -> list[tuple[str, str]]:
    """`n` distinct (name, level) pairs such as 东山区, 西河县, 青石市."""
    out = []
    for i, (a, b) in enumerate(itertools.product(FIRST, SECOND)):
        level, suffix = LEVELS[i % len(LEVELS)]
        name = a + b + suffix
        if a != b and name not in taken:
            out.append((name, level))
            taken.add(name)
        if len(out) == n:
            return out
    raise ValueError(f"cannot make {n} distinct county names")


def scaled(value, decimals: int, factor: float):
    """`value` × `factor` at the indicator's precision; a positive value stays positive."""
    if not isinstance(value, (int, float)) or value <= 0:
        return value
    step = 10.0 ** -decimals
    result = max(round(value * factor, decimals), step)
    return int(result) if decimals == 0 else result


def make(dest: Path, counties: int = 199) -> Path:
    """Write the synthetic copy into `dest`; returns its report.yaml."""
    import yaml

    config = copy_sample(dest)
    data = dest / "data"
    city, *sample_counties = read_csv(data / "地区.csv")
    additive = additive_codes(dest)
    rows = sample_values(dest)
    by_region: dict[str, list[tuple]] = {}
    for row in rows:
        by_region.setdefault(row[0], []).append(row)

    names = county_names(counties, {city["地区名称"]})
    regions = [(city["地区名称"], city["层级"], "", city["简称"])]
    values: list[tuple] = []
    for i, (name, level) in enumerate(names):
        source = sample_counties[i % len(sample_counties)]["地区名称"]
        factor = len(sample_counties) / counties * (0.5 + (i * 37 % 101) / 100)
        regions.append((name, level, city["地区名称"], name[:-1]))
        for _, year, code, value, src, note in by_region[source]:
            if code in additive:
                value = scaled(value, additive[code], factor)
            values.append((name, year, code, value, src, note))
    values = _city_rows(by_region[city["地区名称"]], values, additive,
                        averaged_codes(dest)) + values

    write_csv(data / "地区.csv", REGION_HEADER, regions)
    write_csv(data / "指标数据.csv", VALUE_HEADER, values)
    (data / "指标数据.xlsx").unlink()
    spec = yaml.safe_load(config.read_text(encoding="utf-8"))
    spec["data"]["values"] = [{"path": "data/指标数据.csv"}]
    config.write_text(yaml.safe_dump(spec, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return config


def _city_rows(sample_city: list[tuple], county_rows: list[tuple],
               additive: dict[str, int], averaged: dict[str, tuple[int, str]]) -> list[tuple]:
    """The city's rows: additive values are the sums of the counties, 平均 / 加权平均 values
    their (weighted) means, the rest as in the sample."""
    counties = len({row[0] for row in county_rows})
    numbers: dict[tuple, dict[str, float]] = {}   # (year, code) → county → value
    for name, year, code, value, _, _ in county_rows:
        if year != "规划目标" and isinstance(value, (int, float)) and not isinstance(value, bool):
            numbers.setdefault((year, code), {})[name] = value
    combined: dict[tuple, float] = {}
    for (year, code), by_county in numbers.items():
        if code in additive:
            combined[(year, code)] = _rounded(sum(by_county.values()), additive[code])
        elif code in averaged and len(by_county) == counties:  # every county has a value
            decimals, weight = averaged[code]
            if not weight:
                combined[(year, code)] = _rounded(sum(by_county.values()) / counties, decimals)
                continue
            weights = numbers.get((year, weight), {})
            total = sum(weights.get(n, 0) for n in by_county)
            if len(weights) == counties and total:
                mean = sum(v * weights[n] for n, v in by_county.items()) / total
                combined[(year, code)] = _rounded(mean, decimals)
    out = []
    for name, year, code, value, src, note in sample_city:
        if (year, code) in combined:
            value = combined[(year, code)]
        out.append((name, year, code, value, src, note))
    return out


def _rounded(value: float, decimals: int):
    """`value` at `decimals` places, halves up (as the report prints it); an int at 0."""
    shown = Decimal(repr(value)).quantize(Decimal(1).scaleb(-decimals), rounding=ROUND_HALF_UP)
    return int(shown) if decimals == 0 else float(shown)
