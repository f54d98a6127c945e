"""Grouping precision and recall of `story` ids, on copies of real Reuters stories.

The set: ORIGINALS Reuters-21578 stories (150+ words) as text files, and COPIES re-published
copies of each, every copy wrapped in another real site's chrome (the short header and footer
lines of a wcxb-dev text dump; each site carries several stories, as a site carries the wire)
and changed one way: a paragraph dropped, the headline rewritten, or both. Beside them,
DISTINCT other Reuters stories on the same topics (each sharing most title words with an
original), which must stay stories of their own. The files go through the real build
(`build_index`: cleaner, signatures, LSH); the signatures it stored are then regrouped at each
threshold, so every row of the table sees the same signatures.

Truth: an original and its copies are one story; every other pair is two. Pairwise precision
(pairs grouped together that are one story) and recall (pairs of one story grouped together).
Reuters itself re-issued some stories (corrections, repeats): a re-issue (same headline words
or same 20-word lead) is never picked as a distinct story, but two originals may still be one
story, so precision is a lower bound; `--false` lists the false pairs.

    .venv/bin/python bench/story_eval.py [--originals 400] [--false T]
"""

from __future__ import annotations

import argparse
import gzip
import json
import random
import re
import sys
import tempfile
import time
from collections import defaultdict
from itertools import combinations
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from shared_data import shared_path  # noqa: E402

from indexer import generations as gens  # noqa: E402
from indexer import stories  # noqa: E402
from indexer.build import build_index  # noqa: E402

SEED = 13
COPIES = 3
SITES = 40
THRESHOLDS = (0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9)
_CHROME_LINES = 40
_CHROME_WORDS = 12
_WORD = re.compile(r"[a-z]+")


def load_reuters() -> list[dict]:
    path = shared_path("reuters21578", "reuters21578.jsonl.gz")
    with gzip.open(path, "rt", encoding="utf-8") as handle:
        return [json.loads(line) for line in handle]


def site_chrome() -> list[tuple[list[str], list[str]]]:
    """(header, footer) short lines of SITES real text dumps from wcxb-dev."""
    folder = shared_path("wcxb-dev", "text")
    dumps = sorted(folder.glob("*.txt"))
    random.Random(SEED).shuffle(dumps)
    out = []
    for dump in dumps[:SITES]:
        lines = [x.strip() for x in dump.read_text(encoding="utf-8").splitlines() if x.strip()]
        short = [x for x in lines if len(x.split()) <= _CHROME_WORDS]
        out.append((short[:_CHROME_LINES], short[-_CHROME_LINES:]))
    return out


def paragraphs(story: dict) -> list[str]:
    return [" ".join(p.split()) for p in story["body"].split("\n    ") if p.strip()]


def page(title: str, paras: list[str], chrome: tuple[list[str], list[str]] | None) -> str:
    head, foot = chrome or ([], [])
    return "\n\n".join([*head, title, *paras, *foot]) + "\n"


def rewritten_headline(story: dict) -> str:
    """A new headline from the lead: the first words of the first sentence, in title case."""
    lead = paragraphs(story)[0].split()
    return " ".join(lead[:9]).rstrip(",.;").title()


def copy_of(story: dict, kind: str, rng: random.Random) -> tuple[str, list[str]]:
    title, paras = story["title"], paragraphs(story)
    if kind in ("drop", "both") and len(paras) > 2:
        paras = paras[:]
        del paras[rng.randrange(1, len(paras))]
    if kind in ("headline", "both"):
        title = rewritten_headline(story)
    return title, paras


def title_words(story: dict) -> frozenset[str]:
    return frozenset(w for w in _WORD.findall(story["title"].lower()) if len(w) > 3)


def reissue(a: dict, b: dict) -> bool:
    """Reuters' own repeat of a story (a correction, a re-send): same headline words or lead."""
    lead = " ".join(a["body"].split()[:20]) == " ".join(b["body"].split()[:20])
    return lead or _WORD.findall(a["title"].lower()) == _WORD.findall(b["title"].lower())


def build_set(n_originals: int, folder: Path) -> dict[str, str]:
    """Write the set's files into `folder`; returns the true story of each file name."""
    rng = random.Random(SEED)
    all_stories = load_reuters()
    long = [s for s in all_stories if len(s["body"].split()) >= 150 and s["title"].strip()]
    rng.shuffle(long)
    originals = long[:n_originals]
    chosen = {s["id"] for s in originals}
    by_word = defaultdict(list)
    for s in all_stories:
        if s["id"] not in chosen and s["body"].strip():
            for w in title_words(s):
                by_word[w].append(s)
    chrome = site_chrome()
    truth: dict[str, str] = {}
    kinds = ("drop", "headline", "both")
    for story in originals:
        name = f"r{story['id']}.txt"
        (folder / name).write_text(page(story["title"], paragraphs(story), None), "utf-8")
        truth[name] = story["id"]
        for k in range(COPIES):
            title, paras = copy_of(story, kinds[k % len(kinds)], rng)
            name = f"site{rng.randrange(SITES):02d}_{story['id']}_{k}.txt"
            (folder / name).write_text(page(title, paras, chrome[int(name[4:6])]), "utf-8")
            truth[name] = story["id"]
        # A distinct story on the same topic: most title words shared, not the same story.
        words = title_words(story)
        near = [s for w in sorted(words) for s in by_word[w]]  # sorted: str hashes vary by run
        near = [
            s
            for s in near
            if len(title_words(s) & words) >= max(1, len(words) // 2) and not reissue(s, story)
        ]
        if near:
            other = rng.choice(near)
            name = f"r{other['id']}.txt"
            if name not in truth:
                (folder / name).write_text(page(other["title"], paragraphs(other), None), "utf-8")
                truth[name] = other["id"]
    return truth


def pairs(groups: dict[str, str]) -> set[tuple[str, str]]:
    members = defaultdict(list)
    for name, group in groups.items():
        members[group].append(name)
    return {pair for names in members.values() for pair in combinations(sorted(names), 2)}


def scores(predicted: dict[str, str], truth: dict[str, str]) -> tuple[float, float, int, int]:
    got, want = pairs(predicted), pairs(truth)
    right = len(got & want)
    precision = right / len(got) if got else 1.0
    recall = right / len(want) if want else 1.0
    return precision, recall, len(got - want), len(want - got)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--originals", type=int, default=400)
    parser.add_argument("--false", type=float, metavar="T", help="list false pairs at T")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        corpus, index = Path(tmp, "corpus"), Path(tmp, "index")
        corpus.mkdir()
        truth = build_set(args.originals, corpus)
        started = time.perf_counter()
        build_index(corpus, index)
        built = time.perf_counter() - started
        table = stories.load(index / gens.read_pointer(index))
    assert table is not None and set(table.sources) <= set(truth)
    truth = {s: truth[s] for s in table.sources}  # a file the cleaner skipped is not scored
    n_stories = len(set(truth.values()))
    print(
        f"{len(truth)} documents, {n_stories} true stories ({args.originals} with "
        f"{COPIES} copies each); build {built:.1f} s\n"
    )
    print("| threshold | precision | recall | F1 | false pairs | missed pairs | group s |")
    print("| --- | --- | --- | --- | --- | --- | --- |")
    for threshold in THRESHOLDS:
        started = time.perf_counter()
        built_table = stories.build_table(
            dict(zip(table.sources, table.signatures, strict=True)), threshold
        )
        seconds = time.perf_counter() - started
        predicted = built_table.story_of()
        p, r, fp, fn = scores(predicted, truth)
        f1 = 2 * p * r / (p + r) if p + r else 0.0
        mark = " (default)" if threshold == stories.THRESHOLD else ""
        print(f"| {threshold}{mark} | {p:.3f} | {r:.3f} | {f1:.3f} | {fp} | {fn} | {seconds:.2f} |")
    p, r, fp, fn = scores(table.story_of(), truth)
    print(f"\nas built (THRESHOLD {stories.THRESHOLD}): precision {p:.3f}, recall {r:.3f}")
    if args.false is not None:
        sigs = dict(zip(table.sources, table.signatures, strict=True))
        got = pairs(stories.build_table(sigs, args.false).story_of())
        want = pairs(truth)
        for a, b in sorted(got - want):
            print(f"  false: {a} ~ {b}")
        for a, b in sorted(want - got)[:40]:
            print(f"  missed: {a} ~ {b}")


if __name__ == "__main__":
    main()
