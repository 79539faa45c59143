"""Regenerating after a data correction: only what changed is rebuilt, and it says what changed."""

import re
import zipfile
from pathlib import Path

import pytest
from click.testing import CliRunner
from openpyxl import load_workbook

from generator.cli import main
from tests.sample import copy_sample

ROOT = Path(__file__).resolve().parents[2]
OUT = Path("output/2025")
QINGSHI = "临江市青石县干部教育培训规划实施情况评估报告"


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    """A copy of the sample, built once (all regions), then one county value corrected."""
    root = tmp_path_factory.mktemp("regen")
    copy_sample(root)
    cfg = str(root / "report.yaml")
    assert CliRunner().invoke(main, ["build", "--all", "-j", "2", "-c", cfg]).exit_code == 0
    before = {p.name: p.read_bytes() for p in (root / OUT).glob("*.docx")}
    wb = load_workbook(root / "data" / "指标数据.xlsx")
    ws = wb["指标数据"]
    for row in ws.iter_rows(min_row=2):
        if [c.value for c in row[:3]] == ["青石县", 2025, "coord_meetings"]:
            old = row[3].value
            row[3].value = old + 2
    wb.save(root / "data" / "指标数据.xlsx")
    result = CliRunner().invoke(main, ["build", "--all", "--redline", "-j", "2", "-c", cfg])
    return root, before, old, result


def test_only_the_corrected_county_is_rebuilt(built):
    root, before, _, result = built
    assert result.exit_code == 0, result.output
    after = {p.name: p.read_bytes() for p in (root / OUT).glob("*.docx") if "修订稿" not in p.name}
    changed = sorted(n for n in after if after[n] != before[n])
    assert changed == [QINGSHI + ".docx"]
    assert "生成 1 份，8 份内容未变化已跳过" in result.output


def test_change_report_lists_exactly_the_value_and_its_sentences(built):
    root, _, old, result = built
    notes = (root / OUT / f"{QINGSHI}.修订说明.txt").read_text(encoding="utf-8-sig")
    assert "一、数据变化（1项）" in notes
    assert f"青石县2025年「协调会召开次数」：{old}次 → {old + 2}次" in notes
    sentences = re.findall(r"原文：(.*)\n\s+现为：(.*)", notes)
    assert len(sentences) >= 1
    for a, b in sentences:
        assert "协调会" in a and "协调会" in b and a != b
    assert "协调会召开次数" in result.output


def test_redline_document_has_tracked_changes(built):
    root, *_ = built
    notes = (root / OUT / f"{QINGSHI}.修订说明.txt").read_text(encoding="utf-8-sig")
    # the figure as printed (the report prints the running total since 2023)
    old_fig, new_fig = re.search(r"原文：.*?协调会(\d+)次.*\n\s+现为：.*?协调会(\d+)次", notes).groups()
    xml = zipfile.ZipFile(root / OUT / f"{QINGSHI}.修订稿.docx").read("word/document.xml").decode()
    dels = re.findall(r"<w:del\b[^>]*>.*?</w:del>", xml, re.S)
    ins = re.findall(r"<w:ins\b[^>]*>.*?</w:ins>", xml, re.S)
    assert any(re.search(rf"<w:delText[^>]*>{old_fig}</w:delText>", d) for d in dels)
    assert any(re.search(rf"<w:t[^>]*>{new_fig}</w:t>", i) for i in ins)
    assert 'w:author="reportgen"' in ins[0]


def test_unchanged_rebuild_skips_everything(built):
    root, *_ = built
    r = CliRunner().invoke(main, ["build", "--all", "-c", str(root / "report.yaml")])
    assert r.exit_code == 0 and "生成 0 份，9 份内容未变化已跳过" in r.output


def test_change_report_lists_raw_values_when_the_print_rounds_them():
    """117万学时 → 117万学时 says nothing: the raw figures, and how the report prints them."""
    from generator.build import gather
    from generator.output.regen import DataChanges, change_report, snapshot, value_snapshot

    job = gather(ROOT / "report.yaml")
    report = job.reports[0]
    old = value_snapshot(job.ds)
    key = "临江市|2025|professional_hours"
    old[key] -= 300
    notes = change_report(report, snapshot(report), DataChanges(job.ds, old))
    assert ("临江市2025年「专业能力培训总学时」：1151700学时 → 1152000学时（正文中均显示为115万学时）"
            in notes), notes


def _annual_table(blocks):
    return next(b for b in blocks if getattr(b, "key", "") == "annual_indicators")


def test_a_change_of_table_cells_alone_is_reported_and_redlined(tmp_path):
    """The attachment's cells are compared too: a change there alone is a change."""
    from generator.build import gather
    from generator.output.regen import (
        DataChanges,
        change_report,
        redline_blocks,
        snapshot,
        value_snapshot,
    )
    from generator.render import render_document

    job = gather(ROOT / "report.yaml")
    report = job.reports[0]
    previous = __import__("copy").deepcopy(snapshot(report))   # shares the rows' lists
    table = next(b for b in previous["blocks"] if b.get("key") == "annual_indicators")
    row = next(r for r in table["data"]["rows"] if r[1] == "领导干部年度参训率")
    now, row[4], row[7] = row[4], "97.9%", "超额完成"
    notes = change_report(report, previous, DataChanges(job.ds, value_snapshot(job.ds)))
    assert "三、表格变化（1处）" in notes, notes
    assert f"「领导干部年度参训率」：2025年 97.9% → {now}；状态 超额完成 → {row_status(report)}" in notes
    blocks = redline_blocks(report, previous)
    data, _ = render_document(blocks, report.meta, report.specs, job.cfg.layout, tmp_path)
    xml = zipfile.ZipFile(__import__("io").BytesIO(data)).read("word/document.xml").decode()
    tables = re.findall(r"<w:tbl>.*?</w:tbl>", xml, re.S)
    cells = re.findall(r"<w:tc>.*?</w:tc>", "".join(tables), re.S)
    changed = [c for c in cells if "<w:del " in c]
    assert len(changed) == 2, changed
    assert re.search(r"<w:del [^>]*w:author=\"reportgen\"[^>]*>.*?<w:delText[^>]*>97.9%</w:delText>",
                     changed[0], re.S)
    assert re.search(rf"<w:ins [^>]*>.*?<w:t[^>]*>{re.escape(now)}</w:t>", changed[0], re.S)


def row_status(report):
    row = next(r for r in _annual_table(report.narrative.blocks).data.rows
               if r[1] == "领导干部年度参训率")
    return row[7]


@pytest.fixture(scope="module")
def county_corrected(tmp_path_factory):
    """青石县 built alone, then its 领导干部年度参训率 corrected 97.7% → 94.0% (达标 → 滞后)."""
    root = tmp_path_factory.mktemp("regen-county")
    copy_sample(root)
    cfg = str(root / "report.yaml")
    assert CliRunner().invoke(main, ["build", "--region", "青石县", "-c", cfg]).exit_code == 0
    wb = load_workbook(root / "data" / "指标数据.xlsx")
    for row in wb["指标数据"].iter_rows(min_row=2):
        if [c.value for c in row[:3]] == ["青石县", 2025, "leader_participation"]:
            assert row[3].value == 97.7
            row[3].value = 94.0
    wb.save(root / "data" / "指标数据.xlsx")
    result = CliRunner().invoke(main, ["build", "--region", "青石县", "--redline", "-c", cfg])
    assert result.exit_code == 0, result.output
    return root, result


def test_county_correction_lists_the_attachment_row(county_corrected):
    root, result = county_corrected
    notes = (root / OUT / f"{QINGSHI}.修订说明.txt").read_text(encoding="utf-8-sig")
    assert "青石县2025年「领导干部年度参训率」：97.7% → 94%" in notes
    assert ("表2　年度性指标完成情况「领导干部年度参训率」：2025年 97.7% → 94%；"
            "与目标相比 +2.7个百分点 → -1个百分点；状态 达标 → 滞后") in notes, notes
    assert "三、表格变化（1处）" in result.output


def test_county_correction_redlines_the_table_cells_in_schema_order(county_corrected):
    from lxml import etree

    from tests.conformance import order_problems

    root, _ = county_corrected
    xml = zipfile.ZipFile(root / OUT / f"{QINGSHI}.修订稿.docx").read("word/document.xml")
    doc = etree.fromstring(xml)
    ns = {"w": "http://schemas.openxmlformats.org/wordprocessingml/2006/main"}
    cells = [tc for tc in doc.iterfind(".//w:tbl//w:tc", ns) if tc.find(".//w:del", ns) is not None]
    texts = [("".join(tc.xpath(".//w:del//w:delText/text()", namespaces=ns)),
              "".join(tc.xpath(".//w:ins//w:t/text()", namespaces=ns))) for tc in cells]
    assert texts == [("97.7%", "94%"), ("+2.7", "-1"), ("达标", "滞后")], texts
    assert order_problems(doc, "document.xml") == []
    ids = [e.get(f"{{{ns['w']}}}id") for e in doc.iterfind(".//w:ins", ns)]
    ids += [e.get(f"{{{ns['w']}}}id") for e in doc.iterfind(".//w:del", ns)]
    assert len(ids) == len(set(ids))


def test_a_rebuild_of_many_documents_works_out_the_changed_values_once(tmp_path, monkeypatch):
    """Each 修订说明 lists its own region's changes (the city's, every region's), from one
    comparison of the whole dataset per build, not one per rebuilt document."""
    from generator.output import regen

    copy_sample(tmp_path)
    cfg = str(tmp_path / "report.yaml")
    assert CliRunner().invoke(main, ["build", "--all", "-j", "2", "-c", cfg]).exit_code == 0
    wb = load_workbook(tmp_path / "data" / "指标数据.xlsx")
    bumped = {}
    for row in wb["指标数据"].iter_rows(min_row=2):
        region, year, code = (c.value for c in row[:3])
        if region in ("青石县", "白沙县") and (year, code) == (2025, "coord_meetings"):
            bumped[region] = row[3].value
            row[3].value += 1
    wb.save(tmp_path / "data" / "指标数据.xlsx")
    calls = []
    real = regen.value_changes
    monkeypatch.setattr(regen, "value_changes", lambda *a, **k: calls.append(1) or real(*a, **k))
    result = CliRunner().invoke(main, ["build", "--all", "--force", "-j", "1", "-c", cfg])
    assert result.exit_code == 0, result.output
    assert len(calls) == 1   # 9 documents rebuilt, each with its 修订说明
    for county, old in bumped.items():
        notes = (tmp_path / OUT / f"临江市{county}干部教育培训规划实施情况评估报告.修订说明.txt")
        text = notes.read_text(encoding="utf-8-sig")
        assert "一、数据变化（1项）" in text and f"{county}2025年「协调会召开次数」：{old}次" in text
    city = (tmp_path / OUT / "临江市干部教育培训规划实施情况评估报告.修订说明.txt")
    assert "一、数据变化（2项）" in city.read_text(encoding="utf-8-sig")
