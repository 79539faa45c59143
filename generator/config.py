"""The report definition (report.yaml): its declared schema, read and checked as a whole.

Owns what report.yaml may hold: every option is declared once in `SCHEMA` (its key, type,
whether it is required or its default, its check, and what it is in Chinese), and one walker
(`_walk`) reads a file against that table; the rules between options (`RULES`: the data month
within the report year and not after the date of writing, the year within the plan) run after
it. Every problem is collected and reported at once, keyed by its path in the file
(`data.values[1].sheets：…`, `terms.开发区.organ：…`), so a user fixes the whole file in one go.
Also owns `ReportConfig`, the checked definition every other stage reads, and the default
wording of each level (`DEFAULT_TERMS`).

Must not import python-docx, matplotlib, click or jinja2: `check` and `--help` stay lean.
PyYAML, the bundled-files lookup and the layout profile (which imports no python-docx) are
imported only while a file is read.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .errors import ConfigError
from .model import LEVELS, DataOptions, Region, ValueSource

DEFAULT_ORGAN = "中共{region}委组织部"
DEFAULT_TERMS: dict[str, dict[str, str]] = {
    # One table of level-dependent wording; templates use t.<key>, never a literal 我市.
    # committee_we: the committee right after 我市 in the preamble (我市市委, but 县委, never
    # 我县县委); lower_committee: the committees of the level below (县（市、区）委 …);
    # standing_meeting: the body whose agenda items are set (常委会 / 党工委会议);
    # leadership: 市委、市政府 / 党工委、管委会; organ: the signature pattern (not for the text).
    "市": {"we": "我市", "whole": "全市", "committee": "市委", "committee_we": "我市市委",
          "standing": "市委常委会", "standing_meeting": "常委会", "leadership": "市委、市政府",
          "org_dept": "市委组织部", "propaganda": "市委宣传部",
          "party_school": "市委党校（行政学院）", "finance": "市财政局", "hr": "市人社局",
          "cadres": "市管干部", "direct_units": "市直单位", "level": "市级",
          "lower": "县（市、区）", "lower_committee": "县（市、区）委", "situation": "市情市策",
          "leaders": "县级以上领导干部", "senior": "县处级以上领导干部", "organ": DEFAULT_ORGAN},
    "县": {"we": "我县", "whole": "全县", "committee": "县委", "committee_we": "县委",
          "standing": "县委常委会", "standing_meeting": "常委会", "leadership": "县委、县政府",
          "org_dept": "县委组织部", "propaganda": "县委宣传部",
          "party_school": "县委党校", "finance": "县财政局", "hr": "县人社局",
          "cadres": "县管干部", "direct_units": "县直单位", "level": "县级",
          "lower": "乡镇（街道）", "lower_committee": "乡镇（街道）党（工）委", "situation": "县情县策",
          "leaders": "科级以上领导干部", "senior": "乡科级领导干部", "organ": DEFAULT_ORGAN},
    # A development or functional zone is led by a party working committee (党工委) and an
    # administrative committee (管委会): no 区委, no 常委会; its organisation work usually sits
    # in a 党工委组织人事部 (some zones: 党群工作部 — override terms.开发区.organ/org_dept).
    "开发区": {"we": "我区", "whole": "全区", "committee": "党工委", "committee_we": "党工委",
            "standing": "党工委班子", "standing_meeting": "党工委会议", "leadership": "党工委、管委会",
            "org_dept": "党工委组织人事部", "propaganda": "党群工作部",
            "party_school": "党工委党校", "finance": "财政局", "hr": "人社局",
            "cadres": "区管干部", "direct_units": "区直部门", "level": "区级",
            "lower": "街道（园区）", "lower_committee": "街道（园区）党（工）委", "situation": "区情区策",
            "leaders": "科级以上领导干部", "senior": "乡科级领导干部",
            "organ": "{region}党工委组织人事部"},
}
# A 区 speaks as a 县 does with 区 for 县, except that its lower level is 街道 first.
DEFAULT_TERMS["区"] = {**{k: v.replace("县", "区") for k, v in DEFAULT_TERMS["县"].items()},
                      "lower": "街道（乡镇）", "lower_committee": "街道（乡镇）党（工）委"}
# A 县级市 speaks of itself as 市 but manages what a 县 does.
DEFAULT_TERMS["县级市"] = {**DEFAULT_TERMS["市"], "committee_we": "市委", "party_school": "市委党校",
                         "lower": "乡镇（街道）", "lower_committee": "乡镇（街道）党（工）委",
                         "leaders": "科级以上领导干部", "senior": "乡科级领导干部"}

# report.yaml `time_progress`: by months up to as_of (default), or by whole plan years.
BY_MONTH, BY_YEAR = "按月", "按年"

DEFAULT_WORDING = {"leader": "习近平总书记", "thought": "习近平新时代中国特色社会主义思想"}
HEADER_KEYS = ("issuer_mark", "doc_number", "copy_to", "printer", "print_date")


@dataclass(frozen=True)
class Plan:
    name: str
    start: int
    end: int


@dataclass
class ReportConfig:
    """The validated report definition; every path is absolute."""

    path: Path
    root: Path
    title: str                       # pattern with {region}
    organ: str                       # pattern with {region} (the full name), for party committees
    year: int
    date: dt.date
    as_of: str                       # already formatted: 2025年11月
    plan: Plan
    catalog: Path
    regions: Path
    values: list[ValueSource]
    templates: Path
    output: Path
    filename: str
    data_options: DataOptions
    ahead_margin: float = 10.0
    wording: dict[str, str] = field(default_factory=dict)
    terms: dict[str, dict[str, str]] = field(default_factory=dict)
    layout: dict[str, Any] = field(default_factory=dict)
    header: dict[str, str] = field(default_factory=dict)
    as_of_date: dt.date | None = None  # 数据截至年月 (day 1), None when not given
    progress_by: str = BY_MONTH        # time_progress: 按月 or 按年
    collected: Path | None = None      # data.collected: the values file `reportgen collect` writes

    @property
    def progress_month(self) -> int:
        """The month of the report year up to which time progress runs: as_of's month when
        counting by months and the data stop within the report year, else 12 (year end)."""
        d = self.as_of_date
        if self.progress_by == BY_YEAR or d is None or d.year > self.year:
            return 12
        return d.month

    @property
    def time_progress(self) -> float:
        """Share of the plan period elapsed, in percent: Jan 2023 … Nov 2025 of 2023–2027 is
        35 of 60 months → 58.33; by whole years (or without as_of) 2025 → 60."""
        from .metrics import time_progress

        return time_progress(self.year, self.plan.start, self.plan.end, self.progress_month)

    @property
    def progress_basis(self) -> str:
        """What time progress is counted up to, to open a sentence: 截至2025年11月 /
        截至2025年底 / 按2025年全年计算 (by whole years)."""
        if self.progress_by == BY_YEAR:
            return f"按{self.year}年全年计算"
        d = self.as_of_date
        if d is not None and d.year == self.year:
            return f"截至{self.year}年{d.month}月"
        return f"截至{self.year}年底"

    def title_for(self, region: str) -> str:
        return self.title.format(region=region, plan=self.plan.name, year=self.year)

    def organ_for(self, region: Region) -> str:
        """The signing organ: the regions table's 署名 if given, else the level's pattern with
        the full name (中共临江市江城区委组织部, 临江经济技术开发区党工委组织人事部)."""
        if region.organ:
            return region.organ
        return self.terms[region.level]["organ"].format(region=region.full_name)


# --- the schema's parts --------------------------------------------------------------------

@dataclass
class _Context:
    """What a check needs besides its value: the file's folder and name, the problems so far."""

    root: Path
    name: str                                   # the file's name, for messages
    problems: list[str] = field(default_factory=list)

    def add(self, at: str, message: str) -> None:
        self.problems.append(f"{at}：{message}")

    def quiet(self) -> _Context:
        """A context whose problems go nowhere: the defaults of a section that is not given."""
        return _Context(self.root, self.name)

    def resolve(self, value: object) -> Path:
        """A path written in the file, relative to the file's folder, made absolute."""
        return (self.root / str(value)).resolve()


# A check gets a value of the option's kind, its key path and the context; it reports what is
# wrong with the value and returns it converted (None when it is unusable).
Check = Callable[[Any, str, _Context], Any]


@dataclass(frozen=True)
class Opt:
    """One option of report.yaml, declared once; the walker reads, checks and reports it."""

    key: str
    kind: type | None            # str int float bool dict list; None: any value, for `check`
    about: str                   # what it is, in Chinese: 缺少{about}，请…
    required: bool = False
    default: Any = None          # the value when absent; a callable gets (key path, context)
    example: str = ""            # how to write it: 请写成 {example} 的形式
    check: Check | None = None   # checks a value of the right kind and returns it converted
    inner: Section | Items | None = None  # what a mapping (dict) or a list holds
    coerce: Callable[[Any], Any] | None = None  # a shorthand into the kind: a lone name → [name]
    wrong: str = ""              # the message for a value of another kind, if not the usual one
    blank_absent: bool = True    # an empty value (null, "") counts as not given


@dataclass(frozen=True)
class Section:
    """A mapping of declared options; any other key is reported with the closest declared one."""

    options: tuple[Opt, ...] | Callable[[], tuple[Opt, ...]]  # a callable: declared when read
    unknown: str = "不认识的配置项{maybe}。可用的配置项有：{known}"  # fields {key} {maybe} {known}

    def declared(self) -> tuple[Opt, ...]:
        return self.options() if callable(self.options) else self.options


@dataclass(frozen=True)
class Items:
    """A list each of whose items is `item`, keyed by position: data.values[1]."""

    item: Opt


# --- checks of one value -------------------------------------------------------------------

def _fields_of(*allowed: str) -> Check:
    """A check that every {field} of a pattern is one of `allowed`."""

    def check(value: str, at: str, ctx: _Context) -> str:
        _check_fields(value, set(allowed), at, ctx)
        return value

    return check


def _check_fields(pattern: str, allowed: set[str], where: str, ctx: _Context) -> None:
    """Every {field} of a pattern is one of `allowed`, and its braces pair up."""
    names = "、".join(f"{{{n}}}" for n in sorted(allowed))
    bad = [name for name in re.findall(r"{(\w*)}", pattern) if name not in allowed]
    for name in bad:
        ctx.add(where, f"「{{{name}}}」不可用，可用的有 {names}")
    if not bad:
        try:
            pattern.format(**dict.fromkeys(allowed, ""))
        except (ValueError, IndexError, KeyError):
            ctx.add(where, f"「{pattern}」中的花括号不成对；可用的有 {names}，其他地方不要写花括号")


def _text(value: object, at: str, ctx: _Context) -> str | None:
    """Non-empty text, without the spaces around it."""
    if not isinstance(value, str) or not value.strip():
        ctx.add(at, "应为非空文字")
        return None
    return value.strip()


def _organ_text(value: object, at: str, ctx: _Context) -> str | None:
    """A level's signature pattern: non-empty text whose only field is {region}."""
    text = _text(value, at, ctx)
    if text is not None:
        _check_fields(str(value), {"region"}, at, ctx)
    return text


def _header_text(value: object, at: str, ctx: _Context) -> str | None:
    """A 版头/版记 line: text (a number will do) whose fields are {region} and {organ}."""
    if not isinstance(value, (str, int)):
        ctx.add(at, "应为文字")
        return None
    _check_fields(str(value), {"region", "organ"}, at, ctx)
    return str(value)


def _date(value: object, where: str, ctx: _Context, *, month_only: bool = False) -> dt.date | None:
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    text = str(value).strip()
    m = re.fullmatch(r"(\d{4})[-/.年](\d{1,2})(?:[-/.月](\d{1,2})日?)?月?", text)
    if m and (m.group(3) or month_only):
        try:
            return dt.date(int(m.group(1)), int(m.group(2)), int(m.group(3) or 1))
        except ValueError:
            pass
    example = "2025-11" if month_only else "2025-12-20"
    ctx.add(where, f"日期「{text}」无法识别，请写成 {example} 的形式")
    return None


def _day(value: object, at: str, ctx: _Context) -> dt.date | None:
    """A full date: year, month and day."""
    return _date(value, at, ctx)


def _month(value: object, at: str, ctx: _Context) -> dt.date | None:
    """A year and month, as the first day of the month."""
    day = _date(value, at, ctx, month_only=True)
    return day.replace(day=1) if day else None


def _progress_by(value: str, at: str, ctx: _Context) -> str:
    if value in (BY_MONTH, BY_YEAR):
        return value
    ctx.add(at, f"应为「{BY_MONTH}」（按数据截至年月计算）或「{BY_YEAR}」"
            f"（按整年计算），现在是「{value}」")
    return BY_MONTH


def _above(low: float, hint: str, *, inclusive: bool) -> Check:
    """A check that a number is above `low` (or equal to it, if `inclusive`)."""

    def check(value: float, at: str, ctx: _Context) -> float | None:
        if value > low or (inclusive and value == low):
            return value
        bound = "不小于" if inclusive else "大于"
        ctx.add(at, f"应为{bound} {low:g} 的数字，{hint}，现在是「{value:g}」")
        return None

    return check


def _existing(value: str, at: str, ctx: _Context) -> Path:
    """A file or folder that must exist, relative to the config's folder."""
    path = ctx.resolve(value)
    if not path.exists():
        ctx.add(at, f"找不到「{value}」（相对于 {ctx.name} 所在文件夹）")
    return path


def _somewhere(value: str, at: str, ctx: _Context) -> Path:
    """A path that need not exist yet (the output folder)."""
    return ctx.resolve(value)


def _collected_file(value: str, at: str, ctx: _Context) -> Path | None:
    """data.collected: the .csv file `reportgen collect` merges returned forms into."""
    path = ctx.resolve(value)
    if path.suffix.lower() != ".csv" or path.is_dir():
        ctx.add(at, f"「{value}」应为一个 .csv 文件名，如 data/填报汇总.csv"
                "（reportgen collect 把收回的填报表合并到这个文件）")
        return None
    return path


def _listed(value: object) -> object:
    """A lone name stands for a list of one."""
    return [value] if isinstance(value, str) else value


def _path_only(value: object) -> object:
    """A values file written as its path alone: path without sheets."""
    return {"path": value} if isinstance(value, str) else value


def _sheet_names(value: list, at: str, ctx: _Context) -> tuple[str, ...]:
    if not all(isinstance(s, str) for s in value):
        ctx.add(at, "应为工作表名称的列表，如 [指标数据]")
        return ()
    return tuple(value)


def _at_least_one(value: list, at: str, ctx: _Context) -> list:
    if not value:
        ctx.add(at, "至少要列出一个指标数据文件")
    return value


def _bundled() -> Path | None:
    """The templates that ship with reportgen, None when the installation lacks them."""
    from .defaults import bundled_templates

    try:
        return bundled_templates()
    except ConfigError:
        return None


def _default_templates(at: str, ctx: _Context) -> Path:
    """Without `templates`: the templates that ship with reportgen."""
    from .defaults import bundled_templates

    try:
        return bundled_templates()
    except ConfigError as exc:
        ctx.add(at, exc.message)
        return ctx.root / "templates"


def _templates_folder(value: str, at: str, ctx: _Context) -> Path:
    """A templates folder of the user's; a missing one says how to get one."""
    folder = ctx.resolve(value)
    if not folder.is_dir():
        what = "不是文件夹" if folder.exists() else "找不到模板文件夹"
        bundled = _bundled()
        copy = f"（{bundled}）" if bundled else ""
        ctx.add(at, f"{what}「{value}」（相对于 {ctx.name} 所在文件夹）。"
                "不修改模板时删去 templates 这一行即可，使用 reportgen 自带的模板；"
                f"要修改模板，请把自带的模板文件夹{copy}复制为「{value}」")
    return folder


_PATTERN_FIELDS = {"year", "city", "county", "region"}
_FILENAME_HINT = ("请写成 output.folder 之内的相对路径模式，"
                  "如 \"{year}/{city}{county}干部教育培训规划实施情况评估报告.docx\"")


def _filename(value: str, at: str, ctx: _Context) -> str:
    """output.filename: a relative pattern of known fields, inside output.folder, ending in .docx."""
    for why in _filename_problems(value):
        ctx.add(at, f"{why}。{_FILENAME_HINT}")
    return value


def _filename_problems(pattern: str) -> list[str]:
    """What is wrong with a file name pattern; the first of its kind only, [] when nothing."""
    import string

    if not pattern.strip():
        return ["不能为空"]
    if why := _filename_place(pattern):
        return [why]
    try:
        fields = [(f, spec, conv) for _, f, spec, conv in string.Formatter().parse(pattern)
                  if f is not None]
    except ValueError:
        return [f"「{pattern}」中的花括号不成对，占位符应写成 {{year}} 的形式"]
    names = "、".join(f"{{{n}}}" for n in sorted(_PATTERN_FIELDS))
    unknown = [f for f, spec, conv in fields if f not in _PATTERN_FIELDS or spec or conv]
    if unknown:
        return [f"文件名模式中的「{{{f}}}」不可用，可用的有 {names}" for f in dict.fromkeys(unknown)]
    why = _filename_name(pattern)
    return [why] if why else []


def _filename_place(pattern: str) -> str | None:
    """Why a pattern would write outside the output folder or cannot be a path, if it would."""
    if re.match(r"[\\/~]|[A-Za-z]:", pattern.strip()):
        return (f"「{pattern}」不能是绝对路径（以 / \\ ~ 或盘符如 C: 开头），"
                "否则报告会写到输出文件夹之外或写错位置")
    if any(p.strip() == ".." for p in re.split(r"[\\/]", pattern)):
        return f"「{pattern}」不能包含“..”（上一级文件夹），报告只能写在输出文件夹之内"
    if re.search(r"[\x00-\x1f\x7f]", pattern):
        return "含有控制字符（如制表符、换行），请删去"
    return None


def _filename_name(pattern: str) -> str | None:
    """Why the file name a pattern makes is not a usable .docx name, if it is not."""
    if re.search(r'[:*?"<>|]', re.sub(r"{\w*}", "", pattern)):
        return f"「{pattern}」不能含有 : * ? \" < > | 这些字符（Windows 不允许用在文件名中）"
    if not pattern.endswith(".docx"):
        return f"「{pattern}」应以 .docx 结尾"
    if not re.sub(r"{county}", "", re.split(r"[\\/]", pattern)[-1])[: -len(".docx")].strip(" ."):
        return (f"「{pattern}」的文件名部分（最后一个 / 之后）除 .docx 外为空"
                "（{county} 在市本级报告中为空），请加上 {region} 或文字")
    return None


def _layout_value(key: str) -> Check:
    """A check of one `format` value, by the layout profile's own rules for `key`."""

    def check(value: object, at: str, ctx: _Context) -> object:
        from .errors import LayoutError
        from .layout.profile import Profile  # cheap: no python-docx import

        try:
            Profile.from_mapping({key: value})
        except LayoutError as exc:
            ctx.add(at, exc.message)
            return None
        return value

    return check


def _layout_options() -> tuple[Opt, ...]:
    """`format`: one option per field of the layout profile (fonts, sizes, lengths)."""
    from dataclasses import fields

    from .layout.profile import Profile  # cheap: no python-docx import

    return tuple(Opt(f.name, None, f"版式设置 {f.name}", check=_layout_value(f.name),
                     blank_absent=False) for f in fields(Profile))


def _nothing(at: str, ctx: _Context) -> dict[str, Any]:
    """`format` not given: no overrides (and no need to read the layout profile)."""
    return {}


# --- the schema ----------------------------------------------------------------------------

_VALUE_FILE = Opt(
    "", dict, "指标数据文件", coerce=_path_only, blank_absent=False,
    wrong="应写成 path: 文件 和可选的 sheets: [工作表]",
    inner=Section((
        Opt("path", str, "指标数据文件的路径", required=True, example="data/指标数据.xlsx",
            check=_existing),
        Opt("sheets", list, "要读取的工作表", default=(), coerce=_listed, check=_sheet_names,
            wrong="应为工作表名称的列表，如 [指标数据]"),
    )))

_LEVEL_TERMS = Section(
    tuple(Opt(k, None, f"用语「{k}」", check=_organ_text if k == "organ" else _text,
              blank_absent=False) for k in DEFAULT_TERMS["市"]),
    unknown="不认识的用语键{maybe}，可用的有：{known}")

_HEADER_ABOUT = {"issuer_mark": "发文机关标志", "doc_number": "发文字号", "copy_to": "抄送机关",
                 "printer": "印发机关", "print_date": "印发日期"}

SCHEMA = Section((
    Opt("title", str, "报告标题", required=True, example='"{region}贯彻落实《{plan}》实施情况评估报告"',
        check=_fields_of("region", "plan", "year")),
    Opt("organ", str, "署名", default=DEFAULT_ORGAN, check=_fields_of("region")),
    Opt("year", int, "报告年度", required=True, example="2025"),
    Opt("date", None, "成文日期", required=True, example="2025-12-20", check=_day),
    Opt("as_of", None, "数据截至年月", example="2025-11", check=_month),
    Opt("time_progress", str, "时序进度的算法", default=BY_MONTH, check=_progress_by),
    Opt("plan", dict, "规划名称和起止年份", required=True, inner=Section((
        Opt("name", str, "规划名称", required=True, default="", example="干部教育培训规划（2023－2027年）"),
        Opt("start", int, "规划起始年份", required=True, default=2023, example="2023"),
        Opt("end", int, "规划结束年份", required=True, default=2027, example="2027"),
    ))),
    Opt("data", dict, "数据文件", required=True, inner=Section((
        Opt("catalog", str, "指标目录文件", required=True, example="data/指标目录.csv",
            check=_existing),
        Opt("regions", str, "地区表文件", required=True, example="data/地区.csv", check=_existing),
        Opt("values", list, "指标数据文件的列表", required=True, default=(),
            example="[data/指标数据.xlsx]", coerce=_listed, inner=Items(_VALUE_FILE),
            check=_at_least_one),
        Opt("collected", str, "回收数据文件", example="data/填报汇总.csv", check=_collected_file),
    ))),
    Opt("templates", str, "模板文件夹", default=_default_templates, check=_templates_folder),
    Opt("output", dict, "输出文件夹和文件名模式", required=True, inner=Section((
        Opt("folder", str, "输出文件夹", required=True, example="output", check=_somewhere),
        Opt("filename", str, "报告的文件名模式", required=True,
            example='"{year}/{city}{county}干部教育培训规划实施情况评估报告.docx"', check=_filename),
    ))),
    Opt("validation", dict, "数据检查的容差", inner=Section((
        Opt("sum_tolerance", float, "各县（市、区）合计与全市数值允许的相对误差", default=0.005,
            check=_above(0, "如 0.005（即千分之五）", inclusive=True)),
        Opt("yoy_jump_factor", float, "同比变化需要核实的倍数", default=3.0,
            check=_above(1, "如 3（同比变化超过 3 倍或不足 1/3 时提示核实）", inclusive=False)),
        Opt("city_sums_from_counties", bool, "全市求和指标缺失时按各县（市、区）之和计算",
            default=False),
    ))),
    Opt("status", dict, "完成情况的判定", inner=Section((
        Opt("ahead_margin", float, "“超额完成”的判定幅度（百分点）", default=10.0,
            check=_above(0, "单位是百分点，如 10", inclusive=True)),
    ))),
    Opt("wording", dict, "用语", inner=Section(
        tuple(Opt(k, None, f"用语「{v}」", default=v, check=_text, blank_absent=False)
              for k, v in DEFAULT_WORDING.items()),
        unknown="不认识的用语项{maybe}，可用的有：{known}")),
    Opt("terms", dict, "各层级用语的修改", inner=Section(
        tuple(Opt(level, dict, f"{level}的用语", inner=_LEVEL_TERMS,
                  wrong="应为一组“用语键: 文字”") for level in LEVELS),
        unknown="层级应为 {known} 之一{maybe}")),
    Opt("format", dict, "版式", default=_nothing, inner=Section(
        _layout_options, unknown="排版配置中的设置项「{key}」不存在{maybe}。可用的设置项：{known}。")),
    Opt("header", dict, "版头和版记", inner=Section(
        tuple(Opt(k, None, about, check=_header_text) for k, about in _HEADER_ABOUT.items()),
        unknown="不认识的版头/版记项{maybe}，可用的有：{known}")),
))
KNOWN_KEYS = frozenset(o.key for o in SCHEMA.declared())


# --- rules between options -----------------------------------------------------------------

def _data_month_in_order(v: dict[str, Any], raw: dict, ctx: _Context) -> None:
    """as_of is not before the report year, nor after the date of writing."""
    as_of, year, date = v["as_of"], v["year"], v["date"]
    if as_of is None:
        return
    month = f"{as_of.year}年{as_of.month}月"
    if isinstance(year, int) and as_of.year < year:
        ctx.add("as_of", f"数据截至{month}，早于报告年度 {year} 年；请写报告年度内的年月，如 {year}-11")
    elif date and as_of > date.replace(day=1):
        ctx.add("as_of", f"数据截至{month}，晚于成文日期 {date.year}年{date.month}月{date.day}日："
                "报告不能用成文以后的数据。请核对 as_of（数据截至年月）和 date（成文日期）")


def _year_in_plan(v: dict[str, Any], raw: dict, ctx: _Context) -> None:
    """The plan ends after it starts, and the report year lies within it."""
    start, end, year = v["plan"]["start"], v["plan"]["end"], v["year"]
    if end < start:
        ctx.add("plan.end", f"规划结束年份 {end} 早于开始年份 {start}")
    if isinstance(year, int) and not start <= year <= end:
        ctx.add("year", f"报告年度 {year} 不在规划期 {start}～{end} 年内")


def _collected_apart(v: dict[str, Any], raw: dict, ctx: _Context) -> None:
    """The collected file is read like data.values, so it is never listed there as well."""
    collected = v["data"]["collected"]
    if collected is not None and any(f["path"] == collected for f in v["data"]["values"]):
        ctx.add("data.collected", f"「{raw['data']['collected']}」同时列在 data.values 中；"
                "回收数据文件会自动读取，请从 data.values 中删去这一项")


RULES: tuple[Callable[[dict[str, Any], dict, _Context], None], ...] = (
    _data_month_in_order, _year_in_plan, _collected_apart)


# --- the walker ----------------------------------------------------------------------------

_ABSENT = object()
_KIND_NAMES = {str: "文字", int: "整数", float: "数字", dict: "一组键值", list: "列表",
               bool: "true 或 false"}


def _walk(section: Section, raw: dict, at: str, ctx: _Context) -> dict[str, Any]:
    """The value of every declared option of a mapping (the default where it is absent); each
    unknown key, missing required option and bad value is reported under its key path, in the
    file's order (the absent options last)."""
    declared = {o.key: o for o in section.declared()}
    names = list(declared)
    values: dict[str, Any] = {}
    for key in [*raw, *(k for k in names if k not in raw)]:
        if key in declared:
            values[key] = _option(declared[key], raw.get(key, _ABSENT), _join(at, key), ctx)
        else:
            _unknown(section, key, names, _join(at, key), ctx)
    return values


def _option(opt: Opt, raw: object, at: str, ctx: _Context) -> Any:
    """One option's value, checked and converted; its default when absent or unusable."""
    if raw is _ABSENT or (opt.blank_absent and (raw is None or raw == "")):
        if opt.required:
            ctx.add(at, _missing(opt))
        return _fallback(opt, at, ctx)
    value = _typed(opt, raw, at, ctx)
    if value is _ABSENT:
        return _fallback(opt, at, ctx)
    if isinstance(opt.inner, Section):
        value = _walk(opt.inner, value, at, ctx)
    elif isinstance(opt.inner, Items):
        value = [_option(opt.inner.item, item, f"{at}[{i}]", ctx) for i, item in enumerate(value)]
    return opt.check(value, at, ctx) if opt.check else value


def _typed(opt: Opt, raw: object, at: str, ctx: _Context) -> Any:
    """`raw` as a value of the option's kind, or _ABSENT after saying why it is not one."""
    value = opt.coerce(raw) if opt.coerce else raw
    kind = opt.kind
    if kind is None:
        return value
    if kind is float and isinstance(value, int) and not isinstance(value, bool):
        return float(value)
    if isinstance(value, kind) and not (kind is int and isinstance(value, bool)):
        return value
    if kind is int and isinstance(value, str) and value.strip().isdecimal():
        ctx.add(at, f"应为整数，现在是文字「{value}」（请去掉引号）")
    else:
        ctx.add(at, opt.wrong or f"应为{_KIND_NAMES[kind]}，现在是「{value}」")
    return _ABSENT


def _fallback(opt: Opt, at: str, ctx: _Context) -> Any:
    """An absent or unusable option's value: its default, or a section's own defaults."""
    if callable(opt.default):
        return opt.default(at, ctx)
    if isinstance(opt.inner, Section) and opt.default is None:
        return _walk(opt.inner, {}, at, ctx.quiet())  # the section itself was reported
    return opt.default


def _missing(opt: Opt) -> str:
    """What to say of a required option that is absent: what it is, and how to write it."""
    how = f"请写成 {opt.example} 的形式" if opt.example else "请补上"
    needs = ""
    if isinstance(opt.inner, Section):
        keys = [o.key for o in opt.inner.declared() if o.required]
        needs = f"（要写出 {'、'.join(keys)}）" if keys else ""
    return f"缺少{opt.about}，{how}{needs}"


def _unknown(section: Section, key: object, names: list[str], at: str, ctx: _Context) -> None:
    """An undeclared key, with the declared key it most resembles."""
    import difflib

    if isinstance(key, str) and _SLIP_CHARS & set(key):
        return  # a key spoilt by the input method: typing_slips names its line
    guess = difflib.get_close_matches(str(key).lower(), names, n=1, cutoff=0.6)
    maybe = f"（是否应为 {guess[0]}？）" if guess else ""
    ctx.add(at, section.unknown.format(key=key, maybe=maybe, known="、".join(names)))


def _join(at: str, key: object) -> str:
    return f"{at}.{key}" if at else str(key)


# --- reading the file ----------------------------------------------------------------------

def load_config(path: Path | str) -> ReportConfig:
    """Read and validate report.yaml; raises ConfigError listing every problem."""
    path = Path(path)
    raw, text = _read(path)
    # typing slips first: e.g. a full-width indent YAML took for part of a key
    ctx = _Context(path.resolve().parent, path.name, typing_slips(text))
    values = _walk(SCHEMA, raw, "", ctx)
    for rule in RULES:
        rule(values, raw, ctx)
    if ctx.problems:
        lines = "\n".join(f"  - {p}" for p in ctx.problems)
        raise ConfigError(f"报告定义「{path.name}」有 {len(ctx.problems)} 处问题，请逐项修改后重试：\n{lines}")
    return _assemble(path, values)


def _read(path: Path) -> tuple[dict, str]:
    """The mapping a report definition holds, and its text; ConfigError if there is none."""
    import yaml

    if path.is_dir():
        inside = path / "report.yaml"
        raise ConfigError(f"「{path}」是一个文件夹，不是报告定义文件。请用 -c 写出其中的 report.yaml，"
                          f"如 -c {inside}" + ("" if inside.is_file() else "（该文件夹中还没有 report.yaml）"))
    if not path.is_file():
        raise ConfigError(f"找不到报告定义文件「{path}」。请在报告目录中运行，或用 -c 指定 report.yaml 的位置。")
    try:
        text = path.read_text(encoding="utf-8-sig")
        raw = yaml.load(text, Loader=_yaml_loader())
    except UnicodeDecodeError:
        raise ConfigError(f"「{path.name}」不是 UTF-8 编码。请用记事本另存为 UTF-8 后重试。") from None
    except yaml.YAMLError as exc:
        raise _unreadable(path, text, exc) from None
    if not isinstance(raw, dict):
        raise ConfigError(f"「{path.name}」内容为空或不是“键: 值”的形式。请对照示例 report.yaml 填写。")
    return raw, text


def _unreadable(path: Path, text: str, exc: Exception) -> ConfigError:
    """The error for a file YAML cannot read: the input-method slips in it, else where it broke."""
    slips = typing_slips(text)
    if slips:  # the line the slip is on, not the later one where YAML gave up
        lines = "\n".join(f"  - {s}" for s in slips)
        return ConfigError(f"报告定义「{path.name}」格式有误，请逐项修改后重试：\n{lines}")
    mark = getattr(exc, "problem_mark", None)
    where = f"第{mark.line + 1}行第{mark.column + 1}列" if mark else ""
    return ConfigError(f"「{path.name}」{where}格式有误（缩进或冒号不对）。请对照示例 report.yaml 修改。")


def _yaml_loader() -> type:
    """SafeLoader without implicit timestamps: a bad date is our message, not a ValueError."""
    import yaml

    class Loader(yaml.SafeLoader):
        pass

    Loader.yaml_implicit_resolvers = {
        k: [(tag, rx) for tag, rx in v if tag != "tag:yaml.org,2002:timestamp"]
        for k, v in yaml.SafeLoader.yaml_implicit_resolvers.items()
    }
    return Loader


def _assemble(path: Path, v: dict[str, Any]) -> ReportConfig:
    """The ReportConfig of a definition the walker and the rules found no fault with."""
    data, plan, out = v["data"], v["plan"], v["output"]
    values = [ValueSource(str(f["path"]), f["sheets"]) for f in data["values"]]
    collected = data["collected"]
    if collected is not None and collected.exists():
        values.append(ValueSource(str(collected)))
    as_of = v["as_of"]
    options = DataOptions(
        first_year=plan["start"], last_year=plan["end"],
        sum_tolerance=v["validation"]["sum_tolerance"],
        yoy_jump_factor=v["validation"]["yoy_jump_factor"],
        city_sums=v["validation"]["city_sums_from_counties"])
    return ReportConfig(
        path=path.resolve(), root=path.resolve().parent, title=v["title"], organ=v["organ"],
        year=v["year"], date=v["date"], as_of=f"{as_of.year}年{as_of.month}月" if as_of else "",
        plan=Plan(plan["name"], plan["start"], plan["end"]), catalog=data["catalog"],
        regions=data["regions"], values=values, templates=v["templates"],
        output=out["folder"], filename=out["filename"], data_options=options,
        ahead_margin=v["status"]["ahead_margin"], wording=dict(v["wording"]),
        terms=_terms(v["organ"], v["terms"]), layout=_given(v["format"]),
        header=_given(v["header"]), as_of_date=as_of, progress_by=v["time_progress"],
        collected=collected)


def _given(values: dict[str, Any]) -> dict[str, Any]:
    """The options of a section that were given (the others' default is None)."""
    return {k: x for k, x in values.items() if x is not None}


def _terms(organ: str, given: dict[str, dict[str, Any]]) -> dict[str, dict[str, str]]:
    """Each level's wording: the defaults, `organ` as the signature of levels with a 党委,
    and the file's `terms` over both."""
    terms = {}
    for level, defaults in DEFAULT_TERMS.items():
        mine = dict(defaults)
        if mine["organ"] == DEFAULT_ORGAN:
            mine["organ"] = organ
        mine.update(_given(given.get(level, {})))
        terms[level] = mine
    return terms


# --- slips of a Chinese input method -------------------------------------------------------

# Slips of a Chinese input method that YAML rejects (or misreads) far from where they are: a
# full-width colon after a key, a key with no space after its colon, an indent of tabs or of
# full-width spaces. Keys are ASCII words, or level names under `terms`.
_KEY = "(?:[A-Za-z_][\\w.-]*|" + "|".join(LEVELS) + ")"
_FULL_COLON = re.compile(rf"^[ \t\u3000]*(?:- )?({_KEY})[ \u3000]*：[ \u3000]*(.*)$")
_NO_SPACE = re.compile(rf"^[ \t\u3000]*(?:- )?({_KEY}):(?=[^\s:/])(.*)$")
_SLIP_CHARS = {"\u3000", "：", "\t"}


def typing_slips(text: str) -> list[str]:
    """What is wrong with each line a Chinese input method spoiled, as 第N行… messages."""
    out = []
    for number, line in enumerate(text.splitlines(), start=1):
        body = line.lstrip(" \t\u3000")
        if not body or body.startswith("#"):
            continue
        indent = line[: len(line) - len(body)]
        if "\t" in indent:
            out.append(f"第{number}行用制表符（Tab）缩进：report.yaml 只能用空格缩进，"
                       "请把行首的 Tab 换成空格，与同一层的上下行对齐")
        elif "\u3000" in indent:
            out.append(f"第{number}行用全角空格缩进：请把行首的全角空格换成半角空格"
                       "（切换到英文输入法后按空格键），与同一层的上下行对齐")
        fixed = indent.replace("\u3000", "  ").replace("\t", "  ")
        if m := _FULL_COLON.match(line):
            value = _strip_comment(m.group(2))
            out.append(f"第{number}行的“：”是中文冒号，请改为英文冒号“:”（冒号后加一个空格），"
                       f"即「{fixed}{body[: body.index(m.group(1))]}{m.group(1)}: {value}」".rstrip())
        elif m := _NO_SPACE.match(line):
            value = _strip_comment(m.group(2))
            out.append(f"第{number}行的冒号后面缺少空格：请在“:”后加一个空格，"
                       f"即「{fixed}{body[: body.index(m.group(1))]}{m.group(1)}: {value}」")
    return out


def _strip_comment(value: str) -> str:
    """The value part of a line without its trailing # comment."""
    return re.split(r"\s#", value, maxsplit=1)[0].strip()
