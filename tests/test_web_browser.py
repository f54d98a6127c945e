"""The pages in a real browser (Debian's Chromium via Playwright): keyboard, CSP, phone width."""

from __future__ import annotations

import pytest
from browser_support import CHROMIUM, serving

# Shared fixtures (app, client, the real index) live in tests/webfixtures.py.
pytest_plugins = ["webfixtures", "browser_support"]

pytest.importorskip("playwright.sync_api")
pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(CHROMIUM is None, reason="Debian's chromium is not installed"),
]


@pytest.fixture(scope="module")
def base_url(app):
    with serving(app) as url:
        yield url


@pytest.fixture
def page(browser):
    context = browser.new_context()
    page = context.new_page()
    problems: list[str] = []
    # CSP violations and script errors show up as console errors.
    page.on("console", lambda m: problems.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: problems.append(str(e)))
    page.problems = problems
    yield page
    context.close()


def test_search_by_keyboard(page, base_url):
    page.goto(base_url + "/")
    # The search box has focus on arrival (autofocus may land a moment after the load event,
    # and keys typed before it are lost); typing and Enter searches.
    page.wait_for_function("document.activeElement && document.activeElement.id === 'q'")
    page.keyboard.type("korea")
    page.keyboard.press("Enter")
    page.wait_for_url("**/search?**")
    assert page.locator("mark").count() > 0
    assert page.input_value("#q") == "korea"
    # The first link reached by Tab is the skip link, and it is visible when focused.
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.className") == "skip"
    assert page.locator(".skip").is_visible()
    assert page.problems == []


def test_stylesheet_applies_under_the_csp(page, base_url):
    page.goto(base_url + "/search?q=korea")
    background = page.eval_on_selector("mark", "m => getComputedStyle(m).backgroundColor")
    assert background == "rgb(255, 226, 122)"
    assert page.problems == []


def test_hostile_page_runs_no_script(page, base_url):
    dialogs: list[str] = []
    page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
    page.goto(base_url + "/search?q=zorblax")
    page.click(".hit h2 a")
    page.wait_for_url("**/doc/**")
    assert "<script>" in page.inner_text("h1")
    assert dialogs == []
    assert page.evaluate("document.scripts.length") == 0


def test_document_report_opens_and_facets_filter(page, base_url):
    page.goto(base_url + "/search?q=korea")
    page.click(".facets a >> nth=0")
    page.wait_for_url("**source=**")
    page.click(".hit h2 a")
    report = page.locator("details.report")
    assert report.get_attribute("open") is None
    page.click("details.report summary")
    assert report.get_attribute("open") is not None


def test_fits_a_phone(browser, base_url):
    context = browser.new_context(viewport={"width": 360, "height": 740}, is_mobile=True)
    page = context.new_page()
    for path in ("/", "/search?q=korea+president", "/search?q=zorblax"):
        page.goto(base_url + path)
        overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
        assert overflow <= 0, f"{path} scrolls sideways by {overflow}px"
    context.close()
