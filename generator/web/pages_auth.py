"""Signing in and out, changing a password, and the administrator's accounts page."""

from __future__ import annotations

import secrets

from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.routing import Route

from .accounts import Throttle
from .app import (
    bench,
    checked_form,
    client,
    ensure_accounts,
    page,
    require,
    session_stamp,
    user,
)
from .uploads import WebError


def _next(request: Request, value: str | None) -> str:
    """Where to go after signing in: a path of this site only."""
    target = value or "/"
    return target if target.startswith("/") and not target.startswith("//") else "/"


def login_page(request: Request) -> Response:
    if not bench(request).login or user(request) is not None:
        return RedirectResponse("/", status_code=303)
    return page(request, "login.html", next=_next(request, request.query_params.get("next")))


async def login(request: Request) -> Response:
    b = bench(request)
    if not b.login:
        return RedirectResponse("/", status_code=303)
    form = await checked_form(request)
    name = str(form.get("name") or "").strip()
    password = str(form.get("password") or "")
    target = _next(request, str(form.get("next") or ""))
    addr = client(request)
    wait = b.throttle.blocked(name, addr)
    if wait:
        return page(request, "login.html", 429, next=target, name=name,
                    error=Throttle.message(wait))
    account = b.accounts.verify(name, password)
    if account is None:
        b.throttle.failed(name, addr)
        b.audit.record(name or "（空）", "登录失败", addr=addr)
        return page(request, "login.html", 401, next=target, name=name,
                    error="账号或密码不对。请检查后重试（区分大小写）；忘记密码请联系管理员重置。")
    b.throttle.succeeded(name, addr)
    request.session.clear()              # a new session: no fixation
    request.session.update(user=account.name, stamp=session_stamp(account),
                           sid=secrets.token_urlsafe(16))
    b.audit.record(account.name, "登录", addr=addr)
    return RedirectResponse("/password" if account.must_change else target, status_code=303)


async def logout(request: Request) -> Response:
    b = bench(request)
    await checked_form(request)
    account = user(request)
    if account is not None and b.login:
        b.audit.record(account.name, "退出", addr=client(request))
        if request.session.get("sid"):
            b.signed_out.end(request.session["sid"])
    request.session.clear()
    return RedirectResponse("/login" if b.login else "/", status_code=303)


def password_page(request: Request) -> Response:
    account = require(request)
    if not bench(request).login:
        return RedirectResponse("/", status_code=303)
    return page(request, "password.html", must=account.must_change)


async def change_password(request: Request) -> Response:
    account = require(request)
    b = bench(request)
    if not b.login:
        return RedirectResponse("/", status_code=303)
    form = await checked_form(request)
    current, new, again = (str(form.get(k) or "") for k in ("current", "new", "again"))
    error = ""
    if b.accounts.verify(account.name, current) is None:
        error = "当前密码不对。"
    elif new != again:
        error = "两次输入的新密码不一样，请重新输入。"
    elif new == current:
        error = "新密码不能与当前密码相同。"
    if not error:
        try:
            b.accounts.set_password(account.name, new)
        except WebError as exc:
            error = exc.message
    if error:
        return page(request, "password.html", 400, must=account.must_change, error=error)
    changed = b.accounts.get(account.name)
    assert changed is not None  # its password was set just above
    request.session["stamp"] = session_stamp(changed)
    b.audit.record(account.name, "修改密码", addr=client(request))
    return RedirectResponse("/?changed=1", status_code=303)


def accounts_page(request: Request) -> Response:
    require(request, admin=True)
    b = bench(request)
    if not b.login:
        raise HTTPException(404, "本机单人使用时没有账号。多人共用时，请用 reportgen serve --host 启动。")
    ensure_accounts(b)              # regions added to the regions table since the start
    rows = [b.accounts.get(n) for n in b.accounts.names()]
    return page(request, "accounts.html", rows=rows, log=b.audit.entries(200))


async def reset_password(request: Request) -> Response:
    account = require(request, admin=True)
    b = bench(request)
    if not b.login:
        raise HTTPException(404, "本机单人使用时没有账号。")
    form = await checked_form(request)
    name = str(form.get("name") or "")
    password = b.accounts.reset(name)
    b.audit.record(account.name, "重置密码", name, addr=client(request))
    rows = [b.accounts.get(n) for n in b.accounts.names()]
    return page(request, "accounts.html", rows=rows, log=b.audit.entries(200),
                issued=(name, password))


routes = [
    Route("/login", login_page, methods=["GET"]),
    Route("/login", login, methods=["POST"]),
    Route("/logout", logout, methods=["POST"]),
    Route("/password", password_page, methods=["GET"]),
    Route("/password", change_password, methods=["POST"]),
    Route("/accounts", accounts_page, methods=["GET"]),
    Route("/accounts/reset", reset_password, methods=["POST"]),
]
