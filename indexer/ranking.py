"""Scoring: BM25 with Lucene's idf, a word's fields as one BM25F term (bm25f.py), the plain
BM25+ run any-of queries add (plain_run), and every ranking constant in one place.

Each constant in RankingParams was chosen by its mean nDCG@10 over five test collections
(Cranfield, MED, NPL, LISA, ADI), not on one; docs/decisions.md has the table behind each
(`python bench/relevance.py --sweep name=...` reproduces it). There are no per-corpus switches.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from whoosh import query as wq
from whoosh.scoring import BM25F
from whoosh.searching import Searcher

from .bm25f import Fielded, lucene_idf


@dataclass(frozen=True)
class RankingParams:
    """The product's one set of ranking constants (docs/decisions.md, "Ranking on five")."""

    k1: float = 1.2  # BM25 term-frequency saturation
    b: float = 0.75  # BM25 length normalisation of the body
    title_b: float = 0.75  # ... and of the title
    title_weight: float = 1.5  # BM25F: a title match counts this many body matches
    exact_weight: float = 0.5  # the exact word form adds this share of the stemmed match
    qtf: str = "bm25"  # how a repeated query word counts: QTF_WEIGHTS
    qtf_k3: float = 1.5  # BM25's query term saturation ("bm25"): 0 counts once, inf counts n
    # How a word's fields combine: "sum" (one BM25 per field, summed), "bm25f" (Robertson and
    # Zaragoza's BM25F over the stemmed fields: weighted, length-normalised term frequencies
    # summed, then saturated once with one idf; the exact forms add their own BM25) or
    # "bm25f_all" (the exact fields inside the same BM25F sum).
    fields: str = "bm25f"
    proximity_weight: float = 0.5  # pairs of consecutive words near each other, in order
    proximity_slop: int = 3  # ... at most this many words between them, stopwords counted
    keyword_terms: int = 3  # up to this many content words a query requires them all
    feedback_terms_from: int = 4  # RM3 for any-of queries with at least this many words
    feedback_docs: int = 10  # RM3: top articles taken as relevant
    feedback_terms: int = 10  # RM3: expansion words added
    original_weight: float = 0.5  # RM3: share of the query's weight kept by the user's words
    # Any-of queries: CombSUM with a plain BM25+ run of the same words (plain_run); its
    # weight (0: off) and BM25+'s lower bound delta on a matching word's saturated tf.
    plain_run_weight: float = 1.0
    plain_run_delta: float = 0.5


def bm25_qtf(n: int) -> float:
    """BM25's query term weight (k3 + 1)·n/(k3 + n) (Robertson et al. 1994, Okapi at
    TREC-3), k3 = PARAMS.qtf_k3: 1 for a word written once, saturating as it repeats."""
    k3 = PARAMS.qtf_k3
    return (k3 + 1) * n / (k3 + n)


# A query word written n times: BM25's query term frequency saturated by k3, counted n times
# (k3 -> inf, as Lucene, Anserini and bm25s score it), once, or damped.
QTF_WEIGHTS = {
    "bm25": bm25_qtf,
    "count": float,
    "once": lambda n: 1.0,
    "log": lambda n: 1.0 + math.log(n),
    "sqrt": math.sqrt,
}


class LuceneBM25(BM25F):
    """Whoosh's BM25F with Lucene's idf log(1 + (N - df + .5)/(df + .5)).

    Whoosh's default idf, log(N/(df+1)) + 1, keeps common words heavy: on Cranfield's
    sentence queries that alone cost ~0.04 nDCG@10.
    """

    def idf(self, searcher, fieldname, text):
        return lucene_idf(searcher.doc_frequency(fieldname, text), searcher.doc_count_all())

    def field_b(self, fieldname: str) -> float:
        """B for `fieldname` (BM25F's per-field length normalisation)."""
        return self._field_B.get(fieldname, self.B)


def word_query(terms: list[wq.Term], boost: float) -> wq.Query:
    """A word's field terms (each boosted by its field's weight) weighted `boost` in all,
    combined as PARAMS.fields says."""
    stemmed = [t for t in terms if not t.fieldname.endswith("_exact")]
    mode = PARAMS.fields if stemmed else "sum"
    if mode == "bm25f_all":
        return Fielded(terms, boost=boost)
    plain = [wq.Term(t.fieldname, t.text, boost=t.boost * boost) for t in terms]
    if mode == "sum":
        return wq.Or(plain)
    exact = [t for t in plain if t.fieldname.endswith("_exact")]
    return wq.Or([Fielded(stemmed, boost=boost), *exact])


def plain_run(reader, parts: list[wq.Query]) -> wq.Query | None:
    """The query's words as a plain BM25+ run, to add to the full run's scores (CombSUM).

    The full run of an any-of query (exact-form and proximity bonuses, RM3 words) helps
    sentence-like queries on long documents and costs short ones (NPL's one-line abstracts,
    docs/decisions.md "Round 6"). CombSUM (Fox & Shaw 1994) adds, per document, the score of
    a second run: here each word's stemmed BM25F term alone, plus BM25+'s δ·idf for each
    word a document holds (Lv & Zhai 2011: a lower bound on a matching word's saturated tf,
    which rewards holding more of the words). Both runs score on one BM25F scale, so the raw
    scores are summed. `parts` are the compiled words (ranking.word_query); a word without a
    stemmed form (a stopword, a phrase, a prefix) has no plain BM25F term and adds nothing.
    """
    weight, delta = PARAMS.plain_run_weight, PARAMS.plain_run_delta
    words = [w for w in map(_stemmed, parts) if w is not None]
    if not weight or not words:
        return None
    n = reader.doc_count_all()
    lower = (
        [wq.ConstantScoreQuery(w, lower_bound(reader, _terms(w), w.boost, n)) for w in words]
        if delta
        else []
    )
    return wq.Or([*words, *lower], boost=weight)


def _terms(word: Fielded) -> list[tuple[str, str]]:
    return [(t.fieldname, t.text) for t in word.subqueries]


def lower_bound(reader, terms: list[tuple[str, str]], boost: float, n: int) -> float:
    """BM25+'s δ·idf for a plain-run word weighted `boost`, its stemmed (field, term)s
    `terms` (both backends: the idf is BM25F's, from the largest of its fields' document
    frequencies, as bm25f.Fielded counts them), `n` the index's documents."""
    df = max(reader.doc_frequency(name, term) for name, term in terms)
    return boost * PARAMS.plain_run_delta * lucene_idf(df, n)


def _stemmed(part: wq.Query) -> Fielded | None:
    """The stemmed BM25F term of a compiled word (word_query's "bm25f" or "bm25f_all")."""
    if isinstance(part, wq.Or) and not isinstance(part, Fielded):
        part = next((s for s in part.subqueries if isinstance(s, Fielded)), None)
    if not isinstance(part, Fielded):
        return None
    stemmed = [t for t in part.subqueries if not t.fieldname.endswith("_exact")]
    return Fielded(stemmed, boost=part.boost) if stemmed else None


def weighting(params: RankingParams) -> LuceneBM25:
    """The BM25 weighting `params` describe."""
    return LuceneBM25(
        B=params.b, K1=params.k1, title_B=params.title_b, title_exact_B=params.title_b
    )


PARAMS = RankingParams()
WEIGHTING = weighting(PARAMS)


def qtf_weight(count: int) -> float:
    """The weight of a query word written `count` times."""
    return QTF_WEIGHTS[PARAMS.qtf](count)


def ranking_searcher(searcher):
    """`searcher` scoring with WEIGHTING: a light view sharing its reader (not closed)."""
    if isinstance(searcher.weighting, LuceneBM25):
        return searcher
    return Searcher(searcher.reader(), weighting=WEIGHTING, closereader=False)
