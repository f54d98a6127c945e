"""The one function that turns a query into results: page, API and CLI all call `search`."""

from __future__ import annotations

from dataclasses import dataclass, field

from .config import SearchConfig


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


@dataclass
class Hit:
    id: str
    title: str | None
    date: str | None
    source: str
    score: float
    snippet: str  # safe HTML: escaped text, matches in <mark>
    fragments: list[str] = field(default_factory=list)


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


def search(searcher, request: SearchRequest, limits: SearchConfig) -> SearchResponse:
    """Run `request` against an open Whoosh searcher."""
    raise NotImplementedError
