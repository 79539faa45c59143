"""Runs the bad-input corpus (tests/corpus/*): every case on a fresh copy of the sample.

The count of cases is printed (pytest -s shows it; it is also in the last test's name).
"""

from __future__ import annotations

import hashlib
import importlib
import pkgutil
import re
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

import tests.corpus as corpus
from generator.cli import main
from generator.output import data_cache
from generator.output.manifest import CHECKED
from tests.sample import copy_sample

ROOT = Path(__file__).resolve().parent.parent


def _cases() -> list[corpus.Case]:
    out = []
    for mod in pkgutil.iter_modules(corpus.__path__):
        out.extend(importlib.import_module(f"tests.corpus.{mod.name}").CASES)
    names = [c.name for c in out]
    dupes = {n for n in names if names.count(n) > 1}
    assert not dupes, f"duplicate case names: {dupes}"
    return out


CASES = _cases()


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    """The sample with a good build of the city report in output/ (made once)."""
    base = tmp_path_factory.mktemp("sample")
    copy_sample(base)
    r = CliRunner().invoke(main, ["build", "-c", str(base / "report.yaml")])
    assert r.exit_code == 0, r.output
    return base


def _snapshot(folder: Path) -> dict[str, str]:
    """Hash of every file under `folder` but the caches: the data cache's (output/.reportgen/
    data/: what reading each data file gave) and the check record (what the last check found
    per document), both rewritten when their inputs change, never a result."""
    if not folder.exists():
        return {}
    cache = data_cache(folder)
    return {str(p.relative_to(folder)): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(folder.rglob("*"))
            if p.is_file() and cache not in p.parents and p != folder / CHECKED}


def test_corpus_size():
    print(f"\n坏输入语料：{len(CASES)} 个用例")
    assert len(CASES) >= 60, f"the corpus has {len(CASES)} cases; the issue asks for at least 60"


@pytest.mark.parametrize("case", CASES, ids=[c.name for c in CASES])
def test_case(case, built, tmp_path, monkeypatch):
    root = tmp_path / "city"
    shutil.copytree(built, root)
    for k, v in case.env.items():
        monkeypatch.setenv(k, v)
    case.setup(root)
    before = _snapshot(root / "output")
    result = CliRunner().invoke(main, [*case.args, "-c", str(root / case.config)])
    out = result.output
    assert not corpus.TRACEBACK.search(out), f"traceback in the output:\n{out}"
    assert result.exception is None or isinstance(result.exception, SystemExit), repr(result.exception)
    if case.exit_code is None:
        assert result.exit_code != 0, f"exit code 0 for bad input:\n{out}"
    else:
        assert result.exit_code == case.exit_code, out
    for piece in case.expect:
        assert piece in out, f"「{piece}」 not in the output:\n{out}"
    after = _snapshot(root / "output")
    changed = [k for k in before if before[k] != after.get(k)]
    assert not changed, f"output files changed or removed: {changed}"
    added = [k for k in after if k not in before
             and not any(re.fullmatch(p, k) for p in case.may_add)]
    assert not added, f"files added to output/: {added}"
