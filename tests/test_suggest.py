"""Did-you-mean suggests only what helps: each regression seen, over a real index.

The index holds the real seeds plus one real news page whose words ("trump", "some", "loss",
"joint", "time", "quo", "to") made the suggestions that were seen go wrong.
"""

from __future__ import annotations

import pytest
from seed_index import seed_searcher

from indexer import suggest as suggest_module
from indexer.config import SearchConfig
from indexer.search import SearchRequest, search

NEIGHBOUR_PAGE = """Markets weigh Trump trade talk

Some time ago Trump said the joint venture would report a loss, and the status quo held.

To the surprise of some analysts, the joint statement came on time.
"""
LIMITS = SearchConfig()


@pytest.fixture(scope="module")
def searcher(tmp_path_factory):
    pages = {"zz_neighbours.txt": NEIGHBOUR_PAGE}
    with seed_searcher(tmp_path_factory.mktemp("suggest"), pages) as s:
        yield s


def suggestion(searcher, q: str) -> str | None:
    return search(searcher, SearchRequest(q), LIMITS).suggestion


@pytest.mark.parametrize(
    "q",
    [
        "trust SCMP",  # was "trump some": an acronym, and a word one letter from another
        "Báo Quốc Tế",  # was "to quo to": not English
        "Lotus",  # was "loss": a name
        "Joined",  # was "joint": capitalised
        "title:",  # was "time:": field syntax
        "title:trsut",
        "denucl*",
    ],
)
def test_names_foreign_words_and_syntax_are_left_alone(searcher, q):
    assert suggestion(searcher, q) is None


def test_the_neighbours_are_really_in_the_index(searcher):
    # Without these the cases above would pass for want of a candidate.
    reader = searcher.reader()
    for word in ("trump", "some", "loss", "joint", "time", "quo"):
        assert reader.doc_frequency("body_exact", word) > 0, word


def test_a_short_unknown_word_gets_one_edit_at_most(searcher):
    # "lotus" is two edits from "loss" and "lots": too many for a five-letter word.
    assert suggest_module.max_edits("lotus") == 1
    assert suggestion(searcher, "lotus") is None


def test_words_the_index_knows_are_never_replaced(searcher):
    for q in ("trilateral summit", "joint venture", "status quo", "moon"):
        assert suggestion(searcher, q) is None, q


@pytest.mark.parametrize(
    ("typed", "fixed"),
    [
        ("trilaterl sumit", "trilateral summit"),
        ("souht korea", "south korea"),
        ("presdient moon", "president moon"),
        ("beijnig", "beijing"),
        ("allaince", "alliance"),  # a swap of two letters is one edit
    ],
)
def test_real_misspellings_are_corrected_and_find_more(searcher, typed, fixed):
    response = search(searcher, SearchRequest(typed), LIMITS)
    assert response.suggestion == fixed
    corrected = search(searcher, SearchRequest(fixed), LIMITS)
    assert corrected.total > 0 and not corrected.relaxed
    assert corrected.suggestion is None


def test_only_the_misspelt_word_changes_in_the_query(searcher):
    assert suggestion(searcher, 'Moon "Xi Jinping" presdient') == 'Moon "Xi Jinping" president'


def test_a_correction_that_finds_nothing_is_not_offered(searcher):
    # "beijnig" alone is corrected; beside a word no document holds, it would find nothing.
    assert suggestion(searcher, "beijnig zorblaxian") is None
