"""The test node is a real OpenSearch: it answers, stems with the common analysis module, and
indexes and finds the real seed documents through opensearch-py; and the bare-OpenSearch load of
bench/opensearch_bench.py counts what it gets."""

from __future__ import annotations

import re
import uuid

import pytest

from indexer.clean import clean_file

STEMMED_MAPPING = {
    "settings": {
        "number_of_shards": 1,
        "number_of_replicas": 0,
        "analysis": {
            "filter": {"english_snowball": {"type": "snowball", "language": "English"}},
            "analyzer": {
                "stemmed": {
                    "type": "custom",
                    "tokenizer": "standard",
                    "filter": ["lowercase", "english_snowball"],
                }
            },
        },
    },
    "mappings": {
        "properties": {
            "title": {"type": "text", "analyzer": "stemmed"},
            "text": {
                "type": "text",
                "analyzer": "stemmed",
                "fields": {"exact": {"type": "text", "analyzer": "standard"}},
            },
            "source": {"type": "keyword"},
        }
    },
}


@pytest.fixture
def client(opensearch_url):
    # Imported here: opensearch_url has already skipped (or failed, in CI) without the library.
    import opensearchpy

    client = opensearchpy.OpenSearch(hosts=[opensearch_url], timeout=60)
    yield client
    client.close()


@pytest.fixture
def index(client):
    name = f"seedsearch-test-{uuid.uuid4().hex[:8]}"
    client.indices.create(index=name, body=STEMMED_MAPPING)
    yield name
    client.indices.delete(index=name, ignore_unavailable=True)


def test_node_answers_cluster_health(client):
    health = client.cluster.health()
    assert health["status"] in ("green", "yellow")
    assert health["number_of_nodes"] == 1
    assert client.info()["version"]["number"].startswith("2.19.")


def test_common_analysis_module_stems(client, index):
    tokens = client.indices.analyze(index=index, body={"analyzer": "stemmed", "text": "Elections"})
    assert [t["token"] for t in tokens["tokens"]] == ["elect"]


def test_seed_document_is_indexed_and_found_by_another_word_form(client, index, seeds):
    path = sorted(seeds.iterdir())[0]
    doc = clean_file(path, path.name)
    client.index(
        index=index,
        id=doc.id,
        body={"title": doc.title, "text": doc.text, "source": doc.source},
        refresh=True,
    )
    # "negotiating" is in the article, "negotiated" is not: only the shared stem can match.
    assert re.search(r"\bnegotiating\b", doc.text)
    assert not re.search(r"\bnegotiated\b", doc.text, re.IGNORECASE)

    stemmed = client.search(index=index, body={"query": {"match": {"text": "negotiated"}}})
    exact = client.search(index=index, body={"query": {"match": {"text.exact": "negotiated"}}})

    assert [hit["_id"] for hit in stemmed["hits"]["hits"]] == [doc.id]
    assert stemmed["hits"]["hits"][0]["_source"]["source"] == path.name
    assert exact["hits"]["total"]["value"] == 0


def test_bare_load_counts_answers_and_refusals(opensearch_url, client, index, seeds):
    from opensearch_bench import bare_load

    for path in sorted(seeds.iterdir()):
        doc = clean_file(path, path.name)
        client.index(index=index, id=doc.id, body={"text": doc.text})
    client.indices.refresh(index=index)
    good = [{"query": {"match": {"text": word}}} for word in ("china", "korea", "moon")]

    answered = bare_load(opensearch_url, index, good, clients=2, seconds=0.5)
    bad = [{"query": {"no_such_query": {}}}]
    refused = bare_load(opensearch_url, index, bad, clients=1, seconds=0.3)

    assert answered["requests"] > 0 and answered["errors"] == 0
    assert answered["p50"] <= answered["p99"]
    assert refused["requests"] > 0 and refused["errors"] == refused["requests"]
