"""reportgen collect: a round trip through the forms, every refusal with its message,
idempotent re-collection, corrections recorded, and the collected file's single-home rule."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner
from openpyxl import Workbook, load_workbook

from generator.cli import main
from generator.rounds.collect import collect, read_collected, recorded_changes
from tests.sample import copy_sample, form_columns, strip_year

ROOT = Path(__file__).resolve().parents[2]
YEAR = 2025
FORMS = Path("output/填报表/2025")
COLLECTED = Path("data/填报汇总.csv")
T1 = dt.datetime(2025, 12, 21, 10, 0, 0)
T2 = dt.datetime(2025, 12, 22, 9, 30, 0)


def copy_collecting_sample(dest: Path) -> Path:
    """A copy of the sample, whose report.yaml names the collected values file."""
    copy_sample(dest)
    assert "collected: data/填报汇总.csv" in (dest / "report.yaml").read_text(encoding="utf-8")
    return dest


def sample_values() -> dict[tuple[str, object, str], object]:
    """Every value of the untouched sample (workbook and texts), keyed (region, year, code)."""
    out = {}
    ws = load_workbook(ROOT / "data/指标数据.xlsx", read_only=True)["指标数据"]
    for row in list(ws.iter_rows(values_only=True))[1:]:
        out[(row[0], row[1], row[2])] = row[3]
    with open(ROOT / "data/地区文字材料.csv", encoding="utf-8-sig") as fh:
        for row in list(csv.reader(fh))[1:]:
            out[(row[0], int(row[1]), row[2])] = row[3]
    return out


def strip_report_year(sample: Path) -> None:
    """Remove the report year's rows from the values workbook and the texts file."""
    strip_year(sample, YEAR)


def fill(path: Path, values: dict, region: str, year: int = YEAR, edit=None) -> None:
    """Type the region's values of `year` into its form, like a person with Excel would."""
    wb = load_workbook(path)
    for sheet in ("填报", "文字材料"):
        ws = wb[sheet]
        head, cols = form_columns(ws)
        for r in range(head + 1, ws.max_row + 1):
            code = ws.cell(row=r, column=cols["指标代码"]).value
            if code and (region, year, code) in values:
                ws.cell(row=r, column=cols[f"{year}年"]).value = values[(region, year, code)]
    if edit:
        edit(wb)
    wb.save(path)


def cell_of(path: Path, code: str, column: str = f"{YEAR}年", sheet: str = "填报") -> str:
    ws = load_workbook(path)[sheet]
    head, cols = form_columns(ws)
    for r in range(head + 1, ws.max_row + 1):
        if ws.cell(row=r, column=cols["指标代码"]).value == code:
            return ws.cell(row=r, column=cols[column]).coordinate
    raise AssertionError(code)


def run(sample: Path, *args):
    result = CliRunner().invoke(main, [*args, "-c", str(sample / "report.yaml")])
    assert "Traceback" not in result.output, result.output
    return result


@pytest.fixture(autouse=True)
def no_fsync(monkeypatch):
    """Durability is output.atomic_write's business (tested there); here it only costs time."""
    monkeypatch.setattr("os.fsync", lambda fd: None)


@pytest.fixture(scope="module")
def round_files(tmp_path_factory):
    """A stripped sample with its forms written and filled from the sample's own 2025 data."""
    with pytest.MonkeyPatch.context() as mp:
        mp.setattr("os.fsync", lambda fd: None)
        return _round_files(tmp_path_factory)


def _round_files(tmp_path_factory):
    base = copy_collecting_sample(tmp_path_factory.mktemp("round"))
    strip_report_year(base)
    assert run(base, "forms").exit_code == 0
    values = sample_values()
    returns = base / "returns"
    returns.mkdir()
    for form in sorted((base / FORMS).glob("*.xlsx")):
        region = form.name.split("（")[1].split("）")[0]
        target = returns / f"{region}.xlsx"
        shutil.copy(form, target)
        fill(target, values, region)
    return base


@pytest.fixture()
def sample(round_files, tmp_path):
    """A private copy of the stripped sample with its filled returns in returns/."""
    dest = tmp_path / "city"
    shutil.copytree(round_files, dest)
    return dest


@pytest.fixture()
def one(sample):
    """The sample with only 青石县's return in returns/ (the others in others/)."""
    (sample / "others").mkdir()
    for p in (sample / "returns").glob("*.xlsx"):
        if p.name != "青石县.xlsx":
            p.rename(sample / "others" / p.name)
    return sample


def texts(config: Path) -> dict[str, str]:
    from generator.build import gather

    job = gather(config, all_regions=True)
    return {r.region.name: r.narrative.text for r in job.reports}


def test_round_trip_gives_the_sample_texts(sample, tmp_path):
    r = run(sample, "collect", str(sample / "returns"))
    assert r.exit_code == 0, r.output
    assert "已合并 9" in r.output and "未交 0" in r.output
    assert (sample / COLLECTED).exists()
    assert run(sample, "check").exit_code == 0
    original = copy_collecting_sample(tmp_path / "original")
    assert texts(sample / "report.yaml") == texts(original / "report.yaml")


def test_recollecting_changes_nothing(sample):
    collect(sample / "report.yaml", sample / "returns", now=T1)
    data = (sample / COLLECTED).read_bytes()
    log = sample / "output/.reportgen/returns/2025/log.json"
    logged = log.read_bytes()
    archived = sorted(p.name for p in log.parent.rglob("*.xlsx"))
    assert len(archived) == 9
    again = collect(sample / "report.yaml", sample / "returns", now=T2)
    assert again.ok and not again.written and again.archived == 0
    assert (sample / COLLECTED).read_bytes() == data
    assert log.read_bytes() == logged
    assert sorted(p.name for p in log.parent.rglob("*.xlsx")) == archived
    assert "数据没有变化" in again.text()


def test_archive_keeps_every_return_with_its_hash(sample):
    import hashlib

    collect(sample / "report.yaml", sample / "returns", now=T1)
    log = json.loads((sample / "output/.reportgen/returns/2025/log.json").read_text("utf-8"))
    entry = next(e for e in log["entries"] if e["region"] == "青石县")
    original = (sample / "returns/青石县.xlsx").read_bytes()
    assert entry["sha256"] == hashlib.sha256(original).hexdigest()
    assert entry["file"] == "青石县.xlsx" and entry["time"] == "2025-12-21 10:00:00"
    archived = sample / "output" / entry["archive"]
    assert archived.name == f"20251221-100000-{entry['sha256'][:8]}.xlsx"
    assert archived.read_bytes() == original
    assert len(entry["changes"]) == 86   # first round: every value is new


def test_corrected_return_replaces_only_its_region_and_is_recorded(one):
    sample = one
    shutil.copy(sample / "others/江城区.xlsx", sample / "returns/江城区.xlsx")
    cfg_path = sample / "report.yaml"
    collect(cfg_path, sample / "returns", now=T1)
    assert run(sample, "build", "--region", "青石县").exit_code == 0
    before = read_collected(sample / COLLECTED, {})
    # the county sends a corrected form: the one just sent with one value changed
    fix = sample / "fix"
    fix.mkdir()
    shutil.copy(sample / "returns/青石县.xlsx", fix / "青石县（更正）.xlsx")
    where = cell_of(fix / "青石县（更正）.xlsx", "trainees_party_school")

    def edit(wb):
        wb["填报"][where].value = 700
    fill(fix / "青石县（更正）.xlsx", {}, "青石县", edit=edit)
    result = collect(cfg_path, fix, now=T2)
    assert result.ok, result.text()
    after = read_collected(sample / COLLECTED, {})
    diff = {k for k in set(before) | set(after)
            if k not in before or k not in after or before[k].value != after[k].value}
    assert diff == {("青石县", YEAR, "trainees_party_school")}
    assert "青石县  已合并" in result.text() and "1" in result.text().split("青石县  已合并")[1].split("\n")[0]
    assert "江城区  已合并  （此前：江城区.xlsx，2025-12-21 10:00回收）" in result.text()
    assert "此前已合并 1，未交 7" in result.text()
    assert "更正的数据（1项，原值 → 新值）：\n  青石县2025年「党校主体班培训人次」：714 → 700" in result.text()

    from generator.config import load_config

    changes = recorded_changes(load_config(cfg_path))
    assert [(c.region, c.year, c.code, c.old, c.new, c.file) for c in changes] == [
        ("青石县", YEAR, "trainees_party_school", 714.0, 700.0, "青石县（更正）.xlsx")]
    assert str(changes[0]) == "青石县2025年「党校主体班培训人次」：714 → 700（青石县（更正）.xlsx，2025-12-22 09:30:00回收）"
    r = run(sample, "build", "--region", "青石县")
    assert r.exit_code == 0, r.output
    notes = next((sample / "output/2025").glob("*青石县*修订说明.txt")).read_text("utf-8-sig")
    assert "青石县2025年「党校主体班培训人次」：714人次 → 700人次" in notes
    # after that build, nothing is pending any more
    assert recorded_changes(load_config(cfg_path)) == []


def test_blank_inputs_are_missing_values_not_errors(one):
    sample = one
    where = cell_of(sample / "returns/青石县.xlsx", "trainees_online")

    def edit(wb):
        wb["填报"][where].value = None
    fill(sample / "returns/青石县.xlsx", {}, "青石县", edit=edit)
    result = collect(sample / "report.yaml", sample / "returns", now=T1)
    assert result.ok, result.text()
    qs = next(r for r in result.returns if r.region == "青石县")
    assert qs.blank == 1 and qs.filled == 85
    assert ("青石县", YEAR, "trainees_online") not in read_collected(sample / COLLECTED, {})
    assert "1 项空白" in result.text() and "【待补】" in result.text()


def test_bad_cells_are_located_and_nothing_merges(one):
    sample = one
    path = sample / "returns/青石县.xlsx"
    where = cell_of(path, "trainees_party_school")
    share = cell_of(path, "theory_course_share")

    def edit(wb):
        wb["填报"][where].value = "约120"
        wb["填报"][share].value = 130
    fill(path, {}, "青石县", edit=edit)
    r = run(sample, "collect", str(sample / "returns"))
    assert r.exit_code == 1
    assert f"〈青石县.xlsx〉 填报!{where}（青石县 2025年 党校主体班培训人次）：「约120」不是数字" in r.output
    assert f"〈青石县.xlsx〉 填报!{share}（青石县 2025年 重点班次政治理论课程占比）：是百分比，应在 0～100 之间" in r.output
    assert "青石县  有问题" in r.output and "有问题的填报表未合并" in r.output
    assert not (sample / COLLECTED).exists()
    assert not (sample / "output/.reportgen/returns").exists()


def test_keep_going_merges_the_good_returns_and_still_fails(sample):
    path = sample / "returns/青石县.xlsx"
    where = cell_of(path, "trainees_party_school")

    def edit(wb):
        wb["填报"][where].value = -3
    fill(path, {}, "青石县", edit=edit)
    r = run(sample, "collect", str(sample / "returns"), "--keep-going")
    assert r.exit_code == 1
    assert "不能是负数" in r.output and "已合并 8" in r.output
    regions = {k[0] for k in read_collected(sample / COLLECTED, {})}
    assert "青石县" not in regions and "江城区" in regions


def test_percent_typed_with_a_percent_sign(one):
    sample = one
    path = sample / "returns/青石县.xlsx"
    where = cell_of(path, "theory_course_share")

    def edit(wb):
        wb["填报"][where].value = 0.729
        wb["填报"][where].number_format = "0.0%"
    fill(path, {}, "青石县", edit=edit)
    result = collect(sample / "report.yaml", sample / "returns", now=T1)
    assert result.ok, result.text()
    assert read_collected(sample / COLLECTED, {})[("青石县", YEAR, "theory_course_share")].value \
        == pytest.approx(72.9)


def _refused(sample, message: str) -> None:
    r = run(sample, "collect", str(sample / "returns"))
    assert r.exit_code == 1
    assert message in r.output, r.output
    assert not (sample / COLLECTED).exists()


def test_refuses_a_form_of_another_year(one):
    sample = one
    def edit(wb):
        wb["表单信息"]["B4"].value = 2024
    fill(sample / "returns/青石县.xlsx", {}, "青石县", edit=edit)
    _refused(sample, "〈青石县.xlsx〉：这是青石县2024年的填报表，本次回收的是2025年")


def test_refuses_a_form_of_a_changed_catalog(one):
    sample = one
    path = sample / "data/指标目录.csv"
    text = path.read_text(encoding="utf-8-sig")
    path.write_text(text.replace("党校主体班培训人次,人次", "党校主体班培训人次,人"), encoding="utf-8")
    r = run(sample, "collect", str(sample / "returns"))
    assert r.exit_code == 1
    assert "〈青石县.xlsx〉：青石县的填报表已过时" in r.output and "reportgen forms 重新生成" in r.output


def test_refuses_two_returns_of_one_region(one):
    sample = one
    shutil.copy(sample / "returns/青石县.xlsx", sample / "returns/青石县（第二份）.xlsx")
    _refused(sample, "〈青石县.xlsx〉和〈青石县（第二份）.xlsx〉都是青石县的填报表")


def test_refuses_moved_rows(one):
    sample = one
    def edit(wb):
        ws = wb["填报"]
        ws.protection.sheet = False
        ws.insert_rows(10)
    fill(sample / "returns/青石县.xlsx", {}, "青石县", edit=edit)
    _refused(sample, "表格的行或列被移动、插入或删除过")


def test_refuses_a_changed_locked_cell(one):
    sample = one
    path = sample / "returns/青石县.xlsx"
    where = cell_of(path, "trainees_party_school", column="2024年")

    def edit(wb):
        wb["填报"][where].value = 999
    fill(path, {}, "青石县", edit=edit)
    _refused(sample, f"〈青石县.xlsx〉 填报!{where}（青石县 2024年 党校主体班培训人次）：这是锁定的格（往年数据或指标信息），"
                     "下发时为「667」，现在是「999」")


def test_refuses_a_file_that_is_not_a_form_and_a_damaged_one(one):
    sample = one
    wb = Workbook()
    wb.active["A1"] = "地区"
    wb.save(sample / "returns/汇总.xlsx")
    (sample / "returns/坏文件.xlsx").write_bytes(b"PK\x03\x04 not really a zip")
    (sample / "returns/~$青石县.xlsx").write_bytes(b"lock file")
    (sample / "returns/说明.docx").write_bytes(b"")
    (sample / "returns/旧格式.xls").write_bytes(b"\xd0\xcf\x11\xe0")
    r = run(sample, "collect", str(sample / "returns"))
    assert r.exit_code == 1
    assert "〈汇总.xlsx〉：不是 reportgen 生成的填报表" in r.output
    assert "〈坏文件.xlsx〉：文件已损坏" in r.output
    assert "〈旧格式.xls〉：是旧版 Excel 格式（.xls）" in r.output
    assert "~$" not in r.output and "已忽略（不是 .xlsx 填报表）：说明.docx" in r.output
    assert not (sample / COLLECTED).exists()


def test_a_value_has_one_home(sample):
    """A return's value that another values file holds too is not repeated when equal, and
    refuses the return when different."""
    original = copy_collecting_sample(sample.parent / "full")   # 2025 values in the workbook
    (original / "returns").mkdir()
    shutil.copy(sample / "returns/青石县.xlsx", original / "returns/青石县.xlsx")
    result = collect(original / "report.yaml", original / "returns", now=T1)
    assert result.ok, result.text()
    assert not (original / COLLECTED).exists()      # everything equal: nothing to repeat
    path = original / "returns/青石县.xlsx"
    where = cell_of(path, "trainees_party_school")

    def edit(wb):
        wb["填报"][where].value = 700
    fill(path, {}, "青石县", edit=edit)
    r = run(original, "collect", str(original / "returns"))
    assert r.exit_code == 1
    assert f"〈青石县.xlsx〉 填报!{where}（青石县 2025年 党校主体班培训人次）：填报的数值为「700」，" \
           "但「data/指标数据.xlsx」第" in r.output
    assert "一个数值只能来自一处" in r.output


def test_merge_check_refuses_a_county_sum_that_no_longer_agrees(sample):
    path = sample / "returns/青石县.xlsx"
    where = cell_of(path, "trainees_party_school")

    def edit(wb):
        wb["填报"][where].value = 7140
    fill(path, {}, "青石县", edit=edit)
    r = run(sample, "collect", str(sample / "returns"))
    assert r.exit_code == 1
    assert "各县（市、区）合计" in r.output and "临江市" in r.output
    assert not (sample / COLLECTED).exists()


def test_config_names_the_collected_file_once(one):
    sample = one
    cfg = (sample / "report.yaml").read_text(encoding="utf-8")
    (sample / "report.yaml").write_text(cfg.replace(
        "    - path: data/地区文字材料.csv", "    - path: data/填报汇总.csv\n    - path: data/地区文字材料.csv"),
        encoding="utf-8")
    (sample / COLLECTED).write_text("\ufeff地区,年度,指标代码,数值,来源,备注\r\n", encoding="utf-8")
    r = run(sample, "check")
    assert r.exit_code != 0 and "data.collected" in r.output and "同时列在 data.values 中" in r.output


def test_collect_needs_the_config_key(one):
    sample = one
    cfg = (sample / "report.yaml").read_text(encoding="utf-8")
    lines = [ln for ln in cfg.splitlines() if "collected:" not in ln]
    (sample / "report.yaml").write_text("\n".join(lines) + "\n", encoding="utf-8")
    r = run(sample, "collect", str(sample / "returns"))
    assert r.exit_code == 1 and "collected: data/填报汇总.csv" in r.output


def test_missing_folder_is_a_message(one):
    sample = one
    r = run(sample, "collect", str(sample / "没有这个文件夹"))
    assert r.exit_code == 1 and "回收文件夹" in r.output and "找不到" in r.output


def test_collected_file_is_stable_csv(sample):
    collect(sample / "report.yaml", sample / "returns", now=T1)
    body = (sample / COLLECTED).read_bytes()
    assert body.startswith("\ufeff地区,年度,指标代码,数值,来源,备注\r\n".encode())
    rows = list(csv.reader(io.StringIO(body.decode("utf-8-sig"))))
    assert rows[1][:2] == ["临江市", "2025"]
    assert len(rows) - 1 == len(read_collected(sample / COLLECTED, {}))


def test_a_correction_that_breaks_the_city_total_is_refused(sample):
    """The city's total was collected before; a county's corrected figure no longer adds up."""
    collect(sample / "report.yaml", sample / "returns", now=T1)
    data = (sample / COLLECTED).read_bytes()
    fix = sample / "fix"
    fix.mkdir()
    shutil.copy(sample / "returns/青石县.xlsx", fix / "青石县.xlsx")
    where = cell_of(fix / "青石县.xlsx", "trainees_party_school")

    def edit(wb):
        wb["填报"][where].value = 7140
    fill(fix / "青石县.xlsx", {}, "青石县", edit=edit)
    result = collect(sample / "report.yaml", fix, now=T2)
    assert not result.ok
    assert "〈青石县.xlsx〉 合并后检查：「党校主体班培训人次」2025年各县（市、区）合计" in result.text()
    assert (sample / COLLECTED).read_bytes() == data
