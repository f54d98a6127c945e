"""seedsearch over OpenSearch on the 19,043 Reuters stories: build throughput, and the
product's HTTP latency beside a bare OpenSearch query with the same DSL (issue 14, section 6).

    python bench/opensearch_product.py --url http://127.0.0.1:9200 [--seconds 20] [--json F]

Needs a running node (tools/opensearch-node/run PORT DATA_DIR). In one run:
- build: `seedsearch index --full` with `[backend] kind = "opensearch"`: documents/s
  including cleaning and bulk indexing;
- HTTP: `seedsearch serve` over the cluster, the 200 Reuters benchmark queries through
  /api/search at 1 and 8 clients, beside the same clients POSTing to the node's own _search
  the exact query DSL the product sent for each query (recorded from the product's client);
  the ratio is the product's own overhead (cleaning and policy excluded: it is all query
  path: parsing, the policy's extra calls, snippets, JSON, the WSGI server).
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(HERE))

from opensearch_bench import bare_load  # noqa: E402
from perf import (  # noqa: E402
    DATA,
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
    """The DSL of each query's main search, as the product sends it (its last _search with
    aggregations), recorded from the product's own client."""
    config = load_config(config_path)
    backend = open_backend(config)
    sent: list[dict] = []
    real = backend.client.search

    def search(*args, **kwargs):
        sent.append(kwargs.get("body") or {})
        return real(*args, **kwargs)

    backend.client.search = search
    bodies = []
    for q in queries:
        sent.clear()
        backend.search(parse_request({"q": q}, config.search), config.search)
        main = [b for b in sent if "aggs" in b]
        bodies.append(main[-1])
    return bodies


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--url", default="http://127.0.0.1:9200")
    ap.add_argument("--work", type=Path, default=ROOT / "bench" / "out" / "opensearch")
    ap.add_argument("--seconds", type=float, default=20.0)
    ap.add_argument("--limit", type=int, default=0, help="use only the first N stories")
    ap.add_argument("--json", type=Path)
    ap.add_argument("--no-build", action="store_true", help="reuse the index of an earlier run")
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
    port = free_port()
    log = work / "server.log"
    with log.open("w") as err:
        server = subprocess.Popen(
            [*seedsearch_cmd(), "--config", str(config), "serve", "--port", str(port)],
            stdout=subprocess.DEVNULL,
            stderr=err,
        )
    try:
        wait_http(port, server, log)
        for clients in (1, 8):
            load_test(port, queries, clients, 3.0)  # warm-up
            bare_load(args.url, ALIAS, bodies, clients, 3.0)
            product = load_test(port, queries, clients, args.seconds)
            bare = bare_load(args.url, ALIAS, bodies, clients, args.seconds)
            out[f"http_{clients}"] = {"product": product, "bare": bare}
            for cut in ("p50", "p99"):
                ratio = product[cut] / bare[cut]
                print(
                    f"HTTP {clients} client(s) {cut}: product {product[cut]:.1f} ms, bare "
                    f"OpenSearch {bare[cut]:.1f} ms, {ratio:.2f}x"
                )
            print(f"  errors: product {product['errors']}, bare {bare['errors']}")
    finally:
        server.terminate()
        server.wait(10)
    if args.json:
        args.json.write_text(json.dumps(out, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
