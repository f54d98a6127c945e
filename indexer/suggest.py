"""“Did you mean”: respell words the index has never seen, from the index's own vocabulary.

Only what helps is suggested: a word is respelled only when the index has never seen it and
the user typed it as a plain lower-case word (never a name, an acronym, a word with letters
beyond ASCII, an operator or field syntax), within an edit budget that grows with its length,
and the respelled query must find documents holding all its words. Measured on Reuters by
bench/suggest_eval.py; the thresholds and their table are in docs/decisions.md.
"""

from __future__ import annotations

import re
import threading
from array import array
from bisect import bisect_left, bisect_right
from typing import NamedTuple

from rapidfuzz import process
from rapidfuzz.distance import OSA
from whoosh import query as wq

from .analysis import STOPWORDS, stem
from .query import Compiler, Node, Word, positive_words

# Edits allowed by word length, as Elasticsearch's "AUTO" fuzziness: none up to 2 letters,
# one up to 5, two beyond. Edits are optimal string alignment (a swap of two neighbouring
# letters, "recieve", is one edit), as Damerau-Levenshtein fuzzy queries count them.
MIN_WORD_CHARS = 3
LONG_WORD_CHARS = 6
# Longer "words" are not misspellings (no real word is this long); capping them keeps a
# pasted 2,000-letter token from costing an edit-distance scan of its own.
MAX_WORD_CHARS = 32
# The corrected query must find documents holding all its words (what the typed one shows,
# if anything, was mostly relaxed to any of them).
MIN_HITS = 1
# A respelled known (rare) word must find this many times the documents the typed one does.
MORE_HITS = 2
# A word the index knows is respelled only when it is rare and a neighbour is far more common
# (Lucene's DirectSpellChecker "more popular" mode and its maxQueryFrequency of 1%): real
# text holds its own typos ("goverment" is in 8 Reuters stories, "government" in 2,105).
KNOWN_MAX_SHARE = 0.01
MORE_POPULAR = 20
EXACT_FIELDS = ("body_exact", "title_exact")

# A word as typed that may be respelled: plain lower-case ASCII letters, not part of a longer
# token, a name ("Lotus" is not "lotus"), a field ("title:") or a prefix ("denucl*").
_TYPED = re.compile(r"(?<![\w:*.'’-])([a-z]+)(?![\w:*'’]|\.\w)")


class _Terms(NamedTuple):
    """One segment's terms of one field, as did-you-mean reads them."""

    by_length: dict[int, list[str]]
    all: frozenset[str]
    frequencies: dict[int, array]  # by_length's document frequencies, term for term


# (segment id, field) -> the segment's terms. A segment never changes once written, and
# generations share segments, so the lists outlive searchers; the oldest are dropped.
_TERMS: dict[tuple[str, str], _Terms] = {}
_TERMS_MAX = 32
_LETTERS = "abcdefghijklmnopqrstuvwxyz"


def _segment_key(leaf) -> str:
    """What names a segment's term lists in the caches: its id (a reader of an index being
    written has no segment yet: the reader object itself)."""
    segment = leaf.segment()
    return segment.segment_id() if segment is not None else str(id(leaf))


def _segment_terms(leaf, name: str) -> _Terms:
    """The segment's terms of `name` by length (a word n edits away differs in length by at
    most n, so a scan reads a few lengths, not the whole vocabulary), as a set, and with
    their document frequencies (4 bytes a term)."""
    key = (_segment_key(leaf), name)
    terms = _TERMS.get(key)
    if terms is None:
        by_length: dict[int, list[str]] = {}
        frequencies: dict[int, array] = {}
        if name in leaf.indexed_field_names():
            to_text = leaf.schema[name].from_bytes
            for raw, info in leaf.iter_field(name):  # in order: each length's list is sorted
                term = to_text(raw)
                by_length.setdefault(len(term), []).append(term)
                frequencies.setdefault(len(term), array("I")).append(info.doc_frequency())
        every = frozenset(t for group in by_length.values() for t in group)
        terms = _Terms(by_length, every, frequencies)
        while len(_TERMS) >= _TERMS_MAX:
            _TERMS.pop(next(iter(_TERMS)), None)
        _TERMS[key] = terms
    return terms


def warm(reader) -> None:
    """Read every segment's term lists and the popular words now (a server's parent does,
    before it forks workers that would each read their own copy)."""
    for leaf, _ in reader.leaf_readers():
        for name in EXACT_FIELDS:
            _segment_terms(leaf, name)
    _popular_words(reader)


def _segment_frequency(leaf, name: str, term: str) -> int:
    """The term's document frequency in the segment, from its sorted terms of that length:
    Whoosh reads it from the term file (~20 µs a segment and field)."""
    terms = _segment_terms(leaf, name)
    group = terms.by_length.get(len(term), [])
    i = bisect_left(group, term)
    return terms.frequencies[len(term)][i] if i < len(group) and group[i] == term else 0


def _one_edit(word: str) -> set[str]:
    """Every string one edit (delete, swap, replace, insert a letter) from `word` (Norvig's
    edits1), each split's 26 replacements and insertions added as one list (~20% faster
    than a generator over every split and letter)."""
    n = len(word)
    out = {word[:i] + word[i + 1 :] for i in range(n)}
    out.update([word[:i] + word[i + 1] + word[i] + word[i + 2 :] for i in range(n - 1)])
    for i in range(n + 1):
        head, tail = word[:i], word[i:]
        out.update([head + c + tail for c in _LETTERS])
        if tail:
            rest = tail[1:]
            out.update([head + c + rest for c in _LETTERS])
    out.discard(word)
    return out


def max_edits(word: str) -> int:
    """Edits a word of this length may be away from its correction."""
    if len(word) < MIN_WORD_CHARS:
        return 0
    return 1 if len(word) < LONG_WORD_CHARS else 2


def _frequency(reader, word: str) -> int:
    return sum(reader.doc_frequency(name, word) for name in EXACT_FIELDS)


def _candidates(reader, word: str, limit: int) -> dict[str, int]:
    """Indexed words within `limit` edits of `word`, with their distance.

    rapidfuzz computes the distances in C over each segment's vocabulary: ~3 ms for 50,000
    words, where walking Whoosh's Levenshtein automaton in Python took up to 500 ms."""
    found: dict[str, int] = {}
    if limit == 1:  # a few hundred set lookups beat a scan
        edits = _one_edit(word)
        for leaf, _ in reader.leaf_readers():
            for name in EXACT_FIELDS:
                found.update(dict.fromkeys(edits & _segment_terms(leaf, name).all, 1))
        return found
    for leaf, _ in reader.leaf_readers():
        for name in EXACT_FIELDS:
            by_length = _segment_terms(leaf, name).by_length
            for size in range(len(word) - limit, len(word) + limit + 1):
                for cand, dist, _ in process.extract_iter(
                    word, by_length.get(size, ()), scorer=OSA.distance, score_cutoff=limit
                ):
                    if cand != word:
                        found[cand] = min(dist, found.get(cand, dist))
    return found


# A word's one-edit neighbours that _candidates can find: plain lower-case letters (a typed
# word is, and an edit adds only such letters).
_PLAIN = re.compile(r"[a-z]+")


class _Popular(NamedTuple):
    """A generation's plain words in MORE_POPULAR or more documents (both exact fields, every
    segment), by length, most documents first; `negated` holds minus their counts, ascending."""

    by_length: dict[int, list[str]]
    negated: dict[int, list[int]]


# Segment ids of a generation -> its _Popular; the live generation and the one it replaces.
_POPULAR: dict[tuple, _Popular] = {}
_POPULAR_MAX = 2
_POPULAR_LOCK = threading.Lock()


def _popular_words(reader) -> _Popular:
    """The generation's _Popular, made once from the segments' term lists (did-you-mean reads
    them anyway); ~6,000 of Reuters' 55,000 words."""
    leaves = reader.leaf_readers()
    key = tuple(_segment_key(leaf) for leaf, _ in leaves)
    found = _POPULAR.get(key)
    if found is not None:
        return found
    counts: dict[str, int] = {}
    for leaf, _ in leaves:
        for name in EXACT_FIELDS:
            terms = _segment_terms(leaf, name)
            for size, group in terms.by_length.items():
                for term, n in zip(group, terms.frequencies[size], strict=True):
                    counts[term] = counts.get(term, 0) + n
    ranked = sorted(
        ((-n, t) for t, n in counts.items() if n >= MORE_POPULAR and _PLAIN.fullmatch(t)),
    )
    by_length: dict[int, list[str]] = {}
    negated: dict[int, list[int]] = {}
    for minus, term in ranked:
        by_length.setdefault(len(term), []).append(_copy(term))
        negated.setdefault(len(term), []).append(minus)
    found = _Popular(by_length, negated)
    with _POPULAR_LOCK:
        while len(_POPULAR) >= _POPULAR_MAX:
            _POPULAR.pop(next(iter(_POPULAR)), None)
        _POPULAR[key] = found
    return found


def _copy(term: str) -> str:
    """A new string equal to `term`. Scanning a list writes each item's reference count; a
    server's workers share the term lists their parent read (see warm), and scanning the
    popular words as those same objects, spread over all the lists' pages, made every
    worker copy most of those pages. Copies lie together in a few pages of their own."""
    return term.encode().decode()


def _popular(reader, word: str, least: int) -> dict[str, int]:
    """The indexed plain words one edit from `word` in at least `least` documents (a superset:
    _correction checks each count), with their distance, 1.

    What _candidates finds at one edit, less the words too rare to replace a known word: a
    few hundred or thousand popular words of three lengths scanned in C, where listing a
    word's ~500 one-edit strings and looking each up took ~0.3 ms a word."""
    words = _popular_words(reader)
    found: dict[str, int] = {}
    for size in range(len(word) - 1, len(word) + 2):
        group = words.by_length.get(size)
        if not group:
            continue
        count = bisect_right(words.negated[size], -least)
        for cand, dist, _ in process.extract_iter(
            word, group[:count], scorer=OSA.distance, score_cutoff=1
        ):
            if cand != word:
                found[cand] = dist
    return found


def _correction(reader, word: str, known: int, candidates=_candidates, popular=None) -> str | None:
    """The indexed word fewest edits from `word`; of those, the one in most documents.

    A word the index knows (in `known` documents) is a typo only when it is long and one edit
    from a word MORE_POPULAR times more common with another stem: an inflection ("pursues",
    "pursue") is no typo, and search already finds it. `popular(reader, word, least)`, when
    given, lists the one-edit words in `least` or more documents, a shortcut for that case."""
    if known and len(word) < LONG_WORD_CHARS:
        return None
    if known and popular is not None:
        found = popular(reader, word, MORE_POPULAR * known)
    else:
        found = candidates(reader, word, 1 if known else max_edits(word))
    found = {c: d for c, d in found.items() if c.isalpha()}
    if known:
        base = stem(word)
        found = {
            c: d
            for c, d in found.items()
            if stem(c) != base and _frequency(reader, c) >= MORE_POPULAR * known
        }
    if not found:
        return None
    closest = min(found.values())
    return max(
        (c for c, d in found.items() if d == closest), key=lambda c: (_frequency(reader, c), c)
    )


def _respellable(word: Word, typed: set[str]) -> bool:
    return (
        word.text in typed
        and word.text not in STOPWORDS
        and MIN_WORD_CHARS <= len(word.text) <= MAX_WORD_CHARS
    )


def suggest(evaluator, q: str, node: Node | None, filter_q=None) -> str | None:
    """A corrected query string when some plainly typed words are unknown (or rare, beside a
    far more common neighbour) and the corrected query finds documents with all its words."""
    compiler = Compiler(evaluator.reader, 1)

    def count_all(words: list[Word]) -> int:
        return evaluator.count(wq.And([compiler.compile(w) for w in words]), filter_q)

    known = _KnownFrequencies(evaluator.reader, evaluator.arrays)
    return respell(q, node, known, count_all, popular=_popular)


class _KnownFrequencies:
    """The reader, answering doc_frequency from the postings the query has already loaded
    (every query word was just looked up) or the spelling candidates' segment terms:
    Whoosh's own lookup costs ~40 µs a field."""

    def __init__(self, reader, arrays):
        self._reader = reader
        self._arrays = arrays

    def doc_frequency(self, fieldname: str, text: str) -> int:
        known = self._arrays.doc_frequency(fieldname, text)
        if known is not None:
            return known
        if fieldname in EXACT_FIELDS:  # a candidate: its segments' terms are read already
            leaves = self._reader.leaf_readers()
            return sum(_segment_frequency(leaf, fieldname, text) for leaf, _ in leaves)
        return self._reader.doc_frequency(fieldname, text)

    def __getattr__(self, name: str):
        return getattr(self._reader, name)


def respell(
    q: str, node: Node | None, reader, count_all, candidates=_candidates, popular=None
) -> str | None:
    """`suggest` over any engine: `reader` gives doc_count() and doc_frequency(field, word),
    `count_all(words)` counts documents holding every word, `candidates(reader, word, edits)`
    the indexed words within `edits` of `word` with their distance; `popular` is optional
    (see _correction)."""
    common = KNOWN_MAX_SHARE * reader.doc_count()
    typed = {m.group(1) for m in _TYPED.finditer(q)}
    fixes: dict[str, str] = {}
    known_fixed = False
    for leaf in positive_words(node):
        if not isinstance(leaf, Word) or leaf.text in fixes or not _respellable(leaf, typed):
            continue
        known = _frequency(reader, leaf.text)
        if known > common:
            continue
        fix = _correction(reader, leaf.text, known, candidates, popular)
        if fix:
            fixes[leaf.text] = fix
            known_fixed |= known > 0
    if not fixes:
        return None
    words = counted_words(node)

    def with_all(spelling: dict[str, str]) -> int:
        """Documents holding every word of the query, respelled by `spelling`."""
        return count_all([Word(spelling.get(w.text, w.text), w.field) for w in words])

    # An unknown word can still match through its stem ("importent" finds "import"): the
    # correction must not find fewer. A respelled known word must find MORE_HITS times more.
    found = with_all(fixes)
    if found < MIN_HITS or found < (MORE_HITS if known_fixed else 1) * with_all({}):
        return None
    return _TYPED.sub(lambda m: fixes.get(m.group(1), m.group(1)), q)


def counted_words(node: Node | None) -> list[Word]:
    """The query's words that respell's document counts require (its non-stopwords)."""
    return [w for w in positive_words(node) if isinstance(w, Word) and w.text not in STOPWORDS]
