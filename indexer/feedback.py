"""Pseudo-relevance feedback (RM3) for long, descriptive queries.

A pasted sentence ("what similarity laws must be obeyed when constructing aeroelastic
models of heated high speed aircraft") names its topic in words that the best matching
articles use alongside others (Cranfield's query 1 gains "aerothermoelastic", "parameter",
"test", "structure", and weight on "model", "similar", "law"). RM3 (Lavrenko & Croft's
relevance model, interpolated with the original query as in Anserini's BM25+RM3) takes the
top-ranked articles as if they were relevant, weights each of their words by how much of
each article it makes up and by how well the article matched, and adds the strongest words
to the query, the original query keeping `original_weight` of the mass.

Only any-of queries get this (search.py decides): a keyword query says exactly what it wants,
and expanding it would trade its precision for recall.
"""

from __future__ import annotations

import math
from collections import Counter

from whoosh import query as wq

from . import ranking
from .analysis import stem_terms

# How many documents, words and what weight: ranking.PARAMS (feedback_docs, feedback_terms,
# original_weight), started from Anserini's BM25+RM3 defaults (10, 10, 0.5) and chosen on
# the five test collections (docs/decisions.md).


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


def expansion_terms(reader, top: list, query_mass: float) -> list[tuple[str, str, float]]:
    """(field, stemmed term, boost) for the `feedback_terms` strongest relevance-model words.

    In RM3 the final query is λ·P(w|Q) + (1 − λ)·P(w|R), with P(w|Q) = qtf/|Q|. The
    product's original words score with boost qtf_weight each (summing to `query_mass`),
    so an expansion word gets boost (1 − λ)/λ · |Q| · P(w|R) on the same scale.
    Engine-neutral: `reader.stored_fields(handle)` gives each top article's stored title
    and text.
    """
    params = ranking.PARAMS
    model = relevance_model(reader, top[: params.feedback_docs])
    best = sorted(model.items(), key=lambda kv: (-kv[1], kv[0]))[: params.feedback_terms]
    mass = sum(p for _, p in best)
    lam = params.original_weight
    if not mass or not 0 < lam < 1:
        return []
    scale = (1 - lam) / lam * max(query_mass, 1.0) / mass
    return _fields([(term, scale * p) for term, p in best])


def _fields(weighted: list[tuple[str, float]]) -> list[tuple[str, str, float]]:
    """Each (term, boost) in the body and, weighted as titles are, in the title."""
    title = ranking.PARAMS.title_weight
    return [
        (name, term, boost * weight)
        for term, boost in weighted
        for name, weight in (("body", 1.0), ("title", title))
    ]


def expansion(reader, top: list[tuple[float, int]], query_mass: float) -> list[wq.Query]:
    """Weighted queries for the strongest relevance-model words (expansion_terms), each word's
    fields combined as a query word's are (ranking.word_query)."""
    words: dict[str, list[tuple[str, float]]] = {}
    for name, term, boost in expansion_terms(reader, top, query_mass):
        words.setdefault(term, []).append((name, boost))
    return [_word(term, fields) for term, fields in words.items()]


def _word(term: str, fields: list[tuple[str, float]]) -> wq.Query:
    """The word weighted by its body boost, each field by its share of it (the title's is
    title_weight)."""
    weight = dict(fields)["body"]
    return ranking.word_query([wq.Term(n, term, boost=b / weight) for n, b in fields], weight)


def expand(evaluator, q: wq.Query, query_mass: float, filter_q=None) -> wq.Query:
    """`q` re-ranked by its relevance-model words (unchanged if it matches nothing).

    The added words only re-rank what `q` matches (AndMaybe): every result still holds one
    of the user's words, so the total, the "any of" description and the highlights stay true.
    """
    ranked = evaluator.top(evaluator.matches(q, filter_q), ranking.PARAMS.feedback_docs)
    extra = expansion(evaluator.reader, ranked, query_mass)
    return wq.AndMaybe(q, wq.Or(extra)) if extra else q
