"""The vectorised evaluator gives Whoosh's own answers: same matches, scores, order and facets.

On a real index with several segments and deleted documents: the seeds plus 400 technical
abstracts written here (so the test needs no data beside the clone), then an incremental build
that changes, adds and deletes files.
"""

from __future__ import annotations

import math
import random
import shutil
from pathlib import Path

import pytest
from whoosh import query as wq
from whoosh import sorting

from indexer.bm25f import Fielded
from indexer.build import build_index
from indexer.evaluate import Evaluator
from indexer.live import LiveIndex
from indexer.query import And, Compiler, Not, parse
from indexer.ranking import WEIGHTING

ROOT = Path(__file__).resolve().parents[1]
QUERIES = [
    "boundary layer",
    "heat transfer supersonic flow",
    "pressure distribution cone",
    "korea china",
    "trilateral summit",
    "wing",
    "the",
    "slender OR delta",
    "korea -china",
    "flow -turbulent -laminar",
    '"boundary layer"',
    '"heat transfer" plate',
    '"shock wave boundary layer"',
    "super*",
    "title:wing",
    "title:(boundary layer)",
    "source:cran",
    "shock OR -flow",
    "(laminar OR turbulent) (boundary layer)",
    "what similarity laws must be obeyed when constructing aeroelastic models",
    "zorblax",
    "mach number effects on heat transfer",
]
FILTERS = [
    None,
    wq.TermRange("date", "2021-01-01", None),
    wq.TermRange("date", None, "2023-10-01"),
    wq.Term("source", "cran-0007.txt"),
]


@pytest.fixture(scope="module")
def searcher(tmp_path_factory):
    root = tmp_path_factory.mktemp("evaluate")
    corpus = root / "corpus"
    shutil.copytree(ROOT / "seeds", corpus)
    for n, (title, day, body) in enumerate(abstracts(400)):
        (corpus / f"cran-{n:04d}.txt").write_text(f"{title}\n\ndate {day}\n\n{body}\n")
    build_index(corpus, root / "index", full=True)
    for n in range(0, 40, 8):
        (corpus / f"cran-{n:04d}.txt").unlink()
        changed = corpus / f"cran-{n + 1:04d}.txt"
        changed.write_text(changed.read_text() + "A boundary layer note added later.\n")
        (corpus / f"new-{n}.txt").write_text(
            "Wing flutter\n\nDelta wing flutter at supersonic speed.\n"
        )
    build_index(corpus, root / "index")
    s = LiveIndex(root / "index").searcher()
    yield s
    s.close()


# Aerodynamics vocabulary: phrases the queries look for, and words of very different frequency
# (a few in most abstracts, some in a handful), so scores, ties and prefixes vary as in a real
# corpus of abstracts.
PHRASES = [
    "boundary layer",
    "heat transfer",
    "shock wave",
    "pressure distribution",
    "mach number",
    "delta wing",
    "flat plate",
    "similarity laws",
    "aeroelastic models",
    "slender body",
]
WORDS = [
    *("flow", "flow", "flow", "wing", "wing", "layer", "pressure", "cone", "plate", "laminar"),
    *("turbulent", "supersonic", "subsonic", "hypersonic", "supercritical", "superposition"),
    *("transition", "separation", "viscous", "inviscid", "nozzle", "flutter", "stability"),
    *("velocity", "temperature", "surface", "theory", "experiment", "measured", "results"),
    *("effects", "model", "models", "constructing", "obeyed", "jet", "drag", "lift", "airfoil"),
]
SENTENCES = [
    "The {p} on the {w} was {w2} at several stations.",
    "Results for the {p} agree with {w} theory.",
    "A {w} {w2} method is given for the {p}.",
    "Measurements of {p} near a {w} are reported, and the {w2} is discussed.",
    "What {p} must be obeyed when constructing {w} {w2}?",
]


def abstracts(n: int):
    """(title, date, body) of `n` reproducible abstracts."""
    rng = random.Random(7)
    for _ in range(n):
        title = " ".join(rng.sample(WORDS, 2) + [rng.choice(PHRASES)]).capitalize()
        day = f"{rng.randint(2019, 2024)}-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}"
        body = " ".join(
            rng.choice(SENTENCES).format(
                p=rng.choice(PHRASES[: rng.randint(1, len(PHRASES))]),
                w=rng.choice(WORDS),
                w2=rng.choice(WORDS),
            )
            for _ in range(rng.randint(2, 9))
        )
        yield title, day, body


def compiled(reader, q: str) -> list[wq.Query]:
    """The query as search() runs it: plain, and with its proximity bonus when it has one."""
    node = parse(q)
    compiler = Compiler(reader, 64)
    base = compiler.compile(node)
    children = node.children if isinstance(node, And) else (node,)
    bonus = compiler.proximity([c for c in children if not isinstance(c, Not)])
    return [base, wq.AndMaybe(base, wq.Or(bonus))] if bonus else [base]


def test_the_index_has_segments_and_deletions(searcher):
    leaves = searcher.reader().leaf_readers()
    assert len(leaves) > 1
    assert any(leaf.has_deletions() for leaf, _ in leaves)


@pytest.mark.parametrize("q", QUERIES)
@pytest.mark.parametrize("filter_q", FILTERS, ids=lambda f: str(f))
def test_same_matches_scores_and_order_as_whoosh(searcher, q, filter_q):
    evaluator = Evaluator(searcher)
    for query in compiled(searcher.reader(), q):
        expected = searcher.search(query, limit=None, filter=filter_q)
        want = {hit.docnum: hit.score for hit in expected}
        matches = evaluator.matches(query, filter_q)
        got = evaluator.top(matches, limit=max(len(want), 1))
        assert {d for _, d in got} == set(want), query
        for score, docnum in got:
            assert math.isclose(score, want[docnum], rel_tol=1e-9, abs_tol=1e-12), query
        assert evaluator.top(matches, 10) == got[:10]  # a partial sort gives the same page
        # Order: by score, then document number (equal scores may differ in the last bit).
        order = [hit.docnum for hit in expected][:10]
        assert [d for _, d in got][:10] == order or _same_up_to_ties(got[:10], want), query


@pytest.mark.parametrize("q", ["boundary layer", "korea", "wing -delta", '"heat transfer"'])
def test_same_facets_and_newest_first_as_whoosh(searcher, q):
    evaluator = Evaluator(searcher)
    (query, *_) = compiled(searcher.reader(), q)
    facets = {"source": sorting.FieldFacet("source"), "year": sorting.FieldFacet("year")}
    expected = searcher.search(query, limit=None, groupedby=facets, maptype=sorting.Count)
    matches = evaluator.matches(query)
    for name in facets:
        want = {_text(k): n for k, n in expected.groups(name).items() if _text(k)}
        top, distinct = evaluator.facet(matches, name, 10_000, by_count=True)
        assert dict(top) == want and distinct == len(want)
        counts = [n for _, n in top]
        assert counts == sorted(counts, reverse=True)
        top3, _ = evaluator.facet(matches, name, 3, by_count=False)
        assert [v for v, _ in top3] == sorted(want, reverse=True)[:3]
        top2, _ = evaluator.facet(matches, name, 2, by_count=True)
        assert top2 == sorted(want.items(), key=lambda kv: (-kv[1], kv[0]))[:2]
    newest = searcher.search(query, limit=20, sortedby=sorting.FieldFacet("date", reverse=True))
    got = evaluator.top(matches, 20, newest=True)
    assert [d for _, d in got] == [hit.docnum for hit in newest]


def test_a_spent_budget_gives_partial_results_and_says_so(searcher):
    evaluator = Evaluator(searcher, deadline=0.0)
    (query,) = compiled(searcher.reader(), '"boundary layer"')
    matches = evaluator.matches(query)
    assert evaluator.timed_out
    assert matches.mask.sum() < len(searcher.search(query, limit=None))


def _same_up_to_ties(got, want) -> bool:
    ranked = sorted(want.items(), key=lambda kv: (-round(kv[1], 9), kv[0]))[: len(got)]
    return [d for _, d in got] == [d for d, _ in ranked]


def _text(key) -> str:
    return key.decode("utf-8") if isinstance(key, bytes) else (key or "")


def test_live_searchers_use_the_ranking_weighting(searcher):
    assert searcher.weighting is WEIGHTING


# BM25F queries the default ranking may not compile today (the exact fields inside),
# checked against Whoosh all the same.
OPTIONAL_QUERIES = [
    Fielded([wq.Term("body", "flow"), wq.Term("title", "flow", boost=1.5)], boost=2.0),
    Fielded(
        [wq.Term("body", "wing"), wq.Term("body_exact", "wing", boost=0.5)],
        boost=1.0,
    ),
]


@pytest.mark.parametrize("query", OPTIONAL_QUERIES, ids=repr)
def test_bm25f_matches_whoosh(searcher, query):
    want = {hit.docnum: hit.score for hit in searcher.search(query, limit=None)}
    assert want, "the query should match something here"
    evaluator = Evaluator(searcher)
    got = evaluator.top(evaluator.matches(query), limit=len(want))
    assert {d for _, d in got} == set(want)
    for score, docnum in got:
        assert math.isclose(score, want[docnum], rel_tol=1e-9), docnum


def test_bm25f_saturates_the_summed_fields_once(searcher):
    """A word in title and body scores idf·t(k1+1)/(t+k1) with t the weighted sum of the
    fields' normalised tfs: less than two BM25s summed, more than either alone."""
    reader = searcher.reader()
    body, title = wq.Term("body", "flow"), wq.Term("title", "flow", boost=1.5)
    both = {h.docnum: h.score for h in searcher.search(Fielded([body, title]), limit=None)}
    alone = {h.docnum: h.score for h in searcher.search(Fielded([body]), limit=None)}
    summed = {h.docnum: h.score for h in searcher.search(wq.Or([body, title]), limit=None)}
    in_title = {h.docnum for h in searcher.search(title, limit=None)}
    doc = next(d for d in sorted(in_title) if d in alone)
    assert alone[doc] < both[doc] < summed[doc]
    k1, n = WEIGHTING.K1, reader.doc_count_all()
    df = max(reader.doc_frequency("body", "flow"), reader.doc_frequency("title", "flow"))
    t = 0.0
    for name, weight in (("body", 1.0), ("title", 1.5)):
        b = WEIGHTING.field_b(name)
        avg = reader.field_length(name) / n
        tf = dict(reader.postings(name, "flow").items_as("frequency"))[doc]
        t += weight * tf / ((1 - b) + b * reader.doc_field_length(doc, name) / avg)
    idf = math.log(1 + (n - df + 0.5) / (df + 0.5))
    assert math.isclose(both[doc], idf * t * (k1 + 1) / (t + k1), rel_tol=1e-9)


def test_stored_fields_read_directly_are_whooshs(searcher, tmp_path):
    """arrays.stored_fields (one pread of a segment's column) gives what Whoosh's reader gives,
    over several segments and deletions; on a closed reader it raises as Whoosh does."""
    from whoosh.reading import ReaderClosed

    from indexer.arrays import stored_fields

    reader = searcher.reader()
    assert len(reader.leaf_readers()) > 1 and reader.has_deletions()
    for doc in reader.all_doc_ids():
        assert stored_fields(reader, doc) == reader.stored_fields(doc)
    other = LiveIndex(Path(searcher._ix.storage.folder).parent).searcher()
    stored_fields(other.reader(), 0)
    other.close()
    with pytest.raises(ReaderClosed):
        stored_fields(other.reader(), 0)
