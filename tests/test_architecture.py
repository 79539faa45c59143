"""The architecture, checked by reading the sources (one home for each concern).

Nothing here imports the program: every check parses the files (ast) or reads the templates,
so it also covers code that only runs on some paths (lazy imports inside functions count).

- no function or method in generator/ is longer than MAX_LINES;
- the report templates do not use Jinja's namespace() (state belongs in the views, not in a
  template's mutable object);
- click is imported only by the command line (generator/cli.py): the library raises its own
  errors and the CLI turns them into messages and exit codes;
- python-docx only in generator/layout/, matplotlib only in generator/exhibits/charts.py;
- every module in generator/ says in a docstring what it is for;
- every module has its tests in the mirrored place (tests/<package>/test_<module>.py), which
  imports it.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator
from functools import cache
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
GENERATOR = ROOT / "generator"
TEMPLATES = ROOT / "templates"
MAX_LINES = 60

# package → the only places (a module, or a folder ending in /) that may import it
IMPORT_HOMES = {
    "click": ("generator/cli.py",),
    "docx": ("generator/layout/",),
    "matplotlib": ("generator/exhibits/charts.py",),
}


def _shown(path: Path) -> str:
    return path.relative_to(ROOT).as_posix()


@cache
def _modules() -> tuple[Path, ...]:
    return tuple(sorted(GENERATOR.rglob("*.py")))


@cache
def _tree(path: Path) -> ast.Module:
    return ast.parse(path.read_text(encoding="utf-8"), filename=str(path))


def _imports(tree: ast.Module) -> Iterator[tuple[str, int]]:
    """(top-level package, line) of every absolute import, at module level or in a function."""
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                yield alias.name.split(".")[0], node.lineno
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            yield node.module.split(".")[0], node.lineno


def _importers(package: str) -> list[str]:
    """file:line of each import of `package` in generator/."""
    return [f"{_shown(path)}:{line}" for path in _modules()
            for name, line in _imports(_tree(path)) if name == package]


def _at_home(file: str, homes: tuple[str, ...]) -> bool:
    return any(file.startswith(home) if home.endswith("/") else file == home for home in homes)


def _long_functions(tree: ast.Module, limit: int) -> Iterator[tuple[str, int, int]]:
    """(name, first line, length) of each function or method longer than `limit` lines,
    counted from its `def` (decorators aside) to its last line."""
    for node in ast.walk(tree):
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
            length = node.end_lineno - node.lineno + 1
            if length > limit:
                yield node.name, node.lineno, length


def test_the_sources_are_found():
    """The checks below look at something: the modules, the templates, cli.py's click."""
    assert len(_modules()) > 40 and GENERATOR / "cli.py" in _modules()
    assert len(list(TEMPLATES.glob("*.j2"))) > 10
    assert _importers("click") and _importers("docx") and _importers("matplotlib")


def test_no_function_is_longer_than_the_limit():
    found = [f"{_shown(path)}:{line} {name}() has {length} lines" for path in _modules()
             for name, line, length in _long_functions(_tree(path), MAX_LINES)]
    assert not found, (f"functions longer than {MAX_LINES} lines (split them):\n"
                       + "\n".join(found))


def test_templates_do_not_use_namespace():
    found = [f"{_shown(path)}:{number}" for path in sorted(TEMPLATES.glob("*.j2"))
             for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
             if "namespace(" in line]
    assert not found, "namespace() in templates (compute the value in a view instead):\n" + \
        "\n".join(found)


@pytest.mark.parametrize("package", sorted(IMPORT_HOMES))
def test_a_library_is_imported_only_in_its_home(package):
    homes = IMPORT_HOMES[package]
    found = [where for where in _importers(package) if not _at_home(where.split(":")[0], homes)]
    assert not found, f"{package} imported outside {', '.join(homes)}:\n" + "\n".join(found)


def test_every_module_has_a_docstring():
    found = [_shown(path) for path in _modules() if not ast.get_docstring(_tree(path))]
    assert not found, "modules without a docstring:\n" + "\n".join(found)


def mirrored_test(module: Path) -> Path:
    """Where the tests of a generator module live: tests/<package>/test_<module>.py, or
    tests/test_<module>.py for a top-level module; a package's __init__ is test_<package>.py."""
    rel = module.relative_to(GENERATOR)
    name = rel.parent.name if rel.name == "__init__.py" else rel.stem
    if rel.parent == Path(".") and rel.name == "__init__.py":
        name = "generator"
    return ROOT / "tests" / rel.parent / f"test_{name.lstrip('_')}.py"


def _dotted(module: Path) -> str:
    parts = module.relative_to(ROOT).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _imported_names(tree: ast.Module) -> set[str]:
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module)
            names.update(f"{node.module}.{alias.name}" for alias in node.names)
    return names


def test_every_module_has_a_test_in_the_mirrored_place():
    """generator/<package>/<module>.py is imported by tests/<package>/test_<module>.py."""
    missing = []
    for module in _modules():
        if "_bundled" in module.parts:
            continue
        test = mirrored_test(module)
        if not test.is_file() or _dotted(module) not in _imported_names(_tree(test)):
            missing.append(f"{_shown(module)} → {_shown(test)}")
    assert not missing, "modules without a test in the mirrored place:\n" + "\n".join(missing)
