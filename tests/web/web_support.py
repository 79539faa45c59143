"""Helpers of the workbench's HTTP tests (test_app.py, test_access.py).

The base city is built once per test run (`base`): the sample 临江市 with the 2025 values of
青石县 and 白沙县 removed from its values files — so that their forms (made before the removal,
pre-filled with those values) have something to merge — and every report built. Tests that
change anything work on a `clone` of it.
"""

from __future__ import annotations

import io
import re
import shutil
import time
from dataclasses import dataclass
from pathlib import Path

from argon2 import PasswordHasher
from openpyxl import load_workbook
from starlette.testclient import TestClient

from tests.sample import copy_sample, strip_year

CITY = "临江市"
COUNTIES = ["江城区", "东湖区", "西山区", "临川县", "青石县", "白沙县", "云岭县", "安平市"]
BY_FORM = ("青石县", "白沙县")            # their 2025 data are not in the base's values files
YEAR = 2025
COLLECTED = Path("data/填报汇总.csv")
VALUES = Path("data/指标数据.xlsx")
FAST_HASHER = PasswordHasher(time_cost=1, memory_cost=8, parallelism=1)
ADMIN_PASSWORD = "Linjiang-admin-2025"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@dataclass(frozen=True)
class Base:
    city: Path                      # the built city folder (never changed by a test)
    forms: Path                     # <region>.xlsx: the forms of BY_FORM, pre-filled

    def form(self, region: str) -> bytes:
        return (self.forms / f"{region}.xlsx").read_bytes()


_BASE: dict[str, Base] = {}


def base(tmp_path_factory) -> Base:
    """The built base city, made once per test run (both test modules share it)."""
    if "base" not in _BASE:
        from generator.build import build
        from generator.config import load_config
        from generator.rounds import current_data
        from generator.rounds.forms import build_form

        root = tmp_path_factory.mktemp("web-base")
        city = copy_sample(root / "city")
        forms = root / "forms"
        forms.mkdir()
        cfg = load_config(city / "report.yaml")
        ds = current_data(cfg, lenient=True)
        for region in BY_FORM:
            data, prefilled = build_form(cfg, ds, region)
            assert prefilled > 50
            (forms / f"{region}.xlsx").write_bytes(data)
        strip_year(city, YEAR, BY_FORM)
        build(city / "report.yaml", all_regions=True)
        _BASE["base"] = Base(city, forms)
    return _BASE["base"]


def clone(b: Base, dest: Path) -> Path:
    """A private copy of the base city (its reports included); returns its report.yaml."""
    shutil.copytree(b.city, dest)
    return dest / "report.yaml"


def set_input(data: bytes, code: str, value, sheet: str = "填报") -> tuple[bytes, str]:
    """A form with the report year's cell of indicator `code` set to `value`, as typed in
    Excel; returns the new bytes and the cell ("填报!E12")."""
    wb = load_workbook(io.BytesIO(data))
    ws = wb[sheet]
    for row in ws.iter_rows(min_row=1, max_row=10):
        cols = {str(c.value): c.column for c in row if c.value is not None}
        if "指标代码" in cols:
            head = row[0].row
            break
    else:
        raise AssertionError("no header row in the form")
    for r in range(head + 1, ws.max_row + 1):
        if ws.cell(row=r, column=cols["指标代码"]).value == code:
            cell = ws.cell(row=r, column=cols[f"{YEAR}年"])
            cell.value = value
            out = io.BytesIO()
            wb.save(out)
            return out.getvalue(), f"{sheet}!{cell.coordinate}"
    raise AssertionError(f"{code} not in the form")


def set_value(path: Path, region: str, code: str, value, year: int = YEAR) -> bytes:
    """The values workbook at `path` with one value changed, as bytes (the file is untouched)."""
    wb = load_workbook(path)
    for row in wb["指标数据"].iter_rows(min_row=2):
        if row[0].value == region and row[1].value == year and row[2].value == code:
            row[3].value = value
            out = io.BytesIO()
            wb.save(out)
            return out.getvalue()
    raise AssertionError(f"no value {region} {year} {code}")


# --- talking to the app ------------------------------------------------------------------

def client(app) -> TestClient:
    return TestClient(app, follow_redirects=False)


def csrf(c: TestClient, path: str = "/") -> str:
    """The session's CSRF token, from the hidden input of a page's form."""
    r = c.get(path)
    assert r.status_code == 200, (path, r.status_code, r.headers.get("location"))
    found = re.search(r'name="csrf" value="([^"]+)"', r.text)
    assert found, path
    return found.group(1)


def main_text(r) -> str:
    """The visible text of a page's <main>, tags dropped and spaces folded."""
    m = re.search(r"<main>(.*)</main>", r.text, re.S)
    text = re.sub(r"<[^>]+>", " ", m.group(1) if m else r.text)
    return re.sub(r"\s+", " ", text).strip()


def upload(c: TestClient, files: list[tuple[str, bytes]], token: str | None = None,
           path: str = "/data/forms", field: str = "files", **data):
    token = csrf(c, "/data") if token is None else token
    return c.post(path, data={"csrf": token, **data},
                  files=[(field, (name, content, XLSX)) for name, content in files])


def wait_job(c: TestClient, job_id: str, timeout: float = 120) -> dict:
    deadline = time.monotonic() + timeout
    while True:
        r = c.get(f"/api/build/{job_id}")
        assert r.status_code == 200, r.text
        job = r.json()
        if job["over"]:
            return job
        assert time.monotonic() < deadline, job
        time.sleep(0.2)


def start_build(c: TestClient, scope: str, **options) -> str:
    """POST /build; the new job's id."""
    r = c.post("/build", data={"csrf": csrf(c, "/build"), "scope": scope, **options})
    assert r.status_code == 303, main_text(r)
    return r.headers["location"].split("job=", 1)[1]


def staged(city: Path) -> list[Path]:
    """What is left in the workbench's uploads folder."""
    folder = city / "output/.reportgen/web/uploads"
    return sorted(folder.iterdir()) if folder.is_dir() else []


def row_of(r, region: str) -> str:
    """The text of `region`'s row in the overview table."""
    for tr in re.findall(r"<tr[^>]*>(.*?)</tr>", r.text, re.S):
        cells = re.findall(r"<td[^>]*>(.*?)</td>", tr, re.S)
        if cells and re.sub(r"<[^>]+>", "", cells[0]).startswith(region):
            return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", tr)).strip()
    raise AssertionError(f"no row for {region}")


def report_paths(city: Path) -> dict[str, Path]:
    """The built .docx of every region, by region."""
    out = {}
    for p in (city / "output" / str(YEAR)).glob("*.docx"):
        name = p.name.removeprefix(CITY).split("干部教育培训")[0]
        out[name or CITY] = p
    return out


# --- the shared mode -----------------------------------------------------------------------

class Shared:
    """The workbench in the shared mode over a city folder, with its accounts made as
    `reportgen serve --host` makes them (a fast hasher, for test time)."""

    def __init__(self, config: Path):
        from generator.web.app import create_app

        self.config = config
        self.city = config.parent
        self.app = create_app(config, login=True)
        self.bench = self.app.state.bench
        self.bench.accounts.hasher = FAST_HASHER
        initial = self.bench.accounts.ensure(CITY, COUNTIES)
        if initial:              # a new folder: the administrator chooses a password first
            c = self.sign_in("管理员", initial)
            change_password(c, initial, ADMIN_PASSWORD)

    def sign_in(self, name: str, password: str, expect: int = 303) -> TestClient:
        c = client(self.app)
        r = c.post("/login", data={"name": name, "password": password, "csrf": csrf(c, "/login")})
        assert r.status_code == expect, main_text(r)
        return c

    def admin(self) -> TestClient:
        return self.sign_in("管理员", ADMIN_PASSWORD)

    def county(self, region: str, password: str | None = None) -> tuple[TestClient, str]:
        """A signed-in client of `region`'s account, its temporary password reset by the
        administrator and changed as the first login requires; and that password."""
        temporary = self.bench.accounts.reset(region)
        c = self.sign_in(region, temporary)
        assert c.get("/").headers["location"] == "/password"     # must change first
        password = password or f"{region}-password-1"
        change_password(c, temporary, password)
        return c, password


def change_password(c: TestClient, current: str, new: str) -> None:
    r = c.post("/password", data={"current": current, "new": new, "again": new,
                                  "csrf": csrf(c, "/password")})
    assert r.status_code == 303 and r.headers["location"] == "/?changed=1", main_text(r)
