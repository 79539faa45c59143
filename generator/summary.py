"""What a drafter reads during and after a build: progress, what was written, what is missing."""

from __future__ import annotations

import sys
from pathlib import Path


def shown(path: Path, root: Path) -> str:
    """A path as the user reads it: relative to the report's folder where it lies inside."""
    try:
        return str(path.relative_to(root))
    except ValueError:
        return str(path)


class Progress:
    """A progress bar on a terminal, one plain line per finished document otherwise."""

    WIDTH = 24

    def __init__(self, echo, stream=None):
        self.echo = echo
        self.stream = stream or sys.stderr
        self.done = 0
        self.total = 0

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        if self.stream.isatty() and self.done:
            self.stream.write("\n")
        return False

    def start(self, total: int) -> None:
        self.total, self.done = total, 0

    def __call__(self, region: str, error: str | None) -> None:
        self.done += 1
        state = "失败" if error else "完成"
        of = f"{self.done}/{self.total}" if self.total else str(self.done)
        if self.stream.isatty():
            filled = self.WIDTH * self.done // max(self.total, self.done)
            bar = "█" * filled + "░" * (self.WIDTH - filled)
            self.stream.write(f"\r生成中 {bar} {of}  {region}{state}\033[K")
            self.stream.flush()
        else:
            self.echo(f"[{of}] {region} {state}", err=True)


def _table(rows: list[list[str]]) -> list[str]:
    from .data import display_width

    widths = [max(display_width(r[i]) for r in rows) for i in range(len(rows[0]))]
    return ["  ".join(c + " " * (w - display_width(c)) for c, w in zip(r, widths, strict=True)).rstrip()
            for r in rows]


def state_word(w) -> str:
    """What happened to one document, as the summary table says it."""
    return "未变化，跳过" if w.skipped else ("已更新" if w.changes else "已生成")


def _print_table(job, written, echo) -> None:
    """How many documents were made and skipped, and the table of them."""
    root = job.cfg.root
    warnings: dict[str, int] = {}
    for p in job.ds.warnings:
        if p.region:
            warnings[p.region] = warnings.get(p.region, 0) + 1
    rows = [["地区", "文件", "页数", "待补", "警告", "状态"]]
    for w in written:
        pages = f"约{w.pages}" if w.pages else "—"
        rows.append([w.region, shown(w.path, root), pages, str(w.missing),
                     str(warnings.get(w.region, 0)), state_word(w)])
    if len(rows) > 1:
        made = sum(not w.skipped for w in written)
        skipped = len(written) - made
        echo(f"共 {len(written)} 份报告：生成 {made} 份" + (f"，{skipped} 份内容未变化已跳过（加 --force 可全部重新生成）" if skipped else "") + "。")
        for line in _table(rows):
            echo("  " + line)


def _print_notes(w, root, echo) -> None:
    """What else to know about one written document: kept or moved edits, revision notes."""
    if w.edited:
        echo(f"注意：{shown(w.path, root)} 曾被手工修改；数据和模板都没有变化，保留原样未重新生成"
             "（如需重新生成，加 --force，手工修改的文件会先移到 output/.history/）。")
    if w.moved:
        echo(f"注意：{shown(w.path, root)} 曾被手工修改，未覆盖，原文件已移到 {shown(w.moved, root)}")
    if w.changes:
        echo(f"\n{w.region}的修订说明（已保存为 {shown(w.notes, root)}）：")
        echo("\n".join("  " + line for line in w.changes.splitlines()[1:]))
    if w.redline:
        echo(f"修订稿（可在 Word/WPS 中逐处接受或拒绝）：{shown(w.redline, root)}")


def print_summary(job, written, echo) -> None:
    """What `reportgen build` made: the table, notes per document, missing data, failures."""
    root = job.cfg.root
    _print_table(job, written, echo)
    for w in written:
        _print_notes(w, root, echo)
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
