"""The rendered narrative of the sample city and one county equals the reviewed golden text.

After a deliberate change to templates or sample data, run `make golden` and review the diff.
"""

from pathlib import Path

import pytest

from generator.build import gather

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
