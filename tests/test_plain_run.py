"""The plain BM25+ run summed into any-of queries (ranking.plain_run, CombSUM), on the seeds."""

from __future__ import annotations

import math
from dataclasses import replace

import pytest
from test_search_support import LIMITS, searcher  # noqa: F401
from whoosh import query as wq

from indexer import ranking
from indexer.analysis import stem, words
from indexer.bm25f import lucene_idf
from indexer.evaluate import Evaluator
from indexer.query import Compiler, Word
from indexer.search import SearchRequest, search

SENTENCE = "what did xi jinping and moon jae-in agree about the trilateral summit and visits"
WORDS = {"moon": 1.0, "trilateral": 1.0, "summit": 1.0 + math.log(2)}


def parts(reader) -> list[wq.Query]:
    compiler = Compiler(reader, 64)
    return [compiler.weighted(Word(w), boost) for w, boost in WORDS.items()]


def scores(searcher, query) -> dict[int, float]:  # noqa: F811
    evaluator = Evaluator(searcher)
    matches = evaluator.matches(query)
    return {d: s for s, d in evaluator.top(matches, limit=max(int(matches.mask.sum()), 1))}


def test_the_plain_run_scores_as_whoosh_does(searcher):  # noqa: F811
    query = ranking.plain_run(searcher.reader(), parts(searcher.reader()))
    want = {hit.docnum: hit.score for hit in searcher.search(query, limit=None)}
    got = scores(searcher, query)
    assert want and set(got) == set(want)
    for doc, score in got.items():
        assert math.isclose(score, want[doc], rel_tol=1e-9), doc


def test_bm25_plus_adds_delta_idf_for_each_word_a_document_holds(searcher, monkeypatch):  # noqa: F811
    reader = searcher.reader()
    with_delta = scores(searcher, ranking.plain_run(reader, parts(reader)))
    monkeypatch.setattr(ranking, "PARAMS", replace(ranking.PARAMS, plain_run_delta=0.0))
    without = scores(searcher, ranking.plain_run(reader, parts(reader)))
    assert set(with_delta) == set(without)
    n, delta = reader.doc_count_all(), ranking.RankingParams().plain_run_delta
    for doc in with_delta:
        stored = reader.stored_fields(doc)
        text = f"{stored.get('title') or ''} {stored['text']}"
        held = {stem(w) for w, _, _ in words(text)}
        lower = 0.0
        for w, boost in WORDS.items():
            if stem(w) in held:
                df = max(reader.doc_frequency(f, stem(w)) for f in ("body", "title"))
                lower += boost * delta * lucene_idf(df, n)
        assert math.isclose(with_delta[doc] - without[doc], lower, rel_tol=1e-9), doc


@pytest.mark.parametrize("q", [SENTENCE, f'{SENTENCE} "south korea" beij* -tokyo'])
def test_it_reranks_descriptions_without_adding_matches(searcher, monkeypatch, q):  # noqa: F811
    fused = search(searcher, SearchRequest(q, per_page=100), LIMITS)
    monkeypatch.setattr(ranking, "PARAMS", replace(ranking.PARAMS, plain_run_weight=0.0))
    alone = search(searcher, SearchRequest(q, per_page=100), LIMITS)
    assert fused.total == alone.total and fused.parsed == alone.parsed
    assert {h.id for h in fused.results} == {h.id for h in alone.results}
    assert [h.score for h in fused.results] != [h.score for h in alone.results]


def test_keyword_queries_are_untouched(searcher, monkeypatch):  # noqa: F811
    queries = ("moon trilateral", "trilateral summit seoul", "zorblax glorptastic")
    before = [search(searcher, SearchRequest(q), LIMITS) for q in queries]
    monkeypatch.setattr(ranking, "PARAMS", replace(ranking.PARAMS, plain_run_weight=0.0))
    after = [search(searcher, SearchRequest(q), LIMITS) for q in queries]
    for a, b in zip(before, after, strict=True):
        assert [(h.id, h.score) for h in a.results] == [(h.id, h.score) for h in b.results]
        assert (a.total, a.relaxed, a.parsed) == (b.total, b.relaxed, b.parsed)
