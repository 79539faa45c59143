"""The block model between narrative and layout: what the templates produce, what Word receives."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass
class Run:
    """A stretch of text with one look. `missing` marks a 【待补】 placeholder (highlighted);
    `change` is "ins" or "del" in a tracked-changes document (--redline)."""

    text: str
    bold: bool = False
    missing: bool = False
    change: str | None = None
    # the text before its ref('…') placeholders were resolved (numbering), so that figures
    # can be numbered again once charts without data are dropped; not part of a snapshot
    source: str | None = field(default=None, compare=False, repr=False)


@dataclass
class Heading:
    """Levels 1–4 (一、 （一） 1. （1）); `number` is assigned after rendering."""

    level: int
    runs: list[Run]
    number: str = ""

    @property
    def text(self) -> str:
        return self.number + "".join(r.text for r in self.runs)


@dataclass
class Paragraph:
    """Body text. `item` marks a run-in enumeration paragraph (一是…); `number` is its 一是."""

    runs: list[Run]
    item: bool = False
    number: str = ""

    @property
    def text(self) -> str:
        return "".join(r.text for r in self.runs)


@dataclass
class Figure:
    """A chart: `key` names the chart of the region; the caption reads 图N　title."""

    key: str
    title: str
    number: int = 0

    @property
    def caption(self) -> str:
        return f"图{self.number}\u3000{self.title}"


@dataclass
class TableData:
    """A finished table: header, rows of display strings, alignment per column, cells to flag."""

    header: list[str]
    rows: list[list[str]]
    align: list[str]                     # "left" | "center" | "right", one per column
    widths: list[float] = field(default_factory=list)  # relative widths, one per column
    alerts: set[tuple[int, int]] = field(default_factory=set)  # (row, col) shown as a warning
    # a tracked-changes copy (--redline) only; never part of a snapshot or content hash:
    changes: dict[tuple[int, int], list[Run]] = field(default_factory=dict)  # (row, col) → runs
    #   marked "ins"/"del" (row -1 is the header)
    row_changes: dict[int, str] = field(default_factory=dict)  # row → "ins" | "del"


@dataclass
class Table:
    """A table: `key` names the table of the region; the caption reads 表N　title (above it)."""

    key: str
    title: str
    number: int = 0
    data: TableData | None = None

    @property
    def caption(self) -> str:
        return f"表{self.number}\u3000{self.title}"


@dataclass
class PageBreak:
    pass


@dataclass
class Attachment:
    """Starts an attachment on a new page: 附件N label, then its title."""

    title: str
    number: int = 0


Block = Heading | Paragraph | Figure | Table | PageBreak | Attachment


@dataclass
class DocumentMeta:
    """What the layout needs besides the blocks: title, signature, date, optional 版头 and 版记."""

    title: str
    organ: str                      # 署名
    date: str                       # 成文日期, already formatted: 2025年12月31日
    attachments: list[str] = field(default_factory=list)
    issuer_mark: str = ""           # 发文机关标志 (red); empty: no 版头
    doc_number: str = ""            # 发文字号
    copy_to: str = ""               # 抄送
    printer: str = ""               # 印发机关
    print_date: str = ""            # 印发日期
    author: str = "reportgen"
    created: str = ""               # ISO timestamp for core properties (deterministic)


_KINDS = {cls.__name__: cls for cls in (Heading, Paragraph, Figure, Table, PageBreak, Attachment)}


def to_plain(blocks: list) -> list[dict]:
    """Blocks as JSON-ready dicts (for the build snapshot and content hashes)."""
    out = []
    for b in blocks:
        d = {"kind": type(b).__name__}
        for name, value in vars(b).items():
            if name == "runs":
                value = [[r.text, r.bold, r.missing] for r in value]
            elif isinstance(value, TableData):
                value = {"header": value.header, "rows": value.rows, "align": value.align,
                         "widths": value.widths, "alerts": sorted(map(list, value.alerts))}
            d[name] = value
        out.append(d)
    return out


def from_plain(items: list[dict]) -> list:
    """The inverse of `to_plain`."""
    blocks = []
    for d in items:
        d = dict(d)
        cls = _KINDS[d.pop("kind")]
        if "runs" in d:
            d["runs"] = [Run(t, bool(b), bool(m)) for t, b, m in d["runs"]]
        if d.get("data"):
            t = d["data"]
            d["data"] = TableData(t["header"], t["rows"], t["align"], t["widths"],
                                  {tuple(a) for a in t["alerts"]})
        blocks.append(cls(**d))
    return blocks
