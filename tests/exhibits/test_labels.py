"""Tests for generator/exhibits/labels.py: the exhibits' words, in one place, used by the
tables and figures (the attachment tables' headers, the training types' chart labels)."""

from __future__ import annotations

from generator.exhibits import figures, labels


def test_the_annual_header_names_the_years():
    assert labels.annual_header(2025) == ["序号", "指标", "单位", "年度目标", "2025年", "2024年",
                                          "与目标相比", "状态"]
    assert labels.annual_header(None)[4:6] == ["本年度", "上年度"]
    assert len(labels.annual_header(2025)) == len(labels.CUMULATIVE_HEADER)


def test_every_training_type_of_the_charts_has_a_label():
    assert [code for code, _ in figures.TRAINING_TYPES] == list(labels.TRAINING_TYPE_LABELS)
    assert dict(figures.TRAINING_TYPES) == labels.TRAINING_TYPE_LABELS


def test_chart_patterns_fill_in_their_figures():
    assert labels.UNIT.format(unit="人次") == "单位：人次"
    assert labels.TIME_PROGRESS.format(progress="58.3%") == "时序进度58.3%"
    assert labels.TOTAL.format(total="1390人次") == "合计\n1390人次"
