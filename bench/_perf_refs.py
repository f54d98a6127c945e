"""Reference engines for bench/perf.py: plain Whoosh and SQLite FTS5 over the same .txt files.

Run as a script for the measured builds (so their peak memory is measured like the product's):
    python bench/_perf_refs.py whoosh-build CORPUS_DIR INDEX_DIR
    python bench/_perf_refs.py fts5-build CORPUS_DIR DB_FILE
    python bench/_perf_refs.py fts5-serve DB_FILE PORT THREADS
"""

from __future__ import annotations

import os
import re
import sqlite3
import sys
import threading
import time
from pathlib import Path

_TERM = re.compile(r"\w+")


def read_story(path: Path) -> tuple[str, str]:
    """(title, body) of a file written as title line, blank line, body."""
    text = path.read_text(encoding="utf-8")
    title, _, body = text.partition("\n")
    return title.strip(), body.lstrip("\n")


def corpus_files(corpus_dir: Path) -> list[Path]:
    files = []
    for root, dirs, names in os.walk(corpus_dir):
        dirs.sort()
        files.extend(Path(root, n) for n in sorted(names) if n.endswith(".txt"))
    return files


# --- plain Whoosh -------------------------------------------------------------------------


def whoosh_build(corpus_dir: Path, index_dir: Path) -> int:
    """StemmingAnalyzer, one writer, no cleaning: the stock Whoosh recipe."""
    from whoosh import index
    from whoosh.analysis import StemmingAnalyzer
    from whoosh.fields import ID, TEXT, Schema

    schema = Schema(
        id=ID(stored=True, unique=True),
        title=TEXT(analyzer=StemmingAnalyzer(), stored=True),
        body=TEXT(analyzer=StemmingAnalyzer(), stored=True),
    )
    index_dir.mkdir(parents=True, exist_ok=True)
    ix = index.create_in(str(index_dir), schema)
    writer = ix.writer()
    n = 0
    for path in corpus_files(corpus_dir):
        title, body = read_story(path)
        writer.add_document(id=path.stem, title=title, body=body)
        n += 1
    writer.commit()
    return n


class WhooshQuery:
    """QueryParser (AND of terms) on body, top 10, `hit.highlights("body")`."""

    def __init__(self, index_dir: Path):
        from whoosh import index
        from whoosh.qparser import QueryParser

        self.ix = index.open_dir(str(index_dir))
        self.searcher = self.ix.searcher()
        self.parser = QueryParser("body", self.ix.schema)

    def __call__(self, q: str) -> list[tuple[str, str]]:
        results = self.searcher.search(self.parser.parse(q), limit=10)
        return [(hit["id"], hit.highlights("body")) for hit in results]

    def close(self):
        self.searcher.close()


# --- SQLite FTS5 --------------------------------------------------------------------------


def fts5_build(corpus_dir: Path, db_file: Path) -> int:
    """FTS5 with the porter tokenizer; one transaction."""
    if db_file.exists():
        db_file.unlink()
    db_file.parent.mkdir(parents=True, exist_ok=True)
    con = sqlite3.connect(db_file)
    con.execute(
        "CREATE VIRTUAL TABLE docs USING fts5("
        "id UNINDEXED, title, body, year UNINDEXED, tokenize='porter unicode61')"
    )
    n = 0
    with con:
        rows = []
        for path in corpus_files(corpus_dir):
            title, body = read_story(path)
            rows.append((path.stem, title, body, ""))
            n += 1
            if len(rows) >= 1000:
                con.executemany("INSERT INTO docs VALUES (?, ?, ?, ?)", rows)
                rows.clear()
        con.executemany("INSERT INTO docs VALUES (?, ?, ?, ?)", rows)
    con.execute("INSERT INTO docs(docs) VALUES ('optimize')")
    con.commit()
    con.close()
    return n


def fts5_match(q: str, any_of: bool = False) -> str:
    """The query as typed, as an FTS5 AND (or, `any_of`, OR) of its terms (each quoted)."""
    return (" OR " if any_of else " ").join(f'"{t}"' for t in _TERM.findall(q))


class Fts5Query:
    """Top 10 by bm25 with snippet(), the query as typed (AND of its terms; OR if `any_of`:
    a pasted paragraph, which no story holds every word of)."""

    SQL = (
        "SELECT id, title, snippet(docs, 2, '<mark>', '</mark>', ' … ', 24), bm25(docs) "
        "FROM docs WHERE docs MATCH ? ORDER BY bm25(docs) LIMIT ? OFFSET ?"
    )

    def __init__(self, db_file: Path, any_of: bool = False):
        self.con = sqlite3.connect(db_file, check_same_thread=False)
        self.any_of = any_of

    def __call__(self, q: str, limit: int = 10, offset: int = 0) -> list[tuple]:
        match = fts5_match(q, self.any_of)
        if not match:
            return []
        return self.con.execute(self.SQL, (match, limit, offset)).fetchall()

    def total_and_years(self, q: str) -> tuple[int, list[tuple[str, int]]]:
        match = fts5_match(q, self.any_of)
        if not match:
            return 0, []
        rows = self.con.execute(
            "SELECT year, count(*) FROM docs WHERE docs MATCH ? GROUP BY year", (match,)
        ).fetchall()
        return sum(n for _, n in rows), [(y, n) for y, n in rows if y]

    def close(self):
        self.con.close()


def fts5_app(db_file: Path):
    """A minimal Flask app over FTS5 answering /api/search with the product's JSON shape."""
    from flask import Flask, jsonify, request

    app = Flask("fts5ref")
    local = threading.local()

    def engine(any_of: bool) -> Fts5Query:
        if not hasattr(local, "engines"):
            local.engines = {False: Fts5Query(db_file), True: Fts5Query(db_file, any_of=True)}
        return local.engines[any_of]

    @app.get("/api/search")
    def api_search():
        start = time.monotonic()
        q = request.args.get("q", "")
        page = int(request.args.get("page", 1))
        per_page = int(request.args.get("per_page", 10))
        # any=1: the long-query measure (perf.py) sends pasted paragraphs as an OR.
        eng = engine(request.args.get("any") == "1")
        rows = eng(q, per_page, (page - 1) * per_page)
        total, years = eng.total_and_years(q)
        return jsonify(
            {
                "query": q,
                "parsed": fts5_match(q, eng.any_of),
                "total": total,
                "page": page,
                "per_page": per_page,
                "took_ms": round((time.monotonic() - start) * 1000, 2),
                "relaxed": False,
                "notices": [],
                "suggestion": None,
                "facets": {
                    "source": [],
                    "year": [{"value": y, "count": n} for y, n in years],
                },
                "facet_values": {"source": 0, "year": len(years)},
                "results": [
                    {
                        "id": doc_id,
                        "title": title,
                        "date": None,
                        "source": f"{doc_id}.txt",
                        "score": round(-score, 4),
                        "snippet": snippet,
                    }
                    for doc_id, title, snippet, score in rows
                ],
            }
        )

    @app.get("/healthz")
    def healthz():
        return jsonify(status="ok")

    return app


def main(argv: list[str]) -> None:
    cmd = argv[0]
    if cmd == "whoosh-build":
        print(whoosh_build(Path(argv[1]), Path(argv[2])))
    elif cmd == "fts5-build":
        print(fts5_build(Path(argv[1]), Path(argv[2])))
    elif cmd == "fts5-serve":
        import waitress

        db, port, threads = Path(argv[1]), int(argv[2]), int(argv[3])
        waitress.serve(fts5_app(db), host="127.0.0.1", port=port, threads=threads, ident="fts5")
    else:
        raise SystemExit(f"unknown command {cmd}")


if __name__ == "__main__":
    main(sys.argv[1:])
