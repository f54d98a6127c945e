"""The OpenSearch index: its mapping, and builds that write generations behind one alias.

The alias (`[opensearch] index`, e.g. "seedsearch") is what every search reads. A full build
writes a new index "<alias>-g000002", checks it holds every document, and moves the alias to
it in one `_aliases` call; rollback moves it back to the one before (kept until the next full
build). An incremental build upserts the changed documents and deletes the removed ones in
the live index. The build plan (which files changed, the repeated-line statistics the
cleaner needs) is build.py's; the manifest it keeps per generation lives in the local index
folder as "<generation>.opensearch.json", as the Whoosh manifest does beside its segments,
and so do its stories (indexer/stories.py: each document's signature and story id) as
"<generation>.stories.npz". Every document is written with its own id as its `story`; once
the build has grouped the signatures, the documents whose story is another are updated.
"""

from __future__ import annotations

import json
import re
from array import array
from datetime import UTC, datetime
from pathlib import Path

from opensearchpy import helpers
from opensearchpy.exceptions import NotFoundError

from .. import generations as gens
from .. import ranking, stories
from ..analysis import STOPWORDS, WORD_PATTERN
from ..build import (
    BuildError,
    BuildReport,
    FileState,
    Plan,
    Store,
    clean_jobs,
    cleaned_documents,
    finish_report,
    manifest_json,
    recorder,
)
from ..document import Document, doc_id

# Bump when the mapping or analysis changes: the next build is then a full one.
# 2: `site` and `story` (issue 13).
SCHEMA_VERSION = 2
BULK_DOCS = 500  # documents per bulk request
MANIFEST_SUFFIX = ".opensearch.json"
STORIES_SUFFIX = ".stories.npz"


def mapping(shards: int, replicas: int) -> dict:
    """Index settings and mapping: title and text stemmed, each with an unstemmed `.exact`
    sub-field, tokenized by the product's own word pattern and stopword list."""
    title_sim = {"similarity": "title_bm25"}
    params = ranking.PARAMS
    return {
        "settings": {
            "number_of_shards": shards,
            "number_of_replicas": replicas,
            "analysis": {
                "tokenizer": {
                    "seed_words": {
                        "type": "pattern",
                        "pattern": WORD_PATTERN,
                        "group": 0,
                        "flags": "UNICODE_CHARACTER_CLASS",
                    },
                    "seed_source": {
                        "type": "pattern",
                        # analysis.SOURCE_PATTERN ([^\W_]+) in Java's words.
                        "pattern": "[\\p{L}\\p{N}]+",
                        "group": 0,
                    },
                },
                "filter": {
                    "seed_stop": {"type": "stop", "stopwords": sorted(STOPWORDS)},
                    "seed_stem": {"type": "snowball", "language": "English"},
                },
                "analyzer": {
                    "seed_stemmed": {
                        "tokenizer": "seed_words",
                        "filter": ["lowercase", "seed_stop", "seed_stem"],
                    },
                    "seed_exact": {"tokenizer": "seed_words", "filter": ["lowercase"]},
                    "seed_source": {"tokenizer": "seed_source", "filter": ["lowercase"]},
                },
            },
            # BM25 as the Whoosh backend scores it (ranking.PARAMS: k1, b, and BM25F's
            # per-field length normalisation title_b).
            "similarity": {
                "default": {"type": "BM25", "k1": params.k1, "b": params.b},
                "title_bm25": {"type": "BM25", "k1": params.k1, "b": params.title_b},
            },
        },
        "mappings": {
            "dynamic": "strict",
            "properties": {
                "id": {"type": "keyword"},
                "source": {"type": "keyword"},
                "site": {"type": "keyword"},
                "story": {"type": "keyword"},
                "source_words": {"type": "text", "analyzer": "seed_source"},
                "date": {"type": "date", "format": "strict_date", "ignore_malformed": True},
                "year": {"type": "keyword"},
                "title": {
                    "type": "text",
                    "analyzer": "seed_stemmed",
                    **title_sim,
                    "fields": {"exact": {"type": "text", "analyzer": "seed_exact", **title_sim}},
                },
                "text": {
                    "type": "text",
                    "analyzer": "seed_stemmed",
                    "fields": {"exact": {"type": "text", "analyzer": "seed_exact"}},
                },
                "removed": {"type": "object", "enabled": False},
            },
        },
    }


def document_source(doc: Document) -> dict:
    """The stored and indexed fields of one cleaned Document."""
    source = {
        "id": doc.id,
        "source": doc.source,
        "story": doc.id,  # until the build groups it with its copies (see the module docstring)
        "source_words": doc.source,
        "title": doc.title or "",
        "text": doc.text,
        "removed": [{"text": r.text, "reason": r.reason} for r in doc.removed],
    }
    if doc.site:
        source["site"] = doc.site
    if doc.date:
        source["date"] = doc.date
        source["year"] = doc.date[:4]
    return source


class Indices:
    """The alias and its generations on one cluster."""

    def __init__(self, client, alias: str, shards: int, replicas: int):
        self.client = client
        self.alias = alias
        self.shards = shards
        self.replicas = replicas
        self._name = re.compile(re.escape(alias) + r"-g(\d{6})")

    def live(self) -> str | None:
        """The generation the alias points at (None when there is no alias yet)."""
        try:
            found = self.client.indices.get_alias(name=self.alias)
        except NotFoundError:
            return None
        return sorted(found)[0] if found else None

    def generations(self) -> list[str]:
        found = self.client.indices.get(
            index=f"{self.alias}-g*", params={"expand_wildcards": "all"}
        )
        return sorted(name for name in found if self._name.fullmatch(name))

    def next_name(self) -> str:
        numbers = [int(self._name.fullmatch(n).group(1)) for n in self.generations()]
        return f"{self.alias}-g{max(numbers, default=0) + 1:06d}"

    def create(self, name: str) -> None:
        body = mapping(self.shards, self.replicas)
        # A new generation is not searched until published: no refreshes while it fills.
        body["settings"]["refresh_interval"] = "-1"
        body["mappings"]["_meta"] = {"schema": SCHEMA_VERSION}
        self.client.indices.create(index=name, body=body)

    def point_alias(self, name: str) -> None:
        """Move the alias to `name` in one `_aliases` call (atomic for every reader)."""
        actions = [{"add": {"index": name, "alias": self.alias}}]
        live = self.live()
        if live and live != name:
            actions.insert(0, {"remove": {"index": live, "alias": self.alias}})
        self.client.indices.update_aliases(body={"actions": actions})

    def stamp(self, name: str) -> None:
        """Record when `name` was last written (what /healthz reports)."""
        built_at = datetime.now(UTC).isoformat(timespec="seconds")
        self.client.indices.put_mapping(
            index=name, body={"_meta": {"schema": SCHEMA_VERSION, "built_at": built_at}}
        )

    def built_at(self, name: str) -> str | None:
        meta = self.client.indices.get_mapping(index=name)[name]["mappings"].get("_meta", {})
        return meta.get("built_at")

    def count(self, name: str) -> int:
        return self.client.count(index=name)["count"]

    def drop_old(self, keep: set[str]) -> None:
        """Delete generations other than `keep` (the live one and the one rollback returns to)."""
        for name in self.generations():
            if name not in keep:
                self.client.indices.delete(index=name, params={"ignore_unavailable": "true"})


def manifest_path(index_dir: Path, name: str) -> Path:
    return Path(index_dir) / f"{name}{MANIFEST_SUFFIX}"


def stories_name(name: str) -> str:
    return f"{name}{STORIES_SUFFIX}"


def read_states(index_dir: Path, name: str) -> tuple[dict[str, FileState], int | None]:
    """A generation's file states and schema version ({}, None when unreadable or missing)."""
    try:
        raw = json.loads(manifest_path(index_dir, name).read_text(encoding="utf-8"))
        states = {source: FileState(**state) for source, state in raw["files"].items()}
        for state in states.values():
            state.keys = array("Q", state.keys)
    except (OSError, ValueError, KeyError, TypeError, OverflowError):
        return {}, None
    return states, raw.get("schema")


def store(indices: Indices) -> Store:
    """build.py's Store for this cluster: plans come from the local manifests."""

    def load(index_dir: Path):
        live = indices.live()
        if live is None:
            return None, {}, None
        states, schema = read_states(index_dir, live)
        if schema is None or stories.load(index_dir, stories_name(live)) is None:
            # Built elsewhere, or the manifest or stories are gone: rebuild in full.
            return None, {}, None
        return live, states, schema

    def write(corpus_dir, index_dir, live, old, plan: Plan, pool, progress) -> BuildReport:
        target = live or indices.next_name()
        if live is None:
            indices.create(target)
        try:
            before = stories.load(index_dir, stories_name(live)) if live else None
            report, table = _fill(indices, target, corpus_dir, old, before, plan, pool, progress)
            stories.save(index_dir, table, stories_name(target))
            manifest = manifest_json(corpus_dir, plan.states, SCHEMA_VERSION)
            gens.write_atomic(manifest_path(index_dir, target), json.dumps(manifest))
            indices.stamp(target)
        except BaseException:
            if live is None:  # the alias never moved: the new generation is just dropped
                indices.client.indices.delete(index=target, params={"ignore_unavailable": "true"})
            raise
        if live is None:
            was = indices.live()
            indices.point_alias(target)
            indices.drop_old({target, was} - {None})
            for suffix in (MANIFEST_SUFFIX, STORIES_SUFFIX):
                for path in Path(index_dir).glob(f"*{suffix}"):
                    if path.name[: -len(suffix)] not in {target, was}:
                        path.unlink(missing_ok=True)
        return report

    return Store(load, write, SCHEMA_VERSION, generations=False)


def _fill(indices: Indices, target, corpus_dir, old, before, plan: Plan, pool, progress):
    """Bulk the plan's deletes and cleaned documents into `target`, then regroup the stories
    (`before`: the live generation's, None for a full build) and update the documents whose
    story changed; a checked BuildReport and the new stories."""
    client = indices.client
    full = before is None
    report = BuildReport(generation=target, indexed=0, full=full)
    record = recorder(report, old, plan.states)
    jobs = clean_jobs(corpus_dir, plan)
    signatures = stories.Signatures()

    def actions():
        for source in plan.to_drop:
            yield {"_op_type": "delete", "_index": target, "_id": doc_id(source)}
        for doc in cleaned_documents(jobs, pool, record, signatures, progress):
            yield {"_index": target, "_id": doc.id, "_source": document_source(doc)}

    _bulk(client, actions())
    table = stories.updated(before, set(plan.to_drop), signatures)
    had = before.story_of() if before else {}
    had.update({source: doc_id(source) for source in signatures.sources})
    _bulk(
        client,
        (
            {"_op_type": "update", "_index": target, "_id": doc_id(source), "doc": {"story": story}}
            for source, story in table.story_of().items()
            if had.get(source) != story
        ),
    )
    if full:
        client.indices.put_settings(index=target, body={"index": {"refresh_interval": "1s"}})
    client.indices.refresh(index=target)
    count = indices.count(target)
    finish_report(report, plan, corpus_dir, count)
    if len(table.sources) != count:
        raise BuildError(f"stories hold {len(table.sources)} documents, expected {count}")
    return report, table


def _bulk(client, actions) -> None:
    """Send `actions` in bulk requests; BuildError on any the cluster refuses."""
    for ok, item in helpers.streaming_bulk(
        client, actions, chunk_size=BULK_DOCS, raise_on_error=False, max_retries=2
    ):
        if ok:
            continue
        op, detail = next(iter(item.items()))
        if op == "delete" and detail.get("status") == 404:
            continue  # already gone
        raise BuildError(f"OpenSearch refused a document: {detail.get('error') or detail}")
