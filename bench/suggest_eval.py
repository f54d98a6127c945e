"""Did-you-mean benchmark on the Reuters-21578 stories: right corrections, and no noise.

Run on demand: `python bench/suggest_eval.py [--work DIR] [--json FILE]`.
The 19,043 stories (`../shared/data/reuters21578`) are written one `.txt` file each and go
through the real cleaner and indexer (kept in `--work`, default bench/out/suggest, and reused);
every query goes through `search()` with the default request, as a user would send it.

(a) misspelled: real misspellings from bench/data/misspellings.txt (Wikipedia's list of common
    misspellings, CC BY-SA) whose correct word occurs in the stories, the first 200 in file
    order; each sits in a query with one or two words that stand beside the correct word in a
    story. Right when the suggestion is the query with exactly that word corrected.
(b) correct: the 200 benchmark queries of `queries.txt`. Wrong when anything is suggested.
Targets: (a) >= 80% right, (b) <= 2% with a suggestion. Also: search time with suggestions.
"""

from __future__ import annotations

import argparse
import gzip
import json
import random
import re
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from shared_data import SharedDataMissing, shared_path  # noqa: E402

from indexer import suggest as suggest_module  # noqa: E402
from indexer.analysis import STOPWORDS  # noqa: E402
from indexer.backends.whoosh import WhooshBackend  # noqa: E402
from indexer.config import SearchConfig  # noqa: E402
from indexer.search import SearchRequest  # noqa: E402

PAIRS = ROOT / "bench" / "data" / "misspellings.txt"
SET_SIZE = 200
TARGET_RIGHT, TARGET_NOISE = 0.80, 0.02
_TOKEN = re.compile(r"[a-z]+")


def write_corpus(stories: list[dict], folder: Path) -> None:
    marker = folder / f".complete-{len(stories)}"
    if marker.exists():
        return
    folder.mkdir(parents=True, exist_ok=True)
    for story in stories:
        text = f"{story['title']}\n\n{story['body']}\n"
        (folder / f"{story['id']}.txt").write_text(text, encoding="utf-8")
    marker.touch()


def read_pairs() -> list[tuple[str, str]]:
    lines = PAIRS.read_text(encoding="utf-8").splitlines()
    return [tuple(line.split("->")) for line in lines if line and not line.startswith("#")]


def misspelled_queries(stories: list[dict], reader) -> list[tuple[str, str]]:
    """(query with the misspelling, the query corrected), SET_SIZE of them, reproducibly."""
    rng = random.Random(10)
    pairs = [(w, r) for w, r in read_pairs() if reader.doc_frequency("body_exact", r)]
    needed = {r for _, r in pairs}
    tokens = [_TOKEN.findall(f"{s['title']} {s['body']}".lower()) for s in stories]
    places: dict[str, list[tuple[int, int]]] = {}
    for i, toks in enumerate(tokens):
        for j, t in enumerate(toks):
            if t in needed:
                places.setdefault(t, []).append((i, j))
    out = []
    for wrong, right in pairs:
        if right not in places:  # indexed, but only inside a longer token ("u.s")
            continue
        i, j = rng.choice(places[right])
        toks = tokens[i]
        # The nearest content words before and after it in the story, one or two of them.
        near = [
            k
            for k in range(max(0, j - 6), min(len(toks), j + 7))
            if k != j and toks[k] not in STOPWORDS and len(toks[k]) > 2
        ]
        near.sort(key=lambda k: abs(k - j))
        context = sorted(near[: rng.choice((1, 2))] + [j])
        query = " ".join(wrong if k == j else toks[k] for k in context)
        out.append((query, " ".join(toks[k] for k in context)))
        if len(out) == SET_SIZE:
            break
    return out


def run(backend, queries: list[str], limits: SearchConfig):
    """Each query's suggestion (or None) and its search time in ms."""
    suggestions, times = [], []
    for q in queries:
        started = time.perf_counter()
        response = backend.search(SearchRequest(q), limits)
        times.append((time.perf_counter() - started) * 1000)
        suggestions.append(response.suggestion)
    return suggestions, times


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--work", type=Path, default=ROOT / "bench" / "out" / "suggest")
    parser.add_argument("--json", type=Path, help="Also write the figures here.")
    parser.add_argument("--show", action="store_true", help="Print every miss.")
    parser.add_argument(
        "--set",
        action="append",
        default=[],
        metavar="NAME=VALUE",
        help="Try another value of an indexer/suggest.py threshold (e.g. MORE_POPULAR=10).",
    )
    args = parser.parse_args()
    for assignment in args.set:
        name, value = assignment.split("=", 1)
        if not hasattr(suggest_module, name):
            sys.exit(f"suggest_eval: indexer/suggest.py has no {name}")
        setattr(suggest_module, name, type(getattr(suggest_module, name))(value))
    try:
        data = shared_path("reuters21578")
    except SharedDataMissing as missing:
        sys.exit(f"suggest_eval: {missing}")
    with gzip.open(data / "reuters21578.jsonl.gz", "rt", encoding="utf-8") as handle:
        stories = [json.loads(line) for line in handle]
    write_corpus(stories, args.work / "corpus")
    backend = WhooshBackend(args.work / "index")
    backend.build(args.work / "corpus")
    limits = SearchConfig()
    # The misspellings are made from the index's own vocabulary (a Whoosh reader).
    wrong = misspelled_queries(stories, backend.live.searcher().reader())
    correct = [q for q in (data / "queries.txt").read_text().splitlines() if q.strip()]
    correct = correct[:SET_SIZE]
    run(backend, [q for q, _ in wrong[:20]], limits)  # warm the caches
    got_a, times_a = run(backend, [q for q, _ in wrong], limits)
    got_b, times_b = run(backend, correct, limits)
    right = sum(
        g is not None and g.lower() == want for g, (_, want) in zip(got_a, wrong, strict=True)
    )
    noise = sum(g is not None for g in got_b)
    figures = {
        "misspelled": len(wrong),
        "right": right,
        "right_share": right / len(wrong),
        "correct": len(correct),
        "with_suggestion": noise,
        "noise_share": noise / len(correct),
        "ms_p50_misspelled": statistics.median(times_a),
        "ms_max_misspelled": max(times_a),
        "ms_p50_correct": statistics.median(times_b),
    }
    if args.show:
        for g, (q, want) in zip(got_a, wrong, strict=True):
            if g is None or g.lower() != want:
                print(f"(a) {q!r}: got {g!r}, want {want!r}")
        for g, q in zip(got_b, correct, strict=True):
            if g is not None:
                print(f"(b) {q!r}: got {g!r}")
    print("| set | queries | measure | target | result |")
    print("| --- | --- | --- | --- | --- |")
    print(
        f"| (a) misspelled | {len(wrong)} | right correction | >= {TARGET_RIGHT:.0%} "
        f"| {right} ({figures['right_share']:.1%}) |"
    )
    print(
        f"| (b) correct | {len(correct)} | any suggestion | <= {TARGET_NOISE:.0%} "
        f"| {noise} ({figures['noise_share']:.1%}) |"
    )
    print(
        f"search with suggestions, ms: (a) p50 {figures['ms_p50_misspelled']:.2f}, "
        f"max {figures['ms_max_misspelled']:.1f}; (b) p50 {figures['ms_p50_correct']:.2f}"
    )
    if args.json:
        args.json.parent.mkdir(parents=True, exist_ok=True)
        args.json.write_text(json.dumps(figures, indent=2))


if __name__ == "__main__":
    main()
