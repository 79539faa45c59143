"""Data changes from the workbench: county forms (through rounds.collect) and the values file.

Nothing replaces the current data unless the upload is valid: forms are merged by
`rounds.collect`, which merges nothing when any form has a problem (unless the user then
confirms keeping the good ones); a values workbook replaces the current file only when the
whole data set, read with it, has no error. Problems come back as rows of a table: file,
where (sheet and cell), what is wrong and what to do.
"""

from __future__ import annotations

import datetime as dt
import re
import shutil
from dataclasses import dataclass, field
from pathlib import Path

from ..errors import DataError
from .uploads import WebError

_CELL = re.compile(r"([^\s〈〉「」：，；（）]+![A-Z]{1,3}\d+)")
_FILE = re.compile(r"〈([^〉]+)〉")


@dataclass
class ProblemRow:
    file: str
    where: str
    text: str
    severity: str = "错误"


@dataclass
class FormsOutcome:
    ok: bool
    merged: list[str] = field(default_factory=list)      # regions whose forms were merged
    held: list[str] = field(default_factory=list)        # good forms not merged (others bad)
    refused: dict[str, str] = field(default_factory=dict)   # region → first problem
    rows: list[ProblemRow] = field(default_factory=list)
    text: str = ""                                       # collect's own summary
    written: bool = False


def _form_rows(result) -> list[ProblemRow]:
    rows = []
    for r in result.returns:
        for p in r.problems:
            cell = _CELL.search(p)
            where = cell.group(1) if cell else ""
            rows.append(ProblemRow(r.name, where, _strip_file(p, where)))
    for p in result.problems:
        file = _FILE.search(p)
        cell = _CELL.search(p)
        where = cell.group(1) if cell else ""
        rows.append(ProblemRow(file.group(1) if file else "", where, _strip_file(p, where)))
    return rows


def _strip_file(text: str, cell: str = "") -> str:
    """The problem without what the table's 文件 and 位置 columns already say: the leading
    〈file〉 (followed by ： or a space) and the cell reference right after it."""
    text = re.sub(r"^〈[^〉]+〉(：|\s+)", "", text)
    if cell and text.startswith(cell):
        text = text[len(cell):].lstrip()
    return text


def check_owner(config_path: Path, folder: Path, region: str) -> None:
    """A region's account uploads only its own forms: refuse the whole upload otherwise."""
    from ..config import load_config
    from ..rounds import catalog_fingerprint, current_data
    from ..rounds.collect import read_return

    cfg = load_config(config_path)
    ds = current_data(cfg, lenient=True)
    fingerprint = catalog_fingerprint(ds.indicators)
    for path in sorted(folder.iterdir()):
        r = read_return(path, cfg, ds, fingerprint)
        if r.region and r.region != region:
            raise WebError(f"〈{path.name}〉是{r.region}的填报表。你的账号只能上传{region}的填报表，"
                           "本次上传的文件都没有合并。请选择本地区的填报表重新上传。")


def merge_forms(config_path: Path, folder: Path, keep_going: bool = False) -> FormsOutcome:
    """Collect the forms in `folder` (see rounds.collect); the outcome for the page."""
    from ..rounds.collect import MERGED, REFUSED, collect

    result = collect(config_path, folder, keep_going=keep_going)
    out = FormsOutcome(ok=result.ok, rows=_form_rows(result), text=result.text(),
                       written=result.written)
    for r in result.returns:
        if not r.region:
            continue
        if r.status == MERGED:
            out.merged.append(r.region)
        elif r.status == REFUSED:
            out.refused.setdefault(r.region, _strip_file(r.problems[0]))
        else:
            out.held.append(r.region)
    return out


def value_files(cfg) -> list[Path]:
    """The values files a user may replace by upload (the collected file is collect's own)."""
    return [Path(v.path) for v in cfg.values if cfg.collected is None or Path(v.path) != cfg.collected]


def _problem_rows(problems, shown_name: str, staged: str) -> list[ProblemRow]:
    rows = []
    for p in problems:
        loc = p.location
        file = (loc.file if loc else "").replace(staged, shown_name)
        where = "，".join(x for x in (f"工作表「{loc.sheet}」" if loc and loc.sheet else "",
                                      f"第{loc.row}行" if loc and loc.row is not None else "",
                                      f"「{loc.column}」列" if loc and loc.column else "") if x)
        text = p.message + (f"。处理建议：{p.hint}" if p.hint else "")
        if p.omitted:
            text += f"（同类问题另有 {p.omitted} 处）"
        rows.append(ProblemRow(file, where, text.replace(staged, shown_name),
                               "错误" if p.is_error else "警告"))
    return rows


def replace_values(config_path: Path, target: Path, staged: Path, shown_name: str,
                   history: Path) -> list[ProblemRow]:
    """Read the data set with `staged` in place of the values file `target`; when there is
    no error, keep the old file in `history` and put the upload in its place. Returns the
    problems (errors: nothing was replaced; warnings only: replaced)."""
    from ..config import load_config
    from ..data import load_dataset
    from ..model import ValueSource
    from ..output import atomic_write

    cfg = load_config(config_path)
    if target not in value_files(cfg):
        raise WebError("要替换的指标数据文件不在报告定义中，请刷新页面后重新选择。")
    if staged.suffix.lower() != target.suffix.lower():
        raise WebError(f"「{shown_name}」是 {staged.suffix} 文件，要替换的「{target.name}」是 "
                       f"{target.suffix} 文件。请上传同一格式的文件。")
    sources = [ValueSource(str(staged), v.sheets) if Path(v.path) == target else v for v in cfg.values]
    staged_shown = _display(staged, cfg.root)
    try:
        ds = load_dataset(cfg.catalog, cfg.regions, sources, cfg.data_options, display_root=cfg.root)
        rows = _problem_rows(ds.warnings, shown_name, staged_shown)
    except DataError as exc:
        rows = _problem_rows(exc.problems, shown_name, staged_shown) or [
            ProblemRow(shown_name, "", exc.message.replace(staged_shown, shown_name))]
        if any(r.severity == "错误" for r in rows):
            return rows
    history.mkdir(parents=True, exist_ok=True)
    if target.exists():
        stamp = dt.datetime.now().strftime("%Y%m%d-%H%M%S")
        shutil.copy2(target, history / f"{target.stem}.{stamp}.替换前{target.suffix}")
    atomic_write(target, staged.read_bytes())
    return rows


def _display(path: Path, root: Path) -> str:
    from ..data.tables import display_name

    return display_name(path, root)
