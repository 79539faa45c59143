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
from .model import LEVELS, DataOptions, ValueSource

DEFAULT_TERMS: dict[str, dict[str, str]] = {
    # One table of level-dependent wording; templates use t.<key>, never a literal 我市.
    "市": {"we": "我市", "whole": "全市", "committee": "市委", "standing": "市委常委会",
          "org_dept": "市委组织部", "propaganda": "市委宣传部",
          "party_school": "市委党校（行政学院）", "finance": "市财政局", "hr": "市人社局",
          "cadres": "市管干部", "direct_units": "市直单位", "level": "市级",
          "lower": "县（市、区）", "situation": "市情市策", "leaders": "县级以上领导干部",
          "senior": "县处级以上领导干部"},
    "县": {"we": "我县", "whole": "全县", "committee": "县委", "standing": "县委常委会",
          "org_dept": "县委组织部", "propaganda": "县委宣传部",
          "party_school": "县委党校", "finance": "县财政局", "hr": "县人社局",
          "cadres": "县管干部", "direct_units": "县直单位", "level": "县级",
          "lower": "乡镇（街道）", "situation": "县情县策", "leaders": "科级以上领导干部",
          "senior": "乡科级领导干部"},
    "区": {"we": "我区", "whole": "全区", "committee": "区委", "standing": "区委常委会",
          "org_dept": "区委组织部", "propaganda": "区委宣传部",
          "party_school": "区委党校", "finance": "区财政局", "hr": "区人社局",
          "cadres": "区管干部", "direct_units": "区直单位", "level": "区级",
          "lower": "街道（乡镇）", "situation": "区情区策", "leaders": "科级以上领导干部",
          "senior": "乡科级领导干部"},
}
# A 县级市 speaks of itself as 市 but manages what a 县 does.
DEFAULT_TERMS["县级市"] = {**DEFAULT_TERMS["市"], "party_school": "市委党校",
                         "lower": "乡镇（街道）", "leaders": "科级以上领导干部",
                         "senior": "乡科级领导干部"}

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
    organ: str                       # pattern with {region}
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

    @property
    def time_progress(self) -> float:
        """Share of the plan period elapsed at the end of the report year, in percent."""
        from .metrics import time_progress

        return time_progress(self.year, self.plan.start, self.plan.end)

    def title_for(self, region: str) -> str:
        return self.title.format(region=region, plan=self.plan.name, year=self.year)

    def organ_for(self, region: str) -> str:
        return self.organ.format(region=region)


KNOWN_KEYS = {"title", "organ", "year", "date", "as_of", "plan", "data", "templates", "output",
              "validation", "status", "wording", "terms", "format", "header"}
_PATTERN_FIELDS = {"year", "city", "county", "region"}
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
    if kind is float and isinstance(value, (int, float)) and not isinstance(value, bool):
        return float(value)
    if not isinstance(value, kind):
        expected = {str: "文字", int: "整数", float: "数字", dict: "一组键值", list: "列表"}[kind]
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
    if not path.is_file():
        raise ConfigError(f"找不到报告定义文件「{path}」。请在报告目录中运行，或用 -c 指定 report.yaml 的位置。")
    try:
        raw = yaml.load(path.read_text(encoding="utf-8"), Loader=_yaml_loader())
    except UnicodeDecodeError:
        raise ConfigError(f"「{path.name}」不是 UTF-8 编码。请用记事本另存为 UTF-8 后重试。") from None
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f"第{mark.line + 1}行第{mark.column + 1}列" if mark else ""
        raise ConfigError(f"「{path.name}」{where}格式有误（缩进或冒号不对）。请对照示例 report.yaml 修改。") from None
    if not isinstance(raw, dict):
        raise ConfigError(f"「{path.name}」内容为空或不是“键: 值”的形式。请对照示例 report.yaml 填写。")
    root = path.resolve().parent
    errors = _Collector()
    for key in raw:
        if key not in KNOWN_KEYS:
            errors.add(str(key), f"不认识的配置项。可用的配置项有：{'、'.join(sorted(KNOWN_KEYS))}")

    title = _get(raw, "title", str, errors)
    organ = _get(raw, "organ", str, errors)
    year = _get(raw, "year", int, errors)
    date = _date(raw["date"], "date", errors) if raw.get("date") else None
    if date is None and "date" not in raw:
        errors.add("date", "缺少成文日期，请写成 2025-12-20 的形式")
    as_of_raw = raw.get("as_of")
    as_of = ""
    if as_of_raw:
        d = _date(as_of_raw, "as_of", errors, month_only=True)
        as_of = f"{d.year}年{d.month}月" if d else ""

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

    templates = file_path(_get(raw, "templates", str, errors, default="templates"),
                          "templates", folder=True)
    out = _get(raw, "output", dict, errors, default={})
    output = file_path(_get(out, "folder", str, errors, where="output.folder", default="output"),
                       "output.folder", must_exist=False)
    filename = _get(out, "filename", str, errors, where="output.filename",
                    default="{year}/{city}{county}干部教育培训规划实施情况评估报告.docx")
    for name in re.findall(r"{(\w*)}", filename or ""):
        if name not in _PATTERN_FIELDS:
            errors.add("output.filename", f"文件名模式中的「{{{name}}}」不可用，可用的有 "
                       + "、".join(f"{{{n}}}" for n in sorted(_PATTERN_FIELDS)))
    if filename and not filename.endswith(".docx"):
        errors.add("output.filename", "文件名应以 .docx 结尾")

    validation = _get(raw, "validation", dict, errors, required=False, default={})
    options = DataOptions(
        first_year=plan.start, last_year=plan.end,
        sum_tolerance=_get(validation, "sum_tolerance", float, errors, required=False,
                           default=0.005, where="validation.sum_tolerance"),
        yoy_jump_factor=_get(validation, "yoy_jump_factor", float, errors, required=False,
                             default=3.0, where="validation.yoy_jump_factor"),
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
            for name in re.findall(r"{(\w*)}", str(v)):
                if name != "region":
                    errors.add(f"header.{k}", f"「{{{name}}}」不可用，只能用 {{region}}")

    for key, pattern in (("title", title), ("organ", organ)):
        if pattern:
            for name in re.findall(r"{(\w*)}", pattern):
                if name not in {"region", "plan", "year"}:
                    errors.add(key, f"「{{{name}}}」不可用，可用的有 {{region}}、{{plan}}、{{year}}")

    if errors.problems:
        lines = "\n".join(f"  - {p}" for p in errors.problems)
        raise ConfigError(f"报告定义「{path.name}」有 {len(errors.problems)} 处问题，请逐项修改后重试：\n{lines}")
    return ReportConfig(
        path=path.resolve(), root=root, title=title, organ=organ, year=year, date=date,
        as_of=as_of, plan=plan, catalog=catalog, regions=regions, values=values,
        templates=templates, output=output, filename=filename, data_options=options,
        ahead_margin=ahead_margin, wording=wording, terms=terms, layout=layout,
        header={str(k): str(v) for k, v in header.items()},
    )
