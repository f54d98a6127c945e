"""search() end to end over a real index of the seeds: ranking modes, filters, facets, snippets."""

from __future__ import annotations

import re
from dataclasses import replace

import pytest
from test_search_support import LIMITS, searcher  # noqa: F401

from indexer import ranking
from indexer.analysis import stem, words
from indexer.highlight import highlight_text
from indexer.related import related
from indexer.search import BadRequest, SearchRequest, get_document, parse_request, search


def only_marks_are_markup(html: str) -> bool:
    return "<" not in html.replace("<mark>", "").replace("</mark>", "")


def stems_of(searcher, hit):  # noqa: F811
    doc = get_document(searcher, hit.id)
    return {stem(w) for w, _, _ in words(f"{doc.title or ''} {doc.text}")}


def test_short_query_requires_every_word(searcher):  # noqa: F811
    response = search(searcher, SearchRequest("moon trilateral"), LIMITS)
    assert response.total > 0 and not response.relaxed
    for hit in response.results:
        assert {"moon", "trilater"} <= stems_of(searcher, hit)
    for word in ("moon", "trilateral"):
        assert search(searcher, SearchRequest(word), LIMITS).total > response.total


def test_all_words_fall_back_to_any_word_with_a_notice(searcher):  # noqa: F811
    response = search(searcher, SearchRequest("zorblax glorptastic"), LIMITS)
    assert response.relaxed
    assert {h.source for h in response.results} == {"zz_script.txt", "zz_title_only.txt"}
    assert any("any of them" in n for n in response.notices)
    assert "OR" in response.parsed


def test_long_sentence_query_ranks_documents_holding_more_words_first(searcher):  # noqa: F811
    q = "what did xi jinping and moon jae-in agree about the trilateral summit and visits"
    response = search(searcher, SearchRequest(q), LIMITS)
    assert response.total > 0 and not response.relaxed
    assert response.parsed.startswith("any of:")
    assert response.total > search(searcher, SearchRequest("moon trilateral"), LIMITS).total
    assert {"xi", "moon", "jae", "agre", "visit"} <= stems_of(searcher, response.results[0])


def test_long_query_is_scored_whole_and_only_cut_past_max_query_chars(searcher):  # noqa: F811
    paragraph = (
        "China and South Korea held a trilateral summit with Japan in Seoul. " * 60
    ).strip()
    assert 2000 < len(paragraph) <= LIMITS.max_query_chars
    response = search(searcher, SearchRequest(paragraph), LIMITS)
    assert response.total > 0 and response.parsed.startswith("any of:")
    assert not response.notices  # nothing was cut
    tight = replace(LIMITS, max_query_chars=200)
    response = search(searcher, SearchRequest(paragraph + " zorblax"), tight)
    assert response.total > 0
    assert any("first 19" in n and "characters" in n for n in response.notices)
    assert "zorblax" not in response.parsed


def test_beyond_max_terms_distinct_words_the_most_distinctive_are_kept(searcher):  # noqa: F811
    tight = replace(LIMITS, max_terms=5)
    q = " ".join(f"word{i}" for i in range(10)) + " trilateral trilateral korea"
    response = search(searcher, SearchRequest(q), tight)
    assert any("12 different words" in n and "5 most distinctive" in n for n in response.notices)
    assert response.total > 0


def test_date_filters_are_inclusive(searcher):  # noqa: F811
    day = search(
        searcher, SearchRequest("korea", date_from="2023-10-01", date_to="2023-10-01"), LIMITS
    )
    assert [h.date for h in day.results] == ["2023-10-01"]
    after = search(searcher, SearchRequest("korea", date_from="2023-10-01"), LIMITS)
    assert sorted(h.date for h in after.results) == ["2023-10-01", "2023-10-02"]
    before = search(searcher, SearchRequest("korea", date_to="2021-12-31"), LIMITS)
    assert [h.date for h in before.results] == ["2021-02-09"]


def test_source_filter(searcher):  # noqa: F811
    response = search(searcher, SearchRequest("summit", source="zz_script.txt"), LIMITS)
    assert [h.source for h in response.results] == ["zz_script.txt"]
    assert response.facets["source"] == [("zz_script.txt", 1)]


def test_sort_newest_puts_dates_descending_and_undated_last(searcher):  # noqa: F811
    response = search(searcher, SearchRequest("korea", sort="newest"), LIMITS)
    dates = [h.date for h in response.results]
    dated = [d for d in dates if d]
    assert dated == sorted(dated, reverse=True) and len(dated) == 3
    assert dates[: len(dated)] == dated


def test_facets_count_the_whole_matching_set(searcher):  # noqa: F811
    response = search(searcher, SearchRequest("korea", per_page=1), LIMITS)
    assert len(response.results) == 1
    assert sum(n for _, n in response.facets["source"]) == response.total
    assert dict(response.facets["year"]) == {"2023": 2, "2021": 1}


def test_pages_do_not_overlap(searcher):  # noqa: F811
    first = search(searcher, SearchRequest("korea", per_page=2), LIMITS)
    second = search(searcher, SearchRequest("korea", page=2, per_page=2), LIMITS)
    assert first.total == second.total
    assert not {h.id for h in first.results} & {h.id for h in second.results}


def test_misspelt_query_gets_a_suggestion_that_finds_something(searcher):  # noqa: F811
    response = search(searcher, SearchRequest("trilaterl sumit"), LIMITS)
    assert response.suggestion is not None and "trilateral summit" in response.suggestion
    fixed = search(searcher, SearchRequest(response.suggestion), LIMITS)
    assert fixed.total > 0
    assert search(searcher, SearchRequest("trilateral summit"), LIMITS).suggestion is None


def test_phrase_is_marked_as_one_unit(searcher):  # noqa: F811
    response = search(searcher, SearchRequest('"South Korea" summit'), LIMITS)
    snippets = " ".join(h.snippet for h in response.results)
    assert re.search(r"<mark>South Korea</mark>", snippets)
    assert "<mark>South</mark>" not in snippets


def test_fragments_are_sentences_and_snippet_joins_them(searcher):  # noqa: F811
    response = search(searcher, SearchRequest("trilateral"), LIMITS)
    hit = response.results[0]
    assert 1 <= len(hit.fragments) <= 3
    assert hit.snippet == " … ".join(hit.fragments)
    doc = get_document(searcher, hit.id)
    for fragment in hit.fragments:
        plain = fragment.replace("<mark>", "").replace("</mark>", "").replace("&#x27;", "'")
        assert plain.replace("&amp;", "&") in doc.text


def test_markup_in_a_document_comes_out_as_text(searcher):  # noqa: F811
    response = search(searcher, SearchRequest("zorblax"), LIMITS)
    hit = response.results[0]
    assert "&lt;script&gt;" in hit.snippet
    assert only_marks_are_markup(hit.snippet)
    assert "<mark>zorblax</mark>" in hit.snippet.lower()
    page = highlight_text(get_document(searcher, hit.id).text, "zorblax script")
    assert only_marks_are_markup(page) and "&lt;<mark>script</mark>&gt;" in page


def test_markup_in_a_query_is_only_words(searcher):  # noqa: F811
    response = search(searcher, SearchRequest('<script>alert("x")</script> zorblax'), LIMITS)
    assert response.total >= 1
    for hit in response.results:
        assert only_marks_are_markup(hit.snippet)


def test_title_only_match_falls_back_to_the_opening(searcher):  # noqa: F811
    response = search(searcher, SearchRequest("glorptastic"), LIMITS)
    (hit,) = response.results
    assert "<mark>" not in hit.snippet
    assert hit.snippet.startswith("This opening sentence never repeats the headline word.")


def test_get_document_and_related(searcher):  # noqa: F811
    hit = search(searcher, SearchRequest("trilateral"), LIMITS).results[0]
    doc = get_document(searcher, hit.id)
    assert doc.id == hit.id and doc.source == hit.source and doc.text
    assert get_document(searcher, "no-such-id") is None
    similar = related(searcher, hit.id, n=3)
    assert 1 <= len(similar) <= 3 and hit.id not in {h.id for h in similar}
    assert related(searcher, "no-such-id") == []


def test_tiny_time_budget_still_answers(searcher):  # noqa: F811
    response = search(searcher, SearchRequest("korea china"), replace(LIMITS, time_budget_ms=1))
    assert response.total >= 0


@pytest.mark.parametrize(
    "params, code",
    [
        ({}, "missing_query"),
        ({"q": "  "}, "missing_query"),
        ({"q": "korea", "page": "0"}, "bad_page"),
        ({"q": "korea", "page": "x"}, "bad_page"),
        ({"q": "korea", "per_page": "0"}, "bad_per_page"),
        ({"q": "korea", "per_page": "101"}, "bad_per_page"),
        ({"q": "korea", "page": "11", "per_page": "100"}, "too_deep"),
        ({"q": "korea", "from": "2021-13-01"}, "bad_date"),
        ({"q": "korea", "to": "yesterday"}, "bad_date"),
        ({"q": "korea", "date_from": "2021-1-1"}, "bad_date"),
        ({"q": "korea", "sort": "oldest"}, "bad_sort"),
    ],
)
def test_bad_parameters_are_bad_requests(params, code):
    with pytest.raises(BadRequest) as err:
        parse_request(params, LIMITS)
    assert err.value.code == code


def test_good_parameters_parse():
    request = parse_request(
        {"q": "korea", "page": "2", "per_page": "5", "from": "2021-01-01", "sort": "newest"}, LIMITS
    )
    assert request == SearchRequest("korea", 2, 5, "2021-01-01", None, None, "newest")
    assert parse_request({"q": "korea"}, LIMITS) == SearchRequest("korea")


def test_search_validates_a_directly_built_request(searcher):  # noqa: F811
    with pytest.raises(BadRequest):
        search(searcher, SearchRequest("korea", page=0), LIMITS)


def test_feedback_only_for_long_queries(searcher, monkeypatch):  # noqa: F811
    from indexer import feedback

    calls = []
    real = feedback.expand

    def spy(*args, **kwargs):
        calls.append(args)
        return real(*args, **kwargs)

    monkeypatch.setattr(feedback, "expand", spy)
    # Keyword queries (up to ranking.PARAMS.keyword_terms = 3 words) never get feedback.
    for q in ("moon", "moon trilateral", "xi moon trilateral", "zorblax glorptastic"):
        response = search(searcher, SearchRequest(q), LIMITS)
        assert not response.parsed.startswith("any of")
    assert calls == []
    q = "what did xi jinping and moon jae-in agree about the trilateral summit and visits"
    search(searcher, SearchRequest(q), LIMITS)
    assert len(calls) == 1


def test_feedback_reranks_but_never_adds_matches(searcher, monkeypatch):  # noqa: F811
    from indexer import feedback

    q = "what did xi jinping and moon jae-in agree about the trilateral summit and visits"
    expanded = search(searcher, SearchRequest(q, per_page=100), LIMITS)
    monkeypatch.setattr(feedback, "expand", lambda s, query, *a, **k: query)
    plain = search(searcher, SearchRequest(q, per_page=100), LIMITS)
    assert expanded.total == plain.total
    assert {h.id for h in expanded.results} == {h.id for h in plain.results}


def test_two_word_query_ranks_all_word_matches_only(searcher):  # noqa: F811
    both = search(searcher, SearchRequest("trilateral summit"), LIMITS)
    assert both.total > 0 and not both.relaxed
    one = search(searcher, SearchRequest("summit"), LIMITS)
    assert one.total >= both.total
    for hit in both.results:
        assert {"trilater", "summit"} <= stems_of(searcher, hit)


def test_a_repeated_word_counts_as_query_term_frequency(searcher):  # noqa: F811
    base = "trilateral summit seoul beijing tokyo leaders"
    once = search(searcher, SearchRequest(base), LIMITS)
    twice = search(searcher, SearchRequest(base + " trilateral trilaterals"), LIMITS)
    assert once.total == twice.total
    assert "trilateral OR summit" in twice.parsed and twice.parsed.count("trilateral") == 1
    trilateral = {h.id for h in search(searcher, SearchRequest("trilateral"), LIMITS).results}
    shared = [h for h in twice.results if h.id in trilateral]
    # Counted three times, the word's documents gain more than the others.
    gain = {h.id: h.score for h in twice.results}
    before = {h.id: h.score for h in once.results}
    assert shared and all(gain[h.id] > before.get(h.id, 0) for h in shared)


def test_repeats_saturate_as_bm25s_query_term_frequency():
    # (k3 + 1)·n/(k3 + n): a word written once weighs 1, each repeat adds less, never past k3 + 1.
    weights = [ranking.qtf_weight(n) for n in (1, 2, 3, 10, 1000)]
    assert weights[0] == 1.0 and weights == sorted(set(weights))
    assert weights[-1] < ranking.PARAMS.qtf_k3 + 1
