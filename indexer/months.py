"""The month facet: how many matching documents each month has, oldest month first."""

from __future__ import annotations

import sys
from itertools import groupby

from .evaluate import Evaluator, Matches


def month_facet(evaluator: Evaluator, matches: Matches) -> tuple[list[tuple[str, int]], int]:
    """Every "YYYY-MM" with matches, in order, with its count, and how many months there are.

    Counted from the date column over all matches (not the page); undated documents are in
    no month. The date facet lists days newest first, so it is read backwards."""
    days, _ = evaluator.facet(matches, "date", sys.maxsize, by_count=False)
    months = [
        (month, sum(count for _, count in group))
        for month, group in groupby(reversed(days), key=lambda item: item[0][:7])
    ]
    return months, len(months)
