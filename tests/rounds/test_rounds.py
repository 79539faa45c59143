"""Tests for generator/rounds/__init__.py: what the forms and collect halves share — the form's
title and file name, and the fingerprints that tie a form to its catalog and its cell map."""

from __future__ import annotations

from dataclasses import replace

from generator.model import Indicator, Kind, TargetType
from generator.rounds import (
    catalog_fingerprint,
    form_filename,
    form_title,
    map_fingerprint,
    year_label,
)

PLAN = "干部教育培训规划（2023－2027年）"
TRAINED = Indicator("trained", "轮训人数", "名", Kind.COUNT, 0, 3000, TargetType.CUMULATIVE)
SHARE = Indicator("share", "理论课程占比", "%", Kind.PERCENT, 1, 70, TargetType.ANNUAL)


def test_form_title_and_file_name_drop_the_plan_years():
    assert year_label(2025) == "2025年"
    assert form_title(PLAN) == "干部教育培训规划"
    assert form_title("（2023－2027年）") == "规划"          # nothing left: a generic title
    assert form_filename(2025, PLAN, "青石县") == "2025年干部教育培训规划实施情况填报表（青石县）.xlsx"


def test_catalog_fingerprint_follows_what_a_form_depends_on():
    base = catalog_fingerprint({"trained": TRAINED, "share": SHARE})
    assert base == catalog_fingerprint({"trained": TRAINED, "share": SHARE})
    assert len(base) == 16
    # a changed target, decimals or optionality outdates the form; a changed note does not
    for changed in (replace(TRAINED, target=3500), replace(TRAINED, decimals=1),
                    replace(TRAINED, optional=True)):
        assert catalog_fingerprint({"trained": changed, "share": SHARE}) != base
    assert catalog_fingerprint({"trained": replace(TRAINED, note="说明"), "share": SHARE}) == base


def test_map_fingerprint_reads_whole_floats_as_integers():
    entries = [("填报", "C5", "trained", "2025年", 300)]
    assert map_fingerprint(entries) == map_fingerprint([("填报", "C5", "trained", "2025年", 300.0)])
    assert map_fingerprint(entries) != map_fingerprint([("填报", "C5", "trained", "2025年", 300.5)])
    assert map_fingerprint(entries) != map_fingerprint([("填报", "C6", "trained", "2025年", 300)])
