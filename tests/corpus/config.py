"""Bad report definitions and command lines: slips of a Chinese input method, wrong values,
missing files, and click's usage errors (which must read in Chinese too)."""

from pathlib import Path

from tests.corpus import Case, edit_text


def yaml_edit(old: str, new: str):
    return lambda r: edit_text(r / "report.yaml", old, new)


def _utf16(root: Path) -> None:
    path = root / "report.yaml"
    path.write_text(path.read_text(encoding="utf-8"), encoding="utf-16")


CASES = [
    # input-method slips, named at their own line (year is line 6 of the sample)
    Case("config_fullwidth_colon", yaml_edit("year: 2025", "year：2025"),
         expect=("第6行的“：”是中文冒号，请改为英文冒号“:”（冒号后加一个空格）",)),
    Case("config_fullwidth_colon_nested", yaml_edit("  start: 2023", "  start：2023"),
         expect=("的“：”是中文冒号", "start: 2023")),
    Case("config_fullwidth_space_indent", yaml_edit("  start: 2023", "\u3000start: 2023"),
         expect=("用全角空格缩进",)),
    Case("config_tab_indent", yaml_edit("  start: 2023", "\tstart: 2023"),
         expect=("用制表符（Tab）缩进",)),
    Case("config_no_space_after_colon", yaml_edit("year: 2025", "year:2025"),
         expect=("第6行的冒号后面缺少空格",)),
    Case("config_utf16_file", _utf16, expect=("不是 UTF-8 编码",)),
    # wrong values
    Case("config_unknown_key", yaml_edit("year: 2025", "year: 2025\nyaer: 2025"),
         expect=("yaer：不认识的配置项（是否应为 year？）",)),
    Case("config_year_as_text", yaml_edit("year: 2025", "year: 二〇二五"),
         expect=("year：应为整数，现在是「二〇二五」",)),
    Case("config_year_quoted", yaml_edit("year: 2025", 'year: "2025"'),
         expect=("请去掉引号",)),
    Case("config_date_invalid", yaml_edit("date: 2025-12-20", "date: 2025-02-30"),
         expect=("date：日期「2025-02-30」无法识别",)),
    Case("config_as_of_after_date", yaml_edit("as_of: 2025-11", "as_of: 2026-03"),
         expect=("as_of：数据截至2026年3月，晚于成文日期 2025年12月20日",)),
    Case("config_plan_end_before_start", yaml_edit("  end: 2027", "  end: 2022"),
         expect=("规划结束年份 2022 早于开始年份 2023",)),
    # files it names
    Case("config_templates_missing", yaml_edit("templates: templates", "templates: 模板"),
         expect=("templates：", "模板")),
    Case("config_values_file_missing", yaml_edit("- path: data/指标数据.xlsx", "- path: data/数据.xlsx"),
         expect=("data.values[0].path：找不到「data/数据.xlsx」",)),
    Case("config_values_sheet_missing", yaml_edit("sheets: [指标数据]", "sheets: [数据]"),
         expect=("工作表「数据」", "中没有名为「数")),  # the cell wraps after 「数
    Case("config_folder_as_config", lambda r: None, config="data",
         expect=("「", "data」是一个文件夹，不是报告定义文件", "report.yaml")),
    # click's usage errors, in Chinese
    Case("config_no_such_option", lambda r: None, args=("build", "--al"),
         expect=("没有「--al」这个选项（是否为 --all？）",), exit_code=2),
    Case("config_unknown_command", lambda r: None, args=("buld",),
         expect=("没有「buld」这个命令（是否为 build？）",), exit_code=2),
    Case("config_bad_jobs", lambda r: None, args=("build", "--all", "--jobs", "x"),
         expect=("应为 1 到 64 之间的整数", "「x」"), exit_code=2),
    Case("config_jobs_zero", lambda r: None, args=("build", "--jobs", "0"),
         expect=("应为 1 到 64 之间的整数", "「0」"), exit_code=2),
    Case("config_flag_with_value", lambda r: None, args=("build", "--all=yes"),
         expect=("「--all」后面不用写值",), exit_code=2),
    Case("config_region_without_option", lambda r: None, args=("build", "青石县"),
         expect=("多余的参数「青石县」", "--region 青石县"), exit_code=2),
]
