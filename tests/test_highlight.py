"""Snippets: fragments joined with one ellipsis between them; matches found as the index
finds them; and, over the real seeds and Reuters stories, fragments that are whole sentences
(cut only with an ellipsis when a sentence is too long), escaped, with matches in <mark>."""

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
from indexer.highlight import Matcher  # noqa: E402

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


# --- fragments over real files: whole sentences, cut only with an ellipsis --------------------

import gzip  # noqa: E402
import json  # noqa: E402
from html import unescape  # noqa: E402

import pytest  # noqa: E402
from shared_data import require_shared  # noqa: E402

from indexer.clean import clean_bytes, clean_file  # noqa: E402
from indexer.highlight import MAX_FRAGMENT_CHARS, fragments, opening  # noqa: E402
from indexer.query import parse  # noqa: E402
from indexer.sentences import sentence_spans  # noqa: E402


@pytest.fixture(scope="module")
def seed_texts(seeds) -> dict[str, str]:
    """Each seed's cleaned text (what the index stores), by its number ("003")."""
    return {p.name[:3]: clean_file(p, p.name).text for p in sorted(seeds.iterdir())}


def frags(text: str, q: str) -> list[str]:
    return fragments(text, Matcher.for_query(parse(q)))


def plain(fragment: str) -> str:
    return unescape(fragment.replace("<mark>", "").replace("</mark>", ""))


@pytest.mark.parametrize(
    "seed, q, first, last",
    [
        # The cuts: "travel to Seoul from Nov. …", "relations that U.S. …",
        # "in Beijing, Sept. …", and a fragment starting "allies Japan and South Korea have".
        (
            "003",
            "Seoul",
            "Wang will subsequently travel to <mark>Seoul</mark> from Nov. 25-27",
            "said.",
        ),
        ("003", "uncertainty", "President Donald Trump’s election loss", "concern for both."),
        (
            "002",
            "toast",
            "Chinese President Xi Jinping makes a <mark>toast</mark>",
            "Sept. 28, 2023.",
        ),
        (
            "004",
            "ASIAD",
            "According to the South Korean Prime Minister's Office, Mr. Han",
            "(<mark>ASIAD</mark>).",
        ),
    ],
)
def test_fragment_is_the_whole_sentence_around_abbreviations(seed_texts, seed, q, first, last):
    (fragment,) = [f for f in frags(seed_texts[seed], q) if f.startswith(first)]
    assert fragment.endswith(last)
    assert "…" not in fragment


def test_long_sentence_starts_at_its_start_when_the_match_is_near_it(seed_texts):
    text = seed_texts["001"]  # one 400-character sentence
    (early,) = frags(text, "reschedule")
    assert early.startswith("In a late night 40-minute discussion") and early.endswith(" …")
    (late,) = frags(text, "spokesman")
    assert late.startswith("… ") and late.endswith("presidential Blue House in Seoul.")
    for fragment in (early, late):
        assert len(plain(fragment).strip(" …")) <= MAX_FRAGMENT_CHARS


def test_match_past_the_whoosh_highlighter_limit_gets_its_whole_sentence(seed_texts):
    # Whoosh's highlighter reads only the first 32,768 characters; these snippets read it all.
    head = "\n".join(seed_texts[n] for n in ("000", "001", "002", "004")) * 2
    assert len(head) > 32_768 and "Motegi" not in head
    (fragment,) = frags(head + "\n" + seed_texts["003"], "Motegi")
    assert fragment.startswith("Foreign Minister Wang Yi will visit Japan from Nov. 24-25")
    assert fragment.endswith("Toshimitsu <mark>Motegi</mark>.")


def test_opening_ends_at_a_sentence_end(seed_texts):
    for text in seed_texts.values():
        head = opening(text)
        ends = {e for _, e in sentence_spans(text)}
        assert text.startswith(head.removesuffix(" …"))
        assert head.endswith(" …") or len(unescape(head)) in ends


@pytest.fixture(scope="module")
def reuters_texts() -> list[str]:
    """300 Reuters stories, cleaned as `bench/perf.py` writes them (some hold "<BAC>")."""
    path = require_shared("reuters21578", "reuters21578.jsonl.gz")
    with gzip.open(path, "rt", encoding="utf-8") as handle:
        stories = [json.loads(line) for _, line in zip(range(300), handle, strict=False)]
    return [
        clean_bytes(f"{s['title']}\n\n{s['body']}\n".encode(), s["id"] + ".txt").text
        for s in stories
    ]


def assert_fragments_are_sentences(text: str, q: str) -> None:
    spans = sentence_spans(text)
    starts, ends = {s for s, _ in spans}, {e for _, e in spans}
    for fragment in frags(text, q):
        assert "<mark>" in fragment
        assert "<" not in fragment.replace("<mark>", "").replace("</mark>", ""), fragment
        core = plain(fragment).removeprefix("… ").removesuffix(" …")
        assert len(core) <= MAX_FRAGMENT_CHARS
        at = text.index(core)
        assert fragment.startswith("… ") or at in starts, (q, fragment)
        assert fragment.endswith(" …") or at + len(core) in ends, (q, fragment)


def query_words(text: str) -> list[str]:
    """Three of the text's longer words, from its start, middle and end."""
    long = [w for w in text.split() if w.isalpha() and len(w) > 5]
    return [long[0], long[len(long) // 2], long[-1]] if long else []


def test_seed_fragments_are_sentences_or_cut_with_an_ellipsis(seed_texts):
    for text in seed_texts.values():
        for word in query_words(text):
            assert_fragments_are_sentences(text, word)
        assert_fragments_are_sentences(text, " ".join(query_words(text)))


def test_reuters_fragments_are_sentences_or_cut_with_an_ellipsis(reuters_texts):
    checked = 0
    for text in reuters_texts:
        words_ = query_words(text)
        if words_:
            assert_fragments_are_sentences(text, " OR ".join(words_))
            checked += 1
    assert checked > 250
