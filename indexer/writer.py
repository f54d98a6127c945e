"""A Whoosh segment writer for bulk builds: the same index, a fraction of the work.

Whoosh's SegmentWriter runs every word through a chain of Token generators, once per field,
puts every posting into a sorting pool as a tuple (pickled one by one to disk past its memory
limit, then merged back one by one) and writes the postings one call at a time. This writer
produces the same segment files, byte for byte but for the pickle protocol of posting blocks
(tests compare both):

- each text is tokenized once for its stemmed and its exact field, without Token objects;
- postings are kept per term in arrays; past the memory limit they are spilled as sorted runs
  of whole terms, and merged term by term;
- each block of postings is encoded at once.
"""

from __future__ import annotations

import heapq
import pickle
import tempfile
import zlib
from array import array
from collections.abc import Iterator
from itertools import accumulate, pairwise
from operator import sub

from whoosh import formats
from whoosh.codec.whoosh3 import COMPRESSION_MIN_SIZE, WHOOSH3_HEADER_MAGIC, W3TermInfo
from whoosh.system import pack_int, pack_ushort
from whoosh.util.numeric import length_to_byte
from whoosh.writing import SegmentWriter

from .analysis import (
    exact_analyzer,
    exact_positions,
    index_words,
    stemmed_positions,
    stemming_analyzer,
)

# Rough bytes per term and per posting in `_Pool` (arrays, dict entry, key), for its limit.
_TERM_BYTES = 420
_POSTING_BYTES = 12
# Block data (ids, weights, values) is pickled with protocol 4 where Whoosh uses 2, which
# pickles each bytes value through codecs.encode: writing took a third less time and posting
# files ~40% less space. Readers unpickle any protocol; block headers stay at protocol 2.
BLOCK_PROTOCOL = 4
# Most postings hold one position, whose encoding depends on it alone: those are precomputed.
_SINGLES = tuple(formats.Positions().encode([pos]) for pos in range(4096))


class _Pool:
    """Postings by field and term, in arrays; spilled to sorted runs of whole terms on disk."""

    def __init__(self, tempdir: str, limitmb: float):
        self.fields: dict[str, dict[bytes, tuple]] = {}
        self.size = 0
        self.limit = limitmb * 1024 * 1024
        self._tempdir = tempdir
        self._runs: list = []

    def terms(self, fieldname: str) -> dict[bytes, tuple]:
        """The field's term -> postings table (see _new_postings)."""
        table = self.fields.get(fieldname)
        if table is None:
            table = self.fields[fieldname] = {}
        return table

    def add(self, item: tuple) -> None:
        """One (field, term, docnum, weight, value) posting; Whoosh's merges add these."""
        fieldname, tbytes, docnum, weight, vbytes = item
        vbytes = vbytes or b""
        table = self.terms(fieldname)
        postings = table.get(tbytes)
        if postings is None:
            postings = table[tbytes] = _new_postings()
            self.size += _TERM_BYTES
        ids, weights, values, sizes = postings
        ids.append(docnum)
        weights.append(weight)
        values += vbytes
        sizes.append(len(vbytes))
        self.size += _POSTING_BYTES + len(vbytes)
        self.check()

    def check(self) -> None:
        """Spill the postings in memory to a run on disk when they are over the limit."""
        if self.size > self.limit:
            self._spill()

    def _spill(self) -> None:
        # Closed by cleanup(): a run lives until the segment is written.
        run = tempfile.TemporaryFile(dir=self._tempdir)  # noqa: SIM115
        for key, (ids, weights, values, sizes) in self._sorted_memory():
            record = (key, ids.tobytes(), weights.tobytes(), values, sizes.tobytes())
            pickle.dump(record, run, pickle.HIGHEST_PROTOCOL)
        self.fields.clear()
        self.size = 0
        self._runs.append(run)

    def _sorted_memory(self) -> Iterator[tuple[tuple[str, bytes], tuple]]:
        for fieldname in sorted(self.fields):
            table = self.fields[fieldname]
            for tbytes in sorted(table):
                yield (fieldname, tbytes), table[tbytes]

    def _read_run(self, run) -> Iterator[tuple[tuple[str, bytes], tuple]]:
        run.seek(0)
        while True:
            # One load per record: a single Unpickler's memo would keep every record alive.
            try:
                key, ids, weights, values, sizes = pickle.load(run)
            except EOFError:
                return
            yield key, (array("I", ids), array("f", weights), values, array("I", sizes))

    def sorted_terms(self) -> Iterator[tuple[tuple[str, bytes], tuple]]:
        """Every (field, term) in order with its postings, runs and memory joined in doc order."""
        if not self._runs:
            yield from self._sorted_memory()
            return
        # Runs are in document order and memory holds the latest documents, so one term's
        # postings, joined in that order, stay sorted by document number.
        sources = [self._read_run(run) for run in self._runs] + [self._sorted_memory()]
        merged = heapq.merge(*sources, key=lambda item: item[0])
        key, postings = next(merged)
        for next_key, more in merged:
            if next_key == key:
                _extend(postings, more)
                continue
            yield key, postings
            key, postings = next_key, more
        yield key, postings

    def cleanup(self) -> None:
        for run in self._runs:
            run.close()
        self._runs.clear()
        self.fields.clear()


def _new_postings() -> tuple:
    """(document numbers, weights, encoded values joined, their sizes) of one term.

    Values are joined, not kept as bytes objects: a fifth of the memory, and each is cut out
    as a new object when written, as Whoosh's pickles (which share repeated objects) expect.
    A tuple of arrays, which hold no objects, drops out of the garbage collector's scans."""
    return (array("I"), array("f"), bytearray(), array("I"))


def _extend(postings: tuple, more: tuple) -> None:
    if more[0][0] <= postings[0][-1]:
        raise RuntimeError("postings out of document order")
    for mine, theirs in zip(postings, more, strict=True):
        mine += theirs


def _fast_kind(field) -> str | None:
    """'stemmed' or 'exact' for a positional text field the fast analysis reproduces."""
    fmt = field.format
    if type(fmt) is not formats.Positions or fmt.field_boost != 1.0:
        return None
    if field.analyzer == stemming_analyzer():
        return "stemmed"
    if field.analyzer == exact_analyzer():
        return "exact"
    return None


class BulkWriter(SegmentWriter):
    """A SegmentWriter whose add_document and segment flush take the fast paths above."""

    def __init__(self, ix, **kwargs):
        super().__init__(ix, **kwargs)
        limitmb = kwargs.get("limitmb", 128)
        self.pool = _Pool(self._tempstorage.folder, limitmb)
        self._kinds = {name: _fast_kind(field) for name, field in self.schema.items()}
        for name, field in self.schema.items():
            if field.vector or field.separate_spelling():
                raise ValueError(f"BulkWriter does not write vectors or spelling ({name})")
        if self.codec.postings_writer(None)._inlinelimit > 1:
            raise ValueError("BulkWriter does not inline postings into term infos")

    def _positions(self, value: str, kind: str, cache: dict) -> dict[str, list[int]]:
        # The stemmed and exact fields of a text get the same string: tokenize it once.
        words = cache.get(id(value))
        if words is None or words[0] is not value:
            words = cache[id(value)] = (value, index_words(value))
        if kind == "stemmed":
            return stemmed_positions(words[1])
        return exact_positions(words[1])

    def add_document(self, **fields):
        """Whoosh's add_document (same per-document columns), with the fast text analysis."""
        self._check_state()
        perdocwriter = self.perdocwriter
        pool = self.pool
        docnum = self.docnum
        docboost = self._doc_boost(fields)
        fieldnames = sorted(name for name in fields if not name.startswith("_"))
        self._check_fields(self.schema, fieldnames)
        words_cache: dict = {}

        perdocwriter.start_doc(docnum)
        try:
            for fieldname in fieldnames:
                value = fields[fieldname]
                if value is None:
                    continue
                field = self.schema[fieldname]
                length = 0
                if field.indexed:
                    boost = self._field_boost(fields, fieldname, docboost)
                    kind = self._kinds[fieldname]
                    table = pool.terms(fieldname)
                    if kind and isinstance(value, str):
                        length = self._add_text(table, field, value, kind, boost, words_cache)
                    else:
                        for tbytes, freq, weight, vbytes in field.index(value):
                            if field.scorable:
                                length += freq
                            pool.add((fieldname, tbytes, docnum, weight * boost, vbytes))
                stored = fields.get(f"_stored_{fieldname}", value)
                perdocwriter.add_field(fieldname, field, stored if field.stored else None, length)
                if field.column_type and stored is not None:
                    perdocwriter.add_column_value(
                        fieldname, field.column_type, field.to_column_value(stored)
                    )
        except ValueError:
            perdocwriter.cancel_doc()
            raise
        perdocwriter.finish_doc()
        pool.check()
        self._added = True
        self.docnum += 1

    def _add_text(self, table, field, value, kind, boost, cache) -> int:
        """Add one text field's postings; returns its length (the number of terms indexed)."""
        docnum = self.docnum
        encode = field.format.encode
        singles = _SINGLES
        cached = len(singles)
        size = 0
        table_of_doc = self._positions(value, kind, cache)
        for term, positions in table_of_doc.items():
            tbytes = term.encode("utf-8")
            postings = table.get(tbytes)
            if postings is None:
                postings = table[tbytes] = _new_postings()
                size += _TERM_BYTES
            ids, weights, values, sizes = postings
            ids.append(docnum)
            freq = len(positions)
            weights.append(freq * boost)
            if freq == 1 and positions[0] < cached:
                vbytes = singles[positions[0]]
            else:
                vbytes = encode(positions)
            n = len(vbytes)
            values += vbytes
            sizes.append(n)
            size += n
        self.pool.size += size + _POSTING_BYTES * len(table_of_doc)
        return sum(map(len, table_of_doc.values())) if field.scorable else 0

    def _flush_segment(self):
        self.perdocwriter.close()
        pdr = self.per_document_reader()
        try:
            self._write_postings(pdr)
        finally:
            self.fieldwriter.close()
            pdr.close()

    def _write_postings(self, pdr) -> None:
        """Write every term's postings in blocks, as FieldWriter.add_postings would."""
        fw = self.fieldwriter
        doccount = pdr.doc_count_all()
        current = None
        lengths: list[int] = []
        for (fieldname, tbytes), postings in self.pool.sorted_terms():
            if fieldname != current:
                if current is not None:
                    fw.finish_field()
                current = fieldname
                fw.start_field(fieldname, self.schema[fieldname])
                get = pdr.doc_field_length_reader(fieldname)
                lengths = [get(docnum) or 0 for docnum in range(doccount)]
            _write_term(fw, tbytes, postings, lengths)
        if current is not None:
            fw.finish_field()


def _write_term(fw, tbytes: bytes, postings: tuple, doc_lengths: list[int]) -> None:
    """Write one term's postings and term info as W3PostingsWriter and W3FieldWriter would.

    Their per-posting and per-block method calls cost more than the encoding itself, so each
    block is encoded here at once, with the same compression and statistics (the statistics
    through W3TermInfo.add_block itself, reading the block from `pw`)."""
    ids, weights, joined, sizes = postings
    joined = bytes(joined)
    offset = 0
    pw = fw._postwriter
    postfile = fw._postfile
    fixed = fw._format.fixed_value_size()
    limit = pw._blocklimit
    info = W3TermInfo()
    start = postfile.tell()
    postfile.write(WHOOSH3_HEADER_MAGIC)
    count = len(ids)
    for begin in range(0, count, limit):
        end = min(begin + limit, count)
        block_ids = ids[begin:end]
        block_weights = weights[begin:end]
        found = [n for n in map(doc_lengths.__getitem__, block_ids) if n]
        pw._ids = block_ids
        pw._weights = block_weights
        pw._minlength = min(found) if found else None
        pw._maxlength = max(found) if found else 0
        pw._maxweight = max(0, max(block_weights))
        info.add_block(pw)

        size = end - begin
        if block_weights.count(1.0) == size:
            mini_weights = None
        elif block_weights.count(block_weights[0]) == size:
            mini_weights = block_weights[0]
        else:
            mini_weights = tuple(block_weights)
        ends = list(accumulate(sizes[begin:end], initial=offset))
        if fixed is None or fixed < 0:
            # add_posting keeps only non-empty values; each becomes its own bytes object.
            mini_values = tuple([joined[a:b] for a, b in pairwise(ends) if b > a])
        elif fixed == 0:
            mini_values = None
        else:
            mini_values = joined[offset : ends[-1]]
        offset = ends[-1]
        previous = block_ids[:-1]
        previous.insert(0, 0)
        data = (tuple(map(sub, block_ids, previous)), mini_weights, mini_values)
        data = pickle.dumps(data, BLOCK_PROTOCOL)
        comp = pw._compression if len(data) >= COMPRESSION_MIN_SIZE else 0
        if comp:
            data = zlib.compress(data, comp)
        head = pickle.dumps(
            (
                size,
                block_ids[-1],
                pw._maxweight,
                comp,
                length_to_byte(pw._minlength),
                length_to_byte(pw._maxlength),
            ),
            2,
        )
        blocklength = len(head) + len(data)
        postfile.write(pack_int(-blocklength if end == count else blocklength) + head + data)
    info.set_extent(start, postfile.tell() - start)
    fw._tindex.add(pack_ushort(fw._fieldid) + tbytes, info.to_bytes())
