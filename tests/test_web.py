"""The HTML pages over a real index: results, highlighting, escaping, errors, headers."""

from __future__ import annotations

import html
import re

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from webfixtures import BAD_INPUT_IDS, BAD_INPUTS, EVIL_NAME, MUST_REFUSE

from indexer.build import build_index
from indexer.config import Config
from indexer.search import limit_query
from webapp import create_app

# Shared fixtures (app, client, the real index) live in tests/webfixtures.py.
pytest_plugins = ["webfixtures"]

# Markup that would run if it reached the page unescaped (escaped text is fine).
RAW_MARKUP = ["<script", "<img"]


def page(client, path: str, status: int = 200, **params) -> str:
    response = client.get(path, query_string=params or None)
    assert response.status_code == status, response.get_data(as_text=True)[:500]
    assert response.mimetype == "text/html"
    return response.get_data(as_text=True)


def links(body: str) -> list[str]:
    return [html.unescape(href) for href in re.findall(r'href="([^"]*)"', body)]


def doc_links(body: str) -> list[str]:
    return [href for href in links(body) if href.startswith("/doc/")]


def test_home_has_an_accessible_search_box(client):
    body = page(client, "/")
    assert 'name="viewport"' in body
    assert '<label for="q"' in body and 'id="q"' in body and 'name="q"' in body
    assert 'action="/search"' in body


def test_results(client):
    body = page(client, "/search", q="korea")
    assert re.search(r"\d+ results", body)
    assert re.search(r"\(\d+ ms\)", body)
    assert "<mark>" in body
    assert 'value="korea"' in body  # the query stays in the box
    assert len(doc_links(body)) >= 3


def test_root_with_query_shows_results(client):
    assert "<mark>" in page(client, "/", q="korea")


def test_search_without_query_shows_the_form(client):
    body = page(client, "/search")
    assert 'name="q"' in body and "<mark>" not in body


def test_no_results(client):
    body = page(client, "/search", q="qqqzzzxxxnothing")
    assert "No results" in body and "0 results" in body


def test_page_past_the_last_result(client):
    body = page(client, "/search", q="korea", page=50)
    assert "No results on this page" in body
    assert 'href="/search?q=korea"' in body  # back to the first page


def test_relaxed_notice(client):
    # "zorblax" is only in the hostile page, which never mentions Korea.
    body = page(client, "/search", q="zorblax korea")
    assert body.count("No article has all of the words") == 1
    assert "<mark>" in body


def test_suggestion_links_to_the_corrected_search(client):
    body = page(client, "/search", q="koreaa presidnt")
    match = re.search(r'Did you mean:\s*<a href="([^"]+)">([^<]+)</a>', body)
    assert match, "expected a did-you-mean link"
    href, text = html.unescape(match.group(1)), html.unescape(match.group(2))
    assert href.startswith("/search?") and "q=" in href
    assert "<mark>" in page(client, href)
    assert text != "koreaa presidnt"


def test_filters_and_sort_stay_in_the_form(client):
    body = page(client, "/search", q="korea", sort="newest", **{"from": "2020-01-01"})
    assert re.search(r'<option value="newest"\s+selected>', body)
    assert 'name="from" type="date" value="2020-01-01"' in body
    assert 'name="to"' in body and 'name="source"' in body


def test_year_facet_links_filter(client):
    body = page(client, "/search", q="korea")
    years = [h for h in links(body) if "from=" in h and "-01-01" in h and "to=" in h]
    assert years, "expected year facet links"
    filtered = page(client, years[0])
    year = re.search(r"from=(\d{4})-01-01", years[0]).group(1)
    dates = re.findall(r'<time datetime="([^"]+)"', filtered)
    assert dates and all(d.startswith(year) for d in dates)


def test_source_facet_links_filter(client):
    body = page(client, "/search", q="korea")
    sources = [h for h in links(body) if "source=" in h and h.startswith("/search?")]
    assert sources, "expected source facet links"
    filtered = page(client, sources[0])
    assert len(doc_links(filtered)) < len(doc_links(body))


def test_pagination(client):
    first = page(client, "/search", q="korea", per_page=1)
    next_link = re.search(r'<a rel="next" href="([^"]+)"', first)
    assert next_link
    href = html.unescape(next_link.group(1))
    assert "page=2" in href and "per_page=1" in href
    second = page(client, href)
    assert 'rel="prev"' in second and 'aria-current="page">2<' in second
    assert doc_links(first) != doc_links(second)


def test_document_page(client):
    results = page(client, "/search", q="korea")
    body = page(client, doc_links(results)[0])
    assert "<mark>" in body  # reached from a result: the query terms are marked
    assert "<details" in body and "Cleaning report" in body
    assert "Related articles" in body
    assert len(re.findall(r"<p>", body)) >= 3
    plain = page(client, doc_links(results)[0].split("?")[0])
    assert "<mark>" not in plain


def test_hostile_document_is_shown_as_text(client):
    results = page(client, "/search", q="zorblax")
    for fragment in RAW_MARKUP:
        assert fragment not in results
    assert "&lt;" in results and "<mark>" in results
    assert html.escape(EVIL_NAME, quote=False) in results  # the file name, as text
    [doc] = doc_links(results)
    body = page(client, doc)
    for fragment in RAW_MARKUP:
        assert fragment not in body
    assert "&lt;img src=x onerror=alert(2)&gt;" in body or "onerror" not in html.unescape(body)


def test_query_is_echoed_escaped(client):
    body = page(client, "/search", q='<script>alert(1)</script>"><b>')
    assert "<script>alert(1)" not in body and '"><b>' not in body
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in body


def test_templates_have_no_inline_script_or_style(client):
    for body in (page(client, "/"), page(client, "/search", q="korea")):
        assert "<script" not in body and " style=" not in body and "<style" not in body


# Without q at all, /search is the empty search form (tested above), not an error.
REFUSED_PAGES = [params for params in MUST_REFUSE if "q" in params]


@pytest.mark.parametrize("params", REFUSED_PAGES, ids=[repr(p)[:40] for p in REFUSED_PAGES])
def test_wrong_parameters_show_a_400_page(client, params):
    body = page(client, "/search", status=400, **params)
    assert 'role="alert"' in body and 'name="q"' in body


@pytest.mark.parametrize("params", BAD_INPUTS, ids=BAD_INPUT_IDS)
def test_bad_input_never_5xx(client, params):
    response = client.get("/search", query_string=params)
    assert response.status_code in (200, 400)
    assert response.mimetype == "text/html"
    assert "Traceback" not in response.get_data(as_text=True)


def test_huge_query_in_url(client):
    response = client.get("/search?q=" + "x" * 50_000)
    assert response.status_code in (200, 400)


@pytest.mark.parametrize(
    "path",
    [
        "/doc/../../etc/passwd",
        "/doc/..%2F..%2Fetc%2Fpasswd",
        "/doc/%2e%2e%2fconfig.toml",
        "/doc/..",
        "/doc/abc%00def",
        "/doc/%00",
        "/doc/0000000000000000",
        "/doc/" + "a" * 200,
        "/static/../config.toml",
        "/static/..%2F..%2Fconfig.toml",
    ],
)
def test_document_paths_cannot_escape(client, path):
    response = client.get(path)
    assert response.status_code == 404
    assert "[server]" not in response.get_data(as_text=True)


def test_404_and_405_pages(client):
    missing = client.get("/no/such/page")
    assert missing.status_code == 404 and missing.mimetype == "text/html"
    assert "404" in missing.get_data(as_text=True)
    wrong = client.post("/search", data={"q": "korea"})
    assert wrong.status_code == 405 and wrong.mimetype == "text/html"
    assert "GET" in wrong.headers["Allow"]


def test_head(client):
    response = client.head("/search?q=korea")
    assert response.status_code == 200 and response.data == b""
    assert response.mimetype == "text/html"


def test_static_css(client):
    response = client.get("/static/style.css")
    assert response.status_code == 200 and response.mimetype == "text/css"


@pytest.mark.parametrize("path", ["/", "/search?q=korea", "/search?q=korea&page=0", "/missing"])
def test_security_headers(client, path):
    headers = client.get(path).headers
    csp = headers["Content-Security-Policy"]
    assert "default-src 'self'" in csp and "frame-ancestors 'none'" in csp
    assert "unsafe-inline" not in csp
    assert headers["X-Content-Type-Options"] == "nosniff"
    assert headers["X-Frame-Options"] == "DENY"
    assert headers["Referrer-Policy"] == "no-referrer"


def test_not_in_debug_mode(app, web_config, monkeypatch):
    assert not app.debug
    monkeypatch.setenv("FLASK_DEBUG", "1")
    assert not create_app(web_config).debug


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(q=st.text(max_size=60), page=st.sampled_from(["", "1", "2", "0", "x"]))
def test_fuzzed_queries_never_5xx(app, q, page):
    response = app.test_client().get("/search", query_string={"q": q, "page": page})
    assert response.status_code in (200, 400)
    body = response.get_data(as_text=True)
    assert "<script" not in body


def test_source_facet_lists_ten_and_counts_the_rest(tmp_path):
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    for number in range(13):
        (corpus / f"harvest-{number:02d}.txt").write_text(
            f"Harvest report {number}\n\nFarmers in region {number} brought in the rice harvest"
            " early this year after a dry and sunny autumn, the cooperative said on Monday.\n"
        )
    build_index(corpus, tmp_path / "ix")
    app = create_app(Config(corpus_dir=corpus, index_dir=tmp_path / "ix"), TESTING=True)
    body = app.test_client().get("/search", query_string={"q": "harvest"}).get_data(as_text=True)
    facet = body[body.index('class="facets"') :]
    assert len(re.findall(r"source=harvest-\d\d\.txt", facet)) == 10
    assert "and 3 more" in facet


def test_a_query_past_max_query_chars_is_cut_on_the_page_as_in_the_api(client, app):
    limits = app.config["SEEDSEARCH"].search
    q = "korea election " * (limits.max_query_chars // 15 + 200)
    body = page(client, "/search", q=q)
    api = client.get("/api/search", query_string={"q": q}).get_json()
    cut = [n for n in api["notices"] if "only its first" in n]
    assert cut, api["notices"]
    assert f'<p class="notice">{html.escape(cut[0])}</p>' in body
    # The box holds what was searched, ending at a word, not the whole paste.
    box = re.search(r'<input id="q" name="q" type="search" value="([^"]*)"', body).group(1)
    assert html.unescape(box) == limit_query(q, limits)[0]
    assert len(box) <= limits.max_query_chars < len(q)
    assert box.split()[-1] in ("korea", "election")
