"""The one way tests copy the sample city (config, data, templates) into a folder of their own."""

from __future__ import annotations

import shutil
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def copy_sample(dest: Path) -> Path:
    """A private copy of the sample in `dest` (created if needed), to break or build at will."""
    dest.mkdir(parents=True, exist_ok=True)
    for name in ("data", "templates"):
        shutil.copytree(ROOT / name, dest / name)
    shutil.copy(ROOT / "report.yaml", dest / "report.yaml")
    return dest


def edit_value(city: Path, region: str, year: int, code: str, change=None) -> None:
    """Change one value of the sample's values workbook in place (`change(old) → new`), or
    with no `change` delete its row (the value is then missing: 【待补】)."""
    from openpyxl import load_workbook

    path = city / "data" / "指标数据.xlsx"
    wb = load_workbook(path)
    ws = wb["指标数据"]
    [row] = [cells for cells in ws.iter_rows(min_row=2)
             if (cells[0].value, cells[1].value, cells[2].value) == (region, year, code)]
    if change is None:
        ws.delete_rows(row[0].row)
    else:
        row[3].value = change(row[3].value)
    wb.save(path)


def count_compositions(monkeypatch) -> list[str]:
    """The regions composed in this process from now on (build.region_report), in order."""
    import generator.build as build_module

    real, composed = build_module.region_report, []

    def counting(prep, renderer, name):
        composed.append(name)
        return real(prep, renderer, name)
    monkeypatch.setattr(build_module, "region_report", counting)
    return composed


def strip_year(city: Path, year: int, regions=None) -> None:
    """Remove the values of `year` (of `regions` only, when given) from the sample's values
    workbook and texts file, so that forms bring them back."""
    from openpyxl import Workbook, load_workbook

    def dropped(region) -> bool:
        return regions is None or region in regions

    path = city / "data/指标数据.xlsx"
    src = load_workbook(path)["指标数据"]
    rows = [r for r in src.iter_rows(values_only=True) if not (r[1] == year and dropped(r[0]))]
    wb = Workbook()
    ws = wb.active
    ws.title = "指标数据"
    for r in rows:
        ws.append(list(r))
    wb.save(path)
    texts = city / "data/地区文字材料.csv"
    lines = texts.read_text(encoding="utf-8-sig").splitlines()
    kept = [lines[0]] + [line for line in lines[1:]
                         if not (line.split(",")[1:2] == [str(year)] and dropped(line.split(",")[0]))]
    texts.write_text("\ufeff" + "\n".join(kept) + "\n", encoding="utf-8")


def form_columns(ws) -> tuple[int, dict[str, int]]:
    """The header row of a form's sheet and its columns by header text, found as a user would."""
    for row in ws.iter_rows(min_row=1, max_row=10):
        names = {str(c.value): c.column for c in row if c.value is not None}
        if "指标代码" in names:
            return row[0].row, names
    raise AssertionError("the form's sheet has no header row with 指标代码")
