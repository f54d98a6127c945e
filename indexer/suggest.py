"""“Did you mean”: respell words the index has never seen, from the index's own vocabulary."""

from __future__ import annotations

import re

from whoosh import query as wq

from .analysis import STOPWORDS
from .query import Compiler, Node, Word, positive_words

MAX_DISTANCE = 2


def _correction(searcher, word: str) -> str | None:
    """The most frequent indexed word within MAX_DISTANCE edits of `word`."""
    reader = searcher.reader()
    best, best_df = None, 0
    for name in ("body_exact", "title_exact"):
        for cand in searcher.corrector(name).suggest(word, limit=5, maxdist=MAX_DISTANCE):
            df = reader.doc_frequency("body_exact", cand) + reader.doc_frequency(
                "title_exact", cand
            )
            if cand != word and df > best_df:
                best, best_df = cand, df
    return best


def suggest(searcher, q: str, node: Node | None, total: int, filter_q=None) -> str | None:
    """A corrected query string when some words are unknown and the correction finds more."""
    reader = searcher.reader()
    fixes: dict[str, str] = {}
    for leaf in positive_words(node):
        if not isinstance(leaf, Word) or leaf.text in STOPWORDS or leaf.text in fixes:
            continue
        known = reader.doc_frequency("body_exact", leaf.text) + reader.doc_frequency(
            "title_exact", leaf.text
        )
        if known == 0 and leaf.text.isalpha():
            fix = _correction(searcher, leaf.text)
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
    found = len(set(check.docs(searcher)) & _allowed(searcher, filter_q))
    return corrected if found > total or (total == 0 and found) else None


def _allowed(searcher, filter_q) -> set[int]:
    if filter_q is None:
        return set(range(searcher.reader().doc_count_all()))
    return set(filter_q.docs(searcher))
