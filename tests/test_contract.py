"""The backend contract: one suite, run on every backend. A backend that passes it is a
seedsearch backend.

Each backend indexes the same real corpus (the seeds, plus hostile and nested files) through
its own `build`, and is asked the same questions through the seam only. OpenSearch runs on a
real node (the session fixture `opensearch_url`, tests/conftest.py), never a mock.
"""

from __future__ import annotations

import re
import shutil
import uuid
from collections import Counter
from dataclasses import replace
from pathlib import Path

import pytest
from test_site import SEED_SITES
from test_stories import VOA, republish

from indexer import ranking
from indexer.analysis import STOPWORDS, stem, words
from indexer.backend import BackendUnavailable, open_backend
from indexer.bm25f import lucene_idf
from indexer.build import BuildError
from indexer.config import BackendConfig, Config, OpenSearchConfig, SearchConfig
from indexer.document import doc_id
from indexer.search import BadRequest, SearchRequest

SEEDS = Path(__file__).resolve().parents[1] / "seeds"
KINDS = ["whoosh", "opensearch"]
LIMITS = SearchConfig()
HOSTILE = (
    "Zanzibarite smugglers wrote <script>alert('x')</script> into the page, "
    'and <mark>fake</mark> marks, "quotes" & ampersands, and </p><img src=x onerror=alert(1)>.\n\n'
    "A second paragraph about zanzibarite trade routes across the ocean."
)
# Tag-like text that must come back escaped: any tag but <mark> and </mark> is a leak.
TAG = re.compile(r"<(?!/?mark>)")


def write_corpus(target: Path) -> Path:
    """The seeds, a hostile page, and a file in a nested folder (for source:reuters)."""
    shutil.copytree(SEEDS, target)
    for path in target.iterdir():
        path.chmod(0o644)
    (target / "hostile.txt").write_text("Hostile page\n\n" + HOSTILE + "\n", encoding="utf-8")
    nested = target / "reuters" / "1987"
    nested.mkdir(parents=True)
    (nested / "wire.txt").write_text(
        "Cocoa exporters meet\n\nCocoa exporters from Ghana and the Ivory Coast met in London "
        "to discuss quotas for the coming season.\n",
        encoding="utf-8",
    )
    return target


def make_config(kind: str, work: Path, request) -> Config:
    opensearch = OpenSearchConfig()
    if kind == "opensearch":
        pytest.importorskip("opensearchpy", reason="pip install -e '.[opensearch]'")
        url = request.getfixturevalue("opensearch_url")
        opensearch = OpenSearchConfig(url=url, index=f"contract-{uuid.uuid4().hex[:10]}")
        request.addfinalizer(lambda: drop_indices(url, opensearch.index))
    return Config(
        corpus_dir=work / "corpus",
        index_dir=work / "index",
        backend=BackendConfig(kind),
        opensearch=opensearch,
    )


def drop_indices(url: str, alias: str) -> None:
    """Delete every generation a test made: the node is shared by the whole run."""
    from opensearchpy import OpenSearch

    client = OpenSearch([url])
    for name in client.indices.get(index=f"{alias}-g*"):
        client.indices.delete(index=name)


@pytest.fixture(scope="module", params=KINDS)
def built(request, tmp_path_factory):
    """(backend, corpus) for each backend, built once per module; tests must not write."""
    work = tmp_path_factory.mktemp(f"contract-{request.param}")
    config = make_config(request.param, work, request)
    write_corpus(config.corpus_dir)
    backend = open_backend(config)
    backend.build(config.corpus_dir)
    return backend, config


@pytest.fixture(params=KINDS)
def fresh(request, tmp_path):
    """(backend, config) on a writable corpus with nothing built yet, for build tests."""
    config = make_config(request.param, tmp_path, request)
    write_corpus(config.corpus_dir)
    return open_backend(config), config


def search(backend, q: str, **params):
    return backend.search(SearchRequest(q, **params), LIMITS)


def texts(backend, response) -> list[str]:
    """The full cleaned text (title and body) of every result, lowercased."""
    out = []
    for hit in response.results:
        doc = backend.document(hit.id)
        out.append(f"{doc.title or ''}\n{doc.text}".lower())
    return out


def has_word(text: str, word: str) -> bool:
    return re.search(rf"\b{re.escape(word)}", text) is not None


# --- the query language -------------------------------------------------------------------


def test_all_words_are_required(built):
    backend, _ = built
    response = search(backend, "korea japan")
    assert response.total >= 1 and not response.relaxed
    for text in texts(backend, response):
        assert has_word(text, "korea") and has_word(text, "japan")


def test_no_document_with_every_word_falls_back_to_any_visibly(built):
    backend, _ = built
    response = search(backend, "zanzibarite korea")
    assert response.relaxed and response.total >= 2
    assert any("any of them" in n for n in response.notices)
    assert " OR " in response.parsed


def test_phrase_matches_only_the_exact_words_in_order(built):
    backend, _ = built
    response = search(backend, '"trade routes"')
    assert response.total == 1
    assert "trade routes" in texts(backend, response)[0]
    assert search(backend, '"routes trade"').total == 0


def test_exclusion_removes_documents(built):
    backend, _ = built
    everything = search(backend, "korea").total
    response = search(backend, "korea -japan", per_page=50)
    assert 0 < response.total < everything
    for text in texts(backend, response):
        assert not has_word(text, "japan")


def test_or_and_grouping(built):
    backend, _ = built
    either = search(backend, "zanzibarite OR cocoa")
    assert either.total == 2
    grouped = search(backend, "(zanzibarite OR cocoa) ghana")
    assert grouped.total == 1 and grouped.results[0].source == "reuters/1987/wire.txt"


def test_title_field_searches_titles_only(built):
    backend, _ = built
    body_only = search(backend, "quotas")
    assert body_only.total == 1
    assert search(backend, "title:quotas").total == 0
    assert search(backend, "title:cocoa").results[0].source == "reuters/1987/wire.txt"


def test_source_field_matches_the_path_or_its_words(built):
    backend, _ = built
    assert [h.source for h in search(backend, "source:reuters").results] == [
        "reuters/1987/wire.txt"
    ]
    assert search(backend, "source:hostile.txt").total == 1


def test_prefix_expands_and_is_capped_with_a_notice(built):
    backend, _ = built
    response = search(backend, "zanzibar*")
    assert response.total == 1 and not response.notices
    capped = backend.search(SearchRequest("s*"), SearchConfig(max_prefix_terms=2))
    assert capped.total >= 1
    assert any("limited to their 2 most common" in n for n in capped.notices)


# --- filters, sort, facets, pagination ----------------------------------------------------


def test_date_and_source_filters(built):
    backend, _ = built
    response = search(backend, "china", date_from="2023-01-01", date_to="2023-12-31")
    assert response.total == 2
    assert all(h.date and h.date.startswith("2023") for h in response.results)
    only = search(backend, "china", source="000_2cc68e9e30ca57b3.txt")
    assert [h.source for h in only.results] == ["000_2cc68e9e30ca57b3.txt"]


def test_newest_first(built):
    backend, _ = built
    response = search(backend, "china", sort="newest")
    dates = [h.date for h in response.results if h.date]
    assert dates == sorted(dates, reverse=True) and len(dates) == 3
    assert response.results[0].date == "2023-10-02"


def test_facets_count_every_match(built):
    backend, _ = built
    response = search(backend, "china")
    sources = dict(response.facets["source"])
    assert sum(sources.values()) == response.total == response.facet_values["source"]
    assert response.facets["year"] == [("2023", 2), ("2021", 1)]
    assert response.facet_values["year"] == 2


def test_pages_are_disjoint_and_continue_the_ranking(built):
    backend, _ = built
    whole = [h.id for h in search(backend, "china", per_page=4).results]
    first = [h.id for h in search(backend, "china", per_page=2).results]
    second = [h.id for h in search(backend, "china", per_page=2, page=2).results]
    assert first + second == whole and not set(first) & set(second)
    beyond = search(backend, "china", per_page=10, page=5)
    assert beyond.results == [] and beyond.total == search(backend, "china").total


def test_pagination_limits_are_enforced(built):
    backend, _ = built
    with pytest.raises(BadRequest):
        search(backend, "china", page=0)
    with pytest.raises(BadRequest):
        search(backend, "china", per_page=LIMITS.max_per_page + 1)
    with pytest.raises(BadRequest):
        search(backend, "china", page=LIMITS.max_depth, per_page=10)


# --- escaping, bad input ------------------------------------------------------------------


def test_hostile_document_text_is_escaped_in_snippets(built):
    backend, _ = built
    response = search(backend, "zanzibarite")
    snippet = response.results[0].snippet
    assert "<mark>zanzibarite</mark>" in snippet.lower()
    assert "<" not in snippet.replace("<mark>", "").replace("</mark>", "")
    assert "&lt;script&gt;" in snippet and "&lt;mark&gt;fake&lt;/mark&gt;" in snippet
    doc = backend.document(response.results[0].id)
    assert "<script>alert('x')</script>" in doc.text  # stored as written, escaped when shown


@pytest.mark.parametrize(
    "q",
    [
        "<script>alert(1)</script>",
        '"unbalanced quote',
        "((((((((((((((((((((korea",
        "title:",
        "-",
        "korea\x00\x07 china",
        "OR AND NOT",
        "a" * 3000,
        " ".join(f"word{i}" for i in range(200)),
        '"korea" -"" source: title:(',
        "ünïcödé 한국 中国",
    ],
)
def test_hostile_queries_answer_cleanly(built, q):
    backend, _ = built
    response = search(backend, q)
    assert response.total >= 0
    for hit in response.results:
        assert not TAG.search(hit.snippet)
    assert "<script>" not in response.parsed or response.results == []


def test_nothing_searchable_says_so(built):
    backend, _ = built
    response = search(backend, "!!! ---")
    assert response.total == 0 and response.notices


def test_long_query_is_scored_whole_and_limits_say_what_they_cut(built):
    backend, _ = built
    q = " ".join(["korea"] + [f"filler{i}" for i in range(40)])
    whole = search(backend, q)
    assert whole.total > 0 and not whole.notices  # 41 words are a normal query
    assert "filler39" in whole.parsed
    few_terms = replace(LIMITS, max_terms=10)
    trimmed = backend.search(SearchRequest(q), few_terms)
    assert any("41 different words" in n and "10 most distinctive" in n for n in trimmed.notices)
    assert trimmed.total > 0  # "korea" is the one known word: it is among those kept
    few_chars = replace(LIMITS, max_query_chars=100)
    cut = backend.search(SearchRequest(q), few_chars)
    assert any("only its first" in n for n in cut.notices)
    assert "filler39" not in cut.parsed and cut.total > 0


def test_a_query_of_hundreds_of_different_words_is_answered(built):
    """Lucene refuses a query of over 1024 term clauses: the OpenSearch engine scores its
    most distinctive words and says so, where Whoosh scores them all."""
    backend, _ = built
    q = " ".join(["korea"] + [f"filler{i}" for i in range(400)])
    response = search(backend, q)
    assert response.total > 0 and "korea" in response.parsed
    trimmed = [n for n in response.notices if "most distinctive" in n]
    assert bool(trimmed) == (backend.kind == "opensearch"), response.notices


# A description (any of its words, RM3 and the plain run): its words with a stemmed form.
DESCRIPTION = "what did xi jinping and moon jae-in agree about the trilateral summit and visits"
DESCRIPTION_WORDS = {w for w, _, _ in words(DESCRIPTION)} - STOPWORDS  # each written once


def ranked(backend, monkeypatch, **params):
    monkeypatch.setattr(ranking, "PARAMS", replace(ranking.RankingParams(), **params))
    return search(backend, DESCRIPTION, per_page=100, collapse=False)


def held_stems(backend, hit_id: str) -> tuple[set[str], set[str]]:
    doc = backend.document(hit_id)
    return {stem(w) for w, _, _ in words(doc.text)}, {stem(w) for w, _, _ in words(doc.title or "")}


def test_any_of_queries_sum_in_the_plain_bm25_plus_run_and_match_the_same(built, monkeypatch):
    """CombSUM with the plain run (ranking.plain_run) on every backend: the same matches,
    totals and facets, every match scored higher, and BM25+'s bound δ·idf for each query
    word a document holds (idf from the largest of its fields' document counts)."""
    backend, _ = built
    fused = ranked(backend, monkeypatch)
    alone = ranked(backend, monkeypatch, plain_run_weight=0.0)
    unbound = ranked(backend, monkeypatch, plain_run_delta=0.0)
    assert 1 < fused.total == alone.total == unbound.total <= 100
    assert (fused.parsed, fused.facets, fused.stories) == (
        alone.parsed,
        alone.facets,
        alone.stories,
    )
    before = {h.id: h.score for h in alone.results}
    assert before.keys() == {h.id for h in fused.results}
    assert all(h.score > before[h.id] for h in fused.results)
    held = {h.id: held_stems(backend, h.id) for h in fused.results}
    n = backend.info().doc_count
    delta = ranking.RankingParams().plain_run_delta
    bound = {}
    for w in map(stem, DESCRIPTION_WORDS):
        df = max(sum(w in fields[i] for fields in held.values()) for i in (0, 1))
        bound[w] = delta * lucene_idf(df, n) if df else 0.0
    without = {h.id: h.score for h in unbound.results}
    for hit in fused.results:
        want = sum(b for w, b in bound.items() if w in held[hit.id][0] | held[hit.id][1])
        assert hit.score - without[hit.id] == pytest.approx(want, abs=2e-4), hit.id


# --- did-you-mean, documents, related -----------------------------------------------------


def test_did_you_mean_respells_an_unknown_word(built):
    backend, _ = built
    response = search(backend, "zanzibarita")
    assert response.suggestion == "zanzibarite"
    assert search(backend, "zanzibarite").suggestion is None


def test_document_fetch(built):
    backend, _ = built
    hit = search(backend, "cocoa").results[0]
    doc = backend.document(hit.id)
    assert doc.source == "reuters/1987/wire.txt" and doc.title == "Cocoa exporters meet"
    assert "Ivory Coast" in doc.text
    assert backend.document("no-such-id") is None


def test_related_documents_exclude_the_document_itself(built):
    backend, _ = built
    hit = search(backend, "korea japan").results[0]
    related = backend.related(hit.id, n=3)
    assert 1 <= len(related) <= 3
    assert hit.id not in {r.id for r in related}
    assert backend.related("no-such-id") == []


def test_info_counts_the_documents(built):
    backend, _ = built
    info = backend.info()
    assert info.doc_count == 7 and info.generation and info.built_at


# --- months, sites, stories ---------------------------------------------------------------

MONTH_QUERIES = ["china", "korea", "summit", "zanzibarite OR cocoa", "korea -japan"]


@pytest.mark.parametrize("q", MONTH_QUERIES)
def test_month_facet_counts_every_dated_match_oldest_first(built, q):
    backend, _ = built
    every = search(backend, q, per_page=50, collapse=False)
    assert every.total <= 50  # every match is on this one page
    expected = sorted(Counter(h.date[:7] for h in every.results if h.date).items())
    response = search(backend, q, per_page=1)  # the facet counts all matches, not the page
    assert response.facets["month"] == expected
    assert response.facet_values["month"] == len(expected)
    assert all(re.fullmatch(r"\d{4}-(0[1-9]|1[0-2])", m) for m, _ in expected)


def test_month_facet_follows_the_date_filter(built):
    backend, _ = built
    months = search(backend, "china").facets["month"]
    assert len({m[:4] for m, _ in months}) == 2  # the seeds are dated 2021 and 2023
    only = search(backend, "china", date_from="2023-01-01").facets["month"]
    assert only == [(m, n) for m, n in months if m >= "2023"]
    assert search(backend, "zanzibarite").facets["month"] == []  # the hostile page is undated


def test_site_is_the_publisher_each_seed_names(built):
    backend, _ = built
    every = search(backend, "korea OR china OR cocoa OR zanzibarite", per_page=50)
    seen = {h.source: h.site for h in every.results}
    assert set(SEED_SITES) <= set(seen)
    for name, site in SEED_SITES.items():
        assert seen[name] == site
        assert backend.document(doc_id(name)).site == site


def test_site_facet_and_filter(built):
    backend, _ = built
    response = search(backend, "korea")
    every = search(backend, "korea", per_page=50, collapse=False)
    expected = Counter(h.site for h in every.results if h.site)
    assert dict(response.facets["site"]) == expected == {"SCMP": 1, "Báo Quốc Tế": 1}
    assert response.facet_values["site"] == 2
    only = search(backend, "korea", site="SCMP")
    assert [h.source for h in only.results] == ["001_09996429d7cfd6fc.txt"] and only.total == 1
    assert search(backend, "korea", site="Nobody").total == 0
    assert search(backend, "korea", site="SCMP", source="004_d29238495a4c473e.txt").total == 0


@pytest.fixture(scope="module", params=KINDS)
def storied(request, tmp_path_factory):
    """(backend, copy, config) for each backend: the contract corpus plus seed 002's story
    re-published by another site (tests/test_stories.py), built once; tests must not write."""
    work = tmp_path_factory.mktemp(f"stories-{request.param}")
    config = make_config(request.param, work, request)
    write_corpus(config.corpus_dir)
    copy = republish(config.corpus_dir)
    backend = open_backend(config)
    backend.build(config.corpus_dir)
    return backend, copy, config


def test_copies_of_a_story_collapse_to_one_result_with_versions(storied):
    backend, copy, _ = storied
    pair = {doc_id(VOA), doc_id(copy)}
    collapsed = search(backend, "trilateral summit")
    every = search(backend, "trilateral summit", collapse=False)
    assert collapsed.total == every.total  # total still counts documents
    assert collapsed.stories == every.stories == collapsed.total - 1
    assert pair <= {h.id for h in every.results}
    shown = [h for h in collapsed.results if h.id in pair]
    assert len(shown) == 1 and len(collapsed.results) == len(every.results) - 1
    assert shown[0].story == min(pair) and shown[0].versions == list(pair - {shown[0].id})
    order = [h.id for h in every.results]  # the copy shown is the better-ranked one
    assert order.index(shown[0].id) < order.index((pair - {shown[0].id}).pop())
    for hit in collapsed.results:
        if hit.id not in pair:
            assert hit.story == hit.id and hit.versions == []


def test_not_collapsed_every_copy_names_the_others(storied):
    backend, copy, _ = storied
    pair = {doc_id(VOA), doc_id(copy)}
    every = search(backend, "trilateral summit", collapse=False)
    for hit in every.results:
        if hit.id in pair:
            assert hit.story == min(pair) and hit.versions == list(pair - {hit.id})
        else:
            assert hit.story == hit.id and hit.versions == []
    # Seeds 002 and 004 report one meeting in different words: two stories.
    stories = {h.source: h.story for h in every.results}
    assert stories[VOA] != stories["004_d29238495a4c473e.txt"]


def test_versions_are_the_matching_copies_only(storied):
    backend, copy, _ = storied
    # The copy's headline is its own: a search for it finds the copy alone, with no versions.
    response = search(backend, "steadier", collapse=False)
    assert [h.id for h in response.results] == [doc_id(copy)]
    assert response.results[0].versions == [] and response.stories == 1


def test_collapsed_pages_list_each_story_once(storied):
    backend, _, _ = storied
    whole = search(backend, "korea OR china", per_page=4)
    first = search(backend, "korea OR china", per_page=2)
    second = search(backend, "korea OR china", per_page=2, page=2)
    assert [h.id for h in first.results + second.results] == [h.id for h in whole.results]
    listed = [h.story for h in whole.results]
    assert len(listed) == len(set(listed)) == min(4, whole.stories) < whole.total


def test_api_and_page_show_a_storys_versions(storied):
    from webapp import create_app

    _, copy, config = storied
    client = create_app(config).test_client()
    body = client.get("/api/search", query_string={"q": "trilateral summit"}).get_json()
    assert body["stories"] == body["total"] - 1
    shown = [h for h in body["results"] if h["versions"]]
    assert len(shown) == 1 and shown[0]["story"] == min(doc_id(VOA), doc_id(copy))
    other = shown[0]["versions"][0]
    page = client.get("/search", query_string={"q": "trilateral summit"}).get_data(as_text=True)
    assert "1 other version:" in page and f"/doc/{other}?q=" in page


def test_incremental_builds_keep_story_ids_right(fresh):
    backend, config = fresh
    corpus = config.corpus_dir
    backend.build(corpus)

    def stories_of(q="trilateral summit"):
        return {h.source: h.story for h in search(backend, q, collapse=False).results}

    assert stories_of()[VOA] == doc_id(VOA)
    copy = republish(corpus)  # a copy is added: it joins the original's story
    assert backend.build(corpus).added == 1
    joined = min(doc_id(VOA), doc_id(copy))
    assert stories_of()[VOA] == stories_of()[copy] == joined
    (corpus / VOA).unlink()  # the original goes: the copy is a story of its own
    backend.build(corpus)
    assert stories_of()[copy] == doc_id(copy) and VOA not in stories_of()
    shutil.copy(SEEDS / VOA, corpus / VOA)  # back again, then the copy goes
    backend.build(corpus)
    assert stories_of()[VOA] == stories_of()[copy] == joined
    (corpus / copy).unlink()
    backend.build(corpus)
    assert stories_of()[VOA] == doc_id(VOA) and copy not in stories_of()
    assert backend.check(corpus).ok


# --- building: atomic re-index, rollback, incremental -------------------------------------


def test_incremental_build_applies_upserts_and_deletes(fresh):
    backend, config = fresh
    first = backend.build(config.corpus_dir)
    assert first.indexed == 7
    corpus = config.corpus_dir
    (corpus / "reuters" / "1987" / "wire.txt").unlink()
    (corpus / "hostile.txt").write_text("Hostile page\n\nNow about quokkas only.\n")
    (corpus / "new.txt").write_text("A new page\n\nWombats dig burrows in Tasmania.\n")
    report = backend.build(corpus)
    assert (report.added, report.updated, report.deleted) == (1, 1, 1)
    assert not report.full
    assert search(backend, "cocoa").total == 0
    assert search(backend, "wombats").total == 1
    assert search(backend, "quokkas").total == 1 and search(backend, "zanzibarite").total == 0
    assert backend.check(corpus).ok
    assert backend.build(corpus).unchanged


def test_check_reports_a_changed_corpus(fresh):
    backend, config = fresh
    backend.build(config.corpus_dir)
    (config.corpus_dir / "extra.txt").write_text("Extra\n\nNot yet indexed.\n")
    report = backend.check(config.corpus_dir)
    assert not report.ok and report.missing == ["extra.txt"]


def test_full_rebuild_is_atomic_and_rollback_returns(fresh):
    backend, config = fresh
    backend.build(config.corpus_dir)
    before = backend.info().generation
    (config.corpus_dir / "new.txt").write_text("A new page\n\nWombats dig burrows.\n")
    backend.build(config.corpus_dir, full=True)
    after = backend.info().generation
    assert after != before and search(backend, "wombats").total == 1
    now, was = backend.rollback()
    assert (now, was) == (before, after)
    assert backend.info().generation == before and search(backend, "wombats").total == 0
    assert search(backend, "cocoa").total == 1


def test_failed_build_leaves_the_live_index(fresh):
    backend, config = fresh
    backend.build(config.corpus_dir)
    live = backend.info().generation
    empty = config.corpus_dir.parent / "empty"
    empty.mkdir()
    (empty / "image.bin").write_bytes(b"\x89PNG\r\n\x1a\n" + bytes(range(256)))
    with pytest.raises(BuildError):
        backend.build(empty, full=True)
    assert backend.info().generation == live
    assert search(backend, "cocoa").total == 1


def test_search_before_any_build_says_there_is_no_index(fresh):
    from indexer.live import IndexMissing

    backend, _ = fresh
    assert not backend.has_index()
    with pytest.raises(IndexMissing):
        search(backend, "korea")


# --- the same answers on every backend ----------------------------------------------------

SAME_TOTALS = [
    "korea",
    "korea japan",
    "korea -japan",
    '"south korea"',
    "seoul OR tokyo",
    "title:china",
    "denucl*",
    "(seoul OR tokyo) summit",
    "source:reuters",
]


def test_backends_agree_on_what_matches(request, tmp_path_factory):
    totals = {}
    for kind in KINDS:
        work = tmp_path_factory.mktemp(f"agree-{kind}")
        config = make_config(kind, work, request)
        write_corpus(config.corpus_dir)
        backend = open_backend(config)
        backend.build(config.corpus_dir)
        totals[kind] = {q: search(backend, q).total for q in SAME_TOTALS}
    assert totals["opensearch"] == totals["whoosh"]


def test_unreachable_opensearch_is_backend_unavailable(tmp_path):
    pytest.importorskip("opensearchpy", reason="pip install -e '.[opensearch]'")
    config = Config(
        corpus_dir=tmp_path,
        index_dir=tmp_path / "index",
        backend=BackendConfig("opensearch"),
        opensearch=OpenSearchConfig(url="http://127.0.0.1:9"),  # discard port: nothing listens
    )
    backend = open_backend(config)
    with pytest.raises(BackendUnavailable):
        search(backend, "korea")
    with pytest.raises(BackendUnavailable):
        backend.info()
    with pytest.raises(BackendUnavailable):
        backend.build(tmp_path)
