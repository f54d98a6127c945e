"""Sentence boundaries over the real seeds and Reuters stories: abbreviations ("Nov.", "U.S.",
"Mr."), initials, decimals and ellipses do not end a sentence, and a sentence after them starts
at its first word, not mid-sentence."""

from __future__ import annotations

import gzip
import json
import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from shared_data import require_shared

from indexer.clean import clean_bytes, clean_file
from indexer.sentences import SENTENCE_STARTERS, sentence_spans

# A sentence never ends with a month or title abbreviation when more of it follows.
NEVER_LAST = re.compile(r"(?:^|\s)(?:Jan|Feb|Aug|Sept?|Oct|Nov|Dec|Mr|Mrs|Ms|Dr|Gen|Sen|Rep)\.$")


@pytest.fixture(scope="module")
def seed_texts(seeds) -> dict[str, str]:
    """Each seed's cleaned text (what the index stores), by its number ("003")."""
    return {p.name[:3]: clean_file(p, p.name).text for p in sorted(seeds.iterdir())}


@pytest.fixture(scope="module")
def reuters_texts() -> list[str]:
    """The first 600 Reuters stories, cleaned as `bench/perf.py` writes them."""
    path = require_shared("reuters21578", "reuters21578.jsonl.gz")
    with gzip.open(path, "rt", encoding="utf-8") as handle:
        stories = [json.loads(line) for _, line in zip(range(600), handle, strict=False)]
    return [
        clean_bytes(f"{s['title']}\n\n{s['body']}\n".encode(), s["id"] + ".txt").text
        for s in stories
    ]


def sentences_of(text: str) -> list[str]:
    return [text[s:e] for s, e in sentence_spans(text)]


def sentence_with(text: str, phrase: str) -> str:
    at = text.index(phrase)
    (sentence,) = [text[s:e] for s, e in sentence_spans(text) if s <= at < e]
    return sentence


def inner_pairs(text: str) -> list[tuple[str, str]]:
    """(sentence, next sentence) for each two in the same paragraph."""
    spans = sentence_spans(text)
    return [
        (text[s:e], text[s2:e2])
        for (s, e), (s2, e2) in zip(spans, spans[1:], strict=False)
        if "\n" not in text[e:s2]
    ]


@pytest.mark.parametrize(
    "seed, phrase, first, last",
    [
        ("003", "Seoul from Nov. 25-27", "Wang will subsequently travel", "Foreign Affairs said."),
        ("003", "Japan from Nov. 24-25", "Foreign Minister Wang Yi will", "Toshimitsu Motegi."),
        (
            "003",
            "relations that U.S. allies",
            "President Donald Trump’s",
            "security concern for both.",
        ),
        ("003", "to U.S. Secretary of State", "Since taking office", "trade and data security."),
        ("002", "in Beijing, Sept. 28", "Chinese President Xi Jinping makes", "Sept. 28, 2023."),
        ("002", "Hangzhou Sept. 23, Xi", "During his meeting with", "if it happens."),
        (
            "002",
            "former U.S. assistant",
            '"The real catalyst for the restart',
            "told VOA by phone.",
        ),
        ("004", "Mr. Han Duck Soo and Mr. Xi", "According to the South Korean", "Games (ASIAD)."),
    ],
)
def test_abbreviations_in_the_seeds_stay_inside_their_sentence(
    seed_texts, seed, phrase, first, last
):
    sentence = sentence_with(seed_texts[seed], phrase)
    assert sentence.startswith(first) and sentence.endswith(last)


def test_abbreviation_before_a_sentence_starter_ends_the_sentence(seed_texts):
    # "... Tokyo's only formal military ally, the U.S. Since taking office in September, ..."
    pairs = inner_pairs(seed_texts["003"])
    assert any(
        a.endswith("military ally, the U.S.") and b.startswith("Since taking office")
        for a, b in pairs
    )


def test_every_seed_sentence_starts_like_one(seed_texts):
    for text in seed_texts.values():
        for before, sentence in inner_pairs(text):
            assert re.match(r"[\"'“‘(]?[A-Z0-9]", sentence), (before, sentence)
            assert not NEVER_LAST.search(before), (before, sentence)


def test_reuters_sentences_start_like_sentences(reuters_texts):
    pairs = [pair for text in reuters_texts for pair in inner_pairs(text)]
    assert len(pairs) > 100
    for before, sentence in pairs:
        assert not sentence[:1].islower(), (before, sentence)
        assert not NEVER_LAST.search(before), (before, sentence)
    # "U.S." comes 183 times in these stories; it ends a sentence only before a sentence starter.
    after_us = [b.split()[0] for a, b in pairs if a.endswith(" U.S.")]
    assert all(w.lower() in SENTENCE_STARTERS for w in after_us), after_us
    assert sum(t.count("U.S. ") for t in reuters_texts) > 150


def test_reuters_story_keeps_its_quoted_sentence_and_closing_quote(reuters_texts):
    text = next(t for t in reuters_texts if '"The circumstances at the time' in t)
    sentence = sentence_with(text, "The circumstances at the time")
    assert sentence.startswith('"The circumstances at the time will determine what we do,"')
    assert sentence.endswith("after it receives SEC approval.")


@pytest.mark.parametrize(
    "text, expected",
    [
        ("Profit rose 3.5 pct. The bank said so.", ["Profit rose 3.5 pct.", "The bank said so."]),
        ("J. Smith met George W. Bush. He left.", ["J. Smith met George W. Bush.", "He left."]),
        ("He chose plan B. The plan was the best.", ["He chose plan B.", "The plan was the best."]),
        (
            "It paused... and went on. Then it ended.",
            ["It paused... and went on.", "Then it ended."],
        ),
        ("Wait… The vote is in.", ["Wait…", "The vote is in."]),
        ('"We won." He smiled.', ['"We won."', "He smiled."]),
        ('"No finance?" she said. Done!', ['"No finance?" she said.', "Done!"]),
        (
            "Acme Inc. and Foo Corp. merged.\nNext line",
            ["Acme Inc. and Foo Corp. merged.", "Next line"],
        ),
        ("Talks on Jan. 5 at 10 a.m. Tokyo time.", ["Talks on Jan. 5 at 10 a.m. Tokyo time."]),
        # From Reuters stories: compounds, bracketed names, starters with an apostrophe.
        ("with <E.B. Michaels Research> to go.", ["with <E.B. Michaels Research> to go."]),
        ("the Japan-U.S. Trade axis.", ["the Japan-U.S. Trade axis."]),
        (
            "Cranston (D-Cal.) and Evans (R-Wash.) said.",
            ["Cranston (D-Cal.) and Evans (R-Wash.) said."],
        ),
        (
            'Kidder Peabody and Co. "They\'re committed."',
            ["Kidder Peabody and Co.", '"They\'re committed."'],
        ),
        ("some limits.... It's political.", ["some limits....", "It's political."]),
    ],
)
def test_initials_decimals_ellipses_quotes(text, expected):
    assert sentences_of(text) == expected


PIECES = ["Korea", "U.S.", "Nov.", "Mr.", "J.", "3.5", "said", "The", "the", "...", "…", "pct."]
SEPARATORS = [" ", ". ", ", ", "\n", '." ', "! ", "? ", "  ", " (", ") "]


@settings(max_examples=300, deadline=None)
@given(st.lists(st.tuples(st.sampled_from(PIECES), st.sampled_from(SEPARATORS)), max_size=40))
def test_sentences_cover_the_text_and_end_only_at_stops_or_lines(pieces):
    text = "".join(w + sep for w, sep in pieces)
    spans = sentence_spans(text)
    # In order, trimmed, nothing lost: the sentences hold every non-space character.
    assert all(text[s:e] == text[s:e].strip() and e > s for s, e in spans)
    assert all(e <= s2 for (_, e), (s2, _) in zip(spans, spans[1:], strict=False))
    assert "".join(text[s:e] for s, e in spans).replace(" ", "").replace("\n", "") == (
        text.replace(" ", "").replace("\n", "")
    )
    for (s, e), (s2, _) in zip(spans, spans[1:], strict=False):
        assert "\n" in text[e:s2] or re.search(r"[.!?…][\"'”’)\]»]*$", text[s:e])
    # Splitting one line gives that line's sentences of the whole text.
    lo = text.find("\n") + 1
    hi = text.find("\n", lo)
    hi = len(text) if hi == -1 else hi
    assert sentence_spans(text, lo, hi) == [(s, e) for s, e in spans if lo <= s and e <= hi]
