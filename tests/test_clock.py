"""generator/clock.py: the one reader of SOURCE_DATE_EPOCH, for documents and forms alike."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from generator.build import gather
from generator.clock import build_time
from generator.layout.package import timestamp


def test_the_default_without_source_date_epoch(monkeypatch):
    monkeypatch.delenv("SOURCE_DATE_EPOCH", raising=False)
    assert build_time(dt.date(2025, 12, 20)) == dt.datetime(2025, 12, 20)
    assert build_time(dt.datetime(2025, 12, 20, 9, 30)) == dt.datetime(2025, 12, 20, 9, 30)
    assert timestamp("") == dt.datetime(1980, 1, 1)


def test_source_date_epoch_is_naive_utc(monkeypatch):
    monkeypatch.setenv("SOURCE_DATE_EPOCH", " 1766221200\n")
    assert build_time(dt.date(2025, 1, 1)) == dt.datetime(2025, 12, 20, 9, 0)
    assert timestamp("") == dt.datetime(2025, 12, 20, 9, 0)
    assert timestamp("2025-12-20T08:00:00+08:00") == dt.datetime(2025, 12, 20, 0, 0)  # created wins
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "0")
    assert timestamp("") == dt.datetime(1980, 1, 1)          # zip entries cannot be older


@pytest.mark.parametrize("value", ["", "soon", "-1", "1.5", "１２３", "9" * 30])
def test_a_value_that_is_not_a_time_is_ignored(monkeypatch, value):
    monkeypatch.setenv("SOURCE_DATE_EPOCH", value)
    assert build_time(dt.date(2025, 12, 20)) == dt.datetime(2025, 12, 20)


def test_the_document_meta_uses_it(monkeypatch):
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1766221200")
    job = gather(Path(__file__).resolve().parent.parent / "report.yaml", ["临江市"])
    assert job.reports[0].meta.created == "2025-12-20T09:00:00Z"
