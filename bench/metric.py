"""The article-extraction-benchmark score: 4-token shingles, per-page normalised, mean P and R."""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass

_TOKEN = re.compile(r"\w+")


def shingles(text: str) -> Counter[tuple[str, ...]]:
    """Multiset of 4-token shingles; 1-3 tokens make one shingle, none make none."""
    tokens = _TOKEN.findall(text or "")
    if not tokens:
        return Counter()
    if len(tokens) < 4:
        return Counter([tuple(tokens)])
    return Counter(tuple(tokens[i : i + 4]) for i in range(len(tokens) - 3))


@dataclass(frozen=True)
class PageScore:
    """Normalised tp/fp/fn of one page (they sum to 1 unless both texts are empty)."""

    tp: float
    fp: float
    fn: float
    out_empty: bool
    truth_empty: bool

    @property
    def f1(self) -> float:
        denom = 2 * self.tp + self.fp + self.fn
        return 2 * self.tp / denom if denom else 0.0


def score_page(output: str, truth: str) -> PageScore:
    """Compare one page's output with its truth."""
    out, gold = shingles(output), shingles(truth)
    tp = sum((out & gold).values())
    fp = sum((out - gold).values())
    fn = sum((gold - out).values())
    total = tp + fp + fn
    if total:
        tp, fp, fn = tp / total, fp / total, fn / total
    return PageScore(tp, fp, fn, not out, not gold)


@dataclass(frozen=True)
class Summary:
    f1: float
    precision: float
    recall: float
    empty: int
    pages: int


def summarise(scores: list[PageScore]) -> Summary:
    """Mean precision over non-empty outputs, mean recall over non-empty truths, F1 of the two."""
    prec = [s.tp / (s.tp + s.fp) for s in scores if not s.out_empty and (s.tp + s.fp)]
    rec = [s.tp / (s.tp + s.fn) for s in scores if not s.truth_empty and (s.tp + s.fn)]
    p = sum(prec) / len(prec) if prec else 0.0
    r = sum(rec) / len(rec) if rec else 0.0
    f1 = 2 * p * r / (p + r) if p + r else 0.0
    return Summary(f1, p, r, sum(s.out_empty for s in scores), len(scores))
