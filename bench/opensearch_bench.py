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
import json
import sys
import urllib.parse
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from http_load import Request, http_load  # noqa: E402


def search_answered(status: int, body: bytes) -> bool:
    """A 200 search response with hits and no failed shard."""
    if status != 200:
        return False
    try:
        data = json.loads(body)
    except ValueError:
        return False
    return "hits" in data and data.get("_shards", {}).get("failed", 0) == 0


def search_requests(index: str, bodies: list[dict]) -> list[Request]:
    """Each body as a POST to <index>/_search."""
    path = f"/{urllib.parse.quote(index, safe='')}/_search"
    return [Request("POST", path, json.dumps(body).encode()) for body in bodies]


def bare_load(url: str, index: str, bodies: list[dict], clients: int, seconds: float) -> dict:
    """The bodies POSTed to <index>/_search on the node at `url` (see http_load)."""
    return http_load(url, search_requests(index, bodies), clients, seconds, search_answered)


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
