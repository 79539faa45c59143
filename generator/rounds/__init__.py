"""The annual data round: fill-in forms for every region (`forms`), and their returns read,
checked, merged into the values table and archived (`collect`).

The round is an input stage beside `generator.data`: it writes one values file that the data
loader reads like any other (report.yaml `data.collected`). What both halves share lives here:
the form's sheet names, its metadata keys and version, and the catalog fingerprint that ties
a form to the catalog it was made from. Must not import python-docx or matplotlib (a round
writes and reads workbooks only), nor the narrative or the layout itself.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import re

FORM_KIND = "reportgen填报表"
FORM_VERSION = "1"
INPUT_SHEET = "填报"
TEXT_SHEET = "文字材料"
GUIDE_SHEET = "填报说明"
META_SHEET = "表单信息"          # veryHidden: region, year, fingerprints and the cell map

# Metadata keys (column A of the meta sheet, rows 1…); from MAP_ROW down, column A holds the
# cell map — [sheet, cell, code, column, original] for every input and locked cell — as JSON
# cut into pieces a cell can hold.
META_KEYS = ("表单类型", "表单版本", "地区", "年度", "目录指纹", "结构指纹", "生成时间")
MAP_ROW = 12
MAP_CHUNK = 30000
# The 栏目 of a map entry: an input column (2025年, 规划目标, 数据来源, 备注) or a locked cell,
# 锁定 (indicator information) or 锁定 2024年 (an earlier year's value).
LOCKED, TARGET_COL, SOURCE_COL, NOTE_COL = "锁定", "规划目标", "数据来源", "备注"


def year_label(year: int) -> str:
    return f"{year}年"


def catalog_fingerprint(indicators) -> str:
    """A hash of what a form depends on in the catalog: codes, kinds, units, decimals, targets,
    derivations and optionality. A form made from another catalog is outdated."""
    rows = [[i.code, i.kind.value, i.unit, i.decimals, i.target,
             i.target_type.value if i.target_type else None, i.numerator, i.denominator,
             i.optional] for i in indicators.values()]
    return hashlib.sha256(json.dumps(rows, ensure_ascii=False).encode("utf-8")).hexdigest()[:16]


def map_fingerprint(entries: list[tuple]) -> str:
    """A hash of the cell map stored in the form, so an edited meta sheet is noticed."""
    body = json.dumps([[_plain(v) for v in e] for e in entries], ensure_ascii=False)
    return hashlib.sha256(body.encode("utf-8")).hexdigest()[:16]


def _plain(value):
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return value


def generated_time(date: dt.date) -> dt.datetime:
    """The form's time stamp: SOURCE_DATE_EPOCH if set, else the report's date at midnight,
    so the same inputs always give the same bytes (clock.build_time)."""
    from ..clock import build_time

    return build_time(date)


def form_title(plan_name: str) -> str:
    """干部教育培训规划（2023－2027年） → 干部教育培训规划 (the plan's name without its years)."""
    return re.sub(r"[（(][^）)]*[）)]", "", plan_name).strip() or "规划"


def form_filename(year: int, plan_name: str, region: str) -> str:
    from ..output import safe_name

    return f"{year}年{form_title(plan_name)}实施情况填报表（{safe_name(region)}）.xlsx"


def shown_path(path) -> str:
    """A path for a message: relative to the current folder when inside it."""
    from pathlib import Path

    try:
        return Path(path).resolve().relative_to(Path.cwd().resolve()).as_posix()
    except (OSError, ValueError):
        return str(path)


def current_data(cfg, lenient: bool = False):
    """The current dataset; for a new city whose values files are still empty (its first
    round), the catalog and regions alone — the forms are how its values arrive."""
    from ..data import load_dataset
    from ..errors import DataError
    from ..model import Dataset

    try:
        return load_dataset(cfg.catalog, cfg.regions, cfg.values, cfg.data_options,
                            display_root=cfg.root, lenient=lenient)
    except DataError as exc:
        errors = [p for p in exc.problems if p.is_error]
        if not errors or not all(p.message.endswith("中没有任何指标数据") for p in errors):
            raise
    from ..data.catalog import load_catalog
    from ..data.regions import load_regions
    from ..data.tables import display_name, read_sheets

    def first_sheet(path):
        """(sheet, file name) of a file's first sheet; None if it cannot be read."""
        file = display_name(path, cfg.root)
        sheets, problems = read_sheets(path, file, first_only=True)
        return (sheets[0], file) if sheets and not problems else None

    found = first_sheet(cfg.catalog)
    catalog = load_catalog(*found)[0] if found else None
    found = first_sheet(cfg.regions)
    regions = load_regions(*found)[0] if found else None
    if catalog is None or regions is None:  # the failed load would have said so already
        raise DataError("指标目录或地区表无法读取，请运行 reportgen check 查看。")
    return Dataset(indicators=catalog.indicators, regions=regions.regions)
