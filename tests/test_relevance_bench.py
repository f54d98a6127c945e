"""bench/relevance.py: its metrics, and the product's real path on the smallest collection."""

from __future__ import annotations

import math
import uuid

import pytest
from relevance import Collection, build_product, load, ndcg_at, p_at, product_runs, scores
from shared_data import require_shared


def test_ndcg_uses_graded_gains_and_the_ideal_order():
    judged = {"a": 3, "b": 1, "c": 0}
    assert ndcg_at(["a", "b", "c"], judged) == pytest.approx(1.0)
    dcg = 1 / math.log2(2) + 3 / math.log2(3)
    idcg = 3 / math.log2(2) + 1 / math.log2(3)
    assert ndcg_at(["b", "a"], judged) == pytest.approx(dcg / idcg)
    assert ndcg_at(["x", "y"], judged) == 0.0
    assert p_at(["a", "b", "x"], judged, rel=2) == pytest.approx(0.1)


def test_the_product_path_answers_every_adi_query(tmp_path):
    require_shared("adi")
    col: Collection = load("adi")
    backend = build_product(col, tmp_path)
    runs, timed_out = product_runs(col, backend, deep=False)
    assert set(runs) == {q["id"] for q in col.queries}
    assert all(len(r) == 10 for r in runs.values())  # every query is a description here
    # Plain BM25 engines score 0.45-0.49 here; a broken path (lost documents, operators
    # read in prose, a cut query) scores far lower.
    assert scores(col, runs)["nDCG@10"] > 0.42


def test_the_product_path_on_opensearch_ranks_adi_as_whoosh_does(tmp_path, opensearch_url):
    require_shared("adi")
    col: Collection = load("adi")
    whoosh, _ = product_runs(col, build_product(col, tmp_path / "whoosh"), deep=False)
    alias = f"relevance-test-{uuid.uuid4().hex[:10]}"
    backend = build_product(col, tmp_path / "opensearch", "opensearch", opensearch_url, alias)
    try:
        runs, timed_out = product_runs(col, backend, deep=False)
    finally:
        for name in backend.indices.generations():
            backend.indices.client.indices.delete(index=name)
    assert timed_out == 0 and set(runs) == set(whoosh)
    # The same policy and weights over Lucene's BM25: the same quality (issue 14 asks for the
    # five-collection mean within 0.01); ties and Lucene's float scores reorder a few results.
    assert abs(scores(col, runs)["nDCG@10"] - scores(col, whoosh)["nDCG@10"]) < 0.03
    same_top = sum(runs[q][0] == whoosh[q][0] for q in runs)
    assert same_top >= 0.7 * len(runs)
