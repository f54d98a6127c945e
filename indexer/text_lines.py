"""A block of text as a line: its words, comparison key and kind; the document's language."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from indexer.dates import find_date
from indexer.lang import WORD, language
from indexer.stopwords import english, foreign

if TYPE_CHECKING:
    from indexer.line_rules import Context

_CJK = re.compile(r"[\u3040-\u30ff\u3400-\u9fff\uac00-\ud7af]")
SENTENCE_END = frozenset(".!?…:;\"'”’»)]")


@dataclass
class Block:
    """One line of text with what the page says about it (HTML fills the hints)."""

    text: str
    link: float = 0.0  # share of the characters inside links
    boiler: str | None = None  # why the page structure marks it as chrome
    heading: bool = False
    main: bool = False  # inside the element the page marks as the article body
    item: bool = False  # a list item or a table row


@dataclass
class Line:
    text: str
    words: list[str]
    block: Block
    kind: str = "short"  # good | near | short | chrome
    reason: str = ""
    key: str = ""
    across: bool = False  # dropped because other documents of the corpus print it too
    # A later copy of a line of this document: what its kind is, without the first copy, is
    # only worked out (with this context) when that copy was not kept.
    copy_ctx: Context | None = None


def _cjk_words(run: str) -> list[str]:
    if not _CJK.search(run):
        return [run]
    return [run[i : i + 2] for i in range(0, len(run), 2)]


def normalise_key(text: str) -> str:
    """Compare lines by their words only, lower-cased (for duplicates and repetition)."""
    return " ".join(WORD.findall(text.lower()))


def make_lines(blocks: Sequence[Block]) -> list[Line]:
    """One line per block with text: whitespace collapsed, words and comparison key."""
    lines: list[Line] = []
    for block in blocks:
        text = " ".join(block.text.split())
        if text:
            words = WORD.findall(text.lower())
            key = " ".join(words)
            if not text.isascii() and _CJK.search(text):
                # Chinese and Japanese write no spaces: count about two characters as a word.
                words = [c for w in words for c in _cjk_words(w)]
            lines.append(Line(text, words, block, key=key))
    return lines


def doc_language(lines: list[Line], stop: frozenset[str]) -> str | None:
    """The main language: the one most words of the longer lines are written in."""
    words = hits = 0
    for line in lines:
        if len(line.words) >= 6:
            words += len(line.words)
            hits += len(list(filter(stop.__contains__, line.words)))
    # English text runs at 40-50% function words; 20% means English dominates.
    if words and hits >= 0.2 * words:
        return "en"
    votes: dict[str, int] = {}
    for line in lines:
        if len(line.words) >= 6:
            code = language(line.text, line.words)
            if code:
                votes[code] = votes.get(code, 0) + len(line.words)
    return max(votes, key=votes.__getitem__) if votes else None


def stopwords_for(doc_lang: str | None) -> frozenset[str]:
    """The document language's function words (none known: length alone decides)."""
    return english() if doc_lang == "en" else foreign().get(doc_lang or "", frozenset())


def stop_ratio(words: list[str], stop: frozenset[str]) -> float:
    return len(list(filter(stop.__contains__, words))) / len(words) if words else 0.0


def is_dateline(text: str) -> bool:
    """A short line that opens with a date ("Published Nov 18, 2019 at 4:07 PM")."""
    found = find_date(text[:60], False)
    return found is not None and found[1] <= 25


def is_data_row(words: list[str]) -> bool:
    if len(words) < 3:
        return False  # most lines tested are menu items: skip the count
    figures = sum(map(str.isdigit, words))
    return figures >= 2 and figures * 3 >= len(words)
