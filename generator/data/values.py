"""The indicator values (指标数据): a long table of region, year, code and value rows."""

from __future__ import annotations

import datetime as _dt
import unicodedata

from ..model import DataOptions, Kind, Location, Problem, Value
from .catalog import Catalog
from .cells import closest, text
from .headers import Field, Row, Table
from .numeric import is_whole, parse_number, show
from .regions import Regions

WHAT = "指标数据"
FIELDS = [
    Field("region", "地区", ("地区名称",), required=True),
    Field("year", "年度", ("年份",), required=True),
    Field("code", "指标代码", required=True),
    Field("value", "数值", required=True),
    Field("source", "来源"),
    Field("note", "备注"),
]
_EXCEL_ERRORS = ("#DIV/0!", "#N/A", "#VALUE!", "#REF!", "#NAME?", "#NUM!", "#NULL!", "#SPILL!")
_NON_NEGATIVE = (Kind.COUNT, Kind.AMOUNT, Kind.DURATION)
Key = tuple[str, int, str]


def load_values(tables: list[Table], catalog: Catalog | None, regions: Regions | None,
                options: DataOptions) -> tuple[dict[Key, Value], list[Problem]]:
    """Every valid value keyed (region, year, code), and the problems of every row.

    A None catalog or region list (its file could not be read) skips the checks that need it,
    so the values file still gets its own problems reported in the same run.
    """
    values: dict[Key, Value] = {}
    seen: dict[Key, Row] = {}
    problems: list[Problem] = []
    for table in tables:
        for row in table.rows:
            problems += _read_row(row, catalog, regions, options, values, seen)
    return values, problems


def _read_row(row: Row, catalog: Catalog | None, regions: Regions | None,
              options: DataOptions, values: dict, seen: dict) -> list[Problem]:
    out: list[Problem] = []

    def bad(key: str, message: str, hint: str) -> None:
        out.append(Problem(row.loc(key), message, hint))

    region = _region(row, regions, bad)
    year = _year(row, options, bad)
    code, indicator = _code(row, catalog, bad)
    if region and year and code:
        key = (region, year, code)
        if key in seen:
            name = catalog.names.get(code, code) if catalog else code
            bad("code", f"{region}{year}年「{name}」填了两次（{_where(seen[key], row)}也有）",
                "同一地区、同一年度、同一指标只能有一行：请删除重复的一行，或改正地区、年度、指标代码")
            return out
        seen[key] = row
    value = _value(row, indicator, catalog, bad)
    if not out and value is not None and indicator is not None:
        values[(region, year, code)] = Value(region, year, code, value,
                                             source=text(row.get("source")), location=row.loc("value"))
    return out


def _region(row: Row, regions: Regions | None, bad) -> str | None:
    written = text(row.get("region"))
    if not written:
        bad("region", "地区为空", "请填写地区名称（与地区表一致），或删除这一行")
        return None
    if regions is None:
        return written
    name = regions.resolve(written)
    if name is None:
        guess = closest(written, [*regions.names(), *regions.aliases], cutoff=0.4)
        guess = regions.aliases.get(guess, guess)
        maybe = f"（是否应为「{guess}」？）" if guess else ""
        bad("region", f"地区「{written}」不在地区表中{maybe}",
            (f"请改为「{guess}」；" if guess else "请改为地区表中已有的地区名称；")
            + "如果这是新地区，请先在地区表中加上它")
        return None
    return None if name in regions.broken else name


def _year(row: Row, options: DataOptions, bad) -> int | None:
    raw = row.get("year")
    span = f"{options.first_year}—{options.last_year}年"
    if raw is None:
        bad("year", "年度为空", f"请填写年度，如 {options.last_year}")
        return None
    value = None
    if not isinstance(raw, (_dt.date, _dt.datetime, bool)):
        written = unicodedata.normalize("NFKC", text(raw)).removesuffix("年").strip()
        value = parse_number(written) if "%" not in written else None
    if value is None or not is_whole(value):
        shown = text(raw)
        hint = "请只填四位数的年份，如 2024"
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
    if isinstance(raw, str) and raw.strip().upper() in _EXCEL_ERRORS:
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
    else:
        return number
    return None


def _where(first: Row, again: Row) -> str:
    """Where the earlier of two duplicate rows is, as briefly as the reader needs."""
    a, b = first.table, again.table
    if (a.file, a.sheet) == (b.file, b.sheet):
        return f"第{first.number}行"
    return str(Location(a.file, a.sheet, first.number))
