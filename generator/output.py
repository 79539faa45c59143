"""Writing results: file names per region, atomic writes, a manifest, and no lost edits.

A document on disk that is not what reportgen last wrote there (someone edited it in Word
or WPS) is never overwritten: it is moved to output/.history/ with a dated name first, and
the message says where it went.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
import re
import tempfile
from dataclasses import dataclass
from pathlib import Path

from .errors import OutputError

MANIFEST = ".reportgen-manifest.json"
HISTORY = ".history"
STATE = ".reportgen"          # snapshots of the last build, for change reports and redlines
_UNSAFE = re.compile(r'[\\/:*?"<>|\x00-\x1f]')


def safe_name(name: str) -> str:
    """A region name as a file-name part: no separators, reserved characters or dot-only names."""
    cleaned = _UNSAFE.sub("_", name.strip())
    if cleaned.strip(".") == "":
        raise OutputError(f"地区名称「{name}」不能用作文件名，请在地区表中改用正常的地名。")
    return cleaned


def output_path(folder: Path, pattern: str, *, year: int, city: str, region: str,
                is_city: bool) -> Path:
    """The document's path from the config's pattern, kept inside the output folder."""
    rel = pattern.format(year=year, city=safe_name(city), region=safe_name(region),
                         county="" if is_city else safe_name(region))
    parts = [p for p in re.split(r"[\\/]", rel) if p not in ("", ".")]
    if any(p == ".." for p in parts):
        raise OutputError(f"输出文件名模式「{pattern}」不能包含“..”，请修改 report.yaml 的 output.filename。")
    return folder.joinpath(*parts)


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def file_sha256(path: Path) -> str:
    return sha256(path.read_bytes())


def _cannot_write(path: Path, exc: OSError) -> OutputError:
    if isinstance(exc, PermissionError):
        why = "没有写入权限，或文件正在 Word/WPS 中打开。请关闭该文件（或换一个输出文件夹）后重试"
    elif getattr(exc, "errno", None) == 28:
        why = "磁盘空间不足。请清理磁盘后重试"
    else:
        why = f"系统提示：{exc.strerror or exc}。请检查输出文件夹后重试"
    return OutputError(f"无法写入「{path}」：{why}。原有文件未被改动。")


def atomic_write(path: Path, data: bytes) -> None:
    """Write to a temporary file in the same folder, then rename: never a half-written file."""
    commit_temp(write_temp(path, data), path)


def write_temp(path: Path, data: bytes) -> Path:
    """Write `data` to a temporary file beside `path` (renamed into place by `commit_temp`)."""
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=".tmp-", suffix=path.suffix, dir=path.parent)
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
    except OSError as exc:
        raise _cannot_write(path, exc) from None
    return Path(tmp)


def commit_temp(tmp: Path, path: Path) -> None:
    try:
        os.replace(tmp, path)
    except OSError as exc:
        discard_temp(tmp)
        raise _cannot_write(path, exc) from None


def discard_temp(tmp: Path) -> None:
    Path(tmp).unlink(missing_ok=True)


@dataclass
class Manifest:
    """What reportgen wrote, per output file (relative path → file hash, content hash), and the
    values the last build used (for the change report)."""

    folder: Path
    entries: dict[str, dict]
    values: dict[str, object] | None = None

    @classmethod
    def load(cls, folder: Path) -> Manifest:
        path = folder / MANIFEST
        if not path.exists():
            return cls(folder, {})
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
            return cls(folder, dict(data.get("files", {})), data.get("values"))
        except (ValueError, OSError, AttributeError):
            raise OutputError(f"输出清单「{path}」已损坏。请删除该文件后重新生成（已生成的文档会被当作手工修改过的文件保留）。") from None

    def key(self, path: Path) -> str:
        return path.relative_to(self.folder).as_posix()

    def record(self, path: Path, file_hash: str, inputs_hash: str = "") -> None:
        self.entries[self.key(path)] = {"sha256": file_hash, "inputs": inputs_hash}

    def written_hash(self, path: Path) -> str | None:
        entry = self.entries.get(self.key(path))
        return entry.get("sha256") if entry else None

    def up_to_date(self, path: Path, inputs_hash: str) -> bool:
        """The file exists and was written by a build with exactly these inputs."""
        entry = self.entries.get(self.key(path))
        return bool(entry and entry.get("inputs") == inputs_hash and path.exists())

    def save(self) -> None:
        body = {"tool": "reportgen", "files": dict(sorted(self.entries.items())),
                "values": self.values}
        atomic_write(self.folder / MANIFEST,
                     (json.dumps(body, ensure_ascii=False, indent=1, sort_keys=True) + "\n").encode("utf-8"))


def _snapshot_path(folder: Path, doc: Path) -> Path:
    return folder / STATE / (doc.relative_to(folder).as_posix() + ".json")


def load_snapshot(folder: Path, doc: Path) -> dict | None:
    path = _snapshot_path(folder, doc)
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None


def save_snapshot(folder: Path, doc: Path, data: dict) -> None:
    atomic_write(_snapshot_path(folder, doc),
                 json.dumps(data, ensure_ascii=False).encode("utf-8"))


def notes_path(doc: Path) -> Path:
    """The 修订说明 beside a document."""
    return doc.with_name(f"{doc.stem}.修订说明.txt")


def redline_path(doc: Path) -> Path:
    """The tracked-changes copy beside a document."""
    return doc.with_name(f"{doc.stem}.修订稿.docx")


def program_fingerprint() -> str:
    """A hash of reportgen's own source: a changed program rebuilds every document."""
    global _FINGERPRINT
    if _FINGERPRINT is None:
        root = Path(__file__).resolve().parent
        h = hashlib.sha256()
        for p in sorted(root.rglob("*.py")):
            h.update(p.relative_to(root).as_posix().encode())
            h.update(p.read_bytes())
        _FINGERPRINT = h.hexdigest()
    return _FINGERPRINT


_FINGERPRINT: str | None = None


def protect_edits(path: Path, manifest: Manifest, now: dt.datetime | None = None) -> Path | None:
    """If `path` holds something reportgen did not write, move it to .history/; return where."""
    if not path.exists():
        return None
    current = file_sha256(path)
    if manifest.written_hash(path) == current:
        return None
    stamp = (now or dt.datetime.now()).strftime("%Y%m%d-%H%M%S")
    history = manifest.folder / HISTORY / path.relative_to(manifest.folder).parent
    try:
        history.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise _cannot_write(history, exc) from None
    target = history / f"{path.stem}.手工修改.{stamp}{path.suffix}"
    n = 1
    while target.exists():
        n += 1
        target = history / f"{path.stem}.手工修改.{stamp}-{n}{path.suffix}"
    try:
        os.replace(path, target)
    except OSError as exc:
        raise _cannot_write(path, exc) from None
    return target
