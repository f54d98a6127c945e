"""The timeline and the feed link in a real browser (Debian's Chromium via Playwright).

The chart is SVG inside the page: it must draw (under the Content-Security-Policy, with the
stylesheet's colours), its bars must be links a person can click, tab to and hear named, and
it must stay legible on a phone. Screenshots go to tests/artifacts/ for a look.
"""

from __future__ import annotations

import pytest
from browser_support import CHROMIUM, serving
from dated_corpus import make_dated_corpus
from hardening_support import ARTIFACTS

from indexer.build import build_index
from indexer.config import Config
from webapp import create_app
from webapp.timeline import month_name, month_range

# Shared fixtures (app, client, the real index) live in tests/webfixtures.py.
pytest_plugins = ["webfixtures", "browser_support"]

pytest.importorskip("playwright.sync_api")
pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(CHROMIUM is None, reason="Debian's chromium is not installed"),
]

DESKTOP = {"width": 1280, "height": 900}
PHONE = {"width": 390, "height": 844}


@pytest.fixture(scope="module")
def base_url(app):
    with serving(app) as url:
        yield url


@pytest.fixture(scope="module")
def dated_url(tmp_path_factory):
    """The app over the seeds plus dated articles from 2015 to 2024 (tests/dated_corpus.py)."""
    root = tmp_path_factory.mktemp("dated-browser")
    make_dated_corpus(root / "corpus")
    build_index(root / "corpus", root / "index", full=True)
    app = create_app(Config(corpus_dir=root / "corpus", index_dir=root / "index"))
    with serving(app) as url:
        yield url


@pytest.fixture(params=[DESKTOP, PHONE], ids=["desktop", "phone"])
def page(request, browser):
    phone = request.param is PHONE
    context = browser.new_context(
        viewport=request.param, is_mobile=phone, has_touch=phone, device_scale_factor=2
    )
    page = context.new_page()
    problems: list[str] = []
    # CSP violations and script errors show up as console errors.
    page.on("console", lambda m: problems.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: problems.append(str(e)))
    page.problems = problems
    page.width_name = "phone" if phone else "desktop"
    yield page
    context.close()


def months(client, q: str) -> list[tuple[str, int]]:
    body = client.get("/api/search", query_string={"q": q}).get_json()
    return [(f["value"], f["count"]) for f in body["facets"]["month"]]


def results_word(count: int) -> str:
    return f"{count:,} result{'' if count == 1 else 's'}"


def test_bars_draw_and_link_to_their_month(page, base_url, client):
    expected = months(client, "korea")
    page.goto(base_url + "/search?q=korea")
    chart = page.locator("figure.timeline svg")
    assert chart.is_visible()
    bars = page.locator("figure.timeline a.month rect.bar")
    assert bars.count() == len(expected) >= 2
    for i in range(bars.count()):
        box = bars.nth(i).bounding_box()
        assert box and box["width"] >= 8 and box["height"] >= 2
    # The stylesheet colours them: the CSP let it apply to the inline SVG.
    fill = bars.first.evaluate("r => getComputedStyle(r).fill")
    assert fill == "rgb(11, 87, 208)"
    # The chart is above the first result.
    first_hit = page.locator("li.hit").first.bounding_box()
    assert chart.bounding_box()["y"] < first_hit["y"]
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"timeline-{page.width_name}.png"), full_page=True)

    # Each bar is a link with its month and count as its accessible name; follow the busiest.
    month, count = max(expected, key=lambda item: item[1])
    link = page.get_by_role("link", name=f"{month_name(month)}: {results_word(count)}")
    link.scroll_into_view_if_needed()
    link.click()
    first_day, last_day = month_range(month)
    page.wait_for_url(f"**/search?*from={first_day}*")
    assert f"to={last_day}" in page.url and "q=korea" in page.url
    dates = page.locator("li.hit time").all_inner_texts()
    assert len(dates) == count and all(d.startswith(month) for d in dates)
    # Now limited to that month, the chart shows it alone, marked as the current one.
    assert page.locator("figure.timeline a.month").count() == 1
    assert page.locator("figure.timeline a[aria-current=true]").count() == 1
    assert page.problems == []


def test_timeline_is_legible_and_fits_a_phone(page, base_url):
    page.goto(base_url + "/search?q=korea")
    # The page itself never scrolls sideways; only the chart may, inside its own box.
    overflow = page.evaluate("document.scrollingElement.scrollWidth - window.innerWidth")
    assert overflow <= 0
    figure = page.locator("figure.timeline").bounding_box()
    assert figure["x"] >= 0 and figure["x"] + figure["width"] <= page.viewport_size["width"]
    # Labels are drawn at their size, not shrunk to fit.
    sizes = page.locator("figure.timeline text").evaluate_all(
        "ts => ts.map(t => t.getBoundingClientRect().height)"
    )
    assert sizes and min(sizes) >= 10
    # A bar's tap target is its whole column, however short the bar.
    columns = page.locator("figure.timeline a.month rect.column")
    assert all(columns.nth(i).bounding_box()["width"] >= 20 for i in range(columns.count()))
    assert page.problems == []


def test_years_of_coverage_scroll_inside_the_chart_from_the_newest(page, dated_url):
    page.goto(dated_url + "/search?q=korea")
    box = page.locator(".timeline-scroll")
    scroll = box.evaluate("b => [b.scrollWidth, b.clientWidth]")
    # The page never scrolls sideways, whatever the chart's width.
    assert page.evaluate("document.scrollingElement.scrollWidth - window.innerWidth") <= 0
    bars = page.locator("figure.timeline a.month rect.bar")
    last, first = bars.last.bounding_box(), bars.first.bounding_box()
    width = page.viewport_size["width"]
    # The newest month is in view on arrival; on a phone the oldest is a scroll away.
    assert last["x"] >= 0 and last["x"] + last["width"] <= width
    if page.width_name == "phone":
        assert scroll[0] > scroll[1] and first["x"] < 0
        box.evaluate("b => { b.scrollLeft = -b.scrollWidth; }")
        first = bars.first.bounding_box()
        assert 0 <= first["x"] < width
    else:
        assert scroll[0] <= scroll[1]  # a desktop column holds ten years of months
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"timeline-years-{page.width_name}.png"))
    assert page.problems == []


def test_bars_are_reached_by_keyboard(page, base_url, client):
    if page.width_name == "phone":
        pytest.skip("keyboard focus is checked at desktop width")
    expected = [f"{month_name(m)}: {results_word(n)}" for m, n in months(client, "korea")]
    page.goto(base_url + "/search?q=korea")
    reached = []
    for _ in range(60):
        page.keyboard.press("Tab")
        reached.append(page.evaluate("document.activeElement.getAttribute('aria-label')"))
    # Every bar, in chronological order (Tab goes round the page more than once).
    assert [name for name in dict.fromkeys(reached) if name in expected] == expected
    # A focused bar shows an outline on its column.
    page.get_by_role("link", name=expected[0]).focus()
    stroke = page.locator("figure.timeline a.month rect.column").first.evaluate(
        "r => getComputedStyle(r).stroke"
    )
    assert stroke == "rgb(180, 83, 9)"


def test_follow_this_search_opens_the_feed(page, base_url):
    page.goto(base_url + "/search?q=korea&from=2021-01-01")
    link = page.get_by_role("link", name="Follow this search")
    assert link.is_visible()
    href = link.get_attribute("href")
    alternate = page.locator('link[rel=alternate][type="application/atom+xml"]')
    assert alternate.get_attribute("href") == href
    response = page.request.get(base_url + href)
    assert response.ok and response.headers["content-type"].startswith("application/atom+xml")
    assert b"<feed" in response.body()
