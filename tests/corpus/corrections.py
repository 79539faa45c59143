"""Corrections: city values that no longer agree with their counties (sums, 平均, 加权平均),
county values that are missing so the city value cannot be checked, and charts whose data
went missing. Rebuilds after a correction (修订说明, 修订稿) change existing outputs, which
this runner forbids: they are tested in tests/output/test_regen.py.
"""

from tests.corpus import Case, edit_text, set_value, values_csv


def _value(region, year, code, value):
    def setup(root):
        values_csv(root, lambda rows: set_value(rows, region, year, code, value))
    return setup


def _without(*keys):
    """Drop the rows of (region, year, code) from the values (year None: every county's)."""
    def edit(rows):
        header = rows[0]
        ri, yi, ci = (header.index(h) for h in ("地区", "年度", "指标代码"))
        gone = [r for r in rows[1:] if any(
            (region is None and r[ri] != "临江市" or r[ri] == region)
            and str(r[yi]) == str(year) and r[ci] == code for region, year, code in keys)]
        assert gone, keys
        return [r for r in rows if r not in gone]

    def setup(root):
        values_csv(root, edit)
    return setup


def _weighted(then=None):
    """领导干部年度参训率 combined as 加权平均 by 干部总数 (a catalog edit), then `then`."""
    def setup(root):
        edit_text(root / "data" / "指标目录.csv",
                  "leader_participation,领导干部年度参训率,%,百分比,1,95,年度,平均,,",
                  "leader_participation,领导干部年度参训率,%,百分比,1,95,年度,加权平均,cadre_count,")
        if then:
            then(root)
    return setup


def _hours_plus(region, delta):
    def edit(rows):
        header = rows[0]
        ri, yi, ci, vi = (header.index(h) for h in ("地区", "年度", "指标代码", "数值"))
        for r in rows[1:]:
            if r[ri] == region and str(r[yi]) == "2025" and r[ci] == "professional_hours":
                r[vi] = r[vi] + delta
        return rows

    def setup(root):
        values_csv(root, edit)
    return setup


# Problems print as a table whose cells wrap: each expected piece is one line of a cell.
MEAN_ERROR = ("「领导干部年度参训率」2025年各县（市、区）平均为", "97.3%，与临江市的数值 80% 不一致",
              "许误差 0.5%", "的平均数")
CHART = "图“2025年各类培训参训人次构成”的数据"

CASES = [
    # the city's 平均 value no longer the mean of its counties
    Case("corrections_city_mean_off", _value("临江市", 2025, "leader_participation", 80),
         expect=MEAN_ERROR),
    Case("corrections_county_mean_off", _value("青石县", 2025, "leader_participation", 20),
         expect=("87.6%，与临江市的数值 97.3% 不一致",)),
    Case("corrections_city_mean_off_build", _value("临江市", 2025, "leader_participation", 80),
         args=("build", "--region", "青石县"),
         expect=(*MEAN_ERROR[:2], "出错的数据属于：临江市。未写入任何文件")),
    # 加权平均 by the catalog's weight indicator
    Case("corrections_weighted_mean_off",
         _weighted(_value("临江市", 2025, "leader_participation", 80)),
         expect=("「领导干部年度参训率」2025年各县（市、区）按「干", "部总数」加权平均为 97.5%",
                 "权重的加权平均数")),
    Case("corrections_weighted_weight_missing",
         _weighted(_without(("青石县", 2025, "cadre_count"))), exit_code=0,
         expect=("「领导干部年度参训率」2025年缺少青石县", "的权重「干部总数」，无法核对各县（市、",
                 "区）按「干部总数」加权平均与临江市的数")),
    # a county value missing: the check could not be made, and check says so
    Case("corrections_county_value_missing_sum", _without(("青石县", 2025, "center_group_sessions")),
         exit_code=0,
         expect=("「理论学习中心组专题学习次数」2025年缺", "少青石县的数值，无法核对各县（市、区）",
                 "合计与临江市的数值是否一致", "请在指标数据中补上青石县2025年的「理论学习中心")),
    Case("corrections_two_counties_missing_sum",
         _without(("青石县", 2024, "field_bases"), ("白沙县", 2024, "field_bases")), exit_code=0,
         expect=("「现场教学基地数」2024年缺少青石县、白", "沙县的数值，无法核对各县（市、区）合计")),
    Case("corrections_all_counties_missing_sum", _without((None, 2023, "center_group_sessions")),
         exit_code=0, expect=("「理论学习中心组专题学习次数」2023年缺少全部8个县",)),
    Case("corrections_county_value_missing_mean", _without(("白沙县", 2024, "theory_course_share")),
         exit_code=0,
         expect=("「重点班次政治理论课程占比」2024年缺少", "白沙县的数值，无法核对各县（市、区）平",
                 "均与临江市的数值是否一致")),
    # a county figure corrected without the city's: the sum check catches it
    Case("corrections_county_corrected_city_not", _hours_plus("青石县", 50000),
         expect=("「专业能力培训总学时」2025年各县（市、区）合计为",
                 "1202000学时，与临江市的数值 1152000学时 不一致")),
    Case("corrections_county_corrected_within_tolerance", _hours_plus("青石县", 300),
         exit_code=0, expect=("检查通过",)),
    # with no tolerance at all the sample's sums and means still agree (figures as entered)
    Case("corrections_zero_tolerance",
         lambda r: edit_text(r / "report.yaml", "sum_tolerance: 0.005", "sum_tolerance: 0"),
         exit_code=0, expect=("检查通过",)),
    # a chart whose data are missing: in --strict its 【待补】 carries no figure number
    Case("corrections_chart_data_missing_strict", _without(("青石县", 2025, "trainees_practice")),
         args=("build", "--region", "青石县", "--strict"),
         expect=("严格模式下不允许缺少数据", f"「{CHART}」（structure）")),
]
