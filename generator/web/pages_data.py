"""The 数据 page: download forms, upload county forms or a values workbook, see problems."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from urllib.parse import quote

from starlette.concurrency import run_in_threadpool
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.routing import Route

from ..output import HISTORY, atomic_write, sha256
from . import uploads
from .app import bench, checked_form, client, download, page, require, visible
from .state import Folder
from .uploads import WebError

PENDING_HOURS = 2      # how long good forms wait for "合并没有问题的填报表"


# --- refused uploads, by region (the overview's 有问题) --------------------------------------

def _refused_path(folder: Folder) -> Path:
    return folder.root / "refused.json"


def refused_uploads(folder: Folder) -> dict[str, dict]:
    try:
        data = json.loads(_refused_path(folder).read_text(encoding="utf-8"))
        return data if isinstance(data, dict) else {}
    except (OSError, ValueError):
        return {}


def _note_outcome(folder: Folder, outcome) -> None:
    """Remember which regions' forms were refused (until a good one is merged)."""
    refused = refused_uploads(folder)
    for region in outcome.merged:
        refused.pop(region, None)
    now = dt.datetime.now().strftime("%Y-%m-%d %H:%M")
    for region, why in outcome.refused.items():
        refused[region] = {"time": now, "summary": f"{now} 上传的填报表有问题：{why[:80]}"}
    atomic_write(_refused_path(folder), json.dumps(refused, ensure_ascii=False).encode("utf-8"))


# --- the page -----------------------------------------------------------------------------

def _data_page(request: Request, status_code: int = 200, **context) -> Response:
    account = require(request)
    b = bench(request)
    ov = b.status.get(b.refused())
    files = []
    if account.is_admin and ov.cfg is not None:
        from .datafiles import value_files

        files = [(i, p, _size(p)) for i, p in enumerate(value_files(ov.cfg))]
    return page(request, "data.html", status_code, ov=ov, regions=visible(account, ov),
                files=files, max_mb=uploads.MAX_UPLOAD_BYTES // (1024 * 1024),
                max_files=uploads.MAX_FILES, **context)


def _size(path: Path) -> str:
    try:
        size = path.stat().st_size
    except OSError:
        return "（文件不存在）"
    return f"{size / 1024:.0f} KB" if size < 1024 * 1024 else f"{size / 1024 / 1024:.1f} MB"


def data_page(request: Request) -> Response:
    return _data_page(request)


async def _received(form, field: str) -> list[tuple[str, bytes]]:
    """The uploaded files of `field`, each read up to the size limit."""
    received = []
    for item in form.getlist(field):
        if not hasattr(item, "read"):
            continue
        name = item.filename or ""
        if not name:
            continue
        data = await item.read(uploads.MAX_UPLOAD_BYTES + 1)
        if len(data) > uploads.MAX_UPLOAD_BYTES:
            raise WebError(f"「{name}」超过 {uploads.MAX_UPLOAD_BYTES // (1024 * 1024)} MB 的上限。"
                           "请删去工作簿中无关的工作表或图片后重新上传。")
        received.append((name, data))
    return received


async def upload_forms(request: Request) -> Response:
    account = require(request)
    b = bench(request)
    form = await checked_form(request)
    files = await _received(form, "files")
    staged = uploads.stage(b.folder.uploads, files)
    try:   # in a thread: it may wait for a build, and the server must keep answering
        return await run_in_threadpool(_merge, request, account, staged, keep_going=False)
    except BaseException:
        uploads.discard(staged)
        raise


def _audit_files(request: Request, account, staged: Path, outcome: str) -> None:
    """One audit entry per uploaded file: who, when, its name and hash, what became of it."""
    b = bench(request)
    for path in sorted(p for p in staged.iterdir() if not p.name.startswith(".")):
        b.audit.record(account.name, "上传填报表", f"{path.name}：{outcome}",
                       sha256=sha256(path.read_bytes()), addr=client(request))


def _merge(request: Request, account, staged: Path, keep_going: bool) -> Response:
    from ..errors import ReportError
    from .datafiles import check_owner, merge_forms

    b = bench(request)
    step = "确认只合并没有问题的" if keep_going else "上传"
    try:
        if not account.is_admin:
            check_owner(b.config_path, staged, account.region)
        with b.lock.held(f"{account.name}上传的填报表合并", wait=15):
            outcome = merge_forms(b.config_path, staged, keep_going=keep_going)
    except ReportError as exc:
        _audit_files(request, account, staged, f"{step}，被拒绝：{exc.message[:80]}")
        raise
    _note_outcome(b.folder, outcome)
    b.status.forget()
    merged = bool(outcome.merged) and (outcome.ok or keep_going)
    _audit_files(request, account, staged, f"{step}，" + ("已合并" if merged else "有问题，未合并"))
    pending = ""
    if not outcome.ok and outcome.held and not keep_going:
        pending = staged.name           # kept for the confirmation, removed after it
        atomic_write(staged / ".owner", account.name.encode("utf-8"))
    else:
        uploads.discard(staged)
    return _data_page(request, 200 if outcome.ok else 422, outcome=outcome, pending=pending)


async def confirm_forms(request: Request) -> Response:
    """Merge the good forms of an upload whose other forms had problems."""
    account = require(request)
    b = bench(request)
    form = await checked_form(request)
    token = str(form.get("token") or "")
    staged = b.folder.uploads / token
    owner = staged / ".owner"
    if (not token.startswith("upload-") or "/" in token or not owner.is_file()
            or owner.read_text(encoding="utf-8") != account.name or _stale(staged)):
        raise WebError("这次上传已过期或不存在。请重新上传填报表。")
    owner.unlink()
    try:
        return await run_in_threadpool(_merge, request, account, staged, keep_going=True)
    finally:
        uploads.discard(staged)


def _stale(path: Path) -> bool:
    age = dt.datetime.now().timestamp() - path.stat().st_mtime
    return age > PENDING_HOURS * 3600


async def upload_values(request: Request) -> Response:
    from ..config import load_config
    from .datafiles import replace_values, value_files

    account = require(request, admin=True)
    b = bench(request)
    form = await checked_form(request)
    files = await _received(form, "file")
    if len(files) != 1:
        raise WebError("请选择一个指标数据文件（.xlsx 或 .csv）后再上传。")
    cfg = load_config(b.config_path)
    targets = value_files(cfg)
    index = str(form.get("target") or "0")
    if not index.isdigit() or int(index) >= len(targets):
        raise WebError("要替换的指标数据文件不在报告定义中，请刷新页面后重新选择。")
    target = targets[int(index)]
    name, data = files[0]
    staged = uploads.stage(b.folder.uploads, files)

    def replace():          # in a thread: it may wait for a build (see upload_forms)
        with b.lock.held(f"{account.name}上传的指标数据替换", wait=15):
            return replace_values(b.config_path, target, staged / uploads.safe_filename(name),
                                  name, cfg.output / HISTORY / "指标数据")
    try:
        rows = await run_in_threadpool(replace)
    finally:
        uploads.discard(staged)
    replaced = not any(r.severity == "错误" for r in rows)
    b.status.forget()
    b.audit.record(account.name, "上传指标数据",
                   f"{name} → {target.name}：" + ("已替换" if replaced else "有错误，未替换"),
                   sha256=sha256(data), addr=client(request))
    return _data_page(request, 200 if replaced else 422, values_rows=rows, replaced=replaced,
                      values_name=name, values_target=target.name)


def form_download(request: Request) -> Response:
    """A region's form for this year, made now from the current data."""
    from ..config import load_config
    from ..rounds import current_data, form_filename
    from ..rounds.forms import build_form

    name = request.path_params["region"]
    account = require(request, region=name)
    b = bench(request)
    cfg = load_config(b.config_path)
    ds = current_data(cfg, lenient=True)
    if not any(r.name == name for r in ds.regions):
        raise HTTPException(404, f"地区表中没有「{name}」。")
    data, _ = build_form(cfg, ds, name)
    filename = form_filename(cfg.year, cfg.plan.name, name)
    b.audit.record(account.name, "下载", f"{name}填报表", addr=client(request))
    return Response(data, media_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                    headers={"Content-Disposition": f"attachment; filename*=UTF-8''{quote(filename)}"})


def values_download(request: Request) -> Response:
    from ..config import load_config
    from .datafiles import value_files

    require(request, admin=True)
    cfg = load_config(bench(request).config_path)
    files = value_files(cfg)
    index = request.path_params["index"]
    if index >= len(files):
        raise HTTPException(404, "没有这个数据文件。")
    return download(files[index])


def back_to_data(request: Request) -> Response:
    return RedirectResponse("/data", status_code=303)


routes = [
    Route("/data", data_page, methods=["GET"]),
    Route("/data/forms", upload_forms, methods=["POST"]),
    Route("/data/forms", back_to_data, methods=["GET"]),
    Route("/data/forms/confirm", confirm_forms, methods=["POST"]),
    Route("/data/values", upload_values, methods=["POST"]),
    Route("/data/values", back_to_data, methods=["GET"]),
    Route("/data/form/{region}", form_download, methods=["GET"]),
    Route("/data/file/{index:int}", values_download, methods=["GET"]),
]
