"""The overview of the city (generator/web/status.py): each region's form and report."""

from generator.web import status
from tests.sample import copy_sample, count_compositions, edit_value

REGIONS = ["临江市", "江城区", "东湖区", "西山区", "临川县", "青石县", "白沙县", "云岭县", "安平市"]


def test_the_sample_city_is_complete(tmp_path):
    city = copy_sample(tmp_path / "city")
    ov = status.compute(city / "report.yaml")
    assert ov.error == "" and ov.city == "临江市" and ov.year == 2025
    assert [r.name for r in ov.regions] == REGIONS
    assert ov.regions[0].is_city and not any(r.is_city for r in ov.regions[1:])
    for r in ov.regions:
        assert r.form == status.SUBMITTED and r.missing == 0 and r.problem == ""
        assert r.report is not None and not r.has_report     # nothing built yet
    assert ov.region("青石县") is ov.regions[5] and ov.region("外省") is None


def test_a_refused_upload_marks_its_region(tmp_path):
    city = copy_sample(tmp_path / "city")
    refused = {"青石县": {"time": "2025-01-01 10:00", "summary": "2025-01-01 10:00 上传的填报表有问题：x"}}
    ov = status.compute(city / "report.yaml", refused)
    assert ov.region("青石县").form == status.PROBLEM
    assert "上传的填报表有问题" in ov.region("青石县").form_detail
    assert ov.region("白沙县").form == status.SUBMITTED


def test_a_broken_template_is_said_once_and_the_regions_still_listed(tmp_path):
    city = copy_sample(tmp_path / "city")
    broken = city / "templates" / "10_achievements.md.j2"
    broken.write_text(broken.read_text(encoding="utf-8") + "\n{% if %}\n", encoding="utf-8")
    ov = status.compute(city / "report.yaml")
    assert "10_achievements.md.j2" in ov.error
    assert [r.name for r in ov.regions] == REGIONS
    assert all(r.problem == "" for r in ov.regions)


def test_after_a_correction_the_overview_composes_only_the_regions_it_touches(tmp_path, monkeypatch):
    """Like `reportgen check`: regions whose inputs are those recorded last time are not
    composed again, and their 【待补】 counts are the recorded ones."""
    city = copy_sample(tmp_path / "city")
    edit_value(city, "青石县", 2025, "joint_meeting_depts")   # one value missing: 待补 in 青石县
    composed = count_compositions(monkeypatch)
    first = status.compute(city / "report.yaml")
    assert len(composed) == 9 and first.region("青石县").missing == 1
    composed.clear()
    again = status.compute(city / "report.yaml")
    assert composed == []
    assert [(r.name, r.missing, r.problem) for r in again.regions] == \
        [(r.name, r.missing, r.problem) for r in first.regions]
    edit_value(city, "白沙县", 2025, "joint_meeting_depts", lambda n: n + 1)   # its own count
    composed.clear()
    third = status.compute(city / "report.yaml")
    assert "白沙县" in composed and len(composed) < 9, composed
    assert third.region("青石县").missing == 1 and third.region("白沙县").missing == 0
