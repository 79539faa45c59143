"""Typed records shared by every stage: catalog entries, regions, values and problems."""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import Enum


@dataclass(frozen=True)
class Location:
    """Where a value came from, so that a message can send the user to the exact cell."""

    file: str
    sheet: str | None = None
    row: int | None = None
    column: str | None = None

    def __str__(self) -> str:
        parts = [f"文件「{self.file}」"]
        if self.sheet:
            parts.append(f"工作表「{self.sheet}」")
        if self.row is not None:
            parts.append(f"第{self.row}行")
        if self.column:
            parts.append(f"「{self.column}」列")
        return "，".join(parts)


class Kind(str, Enum):
    """What sort of figure an indicator is; decides validation and wording."""

    COUNT = "计数"      # whole things: 人次, 期, 个, 名 …
    AMOUNT = "金额"     # money: 万元
    PERCENT = "百分比"  # 0–100, differences are 个百分点
    DURATION = "时长"   # 学时, 个月, 天
    TEXT = "文本"       # names, document prefixes, lists of partners


class Combine(str, Enum):
    """How the values of the county-level units make the city value."""

    SUM = "求和"
    MEAN = "平均"
    WEIGHTED = "加权平均"
    NONE = "不汇总"


class TargetType(str, Enum):
    """Whether a plan target is reached by adding the years up or must hold every year."""

    CUMULATIVE = "累计"
    ANNUAL = "年度"


LEVELS = ("市", "区", "县", "县级市", "开发区")
# Other words users write for a level; the loader turns them into the level itself.
LEVEL_ALIASES = {"功能区": "开发区"}
# Levels led by a party working committee (党工委) and an administrative committee (管委会).
ZONE_LEVELS = ("开发区",)


@dataclass(frozen=True)
class Indicator:
    """One entry of the indicator catalog (指标目录)."""

    code: str
    name: str
    unit: str
    kind: Kind
    decimals: int = 0
    target: float | None = None
    target_type: TargetType | None = None
    combine: Combine = Combine.NONE
    weight: str | None = None        # code of the weighting indicator for Combine.WEIGHTED
    numerator: str | None = None     # derived indicator: numerator / denominator
    denominator: str | None = None
    scale: str | None = None         # "万" or "亿": how the prose shows large numbers
    note: str = ""
    optional: bool = False           # may be left empty: no 【待补】 marker, no missing-data warning
    location: Location | None = None
    ceiling: float | None = None     # 合理上限: larger values are errors (None: the kind's default)

    @property
    def derived(self) -> bool:
        return self.numerator is not None

    @property
    def numeric(self) -> bool:
        return self.kind is not Kind.TEXT


@dataclass(frozen=True)
class Region:
    """A city or one of its county-level units (区, 县, 县级市, 开发区)."""

    name: str
    level: str
    parent: str | None = None
    short: str = ""
    location: Location | None = None
    full: str = ""        # 全称 for the signing organ (临江市江城区); empty: the name itself
    organ: str = ""       # 署名 written in the regions table; empty: report.yaml's pattern
    city_short: str = ""  # the city's short name (county-level units), for 中国式现代化临江实践

    @property
    def is_city(self) -> bool:
        return self.parent is None

    @property
    def city_word(self) -> str:
        """How the report names the city it compares with: 全市 in the city's own report;
        the city's name in a county's (in a 县级市's report 全市 would mean itself)."""
        return "全市" if self.is_city else str(self.parent)

    @property
    def benchmark_label(self) -> str:
        """The one label of the comparison value, in prose and chart: 全市平均 / 临江市平均."""
        return f"{self.city_word}平均"

    @property
    def is_zone(self) -> bool:
        """A development or functional zone (党工委、管委会, no 区委)."""
        return self.level in ZONE_LEVELS

    @property
    def full_name(self) -> str:
        """The name an organ signs with: 临江市江城区, 青石县, 临江经济技术开发区."""
        return self.full or self.name

    @property
    def place(self) -> str:
        """The short place name the text builds phrases on (数字临江建设, 中国式现代化临江实践):
        the region's own short name; a zone, not a place of its own, uses its city's."""
        return (self.city_short or self.short) if self.is_zone else self.short


Number = float
Scalar = float | str


@dataclass(frozen=True)
class Value:
    """One observation: a region's value of an indicator in a year."""

    region: str
    year: int
    code: str
    value: Scalar
    source: str = ""
    location: Location | None = None


@dataclass(frozen=True)
class Problem:
    """One finding of validation; errors stop a build, warnings are reported."""

    location: Location | None
    message: str
    hint: str = ""
    severity: str = "error"  # "error" or "warning"
    region: str | None = None  # the region a value-row problem belongs to (for --keep-going)
    omitted: int = 0  # more problems of the same kind (and region) counted but not kept

    @property
    def is_error(self) -> bool:
        return self.severity == "error"

    @property
    def kind(self) -> tuple[str, str]:
        """Problems of one kind share their severity and their fix (the hint): 200,000
        duplicate rows are one kind, listed once as a group."""
        return self.severity, self.hint or self.message


@dataclass
class Dataset:
    """Everything the data stage read, validated: catalog, regions and values."""

    indicators: dict[str, Indicator]
    regions: list[Region]
    values: dict[tuple[str, int, str], Value] = field(default_factory=dict)
    warnings: list[Problem] = field(default_factory=list)
    # Region-specific plan targets (rows whose 年度 is 规划目标); the catalog's target is the default.
    targets: dict[tuple[str, str], float] = field(default_factory=dict)
    # Lenient loading only: errors of value rows, by region; those regions cannot be built.
    failed: dict[str, list[Problem]] = field(default_factory=dict)

    def region(self, name: str) -> Region:
        for r in self.regions:
            if r.name == name:
                return r
        raise KeyError(name)

    @property
    def city(self) -> Region:
        return next(r for r in self.regions if r.is_city)

    def children(self, parent: str) -> list[Region]:
        return [r for r in self.regions if r.parent == parent]

    def get(self, region: str, code: str, year: int) -> Scalar | None:
        v = self.values.get((region, year, code))
        return None if v is None else v.value

    def years(self) -> list[int]:
        return sorted({y for (_, y, _) in self.values})


@dataclass(frozen=True)
class ValueSource:
    """A values file named by the config: a .csv, or an .xlsx with the sheets to read."""

    path: str                 # absolute or relative to the config's folder, as resolved by config
    sheets: tuple[str, ...] = ()  # empty: every sheet (.xlsx) / ignored (.csv)


@dataclass(frozen=True)
class DataOptions:
    """Validation knobs from the config."""

    first_year: int = 2023           # plan period
    last_year: int = 2027
    sum_tolerance: float = 0.005     # relative gap allowed between county sum and city value
    yoy_jump_factor: float = 3.0     # a value more than this × (or less than 1/this) last year's warns
    city_sums: bool = False          # a city's missing 求和 figure is the sum of its counties'
