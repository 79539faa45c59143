"""Small inline fixtures for the data-stage tests: a tiny valid city and writers for csv/xlsx."""

from __future__ import annotations

import csv
from pathlib import Path

from generator.model import DataOptions, ValueSource

CATALOG_HEADER = ["指标代码", "指标名称", "单位", "类型", "小数位", "规划目标", "目标类型",
                  "汇总方式", "权重指标", "分子指标", "分母指标", "显示单位", "说明"]
CATALOG = [
    ["train_total", "培训干部总人次", "人次", "计数", 0, 50000, "累计", "求和", "", "", "", "", ""],
    ["funds", "培训经费", "万元", "金额", 2, "", "", "求和", "", "", "", "", ""],
    ["hours", "人均学时", "学时", "时长", 1, 110, "年度", "平均", "", "", "", "", ""],
    ["pass_rate", "考核合格率", "%", "百分比", 1, 95, "年度", "加权平均", "train_total",
     "", "", "", ""],
    ["trained", "参训干部人数", "人", "计数", 0, "", "", "求和", "", "", "", "", ""],
    ["cadres", "干部总数", "人", "计数", 0, "", "", "求和", "", "", "", "", ""],
    ["cover_rate", "培训覆盖率", "%", "百分比", 1, "", "", "不汇总", "", "trained", "cadres",
     "", "参训干部人数/干部总数"],
    ["partners", "合作院校", "", "文本", "", "", "", "", "", "", "", "", ""],
]
REGIONS_HEADER = ["地区名称", "层级", "上级", "简称"]
REGIONS = [
    ["临江市", "市", "", ""],
    ["江北区", "区", "临江市", ""],
    ["青山县", "县", "临江市", ""],
    ["云溪市", "县级市", "临江市", "云溪"],
]
COUNTIES = ["江北区", "青山县", "云溪市"]
VALUES_HEADER = ["地区", "年度", "指标代码", "数值", "来源", "备注"]

# Per year: county values of the 求和 indicators; the city gets their sum.
_COUNTY = {
    "train_total": [1000, 800, 600],
    "funds": [12.5, 10.25, 8],
    "trained": [400, 300, 200],
    "cadres": [500, 400, 300],
}
_OTHER = {"hours": [100.5, 98, 102], "pass_rate": [96.5, 97, 95.5]}


def value_rows(years=(2023, 2024)) -> list[list]:
    """A complete, consistent long table: every region, year and directly reported indicator."""
    rows = []
    for year in years:
        bump = 1 + (year - 2023) * 0.1
        for code, parts in _COUNTY.items():
            scaled = [round(p * bump, 2) if code == "funds" else round(p * bump) for p in parts]
            rows.append(["临江市", year, code, round(sum(scaled), 2), "组织部", ""])
            rows += [[c, year, code, v, "组织部", ""] for c, v in zip(COUNTIES, scaled, strict=True)]
        for code, parts in _OTHER.items():
            rows.append(["临江市", year, code, parts[0], "", ""])
            rows += [[c, year, code, v, "", ""] for c, v in zip(COUNTIES, parts, strict=True)]
        rows.append(["临江市", year, "partners", "市委党校、临江大学", "", ""])
    return rows


def catalog_with_column(header: str, cells: dict[str, object]) -> tuple[list, list[list]]:
    """(header, rows) of the fixture catalog with one more column `header`, filled for the
    codes in `cells` and empty elsewhere (e.g. 选填: {"partners": "是"})."""
    return ([*CATALOG_HEADER, header],
            [[*row, cells.get(row[0], "")] for row in CATALOG])


def write_csv(path: Path, header: list, rows: list[list], encoding: str = "utf-8") -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "w", encoding=encoding, newline="") as fh:
        writer = csv.writer(fh)
        writer.writerow(header)
        writer.writerows(rows)
    return path


def write_xlsx(path: Path, sheets: dict[str, list[list]], formats: dict | None = None) -> Path:
    """Write {sheet name: rows (header first)}; `formats` maps (sheet, row, col) → number format."""
    import openpyxl

    path.parent.mkdir(parents=True, exist_ok=True)
    wb = openpyxl.Workbook()
    wb.remove(wb.active)
    for name, rows in sheets.items():
        ws = wb.create_sheet(name)
        for row in rows:
            ws.append([None if v == "" else v for v in row])
    for (sheet, row, col), fmt in (formats or {}).items():
        wb[sheet].cell(row=row, column=col).number_format = fmt
    wb.save(path)
    return path


def make_city(root: Path, values: list[list] | None = None, catalog: list[list] | None = None,
              regions: list[list] | None = None) -> dict:
    """Write the three files as CSV under root/data and return load_dataset's arguments."""
    data = root / "data"
    write_csv(data / "指标目录.csv", CATALOG_HEADER, CATALOG if catalog is None else catalog)
    write_csv(data / "地区.csv", REGIONS_HEADER, REGIONS if regions is None else regions)
    write_csv(data / "指标数据.csv", VALUES_HEADER, value_rows() if values is None else values)
    return dict(catalog=data / "指标目录.csv", regions=data / "地区.csv",
                values=[ValueSource("data/指标数据.csv")], options=DataOptions(),
                display_root=root)
