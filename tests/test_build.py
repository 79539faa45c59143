"""Building reports (generator/build.py): gathering writes nothing but the data cache, the
data come from that cache when unchanged, regions are chosen by name, and a build composes
again only the regions whose inputs changed."""

import pytest

from generator.build import gather, load_data, select_regions
from generator.config import load_config
from generator.data import cache as data_cache
from generator.errors import DataError
from generator.output import DataCache
from tests.sample import copy_sample, count_compositions


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


# ---------------------------------------------------------------- what a build composes again

def _as_csv(root, edit=None):
    """The sample's values as a CSV (optionally edited by `edit(rows)`), the config pointing at it."""
    import csv

    from openpyxl import load_workbook

    values = root / "data" / "values.csv"
    if not values.exists():
        ws = load_workbook(root / "data" / "指标数据.xlsx", read_only=True)["指标数据"]
        rows = [list(r) for r in ws.iter_rows(values_only=True)]
        cfg = (root / "report.yaml").read_text(encoding="utf-8")
        (root / "report.yaml").write_text(cfg.replace(
            "- path: data/指标数据.xlsx\n      sheets: [指标数据]", "- path: data/values.csv"),
            encoding="utf-8")
    else:
        with open(values, encoding="utf-8", newline="") as fh:
            rows = list(csv.reader(fh))
    rows = edit(rows) if edit else rows
    with open(values, "w", encoding="utf-8", newline="") as fh:
        csv.writer(fh).writerows(rows)


def _bump(county, code):
    def edit(rows):
        for r in rows:
            if (r[0], str(r[1]), r[2]) == (county, "2025", code):
                r[3] = str(int(float(r[3])) + 1)
        return rows
    return edit


@pytest.fixture
def counted(monkeypatch):
    """The regions build.region_report composes (jobs=1 composes in this process)."""
    return count_compositions(monkeypatch)


def _stamps(root):
    return {p.name: (p.stat().st_ino, p.stat().st_mtime_ns)
            for p in (root / "output").rglob("*评估报告.docx")}


def test_a_build_with_unchanged_inputs_composes_nothing(tmp_path, counted):
    from generator.build import build

    root = copy_sample(tmp_path / "s")
    _, first = build(root / "report.yaml", all_regions=True)
    assert len(counted) == 9 and not any(w.skipped for w in first)
    counted.clear()
    before = _stamps(root)
    _, again = build(root / "report.yaml", all_regions=True)
    assert counted == [] and all(w.skipped for w in again)
    assert [(w.pages, w.missing) for w in again] == [(w.pages, w.missing) for w in first]
    assert _stamps(root) == before


def test_a_corrected_value_composes_only_the_reports_it_reaches(tmp_path, counted):
    from generator.build import build

    root = copy_sample(tmp_path / "s")
    _as_csv(root)
    build(root / "report.yaml", all_regions=True)
    counted.clear()
    before = _stamps(root)
    _as_csv(root, _bump("江城区", "joint_meeting_depts"))   # a 不汇总 count: no city total moves
    _, written = build(root / "report.yaml", all_regions=True)
    assert "江城区" in counted and len(counted) < 9, counted
    rewritten = {w.region for w in written if not w.skipped}
    assert "江城区" in rewritten and rewritten <= set(counted)
    after = _stamps(root)
    assert sum(after[k] != before[k] for k in after) == len(rewritten)


def _reads(config):
    from generator.build import gather

    return {r.region.name: r.narrative.reads for r in gather(config, all_regions=True).reports}


def _keys(config, reads):
    from generator.build import prepare, region_key

    prep = prepare(config, all_regions=True)
    return {name: region_key(prep, name, used) for name, used in reads.items()}


def test_the_inputs_key_moves_with_each_input(tmp_path, monkeypatch):
    root = copy_sample(tmp_path / "s")
    config = root / "report.yaml"
    _as_csv(root)
    reads = _reads(config)
    assert all(("joint_meeting_depts", "value") in r for r in reads.values())   # the text states it
    base = _keys(config, reads)
    assert len(set(base.values())) == 9                      # every region its own
    _as_csv(root, _bump("江城区", "joint_meeting_depts"))
    moved = {n for n, k in _keys(config, reads).items() if k != base[n]}
    assert "江城区" in moved and len(moved) < 9, moved     # others' ranks moved, unread
    _as_csv(root, _bump("江城区", "joint_meeting_depts"))
    now = _keys(config, reads)
    template = root / "templates" / "40_closing.md.j2"
    template.write_text(template.read_text(encoding="utf-8") + "{# 注释 #}\n", encoding="utf-8")
    assert all(k != now[n] for n, k in _keys(config, reads).items())    # any template: all
    now = _keys(config, reads)
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1767225600")
    assert all(k != now[n] for n, k in _keys(config, reads).items())    # the documents' time
    monkeypatch.delenv("SOURCE_DATE_EPOCH")
    cfg = config.read_text(encoding="utf-8")
    config.write_text(cfg.replace("year: 2025", "year: 2025\n# 注释"), encoding="utf-8")
    assert _keys(config, reads) == now                       # the same config, another text


@pytest.mark.parametrize("county,code", [
    ("江城区", "joint_meeting_depts"), ("青石县", "leader_lectures"), ("白沙县", "online_courses"),
    ("安平市", "coord_meetings"), ("临川县", "master_studios"), ("东湖区", "local_textbooks"),
])
def test_an_equal_key_means_an_equal_report(tmp_path, county, code):
    """The key over what the narrative read is sound: after a correction, every region whose
    key did not move composes to exactly the report it had."""
    from generator.build import gather

    root = copy_sample(tmp_path / "s")
    config = root / "report.yaml"
    _as_csv(root)
    job = gather(config, all_regions=True)
    reads = {r.region.name: r.narrative.reads for r in job.reports}
    before = _keys(config, reads)
    _as_csv(root, _bump(county, code))
    after = _keys(config, reads)
    again = {r.region.name: r for r in gather(config, all_regions=True).reports}
    unmoved = [n for n in before if before[n] == after[n]]
    for r in job.reports:
        if r.region.name in unmoved:
            other = again[r.region.name]
            assert other.narrative.text == r.narrative.text, r.region.name
            assert repr(other.specs) == repr(r.specs) and other.inputs == r.inputs, r.region.name
    assert county not in unmoved


def test_same_content_under_new_inputs_is_kept_and_rekeyed(tmp_path, counted):
    from generator.build import build

    root = copy_sample(tmp_path / "s")
    build(root / "report.yaml")
    before = _stamps(root)
    template = root / "templates" / "40_closing.md.j2"
    template.write_text(template.read_text(encoding="utf-8") + "{# 注释 #}\n", encoding="utf-8")
    counted.clear()
    _, [w] = build(root / "report.yaml")
    assert counted == ["临江市"] and w.skipped and not w.edited   # composed, found the same
    assert _stamps(root) == before                           # not written again
    counted.clear()
    _, [w] = build(root / "report.yaml")
    assert counted == [] and w.skipped                       # the manifest took the new key


def test_a_manifest_of_an_earlier_version_does_not_rewrite_the_documents(tmp_path):
    import json

    from generator.build import build

    root = copy_sample(tmp_path / "s")
    build(root / "report.yaml", all_regions=True)
    manifest = root / "output" / ".reportgen-manifest.json"
    data = json.loads(manifest.read_text(encoding="utf-8"))
    for entry in data["files"].values():   # as written before the inputs key: content hash only
        if "content" in entry:
            entry["inputs"] = entry.pop("content")
            del entry["missing"], entry["pages"]
    manifest.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    before = _stamps(root)
    _, written = build(root / "report.yaml", all_regions=True)
    assert all(w.skipped for w in written) and _stamps(root) == before


def test_strict_sees_the_missing_values_of_a_region_it_does_not_compose(tmp_path, counted):
    from generator.build import build

    root = copy_sample(tmp_path / "s")
    _as_csv(root, lambda rows: [r for r in rows if not (
        r[0] == "青石县" and str(r[1]) == "2025" and r[2] == "joint_meeting_depts")])
    job, written = build(root / "report.yaml", ["青石县"])
    assert [str(m) for m in job.missing] == ["青石县2025年「联席会议成员单位数」（joint_meeting_depts）"]
    counted.clear()
    with pytest.raises(DataError) as caught:
        build(root / "report.yaml", ["青石县"], strict=True)
    assert counted == [] and "青石县2025年「联席会议成员单位数」" in caught.value.message
    job, [w] = build(root / "report.yaml", ["青石县"])
    assert w.skipped and w.missing == 1 and len(job.missing) == 1


def test_workers_write_the_same_documents_as_one_process(tmp_path):
    from generator.build import build

    one, two = copy_sample(tmp_path / "one"), copy_sample(tmp_path / "two")
    build(one / "report.yaml", all_regions=True, jobs=1)
    build(two / "report.yaml", all_regions=True, jobs=2)
    docs = sorted((one / "output").rglob("*评估报告.docx"))
    assert len(docs) == 9
    for doc in docs:
        assert doc.read_bytes() == (two / doc.relative_to(one)).read_bytes(), doc.name


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
