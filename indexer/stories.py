"""One story, many copies: near-duplicate documents grouped under one `story` id.

Two documents are copies of one story when their clean texts share most of their 5-word
shingles (Broder's resemblance: Jaccard of the shingle sets >= THRESHOLD). Each document's
shingle set is summarised by a MinHash signature (datasketch); LSH over the signatures finds
the candidate pairs without comparing all of them, each candidate is checked on the signatures'
Jaccard estimate, and the connected groups are the stories. A story's id is the smallest
document id among its copies, so it depends only on which documents are in it.

The signatures and story ids of a generation live beside its index in STORIES_FILE (see
`save`): an incremental build drops and adds signatures and groups them again, so story ids
stay right when a copy comes or goes, and no indexed document has to be rewritten.
"""

from __future__ import annotations

import json
import re
import weakref
import zlib
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from datasketch import MinHash, MinHashLSH

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
# Permutations shared by every signature; datasketch derives them from the seed alone.
# affine32: uint32 hash values, half the space of the 64-bit schemes.
_SCHEME = "affine32"
_TEMPLATE = MinHash(num_perm=NUM_PERM, seed=_SEED, hashfunc=zlib.crc32, scheme=_SCHEME)


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
    m = _TEMPLATE.copy()
    m.update_batch(found)
    return m.hashvalues.astype(np.uint32)


def _minhash(sig: np.ndarray) -> MinHash:
    return MinHash(
        seed=_SEED, hashvalues=sig, permutations=_TEMPLATE.permutations, scheme=_SCHEME
    )


def group(signatures: np.ndarray, threshold: float = THRESHOLD) -> np.ndarray:
    """For each row, the row number of its story's first member (connected near-duplicates).

    A row of zeros (a text without words) is a story of its own."""
    n = len(signatures)
    parent = np.arange(n)

    def find(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    lsh = MinHashLSH(threshold=threshold, num_perm=NUM_PERM)
    for i in range(n):
        sig = signatures[i]
        if not sig.any():
            continue
        m = _minhash(sig)
        for j in lsh.query(m):
            if np.count_nonzero(signatures[j] == sig) >= threshold * NUM_PERM:
                a, b = find(i), find(j)
                if a != b:
                    parent[max(a, b)] = min(a, b)
        lsh.insert(i, m, check_duplication=False)
    return np.array([find(i) for i in range(n)], dtype=np.int64)


@dataclass
class StoryTable:
    """The stories of one generation: per indexed source its signature and story id."""

    sources: list[str]
    signatures: np.ndarray  # uint32, one row per source
    story: list[str]  # story id per source

    def story_of(self) -> dict[str, str]:
        return dict(zip(self.sources, self.story, strict=True))


def build_table(signatures: dict[str, np.ndarray], threshold: float = THRESHOLD) -> StoryTable:
    """Group every source's signature into stories."""
    sources = sorted(signatures)
    if not sources:
        return StoryTable([], np.zeros((0, NUM_PERM), dtype=np.uint32), [])
    sigs = np.stack([signatures[s] for s in sources]).astype(np.uint32)
    roots = group(sigs, threshold)
    ids = [doc_id(s) for s in sources]
    first: dict[int, str] = {}
    for root, one in zip(roots.tolist(), ids, strict=True):
        first[root] = min(first.get(root, one), one)
    return StoryTable(sources, sigs, [first[r] for r in roots.tolist()])


def updated(
    old: StoryTable | None, drop: set[str], add: dict[str, np.ndarray]
) -> StoryTable:
    """The stories after dropping `drop` and adding (or replacing) `add`, regrouped in full."""
    signatures = {}
    if old is not None:
        signatures = {
            s: old.signatures[i] for i, s in enumerate(old.sources) if s not in drop
        }
    signatures.update(add)
    return build_table(signatures)


def save(folder: Path, table: StoryTable) -> None:
    """Write the table into a generation folder (a fresh file: the folder's files may be hard
    links to the live generation's)."""
    path = Path(folder) / STORIES_FILE
    path.unlink(missing_ok=True)
    with open(path, "wb") as out:
        np.savez(
            out,
            sources=np.array(json.dumps(table.sources)),
            story=np.array(json.dumps(table.story)),
            signatures=table.signatures,
        )


def load(folder: Path) -> StoryTable | None:
    """The table a generation holds, or None (an index written before stories, or damaged)."""
    try:
        with np.load(Path(folder) / STORIES_FILE, allow_pickle=False) as data:
            sources = json.loads(str(data["sources"]))
            story = json.loads(str(data["story"]))
            sigs = data["signatures"]
    except (OSError, ValueError, KeyError):
        return None
    if len(sources) != len(story) or sigs.shape != (len(sources), NUM_PERM):
        return None
    return StoryTable(sources, sigs, story)


# --- at search time -----------------------------------------------------------------------

# Per generation's arrays: the story code of each document number, and the story ids.
_CODES: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()


def story_codes(searcher, arrays) -> tuple[np.ndarray, list[str]]:
    """(story code per document number, story id per code) of the searcher's generation.

    Documents of an index without a stories file are each their own story."""
    found = _CODES.get(arrays)
    if found is not None:
        return found
    reader = searcher.reader()
    codes, names = arrays.column(reader, "source")
    storage = getattr(getattr(searcher, "_ix", None), "storage", None)
    folder = getattr(storage, "folder", None)
    table = load(Path(folder)) if folder else None
    of = table.story_of() if table else {}
    story_ids = [of.get(name) or doc_id(name) for name in names]
    unique, per_name = np.unique(np.array(story_ids, dtype=object), return_inverse=True)
    found = (per_name.astype(np.int64)[codes], [str(u) for u in unique])
    _CODES[arrays] = found
    return found


@dataclass
class Collapsed:
    """The best-ranked copy of each story, best first, and how many stories match in all."""

    ranked: list[tuple[float, int]]
    stories: int


def collapse(top, mask: np.ndarray, codes: np.ndarray, limit: int) -> Collapsed:
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
    return Collapsed(best[:limit], int(np.unique(codes[mask]).size))


def versions(doc: int, mask: np.ndarray, codes: np.ndarray) -> np.ndarray:
    """The other matching documents of `doc`'s story, in document order."""
    others = np.flatnonzero(mask & (codes == codes[doc]))
    return others[others != doc]
