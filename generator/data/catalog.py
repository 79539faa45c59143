"""The indicator catalog (指标目录): one row per indicator, checked as a whole."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from ..model import Combine, Indicator, Kind, Problem, TargetType
from .cells import choice, closest, odd_characters, text
from .headers import Field, Row, map_sheet
from .numeric import is_whole, parse_number
from .tables import Sheet

WHAT = "指标目录"
FIELDS = [
    Field("code", "指标代码", required=True),
    Field("name", "指标名称", required=True),
    Field("unit", "单位", required=True),
    Field("kind", "类型", required=True),
    Field("decimals", "小数位"),
    Field("target", "规划目标"),
    Field("target_type", "目标类型"),
    Field("combine", "汇总方式"),
    Field("weight", "权重指标"),
    Field("numerator", "分子指标"),
    Field("denominator", "分母指标"),
    Field("scale", "显示单位"),
    Field("note", "说明"),
    Field("optional", "选填", ("是否选填", "可不填")),
    Field("ceiling", "合理上限", ("上限", "ceiling", "max")),
]

CODE_RE = re.compile(r"[a-z][a-z0-9_]*")
CODE_RULE = "指标代码只能用小写英文字母、数字和下划线，并以字母开头，如 train_total"
_KINDS = {k.value: k for k in Kind} | {
    "count": Kind.COUNT, "amount": Kind.AMOUNT, "percent": Kind.PERCENT,
    "duration": Kind.DURATION, "text": Kind.TEXT}
_COMBINES = {c.value: c for c in Combine} | {
    "sum": Combine.SUM, "mean": Combine.MEAN, "average": Combine.MEAN,
    "weighted": Combine.WEIGHTED, "none": Combine.NONE}
_TARGET_TYPES = {t.value: t for t in TargetType} | {
    "cumulative": TargetType.CUMULATIVE, "annual": TargetType.ANNUAL}
_SCALES = ("万", "亿")
_YES_NO = {"是": True, "否": False, "yes": True, "no": False, "y": True, "n": False,
           "true": True, "false": False}
_NEEDS_UNIT = (Kind.COUNT, Kind.AMOUNT, Kind.DURATION)


@dataclass
class Catalog:
    """What the catalog yielded: valid indicators in file order, and codes that exist but are broken."""

    indicators: dict[str, Indicator] = field(default_factory=dict)
    broken: set[str] = field(default_factory=set)
    names: dict[str, str] = field(default_factory=dict)   # code -> name, broken ones too


def load_catalog(sheet: Sheet, file: str) -> tuple[Catalog | None, list[Problem]]:
    """The catalog in a sheet; None when its header makes the rows unreadable."""
    table, problems = map_sheet(sheet, file, FIELDS, WHAT)
    if table is None:
        return None, problems
    catalog = Catalog()
    rows: dict[str, Row] = {}
    drafts: dict[str, dict] = {}
    for row in table.rows:
        code, entry, row_problems = _read_row(row, rows)
        problems += row_problems
        if code is None:
            continue
        if code not in rows:
            rows[code] = row
            catalog.names[code] = text(row.get("name"))
        if entry is None or row_problems:
            catalog.broken.add(code)
        else:
            drafts[code] = entry
    if not rows and not problems:
        problems.append(Problem(table.location(), f"{WHAT}中没有任何指标",
                                "请在列名下面逐行填写指标，每行一个"))
    problems += _check_references(drafts, rows, catalog)
    for code, entry in drafts.items():
        if code not in catalog.broken:
            catalog.indicators[code] = Indicator(**entry, location=rows[code].loc("code"))
    return catalog, problems


def _read_row(row: Row, seen: dict[str, Row]) -> tuple[str | None, dict | None, list[Problem]]:
    """(code, Indicator fields, problems) for one catalog row; code None if it is unusable."""
    out: list[Problem] = []

    def bad(key: str, message: str, hint: str) -> None:
        out.append(Problem(row.loc(key), message, hint))

    code = text(row.get("code"))
    name = text(row.get("name"))
    if not code:
        bad("code", "指标代码为空", f"请填写指标代码（{CODE_RULE}），或删除这一行")
        return None, None, out
    odd = odd_characters(code, ascii_only=True) if not CODE_RE.fullmatch(code) else None
    if odd:
        what, cleaned = odd
        bad("code", f"指标代码「{cleaned}」中{what}",
            f"请重新输入这一格（{CODE_RULE}），模板和指标数据中的代码要与它完全一致")
        # as the code it was meant to be, broken: its values rows are not reported again
        return (cleaned if CODE_RE.fullmatch(cleaned) and cleaned not in seen else None), None, out
    if not CODE_RE.fullmatch(code):
        fixed = re.sub(r"[\s\-]+", "_", code.strip().lower())
        maybe = f"，例如改为「{fixed}」" if CODE_RE.fullmatch(fixed) else ""
        bad("code", f"指标代码「{code}」格式不对", CODE_RULE + maybe)
        return None, None, out
    if code in seen:
        bad("code", f"指标代码「{code}」重复（第{seen[code].number}行已有这个代码）",
            "每个指标只能出现一次：请删除重复的一行，或给其中一个换一个代码")
        return code, None, out
    if not name:
        bad("name", f"指标「{code}」的指标名称为空", "请填写指标名称，如「培训干部总人次」")

    kind = _enum(row, "kind", _KINDS, bad, required=True)
    unit = text(row.get("unit"))
    if kind in _NEEDS_UNIT and not unit:
        bad("unit", f"指标「{code}」的单位为空", "计数、金额、时长类指标请写明单位，如 人次、万元、学时")
    decimals = _decimals(row, bad)
    target = _target(row, kind, bad)
    target_type = _enum(row, "target_type", _TARGET_TYPES, bad)
    if target is not None and target_type is None and text(row.get("target_type")) == "":
        bad("target_type", f"指标「{code}」填了规划目标，但没有填目标类型",
            "请在「目标类型」中填「累计」（五年加起来达到）或「年度」（每年都要达到）")
    combine = _enum(row, "combine", _COMBINES, bad) or Combine.NONE
    if kind is Kind.TEXT and combine is not Combine.NONE:
        bad("combine", f"文本类指标「{code}」不能汇总", "请把「汇总方式」改为「不汇总」或留空")
    scale = text(row.get("scale")) or None
    if scale is not None and scale not in _SCALES:
        bad("scale", f"显示单位「{scale}」无法识别", "「显示单位」只能填「万」「亿」或留空")
    entry = dict(code=code, name=name, unit=unit, kind=kind, decimals=decimals, target=target,
                 target_type=target_type, combine=combine,
                 weight=text(row.get("weight")) or None,
                 numerator=text(row.get("numerator")) or None,
                 denominator=text(row.get("denominator")) or None,
                 scale=scale, note=text(row.get("note")),
                 optional=_optional(row, code, bad), ceiling=_ceiling(row, kind, target, bad))
    return code, entry, out


def _ceiling(row: Row, kind: Kind | None, target: float | None, bad) -> float | None:
    """合理上限: a value above it is taken for a typing slip (None: the kind's default)."""
    raw = row.get("ceiling")
    if raw is None:
        return None
    label = row.table.fields["ceiling"].label
    value = parse_number(raw)
    if value is None:
        bad("ceiling", f"{label}「{text(raw)}」不是数字",
            f"「{label}」请只填数字（如 100000），留空表示按类型的默认上限")
    elif kind is Kind.TEXT:
        bad("ceiling", f"文本类指标不能设{label}", f"请删除这一格的{label}")
    elif value <= 0:
        bad("ceiling", f"{label}「{text(raw)}」应大于 0", "请填写该指标可能达到的最大值，或留空")
    elif target is not None and target > value:
        bad("ceiling", f"规划目标 {text(row.get('target'))} 超过了{label} {text(raw)}",
            f"请核对规划目标和{label}，{label}应不小于规划目标")
    else:
        return value
    return None


def _enum(row: Row, key: str, options: dict, bad, required: bool = False):
    """The choice a cell names, reporting an empty required cell or an unknown word."""
    written = text(row.get(key))
    label = row.table.fields[key].label
    allowed = "、".join(v for v in options if not v.isascii())
    if not written:
        if required:
            bad(key, f"「{label}」为空", f"请填写 {allowed} 之一")
        return None
    found = choice(written, options)
    if found is None:
        guess = closest(written, [v for v in options if not v.isascii()], cutoff=0.3)
        maybe = f"（是否应为「{guess}」？）" if guess else ""
        bad(key, f"「{label}」填的是「{written}」，无法识别{maybe}", f"请改为 {allowed} 之一")
    return found


def _optional(row: Row, code: str, bad) -> bool:
    """选填: 是 (the region may leave it empty, no 【待补】 and no warning), 否 or empty."""
    written = text(row.get("optional"))
    if not written:
        return False
    found = _YES_NO.get(written.lower())
    if found is None:
        label = row.table.fields["optional"].label
        bad("optional", f"指标「{code}」的「{label}」填的是「{written}」，无法识别",
            f"「{label}」请填「是」（各地区可以不填这个指标）、「否」或留空")
        return False
    return found


def _decimals(row: Row, bad) -> int:
    raw = row.get("decimals")
    if raw is None:
        return 0
    value = parse_number(raw)
    if value is None or not is_whole(value) or not 0 <= value <= 4:
        bad("decimals", f"小数位「{text(raw)}」不对", "「小数位」请填 0 到 4 之间的整数，留空表示 0")
        return 0
    return int(round(value))


def _target(row: Row, kind: Kind | None, bad) -> float | None:
    raw = row.get("target")
    if raw is None:
        return None
    value = parse_number(raw)
    if value is None:
        bad("target", f"规划目标「{text(raw)}」不是数字",
            "「规划目标」请只填数字（如 5000 或 95%），单位写在「单位」列")
        return None
    if kind is Kind.TEXT:
        bad("target", "文本类指标不能设规划目标", "请删除这一格的规划目标，或把「类型」改为数值类")
        return None
    return value


def _check_references(drafts: dict[str, dict], rows: dict[str, Row], catalog: Catalog) -> list[Problem]:
    """Weight, numerator and denominator must name existing numeric indicators; no loops."""
    out: list[Problem] = []
    names = {n: c for c, n in catalog.names.items() if n}

    def bad(code: str, key: str, message: str, hint: str) -> None:
        out.append(Problem(rows[code].loc(key), message, hint))
        catalog.broken.add(code)

    def check(code: str, key: str, ref: str, role: str) -> None:
        found = _reference_problem(code, ref, role, drafts, rows, names)
        if found:
            bad(code, key, *found)

    for code, d in drafts.items():
        if d["combine"] is Combine.WEIGHTED and not d["weight"]:
            bad(code, "combine", f"指标「{code}」按加权平均汇总，但没有填权重指标",
                "请在「权重指标」中填写作为权重的指标代码（如各县参训人数），或改用其他汇总方式")
        elif d["weight"] and d["combine"] is not Combine.WEIGHTED:
            bad(code, "weight", f"指标「{code}」填了权重指标，但汇总方式不是「加权平均」",
                "只有「加权平均」才需要权重指标：请删除权重指标，或把汇总方式改为「加权平均」")
        elif d["weight"]:
            check(code, "weight", d["weight"], "权重指标")
        num, den = d["numerator"], d["denominator"]
        if bool(num) != bool(den):
            missing = "denominator" if num else "numerator"
            label = "分母指标" if num else "分子指标"
            bad(code, missing, f"指标「{code}」只填了{'分子' if num else '分母'}指标，缺少{label}",
                "由其他指标计算得出的指标要同时填写分子指标和分母指标；否则两格都留空")
        elif num:
            if d["kind"] is Kind.TEXT:
                bad(code, "kind", f"指标「{code}」由分子/分母计算，不能是文本类",
                    "请把「类型」改为百分比等数值类型")
            check(code, "numerator", num, "分子指标")
            check(code, "denominator", den, "分母指标")
    for code in _cycles(drafts):
        bad(code, "numerator", f"指标「{code}」的分子/分母指标互相引用，形成了循环",
            "请检查分子指标和分母指标，确保最终都指向直接填报数据的指标")
    return out


def _reference_problem(code: str, ref: str, role: str, drafts: dict[str, dict],
                       rows: dict[str, Row], names: dict[str, str]) -> tuple[str, str] | None:
    """(message, hint) when indicator `code`'s `role` (权重指标, 分子指标…) `ref` cannot be used."""
    odd = odd_characters(ref, ascii_only=True) if ref not in rows else None
    if odd:
        return f"{role}「{odd[1]}」中{odd[0]}", "请重新输入这一格，填写指标目录中已有的指标代码"
    if ref == code:
        return f"指标「{code}」的{role}不能是它自己", f"请在「{role}」中填写另一个指标的代码"
    if ref in names and ref not in rows:
        return f"{role}「{ref}」是指标名称，这里应填指标代码", f"请改为「{names[ref]}」"
    if ref not in rows:
        guess = closest(ref, list(rows))
        maybe = f"（是否应为「{guess}」？）" if guess else ""
        return f"{role}「{ref}」不在指标目录中{maybe}", f"请填写{WHAT}中已有的指标代码"
    if ref in drafts and drafts[ref]["kind"] is Kind.TEXT:
        return (f"{role}「{ref}」是文本类指标，不能用于计算",
                "请改填一个数值类（计数、金额、百分比、时长）指标的代码")
    return None


def _cycles(drafts: dict[str, dict]) -> list[str]:
    """Derived indicators whose numerator/denominator chain leads back to themselves."""
    def inputs(code: str) -> list[str]:
        d = drafts.get(code)
        return [c for c in (d["numerator"], d["denominator"]) if c and c != code] if d else []

    looping = []
    for start in drafts:
        stack, seen = list(inputs(start)), set()
        while stack:
            code = stack.pop()
            if code == start:
                looping.append(start)
                break
            if code not in seen:
                seen.add(code)
                stack.extend(inputs(code))
    return looping

