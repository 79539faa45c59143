"""The record of what reportgen wrote: the manifest, the snapshots of the last build, and the
program's fingerprint.

The manifest (output/.reportgen-manifest.json) lists, per output file, the hash of the file
as written and the hash of what it was made from, and the values the last build used; a
snapshot (output/.reportgen/<document>.json) keeps a document's blocks for the next build's
change report and redline. Paths come from files.py; the files are written with its
`atomic_write`.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import asdict, dataclass, field
from pathlib import Path

from ..errors import OutputError
from .files import MANIFEST, STATE, atomic_write, snapshot_path

CHECKED = f"{STATE}/checked.json"


@dataclass(frozen=True)
class DocumentKeys:
    """What a build records of a document besides the file's hash: the key of its inputs
    (known before rendering: build.region_keys), the hash of its content (regen.content_hash),
    the values it had to leave 【待补】 (as plain mappings) and its estimated page count."""

    inputs: str
    content: str = ""
    missing: list = field(default_factory=list)
    pages: int = 0
    reads: list = field(default_factory=list)   # what the key covers: (code, field) pairs

    def plain(self) -> dict:
        return {"inputs": self.inputs, "content": self.content, "pages": self.pages,
                "missing": [m if isinstance(m, dict) else asdict(m) for m in self.missing],
                "reads": [list(r) for r in self.reads]}


@dataclass
class Manifest:
    """What reportgen wrote, per output file (relative path → file hash, content hash), and the
    values the last build used (for the change report)."""

    folder: Path
    entries: dict[str, dict]
    values: dict[str, object] | None = None
    changed: bool = False           # an entry took new keys (rekey): save even if nothing was written

    @classmethod
    def load(cls, folder: Path) -> Manifest:
        path = folder / MANIFEST
        if not path.exists():
            return cls(folder, {})
        def broken(why: str) -> OutputError:
            return OutputError(f"输出清单「{path}」已损坏（{why}）。请删除该文件后重新生成"
                               "（已生成的文档会被当作手工修改过的文件，移到 output/.history/ 保留）。")

        try:
            data = json.loads(path.read_text(encoding="utf-8"))
        except UnicodeDecodeError:
            raise broken("不是 UTF-8 文本") from None
        except ValueError:
            raise broken("不是有效的 JSON") from None
        except OSError as exc:
            raise broken(exc.strerror or str(exc)) from None
        files = data.get("files", {}) if isinstance(data, dict) else None
        values = data.get("values") if isinstance(data, dict) else None
        if not isinstance(files, dict) or not all(
                isinstance(k, str) and isinstance(v, dict)
                and all(isinstance(v.get(f, ""), str) for f in ("sha256", "inputs"))
                for k, v in files.items()):
            raise broken("内容不是 reportgen 写的清单")
        if values is not None and not isinstance(values, dict):
            raise broken("其中的 values 不是键值表")
        return cls(folder, dict(files), values)

    def key(self, path: Path) -> str:
        return path.relative_to(self.folder).as_posix()

    def record(self, path: Path, file_hash: str, keys: DocumentKeys | None = None) -> None:
        self.entries[self.key(path)] = {"sha256": file_hash, **(keys.plain() if keys else {})}

    def rekey(self, path: Path, keys: DocumentKeys) -> None:
        """A document found unchanged under new inputs: the entry takes the new keys (its file
        hash stays), so that the next build with these inputs skips it before composing."""
        entry = self.entries.get(self.key(path))
        if entry is not None and {**entry, **keys.plain()} != entry:
            entry.update(keys.plain())
            self.changed = True

    def content_hash(self, path: Path) -> str | None:
        """The content hash of the document in place (manifests before the inputs key kept
        it as "inputs")."""
        entry = self.entries.get(self.key(path)) or {}
        if "content" in entry:
            return entry["content"] or None
        return entry.get("inputs") or None

    def keys(self, path: Path) -> DocumentKeys | None:
        """What the last build recorded of the document's inputs (None: nothing usable)."""
        return _keys(self.entries.get(self.key(path)))

    def pages(self, path: Path) -> int:
        pages = (self.entries.get(self.key(path)) or {}).get("pages")
        return pages if isinstance(pages, int) and not isinstance(pages, bool) else 0

    def written_hash(self, path: Path) -> str | None:
        entry = self.entries.get(self.key(path))
        return entry.get("sha256") if entry else None

    def up_to_date(self, path: Path, inputs_hash: str) -> bool:
        """The file exists and was written by a build with exactly these inputs."""
        entry = self.entries.get(self.key(path))
        return bool(entry and entry.get("inputs") == inputs_hash and path.is_file())

    def save(self) -> None:
        body = {"tool": "reportgen", "files": dict(sorted(self.entries.items())),
                "values": self.values}
        # compact: json's C encoder (indent= takes the pure-Python one, 5 times slower: about
        # 25 ms per build for the sample's nine documents); the file is not for reading by hand
        text = json.dumps(body, ensure_ascii=False, separators=(",", ":"), sort_keys=True)
        atomic_write(self.folder / MANIFEST, (text + "\n").encode("utf-8"))


def _keys(entry) -> DocumentKeys | None:
    """An entry's inputs key, what its narrative read and what it left 【待补】, if well formed."""
    if not isinstance(entry, dict) or not isinstance(entry.get("inputs"), str):
        return None
    reads, missing = entry.get("reads"), entry.get("missing")
    if not isinstance(reads, list) or not isinstance(missing, list):
        return None
    if not all(isinstance(r, list) and len(r) == 2 and all(isinstance(x, str) for x in r)
               for r in reads) or not all(isinstance(m, dict) for m in missing):
        return None
    return DocumentKeys(entry["inputs"], missing=missing, reads=[(r[0], r[1]) for r in reads])


@dataclass
class CheckRecord:
    """What `reportgen check` found at its last run, per document it would build
    (output/.reportgen/checked.json): the inputs key, what the narrative read and what it
    left 【待补】. A later check skips a region whose inputs key is unchanged, as a build
    does. A record that cannot be read or written only costs time."""

    folder: Path
    entries: dict[str, dict]

    @classmethod
    def load(cls, folder: Path) -> CheckRecord:
        try:
            data = json.loads((Path(folder) / CHECKED).read_text(encoding="utf-8"))
        except (OSError, ValueError):
            data = None
        return cls(Path(folder), data if isinstance(data, dict) else {})

    def _key(self, doc: Path) -> str:
        return doc.relative_to(self.folder).as_posix()

    def keys(self, doc: Path) -> DocumentKeys | None:
        return _keys(self.entries.get(self._key(doc)))

    def record(self, doc: Path, keys: DocumentKeys) -> None:
        self.entries[self._key(doc)] = keys.plain()

    def save(self) -> None:
        body = json.dumps(dict(sorted(self.entries.items())), ensure_ascii=False, sort_keys=True)
        try:
            atomic_write(self.folder / CHECKED, body.encode("utf-8"), sync=False)
        except OutputError:
            pass


def load_snapshot(folder: Path, doc: Path) -> dict | None:
    """The last build's snapshot of a document; None when absent or not one reportgen wrote
    (then the document is rebuilt as on a first build, without a 修订说明)."""
    from ..blocks import from_plain

    path = snapshot_path(folder, doc)
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        from_plain(data["blocks"])
    except (OSError, ValueError, KeyError, TypeError, AttributeError, IndexError):
        return None
    return data


def save_snapshot(folder: Path, doc: Path, data: dict) -> None:
    atomic_write(snapshot_path(folder, doc),
                 json.dumps(data, ensure_ascii=False).encode("utf-8"))


def program_fingerprint() -> str:
    """A hash of reportgen's own source: a changed program rebuilds every document. The
    workbench (generator/web) and the data round (generator/rounds) make no document and
    are left out, so that a change to them does not rebuild every report."""
    global _FINGERPRINT
    if _FINGERPRINT is None:
        root = Path(__file__).resolve().parent.parent   # generator/
        h = hashlib.sha256()
        for p in sorted(root.rglob("*.py")):
            if p.relative_to(root).parts[0] in _NOT_DOCUMENTS:
                continue
            h.update(p.relative_to(root).as_posix().encode())
            h.update(p.read_bytes())
        _FINGERPRINT = h.hexdigest()
    return _FINGERPRINT


_FINGERPRINT: str | None = None
_NOT_DOCUMENTS = ("web", "rounds")
