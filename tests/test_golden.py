"""The rendered narrative of the sample city and one county equals the reviewed golden text,
and every document of the sample equals, part by part, the one the golden digests record
(tests/golden/docx.sha256.json): a refactoring leaves the output byte-identical.

After a deliberate change to templates or sample data, run `make golden` and review the diff.
"""

from pathlib import Path

import pytest

from generator.build import gather
from tests.docx_digest import sample_digests

ROOT = Path(__file__).resolve().parent.parent
GOLDEN = ROOT / "tests" / "golden"


@pytest.fixture(scope="module")
def job():
    return gather(ROOT / "report.yaml", ["临江市", "青石县"])


@pytest.mark.parametrize("index,region", [(0, "临江市"), (1, "青石县")])
def test_narrative_matches_golden(job, index, region):
    report = job.reports[index]
    assert report.region.name == region
    expected = (GOLDEN / f"{region}.txt").read_text(encoding="utf-8")
    actual = report.narrative.text
    if actual != expected:
        old, new = expected.splitlines(), actual.splitlines()
        first = next((i for i, (a, b) in enumerate(zip(old, new, strict=False)) if a != b), min(len(old), len(new)))
        pytest.fail(f"{region} 正文与 tests/golden 不同（第{first + 1}行）。\n"
                    f"golden: {old[first] if first < len(old) else '<无>'}\n"
                    f"actual: {new[first] if first < len(new) else '<无>'}\n"
                    "如属有意修改，请运行 make golden 并审阅 diff。")


def test_documents_match_their_golden_digests(monkeypatch):
    import json

    monkeypatch.delenv("SOURCE_DATE_EPOCH", raising=False)   # the date comes from report.yaml
    expected = json.loads((GOLDEN / "docx.sha256.json").read_text(encoding="utf-8"))
    actual = sample_digests(ROOT / "report.yaml")
    changed = sorted(name for name in expected if actual.get(name) != expected[name])
    assert set(actual) == set(expected), "the sample's regions changed: run make golden"
    assert not changed, (f"{'、'.join(changed)}的文档与 tests/golden/docx.sha256.json 不同。"
                         "如属有意修改，请运行 make golden 并审阅 diff。")
