"""The forgiving query language: parse anything into a small tree, then into Whoosh queries.

Words, "exact phrases", -excluded, OR, AND, NOT, title:word, source:name, word* and
parentheses. Whatever does not fit the grammar is read as plain words; parsing never raises.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from whoosh import query as wq

from . import ranking
from .analysis import STOPWORDS, source_words, stem, words

# Field weights (BM25F-style, ranking.PARAMS): a title match counts more than a body match,
# and an exact-form match adds to the stemmed one so names and exact words rank above mere
# stem matches. Query word pairs found near each other in order add a bonus (a light
# sequential-dependence model): "boundary layer" beats "boundary" ... "layer".
PROSE_WORDS = 8
MAX_DEPTH = 16  # nesting beyond this is read as words, so "((((..." cannot exhaust the stack
_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f]")
_FIELDS = ("title", "source")


@dataclass(frozen=True)
class Word:
    text: str  # lowercased surface form
    field: str | None = None  # None: title and body; "title": title only


@dataclass(frozen=True)
class Phrase:
    words: tuple[str, ...]
    field: str | None = None


@dataclass(frozen=True)
class Prefix:
    text: str
    field: str | None = None


@dataclass(frozen=True)
class Source:
    name: str


@dataclass(frozen=True)
class Not:
    child: Node


@dataclass(frozen=True)
class And:
    children: tuple[Node, ...]


@dataclass(frozen=True)
class Or:
    children: tuple[Node, ...]


Node = Word | Phrase | Prefix | Source | Not | And | Or


@dataclass
class _Tok:
    kind: str  # "(" ")" "OR" "AND" "NOT" "-" "field" "phrase" "chunk"
    text: str = ""


def _lex(q: str) -> list[_Tok]:
    """Split a raw query into tokens; an unclosed quote is dropped and its words kept.

    In a query of more than PROSE_WORDS words written all in capitals, AND, OR and NOT are
    words: "... WHICH ARE NOT BACKED UP BY ..." (LISA's requests) is prose, not syntax.
    """
    prose = q.isupper() and len(q.split()) > PROSE_WORDS
    operators = () if prose else ("OR", "AND", "NOT")
    toks: list[_Tok] = []
    i, n = 0, len(q)
    while i < n:
        c = q[i]
        if c.isspace():
            i += 1
        elif c in "()":
            toks.append(_Tok(c))
            i += 1
        elif c == '"':
            end = q.find('"', i + 1)
            if end == -1:
                i += 1  # unbalanced quote: ignore it, read the rest as words
            else:
                toks.append(_Tok("phrase", q[i + 1 : end]))
                i = end + 1
        elif c == "-" and i + 1 < n and not q[i + 1].isspace() and q[i + 1] != "-":
            toks.append(_Tok("-"))
            i += 1
        else:
            j = i
            while j < n and not q[j].isspace() and q[j] not in '()"':
                j += 1
            chunk = q[i:j] if j > i else q[i]
            i = max(j, i + 1)
            name, sep, rest = chunk.partition(":")
            if chunk in operators:
                toks.append(_Tok(chunk))
            elif sep and name.lower() in _FIELDS:
                toks.append(_Tok("field", name.lower()))
                if rest:
                    toks.append(_Tok("chunk", rest))
            elif sep:
                # An unknown field ("foo:bar", "10:30") is just its words.
                toks.extend(_Tok("chunk", part) for part in (name, rest) if part)
            else:
                toks.append(_Tok("chunk", chunk))
    return toks


class _Parser:
    """Recursive descent over the tokens; every odd construct degrades to words."""

    def __init__(self, toks: list[_Tok]):
        self.toks = toks
        self.i = 0

    def peek(self) -> _Tok | None:
        return self.toks[self.i] if self.i < len(self.toks) else None

    def parse(self) -> Node | None:
        nodes = []
        while self.peek() is not None:
            node = self.or_expr(0)
            if node is not None:
                nodes.append(node)
            if self.peek() is not None and self.peek().kind == ")":
                self.i += 1  # a stray ")" closes nothing
        return _join(And, nodes)

    def or_expr(self, depth: int) -> Node | None:
        parts = [self.and_expr(depth)]
        while self.peek() is not None and self.peek().kind == "OR":
            self.i += 1
            parts.append(self.and_expr(depth))
        return _join(Or, [p for p in parts if p is not None])

    def and_expr(self, depth: int) -> Node | None:
        nodes = []
        while (tok := self.peek()) is not None and tok.kind not in ("OR", ")"):
            if tok.kind == "AND":
                self.i += 1
                continue
            node = self.unary(depth)
            if node is not None:
                nodes.append(node)
        return _join(And, nodes)

    def unary(self, depth: int) -> Node | None:
        tok = self.peek()
        if tok.kind in ("-", "NOT"):
            self.i += 1
            nxt = self.peek()
            if nxt is None or nxt.kind in ("OR", ")"):
                return None  # a dangling "-" or NOT excludes nothing
            child = self.unary(depth)
            return Not(child) if child is not None else None
        return self.atom(depth, None)

    def atom(self, depth: int, fieldname: str | None) -> Node | None:
        tok = self.peek()
        if tok is None or tok.kind in ("OR", ")"):
            return None
        self.i += 1
        if tok.kind == "(":
            if depth >= MAX_DEPTH:
                return None
            inner = self.or_expr(depth + 1)
            if self.peek() is not None and self.peek().kind == ")":
                self.i += 1
            return _with_field(inner, fieldname)
        if tok.kind == "field":
            nxt = self.peek()
            if nxt is None or nxt.kind not in ("chunk", "phrase", "("):
                # "title:" with nothing after it: the person typed a word, so search for it.
                return _chunk(tok.text, fieldname)
            return self.atom(depth, tok.text)
        if tok.kind in ("AND", "NOT", "-"):
            return None
        if tok.kind == "phrase":
            return _phrase(tok.text, fieldname)
        return _chunk(tok.text, fieldname)


def _join(cls, nodes: list[Node]) -> Node | None:
    """Combine nodes, flattening same-kind children: a (group) inside a sentence is just words."""
    flat: list[Node] = []
    for node in nodes:
        flat.extend(node.children if isinstance(node, cls) else (node,))
    if not flat:
        return None
    return flat[0] if len(flat) == 1 else cls(tuple(flat))


def _phrase(text: str, fieldname: str | None) -> Node | None:
    if fieldname == "source":
        return Source(text.strip()) if text.strip() else None
    ws = tuple(w for w, _, _ in words(text))
    if not ws:
        return None
    return Phrase(ws, fieldname)


def _chunk(text: str, fieldname: str | None) -> Node | None:
    if fieldname == "source":
        return Source(text)
    if text.endswith("*"):
        ws = words(text)
        if len(ws) == 1 and ws[0][2] == len(text.rstrip("*")) and ws[0][1] == 0:
            return Prefix(ws[0][0], fieldname)
    # "shock-sound", "non-circular": joined words are separate words, not a phrase, so a
    # document writing "non circular" or "noncircular"-free prose still matches.
    return _join(And, [Word(w, fieldname) for w, _, _ in words(text)])


def _with_field(node: Node | None, fieldname: str | None) -> Node | None:
    """Apply `title:(...)` to every word inside the group."""
    if node is None or fieldname is None:
        return node
    if fieldname == "source":
        return node
    if isinstance(node, Word | Phrase | Prefix):
        return type(node)(node.words if isinstance(node, Phrase) else node.text, fieldname)
    if isinstance(node, Not):
        return Not(_with_field(node.child, fieldname))
    if isinstance(node, And | Or):
        return type(node)(tuple(_with_field(c, fieldname) for c in node.children))
    return node


def parse(q: str) -> Node | None:
    """The query tree for raw user input (None when nothing searchable is left)."""
    return _Parser(_lex(_CONTROL.sub(" ", q))).parse()


def describe(node: Node | None, top: bool = True) -> str:
    """How the query was understood, e.g. `(korea AND china) NOT japan`."""
    if node is None:
        return ""
    if isinstance(node, Word):
        return f"{node.field}:{node.text}" if node.field else node.text
    if isinstance(node, Phrase):
        text = '"' + " ".join(node.words) + '"'
        return f"{node.field}:{text}" if node.field else text
    if isinstance(node, Prefix):
        return f"{node.field}:{node.text}*" if node.field else f"{node.text}*"
    if isinstance(node, Source):
        return f"source:{node.name}"
    if isinstance(node, Not):
        return "NOT " + describe(node.child, False)
    pos = [c for c in node.children if not isinstance(c, Not)]
    neg = [c for c in node.children if isinstance(c, Not)]
    op = " AND " if isinstance(node, And) else " OR "
    text = op.join(describe(c, False) for c in pos)
    if neg:
        if len(pos) > 1:
            text = f"({text})"
        text = " ".join([text, *(describe(c, False) for c in neg)]).strip()
    return text if top or (len(pos) <= 1 and not neg) else f"({text})"


def positive_words(node: Node | None) -> list[Word | Phrase | Prefix]:
    """The words, phrases and prefixes the query looks for (not excluded ones): for marking."""
    if node is None or isinstance(node, Not | Source):
        return []
    if isinstance(node, Word | Phrase | Prefix):
        return [node]
    return [x for c in node.children for x in positive_words(c)]


class Compiler:
    """Turns query trees into Whoosh queries against the schema's text fields."""

    def __init__(self, reader, max_prefix_terms: int):
        self.reader = reader
        self.max_prefix_terms = max_prefix_terms
        self.capped_prefixes: list[str] = []

    def compile(self, node: Node) -> wq.Query:
        if isinstance(node, Word):
            return self.word(node.text, node.field)
        if isinstance(node, Phrase):
            return self.phrase(node)
        if isinstance(node, Prefix):
            return self.prefix(node)
        if isinstance(node, Source):
            return self.source(node.name)
        if isinstance(node, Not):
            return wq.And([wq.Every(), wq.Not(self.compile(node.child))])
        if isinstance(node, Or):
            return wq.Or([self.compile(c) for c in node.children])
        return self.conjunction(node.children)

    def conjunction(self, children) -> wq.Query:
        pos = [self.compile(c) for c in children if not isinstance(c, Not)]
        neg = [self.compile(c.child) for c in children if isinstance(c, Not)]
        base = wq.And(pos) if len(pos) > 1 else (pos[0] if pos else wq.Every())
        return wq.AndNot(base, wq.Or(neg)) if neg else base

    def weighted(self, node: Node, boost: float) -> wq.Query:
        """`node` counted `boost` times (a word repeated in the query: ranking.qtf_weight)."""
        if isinstance(node, Word):
            return self.word(node.text, node.field, boost)
        return self.compile(node)

    def proximity(self, sequence: list[Node]) -> list[wq.Query]:
        """Bonus queries for consecutive query words found near each other (stemmed): in
        order, at most proximity_slop words between them, stopwords counted (their positions
        are kept), as OpenSearch's ordered intervals with max_gaps count them."""
        params = ranking.PARAMS
        if not params.proximity_weight:
            return []
        stems = [
            stem(c.text) if c.text not in STOPWORDS else None
            for c in sequence
            if isinstance(c, Word) and c.field is None
        ]
        pairs = dict.fromkeys(
            (a, b) for a, b in zip(stems, stems[1:], strict=False) if a and b and a != b
        )
        return [
            wq.Phrase(
                name,
                list(pair),
                slop=params.proximity_slop + 1,  # Whoosh's slop s: s - 1 words between
                boost=params.proximity_weight * _weight(name),
            )
            for pair in pairs
            for name in ("body", "title")
        ]

    def word(self, w: str, fieldname: str | None, boost: float = 1.0) -> wq.Query:
        """Stemmed and exact forms in title (weighted) and body; stopwords only exactly."""
        title = ranking.PARAMS.title_weight
        fields = [("title", title)] if fieldname == "title" else [("body", 1.0), ("title", title)]
        exact = ranking.PARAMS.exact_weight
        terms = []
        for name, weight in fields:
            if w not in STOPWORDS:
                terms.append(wq.Term(name, stem(w), boost=weight))
            if exact or w in STOPWORDS:  # a stopword is only in the exact fields
                terms.append(wq.Term(name + "_exact", w, boost=weight * (exact or 1.0)))
        return ranking.word_query(terms, boost)  # per-field sum or BM25F (ranking.py)

    def phrase(self, node: Phrase) -> wq.Query:
        if len(node.words) == 1:
            names = ["title_exact"] if node.field == "title" else ["body_exact", "title_exact"]
            return wq.Or([wq.Term(n, node.words[0], boost=_exact_boost(n)) for n in names])
        names = ["title_exact"] if node.field == "title" else ["body_exact", "title_exact"]
        return wq.Or([wq.Phrase(n, list(node.words), boost=_exact_boost(n)) for n in names])

    def prefix(self, node: Prefix) -> wq.Query:
        """At most max_prefix_terms expansions, the most frequent first; a notice if capped."""
        names = ["title_exact"] if node.field == "title" else ["body_exact", "title_exact"]
        found: dict[str, int] = {}
        for name in names:
            for term in self.reader.expand_prefix(name, node.text):
                text = term.decode("utf-8") if isinstance(term, bytes) else term
                found[text] = found.get(text, 0) + self.reader.doc_frequency(name, text)
        chosen = sorted(found, key=lambda t: (-found[t], t))[: self.max_prefix_terms]
        if len(found) > len(chosen):
            self.capped_prefixes.append(node.text)
        if not chosen:
            return wq.NullQuery
        return wq.Or([wq.Term(n, t, boost=_exact_boost(n)) for t in chosen for n in names])

    def source(self, name: str) -> wq.Query:
        """The exact source, or sources whose path contains all these words."""
        parts = source_words(name)
        options = [wq.Term("source", name)]
        if parts:
            options.append(wq.And([wq.Term("source_words", p) for p in parts]))
        return wq.ConstantScoreQuery(wq.Or(options), 0.0)


def _exact_boost(fieldname: str) -> float:
    """A phrase or prefix matches exact forms only: both shares of a word's weight."""
    return _weight(fieldname) * (1 + ranking.PARAMS.exact_weight)


def _weight(fieldname: str) -> float:
    return ranking.PARAMS.title_weight if fieldname.startswith("title") else 1.0
