"""The 生成 page: start a build of the city, one region or all, and follow its progress."""

from __future__ import annotations

from starlette.concurrency import run_in_threadpool
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import JSONResponse, RedirectResponse, Response
from starlette.routing import Route

from .app import bench, checked_form, client, page, require, visible


def build_page(request: Request) -> Response:
    account = require(request)
    b = bench(request)
    ov = b.status.get(b.refused())
    job_id = request.query_params.get("job")
    job = b.builds.get(job_id) if job_id else b.builds.latest()
    if job is not None and not account.is_admin and job.who != account.name:
        job = None                      # another account's build: not shown to a region
    return page(request, "build.html", ov=ov, regions=visible(account, ov), job=job)


async def start_build(request: Request) -> Response:
    account = require(request)
    b = bench(request)
    form = await checked_form(request)
    scope = str(form.get("scope") or "")
    options = {k: form.get(k) == "1" for k in ("keep_going", "force", "redline")}
    ov = await run_in_threadpool(b.status.get, b.refused())   # reads the data: off the loop
    if ov.error:
        return page(request, "error.html", 400, message=ov.error)
    if scope == "all":
        if not account.is_admin:
            raise HTTPException(403, "只有管理员可以生成全部地区的报告。")
        job = b.builds.start(account.name, "全部地区", None, all_regions=True, **options)
    else:
        name = scope or ov.city
        require(request, region=name)
        if ov.region(name) is None:
            raise HTTPException(404, f"地区表中没有「{name}」。")
        job = b.builds.start(account.name, name, [name], **options)
    b.audit.record(account.name, "生成报告", f"{job.scope}（任务 {job.id}）", addr=client(request))
    b.status.forget()
    return RedirectResponse(f"/build?job={job.id}", status_code=303)


def job_state(request: Request) -> Response:
    """Polled by the build page while a build runs."""
    account = require(request)
    job = bench(request).builds.get(request.path_params["job"])
    if job is None or (not account.is_admin and job.who != account.name):
        return JSONResponse({"error": "没有这个生成任务。"}, status_code=404)
    return JSONResponse(job.public())


routes = [
    Route("/build", build_page, methods=["GET"]),
    Route("/build", start_build, methods=["POST"]),
    Route("/api/build/{job}", job_state, methods=["GET"]),
]
