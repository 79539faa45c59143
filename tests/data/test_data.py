"""generator.data: load_dataset reads every file, collects every problem in one error, loads the sample."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from generator.data import load_dataset
from generator.model import Combine, Kind, Location, TargetType
from tests.data.edits import (
    CAT,
    NEXT_VALUE_ROW,
    REG,
    VAL,
    add,
    build,
    drop,
    errors_of,
    only,
    problems_of,
    put,
    vrow,
)
from tests.data_fixtures import (
    CATALOG,
    CATALOG_HEADER,
    REGIONS,
    REGIONS_HEADER,
    VALUES_HEADER,
    make_city,
    value_rows,
    write_csv,
    write_xlsx,
)

ROOT = Path(__file__).resolve().parents[2]


def test_csv_dataset_loads_in_file_order_with_locations(tmp_path):
    regions = [REGIONS[1], REGIONS[0], *REGIONS[2:]]  # city written second: it still comes first
    ds = load_dataset(**make_city(tmp_path, regions=regions))

    assert list(ds.indicators) == [row[0] for row in CATALOG]
    assert [r.name for r in ds.regions] == ["临江市", "江北区", "青山县", "云溪市"]
    assert ds.city.name == "临江市" and ds.city.short == "临江"
    assert ds.region("云溪市").short == "云溪" and ds.region("云溪市").level == "县级市"
    assert ds.region("江北区").parent == "临江市"
    assert ds.warnings == []

    rate = ds.indicators["pass_rate"]
    assert rate.kind is Kind.PERCENT and rate.decimals == 1 and rate.target == 95
    assert rate.target_type is TargetType.ANNUAL and rate.combine is Combine.WEIGHTED
    assert rate.weight == "train_total"
    assert ds.indicators["cover_rate"].derived
    assert ds.indicators["cover_rate"].location == Location("data/指标目录.csv", None, 8, "指标代码")

    first = ds.values[("临江市", 2023, "train_total")]
    assert first.value == 2400.0 and first.source == "组织部"
    assert first.location == Location("data/指标数据.csv", None, 2, "数值")
    assert ds.get("临江市", "partners", 2024) == "市委党校、临江大学"
    assert ds.years() == [2023, 2024]


def test_catalog_and_regions_from_xlsx_first_sheet(tmp_path):
    args = make_city(tmp_path)
    write_xlsx(tmp_path / "data/目录.xlsx", {"指标": [CATALOG_HEADER, *CATALOG], "旧": [["x"]]})
    write_xlsx(tmp_path / "data/地区.xlsx", {"地区": [REGIONS_HEADER, *REGIONS]})
    args.update(catalog=tmp_path / "data/目录.xlsx", regions=tmp_path / "data/地区.xlsx")
    ds = load_dataset(**args)
    assert ds.indicators["funds"].location == Location("data/目录.xlsx", "指标", 3, "指标代码")
    assert ds.region("青山县").location == Location("data/地区.xlsx", "地区", 4, "地区名称")


def test_missing_catalog_still_checks_the_other_files(tmp_path):
    args = make_city(tmp_path)
    rows = value_rows()
    rows[0][1] = "去年"
    write_csv(tmp_path / "data/指标数据.csv", VALUES_HEADER, rows)
    args["catalog"] = tmp_path / "data/没有这个文件.csv"
    errors, _ = errors_of(**args)
    assert only(errors, "找不到文件").location == Location("data/没有这个文件.csv")
    assert only(errors, "年度「去年」").location == Location("data/指标数据.csv", None, 2, "年度")


def test_warnings_are_listed_with_errors_in_the_error(tmp_path):
    problems, exc = problems_of(build(tmp_path, {"values": [
        drop(vrow("临江市", 2024, "partners")), put(vrow("江北区", 2024, "funds"), 3, "很多")]}))
    # the missing city value; no "could not check the sum" warning beside the rejected cell
    assert [p.severity for p in problems].count("warning") == 1
    assert exc.message.startswith("数据检查发现 1 个错误、1 个警告，请按下表逐项修改后重试。")
    assert exc.message.index("错误  ") < exc.message.index("警告  ")


def test_every_problem_of_every_file_in_one_error(tmp_path):
    problems, exc = problems_of(build(tmp_path, {
        "catalog": [put(4, 3, "小时")],
        "regions": [put(5, 1, "地级市")],
        "values": [put(vrow("江北区", 2023, "funds"), 3, "约12"), add("江北区", 2030, "funds", 1)],
    }))
    assert [p.location.file for p in problems] == [CAT, REG, VAL, VAL]
    assert exc.message.startswith("数据检查发现 4 个错误、0 个警告")
    assert [p.location.row for p in problems] == [4, 5, vrow("江北区", 2023, "funds"), NEXT_VALUE_ROW]
    for file in (CAT, REG, VAL):
        assert file in exc.message


def test_values_of_broken_catalog_rows_and_regions_are_not_reported_again(tmp_path):
    problems, _ = problems_of(build(tmp_path, {"catalog": [put(3, 3, "钱")],
                                               "regions": [put(3, 0, "江北 区")]}))
    assert len(problems) == 2  # the funds values and the 江北 values are not errors on top


# --- the sample data -----------------------------------------------------------------------


TEXT_CODES = ["text_design", "text_theory", "text_system", "text_resources", "text_platforms",
              "text_management", "text_next_focus"]


WITH_TEXTS = ["江城区", "东湖区", "临川县", "青石县", "云岭县", "安平市"]


@pytest.fixture(scope="module")
def sample():
    from generator.build import load_data
    from generator.config import load_config

    cfg = load_config(ROOT / "report.yaml")
    return cfg, load_data(cfg)


def test_sample_region_texts_load_for_six_units_and_are_optional(sample):
    cfg, ds = sample
    assert ROOT / "data/地区文字材料.csv" in [Path(v.path) for v in cfg.values]
    for code in TEXT_CODES:
        ind = ds.indicators[code]
        assert ind.kind is Kind.TEXT and ind.optional and ind.combine is Combine.NONE
    texts = {k: v for k, v in ds.values.items() if k[2] in TEXT_CODES}
    assert {(r, y) for r, y, _ in texts} == {(r, 2025) for r in WITH_TEXTS}
    assert len(texts) == len(WITH_TEXTS) * len(TEXT_CODES)
    assert texts[("青石县", 2025, "text_design")].location.file == "data/地区文字材料.csv"
    assert not [w for w in ds.warnings if "text_" in w.message]  # 临江市, 西山区, 白沙县 have none
    assert (ROOT / "data/地区文字材料.csv").read_bytes().startswith(b"\xef\xbb\xbf")  # BOM for Excel


def test_sample_texts_are_written_in_the_reports_voice(sample):
    _, ds = sample
    for (region, _, code), v in ds.values.items():
        if code not in TEXT_CODES:
            continue
        text, where = v.value, f"{region} {code}"
        assert not re.search(r"[0-9A-Za-z０-９Ａ-Ｚａ-ｚ]", text), f"{where}: figures come from data"
        assert not re.search(r"[,.;:?!()\"']", text), f"{where}: full-width punctuation"
        sentences = re.findall(r"[^。]+。", text)
        assert "".join(sentences) == text, f"{where}: whole sentences"
        if code == "text_next_focus":  # follows 下一步，我县将
            assert len(sentences) <= 2 and not text.startswith(("我", region)), where
        else:  # one item: a lead sentence and 2–4 sentences of practice
            assert 120 <= len(text) <= 260 and 3 <= len(sentences) <= 5, where


def test_sample_county_ranks_and_lagging_sets_differ(sample):
    """Not one pace for every indicator: each unit leads somewhere and trails somewhere."""
    from generator.metrics import MetricsBatch
    from generator.model import Combine as C

    cfg, ds = sample
    batch = MetricsBatch(ds, cfg.year, cfg.plan.start, cfg.plan.end, cfg.ahead_margin)
    peers = batch.peer_names
    # indicators compared on a rate, not on size: those with a target, means and per-capita figures
    scored = [c for c, ind in ds.indicators.items() if ind.numeric
              and (ind.target_type is not None or ind.combine in (C.MEAN, C.WEIGHTED))]
    ranks = {p: {c: batch.region(p).indicators[c].rank for c in scored} for p in peers}
    orders = {tuple(sorted(peers, key=lambda p: ranks[p][c])) for c in scored}
    assert len(orders) > len(scored) // 2  # indicators of one area may share an order, no more
    top = {p for p in peers if any(r <= 3 for r in ranks[p].values())}
    bottom = {p for p in peers if any(r >= len(peers) - 2 for r in ranks[p].values())}
    assert top >= set(peers) - {"云岭县"}      # 云岭县 may stay weak overall …
    assert bottom >= set(peers) - {"江城区"}   # … and 江城区 strong overall
    lagging = {p: frozenset(c for c, m in batch.region(p).indicators.items() if m.status == "滞后")
               for p in peers}
    assert len(set(lagging.values())) == len(peers)
    falls = {p: frozenset(c for c in scored if (m := batch.region(p).indicators[c]).change is not None
                          and m.change < 0) for p in peers}
    assert len({f for f in falls.values() if f}) >= 4


def test_sample_city_means_are_exactly_the_county_means(sample):
    _, ds = sample
    counties = [r.name for r in ds.children(ds.city.name)]
    for code, ind in ds.indicators.items():
        if ind.combine is not Combine.MEAN:
            continue
        for year in ds.years():
            parts = [ds.get(c, code, year) for c in counties]
            assert ds.get(ds.city.name, code, year) == pytest.approx(sum(parts) / len(parts)), (code, year)
