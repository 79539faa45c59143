"""The workbench over HTTP (Starlette's TestClient): uploads and their limits, the data page's
problems and confirmation, replacing the values file, builds that collide or fail, restarts,
the overview, the preview and the changes page. Local mode unless a test says otherwise."""

from __future__ import annotations

import io
import json
import re
import shutil
import threading
import time
import zipfile
from urllib.parse import quote

import pytest
from openpyxl import load_workbook
from starlette.testclient import TestClient

from generator.web import uploads
from generator.web.app import MAX_BODY, create_app
from tests.web.web_support import (
    ADMIN_PASSWORD,
    COLLECTED,
    VALUES,
    XLSX,
    Shared,
    base,
    client,
    clone,
    csrf,
    main_text,
    report_paths,
    row_of,
    set_input,
    set_value,
    staged,
    start_build,
    upload,
    wait_job,
)

QS, BS, JC = "青石县", "白沙县", "江城区"
CODE = "trainees_party_school"          # 党校主体班培训人次, a count


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    return base(tmp_path_factory)


@pytest.fixture()
def config(built, tmp_path):
    return clone(built, tmp_path / "city")


@pytest.fixture()
def local(config):
    """(client, city folder) of the local mode over a private copy of the built city."""
    return client(create_app(config)), config.parent


@pytest.fixture(scope="module")
def viewer(built, tmp_path_factory):
    """A local client over a copy nobody changes (for pages that only read)."""
    return client(create_app(clone(built, tmp_path_factory.mktemp("viewer") / "city")))


def _nothing_merged(city) -> None:
    assert not (city / COLLECTED).exists()
    assert not (city / "output/.reportgen/returns").exists()
    assert staged(city) == []


def _no_traceback(r) -> None:
    assert "Traceback" not in r.text and "Internal Server Error" not in r.text


# --- request size --------------------------------------------------------------------------

def test_a_body_over_the_limit_is_413_and_nothing_is_staged(local):
    c, city = local
    token = csrf(c, "/data")
    big = b"\0" * (MAX_BODY + 1)
    r = c.post("/data/forms", data={"csrf": token}, files=[("files", ("青石县.xlsx", big, XLSX))])
    assert r.status_code == 413
    assert "上传的内容超过上限" in r.text and "20 MB" in r.text
    # sent without a length (chunked): refused while it streams in
    boundary = "reportgen-test-boundary"
    head = (f"--{boundary}\r\nContent-Disposition: form-data; name=\"csrf\"\r\n\r\n{token}\r\n"
            f"--{boundary}\r\nContent-Disposition: form-data; name=\"files\"; "
            f"filename=\"qs.xlsx\"\r\nContent-Type: {XLSX}\r\n\r\n").encode()

    def body():
        yield head
        for _ in range(MAX_BODY // (1024 * 1024) + 2):
            yield b"\0" * (1024 * 1024)
        yield f"\r\n--{boundary}--\r\n".encode()

    r = c.post("/data/forms", content=body(),
               headers={"Content-Type": f"multipart/form-data; boundary={boundary}"})
    assert r.status_code == 413 and "上传的内容超过上限" in r.text
    _nothing_merged(city)


def test_one_file_over_its_limit_is_refused_by_name(local):
    c, city = local
    big = b"PK" + b"\0" * uploads.MAX_UPLOAD_BYTES
    r = upload(c, [("青石县填报表.xlsx", big)])
    assert r.status_code == 400
    assert "「青石县填报表.xlsx」超过 20 MB 的上限" in main_text(r)
    _nothing_merged(city)


# --- files that are not plain forms --------------------------------------------------------

def _zip(members: dict[str, bytes]) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as zf:
        for name, data in members.items():
            zf.writestr(name, data)
    return out.getvalue()


def _bomb() -> bytes:
    return _zip({"[Content_Types].xml": b"<Types/>", "xl/workbook.xml": b"<workbook/>",
                 "xl/worksheets/sheet1.xml": b"\0" * (uploads.RATIO_FLOOR + 1024 * 1024)})


def _with_macros(form: bytes) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(form)) as src, zipfile.ZipFile(out, "w") as dst:
        for info in src.infolist():
            dst.writestr(info, src.read(info))
        dst.writestr("xl/vbaProject.bin", b"\xd0\xcf\x11\xe0macro")
    return out.getvalue()


BAD_FILES = {
    "zip bomb": ("青石县.xlsx", lambda f: _bomb(), "解压后过大"),
    "text": ("青石县.xlsx", lambda f: "地区,数值\n青石县,1\n".encode(), "不是有效的 Excel 工作簿"),
    "xls renamed": ("青石县.xlsx", lambda f: b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 512,
                    "旧版 .xls"),
    "xls": ("青石县.xls", lambda f: b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 512,
            "旧版 Excel 格式（.xls）"),
    "xlsm": ("青石县.xlsm", _with_macros, "带宏的 Excel 文件"),
    "macros inside": ("青石县.xlsx", _with_macros, "包含宏"),
}


@pytest.mark.parametrize("kind", BAD_FILES)
def test_unsafe_or_wrong_files_are_refused_by_name_and_nothing_merges(local, built, kind):
    c, city = local
    name, make, message = BAD_FILES[kind]
    data = make(built.form(QS))
    # with a good form beside it: the whole upload is refused
    r = upload(c, [("白沙县.xlsx", built.form(BS)), (name, data)])
    assert r.status_code == 400, main_text(r)
    text = main_text(r)
    assert f"「{name}」" in text and message in text, text
    _no_traceback(r)
    _nothing_merged(city)


# --- forms with problems -------------------------------------------------------------------

def test_a_located_problem_is_422_with_the_file_and_the_cell(local, built):
    c, city = local
    bad, cell = set_input(built.form(QS), CODE, "约120")
    r = upload(c, [("青石县填报表.xlsx", bad)])
    assert r.status_code == 422
    rows = re.findall(r'<tr class="errrow">(.*?)</tr>', r.text, re.S)
    assert rows, main_text(r)
    cells = [re.findall(r"<td>(.*?)</td>", row, re.S) for row in rows]
    hit = [row for row in cells if row[1] == "青石县填报表.xlsx" and row[2] == cell]
    assert hit and "「约120」不是数字" in hit[0][3], cells
    assert re.search(r"上传的填报表有 \d+ 个问题", main_text(r))
    assert "只合并没有问题的填报表" not in r.text       # nothing good to keep
    _nothing_merged(city)
    r = c.get("/")
    assert "有问题" in row_of(r, QS)


def test_confirm_merges_only_the_good_form_once(local, built):
    c, city = local
    bad, cell = set_input(built.form(BS), CODE, -3)
    r = upload(c, [("青石县.xlsx", built.form(QS)), ("白沙县.xlsx", bad)])
    assert r.status_code == 422
    text = main_text(r)
    assert "本次没有合并任何数据" in text and "不能是负数" in text and cell in text
    assert not (city / COLLECTED).exists()
    token = re.search(r'name="token" value="([^"]+)"', r.text).group(1)
    assert "只合并没有问题的填报表" in r.text and "（青石县）" in text
    assert [p.name for p in staged(city)] == [token]
    form_token = csrf(c, "/data")
    r = c.post("/data/forms/confirm", data={"csrf": form_token, "token": token})
    assert r.status_code in (200, 422), main_text(r)
    assert "没有问题的已合并：青石县" in main_text(r) or "已合并：青石县" in main_text(r)
    merged = (city / COLLECTED).read_text(encoding="utf-8-sig")
    assert "青石县" in merged and "白沙县" not in merged
    assert staged(city) == []
    after = (city / COLLECTED).read_bytes()
    # the token is spent
    r = c.post("/data/forms/confirm", data={"csrf": form_token, "token": token})
    assert r.status_code == 400 and "这次上传已过期或不存在" in main_text(r)
    for forged in ("../web", "upload-../../data", "upload-nothing"):
        r = c.post("/data/forms/confirm", data={"csrf": form_token, "token": forged})
        assert r.status_code == 400 and "这次上传已过期或不存在" in main_text(r)
    assert (city / COLLECTED).read_bytes() == after
    ov = c.get("/")
    assert "已交" in row_of(ov, QS) and "有问题" in row_of(ov, BS)


def test_confirm_token_is_its_accounts_own(config, built):
    shared = Shared(config)
    admin = shared.admin()
    county, _ = shared.county(QS)
    bad, _ = set_input(built.form(BS), CODE, "很多")
    r = upload(admin, [("青石县.xlsx", built.form(QS)), ("白沙县.xlsx", bad)])
    assert r.status_code == 422
    token = re.search(r'name="token" value="([^"]+)"', r.text).group(1)
    r = county.post("/data/forms/confirm", data={"csrf": csrf(county, "/data"), "token": token})
    assert r.status_code == 400 and "这次上传已过期或不存在" in main_text(r)
    assert not (config.parent / COLLECTED).exists()
    # still the administrator's to confirm
    r = admin.post("/data/forms/confirm", data={"csrf": csrf(admin, "/data"), "token": token})
    assert r.status_code in (200, 422) and "青石县" in main_text(r)
    assert "青石县" in (config.parent / COLLECTED).read_text(encoding="utf-8-sig")


# --- the values file -------------------------------------------------------------------------

def test_values_upload_replaces_only_a_valid_workbook_and_keeps_the_old_one(local):
    c, city = local
    path = city / VALUES
    original = path.read_bytes()
    history = city / "output/.history/指标数据"
    bad = set_value(path, "江城区", CODE, "很多")
    r = upload(c, [("指标数据（改）.xlsx", bad)], path="/data/values", field="file", target="0")
    assert r.status_code == 422
    text = main_text(r)
    assert "现有数据没有被替换" in text and "「很多」" in text and "指标数据（改）.xlsx" in text
    assert re.search(r"第\d+行", text)
    assert path.read_bytes() == original and not history.exists()
    assert staged(city) == []
    # another format than the file it replaces
    r = upload(c, [("指标数据.csv", "地区,年度\n".encode())], path="/data/values", field="file",
               target="0")
    assert r.status_code == 400 and "同一格式" in main_text(r)
    assert path.read_bytes() == original
    # a valid one: replaced, the old one backed up
    good = set_value(path, "江城区", CODE, 321)
    r = upload(c, [("指标数据.xlsx", good)], path="/data/values", field="file", target="0")
    assert r.status_code == 200, main_text(r)
    assert "已替换「指标数据.xlsx」" in main_text(r)
    assert path.read_bytes() == good
    backups = list(history.iterdir())
    assert len(backups) == 1 and backups[0].read_bytes() == original
    assert backups[0].name.startswith("指标数据.") and backups[0].name.endswith(".替换前.xlsx")
    assert staged(city) == []


# --- builds ----------------------------------------------------------------------------------

def test_one_build_at_a_time_and_uploads_wait_while_the_server_answers(config, built):
    city = config.parent
    shutil.rmtree(city / "output" / ".reportgen" / "charts", ignore_errors=True)  # a long build:
    app = create_app(config)                                                 # it draws them all
    with TestClient(app, follow_redirects=False) as c:   # one event loop for every request
        job = start_build(c, "all", force="1")
        token = csrf(c, "/build")
        page = c.get("/build")
        assert "正在进行" in page.text and re.search(r"<button type=\"submit\" disabled", page.text)
        for scope in ("all", QS):
            r = c.post("/build", data={"csrf": token, "scope": scope})
            assert r.status_code == 409
            assert "请等它完成后再试" in main_text(r) and "报告生成" in main_text(r)
            _no_traceback(r)
        assert len(app.state.bench.builds.jobs) == 1
        # a form uploaded now waits for the build; meanwhile the server keeps answering
        result = {}

        def send():
            result["r"] = upload(c, [("青石县.xlsx", built.form(QS))], token=token)
            result["over"] = app.state.bench.builds.get(job).over

        sender = threading.Thread(target=send)
        sender.start()
        time.sleep(0.8)
        assert sender.is_alive() and not app.state.bench.builds.get(job).over
        started = time.monotonic()
        poll = c.get(f"/api/build/{job}")
        took = time.monotonic() - started
        state = wait_job(c, job)["state"]
        sender.join(60)
        assert poll.status_code == 200
        assert took < 2, f"the progress poll waited {took:.1f} s for the upload (event loop blocked)"
        r = result["r"]
        _no_traceback(r)
        if r.status_code == 409:
            assert "请等它完成后再试" in main_text(r)
        else:
            assert r.status_code == 200 and result["over"], main_text(r)
            assert "已合并：青石县" in main_text(r)
            assert "青石县" in (city / COLLECTED).read_text(encoding="utf-8-sig")
        assert state == "完成"
        assert len(app.state.bench.builds.jobs) == 1 and not app.state.bench.lock.busy


def test_a_build_that_cannot_run_leaves_the_reports_as_they_were(local):
    c, city = local
    reports = report_paths(city)
    before = {name: p.read_bytes() for name, p in reports.items()}
    (city / "templates/12_theory.md.j2").write_text("{% if %}\n", encoding="utf-8")
    r = c.post("/build", data={"csrf": csrf(c, "/build"), "scope": "all", "force": "1"})
    assert r.status_code == 400
    assert "12_theory.md.j2" in main_text(r) and "模板语法错误" in main_text(r)
    page = c.get("/build")
    assert page.status_code == 200 and "模板语法错误" in main_text(page)
    # the previous reports are listed, served, unchanged
    assert {n: p.read_bytes() for n, p in reports.items()} == before
    r = c.get(f"/download/{quote(QS)}/docx")
    assert r.status_code == 200 and r.content == before[QS]
    assert c.get(f"/reports/{quote(QS)}").status_code == 200
    assert c.get("/download/all.zip").status_code == 200


def test_a_failed_build_shows_its_error_and_keeps_the_previous_reports(local):
    c, city = local
    reports = report_paths(city)
    before = {name: p.read_bytes() for name, p in reports.items()}
    (city / VALUES).write_bytes(set_value(city / VALUES, "江城区", CODE, "很多"))
    job = start_build(c, "all", force="1")
    state = wait_job(c, job)
    assert state["state"] == "失败" and "很多" in state["message"]
    page = c.get(f"/build?job={job}")
    text = main_text(page)
    assert "失败" in text and "数据检查发现 1 个错误" in text and "未写入任何文件" in text
    _no_traceback(page)
    assert {n: p.read_bytes() for n, p in reports.items()} == before
    r = c.get(f"/download/{quote(QS)}/docx")
    assert r.status_code == 200 and r.content == before[QS]
    assert "有问题" in row_of(c.get("/"), "江城区")


# --- restarts --------------------------------------------------------------------------------

def test_restart_keeps_builds_accounts_and_the_audit_log(config):
    city = config.parent
    shared = Shared(config)
    admin = shared.admin()
    county, password = shared.county(QS)
    job = start_build(admin, QS)
    assert wait_job(admin, job)["state"] == "完成"
    cookie = admin.cookies.get("reportgen_session")

    again = Shared(config)                      # the server started again on the folder
    assert again.app is not shared.app
    c = client(again.app)
    c.cookies.set("reportgen_session", cookie)  # the session key is kept too
    page = c.get("/build")
    assert page.status_code == 200
    assert f'data-job="{job}"' in page.text and "完成" in main_text(page) and QS in main_text(page)
    log = main_text(c.get("/accounts"))
    assert "青石县 修改密码" in log and f"任务 {job}" in log
    assert again.sign_in(QS, password).get("/").status_code == 200
    assert again.sign_in("管理员", ADMIN_PASSWORD).get("/accounts").status_code == 200

    # a build recorded as running (the server stopped during it) is shown as interrupted
    jobs = json.loads((city / "output/.reportgen/web/builds.json").read_text(encoding="utf-8"))
    jobs[-1].update(state="进行中", result=None, finished="")
    (city / "output/.reportgen/web/builds.json").write_text(json.dumps(jobs, ensure_ascii=False),
                                                           encoding="utf-8")
    third = Shared(config)
    c = client(third.app)
    c.cookies.set("reportgen_session", cookie)
    page = c.get("/build")
    assert "已中断" in main_text(page) and "服务在生成过程中停止" in main_text(page)
    state = c.get(f"/api/build/{job}").json()
    assert state["state"] == "已中断" and state["over"] is True
    assert "已中断" in main_text(c.get("/"))
    # and a new build may start
    assert wait_job(c, start_build(c, QS))["state"] == "完成"


# --- the overview, the preview, the changes -----------------------------------------------------

def test_overview_shows_each_regions_state_and_follows_uploads(local, built):
    c, city = local
    r = c.get("/")
    qs = row_of(r, QS)
    assert "未交" in qs and re.search(r"\d+ 项待补", qs)
    assert re.search(r"\d{4}-\d{2}-\d{2} \d{2}:\d{2}", qs) and "未生成" not in qs   # last build
    missing = int(re.search(r"(\d+) 项待补", qs).group(1))
    assert missing > 10
    assert "已交" in row_of(r, "江城区") and "查看报告" in row_of(r, "江城区")
    assert "未交" in row_of(r, BS)
    assert upload(c, [("青石县填报表.xlsx", built.form(QS))]).status_code == 200
    bad, _ = set_input(built.form(BS), CODE, "很多")
    assert upload(c, [("白沙县填报表.xlsx", bad)]).status_code == 422
    r = c.get("/")
    qs = row_of(r, QS)
    assert "已交" in qs and "青石县填报表.xlsx" in qs
    now = re.search(r"(\d+) 项待补", qs)
    assert now is None or int(now.group(1)) < missing
    assert "有问题" in row_of(r, BS) and "上传的填报表有问题" in row_of(r, BS)


def test_preview_shows_the_report_with_its_charts(viewer):
    c = viewer
    r = c.get(f"/reports/{quote(JC)}")
    assert r.status_code == 200
    assert re.search(r'<h1 class="doc-title">(临江市)?江城区贯彻落实.*?实施情况评估报告</h1>', r.text, re.S)
    headings = re.findall(r"<h2>(.*?)</h2>", r.text)
    assert len(headings) >= 3 and headings[0].startswith("一、")
    images = re.findall(r'<img[^>]*src="([^"]+)"', r.text)
    assert len(images) >= 3
    for src in images:
        assert src.startswith(f"/reports/{quote(JC)}/chart/")
        png = c.get(src.replace("&amp;", "&"))
        assert png.status_code == 200 and png.headers["content-type"] == "image/png"
        assert png.content.startswith(b"\x89PNG\r\n\x1a\n")
    r = c.get(f"/reports/{quote(QS)}/chart/no-such-chart.png")
    assert r.status_code == 404 and "没有这张图" in main_text(r)
    r = c.get(f"/reports/{quote('不存在县')}")
    assert r.status_code == 404 and "地区表中没有「不存在县」" in main_text(r)
    r = c.get(f"/download/{quote(QS)}/notes")
    assert r.status_code == 404 and "修订说明" in main_text(r)
    assert "还没有变化记录" in main_text(c.get("/changes"))


def test_changes_page_shows_the_revision_notes_after_a_change_and_rebuild(local):
    from generator.build import build

    c, city = local
    path = city / VALUES
    ws = load_workbook(path)["指标数据"]
    old = next(r[3] for r in ws.iter_rows(min_row=2, values_only=True)
               if r[0] == "江城区" and r[1] == 2025 and r[2] == CODE)
    new = int(old) - 14
    r = upload(c, [("指标数据.xlsx", set_value(path, "江城区", CODE, new))], path="/data/values",
               field="file", target="0")
    assert r.status_code == 200, main_text(r)
    build(city / "report.yaml", ["江城区"])
    r = c.get("/changes")
    text = main_text(r)
    assert "江城区" in text and "修订说明" in text
    assert f"江城区2025年「党校主体班培训人次」：{old}人次 → {new}人次" in text
    notes = c.get(f"/download/{quote('江城区')}/notes")
    assert notes.status_code == 200 and f"{old}人次 → {new}人次" in notes.content.decode("utf-8-sig")
    assert "修订说明" in c.get(f"/reports/{quote('江城区')}").text
