"""generator.output.cache: the data cache in output/.reportgen/data/ (one entry per data file)
and the compiled templates in the user's cache, written whole and skipped silently when they cannot be
read or written."""

from __future__ import annotations

from generator.data import load_dataset
from generator.output import STATE, DataCache, data_cache
from generator.output.cache import DataCache as Direct
from tests.data_fixtures import make_city


def test_one_entry_per_source_file_replaced_by_the_next(tmp_path):
    cache = DataCache(tmp_path / "output")
    assert Direct is DataCache
    assert cache.folder == data_cache(tmp_path / "output") == tmp_path / "output" / STATE / "data"
    a, b = tmp_path / "data" / "a.csv", tmp_path / "data" / "b.xlsx"
    assert cache.load(a) is None                       # nothing yet: no folder either
    cache.store(a, b"first")
    cache.store(b, b"other")
    cache.store(a, b"second")
    assert cache.load(a) == b"second" and cache.load(b) == b"other"
    names = sorted(p.name for p in cache.folder.iterdir())
    assert len(names) == 2 and all(n.endswith(".pickle") for n in names)   # no temporary files
    assert cache.entry(a) != cache.entry(b) and cache.entry(a).parent == cache.folder


def test_a_cache_that_cannot_be_written_or_read_is_skipped(tmp_path):
    (tmp_path / "output").mkdir()
    (tmp_path / "output" / STATE).write_text("a file where the folder should be")
    cache = DataCache(tmp_path / "output")
    cache.store(tmp_path / "a.csv", b"entry")          # no exception
    assert cache.load(tmp_path / "a.csv") is None

    other = DataCache(tmp_path / "elsewhere")
    other.entry(tmp_path / "a.csv").mkdir(parents=True)  # a folder in the entry's place
    assert other.load(tmp_path / "a.csv") is None
    other.store(tmp_path / "a.csv", b"entry")
    assert other.load(tmp_path / "a.csv") is None


def test_damaged_entries_on_disk_give_the_same_dataset_and_are_rewritten(tmp_path):
    args = make_city(tmp_path)
    cache = DataCache(tmp_path / "output")
    cold = load_dataset(**args, cache=cache)
    entries = sorted(cache.folder.iterdir())
    assert len(entries) == 3
    good = {p: p.read_bytes() for p in entries}
    for p in entries:
        p.write_bytes(p.read_bytes()[:10])             # truncated: an interrupted copy, a full disk
    assert load_dataset(**args, cache=cache) == cold
    assert {p: p.read_bytes() for p in sorted(cache.folder.iterdir())} == good
    assert load_dataset(**args, cache=cache) == cold == load_dataset(**args)


def test_the_template_cache_is_one_folder_per_program_version_in_the_users_cache(
        tmp_path, monkeypatch):
    from generator.output import Store, program_fingerprint, template_cache

    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
    store = template_cache()
    assert store.folder == tmp_path / "xdg" / "reportgen" / "templates" / program_fingerprint()[:16]
    older = store.folder.parent / "0123456789abcdef"
    Store(older, replaces_versions=True).save("k", b"old")
    assert store.load("k") is None
    store.save("k", b"compiled")
    assert store.load("k") == b"compiled" and not older.exists()   # the older version goes
    assert template_cache() == store                       # hashable and equal: one renderer
    (store.folder / "k").unlink()
    store.folder.chmod(0o500)
    try:
        store.save("k", b"again")                          # cannot be written: no exception
    finally:
        store.folder.chmod(0o700)
