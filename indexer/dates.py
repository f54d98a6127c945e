"""Dates from datelines and page metadata, as ISO YYYY-MM-DD; unknown or ambiguous gives None."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

_MONTH_NAMES = "jan feb mar apr may jun jul aug sep oct nov dec"
_MONTHS = {m: i + 1 for i, m in enumerate(_MONTH_NAMES.split())}
_MONTH = (
    r"(?P<{}>jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?"
    r"|sept?(?:ember)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)\.?"
)
# One alternation, compiled once: ISO (also with / or .), "October 1, 2023", "1 October 2023",
# and numeric day/month/year whose order the caller decides.
_DATE = re.compile(
    r"(?<!\d)(?:"
    r"(?P<iy>(?:19|20)\d\d)[-/.](?P<im>\d\d?)[-/.](?P<id>\d\d?)(?!\d)"
    r"|" + _MONTH.format("m1") + r"\s+(?P<d1>\d\d?)(?:st|nd|rd|th)?,?\s+(?P<y1>(?:19|20)\d\d)"
    r"|(?P<d2>\d\d?)(?:st|nd|rd|th)?\s+(?:of\s+)?"
    + _MONTH.format("m2")
    + r",?\s+(?P<y2>(?:19|20)\d\d)"
    r"|(?P<na>\d\d?)[/.](?P<nb>\d\d?)[/.](?P<ny>(?:19|20)\d\d)(?!\d)"
    r")",
    re.I,
)


_YEAR = re.compile(r"(?:19|20)\d\d")


def _iso(year: str | int, month: str | int, day: str | int) -> str | None:
    try:
        return dt.date(int(year), int(month), int(day)).isoformat()
    except ValueError:
        return None


def _from_match(m: re.Match[str], day_first: bool | None) -> str | None:
    if m.group("iy"):
        return _iso(m.group("iy"), m.group("im"), m.group("id"))
    if m.group("y1"):
        return _iso(m.group("y1"), _MONTHS[m.group("m1")[:3].lower()], m.group("d1"))
    if m.group("y2"):
        return _iso(m.group("y2"), _MONTHS[m.group("m2")[:3].lower()], m.group("d2"))
    a, b, year = int(m.group("na")), int(m.group("nb")), m.group("ny")
    if a > 12 >= b:
        return _iso(year, b, a)
    if b > 12 >= a:
        return _iso(year, a, b)
    if a == b:
        return _iso(year, a, b)
    # 02/10/2023 is October in Hanoi and February in New York: without a convention, no date.
    if day_first is None:
        return None
    return _iso(year, b, a) if day_first else _iso(year, a, b)


def find_date(text: str, day_first: bool | None = None) -> tuple[str, int, int] | None:
    """The first valid date written in `text`: (ISO date, start, end) or None."""
    if not _YEAR.search(text):
        return None  # every form below has a four-digit year; most lines have none
    for m in _DATE.finditer(text):
        iso = _from_match(m, day_first)
        if iso:
            return iso, m.start(), m.end()
    return None


def parse_date(value: str) -> str | None:
    """A metadata date value (ISO 8601, "October 1, 2023", ...) as YYYY-MM-DD, or None."""
    found = find_date(value[:200], day_first=None)
    return found[0] if found else None


# Meta names whose value is the publication date, most trusted first.
PUBLISHED_META = (
    "article:published_time",
    "og:published_time",
    "datepublished",
    "pubdate",
    "publishdate",
    "publish-date",
    "published",
    "date",
    "dc.date",
    "dc.date.issued",
    "sailthru.date",
    "parsely-pub-date",
)
# Any meta name holding one of these is a date the page states (published, modified, ...).
_DATED_NAME = re.compile(r"date|time|publish|modified", re.I)
_LD_DATES = ("datePublished", "dateCreated", "dateModified", "uploadDate")


@dataclass
class MetaDates:
    """The dates a page's metadata states: its publication date and every date it names."""

    published: str | None = None
    stated: frozenset[str] = frozenset()


def metadata_dates(meta: dict[str, str], ld: list[dict], times: list[str]) -> MetaDates:
    """Publication date (meta, then JSON-LD datePublished/dateCreated, then <time>) and all dates.

    Modified times are never the publication date (right on 31-44% of wcxb-dev pages), but
    they are kept in `stated`: a page that prints its update date as its date means it.
    """
    published_values = [meta[k] for k in PUBLISHED_META if k in meta]
    published_values += [
        v for item in ld for v in (item.get("datePublished"), item.get("dateCreated"))
    ]
    published_values += times
    published = next((d for d in map(_parse_value, published_values) if d), None)
    every = [v for k, v in meta.items() if _DATED_NAME.search(k)]
    every += [item.get(k) for item in ld for k in _LD_DATES] + times
    stated = frozenset(d for d in map(_parse_value, every) if d)
    return MetaDates(published, stated)


def _parse_value(value: object) -> str | None:
    return parse_date(value) if isinstance(value, str) else None


# Where the page prints its date: within this many lines from the headline (measured on
# wcxb-dev: 10 and 20 lines are level; 5 misses bylines, 30 and 40 take related dates).
SHOWN_WINDOW = 20
# A date printed this close under the headline is the page's own, over the metadata's date
# (wcxb-dev: 3 lines 0.893, 6 lines 0.894, 10 lines 0.891, none 0.887: farther dates are
# related stories' and comments').
SHOWN_NEAR = 6
# Lines that print a date which is not the page's: forum user panels, copyright lines.
_NOT_PAGE_DATE = re.compile(
    r"^\W*(?:joined|registered|member since|founded|since|copyright|©|last (?:seen|visit|active))",
    re.I,
)
# "Updated March 2, 2025": the page's truth date is the original one as often as not.
_UPDATE_LABEL = re.compile(r"\b(?:updated?|modified|reviewed|edited)\b", re.I)
# A line longer than this is a sentence of the story, not a byline or a date line.
_DATE_LINE_WORDS = 25


def _headline_at(lines: list[str], headline: str | None) -> int | None:
    """Index of the first line that prints the headline (word-bag F1 >= 0.8), or None."""
    if not headline:
        return None
    from indexer.titles import agreement  # titles imports dates: lazy keeps the cycle out

    size = len(headline.split())
    # A line printing the headline holds one of its three longest words (a site suffix may
    # hold another): a substring test skips the rest without building word bags.
    probes = sorted(set(re.findall(r"\w+", headline.casefold())), key=len)[-3:]
    for at, line in enumerate(lines):
        if len(line.split()) > 2 * size + 4:
            continue
        low = line.casefold()
        if not any(probe in low for probe in probes):
            continue
        if agreement(line, headline) >= 0.8:
            return at
    return None


def shown_dates(
    lines: list[str], headline: str | None, stated: frozenset[str] = frozenset()
) -> list[tuple[str, int]]:
    """Dates printed on the page's date lines just after its headline (bylines, "Posted on").

    Update dates, user panels ("Joined: ...") and sentences are skipped; no headline, none.
    A numeric date that reads both ways (8/1/2025) is read the way the metadata states it.
    """
    start = _headline_at(lines, headline)
    if start is None:
        return []
    found = []
    window = lines[start : start + SHOWN_WINDOW]
    for offset, line in enumerate(window):
        date = date_line(line, stated)
        if date and not (offset and is_panel_label(window[offset - 1])):
            found.append((date, _distance(offset, line)))
    return found


def _distance(offset: int, line: str) -> int:
    """How far under the headline a date counts: a date inside a sentence is never right
    under it ("On 2 Dec 2024, I received this message ...": the story's own dates).

    wcxb-dev, sentences of more than 8 / 10 / 12 / 14 / 16 words: 0.9045 / 0.9059 / 0.9074 /
    0.9074 / 0.9045 (12 is the byline bound `SHORT_DATE_LINE` below).
    """
    if len(line.split()) > SHORT_DATE_LINE:
        return max(offset, SHOWN_NEAR + 1)
    return offset


# A forum user panel's label printed on its own line, its date on the next ("Joined" /
# "Nov 4, 2011": XenForo).
_PANEL_LABEL = re.compile(
    r"^\W*(?:joined|registered|member since|last (?:seen|visit|active))\W*$", re.I
)


def stated_reading(line: str, stated: frozenset[str]) -> tuple[str, int, int] | None:
    """A numeric date that reads both ways (8/1/2025), read the way the metadata states it.

    Without a convention such a date gives none; a page whose metadata states one of the
    two days has told which order it writes.
    """
    if not stated:
        return None
    for day_first in (False, True):
        hit = find_date(line, day_first)
        if hit and hit[0] in stated:
            return hit
    return None


def is_panel_label(line: str) -> bool:
    """Whether the line is only a user panel's date label, so the next line is not the page's."""
    return len(line) < 20 and _PANEL_LABEL.match(line) is not None


def date_line(line: str, stated: frozenset[str] = frozenset()) -> str | None:
    """The date a byline or date line prints, or None for a panel, an update date, a sentence."""
    if _NOT_PAGE_DATE.match(line) or len(line.split()) > _DATE_LINE_WORDS:
        return None
    hit = find_date(line) or stated_reading(line, stated)
    if hit and not _UPDATE_LABEL.search(line[: hit[1]]):
        return hit[0]
    return None


def header_dates(
    meta: MetaDates, shown: list[tuple[str, int]], header: list[str]
) -> list[tuple[str, int]]:
    """The shown dates, plus those the headline's cut <header> prints when the metadata
    states no publication date.

    The header holding the <h1> holds the byline too, and is cut with it before parsing.
    With a publication date in the metadata its dates lose more than they win (wcxb-dev:
    0.887-0.890 against 0.894: it prints the update date the truth does not take); without
    one they are the page's own (5 pages right, none wrong). They go last, as far dates:
    they fill the gap or confirm one of the metadata's dates.
    """
    if meta.published is not None or not header:
        return shown
    far = SHOWN_WINDOW
    return shown + [(d, far) for d in filter(None, map(date_line, header))]


def choose_date(meta: MetaDates, shown: list[tuple[str, int]]) -> str | None:
    """The page's date: one it prints that its metadata states, else one printed right under
    the headline, else the metadata's, else any printed after the headline.

    A printed date that the metadata also states tells which of the metadata's dates the page
    means (its update date, or a local date where the metadata gives UTC); a printed date
    farther down that the metadata does not state may be a related story's: it fills a gap.
    """
    confirmed = next((d for d, _ in shown if d in meta.stated), None)
    near = next((d for d, offset in shown if offset <= SHOWN_NEAR), None)
    return confirmed or near or meta.published or (shown[0][0] if shown else None)


def first_date_line(lines: list[str]) -> str | None:
    """The date of the page's first short line that prints one: the last resort.

    Only asked when neither the metadata, the lines after the headline nor htmldate gave a
    date; update dates count here ("Last updated: November 13, 2025" is all such a page says).
    """
    for line in lines:
        if len(line.split()) <= SHORT_DATE_LINE and not _NOT_PAGE_DATE.match(line):
            hit = find_date(line)
            if hit:
                return hit[0]
    return None


# A date line of the last resort has at most this many words (a byline, "Posted on ...").
SHORT_DATE_LINE = 12

# htmldate (Barbaresi's date extractor) reads what our rules miss: dates in the markup, URLs.
# Its fast search runs when the metadata and the lines after the headline gave no date. Its
# extensive search, as the last fallback, scored 0.890 on wcxb-dev against 0.887 with our
# `first_date_line` there, but loads dateparser (seconds of CPU once per process; HTML pages
# per CPU second fell from 35 to 23 over 211 pages), so it is off.
HTMLDATE_EXTENSIVE = False


def page_date(markup: str) -> str | None:
    """The publication date htmldate finds in an HTML page, as YYYY-MM-DD, or None."""
    from htmldate import find_date as htmldate_find  # imported on first use: it is heavy

    try:
        found = htmldate_find(markup, original_date=True, extensive_search=HTMLDATE_EXTENSIVE)
    except (ValueError, TypeError):  # htmldate raises on markup lxml cannot read
        return None
    return found if isinstance(found, str) else None
