"""report.yaml: valid sample, relative paths, and every problem reported at once by its path."""

from pathlib import Path

import pytest

from generator.config import load_config
from generator.errors import ConfigError

ROOT = Path(__file__).resolve().parent.parent


def test_sample_config_resolves_paths_against_its_folder():
    cfg = load_config(ROOT / "report.yaml")
    assert cfg.catalog == ROOT / "data" / "指标目录.csv"
    assert cfg.templates == ROOT / "templates"
    assert cfg.year == 2025 and cfg.time_progress == 60
    assert cfg.as_of == "2025年11月"
    assert cfg.title_for("青石县").startswith("青石县贯彻落实《干部教育培训规划（2023－2027年）》")
    assert cfg.organ_for("安平市") == "中共安平市委组织部"
    assert cfg.terms["县"]["we"] == "我县"


def _write(tmp_path, text):
    (tmp_path / "data").mkdir()
    for name in ("c.csv", "r.csv", "v.csv"):
        (tmp_path / "data" / name).write_text("x\n", encoding="utf-8")
    (tmp_path / "templates").mkdir()
    p = tmp_path / "report.yaml"
    p.write_text(text, encoding="utf-8")
    return p


GOOD = """title: "{region}报告"
organ: "中共{region}委组织部"
year: 2025
date: 2025-12-20
plan: {name: 规划, start: 2023, end: 2027}
data: {catalog: data/c.csv, regions: data/r.csv, values: [data/v.csv]}
templates: templates
output: {folder: out, filename: "{year}/{region}.docx"}
"""


def test_second_city_in_its_own_folder(tmp_path):
    cfg = load_config(_write(tmp_path, GOOD))
    assert cfg.output == tmp_path / "out"
    assert cfg.values[0].path == str(tmp_path / "data" / "v.csv")


def test_every_problem_reported_at_once_with_its_path(tmp_path):
    bad = GOOD.replace("year: 2025", "year: 2031").replace("date: 2025-12-20", "date: 2025-13-40")
    bad = bad.replace("data/r.csv", "data/missing.csv").replace("{year}/{region}.docx", "{bogus}.doc")
    bad += "colour: red\nterms: {乡: {we: 我乡}, 县: {nope: x}}\n"
    with pytest.raises(ConfigError) as exc:
        load_config(_write(tmp_path, bad))
    msg = exc.value.message
    for key in ("year：", "date：", "data.regions：", "output.filename：", "colour：", "terms.乡：",
                "terms.县.nope："):
        assert key in msg, key
    assert "2031" in msg and "missing.csv" in msg


def test_missing_file_and_broken_yaml(tmp_path):
    with pytest.raises(ConfigError, match="找不到报告定义文件"):
        load_config(tmp_path / "none.yaml")
    p = tmp_path / "r.yaml"
    p.write_text("title: [unclosed\n", encoding="utf-8")
    with pytest.raises(ConfigError, match="格式有误"):
        load_config(p)


def test_bad_format_key_is_reported_with_the_config(tmp_path):
    with pytest.raises(ConfigError, match="format：.*body_fnot"):
        load_config(_write(tmp_path, GOOD + "format: {body_fnot: 仿宋}\n"))
    (tmp_path / "ok").mkdir()
    cfg = load_config(_write(tmp_path / "ok", GOOD + "format: {body_font: 仿宋, heading2_font: 楷体}\n"))
    assert cfg.layout == {"body_font": "仿宋", "heading2_font": "楷体"}


def test_header_keys_and_patterns_are_checked(tmp_path):
    with pytest.raises(ConfigError) as exc:
        load_config(_write(tmp_path, GOOD + "header: {issuer: x, printer: '{city}组织部'}\n"))
    assert "header.issuer：" in exc.value.message and "header.printer：" in exc.value.message
