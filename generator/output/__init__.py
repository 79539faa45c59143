"""The output stage: putting files in place, and regeneration.

Owns where every file a build writes goes and how it gets there whole (files.py), the record
of what was written and from what (manifest.py: the manifest, the snapshots, the program's
fingerprint), and what a rebuild says about itself (regen.py: the content hash that lets a
build skip an unchanged document, the 修订说明, the tracked-changes blocks, committing a
document with its manifest entry and snapshot; revisions.py: the comparisons they are made of),
and the caches (cache.py: the data stage's files read, output/.reportgen/data/, and the
compiled templates in the user's cache).

Must not import python-docx: the redline document is laid out by the layout stage, through
generator.render. The names other modules use are re-exported here from files.py,
manifest.py and cache.py; regen.py (which reads the narrative) and revisions.py are imported directly.
"""

from __future__ import annotations

from .cache import DataCache, Store, data_cache, template_cache, user_cache
from .files import (
    HISTORY,
    MANIFEST,
    STATE,
    TEMP_PREFIX,
    atomic_write,
    chart_cache,
    check_targets,
    commit_temp,
    discard_temp,
    file_mode,
    file_sha256,
    interrupts_held,
    notes_path,
    output_path,
    protect_edits,
    redline_path,
    remove_temps,
    safe_name,
    set_owner,
    sha256,
    snapshot_path,
    write_temp,
)
from .manifest import CheckRecord, Manifest, load_snapshot, program_fingerprint, save_snapshot

__all__ = [
    "HISTORY", "MANIFEST", "STATE", "TEMP_PREFIX", "CheckRecord", "DataCache", "Manifest", "Store",
    "atomic_write", "chart_cache", "check_targets", "data_cache",
    "commit_temp", "discard_temp", "file_mode", "file_sha256", "interrupts_held",
    "load_snapshot", "notes_path", "output_path", "program_fingerprint", "protect_edits",
    "redline_path", "remove_temps", "safe_name", "save_snapshot", "set_owner", "sha256",
    "snapshot_path", "template_cache", "user_cache", "write_temp",
]
