"""Every figure reads the same in the prose and in the attachment tables (one formatting source)."""

import re
from pathlib import Path

import pytest

from generator.blocks import Table
from generator.build import gather

ROOT = Path(__file__).resolve().parent.parent
REGIONS = ["临江市", "青石县", "安平市"]
NUMBER = r"\d+(?:\.\d+)?"
# cumulative table: 序号 指标 单位 规划目标 累计完成 完成进度 时序进度 状态
NAME, UNIT, TARGET, DONE, RATE, PROGRESS, STATUS = 1, 2, 3, 4, 5, 6, 7
# annual table: 序号 指标 单位 年度目标 本年 上年 与目标相比 状态
VALUE, PREV, GAP = 4, 5, 6


@pytest.fixture(scope="module")
def reports():
    return gather(ROOT / "report.yaml", REGIONS).reports


def _table(report, key):
    return next(b for b in report.narrative.blocks if isinstance(b, Table) and b.key == key).data


def _cases(reports):
    for report in reports:
        yield (report.region.name, report.narrative.text,
               _table(report, "cumulative_indicators"), _table(report, "annual_indicators"))


def test_each_target_type_has_its_own_table(reports):
    for region, _, cum, annual in _cases(reports):
        assert cum.header[4:7] == ["累计完成", "完成进度", "时序进度"], region
        assert annual.header[3] == "年度目标" and annual.header[4:6] == ["2025年", "2024年"]
        assert cum.rows and annual.rows, region
        names = [r[NAME] for r in cum.rows] + [r[NAME] for r in annual.rows]
        assert len(names) == len(set(names)), f"{region}：有指标同时出现在两张表中"


@pytest.mark.parametrize("region", REGIONS)
def test_completion_rates_in_the_prose_match_the_table(reports, region):
    _, text, cum, _ = next(c for c in _cases(reports) if c[0] == region)
    rates = {row[RATE] for row in cum.rows}
    found = re.findall(rf"完成规划目标的({NUMBER}%)", text)
    assert len(found) >= 3
    stray = [r for r in found if r not in rates]
    assert not stray, f"{region}：正文中的完成进度 {stray} 与附件表不一致"
    for row in cum.rows:   # where the prose names the indicator exactly, the rate is its own
        for rate in re.findall(rf"{re.escape(row[NAME])}完成规划目标的({NUMBER}%)", text):
            assert rate == row[RATE], f"{region}：{row[NAME]} 正文 {rate}，附件表 {row[RATE]}"


@pytest.mark.parametrize("region", REGIONS)
def test_time_progress_in_the_prose_matches_the_table(reports, region):
    _, text, cum, _ = next(c for c in _cases(reports) if c[0] == region)
    (progress,) = {row[PROGRESS] for row in cum.rows}
    stated = re.findall(rf"时序进度(?:为|已达|达到|是)?({NUMBER}%)", text)  # not 时序进度2个百分点
    assert stated, f"{region}：正文没有说明时序进度"
    assert all(p == progress for p in stated), f"{region}：正文时序进度 {stated}，附件表 {progress}"


@pytest.mark.parametrize("region", REGIONS)
def test_annual_values_and_gaps_in_the_prose_match_the_table(reports, region):
    _, text, _, annual = next(c for c in _cases(reports) if c[0] == region)
    for row in annual.rows:
        for value in re.findall(rf"{re.escape(row[NAME])}为({NUMBER}%?)", text):
            assert value == row[VALUE], f"{region}：{row[NAME]} 正文 {value}，附件表 {row[VALUE]}"
    # 低于80%的年度目标14.7个百分点 / 距32学时的年度目标尚差6.8学时 / 超过90%的年度目标2.5个百分点
    pairs = {(row[TARGET] + ("" if row[UNIT] == "%" else row[UNIT]), row[GAP].lstrip("+-"))
             for row in annual.rows}
    gap = rf"({NUMBER}(?:个百分点|{'|'.join(re.escape(r[UNIT]) for r in annual.rows)}))"
    stated = re.findall(rf"(?:低于|距|超过)({NUMBER}%?\w{{0,2}})的年度目标(?:尚差)?{gap}", text)
    assert stated, f"{region}：正文没有与年度目标比较"
    stray = [p for p in stated if p not in pairs]
    assert not stray, f"{region}：正文中与年度目标的差距 {stray} 与附件表不一致"


@pytest.mark.parametrize("region", REGIONS)
def test_every_lagging_figure_of_the_tables_is_stated_in_the_prose(reports, region):
    _, text, cum, annual = next(c for c in _cases(reports) if c[0] == region)
    for row in cum.rows:
        if row[STATUS] == "滞后":
            assert row[RATE] in text, f"{region}：滞后指标 {row[NAME]} 的完成进度 {row[RATE]} 未见于正文"
    for row in annual.rows:
        if row[STATUS] == "滞后":
            assert row[VALUE] in text, f"{region}：滞后指标 {row[NAME]} 的 {row[VALUE]} 未见于正文"
