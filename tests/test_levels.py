"""Names of bodies by level: full names in the signature, 开发区 with 党工委/管委会, no 我县县委.

The loader part uses small inline fixtures; the rendering part builds every report of a tmp
copy of the sample in which 西山区 is turned into a development zone (the sample itself keeps
its 8 county-level units, whose sums must add up to the city).
"""

from __future__ import annotations

import csv
import shutil
from pathlib import Path

import pytest

from generator.data import load_dataset
from generator.errors import DataError
from tests.data_fixtures import make_city, write_csv

ROOT = Path(__file__).resolve().parent.parent
ZONE = "临江经济技术开发区"

HEADER = ["地区名称", "层级", "上级", "简称", "全称", "署名"]
REGIONS = [
    ["临江市", "市", "", "", "", ""],
    ["江北区", "区", "临江市", "", "", ""],
    ["青山县", "县", "临江市", "", "", ""],
    ["云溪市", "县级市", "临江市", "云溪", "", ""],
    [ZONE, "开发区", "临江市", "", "", ""],
    ["高新区", "功能区", "临江市", "", "", "临江高新区党群工作部"],
    ["临江新区", "区", "临江市", "", "临江新区", ""],
]


def _load(tmp_path, rows, header=HEADER):
    args = make_city(tmp_path)
    write_csv(tmp_path / "data" / "地区.csv", header, rows)
    return load_dataset(**args)


def test_full_names_short_names_and_zone_levels(tmp_path):
    ds = _load(tmp_path, REGIONS)
    r = {x.name: x for x in ds.regions}
    assert r["临江市"].full_name == "临江市" and r["临江市"].place == "临江"
    assert r["江北区"].full_name == "临江市江北区"          # a 区 signs with its city's name
    assert r["青山县"].full_name == "青山县" and r["云溪市"].full_name == "云溪市"
    assert r["临江新区"].full_name == "临江新区"            # 全称 as written
    zone = r[ZONE]
    assert zone.level == "开发区" and zone.is_zone and zone.full_name == ZONE
    assert zone.short == "临江经开区"                       # the usual short form, not 临江经济技术开发
    assert zone.place == "临江"                             # 中国式现代化临江实践
    hi = r["高新区"]
    assert hi.level == "开发区"                              # 功能区 is accepted for 开发区
    assert hi.full_name == "临江高新区" and hi.organ == "临江高新区党群工作部"
    assert r["江北区"].place == "江北" and not r["江北区"].is_zone


def test_organ_name_per_level(tmp_path):
    from generator.config import load_config

    ds = _load(tmp_path, REGIONS)
    cfg = load_config(ROOT / "report.yaml")
    organ = {x.name: cfg.organ_for(x) for x in ds.regions}
    assert organ == {
        "临江市": "中共临江市委组织部",
        "江北区": "中共临江市江北区委组织部",
        "青山县": "中共青山县委组织部",
        "云溪市": "中共云溪市委组织部",
        ZONE: "临江经济技术开发区党工委组织人事部",
        "高新区": "临江高新区党群工作部",
        "临江新区": "中共临江新区委组织部",
    }


def test_bad_level_names_file_row_column_and_the_levels(tmp_path):
    rows = [list(r) for r in REGIONS[:4]] + [["城东街道", "街道", "临江市", "", "", ""]]
    with pytest.raises(DataError) as exc:
        _load(tmp_path, rows)
    msg = exc.value.message
    assert "地区.csv" in msg and "第6行" in msg and "「层级」列" in msg
    assert "层级「街道」无法识别" in msg
    assert "市、区、县、县级市、开发区" in msg and "功能区" in msg


def test_full_name_with_a_space_is_reported_at_its_cell(tmp_path):
    rows = [list(r) for r in REGIONS[:4]]
    rows[1][4] = "临江市 江北区"
    with pytest.raises(DataError) as exc:
        _load(tmp_path, rows)
    assert "第3行" in exc.value.message and "「全称」列" in exc.value.message


def test_old_four_column_table_still_reads(tmp_path):
    ds = _load(tmp_path, [r[:4] for r in REGIONS[:4]], HEADER[:4])
    assert ds.region("江北区").full_name == "临江市江北区" and ds.region("江北区").organ == ""


# --- every report of a sample copy with a development zone -------------------------------


@pytest.fixture(scope="module")
def job(tmp_path_factory):
    from openpyxl import load_workbook

    from generator.build import gather

    tmp = tmp_path_factory.mktemp("levels")
    for name in ("data", "templates"):
        shutil.copytree(ROOT / name, tmp / name)
    regions = (tmp / "data" / "地区.csv").read_text(encoding="utf-8")
    assert "西山区,区,临江市,西山" in regions
    (tmp / "data" / "地区.csv").write_text(
        regions.replace("西山区,区,临江市,西山", f"{ZONE},开发区,临江市,"), encoding="utf-8")
    ws = load_workbook(ROOT / "data" / "指标数据.xlsx", read_only=True)["指标数据"]
    with open(tmp / "data" / "values.csv", "w", encoding="utf-8", newline="") as fh:
        writer = csv.writer(fh)
        for row in ws.iter_rows(values_only=True):
            writer.writerow([ZONE if c == "西山区" else c for c in row])
    cfg = (ROOT / "report.yaml").read_text(encoding="utf-8")
    cfg = cfg.replace("- path: data/指标数据.xlsx\n      sheets: [指标数据]", "- path: data/values.csv")
    assert "values.csv" in cfg
    (tmp / "report.yaml").write_text(cfg, encoding="utf-8")
    job = gather(tmp / "report.yaml", all_regions=True)
    return {r.region.name: r for r in job.reports}


@pytest.mark.parametrize("region, organ", [
    ("临江市", "中共临江市委组织部"),
    ("江城区", "中共临江市江城区委组织部"),
    ("青石县", "中共青石县委组织部"),
    ("安平市", "中共安平市委组织部"),
    (ZONE, "临江经济技术开发区党工委组织人事部"),
])
def test_signature_of_each_level(job, region, organ):
    assert job[region].meta.organ == organ


@pytest.mark.parametrize("region, committee", [
    ("临江市", "我市市委深刻学习领会"),       # the user's own sentence
    ("江城区", "区委深刻学习领会"),
    ("青石县", "县委深刻学习领会"),
    ("安平市", "市委深刻学习领会"),
    (ZONE, "党工委深刻学习领会"),
])
def test_the_committee_is_named_once(job, region, committee):
    text = job[region].narrative.text
    assert committee in text
    for doubled in ("我县县委", "我区区委", "我区党工委"):
        assert doubled not in text, region
    if region != "临江市":
        assert "我市市委" not in text


def test_zone_report_speaks_of_its_working_committee(job):
    text = job[ZONE].narrative.text
    assert "区委" not in text, [line[:60] for line in text.splitlines() if "区委" in line]
    assert "常委会" not in text
    assert "党工委组织人事部" in text and "党工委会议重要议事日程" in text
    assert "中国式现代化临江实践" in text and "经开实践" not in text
    assert "数字临江建设" in text


def test_city_and_county_keep_their_own_place_names(job):
    assert "中国式现代化临江实践" in job["临江市"].narrative.text
    assert "中国式现代化青石实践" in job["青石县"].narrative.text
    assert "常委会重要议事日程" in job["临江市"].narrative.text
