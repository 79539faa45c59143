"""`reportgen init` (generator/rounds/init.py), the bundled templates and catalog
(generator/defaults.py) and the check of plan targets a new city has not set."""

import filecmp
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from generator import cli
from generator.cli import main
from generator.config import load_config
from generator.data.validate import default_targets
from generator.defaults import SAMPLE_CITY, bundled_catalog, bundled_targets, bundled_templates
from generator.model import Indicator, Kind, Region, TargetType

ROOT = Path(__file__).resolve().parents[2]
EXPECTED = {"report.yaml", "data/地区.csv", "data/指标目录.csv", "data/指标数据.xlsx"}


def invoke(*args, input=None):
    result = CliRunner().invoke(main, [str(a) for a in args], input=input)
    assert "Traceback" not in result.output
    return result


def files(folder: Path) -> set[str]:
    return {p.relative_to(folder).as_posix() for p in folder.rglob("*") if p.is_file()}


def init(tmp_path, *extra, name="某市"):
    folder = tmp_path / name
    r = invoke("init", folder, "--city", "某市", "--year", "2025", *extra)
    assert r.exit_code == 0, r.output
    return folder, r


def complete(folder: Path, rows=(("某市", 2025, "political_trainees", 300),
                                 ("青石县", 2025, "political_trainees", 300))):
    """Add one county to the regions table and a few values to the workbook."""
    from openpyxl import load_workbook

    with open(folder / "data" / "地区.csv", "a", encoding="utf-8", newline="") as fh:
        fh.write("青石县,县,某市,青石,,\r\n")
    path = folder / "data" / "指标数据.xlsx"
    wb = load_workbook(path)
    for row in rows:
        wb["指标数据"].append(row)
    wb.save(path)


# --- what init writes ---------------------------------------------------------------------

def test_init_creates_exactly_the_files_and_no_templates(tmp_path):
    folder, r = init(tmp_path)
    assert files(folder) == EXPECTED
    assert not (folder / "templates").exists()
    assert filecmp.cmp(folder / "data" / "指标目录.csv", bundled_catalog(), shallow=False)
    cfg = load_config(folder / "report.yaml")
    assert cfg.year == 2025 and cfg.templates == bundled_templates()
    assert cfg.organ_for(Region("某市", "市")) == "中共某市委组织部"
    assert cfg.date.isoformat() == "2025-12-31" and cfg.as_of == ""
    regions = (folder / "data" / "地区.csv").read_text(encoding="utf-8-sig").splitlines()
    assert regions == ["地区名称,层级,上级,简称,全称,署名", "某市,市,,某市,,"]
    # what was created, which indicators the levels need, and the next steps
    for text in ("已创建", "data/地区.csv", "各级报告需要的指标", "累计目标 6 个", "下一步",
                 "reportgen check -c", "reportgen forms", "reportgen collect", "暂定 2025-12-31"):
        assert text in r.output


def test_init_with_templates_copies_them_and_uses_the_copy(tmp_path):
    folder, r = init(tmp_path, "--templates")
    tpl = {f"templates/{p.name}" for p in bundled_templates().iterdir() if p.is_file()}
    assert files(folder) == EXPECTED | tpl
    assert "templates: templates" in (folder / "report.yaml").read_text(encoding="utf-8")
    assert load_config(folder / "report.yaml").templates == folder / "templates"
    assert "templates/" in r.output


def test_init_options_date_as_of_and_organ(tmp_path):
    folder, r = init(tmp_path, "--date", "2025-12-20", "--as-of", "2025-11",
                     "--organ", "中共某市委组织部")
    cfg = load_config(folder / "report.yaml")
    assert cfg.date.isoformat() == "2025-12-20" and cfg.as_of == "2025年11月"
    # the city's own signature becomes the pattern, so counties sign alike
    assert cfg.organ == "中共{region}委组织部"
    assert cfg.organ_for(Region("青石县", "县", "某市")) == "中共青石县委组织部"
    assert "暂定" not in r.output

    folder, r = init(tmp_path, "--organ", "市委组织部", name="另一市")
    assert "市委组织部" in (folder / "data" / "地区.csv").read_text(encoding="utf-8-sig")
    assert load_config(folder / "report.yaml").organ == "中共{region}委组织部"
    assert "「署名」列" in r.output


def test_init_into_an_existing_folder_adds_its_files(tmp_path):
    folder = tmp_path / "已有"
    (folder / "data").mkdir(parents=True)
    (folder / "说明.txt").write_text("别动", encoding="utf-8")
    (folder / "data" / "旧表.xlsx").write_bytes(b"x")
    assert invoke("init", folder, "--city", "某市", "--year", "2025").exit_code == 0
    assert files(folder) == EXPECTED | {"说明.txt", "data/旧表.xlsx"}
    assert (folder / "说明.txt").read_text(encoding="utf-8") == "别动"


# --- refusals: nothing written, nothing replaced -------------------------------------------

def test_init_refuses_an_existing_report_yaml(tmp_path):
    folder, _ = init(tmp_path)
    (folder / "report.yaml").write_text("# 我的报告定义\n", encoding="utf-8")
    before = files(folder)
    r = invoke("init", folder, "--city", "某市", "--year", "2026")
    assert r.exit_code == 1
    assert "已经存在" in r.output and "不会覆盖" in r.output and "report.yaml" in r.output
    assert (folder / "report.yaml").read_text(encoding="utf-8") == "# 我的报告定义\n"
    assert files(folder) == before
    assert not list(tmp_path.glob(".reportgen-init-*")) and not list(folder.glob(".reportgen-init-*"))


def test_init_refuses_any_file_it_would_replace(tmp_path):
    folder = tmp_path / "半成品"
    (folder / "data").mkdir(parents=True)
    (folder / "data" / "地区.csv").write_text("地区名称\n", encoding="utf-8")
    r = invoke("init", folder, "--city", "某市", "--year", "2025", "--templates")
    assert r.exit_code == 1 and "data/地区.csv" in r.output and "不会覆盖" in r.output
    assert files(folder) == {"data/地区.csv"}


def test_without_a_terminal_missing_options_say_which_to_give(tmp_path):
    r = invoke("init", tmp_path / "某市", "--year", "2025")
    assert r.exit_code == 1 and "--city" in r.output and "--year" not in r.output.split("例如")[0]
    r = invoke("init", tmp_path / "某市")
    assert r.exit_code == 1 and "--city" in r.output and "--year" in r.output
    assert not (tmp_path / "某市").exists()


def test_at_a_terminal_init_asks_for_city_and_year(tmp_path, monkeypatch):
    monkeypatch.setattr(cli, "_interactive", lambda: True)
    r = invoke("init", tmp_path / "问", input="问市\n2026\n")
    assert r.exit_code == 0, r.output
    cfg = load_config(tmp_path / "问" / "report.yaml")
    assert cfg.year == 2026 and "问市,市" in (tmp_path / "问" / "data" / "地区.csv").read_text(encoding="utf-8-sig")


def test_bad_options_are_listed_together_and_nothing_is_created(tmp_path):
    r = invoke("init", tmp_path / "x", "--city", "某 市", "--year", "2031", "--date", "2025-02-30",
               "--as-of", "2025年13月")
    assert r.exit_code == 1
    for opt in ("--city", "--year", "--date", "--as-of"):
        assert opt in r.output
    assert list(tmp_path.iterdir()) == []
    r = invoke("init", tmp_path / "无此上级" / "某市", "--city", "某市", "--year", "2025")
    assert r.exit_code == 1 and "不存在" in r.output


# --- the new folder through check ------------------------------------------------------------

def test_new_folder_check_says_what_is_missing_then_passes(tmp_path):
    folder, _ = init(tmp_path)
    r = invoke("check", "-c", folder / "report.yaml")
    assert r.exit_code == 1 and "没有任何指标数据" in r.output and "请在列名下面逐行填写" in r.output

    complete(folder)
    r = invoke("check", "-c", folder / "report.yaml")
    assert r.exit_code == 0, r.output
    assert "检查通过" in r.output and "2 个地区" in r.output and "2 份报告的模板均可正常生成" in r.output
    # every value the reports still need, by region and indicator
    assert "报告中将显示【待补】" in r.output
    assert "青石县2025年「联席会议成员单位数」（joint_meeting_depts）" in r.output
    # the plan targets are still the sample's: one warning for the city, one for its county
    assert "某市有 12 个指标的规划目标" in r.output and "青石县没有自己的累计目标" in r.output


def test_the_city_own_targets_silence_the_warning(tmp_path):
    folder, _ = init(tmp_path)
    targets = [(region, "规划目标", code, value)
               for code, value in bundled_targets().items()
               for region, value in (("某市", value), ("青石县", value / 10))]
    complete(folder, rows=[("某市", 2025, "political_trainees", 300),
                           ("青石县", 2025, "political_trainees", 300), *targets])
    r = invoke("check", "-c", folder / "report.yaml")
    assert r.exit_code == 0, r.output
    assert "自带指标目录" not in r.output and "没有自己的累计目标" not in r.output


def test_sample_check_has_no_target_warning(tmp_path):
    """The bundled catalog's targets are the sample city's own: `make check` stays clean."""
    r = invoke("check", "-c", ROOT / "report.yaml")
    assert r.exit_code == 0 and "警告" not in r.output


# --- bundled templates as the default --------------------------------------------------------

def sample_without_templates(tmp_path, templates_line=""):
    shutil.copytree(ROOT / "data", tmp_path / "data")
    text = (ROOT / "report.yaml").read_text(encoding="utf-8")
    assert "templates: templates\n" in text
    (tmp_path / "report.yaml").write_text(text.replace("templates: templates\n", templates_line),
                                          encoding="utf-8")
    return tmp_path / "report.yaml"


def test_without_templates_the_bundled_ones_are_used(tmp_path):
    config = sample_without_templates(tmp_path)
    assert load_config(config).templates == bundled_templates() == ROOT / "templates"
    r = invoke("check", "-c", config)
    assert r.exit_code == 0 and "9 份报告的模板均可正常生成" in r.output


def test_a_missing_templates_folder_says_how_to_fix_it(tmp_path):
    config = sample_without_templates(tmp_path, "templates: 模板\n")
    r = invoke("check", "-c", config)
    assert r.exit_code == 1
    assert "templates：找不到模板文件夹「模板」" in r.output
    assert "删去 templates 这一行" in r.output and str(bundled_templates()) in r.output


# --- the target rule itself ------------------------------------------------------------------

def _ind(code, target, kind=TargetType.CUMULATIVE):
    return Indicator(code, code, "人次", Kind.COUNT, target=target, target_type=kind)


def test_default_targets_rule():
    inds = {"a": _ind("a", 100), "b": _ind("b", 70, TargetType.ANNUAL), "c": _ind("c", 5)}
    regions = [Region("某市", "市"), Region("甲县", "县", "某市"), Region("乙县", "县", "某市")]
    defaults = {"a": 100, "b": 70, "c": 9}  # c: the city changed the catalog's target
    found = default_targets(inds, regions, {("甲县", "a"): 10, ("甲县", "c"): 1}, defaults, "临江市")
    assert len(found) == 2 and all(p.severity == "warning" for p in found)
    assert "某市有 2 个指标" in found[0].message and "「a」、「b」" in found[0].message
    assert found[1].message.startswith("乙县没有自己的累计目标：「a」、「c」")
    # the city's own rows count, also when equal to the default; the sample city is exempt
    own = {("某市", "a"): 100, ("某市", "b"): 70, ("甲县", "a"): 1, ("甲县", "c"): 1,
           ("乙县", "a"): 1, ("乙县", "c"): 1}
    assert default_targets(inds, regions, own, defaults, "临江市") == []
    sample = [Region(SAMPLE_CITY, "市")]
    assert default_targets(inds, sample, {}, defaults, SAMPLE_CITY) == []


# --- where the bundled files live ------------------------------------------------------------

def test_bundled_files_are_the_repository_copies():
    assert bundled_templates() == ROOT / "templates"
    assert bundled_catalog() == ROOT / "data" / "指标目录.csv"
    assert bundled_targets()["political_trainees"] == 6000


def test_pyproject_lists_every_package_and_ships_the_bundle():
    """The bundle's package-dir mapping needs an explicit package list: none may be missing,
    nor a folder of data files (the workbench's pages), which setuptools would warn about."""
    tomllib = pytest.importorskip("tomllib")  # Python 3.11+
    conf = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["tool"]["setuptools"]
    found = {".".join(p.parent.relative_to(ROOT).parts) for p in (ROOT / "generator").rglob("*")
             if p.is_file() and "__pycache__" not in p.parts}
    assert found <= set(conf["packages"])
    data = {name for name in found if not (ROOT / name.replace(".", "/") / "__init__.py").exists()}
    assert data == {"generator.web.static", "generator.web.templates"}
    assert all(name in conf["package-data"] for name in data)
    assert conf["package-dir"] == {"generator._bundled": "data", "generator._bundled.templates": "templates"}
    assert conf["package-data"]["generator._bundled"] == ["指标目录.csv"]


# --- generator/rounds/init.py called directly ---------------------------------------------

def test_create_city_returns_what_it_wrote_and_refuses_bad_options(tmp_path):
    from generator.errors import ConfigError, OutputError
    from generator.rounds.init import CATALOG, CONFIG, REGIONS, VALUES, create_city

    created = create_city(tmp_path / "某市", "某市", "2025", organ="中共某市委组织部")
    assert created.folder == (tmp_path / "某市").resolve()
    assert (created.city, created.year, created.files) == ("某市", 2025, [CONFIG, REGIONS, CATALOG, VALUES])
    assert created.organ == "中共{region}委组织部" and created.city_organ == ""
    assert created.date_placeholder
    assert any(line.startswith("累计目标 6 个") for line in created.needs)
    assert files(created.folder) == EXPECTED
    with pytest.raises(OutputError):                       # never replaces report.yaml
        create_city(tmp_path / "某市", "某市", 2025)
    with pytest.raises(ConfigError, match="--year") as exc:
        create_city(tmp_path / "另一市", "另一市", "2031", as_of="2025-13")
    assert "--as-of" in str(exc.value)                     # the problems are listed together
    assert not (tmp_path / "另一市").exists()
