"""Rules across files: county sums against the city, jumps between years, missing city values."""

from __future__ import annotations

from ..model import Combine, DataOptions, Indicator, Location, Problem, Region, Value
from .numeric import show

Key = tuple[str, int, str]


def cross_check(indicators: dict[str, Indicator], regions: list[Region],
                values: dict[Key, Value], options: DataOptions,
                sums: bool = True) -> list[Problem]:
    """Errors for county sums that miss the city value; warnings for jumps and gaps.

    `sums` False skips the county sums: with a broken region row the list of counties is
    incomplete, and every total would look wrong.
    """
    problems = county_sums(indicators, regions, values, options) if sums else []
    problems += year_jumps(indicators, regions, values, options)
    problems += missing_city_values(indicators, regions, values)
    return problems


def county_sums(indicators: dict[str, Indicator], regions: list[Region],
                values: dict[Key, Value], options: DataOptions) -> list[Problem]:
    """For 求和 indicators: where the city and all its counties have a value, they must agree."""
    city = next((r for r in regions if r.is_city), None)
    if city is None:
        return []
    counties = [r for r in regions if r.parent == city.name]
    if not counties:
        return []
    out = []
    years = sorted({y for (_, y, _) in values})
    for code, ind in indicators.items():
        if ind.combine is not Combine.SUM or not ind.numeric or ind.derived:
            continue
        for year in years:
            top = values.get((city.name, year, code))
            parts = [values.get((c.name, year, code)) for c in counties]
            if top is None or any(p is None for p in parts):
                continue
            total = sum(float(p.value) for p in parts)
            city_value = float(top.value)
            gap = abs(total - city_value)
            rel = gap / abs(city_value) if city_value else (0.0 if gap == 0 else float("inf"))
            if rel <= options.sum_tolerance:
                continue
            unit = ind.unit if ind.unit not in ("", "%") else ""
            share = f"相差 {show(round(rel * 100, 1))}%" if city_value else f"相差 {show(gap)}"
            out.append(Problem(
                top.location,
                f"「{ind.name}」{year}年各县（市、区）合计为 {show(total)}{unit}，"
                f"与{city.name}的数值 {show(city_value)}{unit} 不一致"
                f"（{share}，允许误差 {show(options.sum_tolerance * 100)}%）",
                f"请核对{city.name}和各县（市、区）{year}年的「{ind.name}」：全市数应等于各县（市、区）之和；"
                "如果全市数还包含市直单位等不在地区表中的部分，请把该指标的「汇总方式」改为「不汇总」",
                region=city.name))
    return out


def year_jumps(indicators: dict[str, Indicator], regions: list[Region],
               values: dict[Key, Value], options: DataOptions) -> list[Problem]:
    """Warnings where a positive value is more than `factor` times, or under 1/factor of, last year's."""
    factor = options.yoy_jump_factor
    if not factor or factor <= 1:
        return []
    order = {r.name: i for i, r in enumerate(regions)}
    out = []
    for (region, year, code), now in sorted(values.items(),
                                            key=lambda kv: (order.get(kv[0][0], 0), kv[0][2], kv[0][1])):
        ind = indicators.get(code)
        before = values.get((region, year - 1, code))
        if ind is None or not ind.numeric or before is None:
            continue
        new, old = float(now.value), float(before.value)
        if new <= 0 or old <= 0 or (old / factor <= new <= old * factor):
            continue
        out.append(Problem(
            now.location,
            f"「{ind.name}」变化异常：{region}{year}年为 {show(new)}，"
            f"是上年（{show(old)}）的{_ratio(new / old)}",
            f"请核对{year - 1}年和{year}年的数值是否填错（如多或少了一位数、单位不一致）；"
            "如数据无误，可忽略此提示",
            severity="warning"))
    return out


def _ratio(r: float) -> str:
    """5.0 → '5倍', 0.25 → '1/4'."""
    if r >= 1:
        return f"{show(round(r, 1))}倍"
    return f"1/{show(round(1 / r, 1))}"


def missing_city_values(indicators: dict[str, Indicator], regions: list[Region],
                        values: dict[Key, Value]) -> list[Problem]:
    """Warnings for catalog indicators the city has no value for in the latest year with data
    (optional indicators, 选填, excepted)."""
    city = next((r for r in regions if r.is_city), None)
    if city is None or not values:
        return []
    latest = max(y for (_, y, _) in values)
    have = {code for (region, year, code) in values if region == city.name and year == latest}
    out = []
    for code, ind in indicators.items():
        if ind.derived or ind.optional or code in have:
            continue  # an optional indicator (选填) may stay empty without a word
        out.append(Problem(
            ind.location or Location("指标目录"),
            f"{city.name}{latest}年没有「{ind.name}」（{code}）的数据，报告中该处将显示【待补】",
            f"请在指标数据中补上{city.name}{latest}年「{ind.name}」的数值；如本年确实没有，可忽略此提示",
            severity="warning"))
    return out
