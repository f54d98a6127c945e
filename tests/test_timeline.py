"""The month facet and the results page's timeline, over the real seeds (and the hostile page).

Expected months are worked out from the documents themselves (their dates as the API gives
them), never written down: the facet must agree with the documents it counts.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from collections import Counter
from urllib.parse import parse_qs, urlsplit

import pytest
from dated_corpus import make_dated_corpus

from indexer.build import build_index
from indexer.config import Config
from webapp import create_app
from webapp.timeline import layout, month_range

# Shared fixtures (app, client, the real index) live in tests/webfixtures.py.
pytest_plugins = ["webfixtures"]

QUERIES = ["korea", "china", "biden", "president", "alliance", "xi jinping"]
SVG = "{http://www.w3.org/2000/svg}"


def api(client, **params) -> dict:
    response = client.get("/api/search", query_string=params)
    assert response.status_code == 200, response.get_data(as_text=True)
    return response.get_json()


def months_of(client, **params) -> Counter:
    """Months counted from every matching document's own date (all pages of results)."""
    body = api(client, per_page=100, **params)
    assert body["total"] <= 100  # every match is on this one page
    return Counter(hit["date"][:7] for hit in body["results"] if hit["date"])


@pytest.mark.parametrize("q", QUERIES)
def test_month_facet_counts_every_dated_match_in_order(client, q):
    body = api(client, q=q, per_page=1)  # a one-result page: the facet still counts them all
    months = [(f["value"], f["count"]) for f in body["facets"]["month"]]
    assert months == sorted(months_of(client, q=q).items())
    assert body["facet_values"]["month"] == len(months)
    assert all(re.fullmatch(r"\d{4}-(0[1-9]|1[0-2])", m) for m, _ in months)


def test_month_facet_has_dated_matches_over_two_years(client):
    # The seeds are dated 2021 and 2023: the facet has something to show, in order.
    months = [f["value"] for f in api(client, q="korea")["facets"]["month"]]
    assert len({m[:4] for m in months}) >= 2 and months == sorted(months)


def test_month_facet_adds_up_to_the_year_facet(client):
    for q in QUERIES:
        facets = api(client, q=q)["facets"]
        by_year = Counter()
        for f in facets["month"]:
            by_year[f["value"][:4]] += f["count"]
        assert by_year == Counter({f["value"]: f["count"] for f in facets["year"]})


def test_month_facet_follows_the_filters(client):
    body = api(client, q="korea")
    last = body["facets"]["month"][-1]["value"]
    first_day, last_day = month_range(last)
    narrowed = api(client, q="korea", **{"from": first_day, "to": last_day})
    assert [f["value"] for f in narrowed["facets"]["month"]] == [last]
    assert narrowed["total"] == body["facets"]["month"][-1]["count"]


def test_undated_and_empty_searches_have_no_months(client):
    # "zorblax" is only in the hostile page, which has no date; "(( " has nothing searchable.
    assert api(client, q="zorblax")["facets"]["month"] == []
    assert api(client, q="((")["facets"]["month"] == []
    assert api(client, q="qqqzzzxxx")["facets"]["month"] == []


# --- the chart on the results page ---------------------------------------------------------


def svg_of(body: str) -> ET.Element:
    """The results page's timeline, parsed as XML (it must be well-formed SVG)."""
    match = re.search(r"<svg\b.*?</svg>", body, re.S)
    assert match, "no timeline on the page"
    return ET.fromstring(match.group(0))


def bars(svg: ET.Element) -> list[tuple[str, str, ET.Element]]:
    """(href, accessible label, bar rect) of each month link."""
    out = []
    for a in svg.iter(f"{SVG}a"):
        [rect] = [r for r in a.iter(f"{SVG}rect") if r.get("class") == "bar"]
        assert a.find(f"{SVG}title").text == a.get("aria-label")
        out.append((a.get("href"), a.get("aria-label"), rect))
    return out


def test_results_page_draws_one_linked_bar_per_month(client):
    facet = api(client, q="korea")["facets"]["month"]
    body = client.get("/search?q=korea").get_data(as_text=True)
    # Above the results: the chart comes before the first hit.
    assert body.index("<svg") < body.index('class="hit"')
    found = bars(svg_of(body))
    assert len(found) == len(facet)
    heights = [float(rect.get("height")) for _, _, rect in found]
    counts = [f["count"] for f in facet]
    assert all(h > 0 for h in heights)
    # Taller bars for busier months, the busiest at full height.
    assert heights.index(max(heights)) == counts.index(max(counts))
    for (_, label, _), f in zip(found, facet, strict=True):
        assert label.endswith(f"{f['count']} result{'' if f['count'] == 1 else 's'}")


def test_each_bar_links_to_its_month_keeping_the_other_parameters(client):
    params = {"q": "korea", "sort": "newest", "per_page": "3", "page": "2"}
    body = client.get("/search", query_string=params).get_data(as_text=True)
    facet = api(client, q="korea")["facets"]["month"]
    for (href, _, _), f in zip(bars(svg_of(body)), facet, strict=True):
        query = {k: v[0] for k, v in parse_qs(urlsplit(href).query).items()}
        first_day, last_day = month_range(f["value"])
        # The month's first and last day; the page goes back to 1; q, sort, per_page stay.
        assert query == {
            "q": "korea",
            "sort": "newest",
            "per_page": "3",
            "from": first_day,
            "to": last_day,
        }
        followed = api(client, **query, page=1)
        assert followed["total"] == f["count"]
        assert all(h["date"][:7] == f["value"] for h in followed["results"])


def test_the_current_month_is_marked(client):
    month = api(client, q="korea")["facets"]["month"][-1]["value"]
    first_day, last_day = month_range(month)
    body = client.get(
        "/search", query_string={"q": "korea", "from": first_day, "to": last_day}
    ).get_data(as_text=True)
    [a] = svg_of(body).iter(f"{SVG}a")
    assert a.get("aria-current") == "true" and "current" in a.get("class")


def test_no_chart_without_dated_matches(client):
    body = client.get("/search?q=zorblax").get_data(as_text=True)
    assert "<svg" not in body and 'class="hit"' in body


def test_caption_says_how_many_are_undated(client):
    body = api(client, q="korea")
    dated = sum(f["count"] for f in body["facets"]["month"])
    page = client.get("/search?q=korea").get_data(as_text=True)
    caption = re.search(r"<figcaption[^>]*>(.*?)</figcaption>", page, re.S).group(1)
    assert caption.startswith(f"{dated} result")
    assert f"{body['total'] - dated} result" in caption and "without a date" in caption


# --- the layout itself ----------------------------------------------------------------------


def _link(first: str, last: str) -> str:
    return f"/search?from={first}&to={last}"


def test_layout_draws_empty_months_between_bars_and_breaks_long_gaps():
    chart = layout([("1987-02", 211), ("1987-04", 10), ("1990-06", 5)], 300, _link)
    assert [b.month for b in chart.bars] == ["1987-02", "1987-04", "1990-06"]
    texts = [t.text for t in chart.ticks]
    # March 1987 is an empty column; the 37 empty months after April are one break.
    assert texts.count("…") == 1 and "Mar" in texts
    assert texts.index("Mar") < texts.index("…") < texts.index("Jun")
    assert [t.text for t in chart.ticks if t.kind == "year"] == ["1987", "1990"]
    # Feb | Mar (empty) | Apr | break | Jun 1990: a break takes one column, like a month.
    slot = chart.bars[0].slot_width
    xs = [b.slot_x for b in chart.bars]
    assert [xs[1] - xs[0], xs[2] - xs[1]] == [2 * slot, 2 * slot]
    assert chart.bars[0].height > chart.bars[1].height > 0
    assert chart.bars[2].height >= 2  # a small month is still visible
    assert chart.bars[0].href == _link("1987-02-01", "1987-02-28")
    assert "(74 results without a date not shown)" in chart.caption


def test_layout_of_many_months_narrows_its_columns_and_labels_years_only():
    months = [(f"{y}-{m:02d}", m) for y in range(2000, 2010) for m in range(1, 13)]
    chart = layout(months, 1000, _link)
    assert len(chart.bars) == 120 and not chart.counts
    assert {t.kind for t in chart.ticks} == {"year"}
    assert [t.text for t in chart.ticks] == [str(y) for y in range(2000, 2010)]
    widths = {b.slot_width for b in chart.bars}
    assert widths == {10}  # narrowed to the minimum; wider than the window, it scrolls


def test_layout_marks_the_current_month_and_needs_dates():
    chart = layout([("2024-02", 3)], 3, _link, current=("2024-02-01", "2024-02-29"))
    assert chart.bars[0].current and chart.bars[0].label == "February 2024: 3 results"
    assert layout([], 5, _link) is None


# --- a corpus whose coverage spans years (tests/dated_corpus.py) ----------------------------


@pytest.fixture(scope="module")
def dated(tmp_path_factory):
    """(client, {file: date}) over the seeds plus dated articles from 2015 to 2024."""
    root = tmp_path_factory.mktemp("dated")
    dates = make_dated_corpus(root / "corpus")
    build_index(root / "corpus", root / "index", full=True)
    app = create_app(Config(corpus_dir=root / "corpus", index_dir=root / "index"), TESTING=True)
    return app.test_client(), dates


def test_month_facet_over_years_matches_the_files_dates(dated, client):
    dated_client, dates = dated
    seeds = months_of(client, q="korea")  # the seeds' own dated Korea articles
    expected = Counter(day[:7] for day in dates.values()) + seeds
    body = api(dated_client, q="korea", per_page=1)
    assert [(f["value"], f["count"]) for f in body["facets"]["month"]] == sorted(expected.items())
    assert body["total"] == len(dates) + api(client, q="korea")["total"]


def test_chart_over_years_breaks_long_gaps_and_every_bar_finds_its_month(dated):
    dated_client, _ = dated
    facet = api(dated_client, q="korea")["facets"]["month"]
    svg = svg_of(dated_client.get("/search?q=korea").get_data(as_text=True))
    found = bars(svg)
    assert len(found) == len(facet) > 40
    # 2015 -> 2018, 2019 -> 2021 and 2021 -> 2022 are breaks; shorter quiet spells are not.
    breaks = [t for t in svg.iter(f"{SVG}text") if "break" in t.get("class")]
    assert len(breaks) == 3
    years = [t.text for t in svg.iter(f"{SVG}text") if "year" in t.get("class")]
    assert years == ["2015", "2018", "2019", "2021", "2022", "2023", "2024"]
    for (href, label, _), f in zip(found, facet, strict=True):
        query = {k: v[0] for k, v in parse_qs(urlsplit(href).query).items()}
        followed = api(dated_client, **query)
        assert followed["total"] == f["count"], label
        assert {h["date"][:7] for h in followed["results"]} == {f["value"]}
