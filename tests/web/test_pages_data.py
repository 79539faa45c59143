"""The 数据 page (generator/web/pages_data.py): refused uploads remembered by region."""

from generator.web import pages_data
from generator.web.datafiles import FormsOutcome
from generator.web.state import Folder


def test_refused_uploads_read_what_the_outcome_noted(tmp_path):
    folder = Folder.for_output(tmp_path / "output")
    assert pages_data.refused_uploads(folder) == {}
    pages_data._note_outcome(folder, FormsOutcome(ok=False, refused={"青石县": "C7 不是数字",
                                                                      "白沙县": "缺少填报人"}))
    refused = pages_data.refused_uploads(folder)
    assert set(refused) == {"青石县", "白沙县"}
    assert refused["青石县"]["summary"].endswith("上传的填报表有问题：C7 不是数字")
    assert refused["青石县"]["summary"].startswith(refused["青石县"]["time"])
    pages_data._note_outcome(folder, FormsOutcome(ok=True, merged=["青石县"]))
    assert set(pages_data.refused_uploads(folder)) == {"白沙县"}   # a good form clears it


def test_an_unreadable_record_is_no_refusal(tmp_path):
    folder = Folder.for_output(tmp_path / "output")
    (folder.root / "refused.json").write_text("[1, 2]", encoding="utf-8")
    assert pages_data.refused_uploads(folder) == {}
    (folder.root / "refused.json").write_text("{oops", encoding="utf-8")
    assert pages_data.refused_uploads(folder) == {}


def test_the_data_page_routes():
    have = {(r.path, m) for r in pages_data.routes for m in r.methods if m != "HEAD"}
    assert ("/data", "GET") in have and ("/data/forms", "POST") in have
    assert ("/data/forms/confirm", "POST") in have and ("/data/values", "POST") in have
