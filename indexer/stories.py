"""One story, many copies: near-duplicate documents grouped under one `story` id.

Two documents are copies of one story when their clean texts share most of their 5-word
shingles (Broder's resemblance: Jaccard of the shingle sets >= THRESHOLD). Each document's
shingle set is summarised by a MinHash signature (datasketch's affine32 scheme); LSH over the
signatures finds the candidate pairs without comparing all of them, each candidate is checked
on the signatures' Jaccard estimate, and the connected groups are the stories. A story's id is
the smallest document id among its copies, so it depends only on which documents are in it.

The signatures and story ids of a generation live beside its index in STORIES_FILE (see
`save`): an incremental build drops and adds signatures and groups them again, so story ids
stay right when a copy comes or goes, and no indexed document has to be rewritten.
"""

from __future__ import annotations

import json
import re
import weakref
import zlib
from collections.abc import Mapping
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import numpy as np

from .document import doc_id

SHINGLE_WORDS = 5
# Permutations per signature: the Jaccard estimate's standard error is about
# sqrt(J(1-J)/NUM_PERM), 0.06 at J = 0.5; a signature costs NUM_PERM * 4 bytes.
NUM_PERM = 64
# Measured with bench/story_eval.py (docs/decisions.md has the table).
THRESHOLD = 0.5
STORIES_FILE = "stories.npz"
_SEED = 1
_WORD = re.compile(r"\w+")

# MinHash as datasketch 2's "affine32" scheme computes it (MinHash(num_perm=NUM_PERM,
# seed=_SEED, hashfunc=zlib.crc32, scheme="affine32")), bit for bit (tests compare both):
# each shingle's crc32 is mixed by MurmurHash3's 32-bit finalizer, then permuted as
# a·h + b mod 2**32 with odd a. Importing datasketch costs ~0.6 s of CPU and, with the scipy it
# imports, ~55 MiB in every process that signs a text (each build worker, and the parent of
# every incremental build); these few lines need numpy alone.
_FMIX = (np.uint32(16), np.uint32(0x85EBCA6B), np.uint32(13), np.uint32(0xC2B2AE35))


@cache
def _permutations() -> tuple[np.ndarray, np.ndarray]:
    """datasketch's (a, b) for the seed: a = 2·randint(2**31) + 1, then b = randint(2**32)."""
    gen = np.random.RandomState(_SEED)
    a = gen.randint(0, 1 << 31, NUM_PERM, dtype=np.uint32) * np.uint32(2) + np.uint32(1)
    b = gen.randint(0, 1 << 32, NUM_PERM, dtype=np.uint32)
    return a, b


def _fmix32(hv: np.ndarray) -> np.ndarray:
    shift1, mul1, shift2, mul2 = _FMIX
    hv = hv ^ (hv >> shift1)
    hv = hv * mul1
    hv = hv ^ (hv >> shift2)
    hv = hv * mul2
    return hv ^ (hv >> shift1)


def shingles(text: str) -> set[bytes]:
    """The text's distinct 5-word shingles (words lower-cased); a shorter text is one shingle."""
    tokens = _WORD.findall(text.casefold())
    if len(tokens) < SHINGLE_WORDS:
        return {" ".join(tokens).encode()} if tokens else set()
    return {
        " ".join(tokens[i : i + SHINGLE_WORDS]).encode()
        for i in range(len(tokens) - SHINGLE_WORDS + 1)
    }


def signature(text: str) -> np.ndarray:
    """The MinHash signature (uint32 x NUM_PERM) of the text's shingles; all zeros if none."""
    found = shingles(text)
    if not found:
        return np.zeros(NUM_PERM, dtype=np.uint32)
    a, b = _permutations()
    hv = _fmix32(np.array([zlib.crc32(s) for s in found], dtype=np.uint32).reshape(-1, 1))
    # uint32 arithmetic wraps, so this is already mod 2**32 (datasketch's clamp to the
    # largest hash is a no-op for 32-bit values).
    return (hv * a + b).min(axis=0)


# Nodes of Gauss-Legendre quadrature: exact for polynomials of degree below 2·_NODES, and
# the LSH collision probabilities below have degree bands·rows <= NUM_PERM.
_NODES = NUM_PERM


@cache
def _gauss() -> tuple[np.ndarray, np.ndarray]:
    return np.polynomial.legendre.leggauss(_NODES)


def _collides(lo: float, hi: float, b: int, r: int) -> float:
    """The integral over similarities s in [lo, hi] of 1 - (1 - s**r)**b, the chance that two
    signatures share a bucket in one of b bands of r rows (Gauss-Legendre)."""
    x, w = _gauss()
    s = (hi - lo) / 2 * x + (hi + lo) / 2
    return (hi - lo) / 2 * float(w @ (1 - (1 - s**r) ** b))


@cache
def bands(threshold: float) -> tuple[int, int]:
    """(bands, rows per band) as datasketch's MinHashLSH picks them for the threshold: the
    pair minimising the false positive plus false negative probability, each the integral
    over the Jaccard similarity of finding a dissimilar pair or missing a similar one
    (datasketch integrates with scipy's quad; these polynomials' integrals are exact here,
    and tests compare the two)."""
    best, pick = float("inf"), (0, 0)
    for b in range(1, NUM_PERM + 1):
        for r in range(1, NUM_PERM // b + 1):
            false_positive = _collides(0.0, threshold, b, r)
            false_negative = (1 - threshold) - _collides(threshold, 1.0, b, r)
            if false_positive + false_negative < best:
                best, pick = false_positive + false_negative, (b, r)
    return pick


# Random odd multipliers that fold a band's rows into one 64-bit bucket key.
_FOLD = np.random.default_rng(_SEED).integers(1, 2**63, size=NUM_PERM, dtype=np.uint64) | 1


def _candidates(signatures: np.ndarray, rows: np.ndarray, threshold: float) -> np.ndarray:
    """Pairs of `rows` that share a bucket in some band (LSH), as an (n, 2) array.

    Within a bucket (sorted by row) each member is paired with the first and the previous:
    copies of one story form a chain either way, and a bucket of k rows costs k pairs, not k²."""
    n_bands, r = bands(threshold)
    found = []
    with np.errstate(over="ignore"):  # the fold wraps around 2**64 on purpose
        for band in range(n_bands):
            cols = slice(band * r, (band + 1) * r)
            keys = (signatures[rows, cols].astype(np.uint64) * _FOLD[cols]).sum(axis=1)
            keys += np.uint64(band)
            order = np.lexsort((rows, keys))
            k, members = keys[order], rows[order]
            same = k[1:] == k[:-1]
            if not same.any():
                continue
            starts = np.flatnonzero(np.r_[True, ~same])
            first = members[starts[np.searchsorted(starts, np.arange(len(k)), "right") - 1]]
            idx = np.flatnonzero(same) + 1
            found.append(np.stack([members[idx - 1], members[idx]], axis=1))
            found.append(np.stack([first[idx], members[idx]], axis=1))
    if not found:
        return np.zeros((0, 2), dtype=np.int64)
    pairs = np.sort(np.concatenate(found), axis=1)
    pairs = pairs[pairs[:, 0] != pairs[:, 1]]
    n = np.int64(len(signatures))
    codes = np.unique(pairs[:, 0] * n + pairs[:, 1])  # 1-D unique: far faster than axis=0
    return np.stack([codes // n, codes % n], axis=1)


# Rows per step of the whole-signature passes: a step's temporaries are CHUNK_ROWS x NUM_PERM
# 8-byte values (32 MiB), where the whole 190,000-row matrix at once took over 200 MiB.
CHUNK_ROWS = 65536


def _whole_keys(signatures: np.ndarray, rows: np.ndarray) -> np.ndarray:
    """One 64-bit key per row of `rows` folded from its whole signature (equal rows, equal key)."""
    keys = np.empty(len(rows), dtype=np.uint64)
    with np.errstate(over="ignore"):  # the fold wraps around 2**64 on purpose
        for i in range(0, len(rows), CHUNK_ROWS):
            part = signatures[rows[i : i + CHUNK_ROWS]].astype(np.uint64)
            part *= _FOLD
            keys[i : i + CHUNK_ROWS] = part.sum(axis=1)
    return keys


def _agreement(signatures: np.ndarray, pairs: np.ndarray) -> np.ndarray:
    """For each pair of rows, how many of their NUM_PERM minima agree."""
    agree = np.empty(len(pairs), dtype=np.int64)
    for i in range(0, len(pairs), CHUNK_ROWS):
        a, b = pairs[i : i + CHUNK_ROWS, 0], pairs[i : i + CHUNK_ROWS, 1]
        agree[i : i + CHUNK_ROWS] = (signatures[a] == signatures[b]).sum(axis=1)
    return agree


def group(signatures: np.ndarray, threshold: float = THRESHOLD) -> np.ndarray:
    """For each row, the smallest row number of its story (connected near-duplicates).

    LSH bucketing (`_candidates`) finds the candidate pairs; a pair is joined when the
    signatures' Jaccard estimate reaches the threshold. A row of zeros (a text without
    words) is a story of its own."""
    labels = np.arange(len(signatures))
    rows = np.flatnonzero(signatures.any(axis=1))
    # Exact copies (one text published again as it is) are paired with their first row and
    # left out of the buckets, where each would add a pair per band.
    keys = _whole_keys(signatures, rows)
    _, first, inverse = np.unique(keys, return_index=True, return_inverse=True)
    same = np.stack([rows[first][inverse], rows], axis=1)
    same = same[same[:, 0] != same[:, 1]]
    pairs = np.concatenate([_candidates(signatures, np.sort(rows[first]), threshold), same])
    if len(pairs):
        pairs = pairs[_agreement(signatures, pairs) >= threshold * NUM_PERM]
    a, b = pairs[:, 0], pairs[:, 1]
    # Connected components by min-label propagation with pointer jumping: a handful of
    # vector passes, where a Python union-find over a million pairs took seconds.
    while len(pairs):
        low = np.minimum(labels[a], labels[b])
        before = labels.copy()
        np.minimum.at(labels, a, low)
        np.minimum.at(labels, b, low)
        while True:
            jumped = labels[labels]
            if np.array_equal(jumped, labels):
                break
            labels = jumped
        if np.array_equal(labels, before):
            break
    return labels


@dataclass
class StoryTable:
    """The stories of one generation: per indexed source its signature and story id."""

    sources: list[str]
    signatures: np.ndarray  # uint32, one row per source
    story: list[str]  # story id per source

    def story_of(self) -> dict[str, str]:
        return dict(zip(self.sources, self.story, strict=True))


class Signatures:
    """Signatures as a build collects them, one compact uint32 row per source.

    A dict of one small array per document cost about 1 KiB a document in the build parent
    (190,000 documents: ~200 MiB); rows in blocks cost NUM_PERM * 4 bytes. Setting a source
    again replaces its row (the last one wins)."""

    def __init__(self) -> None:
        self.sources: list[str] = []
        self._blocks: list[np.ndarray] = []
        self._block = np.empty((CHUNK_ROWS // 16, NUM_PERM), dtype=np.uint32)
        self._used = 0

    def __setitem__(self, source: str, sig: np.ndarray) -> None:
        if self._used == len(self._block):
            self._blocks.append(self._block)
            self._block = np.empty_like(self._block)
            self._used = 0
        self._block[self._used] = sig
        self._used += 1
        self.sources.append(source)

    def add_rows(self, sources: list[str], rows: np.ndarray) -> None:
        """Many sources at once (a build worker's share), `rows` in the same order."""
        self._seal()
        self._blocks.append(np.asarray(rows, dtype=np.uint32).reshape(len(sources), NUM_PERM))
        self.sources.extend(sources)

    def _seal(self) -> None:
        if self._used:
            self._blocks.append(self._block[: self._used].copy())
            self._used = 0

    def rows(self) -> np.ndarray:
        """Every row, in the order they were set."""
        self._seal()
        if not self._blocks:
            return np.zeros((0, NUM_PERM), dtype=np.uint32)
        if len(self._blocks) > 1:
            self._blocks = [np.concatenate(self._blocks)]
        return self._blocks[0]


def _sorted_rows(sources: list[str], rows: np.ndarray) -> tuple[list[str], np.ndarray]:
    """The distinct sources sorted, each with its last row."""
    last = {s: i for i, s in enumerate(sources)}
    order = sorted(last)
    picks = np.fromiter((last[s] for s in order), dtype=np.int64, count=len(order))
    if len(picks) == len(rows) and (picks == np.arange(len(rows))).all():
        return order, rows  # already in order (a full build's shares): no copy
    return order, rows[picks]


def _as_rows(signatures: Mapping[str, np.ndarray] | Signatures) -> tuple[list[str], np.ndarray]:
    """(sorted sources, their signatures as one uint32 matrix)."""
    if isinstance(signatures, Signatures):
        return _sorted_rows(signatures.sources, signatures.rows())
    sources = sorted(signatures)
    if not sources:
        return [], np.zeros((0, NUM_PERM), dtype=np.uint32)
    return sources, np.stack([signatures[s] for s in sources]).astype(np.uint32, copy=False)


def build_table(
    signatures: Mapping[str, np.ndarray] | Signatures, threshold: float = THRESHOLD
) -> StoryTable:
    """Group every source's signature into stories."""
    return _table_of(*_as_rows(signatures), threshold)


def _table_of(sources: list[str], sigs: np.ndarray, threshold: float = THRESHOLD) -> StoryTable:
    """The stories of sorted `sources` with their signature rows `sigs`."""
    if not sources:
        return StoryTable([], np.zeros((0, NUM_PERM), dtype=np.uint32), [])
    roots = group(sigs, threshold)
    ids = [doc_id(s) for s in sources]
    first: dict[int, str] = {}
    for root, one in zip(roots.tolist(), ids, strict=True):
        first[root] = min(first.get(root, one), one)
    return StoryTable(sources, sigs, [first[r] for r in roots.tolist()])


def updated(
    old: StoryTable | None, drop: set[str], add: Mapping[str, np.ndarray] | Signatures
) -> StoryTable:
    """The stories after dropping `drop` and adding (or replacing) `add`, regrouped in full."""
    sources, rows = _as_rows(add)
    if old is not None and old.sources:
        gone = drop | set(sources)
        keep = np.fromiter((s not in gone for s in old.sources), dtype=bool, count=len(old.sources))
        kept = [s for s, k in zip(old.sources, keep, strict=True) if k]
        sources, rows = _sorted_rows(kept + sources, np.concatenate([old.signatures[keep], rows]))
    return _table_of(sources, rows)


def save(folder: Path, table: StoryTable, name: str = STORIES_FILE) -> None:
    """Write the table into a generation folder (a fresh file: the folder's files may be hard
    links to the live generation's)."""
    path = Path(folder) / name
    path.unlink(missing_ok=True)
    with open(path, "wb") as out:
        np.savez(
            out,
            sources=np.array(json.dumps(table.sources)),
            story=np.array(json.dumps(table.story)),
            signatures=table.signatures,
        )


def load(folder: Path, name: str = STORIES_FILE, signatures: bool = True) -> StoryTable | None:
    """The table a generation holds, or None (an index written before stories, or damaged).

    Without `signatures` the table's signatures are an empty array: search needs only the
    story ids, and each server worker reading the signatures too (48 MiB at 190,000
    documents) only to drop them cost memory and time."""
    try:
        with np.load(Path(folder) / name, allow_pickle=False) as data:
            sources = json.loads(str(data["sources"]))
            story = json.loads(str(data["story"]))
            sigs = data["signatures"] if signatures else None
    except (OSError, ValueError, KeyError):
        return None
    if len(sources) != len(story):
        return None
    if sigs is None:
        return StoryTable(sources, np.zeros((0, NUM_PERM), dtype=np.uint32), story)
    if sigs.shape != (len(sources), NUM_PERM):
        return None
    return StoryTable(sources, sigs, story)


# --- at search time -----------------------------------------------------------------------

# Per generation's arrays: the story code of each document number, the story ids, and each
# story's documents.
_CODES: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()


@dataclass(frozen=True)
class StoryCodes:
    """A generation's stories at search time: `codes[docnum]` is a story code, `ids[code]`
    its story id; `order[starts[c]:starts[c + 1]]` are code c's documents, in document order
    (a story's copies without a scan of the whole index)."""

    codes: np.ndarray
    ids: list[str]
    order: np.ndarray
    starts: np.ndarray


def story_codes(searcher, arrays) -> StoryCodes:
    """The searcher's generation's StoryCodes, made once per generation.

    Documents of an index without a stories file are each their own story."""
    found = _CODES.get(arrays)
    if found is not None:
        return found
    reader = searcher.reader()
    codes, names = arrays.column(reader, "source")
    storage = getattr(getattr(searcher, "_ix", None), "storage", None)
    folder = getattr(storage, "folder", None)
    table = load(Path(folder), signatures=False) if folder else None
    of = table.story_of() if table else {}
    story_ids = [of.get(name) or doc_id(name) for name in names]
    unique, per_name = np.unique(np.array(story_ids, dtype=object), return_inverse=True)
    story = per_name.astype(np.int64)[codes]
    order = np.argsort(story, kind="stable")
    starts = np.searchsorted(story[order], np.arange(len(unique) + 1))
    found = _CODES[arrays] = StoryCodes(story, [str(u) for u in unique], order, starts)
    return found


@dataclass
class Collapsed:
    """The best-ranked copy of each story, best first, and how many stories match in all."""

    ranked: list[tuple[float, int]]
    stories: int


def collapse(top, docs: np.ndarray, codes: np.ndarray, limit: int) -> Collapsed:
    """The first `limit` stories of a ranking, each by its best-ranked copy.

    `top(k)` gives the best k (score, docnum); more are asked for while copies of stories
    already listed take places on the page."""
    k = limit
    while True:
        ranked = top(k)
        seen: set[int] = set()
        best = []
        for score, doc in ranked:
            code = int(codes[doc])
            if code not in seen:
                seen.add(code)
                best.append((score, doc))
        if len(best) >= limit or len(ranked) < k:
            break
        k *= 4
    return Collapsed(best[:limit], count_stories(docs, codes))


def count_stories(docs: np.ndarray, codes: np.ndarray) -> int:
    """How many stories the documents `docs` belong to (a count per code, not a sort; from
    the matching documents' numbers, not a mask: indexing by a mask reads every document)."""
    return int(np.count_nonzero(np.bincount(codes[docs])))


def versions(doc: int, mask: np.ndarray, stories: StoryCodes) -> np.ndarray:
    """The other matching documents of `doc`'s story, in document order."""
    code = stories.codes[doc]
    lo, hi = stories.starts[code], stories.starts[code + 1]
    if hi - lo == 1:  # most stories are one document: no mask to read
        return stories.order[:0]
    group = stories.order[lo:hi]
    others = group[mask[group]]
    return others[others != doc]
