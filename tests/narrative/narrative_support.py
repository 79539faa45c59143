"""A tiny dataset, config and renderer shared by the narrative tests (test_narrative, test_views)."""

from types import SimpleNamespace

from generator.config import DEFAULT_TERMS, DEFAULT_WORDING, Plan
from generator.metrics import region_metrics
from generator.model import Combine, Dataset, Indicator, Kind, Region, TargetType, Value
from generator.narrative import NarrativeRenderer


def dataset():
    inds = {
        "classes": Indicator("classes", "轮训班期数", "期", Kind.COUNT, 0, 50, TargetType.CUMULATIVE,
                             Combine.SUM),
        "share": Indicator("share", "理论课程占比", "%", Kind.PERCENT, 1, 70, TargetType.ANNUAL,
                           Combine.MEAN),
        "name": Indicator("name", "战略定位", "", Kind.TEXT),
    }
    regions = [Region("临江市", "市", None, "临江"), Region("青石县", "县", "临江市", "青石"),
               Region("江城区", "区", "临江市", "江城")]
    vals = {}

    def put(r, y, c, v):
        vals[(r, y, c)] = Value(r, y, c, v)
    for r, cl, sh in (("临江市", (8, 9, 10), (68.0, 72.0)), ("青石县", (3, 4, 4), (66.0, 69.0)),
                      ("江城区", (5, 5, 6), (70.0, 75.0))):
        for y, v in zip((2023, 2024, 2025), cl, strict=True):
            put(r, y, "classes", v)
        put(r, 2024, "share", sh[0])
        put(r, 2025, "share", sh[1])
    put("临江市", 2025, "name", "绿色*智造")
    return Dataset(inds, regions, vals, targets={("青石县", "classes"): 25, ("江城区", "classes"): 25})


CFG = SimpleNamespace(terms=DEFAULT_TERMS, wording=DEFAULT_WORDING, year=2025,
                      plan=Plan("规划", 2023, 2027), as_of="2025年11月",
                      progress_basis="截至2025年11月")


def render(tmp_path, body, region="临江市"):
    (tmp_path / "report.md.j2").write_text(body, encoding="utf-8")
    m = region_metrics(dataset(), region, 2025, 2023, 2027)
    return NarrativeRenderer(tmp_path).render(CFG, m, peers_n=2)
