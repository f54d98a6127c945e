"""“Did you mean”: respell words the index has never seen, from the index's own vocabulary."""

from __future__ import annotations

import re

from rapidfuzz import process
from rapidfuzz.distance import Levenshtein
from whoosh import query as wq

from .analysis import STOPWORDS
from .query import Compiler, Node, Word, positive_words

MAX_DISTANCE = 2
# Longer "words" are not misspellings (no real word is this long); capping them keeps a
# pasted 2,000-letter token from costing an edit-distance scan of its own.
MAX_WORD_CHARS = 32
_EXACT = ("body_exact", "title_exact")

# (segment id, field) -> the segment's terms. A segment never changes once written, and
# generations share segments, so the lists outlive searchers; the oldest are dropped.
_TERMS: dict[tuple[str, str], list[str]] = {}
_TERMS_MAX = 32


def _segment_terms(leaf, name: str) -> list[str]:
    segment = leaf.segment()
    key = (segment.segment_id(), name) if segment is not None else (str(id(leaf)), name)
    terms = _TERMS.get(key)
    if terms is None:
        terms = list(leaf.field_terms(name)) if name in leaf.indexed_field_names() else []
        while len(_TERMS) >= _TERMS_MAX:
            _TERMS.pop(next(iter(_TERMS)), None)
        _TERMS[key] = terms
    return terms


def _correction(reader, word: str) -> str | None:
    """The indexed word fewest edits (at most MAX_DISTANCE) from `word`; of those, the one in
    most documents.

    rapidfuzz computes the distances in C over each segment's vocabulary: ~3 ms for 50,000
    words, where walking Whoosh's Levenshtein automaton in Python took up to 500 ms."""
    found: dict[str, int] = {}
    for leaf, _ in reader.leaf_readers():
        for name in _EXACT:
            terms = _segment_terms(leaf, name)
            for cand, dist, _ in process.extract_iter(
                word, terms, scorer=Levenshtein.distance, score_cutoff=MAX_DISTANCE
            ):
                if cand != word:
                    found[cand] = min(dist, found.get(cand, dist))
    if not found:
        return None
    closest = min(found.values())
    return max(
        (c for c, d in found.items() if d == closest),
        key=lambda c: (sum(reader.doc_frequency(name, c) for name in _EXACT), c),
    )


def suggest(evaluator, q: str, node: Node | None, total: int, filter_q=None) -> str | None:
    """A corrected query string when some words are unknown and the correction finds more."""
    fixes: dict[str, str] = {}
    for leaf in positive_words(node):
        if not isinstance(leaf, Word) or leaf.text in STOPWORDS or leaf.text in fixes:
            continue
        # The search itself just loaded these postings: the cache answers.
        known = any(evaluator.arrays.term(evaluator.reader, n, leaf.text) for n in _EXACT)
        if not known and leaf.text.isalpha() and len(leaf.text) <= MAX_WORD_CHARS:
            fix = _correction(evaluator.reader, leaf.text)
            if fix:
                fixes[leaf.text] = fix
    if not fixes:
        return None
    corrected = q
    for wrong, right in fixes.items():
        corrected = re.sub(rf"(?i)(?<!\w){re.escape(wrong)}(?!\w)", right, corrected)
    words = [Word(fixes.get(w.text, w.text)) for w in positive_words(node) if isinstance(w, Word)]
    compiler = Compiler(evaluator.reader, 1)
    check = wq.And([compiler.compile(w) for w in words if w.text not in STOPWORDS])
    found = evaluator.count(check, filter_q)
    return corrected if found > total or (total == 0 and found) else None
