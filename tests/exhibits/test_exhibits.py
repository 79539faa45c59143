"""The exhibits stage's registry and `attach`: every exhibit the templates name is registered,
and every registered one is used; attach gives a spec per figure of a rendered narrative."""

from __future__ import annotations

import re
from pathlib import Path

from generator import exhibits
from generator.blocks import Figure

ROOT = Path(__file__).resolve().parents[2]
FENCE = re.compile(r"^```(figure|table) (\w+)", re.M)


def _used() -> dict[str, set[str]]:
    used: dict[str, set[str]] = {"figure": set(), "table": set()}
    for path in (ROOT / "templates").glob("*.j2"):
        for kind, key in FENCE.findall(path.read_text(encoding="utf-8")):
            used[kind].add(key)
    return used


def test_the_templates_use_exactly_the_registered_exhibits():
    used = _used()
    assert used["figure"] == set(exhibits.FIGURES)
    assert used["table"] == set(exhibits.TABLES)


def test_attach_gives_a_spec_for_every_figure_of_the_city_report():
    from generator.build import gather

    job = gather(ROOT / "report.yaml")
    report = job.reports[0]
    figures = [b for b in report.narrative.blocks if isinstance(b, Figure)]
    assert figures and set(report.specs) == {f.key for f in figures}
    assert [f.number for f in figures] == list(range(1, len(figures) + 1))
