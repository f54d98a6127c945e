"""Run compiled Whoosh queries over a generation's arrays: matches, BM25F scores, top k, facets.

The semantics and scores are Whoosh's own (tests/test_evaluate.py compares them query by
query); only the execution differs: vector operations over whole posting lists instead of
a Python call per posting. Proximity bonuses are checked lazily, only for documents that
could still reach the top k.
"""

from __future__ import annotations

import time
from bisect import bisect_left, bisect_right
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cached_property

import numpy as np
from whoosh import query as wq

from . import arrays as arrays_mod
from . import bm25f, ranking


@dataclass
class Bonus:
    """A proximity phrase on AndMaybe's optional side: it only re-ranks, so it is checked
    only for documents that could still reach the top k."""

    docs: np.ndarray  # ascending: the documents with every word of the phrase in the field
    scores: np.ndarray  # what it adds to each of them where the words are near enough
    check: Callable[[int], bool]


@dataclass
class Matches:
    mask: np.ndarray  # bool per document
    scores: np.ndarray  # float64 per document, 0 where mask is False
    bonuses: list[Bonus] = field(default_factory=list)
    # Exact scores (bonuses checked) found so far: collapsing asks top() again for more.
    finals: dict[int, float] = field(default_factory=dict, repr=False)

    @cached_property
    def docs(self) -> np.ndarray:
        """The matching document numbers, ascending (found once for the top k and facets;
        read only once the matches are final, as those of Evaluator.matches are)."""
        return np.flatnonzero(self.mask)


class Evaluator:
    """Evaluates queries for one searcher (one thread) on its generation's shared arrays."""

    def __init__(self, searcher, deadline: float | None = None):
        self.reader = searcher.reader()
        self.arrays = arrays_mod.for_reader(self.reader)
        self.n = self.arrays.doc_count
        self.deadline = deadline
        # Set once the budget runs out: position checks stop and results are partial.
        self.timed_out = False
        self._seen: dict[int, tuple[wq.Query, Matches]] = {}
        self._none: Matches | None = None

    def _expired(self) -> bool:
        if not self.timed_out and self.deadline is not None:
            self.timed_out = time.monotonic() > self.deadline
        return self.timed_out

    def matches(self, q: wq.Query, filter_q: wq.Query | None = None) -> Matches:
        """Every live document `q` matches (within `filter_q`), with its score.

        `q` is remembered: feedback re-ranks a first query's matches with a query holding it,
        and evaluating it again would double the cost of a long query."""
        m = self._eval(q, optional=False)
        self._seen[id(q)] = (q, m)
        mask = m.mask & self.arrays.live
        if filter_q is not None:
            mask &= self._eval(filter_q, optional=False).mask
        return Matches(mask, np.where(mask, m.scores, 0.0), m.bonuses)

    def count(self, q: wq.Query, filter_q: wq.Query | None = None) -> int:
        return int(self.matches(q, filter_q).mask.sum())

    # --- query nodes -----------------------------------------------------------------------

    def _empty(self) -> Matches:
        return Matches(np.zeros(self.n, dtype=bool), np.zeros(self.n))

    def _nothing(self, bonuses: list[Bonus]) -> Matches:
        """No match and no score, only `bonuses`: shared read-only arrays, which an Or of
        bonuses skips (a query of n words has ~4n of them, two dense arrays each)."""
        if self._none is None:
            mask, scores = np.zeros(self.n, dtype=bool), np.zeros(self.n)
            mask.flags.writeable = scores.flags.writeable = False
            self._none = Matches(mask, scores)
        return Matches(self._none.mask, self._none.scores, bonuses)

    def _eval(self, q: wq.Query, optional: bool) -> Matches:
        seen = self._seen.get(id(q))
        if seen is not None and seen[0] is q:  # evaluated results are never changed in place
            return seen[1]
        if isinstance(q, type(wq.NullQuery)):
            return self._empty()
        if isinstance(q, wq.Term):
            return self._term(q)
        if isinstance(q, wq.Phrase):
            return self._phrase(q, lazy=optional)
        if isinstance(q, bm25f.Fielded):
            return self._fielded(q)
        if isinstance(q, wq.Or):
            return self._or(q, optional)
        if isinstance(q, wq.And):
            return self._and(q)
        if isinstance(q, wq.AndNot):
            a = self._eval(q.a, optional=False)
            b = self._eval(q.b, optional=False)
            mask = a.mask & ~b.mask
            return Matches(mask, np.where(mask, a.scores, 0.0), a.bonuses)
        if isinstance(q, wq.AndMaybe):
            a = self._eval(q.a, optional=False)
            b = self._eval(q.b, optional=True)
            scores = a.scores + np.where(a.mask, b.scores, 0.0)
            bonuses = []
            for bonus in b.bonuses:  # only documents `a` matches can earn it
                keep = a.mask[bonus.docs]
                if keep.any():
                    bonuses.append(Bonus(bonus.docs[keep], bonus.scores[keep], bonus.check))
            return Matches(a.mask, scores, a.bonuses + bonuses)
        if isinstance(q, wq.ConstantScoreQuery):
            child = self._eval(q.child, optional=False)
            # Whoosh's ListMatcher reads a constant of 0 as "no constant" and scores 1.
            return Matches(child.mask, np.where(child.mask, q.score or 1.0, 0.0))
        if isinstance(q, wq.Every):
            return Matches(self.arrays.live.copy(), np.where(self.arrays.live, q.boost, 0.0))
        if isinstance(q, wq.Not):
            child = self._eval(q.query, optional=False)
            mask = ~child.mask & self.arrays.live
            return Matches(mask, mask.astype(np.float64))
        if isinstance(q, wq.TermRange):
            return self._range(q)
        raise TypeError(f"no vectorised evaluation for {type(q).__name__}")

    def _term(self, q: wq.Term) -> Matches:
        out = self._empty()
        self._add_term(out, q)
        return out

    def _add_term(self, out: Matches, q: wq.Term) -> None:
        """Mark the term's documents in `out` and add its boosted scores there."""
        if q.fieldname not in self.reader.schema:
            return
        postings = self.arrays.term(self.reader, q.fieldname, q.text)
        if postings is not None:
            out.mask[postings.docs] = True
            out.scores[postings.docs] += postings.scores * q.boost

    def _fielded(self, q: bm25f.Fielded) -> Matches:
        out = self._empty()
        self._add_fielded(out, q)
        return out

    def _add_fielded(self, out: Matches, q: bm25f.Fielded) -> None:
        """BM25F (bm25f.py): idf(largest field df)·t(k1 + 1)/(t + k1), t = Σ w_f·tf_f/B_f,
        added to `out` where any of the word's fields holds it."""
        found = [
            (self.arrays.term(self.reader, t.fieldname, t.text), t.boost)
            for t in q.subqueries
            if t.fieldname in self.reader.schema
        ]
        found = [(p, w) for p, w in found if p is not None]
        if not found:
            return
        # Merged over the (short) posting lists, not a dense array per word: a long query
        # has hundreds of words, and a dense array each was most of its cost.
        docs, t = found[0][0].docs, found[0][0].ntf * found[0][1]
        for p, w in found[1:]:
            docs, t = _merged(docs, t, p.docs, p.ntf * w)
        idf = bm25f.lucene_idf(max(p.df for p, _ in found), self.n)
        out.mask[docs] = True
        out.scores[docs] += q.boost * idf * bm25f.saturate(t, ranking.WEIGHTING.K1)

    def _or(self, q: wq.Or, optional: bool) -> Matches:
        # Accumulated in place: a word is an Or of four terms, and a dense array per term
        # was most of a query's cost.
        out = self._empty()
        for sub in q.subqueries:
            if isinstance(sub, wq.Term):
                self._add_term(out, sub)
                continue
            if isinstance(sub, bm25f.Fielded):
                self._add_fielded(out, sub)
                continue
            part = self._eval(sub, optional)
            if self._none is None or part.mask is not self._none.mask:
                out.mask |= part.mask
                out.scores += part.scores
            out.bonuses += part.bonuses
        if q.boost != 1.0:
            out.scores *= q.boost
            out.bonuses = [Bonus(b.docs, b.scores * q.boost, b.check) for b in out.bonuses]
        return out

    def _and(self, q: wq.And) -> Matches:
        # A Not inside And is one more matcher (scoring 1 where it matches), as in Whoosh.
        parts = [self._eval(s, optional=False) for s in q.subqueries]
        if not parts:
            return self._empty()
        mask = parts[0].mask.copy()
        scores = parts[0].scores.copy()
        for p in parts[1:]:
            mask &= p.mask
            scores += p.scores
        scores *= q.boost
        scores[~mask] = 0.0
        return Matches(mask, scores, [b for p in parts for b in p.bonuses])

    def _range(self, q: wq.TermRange) -> Matches:
        """A range over a sortable field's values (the date filter); it scores nothing."""
        codes, names = self.arrays.column(self.reader, q.fieldname)
        lo = 1 if names and names[0] == "" else 0  # documents without a value never match
        if q.start is not None:
            lo = max(lo, (bisect_right if q.startexcl else bisect_left)(names, q.start))
        hi = len(names)
        if q.end is not None:
            hi = (bisect_left if q.endexcl else bisect_right)(names, q.end)
        mask = (codes >= lo) & (codes < hi)
        return Matches(mask, np.zeros(self.n))

    # --- phrases and proximity -------------------------------------------------------------

    def _phrase(self, q: wq.Phrase, lazy: bool) -> Matches:
        """Words in order, each within `slop` positions of the previous one (Whoosh's SpanNear2)."""
        if q.fieldname not in self.reader.schema:
            return self._nothing([]) if lazy else self._empty()
        lists = [self.arrays.term(self.reader, q.fieldname, w) for w in q.words]
        if any(p is None for p in lists):
            return self._nothing([]) if lazy else self._empty()
        docs = min(lists, key=lambda p: len(p.docs)).docs
        for p in lists:
            docs = docs[_lookup(p.docs, docs)[0]]
        where = [np.searchsorted(p.docs, docs) for p in lists]
        scores = np.zeros(len(docs))
        for p, w in zip(lists, where, strict=True):
            scores += p.scores[w]
        scores *= q.boost
        decode = self.reader.schema[q.fieldname].format.decode_positions
        slop = q.slop

        def check(doc: int) -> bool:
            k = int(np.searchsorted(docs, doc))
            per_word = [decode(p.value(int(w[k]))) for p, w in zip(lists, where, strict=True)]
            return _near_in_order(per_word, slop)

        if lazy:
            return self._nothing([Bonus(docs, scores, check)] if len(docs) else [])
        out = self._empty()
        for k, d in enumerate(docs):
            if self._expired():
                break
            if check(int(d)):
                out.mask[d] = True
                out.scores[d] = scores[k]
        return out

    # --- results ---------------------------------------------------------------------------

    def top(self, m: Matches, limit: int, newest: bool = False) -> list[tuple[float, int]]:
        """The best `limit` (score, docnum): by score then docnum, or newest first."""
        docs = m.docs
        if newest:
            codes, _ = self.arrays.column(self.reader, "date")
            latest = docs[_best(codes[docs].astype(np.float64), docs, limit)[:limit]]
            return list(zip(self._finals(m, latest), latest.tolist(), strict=True))
        if m.bonuses:
            # Scattered over each bonus's own documents: a long query has hundreds of
            # bonuses, and looking every candidate up in each was most of its cost.
            full = m.scores.copy()
            for b in m.bonuses:
                full[b.docs] += b.scores  # a bonus lists each document once
            bound = full[docs]
        else:
            bound = m.scores[docs].copy()
        if not m.bonuses:
            return [(float(bound[i]), int(docs[i])) for i in _best(bound, docs, limit)[:limit]]
        # Walk down the upper bounds, checking positions, until the k-th exact score beats
        # every bound not yet checked: the top k is then exact.
        done: list[tuple[float, int]] = []
        order = _best(bound, docs, 2 * limit + 32)
        start, step = 0, limit
        while start < len(order) and not self._expired():
            batch = docs[order[start : start + step]]
            done += zip(self._finals(m, batch), batch.tolist(), strict=True)
            start, step = min(start + step, len(order)), step * 2
            if start == len(order) < len(docs):
                order = _best(bound, docs, 4 * len(order))  # same order, further down
            if len(done) >= limit and start < len(order):
                kth = sorted(done, key=_rank)[limit - 1][0]
                if kth > bound[order[start]]:
                    break
        if self.timed_out:  # partial: the unchecked rest ranked without their bonuses
            done += [(float(m.scores[docs[i]]), int(docs[i])) for i in order[start : start + limit]]
        return sorted(done, key=_rank)[:limit]

    def _finals(self, m: Matches, docs: np.ndarray) -> list[float]:
        """Each of `docs`' exact score (its bonuses checked), each bonus's documents looked up
        for all at once: a lookup per document and bonus was most of a long query's top k.
        Scores found before (by an earlier top() of the same matches) are not checked again."""
        known = m.finals
        todo = [d for d in docs.tolist() if d not in known]
        found = dict(zip(todo, self._checked(m, np.array(todo, dtype=np.int64)), strict=True))
        if not self.timed_out:  # a partial score is not kept for a later, longer top k
            known.update(found)
        return [known[d] if d in known else found[d] for d in docs.tolist()]

    def _checked(self, m: Matches, docs: np.ndarray) -> list[float]:
        scores = m.scores[docs]
        for b in m.bonuses:
            at = np.searchsorted(b.docs, docs)
            held = np.flatnonzero(at < len(b.docs))
            held = held[b.docs[at[held]] == docs[held]]
            for k in held.tolist():  # bonuses in the order the query lists them
                if not self._expired() and b.check(int(docs[k])):
                    scores[k] += b.scores[at[k]]
        return scores.tolist()

    def facet(
        self, m: Matches, fieldname: str, limit: int, by_count: bool
    ) -> tuple[list[tuple[str, int]], int]:
        """The `limit` values of a sortable field with most matches (`by_count`; ties by value)
        or the highest values, with their counts, and how many values match in all."""
        codes, names = self.arrays.column(self.reader, fieldname)
        if by_count and self.arrays.distinct(self.reader, fieldname):
            return _distinct_counts(codes[m.docs], names, limit)
        found, counts = _value_counts(codes[m.docs], len(names), bool(names) and names[0] == "")
        distinct = len(found)
        if not by_count:
            found, counts = found[::-1], counts[::-1]
        elif distinct > limit:
            # Every file is its own source: keep those above the limit-th count, then ties in
            # value order, without sorting thousands.
            kth = np.partition(counts, distinct - limit)[distinct - limit]
            above = np.flatnonzero(counts > kth)
            tied = np.flatnonzero(counts == kth)[: limit - len(above)]
            keep = np.concatenate([above, tied])
            found, counts = found[keep], counts[keep]
        if by_count:
            order = np.lexsort((found, -counts))
            found, counts = found[order], counts[order]
        top = zip(found[:limit].tolist(), counts[:limit].tolist(), strict=True)
        return [(names[i], n) for i, n in top], distinct


def _distinct_counts(values: np.ndarray, names: list[str], limit: int):
    """facet() when every document has its own value: each matching value counts once, so
    the top are the first `limit` values in order, found by a partition rather than a sort
    of all the matches."""
    if names and names[0] == "":  # no value
        values = values[values != 0]
    top = values if len(values) <= limit else np.partition(values, limit)[:limit]
    return [(names[i], 1) for i in np.sort(top).tolist()], len(values)


def _value_counts(values: np.ndarray, size: int, skip_first: bool):
    """(the distinct values among `values`, ascending; how often each occurs), code 0 left
    out if `skip_first` (no value). Sorted when they are few beside `size` (one source per
    document: 19,000 codes): a count per possible value costs a pass over all of them."""
    if len(values) * 8 < size:
        found, counts = np.unique(values, return_counts=True)
    else:
        counts = np.bincount(values, minlength=size)
        found = np.flatnonzero(counts)
        counts = counts[found]
    if skip_first and len(found) and found[0] == 0:
        found, counts = found[1:], counts[1:]
    return found, counts


def _lookup(sorted_docs: np.ndarray, docs: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """For each of `docs`: whether `sorted_docs` holds it, and where."""
    at = np.minimum(np.searchsorted(sorted_docs, docs), max(len(sorted_docs) - 1, 0))
    found = sorted_docs[at] == docs if len(sorted_docs) else np.zeros(len(docs), dtype=bool)
    return found, at


def _merged(docs_a, vals_a, docs_b, vals_b) -> tuple[np.ndarray, np.ndarray]:
    """Two (ascending documents, values) lists summed per document, still ascending."""
    found, at = _lookup(docs_a, docs_b)
    vals = vals_a.copy()
    vals[at[found]] += vals_b[found]
    if found.all():
        return docs_a, vals
    docs = np.concatenate([docs_a, docs_b[~found]])
    order = np.argsort(docs, kind="stable")
    return docs[order], np.concatenate([vals, vals_b[~found]])[order]


def _best(values: np.ndarray, docs: np.ndarray, k: int) -> np.ndarray:
    """Indices of the `k` largest values and any tied with the k-th, by value then docnum.

    A partial sort: a common word matches thousands of documents, and only a page is shown."""
    if k < len(values):
        kth = np.partition(values, len(values) - k)[len(values) - k]
        idx = np.flatnonzero(values >= kth)
    else:
        idx = np.arange(len(values))
    return idx[np.lexsort((docs[idx], -values[idx]))]


def _rank(item: tuple[float, int]) -> tuple[float, int]:
    return (-item[0], item[1])


def _near_in_order(per_word: list[list[int]], slop: int) -> bool:
    """Whoosh's ordered SpanNear2 with mindist 1: each next word 1..slop after the span."""
    spans = {(p, p) for p in per_word[0]}
    for positions in per_word[1:]:
        spans = {(s, p) for s, e in spans for p in positions if 1 <= p - e <= slop}
        if not spans:
            return False
    return True
