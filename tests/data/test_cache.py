"""generator.data.cache: a file unchanged since the last load is not parsed again, and the
cache never changes a result or a message (cold, warm and damaged entries give the same)."""

from __future__ import annotations

import datetime as dt
import pickle
from pathlib import Path

import pytest

from generator.data import cache as data_cache
from generator.data import load_dataset
from generator.data.cache import FORMAT, entry_key, pack, read_cached, unpack
from generator.data.tables import Sheet
from generator.errors import DataError
from generator.model import DataOptions, ValueSource
from tests.data_fixtures import VALUES_HEADER, make_city, value_rows, write_xlsx


class DictCache:
    """A SheetCache in memory."""

    def __init__(self) -> None:
        self.entries: dict[Path, bytes] = {}

    def load(self, source: Path) -> bytes | None:
        return self.entries.get(source)

    def store(self, source: Path, entry: bytes) -> None:
        self.entries[source] = entry


@pytest.fixture
def reads(monkeypatch) -> list[str]:
    """The names of the files parsed (read_sheets called) from now on."""
    names: list[str] = []
    real = data_cache.read_sheets

    def counted(path, *args, **kwargs):
        names.append(Path(path).name)
        return real(path, *args, **kwargs)

    monkeypatch.setattr(data_cache, "read_sheets", counted)
    return names


def _workbook_city(tmp_path: Path, bad: bool = False) -> dict:
    """The fixture city with its values in a workbook: a percent-formatted cell, a date in a
    note, a 填表说明 sheet (a warning); with `bad` one value that is not a number (an error)."""
    args = make_city(tmp_path)
    rows = [VALUES_HEADER, *value_rows()]
    rate_row = next(i for i, r in enumerate(rows) if r[:3] == ["江北区", 2023, "pass_rate"]) + 1
    rows[rate_row - 1][3] = 0.965
    rows[2][5] = dt.datetime(2024, 5, 1)
    if bad:
        rows[3][3] = "很多"
    write_xlsx(tmp_path / "data/v.xlsx", {"数据": rows, "填表说明": [["请按年度填写"]]},
               formats={("数据", rate_row, 4): "0.0%"})
    args["values"] = [ValueSource("data/v.xlsx")]
    args["options"] = DataOptions(sum_tolerance=10)
    return args


def _damage(cache: DictCache, how: str) -> None:
    for source, entry in cache.entries.items():
        cache.entries[source] = {"truncated": entry[: len(entry) // 2], "empty": b"",
                                 "garbage": b"\x80\x05not a pickle at all",
                                 "other key": pack("0" * 64, [Sheet("x", [(1, ("a",))])]),
                                 "not ours": pickle.dumps({"tool": "something else"})}[how]


def test_cold_warm_and_damaged_entries_give_the_same_dataset_and_warnings(tmp_path, reads):
    args = _workbook_city(tmp_path)
    cache = DictCache()
    cold = load_dataset(**args, cache=cache)
    assert sorted(reads) == ["v.xlsx", "地区.csv", "指标目录.csv"] and len(cache.entries) == 3
    assert cold == load_dataset(**args)           # the cache changes nothing
    assert cold.get("江北区", "pass_rate", 2023) == 96.5
    assert any("已跳过" in p.message for p in cold.warnings)

    reads.clear()
    assert load_dataset(**args, cache=cache) == cold and reads == []   # warnings as well
    for how in ("truncated", "empty", "garbage", "other key", "not ours"):
        _damage(cache, how)
        reads.clear()
        assert load_dataset(**args, cache=cache) == cold, how
        assert len(reads) == 3, how                     # read again and written anew
        reads.clear()
        assert load_dataset(**args, cache=cache) == cold and reads == [], how


def test_errors_are_the_same_word_for_word_from_the_cache(tmp_path, reads):
    args = _workbook_city(tmp_path, bad=True)
    cache = DictCache()
    with pytest.raises(DataError) as cold:
        load_dataset(**args, cache=cache)
    reads.clear()
    with pytest.raises(DataError) as warm:
        load_dataset(**args, cache=cache)
    assert reads == []
    assert warm.value.problems == cold.value.problems and warm.value.message == cold.value.message
    bad = next(p for p in cold.value.problems if p.is_error)
    assert (bad.location.file, bad.location.sheet, bad.location.row, bad.location.column) == (
        "data/v.xlsx", "数据", 4, "数值")


def test_a_changed_file_is_the_only_one_read_again(tmp_path, reads):
    args = make_city(tmp_path)
    cache = DictCache()
    first = load_dataset(**args, cache=cache)
    values = tmp_path / "data" / "指标数据.csv"
    values.write_text(values.read_text(encoding="utf-8").replace("临江大学", "临江学院"),
                      encoding="utf-8")
    reads.clear()
    second = load_dataset(**args, cache=cache)
    assert reads == ["指标数据.csv"]
    assert second.get("临江市", "partners", 2023) == "市委党校、临江学院" != first.get(
        "临江市", "partners", 2023)
    assert second == load_dataset(**args)
    assert len(cache.entries) == 3                   # the new entry replaced the old one


def test_a_read_with_problems_is_not_kept(tmp_path, reads):
    args = _workbook_city(tmp_path)
    args["values"] = [ValueSource("data/v.xlsx", sheets=("2025年",))]
    cache = DictCache()
    for _ in range(2):
        with pytest.raises(DataError) as caught:
            load_dataset(**args, cache=cache)
        assert "没有名为「2025年」的工作表" in caught.value.problems[0].message
    assert reads.count("v.xlsx") == 2 and len(cache.entries) == 2


def test_a_missing_file_is_reported_as_without_a_cache(tmp_path):
    sheets, problems = read_cached(tmp_path / "nope.csv", "data/nope.csv", cache=DictCache())
    assert sheets == [] and "找不到文件「data/nope.csv」" in problems[0].message


_fired: list[str] = []


class Planted:
    """An object whose unpickling would run code."""

    @staticmethod
    def fire() -> str:
        _fired.append("ran")
        return "ran"

    def __reduce__(self):
        return Planted.fire, ()


def test_an_entry_that_would_run_code_is_a_miss():
    key = entry_key(b"x", "data/v.csv", (), False)
    planted = pickle.dumps((FORMAT, key, [(None, [(1, (Planted(),))])]))
    assert unpack(planted, key) is None and _fired == []
    sheets = [Sheet("数据", [(1, ("地区", dt.date(2024, 5, 1), dt.datetime(2024, 5, 1, 8), 1.5, 2,
                                  None, True, dt.time(8), dt.timedelta(hours=1)))])]
    assert unpack(pack(key, sheets), key) == sheets


def test_the_key_names_everything_that_makes_the_rows():
    keys = {entry_key(b"a", "data/v.xlsx", (), False), entry_key(b"b", "data/v.xlsx", (), False),
            entry_key(b"a", "data/w.xlsx", (), False), entry_key(b"a", "data/v.xlsx", ("数据",), False),
            entry_key(b"a", "data/v.xlsx", (), True)}
    assert len(keys) == 5
    assert entry_key(b"a", "data/v.xlsx", (), False) == entry_key(b"a", "data/v.xlsx", (), False)


def test_what_is_parsed_is_what_was_hashed(tmp_path, monkeypatch):
    """The bytes hashed for the key are the ones parsed: a file replaced in between cannot be
    stored under the old content's key."""
    path = tmp_path / "t.csv"
    path.write_text("地区,数值\n临江市,1\n", encoding="utf-8")
    real = data_cache.read_sheets

    def swapped(p, *args, **kwargs):
        p.write_text("地区,数值\n临江市,2\n", encoding="utf-8")
        return real(p, *args, **kwargs)

    monkeypatch.setattr(data_cache, "read_sheets", swapped)
    sheets, _ = read_cached(path, "t.csv", cache=DictCache())
    assert sheets[0].rows[1] == (2, ("临江市", "1"))
