"""The per-request time budget on a corpus large enough to exceed it: partial results, said so."""

from __future__ import annotations

from dataclasses import replace

import pytest

from indexer.build import build_index
from indexer.config import SearchConfig
from indexer.live import LiveIndex
from indexer.search import SearchRequest, search

DOCS = 1500


@pytest.fixture(scope="module")
def big_searcher(tmp_path_factory):
    root = tmp_path_factory.mktemp("budget")
    corpus = root / "corpus"
    corpus.mkdir()
    for n in range(DOCS):
        (corpus / f"harvest-{n:04d}.txt").write_text(
            f"Harvest report {n}\n\nFarmers in district {n} brought in the rice harvest early"
            f" after a dry autumn, and the cooperative expects prices near {n % 97} cents.\n"
        )
    build_index(corpus, root / "ix")
    return LiveIndex(root / "ix").searcher()


def test_a_search_within_budget_is_complete(big_searcher):
    for q in ("harvest", '"rice harvest"'):
        response = search(big_searcher, SearchRequest(q), SearchConfig())
        assert response.total == DOCS
        assert not any("ran out of time" in n for n in response.notices)


def test_a_search_over_budget_returns_partial_results_and_says_so(big_searcher):
    # Word scores are vector operations; a phrase checks positions document by document,
    # and 1,500 of them take several milliseconds: a 1 ms budget cannot cover it.
    response = search(
        big_searcher, SearchRequest('"rice harvest"'), replace(SearchConfig(), time_budget_ms=1)
    )
    assert any("ran out of time" in n for n in response.notices)
    assert response.total < DOCS
    assert response.suggestion is None  # no extra work once the budget is spent
