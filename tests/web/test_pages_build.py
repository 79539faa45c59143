"""The 生成 page (generator/web/pages_build.py): its routes and the job's state for polling."""

from generator.web import pages_build
from generator.web.app import create_app
from tests.sample import copy_sample
from tests.web.web_support import client


def test_the_build_page_routes():
    have = {(r.path, m) for r in pages_build.routes for m in r.methods if m != "HEAD"}
    assert have == {("/build", "GET"), ("/build", "POST"), ("/api/build/{job}", "GET")}


def test_an_unknown_job_is_a_json_404_and_the_page_shows_no_job(tmp_path):
    city = copy_sample(tmp_path / "city")
    c = client(create_app(city / "report.yaml"))
    r = c.get("/api/build/nosuchjob")
    assert r.status_code == 404
    assert r.json() == {"error": "没有这个生成任务。"}
    page = c.get("/build")
    assert page.status_code == 200 and "青石县" in page.text
