"""Where the workbench keeps its state: one folder per city, under the output folder.

Everything the server knows survives a restart: accounts, the session key, the audit log,
the build history and uploads waiting for a confirmation. `CityLock` makes builds and data
changes of one city take turns, across threads and across server processes.
"""

from __future__ import annotations

import fcntl
import os
import secrets
import threading
import time
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from ..output import STATE, atomic_write


@dataclass(frozen=True)
class Folder:
    root: Path          # output/.reportgen/web

    @classmethod
    def for_output(cls, output: Path) -> Folder:
        root = Path(output) / STATE / "web"
        root.mkdir(parents=True, exist_ok=True)
        os.chmod(root, 0o700)
        return cls(root)

    @property
    def accounts(self) -> Path:
        return self.root / "accounts.json"

    @property
    def audit(self) -> Path:
        return self.root / "audit.log"

    @property
    def builds(self) -> Path:
        return self.root / "builds.json"

    @property
    def uploads(self) -> Path:
        path = self.root / "uploads"
        path.mkdir(exist_ok=True)
        return path

    @property
    def pdf(self) -> Path:
        return self.root / "pdf"

    @property
    def lock_file(self) -> Path:
        return self.root / "city.lock"

    def secret(self) -> str:
        """The key that signs session cookies; made once, readable by this user only."""
        path = self.root / "session.key"
        try:
            key = path.read_text(encoding="ascii").strip()
            if len(key) >= 32:
                return key
        except OSError:
            pass
        key = secrets.token_urlsafe(48)
        atomic_write(path, key.encode("ascii"), private=True)
        return key


class Busy(Exception):
    """The city is busy with another build or data change; `what` says which."""

    def __init__(self, what: str) -> None:
        super().__init__(what)
        self.what = what


class CityLock:
    """One build or data change of a city at a time (a thread lock for this server, a file
    lock for a second server started on the same folder). `what` describes the holder."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._lock = threading.Lock()
        self.what = ""

    @contextmanager
    def held(self, what: str, wait: float = 0.0):
        deadline = time.monotonic() + wait
        acquired = self._lock.acquire(timeout=wait) if wait > 0 else self._lock.acquire(blocking=False)
        if not acquired:
            raise Busy(self.what or "另一项操作")
        fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o600)
        try:
            while True:
                try:
                    fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                    break
                except BlockingIOError:
                    if time.monotonic() >= deadline:
                        raise Busy("另一个 reportgen serve 中的操作") from None
                    time.sleep(0.1)
            self.what = what
            try:
                yield
            finally:
                self.what = ""
                fcntl.flock(fd, fcntl.LOCK_UN)
        finally:
            os.close(fd)
            self._lock.release()

    @property
    def busy(self) -> bool:
        return self._lock.locked()


class SignedOut:
    """Sessions ended by 退出: a session lives in its signed cookie, so a copy of the cookie
    taken before logging out would stay valid until it expires; its id is kept here (on
    disk, for the cookie's lifetime) and refused."""

    def __init__(self, path: Path, lifetime: float) -> None:
        self.path, self.lifetime = path, lifetime
        self._lock = threading.Lock()
        try:
            import json

            self._ended = {str(k): float(v) for k, v in json.loads(path.read_text("utf-8")).items()}
        except (OSError, ValueError, AttributeError):
            self._ended = {}

    def __contains__(self, session_id: object) -> bool:
        return isinstance(session_id, str) and session_id in self._ended

    def end(self, session_id: str) -> None:
        import json

        now = time.time()
        with self._lock:
            self._ended = {k: t for k, t in self._ended.items() if now - t < self.lifetime}
            self._ended[session_id] = now
            atomic_write(self.path, json.dumps(self._ended).encode("ascii"), private=True)
