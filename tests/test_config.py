"""report.yaml: valid sample, relative paths, and every problem reported at once by its path."""

from pathlib import Path

import pytest

from generator.config import load_config
from generator.errors import ConfigError
from generator.model import Region

ROOT = Path(__file__).resolve().parent.parent


def test_sample_config_resolves_paths_against_its_folder():
    cfg = load_config(ROOT / "report.yaml")
    assert cfg.catalog == ROOT / "data" / "指标目录.csv"
    assert cfg.templates == ROOT / "templates"
    # as_of 2025-11: Jan 2023 … Nov 2025 is 35 of the plan's 60 months
    assert cfg.year == 2025 and cfg.time_progress == pytest.approx(35 / 60 * 100)
    assert cfg.as_of == "2025年11月" and cfg.progress_month == 11
    assert cfg.progress_basis == "截至2025年11月"
    assert cfg.title_for("青石县").startswith("青石县贯彻落实《干部教育培训规划（2023－2027年）》")
    assert cfg.organ_for(Region("安平市", "县级市", "临江市")) == "中共安平市委组织部"
    assert cfg.organ_for(Region("江城区", "区", "临江市", full="临江市江城区")) == "中共临江市江城区委组织部"
    assert cfg.terms["县"]["we"] == "我县"


def _write(tmp_path, text):
    (tmp_path / "data").mkdir()
    for name in ("c.csv", "r.csv", "v.csv"):
        (tmp_path / "data" / name).write_text("x\n", encoding="utf-8")
    (tmp_path / "templates").mkdir()
    p = tmp_path / "report.yaml"
    p.write_text(text, encoding="utf-8")
    return p


GOOD = """title: "{region}报告"
organ: "中共{region}委组织部"
year: 2025
date: 2025-12-20
plan: {name: 规划, start: 2023, end: 2027}
data: {catalog: data/c.csv, regions: data/r.csv, values: [data/v.csv]}
templates: templates
output: {folder: out, filename: "{year}/{region}.docx"}
"""


def test_second_city_in_its_own_folder(tmp_path):
    cfg = load_config(_write(tmp_path, GOOD))
    assert cfg.output == tmp_path / "out"
    assert cfg.values[0].path == str(tmp_path / "data" / "v.csv")


def test_every_problem_reported_at_once_with_its_path(tmp_path):
    bad = GOOD.replace("year: 2025", "year: 2031").replace("date: 2025-12-20", "date: 2025-13-40")
    bad = bad.replace("data/r.csv", "data/missing.csv").replace("{year}/{region}.docx", "{bogus}.doc")
    bad += "colour: red\nterms: {乡: {we: 我乡}, 县: {nope: x}}\n"
    with pytest.raises(ConfigError) as exc:
        load_config(_write(tmp_path, bad))
    msg = exc.value.message
    for key in ("year：", "date：", "data.regions：", "output.filename：", "colour：", "terms.乡：",
                "terms.县.nope："):
        assert key in msg, key
    assert "2031" in msg and "missing.csv" in msg


def test_missing_file_and_broken_yaml(tmp_path):
    with pytest.raises(ConfigError, match="找不到报告定义文件"):
        load_config(tmp_path / "none.yaml")
    p = tmp_path / "r.yaml"
    p.write_text("title: [unclosed\n", encoding="utf-8")
    with pytest.raises(ConfigError, match="格式有误"):
        load_config(p)


def test_bad_format_key_is_reported_with_the_config(tmp_path):
    with pytest.raises(ConfigError, match="format.body_fnot：排版配置中的设置项「body_fnot」不存在"
                                          "（是否应为 body_font？）"):
        load_config(_write(tmp_path, GOOD + "format: {body_fnot: 仿宋}\n"))
    (tmp_path / "ok").mkdir()
    cfg = load_config(_write(tmp_path / "ok", GOOD + "format: {body_font: 仿宋, heading2_font: 楷体}\n"))
    assert cfg.layout == {"body_font": "仿宋", "heading2_font": "楷体"}


def test_header_keys_and_patterns_are_checked(tmp_path):
    with pytest.raises(ConfigError) as exc:
        load_config(_write(tmp_path, GOOD + "header: {issuer: x, printer: '{city}组织部'}\n"))
    assert "header.issuer：" in exc.value.message and "header.printer：" in exc.value.message


@pytest.mark.parametrize("extra, month, progress, basis", [
    ("as_of: 2025-11\n", 11, 35 / 60 * 100, "截至2025年11月"),
    ("as_of: 2025-11\ntime_progress: 按月\n", 11, 35 / 60 * 100, "截至2025年11月"),
    ("as_of: 2025-11\ntime_progress: 按年\n", 12, 60, "按2025年全年计算"),
    ("", 12, 60, "截至2025年底"),                             # no as_of: the report year's end
    ("as_of: 2025-12\n", 12, 60, "截至2025年12月"),
    ("as_of: 2026-01\n", 12, 60, "截至2025年底"),            # collected after the year: all of it
    ("as_of: 2025-1\n", 1, 25 / 60 * 100, "截至2025年1月"),
])
def test_time_progress_follows_the_data_month_or_whole_years(tmp_path, extra, month, progress, basis):
    good = GOOD if "2026" not in extra else GOOD.replace("date: 2025-12-20", "date: 2026-01-15")
    cfg = load_config(_write(tmp_path, good + extra))  # (data never run past the date of writing)
    assert cfg.progress_month == month
    assert cfg.time_progress == pytest.approx(progress)
    assert cfg.progress_basis == basis


def test_bad_time_progress_switch_and_as_of_before_the_report_year(tmp_path):
    with pytest.raises(ConfigError) as exc:
        load_config(_write(tmp_path, GOOD + "time_progress: 按季\nas_of: 2024-11\n"))
    msg = exc.value.message
    assert "time_progress：" in msg and "按季" in msg and "按月" in msg and "按年" in msg
    assert "as_of：" in msg and "早于报告年度" in msg


def test_organ_pattern_per_level_and_its_fields(tmp_path):
    cfg = load_config(_write(tmp_path, GOOD))
    zone = Region("临江经济技术开发区", "开发区", "临江市", full="临江经济技术开发区")
    assert cfg.organ_for(zone) == "临江经济技术开发区党工委组织人事部"
    assert cfg.organ_for(Region("临江市", "市")) == "中共临江市委组织部"
    assert cfg.organ_for(Region("青石县", "县", "临江市")) == "中共青石县委组织部"
    written = Region("高新区", "开发区", "临江市", organ="临江高新区党群工作部")
    assert cfg.organ_for(written) == "临江高新区党群工作部"  # 署名 in the regions table wins

    (tmp_path / "b").mkdir()
    text = GOOD.replace('organ: "中共{region}委组织部"', 'organ: "中共{region}委员会组织部"')
    text += "terms: {开发区: {organ: '中共{region}工作委员会组织人事部'}}\n"
    cfg = load_config(_write(tmp_path / "b", text))
    assert cfg.organ_for(Region("青石县", "县", "临江市")) == "中共青石县委员会组织部"
    assert cfg.organ_for(zone) == "中共临江经济技术开发区工作委员会组织人事部"

    (tmp_path / "c").mkdir()
    bad = GOOD.replace('organ: "中共{region}委组织部"', 'organ: "中共{plan}委组织部"')
    bad += "terms: {开发区: {organ: '{city}党工委组织部'}}\nheader: {printer: '{organ'}\n"
    with pytest.raises(ConfigError) as exc:
        load_config(_write(tmp_path / "c", bad))
    msg = exc.value.message
    assert "organ：「{plan}」不可用" in msg and "terms.开发区.organ：「{city}」不可用" in msg
    assert "header.printer：" in msg and "花括号不成对" in msg


def test_every_level_has_every_term_and_no_doubled_committee():
    from generator.config import DEFAULT_TERMS
    from generator.model import LEVELS

    assert set(DEFAULT_TERMS) == set(LEVELS)
    for level, t in DEFAULT_TERMS.items():
        assert t.keys() == DEFAULT_TERMS["市"].keys(), level
    assert DEFAULT_TERMS["市"]["committee_we"] == "我市市委"  # the user's own sentence
    assert [DEFAULT_TERMS[lv]["committee_we"] for lv in ("县", "区", "县级市", "开发区")] == [
        "县委", "区委", "市委", "党工委"]
    assert DEFAULT_TERMS["市"]["lower_committee"] == "县（市、区）委"
    assert DEFAULT_TERMS["县"]["lower_committee"] == "乡镇（街道）党（工）委"
    zone = DEFAULT_TERMS["开发区"]
    assert zone["leadership"] == "党工委、管委会" and zone["committee"] == "党工委"
    assert not any("区委" in v for v in zone.values())


def test_commented_examples_of_the_sample_config_are_valid(tmp_path):
    """Uncommenting the sample's optional time_progress, terms and header lines gives a valid config."""
    import re

    text = (ROOT / "report.yaml").read_text(encoding="utf-8")
    for key in ("time_progress", "terms", "header"):
        block = re.search(rf"^# {key}:.*\n(?:#   .*\n)*", text, re.M)
        assert block, key
        text = text.replace(block.group(0), re.sub(r"^# ", "", block.group(0), flags=re.M))
    path = tmp_path / "report.yaml"
    path.write_text(text.replace("data/", str(ROOT / "data") + "/").replace(
        "templates: templates", f"templates: {ROOT / 'templates'}"), encoding="utf-8")
    cfg = load_config(path)
    assert cfg.progress_by == "按月" and cfg.terms["开发区"]["org_dept"] == "党群工作部"
    zone = Region("临江经济技术开发区", "开发区", "临江市")
    assert cfg.organ_for(zone) == "临江经济技术开发区党工委党群工作部"
    assert cfg.header["issuer_mark"].format(organ="中共临江市委组织部") == "中共临江市委组织部文件"


# --- typing slips of a Chinese input method (issue 13) -------------------------------------

@pytest.mark.parametrize("old, new, line, says", [
    ("year: 2025", "year：2025", 3, "第3行的“：”是中文冒号，请改为英文冒号“:”（冒号后加一个空格）"),
    ("year: 2025", "year： 2025", 3, "第3行的“：”是中文冒号"),
    ("  start: 2023", "  start：2023", 7, "第7行的“：”是中文冒号"),
    ("year: 2025", "year:2025", 3, "第3行的冒号后面缺少空格"),
    ("  start: 2023", "\tstart: 2023", 7, "第7行用制表符（Tab）缩进"),
    ("  start: 2023", "\u3000start: 2023", 7, "第7行用全角空格缩进"),
    ("  start: 2023", "\u3000\u3000start: 2023", 7, "第7行用全角空格缩进"),
])
def test_slips_of_the_input_method_are_named_at_their_line(tmp_path, old, new, line, says):
    text = GOOD.replace("plan: {name: 规划, start: 2023, end: 2027}",
                        "plan:\n  name: 规划\n  start: 2023\n  end: 2027")
    assert old in text
    with pytest.raises(ConfigError) as exc:
        load_config(_write(tmp_path, text.replace(old, new)))
    msg = exc.value.message
    assert says in msg and f"第{line + 1}行" not in msg, msg
    assert "report.yaml" in msg


def test_full_width_colon_in_a_value_or_comment_is_fine(tmp_path):
    text = GOOD.replace('title: "{region}报告"', 'title: "{region}报告：总结"  # 注：标题')
    assert load_config(_write(tmp_path, text)).title == "{region}报告：总结"


def test_a_folder_given_as_the_config_file(tmp_path):
    (tmp_path / "data").mkdir()
    with pytest.raises(ConfigError) as exc:
        load_config(tmp_path / "data")
    assert "是一个文件夹" in exc.value.message and "report.yaml" in exc.value.message


def test_data_cannot_run_past_the_date_of_writing(tmp_path):
    with pytest.raises(ConfigError) as exc:
        load_config(_write(tmp_path, GOOD + "as_of: 2026-03\n"))
    assert "as_of：数据截至2026年3月，晚于成文日期 2025年12月20日" in exc.value.message
    (tmp_path / "ok").mkdir()
    assert load_config(_write(tmp_path / "ok", GOOD + "as_of: 2025-12\n")).as_of == "2025年12月"


def test_year_written_as_text_and_a_mistyped_key(tmp_path):
    with pytest.raises(ConfigError) as exc:
        load_config(_write(tmp_path, GOOD.replace("year: 2025", 'year: "2025"') + "yaer: 2025\n"))
    msg = exc.value.message
    assert "year：应为整数，现在是文字「2025」（请去掉引号）" in msg
    assert "yaer：不认识的配置项（是否应为 year？）" in msg


def test_city_sums_option_is_a_yes_or_no(tmp_path):
    assert not load_config(ROOT / "report.yaml").data_options.city_sums
    p = _write(tmp_path, GOOD + "validation:\n  city_sums_from_counties: 也许\n")
    with pytest.raises(ConfigError, match="validation.city_sums_from_counties：应为true 或 false"):
        load_config(p)


# --- the declared schema: every option's bad value, all problems at once by key path --------

def _problems(tmp_path, text) -> list[str]:
    """The problems load_config lists for `text`, one a line, as `key：message`."""
    with pytest.raises(ConfigError) as exc:
        load_config(_write(tmp_path, text))
    head, *lines = exc.value.message.splitlines()
    assert head == f"报告定义「report.yaml」有 {len(lines)} 处问题，请逐项修改后重试：", head
    return [line.removeprefix("  - ") for line in lines]


DATA = "data: {catalog: data/c.csv, regions: data/r.csv, values: [data/v.csv]}"
PLAN = "plan: {name: 规划, start: 2023, end: 2027}"
OUTPUT = 'output: {folder: out, filename: "{year}/{region}.docx"}'
# (key path, text replaced in GOOD (None: appended), its replacement, the one problem reported)
BAD_VALUES = [
    ("title", 'title: "{region}报告"', 'title: "{bogus}报告"',
     "title：「{bogus}」不可用，可用的有 {plan}、{region}、{year}"),
    ("organ", 'organ: "中共{region}委组织部"', "organ: [中共]", "organ：应为文字，现在是「['中共']」"),
    ("year", "year: 2025", "year: 二〇二五", "year：应为整数，现在是「二〇二五」"),
    ("date", "date: 2025-12-20", "date: 2025-02-30",
     "date：日期「2025-02-30」无法识别，请写成 2025-12-20 的形式"),
    ("as_of", None, "as_of: 十一月", "as_of：日期「十一月」无法识别，请写成 2025-11 的形式"),
    ("time_progress", None, "time_progress: 按季",
     "time_progress：应为「按月」（按数据截至年月计算）或「按年」（按整年计算），现在是「按季」"),
    ("plan", PLAN, "plan: 2023", "plan：应为一组键值，现在是「2023」"),
    ("plan.name", PLAN, "plan: {name: [规划], start: 2023, end: 2027}",
     "plan.name：应为文字，现在是「['规划']」"),
    ("plan.start", PLAN, 'plan: {name: 规划, start: "2023", end: 2027}',
     "plan.start：应为整数，现在是文字「2023」（请去掉引号）"),
    ("plan.end", PLAN, 'plan: {name: 规划, start: 2023, end: "2027"}',
     "plan.end：应为整数，现在是文字「2027」（请去掉引号）"),
    ("data", DATA, "data: [data/c.csv]", "data：应为一组键值，现在是「['data/c.csv']」"),
    ("data.catalog", "data/c.csv", "data/none.csv",
     "data.catalog：找不到「data/none.csv」（相对于 report.yaml 所在文件夹）"),
    ("data.regions", "regions: data/r.csv", "regions: 5", "data.regions：应为文字，现在是「5」"),
    ("data.values", "values: [data/v.csv]", "values: []", "data.values：至少要列出一个指标数据文件"),
    ("data.values[]", "values: [data/v.csv]", "values: [data/v.csv, 3]",
     "data.values[1]：应写成 path: 文件 和可选的 sheets: [工作表]"),
    ("data.values[].path", "values: [data/v.csv]", "values: [{sheets: [指标数据]}]",
     "data.values[0].path：缺少指标数据文件的路径，请写成 data/指标数据.xlsx 的形式"),
    ("data.values[].sheets", "values: [data/v.csv]",
     "values: [data/v.csv, {path: data/v.csv, sheets: [2024, 2025]}]",
     "data.values[1].sheets：应为工作表名称的列表，如 [指标数据]"),
    ("data.collected", "values: [data/v.csv]", "values: [data/v.csv], collected: data/汇总.xlsx",
     "data.collected：「data/汇总.xlsx」应为一个 .csv 文件名，如 data/填报汇总.csv"
     "（reportgen collect 把收回的填报表合并到这个文件）"),
    ("templates", "templates: templates", "templates: 模板",
     "templates：找不到模板文件夹「模板」（相对于 report.yaml 所在文件夹）"),
    ("output", OUTPUT, "output: out", "output：应为一组键值，现在是「out」"),
    ("output.folder", "folder: out", "folder: 3", "output.folder：应为文字，现在是「3」"),
    ("output.filename", "{year}/{region}.docx", "{year}/{region}.doc",
     "output.filename：「{year}/{region}.doc」应以 .docx 结尾"),
    ("validation", None, "validation: 0.005", "validation：应为一组键值，现在是「0.005」"),
    ("validation.sum_tolerance", None, "validation: {sum_tolerance: -0.01}",
     "validation.sum_tolerance：应为不小于 0 的数字，如 0.005（即千分之五），现在是「-0.01」"),
    ("validation.yoy_jump_factor", None, "validation: {yoy_jump_factor: 0.5}",
     "validation.yoy_jump_factor：应为大于 1 的数字，如 3（同比变化超过 3 倍或不足 1/3 时提示核实），"
     "现在是「0.5」"),
    ("validation.city_sums_from_counties", None, "validation: {city_sums_from_counties: 是}",
     "validation.city_sums_from_counties：应为true 或 false，现在是「是」"),
    ("status", None, "status: 10", "status：应为一组键值，现在是「10」"),
    ("status.ahead_margin", None, "status: {ahead_margin: 十}",
     "status.ahead_margin：应为数字，现在是「十」"),
    ("wording", None, "wording: {leader: ' '}", "wording.leader：应为非空文字"),
    ("terms", None, "terms: {县: 我县}", "terms.县：应为一组“用语键: 文字”"),
    ("format", None, "format: {body_size: 三点五号}",
     "format.body_size：排版配置「body_size」应当是字号名称（初号、小初、一号、小一、二号、小二、三号、"
     "小三、四号、小四、五号、小五）或 5～72 之间的磅值，现在是「三点五号」。"),
    ("header", None, "header: {printer: [组织部]}", "header.printer：应为文字"),
]


@pytest.mark.parametrize("key, old, new, says", BAD_VALUES, ids=[c[0] for c in BAD_VALUES])
def test_each_declared_option_reports_its_bad_value_alone(tmp_path, key, old, new, says):
    if old is None:
        text = GOOD + new + "\n"
    else:
        assert GOOD.count(old) == 1, old
        text = GOOD.replace(old, new)
    problems = _problems(tmp_path, text)
    assert len(problems) == 1 and problems[0].startswith(says), problems


def test_every_declared_option_has_a_bad_value_case():
    """Adding an option to the schema means adding its bad value above."""
    import re

    from generator.config import SCHEMA, Items, Section

    def paths(section: Section, at: str):
        for opt in section.declared():
            path = f"{at}.{opt.key}" if at else opt.key
            yield path
            if isinstance(opt.inner, Items):
                yield f"{path}[]"
                yield from paths(opt.inner.item.inner, f"{path}[]")
            elif isinstance(opt.inner, Section) and opt.key not in ("wording", "terms", "format",
                                                                    "header"):
                yield from paths(opt.inner, path)

    covered = {re.sub(r"\[\d+\]", "[]", key) for key, *_ in BAD_VALUES}
    assert set(paths(SCHEMA, "")) == covered


def test_several_problems_anywhere_are_all_reported_with_their_key_paths(tmp_path):
    text = (GOOD.replace("year: 2025", "year: 2025.5")
            .replace("values: [data/v.csv]", "values: [data/v.csv, {path: data/v.csv, sheets: 7}]")
            .replace("plan: {name: 规划,", "plan: {nmae: 规划,")
            + "terms: {开发区: {organ: '{city}党工委', we: ''}}\n"
            + "format: {body_font: '', heading1_font: 黑体}\n")
    assert _problems(tmp_path, text) == [
        "year：应为整数，现在是「2025.5」",
        "plan.nmae：不认识的配置项（是否应为 name？）。可用的配置项有：name、start、end",
        "plan.name：缺少规划名称，请写成 干部教育培训规划（2023－2027年） 的形式",
        "data.values[1].sheets：应为工作表名称的列表，如 [指标数据]",
        "terms.开发区.organ：「{city}」不可用，可用的有 {region}",
        "terms.开发区.we：应为非空文字",
        "format.body_font：排版配置「body_font」应当是字体名称（如“仿宋_GB2312”），现在是「」。",
    ]


def test_bad_format_keys_are_all_reported_at_once(tmp_path):
    text = GOOD + ("format: {body_fnot: 仿宋, title_size: 99, margin_top: -3, body_size: 15.3,"
                   " heading1_font: 黑体, line_pitch: 宽}\n")
    problems = _problems(tmp_path, text)
    assert [p.split("：", 1)[0] for p in problems] == [  # in the file's order
        "format.body_fnot", "format.title_size", "format.margin_top", "format.body_size",
        "format.line_pitch"]
    assert problems[0].startswith("format.body_fnot：排版配置中的设置项「body_fnot」不存在"
                                  "（是否应为 body_font？）。可用的设置项：page_width、")
    assert "5～72 之间的磅值，现在是「99」" in problems[1]
    assert "「margin_top」不能为负数，现在是 -3" in problems[2]
    assert "「body_size」的字号须是 0.5 磅的整数倍，现在是 15.3" in problems[3]
    assert "「line_pitch」应当是整数（单位：缇" in problems[4]


@pytest.mark.parametrize("extra, says", [
    ("plan: {name: 规划, start: 2023, ende: 2027}",
     "plan.ende：不认识的配置项（是否应为 end？）。可用的配置项有：name、start、end"),
    ("data: {catalog: data/c.csv, regions: data/r.csv, values: [{path: data/v.csv, sheet: x}]}",
     "data.values[0].sheet：不认识的配置项（是否应为 sheets？）。可用的配置项有：path、sheets"),
    ("wording: {leadr: 总书记}",
     "wording.leadr：不认识的用语项（是否应为 leader？），可用的有：leader、thought"),
    ("header: {doc_numbr: 临组〔2025〕5号}", "header.doc_numbr：不认识的版头/版记项（是否应为 doc_number？），"
     "可用的有：issuer_mark、doc_number、copy_to、printer、print_date"),
    ("terms: {县级: {we: 我市}}", "terms.县级：层级应为 市、区、县、县级市、开发区 之一（是否应为 县级市？）"),
    ("terms: {县: {wee: 我县}}", "terms.县.wee：不认识的用语键（是否应为 we？），可用的有：we、whole、"),
    ("outputs: {folder: out}", "outputs：不认识的配置项（是否应为 output？）。可用的配置项有：title、organ、"),
])
def test_unknown_keys_anywhere_suggest_the_closest_declared_one(tmp_path, extra, says):
    key = extra.split(":")[0]
    lines = [line for line in GOOD.splitlines() if not line.startswith(key + ":")]
    problems = _problems(tmp_path, "\n".join(lines) + "\n" + extra + "\n")
    assert problems[0].startswith(says), problems


def test_a_missing_section_or_value_says_what_to_write(tmp_path):
    text = "\n".join(line for line in GOOD.splitlines()
                     if not line.startswith(("data:", "output:", "date:")))
    assert _problems(tmp_path, text + "\ndate:\n") == [
        "date：缺少成文日期，请写成 2025-12-20 的形式",
        "data：缺少数据文件，请补上（要写出 catalog、regions、values）",
        "output：缺少输出文件夹和文件名模式，请补上（要写出 folder、filename）",
    ]


def test_shorthands_of_a_list_of_one(tmp_path):
    text = GOOD.replace("values: [data/v.csv]", "values: {path: data/v.csv, sheets: 指标数据}")
    assert _problems(tmp_path, text) == ["data.values：应为列表，现在是「{'path': 'data/v.csv', "
                                         "'sheets': '指标数据'}」"]
    (tmp_path / "ok").mkdir()
    text = GOOD.replace("values: [data/v.csv]", "values: [{path: data/v.csv, sheets: 指标数据}]")
    cfg = load_config(_write(tmp_path / "ok", text))
    assert cfg.values[0].sheets == ("指标数据",)
    (tmp_path / "one").mkdir()
    cfg = load_config(_write(tmp_path / "one", GOOD.replace("values: [data/v.csv]", "values: data/v.csv")))
    assert cfg.values[0].path == str(tmp_path / "one" / "data" / "v.csv")
