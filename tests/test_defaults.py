"""What ships with reportgen (generator/defaults.py): the templates and the catalog."""

from pathlib import Path

from generator import defaults

ROOT = Path(__file__).resolve().parent.parent


def test_the_bundled_templates_and_catalog_exist():
    templates = defaults.bundled_templates()
    assert (templates / "report.md.j2").is_file()
    assert templates.resolve() == (ROOT / "templates").resolve()
    catalog = defaults.bundled_catalog()
    assert catalog.is_file() and catalog.name == defaults.CATALOG_NAME
    assert catalog.resolve() == (ROOT / "data" / "指标目录.csv").resolve()


def test_the_bundled_catalog_has_plan_targets():
    targets = defaults.bundled_targets()
    assert targets and all(isinstance(v, float) for v in targets.values())
