"""The audit log: who did what and when, one JSON object per line, only ever appended.

Each record is written with a single `write` to a file opened with O_APPEND, so records of
several threads or server processes never interleave. The file is readable by this user only.
Actions used by the workbench: 登录, 登录失败, 退出, 上传填报表, 上传指标数据, 生成报告, 下载,
重置密码, 修改密码.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import threading
from collections.abc import Iterator
from pathlib import Path

from ..errors import OutputError

_BLOCK = 64 * 1024


class AuditLog:
    def __init__(self, path: Path):
        self.path = Path(path)
        self._lock = threading.Lock()

    def record(self, who: str, action: str, detail: str = "", sha256: str = "",
               addr: str = "") -> dict:
        """Append one record (and return it). The time is local time, to the second."""
        entry = {"time": dt.datetime.now().isoformat(timespec="seconds"), "who": who,
                 "action": action, "detail": detail, "sha256": sha256, "addr": addr}
        line = (json.dumps(entry, ensure_ascii=False) + "\n").encode("utf-8")
        with self._lock:
            try:
                self.path.parent.mkdir(parents=True, exist_ok=True)
                fd = os.open(self.path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o600)
                try:
                    written = os.write(fd, line)
                    while written < len(line):   # only on a full disk or a signal
                        written += os.write(fd, line[written:])
                finally:
                    os.close(fd)
            except OSError as exc:
                raise OutputError(f"无法写入操作记录 {self.path}（{exc.strerror or exc}）。请检查"
                                  "磁盘空间和该文件夹的权限，然后重试。") from None
        return entry

    def entries(self, limit: int = 200, who: str | None = None) -> list[dict]:
        """The newest `limit` records (of `who` only, if given), newest first.

        Lines that are not a JSON object (a torn last line, an edit by hand) are skipped.
        The file is read backwards, so a long log costs only what is shown."""
        if limit <= 0:
            return []
        found: list[dict] = []
        try:
            with open(self.path, "rb") as fh:
                for raw in _lines_backwards(fh):
                    entry = _parse(raw)
                    if entry is None or (who is not None and entry.get("who") != who):
                        continue
                    found.append(entry)
                    if len(found) >= limit:
                        break
        except FileNotFoundError:
            return []
        except OSError as exc:
            raise OutputError(f"无法读取操作记录 {self.path}（{exc.strerror or exc}）。请检查"
                              "该文件的权限，然后重试。") from None
        return found


def _parse(raw: bytes) -> dict | None:
    try:
        entry = json.loads(raw.decode("utf-8"))
    except (UnicodeDecodeError, ValueError):
        return None
    return entry if isinstance(entry, dict) else None


def _lines_backwards(fh) -> Iterator[bytes]:
    """The non-empty lines of a binary file, last first."""
    fh.seek(0, os.SEEK_END)
    position = fh.tell()
    rest = b""
    while position > 0:
        size = min(_BLOCK, position)
        position -= size
        fh.seek(position)
        block = fh.read(size) + rest
        lines = block.split(b"\n")
        rest = lines[0]          # may continue in the block before
        for line in reversed(lines[1:]):
            if line.strip():
                yield line
    if rest.strip():
        yield rest
