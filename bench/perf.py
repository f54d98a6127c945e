"""Performance benchmark of seedsearch against plain Whoosh and SQLite FTS5 (issue #5).

On demand, not in CI:

    python bench/perf.py                 # build, incremental, in-process queries, HTTP load
    python bench/perf.py --quick         # fewer repetitions and shorter load, for development
    python bench/perf.py --scale         # also the corpus ten times over (~190,000 documents)
    python bench/perf.py --json out.json # also write every figure as JSON
    python bench/perf.py --only long     # just the long-query rows, on an earlier run's index
    python bench/perf.py --only query,http   # any rows but build: on an earlier run's index

Long queries (issue #11): 200 pasted paragraphs of 50-300 words of the stories' own text,
top 10 with snippets and facets, in process and over HTTP, beside FTS5 running each as an OR
of its words (with its total and year facet).

Every figure is measured in the same run as its reference, repetitions interleaved, and the
median of the repetitions is reported. The Reuters-21578 stories are written one .txt file
each (title line, blank line, body) so they go through the real cleaner and indexer.
"""

from __future__ import annotations

import argparse
import contextlib
import gzip
import http.client
import json
import os
import shutil
import socket
import statistics
import subprocess
import sys
import threading
import time
import urllib.parse
from dataclasses import dataclass, field
from pathlib import Path

import psutil

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(HERE))

import _perf_refs as refs  # noqa: E402
from http_load import Request, http_load, percentiles  # noqa: E402, F401
from shared_data import SHARED_DATA  # noqa: E402

DATA = SHARED_DATA / "reuters21578"
MIB = 1024 * 1024


# --- corpus -------------------------------------------------------------------------------


def load_stories(path: Path) -> list[dict]:
    with gzip.open(path, "rt", encoding="utf-8") as handle:
        return [json.loads(line) for line in handle]


LONG_QUERIES = 200
# Rows that can run without `build`, on an earlier run's index in --work.
REUSING = {"incremental", "query", "long", "http"}
LONG_WORDS = (50, 300)


def long_queries(stories: list[dict], n: int = LONG_QUERIES, seed: int = 11) -> list[str]:
    """`n` pasted paragraphs: a run of 50-300 consecutive words of a story's own text (the
    length drawn uniformly; stories too short for it are passed over), fixed by `seed`."""
    import random

    rng = random.Random(seed)
    out: list[str] = []
    order = list(range(len(stories)))
    rng.shuffle(order)
    for i in order:
        body = stories[i].get("body") or ""
        words = body.split()
        size = rng.randint(*LONG_WORDS)
        if len(words) < size:
            continue
        start = rng.randint(0, len(words) - size)
        out.append(" ".join(words[start : start + size]))
        if len(out) == n:
            break
    return out


def _wrap(text: str, width: int) -> str:
    """Re-wrap each paragraph (same words) at `width`, so copies share no short lines."""
    out = []
    for para in text.split("\n    "):
        line, lines = [], []
        size = 0
        for word in para.split():
            if size + len(word) > width and line:
                lines.append(" ".join(line))
                line, size = [], 0
            line.append(word)
            size += len(word) + 1
        if line:
            lines.append(" ".join(line))
        out.append("\n".join(lines))
    return "\n    ".join(out)


def write_corpus(stories: list[dict], folder: Path, copies: int = 1) -> int:
    """One .txt file per story and copy. Copy k > 0 gets new ids (its own folder) and its
    paragraphs re-wrapped at another width: the same words, but no line shared between copies,
    so the cleaner's repeated-line (site chrome) detection sees new documents, not duplicates."""
    marker = folder / f".complete-{len(stories)}x{copies}"
    if marker.exists():  # written by an earlier run: same stories, same copies
        return len(stories) * copies
    if folder.exists():
        shutil.rmtree(folder)
    n = 0
    for k in range(copies):
        sub = folder / f"copy{k:02d}" if copies > 1 else folder
        sub.mkdir(parents=True)
        for story in stories:
            body = story["body"] if k == 0 else _wrap(story["body"], 50 + 5 * k)
            title = story["title"] if k == 0 else f"{story['title']} ({k})"
            (sub / f"{story['id']}.txt").write_text(f"{title}\n\n{body}\n", encoding="utf-8")
            n += 1
    marker.touch()
    return n


def dir_size(path: Path) -> int:
    return sum(p.stat().st_size for p in path.rglob("*") if p.is_file())


# --- measuring ----------------------------------------------------------------------------


def seedsearch_cmd(indexer_only: bool = False) -> list[str]:
    """The installed `seedsearch` script. With `indexer_only`, fall back to the indexer's own
    click group (the same `index` command) when the web app does not import."""
    script = Path(sys.executable).with_name("seedsearch")
    cmd = [str(script)] if script.exists() else [sys.executable, "-m", "webapp.cli"]
    if indexer_only and not _works(cmd):
        return [sys.executable, "-c", "from indexer.cli import main; main()"]
    return cmd


_WORKS: dict[tuple, bool] = {}


def _works(cmd: list[str]) -> bool:
    key = tuple(cmd)
    if key not in _WORKS:
        done = subprocess.run([*cmd, "--help"], capture_output=True, cwd=ROOT)
        _WORKS[key] = done.returncode == 0
        if not _WORKS[key]:
            print(
                "note: `seedsearch` does not start (web app import failed); "
                "running the indexer's CLI for `index`",
                file=sys.stderr,
            )
    return _WORKS[key]


@dataclass
class Run:
    seconds: float
    peak_rss: int
    stdout: str


def run_measured(cmd: list[str], env: dict | None = None, cwd: Path | None = None) -> Run:
    """Run `cmd` to completion: wall time and peak RSS of it plus all its children."""
    started = time.perf_counter()
    proc = subprocess.Popen(
        cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env, cwd=cwd, text=True
    )
    peak = 0
    stop = threading.Event()

    def sample():
        nonlocal peak
        try:
            parent = psutil.Process(proc.pid)
        except psutil.NoSuchProcess:
            return
        while not stop.is_set():
            total = 0
            try:
                procs = [parent, *parent.children(recursive=True)]
            except psutil.NoSuchProcess:
                break
            for p in procs:
                with contextlib.suppress(psutil.NoSuchProcess):
                    total += p.memory_info().rss
            peak = max(peak, total)
            stop.wait(0.02)

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    out, err = proc.communicate()
    seconds = time.perf_counter() - started
    stop.set()
    sampler.join()
    if proc.returncode != 0:
        raise RuntimeError(f"{' '.join(cmd)} failed ({proc.returncode}):\n{out}\n{err}")
    return Run(seconds, peak, out)


def tree_pss(pid: int) -> int:
    """Memory of a process and all its children: the sum of their proportional set sizes.

    The server forks worker processes that share pages with it; summing RSS would count
    those pages once per process."""
    root = psutil.Process(pid)
    return sum(p.memory_full_info().pss for p in [root, *root.children(recursive=True)])


def median_of(dicts: list[dict]) -> dict:
    return {k: statistics.median(d[k] for d in dicts) for k in dicts[0]}


def time_queries_cpu(fn, queries: list[str]) -> tuple[list[float], list[float]]:
    """Each query's wall time and this process's CPU time, in ms. CPU time is what a loaded
    machine does not inflate: with a dozen runnable tasks on two cores a 5 ms search waits out
    other tasks' time slices far more often than a 1 ms one, so wall-time ratios drift."""
    wall, cpu = [], []
    for q in queries:
        t, c = time.perf_counter(), time.process_time()
        fn(q)
        cpu.append((time.process_time() - c) * 1000)
        wall.append((time.perf_counter() - t) * 1000)
    return wall, cpu


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_http(port: int, proc: subprocess.Popen, log: Path, timeout: float = 120) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"server exited with {proc.returncode}: {log.read_text()}")
        try:
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
            conn.request("GET", "/healthz")
            if conn.getresponse().status == 200:
                conn.close()
                return
        except OSError:
            time.sleep(0.1)
    raise RuntimeError(f"server on port {port} did not come up")


def api_requests(queries: list[str], extra: str = "") -> list[Request]:
    """Each query as the product's /api/search request (`extra`: more of the query string)."""
    return [Request("GET", "/api/search?q=" + urllib.parse.quote(q) + extra) for q in queries]


def load_test(port: int, queries: list[str], clients: int, seconds: float, extra="") -> dict:
    """`clients` keep-alive connections, each cycling through the queries for `seconds`."""
    requests = api_requests(queries, extra)
    return http_load(f"http://127.0.0.1:{port}", requests, clients, seconds, _json_answer)


def _json_answer(status: int, body: bytes) -> bool:
    return status == 200 and body.startswith(b"{")


# --- the benchmark ------------------------------------------------------------------------


@dataclass
class Row:
    name: str
    target: str
    actual: float | str
    reference: float | str = ""
    ratio: float | None = None
    passed: bool | None = None
    unit: str = ""


@dataclass
class Bench:
    args: argparse.Namespace
    work: Path
    queries: list[str]
    rows: list[Row] = field(default_factory=list)
    figures: dict = field(default_factory=dict)

    @property
    def corpus(self) -> Path:
        return self.work / "corpus"

    @property
    def index(self) -> Path:
        return self.work / "index"

    @property
    def env(self) -> dict:
        env = dict(os.environ)
        env["SEEDSEARCH_CONFIG"] = str(self.work / "config.toml")
        env["PYTHONPATH"] = os.pathsep.join([str(ROOT), env.get("PYTHONPATH", "")])
        return env

    def log(self, text: str) -> None:
        print(text, file=sys.stderr, flush=True)

    def index_cmd(self, *extra, index: Path | None = None, corpus: Path | None = None):
        return [
            *seedsearch_cmd(indexer_only=True),
            "index",
            "--corpus",
            str(corpus or self.corpus),
            "--index",
            str(index or self.index),
            "--quiet",
            *extra,
        ]

    def live_dir(self, index: Path | None = None) -> Path:
        from indexer import generations as gens

        index = index or self.index
        return index / gens.read_pointer(index)

    # 1. build -------------------------------------------------------------------------------

    def build(self, corpus: Path, n_docs: int, reps: int, label: str, refs_too=True) -> dict:
        product, whoosh, fts = [], [], []
        for rep in range(reps):
            self.log(f"[{label}] build rep {rep + 1}/{reps}")
            if self.index.exists():
                shutil.rmtree(self.index)
            product.append(run_measured(self.index_cmd("--full", corpus=corpus), env=self.env))
            if refs_too:
                wdir = self.work / "whoosh-ref"
                if wdir.exists():
                    shutil.rmtree(wdir)
                whoosh.append(
                    run_measured(
                        [
                            sys.executable,
                            str(HERE / "_perf_refs.py"),
                            "whoosh-build",
                            str(corpus),
                            str(wdir),
                        ]
                    )
                )
            fts.append(
                run_measured(
                    [
                        sys.executable,
                        str(HERE / "_perf_refs.py"),
                        "fts5-build",
                        str(corpus),
                        str(self.work / "fts5.db"),
                    ]
                )
            )
        out = {
            "docs": n_docs,
            "seconds": statistics.median(r.seconds for r in product),
            "peak_mib": statistics.median(r.peak_rss for r in product) / MIB,
            "index_mib": dir_size(self.live_dir()) / MIB,
            "fts5_seconds": statistics.median(r.seconds for r in fts),
            "fts5_peak_mib": statistics.median(r.peak_rss for r in fts) / MIB,
            "fts5_index_mib": (self.work / "fts5.db").stat().st_size / MIB,
            "runs": [r.seconds for r in product],
            "fts5_runs": [r.seconds for r in fts],
        }
        if whoosh:
            out.update(
                whoosh_seconds=statistics.median(r.seconds for r in whoosh),
                whoosh_peak_mib=statistics.median(r.peak_rss for r in whoosh) / MIB,
                whoosh_index_mib=dir_size(self.work / "whoosh-ref") / MIB,
                whoosh_runs=[r.seconds for r in whoosh],
            )
        return out

    # 2. incremental -------------------------------------------------------------------------

    def incremental(self, reps: int, full_seconds: float) -> dict:
        for marker in self.corpus.glob(".complete-*"):
            marker.unlink()  # the corpus is changed from here on: the next run rewrites it
        files = sorted(self.corpus.glob("*.txt"))
        times = []
        for rep in range(reps):
            self.log(f"incremental rep {rep + 1}/{reps}")
            changed = files[100 + rep]
            changed.write_text(
                changed.read_text(encoding="utf-8")
                + f"    The benchmark changed this story in repetition {rep + 1}.\n",
                encoding="utf-8",
            )
            (self.corpus / f"new{rep}.txt").write_text(
                f"BENCHMARK ADDS A STORY {rep}\n\nA new story about grain exports and "
                "interest rates, added by the benchmark.\n",
                encoding="utf-8",
            )
            files[200 + rep].unlink()
            times.append(run_measured(self.index_cmd(), env=self.env).seconds)
        check = subprocess.run(
            self.index_cmd("--check"), env=self.env, capture_output=True, text=True
        )
        full_index = self.work / "index-full"
        if full_index.exists():
            shutil.rmtree(full_index)
        subprocess.run(self.index_cmd("--full", index=full_index), env=self.env, check=True)
        same = self.stored(self.live_dir()) == self.stored(self.live_dir(full_index))
        shutil.rmtree(full_index)
        return {
            "seconds": statistics.median(times),
            "runs": times,
            "full_seconds": full_seconds,
            "check_ok": check.returncode == 0,
            "equals_full": same,
        }

    @staticmethod
    def stored(gen_dir: Path) -> dict:
        from whoosh import index as whoosh_index

        ix = whoosh_index.open_dir(str(gen_dir))
        with ix.searcher() as s:
            docs = {f["id"]: f for f in s.all_stored_fields()}
        return docs

    # 2b. stories ---------------------------------------------------------------------------

    def stories_cost(self, build_seconds: float) -> dict:
        """What grouping stories adds to a full build, measured on the live generation's texts:
        the MinHash signatures (in the build they run in the cleaning workers, one per core)
        and the grouping (LSH buckets and components, in the parent), one core each here."""
        from whoosh import index as whoosh_index

        from indexer import stories

        gen = self.live_dir()
        ix = whoosh_index.open_dir(str(gen))
        signatures = {}
        started = time.perf_counter()
        with ix.searcher() as s:
            for f in s.all_stored_fields():
                signatures[f["source"]] = stories.signature(f.get("text", ""))
        sign_s = time.perf_counter() - started
        started = time.perf_counter()
        table = stories.build_table(signatures)
        group_s = time.perf_counter() - started
        cpus = os.cpu_count() or 1
        copies = len(table.story) - len(set(table.story))
        return {
            "docs": len(signatures),
            "signature_seconds": sign_s,
            "group_seconds": group_s,
            "build_seconds": build_seconds,
            "added_share": (sign_s / cpus + group_s) / build_seconds,
            "stories": len(set(table.story)),
            "copies_grouped": copies,
            "file_mib": (gen / stories.STORIES_FILE).stat().st_size / MIB,
        }

    def stories_replicated(self, copies: int) -> dict:
        """Grouping at `copies` times the corpus without building it: the live generation's
        signatures, each repeated `copies` times (the scale corpus's copies hold the same
        words), grouped in one call. Quick on a busy machine, where a 190k build takes hours;
        `--scale` measures the same on the real 190k build."""
        import numpy as np

        from indexer import stories

        table = stories.load(self.live_dir())
        sigs = {
            f"copy{k:02d}/{source}": sig
            for k in range(copies)
            for source, sig in zip(table.sources, table.signatures, strict=True)
        }
        started = time.perf_counter()
        grouped = stories.build_table(sigs)
        group_s = time.perf_counter() - started
        return {
            "docs": len(sigs),
            "group_seconds": group_s,
            "stories": len(set(grouped.story)),
            "file_mib": (len(sigs) * stories.NUM_PERM * np.dtype(np.uint32).itemsize) / MIB,
        }

    def add_stories_rows(self, cost: dict, label: str) -> None:
        self.add(
            f"{label}: story signatures, one core",
            "",
            cost["signature_seconds"],
            cost["build_seconds"],
            unit="s",
        )
        self.add(
            f"{label}: story grouping (LSH)",
            "",
            cost["group_seconds"],
            cost["build_seconds"],
            unit="s",
        )
        self.add(
            f"{label}: stories' share of the build (signatures per core + grouping)",
            "",
            f"{cost['added_share']:.1%}",
        )
        self.add(f"{label}: stories / documents", "", cost["stories"], cost["docs"])
        self.add(f"{label}: stories file", "", cost["file_mib"], unit="MiB")

    # 3. in-process queries ------------------------------------------------------------------

    def queries_in_process(self, reps: int, refs_too=True, queries=None, any_of=False) -> dict:
        """Each engine's latency percentiles over `queries` (the benchmark's by default);
        `any_of`: FTS5 runs them as an OR of their words (pasted paragraphs)."""
        from indexer.backend import open_backend
        from indexer.config import load_config
        from indexer.search import parse_request

        config = load_config(self.work / "config.toml")
        backend = open_backend(config.with_paths(index_dir=self.index))

        def product(q):
            return backend.search(parse_request({"q": q}, config.search), config.search)

        queries = queries or self.queries
        fts5 = refs.Fts5Query(self.work / "fts5.db", any_of=any_of)
        engines = {"product": product, "fts5": fts5}
        if any_of:  # the long-query rows: FTS5 also counts the total and the year facet
            engines["fts5"] = lambda q: (fts5(q), fts5.total_and_years(q))
        if refs_too:
            engines["whoosh"] = refs.WhooshQuery(self.work / "whoosh-ref")
        runs = {name: [] for name in engines}
        for fn in engines.values():  # warm-up: first opening, OS cache
            time_queries_cpu(fn, queries)
        for rep in range(reps):
            self.log(f"queries rep {rep + 1}/{reps}")
            for name, fn in engines.items():
                wall, cpu = time_queries_cpu(fn, queries)
                cut = percentiles(cpu)
                runs[name].append({**percentiles(wall), **{f"cpu_{k}": v for k, v in cut.items()}})
        return {name: median_of(r) for name, r in runs.items()}

    # 4. HTTP --------------------------------------------------------------------------------

    def http(
        self, reps: int, seconds: float, clients: int, threads: int, queries=None, any_of=False
    ) -> dict:
        servers = {
            "product": lambda port: [
                *seedsearch_cmd(),
                "serve",
                "--host",
                "127.0.0.1",
                "--port",
                str(port),
                "--index",
                str(self.index),
            ],
            "fts5": lambda port: [
                sys.executable,
                str(HERE / "_perf_refs.py"),
                "fts5-serve",
                str(self.work / "fts5.db"),
                str(port),
                str(threads),
            ],
        }
        runs = {name: [] for name in servers}
        memory = {name: [] for name in servers}
        for rep in range(reps):
            for name, cmd in servers.items():
                self.log(f"http {name} rep {rep + 1}/{reps} ({seconds:.0f}s, {clients} clients)")
                port = free_port()
                # A log file, not a pipe: nobody reads a pipe during the load, and a server
                # logging more than its buffer holds (waitress warns when requests queue)
                # would block on it.
                log = self.work / f"server-{name}.log"
                with log.open("w") as err:
                    proc = subprocess.Popen(
                        cmd(port), env=self.env, stdout=subprocess.DEVNULL, stderr=err
                    )
                queries = queries or self.queries
                extra = "&any=1" if any_of and name == "fts5" else ""
                try:
                    wait_http(port, proc, log)
                    load_test(port, queries, clients, min(3.0, seconds), extra)  # warm-up
                    runs[name].append(load_test(port, queries, clients, seconds, extra))
                    memory[name].append(tree_pss(proc.pid) / MIB)
                finally:
                    proc.terminate()
                    try:
                        proc.wait(10)
                    except subprocess.TimeoutExpired:
                        proc.kill()
                        proc.wait()
        out = {name: median_of(r) for name, r in runs.items()}
        out["product"]["errors"] = sum(r["errors"] for r in runs["product"])
        out["fts5"]["errors"] = sum(r["errors"] for r in runs["fts5"])
        out["product_pss_mib"] = statistics.median(memory["product"])
        out["fts5_pss_mib"] = statistics.median(memory["fts5"])
        return out

    # the table ------------------------------------------------------------------------------

    def add(self, name, target, actual, reference="", passed=None, unit=""):
        """One table row; the ratio is actual / reference whenever both are numbers."""
        numbers = all(isinstance(v, int | float) for v in (actual, reference))
        ratio = actual / reference if numbers and reference else None
        self.rows.append(Row(name, target, actual, reference, ratio, passed, unit))

    def table(self) -> str:
        def fmt(v):
            if isinstance(v, float):
                return f"{v:,.1f}" if abs(v) >= 10 else f"{v:.2f}"
            return str(v)

        header = ("measure", "target", "actual", "reference", "ratio", "pass")
        lines = [header]
        for r in self.rows:
            lines.append(
                (
                    r.name,
                    r.target,
                    fmt(r.actual) + (f" {r.unit}" if r.unit else ""),
                    fmt(r.reference),
                    "" if r.ratio is None else f"{r.ratio:.2f}×",
                    {True: "yes", False: "NO", None: ""}[r.passed],
                )
            )
        widths = [max(len(line[i]) for line in lines) for i in range(len(header))]
        out = []
        for i, line in enumerate(lines):
            cells = (c.ljust(w) for c, w in zip(line, widths, strict=True))
            out.append("| " + " | ".join(cells) + " |")
            if i == 0:
                out.append("|" + "|".join("-" * (w + 2) for w in widths) + "|")
        return "\n".join(out)


def long_rows(b: Bench, stories, reps: int, seconds: float, clients: int, threads: int) -> None:
    """Pasted paragraphs: in process and over HTTP, each percentile against FTS5's OR."""
    long_q = long_queries(stories)
    lq = b.figures["long_query"] = b.queries_in_process(
        reps, refs_too=False, queries=long_q, any_of=True
    )
    lh = b.figures["long_http"] = b.http(reps, seconds, clients, threads, long_q, any_of=True)
    for where, figures in (("in-process", lq), ("http", lh)):
        for pct in ("p50", "p99"):
            ours, ref = figures["product"][pct], figures["fts5"][pct]
            b.add(
                f"long query ({len(long_q)}, 50-300 words) {where} {pct} vs FTS5 OR",
                "≤ 2× FTS5",
                ours,
                ref,
                passed=ours <= 2 * ref,
                unit="ms",
            )


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    p.add_argument("--quick", action="store_true", help="1 repetition, 5 s load, no scale")
    p.add_argument("--reps", type=int, default=None, help="repetitions (default 3, quick 1)")
    p.add_argument("--scale", action="store_true", help="also the corpus 10× (~190k documents)")
    p.add_argument("--scale-copies", type=int, default=10)
    p.add_argument("--scale-reps", type=int, default=1)
    p.add_argument(
        "--only",
        default="build,incremental,query,long,http",
        help="comma list of build,incremental,query,long,http",
    )
    p.add_argument("--seconds", type=float, default=None, help="HTTP load duration (default 30)")
    p.add_argument("--clients", type=int, default=8)
    p.add_argument("--limit", type=int, default=0, help="use only the first N stories")
    p.add_argument("--work", type=Path, default=ROOT / "bench" / "out" / "perf")
    p.add_argument("--json", type=Path, help="write all figures to this file")
    args = p.parse_args(argv)
    reps = args.reps or (1 if args.quick else 3)
    seconds = args.seconds or (5.0 if args.quick else 30.0)
    only = set(args.only.split(","))

    stories = load_stories(DATA / "reuters21578.jsonl.gz")
    if args.limit:
        stories = stories[: args.limit]
    queries = [q.strip() for q in (DATA / "queries.txt").read_text().splitlines() if q.strip()]
    work = args.work.resolve()
    work.mkdir(parents=True, exist_ok=True)
    threads = 8
    (work / "config.toml").write_text(
        f'[corpus]\ndir = "corpus"\n\n[index]\ndir = "index"\n\n[server]\nthreads = {threads}\n',
        encoding="utf-8",
    )
    b = Bench(args, work, queries)
    fig = b.figures
    fig["machine"] = {"cpus": os.cpu_count(), "python": sys.version.split()[0], "reps": reps}
    n = 0
    if only == {"long"}:  # alone: on the index and FTS5 database an earlier run left in --work
        long_rows(b, stories, reps, seconds, args.clients, threads)
        only = set()
    if "build" in only:  # the 19k part; without it, only --scale runs
        n = write_corpus(stories, b.corpus)
        b.log(f"{n} stories written to {b.corpus}; {len(queries)} queries; {reps} repetitions")

        build = fig["build"] = b.build(b.corpus, n, reps, "19k")
        docs_s = n / build["seconds"]
        b.add(
            "build: documents/s (incl. cleaning)",
            "≥ 1,000",
            docs_s,
            n / build["whoosh_seconds"],
            passed=docs_s >= 1000,
        )
        # Each measure against each reference: plain Whoosh ("whoosh_") and FTS5 ("fts5_").
        for label, key, unit in (
            ("seconds", "seconds", "s"),
            ("peak memory", "peak_mib", "MiB"),
            ("index size", "index_mib", "MiB"),
        ):
            for ref_name, prefix in (("plain Whoosh", "whoosh_"), ("FTS5", "fts5_")):
                ours, ref = build[key], build[prefix + key]
                b.add(f"build: {label} vs {ref_name}", "", ours, ref, unit=unit)
        fig["stories"] = b.stories_cost(build["seconds"])
        b.add_stories_rows(fig["stories"], "build")
        rep = fig["stories_x10"] = b.stories_replicated(args.scale_copies)
        b.add(
            f"{rep['docs']:,} signatures (19k ×{args.scale_copies}): story grouping",
            "",
            rep["group_seconds"],
            fig["stories"]["group_seconds"],
            unit="s",
        )
        b.add(f"{rep['docs']:,} signatures: stories", "", rep["stories"], rep["docs"])

    elif only & REUSING:  # on the index, corpus and FTS5 database an earlier run left in --work
        if not (b.index.exists() and (work / "fts5.db").exists()):
            p.error(f"--only {args.only} without build needs an earlier run's index in {work}")
        build = {"seconds": ""}
        b.log(f"reusing {b.index} and {work / 'fts5.db'}; {reps} repetitions")

    if "incremental" in only:
        inc = fig["incremental"] = b.incremental(reps, build["seconds"])
        b.add(
            "incremental: 1 changed, 1 added, 1 deleted",
            "≤ 2 s",
            inc["seconds"],
            inc["full_seconds"],
            passed=inc["seconds"] <= 2,
            unit="s",
        )
        b.add(
            "incremental: equals full rebuild",
            "yes",
            "yes" if inc["equals_full"] else "no",
            passed=inc["equals_full"],
        )
        b.add(
            "incremental: index --check",
            "passes",
            "ok" if inc["check_ok"] else "failed",
            passed=inc["check_ok"],
        )

    if "query" in only:
        # Plain Whoosh's index comes from the build step (an earlier run's, when reusing).
        qf = fig["query"] = b.queries_in_process(reps, (work / "whoosh-ref").exists())
        for pct in ("p50", "p95", "p99"):
            ratio = qf["product"][pct] / qf["fts5"][pct]
            b.add(
                f"query in-process {pct} vs FTS5",
                "≤ 2× FTS5" if pct == "p50" else "",
                qf["product"][pct],
                qf["fts5"][pct],
                passed=ratio <= 2 if pct == "p50" else None,
                unit="ms",
            )
        for pct in ("p50", "p99"):
            b.add(
                f"query in-process CPU {pct} vs FTS5",
                "",
                qf["product"][f"cpu_{pct}"],
                qf["fts5"][f"cpu_{pct}"],
                unit="ms",
            )
        for pct in ("p50", "p99") if "whoosh" in qf else ():
            b.add(
                f"query in-process {pct} vs plain Whoosh",
                "",
                qf["product"][pct],
                qf["whoosh"][pct],
                unit="ms",
            )

    if "long" in only:
        long_rows(b, stories, reps, seconds, args.clients, threads)

    hf = None
    if "http" in only:
        try:
            hf = fig["http"] = b.http(reps, seconds, args.clients, threads)
        except RuntimeError as exc:
            b.log(f"HTTP benchmark not run: {exc}")
            fig["http"] = {"error": str(exc)}
            b.add("http: server starts", "yes", "no (see log)", passed=False)
    if hf:
        pr, fr = hf["product"], hf["fts5"]
        b.add(
            f"http: requests/s ({args.clients} clients)",
            "",
            pr["rps"],
            fr["rps"],
        )
        b.add(
            "http: p50",
            "≤ 1.5× FTS5",
            pr["p50"],
            fr["p50"],
            passed=pr["p50"] <= 1.5 * fr["p50"],
            unit="ms",
        )
        b.add(
            "http: p99",
            "≤ 2× FTS5",
            pr["p99"],
            fr["p99"],
            passed=pr["p99"] <= 2 * fr["p99"],
            unit="ms",
        )
        b.add("http: errors", "0", pr["errors"], fr["errors"], passed=pr["errors"] == 0)
        b.add(
            "http: server memory after load (PSS, all processes)",
            "≤ 250 MiB",
            hf["product_pss_mib"],
            hf["fts5_pss_mib"],
            passed=hf["product_pss_mib"] <= 250,
            unit="MiB",
        )

    if args.scale and not args.quick:
        scale_corpus = work / "corpus-scale"
        ns = write_corpus(stories, scale_corpus, copies=args.scale_copies)
        b.log(f"{ns} stories written to {scale_corpus}")
        sb = fig["scale_build"] = b.build(
            scale_corpus, ns, args.scale_reps, "scale", refs_too=False
        )
        b.add(
            f"scale ({ns:,} docs): build seconds vs FTS5",
            "",
            sb["seconds"],
            sb["fts5_seconds"],
            unit="s",
        )
        b.add(
            "scale: documents/s",
            "",
            ns / sb["seconds"],
            ns / sb["fts5_seconds"],
        )
        b.add(
            "scale: build peak memory",
            "≤ 1,024 MiB",
            sb["peak_mib"],
            sb["fts5_peak_mib"],
            passed=sb["peak_mib"] <= 1024,
            unit="MiB",
        )
        b.add(
            "scale: index size",
            "",
            sb["index_mib"],
            sb["fts5_index_mib"],
            unit="MiB",
        )
        fig["scale_stories"] = b.stories_cost(sb["seconds"])
        b.add_stories_rows(fig["scale_stories"], "scale")
        sq = fig["scale_query"] = b.queries_in_process(args.scale_reps, refs_too=False)
        b.add(
            "scale: query in-process p50",
            "",
            sq["product"]["p50"],
            sq["fts5"]["p50"],
            unit="ms",
        )
        b.add(
            "scale: query in-process p99",
            "≤ 150 ms",
            sq["product"]["p99"],
            sq["fts5"]["p99"],
            passed=sq["product"]["p99"] <= 150,
            unit="ms",
        )

    table = b.table()
    print(table)
    print(
        f"\n{n or len(stories):,} stories, {len(queries)} queries, medians of {reps} repetitions"
        f"{f' ({args.scale_reps} at scale)' if args.scale else ''}; "
        f"{os.cpu_count()} CPUs, Python {sys.version.split()[0]}"
    )
    fig["table"] = table
    if args.json:
        args.json.parent.mkdir(parents=True, exist_ok=True)
        args.json.write_text(json.dumps(fig, indent=2), encoding="utf-8")
    failed = [r.name for r in b.rows if r.passed is False]
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
