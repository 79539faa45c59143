"""A few cases every area shares: a missing config, an unknown region, a broken catalog file."""

from tests.corpus import Case, edit_text

CASES = [
    Case("config_missing", lambda r: (r / "report.yaml").unlink(), expect=("找不到报告定义文件",)),
    Case("unknown_region", lambda r: None, args=("build", "--region", "青山县"),
         expect=("地区表中没有以下地区", "青石县")),
    Case("catalog_missing", lambda r: (r / "data" / "指标目录.csv").unlink(),
         expect=("data.catalog",)),
    Case("year_outside_plan", lambda r: edit_text(r / "report.yaml", "year: 2025", "year: 2030"),
         args=("build",), expect=("报告年度 2030",)),
]
