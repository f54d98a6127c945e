"""seedsearch on a two-node OpenSearch cluster keeps answering while one node is SIGKILLed, and
the node rejoins.

Two launcher processes form a cluster; `seedsearch index` puts the seed corpus into an index of 2
shards with 1 replica, so each node holds a copy of every shard, and `seedsearch serve` answers
over it (its [opensearch] url is the first node). A client queries the JSON API without pause
while the second node is killed, restarted on the same data and ports, and rejoins: every request
must answer 200 with the documents it found before the kill, or, when it lost a shard copy
mid-search, with partial results that its notices admit. Then `seedsearch index --check` passes.
A bare opensearch-py client queries the same node beside it, for comparison only: OpenSearch
itself answers 500 (or 200 with `_shards.failed`) to a search whose fetch phase was on the node
when it died, and does not retry it on the other copy; seedsearch must not pass that on.
(The killed node is the one the product does not talk to: a single-URL client cannot fail over,
which is a matter of load balancing in front of a cluster, not of the cluster.)
"""

from __future__ import annotations

import http.client
import json
import subprocess
import threading
import time
import urllib.parse
import uuid
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from hardening_support import Server, seedsearch_command
from opensearch_node import Node, require_node, start_node

pytestmark = pytest.mark.slow

ALIAS = "seedsearch-kill-trial"
QUERIES = ["china", "korea", "president", "japan", "beijing", "diplomatic", "moon"]
PHASES = ("before kill", "node down", "restarting", "rejoined")
# A request may lose a shard that was on the killed node mid-search; the answer is then partial,
# which is allowed if the answer says so. Any other outcome fails the trial.
ANSWERED = ("200 ok", "200 partial, said so")
QUERY_LOOP_LIMIT = 600.0  # seconds: the loop stops by itself even if the test hangs
# Seconds each phase lasts at least; the node-down phase longer, as it is the one that matters.
PHASE_SECONDS = {"before kill": 5.0, "node down": 10.0, "restarting": 3.0, "rejoined": 5.0}


@dataclass
class Tally:
    """What the query loop saw, per phase of the trial."""

    phase: str = PHASES[0]
    outcomes: Counter = field(default_factory=Counter)
    wrong: list[str] = field(default_factory=list)

    def record(self, outcome: str, detail: str = "") -> None:
        self.outcomes[(self.phase, outcome)] += 1
        if outcome not in ANSWERED and len(self.wrong) < 20:
            self.wrong.append(f"{self.phase}: {outcome} {detail[:600]}")

    def count(self, phase: str, outcome: str | None = None) -> int:
        return sum(n for (p, o), n in self.outcomes.items() if p == phase and outcome in (None, o))

    def summary(self) -> str:
        return ", ".join(
            f"{phase} {self.count(phase, '200 ok')}/{self.count(phase)} 200 as before"
            f" ({self.count(phase, ANSWERED[1])} partial, said so)"
            for phase in PHASES
        )


class Product:
    """seedsearch's /api/search over one keep-alive connection; answers judged against the
    answers before the kill."""

    name = "seedsearch API"

    def __init__(self, url: str):
        self.parts = urllib.parse.urlsplit(url)
        self.conn = self._connect()
        self.expected: dict[str, tuple] = {}

    def _connect(self) -> http.client.HTTPConnection:
        return http.client.HTTPConnection(self.parts.hostname, self.parts.port, timeout=60)

    def _get(self, query: str) -> tuple[int, dict]:
        try:
            self.conn.request("GET", "/api/search?q=" + urllib.parse.quote(query))
            response = self.conn.getresponse()
            return response.status, json.loads(response.read())
        except (OSError, http.client.HTTPException):
            self.conn.close()
            self.conn = self._connect()
            raise

    @staticmethod
    def found(answer: dict) -> tuple:
        """The total, the ids and the notices (a partial answer says so there). Order is left
        out: equal scores may come back in either order from two copies of a shard."""
        ids = frozenset(hit["id"] for hit in answer["results"])
        return answer["total"], ids, tuple(answer["notices"])

    def learn(self, query: str) -> None:
        status, answer = self._get(query)
        assert status == 200 and answer["total"] > 0, (query, answer)
        self.expected[query] = self.found(answer)

    def ask(self, query: str) -> tuple[str, str]:
        status, answer = self._get(query)
        expected = self.expected[query]
        if status != 200:
            return f"http {status}", json.dumps(answer)[:300]
        if self.found(answer) == expected:
            return "200 ok", ""
        if answer["results"] and set(answer["notices"]) > set(expected[2]):
            return "200 partial, said so", f"{query}: {answer['notices']}"
        return "200 other results", f"{query}: {self.found(answer)} instead of {expected}"

    def close(self) -> None:
        self.conn.close()


class Bare:
    """The same words as plain match queries on the alias through opensearch-py, beside the
    product: whether the cluster itself answered every request."""

    name = "bare OpenSearch"

    def __init__(self, url: str):
        import opensearchpy

        self.errors = opensearchpy.TransportError
        self.client = opensearchpy.OpenSearch(hosts=[url], timeout=60)
        self.expected: dict[str, tuple] = {}

    def _search(self, query: str) -> dict:
        body = {"query": {"match": {"text": query}}, "size": 10}
        return self.client.search(index=ALIAS, body=body)

    @staticmethod
    def found(answer: dict) -> tuple:
        return answer["hits"]["total"]["value"], frozenset(h["_id"] for h in answer["hits"]["hits"])

    def learn(self, query: str) -> None:
        answer = self._search(query)
        assert answer["_shards"]["failed"] == 0 and answer["hits"]["hits"], (query, answer)
        self.expected[query] = self.found(answer)

    def ask(self, query: str) -> tuple[str, str]:
        try:
            answer = self._search(query)
        except self.errors as exc:
            return f"http {exc.status_code}", str(exc)[:300]
        if self.found(answer) == self.expected[query] and answer["_shards"]["failed"] == 0:
            return "200 ok", ""
        if answer["_shards"]["failed"] > 0 and answer["hits"]["hits"]:
            return "200 partial, said so", f"{query}: {answer['_shards']}"
        return "200 other results", f"{query}: {self.found(answer)} != {self.expected[query]}"

    def close(self) -> None:
        self.client.close()


def _query_loop(client, tally: Tally, stop: threading.Event) -> None:
    deadline = time.monotonic() + QUERY_LOOP_LIMIT
    i = 0
    while not stop.is_set() and time.monotonic() < deadline:
        query = QUERIES[i % len(QUERIES)]
        i += 1
        try:
            outcome, detail = client.ask(query)
        except Exception as exc:  # noqa: BLE001 - every failure is counted, none may happen
            outcome, detail = type(exc).__name__, str(exc)[:300]
        tally.record(outcome, detail)
    client.close()


def _run_phase(tallies: list[Tally], phase: str, until, timeout: float) -> None:
    """Switch the tallies to `phase`, then wait at least its PHASE_SECONDS and until `until()`."""
    for tally in tallies:
        tally.phase = phase
    start = time.monotonic()
    while time.monotonic() - start < PHASE_SECONDS[phase] or not until():
        assert time.monotonic() - start < timeout, f"{phase}: condition not met in {timeout} s"
        time.sleep(0.2)


def _write_config(folder: Path, seeds: Path, node_url: str) -> Path:
    config = folder / "config.toml"
    config.write_text(
        f'[corpus]\ndir = "{seeds}"\n\n[index]\ndir = "{folder / "index"}"\n\n'
        f'[backend]\nkind = "opensearch"\n\n'
        f'[opensearch]\nurl = "{node_url}"\nindex = "{ALIAS}"\nshards = 2\nreplicas = 1\n',
        encoding="utf-8",
    )
    return config


def _seedsearch(config: Path, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [*seedsearch_command(), "--config", str(config), *args],
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )


def test_sigkill_of_one_node_loses_no_request_and_the_node_rejoins(tmp_path, seeds, capsys):
    require_node()
    import opensearchpy

    cluster = f"seedsearch-kill-{uuid.uuid4().hex[:8]}"
    first = start_node(tmp_path / "first", cluster=cluster)
    second: Node | None = None
    stop = threading.Event()
    loops: list[threading.Thread] = []
    try:
        second = start_node(tmp_path / "second", cluster=cluster, seed=first.transport, nodes=2)
        admin = opensearchpy.OpenSearch(hosts=[first.url], timeout=60)
        config = _write_config(tmp_path, seeds, first.url)
        built = _seedsearch(config, "index")
        assert built.returncode == 0, built.stderr
        health = admin.cluster.health(
            index=ALIAS, wait_for_status="green", params={"timeout": "120s"}, request_timeout=150
        )
        assert health["status"] == "green" and health["number_of_nodes"] == 2
        second_id = _node_id(admin, second)
        assert _shard_holders(admin) == {_name(first), _name(second)}
        primaries_lost = _primaries_on(admin, _name(second))

        with Server(config) as server:
            clients = [Product(server.url), Bare(first.url)]
            for asker in clients:
                for query in QUERIES:
                    asker.learn(query)
            tallies = [Tally() for _ in clients]
            loops = [
                threading.Thread(target=_query_loop, args=(c, t, stop))
                for c, t in zip(clients, tallies, strict=True)
            ]
            for loop in loops:
                loop.start()
            _run_phase(tallies, "before kill", lambda: True, 30)
            second.kill()
            _run_phase(tallies, "node down", lambda: _nodes(admin) == 1, 120)
            second.start()
            _run_phase(tallies, "restarting", lambda: _green_with(admin, 2), 300)
            _run_phase(tallies, "rejoined", lambda: True, 30)
            stop.set()
            for loop in loops:
                loop.join(timeout=120)

        report = "\n".join(
            f"  {c.name}: {t.summary()}" for c, t in zip(clients, tallies, strict=True)
        )
        product, bare = tallies
        # The request counts are what issue 14 asks to see, so they reach CI's log uncaptured.
        with capsys.disabled():
            print(
                f"\nkill trial ({cluster}, {primaries_lost} of 2 primaries on the killed node):\n"
                + report
            )
            if bare.wrong:
                print("  bare OpenSearch's other answers:\n    " + "\n    ".join(bare.wrong))
        warnings = [line for line in server.log if "WARNING" in line or "ERROR" in line]
        assert product.wrong == [], f"{product.wrong}\n{report}\nserver log:\n" + "\n".join(
            warnings[-20:]
        )
        for phase in PHASES:
            assert product.count(phase, "200 ok") > 0, phase
            assert bare.count(phase, "200 ok") > 0, phase
        # The same node came back (its id lives in its data folder) and holds shards again.
        assert _node_id(admin, second) == second_id
        assert _shard_holders(admin) == {_name(first), _name(second)}
        checked = _seedsearch(config, "index", "--check")
        assert checked.returncode == 0, checked.stdout + checked.stderr
    finally:
        stop.set()
        for loop in loops:
            loop.join(timeout=120)
        if second is not None:
            second.stop()
        first.stop()


def _name(node: Node) -> str:
    return f"node-{node.port}"


def _nodes(admin) -> int:
    return admin.cluster.health()["number_of_nodes"]


def _green_with(admin, nodes: int) -> bool:
    health = admin.cluster.health(index=ALIAS)
    return health["status"] == "green" and health["number_of_nodes"] == nodes


def _node_id(admin, node: Node) -> str:
    nodes = admin.nodes.info(node_id=_name(node), metric="transport")["nodes"]
    assert len(nodes) == 1, nodes
    return next(iter(nodes))


def _primaries_on(admin, node_name: str) -> int:
    rows = admin.cat.shards(index=ALIAS, format="json")
    return sum(1 for row in rows if row["prirep"] == "p" and row["node"] == node_name)


def _shard_holders(admin) -> set[str]:
    rows = admin.cat.shards(index=ALIAS, format="json")
    return {row["node"] for row in rows if row["state"] == "STARTED"}
