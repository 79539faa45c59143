"""Signing in and out (generator/web/pages_auth.py): where a login goes, which routes it has."""

import pytest

from generator.web import pages_auth
from generator.web.app import create_app
from tests.sample import copy_sample
from tests.web.web_support import client


@pytest.mark.parametrize(("value", "target"), [
    (None, "/"), ("", "/"), ("/reports", "/reports"), ("/data?x=1", "/data?x=1"),
    ("//evil.example/", "/"), ("https://evil.example/", "/"), ("reports", "/"),
])
def test_after_signing_in_the_user_stays_on_the_site(value, target):
    assert pages_auth._next(None, value) == target


def test_the_routes_of_signing_in_and_the_accounts_page():
    have = {(r.path, m) for r in pages_auth.routes for m in r.methods if m != "HEAD"}
    assert have == {("/login", "GET"), ("/login", "POST"), ("/logout", "POST"),
                    ("/password", "GET"), ("/password", "POST"), ("/accounts", "GET"),
                    ("/accounts/reset", "POST")}


def test_the_local_mode_has_no_login_and_no_accounts(tmp_path):
    city = copy_sample(tmp_path / "city")
    c = client(create_app(city / "report.yaml"))
    r = c.get("/login")
    assert r.status_code == 303 and r.headers["location"] == "/"
    assert c.get("/accounts").status_code == 404
