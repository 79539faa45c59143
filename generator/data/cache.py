"""Reading a data file through a cache: a file whose bytes have not changed is not parsed again.

What is cached is what `tables.read_sheets` gives for one file (its sheets' rows of cells, with
their row numbers), the expensive part of loading: openpyxl's import and its XML parsing.
Mapping the headers, parsing the numbers and every check still run on every load, so a cache
hit gives the same Dataset and the same errors and warnings as a miss, word for word.

An entry is keyed by the sha256 of the file's bytes, the name it is shown under, the sheets
asked for, the source of generator/data/ and the installed readers: anything else is a miss.
Only a read without problems is stored (a file being locked or damaged is not remembered).
Where entries are kept is the caller's (`SheetCache`; the build's is generator.output's
`DataCache`, in the output folder): this module neither knows nor writes files itself.
Entries are read with an unpickler that accepts only the types cells hold (str, numbers,
dates and times), so a planted file cannot run code: it is just a miss.
"""

from __future__ import annotations

import datetime as _dt
import hashlib
import importlib.util
import io
import os
import pickle
import sys
from functools import cache
from pathlib import Path
from typing import Protocol

from ..model import Problem
from .tables import Sheet, read_sheets

FORMAT = "reportgen-sheets-1"
_ALLOWED = {("datetime", name): getattr(_dt, name)
            for name in ("datetime", "date", "time", "timedelta", "timezone")}


class SheetCache(Protocol):
    """Keeps one opaque entry per source file (a new one replaces the old)."""

    def load(self, source: Path) -> bytes | None:
        """The entry stored for `source`, or None (none, or it cannot be read)."""

    def store(self, source: Path, entry: bytes) -> None:
        """Keep `entry` for `source`; never raises (a cache that cannot be written is skipped)."""


def read_cached(path: Path, file: str, sheets: tuple[str, ...] = (), first_only: bool = False,
                cache: SheetCache | None = None) -> tuple[list[Sheet], list[Problem]]:
    """`read_sheets(path, file, sheets, first_only)`, from `cache` when the file is unchanged."""
    if cache is None or not path.is_file():
        return read_sheets(path, file, sheets, first_only)
    try:
        content = path.read_bytes()
    except OSError:  # locked, no permission …: read_sheets says so
        return read_sheets(path, file, sheets, first_only)
    key = entry_key(content, file, sheets, first_only)
    found = unpack(cache.load(path), key)
    if found is not None:
        return found, []
    result, problems = read_sheets(path, file, sheets, first_only, content=content)
    if not problems:
        cache.store(path, pack(key, result))
    return result, problems


def entry_key(content: bytes, file: str, sheets: tuple[str, ...], first_only: bool) -> str:
    """What an entry must have been made from to be used."""
    h = hashlib.sha256(_reader_version())
    h.update(repr((file, tuple(sheets), first_only)).encode("utf-8"))
    h.update(hashlib.sha256(content).digest())
    return h.hexdigest()


def pack(key: str, sheets: list[Sheet]) -> bytes:
    return pickle.dumps((FORMAT, key, [(s.name, s.rows) for s in sheets]),
                        protocol=pickle.HIGHEST_PROTOCOL)


def unpack(entry: bytes | None, key: str) -> list[Sheet] | None:
    """The sheets of an entry made with `key`; None for no entry, another key, or anything
    that is not an intact entry (truncated, damaged, written by something else)."""
    if not entry:
        return None
    try:
        fmt, stored, sheets = _Cells(io.BytesIO(entry)).load()
        if fmt != FORMAT or stored != key or not isinstance(sheets, list):
            return None
        return [Sheet(name, rows) for name, rows in sheets]
    except Exception:  # noqa: BLE001 - a damaged entry of any kind is a miss
        return None


class _Cells(pickle.Unpickler):
    """Unpickles plain data and the datetime types only."""

    def find_class(self, module: str, name: str):
        try:
            return _ALLOWED[(module, name)]
        except KeyError:
            raise pickle.UnpicklingError(f"{module}.{name} is not a cell type") from None


@cache
def _reader_version() -> bytes:
    """The code that makes the rows: generator/data/'s source, Python, and the installed
    readers, openpyxl and python-calamine (their paths and modification times, not their
    imports: ~150 ms a cache hit saves)."""
    h = hashlib.sha256(sys.version.encode())
    for source in sorted(Path(__file__).resolve().parent.glob("*.py")):
        h.update(source.name.encode())
        h.update(source.read_bytes())
    for reader in ("openpyxl", "python_calamine"):
        spec = importlib.util.find_spec(reader)
        if spec is not None and spec.origin:
            h.update(spec.origin.encode())
            try:
                h.update(str(os.stat(spec.origin).st_mtime_ns).encode())
            except OSError:
                pass
    return h.digest()
