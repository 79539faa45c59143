"""The templates and indicator catalog that ship with reportgen, and where to find them.

There is one copy of each, in the repository: `templates/` (the report text) and
`data/指标目录.csv` (the sample city's catalog, which is also the default catalog a new city
starts from). A wheel carries the same files as package data under `generator/_bundled/`
(pyproject.toml maps the two folders there); a source checkout or an editable install
(`make`) reads them in place. Nothing is copied at build time into the source tree.
"""

from __future__ import annotations

from pathlib import Path

from .errors import ConfigError

# The bundled catalog's 规划目标 are this city's own plan targets (the sample): for any other
# city they are only placeholders (see data.validate.default_targets).
SAMPLE_CITY = "临江市"
CATALOG_NAME = "指标目录.csv"

_PACKAGE = Path(__file__).resolve().parent


def _locations() -> tuple[Path, Path]:
    """(templates folder, catalog file): inside the installed package, else in the checkout."""
    inside = _PACKAGE / "_bundled"
    if (inside / "templates").is_dir():
        return inside / "templates", inside / CATALOG_NAME
    repo = _PACKAGE.parent
    return repo / "templates", repo / "data" / CATALOG_NAME


def bundled_templates() -> Path:
    """The folder of the templates shipped with reportgen; ConfigError if it is missing."""
    folder, _ = _locations()
    if not (folder / "report.md.j2").is_file():
        raise ConfigError(_broken_install(folder))
    return folder


def bundled_catalog() -> Path:
    """The indicator catalog shipped with reportgen; ConfigError if it is missing."""
    _, catalog = _locations()
    if not catalog.is_file():
        raise ConfigError(_broken_install(catalog))
    return catalog


def _broken_install(path: Path) -> str:
    return (f"找不到 reportgen 自带的文件「{path}」，安装可能不完整。"
            "请在 reportgen 的文件夹中运行 make test 重新安装，或重新安装 reportgen。")


def bundled_targets() -> dict[str, float]:
    """The 规划目标 column of the bundled catalog, by indicator code (only those with a target).

    Empty when the bundled catalog cannot be read: the default-target warning then stays
    silent rather than failing a check."""
    from .data.catalog import load_catalog
    from .data.tables import read_sheets

    try:
        path = bundled_catalog()
    except ConfigError:
        return {}
    sheets, _ = read_sheets(path, path.name, first_only=True)
    if not sheets:
        return {}
    catalog, _ = load_catalog(sheets[0], path.name)
    if catalog is None:
        return {}
    return {code: ind.target for code, ind in catalog.indicators.items() if ind.target is not None}
