"""Build jobs: one at a time per city, each in a worker process, with progress for the page.

A job is refused with a message while another build or a data change holds the city
(`state.CityLock`). The job list is kept on disk, so after a restart the page still shows
the last builds; a job that was running when the server stopped is marked 已中断 (the build
itself writes nothing until every document is ready, so the reports stay whole).
"""

from __future__ import annotations

import datetime as dt
import json
import os
import subprocess
import sys
import threading
import uuid
from dataclasses import asdict, dataclass, field
from pathlib import Path

from ..output import atomic_write
from .state import Busy, CityLock, Folder

KEEP = 30          # jobs kept in the history

RUNNING, DONE, FAILED, INTERRUPTED = "进行中", "完成", "失败", "已中断"


def _now() -> str:
    return dt.datetime.now().isoformat(timespec="seconds")


@dataclass
class BuildJob:
    id: str
    who: str
    scope: str                      # 市本级 / 全部地区 / a region's name
    args: list[str]
    started: str
    state: str = RUNNING
    total: int = 0
    finished_regions: list[dict] = field(default_factory=list)   # {"region", "error"}
    result: dict | None = None      # the worker's "done" event
    message: str = ""               # the worker's error, when nothing was written
    finished: str = ""

    @property
    def over(self) -> bool:
        return self.state != RUNNING

    def public(self) -> dict:
        return asdict(self) | {"over": self.over}


class Builds:
    """Starts builds and remembers them."""

    def __init__(self, config_path: Path, folder: Folder, lock: CityLock) -> None:
        self.config_path = Path(config_path)
        self.folder = folder
        self.lock = lock
        self._mutex = threading.Lock()
        self.jobs: list[BuildJob] = self._load()

    def _load(self) -> list[BuildJob]:
        try:
            items = json.loads(self.folder.builds.read_text(encoding="utf-8"))
            jobs = [BuildJob(**item) for item in items]
        except (OSError, ValueError, TypeError):
            return []
        for job in jobs:
            if job.state == RUNNING:   # the server stopped while it ran
                job.state, job.message = INTERRUPTED, "服务在生成过程中停止，本次生成没有完成；已有的报告保持原样。请重新生成。"
        return jobs

    def _save(self) -> None:
        with self._mutex:
            items = [j.public() for j in self.jobs[-KEEP:]]
        for item in items:
            item.pop("over")
        atomic_write(self.folder.builds, json.dumps(items, ensure_ascii=False).encode("utf-8"))

    def get(self, job_id: str) -> BuildJob | None:
        return next((j for j in self.jobs if j.id == job_id), None)

    def latest(self) -> BuildJob | None:
        return self.jobs[-1] if self.jobs else None

    def start(self, who: str, scope: str, regions: list[str] | None, *, all_regions: bool = False,
              keep_going: bool = False, force: bool = False, redline: bool = False,
              jobs: int | None = None) -> BuildJob:
        """Start a build in the background; raises `Busy` while the city is busy."""
        args = [str(self.config_path), "--jobs", str(jobs or os.cpu_count() or 1)]
        args += ["--all"] if all_regions else [a for r in regions or [] for a in ("--region", r)]
        args += [flag for flag, on in (("--keep-going", keep_going), ("--force", force),
                                       ("--redline", redline)) if on]
        held = self.lock.held(f"{who}发起的报告生成（{scope}）")
        held.__enter__()            # raises Busy: nothing started
        job = BuildJob(uuid.uuid4().hex[:12], who, scope, args, _now())
        with self._mutex:
            self.jobs.append(job)
        try:
            self._save()
            threading.Thread(target=self._run_job, args=(job, held), daemon=True,
                             name=f"build-{job.id}").start()
        except BaseException:
            held.__exit__(None, None, None)
            raise
        return job

    def _run_job(self, job: BuildJob, held) -> None:
        try:
            self._follow(job)
        except Exception as exc:  # noqa: BLE001 — the page shows it
            job.state, job.message = FAILED, f"无法启动生成：{exc}"
        finally:
            job.finished = _now()
            if job.state == RUNNING:
                job.state = FAILED
                job.message = job.message or "生成过程意外结束，没有写入任何文件。请重新生成；如仍失败，请联系维护人员。"
            try:
                self._save()
            finally:
                held.__exit__(None, None, None)

    def _follow(self, job: BuildJob) -> None:
        env = dict(os.environ, PYTHONIOENCODING="utf-8")
        proc = subprocess.Popen([sys.executable, "-m", "generator.web.worker", *job.args],
                                stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                                encoding="utf-8", env=env, cwd=str(self.config_path.parent))
        assert proc.stdout is not None
        for line in proc.stdout:
            try:
                event = json.loads(line)
            except ValueError:
                continue
            kind = event.pop("event", "")
            if kind == "start":
                job.total = int(event.get("total") or 0)
            elif kind == "region":
                job.finished_regions.append(event)
            elif kind == "done":
                job.result = event
                job.state = FAILED if event.get("failures") else DONE
            elif kind == "error":
                job.message, job.state = event.get("message", ""), FAILED
        stderr = proc.stderr.read() if proc.stderr else ""
        code = proc.wait()
        if job.state == RUNNING and code != 0:
            job.message = ("生成过程意外结束，没有写入任何文件。请重新生成；如仍失败，请把以下信息发给维护人员：\n"
                           + stderr[-2000:])


__all__ = ["Builds", "BuildJob", "Busy", "RUNNING", "DONE", "FAILED", "INTERRUPTED"]
