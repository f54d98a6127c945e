"""An HTML page's headline from its competing title sources (<h1>, og:title, JSON-LD, <title>)."""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass

from indexer.dates import find_date

_WORDS = re.compile(r"\w+")
# Separators between a headline and the site's name ("Headline | Site", "Site » Headline").
_SEPARATOR = re.compile(r"\s+[-|–—·•»/:]\s+|\s*\|\s*")
# Two titles name the same headline when their word bags overlap this much (F1).
AGREE = 0.5
# A headline that no other source confirms is trusted when it has this many words; shorter
# unconfirmed <h1>s are mostly the site's or the section's name ("Blog", "Arch Linux").
H1_MIN_WORDS = 4


@dataclass
class TitleSources:
    """What a page says its title is, each source as printed (None when absent)."""

    h1: str | None = None
    og: str | None = None  # og:title, else twitter:title
    ld: str | None = None  # JSON-LD headline
    title: str | None = None  # <title>
    site: str | None = None  # og:site_name


def _bag(text: str) -> Counter[str]:
    return Counter(_WORDS.findall(text.casefold()))


def agreement(a: str | None, b: str | None) -> float:
    """Word-bag F1 of two titles (0 when either is missing)."""
    if not a or not b:
        return 0.0
    x, y = _bag(a), _bag(b)
    overlap = sum((x & y).values())
    return 2 * overlap / (sum(x.values()) + sum(y.values())) if overlap else 0.0


def _parts(text: str) -> list[str]:
    return [p.strip() for p in _SEPARATOR.split(text) if p.strip()]


def _without_site(text: str, site: str | None) -> str:
    """`text` without the site's name printed before or after it."""
    if site and len(site) < len(text):
        pattern = re.escape(site.strip())
        for form in (rf"\s*[-|–—:·•»/]\s*{pattern}\s*$", rf"^\s*{pattern}\s*[-|–—:·•»/]\s*"):
            cut = re.sub(form, "", text, flags=re.I).strip()
            if cut and cut != text:
                return cut
    return text


def _headline_part(text: str, evidence: list[str]) -> str:
    """The part of `Headline | Section | Site` that is the headline."""
    parts = _parts(text)
    if len(parts) < 2:
        return text
    if evidence:
        return max(parts, key=lambda p: (max(agreement(p, e) for e in evidence), len(p)))
    # No other source to compare with: the site name is the short end part, or the short
    # parts around the longest ("Site • View topic - Headline").
    if len(parts[-1].split()) <= 4:
        return " - ".join(parts[:-1])
    longest = max(parts, key=len)
    return longest if len(parts) >= 3 and len(longest.split()) >= H1_MIN_WORDS else text


def _is_site_name(text: str, sources: TitleSources) -> bool:
    """Whether `text` names the site rather than the page.

    It does when it is og:site_name, or a part of the <title> other than its longest one
    ("Headline - Site": the site's name is the shorter part).
    """
    if sources.site and agreement(text, sources.site) >= 0.8:
        return True
    if agreement(text, sources.ld) >= 0.8:
        return False  # the JSON-LD headline names the page (a site name can be the longer part)
    parts = _parts(sources.title or "")
    if len(parts) < 2:
        return False
    longest = max(parts, key=len)
    return any(agreement(text, p) >= 0.8 for p in parts if p is not longest)


# " | " in a headline separates a section or a tagline ("X | Top 19 Companies", "X | Opinion").
_PIPE = re.compile(r"\s+\|\s+")
# " - ", " – ", " — " separate a subtitle, which only another source can tell apart from a
# headline that is a phrase with a dash in it ("The No. 1 workout of 2024 — and 5 trends").
_DASH = re.compile(r"\s+[-–—]\s+")
# The part before a " | " is the headline when it has at least this many words.
PIPE_HEAD_WORDS = 2


def _without_pipe_tail(title: str) -> str:
    """The part before a " | " when it is long enough to be the headline."""
    head = _PIPE.split(title)[0]
    return head if len(head.split()) >= PIPE_HEAD_WORDS else title


def without_tagline(title: str, sources: TitleSources) -> str:
    """`title` without a " | section" tail, and without a " - subtitle" that another source
    leaves out (the <h1> or og:title prints the headline alone)."""
    title = _without_pipe_tail(title)
    head = _DASH.split(title)[0]
    if head != title:
        others = (sources.h1, sources.og, sources.ld, sources.title)
        if any(agreement(head, other) >= 0.9 for other in others if other and other != title):
            return head
    return title


_WORDS_AFTER = re.compile(r"[\s\-–—|:·•]*\s[^\W\d_]")


def without_date_prefix(title: str) -> str:
    """`title` without a date it opens with ("Dec 18 2025 Preparing a transition"): a dateline
    printed into the headline's element, not part of the headline."""
    found = find_date(title[:40])
    rest = title[found[2] :] if found and found[1] == 0 else ""
    # Words follow the date ("2024.4.4 -> 2024.5.0 issue" is a version number, not a date).
    if _WORDS_AFTER.match(rest) and len(rest.split()) >= 2:
        return rest.strip(" \t-–—|:·•")
    return title


def choose_title(sources: TitleSources) -> str | None:
    """The page's headline (see `_choose`), without a date prefix or a section/subtitle tail."""
    title = _choose(sources)
    return without_tagline(without_date_prefix(title), sources) if title else None


# "Computer Science > Artificial Intelligence": an <h1> that is a breadcrumb names a section.
_BREADCRUMB = re.compile(r"\s[>»›]\s")


def _choose(sources: TitleSources) -> str | None:
    """The page's headline: the <h1> when another source confirms it, else the metadata title."""
    h1 = sources.h1
    if h1 and (_is_site_name(h1, sources) or _BREADCRUMB.search(h1)):
        h1 = None
    meta = [t for t in (sources.og, sources.ld, sources.title) if t]
    if not meta:
        return h1
    evidence = [t for t in (sources.ld, h1) if t]
    base = _headline_part(_without_site(meta[0], sources.site), evidence)
    if not h1:
        return base
    if agreement(h1, base) >= AGREE or _is_site_name(base, sources):
        return h1
    if sources.ld and sources.ld is not meta[0]:
        if agreement(h1, sources.ld) >= AGREE:
            return h1
        if agreement(base, sources.ld) >= AGREE:
            return base
    return h1 if len(h1.split()) >= H1_MIN_WORDS else base


# A text dump's title is its <title> line. What follows a " | " is the site's or section's
# name (wcxb-dev text titles: tails of <= 5 words cut 0.713, <= 8 0.722, any 0.728). A dash
# tail of at most this many words is the site's name too, unless the headline is in capitals:
# a wire headline's "... IN WEEK - USDA" names its source.
# (dash tails of <= 2 / 4 / 6 / 10 words: 0.738 / 0.746 / 0.758 / 0.752).
TEXT_DASH_TAIL_WORDS = 6


def text_title(title: str | None) -> str | None:
    """A text dump's title without the " | Site" or short " - Site" after its headline."""
    if not title:
        return title
    title = _without_pipe_tail(title)
    dashes = list(_DASH.finditer(title))
    last = dashes[-1] if dashes else None
    if last and len(title[last.end() :].split()) <= TEXT_DASH_TAIL_WORDS and not title.isupper():
        return title[: last.start()]
    return title
