"""Dates from datelines and page metadata, as ISO YYYY-MM-DD; unknown or ambiguous gives None."""

from __future__ import annotations

import datetime as dt
import re

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


# htmldate (Barbaresi's date extractor) reads what our metadata rules miss: bylines, "Posted
# on" lines, URLs in the markup. Its extensive search (free-text patterns) finds a few more
# dates but costs 15% of the HTML path's speed; the fast search costs about 2%.
HTMLDATE_EXTENSIVE = False


def page_date(markup: str) -> str | None:
    """The publication date htmldate finds in an HTML page, as YYYY-MM-DD, or None."""
    from htmldate import find_date as htmldate_find  # imported on first use: it is heavy

    try:
        found = htmldate_find(markup, original_date=True, extensive_search=HTMLDATE_EXTENSIVE)
    except (ValueError, TypeError):  # htmldate raises on markup lxml cannot read
        return None
    return found if isinstance(found, str) else None
