"""The month facet, the timeline and the feed over real pages: the article-extraction dev set.

61 real news pages (../shared/data/article-extraction-dev) with their own titles, markup and
dates from 2017 to 2019. Skipped, with the reason, where the shared data is not beside the
clone.
"""

from __future__ import annotations

import gzip
import re
from collections import Counter
from urllib.parse import urlsplit

import pytest
from shared_data import require_shared  # bench/, on the path through conftest.py

from indexer.build import build_index
from indexer.config import Config
from webapp import create_app

feedparser = pytest.importorskip("feedparser")
pytestmark = pytest.mark.slow

QUERIES = ["the", "said", "year", "people", "new york"]


@pytest.fixture(scope="module")
def client(tmp_path_factory):
    html = require_shared("article-extraction-dev", "html")
    root = tmp_path_factory.mktemp("dev-pages")
    corpus = root / "corpus"
    corpus.mkdir()
    for page in html.glob("*.html.gz"):
        (corpus / page.name.removesuffix(".gz")).write_bytes(gzip.decompress(page.read_bytes()))
    build_index(corpus, root / "index", full=True)
    return create_app(Config(corpus_dir=corpus, index_dir=root / "index")).test_client()


def everything(client, **params) -> list[dict]:
    """Every result of a search, page by page."""
    hits, page = [], 1
    while True:
        body = client.get("/api/search", query_string={**params, "per_page": 100, "page": page})
        body = body.get_json()
        hits += body["results"]
        if len(hits) >= body["total"] or not body["results"]:
            return hits
        page += 1


@pytest.mark.parametrize("q", QUERIES)
def test_month_facet_counts_the_real_pages_dates(client, q):
    body = client.get("/api/search", query_string={"q": q}).get_json()
    expected = Counter(h["date"][:7] for h in everything(client, q=q) if h["date"])
    assert [(f["value"], f["count"]) for f in body["facets"]["month"]] == sorted(expected.items())
    # The page draws one bar per month.
    page = client.get("/search", query_string={"q": q}).get_data(as_text=True)
    assert len(re.findall(r'<a href="[^"]*" aria-label="[^"]*" class="month', page)) == len(
        expected
    )


@pytest.mark.parametrize("q", QUERIES)
def test_feed_of_real_pages_parses_newest_first(client, q):
    response = client.get("/search.atom", query_string={"q": q, "per_page": 100})
    assert response.mimetype == "application/atom+xml"
    parsed = feedparser.parse(response.data)
    assert not parsed.bozo, parsed.get("bozo_exception")
    hits = client.get(
        "/api/search", query_string={"q": q, "per_page": 100, "sort": "newest"}
    ).get_json()["results"]
    assert [urlsplit(e.link).path for e in parsed.entries] == [f"/doc/{h['id']}" for h in hits]
    assert [e.title for e in parsed.entries] == [h["title"] or h["source"] for h in hits]
    dated = [e.published for e in parsed.entries if "published" in e]
    assert dated == sorted(dated, reverse=True) and dated
