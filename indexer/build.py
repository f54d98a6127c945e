"""Build the index: clean what changed in the corpus, write a new generation, switch to it."""

from __future__ import annotations

import contextlib
import ctypes
import hashlib
import json
import os
import shutil
import signal
import sys
import time
from array import array
from collections import deque
from collections.abc import Callable, Iterator
from concurrent.futures import FIRST_EXCEPTION, ProcessPoolExecutor, wait
from dataclasses import dataclass, field
from datetime import UTC, datetime
from itertools import islice
from pathlib import Path

import numpy as np
from whoosh import index as whoosh_index
from whoosh.writing import CLEAR

from . import generations as gens
from . import stories
from .clean import REPEAT_MIN_DOCS, clean_bytes, cut_warning, line_keys
from .document import Document, Skip, doc_id
from .schema import SCHEMA_VERSION, build_schema, document_fields
from .writer import BulkWriter

SUPPORTED = (".txt", ".html", ".htm")
# Below this many files a process pool costs more to start than it saves.
POOL_MIN_FILES = 400
# A full build of at least this many files is indexed by the workers, one segment each.
PARALLEL_MIN_FILES = 2000
# The bulk writer's posting buffer (its estimate of its arrays) before it spills a sorted run
# to disk: each indexing worker's, and the one writer's of other builds.
WORKER_LIMIT_MB = 96
WRITER_LIMIT_MB = 96
# Segments are written as separate files, not one compound file: Whoosh memory-maps a compound
# file and copies each part it opens into the heap, per searcher, so every serving thread held
# its own copy of the index (~95 MB a thread at 19k documents); plain files are read in place.
COMPOUND = False
# Files per task sent to a worker, and tasks queued at once (bounds a build's memory).
BATCH = 64
IN_FLIGHT = 8


class BuildError(Exception):
    """The build could not produce a usable index; the live one is untouched."""


@dataclass
class BuildReport:
    generation: str
    indexed: int
    added: int = 0
    updated: int = 0
    deleted: int = 0
    skipped: dict[str, str] = field(default_factory=dict)
    seconds: float = 0.0
    full: bool = True
    unchanged: bool = False  # nothing to do: the live generation was kept as it is
    warnings: dict[str, str] = field(default_factory=dict)  # indexed, but not whole (cut)

    def summary(self) -> dict:
        return {
            "generation": self.generation,
            "documents": self.indexed,
            "added": self.added,
            "updated": self.updated,
            "deleted": self.deleted,
            "skipped": self.skipped,
            "warnings": self.warnings,
            "seconds": round(self.seconds, 3),
            "full": self.full,
            "unchanged": self.unchanged,
        }


# Slots and an array of 64-bit key hashes: a 190,000-file corpus's states took ~150 MB as
# dataclass dicts and lists of ints, about a third as this.
@dataclass(slots=True)
class FileState:
    """What the manifest remembers of one corpus file, to notice changes cheaply."""

    size: int
    mtime_ns: int
    sha1: str
    keys: array  # array("Q"): key_hash of each chrome-candidate line, sorted
    skip: str | None = None

    def as_json(self) -> dict:
        return {
            "size": self.size,
            "mtime_ns": self.mtime_ns,
            "sha1": self.sha1,
            "keys": self.keys.tolist(),
            "skip": self.skip,
        }


# (size, mtime_ns): all a build compares. os.stat_result objects took ~150 MB at 190,000
# files, and the workers forked after the scan counted them again in their own memory.
Stat = tuple[int, int]


def scan_corpus(corpus_dir: Path) -> dict[str, Stat]:
    """Every visible regular file below the corpus folder, by corpus-relative path."""
    if not corpus_dir.is_dir():
        raise BuildError(f"corpus folder not found: {corpus_dir}")
    found: dict[str, Stat] = {}

    def walk(folder: str, prefix: str) -> None:
        try:
            with os.scandir(folder) as entries:
                entries = sorted(entries, key=lambda e: e.name)
        except OSError:  # an unreadable folder is skipped, as os.walk does
            return
        for entry in entries:
            if entry.name.startswith("."):
                continue
            # Symlinks are neither followed nor indexed.
            if entry.is_dir(follow_symlinks=False):
                walk(entry.path, f"{prefix}{entry.name}/")
            elif entry.is_file(follow_symlinks=False):
                st = entry.stat(follow_symlinks=False)
                found[prefix + entry.name] = (st.st_size, st.st_mtime_ns)

    walk(str(corpus_dir), "")
    return found


def key_hash(key: str) -> int:
    """A chrome-candidate line key as 64 bits.

    The manifest keeps the keys of every file's short lines (most lines of a wire story), and
    only their equality matters: the full text made the manifest and a build's memory grow
    with the whole corpus (~1 KB a file)."""
    digest = hashlib.blake2b(key.encode("utf-8", "surrogatepass"), digest_size=8).digest()
    return int.from_bytes(digest, "big")


class _Repeated:
    """The cleaner's `repeated` lines, looked up by key hash."""

    __slots__ = ("hashes",)

    def __init__(self, hashes: frozenset[int]):
        self.hashes = hashes

    def __contains__(self, key: object) -> bool:
        return isinstance(key, str) and key_hash(key) in self.hashes


def _fingerprint(args: tuple[str, str]) -> tuple[str, str, array]:
    """(source, sha1, hashed chrome-candidate line keys) of one file; runs in a worker."""
    path, source = args
    try:
        data = Path(path).read_bytes()
    except OSError:
        return source, "", array("Q")
    keys = {key_hash(key) for key in line_keys(data, source)}
    return source, hashlib.sha1(data).hexdigest(), array("Q", sorted(keys))


def _clean(args: tuple[str, str, frozenset[int]]) -> tuple[str, Document | str]:
    """(source, Document or skip reason) of (corpus folder, source, repeated keys); runs in a
    worker process. Paths are joined here: 190,000 of them took ~30 MB in the parent."""
    corpus, source, repeated = args
    try:
        data = Path(corpus, source).read_bytes()
        return source, clean_bytes(data, source, repeated=_Repeated(repeated))
    except Skip as skip:
        return source, str(skip) or "skipped"
    except OSError as exc:
        return source, f"unreadable: {exc.strerror or exc}"


def _clean_and_sign(args: tuple[str, str, frozenset[int]]) -> tuple[str, Document | str, object]:
    """`_clean`, plus the document's story signature (None for a skip), in the same worker:
    signing is then spread over the cores as cleaning is."""
    source, result = _clean(args)
    sig = stories.signature(result.text) if isinstance(result, Document) else None
    return source, result, sig


def _worker_started() -> None:
    """Make a forked pool worker safe to kill the build under.

    A worker is a fork of the build, so it shares the build.lock descriptor and with it the
    lock. Killed with SIGKILL, a build left its workers running and holding the lock: every
    later build was refused as "another 'seedsearch index' is running". So the worker drops
    its copy of the lock (closing it, never unlocking it: the lock is the parent's) and asks
    to be killed when the build dies.
    """
    parent = os.getppid()
    if sys.platform.startswith("linux"):
        with contextlib.suppress(OSError, AttributeError):
            ctypes.CDLL(None).prctl(1, signal.SIGKILL)  # PR_SET_PDEATHSIG
        if os.getppid() != parent:  # the build died before prctl took effect
            os._exit(1)
        fds = Path("/proc/self/fd")
        for fd in os.listdir(fds):
            with contextlib.suppress(OSError):
                if os.readlink(fds / fd).endswith(f"/{gens.LOCK}"):
                    os.close(int(fd))


def _pool(workers: int) -> ProcessPoolExecutor:
    return ProcessPoolExecutor(workers, initializer=_worker_started)


def _started_pool(workers: int) -> ProcessPoolExecutor:
    """A pool whose workers are forked now (a fork-based pool forks them all at the first task)."""
    pool = _pool(workers)
    pool.submit(int).result()
    return pool


def _batch(fn: Callable, items: list) -> list:
    return [fn(item) for item in items]


def _parallel_map(fn: Callable, items: list, pool: ProcessPoolExecutor | None) -> Iterator:
    """`map(fn, items)` in order, on the pool's workers when there is one.

    Only a few batches are in flight at once: the workers clean faster than one writer indexes,
    and an unbounded map would hold every cleaned document of the corpus in memory."""
    if pool is None:
        return map(fn, items)
    size = max(1, min(BATCH, len(items) // 16))
    batches = iter([items[i : i + size] for i in range(0, len(items), size)])

    def results() -> Iterator:
        pending = deque(pool.submit(_batch, fn, b) for b in islice(batches, IN_FLIGHT))
        while pending:
            done = pending.popleft().result()
            for batch in islice(batches, 1):
                pending.append(pool.submit(_batch, fn, batch))
            yield from done

    return results()


def cleaned_documents(
    jobs: list, pool, record: Callable, signatures: dict, progress: Callable | None
) -> Iterator[Document]:
    """Clean `jobs` (in `pool` when given) and yield each kept Document; every file's verdict goes
    to `record`, each kept one's story signature into `signatures`, the count to `progress`."""
    for done, (source, result, sig) in enumerate(_parallel_map(_clean_and_sign, jobs, pool), 1):
        if isinstance(result, Document):
            record(source, None, cut_warning(result))
            signatures[source] = sig
            yield result
        else:
            record(source, result)
        if progress:
            progress(done, len(jobs))


def _load_manifest(index_dir: Path) -> tuple[str | None, dict[str, FileState], int | None]:
    """The live generation, its file states and its schema version (None, {}, None if unusable)."""
    live = gens.read_pointer(index_dir)
    if not live:
        return None, {}, None
    try:
        raw = gens.read_manifest(index_dir / live)
        states = {source: FileState(**state) for source, state in raw["files"].items()}
        for state in states.values():
            # Manifests before hashed keys kept the line text (every key a string).
            if state.keys and isinstance(state.keys[0], str):
                state.keys = sorted({key_hash(k) for k in state.keys})
            state.keys = array("Q", state.keys)
    except (OSError, ValueError, KeyError, TypeError, OverflowError):
        return None, {}, None
    return live, states, raw.get("schema")


def _repeated(states: dict[str, FileState]) -> frozenset[int]:
    """The line keys held by at least REPEAT_MIN_DOCS files (a file's keys are distinct).

    Counted as runs of one sorted uint64 array: a 190,000-file corpus's ~2 million keys take
    16 MiB so, where one Counter of them took ~160 MB (and a Counter per sixteenth of the hash
    space, as before, ~0.2 s of CPU for 19,000 files against ~0.02 s)."""
    if not states:
        return frozenset()
    keys = np.concatenate([np.frombuffer(st.keys, dtype=np.uint64) for st in states.values()])
    if not len(keys):
        return frozenset()
    keys.sort()
    starts = np.flatnonzero(np.r_[True, keys[1:] != keys[:-1]])
    counts = np.diff(np.r_[starts, len(keys)])
    return frozenset(keys[starts[counts >= REPEAT_MIN_DOCS]].tolist())


@dataclass
class Plan:
    """What a build must do: the new file states and which sources to (re)clean or drop."""

    states: dict[str, FileState]
    to_clean: list[str]
    to_drop: list[str]
    repeated: frozenset[int]


def _same_stat(state: FileState | None, st: Stat) -> bool:
    return state is not None and (state.size, state.mtime_ns) == st


def _plan(corpus_dir: Path, on_disk: dict, old: dict[str, FileState], pool) -> Plan:
    states = {s: old[s] for s, st in on_disk.items() if _same_stat(old.get(s), st)}
    to_scan = [s for s in on_disk if s not in states]
    touched = set()
    for source, sha1, keys in _parallel_map(
        _fingerprint, [(str(corpus_dir / s), s) for s in to_scan], pool
    ):
        size, mtime_ns = on_disk[source]
        same = source in old and old[source].sha1 == sha1
        # Touched but identical content keeps its old verdict; only the stat is refreshed.
        states[source] = FileState(size, mtime_ns, sha1, keys, old[source].skip if same else None)
        if not same:
            touched.add(source)

    # A line that starts or stops repeating across documents changes how every
    # document holding it is cleaned, so those documents are cleaned again too.
    repeated = _repeated(states)
    flipped = repeated ^ _repeated(old)
    redo = touched | {s for s, st in states.items() if flipped and flipped.intersection(st.keys)}
    for source in redo:
        states[source].skip = None
        if not source.lower().endswith(SUPPORTED):
            states[source].skip = "unsupported file type (expected .txt, .html or .htm)"
    to_clean = sorted(s for s in redo if states[s].skip is None)
    gone = set(old) - set(on_disk)
    to_drop = sorted(s for s in gone | (redo & set(old)) if old[s].skip is None)
    return Plan(states, to_clean, to_drop, repeated)


@dataclass(frozen=True)
class Store:
    """Where a build writes: how to read the live index's manifest (live name, file states,
    schema version) and how to write a plan's changes into a new or the live index."""

    load: Callable[[Path], tuple[str | None, dict[str, FileState], int | None]]
    write: Callable[..., BuildReport]
    schema: int
    generations: bool = True  # index_dir holds Whoosh generations (swept before and after)


def build_index(
    corpus_dir: Path,
    index_dir: Path,
    *,
    full: bool = False,
    progress: Callable[[int, int], None] | None = None,
    store: Store | None = None,
) -> BuildReport:
    """Bring the index up to date with the corpus; incremental unless `full`.

    `store` is where the documents go (default: Whoosh generations in `index_dir`)."""
    store = store or WHOOSH_STORE
    started = time.perf_counter()
    corpus_dir, index_dir = Path(corpus_dir), Path(index_dir)
    with gens.build_lock(index_dir):
        if store.generations:
            gens.sweep(index_dir)
        live, old, schema = store.load(index_dir)
        if full or schema != store.schema:
            live, old = None, {}
        workers = os.cpu_count() or 1
        # A full build forks its workers before scanning the corpus: a fork's memory counts
        # the parent's pages again, and the scan of 190,000 files holds ~60 MB.
        pool = _started_pool(workers) if workers > 1 and not old else None
        try:
            on_disk = scan_corpus(corpus_dir)
            changed = sum(1 for s, st in on_disk.items() if not _same_stat(old.get(s), st))
            if workers > 1 and changed >= POOL_MIN_FILES:
                pool = pool or _pool(workers)
            elif pool:
                pool.shutdown()
                pool = None
            plan = _plan(corpus_dir, on_disk, old, pool)
            if live and not plan.to_clean and not plan.to_drop and plan.states.keys() == old.keys():
                report = BuildReport(live, len(old) - _skipped(old), full=False, unchanged=True)
                report.skipped = {s: st.skip for s, st in sorted(old.items()) if st.skip}
            else:
                report = store.write(corpus_dir, index_dir, live, old, plan, pool, progress)
        finally:
            if pool:
                pool.shutdown(cancel_futures=True)
        if store.generations:
            gens.sweep(index_dir)
    report.seconds = time.perf_counter() - started
    return report


def _skipped(states: dict[str, FileState]) -> int:
    return sum(1 for st in states.values() if st.skip)


def _index_share(work: str, jobs: list, progress_file: str) -> tuple:
    """Clean and index one share of a full build into a segment of its own; runs in a worker.

    Returns (segment or None, [(source, skip reason or None, warning or None)], signatures):
    the kept documents' signatures as one uint32 matrix in verdict order (one small array per
    document pickled and unpickled at ~1 KiB each). One byte per document goes to
    `progress_file` so the parent can report progress without a channel to the worker."""
    writer = BulkWriter(
        whoosh_index.open_dir(work), _lk=False, limitmb=WORKER_LIMIT_MB, compound=COMPOUND
    )
    verdicts = []
    sigs = np.empty((len(jobs), stories.NUM_PERM), dtype=np.uint32)
    kept = 0
    fd = os.open(progress_file, os.O_WRONLY | os.O_APPEND)
    try:
        for job in jobs:
            source, result, sig = _clean_and_sign(job)
            if isinstance(result, Document):
                writer.add_document(**document_fields(result))
                verdicts.append((source, None, cut_warning(result)))
                sigs[kept] = sig
                kept += 1
            else:
                verdicts.append((source, result, None))
            os.write(fd, b".")
        sigs = sigs[:kept].copy()
        if not writer._added:
            writer._close_segment()
            return None, verdicts, sigs
        return writer._finalize_segment(), verdicts, sigs
    finally:
        os.close(fd)


def _index_in_workers(
    ix, work: Path, jobs: list, pool, progress, signatures: stories.Signatures
) -> list[tuple]:
    """A full build on every core: each worker cleans and indexes a contiguous share of the
    files into its own segment (as Whoosh's multisegment MpWriter does, without shipping the
    documents through the parent); the parent then commits the segments as the index. Returns
    the verdicts; the kept documents' signatures go into `signatures`."""
    workers = os.cpu_count() or 1
    size = -(-len(jobs) // workers)
    shares = [jobs[i : i + size] for i in range(0, len(jobs), size)]
    progress_file = work / ".progress"
    progress_file.touch()
    writer = ix.writer()
    futures = []
    try:
        futures = [
            pool.submit(_index_share, str(work), share, str(progress_file)) for share in shares
        ]
        while not all(f.done() for f in futures):
            if progress:
                progress(min(progress_file.stat().st_size, len(jobs) - 1), len(jobs))
            wait(futures, timeout=0.2, return_when=FIRST_EXCEPTION)
            if any(f.done() and f.exception() for f in futures):
                break
        segments, verdicts = [], []
        for future in futures:
            segment, share_verdicts, share_sigs = future.result()
            if segment is not None:
                segments.append(segment)
            verdicts.extend(share_verdicts)
            signatures.add_rows([v[0] for v in share_verdicts if v[1] is None], share_sigs)
        if progress:
            progress(len(jobs), len(jobs))
        # The parent's own segment is empty: close it and commit the workers' segments instead.
        writer._close_segment()
        writer._commit_toc(segments)
        writer._finish()
    except BaseException:
        for future in futures:
            future.cancel()
        writer.cancel()
        raise
    finally:
        progress_file.unlink(missing_ok=True)
    return verdicts


def _write(corpus_dir, index_dir, live, old, plan: Plan, pool, progress) -> BuildReport:
    """Write the planned changes into a new generation and make it live."""
    name = gens.next_generation(index_dir)
    work = index_dir / f"{gens.TMP_PREFIX}{name}"
    if live:
        # Whoosh never rewrites a finished file, so hard links make the copy nearly free.
        shutil.copytree(index_dir / live, work, copy_function=os.link)
        ix = whoosh_index.open_dir(str(work))
    else:
        work.mkdir()
        ix = whoosh_index.create_in(str(work), build_schema())
    report = BuildReport(generation=name, indexed=0, full=live is None)
    record = recorder(report, old, plan.states)
    jobs = clean_jobs(corpus_dir, plan)
    signatures = stories.Signatures()
    if live is None and pool is not None and len(jobs) >= PARALLEL_MIN_FILES:
        for source, skip, warning in _index_in_workers(ix, work, jobs, pool, progress, signatures):
            record(source, skip, warning)
    else:
        writer = BulkWriter(ix, limitmb=WRITER_LIMIT_MB, compound=COMPOUND)
        try:
            for source in plan.to_drop:
                writer.delete_by_term("id", doc_id(source))
            for doc in cleaned_documents(jobs, pool, record, signatures, progress):
                writer.add_document(**document_fields(doc))
            writer.commit(mergetype=CLEAR if live is None else None)
        except BaseException:
            writer.cancel()
            raise
    if pool is not None:
        # The workers are done: their memory is returned before the manifest's is taken.
        pool.shutdown()
    count = ix.doc_count()
    finish_report(report, plan, corpus_dir, count)
    table = _stories(index_dir, live, ix, set(plan.to_drop), signatures)
    if len(table.sources) != count:
        raise BuildError(f"stories hold {len(table.sources)} documents, expected {count}")
    stories.save(work, table)
    manifest = manifest_json(corpus_dir, plan.states, SCHEMA_VERSION)
    # The copy's manifest is a hard link to the live generation's: writing through it would
    # rewrite the live (and, after a rollback, the restored) generation's manifest in place.
    (work / gens.MANIFEST).unlink(missing_ok=True)
    (work / gens.MANIFEST).write_text(json.dumps(manifest), encoding="utf-8")
    gens.publish(index_dir, work, name)
    return report


def recorder(report: BuildReport, old: dict[str, FileState], states: dict[str, FileState]):
    """record(source, skip, warning): counts one cleaned file into `report` and `states`."""

    def record(source: str, skip: str | None, warning: str | None = None) -> None:
        if warning:
            report.warnings[source] = warning
        if skip is None:
            was_indexed = source in old and old[source].skip is None
            report.updated += was_indexed
            report.added += not was_indexed
        else:
            states[source].skip = skip

    return record


def clean_jobs(corpus_dir: Path, plan: Plan) -> list[tuple[str, str, frozenset[int]]]:
    """The `_clean` jobs of a plan, one per file to (re)clean."""
    return [(str(corpus_dir), s, plan.repeated) for s in plan.to_clean]


def finish_report(report: BuildReport, plan: Plan, corpus_dir: Path, count: int) -> None:
    """Fill in deleted/skipped/indexed; BuildError if nothing was indexed or `count` (what the
    written index holds) is not what the plan says it should hold."""
    states = plan.states
    report.deleted = sum(1 for s in plan.to_drop if s not in states)
    report.skipped = {s: st.skip for s, st in sorted(states.items()) if st.skip}
    report.indexed = len(states) - len(report.skipped)
    if report.indexed == 0:
        raise BuildError(f"no document could be indexed from {corpus_dir}; the live index is kept")
    if count != report.indexed:
        raise BuildError(f"index holds {count} documents, expected {report.indexed}")


def manifest_json(corpus_dir: Path, states: dict[str, FileState], schema: int) -> dict:
    """What a built index records about the corpus it was built from."""
    return {
        "version": 1,
        "schema": schema,
        "built_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "corpus": str(corpus_dir),
        "files": {s: st.as_json() for s, st in sorted(states.items())},
    }


def _stories(
    index_dir: Path, live, ix, drop: set[str], signatures: stories.Signatures
) -> stories.StoryTable:
    """The new generation's stories: the live one's with `drop` out and `signatures` in."""
    old = stories.load(index_dir / live) if live else None
    if live and old is None:
        # The live generation's stories file is missing or damaged: sign its texts again.
        signed = set(signatures.sources)
        with ix.searcher() as searcher:
            again = stories.Signatures()
            for f in searcher.all_stored_fields():
                if f["source"] not in signed:
                    again[f["source"]] = stories.signature(f.get("text", ""))
        again.add_rows(signatures.sources, signatures.rows())
        return stories.build_table(again)
    return stories.updated(old, drop, signatures)


WHOOSH_STORE = Store(_load_manifest, _write, SCHEMA_VERSION)


@dataclass
class CheckReport:
    missing: list[str]
    stale: list[str]
    extra: list[str]
    index_count: int
    manifest_count: int
    outdated: bool = False

    @property
    def ok(self) -> bool:
        return not (self.missing or self.stale or self.extra or self.outdated) and (
            self.index_count == self.manifest_count
        )


def check_index(corpus_dir: Path, index_dir: Path) -> CheckReport:
    """Compare the live index with the corpus: missing, stale and extra documents."""
    live, states, schema = _load_manifest(Path(index_dir))
    if not live:
        raise BuildError(f"no index in {index_dir}; run 'seedsearch index' first")
    index_count = whoosh_index.open_dir(str(Path(index_dir) / live)).doc_count()
    return compare(corpus_dir, states, index_count, schema != SCHEMA_VERSION)


def compare(
    corpus_dir: Path, states: dict[str, FileState], index_count: int, outdated: bool
) -> CheckReport:
    """The live index's manifest `states` (and the `index_count` it holds) against the corpus."""
    on_disk = scan_corpus(Path(corpus_dir))
    missing, stale = [], []
    for source, st in sorted(on_disk.items()):
        known = states.get(source)
        if known is None:
            missing.append(source)
        elif (known.size, known.mtime_ns) != st:
            _, sha1, _ = _fingerprint((str(Path(corpus_dir) / source), source))
            if sha1 != known.sha1:
                stale.append(source)
    extra = sorted(set(states) - set(on_disk))
    indexed = sum(1 for st in states.values() if st.skip is None)
    return CheckReport(missing, stale, extra, index_count, indexed, outdated=outdated)
