"""The one function that turns a query into results: page, API and CLI all call `search`."""

from __future__ import annotations

import math
import re
import time
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from datetime import date

import numpy as np
from whoosh import query as wq

from . import arrays, feedback, highlight, ranking, stories
from .analysis import STOPWORDS, stem, words
from .config import SearchConfig
from .document import Document, doc_id
from .evaluate import Evaluator
from .months import month_facet
from .query import And, Compiler, Node, Not, Or, Phrase, Prefix, Word, describe, parse
from .schema import stored_document
from .suggest import suggest

# Up to ranking.PARAMS.keyword_terms words a query is a keyword query: every word is
# required. Longer ones are descriptions (a pasted sentence) where demanding every word finds
# almost nothing, so any word may match; BM25's sum over words ranks documents holding more
# of them higher.
SORTS = ("relevance", "newest")
_BOOLEANS = {"true": True, "1": True, "yes": True, "false": False, "0": False, "no": False}
# Facet values listed per response: every file is its own source, so a common word matches
# thousands; the response lists the top ones and says how many there are in all.
FACET_VALUES = 20
_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
# A page number as people type it: ASCII digits, maybe a minus sign (which the range check
# then answers: "page must be 1 or more"). int() would also take "1_0", "+2" and "٣".
_WHOLE = re.compile(r"-?[0-9]+")


class BadRequest(ValueError):
    """Parameters that make no sense (page 0, per_page 10000, no query): a 400."""

    def __init__(self, code: str, message: str):
        super().__init__(message)
        self.code = code
        self.message = message


@dataclass(frozen=True)
class SearchRequest:
    q: str
    page: int = 1
    per_page: int = 10
    date_from: str | None = None  # YYYY-MM-DD, inclusive
    date_to: str | None = None
    source: str | None = None
    sort: str = "relevance"  # or "newest"
    site: str | None = None
    collapse: bool = True  # one result per story (indexer/stories.py)


@dataclass
class Hit:
    id: str
    title: str | None
    date: str | None
    source: str
    score: float
    snippet: str  # safe HTML: escaped text, matches in <mark>
    fragments: list[str] = field(default_factory=list)
    site: str | None = None
    story: str | None = None
    versions: list[str] = field(default_factory=list)  # the story's other matching copies


@dataclass
class SearchResponse:
    query: str
    parsed: str
    total: int
    page: int
    per_page: int
    took_ms: float
    relaxed: bool
    results: list[Hit]
    notices: list[str] = field(default_factory=list)
    suggestion: str | None = None
    facets: dict[str, list[tuple[str, int]]] = field(default_factory=dict)
    facet_values: dict[str, int] = field(default_factory=dict)  # distinct values matched
    stories: int = 0  # distinct stories among the `total` matching documents


def _int_param(params: Mapping[str, str], name: str, default: int) -> int:
    raw = params.get(name)
    if raw is None or str(raw).strip() == "":
        return default
    text = str(raw).strip()
    if not _WHOLE.fullmatch(text):
        raise BadRequest(f"bad_{name}", f"{name} must be a whole number, got {raw!r}")
    return int(text)


def _date_param(params: Mapping[str, str], name: str) -> str | None:
    raw = params.get(name)
    if raw is None or str(raw).strip() == "":
        return None
    raw = str(raw).strip()
    try:
        if not _DATE.fullmatch(raw):
            raise ValueError
        date.fromisoformat(raw)
    except ValueError:
        raise BadRequest("bad_date", f"{name} must be a date YYYY-MM-DD, got {raw!r}") from None
    return raw


def parse_request(params: Mapping[str, str], limits: SearchConfig) -> SearchRequest:
    """Validate request parameters (q, page, per_page, from, to, source, sort) or raise BadRequest.

    `date_from`/`date_to` are also accepted as `from`/`to`.
    """
    q = params.get("q")
    if q is None or not str(q).strip():
        raise BadRequest("missing_query", "q (the query) is required")
    page = _int_param(params, "page", 1)
    per_page = _int_param(params, "per_page", limits.per_page)
    if page < 1:
        raise BadRequest("bad_page", "page must be 1 or more")
    if per_page < 1 or per_page > limits.max_per_page:
        raise BadRequest("bad_per_page", f"per_page must be between 1 and {limits.max_per_page}")
    if page * per_page > limits.max_depth:
        raise BadRequest(
            "too_deep", f"results beyond {limits.max_depth} are not served (page × per_page)"
        )
    date_from = _date_param(params, "date_from" if "date_from" in params else "from")
    date_to = _date_param(params, "date_to" if "date_to" in params else "to")
    if date_from and date_to and date_from > date_to:
        raise BadRequest(
            "bad_date_range",
            f"from ({date_from}) is later than to ({date_to}): no date is in that range",
        )
    sort = str(params.get("sort") or "relevance").strip()
    if sort not in SORTS:
        raise BadRequest("bad_sort", f"sort must be one of {', '.join(SORTS)}")
    source = str(params.get("source") or "").strip() or None
    site = str(params.get("site") or "").strip() or None
    raw = str(params.get("collapse") or "true").strip().lower()
    if raw not in _BOOLEANS:
        raise BadRequest("bad_collapse", f"collapse must be true or false, got {raw!r}")
    return SearchRequest(
        str(q), page, per_page, date_from, date_to, source, sort, site, _BOOLEANS[raw]
    )


def _validate(request: SearchRequest, limits: SearchConfig) -> None:
    """The same checks as parse_request, for callers that build a SearchRequest directly."""
    params = {
        "q": request.q,
        "page": str(request.page),
        "per_page": str(request.per_page),
        "date_from": request.date_from or "",
        "date_to": request.date_to or "",
        "sort": request.sort,
    }
    parse_request(params, limits)


def _leaves(node: Node | None) -> int:
    if node is None:
        return 0
    if isinstance(node, Not):
        return _leaves(node.child)
    children = getattr(node, "children", None)
    return sum(_leaves(c) for c in children) if children else 1


def _idf_order(reader, ws: list[str]) -> list[str]:
    """Distinct content words, most distinctive first (fewest documents; unknown words last)."""
    n = max(reader.doc_count(), 1)
    seen: dict[str, float] = {}
    for w in ws:
        if w in STOPWORDS or w in seen:
            continue
        df = reader.doc_frequency("body", stem(w)) + reader.doc_frequency("title", stem(w))
        seen[w] = math.log(n / df) if df else -1.0
    return sorted(seen, key=lambda w: -seen[w])


def _cut(q: str, limit: int) -> str:
    """The first `limit` characters of `q`, ending at a word boundary where there is one."""
    head = q[:limit]
    space = head.rfind(" ", limit // 2)
    return head[:space] if space > 0 and not q[limit : limit + 1].isspace() else head


def limit_query(q: str, limits: SearchConfig) -> tuple[str, list[str]]:
    """The part of `q` that is searched (its first `max_query_chars` characters, at a word
    boundary), and the notice saying so when that is not all of it. The page shows the same
    text in its search box as the search used."""
    if len(q) <= limits.max_query_chars:
        return q, []
    q = _cut(q, limits.max_query_chars)
    return q, [
        f"Your query was long, so only its first {len(q):,} characters "
        f"(of {limits.max_query_chars:,} allowed) were searched."
    ]


def understand(q: str, reader, limits: SearchConfig) -> tuple[Node | None, list[str]]:
    """The query tree of the whole query, and notices when a limit changed what is searched.

    Every word up to `max_query_chars` is scored (a pasted article is a normal query). Only
    beyond `max_terms` distinct words are the most distinctive kept, with their repeats.
    """
    q, notices = limit_query(q, limits)
    node = parse(q)
    ws = [w for w, _, _ in words(q)]
    distinct = len({w for w in ws if w not in STOPWORDS})
    if _leaves(node) <= limits.max_terms or distinct <= limits.max_terms:
        return node, notices
    keep = set(_idf_order(reader, ws)[: limits.max_terms])
    kept = [Word(w) for w in ws if w in keep]
    notices.append(
        f"Your query has {distinct:,} different words, so its {len(keep):,} most distinctive "
        "were searched."
    )
    return (And(tuple(kept)) if len(kept) > 1 else kept[0] if kept else None), notices


def _filter(request: SearchRequest) -> wq.Query | None:
    parts: list[wq.Query] = []
    if request.date_from or request.date_to:
        parts.append(wq.TermRange("date", request.date_from, request.date_to))
    if request.source:
        parts.append(wq.Term("source", request.source))
    if request.site:
        parts.append(wq.Term("site", request.site))
    if not parts:
        return None
    return parts[0] if len(parts) == 1 else wq.And(parts)


def _plain(node: Node) -> bool:
    return isinstance(node, Word | Phrase | Prefix | Or)


def _concept_key(c: Node):
    """Words with one stem are one concept ("material ... materials")."""
    return (stem(c.text), c.field) if isinstance(c, Word) and c.text not in STOPWORDS else c


def _counted(concepts: list[Node]) -> list[tuple[Node, int]]:
    """Each distinct concept (first form written) with how often the query writes it."""
    counts: dict = {}
    first: dict = {}
    for c in concepts:
        key = _concept_key(c)
        counts[key] = counts.get(key, 0) + 1
        first.setdefault(key, c)
    return [(first[k], n) for k, n in counts.items()]


@dataclass
class _Plan:
    """What the query asks for: distinct positive concepts with counts, and exclusions."""

    concepts: list[tuple[Node, int]]
    negatives: list[Node]
    sequence: list[Node]  # the positive words in query order, for the proximity bonus

    @property
    def nodes(self) -> list[Node]:
        return [c for c, _ in self.concepts]

    @property
    def plain(self) -> bool:
        return len(self.concepts) >= 2 and all(_plain(c) for c in self.nodes)

    @property
    def description(self) -> bool:
        """A sentence or a pasted text rather than keywords: any of its words may match."""
        return self.plain and len(self.concepts) > ranking.PARAMS.keyword_terms

    @property
    def feedback(self) -> bool:
        """A description long enough for RM3 to re-rank it (keyword queries never are)."""
        return self.description and len(self.concepts) >= ranking.PARAMS.feedback_terms_from

    @property
    def weighted(self) -> list[tuple[Node, float]]:
        """Each concept with its weight: a word written n times counts qtf_weight(n)."""
        return [(c, ranking.qtf_weight(n)) for c, n in self.concepts]

    @property
    def mass(self) -> float:
        """The summed weight of the query's own words (RM3's |Q|)."""
        return sum(w for _, w in self.weighted)

    def joined(self, op: str) -> str:
        text = f" {op} ".join(describe(c, False) for c in self.nodes)
        if self.negatives:
            text = f"({text}) " + " ".join("NOT " + describe(n, False) for n in self.negatives)
        return text


def _plan(node: Node) -> _Plan:
    children = node.children if isinstance(node, And) else (node,)
    concepts = [c for c in children if not isinstance(c, Not)]
    negatives = [c.child for c in children if isinstance(c, Not)]
    # Stopwords count toward a query's length but are never required.
    content = [c for c in concepts if not (isinstance(c, Word) and c.text in STOPWORDS)]
    if content and len(content) < len(concepts):
        concepts = content
    return _Plan(_counted(concepts), negatives, concepts)


@dataclass
class _Run:
    ranked: list[tuple[float, int]]
    total: int
    facets: dict[str, tuple[list[tuple[str, int]], int]]
    timed_out: bool
    mask: np.ndarray | None = None  # every match, for the versions of a story
    stories: int = 0


def _run(evaluator: Evaluator, q, request, filter_q, limit, codes) -> _Run:
    """The top `limit` (stories, unless not collapsed), the total and the facet counts of all
    matches, within the time budget."""
    matches = evaluator.matches(q, filter_q)
    newest = request.sort == "newest"
    collapsed = (
        stories.collapse(
            lambda k: evaluator.top(matches, k, newest=newest), matches.docs, codes, limit
        )
        if request.collapse
        else None
    )
    ranked = collapsed.ranked if collapsed else evaluator.top(matches, limit, newest=newest)
    facets = {
        "source": evaluator.facet(matches, "source", FACET_VALUES, by_count=True),
        "site": evaluator.facet(matches, "site", FACET_VALUES, by_count=True),
        "year": evaluator.facet(matches, "year", FACET_VALUES, by_count=False),
        "month": month_facet(evaluator, matches),
    }
    n_stories = collapsed.stories if collapsed else stories.count_stories(matches.docs, codes)
    total = len(matches.docs)  # found for the top k already; a sum reads every document
    return _Run(ranked, total, facets, evaluator.timed_out, matches.mask, n_stories)


def _hit(searcher, score: float, docnum: int, matcher: highlight.Matcher) -> Hit:
    return stored_hit(score, arrays.stored_fields(searcher.reader(), docnum), matcher)


def stored_hit(score: float, stored: Mapping, matcher: highlight.Matcher) -> Hit:
    """A result from a document's stored fields (any backend's), its snippet made by `matcher`."""
    frags = highlight.fragments(stored.get("text", ""), matcher)
    return Hit(
        id=stored["id"],
        title=stored.get("title") or None,
        date=stored.get("date") or None,
        source=stored["source"],
        score=round(float(score), 4),
        snippet=highlight.join_fragments(frags),
        fragments=frags,
        site=stored.get("site") or None,
        story=stored.get("story") or stored["id"],
        versions=list(stored.get("versions", [])),
    )


class WhooshEngine:
    """The Whoosh side of `answer`: Compiler makes Whoosh queries of trees, Evaluator runs them."""

    max_terms = None  # no limit of its own on the words a query scores

    def __init__(self, searcher, limits: SearchConfig, deadline: float):
        self.searcher = searcher
        self.reader = searcher.reader()
        self.compiler = Compiler(self.reader, limits.max_prefix_terms)
        self.evaluator = Evaluator(searcher, deadline)
        self.stories = stories.story_codes(searcher, self.evaluator.arrays)

    @property
    def capped_prefixes(self) -> list[str]:
        return self.compiler.capped_prefixes

    def run(self, mode: str, plan: _Plan, request: SearchRequest, limit: int) -> _Run:
        """Run the plan's weighted concepts as "all" (every one required), "any" or
        "feedback" (any, re-ranked by RM3)."""
        compiler = self.compiler
        filter_q = _filter(request)
        parts = [compiler.weighted(c, w) for c, w in plan.weighted]
        if mode == "all":
            q = wq.And(parts) if len(parts) > 1 else parts[0] if parts else wq.Every()
        else:
            q = wq.Or(parts)
        if plan.negatives:
            q = wq.AndNot(q, wq.Or([compiler.compile(n) for n in plan.negatives]))
        # The proximity bonus only re-ranks (a near pair's words already match), so it is
        # optional: checked lazily for documents that can reach the page, not for all matches.
        bonus = compiler.proximity(plan.sequence)
        if bonus:
            q = wq.AndMaybe(q, wq.Or(bonus))
        if mode == "feedback":
            q = feedback.expand(self.evaluator, q, plan.mass, filter_q)
            plain = ranking.plain_run(self.reader, parts)  # CombSUM: it only re-ranks
            q = wq.AndMaybe(q, plain) if plain is not None else q
        return _run(self.evaluator, q, request, filter_q, limit, self.stories.codes)

    def hits(self, run: _Run, ranked: list[tuple[float, int]], matcher) -> list[Hit]:
        """The page's results, each with its story and the story's other matching copies."""
        source_codes, source_names = self.evaluator.arrays.column(self.reader, "source")
        out = []
        for score, doc in ranked:
            hit = _hit(self.searcher, score, doc, matcher)
            hit.story = self.stories.ids[self.stories.codes[doc]]
            others = stories.versions(doc, run.mask, self.stories)
            hit.versions = [doc_id(source_names[source_codes[d]]) for d in others]
            out.append(hit)
        return out

    def suggest(self, q: str, node: Node, request: SearchRequest) -> str | None:
        return suggest(self.evaluator, q, node, _filter(request))


def search(searcher, request: SearchRequest, limits: SearchConfig) -> SearchResponse:
    """Run `request` against an open Whoosh searcher."""
    start = time.monotonic()
    deadline = start + limits.time_budget_ms / 1000
    _validate(request, limits)
    return answer(WhooshEngine(searcher, limits, deadline), request, limits, start, deadline)


def answer(engine, request: SearchRequest, limits: SearchConfig, start: float, deadline: float):
    """The engine-neutral ranking policy over one backend's `engine` (see indexer/backend.py):
    the whole query scored (cut only beyond max_query_chars), repeated words weighted by
    ranking.qtf_weight, keyword queries requiring every word with a visible OR fallback,
    descriptions any-of and re-ranked by RM3 feedback, notices, the time budget. `request`
    is already validated."""
    if engine.max_terms is not None and engine.max_terms < limits.max_terms:
        limits = replace(limits, max_terms=engine.max_terms)
    node, notices = understand(request.q, engine.reader, limits)

    def respond(parsed, run: _Run | None, relaxed=False, matcher=None, suggestion=None):
        ranked = run.ranked if run else []
        facets = run.facets if run else {f: ([], 0) for f in ("source", "site", "year", "month")}
        first = (request.page - 1) * request.per_page
        page = ranked[first : first + request.per_page]
        hits = engine.hits(run, page, matcher) if matcher else []
        return SearchResponse(
            query=request.q,
            parsed=parsed,
            total=run.total if run else 0,
            page=request.page,
            per_page=request.per_page,
            took_ms=round((time.monotonic() - start) * 1000, 2),
            relaxed=relaxed,
            results=hits,
            notices=notices,
            suggestion=suggestion,
            facets={name: top for name, (top, _) in facets.items()},
            facet_values={name: n for name, (_, n) in facets.items()},
            stories=run.stories if run else 0,
        )

    if node is None:
        notices.append("Nothing searchable in that query (only punctuation or operators).")
        return respond("", None)

    plan = _plan(node)
    limit = request.page * request.per_page
    matcher = highlight.Matcher.for_query(node)

    relaxed = False
    if plan.description:
        # A description, not keywords: any word may match, and pseudo-relevance feedback
        # adds the words its best matches share (feedback.py).
        run = engine.run("feedback" if plan.feedback else "any", plan, request, limit)
        parsed = f"any of: {plan.joined('OR')} (more of the words, and nearer, rank higher)"
    else:
        run = engine.run("all", plan, request, limit)
        parsed = describe(And(tuple(plan.nodes) + tuple(Not(n) for n in plan.negatives)))
        if run.total == 0 and plan.plain and not run.timed_out:
            run = engine.run("any", plan, request, limit)
            if run.total:
                relaxed = True
                parsed = plan.joined("OR")
                notices.append("No article has all of the words; showing those with any of them.")
    if engine.capped_prefixes:
        notices.append(
            f"Prefix searches ({', '.join(p + '*' for p in engine.capped_prefixes)}) "
            f"were limited to their {limits.max_prefix_terms} most common completions."
        )
    if run.timed_out:
        notices.append("The search ran out of time; results are partial.")
    suggestion = None
    if not run.timed_out and time.monotonic() < deadline:
        suggestion = engine.suggest(request.q, node, request)
    return respond(parsed, run, relaxed, matcher, suggestion)


def get_document(searcher, doc_id: str) -> Document | None:
    """The stored Document for `/doc/<id>`, or None if the index has no such id."""
    stored = searcher.document(id=doc_id)
    return stored_document(stored) if stored else None
