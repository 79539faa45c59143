"""A digest of a .docx that two builds of the same inputs share byte for byte: every part of
the package, in order, except the chart images' pixels (their names and sizes count), which
follow the installed matplotlib and fonts rather than reportgen."""

from __future__ import annotations

import hashlib
import io
import zipfile

from generator.build import gather
from generator.render import render_document


def digest(data: bytes) -> str:
    h = hashlib.sha256()
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        for info in z.infolist():
            h.update(info.filename.encode() + b"\0")
            if info.filename.startswith("word/media/"):
                continue
            h.update(z.read(info) + b"\0")
    return h.hexdigest()


def sample_digests(config) -> dict[str, str]:
    """The digest of every region's document of the sample, rendered in memory."""
    job = gather(config, all_regions=True)
    out = {}
    for r in job.reports:
        data, _ = render_document(r.narrative.blocks, r.meta, r.specs, job.cfg.layout)
        out[r.region.name] = digest(data)
    return out
