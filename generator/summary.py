"""What a drafter reads during and after a build: progress, what was written, what is missing."""

from __future__ import annotations

import sys
from pathlib import Path


def _shown(path: Path, root: Path) -> str:
    try:
        return str(path.relative_to(root))
    except ValueError:
        return str(path)


class Progress:
    """A progress bar on a terminal, one plain line per finished document otherwise."""

    def __init__(self, echo, stream=None):
        self.echo = echo
        self.stream = stream or sys.stderr
        self.done = 0

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        if self.stream.isatty() and self.done:
            self.stream.write("\n")
        return False

    def __call__(self, region: str, error: str | None, total: int | None = None) -> None:
        self.done += 1
        state = "失败" if error else "完成"
        if self.stream.isatty():
            self.stream.write(f"\r正在生成：第 {self.done} 份（{region}，{state}）\033[K")
            self.stream.flush()
        else:
            self.echo(f"[{self.done}] {region} {state}", err=True)


def _table(rows: list[list[str]]) -> list[str]:
    from .data import display_width

    widths = [max(display_width(r[i]) for r in rows) for i in range(len(rows[0]))]
    return ["  ".join(c + " " * (w - display_width(c)) for c, w in zip(r, widths)).rstrip()
            for r in rows]


def print_summary(job, written, echo) -> None:
    root = job.cfg.root
    by_region = {w.region: w for w in written}
    warnings = {}
    for p in job.ds.warnings:
        if p.region:
            warnings[p.region] = warnings.get(p.region, 0) + 1
    rows = [["地区", "文件", "页数", "待补", "警告"]]
    for r in job.reports:
        w = by_region.get(r.region.name)
        if w is None:
            continue
        pages = f"约{w.pages}" if getattr(w, "pages", None) else "—"
        rows.append([r.region.name, _shown(w.path, root), pages, str(len(r.missing)),
                     str(warnings.get(r.region.name, 0))])
    if len(rows) > 1:
        echo(f"已生成 {len(rows) - 1} 份报告：")
        for line in _table(rows):
            echo("  " + line)
    for w in written:
        if w.moved:
            echo(f"注意：{_shown(w.path, root)} 曾被手工修改，未覆盖，原文件已移到 {_shown(w.moved, root)}")
    missing = job.missing
    if missing:
        echo(f"\n以下 {len(missing)} 项数据缺失，文档中以黄色【待补】标出，请补齐数据后重新生成：")
        for m in missing:
            echo(f"  - {m}")
    if job.ds.warnings:
        echo(f"\n数据有 {len(job.ds.warnings)} 个警告，运行 reportgen check 查看详情。")
    if job.failures:
        echo(f"\n{len(job.failures)} 个地区未能生成：", err=True)
        for name, why in job.failures.items():
            echo(f"【{name}】{why}", err=True)
