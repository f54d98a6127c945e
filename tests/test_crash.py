"""Re-indexing cannot hurt the live service: builds killed at random moments, locks, rollback.

Everything runs as a user runs it: `seedsearch serve` and `seedsearch index` are real
subprocesses, the client speaks HTTP to 127.0.0.1. Replay a failing run of the crash trials
with SEEDSEARCH_CRASH_SEED=<the printed seed>.
"""

from __future__ import annotations

import random
import shutil
import signal
import subprocess
import time
import urllib.parse

import pytest
from hardening_support import (
    SEED_QUERIES,
    Hammer,
    Server,
    alive,
    article,
    children_of,
    env_seed,
    get_json,
    make_corpus,
    run_cli,
    seedsearch_command,
    tree_snapshot,
    write_config,
)

from indexer import generations as gens
from indexer.config import SearchConfig

TRIALS = 20
MAX_WINDOW = 4.0  # seconds
GENERATED = 200


def letters(n: int) -> str:
    """A number spelled in letters, so a marker word survives tokenizing and stemming."""
    return "".join("abcdefghij"[int(d)] for d in str(n))


def mutate(corpus, rng: random.Random, trial: int) -> str:
    """Add, change, touch and delete a few generated files; return this trial's marker word."""
    marker = f"zorbquux{letters(trial)}"
    generated = sorted(p for p in corpus.iterdir() if p.name.startswith("gen_"))
    for path in rng.sample(generated, 3):
        path.write_text(article(rng, f"Changed report {trial}"), encoding="utf-8")
    for path in rng.sample(generated, 2):
        path.unlink(missing_ok=True)
    victim = rng.choice(generated)
    if victim.exists():
        victim.touch()
    for i in range(3):
        text = article(rng, f"New report {trial}.{i}", extra=f"The {marker} delegation arrived.")
        (corpus / f"new_{trial:03d}_{i}.txt").write_text(text, encoding="utf-8")
    return marker


def timed_index(config, *args: str) -> float:
    started = time.monotonic()
    result = run_cli(config, "index", "--quiet", *args)
    assert result.returncode == 0, result.stderr
    return time.monotonic() - started


def search_total(server: Server, q: str) -> int:
    status, body = get_json(server.url + "/api/search?" + urllib.parse.urlencode({"q": q}))
    assert status == 200, body
    return body["total"]


@pytest.mark.slow
def test_builds_killed_at_random_moments_never_hurt_the_live_service(tmp_path):
    seed = env_seed("SEEDSEARCH_CRASH_SEED")
    print(f"crash trials: SEEDSEARCH_CRASH_SEED={seed}")
    rng = random.Random(seed)
    corpus = make_corpus(tmp_path / "corpus", rng, GENERATED)
    index = tmp_path / "index"
    config = write_config(tmp_path, corpus, index)
    assert run_cli(config, "index", "--quiet").returncode == 0
    outcomes = {"killed": 0, "finished": 0}
    with Server(config) as server:
        first = server.health()["generation"]
        # Two clients, so requests overlap and several server threads cross each switch.
        hammers = [Hammer(server.url, SEED_QUERIES[i:] + SEED_QUERIES[:i]) for i in (0, 3)]
        for hammer in hammers:
            hammer.start()
        try:
            # How long a build takes under this load (CLI start-up included) sets the window
            # to kill it in; these two builds also switch generations under the hammer.
            typical = {True: timed_index(config, "--full")}
            mutate(corpus, rng, TRIALS + 1)
            typical[False] = timed_index(config)
            print(f"typical build: full {typical[True]:.2f}s, incremental {typical[False]:.2f}s")
            for trial in range(TRIALS):
                marker = mutate(corpus, rng, trial)
                full = trial % 2 == 1
                # Every fifth build may finish, so generations also change during the trials;
                # the others die anywhere from start-up to the final rename.
                spare = trial % 5 == 4
                # The window is capped so a slow machine keeps this test's time bounded.
                window = min(typical[full], MAX_WINDOW)
                delay = typical[full] * 3.0 if spare else window * rng.uniform(0.2, 1.2)
                args = ["--config", str(config), "index", "--quiet", *(["--full"] if full else [])]
                started = time.monotonic()
                build = subprocess.Popen(
                    [*seedsearch_command(), *args],
                    stdout=subprocess.DEVNULL,
                    stderr=subprocess.PIPE,
                    text=True,
                )
                try:
                    build.wait(delay)
                except subprocess.TimeoutExpired:
                    build.send_signal(signal.SIGKILL)
                _, err = build.communicate(timeout=60)
                if build.returncode == -signal.SIGKILL:
                    outcomes["killed"] += 1
                else:
                    assert build.returncode == 0, f"trial {trial}: build failed: {err}"
                    outcomes["finished"] += 1
                    # The first timing may have met a busy moment: a build that finished
                    # faster narrows the window, so most of the rest are still killed.
                    typical[full] = min(typical[full], time.monotonic() - started)
            # After all that, one plain build must just work: no stale lock or tmp folder.
            result = run_cli(config, "index", "--json")
            assert result.returncode == 0, result.stderr
            check = run_cli(config, "index", "--check")
            assert check.returncode == 0, check.stdout + check.stderr
            live = gens.read_pointer(index)
            assert server.wait_for_generation(live), (live, server.health())
            assert search_total(server, marker) > 0  # the last trial's new words are findable
        finally:
            for hammer in hammers:
                hammer.stop.set()
                hammer.join(30)
        # Each client saw old and new generations in order, never anything else.
        for hammer in hammers:
            numbers = [gens.generation_number(g) for g in hammer.generations]
            assert numbers == sorted(numbers), "a reader went back to an older generation"

    print(
        f"trials: {TRIALS} ({outcomes}); requests during them: "
        f"{sum(h.requests for h in hammers)}, statuses {[h.statuses for h in hammers]}; "
        f"generations served {first} -> {live}"
    )
    for hammer in hammers:
        assert not hammer.failures, hammer.failures[:5]
        assert hammer.requests > TRIALS and set(hammer.statuses) == {200}
    assert outcomes["killed"] >= TRIALS // 3, outcomes
    seen = {g for hammer in hammers for g in hammer.generations}
    assert len(seen) >= 3, "generations must change while being queried"
    leftovers = [p.name for p in index.iterdir() if p.name.startswith(gens.TMP_PREFIX)]
    assert not leftovers


def test_second_build_is_refused_with_a_clear_message(tmp_path, corpus):
    config = write_config(tmp_path, corpus, tmp_path / "index")
    with gens.build_lock(tmp_path / "index"):
        result = run_cli(config, "index")
    assert result.returncode != 0
    assert "another 'seedsearch index' is running" in result.stderr
    assert "Traceback" not in result.stderr
    # Once the lock is free the same command works.
    assert run_cli(config, "index", "--quiet").returncode == 0


@pytest.mark.slow
def test_two_real_builds_at_once(tmp_path):
    """Two `seedsearch index --full` started together: one builds, the other says why not."""
    rng = random.Random(7)
    # Big enough that the first build is still running when the second reaches the lock.
    corpus = make_corpus(tmp_path / "corpus", rng, 3 * GENERATED)
    config = write_config(tmp_path, corpus, tmp_path / "index")
    command = [*seedsearch_command(), "--config", str(config), "index", "--full", "--quiet"]
    first = subprocess.Popen(command, stderr=subprocess.PIPE, text=True)
    # Wait until the first one holds the lock (its lock file appears once it has it).
    deadline = time.monotonic() + 30
    while not (tmp_path / "index" / gens.LOCK).exists() and time.monotonic() < deadline:
        time.sleep(0.01)
    second = subprocess.run(command, capture_output=True, text=True, timeout=120)
    _, first_err = first.communicate(timeout=120)
    if first.returncode == second.returncode == 0:
        pytest.skip("the first build finished before the second started; machine too fast")
    # Exactly one built; the other refused with one clear line (normally the second).
    (refused_err,) = [
        e for code, e in ((first.returncode, first_err), (second.returncode, second.stderr)) if code
    ]
    assert sorted([first.returncode, second.returncode]) == [0, 1]
    assert "another 'seedsearch index' is running" in refused_err
    assert "Traceback" not in refused_err


@pytest.mark.slow
def test_rollback_is_followed_and_the_server_writes_nothing(tmp_path, corpus):
    index = tmp_path / "index"
    config = write_config(tmp_path, corpus, index)
    assert run_cli(config, "index", "--quiet").returncode == 0
    first = gens.read_pointer(index)
    rng = random.Random(3)
    text = article(rng, "Rollback marker", extra="The quuxblatt summit ended early.")
    (corpus / "added.txt").write_text(text, encoding="utf-8")
    assert run_cli(config, "index", "--quiet").returncode == 0
    second = gens.read_pointer(index)
    assert second != first
    corpus_before = tree_snapshot(corpus)

    with Server(config) as server:
        assert server.health()["generation"] == second
        assert search_total(server, "quuxblatt") == 1
        index_before = tree_snapshot(index, content=False)
        # Many requests of every kind: none may leave a file behind in the index folder.
        for i, q in enumerate(SEED_QUERIES * 8):
            status, _ = get_json(f"{server.url}/api/search?q={urllib.parse.quote(q)}&page=1")
            assert status == 200
            if i % 10 == 0:
                get_json(server.url + "/healthz")
        assert tree_snapshot(index, content=False) == index_before

        result = run_cli(config, "index", "--rollback")
        assert result.returncode == 0, result.stderr
        assert first in result.stdout
        assert server.wait_for_generation(first)
        assert search_total(server, "quuxblatt") == 0
        # Rolling back again returns to the newer generation, and the server follows again.
        assert run_cli(config, "index", "--rollback").returncode == 0
        assert server.wait_for_generation(second)
        assert search_total(server, "quuxblatt") == 1

    assert tree_snapshot(corpus) == corpus_before, "the corpus must never be modified"


@pytest.mark.slow
def test_killed_parallel_build_leaves_no_workers_and_no_lock(tmp_path):
    """Big enough for the process pool: killing the build must not orphan workers holding the
    lock (they would refuse every later build with 'another seedsearch index is running')."""
    from indexer.build import POOL_MIN_FILES

    rng = random.Random(11)
    corpus = make_corpus(tmp_path / "corpus", rng, POOL_MIN_FILES + 50)
    index = tmp_path / "index"
    config = write_config(tmp_path, corpus, index)
    command = [*seedsearch_command(), "--config", str(config), "index", "--full", "--quiet"]
    # No pipes: an orphaned worker would hold them open and hang the test, not fail it.
    build = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    workers: list[int] = []
    deadline = time.monotonic() + 60
    while not workers and build.poll() is None and time.monotonic() < deadline:
        workers = children_of(build.pid)
        time.sleep(0.02)
    if not workers:
        build.wait(60)
        pytest.skip("the build used no worker processes (single core?)")
    time.sleep(0.3)
    build.kill()
    build.wait(30)
    try:
        deadline = time.monotonic() + 5
        while any(alive(pid) for pid in workers) and time.monotonic() < deadline:
            time.sleep(0.05)
        orphans = [pid for pid in workers if alive(pid)]
        result = run_cli(config, "index", "--quiet")
    finally:
        for pid in workers:
            if alive(pid):
                subprocess.run(["kill", "-9", str(pid)], check=False)
    assert not orphans, f"pool workers outlived the killed build: {orphans}"
    assert result.returncode == 0, result.stderr
    assert run_cli(config, "index", "--check").returncode == 0
    shutil.rmtree(index)


def _die_at(step: str, corpus, index) -> None:
    """Run a build in this (forked) process and die like SIGKILL at `step`: no cleanup runs."""
    import os

    from indexer import build

    def die(*_args, **_kwargs):
        os._exit(137)

    def after(fn, calls: int = 1):
        seen = []

        def wrapped(*args, **kwargs):
            result = fn(*args, **kwargs)
            seen.append(1)
            if len(seen) >= calls:
                die()
            return result

        return wrapped

    def before(fn, calls: int):
        seen = []

        def wrapped(*args, **kwargs):
            seen.append(1)
            if len(seen) >= calls:
                die()
            return fn(*args, **kwargs)

        return wrapped

    if step == "while cleaning":
        build.document_fields = before(build.document_fields, 1)
    elif step == "after the writer commits":
        build.gens.publish = die
    elif step == "after fsync, before the rename":
        build.gens.fsync_tree = after(build.gens.fsync_tree)
    elif step == "after the rename, before the pointers":
        build.gens.write_atomic = before(build.gens.write_atomic, 1)
    elif step == "between the two pointer writes":
        build.gens.write_atomic = before(build.gens.write_atomic, 2)
    elif step == "after the pointers, before the sweep":
        build.gens.write_atomic = after(build.gens.write_atomic, 2)
    build.build_index(corpus, index)
    os._exit(0)


DEATHS = [
    "while cleaning",
    "after the writer commits",
    "after fsync, before the rename",
    "after the rename, before the pointers",
    "between the two pointer writes",
    "after the pointers, before the sweep",
]


@pytest.mark.slow
@pytest.mark.parametrize("step", DEATHS)
def test_death_at_every_step_of_a_build(tmp_path, corpus, step):
    """A build dying at each step of writing and publishing leaves a servable index, a working
    rollback, and lets the next build succeed without clean-up."""
    import multiprocessing

    from indexer.build import build_index, check_index
    from indexer.live import LiveIndex
    from indexer.search import parse_request, search

    index = tmp_path / "index"
    build_index(corpus, index)
    rng = random.Random(1)
    (corpus / "one.txt").write_text(article(rng, "One", extra="The glorbix plan."), "utf-8")
    build_index(corpus, index)
    before = gens.read_pointer(index)
    (corpus / "two.txt").write_text(article(rng, "Two", extra="The glorbix vote."), "utf-8")

    child = multiprocessing.get_context("fork").Process(target=_die_at, args=(step, corpus, index))
    child.start()
    child.join(60)
    assert child.exitcode == 137, f"the build did not reach {step!r}"

    live = gens.read_pointer(index)
    assert live is not None and gens.generation_number(live) >= gens.generation_number(before)
    config = SearchConfig()
    searcher = LiveIndex(index).searcher()
    assert search(searcher, parse_request({"q": "glorbix"}, config), config).total >= 1
    assert search(searcher, parse_request({"q": "korea"}, config), config).total >= 1
    # Rollback still goes to another, working generation (never a silent no-op).
    previous = gens.read_pointer(index, gens.PREVIOUS)
    assert previous != live, f"PREVIOUS names the live generation after dying {step}"
    assert gens.rollback(index) == previous
    rolled = LiveIndex(index).searcher()
    assert search(rolled, parse_request({"q": "korea"}, config), config).total >= 1
    gens.rollback(index)
    assert gens.read_pointer(index) == live
    # The next build needs no clean-up, and leaves nothing behind.
    report = build_index(corpus, index)
    assert report.indexed == len(list(corpus.iterdir()))
    assert check_index(corpus, index).ok
    assert not [p for p in index.iterdir() if p.name.startswith(gens.TMP_PREFIX)]


def test_build_after_rollback_indexes_what_the_restored_generation_lacks(tmp_path, corpus):
    """Each generation keeps its own manifest: a build must never rewrite the live one's
    through the hard-linked copy, or after a rollback the next build believes the restored
    generation already holds the newer files (and --check fails)."""
    from indexer.build import build_index, check_index

    index = tmp_path / "index"
    build_index(corpus, index)
    first_manifest = (index / gens.read_pointer(index) / gens.MANIFEST).read_bytes()
    (corpus / "new.txt").write_text(
        article(random.Random(2), "New", extra="The glorbix vote."), "utf-8"
    )
    build_index(corpus, index)
    gens.rollback(index)
    assert (index / gens.read_pointer(index) / gens.MANIFEST).read_bytes() == first_manifest
    report = build_index(corpus, index)
    assert report.added == 1
    assert check_index(corpus, index).ok
