"""Building reports (generator/build.py): gathering writes nothing but the data cache, the
data come from that cache when unchanged, regions are chosen by name."""

import pytest

from generator.build import gather, load_data, select_regions
from generator.config import load_config
from generator.data import cache as data_cache
from generator.errors import DataError
from generator.output import DataCache
from tests.sample import copy_sample


@pytest.fixture(scope="module")
def city(tmp_path_factory):
    return copy_sample(tmp_path_factory.mktemp("build") / "city")


def _files(root):
    """Every file under root but the data cache's (output/.reportgen/data/)."""
    cache = DataCache(root / "output").folder
    return sorted(p.relative_to(root) for p in root.rglob("*") if p.is_file() and cache not in p.parents)


def test_gather_computes_every_region_and_writes_nothing(city):
    """Nothing but the data cache, which the next gather (or check) reads instead of the files."""
    before = _files(city)
    job = gather(city / "report.yaml", all_regions=True)
    assert [r.region.name for r in job.reports] == ["临江市", "江城区", "东湖区", "西山区", "临川县",
                                                    "青石县", "白沙县", "云岭县", "安平市"]
    assert job.failures == {} and job.missing == []
    assert all(r.narrative.blocks and r.path.suffix == ".docx" for r in job.reports)
    assert _files(city) == before


def test_regions_by_default_by_name_and_all(city):
    ds = gather(city / "report.yaml").ds
    assert [r.name for r in select_regions(ds, None, False)] == ["临江市"]
    assert [r.name for r in select_regions(ds, ["青石县", "江城区", "青石县"], False)] == ["青石县", "江城区"]
    assert len(select_regions(ds, None, True)) == 9


def test_an_unknown_region_is_named_with_a_close_match(city):
    ds = gather(city / "report.yaml").ds
    with pytest.raises(DataError) as caught:
        select_regions(ds, ["青石", "火星"], False)
    message = caught.value.message
    assert "「青石」（是否为「青石县」？）" in message
    assert "  - 「火星」\n" in message
    assert "可用的地区：临江市、江城区" in message


def test_load_data_reads_only_the_files_changed_since_the_last_load(tmp_path, monkeypatch):
    root = copy_sample(tmp_path / "city")
    cfg = load_config(root / "report.yaml")
    first = load_data(cfg)
    entries = sorted(DataCache(cfg.output).folder.iterdir())
    assert len(entries) == 4   # catalog, regions, values workbook, text materials: one each

    reads: list[str] = []
    real = data_cache.read_sheets
    monkeypatch.setattr(data_cache, "read_sheets",
                        lambda path, *a, **k: reads.append(path.name) or real(path, *a, **k))
    assert load_data(cfg) == first and reads == []
    regions = root / "data" / "地区.csv"
    regions.write_text(regions.read_text(encoding="utf-8") + "\n", encoding="utf-8")
    assert load_data(cfg) == first and reads == ["地区.csv"]
    assert sorted(DataCache(cfg.output).folder.iterdir()) == entries  # replaced, not added
