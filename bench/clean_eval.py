"""Score the cleaner and reference extractors on both dev sets, both paths, per page type.

Sets: article-extraction-dev (61 pages, its README metric: 4-token shingles) and wcxb-dev
(823 pages, WCXB's metric: word-bag F1 mean per page type, titles and dates beside it).
Paths: HTML, and the text dumps (the reference engines get each dump line as one <p>).

Run: .venv/bin/python bench/clean_eval.py [--quick 150] [--systems seedsearch,trafilatura]
     [--paths html,text] [--worst 8] [--save out.json]
"""

from __future__ import annotations

import argparse
import gzip
import html
import json
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from metric import bag_score, date_right, score_page, summarise, title_right  # noqa: E402
from shared_data import SharedDataMissing, shared_path  # noqa: E402

from indexer.clean import clean_bytes  # noqa: E402
from indexer.document import Skip  # noqa: E402


@dataclass
class Page:
    """One dev page: both inputs and its truth."""

    id: str
    type: str  # article | forum
    html: bytes
    dump: bytes
    truth: str
    title: str | None = None
    date: str | None = None
    url: str | None = None


@dataclass
class Output:
    """What an extractor gives for one page."""

    text: str
    title: str | None = None
    date: str | None = None


@dataclass
class Run:
    """One system on one set and path: per-page outputs and CPU seconds."""

    outputs: dict[str, Output] = field(default_factory=dict)
    cpu: float = 0.0


def _sample(ids: list[str], quick: int | None) -> list[str]:
    if not quick or quick >= len(ids):
        return ids
    step = len(ids) / quick
    return [ids[int(i * step)] for i in range(quick)]


def load_aed(quick: int | None) -> list[Page]:
    """article-extraction-dev: news articles, truth text only."""
    data = shared_path("article-extraction-dev")
    ids = _sample(json.loads((data / "split.json").read_text())["dev"], quick)
    truth = json.loads((data / "ground-truth.json").read_text())
    return [
        Page(
            i,
            "article",
            gzip.decompress((data / "html" / f"{i}.html.gz").read_bytes()),
            (data / "text" / f"{i}.txt").read_bytes(),
            truth[i]["articleBody"],
            url=truth[i].get("url"),
        )
        for i in ids
    ]


def load_wcxb(quick: int | None) -> list[Page]:
    """wcxb-dev: articles and forum threads with title, date and URL."""
    data = shared_path("wcxb-dev")
    ids = _sample(json.loads((data / "split.json").read_text())["dev"], quick)
    truth = json.loads((data / "ground-truth.json").read_text())
    return [
        Page(
            i,
            truth[i]["page_type"],
            gzip.decompress((data / "html" / f"{i}.html.gz").read_bytes()),
            (data / "text" / f"{i}.txt").read_bytes(),
            truth[i]["main_content"] or "",
            truth[i].get("title"),
            truth[i].get("publish_date"),
            truth[i].get("url"),
        )
        for i in ids
    ]


def as_paragraphs(dump: bytes) -> bytes:
    """A text dump as HTML for the reference engines: one escaped <p> per line."""
    lines = dump.decode("utf-8").splitlines()
    body = "".join(f"<p>{html.escape(line)}</p>\n" for line in lines)
    return f"<html><body>\n{body}</body></html>".encode()


def _ours(path: str) -> Callable[[Page], Output]:
    def run(page: Page) -> Output:
        data, name = (page.html, ".html") if path == "html" else (page.dump, ".txt")
        try:
            doc = clean_bytes(data, page.id + name)
        except Skip:
            return Output("")
        return Output(doc.text, doc.title, doc.date)

    return run


def _ref_input(page: Page, path: str) -> bytes:
    return page.html if path == "html" else as_paragraphs(page.dump)


def _trafilatura(comments: bool) -> Callable[[bytes], Output]:
    def run(data: bytes) -> Output:
        import trafilatura

        doc = trafilatura.bare_extraction(data, include_comments=comments, with_metadata=True)
        if doc is None:
            return Output("")
        return Output(doc.text or "", doc.title, doc.date)

    return run


def _justext(data: bytes) -> Output:
    import justext

    paragraphs = justext.justext(data, justext.get_stoplist("English"))
    return Output("\n".join(p.text for p in paragraphs if not p.is_boilerplate))


def _readability(data: bytes) -> Output:
    import lxml.html
    from readability import Document as Readable

    doc = Readable(data.decode("utf-8", "replace"))
    summary = doc.summary(html_partial=True)
    text = lxml.html.fromstring(summary).text_content() if summary.strip() else ""
    return Output(text, doc.short_title())


def _rs_trafilatura(data: bytes) -> Output:
    import rs_trafilatura

    result = rs_trafilatura.extract(data.decode("utf-8", "replace"))
    return Output(result.main_content or "", result.title, result.date)


REFERENCES: dict[str, Callable[[bytes], Output]] = {
    "jusText": _justext,
    "readability": _readability,
    "trafilatura": _trafilatura(True),
    "traf-nocomm": _trafilatura(False),
    "rs-trafilatura": _rs_trafilatura,
}
SYSTEMS = ["no cleaning", "seedsearch", *REFERENCES]


def runner(system: str, path: str) -> Callable[[Page], Output]:
    if system == "seedsearch":
        return _ours(path)
    if system == "no cleaning":
        return lambda page: Output(page.dump.decode("utf-8"))
    ref = REFERENCES[system]
    return lambda page: ref(_ref_input(page, path))


def run_system(system: str, path: str, pages: list[Page]) -> Run:
    """Outputs of one system on one set (CPU time per page; wall time is noise here)."""
    run = runner(system, path)
    run(pages[0])  # warm-up: imports and caches are not per-page costs
    result = Run()
    for page in pages:
        start = time.process_time()
        try:
            out = run(page)
        except Exception as exc:  # a reference engine failing on a page scores it empty
            print(f"  {system} failed on {page.id}: {type(exc).__name__}", file=sys.stderr)
            out = Output("")
        result.cpu += time.process_time() - start
        result.outputs[page.id] = out
    return result


def _mean(values: list[float]) -> float | None:
    return sum(values) / len(values) if values else None


def aed_f1(pages: list[Page], run: Run) -> float:
    """article-extraction-dev's README score: F1 of mean P and mean R over shingles."""
    return summarise([score_page(run.outputs[p.id].text, p.truth) for p in pages]).f1


def wcxb_f1(pages: list[Page], run: Run, kind: str) -> float | None:
    return _mean([bag_score(run.outputs[p.id].text, p.truth).f1 for p in pages if p.type == kind])


def title_share(pages: list[Page], run: Run) -> float | None:
    hits = [title_right(run.outputs[p.id].title, p.title) for p in pages if p.title]
    return _mean([float(h) for h in hits])


def date_share(pages: list[Page], run: Run) -> float | None:
    full = [p for p in pages if p.date and len(p.date) == 10]
    return _mean([float(date_right(run.outputs[p.id].date, p.date)) for p in full])


def _cell(value: float | None) -> str:
    return f"{value:7.3f}" if value is not None else f"{'':7}"


def page_scores(pages: list[Page], run: Run, metric: str) -> dict[str, float]:
    if metric == "aed":
        return {p.id: score_page(run.outputs[p.id].text, p.truth).f1 for p in pages}
    return {p.id: bag_score(run.outputs[p.id].text, p.truth).f1 for p in pages}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", type=int, help="score only about this many pages per set")
    parser.add_argument("--systems", default=",".join(SYSTEMS), help="comma-separated")
    parser.add_argument("--paths", default="html,text", help="html, text or both")
    parser.add_argument("--worst", type=int, default=8, help="worst pages listed per set/path")
    parser.add_argument("--save", type=Path, help="write seedsearch's per-page F1 as JSON")
    args = parser.parse_args()
    systems = [s for s in args.systems.split(",") if s]
    unknown = set(systems) - set(SYSTEMS)
    if unknown:
        parser.error(f"unknown systems: {', '.join(sorted(unknown))} (known: {SYSTEMS})")
    try:
        sets = {"aed": load_aed(args.quick), "wcxb": load_wcxb(args.quick)}
    except SharedDataMissing as missing:
        print(missing, file=sys.stderr)
        return 2
    header = (
        f"{'path':5} {'system':14} {'aed F1':>7} {'art F1':>7} {'forum F1':>8} "
        f"{'title':>7} {'date':>7} {'CPU p/s':>8}"
    )
    print(f"pages: aed {len(sets['aed'])}, wcxb {len(sets['wcxb'])} (art/forum = wcxb-dev)")
    print(header)
    print("-" * len(header))
    saved: dict[str, dict[str, float]] = {}
    for path in args.paths.split(","):
        for system in systems:
            if system == "no cleaning" and path == "html":
                continue  # the anchor is the dump itself: one row, under text
            runs = {name: run_system(system, path, pages) for name, pages in sets.items()}
            aed, wcxb = sets["aed"], sets["wcxb"]
            cpu = sum(r.cpu for r in runs.values())
            speed = (len(aed) + len(wcxb)) / cpu if cpu else float("inf")
            print(
                f"{path:5} {system:14} {aed_f1(aed, runs['aed']):7.3f} "
                f"{_cell(wcxb_f1(wcxb, runs['wcxb'], 'article'))} "
                f"{_cell(wcxb_f1(wcxb, runs['wcxb'], 'forum')):>8} "
                f"{_cell(title_share(wcxb, runs['wcxb']))} {_cell(date_share(wcxb, runs['wcxb']))} "
                f"{speed:8.1f}",
                flush=True,
            )
            if system == "seedsearch":
                for name, metric in (("aed", "aed"), ("wcxb", "wcxb")):
                    saved[f"{path}/{name}"] = page_scores(sets[name], runs[name], metric)
    types = {p.id: p.type for pages in sets.values() for p in pages}
    for key, scores in saved.items():
        print(f"\nworst {key} pages for seedsearch (per-page F1):")
        for page_id, f1 in sorted(scores.items(), key=lambda item: item[1])[: args.worst]:
            print(f"  {page_id[:16]:16} {types[page_id]:7} F1 {f1:.3f}")
    if args.save:
        args.save.write_text(json.dumps(saved, indent=1))
    return 0


if __name__ == "__main__":
    sys.exit(main())
