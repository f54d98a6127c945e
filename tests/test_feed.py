"""/search.atom over the real seeds, hostile pages and a re-indexed corpus, read by feedparser."""

from __future__ import annotations

import html
import re
import shutil
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from webfixtures import EVIL_NAME, MUST_REFUSE, SEEDS

from indexer.build import build_index
from indexer.config import Config
from webapp import create_app

feedparser = pytest.importorskip("feedparser")

# Shared fixtures (app, client, the real index) live in tests/webfixtures.py.
pytest_plugins = ["webfixtures"]

ATOM_NS = "http://www.w3.org/2005/Atom"


def feed(client, **params):
    """The feed for `params`, parsed; it must be well-formed Atom served as such."""
    response = client.get("/search.atom", query_string=params)
    assert response.status_code == 200, response.get_data(as_text=True)
    assert response.mimetype == "application/atom+xml"
    parsed = feedparser.parse(response.data)
    assert not parsed.bozo, parsed.get("bozo_exception")
    assert parsed.version == "atom10" and parsed.namespaces.get("") == ATOM_NS
    return parsed


def api(client, **params) -> dict:
    return client.get("/api/search", query_string=params).get_json()


def doc_id(entry) -> str:
    return urlsplit(entry.link).path.removeprefix("/doc/")


def test_feed_lists_the_searchs_results_newest_first(client):
    parsed = feed(client, q="korea")
    newest = api(client, q="korea", sort="newest")
    assert [doc_id(e) for e in parsed.entries] == [h["id"] for h in newest["results"]]
    dates = [h["date"] for h in newest["results"] if h["date"]]
    assert dates == sorted(dates, reverse=True) and len(dates) >= 2
    # A sort parameter does not turn the feed into relevance order.
    again = feed(client, q="korea", sort="relevance")
    assert [e.id for e in again.entries] == [e.id for e in parsed.entries]


def test_entries_have_title_link_dates_id_and_plain_snippet(client):
    parsed = feed(client, q="korea")
    hits = {h["id"]: h for h in api(client, q="korea", sort="newest")["results"]}
    built_at = client.get("/healthz").get_json()["built_at"]
    for entry in parsed.entries:
        hit = hits[doc_id(entry)]
        assert entry.title == (hit["title"] or hit["source"])
        assert entry.title_detail.type == "text/plain"
        # The link opens the document page.
        assert client.get(urlsplit(entry.link).path).status_code == 200
        if hit["date"]:
            assert entry.updated.startswith(hit["date"] + "T")
            assert entry.published.startswith(hit["date"] + "T")
        else:  # undated: when the index was built
            assert entry.updated[:19] == built_at[:19]
        # The snippet as the text it shows: no <mark>, no entities left over.
        assert entry.summary_detail.type == "text/plain"
        assert entry.summary == html.unescape(re.sub("</?mark>", "", hit["snippet"]))
        assert "<mark>" not in entry.summary and "&lt;" not in entry.summary
        assert entry.id.startswith("tag:") and entry.id.endswith(hit["id"])


def test_feed_has_id_title_updated_and_links(client):
    parsed = feed(client, q="korea", source="002_366b9a06e0d49ebc.txt")
    assert parsed.feed.id.startswith("tag:") and "korea" in parsed.feed.id
    assert "korea" in parsed.feed.title
    assert parsed.feed.updated == max(e.updated for e in parsed.entries)
    links = {link.rel: link for link in parsed.feed.links}
    assert links["self"].type == "application/atom+xml"
    assert urlsplit(links["self"].href).path == "/search.atom"
    page = urlsplit(links["alternate"].href)
    assert page.path == "/search"
    assert parse_qs(page.query) == {"q": ["korea"], "source": ["002_366b9a06e0d49ebc.txt"]}
    assert parsed.feed.author == "seedsearch"


def test_feed_takes_the_search_filters(client):
    for params in (
        {"q": "korea", "from": "2023-01-01"},
        {"q": "korea", "to": "2022-12-31"},
        {"q": "china", "source": "004_d29238495a4c473e.txt"},
        {"q": "korea", "per_page": "2", "page": "2"},
        {"q": "korea -japan"},
    ):
        expected = [h["id"] for h in api(client, **params, sort="newest")["results"]]
        assert [doc_id(e) for e in feed(client, **params).entries] == expected, params
        # The same filters give the same feed id; other filters another one.
    assert feed(client, q="korea").feed.id != feed(client, q="korea", to="2022-12-31").feed.id


def test_polling_an_unchanged_feed_is_not_modified(client):
    first = client.get("/search.atom?q=korea")
    etag = first.headers["ETag"]
    again = client.get("/search.atom?q=korea", headers={"If-None-Match": etag})
    assert again.status_code == 304 and again.data == b""
    other = client.get("/search.atom?q=china", headers={"If-None-Match": etag})
    assert other.status_code == 200 and other.headers["ETag"] != etag


def test_a_search_with_no_results_is_an_empty_feed(client):
    parsed = feed(client, q="qqqzzzxxx")
    assert parsed.entries == [] and parsed.feed.updated
    assert parsed.feed.subtitle == "No matches yet."


@pytest.mark.parametrize(
    "q", ["((", '"unbalanced', "-", "title:", "\ufffd\u202e\u200b", "x" * 5000]
)
def test_odd_queries_still_give_a_feed(client, q):
    feed(client, q=q)


@pytest.mark.parametrize("params", [p for p in MUST_REFUSE], ids=repr)
def test_bad_parameters_are_a_clear_400(client, params):
    response = client.get("/search.atom", query_string=params)
    assert response.status_code == 400
    assert response.mimetype == "text/html"
    message = re.search(r'role="alert">(.*?)</p>', response.get_data(as_text=True), re.S)
    assert message and message.group(1).strip()
    # The same message as the API gives.
    assert html.unescape(message.group(1)) == api(client, **params)["error"]["message"]


def test_no_index_yet_is_a_503_page_not_a_traceback(tmp_path):
    app = create_app(Config(corpus_dir=tmp_path, index_dir=tmp_path / "index"), TESTING=True)
    response = app.test_client().get("/search.atom?q=korea")
    assert response.status_code == 503 and response.mimetype == "text/html"
    assert response.headers["Retry-After"] and "no search index" in response.get_data(as_text=True)


def test_hostile_page_is_escaped_and_parses(client):
    response = client.get("/search.atom?q=zorblax")
    raw = response.get_data(as_text=True)
    assert "<script>" not in raw and "<img" not in raw
    [entry] = feed(client, q="zorblax").entries
    assert entry.title == "Zorblax <script>alert(1)</script> headline"
    assert "<img src=x onerror=alert(2)>" in entry.summary  # as text, not markup
    assert entry.updated  # undated: index time


# --- hostile and changing corpora, built for these tests ------------------------------------

HOSTILE = {
    # XML's own syntax, entities, a CDATA end, a processing instruction, a DOCTYPE.
    "cdata.txt": (
        "Quokka ]]> <![CDATA[ &amp; &#0; &bogus; <?xml-stylesheet href='x'?> headline\n\n"
        "The quokka report ]]> says <!DOCTYPE x [<!ENTITY e SYSTEM 'file:///etc/passwd'>]> &e; "
        "and the quokka herd grew by ten percent this year, rangers said on Tuesday.\n"
    ),
    # Characters XML 1.0 cannot carry at all (a few: more and the file is read as binary).
    "control.txt": (
        "Quokka \x0b control \x1b headline \ufffe\n\n"
        "A quokka paragraph with a bell\x07 in it, written by rangers who counted every quokka "
        "on the island this season, and a form feed\x0c too. The rangers counted again in the "
        "spring and found the quokka herd had grown by ten percent over the year.\n"
    ),
    # Not UTF-8 at all: Windows-1252 bytes, and a quote attribute breaker.
    "latin.txt": (
        'Quokka caf\xe9 "\'><x a="b headline\n\n'
        "The quokka caf\xe9 opened in the spring, and the rangers said the quokka visitors "
        "were many.\n"
    ).encode("cp1252"),
}


@pytest.fixture(scope="module")
def hostile_client(tmp_path_factory):
    root = tmp_path_factory.mktemp("hostile-feed")
    corpus = root / "corpus"
    shutil.copytree(SEEDS, corpus)
    for name, content in HOSTILE.items():
        path = corpus / name
        path.write_bytes(content if isinstance(content, bytes) else content.encode("utf-8"))
    (corpus / EVIL_NAME).write_text("Quokka <b>bold</b> & name\n\nA quokka page.\n", "utf-8")
    build_index(corpus, root / "index", full=True)
    return create_app(Config(corpus_dir=corpus, index_dir=root / "index")).test_client()


def test_hostile_documents_make_a_well_formed_feed(hostile_client):
    parsed = feed(hostile_client, q="quokka", per_page=100)
    titles = {e.title for e in parsed.entries}
    hits = api(hostile_client, q="quokka", per_page=100)["results"]
    assert len(parsed.entries) == len(hits) >= len(HOSTILE)
    # XML syntax in a title comes back as the same text.
    assert any("]]> <![CDATA[ &amp; &#0; &bogus;" in t for t in titles)
    assert any('café "\'><x a="b' in t for t in titles)
    assert "Quokka <b>bold</b> & name" in titles  # the page with markup in its file name
    # Characters XML cannot carry are dropped, the rest of the text kept.
    [control] = [e for e in parsed.entries if "control" in e.title]
    text = control.title + control.summary
    assert not re.search("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]", text)
    assert "Quokka" in control.title and "headline" in control.title and "bell" in text
    # Every entry still links to its own document page.
    for entry in parsed.entries:
        assert hostile_client.get(urlsplit(entry.link).path).status_code == 200


def test_hostile_query_is_escaped_in_the_feed(hostile_client):
    q = "quokka <script>alert(1)</script> ]]> \x01"
    raw = hostile_client.get("/search.atom", query_string={"q": q}).get_data(as_text=True)
    assert "<script>" not in raw
    parsed = feed(hostile_client, q=q)
    assert "<script>alert(1)</script> ]]>" in parsed.feed.title


def _feed_ids(corpus: Path, index: Path) -> dict[str, str]:
    client = create_app(Config(corpus_dir=corpus, index_dir=index)).test_client()
    parsed = feed(client, q="korea", per_page=100)
    return {doc_id(e): e.id for e in parsed.entries}


def test_entry_ids_survive_a_reindex(corpus, tmp_path):
    index = tmp_path / "index"
    build_index(corpus, index, full=True)
    before = _feed_ids(corpus, index)
    # A full rebuild (a new generation), then an edited article and a new one.
    build_index(corpus, index, full=True)
    assert _feed_ids(corpus, index) == before
    first = sorted(corpus.iterdir())[0]
    first.write_text(first.read_text(encoding="utf-8") + "\nKorea added a paragraph.\n", "utf-8")
    (corpus / "new.txt").write_text(
        "Korea news\n\nA new article about Korea and its neighbours, written today.\n", "utf-8"
    )
    build_index(corpus, index)
    after = _feed_ids(corpus, index)
    assert {k: v for k, v in after.items() if k in before} == before
    assert len(after) == len(before) + 1
    assert len(set(after.values())) == len(after)  # and every entry has its own


# --- the results page links its feed ---------------------------------------------------------


def test_results_page_links_its_feed(client):
    params = {"q": "korea", "from": "2021-01-01", "sort": "newest", "page": "2", "per_page": "2"}
    body = client.get("/search", query_string=params).get_data(as_text=True)
    [alternate] = re.findall(r'<link rel="alternate" type="application/atom\+xml"[^>]*>', body)
    href = html.unescape(re.search(r'href="([^"]+)"', alternate).group(1))
    [visible] = re.findall(r'<a href="([^"]+)"[^>]*>Follow this search</a>', body)
    assert html.unescape(visible) == href
    url = urlsplit(href)
    # The search and its filters; not the order, page or page size the reader had.
    assert url.path == "/search.atom"
    assert parse_qs(url.query) == {"q": ["korea"], "from": ["2021-01-01"]}
    feed(client, **{k: v[0] for k, v in parse_qs(url.query).items()})


def test_feed_is_described_in_the_openapi_document(client):
    spec = client.get("/api/openapi.json").get_json()
    operation = spec["paths"]["/search.atom"]["get"]
    assert "application/atom+xml" in operation["responses"]["200"]["content"]
    search = spec["paths"]["/api/search"]["get"]["parameters"]
    assert operation["parameters"] == search


# --- any query at all -----------------------------------------------------------------------

# Any text a URL can carry (no lone surrogates), biased toward words the index knows and
# characters XML treats specially or forbids.
QUERY_TEXT = st.text(
    alphabet=st.one_of(
        st.characters(blacklist_categories=("Cs",)),
        st.sampled_from(list("<>&'\"]\x00\x01\x0b\x1b\ufffe\uffff\u202e")),
    ),
    max_size=60,
)
QUERIES = st.one_of(
    QUERY_TEXT, st.tuples(st.sampled_from(["korea", "china", "zorblax"]), QUERY_TEXT).map(" ".join)
)


@pytest.mark.slow
@settings(max_examples=150, deadline=None, suppress_health_check=list(HealthCheck))
@given(q=QUERIES)
def test_any_query_gives_a_well_formed_feed_or_a_clear_400(client, q):
    response = client.get("/search.atom", query_string={"q": q})
    if not q.strip():
        assert response.status_code == 400
        return
    assert response.status_code == 200
    parsed = feedparser.parse(response.data)
    assert not parsed.bozo, (q, parsed.get("bozo_exception"))
