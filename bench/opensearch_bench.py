"""Bare OpenSearch latency: the product's own query DSL POSTed straight to a node's _search, at 1
and 8 clients, p50/p99 — the reference beside seedsearch's HTTP numbers over OpenSearch (issue 14,
section 6; bench/opensearch_product.py runs both sides in one run).

    python bench/opensearch_bench.py --url http://127.0.0.1:9200 --index ALIAS \\
        --bodies bodies.json [--clients 1 8] [--seconds 20] [--json out.json]

bodies.json is a JSON list of search bodies, one per benchmark query, as the product sent them.
The load loop is the one bench/perf.py times the product's HTTP API with: each client is one
keep-alive http.client connection cycling through the requests, starting at its own offset,
and a request's latency includes reading the whole response. An answer counts only if it is a
200 whose body is a search response with no failed shards.
"""

from __future__ import annotations

import argparse
import http.client
import json
import statistics
import sys
import threading
import time
import urllib.parse
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class Request:
    """One HTTP request of a load: method, path, and a JSON body or none."""

    method: str
    path: str
    body: bytes | None = None


def percentiles(values: list[float]) -> dict[str, float]:
    """p50/p95/p99 of latencies in ms (the same cuts as bench/perf.py)."""
    if len(values) < 2:
        value = values[0] if values else float("nan")
        return {"p50": value, "p95": value, "p99": value}
    cuts = statistics.quantiles(values, n=100, method="inclusive")
    return {"p50": cuts[49], "p95": cuts[94], "p99": cuts[98]}


def search_answered(status: int, body: bytes) -> bool:
    """A 200 search response with hits and no failed shard."""
    if status != 200:
        return False
    try:
        data = json.loads(body)
    except ValueError:
        return False
    return "hits" in data and data.get("_shards", {}).get("failed", 0) == 0


def http_load(
    url: str,
    requests: list[Request],
    clients: int,
    seconds: float,
    answered: Callable[[int, bytes], bool],
) -> dict:
    """`clients` keep-alive connections to `url`, each cycling through `requests` for `seconds`;
    latency percentiles in ms, requests/s, and how many answers `answered` refused."""
    parts = urllib.parse.urlsplit(url)
    headers = {"Content-Type": "application/json"}
    lock = threading.Lock()
    latencies: list[float] = []
    errors = [0]
    deadline = time.monotonic() + seconds

    def connect() -> http.client.HTTPConnection:
        return http.client.HTTPConnection(parts.hostname, parts.port, timeout=30)

    def client(offset: int) -> None:
        conn = connect()
        mine, bad, i = [], 0, offset
        while time.monotonic() < deadline:
            request = requests[i % len(requests)]
            i += 1
            t = time.perf_counter()
            try:
                conn.request(request.method, request.path, request.body, headers)
                resp = conn.getresponse()
                ok = answered(resp.status, resp.read())
            except (OSError, http.client.HTTPException):
                ok = False
                conn.close()
                conn = connect()
            mine.append((time.perf_counter() - t) * 1000)
            bad += not ok
        conn.close()
        with lock:
            latencies.extend(mine)
            errors[0] += bad

    started = time.perf_counter()
    threads = [
        threading.Thread(target=client, args=(k * len(requests) // clients,))
        for k in range(clients)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    elapsed = time.perf_counter() - started
    return {
        "rps": len(latencies) / elapsed,
        **percentiles(latencies),
        "errors": errors[0],
        "requests": len(latencies),
    }


def bare_load(url: str, index: str, bodies: list[dict], clients: int, seconds: float) -> dict:
    """The bodies POSTed to <index>/_search on the node at `url` (see http_load)."""
    path = f"/{urllib.parse.quote(index, safe='')}/_search"
    requests = [Request("POST", path, json.dumps(body).encode()) for body in bodies]
    return http_load(url, requests, clients, seconds, search_answered)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--url", default="http://127.0.0.1:9200")
    ap.add_argument("--index", required=True, help="index or alias to search")
    ap.add_argument("--bodies", type=Path, required=True, help="JSON list of search bodies")
    ap.add_argument("--clients", type=int, nargs="+", default=[1, 8])
    ap.add_argument("--seconds", type=float, default=20.0)
    ap.add_argument("--warmup", type=float, default=3.0, help="seconds of unmeasured load first")
    ap.add_argument("--json", type=Path)
    args = ap.parse_args(argv)
    bodies = json.loads(args.bodies.read_text(encoding="utf-8"))
    if not isinstance(bodies, list) or not bodies:
        ap.error(f"{args.bodies}: expected a non-empty JSON list of search bodies")
    out: dict = {"url": args.url, "index": args.index, "bodies": len(bodies)}
    for clients in args.clients:
        bare_load(args.url, args.index, bodies, clients, args.warmup)
        result = bare_load(args.url, args.index, bodies, clients, args.seconds)
        out[f"bare_{clients}"] = result
        print(
            f"bare OpenSearch, {clients} client(s): p50 {result['p50']:.1f} ms, "
            f"p99 {result['p99']:.1f} ms, {result['rps']:.0f} req/s, "
            f"{result['requests']} requests, {result['errors']} errors"
        )
    if args.json:
        args.json.write_text(json.dumps(out, indent=2), encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
