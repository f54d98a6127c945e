"""Pseudo-relevance feedback (RM3) for long, descriptive queries.

A pasted sentence ("what similarity laws must be obeyed when constructing aeroelastic
models of heated high speed aircraft") names its topic in words that the best matching
articles use alongside others (Cranfield's query 1 gains "aerothermoelastic", "parameter",
"test", "structure", and weight on "model", "similar", "law"). RM3 (Lavrenko & Croft's
relevance model, interpolated with the original query as in Anserini's BM25+RM3) takes the
top-ranked articles as if they were relevant, weights each of their words by how much of
each article it makes up and by how well the article matched, and adds the strongest words
to the query. The original query stays dominant (ORIGINAL_WEIGHT of the mass).

Only long queries get this (search.py decides): a keyword query says exactly what it wants,
and expanding it would trade its precision for recall.
"""

from __future__ import annotations

import math
from collections import Counter

from whoosh import query as wq

from .analysis import stem_terms
from .query import TITLE_WEIGHT

# Literature defaults, not tuned here (Anserini's BM25+RM3: fbDocs 10, fbTerms 10, 0.5).
FEEDBACK_DOCS = 10  # top articles taken as relevant
FEEDBACK_TERMS = 10  # expansion words kept (cost and drift grow with more)
ORIGINAL_WEIGHT = 0.5  # share of the final query's weight kept by the user's own words


def relevance_model(reader, top: list[tuple[float, int]]) -> dict[str, float]:
    """P(w|R) over stemmed words: sum over feedback articles of P(w|D)·P(D|Q), normalised.

    `top` is (score, docnum) best first; article text is re-analysed from the stored text
    with the cached stemmer (no term vectors are stored).
    """
    # P(D|Q) ∝ exp(score): BM25 is a sum of log-odds term weights (Robertson–Sparck Jones),
    # as query likelihood is a log-probability, so exp turns it back into odds. Measured on
    # Cranfield: raw scores as weights 0.397, exp 0.400, uniform 0.385 (docs/decisions.md).
    best = max((s for s, _ in top), default=0.0)
    odds = [(math.exp(s - best), docnum) for s, docnum in top]
    total = sum(o for o, _ in odds) or 1.0
    model: Counter[str] = Counter()
    for odd, docnum in odds:
        stored = reader.stored_fields(docnum)
        terms = stem_terms(" ".join(filter(None, [stored.get("title"), stored.get("text")])))
        if not terms:
            continue
        doc_weight = odd / total
        for term, tf in Counter(terms).items():
            model[term] += doc_weight * tf / len(terms)
    return dict(model)


def expansion_terms(reader, top: list, n_query_terms: int) -> list[tuple[str, str, float]]:
    """(field, stemmed term, boost) for the FEEDBACK_TERMS strongest relevance-model words.

    In RM3 the final query is ORIGINAL_WEIGHT·(each original word 1/n) + (1 −
    ORIGINAL_WEIGHT)·P(w|R). The product's original words score with boost 1 each, so an
    expansion word gets boost (1 − λ)/λ · n · P(w|R) on the same scale. Engine-neutral:
    `reader.stored_fields(handle)` gives each top article's stored title and text.
    """
    model = relevance_model(reader, top[:FEEDBACK_DOCS])
    best = sorted(model.items(), key=lambda kv: (-kv[1], kv[0]))[:FEEDBACK_TERMS]
    mass = sum(p for _, p in best)
    if not mass:
        return []
    scale = (1 - ORIGINAL_WEIGHT) / ORIGINAL_WEIGHT * max(n_query_terms, 1) / mass
    return [
        (name, term, scale * p * weight)
        for term, p in best
        for name, weight in (("body", 1.0), ("title", TITLE_WEIGHT))
    ]


def expansion(reader, top: list[tuple[float, int]], n_query_terms: int) -> list[wq.Query]:
    """Weighted Term queries for the strongest relevance-model words (expansion_terms)."""
    return [
        wq.Term(name, term, boost=boost)
        for name, term, boost in expansion_terms(reader, top, n_query_terms)
    ]


def expand(evaluator, q: wq.Query, n_query_terms: int, filter_q=None) -> wq.Query:
    """`q` re-ranked by its relevance-model words (unchanged if it matches nothing).

    The added words only re-rank what `q` matches (AndMaybe): every result still holds one
    of the user's words, so the total, the "any of" description and the highlights stay true.
    """
    ranked = evaluator.top(evaluator.matches(q, filter_q), FEEDBACK_DOCS)
    extra = expansion(evaluator.reader, ranked, n_query_terms)
    return wq.AndMaybe(q, wq.Or(extra)) if extra else q
