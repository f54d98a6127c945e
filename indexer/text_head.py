"""The headline and the dateline of a text: which line they are, what is cut from them."""

from __future__ import annotations

import re

from indexer.dates import find_date
from indexer.document import Removed
from indexer.lang import language
from indexer.text_lines import Line, is_dateline, normalise_key

# How far below the headline the article may start (byline, date, share buttons, picture).
HEAD_GAP = 12
_ABBREVIATION_END = re.compile(r"\b\w\.\w\.$")  # "... TO U.S." ends a headline, not a sentence
# What closes a dateline after its date: "(January 24, 2017) — ", ", 2024 (Reuters) - ".
_DATELINE_TAIL = re.compile(r"\)?(?:\s*\([^()]{1,24}\))?\s*(?:[-–—|:]+\s*)?")
_TIMESTAMP = re.compile(
    r"\d\d?:\d\d(?::\d\d)?(?:\s*[aApP]\.?[mM]\.?)?(?:\s+[A-Z]{2,4})?\s*[-–—|]\s+"
)
_TITLE_SUFFIX = re.compile(r"\s+[-|–—:·•]\s+([^-|–—:·•]{2,40})$")


def _title_like(line: Line, doc_lang: str | None) -> bool:
    n = len(line.words)
    text = line.text
    return (
        2 <= n <= 30
        and len(text) <= 250
        and (not text.endswith(".") or text.isupper() or _ABBREVIATION_END.search(text))
        and not text.startswith(("- ", "• ", "* "))
        and find_date(text) is None
        and (doc_lang is None or text.isascii() or language(text, line.words) in (None, doc_lang))
    )


def _strip_suffix(text: str, keys: set[str]) -> str:
    """`Headline - Site` without the site name, when the page confirms where the name starts."""
    # Sites stack suffixes: "Headline | World | News". A suffix goes only when the page also
    # prints the headline without it: "SUGAR IMPORTS DOWN - USDA" keeps its source.
    stripped = text
    while (m := _TITLE_SUFFIX.search(stripped)) and len(m.group(1).split()) <= 4:
        stripped = stripped[: m.start()].strip()
        if normalise_key(stripped) in keys:
            return stripped
    return text


def find_title(lines: list[Line], doc_lang: str | None) -> str | None:
    """The headline: the first line unless it is a paragraph, skipping labels printed above it."""
    keys = {line.key for line in lines}
    for line in lines[:HEAD_GAP]:
        if line.reason and line.reason != "repeated line":
            continue  # labels printed above the headline (ads, forum menus)
        if _title_like(line, doc_lang):
            return _strip_suffix(line.text, keys)
        return None
    return None


def _day_first(text: str, doc_lang: str | None) -> bool | None:
    """Day-first unless the date sits in English; an English page's 02/10 stays ambiguous."""
    if doc_lang not in (None, "en"):
        return True
    if text.isascii():
        return None
    return True if language(text) not in (None, "en") else None


def _find_dateline(
    lines: list[Line], start: int, doc_lang: str | None
) -> tuple[str, int, int, int] | None:
    """The date closest above the article start, or at the very start of its first line."""
    if start < len(lines):
        first = lines[start].text
        found = find_date(first[:40], _day_first(first[:40], doc_lang))
        if found and found[1] <= 12:
            return (*found, start)
    for i in range(start - 1, max(-1, start - 20), -1):
        line = lines[i]
        if line.reason == "forum chrome" or len(line.words) > 14:
            continue
        found = find_date(line.text, _day_first(line.text, doc_lang))
        if found:
            return (*found, i)
    return None


def mark_datelines(lines: list[Line]) -> None:
    """Bylines with dates ("Published Nov 18, 2019 at 4:07 PM") are a page dump's chrome."""
    # In a plain story a short line opening with a date is a line of the story: web pages only.
    for line in lines:
        if line.kind != "chrome" and len(line.words) <= 10 and is_dateline(line.text):
            line.kind, line.reason = "chrome", "dateline"


def take_dateline(
    lines: list[Line],
    region: tuple[int, int],
    title_key: str | None,
    doc_lang: str | None,
    removed: list[Removed],
) -> str | None:
    """The date printed just above the first paragraph, or opening it; its line is dropped."""
    start, end = region
    body = next(
        (i for i in range(start, end) if lines[i].kind == "good" and lines[i].key != title_key),
        start,
    )
    found = _find_dateline(lines, body, doc_lang)
    if not found:
        return None
    date, _, d_end, at = found
    line = lines[at]
    if at == body and len(line.words) > 14:
        # "SEOUL, June 14, 2024 - South Korea ...": drop the dateline, keep the sentence.
        d_end = _DATELINE_TAIL.match(line.text, d_end).end()
        removed.append(Removed(line.text[:d_end].strip(), "dateline"))
        line.text = line.text[d_end:].strip()
    elif len(line.words) <= 14:
        line.kind, line.reason = "chrome", "dateline"
    return date


def strip_timestamp(
    lines: list[Line], start: int, end: int, title_key: str | None, removed: list[Removed]
) -> None:
    """A clock time opening the article ("17:04 - China's ...") is dateline chrome."""
    for line in lines[start:end]:
        if line.kind == "chrome" or line.key == title_key:
            continue
        m = _TIMESTAMP.match(line.text)
        if m and m.end() < len(line.text):
            removed.append(Removed(m.group().strip(), "timestamp"))
            line.text = line.text[m.end() :]
        return
