"""The end-of-build summary a drafter reads: what was written, where, and what is still missing."""

from __future__ import annotations

from pathlib import Path


def _shown(path: Path, root: Path) -> str:
    try:
        return str(path.relative_to(root))
    except ValueError:
        return str(path)


def print_summary(job, written, echo) -> None:
    root = job.cfg.root
    for w in written:
        line = f"已生成：{w.region}  {_shown(w.path, root)}"
        if w.missing:
            line += f"（{w.missing} 处【待补】）"
        echo(line)
        if w.moved:
            echo(f"  注意：原文件已被手工修改，未覆盖，已移到 {_shown(w.moved, root)}")
    missing = job.missing
    if missing:
        echo(f"\n以下 {len(missing)} 项数据缺失，文档中以黄色【待补】标出，请补齐数据后重新生成：")
        for m in missing:
            echo(f"  - {m}")
    warnings = job.ds.warnings
    if warnings:
        echo(f"\n数据有 {len(warnings)} 个警告，运行 reportgen check 查看详情。")
