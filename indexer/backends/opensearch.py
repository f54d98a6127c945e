"""OpenSearchBackend: seedsearch on an OpenSearch cluster, behind the backend seam.

Cleaning, the query language, the ranking policy and the snippets stay in seedsearch; the
cluster holds the documents, matches and scores them (opensearch_query.py) and keeps the
generations behind one alias (opensearch_index.py). Needs the `[opensearch]` extra.
Credentials come only from the environment (SEEDSEARCH_OPENSEARCH_USER and
SEEDSEARCH_OPENSEARCH_PASSWORD); TLS certificates are always verified.
"""

from __future__ import annotations

import contextlib
import logging
import os
import time
from collections.abc import Callable
from pathlib import Path

from .. import generations as gens
from ..analysis import words
from ..backend import BackendUnavailable
from ..build import BuildError, BuildReport, CheckReport, build_index, compare
from ..config import Config, SearchConfig
from ..document import Document, Removed
from ..highlight import opening
from ..live import IndexInfo, IndexMissing
from ..search import Hit, SearchRequest, SearchResponse, _validate, answer

try:
    from opensearchpy import OpenSearch
    from opensearchpy.exceptions import NotFoundError, TransportError
    from opensearchpy.serializer import JSONSerializer

    from .opensearch_http import HTTPClientConnection
except ImportError:  # the optional extra is not installed
    OpenSearch = None
    JSONSerializer = object
try:
    import orjson
except ImportError:  # part of the [opensearch] extra; without it the stdlib's json is used
    orjson = None

log = logging.getLogger(__name__)
# opensearch-py logs every request at INFO: a line per search in the server's log.
logging.getLogger("opensearch").setLevel(logging.WARNING)
USER_VAR = "SEEDSEARCH_OPENSEARCH_USER"
PASSWORD_VAR = "SEEDSEARCH_OPENSEARCH_PASSWORD"
# Seconds a call may take beyond the search time budget before the cluster counts as down.
GRACE_S = 5.0
# A build's calls (a bulk request of BULK_DOCS, a refresh of a new generation) may take longer.
BUILD_TIMEOUT_S = 300.0
RELATED_TERMS = 12  # as indexer/related.py: enough distinctive words for a news story
PARTIAL = "Part of the index did not answer in time; results are partial."
RETRY_ON = (500, 502, 503, 504)  # statuses asked again (a dropped node, a busy one)
POOL_SIZE = 16  # connections per process: waitress's threads share them


class FastJSON(JSONSerializer):
    """opensearch-py's JSON serializer through orjson: a search sends ~3 KB of DSL and reads
    ~17 KB of hits with their stored text; on the 200 Reuters benchmark queries in process
    this took the Python per search from 1.88 to 1.73 ms (medians of 5, alternating). What
    orjson refuses (a lone surrogate, a type it does not know) goes through opensearch-py's
    own serializer."""

    def dumps(self, data):
        if isinstance(data, str | bytes):
            return data
        try:
            return orjson.dumps(data).decode()  # a str, as the bulk helpers measure it
        except TypeError:  # orjson.JSONEncodeError is a TypeError
            return super().dumps(data)

    def loads(self, s):
        try:
            return orjson.loads(s)
        except orjson.JSONDecodeError:
            return super().loads(s)


def make_client(config: Config, timeout_s: float):
    """A client for `[opensearch] url`, authenticated from the environment, TLS verified."""
    if OpenSearch is None:
        raise BackendUnavailable(
            "the OpenSearch backend needs opensearch-py: pip install -e '.[opensearch]'"
        )
    settings = config.opensearch
    user, password = os.environ.get(USER_VAR), os.environ.get(PASSWORD_VAR)
    return OpenSearch(
        hosts=[settings.url],
        http_auth=(user, password or "") if user else None,
        verify_certs=True,
        ca_certs=settings.ca_certs or None,
        timeout=timeout_s,
        # A node of the cluster dying mid-search fails that search with a 500 ("phase/fetch/id
        # disconnected") rather than fetching from another copy: asked again, the cluster
        # answers from the copies left.
        max_retries=2,
        retry_on_status=RETRY_ON,
        retry_on_timeout=False,
        pool_maxsize=POOL_SIZE,
        connection_class=HTTPClientConnection,
        **({"serializer": FastJSON()} if orjson else {}),
    )


def _missing_index(exc: Exception) -> bool:
    return "index_not_found" in str(getattr(exc, "error", "")) or "no such index" in str(exc)


class OpenSearchBackend:
    """The alias `[opensearch] index` on the cluster at `[opensearch] url`."""

    kind = "opensearch"

    def __init__(self, config: Config):
        from .opensearch_index import Indices

        self.url = config.opensearch.url
        self.alias = config.opensearch.index
        self.index_dir = Path(config.index_dir)
        timeout = config.search.time_budget_ms / 1000 + GRACE_S
        self.client = make_client(config, timeout)
        layout = (self.alias, config.opensearch.shards, config.opensearch.replicas)
        self.indices = Indices(self.client, *layout)
        self.builds = Indices(make_client(config, BUILD_TIMEOUT_S), *layout)

    @contextlib.contextmanager
    def _reached(self):
        """Engine failures as the seam's two: IndexMissing and BackendUnavailable."""
        try:
            yield
        except NotFoundError as exc:
            if not _missing_index(exc):
                raise BackendUnavailable(f"OpenSearch at {self.url}: {exc}") from None
            raise IndexMissing(
                f"no index '{self.alias}' on {self.url}; run 'seedsearch index'"
            ) from None
        except TransportError as exc:  # ConnectionError and ConnectionTimeout among them
            log.warning("OpenSearch at %s: %s", self.url, exc)
            raise BackendUnavailable(f"OpenSearch at {self.url} is not answering: {exc}") from None

    # --- searching --------------------------------------------------------------------------

    def search(self, request: SearchRequest, limits: SearchConfig) -> SearchResponse:
        from .opensearch_query import OpenSearchEngine

        start = time.monotonic()
        deadline = start + limits.time_budget_ms / 1000
        _validate(request, limits)
        with self._reached():
            engine = OpenSearchEngine(self.client, self.alias, limits, deadline)
            typed = [w for w, _, _ in words(request.q)]
            cap = min(limits.max_terms, engine.max_terms)
            if len(request.q) > limits.max_query_chars or len(typed) > cap:
                engine.prefetch(typed)  # understand() will trim it by every word's count
            response = answer(engine, request, limits, start, deadline)
        if engine.shards_failed:
            response.notices.append(PARTIAL)
        return response

    def document(self, doc_id: str) -> Document | None:
        with self._reached():
            try:
                found = self.client.get(index=self.alias, id=doc_id)
            except NotFoundError as exc:
                if _missing_index(exc):
                    raise
                return None
        stored = found["_source"]
        return Document(
            id=stored["id"],
            source=stored["source"],
            title=stored.get("title") or None,
            date=stored.get("date") or None,
            text=stored.get("text", ""),
            removed=[Removed(r["text"], r["reason"]) for r in stored.get("removed", [])],
            site=stored.get("site") or None,
        )

    def related(self, doc_id: str, n: int = 5) -> list[Hit]:
        like = {
            "more_like_this": {
                "fields": ["text"],
                "like": [{"_index": self.alias, "_id": doc_id}],
                "max_query_terms": RELATED_TERMS,
                "min_term_freq": 1,
                "min_doc_freq": 1,
            }
        }
        body = {
            "query": {"bool": {"must": [like], "must_not": [{"ids": {"values": [doc_id]}}]}},
            "size": n,
            "_source": ["id", "title", "date", "source", "site", "text"],
        }
        with self._reached():
            answer_ = self.client.search(index=self.alias, body=body)
        hits = []
        for hit in answer_["hits"]["hits"]:
            stored = hit["_source"]
            snippet = opening(stored.get("text", ""))
            hits.append(
                Hit(
                    id=stored["id"],
                    title=stored.get("title") or None,
                    date=stored.get("date") or None,
                    source=stored["source"],
                    site=stored.get("site") or None,
                    score=round(float(hit["_score"] or 0.0), 4),
                    snippet=snippet,
                    fragments=[snippet] if snippet else [],
                )
            )
        return hits

    def info(self) -> IndexInfo:
        with self._reached():
            live = self.indices.live()
            if live is None:
                raise IndexMissing(f"no index '{self.alias}' on {self.url}; run 'seedsearch index'")
            return IndexInfo(live, self.indices.count(self.alias), self.indices.built_at(live))

    def has_index(self) -> bool:
        with self._reached():
            return self.indices.live() is not None

    # --- indexing ---------------------------------------------------------------------------

    def build(
        self, corpus_dir: Path, *, full: bool = False, progress: Callable | None = None
    ) -> BuildReport:
        from .opensearch_index import store

        with self._reached():
            return build_index(
                corpus_dir, self.index_dir, full=full, progress=progress, store=store(self.builds)
            )

    def rollback(self) -> tuple[str, str | None]:
        with self._reached(), gens.build_lock(self.index_dir):
            live = self.builds.live()
            others = [name for name in self.builds.generations() if name != live]
            if not others:
                raise BuildError(f"no earlier index of '{self.alias}' to roll back to")
            self.builds.point_alias(others[-1])
            return others[-1], live

    def warm(self) -> None:
        """Nothing to share: the cluster holds the index and its term lists."""

    def check(self, corpus_dir: Path) -> CheckReport:
        from .opensearch_index import SCHEMA_VERSION, read_states

        with self._reached():
            live = self.indices.live()
            if live is None:
                raise BuildError(f"no index '{self.alias}' on {self.url}; run 'seedsearch index'")
            states, schema = read_states(self.index_dir, live)
            count = self.indices.count(self.alias)
        return compare(corpus_dir, states, count, schema != SCHEMA_VERSION)
