"""Analysis: NLTK tokens, stopwords (with the built-in fallback forced), cached stems, schema."""

from __future__ import annotations

from indexer import analysis
from indexer.analysis import exact_analyzer, stem, stem_terms, stemming_analyzer
from indexer.document import Document, Removed
from indexer.schema import build_schema, document_fields, stored_document
from indexer.stopwords import NLTK_ENGLISH as BUILTIN_STOPWORDS
from indexer.stopwords import nltk_english as load_stopwords


def texts(analyzer, text):
    return [t.text for t in analyzer(text)]


def test_stemming_analyzer_lowercases_drops_stopwords_and_stems():
    assert texts(stemming_analyzer(), "The Summits were RUNNING in Seoul") == [
        "summit",
        "run",
        "seoul",
    ]


def test_exact_analyzer_keeps_every_word_unstemmed():
    assert texts(exact_analyzer(), "The Summits were RUNNING") == [
        "the",
        "summits",
        "were",
        "running",
    ]


def test_numbers_and_abbreviations_are_not_mangled():
    assert texts(stemming_analyzer(), "U.S. growth of 3.5 percent") == [
        "u.s",
        "growth",
        "3.5",
        "percent",
    ]


def test_positions_and_offsets_follow_the_text():
    text = "Moon met Xi"
    tokens = [
        (t.text, t.pos, t.startchar, t.endchar)
        for t in exact_analyzer()(text, positions=True, chars=True)
    ]
    assert tokens == [("moon", 0, 0, 4), ("met", 1, 5, 8), ("xi", 2, 9, 11)]


def test_builtin_stopword_fallback_when_forced():
    forced = load_stopwords(use_nltk=False)
    assert forced is BUILTIN_STOPWORDS
    assert {"the", "and", "of", "s", "t"} <= forced
    assert "korea" not in forced
    # Whatever source is used, the active list is a real English list, not empty.
    assert {"the", "and"} <= analysis.STOPWORDS


def test_stems_are_cached():
    stem.cache_clear()
    assert stem("negotiations") == stem("negotiations") == "negoti"
    assert stem.cache_info().hits >= 1


def test_stem_terms_matches_the_index_analyzer():
    text = "Trilateral summits between China, Japan and South Korea"
    assert stem_terms(text) == texts(stemming_analyzer(), text)


def test_schema_round_trips_a_document():
    doc = Document(
        "abc", "a/b.txt", "Title", "2021-02-09", "Body line.\nSecond.", [Removed("x", "nav")]
    )
    fields = document_fields(doc)
    schema = build_schema()
    assert set(fields) <= set(schema.names())
    assert fields["year"] == "2021"
    stored = {k: v for k, v in fields.items() if schema[k].stored}
    assert stored_document(stored) == doc


def test_undated_untitled_document_has_no_date_fields():
    fields = document_fields(Document("x", "x.txt", None, None, "text"))
    assert "date" not in fields and "year" not in fields
    assert stored_document(
        {k: fields[k] for k in ("id", "source", "title", "text", "removed")}
    ) == (Document("x", "x.txt", None, None, "text"))
