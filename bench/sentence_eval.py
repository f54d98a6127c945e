"""Sentence boundaries for snippets (issue 10, point 5): the splitter against two others.

    python bench/sentence_eval.py                # seeds, both page sets, 3,000 Reuters stories
    python bench/sentence_eval.py --reuters 0    # every Reuters story (19,043)
    python bench/sentence_eval.py --show 30      # also print disagreements to check by hand

No set has gold sentence boundaries, so each splitter is compared with NLTK's Punkt trained,
unsupervised, on the set's own cleaned text (Kiss & Strunk 2006; no data files), and with
what needs no gold: a sentence that starts with a lowercase letter, a digit or after a month
or title abbreviation ("Nov." + "25") was cut in the middle. Only boundaries inside a
paragraph count: at line breaks every splitter agrees. Texts are the cleaner's output, what
the index stores and snippets are cut from.
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
from collections.abc import Callable
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(HERE))

from clean_eval import load_aed, load_wcxb  # noqa: E402
from nltk.tokenize.punkt import PunktSentenceTokenizer, PunktTrainer  # noqa: E402
from shared_data import SharedDataMissing, shared_path  # noqa: E402

from indexer.clean import Skip, clean_bytes  # noqa: E402
from indexer.sentences import sentence_spans  # noqa: E402

Spans = list[tuple[int, int]]

# The splitter before issue 10: . ! ? (and closing quotes) before whitespace, or a line break.
_BEFORE = re.compile(r"[.!?\n](?:(?<=[.!?])[\"'”’)\]]*\s+|(?<=\n)\n*)")
# Mid-sentence for certain: a month or title abbreviation is never a sentence's last word
# before a number or a name-like capitalised word ("Nov. 25", "Mr. Han").
_NEVER_LAST = re.compile(
    r"(?:^|\s)(?:Jan|Feb|Aug|Sept?|Oct|Nov|Dec|Mr|Mrs|Ms|Dr|Gen|Sen|Rep|Gov|Prof)\.$"
)


def regex_before(text: str) -> Spans:
    result, start = [], 0
    for m in _BEFORE.finditer(text):
        end = m.start() + (text[m.start()] != "\n")
        if end > start:
            result.append((start, end))
        start = m.end()
    if start < len(text):
        result.append((start, len(text.rstrip())))
    return [(s, e) for s, e in result if e > s]


def punkt_for(texts: list[str]) -> Callable[[str], Spans]:
    """Punkt trained on the set itself, run paragraph by paragraph like the others."""
    trainer = PunktTrainer()
    trainer.INCLUDE_ALL_COLLOCS = True
    trainer.train("\n".join(texts), finalize=True)
    tokenizer = PunktSentenceTokenizer(trainer.get_params())

    def split(text: str) -> Spans:
        out, offset = [], 0
        for line in text.split("\n"):
            out += [(offset + s, offset + e) for s, e in tokenizer.span_tokenize(line)]
            offset += len(line) + 1
        return out

    return split


def inner_ends(text: str, spans: Spans) -> set[int]:
    """Ends of sentences followed by another in the same paragraph."""
    return {e for (_, e), (s2, _) in zip(spans, spans[1:], strict=False) if "\n" not in text[e:s2]}


def cut_wrongly(text: str, spans: Spans) -> int:
    """Sentences inside a paragraph that start in lowercase or a digit, or follow "Nov."-like."""
    bad = 0
    for (s, e), (s2, _) in zip(spans, spans[1:], strict=False):
        if "\n" in text[e:s2]:
            continue
        head = text[s2 : s2 + 1]
        bad += head.islower() or head.isdigit() or _NEVER_LAST.search(text[s:e]) is not None
    return bad


def load_sets(args) -> dict[str, list[str]]:
    sets = {"seeds": [_clean(p.read_bytes(), p.name) for p in sorted((ROOT / "seeds").iterdir())]}
    try:
        sets["article-extraction-dev"] = [_clean(p.html, p.id + ".html") for p in load_aed(None)]
        sets["wcxb-dev"] = [_clean(p.html, p.id + ".html") for p in load_wcxb(args.wcxb or None)]
        path = shared_path("reuters21578", "reuters21578.jsonl.gz")
    except SharedDataMissing as missing:
        print(f"note: {missing}; seeds only", file=sys.stderr)
        return sets
    with gzip.open(path, "rt", encoding="utf-8") as handle:
        stories = [json.loads(line) for line in handle]
    if args.reuters:
        stories = stories[: args.reuters]
    sets["reuters21578"] = [
        _clean(f"{s['title']}\n\n{s['body']}\n".encode(), s["id"] + ".txt") for s in stories
    ]
    return {name: [t for t in texts if t] for name, texts in sets.items()}


def _clean(data: bytes, name: str) -> str:
    try:
        return clean_bytes(data, name).text
    except Skip:
        return ""


def timed(split: Callable[[str], Spans], texts: list[str]) -> tuple[list[Spans], float]:
    """Spans of every text and the median of 3 runs' µs per text."""
    runs = []
    for _ in range(3):
        t = time.perf_counter()
        out = [split(x) for x in texts]
        runs.append((time.perf_counter() - t) / len(texts) * 1e6)
    return out, statistics.median(runs)


def evaluate(name: str, texts: list[str], show: int) -> list[str]:
    punkt = punkt_for(texts)
    ref, ref_us = timed(punkt, texts)
    rows = []
    for label, split in (("regex (before)", regex_before), ("rules (now)", sentence_spans)):
        got, us = timed(split, texts)
        agree = found = wanted = wrong = 0
        for text, mine, theirs in zip(texts, got, ref, strict=False):
            a, b = inner_ends(text, mine), inner_ends(text, theirs)
            agree += len(a & b)
            found += len(a)
            wanted += len(b)
            wrong += cut_wrongly(text, mine)
        rows.append(
            f"| {name} | {label} | {found} | {agree / max(found, 1):.3f} | "
            f"{agree / max(wanted, 1):.3f} | {wrong} | {us:.1f} |"
        )
        if show and label.startswith("rules"):
            _show(name, texts, got, ref, show)
    wrong = sum(cut_wrongly(t, s) for t, s in zip(texts, ref, strict=False))
    found = sum(len(inner_ends(t, s)) for t, s in zip(texts, ref, strict=False))
    rows.append(f"| {name} | Punkt trained on the set | {found} | 1 | 1 | {wrong} | {ref_us:.1f} |")
    return rows


def _show(name: str, texts: list[str], got: list[Spans], ref: list[Spans], n: int) -> None:
    diffs = []
    for text, mine, theirs in zip(texts, got, ref, strict=False):
        a, b = inner_ends(text, mine), inner_ends(text, theirs)
        diffs += [("rules only", text, e) for e in a - b] + [("Punkt only", text, e) for e in b - a]
    random.Random(0).shuffle(diffs)
    print(f"\n{name}: {len(diffs)} disagreements, {min(n, len(diffs))} shown", file=sys.stderr)
    for who, text, e in diffs[:n]:
        print(f"  {who}: …{text[max(0, e - 60) : e]} ‖ {text[e : e + 40]}…", file=sys.stderr)


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    p.add_argument("--reuters", type=int, default=3000, help="first N stories (0: all)")
    p.add_argument("--wcxb", type=int, default=0, help="an even sample of N pages (0: all)")
    p.add_argument("--show", type=int, default=0, help="print N disagreements a set")
    args = p.parse_args(argv)
    print(
        "| set | splitter | inner boundaries | agree/found | agree/Punkt's | cut wrongly |", end=""
    )
    print(" µs/text |")
    print("| --- | --- | --- | --- | --- | --- | --- |")
    for name, texts in load_sets(args).items():
        for row in evaluate(name, texts, args.show):
            print(row, flush=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
