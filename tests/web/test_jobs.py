"""Build jobs (generator/web/jobs.py): the history survives a restart, one build at a time."""

import json

import pytest

from generator.web.jobs import DONE, INTERRUPTED, RUNNING, BuildJob, Builds
from generator.web.state import Busy, CityLock, Folder


def _builds(tmp_path) -> Builds:
    folder = Folder.for_output(tmp_path / "output")
    return Builds(tmp_path / "report.yaml", folder, CityLock(folder.lock_file))


def _record(folder: Folder, *jobs: BuildJob) -> None:
    items = []
    for job in jobs:
        item = job.public()
        item.pop("over")
        items.append(item)
    folder.builds.write_text(json.dumps(items, ensure_ascii=False), encoding="utf-8")


def test_a_job_recorded_as_running_is_loaded_as_interrupted(tmp_path):
    folder = Folder.for_output(tmp_path / "output")
    _record(folder, BuildJob("a1", "管理员", "全部地区", ["--all"], "2025-01-01T09:00:00", state=DONE),
            BuildJob("b2", "管理员", "青石县", ["--region", "青石县"], "2025-01-01T10:00:00"))
    builds = Builds(tmp_path / "report.yaml", folder, CityLock(folder.lock_file))
    assert [j.id for j in builds.jobs] == ["a1", "b2"]
    assert builds.get("a1").state == DONE
    interrupted = builds.get("b2")
    assert interrupted.state == INTERRUPTED and interrupted.over
    assert "重新生成" in interrupted.message
    assert builds.latest() is interrupted
    assert builds.get("zz") is None


def test_an_unreadable_history_is_an_empty_one(tmp_path):
    folder = Folder.for_output(tmp_path / "output")
    folder.builds.write_text("{not json", encoding="utf-8")
    builds = Builds(tmp_path / "report.yaml", folder, CityLock(folder.lock_file))
    assert builds.jobs == [] and builds.latest() is None


def test_a_build_is_refused_while_the_city_is_held(tmp_path):
    builds = _builds(tmp_path)
    with builds.lock.held("青石县上传填报表"):
        with pytest.raises(Busy) as caught:
            builds.start("管理员", "全部地区", None, all_regions=True)
    assert caught.value.what == "青石县上传填报表"
    assert builds.jobs == [] and not builds.folder.builds.exists()
    assert not builds.lock.busy


def test_a_new_job_is_running_until_its_worker_reports(tmp_path):
    job = BuildJob("c3", "管理员", "市本级", [], "2025-01-01T10:00:00")
    assert job.state == RUNNING and not job.over
    assert job.public()["over"] is False
