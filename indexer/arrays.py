"""One index generation's postings, field lengths and facet columns as numpy arrays.

Whoosh's matchers walk postings one Python call at a time (~15 ms a query at 19,000
articles, ~1 s at 190,000). Segments never change once written and BM25's statistics are
fixed for a generation, so each term's postings are decoded once, scored once, and kept;
a query is then a handful of vector operations (evaluate.py). Threads share one
`IndexArrays` per generation; each loads through its own reader, since Whoosh readers hold
file positions.
"""

from __future__ import annotations

import os
import pickle
import threading
import weakref
from bisect import bisect_right
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
from whoosh.codec.whoosh3 import LENGTHS_COLUMN, STORED_COLUMN, W3LeafMatcher
from whoosh.columns import CompressedBytesColumn, PickleColumn
from whoosh.matching.wrappers import FilterMatcher
from whoosh.reading import TermNotFound
from whoosh.util.numeric import byte_to_length

from .ranking import WEIGHTING

# Whoosh stores a field's length per document as one byte on a log scale; BM25 sees the
# decoded value, so the arrays do too.
_BYTE_LENGTHS = np.array([byte_to_length(b) for b in range(256)], dtype=np.float64)
# Decoded postings kept across queries, per process. The 200 Reuters benchmark queries need
# 12 MB at 19,000 stories and 125 MB at 190,000; a smaller cache there reloads common words
# (300 ms for "said") on every pass.
CACHE_BYTES = 160 * 1024 * 1024
# Generations kept: the live one and the one being replaced while requests drain.
_GENERATIONS = 2


@dataclass
class TermPostings:
    """A term's postings over the whole index: documents, BM25 score, positions on demand."""

    docs: np.ndarray  # int64 (numpy's index type) global document numbers, ascending
    scores: np.ndarray  # float64 BM25 score in its field (unboosted), or the weight if unscored
    values: bytes  # Whoosh's encoded posting values, concatenated
    offsets: np.ndarray  # values[offsets[i]:offsets[i + 1]] belongs to docs[i]
    # BM25F's length-normalised term frequency tf / ((1 - b) + b·len/avglen) in its field.
    ntf: np.ndarray
    df: int  # Whoosh's document frequency (deleted documents too, as BM25's idf counts them)

    @property
    def nbytes(self) -> int:
        sizes = self.docs.nbytes + self.scores.nbytes + self.ntf.nbytes + self.offsets.nbytes
        return sizes + len(self.values)

    def value(self, i: int) -> bytes:
        return self.values[self.offsets[i] : self.offsets[i + 1]]


class IndexArrays:
    """Lazily loaded, shared arrays for one generation (a fixed set of segments)."""

    def __init__(self, reader):
        self.doc_count = reader.doc_count_all()
        self.live = np.ones(self.doc_count, dtype=bool)
        for leaf, offset in reader.leaf_readers():
            deleted = list(leaf.deleted_docs_set) if leaf.has_deletions() else []
            self.live[np.asarray(deleted, dtype=np.int64) + offset] = False
        self._lock = threading.Lock()
        self._terms: OrderedDict[tuple[str, str], TermPostings | None] = OrderedDict()
        self._cached = 0
        self._lengths: dict[str, np.ndarray] = {}
        self._columns: dict[str, tuple[np.ndarray, list[str]]] = {}
        self._distinct: dict[str, bool] = {}

    # --- postings --------------------------------------------------------------------------

    def term(self, reader, fieldname: str, text: str) -> TermPostings | None:
        """The term's postings (None if no document has it), loaded once through `reader`."""
        key = (fieldname, text)
        with self._lock:
            if key in self._terms:
                self._terms.move_to_end(key)
                return self._terms[key]
        found = self._load(reader, fieldname, text)
        with self._lock:
            if key not in self._terms:
                self._terms[key] = found
                self._cached += found.nbytes if found else 0
                while self._cached > CACHE_BYTES and len(self._terms) > 1:
                    _, old = self._terms.popitem(last=False)
                    self._cached -= old.nbytes if old else 0
        return found

    def doc_frequency(self, fieldname: str, text: str) -> int | None:
        """The term's document frequency if its postings are already loaded, else None:
        a free answer for words a query has just looked up, never a load."""
        with self._lock:
            if (fieldname, text) not in self._terms:
                return None
            found = self._terms[(fieldname, text)]
        return found.df if found is not None else 0

    def _load(self, reader, fieldname: str, text: str) -> TermPostings | None:
        docs: list[np.ndarray] = []
        weights: list[np.ndarray] = []
        values: list[bytes] = []
        for leaf, offset in reader.leaf_readers():
            try:
                matcher = leaf.postings(fieldname, text)
            except TermNotFound:
                continue
            if isinstance(matcher, FilterMatcher):
                matcher = matcher.child  # deletions are applied once, by `live`
            ids, ws, vs = _read_postings(matcher)
            docs.append(np.asarray(ids, dtype=np.int64) + offset)
            weights.append(np.asarray(ws, dtype=np.float64))
            values.extend(vs)
        if not docs:
            return None
        all_docs = np.concatenate(docs)
        tf = np.concatenate(weights)
        sizes = np.fromiter((len(v) for v in values), dtype=np.int32, count=len(values))
        offsets = np.zeros(len(values) + 1, dtype=np.int32)
        np.cumsum(sizes, out=offsets[1:])
        if not reader.schema[fieldname].scorable:
            return TermPostings(all_docs, tf, b"".join(values), offsets, tf, len(all_docs))
        norm = self._norm(reader, fieldname, all_docs)
        scores = self._bm25(reader, fieldname, text, tf, norm)
        df = reader.doc_frequency(fieldname, text)
        return TermPostings(all_docs, scores, b"".join(values), offsets, tf / norm, df)

    def _norm(self, reader, fieldname, docs) -> np.ndarray:
        """BM25's length normalisation (1 - b) + b·len/avglen, ranking.WEIGHTING's B."""
        avgfl = reader.field_length(fieldname) / (self.doc_count or 1) or 1
        fl = self.lengths(reader, fieldname)[docs]
        b = WEIGHTING.field_b(fieldname)
        return (1 - b) + b * fl / avgfl

    def _bm25(self, reader, fieldname, text, tf, norm) -> np.ndarray:
        """Whoosh's BM25F term score with ranking.WEIGHTING's idf, B and K1, vectorised."""
        idf = WEIGHTING.idf(reader, fieldname, text)
        k1 = WEIGHTING.K1
        return idf * ((tf * (k1 + 1)) / (tf + k1 * norm))

    # --- per-document columns --------------------------------------------------------------

    def lengths(self, reader, fieldname: str) -> np.ndarray:
        """Every document's length of `fieldname`, as BM25 sees it (0 when empty)."""
        found = self._lengths.get(fieldname)
        if found is None:
            parts = [_length_bytes(leaf, fieldname) for leaf, _ in reader.leaf_readers()]
            found = self._lengths[fieldname] = _BYTE_LENGTHS[np.concatenate(parts)]
        return found

    def column(self, reader, fieldname: str) -> tuple[np.ndarray, list[str]]:
        """(code per document, sorted distinct values) of a sortable field; "" when missing."""
        found = self._columns.get(fieldname)
        if found is None:
            values: list[str] = []
            for leaf, _ in reader.leaf_readers():
                values.extend(_text(v) for v in leaf.column_reader(fieldname))
            names, codes = np.unique(np.array(values, dtype=object), return_inverse=True)
            found = self._columns[fieldname] = (codes.astype(np.int64), [str(n) for n in names])
        return found

    def distinct(self, reader, fieldname: str) -> bool:
        """Whether no two live documents share a value of `fieldname` (every file is its own
        source; an updated file's deleted old copy does not count)."""
        found = self._distinct.get(fieldname)
        if found is None:
            live = self.column(reader, fieldname)[0][self.live]
            found = self._distinct[fieldname] = len(np.unique(live)) == len(live)
        return found


def _text(value) -> str:
    return value.decode("utf-8") if isinstance(value, bytes) else (value or "")


def _read_postings(matcher) -> tuple[list[int], list[float], list[bytes]]:
    """A term's (ids, weights, values) in one segment, a block at a time where possible."""
    ids: list[int] = []
    weights: list[float] = []
    values: list[bytes] = []
    if isinstance(matcher, W3LeafMatcher):
        # Whoosh decodes a whole block (up to 128 postings) per read; going through id(),
        # weight() and value() per posting costs ten times more.
        while matcher.is_active():
            matcher._read_ids()
            matcher._read_weights()
            matcher._read_values()
            ids.extend(matcher._ids)
            weights.extend(matcher._weights)
            values.extend(v or b"" for v in matcher._values)
            matcher._next_block()
        return ids, weights, values
    # Terms in one document are stored inline with the term; no blocks to read.
    while matcher.is_active():
        ids.append(matcher.id())
        weights.append(matcher.weight())
        values.append(matcher.value() or b"")
        matcher.next()
    return ids, weights, values


def _length_bytes(leaf, fieldname: str) -> np.ndarray:
    """The segment's one-byte field lengths, read as one slice of the column file."""
    out = np.zeros(leaf.doc_count_all(), dtype=np.uint8)
    column = leaf._perdoc._cached_reader(f"_{fieldname}_len", LENGTHS_COLUMN)
    if column is not None:
        # The column stops at the last document with a value; later ones read as 0.
        count = min(column._count, len(out))
        out[:count] = np.frombuffer(column._dbfile.get(column._basepos, count), dtype=np.uint8)
    return out


@dataclass(frozen=True)
class _StoredColumn:
    """Where one segment's pickled, compressed stored fields are (Whoosh's STORED_COLUMN)."""

    dbfile: object  # Whoosh's StructFile over the column's file
    basepos: int
    offsets: object  # array: each document's offset from basepos
    lengths: object  # array: each document's length in bytes, 0 for none
    decompress: Callable[[bytes], bytes]

    @classmethod
    def of(cls, leaf) -> _StoredColumn | None:
        """The segment's column, or None when it is not the file Whoosh 3 writes."""
        column = leaf._perdoc._cached_reader("_stored", STORED_COLUMN)
        inner = getattr(column, "_child", None)
        if not (
            isinstance(column, PickleColumn.Reader)
            and isinstance(inner, CompressedBytesColumn.Reader)
            and inner._dbfile.is_real
        ):
            return None
        return cls(inner._dbfile, inner._basepos, inner._offsets, inner._lengths, inner._decompress)


# reader -> (each leaf's first document number, its stored column, the schema's field names).
_STORED: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()


def stored_fields(reader, docnum: int) -> dict:
    """`reader.stored_fields(docnum)`, read with one `pread` of the segment's stored column:
    Whoosh's way there (the multi-reader, two wrapped column readers, a seek and a read)
    cost a third of the ~25 µs a result's stored fields take."""
    found = _STORED.get(reader)
    if found is None:
        leaves = reader.leaf_readers()
        starts = [offset for _, offset in leaves]
        columns = [_StoredColumn.of(leaf) for leaf, _ in leaves]
        found = _STORED[reader] = (starts, columns, frozenset(reader.schema.names()))
    starts, columns, names = found
    i = bisect_right(starts, docnum) - 1
    column, local = columns[i], docnum - starts[i]
    if column is None or column.dbfile.is_closed:  # Whoosh's way, or its ReaderClosed
        return reader.stored_fields(docnum)
    length = column.lengths[local]
    if not length:
        return {}
    data = os.pread(column.dbfile.fileno(), length, column.basepos + column.offsets[local])
    fields = pickle.loads(column.decompress(data))
    if fields.keys() <= names:
        return fields
    schema = reader.schema  # fields no longer in it are left out, as Whoosh does
    return {k: v for k, v in fields.items() if k in schema}


_BY_GENERATION: OrderedDict[tuple, IndexArrays] = OrderedDict()
_BY_GENERATION_LOCK = threading.Lock()


def for_reader(reader) -> IndexArrays:
    """The shared arrays of the generation `reader` reads (same segments, same deletions)."""
    key = tuple(
        (leaf.segment().segment_id(), leaf.doc_count_all(), leaf.doc_count())
        for leaf, _ in reader.leaf_readers()
    )
    with _BY_GENERATION_LOCK:
        arrays = _BY_GENERATION.get(key)
        if arrays is not None:
            _BY_GENERATION.move_to_end(key)
            return arrays
    arrays = IndexArrays(reader)
    with _BY_GENERATION_LOCK:
        arrays = _BY_GENERATION.setdefault(key, arrays)
        while len(_BY_GENERATION) > _GENERATIONS:
            _BY_GENERATION.popitem(last=False)
    return arrays
