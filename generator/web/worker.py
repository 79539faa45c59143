"""`python -m generator.web.worker`: one build for the workbench, reported as JSON lines.

The server runs every build in this separate process, so that a build's signals, worker
processes and memory never touch the server, and a crash of a build leaves the server and
the previous reports as they were (a build writes nothing until every document is ready).

Lines on stdout, one JSON object each:
  {"event": "start", "total": N}                    documents to render
  {"event": "region", "region": "青石县", "error": null | "…"}
  {"event": "done", "written": [...], "missing": [...], "failures": {...}, "warnings": n}
  {"event": "error", "message": "…"}                nothing was written
"""

from __future__ import annotations

import argparse
import json
import sys


def _say(**event) -> None:
    sys.stdout.write(json.dumps(event, ensure_ascii=False) + "\n")
    sys.stdout.flush()


class _Progress:
    def start(self, total: int) -> None:
        _say(event="start", total=total)

    def __call__(self, region: str, error: str | None) -> None:
        _say(event="region", region=region, error=error)


def _shown(path, root) -> str:
    from ..summary import shown

    return shown(path, root) if path else ""


def summary(job, written) -> dict:
    """What the build page shows once the build is over."""
    from ..summary import state_word

    root = job.cfg.root
    warnings: dict[str, int] = {}
    for p in job.ds.warnings:
        if p.region:
            warnings[p.region] = warnings.get(p.region, 0) + 1
    rows = [{"region": w.region, "file": _shown(w.path, root), "pages": w.pages,
             "missing": w.missing, "warnings": warnings.get(w.region, 0), "state": state_word(w),
             "notes": _shown(w.notes, root), "redline": _shown(w.redline, root),
             "moved": _shown(w.moved, root), "edited": w.edited} for w in written]
    return {"written": rows, "missing": [str(m) for m in job.missing],
            "failures": job.failures, "warnings": len(job.ds.warnings)}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m generator.web.worker")
    parser.add_argument("config")
    parser.add_argument("--region", action="append", default=[])
    parser.add_argument("--all", action="store_true")
    parser.add_argument("--jobs", type=int, default=1)
    parser.add_argument("--keep-going", action="store_true")
    parser.add_argument("--force", action="store_true")
    parser.add_argument("--redline", action="store_true")
    args = parser.parse_args(argv)

    from ..build import build
    from ..errors import ReportError

    try:
        job, written = build(args.config, args.region or None, all_regions=args.all,
                             jobs=args.jobs, keep_going=args.keep_going, progress=_Progress(),
                             force=args.force, redline=args.redline)
    except ReportError as exc:
        _say(event="error", message=exc.message)
        return 1
    except KeyboardInterrupt:
        _say(event="error", message="生成已中断，没有留下写了一半的文件；已有的报告保持原样。")
        return 130
    except Exception as exc:  # noqa: BLE001 — shown on the page, not a traceback
        _say(event="error", message=f"内部错误：{type(exc).__name__}: {exc}。请把这段文字发给维护人员。")
        return 2
    _say(event="done", **summary(job, written))
    return 1 if job.failures else 0


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
