"""Snippet speed against an earlier version of indexer/highlight.py, side by side in one run.

    python bench/perf.py --only build,query --reps 1       # builds bench/out/perf/index once
    python bench/snippet_speed.py --before main --reps 9   # then this, as often as needed

For the 200 Reuters benchmark queries: search() in process (top 10 + snippets + facets) with
the working tree's highlighter and with `git show BEFORE:indexer/highlight.py` swapped in,
repetitions interleaved; then fragments() alone on each query's 10 hit texts. CPU time of
this process (time.process_time), so other load on the machine moves the figures less.
Medians of the repetitions. (The earlier highlighter imports today's other modules.)
"""

from __future__ import annotations

import argparse
import importlib.util
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(HERE))

import perf  # noqa: E402

from indexer import highlight as current  # noqa: E402
from indexer import search as search_module  # noqa: E402
from indexer.config import load_config  # noqa: E402
from indexer.live import LiveIndex  # noqa: E402
from indexer.query import parse  # noqa: E402
from indexer.search import get_document, parse_request, search  # noqa: E402


def load_before(ref: str):
    source = subprocess.run(
        ["git", "show", f"{ref}:indexer/highlight.py"], cwd=ROOT, check=True, capture_output=True
    ).stdout
    path = Path(tempfile.mkdtemp()) / "highlight_before.py"
    path.write_bytes(source)
    spec = importlib.util.spec_from_file_location("indexer._highlight_before", path)
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up
    spec.loader.exec_module(module)
    return module


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    p.add_argument("--before", default="main", help="git ref of the earlier highlight.py")
    p.add_argument("--reps", type=int, default=9)
    p.add_argument("--work", type=Path, default=ROOT / "bench" / "out" / "perf")
    args = p.parse_args(argv)
    versions = {args.before: load_before(args.before), "working tree": current}
    config = load_config(args.work / "config.toml")
    searcher = LiveIndex(args.work / "index").searcher()
    queries = [q for q in (perf.DATA / "queries.txt").read_text().splitlines() if q.strip()]

    def query_times(module) -> list[float]:
        search_module.highlight = module
        times = []
        for q in queries:
            t = time.process_time()
            search(searcher, parse_request({"q": q}, config.search), config.search)
            times.append((time.process_time() - t) * 1000)
        return times

    search_module.highlight = current
    jobs = [
        (parse(q), [get_document(searcher, h.id).text for h in response.results])
        for q in queries
        for response in [search(searcher, parse_request({"q": q}, config.search), config.search)]
    ]

    def snippet_times(module) -> list[float]:
        times = []
        for node, texts in jobs:
            t = time.process_time()
            matcher = module.Matcher.for_query(node)
            for text in texts:
                module.fragments(text, matcher)
            times.append((time.process_time() - t) * 1000)
        return times

    runs = {(name, kind): [] for name in versions for kind in ("search", "snippets")}
    for module in versions.values():  # warm-up
        query_times(module)
    for rep in range(args.reps):
        print(f"rep {rep + 1}/{args.reps}", file=sys.stderr)
        for name, module in versions.items():
            runs[name, "search"].append(perf.percentiles(query_times(module)))
            snippets = snippet_times(module)
            median = statistics.median(snippets)
            runs[name, "snippets"].append({"p50": median, "sum": sum(snippets)})
    print("| highlighter | search p50 ms | search p99 ms | snippets, 10 hits, p50 ms | all, ms |")
    print("| --- | --- | --- | --- | --- |")
    for name in versions:
        s, n = perf.median_of(runs[name, "search"]), perf.median_of(runs[name, "snippets"])
        print(f"| {name} | {s['p50']:.3f} | {s['p99']:.3f} | {n['p50']:.3f} | {n['sum']:.1f} |")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
