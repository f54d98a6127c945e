"""The bulk writer writes exactly what Whoosh's own SegmentWriter writes, only faster."""

from __future__ import annotations

import hashlib
import pickle
from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st
from whoosh import index as whoosh_index
from whoosh.codec import whoosh3
from whoosh.writing import SegmentWriter

from indexer.analysis import (
    exact_analyzer,
    exact_positions,
    index_words,
    stemmed_positions,
    stemming_analyzer,
)
from indexer.clean import clean_file
from indexer.document import Document
from indexer.schema import build_schema, document_fields
from indexer.writer import BLOCK_PROTOCOL, BulkWriter

# Words that repeat (stopwords, stems shared by inflections), numbers, abbreviations, accents,
# case pairs whose lowercase differs in length, combining marks, other scripts.
ODD = (
    "The the THE U.S. 3.5% naïve café Straße ﬁne x² İstanbul ΣΑΣ ǅ 東京 ٣٤٥ Jae-in Xi's "
    "e.g. a..b a.b.c._d __init__ 1,000.50 running runs ran ⅷ e\u0301t\u00e9"
)


def _positions(analyzer, text: str) -> dict[str, list[int]]:
    table: dict[str, list[int]] = {}
    for token in analyzer(text, positions=True):
        table.setdefault(token.text, []).append(token.pos)
    return table


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet=st.sampled_from(list(ODD) + [" ", "\n", ".", "-", "'"]), max_size=80))
def test_fast_analysis_equals_the_analyzers(text):
    words = index_words(text)
    assert stemmed_positions(words) == _positions(stemming_analyzer(), text)
    assert exact_positions(words) == _positions(exact_analyzer(), text)


@settings(max_examples=100, deadline=None)
@given(st.text(max_size=60))
def test_fast_analysis_equals_the_analyzers_on_any_text(text):
    words = index_words(text)
    assert stemmed_positions(words) == _positions(stemming_analyzer(), text)
    assert exact_positions(words) == _positions(exact_analyzer(), text)


def _documents(seeds: Path) -> list[Document]:
    docs = [clean_file(path, path.name) for path in sorted(seeds.iterdir())]
    body = " ".join(f"{ODD} word{n % 300} story{n % 7}" for n in range(700))
    for n in range(300):
        # Many documents per term (several posting blocks), positions past any cache, and
        # documents with no title or date.
        text = f"{ODD} report {n} " + (body if n % 50 == 0 else f"grain{n % 3} rates")
        docs.append(Document(f"d{n}", f"x/{n}.txt", None if n % 3 else "Title", None, text))
    return docs


def _segment_files(ix_dir: Path) -> dict[str, str]:
    """Segment files by extension (segment names are random) -> content hash."""
    out = {}
    for path in ix_dir.iterdir():
        if path.name.startswith("MAIN_") and "." in path.name:
            out[path.name.split(".", 1)[1]] = hashlib.sha256(path.read_bytes()).hexdigest()
    return out


def _write(ix_dir: Path, writer_class, docs: list[Document], **kwargs) -> dict[str, str]:
    ix_dir.mkdir()
    ix = whoosh_index.create_in(str(ix_dir), build_schema())
    writer = writer_class(ix, compound=False, **kwargs)
    for doc in docs:
        writer.add_document(**document_fields(doc))
    writer.commit()
    return _segment_files(ix_dir)


def test_bulk_writer_files_are_byte_identical_to_whoosh(seeds, tmp_path, monkeypatch):
    def dumps(obj, protocol):
        # Whoosh pickles a block's (ids, weights, values) and its 6-number header.
        return pickle.dumps(obj, BLOCK_PROTOCOL if len(obj) == 3 else protocol)

    monkeypatch.setattr(whoosh3, "dumps", dumps)
    docs = _documents(seeds)
    whoosh = _write(tmp_path / "whoosh", SegmentWriter, docs)
    assert _write(tmp_path / "bulk", BulkWriter, docs) == whoosh
    # Spilled to many sorted runs on disk and merged back: still the same bytes.
    assert _write(tmp_path / "spilled", BulkWriter, docs, limitmb=0.05) == whoosh
    assert {"pst", "trm", "_stored.col", "_body_len.col", "source.col"} <= whoosh.keys()


def _meaning(ix_dir: Path) -> dict:
    """Per (field, term): [(id, weight, positions)]; lengths and stored fields by id."""
    with whoosh_index.open_dir(str(ix_dir)).reader() as reader:
        ids = {docnum: fields["id"] for docnum, fields in reader.iter_docs()}
        postings = {}
        for fieldname, term in reader.all_terms():
            matcher = reader.postings(fieldname, term)
            rows = []
            while matcher.is_active():
                positional = matcher.supports("positions")
                positions = tuple(matcher.value_as("positions")) if positional else None
                rows.append((ids[matcher.id()], matcher.weight(), positions))
                matcher.next()
            postings[fieldname, term] = sorted(rows)
        lengths = {
            (name, ids[d]): reader.doc_field_length(d, name)
            for name in reader.schema.scorable_names()
            for d in ids
        }
        stored = {fields["id"]: fields for _, fields in reader.iter_docs()}
    return {"postings": postings, "lengths": lengths, "stored": stored}


def test_bulk_writer_index_means_what_whoosh_writes(seeds, tmp_path):
    docs = _documents(seeds)
    for name, writer_class in (("whoosh", SegmentWriter), ("bulk", BulkWriter)):
        _write(tmp_path / name, writer_class, docs)
    assert _meaning(tmp_path / "bulk") == _meaning(tmp_path / "whoosh")


def test_merging_segments_through_the_bulk_writer_keeps_the_meaning(seeds, tmp_path):
    docs = _documents(seeds)
    results = []
    for name, writer_class in (("whoosh", SegmentWriter), ("bulk", BulkWriter)):
        ix_dir = tmp_path / name
        ix_dir.mkdir()
        ix = whoosh_index.create_in(str(ix_dir), build_schema())
        for part in (docs[:100], docs[100:200], docs[200:]):
            writer = writer_class(ix, compound=False, limitmb=0.05)
            for doc in part:
                writer.add_document(**document_fields(doc))
            writer.delete_by_term("id", "d7")
            writer.commit()  # small segments are merged into this writer's pool
        results.append(_meaning(ix_dir))
    assert results[0] == results[1]
    assert "d7" not in results[1]["stored"]
