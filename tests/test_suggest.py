"""Did-you-mean suggests only what helps: each regression seen, over a real index.

The index holds the real seeds plus one real news page whose words ("trump", "some", "loss",
"joint", "time", "quo", "to") made the suggestions that were seen go wrong.
"""

from __future__ import annotations

import pytest
from seed_index import seed_searcher

from indexer import suggest as suggest_module
from indexer.backends.whoosh import WhooshBackend
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


def test_the_popular_words_shortcut_respells_as_the_full_scan(tmp_path):
    """Known rare words: _popular's short list gives the correction every one-edit word gives,
    on 1,500 real Reuters stories (enough for words in MORE_POPULAR or more documents)."""
    import re
    import time

    from perf import load_stories, write_corpus
    from shared_data import SHARED_DATA, require_shared

    from indexer.build import build_index
    from indexer.evaluate import Evaluator
    from indexer.live import LiveIndex

    require_shared("reuters21578")
    stories = load_stories(SHARED_DATA / "reuters21578" / "reuters21578.jsonl.gz")[:1500]
    write_corpus(stories, tmp_path / "corpus")
    build_index(tmp_path / "corpus", tmp_path / "index")
    searcher = LiveIndex(tmp_path / "index").searcher()
    reader = searcher.reader()
    known = suggest_module._KnownFrequencies(
        reader, Evaluator(searcher, time.monotonic() + 60).arrays
    )
    assert suggest_module._popular_words(known).by_length  # the shortcut has words to offer
    common = suggest_module.KNOWN_MAX_SHARE * reader.doc_count()
    words = {t for leaf, _ in reader.leaf_readers() for t in leaf.lexicon("body_exact")}
    checked = corrected = 0
    for word in sorted(w.decode() for w in words):
        count = suggest_module._frequency(known, word)
        if not re.fullmatch("[a-z]{6,32}", word) or count > common:
            continue
        full = suggest_module._correction(known, word, count)
        assert (
            suggest_module._correction(known, word, count, popular=suggest_module._popular) == full
        )
        checked += 1
        corrected += full is not None
    assert checked > 1000 and corrected > 0, (checked, corrected)


def test_a_warmed_parent_holds_every_term_list_workers_would_read(seed_index, tmp_path):
    # serve warms the backend before it forks, so the workers share these pages.
    backend = WhooshBackend(seed_index)
    suggest_module._TERMS.clear()
    suggest_module._POPULAR.clear()
    backend.warm()
    leaves = backend.live.searcher().reader().leaf_readers()
    segments = [leaf.segment().segment_id() for leaf, _ in leaves]
    assert segments
    fields = suggest_module.EXACT_FIELDS
    assert set(suggest_module._TERMS) == {(s, name) for s in segments for name in fields}
    assert len(suggest_module._POPULAR) == 1
    WhooshBackend(tmp_path / "no-index-here").warm()  # nothing to warm is no error
