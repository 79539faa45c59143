"""`reportgen collect`: read the returned forms, check them all, merge them, archive them.

The rules:
- Every .xlsx in the folder is read (any name; Office lock files ~$… and hidden files are
  ignored). The region comes from the form's hidden metadata, never from the file name.
- Every return is checked before anything is written, and every problem is listed with its
  place: 〈文件〉 填报!G12（青石县 2025年 党校主体班培训人次）：…. A blank input is a missing
  value (【待补】 in the draft), not a problem.
- Refused: a form of another year, of a changed catalog or form version, two returns for one
  region, edited structure (moved, inserted or deleted rows, a changed locked cell), a file
  that is not a form, a damaged file; and values the data check rejects once merged.
- One values file belongs to collect (report.yaml `data.collected`, e.g. data/填报汇总.csv).
  Each region's rows in it are those of its latest accepted return: a corrected return
  replaces only its region's rows. A value the return gives that is already in another values
  file with the same value is not repeated; with a different value the return is refused
  (one figure has one home), so the loader sees every (region, year, code) exactly once.
- When any return is refused nothing changes, unless `keep_going`: then the others merge and
  the result is still not ok.
- Every merged return is archived with its sha256 (<output>/.reportgen/returns/<year>/<region>/
  <time>-<hash8>.xlsx) and logged with its value changes (…/returns/<year>/log.json).
  Collecting the same files again changes nothing.

`recorded_changes` gives the changes recorded since the last build, for its 修订说明.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import math
from dataclasses import dataclass, field
from pathlib import Path

from ..errors import ConfigError, DataError, ReportError
from ..model import Dataset, Indicator, Kind, ValueSource
from . import (
    FORM_KIND,
    FORM_VERSION,
    LOCKED,
    MAP_ROW,
    META_KEYS,
    META_SHEET,
    NOTE_COL,
    SOURCE_COL,
    TARGET_COL,
    catalog_fingerprint,
    current_data,
    map_fingerprint,
    shown_path,
)

TARGET = "规划目标"                      # the 年度 of a region's own plan-target row
HEADER = ("地区", "年度", "指标代码", "数值", "来源", "备注")
EXCEL_SUFFIXES = (".xlsx", ".xlsm")
MERGED, HELD, REFUSED, MISSING = "已合并", "已交", "有问题", "未交"
MAX_LISTED = 100                         # corrections listed on screen

Key = tuple[str, object, str]            # (region, year or 规划目标, code)


@dataclass
class Entry:
    """One value a return gives, and where in the form it is."""

    value: object                       # float, or str for text indicators
    source: str = ""
    note: str = ""
    where: str = ""                     # 〈文件〉 填报!G12（青石县 2025年 指标名称）


@dataclass
class Return:
    path: Path
    sha256: str = ""
    region: str | None = None
    problems: list[str] = field(default_factory=list)
    entries: dict[Key, Entry] = field(default_factory=dict)
    filled: int = 0
    blank: int = 0                      # required inputs left blank (【待补】)
    status: str = ""
    changes: list[dict] = field(default_factory=list)
    same_as_data: int = 0               # values equal to another values file (not repeated)

    @property
    def name(self) -> str:
        return self.path.name

    def bad(self, message: str) -> None:
        self.problems.append(message)


@dataclass
class CollectResult:
    year: int
    folder: Path
    values_file: Path
    regions: list[str]
    returns: list[Return] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)        # not tied to one region's return
    ignored: list[str] = field(default_factory=list)
    earlier: dict[str, str] = field(default_factory=dict)    # region → its last merged return
    written: bool = False                                     # the values file changed
    archived: int = 0
    keep_going: bool = False

    @property
    def ok(self) -> bool:
        return not self.problems and not any(r.problems for r in self.returns)

    def text(self) -> str:
        by_region = {r.region: r for r in self.returns if r.region and r.status}
        count = {s: sum(1 for r in by_region.values() if r.status == s) for s in (MERGED, HELD, REFUSED)}
        missing = sum(1 for n in self.regions if n not in by_region and n not in self.earlier)
        lines = [*self._problem_lines(), *self._table_lines(by_region),
                 self._count_line(by_region, count, missing), *self._correction_lines(by_region),
                 *self._outcome_lines(by_region, count, missing)]
        return "\n".join(lines)

    def _problem_lines(self) -> list[str]:
        """Every problem, numbered, and the files that were not returns."""
        lines: list[str] = []
        all_problems = list(dict.fromkeys([*self.problems, *(p for r in self.returns for p in r.problems)]))
        if all_problems:
            lines.append(f"发现 {len(all_problems)} 个问题：")
            lines += [f"  {n}. {p}" for n, p in enumerate(all_problems, 1)]
            lines.append("")
        if self.ignored:
            lines.append("已忽略（不是 .xlsx 填报表）：" + "、".join(self.ignored))
            lines.append("")
        return lines

    def _table_lines(self, by_region: dict[str, Return]) -> list[str]:
        """The table of regions: status, files, filled, blank and changed values."""
        from ..data.report import display_width

        files: dict[str, list[str]] = {}
        for ret in self.returns:
            if ret.region and ret.status:
                files.setdefault(ret.region, []).append(ret.name)
        rows = [("地区", "状态", "文件", "已填", "待补", "变化")]
        for name in self.regions:
            r = by_region.get(name)
            if r is None:
                earlier = self.earlier.get(name)
                rows.append((name, MERGED, f"（此前：{earlier}）", "", "", "") if earlier
                            else (name, MISSING, "", "", "", ""))
                continue
            counted = r.status != REFUSED
            rows.append((name, r.status, "、".join(files[name]), str(r.filled) if counted else "",
                         str(r.blank) if counted else "",
                         str(len(r.changes)) if r.status == MERGED else ""))
        widths = [max(display_width(row[i]) for row in rows) for i in range(len(rows[0]))]
        lines = [f"{self.year}年填报表回收情况（{shown_path(self.folder)}）："]
        for row in rows:
            cells = [c + " " * (w - display_width(c)) for c, w in zip(row, widths, strict=True)]
            lines.append("  " + "  ".join(cells).rstrip())
        return lines

    def _count_line(self, by_region: dict[str, Return], count: dict[str, int], missing: int) -> str:
        before = sum(1 for n in self.regions if n not in by_region and n in self.earlier)
        return (f"共 {len(self.regions)} 个地区：本次已交 {count[MERGED] + count[HELD]}"
                f"（已合并 {count[MERGED]}），有问题 {count[REFUSED]}，"
                + (f"此前已合并 {before}，" if before else "") + f"未交 {missing}。")

    def _correction_lines(self, by_region: dict[str, Return]) -> list[str]:
        """The merged values that replace other values (at most MAX_LISTED of them)."""
        corrections = [(r.region, c) for r in by_region.values() if r.status == MERGED
                       for c in r.changes if c["old"] is not None]
        if not corrections:
            return []
        lines = [f"更正的数据（{len(corrections)}项，原值 → 新值）："]
        for region, c in corrections[:MAX_LISTED]:
            when = "规划目标" if c["year"] == TARGET else f"{c['year']}年"
            new = "（删除）" if c["new"] is None else _value_text(c["new"])
            lines.append(f"  {region}{when}「{c['name']}」：{_value_text(c['old'])} → {new}")
        if len(corrections) > MAX_LISTED:
            lines.append(f"  ……另有 {len(corrections) - MAX_LISTED} 项，见回收记录。")
        return lines

    def _outcome_lines(self, by_region: dict[str, Return], count: dict[str, int],
                       missing: int) -> list[str]:
        """What was written, what was not and why, and what to do next."""
        lines: list[str] = []
        blank = sum(r.blank for r in by_region.values() if r.status == MERGED)
        if self.written:
            lines.append(f"已写入「{shown_path(self.values_file)}」；{self.archived} 份填报表已存档。"
                         + (f"已合并的填报表中有 {blank} 项空白，报告中将显示【待补】。" if blank else ""))
        elif count[MERGED]:
            lines.append(f"数据没有变化，「{self.values_file.name}」未改动。")
        if not self.ok and not self.keep_going and count[HELD]:
            lines.append("因有填报表存在问题，本次未合并任何数据。请按上面的提示处理后重新运行 reportgen collect；"
                         "如需先合并没有问题的填报表，可加 --keep-going。")
        elif not self.ok:
            lines.append("有问题的填报表未合并：请按上面的提示让相关地区改正后发回，放进回收文件夹重新运行 reportgen collect。")
        if missing:
            lines.append("未交的地区沿用现有数据，没有数据的项目在报告中显示为【待补】；各地区交齐后才能完整核对全市合计。")
        if self.written:
            lines.append("下一步：运行 reportgen check 检查数据，然后 reportgen build --all 生成报告。")
        return lines


# --- entry point ----------------------------------------------------------------------------

def collect(config_path: Path | str, folder: Path | str, keep_going: bool = False,
            now: dt.datetime | None = None) -> CollectResult:
    """Read, check, merge and archive every return in `folder` (see the module docstring)."""
    from ..config import load_config

    cfg = load_config(config_path)
    target = _collected_path(cfg)
    folder = Path(folder)
    if not folder.is_dir():
        what = "不是文件夹" if folder.exists() else "找不到"
        raise ReportError(f"回收文件夹「{folder}」{what}。请把收回的填报表（.xlsx）放进一个文件夹，"
                          "再运行 reportgen collect 文件夹。")
    ds = _current_data(cfg)
    existing = read_collected(target, ds.indicators)
    log_file = log_path(cfg)
    log = _read_log(log_file)
    regions = [ds.city.name, *[r.name for r in ds.children(ds.city.name)]]
    result = CollectResult(cfg.year, folder, target, regions, keep_going=keep_going)
    for entry in log["entries"]:
        result.earlier[entry["region"]] = f"{entry['file']}，{entry['time'][:16]}回收"

    fingerprint = catalog_fingerprint(ds.indicators)
    for path in sorted(folder.iterdir(), key=lambda p: p.name):
        if path.name.startswith(("~$", ".")) or path.is_dir():
            continue
        suffix = path.suffix.lower()
        if suffix == ".xls":
            result.problems.append(f"〈{path.name}〉：是旧版 Excel 格式（.xls），无法读取。请用 Excel 打开后"
                                   "「另存为」Excel 工作簿（.xlsx），或请该地区用原表重新发回。")
        elif suffix in EXCEL_SUFFIXES:
            result.returns.append(read_return(path, cfg, ds, fingerprint))
        else:
            result.ignored.append(path.name)
    _refuse_duplicates(result.returns)
    others = _other_values(ds, existing)
    for r in result.returns:
        if not r.problems:
            _apply_single_home(r, ds, others)

    accepted = [r for r in result.returns if not r.problems]
    merged = _check_merged(cfg, ds, existing, accepted, keep_going)
    for r in result.returns:
        r.status = REFUSED if r.problems else (MERGED if r in merged else HELD)
    if not result.ok and not keep_going:
        for r in result.returns:
            if r.status == MERGED:
                r.status = HELD
        return result
    _write(cfg, ds, result, existing, [r for r in result.returns if r.status == MERGED], target,
           log_file, log, now or dt.datetime.now())
    return result


def _collected_path(cfg) -> Path:
    path = getattr(cfg, "collected", None)
    if path is None:
        raise ConfigError(f"报告定义「{cfg.path.name}」中没有指定回收数据文件。请在 data 下加一行"
                          "「collected: data/填报汇总.csv」（collect 把收回的填报表合并到这个文件，"
                          "报告生成时自动读取），然后重新运行。")
    return Path(path)


def _current_data(cfg) -> Dataset:
    try:
        return current_data(cfg, lenient=True)
    except DataError as exc:
        raise DataError("现有的指标目录、地区表或指标数据有错误，无法回收填报表。请先按下表修改"
                        "（或运行 reportgen check 查看），再运行 reportgen collect。\n\n" + exc.message,
                        problems=exc.problems) from None


# --- reading one return -------------------------------------------------------------------

def read_return(path: Path, cfg, ds: Dataset, fingerprint: str) -> Return:
    """A return read and checked against its own cell map; problems say where and what to do."""
    from ..output import sha256

    r = Return(path)
    try:
        data = path.read_bytes()
    except OSError as exc:
        r.bad(f"〈{path.name}〉：无法读取（{exc.strerror or exc}）。请关闭正在打开它的程序后重试。")
        return r
    r.sha256 = sha256(data)
    book = _open(data)
    if book is None:
        r.bad(f"〈{path.name}〉：文件已损坏，或不是 Excel 工作簿，无法打开。请该地区用原表重新保存后发回。")
        return r
    meta = _meta(book)
    if meta is None or meta.get("表单类型") != FORM_KIND:
        r.bad(f"〈{path.name}〉：不是 reportgen 生成的填报表（找不到表单信息）。请使用 reportgen forms "
              "生成的填报表填写；不要把数据复制到新建的工作簿中。")
        return r
    region = str(meta.get("地区") or "")
    r.region = region if any(x.name == region for x in ds.regions) else None
    if r.region is None:
        r.bad(f"〈{path.name}〉：填报表中的地区「{region}」不在地区表中。请确认该表是否属于本市，"
              "或在地区表中加上这个地区后重新生成填报表。")
        return r
    year = str(meta.get("年度") or "")
    if year != str(cfg.year):
        r.bad(f"〈{path.name}〉：这是{region}{year}年的填报表，本次回收的是{cfg.year}年。"
              f"请把{cfg.year}年的新表（reportgen forms 生成）发给{region}重新填报。")
        return r
    if str(meta.get("表单版本")) != FORM_VERSION or meta.get("目录指纹") != fingerprint:
        r.bad(f"〈{path.name}〉：{region}的填报表已过时——生成该表之后指标目录有了变化（或表单版本不同）。"
              f"请用 reportgen forms 重新生成{region}的填报表，发给该地区按新表填报。")
        return r
    entries = meta["cells"]
    if map_fingerprint(entries) != meta.get("结构指纹"):
        r.bad(f"〈{path.name}〉：隐藏的表单信息被改动过，无法确认表格结构。请该地区用原表重新填报。")
        return r
    _read_cells(r, book, entries, cfg, ds, data)
    return r


@dataclass
class _Book:
    """The cells of a workbook: sheet → coordinate → (value, number format), read in one pass."""

    sheets: dict[str, dict[str, tuple[object, str]]]

    @property
    def sheetnames(self) -> list[str]:
        return list(self.sheets)

    def value(self, sheet: str, cell: str):
        return self.sheets[sheet].get(cell, (None, ""))[0]

    def number_format(self, sheet: str, cell: str) -> str:
        return self.sheets[sheet].get(cell, (None, ""))[1]


def _open(data: bytes, data_only: bool = False) -> _Book | None:
    import warnings

    from openpyxl import load_workbook

    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            wb = load_workbook(io.BytesIO(data), read_only=True, data_only=data_only)
            sheets: dict[str, dict[str, tuple[object, str]]] = {}
            for ws in wb.worksheets:
                cells: dict[str, tuple[object, str]] = {}
                for row in ws.iter_rows():
                    for c in row:
                        if c.value is not None and hasattr(c, "coordinate"):
                            cells[c.coordinate] = (c.value, c.number_format or "")
                sheets[ws.title] = cells
            wb.close()
            return _Book(sheets)
    except Exception:  # zip, XML or openpyxl errors: all mean "cannot be opened"
        return None


def _meta(book: _Book) -> dict | None:
    if META_SHEET not in book.sheets:
        return None
    meta = {}
    for i, key in enumerate(META_KEYS, 1):
        if book.value(META_SHEET, f"A{i}") != key:
            return None
        meta[key] = book.value(META_SHEET, f"B{i}")
    pieces, row = [], MAP_ROW
    while isinstance(book.value(META_SHEET, f"A{row}"), str):
        pieces.append(book.value(META_SHEET, f"A{row}"))
        row += 1
    try:
        cells = [tuple(e) for e in json.loads("".join(pieces))]
        if not all(len(e) == 5 for e in cells):
            raise ValueError
    except (ValueError, TypeError):
        return None
    meta["cells"] = cells
    return meta


def _read_cells(r: Return, book: _Book, entries: list[tuple], cfg, ds: Dataset, data: bytes) -> None:
    from openpyxl.utils.cell import coordinate_from_string

    inds = ds.indicators
    cached = None
    broken_sheets: set[str] = set()
    last_row: dict[str, int] = {}
    for sheet, cell, code, column, original in entries:
        if sheet not in book.sheets:
            r.bad(f"〈{r.name}〉：缺少工作表「{sheet}」。请该地区用原表重新填报，不要删除或改名工作表。")
            return
        last_row[sheet] = max(last_row.get(sheet, 0), coordinate_from_string(cell)[1])
        if column.startswith(LOCKED) and original == code and sheet not in broken_sheets:
            actual = book.value(sheet, cell)
            if actual != code:
                broken_sheets.add(sheet)
                r.bad(f"〈{r.name}〉 {sheet}!{cell}：指标代码应为「{code}」，现在是「{_shown(actual)}」——"
                      "表格的行或列被移动、插入或删除过，无法对应到指标。请该地区用原表重新填报，"
                      "不要移动、插入或删除行列。")
    if broken_sheets:
        return
    for sheet, cell, code, column, original in entries:
        ind = inds.get(code)
        name = ind.name if ind else code
        where = f"〈{r.name}〉 {sheet}!{cell}（{r.region} {column} {name}）"
        value = book.value(sheet, cell)
        if column.startswith(LOCKED):
            if isinstance(original, str) and original.startswith("="):
                continue  # a derived indicator's formula: not data
            if not _same(value, original):
                label = " ".join(x for x in (r.region, column[len(LOCKED):].strip(), name) if x)
                r.bad(f"〈{r.name}〉 {sheet}!{cell}（{label}）：这是锁定的格（往年数据或指标信息），"
                      f"下发时为「{_shown(original)}」，现在是「{_shown(value)}」。请改回原值后发回；"
                      "往年数据如有错误，请在「备注」中说明。")
            continue
        if isinstance(value, str) and value.startswith("="):
            if cached is None:
                cached = _open(data, data_only=True) or _Book({})
            value = cached.value(sheet, cell) if sheet in cached.sheets else None
            if value is None:
                r.bad(f"{where}：该格是公式，没有计算结果。请直接填写数值。")
                continue
        _input(r, value, book.number_format(sheet, cell), code, column, ind, cfg, where)
    for sheet, last in last_row.items():
        extra = _extra_content(book.sheets[sheet], last)
        if extra:
            r.bad(f"〈{r.name}〉 {sheet}!{extra}：表格下方多出了内容，这些内容无法回收。请删除；"
                  "如需补充说明，请写在「备注」列。")


def _input(r: Return, value, number_format: str, code: str, column: str,
           ind: Indicator | None, cfg, where: str) -> None:
    if ind is None:
        return
    assert r.region is not None  # read_return read the cells only once it knew the region
    if column in (SOURCE_COL, NOTE_COL):
        text = _text(value)
        key = (r.region, cfg.year, code)
        if text and key in r.entries:  # the value cell of the row comes first in the map
            setattr(r.entries[key], "source" if column == SOURCE_COL else "note", text)
        return
    is_target = column == TARGET_COL
    key = (r.region, TARGET if is_target else cfg.year, code)
    if value is None or (isinstance(value, str) and not value.strip()):
        if not is_target and not ind.optional:
            r.blank += 1
        return
    if ind.kind is Kind.TEXT:
        r.entries[key] = Entry(_text(value), where=where)
        r.filled += 1
        return
    number, why = _number(value, number_format, ind)
    if why:
        r.bad(f"{where}：{why}")
        return
    r.entries[key] = Entry(number, where=where)
    if not is_target:
        r.filled += 1


def _number(value, number_format: str, ind: Indicator) -> tuple[float | None, str]:
    """The number in an input cell, or why it is not acceptable (with the fix)."""
    from ..data.numeric import EXCEL_ERRORS, is_whole, parse_number, show

    if isinstance(value, bool):
        return None, f"应为数字，现在是「{'是' if value else '否'}」。请填写阿拉伯数字。"
    if isinstance(value, (dt.date, dt.datetime, dt.time)):
        return None, "被 Excel 识别成了日期。请把该格设为「常规」格式后重新输入数字。"
    if isinstance(value, str):
        written = value.strip()
        if written.upper() in EXCEL_ERRORS:
            return None, f"是 Excel 错误值 {written}。请直接填写数字。"
        number = parse_number(written)
        if number is None:
            return None, (f"「{written}」不是数字。请只填阿拉伯数字（如 120 或 56.5），"
                          "单位、“约”等说明请写到「备注」列。")
    else:
        number = float(value)
        if not math.isfinite(number):
            return None, "不是有效的数字。请重新填写。"
        if ind.kind is Kind.PERCENT and "%" in (number_format or ""):
            number = round(number * 100, 10)  # typed as 56.5% in a cell Excel formats as percent
    unit = "" if ind.unit in ("", "%") else f"（单位：{ind.unit}）"
    if ind.kind is not Kind.PERCENT and number < 0:
        return None, f"不能是负数，现在是 {show(number)}。请改正。"
    if ind.kind is Kind.PERCENT and not 0 <= number <= 100:
        return None, f"是百分比，应在 0～100 之间，现在是 {show(number)}。请按百分数填写，56.5% 填 56.5。"
    if ind.kind is Kind.COUNT and not is_whole(number):
        return None, f"应为整数{unit}，现在是 {show(number)}。请改为整数。"
    return (float(round(number)) if ind.kind is Kind.COUNT else number), ""


def _extra_content(cells: dict[str, tuple], last: int) -> str | None:
    from openpyxl.utils.cell import coordinate_from_string

    below = [c for c, (v, _) in cells.items()
             if v not in (None, "") and coordinate_from_string(c)[1] > last]
    return min(below, key=lambda c: coordinate_from_string(c)[::-1]) if below else None


def _same(actual, original) -> bool:
    if actual in (None, "") and original in (None, ""):
        return True
    if isinstance(actual, (int, float)) and isinstance(original, (int, float)) \
            and not isinstance(actual, bool):
        return abs(float(actual) - float(original)) <= 1e-9 * max(1.0, abs(float(original)))
    return _text(actual) == _text(original)


def _text(value) -> str:
    from ..data.cells import text

    return text(value)


def _shown(value) -> str:
    return _text(value) or "（空）"


# --- across returns -----------------------------------------------------------------------

def _refuse_duplicates(returns: list[Return]) -> None:
    by_region: dict[str, list[Return]] = {}
    for r in returns:
        if r.region:
            by_region.setdefault(r.region, []).append(r)
    for region, rs in by_region.items():
        if len(rs) < 2:
            continue
        names = "和".join(f"〈{r.name}〉" for r in rs)
        same = "（内容完全相同）" if len({r.sha256 for r in rs}) == 1 else ""
        for r in rs:  # the same message on each: listed once (CollectResult.text)
            r.problems = [f"{names}都是{region}的填报表{same}。每个地区只能有一份：请把不用的一份移出回收文件夹后重试。"]


def _other_values(ds: Dataset, existing: dict[Key, Entry]) -> dict[Key, tuple[object, str]]:
    """Values and region targets from the values files other than the collected one, with where."""
    out: dict[Key, tuple[object, str]] = {}
    for (region, year, code), v in ds.values.items():
        if (region, year, code) not in existing:
            loc = v.location
            where = f"「{loc.file}」" + (f"第{loc.row}行" if loc and loc.row else "") if loc else "其他指标数据文件"
            out[(region, year, code)] = (v.value, where)
    for (region, code), t in ds.targets.items():
        if (region, TARGET, code) not in existing:
            out[(region, TARGET, code)] = (t, "其他指标数据文件")
    return out


def _apply_single_home(r: Return, ds: Dataset, others: dict) -> None:
    """A value equal to one in another values file is not repeated; a different one refuses."""
    for key, entry in list(r.entries.items()):
        if key not in others:
            continue
        value, where = others[key]
        if _equal(value, entry.value):
            del r.entries[key]
            r.same_as_data += 1
            continue
        ind = ds.indicators[key[2]]
        what = "规划目标" if key[1] == TARGET else "数值"
        r.bad(f"{entry.where}：填报的{what}为「{_value_text(entry.value)}」，但{where}已有"
              f"「{_value_text(value)}」。一个数值只能来自一处：以填报表为准时，请删除{where}中"
              f"{r.region}的这一项后重新运行；以数据文件为准时，请把填报表中的这一格改为"
              f"「{_value_text(value)}」或留空。（{ind.name}）")


def _equal(a, b) -> bool:
    if isinstance(a, (int, float)) and isinstance(b, (int, float)):
        return abs(float(a) - float(b)) <= 1e-9 * max(1.0, abs(float(a)))
    return _text(a) == _text(b)


def _value_text(value) -> str:
    from ..data.numeric import show

    return show(float(value)) if isinstance(value, (int, float)) else str(value)


def _merge(existing: dict[Key, Entry], returns: list[Return]) -> dict[Key, Entry]:
    regions = {r.region for r in returns}
    merged = {k: e for k, e in existing.items() if k[0] not in regions}
    for r in returns:
        merged.update(r.entries)
    return merged


def _check_merged(cfg, ds: Dataset, existing, accepted: list[Return], keep_going: bool) -> list[Return]:
    """The returns whose merge the data check accepts. Problems the merge brings (a sum that
    no longer agrees with the city, …) go to the return of their region; problems the data
    already had are left to `reportgen check`."""
    from ..data import load_dataset
    from ..output import discard_temp, write_temp

    target = _collected_path(cfg)
    others = [s for s in cfg.values if Path(s.path).resolve() != target.resolve()]
    baseline = {(region, p.message) for region, ps in ds.failed.items() for p in ps}
    todo = list(accepted)
    while todo:
        merged = _merge(existing, todo)
        if not merged:
            return todo  # nothing but blanks: nothing for the data check to look at
        body, order = collected_csv(merged, ds)
        tmp = write_temp(target, body)
        try:
            check = load_dataset(cfg.catalog, cfg.regions, [*others, ValueSource(str(tmp))],
                                 cfg.data_options, display_root=cfg.root, lenient=True)
        except DataError as exc:
            raise DataError("合并后的数据无法通过检查：\n\n" + exc.message, problems=exc.problems) from None
        finally:
            discard_temp(tmp)
        by_region = {r.region: r for r in todo}
        parents = {x.name: x.parent for x in ds.regions}
        failed: list[Return] = []
        for region, problems in check.failed.items():
            new = [p for p in problems if (region, p.message) not in baseline]
            if not new:
                continue  # the data had it before: `reportgen check` reports it
            # the region's own return, else the returns of its counties (a city total that no
            # longer agrees), else every return of the batch
            owners = ([by_region[region]] if region in by_region else
                      [r for r in todo if r.region is not None and parents.get(r.region) == region]
                      or list(todo))
            for r in owners:
                for p in new:
                    where = None
                    if p.location and p.location.file.endswith(tmp.name) and p.location.row:
                        key = order.get(p.location.row)
                        if key in merged and merged[key].where.startswith(f"〈{r.name}〉"):
                            where = merged[key].where
                    where = where or f"〈{r.name}〉 合并后检查"
                    r.bad(f"{where}：{p.message}。{p.hint}".replace("。。", "。"))
                if r not in failed:
                    failed.append(r)
        if not failed:
            return todo
        if not keep_going:
            return [r for r in todo if r not in failed]
        todo = [r for r in todo if r not in failed]
    return []


# --- the collected values file ------------------------------------------------------------

def read_collected(path: Path, indicators: dict[str, Indicator]) -> dict[Key, Entry]:
    """The collected values file as written by collect ({} when it does not exist yet)."""
    from ..data.numeric import parse_number

    if not path.exists():
        return {}
    try:
        text = path.read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError):
        raise DataError(f"回收数据文件「{path}」无法读取。它由 reportgen collect 写入，请不要手工修改；"
                        "如已损坏，请删除它后重新运行 reportgen collect 回收全部填报表。") from None
    rows = list(csv.reader(io.StringIO(text, newline="")))
    if not rows or tuple(rows[0][:6]) != HEADER:
        raise DataError(f"回收数据文件「{path}」的列名不对。它由 reportgen collect 写入，请不要手工修改；"
                        "如已损坏，请删除它后重新运行 reportgen collect 回收全部填报表。")
    out: dict[Key, Entry] = {}
    for row in rows[1:]:
        if len(row) < 4 or not row[0]:
            continue
        region, year, code, raw = row[:4]
        ind = indicators.get(code)
        value: object = raw
        if ind is None or ind.numeric:
            number = parse_number(raw)
            value = raw if number is None else number
        key: Key = (region, TARGET if year == TARGET else int(year) if year.isdigit() else year, code)
        out[key] = Entry(value, source=row[4] if len(row) > 4 else "",
                         note=row[5] if len(row) > 5 else "")
    return out


def collected_csv(values: dict[Key, Entry], ds: Dataset) -> tuple[bytes, dict[int, Key]]:
    """The collected file's bytes (UTF-8 with BOM, like Excel's CSV UTF-8) in a stable order —
    regions as in the regions table, then year (规划目标 last), then catalog order — and which
    record number holds which key (for messages)."""
    region_order = {r.name: i for i, r in enumerate(ds.regions)}
    code_order = {c: i for i, c in enumerate(ds.indicators)}

    def sort_key(k: Key):
        region, year, code = k
        return (region_order.get(region, len(region_order)), region,
                (1, 0) if year == TARGET else (0, year), code_order.get(code, len(code_order)), code)

    buf = io.StringIO(newline="")
    w = csv.writer(buf, lineterminator="\r\n")
    w.writerow(HEADER)
    order: dict[int, Key] = {}
    for n, key in enumerate(sorted(values, key=sort_key), 2):
        e = values[key]
        w.writerow([key[0], key[1], key[2], _value_text(e.value), e.source, e.note])
        order[n] = key
    return ("\ufeff" + buf.getvalue()).encode("utf-8"), order


# --- writing: archive, values file, log ----------------------------------------------------

def log_path(cfg) -> Path:
    """The collect log of the report year (which return was merged when)."""
    from ..output import STATE

    return cfg.output / STATE / "returns" / str(cfg.year) / "log.json"


def _read_log(path: Path) -> dict:
    if not path.exists():
        return {"tool": "reportgen", "entries": []}
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        if not isinstance(data.get("entries"), list):
            raise ValueError
        return data
    except (OSError, ValueError, AttributeError):
        raise ReportError(f"回收记录「{path}」已损坏，无法追加新的记录。请把它移到别处保存后重新运行"
                          "（已存档的填报表在同一文件夹中，不受影响）。") from None


def returns_on_record(cfg) -> dict[str, dict]:
    """Each region's last merged return of the report year, from the collect log:
    {"time", "file", "sha256", "archive", "changes"} by region."""
    latest: dict[str, dict] = {}
    for entry in _read_log(log_path(cfg))["entries"]:
        latest[entry["region"]] = entry
    return latest


def _write(cfg, ds: Dataset, result: CollectResult, existing: dict[Key, Entry],
           merged: list[Return], target: Path, log_path: Path, log: dict,
           now: dt.datetime) -> None:
    from ..output import atomic_write, safe_name

    for r in merged:
        old = {k: e for k, e in existing.items() if k[0] == r.region}
        r.changes = _changes(old, r.entries, ds.indicators)
    values = _merge(existing, merged)
    body, _ = collected_csv(values, ds)
    changed_file = (target.read_bytes() if target.exists() else None) != body
    if changed_file and (values or target.exists()):
        atomic_write(target, body)
        result.written = True
    stamp = now.strftime("%Y%m%d-%H%M%S")
    entries = []
    for r in merged:
        assert r.region is not None  # only returns of a known region are merged
        folder = log_path.parent / safe_name(r.region)
        known = next((p for p in folder.glob(f"*-{r.sha256[:8]}.xlsx")
                      if _file_sha(p) == r.sha256), None) if folder.is_dir() else None
        same_values = not r.changes and _rows(
            {k: e for k, e in existing.items() if k[0] == r.region}) == _rows(r.entries)
        if known is not None and same_values:
            continue
        if known is None:
            known = folder / f"{stamp}-{r.sha256[:8]}.xlsx"
            atomic_write(known, r.path.read_bytes())
            result.archived += 1
        entries.append({"time": now.strftime("%Y-%m-%d %H:%M:%S"), "region": r.region,
                        "file": r.name, "sha256": r.sha256,
                        "archive": known.relative_to(cfg.output).as_posix(),
                        "changes": r.changes})
    if entries:
        log["entries"] += entries
        atomic_write(log_path, (json.dumps(log, ensure_ascii=False, indent=1) + "\n").encode("utf-8"))


def _rows(entries: dict[Key, Entry]) -> dict[Key, tuple[str, str, str]]:
    """What the values file holds of some entries (their places in the form aside)."""
    return {k: (_value_text(e.value), e.source, e.note) for k, e in entries.items()}


def _file_sha(path: Path) -> str:
    from ..output import file_sha256

    return file_sha256(path)


def _changes(old: dict[Key, Entry], new: dict[Key, Entry], indicators) -> list[dict]:
    out = []
    for key in sorted(set(old) | set(new), key=lambda k: (str(k[1]), k[2])):
        a = old[key].value if key in old else None
        b = new[key].value if key in new else None
        if a is None and b is None or (a is not None and b is not None and _equal(a, b)):
            continue
        ind = indicators.get(key[2])
        out.append({"year": key[1], "code": key[2], "name": ind.name if ind else key[2],
                    "old": a, "new": b})
    return out


# --- for the next build's 修订说明 -----------------------------------------------------------

@dataclass(frozen=True)
class RecordedChange:
    """A value a collected return changed: region, indicator, year, old → new, and which file."""

    region: str
    year: object          # int, or 规划目标
    code: str
    name: str
    old: object           # None: there was no value
    new: object           # None: the return left it blank (the value was removed)
    file: str             # the return's file name as received
    sha256: str
    time: str             # when it was collected
    archive: str          # the archived copy, relative to the output folder

    @property
    def key(self) -> str:
        """The key of the build's value snapshot (region|year|code, output.revisions.value_key)."""
        return f"{self.region}|{self.year}|{self.code}"

    def __str__(self) -> str:
        when = "规划目标" if self.year == TARGET else f"{self.year}年"
        old = "（无）" if self.old is None else _value_text(self.old)
        new = "（删除）" if self.new is None else _value_text(self.new)
        return f"{self.region}{when}「{self.name}」：{old} → {new}（{self.file}，{self.time}回收）"


def recorded_changes(cfg, since: dict[str, object] | None = None) -> list[RecordedChange]:
    """The value changes recorded by collect that the last build has not seen.

    `since` is the last build's value snapshot (region|year|code → value, as the manifest's
    `values`); by default it is read from <output>/.reportgen-manifest.json. A change counts
    when its key's latest collected value differs from the snapshot; `old` is then the
    snapshot's value (what the last build printed) and `file` the return that set the new one.
    With no previous build every recorded change is returned, `old` as logged."""
    if since is None:
        from ..output import Manifest

        try:
            since = Manifest.load(cfg.output).values
        except ReportError:
            since = None
    log = _read_log(log_path(cfg))
    latest: dict[str, RecordedChange] = {}
    for entry in log["entries"]:
        for c in entry.get("changes", []):
            change = RecordedChange(entry["region"], c["year"], c["code"], c.get("name", c["code"]),
                                    c["old"], c["new"], entry["file"], entry["sha256"],
                                    entry["time"], entry.get("archive", ""))
            first = latest.get(change.key)
            if first is not None and since is None:  # keep the oldest old of the chain
                change = RecordedChange(**{**change.__dict__, "old": first.old})
            latest[change.key] = change
    if since is None:
        return [c for c in latest.values() if not _same_value(c.old, c.new)]
    out = []
    for key, c in latest.items():
        before = since.get(key)
        if _same_value(before, c.new):
            continue
        out.append(RecordedChange(**{**c.__dict__, "old": before}))
    return out


def _same_value(a, b) -> bool:
    if a is None or b is None:
        return a is None and b is None
    return _equal(a, b)
