"""Index builds over real files: incremental updates, refusal to serve a failed build, locking."""

from __future__ import annotations

import hashlib
import os
from pathlib import Path

import pytest
from whoosh import index as whoosh_index

from indexer import generations as gens
from indexer.build import BuildError, build_index, check_index
from indexer.document import doc_id
from indexer.live import IndexMissing, LiveIndex


def stored_docs(index_dir: Path) -> dict[str, dict]:
    live = gens.read_pointer(index_dir)
    with whoosh_index.open_dir(str(index_dir / live)).searcher() as s:
        return {f["id"]: (f["text"], f.get("title")) for f in s.all_stored_fields()}


def corpus_snapshot(folder: Path) -> dict[str, tuple[str, int]]:
    return {
        p.name: (hashlib.sha1(p.read_bytes()).hexdigest(), p.stat().st_mtime_ns)
        for p in folder.iterdir()
    }


def test_full_build_indexes_every_seed(seeds, tmp_path):
    report = build_index(seeds, tmp_path / "ix")
    assert report.indexed == len(list(seeds.iterdir())) == 5
    assert report.skipped == {}
    assert check_index(seeds, tmp_path / "ix").ok
    assert LiveIndex(tmp_path / "ix").info().doc_count == 5


def test_incremental_update_equals_full_rebuild(corpus, tmp_path):
    index_dir = tmp_path / "ix"
    first = build_index(corpus, index_dir)
    changed = corpus / "000_2cc68e9e30ca57b3.txt"
    changed.write_text(changed.read_text(encoding="utf-8") + "\n\nA giraffe visited Seoul.\n")
    (corpus / "new.txt").write_text(
        "Zebra talks\n\nDiplomats met to discuss the zebra crossing at the border for hours.\n"
    )
    (corpus / "001_09996429d7cfd6fc.txt").unlink()
    assert not check_index(corpus, index_dir).ok

    update = build_index(corpus, index_dir)
    assert (update.added, update.updated, update.deleted) == (1, 1, 1)
    assert update.generation != first.generation and not update.full
    assert check_index(corpus, index_dir).ok
    incremental = stored_docs(index_dir)

    build_index(corpus, tmp_path / "full", full=True)
    assert incremental == stored_docs(tmp_path / "full")
    assert doc_id("new.txt") in incremental
    assert doc_id("001_09996429d7cfd6fc.txt") not in incremental


def test_unchanged_corpus_is_a_no_op(corpus, tmp_path):
    first = build_index(corpus, tmp_path / "ix")
    again = build_index(corpus, tmp_path / "ix")
    assert again.generation == first.generation
    assert (again.added, again.updated, again.deleted) == (0, 0, 0)
    assert again.indexed == first.indexed


def test_touched_but_identical_file_is_not_reindexed(corpus, tmp_path):
    build_index(corpus, tmp_path / "ix")
    os.utime(corpus / "002_366b9a06e0d49ebc.txt", ns=(1, 1))
    again = build_index(corpus, tmp_path / "ix")
    assert (again.added, again.updated) == (0, 0)
    assert check_index(corpus, tmp_path / "ix").ok


def test_unreadable_inputs_are_skipped_with_a_reason(corpus, tmp_path):
    (corpus / "empty.txt").write_bytes(b"")
    (corpus / "binary.txt").write_bytes(bytes(range(256)) * 40)
    (corpus / "slides.pdf").write_bytes(b"%PDF-1.4 whatever")
    (corpus / ".hidden.txt").write_text("never looked at")
    report = build_index(corpus, tmp_path / "ix")
    assert report.indexed == 5
    assert set(report.skipped) == {"empty.txt", "binary.txt", "slides.pdf"}
    assert all(reason.strip() for reason in report.skipped.values())
    assert "unsupported" in report.skipped["slides.pdf"]


def test_failed_build_keeps_the_live_index(corpus, tmp_path):
    index_dir = tmp_path / "ix"
    live = build_index(corpus, index_dir).generation
    for path in corpus.iterdir():
        path.write_bytes(b"")
    with pytest.raises(BuildError, match="no document"):
        build_index(corpus, index_dir)
    assert gens.read_pointer(index_dir) == live
    assert LiveIndex(index_dir).info().doc_count == 5


def test_missing_corpus_is_a_clear_error(tmp_path):
    with pytest.raises(BuildError, match="corpus folder not found"):
        build_index(tmp_path / "nope", tmp_path / "ix")


def test_interrupted_build_leftovers_are_swept(corpus, tmp_path):
    index_dir = tmp_path / "ix"
    build_index(corpus, index_dir)
    leftover = index_dir / f"{gens.TMP_PREFIX}gen-000009"
    leftover.mkdir()
    (leftover / "_MAIN_1.toc").write_bytes(b"half written")
    (corpus / "new.txt").write_text("Fresh news\n\nA new story about the trilateral summit.\n")
    report = build_index(corpus, index_dir)
    assert report.added == 1 and not leftover.exists()


def test_second_build_at_once_is_refused(corpus, tmp_path):
    index_dir = tmp_path / "ix"
    with gens.build_lock(index_dir), pytest.raises(gens.IndexBusy, match="running"):
        build_index(corpus, index_dir)
    assert build_index(corpus, index_dir).indexed == 5


def test_rollback_restores_the_previous_generation(corpus, tmp_path):
    index_dir = tmp_path / "ix"
    first = build_index(corpus, index_dir).generation
    (corpus / "new.txt").write_text("Fresh news\n\nA new story about the trilateral summit.\n")
    second = build_index(corpus, index_dir).generation
    live = LiveIndex(index_dir)
    assert live.info().doc_count == 6
    assert gens.rollback(index_dir) == first
    assert live.info().doc_count == 5 and live.info().generation == first
    assert gens.rollback(index_dir) == second


def test_build_never_modifies_the_corpus(corpus, tmp_path):
    before = corpus_snapshot(corpus)
    build_index(corpus, tmp_path / "ix")
    build_index(corpus, tmp_path / "ix", full=True)
    assert corpus_snapshot(corpus) == before


def test_lines_repeated_across_documents_are_dropped_and_tracked(tmp_path):
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    chrome = "Harbour Press photo desk in Lisbon and Porto"
    stories = [
        "Rice farmers in the delta expect a record harvest after steady autumn rains this year.",
        "The central bank kept interest rates unchanged, citing stubborn inflation in services.",
        "A new ferry line will connect the two islands from March, the transport ministry said.",
    ]
    middle = (
        "Local officials said the decision followed months of consultation with residents and"
        " businesses, who had asked for clearer rules."
    )
    ending = (
        "Critics argued that the plan did not go far enough, and several groups said they would"
        " continue to press for changes next year."
    )

    def page(number: int) -> str:
        return f"Story {number}\n\n{stories[number]} {middle}\n\n{chrome}\n\n{ending}\n"

    for number in range(2):
        (corpus / f"s{number}.txt").write_text(page(number))
    index_dir = tmp_path / "ix"
    build_index(corpus, index_dir)
    assert any(chrome in text for text, _ in stored_docs(index_dir).values())

    # A third page with the same line makes it chrome: the two earlier pages are cleaned again.
    (corpus / "s2.txt").write_text(page(2))
    report = build_index(corpus, index_dir)
    assert (report.added, report.updated) == (1, 2)
    texts = [text for text, _ in stored_docs(index_dir).values()]
    assert len(texts) == 3 and not any(chrome in t for t in texts)
    assert all(any(story in t for t in texts) for story in stories)


def test_live_index_without_an_index_says_so(tmp_path):
    with pytest.raises(IndexMissing):
        LiveIndex(tmp_path / "none").searcher()


def test_live_index_follows_new_generations(corpus, tmp_path):
    index_dir = tmp_path / "ix"
    build_index(corpus, index_dir)
    live = LiveIndex(index_dir)
    before = live.searcher()
    assert before.doc_count() == 5
    (corpus / "new.txt").write_text("Fresh news\n\nA new story about the trilateral summit.\n")
    build_index(corpus, index_dir)
    assert live.searcher().doc_count() == 6
    assert live.searcher() is live.searcher()


def test_index_from_another_schema_version_is_rebuilt_in_full(corpus, tmp_path):
    import json

    index_dir = tmp_path / "ix"
    build_index(corpus, index_dir)
    manifest = index_dir / gens.read_pointer(index_dir) / gens.MANIFEST
    data = json.loads(manifest.read_text())
    manifest.write_text(json.dumps({**data, "schema": -1}))
    check = check_index(corpus, index_dir)
    assert check.outdated and not check.ok
    report = build_index(corpus, index_dir)
    assert report.full and report.added == 5
    assert check_index(corpus, index_dir).ok
