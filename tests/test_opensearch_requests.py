"""What the OpenSearch backend sends: its JSON (orjson, with the stdlib's json as fallback), how
many round trips did-you-mean and the any-of fallback cost (counted by the node itself), and
the HTTP connection under the client (keep-alive, errors, TLS verified), on a real node
(tests/conftest.py)."""

from __future__ import annotations

import http.server
import json
import shutil
import socket
import ssl
import subprocess
import threading
import time
from collections import Counter

import pytest
from opensearch_node import get_json
from test_contract import LIMITS, make_config, write_corpus

from indexer.backend import open_backend
from indexer.search import SearchRequest

pytest.importorskip("opensearchpy", reason="pip install -e '.[opensearch]'")
pytest.importorskip("orjson", reason="pip install -e '.[opensearch]'")

from opensearchpy.exceptions import ConnectionError as Unreachable  # noqa: E402
from opensearchpy.exceptions import NotFoundError, RequestError, SSLError  # noqa: E402

from indexer.backends.opensearch import FastJSON  # noqa: E402
from indexer.backends.opensearch_batch import Prefetch  # noqa: E402
from indexer.backends.opensearch_http import HTTPClientConnection, _dropped  # noqa: E402
from indexer.backends.opensearch_query import OpenSearchEngine  # noqa: E402


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


def node_requests(backend) -> Counter:
    """The REST requests the node has answered, by action, as the node itself counts them
    (its usage call left out)."""
    (node,) = get_json(f"{backend.url}/_nodes/_local/usage")["nodes"].values()
    made = Counter(node["rest_actions"])
    del made["nodes_usage_action"]
    return made


def test_a_fallback_with_did_you_mean_makes_two_round_trips(recorded):
    backend, _ = recorded
    before = node_requests(backend)
    response = backend.search(SearchRequest("zanzibarita smugglers"), LIMITS)
    made = node_requests(backend) - before
    assert response.relaxed and response.suggestion == "zanzibarite smugglers"
    # The all-words search, then one _msearch: the any-of search with did-you-mean's counts
    # (the respelled and the typed query). It used to be three searches.
    assert made == Counter({"search_action": 1, "msearch_action": 1})


def test_did_you_mean_alone_makes_two_round_trips(recorded):
    backend, _ = recorded
    before = node_requests(backend)
    assert backend.search(SearchRequest("zanzibarita"), LIMITS).suggestion == "zanzibarite"
    assert node_requests(backend) - before == Counter({"search_action": 2})


def test_a_search_its_msearch_could_not_answer_is_sent_alone(recorded):
    """An _msearch answers a failed search inside a 200: sent again alone, it fails (or is
    retried) exactly as a search without counts would."""
    backend, _ = recorded
    engine = OpenSearchEngine(backend.client, backend.alias, LIMITS, time.monotonic() + 10)
    counts = Prefetch([("body_exact", "zanzibarite")], [])
    engine.pending = (counts, [])
    with pytest.raises(RequestError):
        engine._search({"query": {"term": {"date": "not a date"}}})  # every shard fails
    assert engine.pending is None and engine.reader._df[("body_exact", "zanzibarite")] == 1
    engine.pending = (counts, [])
    found = engine._search({"query": {"match": {"text": "zanzibarite"}}})
    assert found["hits"]["total"]["value"] == 1


# --- the HTTP under opensearch-py (indexer/backends/opensearch_http.py) ---------------------


def test_searches_reuse_one_keep_alive_connection(recorded):
    backend, _ = recorded
    connection = backend.client.transport.get_connection()
    assert isinstance(connection, HTTPClientConnection)
    backend.search(SearchRequest("zanzibarite"), LIMITS)
    sock = connection.idle[-1].sock
    backend.search(SearchRequest("zanzibarite"), LIMITS)
    assert [c.sock for c in connection.idle] == [sock]


def test_node_errors_are_opensearch_py_exceptions(recorded):
    backend, _ = recorded
    connection = backend.client.transport.get_connection()
    with pytest.raises(NotFoundError):
        connection.perform_request("GET", "/no-such-index/_doc/1")
    # The error answer left the connection usable.
    assert connection.perform_request("GET", "/")[0] == 200


def test_an_unreachable_node_is_a_connection_error():
    with socket.socket() as probe:  # a port nothing listens on
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    with pytest.raises(Unreachable):
        HTTPClientConnection("127.0.0.1", port, timeout=5).perform_request("GET", "/")


def test_an_idle_connection_the_node_closed_is_not_reused():
    mine, node = socket.socketpair()
    assert not _dropped(mine)
    node.close()
    assert _dropped(mine)
    mine.close()


@pytest.fixture
def tls_server(tmp_path):
    """A local HTTPS server answering JSON, its certificate self-signed for 127.0.0.1."""
    if shutil.which("openssl") is None:
        pytest.skip("openssl not found: needed to make a test certificate")
    cert, key = tmp_path / "cert.pem", tmp_path / "key.pem"
    subprocess.run(
        ["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1"]
        + ["-subj", "/CN=127.0.0.1", "-addext", "subjectAltName=IP:127.0.0.1"]
        + ["-keyout", str(key), "-out", str(cert)],
        check=True,
        capture_output=True,
    )

    class Answer(http.server.BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def do_GET(self):
            body = b'{"tagline": "tls"}'
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args):
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Answer)
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(cert, key)
    server.socket = context.wrap_socket(server.socket, server_side=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield server.server_address[1], str(cert)
    server.shutdown()
    server.server_close()


def test_tls_is_verified_against_the_configured_certificates(tls_server):
    port, cert = tls_server
    trusted = HTTPClientConnection("127.0.0.1", port, use_ssl=True, ca_certs=cert, timeout=5)
    status, _, data = trusted.perform_request("GET", "/")
    assert (status, json.loads(data)) == (200, {"tagline": "tls"})
    with pytest.raises(SSLError):  # the system's certificates do not vouch for it
        HTTPClientConnection("127.0.0.1", port, use_ssl=True, timeout=5).perform_request("GET", "/")
