"""Rules across files: county sums and means against the city, jumps between years, missing city values."""

from __future__ import annotations

from decimal import Decimal

from .. import fmt
from ..model import Combine, DataOptions, Indicator, Location, Problem, Region, TargetType, Value
from .numeric import show

Key = tuple[str, int, str]


def cross_check(indicators: dict[str, Indicator], regions: list[Region],
                values: dict[Key, Value], options: DataOptions,
                sums: bool = True, unchecked: bool = True) -> list[Problem]:
    """Errors for county sums and means that miss the city value; warnings for jumps and gaps.

    `sums` False skips the county sums: with a broken region row the list of counties is
    incomplete, and every total would look wrong. `unchecked` False leaves out the warnings
    for sums that could not be checked (a county value missing): pass it when values were
    rejected, as their gaps would be reported twice.
    """
    problems = county_sums(indicators, regions, values, options, unchecked) if sums else []
    problems += year_jumps(indicators, regions, values, options)
    problems += missing_city_values(indicators, regions, values)
    return problems


def county_sums(indicators: dict[str, Indicator], regions: list[Region],
                values: dict[Key, Value], options: DataOptions,
                unchecked: bool = True) -> list[Problem]:
    """The city value against its counties', by the catalog's 汇总方式: the sum (求和), the
    mean (平均) or the mean weighted by the weight indicator (加权平均).

    A gap beyond `sum_tolerance` (relative to the city value) is an error; where the city has
    a value but some counties (or their weights) have none, a warning names them, as the
    check could not be made (unless `unchecked` is False).
    """
    city = next((r for r in regions if r.is_city), None)
    if city is None:
        return []
    counties = [r for r in regions if r.parent == city.name]
    if not counties:
        return []
    out = []
    years = sorted({y for (_, y, _) in values})
    for code, ind in indicators.items():
        if ind.combine not in _COMBINED or not ind.numeric or ind.derived:
            continue
        weight = (indicators.get(ind.weight)
                  if ind.combine is Combine.WEIGHTED and ind.weight is not None else None)
        if ind.combine is Combine.WEIGHTED and (weight is None or not weight.numeric):
            continue  # the catalog check reports a weight that is not a numeric indicator
        for year in years:
            top = values.get((city.name, year, code))
            if top is None:
                continue
            parts = [values.get((c.name, year, code)) for c in counties]
            lacking = [c.name for c, p in zip(counties, parts, strict=True) if p is None]
            weights = [values.get((c.name, year, weight.code)) if weight else None
                       for c in counties]
            no_weight = [c.name for c, w in zip(counties, weights, strict=True)
                         if weight and w is None and c.name not in lacking]
            if lacking or no_weight:
                if unchecked:
                    out.append(_unchecked(ind, weight, year, city, top, lacking, no_weight,
                                          len(counties)))
                continue
            # none is missing now (`lacking` is empty), nor a weight (`no_weight`)
            nums = [float(p.value) for p in parts if p is not None]
            if ind.combine is Combine.SUM:  # as entered: 0.1 + 0.2 is 0.3, not 0.30000000000000004
                combined = float(sum(Decimal(repr(n)) for n in nums))
            elif ind.combine is Combine.MEAN:
                combined = sum(nums) / len(nums)
            else:
                ws = [float(w.value) for w in weights if w is not None]
                if sum(ws) == 0:
                    continue
                combined = sum(n * w for n, w in zip(nums, ws, strict=True)) / sum(ws)
            problem = _disagreement(ind, weight, year, city, top, combined, options.sum_tolerance)
            if problem:
                out.append(problem)
    return out


_COMBINED = (Combine.SUM, Combine.MEAN, Combine.WEIGHTED)


def _how(ind: Indicator, weight: Indicator | None) -> str:
    """各县（市、区）合计 / 平均 / 按「权重」加权平均: how the counties make the city value."""
    if ind.combine is Combine.SUM:
        return "合计"
    if ind.combine is Combine.MEAN:
        return "平均"
    assert weight is not None  # Combine.WEIGHTED always has one
    return f"按「{weight.name}」加权平均"


def _disagreement(ind: Indicator, weight, year: int, city: Region, top: Value,
                  combined: float, tolerance: float) -> Problem | None:
    """An error when the city value is further than `tolerance` (relative) from `combined`."""
    city_value = float(top.value)
    gap = abs(combined - city_value)
    rel = gap / abs(city_value) if city_value else (0.0 if gap == 0 else float("inf"))
    mean = ind.combine is not Combine.SUM
    # a mean rarely comes out even: one that reads as the city value at the catalog's
    # decimals agrees with it
    rounded = fmt.round_half_up(combined, ind.decimals)
    if rel <= tolerance or (mean and rounded == fmt.round_half_up(city_value, ind.decimals)):
        return None
    if not mean:
        unit = ind.unit if ind.unit not in ("", "%") else ""
        shown = show(combined)
        should = "全市数应等于各县（市、区）之和"
    else:
        unit = ind.unit or ""
        shown = show(float(rounded))
        should = ("全市数应等于各县（市、区）的平均数" if ind.combine is Combine.MEAN
                  else f"全市数应等于各县（市、区）以「{weight.name}」为权重的加权平均数")
    share = f"相差 {show(round(rel * 100, 1))}%" if city_value else f"相差 {show(gap)}"
    return Problem(
        top.location,
        f"「{ind.name}」{year}年各县（市、区）{_how(ind, weight)}为 {shown}{unit}，"
        f"与{city.name}的数值 {show(city_value)}{unit} 不一致"
        f"（{share}，允许误差 {show(tolerance * 100)}%）",
        f"请核对{city.name}和各县（市、区）{year}年的「{ind.name}」：{should}；"
        "如果全市数还包含市直单位等不在地区表中的部分，或另有算法，请把该指标的「汇总方式」改为「不汇总」",
        region=city.name)


def _unchecked(ind: Indicator, weight, year: int, city: Region, top: Value,
               lacking: list[str], no_weight: list[str], n: int) -> Problem:
    """A warning: the city value could not be checked, as these counties lack a value (or weight)."""
    def names(regions: list[str]) -> str:
        return f"全部{n}个县（市、区）" if len(regions) == n else "、".join(regions)

    gaps = []
    if lacking:
        gaps.append(f"缺少{names(lacking)}的数值")
    if no_weight:
        gaps.append(f"缺少{names(no_weight)}的权重「{weight.name}」")
    fill = []
    if lacking:
        fill.append(f"{'、'.join(lacking)}{year}年的「{ind.name}」")
    if no_weight:
        fill.append(f"{'、'.join(no_weight)}{year}年的「{weight.name}」")
    return Problem(
        top.location,
        f"「{ind.name}」{year}年{'，'.join(gaps)}，"
        f"无法核对各县（市、区）{_how(ind, weight)}与{city.name}的数值是否一致",
        f"请在指标数据中补上{'和'.join(fill)}；如确实没有，可忽略此提示",
        severity="warning")


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


def default_targets(indicators: dict[str, Indicator], regions: list[Region],
                    targets: dict[tuple[str, str], float], defaults: dict[str, float],
                    sample_city: str) -> list[Problem]:
    """Warnings for plan targets nobody set: the city's still equal to the bundled catalog's
    (which are the sample city's own, so the sample is not warned), and counties without
    their own cumulative targets (they would be measured against the city's five-year total).

    `defaults` is the bundled catalog's 规划目标 by code; a target the city gives in the values
    table (年度 规划目标) counts as its own, also when it happens to equal the default."""
    city = next((r for r in regions if r.is_city), None)
    if city is None:
        return []
    out = []
    with_target = [i for i in indicators.values() if i.target is not None]
    same = [i for i in with_target if (city.name, i.code) not in targets
            and i.code in defaults and defaults[i.code] == i.target]
    if same and city.name != sample_city:
        file = next((i.location.file for i in same if i.location), "指标目录")
        out.append(Problem(
            Location(file, column="规划目标"),
            f"{city.name}有 {len(same)} 个指标的规划目标仍是 reportgen 自带指标目录中的数值"
            f"（示例{sample_city}的目标）：{_names(same)}",
            f"请把本市规划中的目标填入指标目录的「规划目标」列；或在{city.name}的填报表「规划目标」列"
            "或指标数据中填写（年度填「规划目标」），这样填的目标优先。目标确实与示例相同时，这样填写即不再提示",
            severity="warning"))
    cumulative = [i for i in with_target if i.target_type is TargetType.CUMULATIVE]
    lacking: dict[tuple[str, ...], list[str]] = {}
    for r in regions:
        if r.parent == city.name:
            codes = tuple(i.code for i in cumulative if (r.name, i.code) not in targets)
            if codes:
                lacking.setdefault(codes, []).append(r.name)
    for codes, names in lacking.items():
        first = indicators[codes[0]]
        assert first.target is not None  # one of with_target
        unit = first.unit if first.unit not in ("", "%") else ""
        out.append(Problem(
            Location(first.location.file if first.location else "指标目录", column="规划目标"),
            f"{'、'.join(names)}没有自己的累计目标：{_names(indicators[c] for c in codes)}；"
            f"报告将按全市五年目标（如「{first.name}」{show(first.target)}{unit}）计算完成进度，进度会明显偏低",
            "请在各县（市、区）填报表的「规划目标」列填写分解目标，或在指标数据中逐行填写：地区、年度填「规划目标」、指标代码、数值",
            severity="warning"))
    return out


def _names(items) -> str:
    return "、".join(f"「{i.name}」" for i in items)


def derive_city_sums(indicators: dict[str, Indicator], regions: list[Region],
                     values: dict[Key, Value]) -> list[Problem]:
    """Fill the city's missing 求和 figures with the sum of its counties (validation.
    city_sums_from_counties), in place; one warning per indicator says where that was done.

    Only where every county has a number: with a county missing the sum would be short, and
    the sum check's own warning names the missing counties instead.
    """
    city = next((r for r in regions if r.is_city), None)
    counties = [r.name for r in regions if city and r.parent == city.name]
    if city is None or not counties:
        return []
    years = sorted({y for (_, y, _) in values})
    problems = []
    for code, ind in indicators.items():
        if ind.combine is not Combine.SUM or not ind.numeric or ind.derived:
            continue
        filled = []
        for year in years:
            if (city.name, year, code) in values:
                continue
            parts = [values.get((c, year, code)) for c in counties]
            nums = [v.value for v in parts if v is not None and isinstance(v.value, (int, float))]
            if len(nums) < len(parts):
                continue
            total = sum(nums)
            values[(city.name, year, code)] = Value(city.name, year, code, total,
                                                    source="各县（市、区）合计")
            filled.append(year)
        if filled:
            years_text = "、".join(f"{y}年" for y in filled)
            problems.append(Problem(
                None, f"{city.name}{years_text}的「{ind.name}」没有填写，已按各县（市、区）之和计算",
                "如需填写全市数（例如含市直单位），请在指标数据中补上；按合计计算是 report.yaml 中"
                " validation.city_sums_from_counties 的设置", severity="warning"))
    return problems
