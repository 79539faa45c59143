"""The .docx package: a clean start from python-docx's template and deterministic bytes."""

from __future__ import annotations

import datetime as _dt
import io
import zipfile
from typing import Any

from generator.clock import build_time
from generator.errors import LayoutError

_DROP = {
    # Template leftovers that carry theme styles, list styles or a Word 2010 thumbnail.
    "http://schemas.microsoft.com/office/2007/relationships/stylesWithEffects",
    "http://schemas.openxmlformats.org/officeDocument/2006/relationships/customXml",
    "http://schemas.openxmlformats.org/officeDocument/2006/relationships/numbering",
    "http://schemas.openxmlformats.org/package/2006/relationships/metadata/thumbnail",
}
_STORED = (".png", ".jpeg", ".jpg")  # already compressed: deflating again only costs time
_EPOCH = _dt.datetime(1980, 1, 1)


def new_document():
    """A python-docx Document from the default template without the parts we do not use."""
    import docx

    document = docx.Document()
    for rels in (document.part.rels, document.part.package.rels):
        for r_id in [r for r, rel in rels.items() if rel.reltype in _DROP]:
            del rels[r_id]
    return document


def timestamp(created: str) -> _dt.datetime:
    """The document's time: `created` (ISO 8601), else `generator.clock.build_time`
    (SOURCE_DATE_EPOCH, else 1980-01-01), in UTC."""
    if created:
        try:
            value = _dt.datetime.fromisoformat(created.strip().replace("Z", "+00:00"))
        except ValueError:
            raise LayoutError(
                f"文档创建时间「{created}」不是有效的 ISO 日期时间（例如 2025-12-20T09:00:00）。"
            ) from None
        if value.tzinfo is not None:
            value = value.astimezone(_dt.timezone.utc).replace(tzinfo=None)
        return max(value, _EPOCH)
    return max(build_time(_EPOCH), _EPOCH)   # zip entries cannot be older than 1980


def set_core_properties(document, *, title: str, author: str, when: _dt.datetime) -> None:
    """Fixed core properties: no 'python-docx' description, no wall-clock times."""
    props = document.core_properties
    props.title = title
    props.author = author
    props.last_modified_by = author
    props.created = when
    props.modified = when
    props.revision = 1
    props.comments = ""
    props.subject = ""
    props.keywords = ""
    props.category = ""


class _Entries:
    """Where python-docx's package writer puts each part (the `write` of its physical
    package writer): straight into our zip file, with fixed entry times, images stored."""

    def __init__(self, zf: zipfile.ZipFile, when: _dt.datetime):
        self.zf = zf
        self.date_time = (when.year, when.month, when.day, when.hour, when.minute, when.second)

    def write(self, pack_uri, blob: bytes) -> None:
        entry = zipfile.ZipInfo(pack_uri.membername, self.date_time)
        entry.compress_type = (zipfile.ZIP_STORED if entry.filename.endswith(_STORED)
                               else zipfile.ZIP_DEFLATED)
        entry.create_system = 0
        entry.external_attr = 0
        self.zf.writestr(entry, blob)


def save(document, when: _dt.datetime) -> bytes:
    """The document's bytes, with fixed entry times so equal inputs give equal files.

    python-docx's own steps of `Document.save` (content types, package relationships, each
    part and its relationships, in its order), written once into our zip file: saving with
    `Document.save` and re-packing for the times deflated every part twice (and the images,
    which do not shrink, once for nothing)."""
    from docx.opc.pkgwriter import PackageWriter

    package = document.part.package
    parts = list(package.parts)
    for part in parts:
        part.before_marshal()
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as zf:
        entries: Any = _Entries(zf, when)   # duck-typed: only `write` is called
        PackageWriter._write_content_types_stream(entries, parts)
        PackageWriter._write_pkg_rels(entries, package.rels)
        PackageWriter._write_parts(entries, parts)
    return out.getvalue()
