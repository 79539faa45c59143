"""generator.data.regions: the regions table, its tree, names and short names."""

from __future__ import annotations

import pytest

from generator.data import load_dataset
from generator.data.regions import default_full, default_short, load_regions, name_problem
from generator.data.tables import Sheet
from generator.model import DataOptions, Location
from tests.data.edits import (
    REG,
    L,
    add,
    build,
    check_broken,
    drop,
    errors_of,
    only,
    put,
)
from tests.data_fixtures import (
    REGIONS,
    REGIONS_HEADER,
    make_city,
)

BROKEN = [
    ("regions", [drop(2)], L(REG, None, "上级"), "地区表中没有本市（「上级」为空的一行）"),
    ("regions", [put(4, 2, "")], L(REG, 4, "上级"), "只有本市（第2行「临江市」）可以不填上级"),
    ("regions", [put(2, 1, "县")], L(REG, 2, "层级"), "「临江市」没有上级，是本市，层级应为「市」"),
    ("regions", [put(3, 2, "青山县")], L(REG, 3, "上级"), "地区「江北区」的上级「青山县」不是本市（本市是「临江市」）"),
    ("regions", [put(5, 1, "市")], L(REG, 5, "层级"), "「云溪市」的层级「市」不对：只有本市的层级是「市」"),
    ("regions", [put(4, 1, "地级市")], L(REG, 4, "层级"), "层级「地级市」无法识别"),
    ("regions", [put(4, 1, "")], L(REG, 4, "层级"), "地区「青山县」的层级为空"),
    ("regions", [add("江北区", "区", "临江市")], L(REG, 6, "地区名称"), "地区「江北区」重复（第3行已有）"),
    ("regions", [put(4, 0, "青山 县")], L(REG, 4, "地区名称"), "地区名称「青山 县」中间有空格"),
    ("regions", [put(4, 0, "青山/县")], L(REG, 4, "地区名称"), "含有不能用于文件名的字符「/」"),
    ("regions", [put(4, 0, "青山县?")], L(REG, 4, "地区名称"), "含有不能用于文件名的字符「?」"),
    ("regions", [put(4, 0, "..")], L(REG, 4, "地区名称"), "地区名称不能是「..」"),
    ("regions", [put(4, 0, "青" * 21)], L(REG, 4, "地区名称"), "太长（21个字，最多20个字）"),
    ("regions", [put(4, 0, "")], L(REG, 4, "地区名称"), "地区名称为空"),
    ("regions", [put(5, 3, "云 溪")], L(REG, 5, "简称"), "简称「云 溪」中间有空格"),
    ("regions", [put(4, 3, "江北")], L(REG, 4, "简称"), "简称「江北」与第3行的地区重复"),
]


@pytest.mark.parametrize(("table", "edits", "location", "fragment"), BROKEN,
                         ids=[f"{t}-{i}" for i, (t, *_rest) in enumerate(BROKEN)])
def test_broken_copy_is_reported_at_its_cell(tmp_path, table, edits, location, fragment):
    check_broken(tmp_path, table, edits, location, fragment)


def test_at_least_fifteen_broken_copies():
    assert len(BROKEN) >= 15


def test_region_short_names_and_defaults(tmp_path):
    regions = [*REGIONS, ["城区", "区", "临江", ""]]
    args = build(tmp_path, {"regions": [add(*regions[-1])],
                            "values": [add("青山", 2024, "partners", "x")]})
    args["options"] = DataOptions()
    # 城区 has no values, so the sums skip; 青山 (short name) resolves to 青山县
    ds = load_dataset(**args)
    assert [r.short for r in ds.regions] == ["临江", "江北", "青山", "云溪", "城区"]
    assert ds.region("城区").parent == "临江市"
    assert ds.get("青山县", "partners", 2024) == "x"


def test_regions_file_with_only_its_header_row(tmp_path):
    errors, exc = errors_of(**make_city(tmp_path, regions=[]))
    problem = only(errors, "地区表没有任何地区")
    assert problem.location == Location("data/地区.csv") and "请至少填写市本级一行" in problem.hint
    assert not [p for p in errors if "不在地区表中" in p.message]  # not once per values row
    assert "地区表没有任何地区" in exc.message


# --- names, short names and the tree, without files ------------------------------------------

def test_default_short_and_full_names():
    assert default_short("临江市") == "临江" and default_short("江北区") == "江北"
    assert default_short("城区") == "城区"  # two characters stay whole
    assert default_short("临江经济技术开发区", "开发区") == "临江经开区"
    assert default_short("临江高新区", "开发区") == "临江高新区"
    assert default_full("江城区", "区", "临江市", "临江") == "临江市江城区"
    assert default_full("临江市江城区", "区", "临江市", "临江") == "临江市江城区"
    assert default_full("高新区", "开发区", "临江市", "临江") == "临江高新区"
    assert default_full("临川县", "县", "临江市", "临江") == "临川县"


def test_name_problem_names_what_a_file_name_cannot_hold():
    assert name_problem("青山县") is None
    assert name_problem("") == "地区名称为空"
    assert name_problem("青山 县") == "地区名称「青山 县」中间有空格"
    assert name_problem("a/b:c", "简称") == "简称「a/b:c」含有不能用于文件名的字符「/:」"
    assert "最多20个字" in name_problem("青" * 21)


def test_load_regions_puts_the_city_first_and_knows_short_names():
    rows = [REGIONS[1], REGIONS[0], *REGIONS[2:]]
    cells = [tuple(None if c == "" else c for c in row) for row in [REGIONS_HEADER, *rows]]
    sheet = Sheet(None, list(enumerate(cells, 1)))  # empty cells are None, as read_sheets gives them
    regions, problems = load_regions(sheet, "地区.csv")
    assert problems == [] and regions.broken == set()
    assert [r.name for r in regions.regions] == ["临江市", "江北区", "青山县", "云溪市"]
    assert regions.regions[0].location == Location("地区.csv", None, 3, "地区名称")
    assert regions.aliases == {"临江": "临江市", "江北": "江北区", "青山": "青山县", "云溪": "云溪市"}
