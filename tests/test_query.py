"""The query language: every construct, and malformed input that must never raise."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from test_search_support import LIMITS, searcher  # noqa: F401

from indexer.query import describe, parse
from indexer.search import SearchRequest, search

MALFORMED = [
    '"unbalanced quote',
    'korea "',
    "-",
    " - - ",
    "title:",
    "title: korea",
    "source:",
    "((",
    "))",
    "(korea",
    "korea)",
    "OR",
    "korea OR",
    "OR korea",
    "AND NOT OR",
    "NOT",
    "*",
    "korea**",
    "-*",
    "foo:bar:baz",
    "\x00korea\x00",
    "\x01\x02\x1f\x7f",
    "korea\u200b china",
    "(" * 5000,
    ")" * 5000,
    "korea " * 1000,
    "x" * 5000,
    '"' * 3001,
    "title:(" * 500,
]


@pytest.mark.parametrize(
    "q, parsed",
    [
        ("korea china", "korea AND china"),
        ("Korea CHINA", "korea AND china"),
        ('"trilateral summit"', '"trilateral summit"'),
        ("korea -japan", "korea NOT japan"),
        ("korea china -japan", "(korea AND china) NOT japan"),
        ("korea OR japan", "korea OR japan"),
        ("(korea OR japan) summit", "(korea OR japan) AND summit"),
        ("title:moon", "title:moon"),
        ('title:"south korea"', 'title:"south korea"'),
        ("title:(xi moon)", "title:xi AND title:moon"),
        ("source:reuters", "source:reuters"),
        ("kor*", "kor*"),
        ("korea AND china", "korea AND china"),
        ("korea NOT japan", "korea NOT japan"),
        ("foo:bar", "foo AND bar"),
        ("shock-sound", "shock AND sound"),
        ('korea "unclosed phrase', "korea AND unclosed AND phrase"),
        ("title: korea", "title:korea"),
        ("korea title:", "korea AND title"),
    ],
)
def test_constructs_are_understood(q, parsed):
    assert describe(parse(q)) == parsed


@pytest.mark.parametrize("q", ["", "   ", "-", "((", "OR", "NOT", "!!!", "\x00"])
def test_nothing_searchable_parses_to_none(q):
    assert parse(q) is None


@pytest.mark.parametrize(
    ("q", "parsed"), [("title:", "title"), ("korea source:", "korea AND source")]
)
def test_a_field_name_with_nothing_after_it_is_a_word(q, parsed):
    assert describe(parse(q)) == parsed


@pytest.mark.parametrize("q", MALFORMED)
def test_malformed_queries_never_raise(searcher, q):  # noqa: F811
    response = search(searcher, SearchRequest(q), LIMITS)
    assert response.total >= 0
    assert all(h.snippet is not None for h in response.results)


@settings(max_examples=200, deadline=None)
@given(
    st.text(alphabet=st.sampled_from(list('ab "()-*:OR AND NOT title source \x00x')), max_size=60)
)
def test_parse_never_raises_on_operator_soup(q):
    describe(parse(q))


@settings(max_examples=100, deadline=None)
@given(st.text(max_size=200))
def test_parse_never_raises_on_any_text(q):
    describe(parse(q))


def ids(response):
    return {h.source for h in response.results}


def test_phrase_needs_its_words_together_in_order(searcher):  # noqa: F811
    assert search(searcher, SearchRequest('"trilateral summit"'), LIMITS).total > 0
    assert search(searcher, SearchRequest("summit trilateral"), LIMITS).total > 0
    assert search(searcher, SearchRequest('"summit trilateral"'), LIMITS).total == 0


def test_exclusion_removes_documents(searcher):  # noqa: F811
    with_word = search(searcher, SearchRequest("korea"), LIMITS)
    without = search(searcher, SearchRequest("korea -trilateral"), LIMITS)
    trilateral = search(searcher, SearchRequest("trilateral"), LIMITS)
    assert without.total == with_word.total - len(ids(trilateral) & ids(with_word))
    assert not ids(without) & ids(trilateral)


def test_or_is_the_union(searcher):  # noqa: F811
    a = search(searcher, SearchRequest("zorblax"), LIMITS)
    b = search(searcher, SearchRequest("glorptastic"), LIMITS)
    both = search(searcher, SearchRequest("zorblax OR glorptastic"), LIMITS)
    assert ids(both) == ids(a) | ids(b) and len(ids(both)) == 2


def test_title_field_restricts_to_titles(searcher):  # noqa: F811
    anywhere = search(searcher, SearchRequest("moon"), LIMITS)
    in_title = search(searcher, SearchRequest("title:moon"), LIMITS)
    assert 0 < in_title.total < anywhere.total
    assert all("moon" in h.title.lower() for h in in_title.results)


def test_source_field_matches_path_words(searcher):  # noqa: F811
    response = search(searcher, SearchRequest("source:zz_script.txt"), LIMITS)
    assert ids(response) == {"zz_script.txt"}
    response = search(searcher, SearchRequest("summit source:zz_script"), LIMITS)
    assert ids(response) == {"zz_script.txt"}


def test_prefix_expands_and_is_capped(searcher):  # noqa: F811
    response = search(searcher, SearchRequest("zorbl*"), LIMITS)
    assert ids(response) == {"zz_script.txt"}
    assert "<mark>zorblax</mark>" in response.results[0].snippet.lower()
    capped = search(searcher, SearchRequest("s*"), LIMITS.__class__(max_prefix_terms=2))
    assert capped.total > 0
    assert any("limited" in n for n in capped.notices)
    assert not any("limited" in n for n in response.notices)


def test_parentheses_group(searcher):  # noqa: F811
    grouped = search(searcher, SearchRequest("(zorblax OR glorptastic) committee"), LIMITS)
    assert ids(grouped) == {"zz_script.txt"}


def test_operators_in_shouted_prose_are_words():
    prose = "SURVEYS OF LIBRARIES WHICH ARE NOT BACKED UP BY FUNDS OR STAFF"
    assert "NOT" not in describe(parse(prose)) and " OR " not in describe(parse(prose))
    assert describe(parse("KOREA OR JAPAN")) == "korea OR japan"
    assert describe(parse("summit NOT japan")) == "summit NOT japan"
