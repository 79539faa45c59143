"""The workbench's pages and their access rules (Starlette, server-rendered Jinja pages).

Pages that read data or files are plain functions, which Starlette runs in its thread pool,
so that a slow one (an overview after a data change, a PDF conversion) never holds up the
others; the async ones only await the request's form. Who may do what: in the local mode (127.0.0.1, one user) that user is the administrator and
there is no login. In the shared mode the administrator (the city) sees and does everything;
a region's account sees, uploads and builds only its own region. Every POST carries the
session's CSRF token; sessions are signed cookies; request bodies are limited in size.
"""

from __future__ import annotations

import hashlib
import io
import secrets
import zipfile
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import quote

from starlette.applications import Starlette
from starlette.exceptions import HTTPException
from starlette.middleware import Middleware
from starlette.middleware.sessions import SessionMiddleware
from starlette.requests import Request
from starlette.responses import FileResponse, JSONResponse, RedirectResponse, Response
from starlette.routing import Mount, Route
from starlette.staticfiles import StaticFiles
from starlette.templating import Jinja2Templates

from ..errors import ReportError
from . import uploads
from .accounts import ADMIN, Account, Accounts, Throttle
from .audit import AuditLog
from .jobs import Builds
from .state import Busy, CityLock, Folder, SignedOut
from .status import StatusCache, modified
from .wording import for_page

HERE = Path(__file__).parent
SESSION_HOURS = 8
LOCAL_USER = Account(name="本机用户", role="admin", region=None, must_change=False)
# The whole request body: the largest upload is MAX_FILES forms, far below this.
MAX_BODY = uploads.MAX_UPLOAD_BYTES * 3


@dataclass
class Workbench:
    """Everything the pages share: the city's config and its state on disk."""

    config_path: Path
    folder: Folder
    login: bool                     # shared mode: accounts, sessions, login page
    accounts: Accounts
    audit: AuditLog
    builds: Builds
    status: StatusCache
    lock: CityLock
    throttle: Throttle
    signed_out: SignedOut

    @classmethod
    def open(cls, config_path: Path, output: Path, login: bool) -> Workbench:
        folder = Folder.for_output(output)
        lock = CityLock(folder.lock_file)
        return cls(Path(config_path), folder, login, Accounts.load(folder.accounts),
                   AuditLog(folder.audit), Builds(config_path, folder, lock),
                   StatusCache(config_path), lock, Throttle(),
                   SignedOut(folder.root / "signed-out.json", SESSION_HOURS * 3600))

    def refused(self) -> dict[str, dict]:
        from .pages_data import refused_uploads

        return refused_uploads(self.folder)


def ensure_accounts(b: Workbench) -> str | None:
    """An account for the administrator and every region of the regions table; the
    administrator's initial password when it was created just now."""
    ov = b.status.get(b.refused())
    regions = [r.name for r in ov.regions if not r.is_city]
    return b.accounts.ensure(ov.city, regions)


# --- request helpers --------------------------------------------------------------------

def bench(request: Request) -> Workbench:
    return request.app.state.bench


def user(request: Request) -> Account | None:
    """The signed-in account (the local user without login); None when not signed in."""
    b = bench(request)
    if not b.login:
        return LOCAL_USER
    name = request.session.get("user")
    account = b.accounts.get(name) if name else None
    if account is None or request.session.get("stamp") != session_stamp(account):
        return None        # unknown, or its password changed since: sign in again
    if request.session.get("sid") in b.signed_out:
        return None        # a copy of a cookie whose session was ended by 退出
    return account


def session_stamp(account: Account) -> str:
    """Changes whenever the account's password is set or reset, even twice in one second
    (the hash has a new salt each time); the cookie shows only this digest of it."""
    return hashlib.sha256(f"{account.updated}\0{account.hash}".encode()).hexdigest()[:32]


def require(request: Request, admin: bool = False, region: str | None = None) -> Account:
    """The account, or a redirect to the login page / a refusal (403)."""
    account = user(request)
    if account is None:
        raise HTTPException(303, headers={"Location": "/login?next=" + quote(request.url.path)})
    if account.must_change and bench(request).login and request.url.path != "/password":
        raise HTTPException(303, headers={"Location": "/password"})
    if admin and not account.is_admin:
        raise HTTPException(403, "只有管理员（市委组织部）可以进行这项操作。")
    if region is not None and not account.can_see(region):
        raise HTTPException(403, f"你的账号只能查看和上传{account.region}的数据和报告。")
    return account


def csrf_token(request: Request) -> str:
    token = request.session.get("csrf")
    if not token:
        token = request.session["csrf"] = secrets.token_urlsafe(32)
    return token


def _same_origin(request: Request) -> bool:
    origin = request.headers.get("origin")
    if not origin or origin == "null":
        return origin is None
    host = request.headers.get("host", "")
    return origin.split("://", 1)[-1] == host


async def checked_form(request: Request):
    """The POSTed form after the CSRF check (token and, when sent, the Origin header)."""
    form = await request.form(max_files=uploads.MAX_FILES, max_fields=50)
    sent = str(form.get("csrf") or request.headers.get("x-csrf-token") or "")
    token = request.session.get("csrf") or ""
    if not token or not secrets.compare_digest(sent, token) or not _same_origin(request):
        raise HTTPException(403, "页面已过期或来源不明（安全校验未通过）。请刷新页面后重新提交。")
    return form


def client(request: Request) -> str:
    return request.client.host if request.client else ""


def page(request: Request, template: str, status_code: int = 200, **context) -> Response:
    account = user(request)
    b = bench(request)
    context.update(request=request, me=account, login=b.login, csrf=csrf_token(request),
                   busy=b.lock.what if b.lock.busy else "")
    return request.app.state.templates.TemplateResponse(request, template, context,
                                                        status_code=status_code)


def visible(account: Account, overview) -> list:
    return [r for r in overview.regions if account.can_see(r.name)]


def download(path: Path, name: str | None = None) -> FileResponse:
    if not path.is_file():
        raise HTTPException(404, "文件还没有生成。请先在「生成」页生成报告。")
    return FileResponse(path, filename=name or path.name)


# --- errors -------------------------------------------------------------------------------

async def on_http_error(request: Request, exc: HTTPException) -> Response:
    api = request.url.path.startswith("/api/")
    if exc.status_code in (301, 302, 303, 307) and exc.headers:
        if api:          # a poll of the page: a refusal it can show, not the login page
            return JSONResponse({"error": "尚未登录或登录已过期，请刷新页面后重新登录。"},
                                status_code=401)
        return RedirectResponse(exc.headers["Location"], status_code=303)
    if api:
        return JSONResponse({"error": exc.detail}, status_code=exc.status_code)
    detail = exc.detail if exc.status_code != 404 or exc.detail != "Not Found" else "没有这个页面。"
    return page(request, "error.html", exc.status_code, message=detail)


async def on_report_error(request: Request, exc: ReportError) -> Response:
    return page(request, "error.html", 400, message=exc.message)


async def on_busy(request: Request, exc: Busy) -> Response:
    message = f"正在进行{exc.what}，请等它完成后再试（可在「生成」页查看进度）。"
    if request.url.path.startswith("/api/"):
        return JSONResponse({"error": message}, status_code=409)
    return page(request, "error.html", 409, message=message)


class LimitBody:
    """Refuses a request body over `limit` bytes (413), before and while it streams in."""

    def __init__(self, app, limit: int = MAX_BODY) -> None:
        self.app, self.limit = app, limit

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http":
            return await self.app(scope, receive, send)
        length = dict(scope.get("headers") or []).get(b"content-length")
        if length and length.isdigit() and int(length) > self.limit:
            return await self._refuse(send)
        seen = 0

        async def limited():
            nonlocal seen
            message = await receive()
            seen += len(message.get("body", b""))
            if seen > self.limit:
                raise _TooLarge
            return message

        try:
            await self.app(scope, limited, send)
        except _TooLarge:
            await self._refuse(send)

    async def _refuse(self, send) -> None:
        body = ('<!doctype html><html lang="zh-CN"><meta charset="utf-8"><title>文件过大</title>'
                '<link rel="stylesheet" href="/static/app.css"><main><div class="problem">'
                f"上传的内容超过上限（每个文件不超过 {uploads.MAX_UPLOAD_BYTES // 1024 // 1024} MB）。"
                "请分批上传，或删去工作簿中无关的工作表和图片后重试。</div>"
                '<p><a class="button secondary" href="/data">返回数据页</a></p></main></html>').encode()
        await send({"type": "http.response.start", "status": 413,
                    "headers": [(b"content-type", b"text/html; charset=utf-8"),
                                (b"content-length", str(len(body)).encode())]})
        await send({"type": "http.response.body", "body": body})


class _TooLarge(Exception):
    pass


# --- overview, reports, changes ---------------------------------------------------------

def overview(request: Request) -> Response:
    account = require(request)
    b = bench(request)
    ov = b.status.get(b.refused())
    return page(request, "overview.html", ov=ov, regions=visible(account, ov),
                last=b.builds.latest())


def reports(request: Request) -> Response:
    account = require(request)
    b = bench(request)
    ov = b.status.get(b.refused())
    return page(request, "reports.html", ov=ov, regions=visible(account, ov),
                pdf=_pdf_available())


def _pdf_available() -> bool:
    from .pdf import soffice

    return soffice() is not None


def _region_status(request: Request, name: str):
    require(request, region=name)
    b = bench(request)
    ov = b.status.get(b.refused())
    status = ov.region(name)
    if status is None:
        raise HTTPException(404, f"地区表中没有「{name}」。")
    return b, ov, status


def report(request: Request) -> Response:
    from ..output import chart_cache, load_snapshot
    from .preview import count_missing, figure_images, render_html

    name = request.path_params["region"]
    b, ov, status = _region_status(request, name)
    snap = load_snapshot(ov.cfg.output, status.report) if status.has_report else None
    html, missing = "", 0
    if snap:
        from ..blocks import from_plain

        blocks = from_plain(snap["blocks"])
        images = figure_images(snap, chart_cache(ov.cfg.output))
        region = ov.ds.region(name)
        html = render_html(blocks, title=ov.cfg.title_for(name), organ=ov.cfg.organ_for(region),
                           date=_date(ov.cfg), image_url=lambda k: (
                               f"/reports/{quote(name)}/chart/{k}.png" if k in images else None))
        missing = count_missing(blocks)
    return page(request, "report.html", ov=ov, s=status, html=html, missing_runs=missing,
                files=_files(status), pdf=_pdf_available())


def _date(cfg) -> str:
    from .. import fmt

    return fmt.date(cfg.date)


def _files(status) -> dict[str, Path]:
    from ..output import notes_path, redline_path

    if status.report is None:
        return {}
    found = {"docx": status.report, "notes": notes_path(status.report),
             "redline": redline_path(status.report)}
    return {k: p for k, p in found.items() if p.is_file()}


def chart(request: Request) -> Response:
    from ..output import chart_cache, load_snapshot
    from .preview import figure_images

    name = request.path_params["region"]
    _, ov, status = _region_status(request, name)
    snap = load_snapshot(ov.cfg.output, status.report) if status.has_report else None
    images = figure_images(snap, chart_cache(ov.cfg.output)) if snap else {}
    key = request.path_params["key"]
    if key not in images:
        raise HTTPException(404, "没有这张图。")
    return FileResponse(images[key], media_type="image/png")


def download_file(request: Request) -> Response:
    name, kind = request.path_params["region"], request.path_params["kind"]
    b, ov, status = _region_status(request, name)
    account = user(request)
    assert account is not None  # _region_status required one
    if kind == "pdf":
        from .pdf import to_pdf

        if not status.has_report:
            raise HTTPException(404, "报告还没有生成。请先在「生成」页生成报告。")
        path = to_pdf(status.report, b.folder.pdf)
        b.audit.record(account.name, "下载", f"{name} PDF", addr=client(request))
        return download(path, status.report.with_suffix(".pdf").name)
    files = _files(status)
    if kind not in ("docx", "notes", "redline"):
        raise HTTPException(404, "没有这种文件。")
    if kind not in files:
        raise HTTPException(404, "这份文件还没有生成：修订说明在数据更正后重新生成时才有，"
                                 "修订稿需要在生成时勾选「另存修订稿」。")
    b.audit.record(account.name, "下载", f"{name} {files[kind].name}", addr=client(request))
    return download(files[kind])


def download_all(request: Request) -> Response:
    account = require(request)
    b = bench(request)
    ov = b.status.get(b.refused())
    buffer = io.BytesIO()
    count = 0
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as zf:
        for status in visible(account, ov):
            assert ov.cfg is not None  # regions are listed only with a config
            for path in _files(status).values():
                zf.write(path, path.relative_to(ov.cfg.output).as_posix())
                count += 1
    if not count:
        raise HTTPException(404, "还没有生成任何报告。请先在「生成」页生成报告。")
    b.audit.record(account.name, "下载", f"全部报告（{count} 个文件）", addr=client(request))
    name = f"{ov.year}年评估报告.zip"
    return Response(buffer.getvalue(), media_type="application/zip",
                    headers={"Content-Disposition": f"attachment; filename*=UTF-8''{quote(name)}"})


def changes(request: Request) -> Response:
    account = require(request)
    b = bench(request)
    ov = b.status.get(b.refused())
    items = []
    for status in visible(account, ov):
        notes = _files(status).get("notes")
        if notes:
            text = notes.read_text(encoding="utf-8-sig")
            items.append((status, text, modified(notes)))
    return page(request, "changes.html", ov=ov, items=items)


# --- the app ----------------------------------------------------------------------------

def create_app(config_path: Path | str, *, login: bool = False) -> Starlette:
    """The workbench over one city folder (its report.yaml). `login`: the shared mode."""
    from ..config import load_config
    from . import pages_auth, pages_build, pages_data

    config_path = Path(config_path).resolve()
    cfg = load_config(config_path)
    b = Workbench.open(config_path, cfg.output, login)
    routes = [
        Route("/", overview),
        Route("/reports", reports),
        Route("/reports/{region}", report),
        Route("/reports/{region}/chart/{key}.png", chart),
        Route("/download/all.zip", download_all),
        Route("/download/{region}/{kind}", download_file),
        Route("/changes", changes),
        *pages_auth.routes, *pages_data.routes, *pages_build.routes,
        Mount("/static", StaticFiles(directory=HERE / "static"), name="static"),
    ]
    middleware = [Middleware(LimitBody),
                  Middleware(SessionMiddleware, secret_key=b.folder.secret(),
                             session_cookie="reportgen_session", max_age=SESSION_HOURS * 3600,
                             same_site="strict")]
    # Starlette types every handler as taking any Exception, though it calls each only with
    # the class it is registered for: the ignores are for that
    app = Starlette(routes=routes, middleware=middleware,
                    exception_handlers={HTTPException: on_http_error,  # type: ignore[dict-item]
                                        ReportError: on_report_error,  # type: ignore[dict-item]
                                        Busy: on_busy})  # type: ignore[dict-item]
    app.state.bench = b
    templates = Jinja2Templates(directory=HERE / "templates")
    templates.env.globals["ADMIN"] = ADMIN
    templates.env.filters["page_words"] = for_page
    app.state.templates = templates
    return app
