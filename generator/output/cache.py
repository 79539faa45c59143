"""Where the data stage keeps what reading each data file gave: output/.reportgen/data/.

`DataCache` is the `SheetCache` the build hands to `data.load_dataset` (see data/cache.py,
which makes and checks the entries: this module only keeps bytes). There is one entry per
source file, named after the file's path, so a new entry replaces the one it supersedes and
the folder never grows beyond one file per data file. Entries are written with
`atomic_write` (no fsync: an entry is checked when read); a cache that cannot be read or
written is silently skipped, as if there were none: it never fails a build or a check.
"""

from __future__ import annotations

import os
from pathlib import Path

from ..errors import OutputError
from .files import STATE, atomic_write, sha256

DATA = "data"


def data_cache(folder: Path) -> Path:
    """The folder of an output folder's data cache."""
    return Path(folder) / STATE / DATA


class DataCache:
    """Entries of the data files read for the output folder `folder`, one per source file."""

    def __init__(self, folder: Path) -> None:
        self.folder = data_cache(folder)

    def entry(self, source: Path) -> Path:
        """The entry of a data file: named by a hash of its absolute path."""
        return self.folder / f"{sha256(os.fsencode(Path(source).absolute()))[:32]}.pickle"

    def load(self, source: Path) -> bytes | None:
        try:
            return self.entry(source).read_bytes()
        except (OSError, ValueError):  # none yet, unreadable, a folder in the way …
            return None

    def store(self, source: Path, entry: bytes) -> None:
        try:
            self.folder.mkdir(parents=True, exist_ok=True)
            atomic_write(self.entry(source), entry, sync=False)
        except (OSError, ValueError, OutputError):  # read-only or full disk: no cache
            pass
