"""Narrative engine: markup parsing, numbering after rendering, views, missing markers, errors."""

from types import SimpleNamespace

import pytest

from generator.blocks import Attachment, Figure, Heading, Paragraph, Table
from generator.config import DEFAULT_TERMS, DEFAULT_WORDING, Plan
from generator.errors import TemplateError
from generator.metrics import region_metrics
from generator.model import Combine, Dataset, Indicator, Kind, Region, TargetType, Value
from generator.narrative import NarrativeRenderer, blocks_text
from generator.narrative.markup import ItemGroup, parse
from generator.narrative.numbering import number_blocks, ref_placeholder


def test_parse_headings_paragraphs_items_fences():
    text = (
        "# 主要做法\n\n## 强化设计\n\n第一段\n接续一行。\n\n"
        "+ 甲。甲的内容。\n+ 乙。乙的内容。\n\n"
        "- 丙。\n- 丁。\n\n"
        "```figure completion\n完成进度\n```\n\n"
        "```attachment\n主要指标完成情况表\n```\n\n```table indicators\n主要指标完成情况表\n```\n"
    )
    blocks = parse(text)
    kinds = [type(b).__name__ for b in blocks]
    assert kinds == ["Heading", "Heading", "Paragraph", "ItemGroup", "ItemGroup", "Figure",
                     "Attachment", "Table"]
    assert blocks[2].text == "第一段接续一行。"          # lines join without a space
    assert blocks[3].joined and not blocks[4].joined
    assert blocks[5].key == "completion" and blocks[5].title == "完成进度"


def test_missing_marker_and_bold_runs():
    (p,) = parse("完成`【待补：轮训人次】`人次，**重点**内容。")
    assert [(r.text, r.bold, r.missing) for r in p.runs] == [
        ("完成", False, False), ("【待补：轮训人次】", False, True), ("人次，", False, False),
        ("重点", True, False), ("内容。", False, False)]


@pytest.mark.parametrize("bad,msg", [
    ("1. 不是标题\n", "编号列表"),
    ("```chart x\n标题\n```\n", "无法识别的代码块"),
    ("##### 五级\n", "最多四级"),
    ("- 外层\n  - 内层\n", "不能嵌套"),
])
def test_parse_errors_are_template_errors(bad, msg):
    with pytest.raises(TemplateError, match=msg):
        parse(bad)


def test_numbering_leaves_no_gap_and_resolves_references():
    text = (
        "# 甲\n\n## 子一\n\n见" + ref_placeholder("trend") + "。\n\n## 子二\n\n"
        "```figure trend\n趋势\n```\n\n# 乙\n\n## 子一\n\n### 小节\n\n#### 细目\n\n"
        "+ 领句一。后文。\n+ 领句二。\n\n- 独立一。\n- 独立二。\n\n"
        "```table indicators\n表\n```\n"
    )
    blocks = number_blocks(parse(text))
    heads = [b.text for b in blocks if isinstance(b, Heading)]
    assert heads == ["一、甲", "（一）子一", "（二）子二", "二、乙", "（一）子一", "1.小节", "（1）细目"]
    assert blocks[2].text == "见图1。"
    joined = [b for b in blocks if isinstance(b, Paragraph) and b.item]
    assert joined[0].text == "一是领句一。后文。二是领句二。"
    assert joined[0].runs[0].bold and joined[0].runs[1].text == "领句一。" and joined[0].runs[1].bold
    assert [b.text for b in joined[1:]] == ["一是独立一。", "二是独立二。"]   # numbering restarts
    assert [b.caption for b in blocks if isinstance(b, (Figure, Table))] == ["图1\u3000趋势", "表1\u3000表"]


def test_unknown_reference_is_an_error():
    with pytest.raises(TemplateError, match="不存在的图表「nope」"):
        number_blocks(parse("见" + ref_placeholder("nope") + "。\n"))


# --- rendering with a tiny dataset and templates --------------------------------------------

def _dataset():
    inds = {
        "classes": Indicator("classes", "轮训班期数", "期", Kind.COUNT, 0, 50, TargetType.CUMULATIVE,
                             Combine.SUM),
        "share": Indicator("share", "理论课程占比", "%", Kind.PERCENT, 1, 70, TargetType.ANNUAL,
                           Combine.MEAN),
        "name": Indicator("name", "战略定位", "", Kind.TEXT),
    }
    regions = [Region("临江市", "市", None, "临江"), Region("青石县", "县", "临江市", "青石"),
               Region("江城区", "区", "临江市", "江城")]
    vals = {}

    def put(r, y, c, v):
        vals[(r, y, c)] = Value(r, y, c, v)
    for r, cl, sh in (("临江市", (8, 9, 10), (68.0, 72.0)), ("青石县", (3, 4, 4), (66.0, 69.0)),
                      ("江城区", (5, 5, 6), (70.0, 75.0))):
        for y, v in zip((2023, 2024, 2025), cl, strict=True):
            put(r, y, "classes", v)
        put(r, 2024, "share", sh[0])
        put(r, 2025, "share", sh[1])
    put("临江市", 2025, "name", "绿色*智造")
    return Dataset(inds, regions, vals, targets={("青石县", "classes"): 25, ("江城区", "classes"): 25})


CFG = SimpleNamespace(terms=DEFAULT_TERMS, wording=DEFAULT_WORDING, year=2025,
                      plan=Plan("规划", 2023, 2027), as_of="2025年11月",
                      progress_basis="截至2025年11月")


def _render(tmp_path, body, region="临江市"):
    (tmp_path / "report.md.j2").write_text(body, encoding="utf-8")
    m = region_metrics(_dataset(), region, 2025, 2023, 2027)
    return NarrativeRenderer(tmp_path).render(CFG, m, peers_n=2)


def test_views_format_figures_and_wording(tmp_path):
    body = ("{{ t.we }}举办{{ v.classes }}期，累计{{ v.classes.cum }}期，完成{{ v.classes.rate }}，"
            "{{ v.classes.status }}；占比{{ v.share }}，{{ v.share.yoy }}，目标{{ v.share.target }}；"
            "打造“{{ v.name }}高地”；时序进度{{ time_progress }}。\n")
    n = _render(tmp_path, body)
    assert n.text.strip() == ("我市举办10期，累计27期，完成54%，滞后；占比72%，同比提高4个百分点，"
                              "目标70%；打造“绿色*智造高地”；时序进度60%。")
    assert n.missing == []


def test_county_wording_rank_and_comparison(tmp_path):
    body = ("{{ t.we }}{{ t.cadres }}：{{ v.share }}，{{ v.share.vs_benchmark }}，"
            "在全市{{ peers_n }}个{{ peer_word }}中排名第{{ v.share.rank }}。\n")
    n = _render(tmp_path, body, "青石县")
    # the one benchmark: the city's own figure (72%), named after the city in a county report
    assert n.text.strip() == "我县县管干部：69%，低于临江市平均水平3个百分点，在全市2个县（市、区）中排名第2。"


def test_missing_value_renders_marker_and_is_listed(tmp_path):
    n = _render(tmp_path, "定位：{{ v.name }}。\n", "青石县")
    (p,) = n.blocks
    assert p.runs[1].missing and p.runs[1].text == "【待补：战略定位】"
    assert [str(m) for m in n.missing] == ["青石县2025年「战略定位」（name）"]


@pytest.mark.parametrize("body,msg", [
    ("第一行\n{{ v.clases }}\n", "report.md.j2」第2行.*没有的指标代码「clases」.*classes"),
    ("{{ nothing }}\n", "report.md.j2」第1行.*不存在的变量"),
    ("{% if %}\n", "report.md.j2」第1行.*语法错误"),
    ("{{ v.__class__ }}\n", "没有的指标代码|不允许|不存在"),
    ("{% include 'gone.md.j2' %}\n", "report.md.j2」第1行.*找不到被包含的模板「gone.md.j2」"),
])
def test_template_errors_name_file_and_line(tmp_path, body, msg):
    with pytest.raises(TemplateError, match=msg):
        _render(tmp_path, body)


def test_attachment_table_uses_the_same_figures(tmp_path):
    body = ("完成{{ v.classes.rate }}。\n\n```attachment\n表\n```\n\n"
            "```table cumulative_indicators\n累计\n```\n\n```table annual_indicators\n年度\n```\n")
    n = _render(tmp_path, body)
    cum, annual = [b for b in n.blocks if isinstance(b, Table)]
    assert cum.data.rows[0] == ["1", "轮训班期数", "期", "50", "27", "54%", "60%", "滞后"]
    assert (0, 7) in cum.data.alerts
    assert annual.data.rows[0][1] == "理论课程占比" and annual.data.rows[0][3:5] == ["70%", "72%"]
    assert "54%" in n.text and isinstance(n.blocks[1], Attachment)
    assert "附件1　表" in blocks_text(n.blocks)


def test_item_group_type_is_internal():
    assert not any(isinstance(b, ItemGroup) for b in number_blocks(parse("- 一。\n")))


def test_county_level_city_compares_with_the_named_city(tmp_path):
    ds = _dataset()
    ds.regions[1] = Region("青石县", "县级市", "临江市", "青石")
    (tmp_path / "report.md.j2").write_text("{{ t.we }}{{ v.share.vs_benchmark }}。\n", encoding="utf-8")
    m = region_metrics(ds, "青石县", 2025, 2023, 2027)
    n = NarrativeRenderer(tmp_path).render(CFG, m, peers_n=2)
    assert n.text.strip() == "我市低于临江市平均水平3个百分点。"


def test_missing_year_inside_a_cumulative_figure_is_named(tmp_path):
    ds = _dataset()
    del ds.values[("临江市", 2024, "classes")]
    (tmp_path / "report.md.j2").write_text("累计{{ v.classes.cum }}期，完成{{ v.classes.rate }}。\n",
                                           encoding="utf-8")
    m = region_metrics(ds, "临江市", 2025, 2023, 2027)
    n = NarrativeRenderer(tmp_path).render(CFG, m, peers_n=2)
    assert [str(x) for x in n.missing] == ["临江市2024年「轮训班期数」（classes）"]
    assert n.text.count("【待补：轮训班期数】") == 2
