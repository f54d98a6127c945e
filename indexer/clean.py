"""Turn a raw scraped page (plain-text dump or HTML) into a clean Document."""

from __future__ import annotations

import re
from collections.abc import Container
from pathlib import Path

from indexer.clean_html import parse_html
from indexer.clean_text import Block, clean_blocks, normalise_key, reflow
from indexer.dates import choose_date, first_date_line, header_dates, page_date, shown_dates
from indexer.decode import decode
from indexer.document import Document, Removed, Skip, doc_id
from indexer.site import html_site, text_site
from indexer.titles import text_title

# A short line is a site-chrome candidate; it counts as chrome once it is in this many documents.
# Three: two pages can share a line by chance (a quote, a place name), chrome is on every page.
REPEAT_MIN_DOCS = 3
_KEY_MAX_WORDS = 12
_KEY_MAX_CHARS = 100
_HTML_NAMES = (".html", ".htm", ".xhtml", ".shtml")
_HTML_SNIFF = re.compile(
    r"^\s*(?:<!doctype html|<html\b|<head\b|<body\b|<meta\b|<div\b|<p\b)", re.I
)
_HTML_TAGS = re.compile(r"</?(?:p|div|span|a|br|li|td|h[1-6])\b[^>]*>", re.I)
_DIGIT = re.compile(r"\d")
_SENTENCE = re.compile(r"[.!?]$")
# Pages larger than this are cut (and the cut reported): no article is that long, and the
# parser's time grows with size.
MAX_CHARS = 4_000_000
CUT_REASON = "file too large: cut"
# The cut goes back to the last paragraph break (else line break, else space) this near the
# limit, so the kept text never ends in half a sentence ("... said The").
_CUT_WINDOW = 100_000
_BREAKS = ("\n\n", "\n", " ")
CLEANER_ERROR = "cleaner error"


def is_html(text: str, source: str) -> bool:
    """HTML by name (unless it holds no tag at all), or a text file that is clearly markup."""
    head = text[:4096]
    if source.lower().endswith(_HTML_NAMES):
        return _HTML_TAGS.search(text, 0, 65536) is not None or "<" in head
    return bool(_HTML_SNIFF.match(head)) or len(_HTML_TAGS.findall(head)) >= 10


def _cut(text: str) -> int:
    """Where to cut a too-large text: the last break before MAX_CHARS (see _CUT_WINDOW)."""
    for brk in _BREAKS:
        at = text.rfind(brk, MAX_CHARS - _CUT_WINDOW, MAX_CHARS)
        if at > 0:
            return at
    return MAX_CHARS


def cut_warning(doc: Document) -> str | None:
    """The warning for a document cut at MAX_CHARS, or None."""
    for removed in doc.removed:
        if removed.reason == CUT_REASON:
            return f"larger than {MAX_CHARS:,} characters, so cut: {removed.text}"
    return None


def _text_blocks(text: str) -> list[Block]:
    return [Block(line) for line in reflow(text)]


def clean_bytes(data: bytes, source: str, *, repeated: Container[str] = frozenset()) -> Document:
    """Clean one file's bytes; raise Skip(reason) when no document can come out of it."""
    try:
        return _clean(data, source, repeated)
    except Skip:
        raise
    except Exception as exc:
        # Last resort for the indexer's sake: one odd file must not stop a build. The tests
        # fail on this reason, so a bug that lands here is still found.
        raise Skip(f"{CLEANER_ERROR} ({type(exc).__name__})") from exc


def _clean(data: bytes, source: str, repeated: Container[str]) -> Document:
    text = decode(data)
    cut = None
    if len(text) > MAX_CHARS:
        at = _cut(text)
        cut = Removed(f"the last {len(text) - at:,} characters dropped", CUT_REASON)
        text = text[:at]
    html = is_html(text, source)
    if html:
        page = parse_html(text)
        lines = [b.text for b in page.blocks]
        shown = header_dates(
            page.dates, shown_dates(lines, page.title, page.dates.stated), page.header
        )
        date = choose_date(page.dates, shown)
        result = clean_blocks(page.blocks, repeated=repeated, title=page.title, date=date)
        result.removed[:0] = page.removed
        if result.date is None:
            result.date = page_date(text) or first_date_line(lines)
        site = html_site(text)
    else:
        result = clean_blocks(_text_blocks(text), repeated=repeated)
        result.title = text_title(result.title)
        site = text_site(text, repeated)
    if not result.lines and result.title:
        # A file that is one headline-like line (a short abstract with no full stop) is still
        # a document, that line its text (NPL lost 4,338 of 11,429 abstracts this way). Not
        # its title too: a title scores apart, and the line would count twice. An HTML page's
        # title comes from its metadata, not from that line, so it stays the page's title.
        result.lines.append(result.title)
        result.removed = [
            r for r in result.removed if (r.text, r.reason) != (result.title, "headline")
        ]
        if not html:
            result.title = None
    if not result.lines:
        raise Skip("nothing left after cleaning")
    removed = result.removed + ([cut] if cut else [])
    return Document(
        id=doc_id(source),
        source=source,
        title=result.title,
        date=result.date,
        text="\n".join(result.lines),
        removed=removed,
        site=site,
    )


def clean_file(path: Path, source: str, *, repeated: Container[str] = frozenset()) -> Document:
    """Read and clean a file; an unreadable file is a Skip."""
    try:
        data = Path(path).read_bytes()
    except OSError as exc:
        raise Skip(f"unreadable file: {exc.strerror or exc}") from exc
    return clean_bytes(data, source, repeated=repeated)


def line_keys(data: bytes, source: str) -> set[str]:
    """Keys of this file's short lines that could be site chrome (see REPEAT_MIN_DOCS)."""
    try:
        text = decode(data)
    except Skip:
        return set()
    if is_html(text, source):
        return set()
    keys = set()
    for line in text[:MAX_CHARS].split("\n"):
        line = line.strip()
        # Lines with digits are data (tables, scores, prices) more often than chrome.
        if (
            not line
            or len(line) > _KEY_MAX_CHARS
            or _SENTENCE.search(line)
            or _DIGIT.search(line)
            or len(line.split()) > _KEY_MAX_WORDS
        ):
            continue
        key = normalise_key(line)
        if key:
            keys.add(key)
    return keys


__all__ = ["REPEAT_MIN_DOCS", "clean_bytes", "clean_file", "cut_warning", "line_keys"]
