"""The backend seam: everything the page, the API, the CLI and bench/ ask of a search engine.

A backend answers searches and keeps the index. Searching: `search` turns a validated
`SearchRequest` into a `SearchResponse` (through `indexer.search.answer`, the one
engine-neutral ranking policy, over the backend's own engine), `document` fetches one
cleaned document, `related` finds similar ones, `info` says what is live. Indexing: `build`
brings the index up to date with the corpus (a full build writes a new generation and
publishes it atomically; otherwise the changed documents are upserted and the removed ones
deleted), `rollback` makes the previous generation live again, `check` compares the live
index with the corpus. Cleaning stays in indexer/clean.py: every backend indexes the same
cleaned `Document`s, and the query language parses into the same tree (indexer/query.py)
that each backend compiles for its engine.

The engine a backend hands `answer` (per request) has: `reader` (`doc_count()`,
`doc_frequency(field, term)` for the long-query trimming), `run(mode, plan, request, limit)`
with mode "all", "any" or "feedback" over the policy's plan (its concepts with their
query-term-frequency weights, exclusions, the word sequence for the proximity bonus, the
query's mass for RM3; every constant from ranking.PARAMS), `hits(run, ranked, matcher)`,
`suggest(q, node, request)`, `capped_prefixes`, and `max_terms`: None, or the most different
words the engine can score in one query (the policy then keeps the most distinctive, with the
same notice as for `[search] max_terms`). Within one request the policy calls `suggest` after
its last `run`, over the same query, so an engine whose calls are round trips may send what
`suggest` will count along with a later run's search (OpenSearch's any-of fallback carries
did-you-mean's counts in one `_msearch`: backends/opensearch_batch.py); the answers must not
depend on it.

An engine that cannot be reached raises BackendUnavailable (a 503 for the web app, one line
for the CLI), never anything else.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Protocol

from .build import BuildReport, CheckReport
from .config import Config, SearchConfig
from .document import Document
from .live import IndexInfo
from .search import Hit, SearchRequest, SearchResponse

KINDS = ("whoosh", "opensearch")


class BackendUnavailable(Exception):
    """The search engine cannot be reached or refuses to answer (down, starting, misconfigured)."""


class Backend(Protocol):
    """What seedsearch needs of a search engine (see the module docstring)."""

    kind: str

    def search(self, request: SearchRequest, limits: SearchConfig) -> SearchResponse:
        """Results for `request` (validated here too: BadRequest if it makes no sense)."""

    def document(self, doc_id: str) -> Document | None:
        """The cleaned document with this id, or None."""

    def related(self, doc_id: str, n: int = 5) -> list[Hit]:
        """Up to `n` other documents most like `doc_id` (empty if the id is unknown)."""

    def info(self) -> IndexInfo:
        """The live generation, its document count and build time (IndexMissing if none)."""

    def has_index(self) -> bool:
        """Whether a live index exists (serve builds one first when not)."""

    def build(
        self, corpus_dir: Path, *, full: bool = False, progress: Callable | None = None
    ) -> BuildReport:
        """Bring the index up to date with `corpus_dir`; a failed build leaves the live one."""

    def rollback(self) -> tuple[str, str | None]:
        """Make the previous generation live; (now live, was live)."""

    def check(self, corpus_dir: Path) -> CheckReport:
        """Compare the live index with the corpus."""

    def warm(self) -> None:
        """Load what every search process keeps, in a server's parent before it forks its
        workers, so they share those pages (a no-op where the engine holds nothing here)."""


def open_backend(config: Config) -> Backend:
    """The backend `config` names ([backend] kind)."""
    if config.backend.kind == "opensearch":
        from .backends.opensearch import OpenSearchBackend

        return OpenSearchBackend(config)
    from .backends.whoosh import WhooshBackend

    return WhooshBackend(config.index_dir)
