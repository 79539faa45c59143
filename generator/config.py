"""The report definition (report.yaml): read, validated as a whole, paths resolved.

Every problem is collected and reported at once, keyed by its path in the file
(`data.values[0].sheets: …`), so a user fixes the whole file in one go.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .errors import ConfigError
from .model import LEVELS, DataOptions, Region, ValueSource

# The signing organ of a region led by a party committee; {region} is its full name (全称),
# so 江城区 signs 中共临江市江城区委组织部. report.yaml's `organ` replaces it for these levels.
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


KNOWN_KEYS = {"title", "organ", "year", "date", "as_of", "time_progress", "plan", "data",
              "templates", "output", "validation", "status", "wording", "terms", "format", "header"}
_PATTERN_FIELDS = {"year", "city", "county", "region"}
_FILENAME_HINT = ("请写成 output.folder 之内的相对路径模式，"
                  "如 \"{year}/{city}{county}干部教育培训规划实施情况评估报告.docx\"")


def _check_filename(pattern: str, errors) -> None:
    """output.filename: a relative pattern of known fields, inside output.folder, ending in .docx."""
    import string

    def bad(why: str) -> None:
        errors.add("output.filename", f"{why}。{_FILENAME_HINT}")

    if not pattern.strip():
        return bad("不能为空")
    if re.match(r"[\\/~]|[A-Za-z]:", pattern.strip()):
        return bad(f"「{pattern}」不能是绝对路径（以 / \\ ~ 或盘符如 C: 开头），"
                   "否则报告会写到输出文件夹之外或写错位置")
    parts = re.split(r"[\\/]", pattern)
    if any(p.strip() == ".." for p in parts):
        return bad(f"「{pattern}」不能包含“..”（上一级文件夹），报告只能写在输出文件夹之内")
    if re.search(r"[\x00-\x1f\x7f]", pattern):
        return bad("含有控制字符（如制表符、换行），请删去")
    try:
        fields = [(f, spec, conv) for _, f, spec, conv in string.Formatter().parse(pattern)
                  if f is not None]
    except ValueError:
        return bad(f"「{pattern}」中的花括号不成对，占位符应写成 {{year}} 的形式")
    names = "、".join(f"{{{n}}}" for n in sorted(_PATTERN_FIELDS))
    unknown = [f for f, spec, conv in fields if f not in _PATTERN_FIELDS or spec or conv]
    for f in dict.fromkeys(unknown):
        errors.add("output.filename", f"文件名模式中的「{{{f}}}」不可用，可用的有 {names}。"
                   + _FILENAME_HINT)
    if unknown:
        return None
    literal = re.sub(r"{\w*}", "", pattern)
    if re.search(r'[:*?"<>|]', literal):
        return bad(f"「{pattern}」不能含有 : * ? \" < > | 这些字符（Windows 不允许用在文件名中）")
    if not pattern.endswith(".docx"):
        return bad(f"「{pattern}」应以 .docx 结尾")
    if not re.sub(r"{county}", "", parts[-1])[: -len(".docx")].strip(" ."):
        return bad(f"「{pattern}」的文件名部分（最后一个 / 之后）除 .docx 外为空"
                   "（{county} 在市本级报告中为空），请加上 {region} 或文字")
    return None


HEADER_KEYS = ("issuer_mark", "doc_number", "copy_to", "printer", "print_date")


class _Collector:
    """Gathers problems keyed by their path in the YAML file."""

    def __init__(self) -> None:
        self.problems: list[str] = []

    def add(self, key: str, message: str) -> None:
        self.problems.append(f"{key}：{message}")


def _get(raw: dict, key: str, kind, errors: _Collector, *, required=True, default=None,
         where: str | None = None):
    where = where or key
    if key not in raw or raw[key] in (None, ""):
        if required:
            errors.add(where, "缺少此项，请补上")
        return default
    value = raw[key]
    if kind is int and isinstance(value, bool):
        errors.add(where, f"应为整数，现在是「{value}」")
        return default
    if kind is int and isinstance(value, str) and value.strip().isdecimal():
        errors.add(where, f"应为整数，现在是文字「{value}」（请去掉引号）")
        return default
    if kind is float and isinstance(value, (int, float)) and not isinstance(value, bool):
        return float(value)
    if not isinstance(value, kind):
        expected = {str: "文字", int: "整数", float: "数字", dict: "一组键值", list: "列表", bool: "true 或 false"}[kind]
        errors.add(where, f"应为{expected}，现在是「{value}」")
        return default
    return value


def _date(value, where: str, errors: _Collector, *, month_only=False):
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
    errors.add(where, f"日期「{text}」无法识别，请写成 {example} 的形式")
    return None


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


def _yaml_loader():
    """SafeLoader without implicit timestamps: a bad date is our message, not a ValueError."""
    import yaml

    class Loader(yaml.SafeLoader):
        pass

    Loader.yaml_implicit_resolvers = {
        k: [(tag, rx) for tag, rx in v if tag != "tag:yaml.org,2002:timestamp"]
        for k, v in yaml.SafeLoader.yaml_implicit_resolvers.items()
    }
    return Loader


def load_config(path: Path | str) -> ReportConfig:
    """Read and validate report.yaml; raises ConfigError listing every problem."""
    import yaml

    path = Path(path)
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
        slips = typing_slips(text)
        if slips:  # the line the slip is on, not the later one where YAML gave up
            lines = "\n".join(f"  - {s}" for s in slips)
            raise ConfigError(f"报告定义「{path.name}」格式有误，请逐项修改后重试：\n{lines}") from None
        mark = getattr(exc, "problem_mark", None)
        where = f"第{mark.line + 1}行第{mark.column + 1}列" if mark else ""
        raise ConfigError(f"「{path.name}」{where}格式有误（缩进或冒号不对）。请对照示例 report.yaml 修改。") from None
    if not isinstance(raw, dict):
        raise ConfigError(f"「{path.name}」内容为空或不是“键: 值”的形式。请对照示例 report.yaml 填写。")
    root = path.resolve().parent
    errors = _Collector()
    errors.problems += typing_slips(text)  # e.g. a full-width indent YAML took for part of a key
    for key in raw:
        if key not in KNOWN_KEYS and not (isinstance(key, str) and _SLIP_CHARS & set(key)):
            import difflib

            guess = difflib.get_close_matches(str(key).lower(), sorted(KNOWN_KEYS), n=1, cutoff=0.6)
            maybe = f"（是否应为 {guess[0]}？）" if guess else ""
            errors.add(str(key), f"不认识的配置项{maybe}。可用的配置项有：{'、'.join(sorted(KNOWN_KEYS))}")

    title = _get(raw, "title", str, errors)
    organ = _get(raw, "organ", str, errors, required=False, default=DEFAULT_ORGAN)
    year = _get(raw, "year", int, errors)
    date = _date(raw["date"], "date", errors) if raw.get("date") else None
    if date is None and "date" not in raw:
        errors.add("date", "缺少成文日期，请写成 2025-12-20 的形式")
    as_of_raw = raw.get("as_of")
    as_of, as_of_date = "", None
    if as_of_raw:
        as_of_date = _date(as_of_raw, "as_of", errors, month_only=True)
        if as_of_date:
            as_of_date = as_of_date.replace(day=1)
            as_of = f"{as_of_date.year}年{as_of_date.month}月"
            if isinstance(year, int) and as_of_date.year < year:
                errors.add("as_of", f"数据截至{as_of}，早于报告年度 {year} 年；请写报告年度内的年月，如 {year}-11")
            elif date and as_of_date > date.replace(day=1):
                errors.add("as_of", f"数据截至{as_of}，晚于成文日期 {date.year}年{date.month}月{date.day}日："
                           "报告不能用成文以后的数据。请核对 as_of（数据截至年月）和 date（成文日期）")
    progress_by = _get(raw, "time_progress", str, errors, required=False, default=BY_MONTH)
    if progress_by not in (BY_MONTH, BY_YEAR):
        errors.add("time_progress", f"应为「{BY_MONTH}」（按数据截至年月计算）或「{BY_YEAR}」"
                   f"（按整年计算），现在是「{progress_by}」")
        progress_by = BY_MONTH

    plan_raw = _get(raw, "plan", dict, errors, default={})
    plan = Plan(
        name=_get(plan_raw, "name", str, errors, where="plan.name", default=""),
        start=_get(plan_raw, "start", int, errors, where="plan.start", default=2023),
        end=_get(plan_raw, "end", int, errors, where="plan.end", default=2027),
    )
    if plan.end < plan.start:
        errors.add("plan.end", f"规划结束年份 {plan.end} 早于开始年份 {plan.start}")
    if isinstance(year, int) and not plan.start <= year <= plan.end:
        errors.add("year", f"报告年度 {year} 不在规划期 {plan.start}～{plan.end} 年内")

    data = _get(raw, "data", dict, errors, default={})

    def file_path(value, where, *, must_exist=True, folder=False) -> Path:
        p = (root / str(value)).resolve()
        if must_exist and not p.exists():
            errors.add(where, f"找不到「{value}」（相对于 {path.name} 所在文件夹）")
        elif must_exist and folder and not p.is_dir():
            errors.add(where, f"「{value}」不是文件夹")
        return p

    catalog = file_path(_get(data, "catalog", str, errors, where="data.catalog", default=""),
                        "data.catalog")
    regions = file_path(_get(data, "regions", str, errors, where="data.regions", default=""),
                        "data.regions")
    values: list[ValueSource] = []
    for i, item in enumerate(_get(data, "values", list, errors, where="data.values", default=[])):
        where = f"data.values[{i}]"
        if isinstance(item, str):
            item = {"path": item}
        if not isinstance(item, dict):
            errors.add(where, "应写成 path: 文件 和可选的 sheets: [工作表]")
            continue
        p = file_path(_get(item, "path", str, errors, where=f"{where}.path", default=""),
                      f"{where}.path")
        sheets = item.get("sheets") or []
        if isinstance(sheets, str):
            sheets = [sheets]
        if not isinstance(sheets, list) or not all(isinstance(s, str) for s in sheets):
            errors.add(f"{where}.sheets", "应为工作表名称的列表，如 [指标数据]")
            sheets = []
        values.append(ValueSource(str(p), tuple(sheets)))
    if "values" in data and not values and not errors.problems:
        errors.add("data.values", "至少要列出一个指标数据文件")
    collected = None  # read like data.values once it exists; never listed there as well
    collected_raw = _get(data, "collected", str, errors, where="data.collected", required=False)
    if collected_raw:
        collected = file_path(collected_raw, "data.collected", must_exist=False)
        if collected.suffix.lower() != ".csv" or collected.is_dir():
            errors.add("data.collected", f"「{collected_raw}」应为一个 .csv 文件名，如 data/填报汇总.csv"
                       "（reportgen collect 把收回的填报表合并到这个文件）")
        elif any(Path(v.path) == collected for v in values):
            errors.add("data.collected", f"「{collected_raw}」同时列在 data.values 中；回收数据文件会自动读取，"
                       "请从 data.values 中删去这一项")
        elif collected.exists():
            values.append(ValueSource(str(collected)))

    templates = _templates(_get(raw, "templates", str, errors, required=False), root, path.name,
                           errors)
    out = _get(raw, "output", dict, errors, default={})
    output = file_path(_get(out, "folder", str, errors, where="output.folder", default="output"),
                       "output.folder", must_exist=False)
    filename = _get(out, "filename", str, errors, where="output.filename",
                    default="{year}/{city}{county}干部教育培训规划实施情况评估报告.docx")
    if out.get("filename") is not None and filename is not None:
        _check_filename(filename, errors)

    validation = _get(raw, "validation", dict, errors, required=False, default={})
    options = DataOptions(
        first_year=plan.start, last_year=plan.end,
        sum_tolerance=_get(validation, "sum_tolerance", float, errors, required=False,
                           default=0.005, where="validation.sum_tolerance"),
        yoy_jump_factor=_get(validation, "yoy_jump_factor", float, errors, required=False,
                             default=3.0, where="validation.yoy_jump_factor"),
        city_sums=_get(validation, "city_sums_from_counties", bool, errors, required=False,
                       default=False, where="validation.city_sums_from_counties"),
    )
    status = _get(raw, "status", dict, errors, required=False, default={})
    ahead_margin = _get(status, "ahead_margin", float, errors, required=False, default=10.0,
                        where="status.ahead_margin")

    wording = dict(DEFAULT_WORDING)
    for k, v in (_get(raw, "wording", dict, errors, required=False, default={}) or {}).items():
        if k not in DEFAULT_WORDING:
            errors.add(f"wording.{k}", f"不认识的用语项，可用的有：{'、'.join(DEFAULT_WORDING)}")
        elif not isinstance(v, str) or not v.strip():
            errors.add(f"wording.{k}", "应为非空文字")
        else:
            wording[k] = v.strip()

    terms = {level: dict(t) for level, t in DEFAULT_TERMS.items()}
    for level_terms in terms.values():  # `organ` is the signature of levels with a 党委
        if organ and level_terms["organ"] == DEFAULT_ORGAN:
            level_terms["organ"] = organ
    for level, overrides in (_get(raw, "terms", dict, errors, required=False, default={}) or {}).items():
        if level not in LEVELS:
            errors.add(f"terms.{level}", f"层级应为 {'、'.join(LEVELS)} 之一")
            continue
        if not isinstance(overrides, dict):
            errors.add(f"terms.{level}", "应为一组“用语键: 文字”")
            continue
        for k, v in overrides.items():
            if k not in terms[level]:
                errors.add(f"terms.{level}.{k}", f"不认识的用语键，可用的有：{'、'.join(terms[level])}")
            elif not isinstance(v, str) or not v.strip():
                errors.add(f"terms.{level}.{k}", "应为非空文字")
            else:
                terms[level][k] = v.strip()
                if k == "organ":
                    _check_fields(v, {"region"}, f"terms.{level}.organ", errors)

    layout = _get(raw, "format", dict, errors, required=False, default={}) or {}
    if layout:
        from .errors import LayoutError
        from .layout.profile import Profile  # cheap: no python-docx import

        try:
            Profile.from_mapping(layout)
        except LayoutError as exc:
            errors.add("format", exc.message)
    header = _get(raw, "header", dict, errors, required=False, default={}) or {}
    for k, v in header.items():
        if k not in HEADER_KEYS:
            errors.add(f"header.{k}", f"不认识的版头/版记项，可用的有：{'、'.join(HEADER_KEYS)}")
        elif not isinstance(v, (str, int)):
            errors.add(f"header.{k}", "应为文字")
        else:
            _check_fields(str(v), {"region", "organ"}, f"header.{k}", errors)

    if title:
        _check_fields(title, {"region", "plan", "year"}, "title", errors)
    if organ:
        _check_fields(organ, {"region"}, "organ", errors)

    if errors.problems:
        lines = "\n".join(f"  - {p}" for p in errors.problems)
        raise ConfigError(f"报告定义「{path.name}」有 {len(errors.problems)} 处问题，请逐项修改后重试：\n{lines}")
    return ReportConfig(
        path=path.resolve(), root=root, title=title, organ=organ, year=year, date=date,
        as_of=as_of, plan=plan, catalog=catalog, regions=regions, values=values,
        templates=templates, output=output, filename=filename, data_options=options,
        ahead_margin=ahead_margin, wording=wording, terms=terms, layout=layout,
        header={str(k): str(v) for k, v in header.items()},
        as_of_date=as_of_date, progress_by=progress_by,
        collected=collected,
    )


def _templates(given: str | None, root: Path, config_name: str, errors: _Collector) -> Path:
    """The templates folder: as given (relative to the config), or without `templates` the
    templates that ship with reportgen; a missing folder says how to get one."""
    from .defaults import bundled_templates

    try:
        bundled = bundled_templates()
    except ConfigError as exc:
        bundled = None
        if given is None:
            errors.add("templates", exc.message)
    if given is None:
        return bundled or root / "templates"
    folder = (root / given).resolve()
    if not folder.is_dir():
        what = "不是文件夹" if folder.exists() else "找不到模板文件夹"
        copy = f"（{bundled}）" if bundled else ""
        errors.add("templates", f"{what}「{given}」（相对于 {config_name} 所在文件夹）。"
                   "不修改模板时删去 templates 这一行即可，使用 reportgen 自带的模板；"
                   f"要修改模板，请把自带的模板文件夹{copy}复制为「{given}」")
    return folder


def _check_fields(pattern: str, allowed: set[str], where: str, errors: _Collector) -> None:
    """Every {field} of a pattern is one of `allowed`, and its braces pair up."""
    names = "、".join(f"{{{n}}}" for n in sorted(allowed))
    bad = [name for name in re.findall(r"{(\w*)}", pattern) if name not in allowed]
    for name in bad:
        errors.add(where, f"「{{{name}}}」不可用，可用的有 {names}")
    if not bad:
        try:
            pattern.format(**dict.fromkeys(allowed, ""))
        except (ValueError, IndexError, KeyError):
            errors.add(where, f"「{pattern}」中的花括号不成对；可用的有 {names}，其他地方不要写花括号")
