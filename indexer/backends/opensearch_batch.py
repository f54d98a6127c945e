"""Did-you-mean's counts asked before did-you-mean asks for them, so they travel together.

suggest.respell needs, after the main search, counts the main search could not carry, since
the spelling candidates come back with it: the counts of candidates the term suggester's
lists left out, then the documents holding all the words of the query respelled and as
typed. Asked as respell reaches them, one round trip each, a query that found nothing and
fell back to any of its words made up to four requests (4 of the 200 Reuters benchmark
queries made 3 or 4, and 140 of 200 misspelled ones 3; docs/decisions.md, "OpenSearch
overhead, round 3"). `prefetch` runs respell dry over what the engine already knows and
collects everything it would ask; the engine sends that with its next search (one
`_msearch`) or, with none left, in one request.

Nothing here decides anything: the counts land in the same caches respell's own requests
fill, and respell then runs for real. A count the dry run did not foresee is asked the old
way, so a wrong guess costs a round trip, never a different answer.
"""

from __future__ import annotations

from dataclasses import dataclass

from ..query import Word
from ..suggest import counted_words, respell

# A count the dry run does not know yet is answered 0 (the candidate loses) or, for one
# candidate at a time, HUGE (it wins): between them every candidate respell could pick for
# one unknown word is foreseen, each adding at most two counts (respelled and as typed).
HUGE = 1 << 40
MAX_SCENARIOS = 16  # candidates tried as the winner; a count not foreseen is asked as before


class Unknown(Exception):
    """The dry run needs what only a search would tell (the index size, a word's candidates)."""


class _DryReader:
    """The engine's Reader answering from what is known, noting the counts it lacks."""

    def __init__(self, reader, winner: str | None):
        self.reader = reader
        self.winner = winner
        self.missing: set[tuple[str, str]] = set()

    def doc_count(self) -> int:
        if self.reader._count is None:
            raise Unknown
        return self.reader._count

    def doc_frequency(self, field: str, term: str) -> int:
        if (field, term) not in self.reader._df:
            self.reader.engine.read_options()  # as Reader.doc_frequency does before asking
        known = self.reader._df.get((field, term))
        if known is not None:
            return known
        self.missing.add((field, term))
        return HUGE if term == self.winner else 0


@dataclass
class Prefetch:
    """Counts to fetch in one request: (field, term)s over the whole index, and the
    conjunctions of words under the request's filters."""

    terms: list[tuple[str, str]]
    conjunctions: list[tuple[Word, ...]]

    def body(self, engine, filters: list[dict]) -> dict:
        from .opensearch_query import Compiler  # that module imports this one

        compiler = Compiler(engine, 1)
        aggs: dict = {"index": engine._counts(self.terms)} if self.terms else {}
        if self.conjunctions:
            queries = {
                str(i): compiler.conjunction(list(k)) for i, k in enumerate(self.conjunctions)
            }
            aggs["n"] = {"filters": {"filters": queries}}
        return {
            "size": 0,
            "track_total_hits": False,
            "query": {"bool": {"filter": filters}},
            "aggs": aggs,
        }

    def remember(self, engine, answer: dict) -> None:
        aggs = answer.get("aggregations", {})
        if "index" in aggs:
            engine._remember(aggs["index"])
        buckets = aggs.get("n", {}).get("buckets", {})
        for i, key in enumerate(self.conjunctions):
            engine.conjunctions[key] = buckets[str(i)]["doc_count"]


def prefetch(engine, q: str, node) -> Prefetch | None:
    """What respell(q, node) would ask of `engine` that it does not know, or None (nothing,
    or the engine's next search must first bring the candidates)."""
    typed = tuple(counted_words(node))
    asked: dict[tuple[Word, ...], None] = {}  # in the order respell asks

    def count_all(words: list[Word]) -> int:
        asked.update(dict.fromkeys((tuple(words), typed)))  # as respell's count_all does
        return engine.conjunctions.get(tuple(words), 1)  # unknown: respell goes on to "typed"

    def candidates(reader, word: str, limit: int) -> dict[str, int]:
        if not engine.has_options(word):
            raise Unknown
        return engine._candidates(reader, word, limit)

    def dry(winner: str | None) -> set[tuple[str, str]]:
        reader = _DryReader(engine.reader, winner)
        respell(q, node, reader, count_all, candidates)
        return reader.missing

    try:
        missing = dry(None)
        for term in sorted({term for _, term in missing})[:MAX_SCENARIOS]:
            missing |= dry(term)
    except Unknown:
        return None
    terms = sorted(missing)
    conjunctions = [key for key in asked if key not in engine.conjunctions]
    return Prefetch(terms, conjunctions) if terms or conjunctions else None
