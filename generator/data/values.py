"""The indicator values (指标数据): a long table of region, year, code and value rows."""

from __future__ import annotations

import datetime as _dt
import unicodedata
from dataclasses import dataclass, field

from ..model import DataOptions, Kind, Location, Problem, Value
from .catalog import Catalog
from .cells import closest, odd_characters, text
from .headers import Field, Row, Table
from .numeric import EXCEL_ERRORS, is_whole, parse_number, show
from .regions import Regions
from .report import Capped

WHAT = "指标数据"
FIELDS = [
    Field("region", "地区", ("地区名称",), required=True),
    Field("year", "年度", ("年份",), required=True),
    Field("code", "指标代码", required=True),
    Field("value", "数值", required=True),
    Field("source", "来源"),
    Field("note", "备注"),
]
_NON_NEGATIVE = (Kind.COUNT, Kind.AMOUNT, Kind.DURATION)
# Plausibility ceilings where the catalog's 合理上限 is empty: a hundred million of anything
# counted (人次, 学时 …) is beyond any city, and money beyond 100亿元 whatever its unit.
DEFAULT_CEILING = 1e8
_AMOUNT_CEILINGS = {"元": 1e10, "万元": 1e6, "亿元": 100.0}
Key = tuple[str, int, str]
TARGET = "规划目标"  # written in 年度: the row holds the region's own plan target
_TARGET_WORDS = ("规划目标", "目标", "target")


def load_values(tables: list[Table], catalog: Catalog | None, regions: Regions | None,
                options: DataOptions) -> tuple[dict[Key, Value], dict[tuple[str, str], float],
                                               list[Problem]]:
    """Every valid value keyed (region, year, code), region targets keyed (region, code),
    and the problems of every row.

    A row whose 年度 is 「规划目标」 gives that region's own plan target for the indicator
    (overriding the catalog's). A None catalog or region list (its file could not be read)
    skips the checks that need it, so the values file still gets its own problems reported.
    """
    found = _Found()
    problems = Capped()  # one mistake copied down 200,000 rows is kept 20 times per region
    for table in tables:
        for row in table.rows:
            found_here = _read_row(row, catalog, regions, options, found)
            if found_here:
                region = _owner(row, regions)
                for p in found_here:
                    problems.add(p, region)
    return found.values, found.targets, problems.problems()


def _owner(row: Row, regions: Regions | None) -> str | None:
    """The region a row belongs to, as resolved, or as written when it is not in the regions file."""
    written = text(row.get("region"))
    if not written:
        return None
    resolved = regions.resolve(written) if regions is not None else None
    return resolved or written


@dataclass
class _Found:
    values: dict[Key, Value] = field(default_factory=dict)
    targets: dict[tuple[str, str], float] = field(default_factory=dict)
    seen: dict[tuple, Row] = field(default_factory=dict)


def _read_row(row: Row, catalog: Catalog | None, regions: Regions | None,
              options: DataOptions, found: _Found) -> list[Problem]:
    out: list[Problem] = []

    def bad(key: str, message: str, hint: str) -> None:
        out.append(Problem(row.loc(key), message, hint))

    region = _region(row, regions, bad)
    year = _year(row, options, bad)
    code, indicator = _code(row, catalog, bad)
    if region and year and code:
        key = (region, year, code)
        if key in found.seen:
            name = catalog.names.get(code, code) if catalog else code
            when = "的规划目标" if year == TARGET else f"{year}年"
            bad("code", f"{region}{when}「{name}」填了两次（{_where(found.seen[key], row)}也有）",
                "同一地区、同一年度、同一指标只能有一行：请删除重复的一行，或改正地区、年度、指标代码")
            return out
        found.seen[key] = row
    # region None without a problem here: a broken region's row, its regions-file error stops
    # the build; its values are not kept (they were, under None, and made year-jump warnings)
    if year == TARGET:
        target = _target(row, indicator, bad)
        if not out and target is not None and region is not None:
            found.targets[(region, code)] = target
        return out
    value = _value(row, indicator, catalog, bad)
    if (not out and value is not None and indicator is not None and region is not None
            and isinstance(year, int)):
        found.values[(region, year, code)] = Value(
            region, year, code, value, source=text(row.get("source")), location=row.loc("value"))
    return out


def _target(row: Row, indicator, bad) -> float | None:
    """A region's own plan target: a number within the indicator's range, if it has a target type."""
    raw = row.get("value")
    if indicator is None:
        return None
    if indicator.kind is Kind.TEXT:
        bad("year", f"「{indicator.name}」是文本类指标，不能填规划目标",
            "请删除这一行，或把「年度」改为四位年份")
        return None
    if indicator.target_type is None:
        bad("year", f"「{indicator.name}」在指标目录中没有目标类型，无法使用这里填的规划目标",
            "请在指标目录中为该指标填写「目标类型」（累计或年度），或删除这一行")
        return None
    if raw is None:
        bad("value", "缺少规划目标的数值", "请填写该地区的规划目标，或删除这一行（将使用指标目录中的目标）")
        return None
    number = parse_number(raw)
    if number is None:
        bad("value", f"「{row.table.column('value')}」列应为数字，此处填的是「{text(raw)}」",
            "规划目标请只填阿拉伯数字（如 1200 或 95%）")
    elif number < 0 or (indicator.kind is Kind.PERCENT and number > 100):
        bad("value", f"「{indicator.name}」的规划目标「{show(number)}」超出范围",
            "百分比目标应在 0 到 100 之间，其他目标不能为负数" if indicator.kind is Kind.PERCENT
            else "规划目标不能为负数")
    elif not _beyond(indicator, number, "的规划目标", bad):
        return number
    return None


def ceiling(indicator) -> float:
    """The largest plausible value of a numeric indicator: the catalog's 合理上限, else 100
    for percentages, 100亿元 for money (in 元, 万元 or 亿元), 1亿 for everything else."""
    if indicator.ceiling is not None:
        return indicator.ceiling
    if indicator.kind is Kind.PERCENT:
        return 100.0
    if indicator.kind is Kind.AMOUNT:
        return _AMOUNT_CEILINGS.get(indicator.unit, DEFAULT_CEILING)
    return DEFAULT_CEILING


def _beyond(indicator, number: float, what: str, bad) -> bool:
    """Report `number` above the indicator's ceiling (a slip of the keyboard); True if it is."""
    top = ceiling(indicator)
    if number <= top:
        return False
    unit = indicator.unit
    given = "指标目录中填写的" if indicator.ceiling is not None else "默认的"
    bad("value", f"「{indicator.name}」{what}为 {show(number)}{unit}，超出合理范围（上限 {show(top)}{unit}）",
        f"请核对是否多写了位数、填错了单位或把两个数连在了一起；如果数值无误，"
        f"请在指标目录的「合理上限」列为该指标填写更大的上限（现为{given}上限）")
    return True


def _region(row: Row, regions: Regions | None, bad) -> str | None:
    written = text(row.get("region"))
    if not written:
        bad("region", "地区为空", "请填写地区名称（与地区表一致），或删除这一行")
        return None
    if regions is None:
        return written
    name = regions.resolve(written)
    odd = odd_characters(written) if name is None else None
    if odd:  # looks like a known name on screen: say what is hidden in it
        what, cleaned = odd
        known = regions.resolve(cleaned)
        bad("region", f"地区「{cleaned}」中{what}",
            f"删除后即为地区表中的「{known}」；可重新输入这一格" if known
            else "请删除这个字符（可重新输入这一格），地区名称应与地区表一致")
        return None
    if name is None:
        guess = closest(written, [*regions.names(), *regions.aliases], cutoff=0.4)
        guess = regions.aliases.get(guess, guess) if guess is not None else None
        maybe = f"（是否应为「{guess}」？）" if guess else ""
        bad("region", f"地区「{written}」不在地区表中{maybe}",
            (f"请改为「{guess}」；" if guess else "请改为地区表中已有的地区名称；")
            + "如果这是新地区，请先在地区表中加上它")
        return None
    return None if name in regions.broken else name


def _year(row: Row, options: DataOptions, bad) -> int | str | None:
    """The year as an int, TARGET for a plan-target row, or None (reported)."""
    raw = row.get("year")
    span = f"{options.first_year}—{options.last_year}年"
    if raw is None:
        bad("year", "年度为空", f"请填写年度，如 {options.last_year}")
        return None
    value = None
    if type(raw) in (int, float):   # most cells: a number, with no text to read
        value = parse_number(raw)
    elif not isinstance(raw, (_dt.date, _dt.datetime, bool)):
        written = unicodedata.normalize("NFKC", text(raw)).removesuffix("年").strip()
        if written.lower() in _TARGET_WORDS:
            return TARGET
        value = parse_number(written) if "%" not in written else None
    if value is None or not is_whole(value):
        shown = text(raw)
        hint = "请只填四位数的年份，如 2024；填该地区的规划目标时写「规划目标」"
        if isinstance(raw, (_dt.date, _dt.datetime)):
            hint += "；单元格若被设成了日期格式，请改为「常规」格式后重新输入"
        bad("year", f"年度「{shown}」不是整数年份", hint)
        return None
    year = int(round(value))
    if not options.first_year <= year <= options.last_year:
        bad("year", f"年度{year}不在规划期（{span}）内",
            f"请改正年度；规划期起止年份在配置文件中设置，当前为 {span}")
        return None
    return year


def _code(row: Row, catalog: Catalog | None, bad):
    """(code, indicator): indicator None when the code is unknown or its catalog row is broken."""
    written = text(row.get("code"))
    if not written:
        bad("code", "指标代码为空", "请填写指标目录中的指标代码，或删除这一行")
        return None, None
    if catalog is None:
        return written, None
    if written in catalog.indicators:
        return written, catalog.indicators[written]
    if written in catalog.broken:
        return written, None  # its catalog row is reported already
    odd = odd_characters(written, ascii_only=True)
    if odd:  # looks like a known code on screen: say what is hidden in it
        what, cleaned = odd
        known = catalog.names.get(cleaned)
        bad("code", f"指标代码「{cleaned}」中{what}",
            f"删除后即为指标目录中的「{cleaned}」{known}；可从指标目录复制代码，重新填入这一格"
            if known is not None else "指标代码只能用半角（英文）的小写字母、数字和下划线：请重新输入这一格")
        return None, None
    guess = closest(written, catalog.names)
    if guess is None:
        by_name = {n: c for c, n in catalog.names.items() if n}
        name = closest(written, by_name, cutoff=0.6)
        guess = by_name.get(name) if name else None
    maybe = f"（是否应为「{guess}」{catalog.names.get(guess, '')}？）" if guess else ""
    bad("code", f"指标代码「{written}」不在指标目录中{maybe}",
        (f"请改为「{guess}」；" if guess else "请改为指标目录中已有的指标代码；")
        + "如果这是新指标，请先在指标目录中加上它")
    return None, None


def _value(row: Row, indicator, catalog: Catalog | None, bad):
    """The cell as a number (or text for 文本 indicators), after the checks of its kind."""
    raw = row.get("value")
    column = row.table.column("value")
    if indicator is not None and indicator.derived:
        assert catalog is not None  # the indicator is the catalog's
        bad("value", f"「{indicator.name}」由分子、分母指标自动计算，不需要填写",
            "请删除这一行（系统会用「{}」÷「{}」计算）".format(
                *(catalog.names.get(c, c) for c in (indicator.numerator, indicator.denominator))))
        return None
    if raw is None:
        bad("value", "缺少数值",
            "请填写数值，或删除这一行（如果该格是公式，请用 Excel 打开并保存一次后再试）")
        return None
    if indicator is None:
        return None  # unknown code or unreadable catalog: its kind, and so its checks, are unknown
    if indicator.kind is Kind.TEXT:
        return text(raw)
    if isinstance(raw, str) and raw.strip().upper() in EXCEL_ERRORS:
        bad("value", f"「{column}」列是 Excel 错误值 {raw.strip()}，不是数字",
            "请检查该格的公式，或直接填写数字")
        return None
    number = None if isinstance(raw, (_dt.date, _dt.datetime)) else parse_number(raw)
    if number is None:
        bad("value", f"「{column}」列应为数字，此处填的是「{text(raw)}」",
            "请只填阿拉伯数字（如 120、56.5 或 56.5%）；单位、“约”等说明请写到「备注」列")
        return None
    kind, name = indicator.kind, indicator.name
    if kind in _NON_NEGATIVE and number < 0:
        bad("value", f"「{name}」不能是负数，此处为 {show(number)}", "请改正数值")
    elif kind is Kind.PERCENT and not 0 <= number <= 100:
        bad("value", f"「{name}」是百分比，应在 0 到 100 之间，此处为 {show(number)}",
            "请按百分数填写，如 56.5% 填 56.5 或 56.5%")
    elif kind is Kind.COUNT and not is_whole(number):
        bad("value", f"「{name}」是计数类指标，应为整数，此处为 {show(number)}",
            f"请改为整数（单位：{indicator.unit}）" if indicator.unit else "请改为整数")
    elif not _beyond(indicator, number, "", bad):
        return number
    return None


def _where(first: Row, again: Row) -> str:
    """Where the earlier of two duplicate rows is, as briefly as the reader needs."""
    a, b = first.table, again.table
    if (a.file, a.sheet) == (b.file, b.sheet):
        return f"第{first.number}行"
    return str(Location(a.file, a.sheet, first.number))
