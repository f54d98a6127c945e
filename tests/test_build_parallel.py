"""A full build indexed by the worker processes (one segment each) equals a one-writer build."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest
from whoosh import index as whoosh_index

from indexer import build
from indexer import generations as gens
from indexer.config import SearchConfig
from indexer.live import LiveIndex
from indexer.search import parse_request, search

pytestmark = pytest.mark.skipif((os.cpu_count() or 1) < 2, reason="needs two cores")


def _stored(index_dir: Path) -> dict:
    ix = whoosh_index.open_dir(str(index_dir / gens.read_pointer(index_dir)))
    with ix.searcher() as s:
        return {f["id"]: f for f in s.all_stored_fields()}


def _build(monkeypatch, corpus: Path, index_dir: Path, parallel: bool):
    monkeypatch.setattr(build, "POOL_MIN_FILES", 1)
    monkeypatch.setattr(build, "PARALLEL_MIN_FILES", 1 if parallel else 10**9)
    return build.build_index(corpus, index_dir, full=True)


@pytest.fixture
def big_corpus(corpus: Path) -> Path:
    # More files than workers, one of them unindexable, so every share has work and a skip
    # is reported from a worker.
    for path in sorted(corpus.iterdir()):
        for k in range(3):
            shutil.copy(path, corpus / f"copy{k}_{path.name}")
    (corpus / "empty.txt").write_text("", encoding="utf-8")
    return corpus


def test_parallel_full_build_equals_one_writer(monkeypatch, big_corpus, tmp_path):
    serial = _build(monkeypatch, big_corpus, tmp_path / "serial", parallel=False)
    parallel = _build(monkeypatch, big_corpus, tmp_path / "parallel", parallel=True)
    assert parallel.indexed == serial.indexed > 0
    assert parallel.skipped == serial.skipped and "empty.txt" in parallel.skipped
    assert parallel.added == serial.added
    assert _stored(tmp_path / "parallel") == _stored(tmp_path / "serial")
    live = tmp_path / "parallel" / gens.read_pointer(tmp_path / "parallel")
    assert not (live / ".progress").exists()
    assert len(whoosh_index.open_dir(str(live)).reader().leaf_readers()) >= 2

    limits = SearchConfig()
    for q in ("korea", "president", '"bank of korea"', "koreaa"):
        request = parse_request({"q": q}, limits)
        a = search(LiveIndex(tmp_path / "serial").searcher(), request, limits)
        b = search(LiveIndex(tmp_path / "parallel").searcher(), request, limits)
        assert a.total == b.total
        assert sorted(h.id for h in a.results) == sorted(h.id for h in b.results)
        assert a.suggestion == b.suggestion


def test_incremental_after_parallel_build(monkeypatch, big_corpus, tmp_path):
    index_dir = tmp_path / "index"
    _build(monkeypatch, big_corpus, index_dir, parallel=True)
    victim = sorted(big_corpus.glob("copy0_*"))[0]
    victim.unlink()
    (big_corpus / "new.txt").write_text("NEW STORY\n\nA new story about grain.\n", "utf-8")
    report = build.build_index(big_corpus, index_dir)
    assert (report.added, report.deleted, report.full) == (1, 1, False)
    assert build.check_index(big_corpus, index_dir).ok
    full = tmp_path / "full"
    _build(monkeypatch, big_corpus, full, parallel=False)
    assert _stored(index_dir) == _stored(full)


def test_manifest_with_line_text_keys_is_read_as_hashes(corpus, tmp_path):
    # Manifests written before key hashing kept each line key's text.
    import json

    from indexer.clean import line_keys

    index_dir = tmp_path / "index"
    build.build_index(corpus, index_dir)
    manifest = index_dir / gens.read_pointer(index_dir) / gens.MANIFEST
    data = json.loads(manifest.read_text())
    for source, state in data["files"].items():
        state["keys"] = sorted(line_keys((corpus / source).read_bytes(), source))
    manifest.write_text(json.dumps(data))
    _, states, _ = build._load_manifest(index_dir)
    fresh = {s: build._fingerprint((str(corpus / s), s))[2] for s in states}
    assert {s: st.keys for s, st in states.items()} == fresh
    assert any(fresh.values())
