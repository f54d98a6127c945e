"""The month facet: how many matching documents each month has, oldest month first."""

from __future__ import annotations

import numpy as np

from .evaluate import Evaluator, Matches

# Where each month's days start in a generation's sorted date column, by the column's
# identity (arrays.py keeps one column object per generation). A few generations at most
# are open at once; the oldest entry goes first.
_STARTS: dict[int, tuple[list[str], np.ndarray, list[str]]] = {}
_KEEP = 4


def _month_starts(names: list[str]) -> tuple[np.ndarray, list[str]]:
    """(index of each month's first day in `names`, the months), undated ("") left out."""
    found = _STARTS.get(id(names))
    if found is None or found[0] is not names:
        starts, months = [], []
        for i, day in enumerate(names):
            if day and (not months or day[:7] != months[-1]):
                starts.append(i)
                months.append(day[:7])
        found = (names, np.array(starts, dtype=np.int64), months)
        while len(_STARTS) >= _KEEP:
            del _STARTS[next(iter(_STARTS))]
        _STARTS[id(names)] = found
    return found[1], found[2]


def month_facet(evaluator: Evaluator, matches: Matches) -> tuple[list[tuple[str, int]], int]:
    """Every "YYYY-MM" with matches, in order, with its count, and how many months there are.

    Counted from the date column over all matches (not the page), as vector sums over the
    days of each month; undated documents are in no month. The matches are read by their
    document numbers: indexing by the mask reads every document (24 against 8 µs)."""
    codes, names = evaluator.arrays.column(evaluator.reader, "date")
    starts, months = _month_starts(names)
    if not months:
        return [], 0
    per_day = np.bincount(codes[matches.docs], minlength=len(names))
    per_month = np.add.reduceat(per_day, starts)
    found = np.flatnonzero(per_month)
    return [(months[i], int(per_month[i])) for i in found], len(found)
