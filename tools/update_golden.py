"""Regenerates the golden narrative texts under tests/golden/ (review the diff, then commit).

    make golden
"""

from __future__ import annotations

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from generator.build import gather  # noqa: E402
from tests.docx_digest import sample_digests  # noqa: E402

GOLDEN = ROOT / "tests" / "golden"
REGIONS = ("临江市", "青石县")


def main() -> None:
    job = gather(ROOT / "report.yaml", list(REGIONS))
    GOLDEN.mkdir(parents=True, exist_ok=True)
    for report in job.reports:
        path = GOLDEN / f"{report.region.name}.txt"
        old = path.read_text(encoding="utf-8") if path.exists() else None
        new = report.narrative.text
        path.write_text(new, encoding="utf-8")
        state = "unchanged" if old == new else ("created" if old is None else "updated")
        print(f"{path.relative_to(ROOT)}: {state} ({len(new)} characters)")
    import json

    path = GOLDEN / "docx.sha256.json"
    old = path.read_text(encoding="utf-8") if path.exists() else None
    new = json.dumps(sample_digests(ROOT / "report.yaml"), ensure_ascii=False, indent=1) + "\n"
    path.write_text(new, encoding="utf-8")
    print(f"{path.relative_to(ROOT)}: {'unchanged' if old == new else 'updated'}")


if __name__ == "__main__":
    main()
