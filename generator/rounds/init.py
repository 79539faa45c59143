"""`reportgen init`: a new city's folder, ready to be completed and checked.

The folder gets report.yaml (city, year, signature, data files, with comments), the regions
table with the city's row, a copy of the bundled indicator catalog and an empty values
workbook; with `templates` also a copy of the bundled templates. Everything is written into
a temporary folder first and moved into place only when complete, and no existing file is
ever replaced: an existing report.yaml (or any file init would write) refuses the command.
"""

from __future__ import annotations

import datetime as dt
import os
import re
import shutil
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

from ..config import DEFAULT_ORGAN
from ..errors import ConfigError, OutputError
from ..model import Indicator, TargetType

# The plan every city of this tool assesses (report.yaml's plan: can be changed afterwards).
PLAN_NAME, PLAN_START, PLAN_END = "干部教育培训规划（2023－2027年）", 2023, 2027
CONFIG = "report.yaml"
REGIONS = "data/地区.csv"
CATALOG = "data/指标目录.csv"
VALUES = "data/指标数据.xlsx"
VALUES_SHEET = "指标数据"
COLLECTED = "data/填报汇总.csv"  # written by `reportgen collect`, not by init
TEMPLATES = "templates"
REGION_COLUMNS = ("地区名称", "层级", "上级", "简称", "全称", "署名")
VALUE_COLUMNS = ("地区", "年度", "指标代码", "数值", "来源", "备注")


@dataclass
class Created:
    """What init wrote, for the CLI to print."""

    folder: Path
    city: str
    year: int
    files: list[str]                 # relative paths, in the order they are listed
    organ: str                       # the signature pattern written into report.yaml
    city_organ: str = ""             # a literal signature written into the regions table
    date_placeholder: bool = True    # the 成文日期 is a placeholder to be replaced
    needs: list[str] = field(default_factory=list)

    def report(self, config_arg: str) -> str:
        """The lines init prints: files created, then the next steps (`config_arg` is the
        -c argument to show in commands)."""
        what = {
            CONFIG: "报告定义：市名、报告年度、署名、数据文件（每项都有注释）",
            REGIONS: f"地区表：已填{self.city}一行，请补上各县（市、区）",
            CATALOG: "指标目录：reportgen 自带目录的副本",
            VALUES: "指标数据：空表，只有列名",
            TEMPLATES + "/": "报告正文模板：reportgen 自带模板的副本，可以修改",
        }
        from ..data import display_width

        width = max(display_width(f) for f in self.files) + 2
        lines = [f"已创建「{self.folder}」：",
                 *(f"  {f}{' ' * (width - display_width(f))}{what[f]}" for f in self.files)]
        if TEMPLATES + "/" not in self.files:
            lines.append("报告正文使用 reportgen 自带的模板；如需修改模板，可另建文件夹时加 --templates。")
        lines += ["", "各级报告需要的指标：", *(f"  {n}" for n in self.needs), "", "下一步："]
        steps = [
            f"在 {REGIONS} 中为每个县（市、区）加一行，例如「青石县,县,{self.city},青石」："
            "层级填 区、县、县级市 或 开发区，上级填本市名称，简称可空。",
            f"把本市的规划目标填入 {CATALOG} 的「规划目标」列（现在是示例临江市的目标），"
            f"各县（市、区）的分解目标由各地在填报表的「规划目标」列填写，或在 {VALUES} 中逐行填写（年度填「规划目标」）。",
        ]
        if self.year > PLAN_START:
            steps.append(f"把往年（{PLAN_START}～{self.year - 1}年）的数据逐行填入 {VALUES}"
                         "（地区、年度、指标代码、数值）：填报表中的往年数据是锁定的，只从这里预填。")
        if self.date_placeholder:
            steps.append(f"定稿前把 {CONFIG} 中的成文日期 date（暂定 {self.year}-12-31）改为实际日期，"
                         "并按需要填写数据截至年月 as_of。")
        steps += [
            f"收集本年度数据：reportgen forms -c {config_arg} 为每个地区生成填报表，"
            f"收回后放进一个文件夹，reportgen collect 回收文件夹 -c {config_arg} 合并"
            f"（写入 {COLLECTED}）；也可以直接在 {VALUES} 中逐行填写。",
            f"检查：reportgen check -c {config_arg}，按提示补齐数据。",
            f"生成：reportgen build --all -c {config_arg}",
        ]
        lines += [f"  {i}. {s}" for i, s in enumerate(steps, 1)]
        if self.city_organ:
            lines.append(f"署名：「{self.city_organ}」已写在地区表{self.city}一行的「署名」列；"
                         f"各县（市、区）的署名按 {CONFIG} 的 organ「{self.organ}」生成。")
        else:
            lines.append(f"署名：{self.organ.format(region=self.city)}；各县（市、区）按 {CONFIG} 的 "
                         f"organ「{self.organ}」生成（{{region}} 为地区全称），可在地区表的「署名」列另写。")
        return "\n".join(lines)


def create_city(folder: Path | str, city: str | None, year: str | int | None, *,
                organ: str | None = None, date: str | None = None, as_of: str | None = None,
                templates: bool = False) -> Created:
    """Create the folder of a new city; raises ConfigError for bad options and OutputError
    when a file would be replaced. Nothing is left behind when it fails."""
    from ..defaults import bundled_catalog, bundled_templates

    folder = Path(folder).expanduser()
    city, year_n, organ_pattern, city_organ, day, month = _options(city, year, organ, date, as_of)
    files = [CONFIG, REGIONS, CATALOG, VALUES] + ([TEMPLATES + "/"] if templates else [])
    _refuse_existing(folder, files)
    catalog_src = bundled_catalog()
    templates_src = bundled_templates() if templates else None

    parent = folder if folder.is_dir() else folder.parent
    try:
        temp = Path(tempfile.mkdtemp(prefix=".reportgen-init-", dir=parent))
    except OSError as exc:
        raise OutputError(f"无法在「{parent}」中创建文件（{exc.strerror}）。"
                          "请检查文件夹是否可写，或换一个位置。") from None
    try:
        os.chmod(temp, 0o777 & ~_umask())  # mkdtemp makes it private; the city folder is not
        (temp / "data").mkdir()
        (temp / CONFIG).write_text(config_text(city, year_n, organ_pattern, day, month,
                                               templates), encoding="utf-8")
        _write_regions(temp / REGIONS, city, city_organ)
        shutil.copyfile(catalog_src, temp / CATALOG)
        _write_values(temp / VALUES)
        if templates_src is not None:
            shutil.copytree(templates_src, temp / TEMPLATES)
        _validate(temp)
        _move_into_place(temp, folder, files)
    except OSError as exc:
        raise OutputError(f"写入「{folder}」时出错（{exc.strerror or exc}），未创建任何文件。"
                          "请检查磁盘空间和文件夹权限后重试。") from None
    finally:
        shutil.rmtree(temp, ignore_errors=True)
    return Created(folder.resolve(), city, year_n, files, organ_pattern, city_organ,
                   date_placeholder=day is None, needs=indicator_needs(_catalog(folder / CATALOG)))


def _options(city, year, organ, date, as_of):
    """Validated options: (city, year, organ pattern, city's literal signature, date, as_of)."""
    from ..data.regions import name_problem

    missing = [opt for opt, v in (("--city 市名称", city), ("--year 报告年度", year))
               if v is None or str(v).strip() == ""]
    if missing:
        raise ConfigError(f"缺少 {'、'.join(missing)}。没有终端可以询问时，请在命令中写出，例如："
                          "reportgen init 某市 --city 某市 --year 2025")
    city = str(city).strip()
    problems = []
    problem = name_problem(city, "市名称")
    if problem:
        problems.append(f"--city：{problem}；名称会用在文件名里，请去掉空格和 / \\ : * ? \" < > | 等符号")
    text = str(year).strip()
    year_n = int(text) if re.fullmatch(r"\d{4}", text) else None
    if year_n is None or not PLAN_START <= year_n <= PLAN_END:
        year_n = None
        problems.append(f"--year：报告年度应为 {PLAN_START}～{PLAN_END} 之间的四位年份"
                        f"（《{PLAN_NAME}》的规划期），现在是「{text}」")
    day = _date_option(date, problems)
    month = None
    if as_of:
        m = re.fullmatch(r"(\d{4})[-/.年](\d{1,2})月?", as_of.strip())
        if not m or not 1 <= int(m.group(2)) <= 12:
            problems.append(f"--as-of：数据截至年月「{as_of}」无法识别，请写成 {year_n or 2025}-11 的形式")
        elif year_n and int(m.group(1)) < year_n:
            problems.append(f"--as-of：数据截至年月早于报告年度 {year_n} 年，请写报告年度内的年月")
        else:
            month = f"{int(m.group(1))}-{int(m.group(2)):02d}"
    organ_pattern, city_organ = DEFAULT_ORGAN, ""
    if organ and organ.strip():
        organ = organ.strip()
        if any(ch.isspace() for ch in organ):
            problems.append(f"--organ：署名「{organ}」中间有空格，请去掉")
        elif "{region}" in organ:
            organ_pattern = organ
        elif city in organ:  # 中共某市委组织部 → 中共{region}委组织部, so counties sign alike
            organ_pattern = organ.replace(city, "{region}")
        else:  # a signature without the city's name is the city's alone
            city_organ = organ
    if problems:
        raise ConfigError("init 的选项有误，请改正后重试：\n" + "\n".join(f"  - {p}" for p in problems))
    return city, year_n, organ_pattern, city_organ, day, month


def _date_option(date: str | None, problems: list[str]) -> dt.date | None:
    if not date or not date.strip():
        return None
    text = date.strip()
    if text in ("今天", "today"):
        return dt.date.today()
    m = re.fullmatch(r"(\d{4})[-/.年](\d{1,2})[-/.月](\d{1,2})日?", text)
    if m:
        try:
            return dt.date(int(m.group(1)), int(m.group(2)), int(m.group(3)))
        except ValueError:
            pass
    problems.append(f"--date：成文日期「{text}」无法识别，请写成 2025-12-20 的形式，或写「今天」")
    return None


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


def _refuse_existing(folder: Path, files: list[str]) -> None:
    if folder.exists() and not folder.is_dir():
        raise OutputError(f"「{folder}」已经是一个文件，不是文件夹。请换一个文件夹名称。")
    if not folder.exists() and not folder.parent.is_dir():
        raise OutputError(f"上一级文件夹「{folder.parent}」不存在。请先创建它，或换一个位置。")
    if (folder / CONFIG).exists():
        raise OutputError(f"「{folder / CONFIG}」已经存在，init 不会覆盖已有的报告定义。"
                          "如要重新创建，请换一个文件夹，或先把原来的 report.yaml 改名或移走。")
    existing = [f.rstrip("/") for f in files if (folder / f.rstrip("/")).exists()]
    if existing:
        raise OutputError(f"「{folder}」中已有 {'、'.join(existing)}，init 不会覆盖已有的文件。"
                          "请换一个空文件夹，或先把这些文件改名或移走。")


def _move_into_place(temp: Path, folder: Path, files: list[str]) -> None:
    """A new folder is one rename; into an existing folder each file moves, and a failure
    midway takes back what was moved."""
    if not folder.exists():
        os.rename(temp, folder)
        return
    moved: list[Path] = []
    made_data = not (folder / "data").exists()
    try:
        if made_data:
            (folder / "data").mkdir()
        for name in files:
            src, dst = temp / name.rstrip("/"), folder / name.rstrip("/")
            if dst.exists():  # appeared since the first look
                raise FileExistsError(0, f"{dst} 已存在")
            os.rename(src, dst)
            moved.append(dst)
    except OSError:
        for dst in reversed(moved):
            shutil.rmtree(dst) if dst.is_dir() else dst.unlink()
        if made_data:
            shutil.rmtree(folder / "data", ignore_errors=True)
        raise


def _validate(temp: Path) -> None:
    """What init wrote must load as a report definition (a broken one is a bug here)."""
    from ..config import load_config

    load_config(temp / CONFIG)


def _catalog(path: Path) -> dict[str, Indicator]:
    from ..data.catalog import load_catalog
    from ..data.tables import read_sheets

    sheets, _ = read_sheets(path, path.name, first_only=True)
    catalog, _ = load_catalog(sheets[0], path.name) if sheets else (None, [])
    return catalog.indicators if catalog is not None else {}


def indicator_needs(indicators: dict[str, Indicator]) -> list[str]:
    """Lines saying which indicators the city's and the counties' reports use and who sets
    which targets. Every level's report uses the whole catalog (the templates are the same,
    only the wording changes), so the difference between levels is in the targets."""
    derived = [i for i in indicators.values() if i.derived]
    optional = [i for i in indicators.values() if i.optional and not i.derived]
    inputs = {c for i in derived for c in (i.numerator, i.denominator)}
    required = [i for i in indicators.values() if not i.derived and not i.optional]
    cumulative = [i for i in indicators.values() if i.target_type is TargetType.CUMULATIVE
                  and i.target is not None]
    annual = [i for i in indicators.values() if i.target_type is TargetType.ANNUAL
              and i.target is not None]

    def names(items):
        return "、".join(i.name for i in items)

    lines = [f"市本级和各县（市、区）的报告使用同一套指标：每个地区每年应填 {len(required)} 个"
             f"（含计算人均数用的 {names(i for i in required if i.code in inputs)}）"]
    if optional:
        lines.append(f"选填 {len(optional)} 个（各部分的特色做法等文字材料），不填时使用通用表述")
    if derived:
        lines.append(f"{names(derived)} 由程序计算，不必填写")
    if cumulative:
        lines.append(f"累计目标 {len(cumulative)} 个（{names(cumulative)}）：目录中的是全市五年目标，"
                     "各县（市、区）须填写自己的分解目标（填报表的「规划目标」列，或指标数据中年度为「规划目标」的行），"
                     "否则按全市目标计算进度")
    if annual:
        lines.append(f"年度目标 {len(annual)} 个（{names(annual)}）：各地区相同，"
                     "个别地区不同时在指标数据中另填")
    return lines


def config_text(city: str, year: int, organ: str, date: dt.date | None, as_of: str | None,
                templates: bool) -> str:
    """report.yaml for a new city, commented like the sample's."""
    date_line = (f"date: {date.isoformat()}        # 成文日期" if date else
                 f"date: {year}-12-31        # 成文日期：暂定为报告年度的最后一天，定稿前请改为实际日期")
    as_of_line = (f"as_of: {as_of}          # 数据截至年月" if as_of else
                  f"# as_of: {year}-11       # 数据截至年月（可选）：不写时时序进度算到报告年度年底")
    templates_line = ("templates: templates   # 报告正文模板：本文件夹中的副本，可以修改" if templates else
                      "# templates: templates  # 报告正文模板（可选）：不写时使用 reportgen 自带的模板；\n"
                      "#                       # 要修改模板，可用 reportgen init 新文件夹 --templates 取得一份副本")
    return f"""# 报告定义：{city}。相对路径以本文件所在文件夹为准。由 reportgen init 生成，可以直接修改。
# {{region}} 代表地区名称；{{plan}} 代表规划名称。署名 organ 中的 {{region}} 是地区全称（地区表的「全称」列，
# 缺省时区带市名：中共{city}某某区委组织部）；开发区的署名见下面 terms 的说明。
title: "{{region}}贯彻落实《{{plan}}》实施情况评估报告"
organ: "{organ}"
year: {year}              # 报告年度
{date_line}
{as_of_line}
# time_progress: 按月    # 时序进度（可选）：按月（默认）从规划起始年1月算到数据截至年月，
#                        # 按年 则把报告年度算满
plan:
  name: {PLAN_NAME}
  start: {PLAN_START}
  end: {PLAN_END}
data:
  catalog: {CATALOG}     # 指标目录：「规划目标」列现为示例临江市的目标，请改为本市规划中的数值
  regions: {REGIONS}       # 地区表：本市一行，各县（市、区）各一行
  values:
    - path: {VALUES}   # 指标数据：一行一个数值（地区、年度、指标代码、数值）
      sheets: [{VALUES_SHEET}]
  collected: {COLLECTED}   # reportgen collect 把收回的填报表合并到这个文件（自动读取，请勿手工修改）
{templates_line}
output:
  folder: output
  # 可用：{{year}} 报告年度、{{city}} 市名、{{county}} 县（市、区）名（市本级为空）、{{region}} 地区名
  filename: "{{year}}/{{city}}{{county}}干部教育培训规划实施情况评估报告.docx"
validation:
  sum_tolerance: 0.005  # 各县（市、区）合计与全市数值允许的相对误差
  yoy_jump_factor: 3    # 同比变化超过 3 倍（或不足 1/3）时提示核实
status:
  ahead_margin: 10      # 完成进度超过时序进度 10 个百分点以上即为“超额完成”
# 版式（可选）：单位没有 _GB2312 字体时，可改用系统自带的字体，例如：
# format:
#   body_font: 仿宋
#   heading2_font: 楷体
#   title_font: 方正小标宋简体
# 各层级用语（可选），例如开发区的组织部门是党群工作部时：
# terms:
#   开发区: {{org_dept: 党群工作部, organ: "{{region}}党工委党群工作部"}}
# 正式行文时可加版头和版记（可选）；{{organ}} 代表署名，{{region}} 代表地区全称：
# header:
#   issuer_mark: "{{organ}}文件"
#   doc_number: 某组〔{year}〕5号
#   copy_to: 市委办公室，市政府办公室。
#   printer: "{{organ}}"
#   print_date: {year}年12月20日
"""


def _write_regions(path: Path, city: str, city_organ: str) -> None:
    """The regions table with the city's row; UTF-8 with BOM so that Excel shows the Chinese."""
    import csv

    from ..data.regions import default_short

    with open(path, "w", encoding="utf-8-sig", newline="") as fh:
        w = csv.writer(fh)
        w.writerow(REGION_COLUMNS)
        w.writerow((city, "市", "", default_short(city, "市"), "", city_organ))


def _write_values(path: Path) -> None:
    """An empty values workbook: the 指标数据 sheet with its headers, and how to fill it."""
    from openpyxl import Workbook
    from openpyxl.styles import Font

    wb = Workbook()
    ws = wb.worksheets[0]  # a new workbook's one sheet
    ws.title = VALUES_SHEET
    ws.append(VALUE_COLUMNS)
    for cell in ws[1]:
        cell.font = Font(bold=True)
    for col, width in zip("ABCDEF", (14, 10, 28, 14, 16, 20), strict=True):
        ws.column_dimensions[col].width = width
    ws.freeze_panes = "A2"
    notes = wb.create_sheet("填写说明")
    for line in (
        "在「指标数据」工作表中一行填一个数值：",
        "地区：地区表中的名称（或简称）；年度：四位年份，如 2025；填「规划目标」表示该地区自己的规划目标；",
        "指标代码：指标目录的「指标代码」列，如 political_trainees；数值：数字、百分数或文字；",
        "来源、备注：可不填。",
        "也可以用 reportgen forms 为每个地区生成填报表，回收后用 reportgen collect 合并到这里。",
    ):
        notes.append((line,))
    notes.column_dimensions["A"].width = 100
    wb.save(path)
