"""Text analysis shared by indexing, querying and highlighting: NLTK tokens, stopwords, stems."""

from __future__ import annotations

import re
from functools import lru_cache

from whoosh.analysis import Filter, LowercaseFilter, StopFilter, Tokenizer
from whoosh.analysis.acore import Token

from .nltk_import import RegexpTokenizer, SnowballStemmer, redos
from .stopwords import nltk_english

# Words are runs of letters/digits; "U.S" and "3.5" stay whole. Apostrophes and hyphens split
# ("Xi's" -> xi, s; "Jae-in" -> jae, in) identically at index and query time.
WORD_PATTERN = r"\w+(?:\.\w+)*"
WORD_RE = re.compile(WORD_PATTERN)

STOPWORDS = nltk_english()
_STEMMER = SnowballStemmer("english")


@lru_cache(maxsize=200_000)
def stem(word: str) -> str:
    """The Snowball stem of a lowercased word; cached because Snowball costs ~10 µs a call."""
    # Numbers and dotted abbreviations ("3.5", "u.s") are kept whole: Snowball mangles them.
    return _STEMMER.stem(word) if word.isalpha() else word


# Source paths split at every non-alphanumeric ("reuters/2020/a_b.txt" -> reuters 2020 a b txt).
SOURCE_PATTERN = r"[^\W_]+"


def source_words(text: str) -> list[str]:
    """The lowercased alphanumeric runs of a source path, as the source_words field indexes them."""
    return [m.group().lower() for m in re.finditer(SOURCE_PATTERN, text)]


def words(text: str) -> list[tuple[str, int, int]]:
    """(lowercased word, start, end) for every word of `text`, as the analyzers see them."""
    return [(m.group().lower(), m.start(), m.end()) for m in WORD_RE.finditer(text)]


class NltkTokenizer(Tokenizer):
    """Whoosh tokenizer over NLTK's RegexpTokenizer spans, keeping positions and offsets."""

    def __init__(self, pattern: str = WORD_PATTERN):
        self.pattern = pattern
        self._nltk = RegexpTokenizer(pattern)

    def __eq__(self, other):
        return self.__class__ is other.__class__ and self.pattern == other.pattern

    # Whoosh pickles the schema into every index. NLTK's compiled pattern carries a
    # module-level sentinel that does not survive unpickling, so only the pattern is kept.
    def __getstate__(self):
        return {"pattern": self.pattern}

    def __setstate__(self, state):
        self.__init__(state["pattern"])

    def __call__(
        self,
        value,
        positions=False,
        chars=False,
        keeporiginal=False,
        removestops=True,
        start_pos=0,
        start_char=0,
        mode="",
        **kwargs,
    ):
        t = Token(positions, chars, removestops=removestops, mode=mode, **kwargs)
        for pos, (start, end) in enumerate(self._nltk.span_tokenize(value)):
            t.text = value[start:end]
            t.boost = 1.0
            t.stopped = False
            if keeporiginal:
                t.original = t.text
            if positions:
                t.pos = start_pos + pos
            if chars:
                t.startchar = start_char + start
                t.endchar = start_char + end
            yield t


class SnowballFilter(Filter):
    """Replaces each token with its cached NLTK Snowball stem."""

    def __eq__(self, other):
        return self.__class__ is other.__class__

    def __call__(self, tokens):
        for t in tokens:
            if not t.stopped:
                t.text = stem(t.text)
            yield t


def stemming_analyzer():
    """Tokenize → lowercase → drop stopwords → stem: the ranked text fields.

    A dropped stopword keeps its position (as Lucene's StopFilter does): the proximity bonus
    counts the words between a pair, stopwords included, as OpenSearch's intervals do."""
    return (
        NltkTokenizer()
        | LowercaseFilter()
        | StopFilter(stoplist=STOPWORDS, minsize=1, renumber=False)
        | SnowballFilter()
    )


def exact_analyzer():
    """Tokenize → lowercase, nothing dropped: names and exact phrases ("Bank of Korea")."""
    return NltkTokenizer() | LowercaseFilter()


def stem_terms(text: str) -> list[str]:
    """The stemmed, stopword-free terms of `text`, as the stemmed fields index them."""
    return [stem(w) for w, _, _ in words(text) if w not in STOPWORDS]


# The indexer's fast path: the analyzers' output without a Token object per word and filter.
# It must stay token-for-token identical to the analyzers above (tests compare them), so it
# matches as NLTK's RegexpTokenizer does (its `regex` engine, its flags) rather than with
# WORD_RE, but without the 5 s timeout NLTK puts on every call, which doubled the cost: the
# pattern runs in linear time.
_NLTK_FLAGS = re.UNICODE | re.MULTILINE | re.DOTALL  # RegexpTokenizer's default
_INDEX_WORDS = redos.compile(WORD_PATTERN, _NLTK_FLAGS, timeout=None)


def index_words(text: str) -> list[str]:
    """The lowercased words of `text` in order, as both text analyzers tokenize it."""
    return [w.lower() for w in _INDEX_WORDS.findall(text)]


def exact_positions(words_: list[str]) -> dict[str, list[int]]:
    """term -> positions, as `exact_analyzer` indexes the text of `index_words`."""
    table: dict[str, list[int]] = {}
    for pos, word in enumerate(words_):
        if word in table:
            table[word].append(pos)
        else:
            table[word] = [pos]
    return table


def stemmed_positions(words_: list[str]) -> dict[str, list[int]]:
    """term -> positions, as `stemming_analyzer` indexes the text of `index_words` (each
    word at its own position: stopwords leave gaps)."""
    table: dict[str, list[int]] = {}
    for pos, word in enumerate(words_):
        if word in STOPWORDS:
            continue
        term = stem(word)
        if term in table:
            table[term].append(pos)
        else:
            table[term] = [pos]
    return table
