"""The shared (intranet) mode over HTTP: who may see and do what, CSRF, signing in, sessions
and the audit log. Every test runs the real app (Starlette's TestClient) over a built city."""

from __future__ import annotations

import base64
import hashlib
import io
import json
import re
import zipfile
from urllib.parse import quote

import pytest
from itsdangerous import TimestampSigner

from generator.web.app import session_stamp
from tests.web.web_support import (
    ADMIN_PASSWORD,
    COLLECTED,
    Shared,
    base,
    client,
    clone,
    csrf,
    main_text,
    report_paths,
    row_of,
    staged,
    start_build,
    upload,
    wait_job,
)

QS, BS = "青石县", "白沙县"
COOKIE = "reportgen_session"


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    return base(tmp_path_factory)


@pytest.fixture()
def shared(built, tmp_path) -> Shared:
    return Shared(clone(built, tmp_path / "city"))


def _chart_key(c, region: str) -> str:
    r = c.get(f"/reports/{quote(region)}")
    assert r.status_code == 200
    found = re.search(r'/chart/([^/."]+)\.png', r.text)
    assert found, "the preview shows no chart"
    return found.group(1)


# --- not signed in ---------------------------------------------------------------------------

PAGES = ["/", "/data", "/build", "/reports", f"/reports/{QS}", "/changes", "/accounts",
         "/password", f"/data/form/{QS}", "/data/file/0"]
FILES = [f"/download/{QS}/docx", f"/download/{QS}/notes", "/download/all.zip",
         f"/reports/{QS}/chart/completion.png"]


def test_signed_out_every_page_goes_to_login_and_nothing_is_served(shared, built):
    c = client(shared.app)
    for path in PAGES + FILES:
        r = c.get(path)
        assert r.status_code == 303, path
        assert r.headers["location"] == "/login?next=" + quote(path), path
        assert r.content == b"", path
    r = c.get("/login")
    assert r.status_code == 200 and "登录" in r.text
    # the progress poll of the build page gets a JSON refusal it can show, not a login page
    r = c.get("/api/build/0123456789ab")
    assert r.status_code == 401
    assert "登录" in r.json()["error"]
    # and nothing can be posted without signing in, with or without a token
    before = shared.bench.accounts.get(QS).hash
    token = csrf(c, "/login")
    for path, data in [("/build", {"scope": "all"}), ("/accounts/reset", {"name": QS}),
                       ("/data/values", {"target": "0"}), ("/data/forms/confirm", {"token": "x"})]:
        for sent in ({}, {"csrf": token}):
            r = c.post(path, data={**data, **sent})
            assert r.status_code == 303 and r.headers["location"].startswith("/login"), path
    r = upload(c, [("青石县.xlsx", built.form(QS))], token=token)
    assert r.status_code == 303 and r.headers["location"].startswith("/login")
    assert shared.bench.builds.jobs == [] and shared.bench.accounts.get(QS).hash == before
    assert not (shared.city / COLLECTED).exists() and staged(shared.city) == []


# --- a county's account ----------------------------------------------------------------------

def test_county_sees_and_downloads_only_its_own_region(shared):
    c, _ = shared.county(QS)
    docx = report_paths(shared.city)
    r = c.get("/")
    assert r.status_code == 200
    assert QS in row_of(r, QS)
    for other in ("临江市", BS, "江城区"):
        with pytest.raises(AssertionError):
            row_of(r, other)
    # its own preview, report and form
    r = c.get(f"/reports/{quote(QS)}")
    assert r.status_code == 200 and "青石县贯彻落实" in r.text
    r = c.get(f"/download/{quote(QS)}/docx")
    assert r.status_code == 200 and r.content == docx[QS].read_bytes()
    key = _chart_key(c, QS)
    r = c.get(f"/reports/{quote(QS)}/chart/{key}.png")
    assert r.status_code == 200 and r.headers["content-type"] == "image/png"
    r = c.get(f"/data/form/{quote(QS)}")
    assert r.status_code == 200 and r.content.startswith(b"PK")
    assert quote("（青石县）") in r.headers["content-disposition"]
    # another region's: refused with a message in Chinese
    for path in [f"/reports/{BS}", f"/download/{BS}/docx", f"/download/{BS}/pdf",
                 f"/reports/{BS}/chart/{key}.png", f"/data/form/{BS}", "/reports/临江市",
                 "/download/临江市/docx"]:
        r = c.get(path)
        assert r.status_code == 403, path
        assert "你的账号只能查看和上传青石县的数据和报告" in main_text(r), path
        assert not r.content.startswith(b"PK"), path
    r = c.get("/accounts")
    assert r.status_code == 403 and "只有管理员" in main_text(r)
    assert c.get("/data/file/0").status_code == 403
    # all.zip holds its own files only
    r = c.get("/download/all.zip")
    assert r.status_code == 200
    names = zipfile.ZipFile(io.BytesIO(r.content)).namelist()
    assert names and all(QS in n for n in names), names
    assert any(n.endswith(docx[QS].name) for n in names)


def test_county_cannot_change_values_or_build_for_others(shared):
    c, _ = shared.county(QS)
    values = (shared.city / "data/指标数据.xlsx").read_bytes()
    r = upload(c, [("指标数据.xlsx", values)], path="/data/values", field="file", target="0")
    assert r.status_code == 403 and "只有管理员" in main_text(r)
    token = csrf(c, "/build")
    for scope, message in [("all", "只有管理员可以生成全部地区的报告"),
                           (BS, "你的账号只能查看和上传青石县"),
                           ("临江市", "你的账号只能查看和上传青石县")]:
        r = c.post("/build", data={"csrf": token, "scope": scope})
        assert r.status_code == 403, scope
        assert message in main_text(r), scope
    assert shared.bench.builds.jobs == [] and not shared.bench.lock.busy
    assert (shared.city / "data/指标数据.xlsx").read_bytes() == values


def test_county_upload_of_another_regions_form_merges_nothing(shared, built):
    c, _ = shared.county(QS)
    for files in ([("白沙县.xlsx", built.form(BS))],
                  [("青石县.xlsx", built.form(QS)), ("白沙县.xlsx", built.form(BS))]):
        r = upload(c, files)
        assert r.status_code == 400
        text = main_text(r)
        assert "〈白沙县.xlsx〉是白沙县的填报表" in text and "都没有合并" in text
        assert not (shared.city / COLLECTED).exists()
        assert not (shared.city / "output/.reportgen/returns").exists()
        assert staged(shared.city) == []
    # its own form is merged
    r = upload(c, [("青石县.xlsx", built.form(QS))])
    assert r.status_code == 200, main_text(r)
    assert "已合并：青石县" in main_text(r)
    merged = (shared.city / COLLECTED).read_text(encoding="utf-8-sig")
    assert "青石县" in merged and "白沙县" not in merged


# --- CSRF --------------------------------------------------------------------------------------

def test_posts_need_the_sessions_token_and_the_sites_origin(shared):
    admin = shared.admin()
    token = csrf(admin, "/accounts")
    accounts = shared.bench.accounts
    before = accounts.get(QS).hash
    refused = [({"name": QS}, {}),                                      # no token
               ({"name": QS, "csrf": "x" * len(token)}, {}),            # a wrong one
               ({"name": QS, "csrf": ""}, {}),
               ({"name": QS, "csrf": token}, {"Origin": "http://evil.example"}),
               ({"name": QS, "csrf": token}, {"Origin": "http://testserver.evil.example"}),
               ({"name": QS, "csrf": token}, {"Origin": "null"}),
               ({"name": QS}, {"X-CSRF-Token": "wrong"})]
    for data, headers in refused:
        r = admin.post("/accounts/reset", data=data, headers=headers)
        assert r.status_code == 403, (data, headers)
        assert "安全校验未通过" in main_text(r)
        assert accounts.get(QS).hash == before
    # another session's token does not do either
    other = shared.admin()
    r = other.post("/accounts/reset", data={"name": QS, "csrf": token})
    assert r.status_code == 403 and accounts.get(QS).hash == before
    # the right token (field or header), from this site: done
    r = admin.post("/accounts/reset", data={"name": QS, "csrf": token},
                   headers={"Origin": "http://testserver"})
    assert r.status_code == 200 and accounts.get(QS).hash != before
    before = accounts.get(QS).hash
    r = admin.post("/accounts/reset", data={"name": QS}, headers={"X-CSRF-Token": token})
    assert r.status_code == 200 and accounts.get(QS).hash != before


def test_login_form_needs_its_token(shared):
    c = client(shared.app)
    c.get("/login")
    r = c.post("/login", data={"name": "管理员", "password": ADMIN_PASSWORD})
    assert r.status_code == 403
    assert c.get("/").status_code == 303


# --- signing in --------------------------------------------------------------------------------

def test_wrong_password_is_401_and_audited(shared):
    c = client(shared.app)
    r = c.post("/login", data={"name": QS, "password": "not-the-password",
                               "csrf": csrf(c, "/login")})
    assert r.status_code == 401
    assert "账号或密码不对" in main_text(r)
    assert c.get("/").status_code == 303
    entry = shared.bench.audit.entries(1)[0]
    assert (entry["who"], entry["action"]) == (QS, "登录失败")
    assert entry["addr"] == "testclient"


def test_five_failures_throttle_the_name(shared):
    c = client(shared.app)
    token = csrf(c, "/login")
    for _ in range(5):
        r = c.post("/login", data={"name": "管理员", "password": "guess-123", "csrf": token})
        assert r.status_code == 401
    # now even the right password waits
    r = c.post("/login", data={"name": "管理员", "password": ADMIN_PASSWORD, "csrf": token})
    assert r.status_code == 429
    assert "登录失败次数过多" in main_text(r) and "分钟后再试" in main_text(r)
    assert c.get("/").status_code == 303
    failures = [e for e in shared.bench.audit.entries(50) if e["action"] == "登录失败"]
    assert len(failures) == 5


def _cookie(c) -> str:
    return c.cookies.get(COOKIE)


def _session(value: str) -> dict:
    return json.loads(base64.b64decode(value.split(".")[0]))


def test_session_cookie_is_signed(shared):
    county, _ = shared.county(QS)
    value = _cookie(county)
    session = _session(value)
    assert session["user"] == QS
    payload, rest = value.split(".", 1)

    def forged(data: dict, key: str | None = None) -> str:
        raw = base64.b64encode(json.dumps(data).encode())
        return TimestampSigner(key).sign(raw).decode() if key else raw.decode() + "." + rest

    admin_session = dict(session, user="管理员",
                         stamp=session_stamp(shared.bench.accounts.get("管理员")))
    key = shared.bench.folder.secret()
    tampered = [payload[:-2] + ("A" if payload[-2] != "A" else "B") + payload[-1] + "." + rest,
                forged(admin_session),                       # the county's signature
                forged(admin_session, "not-the-servers-key-" * 3),
                value.split(".")[0]]                         # no signature at all
    for cookie in tampered:
        c = client(shared.app)
        c.cookies.set(COOKIE, cookie)
        r = c.get("/accounts")
        assert r.status_code == 303 and r.headers["location"].startswith("/login"), cookie
    # the forged payload itself is right: signed with the server's key it would be accepted
    c = client(shared.app)
    c.cookies.set(COOKIE, forged(admin_session, key))
    assert c.get("/accounts").status_code == 200
    # and the untouched cookie still works
    c = client(shared.app)
    c.cookies.set(COOKIE, value)
    assert c.get("/").status_code == 200


def test_reset_signs_out_the_accounts_sessions_even_within_the_same_second(shared, monkeypatch):
    # the county changes its password and the administrator resets it within one second
    monkeypatch.setattr("generator.web.accounts._now", lambda: "2025-12-20T10:00:00")
    county, _ = shared.county(QS)
    assert county.get("/").status_code == 200
    admin = shared.admin()
    r = admin.post("/accounts/reset", data={"name": QS, "csrf": csrf(admin, "/accounts")})
    assert r.status_code == 200
    issued = re.search(r'id="issued".*?<code>([^<]+)</code>', r.text, re.S).group(1)
    r = county.get("/")
    assert r.status_code == 303 and r.headers["location"].startswith("/login")
    assert county.get(f"/download/{quote(QS)}/docx").status_code == 303
    # the new password works (and must be changed)
    again = shared.sign_in(QS, issued)
    assert again.get("/").headers["location"] == "/password"
    # the administrator's own session is untouched
    assert admin.get("/accounts").status_code == 200


def test_login_starts_a_new_session(shared):
    c = client(shared.app)
    before_token = csrf(c, "/login")
    before = _cookie(c)
    r = c.post("/login", data={"name": "管理员", "password": ADMIN_PASSWORD,
                               "csrf": before_token})
    assert r.status_code == 303
    after = _cookie(c)
    assert after != before
    assert "csrf" not in _session(after) or _session(after)["csrf"] != before_token
    # whoever held the cookie from before the login (session fixation) is not signed in
    planted = client(shared.app)
    planted.cookies.set(COOKIE, before)
    r = planted.get("/accounts")
    assert r.status_code == 303 and r.headers["location"].startswith("/login")
    # the token from before the login no longer passes
    r = c.post("/accounts/reset", data={"name": QS, "csrf": before_token})
    assert r.status_code == 403
    assert c.get("/accounts").status_code == 200


def test_login_goes_back_to_this_site_only(shared):
    for target in ["/reports", "//evil.example/", "/\\evil.example", "http://evil.example/",
                   "/\t/evil.example", "https:evil.example"]:
        c = client(shared.app)
        r = c.post("/login", data={"name": "管理员", "password": ADMIN_PASSWORD,
                                   "next": target, "csrf": csrf(c, "/login")})
        assert r.status_code == 303
        location = r.headers["location"]
        # a path of this site: no scheme, no host, nothing a browser reads as "//"
        assert re.fullmatch(r"/(?![/\\])[!-~]*", location), (target, location)
        if target == "/reports":
            assert location == "/reports"


def test_logout_ends_the_session(shared):
    c = shared.admin()
    assert c.get("/accounts").status_code == 200
    r = c.post("/logout", data={"csrf": csrf(c, "/")})
    assert r.status_code == 303 and r.headers["location"] == "/login"
    assert c.get("/accounts").status_code == 303
    assert shared.bench.audit.entries(1)[0]["action"] == "退出"


# --- the audit log -----------------------------------------------------------------------------

def test_audit_log_lists_logins_uploads_builds_and_downloads(shared, built):
    county, _ = shared.county(QS)
    form = built.form(QS)
    r = upload(county, [("青石县填报表.xlsx", form)])
    assert r.status_code == 200, main_text(r)
    assert county.get(f"/download/{quote(QS)}/docx").status_code == 200
    assert county.get(f"/data/form/{quote(QS)}").status_code == 200
    job = start_build(county, QS)
    assert wait_job(county, job)["state"] == "完成"
    admin = shared.admin()
    assert admin.get("/download/all.zip").status_code == 200
    r = admin.get("/accounts")
    assert r.status_code == 200
    rows = [re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", tr)).strip()
            for tr in re.findall(r"<tr>(.*?)</tr>", r.text.split('id="audit"', 1)[1], re.S)]
    def find(who: str, action: str) -> list[str]:
        return [row for row in rows if f" {who} {action} " in f" {row} "]
    assert find(QS, "登录") and find("管理员", "登录") and find(QS, "修改密码")
    uploads = find(QS, "上传填报表")
    assert len(uploads) == 1
    assert "合并" in uploads[0] and "青石县填报表.xlsx" in uploads[0]
    assert hashlib.sha256(form).hexdigest()[:16] in uploads[0]
    assert any(f"任务 {job}" in row for row in find(QS, "生成报告"))
    downloads = find(QS, "下载")
    assert any(report_paths(shared.city)[QS].name in row for row in downloads)
    assert any("青石县填报表" in row for row in downloads)
    assert any("全部报告" in row for row in find("管理员", "下载"))
    # a county does not see the log
    assert county.get("/accounts").status_code == 403


def test_a_cookie_copied_before_logout_is_refused_after_it(shared):
    """The session lives in its signed cookie: 退出 must end a copy of it too (another
    browser, or someone who took the cookie), while the account can sign in again."""
    c = shared.admin()
    cookie = c.cookies.get("reportgen_session")
    assert cookie
    r = c.post("/logout", data={"csrf": csrf(c, "/")})
    assert r.status_code == 303
    thief = client(shared.app)
    thief.cookies.set("reportgen_session", cookie)
    assert thief.get("/accounts").status_code == 303          # to the login page
    assert shared.admin().get("/accounts").status_code == 200  # signing in again works
