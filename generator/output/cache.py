"""The caches a build keeps: bytes by name in a folder, which never fail a build.

`Store` is the one way: an entry is written whole with `atomic_write` (no fsync: whoever
reads an entry checks it), and a store that cannot be read or written is silently skipped,
as if there were none. Two stores use it:

- `DataCache` (output/.reportgen/data/): the `SheetCache` the build hands to
  `data.load_dataset` (data/cache.py makes and checks the entries). One entry per source
  file, named after the file's path, so a new entry replaces the one it supersedes and the
  folder never grows beyond one file per data file.
- `template_cache()` (<user cache>/reportgen/templates/<program>/): compiled templates for
  narrative.make_env's `compiled`, kept per user like Python's own __pycache__, not in the
  report's folder; one folder per program version (the compiled code includes the budget
  checks of narrative/env.py), older versions' folders removed when a new one is made.
"""

from __future__ import annotations

import os
import shutil
from dataclasses import dataclass
from pathlib import Path

from ..errors import OutputError
from .files import STATE, atomic_write, sha256

DATA = "data"


@dataclass(frozen=True)
class Store:
    """Entries (bytes) by name in `folder`; reading or writing never raises."""

    folder: Path
    replaces_versions: bool = False     # a new folder removes its siblings (older versions)

    def load(self, name: str) -> bytes | None:
        try:
            return (self.folder / name).read_bytes()
        except (OSError, ValueError):  # none yet, unreadable, a folder in the way …
            return None

    def save(self, name: str, data: bytes) -> None:
        try:
            if self.replaces_versions and not self.folder.is_dir():
                self._forget_other_versions()
            self.folder.mkdir(parents=True, exist_ok=True)
            atomic_write(self.folder / name, data, sync=False)
        except (OSError, ValueError, OutputError):  # read-only or full disk: no cache
            pass

    def _forget_other_versions(self) -> None:
        parent = self.folder.parent
        for old in parent.iterdir() if parent.is_dir() else ():
            if old != self.folder and old.is_dir():
                shutil.rmtree(old, ignore_errors=True)


def user_cache() -> Path:
    """reportgen's folder in the user's cache ($XDG_CACHE_HOME, else ~/.cache)."""
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return Path(base) / "reportgen"


def template_cache() -> Store:
    """Where compiled templates are kept for this program version."""
    from .manifest import program_fingerprint

    return Store(user_cache() / "templates" / program_fingerprint()[:16], replaces_versions=True)


def data_cache(folder: Path) -> Path:
    """The folder of an output folder's data cache."""
    return Path(folder) / STATE / DATA


class DataCache:
    """Entries of the data files read for the output folder `folder`, one per source file."""

    def __init__(self, folder: Path) -> None:
        self._entries = Store(data_cache(folder))
        self.folder = self._entries.folder

    def entry(self, source: Path) -> Path:
        """The entry of a data file: named by a hash of its absolute path."""
        return self.folder / self._name(source)

    @staticmethod
    def _name(source: Path) -> str:
        return f"{sha256(os.fsencode(Path(source).absolute()))[:32]}.pickle"

    def load(self, source: Path) -> bytes | None:
        return self._entries.load(self._name(source))

    def store(self, source: Path, entry: bytes) -> None:
        self._entries.save(self._name(source), entry)
