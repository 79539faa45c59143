"""Tests for the figures: the chart-spec builders (generator/exhibits/figures.py), the one
registry of exhibit keys, and `exhibits.attach` (a figure without data)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from openpyxl import load_workbook

from generator import exhibits
from generator.errors import TemplateError
from generator.model import Combine, Dataset, Indicator, Kind, Region, Value
from tests.sample import copy_sample

ROOT = Path(__file__).resolve().parents[2]


def test_compare_chart_keeps_top_bottom_and_own_region_in_large_batches():
    from generator.exhibits.figures import COMPARE_MAX, compare_chart
    from generator.metrics import MetricsBatch

    inds = {"hours": Indicator("hours", "学时", "学时", Kind.DURATION, 0, combine=Combine.SUM),
            "people": Indicator("people", "人数", "人", Kind.COUNT, 0, combine=Combine.SUM),
            "per_capita_hours": Indicator("per_capita_hours", "人均学时", "学时", Kind.DURATION, 1,
                                          numerator="hours", denominator="people")}
    regions = [Region("市", "市", None, "市")] + [Region(f"县{i:02d}", "县", "市", f"县{i:02d}")
                                                 for i in range(40)]
    vals = {}
    for i, r in enumerate(regions):
        vals[(r.name, 2025, "hours")] = Value(r.name, 2025, "hours", 1000 + i * 10)
        vals[(r.name, 2025, "people")] = Value(r.name, 2025, "people", 10)
    ds = Dataset(inds, regions, vals)
    batch = MetricsBatch(ds, 2025, 2023, 2027)
    spec = compare_chart(batch, batch.region("县20"), "比较")
    assert len(spec.labels) == COMPARE_MAX + 1 and "县20" in spec.labels
    assert {"县00", "县09", "县30", "县39"} <= set(spec.labels)
    assert len(compare_chart(batch, batch.region("市"), "比较").labels) == COMPARE_MAX


def test_one_registry_names_the_unknown_keys_of_both_kinds():
    with pytest.raises(TemplateError, match="「nope」不存在。可用的图表键：completion、"):
        exhibits.chart_specs(None, None, {"nope": "不存在的图"})
    with pytest.raises(TemplateError, match="正文：没有名为「nope」的表格，可用的有：cumulative_indicators、"):
        exhibits.table("nope", {}, 0.6, "正文")
    assert set(exhibits.FIGURES) == {"completion", "county_compare", "trend", "structure"}
    assert set(exhibits.TABLES) == {"cumulative_indicators", "annual_indicators"}


# --- a chart without data: no gap in the figure numbers, no reference to nothing ------------

def _without_city_value(tmp_path, code: str) -> Path:
    root = tmp_path / "city"
    copy_sample(root)
    wb = load_workbook(root / "data" / "指标数据.xlsx")
    ws = wb["指标数据"]
    for row in ws.iter_rows(min_row=2):
        if [c.value for c in row[:3]] == ["临江市", 2025, code]:
            ws.delete_rows(row[0].row)
            break
    else:
        raise AssertionError(code)
    wb.save(root / "data" / "指标数据.xlsx")
    return root / "report.yaml"


def test_dropped_chart_leaves_no_gap_in_the_figure_numbers(tmp_path):
    from generator.blocks import Figure
    from generator.build import gather

    full = gather(ROOT / "report.yaml").reports[0].narrative
    keys = [b.key for b in full.blocks if isinstance(b, Figure)]
    assert keys[:3] == ["completion", "trend", "structure"] and len(keys) == 4
    assert "（见图3）" in full.text

    report = gather(_without_city_value(tmp_path, "trainees_practice")).reports[0]
    figures = [b for b in report.narrative.blocks if isinstance(b, Figure)]
    assert [(f.key, f.number) for f in figures] == [("completion", 1), ("trend", 2),
                                                   ("county_compare", 3)]
    assert "structure" not in report.specs
    text = report.narrative.text
    assert "图4" not in text                         # the compare chart is 图3 now
    assert text.count("（见图3）") == full.text.count("（见图4）")
    assert "【待补：图“" in text and "”的数据】" in text
    marker_line = next(line for line in text.splitlines() if line.startswith("【待补：图"))
    assert not re.search(r"图\d", marker_line)      # the placeholder line carries no number
    assert [m.name for m in report.missing if m.code == "structure"] == [
        marker_line.removeprefix("【待补：").removesuffix("】")]
    captions = [line for line in text.splitlines() if re.match(r"图\d", line)]
    assert [c.split("\u3000")[0] for c in captions] == ["图1", "图2", "图3"]


def test_drop_figures_renumbers_and_rewrites_every_kind_of_reference():
    from generator.blocks import Figure, Paragraph, Run
    from generator.narrative.markup import parse
    from generator.narrative.numbering import drop_figures, number_blocks, ref_placeholder

    a, b, c = (ref_placeholder(k) for k in ("a", "b", "c"))
    markup = (f"甲（见{a}）。乙（对照目标，见{b}）。如{b}所示，丙见{c}。\n\n"
              "```figure a\n图甲\n```\n\n```figure b\n图乙\n```\n\n```figure c\n图丙\n```\n")
    blocks = number_blocks(parse(markup))
    assert blocks[0].text == "甲（见图1）。乙（对照目标，见图2）。如图2所示，丙见图3。"

    def placeholder(figure):
        return Paragraph([Run(f"【待补：图“{figure.title}”的数据】", missing=True)])

    drop_figures(blocks, {"b"}, placeholder)
    assert blocks[0].text == "甲（见图1）。乙（对照目标）。如【待补：图“图乙”的数据】所示，丙见图2。"
    assert [r.missing for r in blocks[0].runs] == [False, True, False]
    assert [(x.key, x.number) for x in blocks if isinstance(x, Figure)] == [("a", 1), ("c", 2)]
    assert blocks[2].text == "【待补：图“图乙”的数据】" and blocks[2].runs[0].missing
    drop_figures(blocks, {"a"}, placeholder)   # once more: the text is resolved from its source
    assert blocks[0].text == ("甲。乙（对照目标）。如【待补：图“图乙”的数据】所示，丙见图1。")
