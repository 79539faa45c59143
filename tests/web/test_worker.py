"""The build worker (generator/web/worker.py): a build reported as JSON lines, a refusal as an error event."""

import json

import pytest

from generator.web import worker
from tests.sample import copy_sample


@pytest.fixture()
def sample(tmp_path):
    copy_sample(tmp_path)
    return tmp_path


def _events(capsys) -> list[dict]:
    return [json.loads(line) for line in capsys.readouterr().out.splitlines()]


def test_the_worker_reports_a_build_as_json_lines(sample, capsys):
    code = worker.main([str(sample / "report.yaml"), "--region", "青石县"])
    events = _events(capsys)
    assert code == 0
    assert events[0] == {"event": "start", "total": 1}
    assert events[1] == {"event": "region", "region": "青石县", "error": None}
    done = events[-1]
    assert done["event"] == "done" and done["failures"] == {}
    row = done["written"][0]
    assert row["region"] == "青石县" and row["state"] == "已生成" and row["pages"] > 20
    assert row["file"].startswith("output/2025/") and (sample / row["file"]).is_file()


def test_the_worker_reports_a_broken_template_and_writes_nothing(sample, capsys):
    broken = sample / "templates" / "10_achievements.md.j2"
    broken.write_text(broken.read_text(encoding="utf-8") + "\n{% if %}\n", encoding="utf-8")
    code = worker.main([str(sample / "report.yaml"), "--all"])
    events = _events(capsys)
    assert code == 1
    assert events[-1]["event"] == "error" and "10_achievements.md.j2" in events[-1]["message"]
    assert not list((sample / "output").rglob("*.docx"))
