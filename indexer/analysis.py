"""Text analysis shared by indexing, querying and highlighting: NLTK tokens, stopwords, stems."""

from __future__ import annotations

import re
from functools import lru_cache

from nltk.stem.snowball import SnowballStemmer
from nltk.tokenize import RegexpTokenizer
from whoosh.analysis import Filter, LowercaseFilter, StopFilter, Tokenizer
from whoosh.analysis.acore import Token

# Words are runs of letters/digits; "U.S" and "3.5" stay whole. Apostrophes and hyphens split
# ("Xi's" -> xi, s; "Jae-in" -> jae, in) identically at index and query time.
WORD_PATTERN = r"\w+(?:\.\w+)*"
WORD_RE = re.compile(WORD_PATTERN)

# NLTK's English list (nltk_data corpora/stopwords/english), used when that corpus is not
# installed: downloading it at run time is not allowed, and the list must not depend on it.
_NLTK_ENGLISH = """
    i me my myself we our ours ourselves you you're you've you'll you'd your yours yourself
    yourselves he him his himself she she's her hers herself it it's its itself they them their
    theirs themselves what which who whom this that that'll these those am is are was were be
    been being have has had having do does did doing a an the and but if or because as until
    while of at by for with about against between into through during before after above below
    to from up down in out on off over under again further then once here there when where why
    how all any both each few more most other some such no nor not only own same so than too
    very s t can will just don don't should should've now d ll m o re ve y ain aren aren't
    couldn couldn't didn didn't doesn doesn't hadn hadn't hasn hasn't haven haven't isn isn't ma
    mightn mightn't mustn mustn't needn needn't shan shan't shouldn shouldn't wasn wasn't weren
    weren't won won't wouldn wouldn't"""
BUILTIN_STOPWORDS = frozenset(_NLTK_ENGLISH.split())


def load_stopwords(use_nltk: bool = True) -> frozenset[str]:
    """NLTK's English stopwords if its corpus is installed, else the identical built-in list."""
    if use_nltk:
        try:
            from nltk.corpus import stopwords

            return frozenset(stopwords.words("english"))
        except LookupError:
            pass
    return BUILTIN_STOPWORDS


STOPWORDS = load_stopwords()
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
    """Tokenize → lowercase → drop stopwords → stem: the ranked text fields."""
    return (
        NltkTokenizer()
        | LowercaseFilter()
        | StopFilter(stoplist=STOPWORDS, minsize=1)
        | SnowballFilter()
    )


def exact_analyzer():
    """Tokenize → lowercase, nothing dropped: names and exact phrases ("Bank of Korea")."""
    return NltkTokenizer() | LowercaseFilter()


def stem_terms(text: str) -> list[str]:
    """The stemmed, stopword-free terms of `text`, as the stemmed fields index them."""
    return [stem(w) for w, _, _ in words(text) if w not in STOPWORDS]
