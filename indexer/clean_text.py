"""Find the article in a sequence of text blocks (lines of a dump, or blocks of an HTML page)."""

from __future__ import annotations

import re
from collections.abc import Container, Sequence
from dataclasses import dataclass, field

from indexer.document import Removed
from indexer.lang import WORD, language
from indexer.line_patterns import LABEL_REASONS, label_reason
from indexer.line_rules import classify, kind_as_first_copy
from indexer.stopwords import english
from indexer.text_head import find_title, mark_datelines, strip_timestamp, take_dateline
from indexer.text_lines import (
    SENTENCE_END,
    Block,
    Line,
    doc_language,
    is_data_row,
    is_dateline,
    make_lines,
    normalise_key,
    stopwords_for,
)
from indexer.text_region import find_region, under_list_lead

__all__ = ["Block", "Result", "clean_blocks", "label_reason", "normalise_key", "reflow"]

# A dump is a web page when this share of its lines are menu items (see _looks_like_web_page).
MENU_SHARE = 0.3
# A short line heads a paragraph that follows with at most this many lines between (a
# product name over its spec lines, a heading over a picture credit).
SUBHEAD_GAP = 2
# A marked heading (<h2>...) of at most this many words that heads a paragraph in the article is
# a sub-heading even when printed before ("Pros", "Features" per product in a review).
HEAD_WORDS = 8
_DIGIT = re.compile(r"\d")
_LAST_SENTENCE = re.compile(r"[.!?][\"'”’»)\]]?\s+(?=[^.!?]*$)")
# Reasons that show the text came from a web page with its chrome around the article.
_WEB_CHROME = frozenset(LABEL_REASONS.values()) - {"sign-off", "comment counter", "count"} | {
    "cookie notice",
    "comment form",
    "navigation",
    "footer",
    "sidebar",
    "hidden",
    "form",
    "page header",
    "comment header",
}
# How the first copy of a sub-heading goes when it was the table of contents above the article.
_MENU_ABOVE = frozenset({"navigation", "before article"})


@dataclass
class Result:
    """The article found in a sequence of blocks."""

    title: str | None
    date: str | None
    lines: list[str]
    removed: list[Removed] = field(default_factory=list)


@dataclass
class _Region:
    """Where the article is: its main run, further runs, and whether it is the whole text."""

    start: int
    end: int
    extra: set[int]
    whole: bool


def _outside_reason(line: Line, i: int, region: _Region, related: bool) -> str:
    """Why a text line outside the article's runs goes, by where it sits."""
    if related and len(line.words) > 3:
        return "related-stories list"
    if i < region.start:
        return "navigation" if len(line.words) <= 8 else "before article"
    return "footer" if len(line.words) <= 8 else "after article"


def _revived_kind(lines: list[Line], i: int, region: _Region, gone: dict[str, str]) -> str:
    """The kind of a later copy that is text after all ("" if not): in the article, heading
    a paragraph, its first copy gone with the menu above the article (a table of contents)
    or the line a marked heading (each product's "Pros" in a review)."""
    line = lines[i]
    if (
        line.copy_ctx is None
        or not (gone.get(line.key) in _MENU_ABOVE or _repeated_heading(line))
        or not _in_region(line, i, region)
        or not _heads_paragraph(lines, i)
    ):
        return ""
    return kind_as_first_copy(line, line.copy_ctx)


def _repeated_heading(line: Line) -> bool:
    """A short line the page marks as a heading (only HTML pages mark them)."""
    return line.block.heading and len(line.words) <= HEAD_WORDS


def _heads_paragraph(lines: list[Line], i: int) -> bool:
    """A paragraph follows with at most SUBHEAD_GAP lines between (and the line is no date)."""
    following = lines[i + 1 : i + SUBHEAD_GAP + 2]
    return any(n.kind == "good" for n in following) and not is_dateline(lines[i].text)


def _in_region(line: Line, i: int, region: _Region) -> bool:
    return region.start <= i < region.end or line.block.main or i in region.extra


def _drop_reason(lines: list[Line], i: int, region: _Region, related: bool) -> str | None:
    """Why a line that is not chrome is dropped (outside the article, a stray short line)."""
    line = lines[i]
    if not _in_region(line, i, region):
        return _outside_reason(line, i, region, related)
    if line.kind == "short" and not region.whole and not _keep_short(lines, i, region.end):
        return "short line in article"
    return None


def _keep_lines(
    lines: list[Line],
    region: _Region,
    title_key: str | None,
    doc_lang: str | None,
    removed: list[Removed],
) -> list[str]:
    """The article's text lines in order; every dropped line goes to `removed` with its reason."""
    kept: list[str] = []
    gone: dict[str, str] = {}  # why each line's first copy was dropped ("" when kept)
    related = False
    for i, line in enumerate(lines):
        if title_key and line.key == title_key:
            removed.append(Removed(line.text, "headline"))
            continue
        if line.copy_ctx is not None:
            revived = _revived_kind(lines, i, region, gone)
            if revived:
                line.kind, line.reason = revived, ""
        if line.kind == "chrome":
            related = related or line.reason == "related-stories list"
            removed.append(Removed(line.text, line.reason))
            gone.setdefault(line.key, line.reason)
            continue
        reason = _drop_reason(lines, i, region, related)
        if reason:
            removed.append(Removed(line.text, reason))
            gone.setdefault(line.key, reason)
            continue
        gone[line.key] = ""  # kept: no later copy is needed
        text = line.text
        cut = _trailing_foreign(text, doc_lang) if line.kind == "good" else None
        if cut is not None:
            removed.append(Removed(text[cut:], "other language"))
            text = text[:cut].rstrip()
        kept.append(text)
    return kept


def _headline_as_text(kept: list[str], removed: list[Removed]) -> None:
    """A page whose only text is its headline (a link post): the headline is the text."""
    head = next((r for r in removed if r.reason == "headline"), None)
    if head:
        removed.remove(head)
        kept.append(head.text)


def clean_blocks(
    blocks: Sequence[Block],
    *,
    repeated: Container[str] = frozenset(),
    title: str | None = None,
    date: str | None = None,
) -> Result:
    """Keep the article's paragraphs in order; say why every other block was dropped."""
    lines = make_lines(blocks)
    doc_lang = doc_language(lines, english())
    stop = stopwords_for(doc_lang)
    classify(lines, doc_lang, stop, repeated)
    _spare_repeated_data(lines)
    web = _looks_like_web_page(lines)
    if web:
        mark_datelines(lines)
    from_page = title is not None
    if title is None:
        title = find_title(lines, doc_lang)
    title_key = normalise_key(title) if title else None
    # Nothing on the page looks like web chrome (a wire story, a clean dump): the region
    # search would only risk dropping tables and short lines of the story.
    start, end, more = find_region(lines, title_key) if web else (0, len(lines), [])
    removed: list[Removed] = []
    if date is None:
        date = take_dateline(lines, (start, end), title_key, doc_lang, removed)
    strip_timestamp(lines, start, end, title_key, removed)
    region = _Region(start, end, {i for run in more for i in run}, (start, end) == (0, len(lines)))
    kept = _keep_lines(lines, region, title_key, doc_lang, removed)
    if not kept and from_page:
        # Only a headline the page's metadata confirms: a dump's first line is no evidence.
        _headline_as_text(kept, removed)
    return Result(title, date, kept, removed)


def _spare_repeated_data(lines: list[Line]) -> None:
    """Undo corpus-repetition drops where they would hit a story's own text.

    Wire stories repeat table headings ("Year", "Nine mths") and whole formula stories
    ("Qtly div six cts vs six cts prior" / "Pay April one") across thousands of documents.
    Next to a table row, or in a story without a single paragraph, such a line is the story.
    """
    no_paragraph = not any(line.kind == "good" for line in lines)
    for i, line in enumerate(lines):
        if not line.across:
            continue
        neighbours = lines[max(0, i - 1) : i] + lines[i + 1 : i + 2]
        if no_paragraph or any(is_data_row(n.words) for n in neighbours):
            line.kind, line.reason, line.across = "short", "", False


def _looks_like_web_page(lines: list[Line]) -> bool:
    """Chrome labels, or many lines around the text: a page dump, not a short clean story."""
    if any(line.reason in _WEB_CHROME for line in lines):
        return True
    # A story of a dozen lines or fewer has no room for a menu; a page dump is full of menu
    # items (short, no figures, no sentence ending).
    if len(lines) <= 12:
        return False
    menu = sum(
        1
        for line in lines
        if len(line.words) <= 8
        and line.text[-1] not in SENTENCE_END
        and not _DIGIT.search(line.text)
    )
    return menu >= MENU_SHARE * len(lines)


def _keep_short(lines: list[Line], i: int, end: int) -> bool:
    """A short line inside the article stays if it heads the next paragraph (a sub-heading)."""
    line = lines[i]
    if line.block.main:
        return True  # the page says this is article text
    if line.block.item:
        return True  # a list item or table row of the article ("Field of view: 152°")
    # A table inside the story: its rows and the headings next to them.
    if any(is_data_row(lines[j].words) for j in range(max(0, i - 1), min(end, i + 2))):
        return True
    if len(line.words) > 20 or line.text.endswith(".") and len(line.words) < 4:
        return False
    if line.block.heading:
        return True
    if under_list_lead(lines, i):
        return True
    return any(lines[j].kind == "good" for j in range(i + 1, min(end, i + SUBHEAD_GAP + 2)))


def _trailing_foreign(text: str, doc_lang: str | None) -> int | None:
    """Where a trailing fragment in another language begins (after the last sentence)."""
    if doc_lang is None or text[-1:] in SENTENCE_END:
        return None
    ends = [m.end() for m in _LAST_SENTENCE.finditer(text)]
    if not ends:
        return None
    tail = text[ends[-1] :]
    words = WORD.findall(tail.lower())
    if len(words) < 3:
        return None
    code = language(tail, words)
    return ends[-1] if code is not None and code != doc_lang else None


def reflow(text: str) -> list[str]:
    """Lines of a dump; hard-wrapped paragraphs (fixed-width text) joined into one line each."""
    raw = text.split("\n")
    lengths = sorted(len(r) for r in raw if r.strip())
    if len(lengths) < 3:
        return raw
    # Fixed-width text: a typical line is 40-90 characters and almost none is longer than 100.
    # Page dumps put a paragraph on one long line, so they never look like this.
    median = lengths[len(lengths) // 2]
    if not 40 <= median <= 90 or lengths[int(len(lengths) * 0.95)] > 100:
        return raw
    width = lengths[int(len(lengths) * 0.9)]
    out: list[str] = []
    joinable = False
    for r in raw:
        stripped = r.strip()
        if not stripped:
            out.append("")
            joinable = False
            continue
        # An indented line starts a paragraph; a sentence stopping short of the margin ends one.
        if joinable and r[:1] not in (" ", "\t"):
            out[-1] = out[-1] + " " + stripped
        else:
            out.append(stripped)
        joinable = len(r.rstrip()) >= 0.7 * width or stripped[-1] not in SENTENCE_END
    return out
