"""Unordered windows: the sequential dependence model's #uw term (Metzler & Croft 2005).

The proximity bonus rewards consecutive query words found in order, a few positions apart
(a Phrase with slop). SDM adds a second feature: the same pair anywhere within a window of
`unordered_window` words, in either order ("layers of the boundary" for "boundary layer").
`Unordered` is that pair as a Whoosh query (Whoosh's own unordered SpanNear2, so
tests/test_evaluate.py can compare indexer/evaluate.py with it); `near_any_order` is the
same check for the vectorised evaluator.
"""

from __future__ import annotations

from whoosh import matching
from whoosh import query as wq
from whoosh.query.spans import SpanNear2

from . import ranking


class Unordered(wq.Phrase):
    """Words each within `slop` positions of the span so far, in any order; scored as a
    Phrase (the words' summed scores × boost)."""

    def matcher(self, searcher, context=None):
        if self.fieldname not in searcher.schema:
            return matching.NullMatcher()
        field = searcher.schema[self.fieldname]
        terms = []
        for word in self.words:
            word = field.to_bytes(word)
            if (self.fieldname, word) not in searcher.reader():
                return matching.NullMatcher()
            terms.append(wq.Term(self.fieldname, word))
        m = SpanNear2(terms, slop=self.slop, ordered=False, mindist=1).matcher(searcher, context)
        return matching.WrappingMatcher(m, boost=self.boost) if self.boost != 1.0 else m


def unordered_pairs(pairs: list[tuple[str, str]], field_weight) -> list[wq.Query]:
    """The #uw bonus queries of consecutive stemmed query-word pairs (none at weight 0)."""
    params = ranking.PARAMS
    if not params.unordered_weight:
        return []
    return [
        Unordered(
            name,
            list(pair),
            slop=params.unordered_window - 1,  # a window of n words: at most n - 1 apart
            boost=params.unordered_weight * field_weight(name),
        )
        for pair in pairs
        for name in ("body", "title")
    ]


def near_any_order(per_word: list[list[int]], slop: int) -> bool:
    """Whoosh's unordered SpanNear2 with mindist 1: each next word 1..slop from the span."""
    spans = {(p, p) for p in per_word[0]}
    for positions in per_word[1:]:
        spans = {
            (min(s, p), max(e, p))
            for s, e in spans
            for p in positions
            if 1 <= _gap(s, e, p) <= slop
        }
        if not spans:
            return False
    return True


def _gap(start: int, end: int, p: int) -> int:
    """Whoosh's Span.distance_to for a one-position span at `p` (0 when inside)."""
    return p - end if p > end else start - p if p < start else 0
