"""End to end in a real browser: Debian's Chromium driven by Playwright, against waitress
serving the real app on 127.0.0.1 over a real index.

Search and see marked results, page through them, open a document, follow "did you mean",
do it all with the keyboard only, and prove that a corpus and queries full of injection
payloads run no script and inject no element. The results page is saved as
tests/artifacts/results.png (gitignored).
"""

from __future__ import annotations

import contextlib
import random
import shutil
import time
import urllib.parse

import pytest
from browser_support import CHROMIUM, serving
from hardening_support import ARTIFACTS, SEEDS, article

from indexer.build import build_index
from indexer.config import Config
from webapp import create_app

pytest_plugins = ["browser_support"]

pytest.importorskip("playwright.sync_api", reason="playwright is not installed")
pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(
        CHROMIUM is None, reason="Debian's chromium is not installed (apt-get install chromium)"
    ),
]
# Each payload sets window.__pwned if it ever runs, and would leave an element behind if the
# markup were not escaped: the CSP alone may block the script, so both are checked.
PAYLOADS = [
    "<script>window.__pwned=1;alert(1)</script>",
    '"><svg onload="window.__pwned=2;alert(2)">',
    '<img src=x onerror="window.__pwned=3;alert(3)">',
    "javascript:window.__pwned=4;alert(4)",
    "{{7*7}}",
    '\'><iframe src="javascript:alert(5)"></iframe>',
]
EVIL_FILES = {
    "<img src=x onerror=alert(1)>.txt": "zorblax file-name payload",
    '"><svg onload=alert(2)>.html': "zorblax svg-name payload",
    "javascript:alert(3).txt": "zorblax javascript-name payload",
    "{{7*7}}.txt": "zorblax template-name payload",
}
INJECTED = (
    "main script, main img, main svg, main iframe, main object, main embed, a[href^='javascript']"
)


def _evil_html(payload: str) -> str:
    escaped_title = payload.replace("<", "&lt;").replace(">", "&gt;")
    return (
        f"<html><head><title>Zorblax {escaped_title} headline</title></head><body>"
        f"<h1>Zorblax {escaped_title} headline</h1>"
        f"<p>The zorblax committee met on Tuesday {payload} to discuss the zorblax budget and "
        "the long list of items on the agenda for the coming fiscal year in the capital.</p>"
        f'<p>A second zorblax paragraph links <a href="javascript:alert(9)">here</a> and says '
        f"{payload} again, with &quot;quotes&quot; &amp; ampersands for the zorblax record.</p>"
        "</body></html>"
    )


@pytest.fixture(scope="module")
def base_url(tmp_path_factory):
    root = tmp_path_factory.mktemp("browser")
    corpus = root / "corpus"
    shutil.copytree(SEEDS, corpus)
    rng = random.Random(5)
    # Enough documents about Korea for several result pages.
    for i in range(30):
        extra = "South Korea and its neighbours discussed the alliance in Seoul this week."
        text = article(rng, f"Korea briefing {i}", extra=extra, paragraphs=2)
        (corpus / f"korea_{i:02d}.txt").write_text(text, encoding="utf-8")
    for i, payload in enumerate(PAYLOADS):
        (corpus / f"evil_{i}.html").write_text(_evil_html(payload), encoding="utf-8")
        text = f"Zorblax {payload} notes\n\n" + article(rng, "", extra=f"zorblax {payload} end")
        (corpus / f"evil_{i}.txt").write_text(text, encoding="utf-8")
    for name, words in EVIL_FILES.items():
        # A filesystem that refuses the name just loses this payload; the others still run.
        with contextlib.suppress(OSError):
            (corpus / name).write_text(article(rng, f"Zorblax {words}"), encoding="utf-8")
    index = root / "index"
    build_index(corpus, index, full=True)
    app = create_app(Config(corpus_dir=corpus, index_dir=index), TESTING=True)
    with serving(app) as url:
        yield url


@pytest.fixture
def page(browser):
    context = browser.new_context(viewport={"width": 1200, "height": 900})
    context.set_default_timeout(10_000)
    page = context.new_page()
    page.dialogs = []
    page.console_messages = []

    def on_dialog(dialog):
        page.dialogs.append(dialog.message)
        dialog.dismiss()

    page.on("dialog", on_dialog)
    page.on("console", lambda m: page.console_messages.append(f"{m.type}: {m.text}"))
    page.on("pageerror", lambda e: page.console_messages.append(f"pageerror: {e}"))
    yield page
    context.close()


def hits(page) -> list[str]:
    return page.locator("li.hit h2 a").evaluate_all("links => links.map(a => a.href)")


def test_search_paginate_and_open_a_document(page, base_url):
    page.goto(base_url + "/")
    page.fill("#q", "korea")
    page.click("form.search button[type=submit]")
    page.wait_for_url("**/search?**q=korea**")
    assert page.locator("li.hit").count() == 10
    assert page.locator("li.hit mark").count() > 0
    marked = page.locator("li.hit mark").first.inner_text().lower()
    assert marked.startswith("korea")
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "results.png"), full_page=True)

    first_page = hits(page)
    page.click("nav.pages a[rel=next]")
    page.wait_for_url("**page=2**")
    second_page = hits(page)
    assert second_page and not set(second_page) & set(first_page)
    assert page.locator("nav.pages [aria-current=page]").inner_text() == "2"
    page.click("nav.pages a[rel=prev]")
    page.wait_for_url("**page=1**")
    assert hits(page) == first_page

    title = page.locator("li.hit h2 a").first.inner_text()
    page.locator("li.hit h2 a").first.click()
    page.wait_for_url("**/doc/**")
    assert page.locator("article.document h1").inner_text() == title
    assert page.locator("article.document mark").count() > 0  # the query stays highlighted
    page.click("p.back a")
    page.wait_for_url("**/search?**")
    assert page.locator("li.hit").count() > 0
    assert not page.dialogs


def test_did_you_mean(page, base_url):
    page.goto(base_url + "/search?q=" + urllib.parse.quote("trilaterl sumit"))
    link = page.locator("p.suggestion a")
    assert link.inner_text() == "trilateral summit"
    link.click()
    page.wait_for_url("**q=trilateral+summit**")
    assert page.input_value("#q") == "trilateral summit"
    assert page.locator("li.hit").count() >= 1
    marks = {m.lower() for m in page.locator("li.hit mark").all_inner_texts()}
    assert {"trilateral", "summit"} <= marks


def _tab_to(page, predicate: str, limit: int = 40) -> None:
    """Press Tab until `predicate` (JS over document.activeElement `el`) holds."""
    for _ in range(limit):
        page.keyboard.press("Tab")
        if page.evaluate(f"(() => {{ const el = document.activeElement; return {predicate}; }})()"):
            return
    raise AssertionError(f"Tab never reached an element where {predicate}")


def test_keyboard_only(page, base_url):
    page.goto(base_url + "/")
    page.evaluate("document.activeElement && document.activeElement.blur()")
    _tab_to(page, "el.id === 'q'")
    page.keyboard.type("korea alliance")
    page.keyboard.press("Enter")
    page.wait_for_url("**/search?**")
    assert page.locator("li.hit").count() > 0
    _tab_to(page, "el.matches('li.hit h2 a')")
    target = page.evaluate("document.activeElement.href")
    page.keyboard.press("Enter")
    page.wait_for_url("**/doc/**")
    assert page.url == target
    assert page.locator("article.document h1").count() == 1
    # The focused element is always visibly outlined (keyboard users must see where they are).
    _tab_to(page, "el.tagName === 'A'")
    outline = page.evaluate("getComputedStyle(document.activeElement).outlineStyle")
    assert outline != "none"


def _assert_clean(page, where: str) -> None:
    injected = page.locator(INJECTED).count()
    assert injected == 0, f"{where}: {injected} injected element(s)"
    assert page.evaluate("window.__pwned") is None, f"{where}: a payload ran"
    assert not page.dialogs, f"{where}: dialogs {page.dialogs}"
    assert not [m for m in page.console_messages if "pageerror" in m], page.console_messages


def test_injection_payloads_run_nothing(page, base_url):
    visited = 0
    for payload in PAYLOADS:
        page.goto(base_url + "/search?q=" + urllib.parse.quote(payload))
        visited += 1
        _assert_clean(page, f"query {payload!r}")
        assert page.input_value("#q") == payload  # echoed as text, intact
        # The same payload typed into the search box.
        page.fill("#q", payload)
        with page.expect_navigation():
            page.keyboard.press("Enter")
        visited += 1
        _assert_clean(page, f"typed query {payload!r}")
    assert "49" not in page.title()

    page.goto(base_url + "/search?q=zorblax&per_page=50")
    visited += 1
    _assert_clean(page, "zorblax results")
    documents = hits(page)
    assert len(documents) >= len(PAYLOADS) * 2
    shown = page.locator("main").inner_text()
    assert "{{7*7}}" in shown  # template syntax in data stays text, never evaluated
    for url in documents:
        page.goto(url)
        visited += 1
        _assert_clean(page, url)
        page.locator("details.report summary").click()  # the cleaning report shows removed markup
        _assert_clean(page, url + " (report open)")
    for path in ("/api/search?q=zorblax", "/doc/%3Cimg%20src=x%3E", "/nope/%3Cscript%3E"):
        page.goto(base_url + path)
        visited += 1
        _assert_clean(page, path)
    print(f"injection: {visited} pages visited, {len(documents)} hostile documents opened")
    time.sleep(0.2)  # late dialogs (onerror on a slow image) would arrive by now
    assert not page.dialogs
