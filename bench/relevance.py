"""Relevance benchmark on Cranfield: the product's own build and search() against references.

Run on demand: `python bench/relevance.py [--data /work/shared/data/cranfield] [--quick]
[--index DIR]`. `--quick` scores the first page only (nDCG@10, P@10; product MAP shown as
-) for tuning iterations (~1 minute instead of ~8); `--index DIR` keeps the product index in DIR and
reuses it on the next run (delete DIR after changing analysis or the cleaner).
Every document goes through the product's cleaning and indexing (written as "title\\n\\nbody"
.txt files), every query through `search()` with the default request, as a user would send it.
nDCG@10 (graded gains) and P@10 (rel >= 2) use that first page; MAP (rel >= 2, AP@1000) pages
through the same search() with per_page=100 up to depth 1000. References, measured in the same
run: SQLite FTS5 bm25() with the porter tokenizer over an OR of the query words, and bm25s
(method "lucene", PyStemmer English stemmer, English stopwords).
"""

from __future__ import annotations

import argparse
import json
import math
import re
import sqlite3
import sys
import tempfile
import time
from collections import defaultdict
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from shared_data import SHARED_DATA  # noqa: E402

from indexer.backend import open_backend  # noqa: E402
from indexer.config import BackendConfig, Config, OpenSearchConfig, SearchConfig  # noqa: E402
from indexer.search import SearchRequest  # noqa: E402

DEFAULT_DATA = SHARED_DATA / "cranfield"
DEPTH = 1000


def load(data: Path):
    docs = [json.loads(line) for line in (data / "docs.jsonl").open(encoding="utf-8")]
    queries = [json.loads(line) for line in (data / "queries.jsonl").open(encoding="utf-8")]
    qrels: dict[str, dict[str, int]] = defaultdict(dict)
    for line in (data / "qrels.txt").read_text().split("\n"):
        if line.strip():
            qid, _, did, rel = line.split()
            qrels[qid][did] = int(rel)
    return docs, queries, qrels


def ndcg_at(ranking: list[str], judged: dict[str, int], k: int = 10) -> float:
    """trec_eval's ndcg_cut: linear graded gain rel / log2(rank + 1)."""
    dcg = sum(judged.get(d, 0) / math.log2(i + 2) for i, d in enumerate(ranking[:k]))
    ideal = sorted((r for r in judged.values() if r > 0), reverse=True)[:k]
    idcg = sum(r / math.log2(i + 2) for i, r in enumerate(ideal))
    return dcg / idcg if idcg else 0.0


def ap_at(ranking: list[str], judged: dict[str, int], k: int = DEPTH, rel: int = 2) -> float:
    relevant = {d for d, r in judged.items() if r >= rel}
    if not relevant:
        return 0.0
    hits, total = 0, 0.0
    for i, d in enumerate(ranking[:k]):
        if d in relevant:
            hits += 1
            total += hits / (i + 1)
    return total / len(relevant)


def p_at(ranking: list[str], judged: dict[str, int], k: int = 10, rel: int = 2) -> float:
    return sum(1 for d in ranking[:k] if judged.get(d, 0) >= rel) / k


def score(runs: dict[str, tuple[list[str], list[str]]], qrels) -> dict[str, float]:
    """Mean metrics over all queries; `runs[qid]` = (first page, deep ranking)."""
    n = len(runs)
    return {
        "nDCG@10": sum(ndcg_at(top, qrels.get(q, {})) for q, (top, _) in runs.items()) / n,
        "MAP": sum(ap_at(deep, qrels.get(q, {})) for q, (_, deep) in runs.items()) / n,
        "P@10": sum(p_at(top, qrels.get(q, {})) for q, (top, _) in runs.items()) / n,
    }


def build_product_index(docs, workdir: Path, config: Config):
    """Write the corpus as .txt files and index it with the product's build; open the backend.

    An index already in `workdir` (from an earlier `--index` run) is reused.
    """
    corpus = workdir / "corpus"
    names = {f"{int(d['id']):04d}.txt": d["id"] for d in docs}
    backend = open_backend(config)
    if not backend.has_index():
        corpus.mkdir(parents=True, exist_ok=True)
        for d in docs:
            name = f"{int(d['id']):04d}.txt"
            (corpus / name).write_text(f"{d['title']}\n\n{d['body']}\n", encoding="utf-8")
        report = backend.build(corpus, full=True)
        built = f"product build: {report.indexed} documents in {report.seconds:.1f}s"
        print(built, file=sys.stderr)
    return backend, names


def product_runs(backend, names, queries, limits: SearchConfig, depth: int = DEPTH):
    runs = {}
    for q in queries:
        first = backend.search(SearchRequest(q["text"]), limits)
        if any("ran out of time" in n for n in first.notices):
            print(f"query {q['id']}: time budget hit, partial results", file=sys.stderr)
        top = [names[h.source] for h in first.results]
        deep: list[str] = []
        if depth <= 10:
            runs[q["id"]] = (top, top)
            continue
        for page in range(1, DEPTH // 100 + 1):
            resp = backend.search(SearchRequest(q["text"], page=page, per_page=100), limits)
            deep += [names[h.source] for h in resp.results]
            if len(resp.results) < 100:
                break
        runs[q["id"]] = (top, deep)
    return runs


def fts5_runs(docs, queries):
    db = sqlite3.connect(":memory:")
    db.execute("CREATE VIRTUAL TABLE d USING fts5(id UNINDEXED, title, body, tokenize='porter')")
    db.executemany(
        "INSERT INTO d VALUES (?, ?, ?)", [(x["id"], x["title"], x["body"]) for x in docs]
    )
    runs = {}
    for q in queries:
        terms = " OR ".join(f'"{w}"' for w in re.findall(r"\w+", q["text"]))
        rows = db.execute(
            "SELECT id FROM d WHERE d MATCH ? ORDER BY bm25(d) LIMIT ?", (terms, DEPTH)
        ).fetchall()
        ranking = [r[0] for r in rows]
        runs[q["id"]] = (ranking[:10], ranking)
    return runs


def bm25s_runs(docs, queries):
    import bm25s
    import Stemmer

    stemmer = Stemmer.Stemmer("english")
    corpus = [f"{x['title']}\n{x['body']}" for x in docs]
    retriever = bm25s.BM25(method="lucene")
    retriever.index(
        bm25s.tokenize(corpus, stopwords="en", stemmer=stemmer, show_progress=False),
        show_progress=False,
    )
    tokens = bm25s.tokenize(
        [q["text"] for q in queries], stopwords="en", stemmer=stemmer, show_progress=False
    )
    k = min(DEPTH, len(docs))  # bm25s refuses a k beyond the corpus (ADI has 82 documents)
    results, _ = retriever.retrieve(tokens, k=k, show_progress=False, n_threads=1)
    runs = {}
    for q, row in zip(queries, results, strict=True):
        ranking = [docs[i]["id"] for i in row]
        runs[q["id"]] = (ranking[:10], ranking)
    return runs


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--data", type=Path, default=DEFAULT_DATA)
    ap.add_argument("--quick", action="store_true", help="first page only: nDCG@10 and P@10")
    ap.add_argument("--index", type=Path, help="keep (and reuse) the product index here")
    ap.add_argument(
        "--backend",
        action="append",
        choices=("whoosh", "opensearch"),
        help="the product's backend (repeat for both, side by side; default whoosh)",
    )
    ap.add_argument("--opensearch-url", default="http://127.0.0.1:9200")
    args = ap.parse_args()
    docs, queries, qrels = load(args.data)
    limits = SearchConfig()
    depth = 10 if args.quick else DEPTH
    rows = []
    for kind in args.backend or ["whoosh"]:
        with tempfile.TemporaryDirectory() as tmp:
            started = time.perf_counter()
            workdir = (args.index / kind) if args.index else Path(tmp)
            config = Config(
                workdir / "corpus",
                workdir / "index",
                backend=BackendConfig(kind),
                opensearch=OpenSearchConfig(args.opensearch_url, f"relevance-{args.data.name}"),
            )
            backend, names = build_product_index(docs, workdir, config)
            runs = product_runs(backend, names, queries, limits, depth)
            rows.append((f"seedsearch {kind} default", runs, time.perf_counter() - started))
    started = time.perf_counter()
    rows.append(("SQLite FTS5 bm25 porter, OR", fts5_runs(docs, queries), 0.0))
    rows[-1] = (*rows[-1][:2], time.perf_counter() - started)
    started = time.perf_counter()
    rows.append(("bm25s lucene + stemmer + stopwords", bm25s_runs(docs, queries), 0.0))
    rows[-1] = (*rows[-1][:2], time.perf_counter() - started)

    print(
        f"Cranfield: {len(docs)} docs, {len(queries)} queries, {sum(map(len, qrels.values()))}"
        " judgements"
    )
    print(f"{'engine':38} {'nDCG@10':>8} {'MAP':>8} {'P@10':>8} {'seconds':>8}")
    for name, runs, seconds in rows:
        m = score(runs, qrels)
        ap_ = "-" if args.quick and name.startswith("seedsearch") else f"{m['MAP']:.4f}"
        print(f"{name:38} {m['nDCG@10']:8.4f} {ap_:>8} {m['P@10']:8.4f} {seconds:8.1f}")


if __name__ == "__main__":
    main()
