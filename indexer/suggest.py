"""“Did you mean”: respell words the index has never seen, from the index's own vocabulary."""

from __future__ import annotations

import re
from bisect import bisect_left

from whoosh import query as wq
from whoosh.codec.base import Automata
from whoosh.spelling import ReaderCorrector

from .analysis import STOPWORDS
from .query import Compiler, Node, Word, positive_words

MAX_DISTANCE = 2
# Longer "words" are not misspellings (no real word is this long), and the Levenshtein
# automaton of a 2,000-letter word takes seconds to build: a one-request denial of service.
MAX_WORD_CHARS = 32


class _TermCursor:
    """Whoosh's term-cursor protocol over an in-memory sorted term list (bisect, no file seeks)."""

    def __init__(self, terms: list[str]):
        self.terms, self.i = terms, 0

    def text(self) -> str | None:
        return self.terms[self.i] if self.i < len(self.terms) else None

    def find(self, term: str) -> str | None:
        self.i = bisect_left(self.terms, term)
        return self.text()


# (segment id, field) -> the segment's terms, sorted. A segment never changes once written, and
# generations share segments, so the lists outlive searchers; the oldest are dropped.
_TERMS: dict[tuple[str, str], list[str]] = {}
_TERMS_MAX = 32


def _segment_terms(leaf, name: str) -> list[str]:
    segment = leaf.segment()
    key = (segment.segment_id(), name) if segment is not None else (str(id(leaf)), name)
    terms = _TERMS.get(key)
    if terms is None:
        # Code-point order is UTF-8 byte order: the order of Whoosh's term table.
        terms = sorted(leaf.field_terms(name)) if name in leaf.indexed_field_names() else []
        while len(_TERMS) >= _TERMS_MAX:
            _TERMS.pop(next(iter(_TERMS)), None)
        _TERMS[key] = terms
    return terms


class _SegmentCorrector(ReaderCorrector):
    """Whoosh's ReaderCorrector with its Levenshtein automaton walked per segment in memory.

    Whoosh walks a segment's DFA with a file seek per step (~250 ms a word at 2,000 documents),
    and on a multi-segment reader (any index after an incremental build) falls back to an
    edit distance against every term. Same automaton, same terms, same ranking; the segment's
    sorted term list is read once.
    """

    def _suggestions(self, text, maxdist, prefix):
        reader = self.reader
        name = self.fieldobj.spelling_fieldname(self.fieldname)
        dfa = Automata.levenshtein_dfa(text, maxdist, prefix)
        seen = set()
        for leaf, _ in reader.leaf_readers():
            for sug in Automata.find_matches(dfa, _TermCursor(_segment_terms(leaf, name))):
                if sug not in seen:
                    seen.add(sug)
                    f = reader.frequency(self.fieldname, sug) or 1
                    yield (0 - (maxdist + (1.0 / f * 0.5)), sug)


def _correction(reader, word: str) -> str | None:
    """The most frequent indexed word within MAX_DISTANCE edits of `word`."""
    best, best_df = None, 0
    for name in ("body_exact", "title_exact"):
        corrector = _SegmentCorrector(reader, name, reader.schema[name])
        for cand in corrector.suggest(word, limit=5, maxdist=MAX_DISTANCE):
            df = reader.doc_frequency("body_exact", cand) + reader.doc_frequency(
                "title_exact", cand
            )
            if cand != word and df > best_df:
                best, best_df = cand, df
    return best


def suggest(evaluator, q: str, node: Node | None, total: int, filter_q=None) -> str | None:
    """A corrected query string when some words are unknown and the correction finds more."""
    reader = evaluator.reader
    fixes: dict[str, str] = {}
    for leaf in positive_words(node):
        if not isinstance(leaf, Word) or leaf.text in STOPWORDS or leaf.text in fixes:
            continue
        known = reader.doc_frequency("body_exact", leaf.text) + reader.doc_frequency(
            "title_exact", leaf.text
        )
        if known == 0 and leaf.text.isalpha() and len(leaf.text) <= MAX_WORD_CHARS:
            fix = _correction(reader, leaf.text)
            if fix:
                fixes[leaf.text] = fix
    if not fixes:
        return None
    corrected = q
    for wrong, right in fixes.items():
        corrected = re.sub(rf"(?i)(?<!\w){re.escape(wrong)}(?!\w)", right, corrected)
    words = [Word(fixes.get(w.text, w.text)) for w in positive_words(node) if isinstance(w, Word)]
    compiler = Compiler(reader, 1)
    check = wq.And([compiler.compile(w) for w in words if w.text not in STOPWORDS])
    found = evaluator.count(check, filter_q)
    return corrected if found > total or (total == 0 and found) else None
