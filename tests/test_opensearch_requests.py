"""What the OpenSearch backend sends: its JSON (orjson, with the stdlib's json as fallback) and
how many round trips did-you-mean costs, on a real node (tests/conftest.py)."""

from __future__ import annotations

import json

import pytest
from test_contract import LIMITS, make_config, write_corpus

from indexer.backend import open_backend
from indexer.search import SearchRequest

pytest.importorskip("opensearchpy", reason="pip install -e '.[opensearch]'")
pytest.importorskip("orjson", reason="pip install -e '.[opensearch]'")

from indexer.backends.opensearch import FastJSON  # noqa: E402


def test_fast_json_writes_and_reads_what_the_stdlib_does():
    body = {"query": {"match": {"text": {"query": "café – “quoted”", "boost": 0.6931471805599453}}}}
    fast = FastJSON()
    assert json.loads(fast.dumps(body)) == body
    assert fast.loads(json.dumps(body)) == body


def test_fast_json_falls_back_where_orjson_refuses():
    fast = FastJSON()
    lone = {"q": "\ud800"}  # a lone surrogate: orjson refuses it, opensearch-py's json does not
    assert fast.dumps(lone) == json.dumps(lone, ensure_ascii=False, separators=(",", ":"))
    assert fast.dumps("already a string") == "already a string"


@pytest.fixture(scope="module")
def recorded(request, tmp_path_factory):
    """An OpenSearch backend over the contract corpus, and the list of requests it sends."""
    config = make_config("opensearch", tmp_path_factory.mktemp("requests"), request)
    write_corpus(config.corpus_dir)
    backend = open_backend(config)
    backend.build(config.corpus_dir)
    sent: list[tuple[str, dict]] = []
    real = backend.client.transport.perform_request

    def perform_request(method, url, *args, **kwargs):
        sent.append((url.rsplit("/", 1)[-1], kwargs.get("body") or {}))
        return real(method, url, *args, **kwargs)

    backend.client.transport.perform_request = perform_request
    return backend, sent


def test_did_you_mean_counts_both_spellings_in_one_request(recorded):
    backend, sent = recorded
    sent.clear()
    response = backend.search(SearchRequest("zanzibarita"), LIMITS)
    assert response.suggestion == "zanzibarite"
    # The main search, then one request counting the respelled and the typed query together.
    assert [url for url, _ in sent] == ["_search", "_search"]
    counted = sent[1][1]["aggs"]["n"]["filters"]["filters"]
    assert len(counted) == 2
    assert "zanzibarite" in json.dumps(counted["0"]) and "zanzibarita" in json.dumps(counted["1"])
