"""BM25F (Robertson, Zaragoza & Taylor 2004): one word's fields scored as one term.

Summing one BM25 per field saturates each field on its own, so a word in the title and the
body counts almost twice, and each field brings its own idf. BM25F first sums the fields'
length-normalised term frequencies, each weighted (t = Σ w_f·tf_f / B_f, with
B_f = (1 − b_f) + b_f·len_f/avglen_f), then saturates once, t·(k1 + 1)/(t + k1), with one idf:
the largest of the fields' document frequencies, as Lucene's CombinedFieldQuery (OpenSearch's
`combined_fields`) takes it.

`Fielded` marks such a word; indexer/evaluate.py scores it over whole posting lists, and its
Whoosh matcher here scores it one posting at a time, which tests/test_evaluate.py compares.
"""

from __future__ import annotations

import math

from whoosh import query as wq
from whoosh.matching import ListMatcher, NullMatcher


def lucene_idf(df: int, total: int) -> float:
    """Lucene's idf log(1 + (N − df + .5)/(df + .5))."""
    return math.log(1 + (total - df + 0.5) / (df + 0.5))


def saturate(t: float, k1: float) -> float:
    return t * (k1 + 1) / (t + k1)


class Fielded(wq.Or):
    """One word's Terms in several fields, scored as one BM25F term.

    Each Term's boost is its field's weight w_f; the Fielded's own boost is the query's
    weight of the word (ranking.qtf_weight). The searcher's weighting gives k1 and each
    field's b (ranking.LuceneBM25).
    """

    def matcher(self, searcher, context=None):
        parent = searcher.get_parent()
        terms = [t for t in self.subqueries if t.fieldname in searcher.schema]
        df = max((parent.doc_frequency(t.fieldname, t.text) for t in terms), default=0)
        scores: dict[int, float] = {}
        weighting = parent.weighting
        for t in terms:
            for doc, tf in _postings(searcher, t):
                norm = _norm(parent, searcher, weighting, t.fieldname, doc)
                scores[doc] = scores.get(doc, 0.0) + t.boost * tf / norm
        if not scores:
            return NullMatcher()
        idf = lucene_idf(df, parent.doc_count_all())
        ids = sorted(scores)
        weights = [self.boost * idf * saturate(scores[d], weighting.K1) for d in ids]
        return ListMatcher(ids, weights)


def _postings(searcher, term: wq.Term) -> list[tuple[int, float]]:
    """(document, tf) of `term` in the searcher's segment, deletions excluded."""
    if (term.fieldname, term.text) not in searcher.reader():
        return []
    m = searcher.postings(term.fieldname, term.text)
    out = []
    while m.is_active():
        out.append((m.id(), m.weight()))
        m.next()
    return out


def _norm(parent, searcher, weighting, fieldname: str, doc: int) -> float:
    """(1 − b) + b·len/avglen, the field's b; avglen over every document, as Whoosh's BM25F."""
    b = weighting.field_b(fieldname)
    avgfl = parent.field_length(fieldname) / (parent.doc_count_all() or 1) or 1
    return (1 - b) + b * searcher.reader().doc_field_length(doc, fieldname) / avgfl
