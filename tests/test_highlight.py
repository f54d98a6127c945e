"""Snippet assembly: fragments are joined with exactly one ellipsis between them."""

from indexer.highlight import join_fragments


def test_one_ellipsis_between_fragments_that_already_carry_one():
    assert join_fragments(["a <mark>b</mark> …", "… c d …", "… e"]) == "a <mark>b</mark> … c d … e"


def test_outer_ellipses_are_kept_and_missing_ones_added():
    assert join_fragments(["… a", "b …"]) == "… a … b …"
    assert join_fragments(["whole sentence."]) == "whole sentence."
    assert join_fragments([]) == ""


# --- spans() against the plain definition: tokenise, lowercase, compare, stem ---------------

from hypothesis import given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402

from indexer.analysis import STOPWORDS, stem, words  # noqa: E402
from indexer.highlight import Matcher, sentences  # noqa: E402

VOCAB = [
    "Korea",
    "korean",
    "U.S",
    "u.s.",
    "3.5",
    "net",
    "cabinet",
    "nets",
    "Dying",
    "die",
    "happy",
    "aging",
    "capability",
    "relational",
    "skies",
    "happiness",
    "the",
    "of",
    "Xi's",
    "İstanbul",
    "naïve",
    "_x",
    "loss",
    "losses",
]
SEPARATORS = [" ", ". ", ", ", ".", "-", "\n", "'", '" ', "! ", "...", "  "]


@settings(max_examples=300, deadline=None)
@given(
    st.lists(st.tuples(st.sampled_from(VOCAB), st.sampled_from(SEPARATORS)), max_size=30),
    st.sets(st.sampled_from(VOCAB)),
    st.sets(st.sampled_from(VOCAB)),
    st.sets(st.tuples(st.sampled_from(VOCAB), st.sampled_from(VOCAB))),
    st.sets(st.sampled_from(["ko", "ne", "u", "3", "hap"])),
)
def test_spans_match_the_word_by_word_definition(pieces, stemmed, exact, phrases, prefixes):
    text = "".join(w + sep for w, sep in pieces)
    lower = {w: [t for t, _, _ in words(w)] for w in VOCAB}
    m = Matcher(
        stems={stem(t) for w in stemmed for t in lower[w] if t not in STOPWORDS},
        exact={t for w in exact for t in lower[w]},
        phrases={tuple(lower[a] + lower[b]) for a, b in phrases},
        prefixes=tuple(sorted(prefixes)),
    )
    assert m.spans(text) == m.spans_by_word(text)


@settings(max_examples=200, deadline=None)
@given(st.lists(st.tuples(st.sampled_from(VOCAB), st.sampled_from(SEPARATORS)), max_size=30))
def test_sentences_end_at_stops_and_line_breaks(pieces):
    text = "".join(w + sep for w, sep in pieces)
    import re

    ends = re.compile(r"(?<=[.!?])[\"'”’)\]]*\s+|\n+")  # the plain definition
    expected, start = [], 0
    for m in ends.finditer(text):
        if m.start() > start:
            expected.append((start, m.start()))
        start = m.end()
    if start < len(text):
        expected.append((start, len(text.rstrip())))
    assert sentences(text) == [(s, e) for s, e in expected if e > s]
