"""`reportgen forms`: one fill-in workbook per region, from the catalog and the current data.

Each form has four sheets:
- 填报: one row per numeric indicator, grouped by report part (SECTIONS); earlier years
  pre-filled and locked, the report year to fill (pre-filled with a value already in the data,
  so a correction round starts from the current figures), the region's own 规划目标 for
  indicators with a target, 数据来源 and 备注; derived indicators are shown, computed (a
  formula in the report year), never asked for. Every input cell has Excel data validation
  and an input message from the catalog; blank inputs are highlighted.
- 文字材料: the text indicators — names every region fills (战略定位名称 …) and the optional
  texts (特色做法 …), with the catalog's 说明 as guidance.
- 填报说明: how to fill and return the form.
- 表单信息 (veryHidden): region, year, catalog fingerprint, form version, generation time and
  the map of every input and locked cell, which `collect` reads.

Sheets are protected without a password (only input cells change); the workbook structure
is locked so sheets cannot be added, removed or unhidden by accident.
"""

from __future__ import annotations

import datetime as dt
import io
import json
import math
import os
import re
import zipfile
from dataclasses import dataclass, field
from pathlib import Path

from .. import fmt
from ..data.values import ceiling
from ..model import Combine, Dataset, Indicator, Kind
from . import (
    FORM_KIND,
    FORM_VERSION,
    GUIDE_SHEET,
    INPUT_SHEET,
    LOCKED,
    MAP_CHUNK,
    MAP_ROW,
    META_KEYS,
    META_SHEET,
    NOTE_COL,
    SOURCE_COL,
    TARGET_COL,
    TEXT_SHEET,
    catalog_fingerprint,
    current_data,
    form_filename,
    form_title,
    generated_time,
    map_fingerprint,
    shown_path,
    year_label,
)

# The parts of the report the 填报 sheet groups indicators by (in catalog order inside a
# part). An indicator of a catalog not listed here goes to 其他指标 at the end.
SECTIONS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("组织推进与顶层设计", (
        "joint_meeting_depts", "plan_issue_month", "plan_doc_seq", "plan_task_areas",
        "plan_key_tasks", "plan_quant_indicators", "plan_safeguards", "units_criticized",
        "skills_db_coverage", "coord_depts", "coord_meetings", "inspections", "inspected_units",
        "inspected_lower_share", "tracked_classes", "emerging_industry_share")),
    ("理论武装与能力提升", (
        "theory_course_share", "leader_lectures", "center_group_sessions",
        "center_group_attendees", "political_classes", "political_trainees", "theory_trainees",
        "party_spirit_trainees", "red_bases", "knowledge_trainees", "new_topic_classes",
        "backbone_selected", "professional_hours", "cadre_count", "per_capita_hours")),
    ("分类分级培训", (
        "sys_training_months", "sys_trained_leaders", "scarce_cadres_trained",
        "trainees_party_school", "trainees_online", "trainees_seminar", "trainees_practice",
        "leader_participation", "young_cadres_trained", "grassroots_trainees",
        "grassroots_hours", "grassroots_cadres", "grassroots_per_capita_hours", "soe_trainees")),
    ("师资、课程和教材", (
        "teacher_pool", "leader_teachers", "quality_courses", "local_textbooks", "local_cases",
        "leading_enterprises")),
    ("阵地建设与数字化", ("field_bases", "online_courses", "online_compliance",
                    "e_archive_coverage")),
    ("保障与管理", (
        "training_funds", "post_training_eval_share", "satisfaction", "class_inspections",
        "duplicate_classes_cut", "transfer_tracking_share", "transfer_results")),
    ("制度机制与下一步安排", (
        "duty_list_tasks", "reform_projects", "innovation_award_fund", "appraisal_weight",
        "model_cadres_publicized", "teachers_practice", "master_studios",
        "unit_appraisal_weight", "funding_growth_min", "interview_share", "transfer_months",
        "eval_months", "eval_years")),
)
OTHER_SECTION = "其他指标"
CN_NUMBERS = "一二三四五六七八九十"

# Colours: input cells light yellow, blank inputs orange, locked cells grey.
INPUT_FILL = "FFF2CC"
BLANK_FILL = "F8CBAD"
LOCKED_FILL = "EDEDED"
HEAD_FILL = "D9E1F2"
FONT = "宋体"


@dataclass
class FormsResult:
    folder: Path
    written: list[tuple[str, Path]] = field(default_factory=list)    # (region, path)
    unchanged: list[tuple[str, Path]] = field(default_factory=list)  # same bytes already there
    moved: list[Path] = field(default_factory=list)                   # older versions kept aside
    prefilled: dict[str, int] = field(default_factory=dict)           # region → report-year values

    def text(self) -> str:
        lines = [f"填报表已写入「{shown_path(self.folder)}」："]
        for region, path in self.written + self.unchanged:
            n = self.prefilled.get(region, 0)
            pre = f"，已预填{n}项本年度数据" if n else ""
            same = "（与上次相同，未改动）" if (region, path) in self.unchanged else ""
            lines.append(f"  {region}：{path.name}{pre}{same}")
        if self.moved:
            lines.append(f"原有的 {len(self.moved)} 份旧版填报表已移到「{shown_path(self.moved[0].parent)}」。")
        lines.append(f"共 {len(self.written) + len(self.unchanged)} 份。请把各地区的填报表发给对应地区，"
                     "收回后放进一个文件夹，运行 reportgen collect 文件夹。")
        return "\n".join(lines)


def sections(indicators: dict[str, Indicator]) -> list[tuple[str, list[Indicator]]]:
    """(title, indicators) for the 填报 sheet: numeric indicators by part, catalog order inside."""
    where = {code: i for i, (_, codes) in enumerate(SECTIONS) for code in codes}
    groups: dict[int, list[Indicator]] = {}
    for ind in indicators.values():
        if ind.numeric:
            groups.setdefault(where.get(ind.code, len(SECTIONS)), []).append(ind)
    titles = [t for t, _ in SECTIONS] + [OTHER_SECTION]
    return [(titles[i], groups[i]) for i in sorted(groups)]


def text_indicators(indicators: dict[str, Indicator]) -> list[Indicator]:
    """Text indicators for the 文字材料 sheet: those every region fills first, then optional ones."""
    texts = [i for i in indicators.values() if i.kind is Kind.TEXT]
    return [i for i in texts if not i.optional] + [i for i in texts if i.optional]


def write_forms(config_path: Path | str, regions: list[str] | None = None,
                out: Path | str | None = None) -> FormsResult:
    """Write the forms of the requested regions (default: the city and all its county-level
    units) into `out` (default: <output>/填报表/<year>/). All forms are made in memory first,
    then each is written atomically; a form with the same bytes is left alone, and a different
    older one is moved to <output>/.history/填报表/ rather than overwritten."""
    from ..build import select_regions
    from ..config import load_config
    from ..output import HISTORY, atomic_write

    cfg = load_config(config_path)
    ds = current_data(cfg)
    chosen = select_regions(ds, regions, all_regions=not regions)
    folder = Path(out) if out else cfg.output / "填报表" / str(cfg.year)
    if not folder.is_absolute():
        folder = Path.cwd() / folder
    made = [(r.name, folder / form_filename(cfg.year, cfg.plan.name, r.name), *build_form(cfg, ds, r.name))
            for r in chosen]
    result = FormsResult(folder)
    stamp = dt.datetime.now().strftime("%Y%m%d-%H%M%S")
    for region, path, data, prefilled in made:
        result.prefilled[region] = prefilled
        if path.exists() and path.read_bytes() == data:
            result.unchanged.append((region, path))
            continue
        if path.exists():
            keep = cfg.output / HISTORY / "填报表" / str(cfg.year)
            keep.mkdir(parents=True, exist_ok=True)
            target = keep / f"{path.stem}.旧版.{stamp}.xlsx"
            os.replace(path, target)
            result.moved.append(target)
        atomic_write(path, data)
        result.written.append((region, path))
    return result


def build_form(cfg, ds: Dataset, region_name: str) -> tuple[bytes, int]:
    """The form of one region as .xlsx bytes, and how many report-year values it pre-fills."""
    from openpyxl import Workbook
    from openpyxl.workbook.protection import WorkbookProtection

    region = ds.region(region_name)
    when = generated_time(cfg.date)
    wb = Workbook()
    form = _Form(cfg, ds, region)
    form.input_sheet(wb.active)
    form.text_sheet(wb.create_sheet(TEXT_SHEET))
    form.guide_sheet(wb.create_sheet(GUIDE_SHEET))
    form.meta_sheet(wb.create_sheet(META_SHEET), when)
    wb.active = 0
    wb.security = WorkbookProtection(lockStructure=True)
    wb.properties.creator = "reportgen"
    wb.properties.title = f"{cfg.year}年{form_title(cfg.plan.name)}实施情况填报表（{region.name}）"
    wb.properties.created = when
    wb.properties.modified = when
    buf = io.BytesIO()
    wb.save(buf)
    return _fixed_zip(buf.getvalue(), when), form.prefilled


class _Form:
    """Writes the sheets of one region's form and remembers every input and locked cell."""

    def __init__(self, cfg, ds: Dataset, region) -> None:
        self.cfg, self.ds, self.region = cfg, ds, region
        self.year = cfg.year
        self.earlier = list(range(cfg.plan.start, cfg.year))
        self.entries: list[tuple] = []     # (sheet, cell, code, column, original) — the cell map
        self.prefilled = 0

    # --- styles ---------------------------------------------------------------------------

    _STYLE_CACHE: dict = {}

    @staticmethod
    def _styles():
        """The style parts, made once (openpyxl style objects are slow to create)."""
        if not _Form._STYLE_CACHE:
            from openpyxl.styles import Alignment, Border, Font, PatternFill, Protection, Side

            thin = Side(style="thin", color="999999")
            _Form._STYLE_CACHE.update({
                "border": Border(left=thin, right=thin, top=thin, bottom=thin),
                "font": Font(name=FONT, size=11),
                "bold": Font(name=FONT, size=11, bold=True),
                "title": Font(name="黑体", size=16, bold=True),
                "grey": Font(name=FONT, size=9, color="808080"),
                "wrap": Alignment(wrap_text=True, vertical="center"),
                "center": Alignment(horizontal="center", vertical="center", wrap_text=True),
                "input": PatternFill("solid", fgColor=INPUT_FILL),
                "locked": PatternFill("solid", fgColor=LOCKED_FILL),
                "head": PatternFill("solid", fgColor=HEAD_FILL),
                "open": Protection(locked=False),
                "closed": Protection(locked=True),
            })
        return _Form._STYLE_CACHE

    def _named(self, ws, style: str, fill: str | None, align: str, open_: bool) -> str:
        """A named style of the workbook for this combination (one assignment per cell)."""
        from openpyxl.styles import NamedStyle

        name = f"rg-{style}-{fill}-{align}-{'open' if open_ else 'locked'}"
        wb = ws.parent
        if name not in wb.named_styles:
            s = self._styles()
            ns = NamedStyle(name=name, font=s[style], border=s["border"], alignment=s[align],
                            protection=s["open" if open_ else "closed"])
            if fill:
                ns.fill = s[fill]
            wb.add_named_style(ns)
        return name

    def _cell(self, ws, row, col, value, *, style="font", fill=None, align="wrap", fmt=None,
              open_=False):
        c = ws.cell(row=row, column=col, value=value)
        c.style = self._named(ws, style, fill, align, open_)
        if fmt:
            c.number_format = fmt
        return c

    def _input(self, ws, row, col, value, code, column, fmt=None):
        c = self._cell(ws, row, col, value, fill="input", fmt=fmt, open_=True)
        self.entries.append((ws.title, c.coordinate, code, column, None))
        return c

    def _locked(self, ws, row, col, value, code, fmt=None, style="font", align="wrap", year=""):
        c = self._cell(ws, row, col, value, fill="locked", fmt=fmt, style=style, align=align)
        self.entries.append((ws.title, c.coordinate, code, f"{LOCKED} {year}".strip(), value))
        return c

    def _finish(self, ws) -> None:
        """Printed on A4 landscape, one page wide, then protected."""
        ws.page_setup.orientation = "landscape"
        ws.page_setup.paperSize = ws.PAPERSIZE_A4
        ws.page_setup.fitToWidth = 1
        ws.page_setup.fitToHeight = 0
        ws.sheet_properties.pageSetUpPr.fitToPage = True
        self._protect(ws)

    @staticmethod
    def _protect(ws) -> None:
        ws.protection.sheet = True
        ws.protection.formatColumns = False   # widths and heights may change
        ws.protection.formatRows = False
        ws.protection.selectLockedCells = False
        ws.protection.selectUnlockedCells = False

    def _title(self, ws, text: str, hint: str, last_col: int) -> None:
        ws.merge_cells(start_row=1, start_column=1, end_row=1, end_column=last_col)
        c = ws.cell(row=1, column=1, value=text)
        c.font = self._styles()["title"]
        c.alignment = self._styles()["center"]
        ws.row_dimensions[1].height = 30
        ws.merge_cells(start_row=2, start_column=1, end_row=2, end_column=last_col)
        c = ws.cell(row=2, column=1, value=hint)
        c.font = self._styles()["font"]
        c.alignment = self._styles()["wrap"]
        ws.row_dimensions[2].height = 48

    # --- 填报 --------------------------------------------------------------------------------

    def input_sheet(self, ws) -> None:
        from openpyxl.formatting.rule import FormulaRule
        from openpyxl.styles import PatternFill
        from openpyxl.utils import get_column_letter

        ws.title = INPUT_SHEET
        r = self.region
        years = [year_label(y) for y in self.earlier]
        head = ["序号", "指标", "单位", "口径说明", *years, year_label(self.year),
                TARGET_COL, SOURCE_COL, NOTE_COL, "指标代码"]
        col = {name: i + 1 for i, name in enumerate(head)}
        ycol = col[year_label(self.year)]
        self._title(ws, f"{self.year}年{form_title(self.cfg.plan.name)}实施情况填报表（{r.name}）",
                    f"填报单位：{r.name}。黄色格为需要填写的内容，橙色表示尚未填写；灰色格为往年数据和指标信息，"
                    f"已锁定。数值只填阿拉伯数字，不带单位；百分比填百分数（56.5% 填 56.5）。"
                    f"详见「{GUIDE_SHEET}」工作表。", len(head))
        for i, name in enumerate(head, 1):
            self._cell(ws, 3, i, name, style="bold", fill="head", align="center")
        widths = [6, 30, 8, 34, *[11] * len(years), 12, 11, 16, 20, 26]
        for i, w in enumerate(widths, 1):
            ws.column_dimensions[get_column_letter(i)].width = w
        ws.freeze_panes = "C4"

        row, seq = 4, 0
        rows_of: dict[str, int] = {}
        blanks: list[int] = []
        derived: list[tuple[int, Indicator]] = []
        for n, (title, inds) in enumerate(sections(self.ds.indicators)):
            ws.merge_cells(start_row=row, start_column=1, end_row=row, end_column=len(head))
            self._cell(ws, row, 1, f"{CN_NUMBERS[n] if n < 10 else n + 1}、{title}", style="bold",
                       fill="head")
            row += 1
            for ind in inds:
                seq += 1
                rows_of[ind.code] = row
                self._indicator_row(ws, row, seq, ind, col, ycol, derived, blanks)
                row += 1
        for drow, ind in derived:  # formulas once every row is known
            num, den = (rows_of.get(c) if c is not None else None
                        for c in (ind.numerator, ind.denominator))
            letter = get_column_letter(ycol)
            value = None
            if num and den:
                a, b = f"{letter}{num}", f"{letter}{den}"
                value = (f'=IF(AND(ISNUMBER({a}),ISNUMBER({b}),{b}<>0),'
                         f'ROUND({a}/{b},{ind.decimals}),"")')
            self._locked(ws, drow, ycol, value, ind.code, fmt=_number_format(ind),
                         year=year_label(self.year))
        fill = PatternFill("solid", fgColor=BLANK_FILL, bgColor=BLANK_FILL)
        for first, last in _runs(blanks):
            ref = f"{get_column_letter(ycol)}{first}:{get_column_letter(ycol)}{last}"
            ws.conditional_formatting.add(ref, FormulaRule(
                formula=[f"LEN(TRIM({get_column_letter(ycol)}{first}))=0"], fill=fill))
        ws.print_title_rows = "3:3"
        self._finish(ws)

    def _indicator_row(self, ws, row, seq, ind: Indicator, col, ycol, derived, blanks) -> None:
        r, fmt = self.region.name, _number_format(ind)
        self._locked(ws, row, col["序号"], seq, ind.code, align="center")
        self._locked(ws, row, col["指标"], ind.name, ind.code)
        self._locked(ws, row, col["单位"], ind.unit, ind.code, align="center")
        note = ind.note + ("（由公式计算，不需要填写）" if ind.derived else "")
        self._cell(ws, row, col["口径说明"], note, fill="locked", style="grey")
        for y in self.earlier:
            self._locked(ws, row, col[year_label(y)], self._value(ind, y), ind.code, fmt=fmt,
                         year=year_label(y))
        self._locked(ws, row, col["指标代码"], ind.code, ind.code, style="grey")
        lines = max(math.ceil(len(ind.name) / 14), math.ceil(len(note) / 20), 1)
        if lines > 1:
            ws.row_dimensions[row].height = 14.5 * lines
        if ind.derived:
            derived.append((row, ind))
            for name in (TARGET_COL, SOURCE_COL, NOTE_COL):
                self._cell(ws, row, col[name], None, fill="locked")
            return
        current = self._value(ind, self.year)
        if current is not None:
            self.prefilled += 1
        cell = self._input(ws, row, ycol, current, ind.code, year_label(self.year))
        _validate(ws, cell.coordinate, ind, self._prompt(ind), year_label(self.year))
        if not ind.optional:
            blanks.append(row)
        if ind.target_type is not None:
            own = self.ds.targets.get((r, ind.code))
            t = self._input(ws, row, col[TARGET_COL], own, ind.code, TARGET_COL)
            default = f"留空则使用指标目录中的目标 {_show(ind.target)}{_unit(ind)}。" \
                if ind.target is not None else "留空表示不设目标。"
            _validate(ws, t.coordinate, ind, f"本地区自行设定的规划目标（{ind.target_type.value}）。{default}",
                      TARGET_COL)
        else:
            self._cell(ws, row, col[TARGET_COL], None, fill="locked")
        src = self.ds.values.get((r, self.year, ind.code))
        self._input(ws, row, col[SOURCE_COL], src.source or None if src else None, ind.code,
                    SOURCE_COL)
        self._input(ws, row, col[NOTE_COL], None, ind.code, NOTE_COL)

    def _value(self, ind: Indicator, year: int):
        """The region's value in a year; a derived one computed from its inputs."""
        num_code, den_code = ind.numerator, ind.denominator
        if num_code is not None and den_code is not None:  # derived (the catalog requires both)
            num = self.ds.get(self.region.name, num_code, year)
            den = self.ds.get(self.region.name, den_code, year)
            if isinstance(num, (int, float)) and isinstance(den, (int, float)) and den:
                return round(float(num) / float(den), ind.decimals)
            return None
        v = self.ds.get(self.region.name, ind.code, year)
        if isinstance(v, float) and v.is_integer() and ind.kind is Kind.COUNT:
            return int(v)
        return v

    def _prompt(self, ind: Indicator) -> str:
        unit = f"单位：{ind.unit}。" if ind.unit and ind.unit != "%" else ""
        what = {Kind.COUNT: "请填写不小于 0 的整数。", Kind.PERCENT: "请填写 0～100 的百分数，56.5% 填 56.5。",
                Kind.AMOUNT: "请填写不小于 0 的数，可带小数。", Kind.DURATION: "请填写不小于 0 的数，可带小数。"}
        text = unit + what.get(ind.kind, "")
        if ind.note:
            text += f"口径：{ind.note}。"
        if self.region.is_city and ind.combine is Combine.SUM and self.ds.children(self.region.name):
            text += "全市数应等于各县（市、区）之和。"
        if ind.optional:
            text += "选填。"
        return text

    # --- 文字材料 ------------------------------------------------------------------------------

    def text_sheet(self, ws) -> None:
        from openpyxl.formatting.rule import FormulaRule
        from openpyxl.styles import PatternFill
        from openpyxl.utils import get_column_letter

        prev = self.year - 1
        head = ["序号", "项目", "必填/选填", "填写要求", f"{year_label(prev)}（参考）",
                year_label(self.year), "指标代码"]
        self._title(ws, f"{self.year}年文字材料（{self.region.name}）",
                    "必填项请如实填写；选填项（本地区的特色做法、经验启示等）可以不填，不填时报告使用通用表述。"
                    "文字材料中不写数字，数字一律在「填报」工作表中填写。", len(head))
        for i, name in enumerate(head, 1):
            self._cell(ws, 3, i, name, style="bold", fill="head", align="center")
        for i, w in enumerate([6, 22, 9, 40, 24, 70, 18], 1):
            ws.column_dimensions[get_column_letter(i)].width = w
        ws.freeze_panes = "C4"
        fill = PatternFill("solid", fgColor=BLANK_FILL, bgColor=BLANK_FILL)
        from openpyxl.worksheet.datavalidation import DataValidation

        for n, ind in enumerate(text_indicators(self.ds.indicators), 1):
            row = 3 + n
            self._locked(ws, row, 1, n, ind.code, align="center")
            self._locked(ws, row, 2, ind.name, ind.code)
            self._cell(ws, row, 3, "选填" if ind.optional else "必填", fill="locked", align="center")
            self._cell(ws, row, 4, ind.note, fill="locked", style="grey")
            self._locked(ws, row, 5, self._value(ind, prev) if prev >= self.cfg.plan.start else None,
                         ind.code, year=year_label(prev))
            current = self._value(ind, self.year)
            if current is not None:
                self.prefilled += 1
            c = self._input(ws, row, 6, current, ind.code, year_label(self.year))
            dv = DataValidation(type="textLength", operator="lessThanOrEqual", formula1="2000",
                                allow_blank=True, showInputMessage=True, showErrorMessage=True)
            dv.promptTitle = _clip(ind.name, 32)
            dv.prompt = _clip(("选填。" if ind.optional else "必填。") + (ind.note or ""), 255)
            dv.errorTitle = "文字过长"
            dv.error = "每项文字材料不超过 2000 字，请精简后重新输入。"
            ws.add_data_validation(dv)
            dv.add(c.coordinate)
            self._locked(ws, row, 7, ind.code, ind.code, style="grey")
            ws.row_dimensions[row].height = 90 if ind.optional else 30
            if not ind.optional:
                ws.conditional_formatting.add(c.coordinate, FormulaRule(
                    formula=[f"LEN(TRIM({c.coordinate}))=0"], fill=fill))
        self._finish(ws)

    # --- 填报说明 and 表单信息 ------------------------------------------------------------------

    def guide_sheet(self, ws) -> None:
        r, y = self.region.name, self.year
        lines = [
            f"{y}年{form_title(self.cfg.plan.name)}实施情况填报说明（{r}）",
            "",
            f"1. 本表用于填报{r}{y}年的规划实施情况数据。请填好后把本文件原样发回；文件名可以改，"
            "但请保存为 Excel 工作簿（.xlsx），不要另存为 .xls、.csv 或 WPS 格式。",
            f"2. 「{INPUT_SHEET}」工作表：黄色格为需要填写的内容，尚未填写的格显示为橙色；"
            "灰色格为往年数据和指标信息，已锁定，不能修改。往年数据如有错误，请在「备注」中写明正确的数值。",
            "3. 数值只填阿拉伯数字，不带单位（单位见「单位」列）；计数类指标填整数；百分比填百分数，"
            "如 56.5% 填 56.5。没有的数据请留空，不要填 0 或“无”；留空的项目在报告初稿中显示为【待补】。",
            "4. 把鼠标移到填写格上会显示该指标的单位和口径；填写的数值不符合要求时 Excel 会提示重新输入。",
            "5. 人均学时等由其他指标计算得出的指标不需要填写，表中用公式自动计算。",
            f"6. 「{TARGET_COL}」：只在本地区另行设定了规划目标时填写；留空则使用指标目录中的目标。",
            f"7. 「{TEXT_SHEET}」工作表：必填项（如战略定位名称）请如实填写；选填项是本地区的特色做法、"
            "经验启示、突出问题和改进举措，写法见「填写要求」，不写数字，不填时报告使用通用表述。",
            f"8. 本表已预填下发时已有的{y}年数据（如有）。如为更正数据，请在预填的基础上修改后发回，"
            "收回后以最新发回的一份为准。",
            "9. 各工作表已设保护（没有密码），只为防止误改表格结构。请不要撤销保护，不要插入、删除或移动行列，"
            "不要修改灰色格；否则回收时无法识别，需要重新填报。",
            "10. 本表含有隐藏的表单信息（地区、年度、版本），回收时用来自动识别，请勿删除或复制到别的文件中。",
        ]
        ws.column_dimensions["A"].width = 110
        for i, line in enumerate(lines, 1):
            c = ws.cell(row=i, column=1, value=line or None)
            c.font = self._styles()["title" if i == 1 else "font"]
            c.alignment = self._styles()["wrap"]
        self._protect(ws)

    def meta_sheet(self, ws, when: dt.datetime) -> None:
        ws.sheet_state = "veryHidden"
        values = (FORM_KIND, FORM_VERSION, self.region.name, self.year,
                  catalog_fingerprint(self.ds.indicators), map_fingerprint(self.entries),
                  when.strftime("%Y-%m-%d %H:%M:%S"))
        for i, (key, value) in enumerate(zip(META_KEYS, values, strict=True), 1):
            ws.cell(row=i, column=1, value=key)
            ws.cell(row=i, column=2, value=value)
        body = json.dumps([list(e) for e in self.entries], ensure_ascii=False)
        ws.cell(row=MAP_ROW - 1, column=1, value="单元格清单（JSON，分段）")
        for n, start in enumerate(range(0, len(body), MAP_CHUNK)):
            ws.cell(row=MAP_ROW + n, column=1, value=body[start:start + MAP_CHUNK])
        self._protect(ws)


def _validate(ws, coordinate: str, ind: Indicator, prompt: str, column: str) -> None:
    """Excel data validation for a numeric input cell, from the indicator's kind."""
    from openpyxl.worksheet.datavalidation import DataValidation

    unit = _unit(ind)
    top = ceiling(ind)  # the data check's own bound: a form never accepts what check refuses
    top_text = fmt.number(top, 6)  # plain digits, no exponent: Excel and readers both take it
    if ind.kind is Kind.COUNT:
        dv = DataValidation(type="whole", operator="between", formula1="0", formula2=top_text)
        error = (f"「{ind.name}」应为 0～{top_text} 之间的整数{unit and f'（单位：{unit}）'}，"
                 "请重新输入。")
    elif ind.kind is Kind.PERCENT:
        dv = DataValidation(type="decimal", operator="between", formula1="0",
                            formula2=fmt.number(min(top, 100), 6))
        error = f"「{ind.name}」是百分比，应为 0～{fmt.number(min(top, 100), 6)} 之间的数（56.5% 填 56.5），请重新输入。"
    else:
        dv = DataValidation(type="decimal", operator="between", formula1="0", formula2=top_text)
        error = (f"「{ind.name}」应为 0～{top_text} 之间的数{unit and f'（单位：{unit}）'}，"
                 "请重新输入。")
    dv.allow_blank = True
    dv.showInputMessage = True
    dv.showErrorMessage = True
    dv.promptTitle = _clip(f"{column} {ind.name}", 32)
    dv.prompt = _clip(prompt, 255)
    dv.errorTitle = "数值不符合要求"
    dv.error = _clip(error, 255)
    ws.add_data_validation(dv)
    dv.add(coordinate)


def _number_format(ind: Indicator) -> str:
    return "0" if ind.decimals == 0 else "0." + "0" * ind.decimals


def _unit(ind: Indicator) -> str:
    return "" if ind.unit in ("", "%") else ind.unit


def _show(value) -> str:
    from ..data.numeric import show

    return show(float(value))


def _clip(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _runs(rows: list[int]) -> list[tuple[int, int]]:
    """Consecutive row numbers as (first, last) runs: 4,5,6,8 → (4,6),(8,8)."""
    out: list[tuple[int, int]] = []
    for r in rows:
        if out and out[-1][1] == r - 1:
            out[-1] = (out[-1][0], r)
        else:
            out.append((r, r))
    return out


def _fixed_zip(data: bytes, when: dt.datetime) -> bytes:
    """The workbook with every part dated `when` (openpyxl stamps the time of saving), so the
    same inputs give the same bytes."""
    stamp = when.strftime("%Y-%m-%dT%H:%M:%SZ").encode()
    src = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z:
        for info in src.infolist():
            part = src.read(info)
            if info.filename == "docProps/core.xml":
                part = re.sub(rb"(<dcterms:(?:modified|created)[^>]*>)[^<]*", rb"\g<1>" + stamp, part)
            fixed = zipfile.ZipInfo(info.filename, date_time=when.timetuple()[:6])
            fixed.compress_type = zipfile.ZIP_DEFLATED
            z.writestr(fixed, part)
    return out.getvalue()
