"""Safe snippets: escaped text with query matches in <mark>, phrases marked as one unit."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import cached_property
from html import escape

from .analysis import STOPWORDS, WORD_RE, stem, words
from .query import Node, Phrase, Prefix, Word, positive_words
from .sentences import sentence_spans

MAX_FRAGMENT_CHARS = 320
OPENING_CHARS = 240
# Where analysis.WORD_RE's tokens start and end: not inside a longer token ("u.s", "3.5").
_START = r"(?<!\w)(?<!\w\.)"
_END = r"(?!\w)(?!\.\w)"
_WORD_CHAR = re.compile(r"\w")
# A word starts with its Snowball stem, except where the stemmer wrote the stem's last letter
# itself: y -> i ("happy" -> "happi"), an added or kept e ("aging" -> "age"), -bility -> -bl
# ("capability" -> "capabl"), "skies" -> "sky"; and these special words. The candidates for
# a stem are the tokens starting so (checked on 67,000 Reuters and 7,700 Cranfield words).
_CHANGED_LAST = frozenset("eily")
_IRREGULAR = {"die": "dying", "lie": "lying", "tie": "tying"}
_UNSEEN = object()


@dataclass
class Matcher:
    """What to mark: stems of words, exact words, exact phrases and prefixes."""

    stems: set[str] = field(default_factory=set)
    exact: set[str] = field(default_factory=set)
    phrases: set[tuple[str, ...]] = field(default_factory=set)
    prefixes: tuple[str, ...] = ()
    # Each candidate token's key as found (a result's words recur in the next one's text).
    _keys: dict[str, str | None] = field(default_factory=dict, repr=False, compare=False)

    @classmethod
    def for_query(cls, node: Node | None) -> Matcher:
        m = cls()
        prefixes, stops = [], set()
        for leaf in positive_words(node):
            if isinstance(leaf, Word):
                if leaf.text in STOPWORDS:
                    stops.add(leaf.text)
                else:
                    m.stems.add(stem(leaf.text))
            elif isinstance(leaf, Phrase):
                if len(leaf.words) == 1:
                    m.exact.add(leaf.words[0])
                else:
                    m.phrases.add(leaf.words)
            elif isinstance(leaf, Prefix):
                prefixes.append(leaf.text)
        m.prefixes = tuple(prefixes)
        # Stopwords are marked only when the query is nothing but stopwords ("the who").
        if not (m.stems or m.exact or m.phrases or m.prefixes):
            m.exact = stops
        return m

    def spans(self, text: str) -> list[tuple[int, int, str]]:
        """(start, end, key) of every match in `text`; a phrase is one span; no overlaps."""
        pattern = self.pattern
        if pattern is None:
            return []
        low = text.lower()
        if len(low) != len(text):  # a few letters lower to two characters ("İ")
            return self.spans_by_word(text)
        spans: list[tuple[int, int, str]] = []
        keys = self._keys
        for m in pattern.finditer(low):
            start = m.start()
            if m.lastgroup == "phrase":
                spans.append((start, m.end(), " ".join(WORD_RE.findall(m.group()))))
                continue
            if _inside_token(low, start):
                continue
            token = m.group()
            key = keys.get(token, _UNSEEN)
            if key is _UNSEEN:
                key = keys[token] = self._key(token)
            if key is not None:
                spans.append((start, m.end(), key))
        return spans

    def _key(self, token: str) -> str | None:
        """What a candidate token counts as (its stem, or itself), None if it is no match."""
        if token in self.exact:
            return token
        if token not in STOPWORDS and stem(token) in self.stems:
            return stem(token)
        if self.prefixes and token.startswith(self.prefixes):
            return token
        return None

    def spans_by_word(self, text: str) -> list[tuple[int, int, str]]:
        """What spans() finds, by the definition: each word of analysis.words() in turn."""
        toks = words(text)
        spans: list[tuple[int, int, str]] = []
        covered = -1
        for i, (w, start, end) in enumerate(toks):
            if start < covered:
                continue
            best = None
            for p in self.phrases:
                if len(p) > (len(best) if best else 0) and [
                    t for t, _, _ in toks[i : i + len(p)]
                ] == list(p):
                    best = p
            if best:
                covered = toks[i + len(best) - 1][2]
                spans.append((start, covered, " ".join(best)))
            elif w in self.exact:
                spans.append((start, end, w))
            elif w not in STOPWORDS and stem(w) in self.stems:
                spans.append((start, end, stem(w)))
            elif self.prefixes and w.startswith(self.prefixes):
                spans.append((start, end, w))
        return spans

    @cached_property
    def pattern(self) -> re.Pattern | None:
        """One regex finding phrases (longest first) and candidate tokens, so the text is
        scanned in C rather than tokenised and stemmed word by word; spans() checks each.

        Candidates start with a literal, which lets the engine skip ahead in C; whether one
        starts a token is checked after (a phrase checks in the regex, as it spans tokens)."""
        alternatives = [
            _START + (_END + r"\W+" + _START).join(map(re.escape, p)) + _END
            for p in sorted(self.phrases, key=len, reverse=True)
        ]
        groups = ["(?P<phrase>" + "|".join(alternatives) + ")"] if alternatives else []
        starts = {s[:-1] or s if s[-1] in _CHANGED_LAST else s for s in self.stems}
        starts |= {_IRREGULAR[s] for s in self.stems if s in _IRREGULAR}
        starts |= set(self.exact) | set(self.prefixes)
        if starts:
            ordered = sorted(starts, key=len, reverse=True)
            groups.append("(?:" + "|".join(map(re.escape, ordered)) + r")\w*(?:\.\w+)*" + _END)
        return re.compile("|".join(groups)) if groups else None


def _inside_token(text: str, i: int) -> bool:
    """Whether position `i` continues a token ("net" in "cabinet", "s" in "u.s")."""
    if i == 0:
        return False
    if _WORD_CHAR.match(text, i - 1):
        return True
    return text[i - 1] == "." and i > 1 and _WORD_CHAR.match(text, i - 2) is not None


def mark(text: str, spans: list[tuple[int, int, str]], offset: int = 0) -> str:
    """`text` HTML-escaped with the spans (relative to `offset`) wrapped in <mark>."""
    out, pos = [], 0
    for start, end, _ in spans:
        start, end = start - offset, end - offset
        if start < pos or end > len(text):
            continue
        out.append(escape(text[pos:start], quote=False))
        out.append("<mark>" + escape(text[start:end], quote=False) + "</mark>")
        pos = end
    out.append(escape(text[pos:], quote=False))
    return "".join(out)


def fragments(text: str, matcher: Matcher, max_fragments: int = 3) -> list[str]:
    """Up to `max_fragments` best-matching sentences, in document order; else the opening."""
    spans = matcher.spans(text)
    if not spans:
        return [opening(text)] if text.strip() else []
    sents = _sentences_holding(text, spans)
    by_sentence: dict[int, list[tuple[int, int, str]]] = {}
    si = 0
    for span in spans:
        while si < len(sents) and sents[si][1] <= span[0]:
            si += 1
        if si < len(sents) and sents[si][0] <= span[0]:
            by_sentence.setdefault(si, []).append(span)
    # The more distinct query terms a sentence holds, the better; earlier breaks ties.
    ranked = sorted(by_sentence, key=lambda i: (-len({k for _, _, k in by_sentence[i]}), i))
    chosen = sorted(ranked[:max_fragments])
    return [_fragment(text, sents[i], by_sentence[i]) for i in chosen]


def _sentences_holding(text: str, spans) -> list[tuple[int, int]]:
    """The sentences of each paragraph (line) with a match: splitting only those keeps a
    snippet's cost independent of the document's length."""
    sents: list[tuple[int, int]] = []
    line_end = -1
    for start, _, _ in spans:
        if start > line_end:
            line_end = text.find("\n", start)
            line_end = len(text) if line_end == -1 else line_end
            sents += sentence_spans(text, text.rfind("\n", 0, start) + 1, line_end)
    return sents


def _fragment(text: str, sentence: tuple[int, int], spans) -> str:
    """One sentence marked; a very long one is cut at words with "…", from its start when
    its first match is in the first two thirds of the fragment, else around that match."""
    start, end = sentence
    prefix = suffix = ""
    if end - start > MAX_FRAGMENT_CHARS:
        first, first_end = spans[0][:2]
        near_start = first_end - start <= MAX_FRAGMENT_CHARS - MAX_FRAGMENT_CHARS // 3
        lo = start if near_start else first - MAX_FRAGMENT_CHARS // 3
        hi = min(end, lo + MAX_FRAGMENT_CHARS)
        lo = _word_boundary(text, lo, start, forward=True)
        hi = _word_boundary(text, hi, end, forward=False)
        prefix = "… " if lo > start else ""
        suffix = " …" if hi < end else ""
        start, end = lo, hi
    inside = [s for s in spans if s[0] >= start and s[1] <= end]
    return prefix + mark(text[start:end], inside, offset=start) + suffix


def _word_boundary(text: str, i: int, limit: int, forward: bool) -> int:
    """Move `i` to a space so a cut never splits a word (or a phrase's first word)."""
    if forward:
        j = text.find(" ", i, i + 40)
        return j + 1 if j != -1 and i != limit else i
    j = text.rfind(" ", i - 40, i)
    return j if j != -1 and i != limit else i


def opening(text: str) -> str:
    """The article's first sentences (about OPENING_CHARS), escaped: for title-only matches."""
    head_end = text.find("\n", MAX_FRAGMENT_CHARS)  # the opening lies in the lines up to here
    sents = sentence_spans(text, 0, len(text) if head_end == -1 else head_end)
    if not sents:
        return ""
    end = sents[0][1]
    for _, e in sents[1:]:
        if e - sents[0][0] > OPENING_CHARS:
            break
        end = e
    start = sents[0][0]
    if end - start > MAX_FRAGMENT_CHARS:
        end = _word_boundary(text, start + OPENING_CHARS, end, forward=False)
        return escape(text[start:end], quote=False) + " …"
    return escape(text[start:end], quote=False)


def highlight_text(text: str, node_or_q: Node | str | None) -> str:
    """The whole article as safe HTML with every match marked (for /doc/<id>)."""
    from .query import parse

    node = parse(node_or_q) if isinstance(node_or_q, str) else node_or_q
    return mark(text, Matcher.for_query(node).spans(text))


def join_fragments(frags: list[str]) -> str:
    """One snippet from fragments, with a single ellipsis between two of them."""
    inner = [f.removesuffix(" …") for f in frags[:-1]] + frags[-1:]
    inner = inner[:1] + [f.removeprefix("… ") for f in inner[1:]]
    return " … ".join(inner)
