"""The data model (generator/model.py): how a region names its city, what a problem's kind is."""

from generator.model import Problem, Region


def test_the_city_says_itself_and_a_county_names_its_city():
    city = Region("临江市", "市", short="临江")
    county = Region("青石县", "县", parent="临江市", short="青石")
    town = Region("安平市", "县级市", parent="临江市", short="安平")
    assert city.is_city and not county.is_city
    assert city.city_word == "全市" and city.benchmark_label == "全市平均"
    assert county.city_word == "临江市" and county.benchmark_label == "临江市平均"
    assert town.city_word == "临江市"          # 全市 would mean the county-level city itself


def test_a_zone_builds_on_its_citys_place_name():
    zone = Region("临江经开区", "开发区", parent="临江市", short="经开区", city_short="临江",
                  full="临江经济技术开发区")
    county = Region("青石县", "县", parent="临江市", short="青石", city_short="临江")
    assert zone.is_zone and zone.place == "临江" and zone.full_name == "临江经济技术开发区"
    assert not county.is_zone and county.place == "青石" and county.full_name == "青石县"


def test_problems_of_one_kind_share_severity_and_hint():
    a = Problem(None, "第2行重复", hint="删除重复行", severity="warning")
    b = Problem(None, "第9行重复", hint="删除重复行", severity="warning")
    c = Problem(None, "第9行重复", hint="删除重复行")
    assert a.kind == b.kind == ("warning", "删除重复行")
    assert c.kind != a.kind and c.is_error and not a.is_error
    assert Problem(None, "没有提示").kind == ("error", "没有提示")
