"""The article-extraction-benchmark score: 4-token shingles, per-page normalised, mean P and R."""

from __future__ import annotations

import re
import unicodedata
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


# WCXB (wcxb-dev README): bags of \w+ tokens, per-page P/R/F1, plain means over pages.
_WORDS = re.compile(r"\w+")


@dataclass(frozen=True)
class BagScore:
    """One page's word-bag precision, recall and F1."""

    precision: float
    recall: float
    f1: float


def bag_score(output: str, truth: str) -> BagScore:
    """WCXB's per-page score, with its edge cases (empty output scores 0; empty truth 1 or 0)."""
    out = Counter(_WORDS.findall((output or "").lower()))
    gold = Counter(_WORDS.findall((truth or "").lower()))
    if not gold:
        return BagScore(1.0, 1.0, 1.0) if not out else BagScore(0.0, 0.0, 0.0)
    if not out:
        return BagScore(0.0, 0.0, 0.0)
    overlap = sum((out & gold).values())
    p, r = overlap / sum(out.values()), overlap / sum(gold.values())
    return BagScore(p, r, 2 * p * r / (p + r) if overlap else 0.0)


def _title_tokens(text: str) -> Counter[str]:
    return Counter(_WORDS.findall(unicodedata.normalize("NFKC", text or "").casefold()))


def title_right(output: str | None, truth: str) -> bool:
    """Right when the token F1 of the two titles (NFKC, casefold, \\w+) is at least 0.9."""
    out, gold = _title_tokens(output or ""), _title_tokens(truth)
    overlap = sum((out & gold).values())
    if not overlap:
        return False
    p, r = overlap / sum(out.values()), overlap / sum(gold.values())
    return 2 * p * r / (p + r) >= 0.9


def date_right(output: str | None, truth: str) -> bool:
    """Right when the output's date names the same calendar day as the full truth date."""
    return bool(output) and output[:10] == truth[:10]
