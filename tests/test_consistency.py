"""Every figure reads the same in the prose and in the attachment table (one formatting source)."""

import re
from pathlib import Path

import pytest

from generator.blocks import Table
from generator.build import gather

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="module")
def reports():
    return gather(ROOT / "report.yaml", ["临江市", "青石县", "安平市"]).reports


def _table(report):
    return next(b for b in report.narrative.blocks if isinstance(b, Table)).data


@pytest.mark.parametrize("index", [0, 1, 2])
def test_table_figures_appear_in_the_prose(reports, index):
    report = reports[index]
    text = report.narrative.text
    for row in _table(report).rows:
        name, done, rate, progress = row[1], row[4], row[5], row[6]
        assert done in text, f"{report.region.name}：{name} 的完成值 {done} 未见于正文"
        if progress != "—":   # cumulative: the prose states the completion rate
            assert rate in text, f"{report.region.name}：{name} 的完成进度 {rate} 未见于正文"


@pytest.mark.parametrize("index", [0, 1, 2])
def test_rates_stated_in_the_prose_match_the_table(reports, index):
    report = reports[index]
    rates = {row[5] for row in _table(report).rows if row[6] != "—"}
    found = re.findall(r"完成规划目标的(\d+\.\d%)", report.narrative.text)
    assert len(found) >= 3
    stray = [r for r in found if r not in rates]
    assert not stray, f"{report.region.name}：正文中的完成进度 {stray} 与附件表不一致"
