"""Output files: paths and names, atomic writes, temporary files, and no lost edits.

The paths of everything a build writes (a region's document, its 修订说明 and 修订稿, the
manifest, the snapshots), writing a file whole or not at all (temporary file, then rename),
cleaning up temporary files whatever happens to a build, holding Ctrl-C while a rename and
its record happen together, and protecting hand edits: a document on disk that is not what
reportgen last wrote there (someone edited it in Word or WPS) is never overwritten: it is
moved to output/.history/ with a dated name first, and the message says where it went.

Knows the manifest only as the record of what was written (`protect_edits` asks it); the
manifest itself is manifest.py's.
"""

from __future__ import annotations

import datetime as dt
import errno
import hashlib
import os
import re
import signal
import tempfile
import threading
import time
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING

from ..errors import OutputError

if TYPE_CHECKING:
    from .manifest import Manifest

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
    if re.match(r"[\\/~]|[A-Za-z]:", pattern):
        raise OutputError(f"输出文件名模式「{pattern}」不能是绝对路径，请在 report.yaml 的 output.filename "
                          "中写 output.folder 之内的相对路径，如 {year}/{city}{county}评估报告.docx。")
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
    if isinstance(exc, IsADirectoryError):
        why = "这里是一个文件夹，报告不能写在同名文件夹的位置。请把该文件夹改名或移走后重试"
    elif isinstance(exc, (NotADirectoryError, FileExistsError)):
        why = "它所在的路径中有一个同名的文件占了文件夹的位置。请把该文件改名或移走后重试"
    elif isinstance(exc, PermissionError):
        why = "没有写入权限，或文件正在 Word/WPS 中打开。请关闭该文件（或换一个输出文件夹）后重试"
    elif getattr(exc, "errno", None) == errno.ENOSPC:
        why = "磁盘空间不足。请清理磁盘后重试"
    else:
        why = f"系统提示：{exc.strerror or exc}。请检查输出文件夹后重试"
    return OutputError(f"无法写入「{path}」：{why}。原有文件未被改动。")


def check_targets(folder: Path, paths: Iterable[Path]) -> None:
    """Refuse, before anything is rendered or written, paths that cannot take a file: a folder
    standing where a file goes, or a file standing where a folder is needed. Every such
    problem is listed at once."""
    problems: dict[Path, str] = {}
    paths = list(paths)
    state = [snapshot_path(folder, p) for p in paths if folder in p.parents]
    for path in [folder / MANIFEST, chart_cache(folder) / "_", *paths, *state]:
        for parent in [*reversed(path.parents)]:
            if parent.exists() and not parent.is_dir():
                problems.setdefault(parent, f"「{parent}」是一个文件，但这里需要一个文件夹来存放输出。"
                                    "请把该文件改名或移走（或在 report.yaml 的 output.folder 中换一个文件夹）")
                break
        else:
            if path.is_dir():
                problems.setdefault(path, f"「{path}」是一个文件夹，但这里要写入文件。"
                                    "请把该文件夹改名或移走")
    if problems:
        lines = "\n".join(f"  - {why}。" for why in problems.values())
        raise OutputError(f"以下 {len(problems)} 处无法写入输出文件，未写入任何文件：\n{lines}\n改正后重新运行即可。")


# Temporary files (`write_temp`, for every file reportgen writes: reports, state, the chart
# cache's images) are named .reportgen-tmp-<pid of the build>-<random><suffix>: a build cleans
# up its own on every path, and removes those of a build that no longer runs (a crash, a
# kill). Earlier versions used .tmp-<8 random>.<suffix>, and .<8 random>.tmp in the chart
# cache; those are ours too.
TEMP_PREFIX = ".reportgen-tmp-"
_TEMP = re.compile(r"\.reportgen-tmp-(\d+)-[a-z0-9_]{8}(\.[A-Za-z0-9]{1,8})?")
_LEGACY_TEMP = re.compile(r"\.tmp-[a-z0-9_]{8}\.(?:docx|txt|json)")
_CHART_TEMP = re.compile(r"\.[a-z0-9_]{8}\.tmp")   # only under output/.reportgen/
_owner: int | None = None


def set_owner(pid: int | None) -> None:
    """Name temporary files after this build's main process (workers call this at start)."""
    global _owner
    _owner = pid


def _temp_owner() -> int:
    return _owner or os.getpid()


def file_mode() -> int:
    """The mode a new file gets under the current umask (mkstemp's files are 0600)."""
    mask = os.umask(0o022)
    os.umask(mask)
    return 0o666 & ~mask


def atomic_write(path: Path, data: bytes, *, sync: bool = True, private: bool = False,
                 failure: Callable[[Path, OSError], Exception] | None = None) -> None:
    """Write to a temporary file in the same folder, then rename: never a half-written file.

    `sync` and the temporary file are as in `write_temp`; `private` makes the file readable
    by this user only (mode 0600) from its first byte. An OSError becomes the exception
    `failure(path, error)` returns: by default the OutputError that names the file and says
    what to do (a full disk, no permission, a folder in the way …)."""
    try:
        tmp = _write_temp(path, data, sync, private)
        try:
            os.replace(tmp, path)
        except BaseException:
            discard_temp(tmp)
            raise
    except OSError as exc:
        raise (failure or _cannot_write)(path, exc) from None


def write_temp(path: Path, data: bytes, *, sync: bool = True) -> Path:
    """Write `data` to a temporary file beside `path` (renamed into place by `commit_temp`).

    The file is named `.reportgen-tmp-<pid of the build>-<random><suffix of path>`, so that
    `remove_temps` finds it whatever happens to the build, and gets the mode the umask
    allows, as a file created by any other program would, so colleagues sharing the folder
    can open the reports. With `sync` it is on the disk before it is renamed (a power cut
    leaves the old file or the new, never an empty one); a cache whose files are checked
    when read may do without."""
    try:
        return _write_temp(path, data, sync)
    except OSError as exc:
        raise _cannot_write(path, exc) from None


def _write_temp(path: Path, data: bytes, sync: bool, private: bool = False) -> Path:
    tmp = None
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=f"{TEMP_PREFIX}{_temp_owner()}-", suffix=path.suffix,
                                   dir=path.parent)          # mkstemp's files are 0600
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
            if sync:
                fh.flush()
                os.fsync(fh.fileno())
        if not private:
            os.chmod(tmp, file_mode())
    except BaseException:  # also Ctrl-C while writing: no half-written temporary file either
        if tmp:
            discard_temp(Path(tmp))
        raise
    return Path(tmp)


def commit_temp(tmp: Path, path: Path) -> None:
    """Rename the temporary file `tmp` (from `write_temp`) into place as `path`."""
    try:
        os.replace(tmp, path)
    except OSError as exc:
        discard_temp(tmp)
        raise _cannot_write(path, exc) from None


def discard_temp(tmp: Path) -> None:
    try:
        Path(tmp).unlink(missing_ok=True)
    except OSError:  # a temporary file that cannot be removed is removed by the next build
        pass


def _running(pid: int, path: Path) -> bool:
    """Whether the build that wrote this temporary file may still be running."""
    if os.name != "posix":  # no cheap, safe probe there: a day-old file is taken for a crash's
        return path.stat().st_mtime > time.time() - 86400
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except (OverflowError, ValueError):
        return False
    except OSError:        # EPERM: a live process of another user
        return True
    return True


def _our_temps(folder: Path) -> Iterator[tuple[Path, int | None]]:
    """Our temporary files under `folder` (symlinks not followed), with the pid that wrote them
    (None for the older naming)."""
    state = str(folder / STATE)
    for top, dirs, files in os.walk(folder):
        dirs[:] = [d for d in dirs if d != HISTORY]
        for name in files:
            path = Path(top, name)
            m = _TEMP.fullmatch(name)
            if m:
                yield path, int(m.group(1))
            elif _LEGACY_TEMP.fullmatch(name) or (
                    _CHART_TEMP.fullmatch(name) and (top + os.sep).startswith(state + os.sep)):
                yield path, None


def remove_temps(folder: Path, *, stale: bool) -> list[Path]:
    """Remove temporary files under the output folder: this build's own (`stale=False`, when
    it ends), or (`stale=True`, when it starts) those left by builds that no longer run.
    Only regular files named as reportgen names them; never a user's file. Returns them."""
    removed: list[Path] = []
    if not folder.is_dir():
        return removed
    me = _temp_owner()
    for path, pid in _our_temps(folder):
        try:
            if path.is_symlink() or not path.is_file():
                continue
            if stale:   # at the start nothing is ours yet: our pid on a file is a reused one
                if pid is not None and pid != me and _running(pid, path):
                    continue        # another build that is running now
            elif pid != me:
                continue
            path.unlink()
            removed.append(path)
        except OSError:
            continue
    return removed


@contextmanager
def interrupts_held() -> Iterator[None]:
    """Hold Ctrl-C until the block is done, then raise it: a rename and the manifest entry
    that records it happen together or not at all. Outside the main thread, does nothing."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    caught: list[int] = []
    try:
        previous = signal.signal(signal.SIGINT, lambda signum, frame: caught.append(signum))
    except (ValueError, OSError):
        yield
        return
    try:
        yield
    finally:
        signal.signal(signal.SIGINT, previous)
        if caught and previous is signal.default_int_handler:
            raise KeyboardInterrupt
        if caught and callable(previous):
            previous(signal.SIGINT, None)


def snapshot_path(folder: Path, doc: Path) -> Path:
    """Where the last build's snapshot of the document `doc` (inside `folder`) is kept."""
    return folder / STATE / (doc.relative_to(folder).as_posix() + ".json")


def chart_cache(folder: Path) -> Path:
    """Where the chart images of an output folder are kept (content-addressed), for the
    builds that draw them and the web preview that shows them."""
    return Path(folder) / STATE / "charts"


def notes_path(doc: Path) -> Path:
    """The 修订说明 beside a document."""
    return doc.with_name(f"{doc.stem}.修订说明.txt")


def redline_path(doc: Path) -> Path:
    """The tracked-changes copy beside a document."""
    return doc.with_name(f"{doc.stem}.修订稿.docx")


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
