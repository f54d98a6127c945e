"""seedsearch over OpenSearch on the 19,043 Reuters stories: build throughput, and the
product's HTTP latency beside a bare OpenSearch query with the same DSL (issue 14, section 6).

    python bench/opensearch_product.py --url http://127.0.0.1:9200 [--reps 5] [--seconds 10]
        [--json F] [--no-build] [--baseline TREE]

Needs a running node (tools/opensearch-node/run PORT DATA_DIR). In one run:
- build: `seedsearch index --full` with `[backend] kind = "opensearch"`: documents/s
  including cleaning and bulk indexing;
- HTTP: `seedsearch serve` over the cluster, the 200 Reuters benchmark queries through
  /api/search at 1 and 8 clients, beside the same clients POSTing to the node's own _search
  the exact query DSL the product sent for each query (recorded from the product's client);
  the ratio is the product's own overhead (cleaning and policy excluded: it is all query
  path: parsing, the policy's extra calls, snippets, JSON, the WSGI server). Both sides run
  `--reps` times, alternating, and the medians are reported (two cores shared with the node
  make single runs noisy); the bodies bare sent are written to WORK/bodies.json. With
  `--baseline TREE` a second `seedsearch serve` runs TREE's code (e.g. `git archive main`
  unpacked) on the same index as a third side, so a change is measured against its base in
  the same run;
- per query (`--per-query PASSES`): one client sends each query to every side in turn (the
  order rotating), PASSES times; each query's median latency per side, and the p50/p99 over
  the 200 queries of those medians: a slow moment of a shared machine moves one sample of a
  query, not its median, so the tail queries stand out even under load;
- round trips: how many HTTP requests the node answers for each query through each server,
  counted by the node itself (its `_nodes/usage` REST action counts, one query at a time,
  nothing else running), which load does not distort.
"""

from __future__ import annotations

import argparse
import collections
import contextlib
import functools
import json
import os
import statistics
import subprocess
import sys
import time
import urllib.parse
from http.client import HTTPConnection
from pathlib import Path

import psutil

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(HERE))

from http_load import Request, percentiles  # noqa: E402
from opensearch_bench import bare_load, search_requests  # noqa: E402
from perf import (  # noqa: E402
    DATA,
    api_requests,
    free_port,
    load_stories,
    load_test,
    seedsearch_cmd,
    wait_http,
    write_corpus,
)

from indexer.backend import open_backend  # noqa: E402
from indexer.config import load_config  # noqa: E402
from indexer.search import parse_request  # noqa: E402

ALIAS = "bench-reuters"


def write_config(work: Path, url: str) -> Path:
    config = work / "config.toml"
    config.write_text(
        f'[corpus]\ndir = "corpus"\n\n[index]\ndir = "index"\n\n[backend]\nkind = "opensearch"\n\n'
        f'[opensearch]\nurl = "{url}"\nindex = "{ALIAS}"\n',
        encoding="utf-8",
    )
    return config


def recorded_bodies(config_path: Path, queries: list[str]) -> list[dict]:
    """The DSL of each query's main search, as the product sends it (its last search with
    the facets' aggregations, alone or in an _msearch beside did-you-mean's counts), recorded
    from the product's own client. Did-you-mean's counts are searches with aggregations too
    (a `filters` one, no hits): taking the last of any aggregating search gave 5 of the 200
    queries a 200-byte count as their bare side, ~2 ms against the product's 30-60 ms, the
    very queries at the product's p99."""
    config = load_config(config_path)
    backend = open_backend(config)
    sent: list[dict] = []
    real_search, real_msearch = backend.client.search, backend.client.msearch

    def search(*args, **kwargs):
        sent.append(kwargs.get("body") or {})
        return real_search(*args, **kwargs)

    def msearch(*args, **kwargs):
        sent.extend(kwargs["body"][1::2])  # header, body, header, body...
        return real_msearch(*args, **kwargs)

    backend.client.search, backend.client.msearch = search, msearch
    bodies = []
    for q in queries:
        sent.clear()
        backend.search(parse_request({"q": q}, config.search), config.search)
        main = [b for b in sent if "source" in b.get("aggs", {})]
        bodies.append(main[-1])
    return bodies


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--url", default="http://127.0.0.1:9200")
    ap.add_argument("--work", type=Path, default=ROOT / "bench" / "out" / "opensearch")
    ap.add_argument("--seconds", type=float, default=10.0, help="length of one run of one side")
    ap.add_argument("--reps", type=int, default=5, help="runs of each side, alternating")
    ap.add_argument("--limit", type=int, default=0, help="use only the first N stories")
    ap.add_argument("--json", type=Path)
    ap.add_argument("--no-build", action="store_true", help="reuse the index of an earlier run")
    ap.add_argument(
        "--baseline",
        type=Path,
        help="also serve the product from this source tree (e.g. an export of main) on the same "
        "index, as a third side alternating with the other two",
    )
    ap.add_argument(
        "--per-query", type=int, default=0, metavar="PASSES", help="also time each query alone"
    )
    args = ap.parse_args()
    work = args.work
    work.mkdir(parents=True, exist_ok=True)
    stories = load_stories(DATA / "reuters21578.jsonl.gz")
    if args.limit:
        stories = stories[: args.limit]
    if not (work / "corpus").exists():
        write_corpus(stories, work / "corpus")
    queries = [q for q in (DATA / "queries.txt").read_text().splitlines() if q.strip()]
    config = write_config(work, args.url)
    out: dict = {"documents": len(stories)}

    if not args.no_build:
        started = time.perf_counter()
        subprocess.run(
            [*seedsearch_cmd(), "--config", str(config), "index", "--full", "--quiet"], check=True
        )
        seconds = time.perf_counter() - started
        out["build_seconds"] = seconds
        out["build_docs_per_s"] = len(stories) / seconds
        print(f"build: {len(stories)} documents in {seconds:.1f}s = {len(stories) / seconds:.0f}/s")

    bodies = recorded_bodies(config, queries)
    (work / "bodies.json").write_text(json.dumps(bodies), encoding="utf-8")  # what bare sent
    trees = {"product": None} | ({"baseline": args.baseline} if args.baseline else {})
    with contextlib.ExitStack() as stack:
        servers = {
            name: stack.enter_context(served(config, work, name, tree))
            for name, tree in trees.items()
        }
        node = node_process(args.url)
        for name, (port, _) in servers.items():
            out[f"round_trips_{name}"] = trips = round_trips(port, args.url, queries)
            made = sorted(trips["queries_by_trips"].items())
            print(
                f"round trips to the node per query, {name}: mean {trips['mean']:.3f} "
                f"({', '.join(f'{k} made {n}' for n, k in made)}); {trips['actions']}"
            )
        if args.per_query:
            out["per_query"] = per_query(servers, args.url, queries, bodies, args.per_query)
        for clients in (1, 8):
            out[f"http_{clients}"] = side_by_side(
                servers, node, args.url, queries, bodies, clients, args
            )
    if args.json:
        args.json.write_text(json.dumps(out, indent=2))
    return 0


@contextlib.contextmanager
def served(config: Path, work: Path, name: str, tree: Path | None):
    """`seedsearch serve` over the cluster on a free port; from the source tree `tree` (its
    packages first on the path) when given, else this one's."""
    port = free_port()
    log = work / f"server-{name}.log"
    env = os.environ | ({"PYTHONPATH": str(tree.resolve())} if tree else {})
    cmd = [sys.executable, "-m", "webapp.cli"] if tree else seedsearch_cmd()
    with log.open("w") as err:
        server = subprocess.Popen(
            [*cmd, "--config", str(config), "serve", "--port", str(port)],
            stdout=subprocess.DEVNULL,
            stderr=err,
            env=env,
            cwd=tree or None,
        )
    try:
        wait_http(port, server, log)
        yield port, psutil.Process(server.pid)
    finally:
        server.terminate()
        server.wait(10)


def node_requests(url: str) -> collections.Counter:
    """The node's count of REST requests answered so far, by action (its own usage call
    left out)."""
    conn = connect(url)
    conn.request("GET", "/_nodes/_local/usage")
    usage = json.loads(conn.getresponse().read())
    conn.close()
    (node,) = usage["nodes"].values()
    actions = collections.Counter(node.get("rest_actions", {}))
    del actions["nodes_usage_action"]
    return actions


def round_trips(port: int, url: str, queries: list[str]) -> dict:
    """HTTP requests the node answers per query through the server on `port`, one query at
    a time (after one unmeasured pass, so every worker is warm)."""
    server = HTTPConnection("127.0.0.1", port, timeout=60)
    paths = [request.path for request in api_requests(queries)]
    for path in paths:
        server.request("GET", path)
        server.getresponse().read()
    per_query, actions = [], collections.Counter()
    for path in paths:
        before = node_requests(url)
        server.request("GET", path)
        server.getresponse().read()
        made = node_requests(url) - before
        per_query.append(made.total())
        actions += made
    server.close()
    return {
        "mean": statistics.mean(per_query),
        "queries_by_trips": dict(collections.Counter(per_query)),
        "actions": dict(actions),
    }


def per_query(servers: dict, url: str, queries, bodies, passes: int) -> dict:
    """Each query's median latency per side over `passes` sends, one client, the sides'
    order rotating query by query; the p50/p99 over the queries of those medians."""
    requests = {
        name: (f"http://127.0.0.1:{port}", api_requests(queries))
        for name, (port, _) in servers.items()
    }
    requests["bare"] = (url, search_requests(ALIAS, bodies))
    conns = {name: connect(u) for name, (u, _) in requests.items()}
    samples = {name: [[] for _ in queries] for name in requests}
    names = list(requests)
    for n in range(passes * len(queries)):
        i, turn = n % len(queries), n % len(names)
        for name in names[turn:] + names[:turn]:
            samples[name][i].append(timed(conns[name], requests[name][1][i]))
    out = {}
    for name, per in samples.items():
        medians = [statistics.median(s) for s in per]
        out[name] = {"medians": medians, **percentiles(medians)}
    for name in servers:
        ratios = {cut: out[name][cut] / out["bare"][cut] for cut in ("p50", "p99")}
        out[f"{name}_ratio"] = ratios
        print(
            f"per query (medians of {passes}), {name}: p50 {out[name]['p50']:.1f} ms, p99 "
            f"{out[name]['p99']:.1f} ms; bare p50 {out['bare']['p50']:.1f} ms, p99 "
            f"{out['bare']['p99']:.1f} ms; ratios {ratios['p50']:.2f}x, {ratios['p99']:.2f}x"
        )
    return out


def connect(url: str) -> HTTPConnection:
    parts = urllib.parse.urlsplit(url)
    return HTTPConnection(parts.hostname, parts.port, timeout=60)


def timed(conn: HTTPConnection, request: Request) -> float:
    """One request's latency in ms, the whole answer read."""
    started = time.perf_counter()
    conn.request(request.method, request.path, request.body, {"Content-Type": "application/json"})
    conn.getresponse().read()
    return (time.perf_counter() - started) * 1000


def side_by_side(servers: dict, node, url: str, queries, bodies, clients: int, args) -> dict:
    """`args.reps` short runs of each side, the order rotating from run to run, so all sides
    see the same machine; the medians of each side's p50/p99 and of the runs' ratios to bare,
    and of the CPU per request of the product's processes and of the node (wall-clock on a
    shared machine swings more than the product's own costs)."""
    sides = {
        name: (functools.partial(load_test, port, queries, clients), proc)
        for name, (port, proc) in servers.items()
    }
    sides["bare"] = (functools.partial(bare_load, url, ALIAS, bodies, clients), None)
    for run, _ in sides.values():
        run(3.0)  # warm-up
    runs: dict[str, list[dict]] = {name: [] for name in sides}
    names = list(sides)
    for rep in range(args.reps):
        order = names[rep % len(names) :] + names[: rep % len(names)]
        for name in order if rep % 2 == 0 else order[::-1]:
            run, proc = sides[name]
            runs[name].append(cpu_measured(run, args.seconds, proc, node))
    result = {name: median_run(r) for name, r in runs.items()}
    result["runs"] = runs
    bare = result["bare"]
    for name in servers:
        for cut in ("p50", "p99"):
            ratios = [p[cut] / b[cut] for p, b in zip(runs[name], runs["bare"], strict=True)]
            result[f"{name}_{cut}_ratio"] = statistics.median(ratios)
            listed = ", ".join(f"{r:.2f}" for r in ratios)
            print(
                f"HTTP {clients} client(s) {cut}: {name} {result[name][cut]:.1f} ms, bare "
                f"OpenSearch {bare[cut]:.1f} ms (medians of {args.reps}), ratio median "
                f"{result[f'{name}_{cut}_ratio']:.2f}x (runs: {listed})"
            )
    for name in sides:
        side = result[name]
        print(
            f"  {name}: CPU per request {side['server_cpu_ms']:.2f} ms in the product's "
            f"processes, {side['node_cpu_ms']:.2f} ms in the node; "
            f"{side['errors']} errors of {side['requests']}"
        )
    return result


def node_process(url: str):
    """The process listening on the node's port (for its CPU), or None if not found here."""
    port = urllib.parse.urlsplit(url).port
    with contextlib.suppress(psutil.Error):
        for conn in psutil.net_connections("tcp"):
            if conn.status == psutil.CONN_LISTEN and conn.laddr.port == port and conn.pid:
                return psutil.Process(conn.pid)
    return None


def cpu_measured(run, seconds: float, proc, node) -> dict:
    """`run(seconds)`'s result, with the CPU per request of `proc` and its children (the
    product's server and workers) and of `node` (NaN when not known)."""

    def cpu(p) -> float:
        if p is None:
            return float("nan")
        with contextlib.suppress(psutil.Error):
            return sum(sum(q.cpu_times()[:2]) for q in [p, *p.children(recursive=True)])
        return float("nan")

    before = (cpu(proc), cpu(node))
    result = run(seconds)
    after = (cpu(proc), cpu(node))
    n = max(result["requests"], 1)
    result["server_cpu_ms"] = (after[0] - before[0]) / n * 1000 if proc else 0.0
    result["node_cpu_ms"] = (after[1] - before[1]) / n * 1000
    return result


def median_run(runs: list[dict]) -> dict:
    """Each measure's median over the runs; errors and requests summed."""
    keys = ("p50", "p95", "p99", "rps", "server_cpu_ms", "node_cpu_ms")
    out = {key: statistics.median(r[key] for r in runs) for key in keys}
    out["errors"] = sum(r["errors"] for r in runs)
    out["requests"] = sum(r["requests"] for r in runs)
    return out


if __name__ == "__main__":
    sys.exit(main())
