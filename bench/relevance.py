"""Relevance on five test collections: the product's real default path beside three BM25 engines.

Run on demand: `python bench/relevance.py [--collections cranfield,med,npl,lisa,adi]
[--cache DIR] [--set name=value ...] [--sweep name=v1,v2,...] [--no-refs] [--map]
[--backend whoosh|opensearch ...] [--opensearch-url URL]`.

Product path, as a user meets it: every document is written as a `.txt` file (title line,
blank line, body), `seedsearch index` cleans and indexes the folder, and every query goes
through the backend's `search()` with exactly the API's defaults (the request `?q=...` and
the [search] settings of config.toml). `--backend` picks the backend the product runs on
(repeat it for both, side by side in one run; default whoosh); `opensearch` indexes into the
node at `--opensearch-url` (alias `relevance-<collection>`). References, measured in the
same run on the same documents, every query an OR of its words: bm25s (method "lucene",
PyStemmer English, English stopwords), SQLite FTS5 (`bm25()`, porter tokenizer) and tantivy
(`en_stem`, title and body fields).

nDCG@10 is trec_eval's ndcg_cut with the collection's graded gains (binary collections:
gain 1); P@10 counts rel >= 2 on Cranfield (its README's convention), rel >= 1 elsewhere;
`--map` adds MAP (AP@1000, the product paging through search() to depth 1000). Every mean is
over a collection's judged queries.

`--cache DIR` keeps each collection's product index in DIR/<name> (DIR/opensearch/<name> for
OpenSearch) and reuses it (delete it after changing analysis or the cleaner). `--set`
overrides a ranking parameter (indexer/ranking.py's RankingParams) for the product (k1 and b
only on Whoosh: OpenSearch reads them when an index is made); `--sweep` runs the product once
per value and prints the per-collection table docs/decisions.md records for each choice.
"""

from __future__ import annotations

import argparse
import json
import math
import re
import sqlite3
import subprocess
import sys
import tempfile
import time
from collections import defaultdict
from dataclasses import dataclass, fields, replace
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from shared_data import shared_path  # noqa: E402

from indexer import ranking  # noqa: E402
from indexer.backend import open_backend  # noqa: E402
from indexer.config import load_config  # noqa: E402
from indexer.search import SearchRequest  # noqa: E402

COLLECTIONS = ("cranfield", "med", "npl", "lisa", "adi")
DEPTH = 1000
# The README conventions: Cranfield's binary measures count rel >= 2 (codes 1-3).
BINARY_REL = {"cranfield": 2}
_WORD = re.compile(r"\w+")


@dataclass
class Collection:
    """One test collection: documents, its judged queries and their judgements."""

    name: str
    docs: list[dict]
    queries: list[dict]
    qrels: dict[str, dict[str, int]]


def load(name: str) -> Collection:
    data = shared_path(name)
    docs = [json.loads(line) for line in (data / "docs.jsonl").open(encoding="utf-8")]
    qrels: dict[str, dict[str, int]] = defaultdict(dict)
    for line in (data / "qrels.txt").read_text().splitlines():
        if line.strip():
            qid, _, did, rel = line.split()
            qrels[qid][did] = int(rel)
    queries = [json.loads(line) for line in (data / "queries.jsonl").open(encoding="utf-8")]
    return Collection(name, docs, [q for q in queries if q["id"] in qrels], dict(qrels))


# --- metrics --------------------------------------------------------------------------------


def ndcg_at(ranking_: list[str], judged: dict[str, int], k: int = 10) -> float:
    """trec_eval's ndcg_cut: linear graded gain rel / log2(rank + 1)."""
    dcg = sum(judged.get(d, 0) / math.log2(i + 2) for i, d in enumerate(ranking_[:k]))
    ideal = sorted((r for r in judged.values() if r > 0), reverse=True)[:k]
    idcg = sum(r / math.log2(i + 2) for i, r in enumerate(ideal))
    return dcg / idcg if idcg else 0.0


def ap_at(ranking_: list[str], judged: dict[str, int], rel: int, k: int = DEPTH) -> float:
    relevant = {d for d, r in judged.items() if r >= rel}
    if not relevant:
        return 0.0
    hits, total = 0, 0.0
    for i, d in enumerate(ranking_[:k]):
        if d in relevant:
            hits += 1
            total += hits / (i + 1)
    return total / len(relevant)


def p_at(ranking_: list[str], judged: dict[str, int], rel: int, k: int = 10) -> float:
    return sum(1 for d in ranking_[:k] if judged.get(d, 0) >= rel) / k


def scores(col: Collection, runs: dict[str, list[str]]) -> dict[str, float]:
    """Mean nDCG@10, P@10 and (for deep runs) MAP over the collection's judged queries."""
    rel = BINARY_REL.get(col.name, 1)
    n = len(col.queries)
    out = {
        "nDCG@10": sum(ndcg_at(runs[q["id"]], col.qrels[q["id"]]) for q in col.queries) / n,
        "P@10": sum(p_at(runs[q["id"]], col.qrels[q["id"]], rel) for q in col.queries) / n,
    }
    if any(len(r) > 10 for r in runs.values()):
        out["MAP"] = sum(ap_at(runs[q["id"]], col.qrels[q["id"]], rel) for q in col.queries) / n
    return out


# --- the product ----------------------------------------------------------------------------


def file_name(doc_id: str) -> str:
    return f"{doc_id}.txt"


def product_config(col: Collection, workdir: Path, kind: str, url: str, alias: str) -> Path:
    """config.toml as shipped, pointed at `kind` (OpenSearch: the node at `url`, `alias`)."""
    workdir.mkdir(parents=True, exist_ok=True)
    path = workdir / "config.toml"
    text = (ROOT / "config.toml").read_text(encoding="utf-8")
    text += f'\n[backend]\nkind = "{kind}"\n'
    if kind == "opensearch":
        text += f'\n[opensearch]\nurl = "{url}"\nindex = "{alias}"\n'
    path.write_text(text, encoding="utf-8")
    return path


def build_product(
    col: Collection,
    workdir: Path,
    kind: str = "whoosh",
    url: str = "http://127.0.0.1:9200",
    alias: str | None = None,
):
    """The collection as .txt files indexed by `seedsearch index` on backend `kind`, and that
    backend; an index already there is reused. OpenSearch's alias: relevance-<name>."""
    config_file = product_config(col, workdir, kind, url, alias or f"relevance-{col.name}")
    index = workdir / "index"
    config = load_config(config_file).with_paths(workdir / "corpus", index)
    backend = open_backend(config)
    if index.exists() and backend.has_index():
        return backend
    corpus = workdir / "corpus"
    corpus.mkdir(parents=True, exist_ok=True)
    for d in col.docs:
        text = f"{d['title']}\n\n{d['body']}\n"
        (corpus / file_name(d["id"])).write_text(text, encoding="utf-8")
    cli = [sys.executable, "-m", "webapp.cli", "--config", str(config_file), "index"]
    args = ["--corpus", str(corpus), "--index", str(index), "--full", "-q"]
    subprocess.run([*cli, *args], check=True, cwd=ROOT)
    return backend


def apply_params(params: ranking.RankingParams) -> None:
    """Score with `params` from now on (a bench-only override of the product's defaults)."""
    from indexer import arrays

    ranking.PARAMS = params
    ranking.WEIGHTING = ranking.weighting(params)
    arrays.WEIGHTING = ranking.WEIGHTING
    arrays._BY_GENERATION.clear()  # cached postings carry the old k1 and b


def product_runs(col: Collection, backend, deep: bool) -> tuple[dict[str, list[str]], int]:
    """Each query's ranking through search() with the API's defaults; and how many timed out."""
    limits = load_config(ROOT / "config.toml").search
    by_source = {file_name(d["id"]): d["id"] for d in col.docs}
    runs, timed_out = {}, 0
    for q in col.queries:
        pages = range(1, DEPTH // 100 + 1) if deep else [1]
        ranked: list[str] = []
        for page in pages:
            request = SearchRequest(q["text"], page=page, per_page=100 if deep else 10)
            response = backend.search(request, limits)
            timed_out += any("ran out of time" in n for n in response.notices)
            ranked += [by_source[h.source] for h in response.results]
            if len(response.results) < request.per_page:
                break
        runs[q["id"]] = ranked
    return runs, timed_out


# --- reference engines ----------------------------------------------------------------------


def query_words(text: str) -> list[str]:
    return [w.lower() for w in _WORD.findall(text)]


def fts5_runs(col: Collection, depth: int) -> dict[str, list[str]]:
    db = sqlite3.connect(":memory:")
    db.execute("CREATE VIRTUAL TABLE d USING fts5(id UNINDEXED, title, body, tokenize='porter')")
    db.executemany(
        "INSERT INTO d VALUES (?, ?, ?)", [(x["id"], x["title"], x["body"]) for x in col.docs]
    )
    runs = {}
    for q in col.queries:
        terms = " OR ".join(f'"{w}"' for w in query_words(q["text"]))
        rows = db.execute(
            "SELECT id FROM d WHERE d MATCH ? ORDER BY bm25(d) LIMIT ?", (terms, depth)
        ).fetchall()
        runs[q["id"]] = [r[0] for r in rows]
    return runs


def bm25s_runs(col: Collection, depth: int) -> dict[str, list[str]]:
    import bm25s
    import Stemmer

    stemmer = Stemmer.Stemmer("english")
    corpus = [f"{x['title']}\n{x['body']}" for x in col.docs]
    retriever = bm25s.BM25(method="lucene")
    retriever.index(
        bm25s.tokenize(corpus, stopwords="en", stemmer=stemmer, show_progress=False),
        show_progress=False,
    )
    tokens = bm25s.tokenize(
        [q["text"] for q in col.queries], stopwords="en", stemmer=stemmer, show_progress=False
    )
    k = min(depth, len(col.docs))
    results, _ = retriever.retrieve(tokens, k=k, show_progress=False, n_threads=1)
    return {
        q["id"]: [col.docs[i]["id"] for i in row]
        for q, row in zip(col.queries, results, strict=True)
    }


def tantivy_runs(col: Collection, depth: int) -> dict[str, list[str]]:
    import tantivy

    builder = tantivy.SchemaBuilder()
    builder.add_text_field("id", stored=True, tokenizer_name="raw")
    builder.add_text_field("title", tokenizer_name="en_stem")
    builder.add_text_field("body", tokenizer_name="en_stem")
    index = tantivy.Index(builder.build())
    writer = index.writer(heap_size=50_000_000, num_threads=1)
    for d in col.docs:
        writer.add_document(tantivy.Document(id=d["id"], title=d["title"], body=d["body"]))
    writer.commit()
    index.reload()
    searcher = index.searcher()
    runs = {}
    for q in col.queries:
        # Words only, so nothing reads as tantivy query syntax; its parser ORs them.
        parsed = index.parse_query(" ".join(query_words(q["text"])), ["title", "body"])
        hits = searcher.search(parsed, min(depth, len(col.docs))).hits
        runs[q["id"]] = [searcher.doc(addr)["id"][0] for _, addr in hits]
    return runs


REFERENCES = {
    "bm25s + stemmer + stopwords": bm25s_runs,
    "SQLite FTS5 porter": fts5_runs,
    "tantivy en_stem": tantivy_runs,
}


# --- the run --------------------------------------------------------------------------------


def parse_value(name: str, text: str):
    kinds = {
        f.name: type(getattr(ranking.RankingParams(), f.name))
        for f in fields(ranking.RankingParams)
    }
    if name not in kinds:
        raise SystemExit(f"unknown ranking parameter {name!r} (known: {', '.join(kinds)})")
    return kinds[name](text)


def settings(pairs: list[str]) -> dict:
    out = {}
    for pair in pairs:
        name, _, value = pair.partition("=")
        out[name] = parse_value(name, value)
    return out


def table(results: dict[str, dict[str, float]], names: list[str], metric: str) -> str:
    """Markdown: one row per engine/variant, one column per collection, then the mean."""
    head = f"| {'engine':40} | " + " | ".join(f"{n:>9}" for n in names) + " |      mean |"
    rule = "| --- | " + " | ".join("---:" for _ in names) + " | ---: |"
    lines = [head, rule]
    for label, per in results.items():
        vals = [per[n][metric] for n in names]
        cells = " | ".join(f"{v:9.4f}" for v in vals)
        lines.append(f"| {label:40} | {cells} | {sum(vals) / len(vals):9.4f} |")
    return "\n".join(lines)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--collections", default=",".join(COLLECTIONS))
    ap.add_argument("--cache", type=Path, help="keep (and reuse) product indexes in DIR/<name>")
    ap.add_argument("--set", action="append", default=[], help="name=value ranking override")
    ap.add_argument("--sweep", help="name=v1,v2,...: the product once per value")
    ap.add_argument("--no-refs", action="store_true", help="the product only")
    ap.add_argument("--map", action="store_true", help="also MAP (AP@1000)")
    ap.add_argument(
        "--backend",
        action="append",
        choices=("whoosh", "opensearch"),
        help="the product's backend (repeat for both, side by side; default whoosh)",
    )
    ap.add_argument("--opensearch-url", default="http://127.0.0.1:9200")
    args = ap.parse_args()
    kinds = args.backend or ["whoosh"]
    names = args.collections.split(",")
    base = replace(ranking.PARAMS, **settings(args.set))
    variants = [("search() default", base)]
    if args.sweep:
        name, _, values = args.sweep.partition("=")
        variants = [
            (f"{name}={v}", replace(base, **{name: parse_value(name, v)}))
            for v in values.split(",")
        ]
    results: dict[str, dict[str, dict[str, float]]] = defaultdict(dict)
    with tempfile.TemporaryDirectory() as tmp:
        for cname in names:
            col = load(cname)
            started = time.perf_counter()
            for kind in kinds:
                # The Whoosh cache stays where it was before backends (DIR/<name>).
                top = args.cache or Path(tmp)
                workdir = (top if kind == "whoosh" else top / kind) / cname
                backend = build_product(col, workdir, kind, args.opensearch_url)
                for variant, params in variants:
                    apply_params(params)
                    label = f"seedsearch {kind} {variant}"
                    t0 = time.perf_counter()
                    runs, timed_out = product_runs(col, backend, args.map)
                    results[label][cname] = scores(col, runs)
                    per_query = (time.perf_counter() - t0) / len(col.queries) * 1000
                    note = f", {timed_out} timed out" if timed_out else ""
                    print(
                        f"{cname}: {label}: {results[label][cname]['nDCG@10']:.4f} "
                        f"({per_query:.0f} ms/query{note})",
                        file=sys.stderr,
                    )
            if not args.no_refs:
                depth = DEPTH if args.map else 10
                for label, run in REFERENCES.items():
                    results[label][cname] = scores(col, run(col, depth))
            print(
                f"{cname}: {len(col.docs)} docs, {len(col.queries)} queries, "
                f"{time.perf_counter() - started:.0f}s",
                file=sys.stderr,
            )
    for metric in ("nDCG@10", "P@10", "MAP") if args.map else ("nDCG@10", "P@10"):
        print(f"\n{metric}\n")
        print(table(results, names, metric))


if __name__ == "__main__":
    main()
