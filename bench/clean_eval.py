"""Score the cleaner on article-extraction-dev against trafilatura, jusText and no cleaning.

Run: /work/venv/bin/python bench/clean_eval.py [--html-only | --text-only] [--worst 5]
"""

from __future__ import annotations

import argparse
import gzip
import html
import json
import sys
import time
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from metric import PageScore, score_page, summarise  # noqa: E402
from shared_data import SHARED_DATA  # noqa: E402

from indexer.clean import clean_bytes  # noqa: E402
from indexer.document import Skip  # noqa: E402

DATA = SHARED_DATA / "article-extraction-dev"


def load(data: Path) -> tuple[list[str], dict[str, str], dict[str, bytes], dict[str, bytes]]:
    """Ids, truths, HTML pages and text dumps of the dev split."""
    ids = json.loads((data / "split.json").read_text())["dev"]
    truth = json.loads((data / "ground-truth.json").read_text())
    pages = {i: gzip.decompress((data / "html" / f"{i}.html.gz").read_bytes()) for i in ids}
    dumps = {i: (data / "text" / f"{i}.txt").read_bytes() for i in ids}
    return ids, {i: truth[i]["articleBody"] for i in ids}, pages, dumps


def as_paragraphs(dump: bytes) -> bytes:
    """A text dump as HTML for the reference engines: one escaped <p> per line."""
    lines = dump.decode("utf-8").splitlines()
    body = "".join(f"<p>{html.escape(line)}</p>\n" for line in lines)
    return f"<html><body>\n{body}</body></html>".encode()


def ours(kind: str) -> Callable[[str, bytes], str]:
    suffix = ".html" if kind == "html" else ".txt"

    def run(page_id: str, data: bytes) -> str:
        try:
            return clean_bytes(data, page_id + suffix).text
        except Skip:
            return ""

    return run


def trafilatura_run(page_id: str, data: bytes) -> str:
    import trafilatura

    return trafilatura.extract(data) or ""


def justext_run(page_id: str, data: bytes) -> str:
    import justext

    paragraphs = justext.justext(data, justext.get_stoplist("English"))
    return "\n".join(p.text for p in paragraphs if not p.is_boilerplate)


def raw_run(page_id: str, data: bytes) -> str:
    return data.decode("utf-8")


def evaluate(
    run: Callable[[str, bytes], str], inputs: dict[str, bytes], truth: dict[str, str]
) -> tuple[dict[str, PageScore], float]:
    """Per-page scores and pages per CPU second (the machine is shared; wall time is noise)."""
    scores = {}
    elapsed = 0.0
    first = next(iter(inputs))
    run(first, inputs[first])  # warm-up: imports and caches are not per-page costs
    for page_id, data in inputs.items():
        start = time.process_time()
        out = run(page_id, data)
        elapsed += time.process_time() - start
        scores[page_id] = score_page(out, truth[page_id])
    return scores, len(inputs) / elapsed if elapsed else float("inf")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    group = parser.add_mutually_exclusive_group()
    group.add_argument("--html-only", action="store_true")
    group.add_argument("--text-only", action="store_true")
    parser.add_argument("--worst", type=int, default=5, help="worst pages to list per input")
    parser.add_argument("--data", type=Path, default=DATA)
    parser.add_argument("--ours-only", action="store_true", help="skip the reference engines")
    args = parser.parse_args()
    if not args.data.is_dir():
        print(f"no data at {args.data}", file=sys.stderr)
        return 2
    ids, truth, pages, dumps = load(args.data)
    kinds = []
    if not args.text_only:
        kinds.append(("html", pages, pages))
    if not args.html_only:
        kinds.append(("text", dumps, {i: as_paragraphs(d) for i, d in dumps.items()}))

    header = f"{'input':5} {'system':12} {'F1':>6} {'P':>6} {'R':>6} {'empty':>5} {'CPU p/s':>8}"
    print(header)
    print("-" * len(header))
    worst: dict[str, dict[str, PageScore]] = {}
    for kind, own_input, ref_input in kinds:
        systems: list[tuple[str, Callable[[str, bytes], str], dict[str, bytes]]] = [
            ("no cleaning", raw_run, dumps),
            ("seedsearch", ours(kind), own_input),
        ]
        if not args.ours_only:
            systems += [
                ("trafilatura", trafilatura_run, ref_input),
                ("justext", justext_run, ref_input),
            ]
        for name, run, inputs in systems:
            if name == "no cleaning" and kind == "html":
                continue  # the anchor is the dump itself; print it once, in the text rows
            scores, speed = evaluate(run, inputs, truth)
            s = summarise(list(scores.values()))
            print(
                f"{kind:5} {name:12} {s.f1:6.3f} {s.precision:6.3f} {s.recall:6.3f} "
                f"{s.empty:5d} {speed:8.1f}"
            )
            if name == "seedsearch":
                worst[kind] = scores
    for kind, scores in worst.items():
        print(f"\nworst {kind} pages for seedsearch (per-page F1, P, R):")
        ranked = sorted(scores.items(), key=lambda item: item[1].f1)[: args.worst]
        for page_id, s in ranked:
            p = s.tp / (s.tp + s.fp) if s.tp + s.fp else 0.0
            r = s.tp / (s.tp + s.fn) if s.tp + s.fn else 0.0
            print(f"  {page_id[:16]}  F1 {s.f1:.3f}  P {p:.3f}  R {r:.3f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
