"""The region list (地区): the city and its county-level units, city first."""

from __future__ import annotations

from dataclasses import dataclass, field

from ..model import LEVEL_ALIASES, LEVELS, ZONE_LEVELS, Problem, Region
from .cells import closest, odd_characters, text
from .headers import Field, Row, Table, map_sheet
from .tables import Sheet

WHAT = "地区表"
FIELDS = [
    Field("name", "地区名称", ("region", "地区"), required=True),
    Field("level", "层级", ("级别",), required=True),
    Field("parent", "上级", ("上级地区",), required=True),
    Field("short", "简称"),
    Field("full", "全称", ("全名", "完整名称")),
    Field("organ", "署名", ("署名机关",)),
]
COUNTY_LEVELS = tuple(level for level in LEVELS if level != "市")
MAX_NAME = 20
MAX_FULL = 40
# Usual short forms of zone names: 临江经济技术开发区 → 临江经开区.
_ZONE_SHORT = (("经济技术开发区", "经开区"), ("高新技术产业开发区", "高新区"),
               ("高新技术开发区", "高新区"), ("经济开发区", "经开区"))
_FORBIDDEN = '/\\:*?"<>|'


@dataclass
class Regions:
    """Valid regions (city first), names that exist but are broken, and short names → names."""

    regions: list[Region] = field(default_factory=list)
    broken: set[str] = field(default_factory=set)
    aliases: dict[str, str] = field(default_factory=dict)

    def resolve(self, written: str) -> str | None:
        """The full name for a name or short name as written in the values table."""
        if written in self._names() or written in self.broken:
            return written
        return self.aliases.get(written)

    def _names(self) -> set[str]:
        # called once per values row: a set, rebuilt only when the list changes length
        cached = getattr(self, "_name_set", None)
        if cached is None or len(cached) != len(self.regions):
            cached = self._name_set = {r.name for r in self.regions}
        return cached

    def names(self) -> list[str]:
        return [r.name for r in self.regions]


def name_problem(name: str, what: str = "地区名称") -> str | None:
    """Why a name cannot be used (it becomes part of file names), or None if it is fine."""
    if not name:
        return f"{what}为空"
    odd = odd_characters(name)
    if odd:
        return f"{what}「{odd[1]}」中{odd[0]}"
    if any(ch.isspace() for ch in name):
        return f"{what}「{name}」中间有空格"
    bad = [ch for ch in name if ch in _FORBIDDEN]
    if bad:
        return f"{what}「{name}」含有不能用于文件名的字符「{''.join(dict.fromkeys(bad))}」"
    if name in (".", ".."):
        return f"{what}不能是「{name}」"
    if len(name) > MAX_NAME:
        return f"{what}「{name}」太长（{len(name)}个字，最多{MAX_NAME}个字）"
    return None


def default_short(name: str, level: str = "") -> str:
    """临江市 → 临江, 江北区 → 江北; two-character names such as 城区 stay whole.

    A zone keeps its kind: 临江经济技术开发区 → 临江经开区, 临江高新区 stays whole."""
    if level in ZONE_LEVELS:
        for long, short in _ZONE_SHORT:
            if name.endswith(long) and len(name) > len(long):
                return name[: -len(long)] + short
        return name
    if len(name) > 2 and name[-1] in "市县区":
        return name[:-1]
    return name


def default_full(name: str, level: str, city: str, city_short: str) -> str:
    """The name an organ signs with: a 区 takes its city's name as prefix (临江市江城区), a zone
    its city's short name (临江高新区) unless it already starts with it; 县 and 县级市 keep theirs."""
    if level == "区" and not name.startswith(city):
        return city + name
    if level in ZONE_LEVELS and not name.startswith((city, city_short)):
        return city_short + name
    return name


def level_hint() -> str:
    """What the 层级 column accepts, for messages."""
    aliases = "，".join(f"{alias}填「{level}」" for alias, level in LEVEL_ALIASES.items())
    return f"「层级」请填 {'、'.join(LEVELS)} 之一（{aliases}）"


def load_regions(sheet: Sheet, file: str) -> tuple[Regions | None, list[Problem]]:
    """The regions in a sheet; None when its header makes the rows unreadable."""
    table, problems = map_sheet(sheet, file, FIELDS, WHAT)
    if table is None:
        return None, problems
    result = Regions()
    drafts: list[tuple[Row, dict]] = []
    seen: dict[str, Row] = {}
    for row in table.rows:
        entry, row_problems = _read_row(row, seen, result.broken)
        problems += row_problems
        if entry is None:
            continue
        if row_problems:
            result.broken.add(entry["name"])
        drafts.append((row, entry))  # broken ones too: they still shape the city/county tree
    problems += _check_tree(table, drafts, result)
    shorts: dict[str, Row] = {}
    for row, entry in drafts:
        if entry["name"] in result.broken:
            continue
        short = entry["short"]
        if short in shorts:
            problems.append(Problem(row.loc("short") if row.get("short") else row.loc("name"),
                                    f"简称「{short}」与第{shorts[short].number}行的地区重复",
                                    "每个地区的简称必须不同：请在「简称」列填写不同的简称"))
            result.broken.add(entry["name"])
            continue
        shorts[short] = row
        result.regions.append(Region(**entry, location=row.loc("name")))
    result.regions.sort(key=lambda r: not r.is_city)  # stable: city first, counties in file order
    names = set(result.names()) | result.broken
    result.aliases = {r.short: r.name for r in result.regions if r.short not in names}
    return result, problems


def _read_row(row: Row, seen: dict[str, Row], broken: set[str]) -> tuple[dict | None, list[Problem]]:
    """(Region fields, problems) for one row; None when the row has no usable name."""
    out: list[Problem] = []
    name = text(row.get("name"))
    problem = name_problem(name)
    if problem:
        # Values rows naming this region are not reported again (as unknown regions), nor
        # those naming it as it was meant: without spaces, hidden characters or 青石/县's slash.
        odd = odd_characters(name)
        meant = "".join(ch for ch in (odd[1] if odd else name) if ch not in _FORBIDDEN)
        broken.update({name, "".join(name.split()), "".join(meant.split())} - {""})
        hint = ("请填写地区名称，或删除这一行" if not name else
                f"地区名称会用在文件名里：请去掉空格和 {' '.join(_FORBIDDEN)} 等符号，不超过{MAX_NAME}个字")
        return None, [Problem(row.loc("name"), problem, hint)]
    if name in seen:
        return None, [Problem(row.loc("name"), f"地区「{name}」重复（第{seen[name].number}行已有）",
                              "每个地区只能出现一次：请删除重复的一行")]
    seen[name] = row
    level = text(row.get("level"))
    level = LEVEL_ALIASES.get(level, level)
    if level not in LEVELS:
        guess = closest(level, [*LEVELS, *LEVEL_ALIASES], cutoff=0.3) if level else None
        maybe = f"（是否应为「{LEVEL_ALIASES.get(guess, guess)}」？）" if guess else ""
        message = (f"地区「{name}」的层级为空" if not level
                   else f"地区「{name}」的层级「{level}」无法识别{maybe}")
        out.append(Problem(row.loc("level"), message, level_hint()))
    short = text(row.get("short")) or default_short(name, level)
    problem = name_problem(short, "简称")
    if problem:
        out.append(Problem(row.loc("short"), problem,
                           f"简称会用在文件名里：请去掉空格和 {' '.join(_FORBIDDEN)} 等符号"))
    full, organ = text(row.get("full")), text(row.get("organ"))
    for key, value, what in (("full", full, "全称"), ("organ", organ, "署名")):
        if any(ch.isspace() for ch in value):
            out.append(Problem(row.loc(key), f"{what}「{value}」中间有空格",
                               f"{what}用于报告落款：请去掉空格"))
        elif len(value) > MAX_FULL:
            out.append(Problem(row.loc(key), f"{what}「{value}」太长（{len(value)}个字，最多{MAX_FULL}个字）",
                               f"请检查「{what}」列是否填错了内容"))
    entry = dict(name=name, level=level, parent=text(row.get("parent")) or None, short=short,
                 full=full, organ=organ)
    return entry, out


def _check_tree(table: Table, drafts: list[tuple[Row, dict]], result: Regions) -> list[Problem]:
    """Exactly one city (no 上级, level 市); every other region's 上级 is that city."""
    out: list[Problem] = []
    cities = [(row, e) for row, e in drafts if e["parent"] is None]
    if not table.rows:
        out.append(Problem(table.location(), f"{WHAT}没有任何地区（只有列名一行）",
                           "请至少填写市本级一行（「层级」填「市」，「上级」留空），"
                           "再在下面逐行填写各县（市、区），每行一个"))
    if not cities:
        if drafts:
            out.append(Problem(table.location("parent"), f"{WHAT}中没有本市（「上级」为空的一行）",
                               "请加上本市一行：「层级」填「市」，「上级」留空；各县（市、区）的「上级」填本市名称"))
        return out
    city_row, city = cities[0]
    for row, e in cities[1:]:
        out.append(Problem(row.loc("parent"),
                           f"地区「{e['name']}」的「上级」为空，但只有本市（第{city_row.number}行「{city['name']}」）可以不填上级",
                           f"请在「上级」中填写「{city['name']}」"))
        result.broken.add(e["name"])
    if city["level"] in COUNTY_LEVELS:
        out.append(Problem(city_row.loc("level"),
                           f"「{city['name']}」没有上级，是本市，层级应为「市」，而不是「{city['level']}」",
                           "请把层级改为「市」；如果它是县（市、区），请在「上级」中填写所属的市"))
        result.broken.add(city["name"])
    city_names = {city["name"], city["short"]}
    city["full"] = city["full"] or city["name"]
    for row, e in drafts:
        if e["parent"] is None:
            continue
        odd = odd_characters(e["parent"]) if e["parent"] not in city_names else None
        if odd:
            out.append(Problem(row.loc("parent"), f"地区「{e['name']}」的上级「{odd[1]}」中{odd[0]}",
                               f"请重新输入这一格：各县（市、区）的「上级」都应填「{city['name']}」"))
            result.broken.add(e["name"])
            continue
        if e["parent"] not in city_names:
            out.append(Problem(row.loc("parent"),
                               f"地区「{e['name']}」的上级「{e['parent']}」不是本市（本市是「{city['name']}」）",
                               f"各县（市、区）的「上级」都应填「{city['name']}」"))
            result.broken.add(e["name"])
            continue
        e["parent"] = city["name"]
        e["city_short"] = city["short"]
        e["full"] = e["full"] or default_full(e["name"], e["level"], city["name"], city["short"])
        if e["level"] == "市":
            out.append(Problem(row.loc("level"),
                               f"「{e['name']}」的层级「{e['level']}」不对：只有本市的层级是「市」",
                               f"请改为 {'、'.join(COUNTY_LEVELS)} 之一（县级市填「县级市」）"))
            result.broken.add(e["name"])
    return out
