"""reportgen forms: the workbook each region fills — layout, validation, protection, metadata,
reproducible bytes — and that it opens in LibreOffice."""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
from pathlib import Path

import pytest
from click.testing import CliRunner
from openpyxl import load_workbook

from generator.cli import main
from generator.rounds.forms import sections
from tests.sample import copy_sample

ROOT = Path(__file__).resolve().parents[2]
NAME = "2025年干部教育培训规划实施情况填报表（青石县）.xlsx"


@pytest.fixture(scope="module")
def made(tmp_path_factory):
    """The sample's forms for the city and 青石县, written once for this module."""
    base = tmp_path_factory.mktemp("forms")
    copy_sample(base)
    with pytest.MonkeyPatch.context() as mp:
        mp.setattr("os.fsync", lambda fd: None)
        r = CliRunner().invoke(main, ["forms", "-c", str(base / "report.yaml"),
                                      "--region", "临江市", "--region", "青石县"])
    assert r.exit_code == 0, r.output
    assert "Traceback" not in r.output
    return base, r.output


@pytest.fixture(scope="module")
def book(made):
    return load_workbook(made[0] / "output/填报表/2025" / NAME)


def rows_by_code(ws):
    head = next(r for r in range(1, 10) if ws.cell(row=r, column=1).value == "序号")
    cols = {ws.cell(row=head, column=c).value: c for c in range(1, ws.max_column + 1)}
    out = {}
    for r in range(head + 1, ws.max_row + 1):
        code = ws.cell(row=r, column=cols["指标代码"]).value
        if code:
            out[code] = r
    return cols, out


def test_forms_are_named_per_region_in_the_default_folder(made):
    base, output = made
    names = sorted(p.name for p in (base / "output/填报表/2025").glob("*.xlsx"))
    assert names == ["2025年干部教育培训规划实施情况填报表（临江市）.xlsx", NAME]
    assert "青石县：" + NAME in output and "reportgen collect" in output


def test_input_sheet_layout(book):
    ws = book["填报"]
    assert book.sheetnames == ["填报", "文字材料", "填报说明", "表单信息"]
    cols, rows = rows_by_code(ws)
    assert list(cols)[:10] == ["序号", "指标", "单位", "口径说明", "2023年", "2024年", "2025年",
                              "规划目标", "数据来源", "备注"]
    assert "指标代码" in cols
    r = rows["trainees_party_school"]
    assert ws.cell(row=r, column=cols["指标"]).value == "党校主体班培训人次"
    assert ws.cell(row=r, column=cols["2023年"]).value == 593    # earlier years pre-filled
    assert ws.cell(row=r, column=cols["2025年"]).value == 714    # present data pre-filled
    assert "text_design" not in rows and "highland_name" not in rows  # texts: the other sheet
    # parts of the report as group rows, in order
    groups = [ws.cell(row=i, column=1).value for i in range(4, ws.max_row + 1)
              if isinstance(ws.cell(row=i, column=1).value, str)]
    assert groups[:3] == ["一、组织推进与顶层设计", "二、理论武装与能力提升", "三、分类分级培训"]


def test_locked_and_input_cells_and_protection(book):
    ws = book["填报"]
    cols, rows = rows_by_code(ws)
    assert ws.protection.sheet and not ws.protection.password
    r = rows["trainees_party_school"]
    assert not ws.cell(row=r, column=cols["2025年"]).protection.locked
    assert not ws.cell(row=r, column=cols["数据来源"]).protection.locked
    assert ws.cell(row=r, column=cols["2024年"]).protection.locked
    assert ws.cell(row=r, column=cols["指标代码"]).protection.locked
    assert ws.cell(row=r, column=cols["规划目标"]).protection.locked     # no target: not asked
    t = rows["political_trainees"]
    assert not ws.cell(row=t, column=cols["规划目标"]).protection.locked
    assert ws.cell(row=t, column=cols["规划目标"]).value == 675          # the county's own target
    assert book.security.lockStructure
    assert book["文字材料"].protection.sheet and book["填报说明"].protection.sheet


def test_data_validation_follows_the_catalog(book):
    ws = book["填报"]
    cols, rows = rows_by_code(ws)
    by_cell = {}
    for dv in ws.data_validations.dataValidation:
        for rng in dv.sqref.ranges:
            by_cell[rng.coord] = dv

    def dv(code, col="2025年"):
        return by_cell[ws.cell(row=rows[code], column=cols[col]).coordinate]

    count = dv("trainees_party_school")
    # bounded by the same ceiling as the data check (catalog 合理上限, else the default)
    assert (count.type, count.operator, count.formula1, count.formula2) == ("whole", "between", "0", "100000000")
    assert "单位：人次" in count.prompt and count.showErrorMessage and count.showInputMessage
    share = dv("theory_course_share")
    assert (share.type, share.operator, share.formula1, share.formula2) == ("decimal", "between", "0", "100")
    assert "规划要求不低于70%" in share.prompt
    funds = dv("training_funds")
    assert (funds.type, funds.operator, funds.formula1) == ("decimal", "between", "0")
    assert dv("political_trainees", "规划目标").type == "whole"
    # blank inputs are highlighted
    ycol = ws.cell(row=rows["trainees_party_school"], column=cols["2025年"]).column_letter
    ranges = [str(r.sqref) for r in ws.conditional_formatting]
    assert any(rng.startswith(ycol) for rng in ranges)


def test_derived_indicators_are_shown_not_asked(book):
    ws = book["填报"]
    cols, rows = rows_by_code(ws)
    r = rows["per_capita_hours"]
    assert ws.cell(row=r, column=cols["2023年"]).value == pytest.approx(121253 / 3147, abs=0.05)
    cell = ws.cell(row=r, column=cols["2025年"])
    assert cell.protection.locked and str(cell.value).startswith("=IF(")
    assert "由公式计算" in ws.cell(row=r, column=cols["口径说明"]).value


def test_text_sheet(book):
    ws = book["文字材料"]
    cols, rows = rows_by_code(ws)
    assert list(rows)[:3] == ["plan_doc_org", "highland_name", "partner_universities"]
    assert "text_design" in rows and "text_measures" in rows
    r = rows["text_design"]
    assert ws.cell(row=r, column=cols["必填/选填"]).value == "选填"
    assert "首句为概括性的小标题句" in ws.cell(row=r, column=cols["填写要求"]).value
    assert ws.cell(row=r, column=cols["2025年"]).value.startswith("建立“产业链")   # 青石县's own text
    assert not ws.cell(row=r, column=cols["2025年"]).protection.locked
    assert ws.cell(row=rows["highland_name"], column=cols["2024年（参考）"]).value


def test_hidden_metadata(book):
    ws = book["表单信息"]
    assert ws.sheet_state == "veryHidden"
    meta = {ws.cell(row=i, column=1).value: ws.cell(row=i, column=2).value for i in range(1, 8)}
    assert meta["地区"] == "青石县" and str(meta["年度"]) == "2025"
    assert meta["表单版本"] == "1" and len(meta["目录指纹"]) == 16
    assert meta["生成时间"] == "2025-12-20 00:00:00"    # the config's date: reproducible


def test_city_form_says_its_sums(made):
    wb = load_workbook(made[0] / "output/填报表/2025/2025年干部教育培训规划实施情况填报表（临江市）.xlsx")
    ws = wb["填报"]
    prompts = " ".join(dv.prompt or "" for dv in ws.data_validations.dataValidation)
    assert "全市数应等于各县（市、区）之和" in prompts


def test_same_inputs_same_bytes(made):
    base, _ = made
    path = base / "output/填报表/2025" / NAME
    before = path.read_bytes()
    r = CliRunner().invoke(main, ["forms", "-c", str(base / "report.yaml"), "--region", "青石县"])
    assert r.exit_code == 0 and "与上次相同" in r.output
    assert path.read_bytes() == before


def test_changed_form_keeps_the_old_one(made, tmp_path):
    base, _ = made
    out = tmp_path / "下发"
    args = ["forms", "-c", str(base / "report.yaml"), "--region", "青石县", "--out", str(out)]
    assert CliRunner().invoke(main, args).exit_code == 0
    (out / NAME).write_bytes(b"edited by someone")
    r = CliRunner().invoke(main, args)
    assert r.exit_code == 0 and "旧版填报表已移到" in r.output
    kept = list((base / "output/.history/填报表/2025").glob("*.旧版.*.xlsx"))
    assert kept and kept[0].read_bytes() == b"edited by someone"


def test_unknown_region_is_a_message(made):
    r = CliRunner().invoke(main, ["forms", "-c", str(made[0] / "report.yaml"), "--region", "青山县"])
    assert r.exit_code == 1 and "青山县" in r.output and "Traceback" not in r.output


def test_sections_put_unknown_indicators_last():
    from generator.model import Indicator, Kind

    inds = {c: Indicator(c, c, "个", Kind.COUNT) for c in ("new_thing", "teacher_pool", "joint_meeting_depts")}
    assert [(t, [i.code for i in g]) for t, g in sections(inds)] == [
        ("组织推进与顶层设计", ["joint_meeting_depts"]), ("师资、课程和教材", ["teacher_pool"]),
        ("其他指标", ["new_thing"])]


def _calc_available(soffice: str) -> bool:
    program = Path(os.path.realpath(soffice)).parent
    return any(program.glob("libsclo.so")) or any(program.glob("*calc*"))


def test_form_opens_in_libreoffice(made, tmp_path):
    soffice = shutil.which("soffice") or shutil.which("libreoffice")
    if not soffice:
        pytest.skip("未安装 LibreOffice（soffice），跳过转换 PDF 的检查")
    if not _calc_available(soffice):
        pytest.skip("LibreOffice 未安装 Calc（apt-get install libreoffice-calc-nogui），跳过转换 PDF 的检查")
    src = tmp_path / "form.xlsx"
    shutil.copy(made[0] / "output/填报表/2025" / NAME, src)
    with tempfile.TemporaryDirectory(prefix="lo-profile-") as profile:
        subprocess.run([soffice, f"-env:UserInstallation=file://{profile}", "--headless",
                        "--convert-to", "pdf", "--outdir", str(tmp_path), str(src)],
                       check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, timeout=120)
    pdf = tmp_path / "form.pdf"
    assert pdf.exists() and pdf.stat().st_size > 10_000
    assert pdf.read_bytes().startswith(b"%PDF")


def test_a_new_city_without_any_values_gets_its_forms(made, tmp_path, monkeypatch):
    """The first round of a new city: empty values files, forms all the same, and the
    returns are collected into the (so far only) values."""
    from openpyxl import Workbook

    from generator.rounds.collect import collect, read_collected

    monkeypatch.setattr("os.fsync", lambda fd: None)
    city = tmp_path / "city"
    for name in ("data", "templates"):
        shutil.copytree(made[0] / name, city / name)
    shutil.copy(made[0] / "report.yaml", city / "report.yaml")
    wb = Workbook()
    wb.active.title = "指标数据"
    wb.active.append(["地区", "年度", "指标代码", "数值"])
    wb.save(city / "data/指标数据.xlsx")
    (city / "data/地区文字材料.csv").write_text("\ufeff地区,年度,指标代码,数值\n", encoding="utf-8")
    r = CliRunner().invoke(main, ["forms", "-c", str(city / "report.yaml"), "--region", "青石县"])
    assert r.exit_code == 0, r.output
    form = city / "output/填报表/2025" / NAME
    ws = load_workbook(form)["填报"]
    cols, rows = rows_by_code(ws)
    row = rows["trainees_party_school"]
    assert ws.cell(row=row, column=cols["2024年"]).value is None
    ws.cell(row=row, column=cols["2025年"]).value = 714
    back = city / "回收"
    back.mkdir()
    ws.parent.save(back / "青石县.xlsx")
    result = collect(city / "report.yaml", back)
    assert result.ok, result.text()
    values = read_collected(city / "data/填报汇总.csv", {})
    assert {k: e.value for k, e in values.items()} == {("青石县", 2025, "trainees_party_school"): 714.0}
