"""The workbench end to end in a real browser: `reportgen serve` in a subprocess, headless
Chromium driven by Playwright, one annual round as a user goes through it.

总览 → 数据: download 青石县's form through its link, type text into a number cell, upload it
and read the problem (file and cell); upload the corrected form and see it merged; the 总览
shows 青石县 as 已交 with the file → 生成 all regions and wait for the summary → 报告: the
preview (headings, chart images that load) and the Word file downloaded through the page →
a correction round (new value, rebuild 青石县) → 变化 lists 青石县 with the changed value.

Screenshots of the main pages go to $REPORTGEN_SCREENSHOTS (e.g. docs/screenshots), else to
the test's tmp folder. Without Chromium or the playwright package the test is skipped with
what to install (see browser_support). Select these tests with `-k browser`.
"""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest

from tests.sample import copy_sample
from tests.web.browser_support import (
    chromium_path,
    drop_value,
    input_cell,
    read_cell,
    start_server,
    sync_playwright,
    write_cell,
)

CITY, REGION = "临江市", "青石县"
# An indicator every county reports for itself (汇总方式 不汇总): changing 青石县's value
# does not disturb the check of the city's totals against the counties' sum. The sample has
# it in the values file; the test's copy leaves it out, so 青石县's form is where it comes
# from (a form may not contradict the values file).
CODE = "leader_lectures"
BAD = "约三千"
BUILD_SECONDS = 120
VIEWPORT = {"width": 1280, "height": 900}
SHOTS = ("overview", "data-problem", "build", "preview", "changes")


@pytest.fixture(scope="module")
def browser():
    executable = chromium_path()
    with sync_playwright()() as p:
        browser = p.chromium.launch(executable_path=executable, headless=True)
        yield browser
        browser.close()


@pytest.fixture(scope="module")
def city(tmp_path_factory) -> Path:
    return copy_sample(tmp_path_factory.mktemp("city"))


@pytest.fixture(scope="module")
def sample_value(city) -> float:
    """The sample's value of CODE for 青石县, now only to be had from its form."""
    from generator.config import load_config

    year = load_config(city / "report.yaml").year
    return drop_value(city / "data" / "指标数据.xlsx", REGION, year, CODE)


@pytest.fixture(scope="module")
def server(city, sample_value, tmp_path_factory):
    server = start_server(city / "report.yaml", tmp_path_factory.mktemp("serve") / "serve.log")
    yield server
    server.stop()


@pytest.fixture
def shots(tmp_path) -> Path:
    wanted = os.environ.get("REPORTGEN_SCREENSHOTS")
    folder = Path(wanted).resolve() if wanted else tmp_path / "screenshots"
    folder.mkdir(parents=True, exist_ok=True)
    return folder


class Trouble:
    """What the pages did wrong along the way: script errors and failed requests."""

    def __init__(self, page, expected: set[tuple[str, str, int]]) -> None:
        self.errors: list[str] = []
        self.expected = expected
        page.on("pageerror", lambda exc: self.errors.append(f"script error: {exc}"))
        page.on("response", self._response)
        page.on("requestfailed", self._failed)

    def _failed(self, request) -> None:
        # a link to a file without the download attribute: Chromium aborts the navigation
        # when the response turns out to be an attachment
        if request.failure == "net::ERR_ABORTED" and "/download/" in request.url:
            return
        self.errors.append(f"request failed: {request.method} {request.url} ({request.failure})")

    def _response(self, response) -> None:
        path = response.url.split("://", 1)[-1].split("/", 1)[-1]
        key = (response.request.method, "/" + path.split("?", 1)[0], response.status)
        if response.status >= 400 and key not in self.expected:
            self.errors.append(f"HTTP {response.status}: {response.request.method} {response.url}")


def test_browser_round(browser, server, city, sample_value, shots, tmp_path):
    from docx import Document
    from playwright.sync_api import expect

    from generator.config import load_config
    from generator.rounds import INPUT_SHEET

    cfg = load_config(city / "report.yaml")
    year_col = f"{cfg.year}年"
    title = cfg.title_for(REGION)
    context = browser.new_context(viewport=VIEWPORT, accept_downloads=True, locale="zh-CN")
    context.set_default_timeout(20_000)
    page = context.new_page()
    trouble = Trouble(page, {("POST", "/data/forms", 422)})   # the refused upload, on purpose
    base = server.url

    def nav(name: str) -> None:
        with page.expect_navigation():
            page.locator("header nav").get_by_role("link", name=name, exact=True).click()
        expect(page.locator("header nav a.on")).to_have_text(name)

    def shot(name: str, down_to: str | None = None) -> None:
        """The full page; with `down_to`, only down to the first element it selects (a
        report's whole preview is some 26 000 px tall, several MB as a PNG)."""
        clip = None
        if down_to:
            bottom = page.locator(down_to).first.evaluate(
                "e => e.getBoundingClientRect().bottom + window.scrollY")
            clip = {"x": 0, "y": 0, "width": VIEWPORT["width"], "height": int(bottom) + 24}
        page.screenshot(path=str(shots / f"{name}.png"), full_page=True, clip=clip)

    def overview_row():
        return page.locator("#overview tbody tr").filter(
            has=page.locator("td:first-child", has_text=REGION))

    def upload(path: Path, status: int):
        page.locator("#forms-upload input[type=file]").set_input_files(str(path))
        with page.expect_navigation() as nav_info:
            page.locator("#forms-upload button[type=submit]").click()
        response = nav_info.value
        result = page.locator("#forms-result")
        assert response is not None and response.status == status, (
            f"upload of {path.name}: HTTP {response and response.status}, expected {status}:\n"
            + (result.inner_text() if result.count() else page.locator("main").inner_text()))
        return result

    def build(scope: str, rows: int) -> None:
        nav("生成")
        page.locator(f"#build-form input[name=scope][value='{scope}']").check()
        with page.expect_navigation():
            page.get_by_role("button", name="开始生成").click()
        job = page.locator("#job")
        assert f"job={job.get_attribute('data-job')}" in page.url
        # the page polls /api/build/<id> and reloads itself once the build is over
        expect(job).to_have_attribute("data-over", "yes", timeout=BUILD_SECONDS * 1000)
        assert page.locator("#job-state").inner_text() == "完成", job.inner_text()
        expect(page.locator("table#summary tbody tr")).to_have_count(rows)

    try:
        # --- 总览 ----------------------------------------------------------------------------------
        page.goto(base + "/")
        expect(page.locator("h1")).to_have_text("总览")
        expect(page.locator("header .city")).to_contain_text(f"{cfg.year}年度")
        expect(page.locator("#overview tbody tr")).to_have_count(9)
        expect(overview_row()).to_contain_text("未生成")
        expect(overview_row()).to_contain_text("1 项待补")

        # --- 数据: download 青石县's form through its link --------------------------------------------
        nav("数据")
        with page.expect_download() as dl_info:
            page.get_by_role("link", name=f"下载{REGION}的填报表").click()
        download = dl_info.value
        form_name = download.suggested_filename
        assert REGION in form_name and form_name.endswith(".xlsx"), form_name
        original = tmp_path / "downloaded" / form_name
        download.save_as(original)
        cell, indicator = input_cell(original, CODE, year_col)
        assert read_cell(original, cell) is None, f"{cell} should be blank in the new form"

        # --- a located problem: text in a number cell --------------------------------------------
        bad = write_cell(original, tmp_path / "bad" / form_name, cell, BAD)
        result = upload(bad, 422)
        expect(result.locator(".problem")).to_contain_text("上传的填报表有 1 个问题")
        rows = result.locator("table.problems tbody tr")
        expect(rows.first).to_be_visible()
        row = rows.filter(has=page.locator("td:nth-child(3)", has_text=cell))
        expect(row).to_have_count(1)
        expect(row.locator("td:nth-child(2)")).to_have_text(form_name)
        expect(row.locator("td:nth-child(3)")).to_contain_text(f"{INPUT_SHEET}!{cell}")
        expect(row.locator("td:nth-child(4)")).to_contain_text(BAD)
        shot("data-problem")
        nav("总览")
        expect(overview_row().locator(".state")).to_have_text("有问题")

        # --- the fix: a number in that cell ------------------------------------------------------
        nav("数据")
        fixed_value = int(sample_value)
        fixed = write_cell(original, tmp_path / "fixed" / form_name, cell, fixed_value)
        result = upload(fixed, 200)
        expect(result.locator(".ok")).to_contain_text(f"已合并：{REGION}")
        expect(result.locator(".ok")).to_contain_text("数据已更新")
        expect(result.locator("table.problems")).to_have_count(0)
        nav("总览")
        expect(overview_row().locator(".state")).to_have_text("已交")
        expect(overview_row()).to_contain_text(form_name)
        expect(overview_row()).to_contain_text("齐全")

        # --- 生成: the city and all counties -------------------------------------------------------
        build("all", 9)
        summary = page.locator("table#summary tbody")
        expect(summary).to_contain_text(REGION)
        expect(summary).to_contain_text(CITY)
        shot("build")

        # --- 报告: the list, 青石县's preview ---------------------------------------------------------
        nav("报告")
        expect(page.locator("#reports tbody tr")).to_have_count(9)
        with page.expect_navigation():
            page.locator("#reports").get_by_role("link", name=REGION, exact=True).click()
        doc = page.locator("article.doc")
        expect(page.locator("h1").first).to_have_text(f"{REGION}的报告")
        shown_title = doc.locator("h1.doc-title").inner_text()
        assert re.sub(r"\s", "", shown_title) == title
        headings = doc.locator("h2")
        assert headings.count() >= 3, "the preview has fewer than 3 headings"
        expect(headings.first).to_contain_text("一、")
        expect(doc.locator("table.table").first).to_be_visible()
        images = doc.locator("figure img")
        assert images.count() >= 1, "the preview has no chart image"
        for i in range(images.count()):    # loading="lazy": bring each into view
            images.nth(i).scroll_into_view_if_needed()
        page.wait_for_function("() => [...document.querySelectorAll('article.doc img')]"
                               ".every(img => img.complete)")
        broken = page.evaluate("() => [...document.querySelectorAll('article.doc img')]"
                               ".filter(img => !(img.naturalWidth > 0)).map(img => img.src)")
        assert not broken, f"chart images that did not load: {broken}"
        assert doc.locator("figure img").evaluate_all(
            "imgs => imgs.filter(i => i.naturalWidth > 0).length") == images.count()
        page.evaluate("window.scrollTo(0, 0)")
        shot("preview", down_to="article.doc figure")

        # --- the Word file through the page's link -----------------------------------------------
        with page.expect_download() as dl_info:
            page.get_by_role("link", name="下载 Word").click()
        word = dl_info.value
        assert word.suggested_filename.endswith(".docx") and REGION in word.suggested_filename
        docx_path = tmp_path / "word" / word.suggested_filename
        word.save_as(docx_path)
        text = "\n".join(p.text for p in Document(str(docx_path)).paragraphs)
        assert REGION in text
        assert title in re.sub(r"\s", "", text), f"title {title} not in the document"

        # --- a correction round: 青石县 sends a new value, rebuild, see the change ------------------
        nav("数据")
        with page.expect_download() as dl_info:
            page.get_by_role("link", name=f"下载{REGION}的填报表").click()
        again = tmp_path / "again" / form_name
        dl_info.value.save_as(again)
        assert read_cell(again, cell) == fixed_value, "the new form is not prefilled with the data"
        corrected_value = fixed_value + 2
        corrected = write_cell(again, tmp_path / "corrected" / form_name, cell, corrected_value)
        result = upload(corrected, 200)
        expect(result.locator(".ok")).to_contain_text("数据已更新")
        build(REGION, 1)
        expect(page.locator("table#summary tbody")).to_contain_text(REGION)

        nav("变化")
        section = page.locator("main section.card").filter(
            has=page.locator("h2", has_text=REGION))
        expect(section).to_have_count(1)
        expect(section.locator("pre.notes")).to_contain_text(re.compile(   # 5次 → 7次
            f"{REGION}{cfg.year}年「{re.escape(indicator)}」：{fixed_value}\\D* → {corrected_value}\\D"))
        shot("changes")

        # --- 总览 at the end: every report built, 青石县's form on record -----------------------------
        nav("总览")
        expect(overview_row().locator(".state")).to_have_text("已交")
        expect(overview_row().get_by_role("link", name="查看报告")).to_be_visible()
        expect(page.locator("#overview tbody tr", has_text="未生成")).to_have_count(0)
        shot("overview")
    except Exception:
        print("--- reportgen serve output ---\n" + server.output())
        raise
    finally:
        context.close()

    print(f"screenshots: {shots}")
    for name in SHOTS:
        assert (shots / f"{name}.png").stat().st_size > 10_000, f"{name}.png looks empty"
    assert not trouble.errors, "\n".join(trouble.errors)
