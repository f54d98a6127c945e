"""The test node is a real OpenSearch: it answers, stems with the common analysis module, and
indexes and finds the real seed documents through opensearch-py."""

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
