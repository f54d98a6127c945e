"""A two-node cluster keeps answering while one node is SIGKILLed, and the node rejoins.

Two launcher processes form a cluster; the seed documents go into an index of 2 shards with 1
replica, so each node holds a copy of every shard. A client queries the first node without pause
while the second is killed, restarted on the same data and ports, and rejoins: every request must
answer 200 with the same documents as before the kill.
"""

from __future__ import annotations

import threading
import time
import uuid
from collections import Counter
from dataclasses import dataclass, field

import pytest
from opensearch_node import Node, require_node, start_node

from indexer.clean import clean_file

pytestmark = pytest.mark.slow

INDEX = "seedsearch-kill-trial"
QUERIES = ["china", "korea", "president", "japan", "beijing", "diplomatic", "moon"]
QUERY_LOOP_LIMIT = 600.0  # seconds: the loop stops by itself even if the test hangs
PHASE_MIN_SECONDS = 3.0


@dataclass
class Tally:
    """What the query loop saw, per phase of the trial."""

    phase: str = "before kill"
    outcomes: Counter = field(default_factory=Counter)
    wrong: list[str] = field(default_factory=list)

    def record(self, outcome: str, detail: str = "") -> None:
        self.outcomes[(self.phase, outcome)] += 1
        if outcome != "200 ok" and len(self.wrong) < 20:
            self.wrong.append(f"{self.phase}: {outcome} {detail}")

    def count(self, phase: str | None = None, outcome: str | None = None) -> int:
        return sum(
            n
            for (p, o), n in self.outcomes.items()
            if (phase is None or p == phase) and (outcome is None or o == outcome)
        )


def _hit_ids(client, query: str) -> list[str]:
    body = {"query": {"match": {"text": query}}, "size": 10, "sort": ["_score", "_id"]}
    response = client.search(index=INDEX, body=body)
    return [hit["_id"] for hit in response["hits"]["hits"]]


def _query_loop(client, expected: dict[str, list[str]], tally: Tally, stop: threading.Event):
    import opensearchpy

    deadline = time.monotonic() + QUERY_LOOP_LIMIT
    i = 0
    while not stop.is_set() and time.monotonic() < deadline:
        query = QUERIES[i % len(QUERIES)]
        i += 1
        try:
            ids = _hit_ids(client, query)
        except opensearchpy.TransportError as exc:
            tally.record(f"http {exc.status_code}", str(exc)[:200])
            continue
        except Exception as exc:  # noqa: BLE001 - every failure is counted, none may happen
            tally.record(type(exc).__name__, str(exc)[:200])
            continue
        tally.record("200 ok" if ids == expected[query] else "200 wrong results", query)


def _run_phase(tally: Tally, phase: str, until, timeout: float) -> None:
    """Switch the tally to `phase`, then wait at least PHASE_MIN_SECONDS and until `until()`."""
    tally.phase = phase
    start = time.monotonic()
    while time.monotonic() - start < PHASE_MIN_SECONDS or not until():
        assert time.monotonic() - start < timeout, f"{phase}: condition not met in {timeout} s"
        time.sleep(0.2)


def _index_seeds(client, seeds) -> None:
    client.indices.create(
        index=INDEX,
        body={
            "settings": {"number_of_shards": 2, "number_of_replicas": 1},
            "mappings": {"properties": {"text": {"type": "text", "analyzer": "english"}}},
        },
    )
    for path in sorted(seeds.iterdir()):
        doc = clean_file(path, path.name)
        client.index(index=INDEX, id=doc.id, body={"title": doc.title, "text": doc.text})
    client.indices.refresh(index=INDEX)


def test_sigkill_of_one_node_loses_no_request_and_the_node_rejoins(tmp_path, seeds):
    require_node()
    import opensearchpy

    cluster = f"seedsearch-kill-{uuid.uuid4().hex[:8]}"
    first = start_node(tmp_path / "first", cluster=cluster)
    second: Node | None = None
    stop = threading.Event()
    loop = None
    try:
        second = start_node(tmp_path / "second", cluster=cluster, seed=first.transport, nodes=2)
        client = opensearchpy.OpenSearch(hosts=[first.url], timeout=60)
        _index_seeds(client, seeds)
        health = client.cluster.health(
            index=INDEX, wait_for_status="green", params={"timeout": "120s"}, request_timeout=150
        )
        assert health["status"] == "green" and health["number_of_nodes"] == 2
        second_id = _node_id(client, second)
        assert {row["node"] for row in _shard_rows(client)} == {_name(first), _name(second)}

        expected = {query: _hit_ids(client, query) for query in QUERIES}
        assert all(expected.values()), expected

        tally = Tally()
        loop = threading.Thread(target=_query_loop, args=(client, expected, tally, stop))
        loop.start()

        _run_phase(tally, "before kill", lambda: True, 30)
        second.kill()
        _run_phase(tally, "node down", lambda: _nodes(client) == 1, 120)
        second.start()
        _run_phase(tally, "restarting", lambda: _green_with(client, 2), 300)
        _run_phase(tally, "rejoined", lambda: True, 30)
        stop.set()
        loop.join(timeout=120)

        print(f"\nkill trial ({cluster}): " + ", ".join(
            f"{phase}: {tally.count(phase, '200 ok')}/{tally.count(phase)} answered 200 ok"
            for phase in ("before kill", "node down", "restarting", "rejoined")
        ))
        assert tally.wrong == []
        for phase in ("before kill", "node down", "restarting", "rejoined"):
            assert tally.count(phase, "200 ok") > 0, phase
        # The same node came back (its id lives in its data folder) and holds shards again.
        assert _node_id(client, second) == second_id
        assert {row["node"] for row in _shard_rows(client)} == {_name(first), _name(second)}
    finally:
        stop.set()
        if loop is not None:
            loop.join(timeout=120)
        if second is not None:
            second.stop()
        first.stop()


def _name(node: Node) -> str:
    return f"node-{node.port}"


def _nodes(client) -> int:
    return client.cluster.health()["number_of_nodes"]


def _green_with(client, nodes: int) -> bool:
    health = client.cluster.health(index=INDEX)
    return health["status"] == "green" and health["number_of_nodes"] == nodes


def _node_id(client, node: Node) -> str:
    found = client.nodes.info(node_id=_name(node), metric="transport")["nodes"]
    assert len(found) == 1, found
    return next(iter(found))


def _shard_rows(client) -> list[dict]:
    return [
        row
        for row in client.cat.shards(index=INDEX, format="json")
        if row["state"] == "STARTED"
    ]
