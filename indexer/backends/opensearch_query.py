"""The query tree compiled to OpenSearch's query DSL, and the engine `search.answer` runs on.

The weights are the Whoosh backend's (indexer/query.py, every constant from
ranking.PARAMS): a title match counts title_weight, the unstemmed sub-field adds
exact_weight, a word written n times in the query counts ranking.qtf_weight(n) (the policy's
plan carries the weights), consecutive query words near each other earn a proximity bonus,
and any-of queries are re-ranked by the same RM3 feedback (feedback.py) over the top
articles' stored text. Snippets come from the product's own highlighter over the
stored text, so they are the same safe HTML on both backends.
"""

from __future__ import annotations

import re
import time

from opensearchpy.exceptions import TransportError
from rapidfuzz.distance import OSA

from .. import feedback, highlight, ranking
from ..analysis import STOPWORDS, source_words, stem
from ..query import (
    And,
    Node,
    Not,
    Or,
    Phrase,
    Prefix,
    Source,
    Word,
    positive_words,
)
from ..search import FACET_VALUES, Hit, SearchRequest, _Run, stored_hit
from ..suggest import EXACT_FIELDS, counted_words, max_edits, respell
from ..suggest import MAX_WORD_CHARS as MAX_CHARS
from ..suggest import MIN_WORD_CHARS as MIN_CHARS
from . import opensearch_batch as batch

# Whoosh field names (what the policy and feedback speak) -> this mapping's fields.
FIELDS = {
    "body": "text",
    "title": "title",
    "body_exact": "text.exact",
    "title_exact": "title.exact",
}
# Stored fields a result needs.
SOURCE_FIELDS = ["id", "title", "date", "source", "site", "story", "text"]
# Other copies listed per story: OpenSearch's inner-hits window (index.max_inner_result_window,
# 100 by default) holds the copy itself and up to 99 others.
VERSIONS = 100
MATCH_ALL = {"match_all": {}}
# The least time a search is given: a shard given less fails rather than answering partially.
MIN_TIMEOUT_MS = 50
SUGGEST_OPTIONS = 50  # term-suggester candidates asked for per word and field
# Lucene refuses a query of more than 1024 term clauses in all (OpenSearch's
# indices.query.bool.max_clause_count, a node setting the product cannot rely on changing).
# A word costs up to 4 (stemmed and exact, text and title) and 2 more in an any-of query's
# plain run (its stemmed text and title), RM3 adds 2 per expansion word, and a proximity bonus
# 4 per field (its two words and the ordered-interval check).
MAX_CLAUSES = 1000  # 1024 with room for the filters
WORD_CLAUSES = 4
PLAIN_CLAUSES = 2
BONUS_CLAUSES = 4
# RM3's words at up to 20 (bench sweeps)
MAX_WORDS = (MAX_CLAUSES - 2 * 20) // (WORD_CLAUSES + PLAIN_CLAUSES)
_TERM = re.compile(r"(?:^|\s|\()\+?([\w.]+\.exact):(\S+?)(?:\^[\d.]+)?(?=\s|\)|$)")


def _weight(name: str) -> float:
    return ranking.PARAMS.title_weight if name.startswith("title") else 1.0


def _exact_boost(name: str) -> float:
    """A phrase or prefix matches exact forms only: both shares of a word's weight."""
    return _weight(name) * (1 + ranking.PARAMS.exact_weight)


def _scored_if(name: str, words, check: dict, boost: float) -> dict:
    """Documents passing `check` (a phrase, words near each other), scored as the sum of the
    words' own scores times `boost`: how the Whoosh backend scores phrases (evaluate.py), where
    Lucene's phrase scoring would discount sloppy matches and weigh the phrase as one term.
    Both backends keep a dropped stopword's position, so max_gaps proximity_slop allows the
    same words between a pair as the Whoosh backend's proximity check."""
    scored = [{"match": {name: {"query": w, "boost": boost}}} for w in words]
    return {"bool": {"filter": [check], "must": scored}}


def _should(clauses: list[dict]) -> dict:
    return {"bool": {"should": clauses, "minimum_should_match": 1}}


class Compiler:
    """Query trees -> DSL; like indexer.query.Compiler, prefixes are capped (and say so)."""

    def __init__(self, engine: OpenSearchEngine, max_prefix_terms: int):
        self.engine = engine
        self.max_prefix_terms = max_prefix_terms
        self.capped_prefixes: list[str] = []

    def compile(self, node: Node) -> dict:
        if isinstance(node, Word):
            return self.word(node.text, node.field)
        if isinstance(node, Phrase):
            return self.phrase(node)
        if isinstance(node, Prefix):
            return self.prefix(node)
        if isinstance(node, Source):
            return self.source(node.name)
        if isinstance(node, Not):
            return {"bool": {"must": [MATCH_ALL], "must_not": [self.compile(node.child)]}}
        if isinstance(node, Or):
            return _should([self.compile(c) for c in node.children])
        return self.conjunction(node.children)

    def conjunction(self, children) -> dict:
        pos = [self.compile(c) for c in children if not isinstance(c, Not)]
        neg = [self.compile(c.child) for c in children if isinstance(c, Not)]
        return {"bool": {"must": pos or [MATCH_ALL], "must_not": neg}}

    def weighted(self, node: Node, boost: float) -> dict:
        """`node` counted `boost` times (a word repeated in the query: ranking.qtf_weight)."""
        if isinstance(node, Word):
            return self.word(node.text, node.field, boost)
        return self.compile(node)

    def word(self, w: str, fieldname: str | None, boost: float = 1.0) -> dict:
        """Stemmed and exact forms in title (weighted) and text; stopwords only exactly."""
        names = ["title"] if fieldname == "title" else ["text", "title"]
        exact = ranking.PARAMS.exact_weight
        clauses = []
        for name in names:
            weight = boost * _weight(name)
            if w not in STOPWORDS:
                clauses.append({"match": {name: {"query": w, "operator": "and", "boost": weight}}})
            if exact or w in STOPWORDS:  # a stopword is only in the exact fields
                match = {"query": w, "operator": "and", "boost": weight * (exact or 1.0)}
                clauses.append({"match": {f"{name}.exact": match}})
        return _should(clauses)

    def plain_run(self, weighted) -> list[dict]:
        """ranking.plain_run's words for an any-of query (CombSUM with the full run): each
        word at its query weight as its stemmed matches alone (`word` without the exact
        forms), plus BM25+'s δ·idf (ranking.lower_bound) when a document holds it. The bound
        is function_score's constant added to the match's score: a constant_score beside
        the match would score the same at twice the term clauses (MAX_CLAUSES)."""
        weight = ranking.PARAMS.plain_run_weight
        words = _plain_words(weighted) if weight else []
        if not words:
            return []
        reader = self.engine.reader
        reader.ask(_plain_terms(weighted))  # known already unless feedback ran out of time
        n = reader.doc_count()
        clauses = []
        for node, boost in words:
            match = {"bool": {"should": _stemmed_matches(node, boost), "boost": weight}}
            bound = ranking.lower_bound(reader, _stemmed(node), boost, n)
            if bound:
                match = {
                    "function_score": {
                        "query": match,
                        "functions": [{"weight": weight * bound}],
                        "boost_mode": "sum",
                    }
                }
            clauses.append(match)
        return clauses

    def _exact_names(self, fieldname: str | None) -> list[str]:
        return ["title.exact"] if fieldname == "title" else ["text.exact", "title.exact"]

    def phrase(self, node: Phrase) -> dict:
        text = " ".join(node.words)
        return _should(
            [
                _scored_if(name, node.words, {"match_phrase": {name: text}}, _exact_boost(name))
                for name in self._exact_names(node.field)
            ]
        )

    def prefix(self, node: Prefix) -> dict:
        """At most max_prefix_terms expansions (OpenSearch's top_terms rewrite)."""
        names = self._exact_names(node.field)
        if self.engine.prefix_terms(names, node.text, self.max_prefix_terms + 1) > (
            self.max_prefix_terms
        ):
            self.capped_prefixes.append(node.text)
        rewrite = f"top_terms_blended_freqs_{self.max_prefix_terms}"
        return _should(
            [
                {
                    "prefix": {
                        name: {
                            "value": node.text,
                            "rewrite": rewrite,
                            "boost": _exact_boost(name),
                        }
                    }
                }
                for name in names
            ]
        )

    def source(self, name: str) -> dict:
        """The exact source, or sources whose path contains all these words (unscored)."""
        options: list[dict] = [{"term": {"source": name}}]
        if source_words(name):
            options.append({"match": {"source_words": {"query": name, "operator": "and"}}})
        return {"constant_score": {"filter": _should(options), "boost": 1.0}}

    def proximity(self, sequence: list[Node]) -> list[dict]:
        """Bonus clauses for consecutive query words found near each other (stemmed): each
        pair of stems once, as on Whoosh, however often the query repeats it."""
        params = ranking.PARAMS
        if not params.proximity_weight:
            return []
        plain = [
            c.text if c.text not in STOPWORDS else None
            for c in sequence
            if isinstance(c, Word) and c.field is None
        ]
        pairs: dict[tuple[str, str], tuple[str, str]] = {}
        for a, b in zip(plain, plain[1:], strict=False):
            if a and b and stem(a) != stem(b):
                pairs.setdefault((stem(a), stem(b)), (a, b))
        return [
            _scored_if(
                name,
                (a, b),
                {
                    "intervals": {
                        name: {
                            "match": {
                                "query": f"{a} {b}",
                                "ordered": True,
                                "max_gaps": params.proximity_slop,
                            }
                        }
                    }
                },
                params.proximity_weight * _weight(name),
            )
            for a, b in pairs.values()
            for name in ("text", "title")
        ]


class Reader:
    """What the policy, feedback and did-you-mean read of the index: counts and stored text."""

    def __init__(self, engine: OpenSearchEngine):
        self.engine = engine
        self._df: dict[tuple[str, str], int] = {}
        self._count: int | None = None
        self.stored: dict[str, dict] = {}
        # Spelling candidates whose count the suggester did not give (a list cut at
        # SUGGEST_OPTIONS): did-you-mean may ask several, so the first miss counts them all.
        self.uncounted: set[tuple[str, str]] = set()

    def doc_count(self) -> int:
        if self._count is None:
            self._count = self.engine.count(MATCH_ALL)
        return self._count

    def doc_frequency(self, field: str, term: str) -> int:
        key = (field, term)
        if key not in self._df:
            self.engine.read_options()  # a candidate's count may be in a list not read yet
        if key not in self._df:
            wanted = sorted({key} | self.uncounted - self._df.keys())
            self.uncounted.clear()
            queries = [{"term": {FIELDS[name]: word}} for name, word in wanted]
            self._df.update(zip(wanted, self.engine.counts(queries, []), strict=True))
        return self._df[key]

    def ask(self, keys: list[tuple[str, str]]) -> None:
        """Count the (field, term)s not known yet with doc_frequency's next round trip."""
        self.uncounted.update(k for k in keys if k not in self._df)

    def stored_fields(self, handle: str) -> dict:
        return self.stored[handle]


class OpenSearchEngine:
    """One request's engine over the alias (see indexer/backend.py for what `answer` asks)."""

    max_terms = MAX_WORDS  # beyond it Lucene refuses the query (MAX_CLAUSES)

    def __init__(self, client, index: str, limits, deadline: float):
        self.client = client
        self.index = index
        self.deadline = deadline
        self.reader = Reader(self)
        self.compiler = Compiler(self, limits.max_prefix_terms)
        self.options: dict[str, list[str]] = {}  # word -> its term-suggester candidates
        # word -> the term suggester's answer, read when did-you-mean first asks for the word:
        # most queries' words are common and never respelled (~0.2 ms a search to read).
        self.suggested: dict[str, dict] = {}
        self.shards_failed = False  # some shard copy did not answer: results are partial
        # Documents under the request's filters holding every word of a respelling.
        self.conjunctions: dict[tuple[Word, ...], int] = {}
        # Did-you-mean's counts for the next search to carry (opensearch_batch.py).
        self.pending: tuple[batch.Prefetch, list[dict]] | None = None

    @property
    def capped_prefixes(self) -> list[str]:
        return self.compiler.capped_prefixes

    # --- calls ------------------------------------------------------------------------------

    def _left_ms(self) -> int:
        return max(MIN_TIMEOUT_MS, int((self.deadline - time.monotonic()) * 1000))

    def _expired(self) -> bool:
        return time.monotonic() > self.deadline

    def count(self, query: dict, filters: list[dict] | None = None) -> int:
        body = {"query": {"bool": {"must": [query], "filter": filters or []}}}
        return self.client.count(index=self.index, body=body)["count"]

    def counts(self, queries: list[dict], filters: list[dict]) -> list[int]:
        """The documents passing `filters` that match each of `queries`, in one round trip
        (a `filters` aggregation; one query is a plain count)."""
        if len(queries) == 1:
            return [self.count(queries[0], filters)]
        body = {
            "size": 0,
            "track_total_hits": False,
            "query": {"bool": {"filter": filters}},
            "aggs": {"n": {"filters": {"filters": {str(i): q for i, q in enumerate(queries)}}}},
        }
        buckets = self.client.search(index=self.index, body=body)["aggregations"]["n"]["buckets"]
        return [buckets[str(i)]["doc_count"] for i in range(len(queries))]

    def prefix_terms(self, names: list[str], prefix: str, cap: int) -> int:
        """How many indexed words (up to `cap`) start with `prefix` in `names`: the query
        rewritten by top_terms_`cap`, read back from _validate (every shard's)."""
        body = {
            "query": _should(
                [{"prefix": {n: {"value": prefix, "rewrite": f"top_terms_{cap}"}}} for n in names]
            )
        }
        answer = self.client.indices.validate_query(
            index=self.index, body=body, params={"rewrite": "true", "all_shards": "true"}
        )
        found = set()
        for item in answer.get("explanations", []):
            found.update(_TERM.findall(item.get("explanation", "")))
        return len({term for _, term in found})

    def _search(self, body: dict) -> dict | None:
        """The answer, or None when the time budget ran out and the cluster gave up on the
        search (a shard whose rewrite or suggest phase times out fails instead of answering
        partially)."""
        body["timeout"] = f"{self._left_ms()}ms"
        if self.pending is not None:
            return self._search_with_counts(body)
        try:
            answer = self.client.search(index=self.index, body=body)
            self.shards_failed |= bool(answer.get("_shards", {}).get("failed"))
            return answer
        except TransportError as exc:
            if exc.status_code == 500 and self._expired():
                return None
            raise

    def _search_with_counts(self, body: dict) -> dict | None:
        """`body` and the pending did-you-mean counts in one `_msearch`. A search the node
        answered with an error (a missing index, a shard copy lost mid-search) is sent again
        alone, so it fails or is retried exactly as a plain search; lost counts are asked
        again when respell needs them."""
        counts, filters = self.pending
        self.pending = None
        found, counted = self.client.msearch(
            index=self.index, body=[{}, body, {}, counts.body(self, filters)]
        )["responses"]
        if "error" not in counted:
            counts.remember(self, counted)
        if "error" in found:
            if found.get("status") == 500 and self._expired():
                return None  # as _search: the cluster gave up on a search out of time
            return self._search(body)
        self.shards_failed |= bool(found.get("_shards", {}).get("failed"))
        return found

    def prefetch(self, words: list[str]) -> None:
        """Every word's document count in the stemmed fields in one request: what the
        long-query trimming (search.understand) asks of `reader` word by word."""
        wanted = {
            f"{name}|{stem(w)}": {"term": {FIELDS[name]: stem(w)}}
            for w in set(words)
            for name in ("body", "title")
        }
        body = {"size": 0, "aggs": {"words": {"filters": {"filters": wanted}}}}
        answer = self.client.search(index=self.index, body=body)
        self.reader._count = answer["hits"]["total"]["value"]
        for key, bucket in answer["aggregations"]["words"]["buckets"].items():
            name, term = key.split("|", 1)
            self.reader._df[(name, term)] = bucket["doc_count"]

    # --- what answer() calls ----------------------------------------------------------------

    def run(self, mode: str, plan, request: SearchRequest, limit: int) -> _Run:
        """Run the plan's weighted concepts as "all" (every one required), "any" or
        "feedback" (any, re-ranked by RM3), as WhooshEngine.run builds them."""
        compiler = self.compiler
        filters = _filters(request)
        parts = [compiler.weighted(c, w) for c, w in plan.weighted]
        if mode == "all":
            q = {"bool": {"must": parts or [MATCH_ALL]}}
        else:
            q = {"bool": {"should": parts, "minimum_should_match": 1}}
        if plan.negatives:
            q["bool"]["must_not"] = [compiler.compile(n) for n in plan.negatives]
        # Bonuses past the clause budget are left out (the first pairs of the query kept):
        # every word is still scored, only the nearness re-ranking of a very long query is cut.
        per_word = WORD_CLAUSES + PLAIN_CLAUSES * (mode == "feedback")
        spare = MAX_CLAUSES - per_word * len(parts) - 2 * ranking.PARAMS.feedback_terms
        bonus = compiler.proximity(plan.sequence)[: max(0, spare) // BONUS_CLAUSES]
        if bonus:
            q = {"bool": {"must": [q], "should": bonus}}
        if mode == "feedback":
            q = self._expand(q, plan.mass, filters, _plain_terms(plan.weighted))
            plain = compiler.plain_run(plan.weighted)  # CombSUM: optional, it only re-ranks
            q = {"bool": {"must": [q], "should": plain}} if plain else q
        # A run after the first (the any-of fallback) knows every word's spelling candidates:
        # did-you-mean's counts go with it. The plan's words in query order are the positive
        # words respell reads of the tree.
        counts = batch.prefetch(self, request.q, _group(plan.sequence))
        self.pending = (counts, filters) if counts else None
        return self._run(q, request, filters, limit, plan.nodes)

    def _expand(self, q: dict, query_mass: float, filters: list[dict], wanted) -> dict:
        """`q` re-ranked by its relevance-model words, as feedback.expand does for Whoosh;
        the index's counts of the (field, term)s `wanted` (the plain run's) come with it."""
        body = {
            "query": {"bool": {"must": [q], "filter": filters}},
            "size": ranking.PARAMS.feedback_docs,
            "_source": ["title", "text"],
            "aggs": {"index": self._counts(wanted)},
        }
        answer = self._search(body)
        if answer is None:
            return q
        self._remember(answer["aggregations"]["index"])
        top = []
        for hit in answer["hits"]["hits"]:
            self.reader.stored[hit["_id"]] = hit["_source"]
            # Feedback weighs articles by exp(score): Lucene's BM25 scores are on Whoosh's
            # scale already (both leave out BM25's constant k1 + 1 factor).
            top.append((hit["_score"], hit["_id"]))
        extra = [
            {"term": {FIELDS[name]: {"value": term, "boost": boost}}}
            for name, term, boost in feedback.expansion_terms(self.reader, top, query_mass)
        ]
        return {"bool": {"must": [q], "should": extra}} if extra else q

    def _frequencies(self, concepts) -> dict:
        """An aggregation over the whole index counting the documents of each query word in
        the exact fields, and the index's size: what the long-query trimming and did-you-mean
        would otherwise ask in a round trip per word."""
        words = {w.text for w in positive_words(_group(concepts)) if isinstance(w, Word)}
        return self._counts([(name, w) for w in words for name in EXACT_FIELDS])

    def _counts(self, wanted) -> dict:
        """An aggregation over the whole index counting the documents of each (field, term)
        not known yet, and the index's size (read back by _remember)."""
        filters = {
            f"{name}|{term}": {"term": {FIELDS[name]: term}}
            for name, term in wanted
            if (name, term) not in self.reader._df
        }
        return {
            "global": {},
            "aggs": {"words": {"filters": {"filters": filters}}} if filters else {},
        }

    def _remember(self, counts: dict) -> None:
        self.reader._count = counts["doc_count"]
        for key, bucket in counts.get("words", {}).get("buckets", {}).items():
            name, word = key.split("|", 1)
            self.reader._df[(name, word)] = bucket["doc_count"]

    def _run(self, q: dict, request: SearchRequest, filters, limit: int, concepts) -> _Run:
        first = limit - request.per_page
        body = {
            "query": {"bool": {"must": [q], "filter": filters}},
            "from": first,
            "size": request.per_page,
            "track_total_hits": True,
            "_source": SOURCE_FIELDS,
            "aggs": {
                "source": _terms("source"),
                "sources": _distinct("source"),
                "site": _terms("site"),
                "sites": _distinct("site"),
                "stories": _distinct("story"),
                "year": _histogram("year", "yyyy", "desc"),
                "month": _histogram("month", "yyyy-MM", "asc"),
                "index": self._frequencies(concepts),
            },
        }
        typed = [w for w in _typed_words(concepts) if not self.has_options(w)]
        if typed:
            body["suggest"] = _suggesters(typed)
        if request.sort == "newest":
            body["sort"] = [{"date": {"order": "desc", "missing": "_last"}}, "_score"]
            body["track_scores"] = True
        if request.collapse:
            body["collapse"] = COLLAPSE  # one hit per story, its best-ranked copy
        answer = self._search(body)
        if answer is None:  # out of time: nothing found, and the response says so
            return _Run([], 0, {name: ([], 0) for name in FACETS}, True)
        hits = answer["hits"]["hits"]
        if not request.collapse and hits:
            self._copies(q, filters, hits)
        # answer() slices the page out of the top `limit`: the pages before are placeholders.
        ranked = [(0.0, None)] * first + [(hit["_score"] or 0.0, _stored(hit)) for hit in hits]
        aggs = answer.get("aggregations", {})
        self._remember(aggs["index"])
        if typed:
            self._remember_options(typed, answer.get("suggest", {}))
        sources = [(b["key"], b["doc_count"]) for b in aggs["source"]["buckets"]]
        sites = [(b["key"], b["doc_count"]) for b in aggs["site"]["buckets"]]
        years = [(b["key_as_string"], b["doc_count"]) for b in aggs["year"]["buckets"]]
        months = [(b["key_as_string"], b["doc_count"]) for b in aggs["month"]["buckets"]]
        facets = {
            "source": (sources, aggs["sources"]["value"]),
            "site": (sites, aggs["sites"]["value"]),
            "year": (years[:FACET_VALUES], len(years)),
            "month": (months, len(months)),
        }
        total = answer["hits"]["total"]["value"]
        timed_out = bool(answer.get("timed_out"))
        return _Run(ranked, total, facets, timed_out, stories=aggs["stories"]["value"])

    def _copies(self, q: dict, filters: list[dict], hits: list[dict]) -> None:
        """Not collapsed, the page lists copies one by one: ask for the matching copies of
        the page's stories (collapsed on story, as a collapsed search gets them)."""
        wanted = sorted({hit["_source"]["story"] for hit in hits})
        body = {
            "query": {"bool": {"must": [q], "filter": [*filters, {"terms": {"story": wanted}}]}},
            "size": len(wanted),
            "_source": ["story"],
            "collapse": COLLAPSE,
        }
        found = {hit["_source"]["story"]: hit for hit in self._search(body)["hits"]["hits"]}
        for hit in hits:
            hit["inner_hits"] = found.get(hit["_source"]["story"], {}).get("inner_hits", {})

    def hits(self, run: _Run, ranked: list, matcher: highlight.Matcher) -> list[Hit]:
        return [
            stored_hit(score, stored, matcher) for score, stored in ranked if stored is not None
        ]

    def suggest(self, q: str, node: Node, request: SearchRequest) -> str | None:
        filters = _filters(request)
        compiler = Compiler(self, 1)
        # Everything respell will count, in one round trip (unless the last search took it).
        counts = batch.prefetch(self, q, node)
        if counts:
            counts.remember(
                self, self.client.search(index=self.index, body=counts.body(self, filters))
            )
        # respell counts the respelled query and then, mostly, the query as typed (its
        # non-stopwords): asked for the first, both are counted in one round trip.
        typed = tuple(counted_words(node))
        found = self.conjunctions

        def count_all(words: list[Word]) -> int:
            key = tuple(words)
            if key not in found:
                asked = [key] + [typed] * (typed != key and typed not in found)
                queries = [compiler.conjunction(list(k)) for k in asked]
                found.update(zip(asked, self.counts(queries, filters), strict=True))
            return found[key]

        return respell(q, node, self.reader, count_all, self._candidates)

    def _candidates(self, reader, word: str, limit: int) -> dict[str, int]:
        """Indexed words within `limit` edits of `word` (OpenSearch's term suggester finds
        them, on the main search when it could; the distance is counted as on Whoosh)."""
        if not self.has_options(word):
            answer = self.client.search(
                index=self.index, body={"size": 0, "suggest": _suggesters([word])}
            )
            self._remember_options([word], answer.get("suggest", {}))
        if word in self.suggested:
            self._read_options(word, self.suggested.pop(word))
        found: dict[str, int] = {}
        for cand in self.options[word]:
            dist = OSA.distance(word, cand)
            if cand != word and dist <= limit:
                found[cand] = min(dist, found.get(cand, dist))
        return found

    def has_options(self, word: str) -> bool:
        """Whether the term suggester has answered for `word` (read or not)."""
        return word in self.options or word in self.suggested

    def _remember_options(self, words, suggest: dict) -> None:
        self.suggested.update(dict.fromkeys(words, suggest))

    def read_options(self) -> None:
        """Read every answer kept: before any count is asked, so the suggester's counts are
        used wherever they were, as when the lists were read with the search."""
        while self.suggested:
            self._read_options(*self.suggested.popitem())

    def _read_options(self, word: str, suggest: dict) -> None:
        """The word's candidates, and their document counts in both exact fields (a field
        whose list was not cut at SUGGEST_OPTIONS lacks a candidate because it has none)."""
        options: dict[str, dict[str, int]] = {}
        complete = []
        for name in EXACT_FIELDS:
            entries = suggest.get(f"{name}|{word}", [])
            listed = [o for entry in entries for o in entry.get("options", [])]
            for option in listed:
                options.setdefault(option["text"], {})[name] = option["freq"]
            if len(listed) < SUGGEST_OPTIONS:
                complete.append(name)
        # After both lists: a title-only candidate is in no text either when the text's
        # list was complete (it used to be counted in a request of its own).
        df, limit = self.reader._df, max_edits(word)
        for cand, counts in options.items():
            for name in complete:
                counts.setdefault(name, 0)
            for name, freq in counts.items():
                df.setdefault((name, cand), freq)
            # The distance only for a candidate still lacking a count (most have both).
            missing = [(name, cand) for name in EXACT_FIELDS if (name, cand) not in df]
            if missing and cand.isalpha() and OSA.distance(word, cand) <= limit:
                self.reader.uncounted.update(missing)
        self.options[word] = list(options)


def _plain_words(weighted) -> list[tuple[Word, float]]:
    """The weighted concepts the plain run scores: words with a stemmed form (as
    ranking.plain_run finds them in the compiled Whoosh words)."""
    return [(c, w) for c, w in weighted if isinstance(c, Word) and c.text not in STOPWORDS]


def _plain_terms(weighted) -> list[tuple[str, str]]:
    """The stemmed (field, term)s the plain run counts (ranking.lower_bound's idf)."""
    return [key for node, _ in _plain_words(weighted) for key in _stemmed(node)]


def _stemmed(node: Word) -> list[tuple[str, str]]:
    """A word's stemmed (field, term)s, in Whoosh's field names (`Compiler.word`'s)."""
    names = ["title"] if node.field == "title" else ["body", "title"]
    return [(name, stem(node.text)) for name in names]


def _stemmed_matches(node: Word, boost: float) -> list[dict]:
    """A word's stemmed matches (`Compiler.word` without the exact forms) weighted `boost`."""
    return [
        {
            "match": {
                FIELDS[name]: {
                    "query": node.text,
                    "operator": "and",
                    "boost": boost * _weight(name),
                }
            }
        }
        for name, _ in _stemmed(node)
    ]


def _typed_words(concepts) -> list[str]:
    """The query words did-you-mean may respell (suggest.respell decides which it does)."""
    words = {w.text for w in positive_words(_group(concepts)) if isinstance(w, Word)}
    return sorted(
        w for w in words if w.isalpha() and w not in STOPWORDS and MIN_CHARS <= len(w) <= MAX_CHARS
    )


def _suggesters(words) -> dict:
    """Term suggesters for `words` in both exact fields, as many edits as respell may make
    (suggest.max_edits). A word of 3-5 letters is respelled by one edit only: asking two
    cost the node 2-6 ms more on the 4-letter unknown words of the slowest fallback queries,
    and its list holds the same one-edit candidates (Lucene tries one edit first, and they
    all score above any two-edit one), complete more often."""
    return {
        f"{name}|{word}": {
            "text": word,
            "term": {
                "field": FIELDS[name],
                "max_edits": max_edits(word),
                "suggest_mode": "always",
                "string_distance": "damerau_levenshtein",
                "size": SUGGEST_OPTIONS,
                "prefix_length": 0,
                "min_word_length": 2,
            },
        }
        for word in words
        for name in EXACT_FIELDS
    }


def _group(concepts) -> Node | None:
    return And(tuple(concepts)) if concepts else None


def _filters(request: SearchRequest) -> list[dict]:
    filters: list[dict] = []
    if request.date_from or request.date_to:
        bounds = {"gte": request.date_from, "lte": request.date_to}
        filters.append({"range": {"date": {k: v for k, v in bounds.items() if v}}})
    if request.source:
        filters.append({"term": {"source": request.source}})
    if request.site:
        filters.append({"term": {"site": request.site}})
    return filters


FACETS = ("source", "site", "year", "month")
COLLAPSE = {
    "field": "story",
    "inner_hits": {"name": "versions", "size": VERSIONS, "_source": ["id"], "sort": ["id"]},
}


def _terms(field: str) -> dict:
    """The FACET_VALUES values of `field` with most matches, ties by value."""
    order = [{"_count": "desc"}, {"_key": "asc"}]
    return {"terms": {"field": field, "size": FACET_VALUES, "order": order}}


def _distinct(field: str) -> dict:
    """How many distinct values of `field` match (exact below 40,000, OpenSearch's most)."""
    return {"cardinality": {"field": field, "precision_threshold": 40000}}


def _histogram(interval: str, fmt: str, order: str) -> dict:
    """Matches per calendar year or month with any, as Whoosh's year and month facets."""
    return {
        "date_histogram": {
            "field": "date",
            "calendar_interval": interval,
            "format": fmt,
            "min_doc_count": 1,
            "order": {"_key": order},
        }
    }


def _stored(hit: dict) -> dict:
    """A hit's stored fields, with the ids of its story's other matching copies."""
    stored = hit["_source"]
    inner = hit.get("inner_hits", {}).get("versions", {}).get("hits", {}).get("hits", [])
    stored["versions"] = [h["_source"]["id"] for h in inner if h["_source"]["id"] != stored["id"]]
    return stored
