"""The publisher of a page (its `site`): the name the page gives itself, else its address.

HTML pages say it in their metadata (Open Graph's `og:site_name`, JSON-LD `publisher.name`,
`application-name`), else their own address (`<link rel=canonical>`, `og:url`), read as its
registered domain. A text dump has no metadata, only the site's chrome as printed: the title
line's site part ("Headline | NAME", as trafilatura reads titles; the part printed as a line
of its own on the site's other pages first), a "Why you can trust NAME" badge, a logo name
printed twice, a "© 2023 NAME" footer, a "Source: NAME" line. Each rule
is a named function, tried in order; the first name found wins, and a page that says none has
no site.
"""

from __future__ import annotations

import html
import re
from collections.abc import Callable, Container
from functools import cache
from urllib.parse import urlsplit

from .clean_html import json_ld_objects
from .clean_text import label_reason, normalise_key

# A publisher name is short; a longer "name" is a sentence caught by a loose rule.
MAX_NAME_CHARS = 60
MAX_NAME_WORDS = 6
# Metadata lives in the head and JSON-LD near it; the rest of a long page is never scanned.
_HTML_SCAN = 400_000
_TEXT_HEAD_LINES = 12
_TEXT_TAIL_LINES = 40

_META = re.compile(r"<meta\b[^>]*>", re.I)
_LINK = re.compile(r"<link\b[^>]*>", re.I)
_ATTR = re.compile(r"""([\w:-]+)\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s"'>]+))""")
_LD_JSON = re.compile(
    r"<script\b[^>]*type\s*=\s*[\"']?application/ld\+json[^>]*>(.*?)</script\s*>", re.I | re.S
)
_SPACE = re.compile(r"\s+")

_TRUST = re.compile(r"why you can trust\s+(.+)", re.I)
_COPYRIGHT = re.compile(
    r"(?:copyright\s*)?(?:©|\(c\)|copyright)\s*(?:(?:19|20)\d\d\s*[-–]\s*)?(?:19|20)\d\d[,.]?\s+"
    r"(?:by\s+)?(.+)",
    re.I,
)
_RIGHTS = re.compile(
    r"[\s.,;|-]*(?:all rights reserved|tous droits réservés|todos los derechos reservados)\b.*$",
    re.I,
)
_SOURCE_LINE = re.compile(r"source\s*:\s*(.+)", re.I)
_TITLE_SEP = re.compile(r"\s+[|–—·•:-]\s+")
# A logo's text beside the same name as a link, flattened into one line: "NameName 02/10/2023".
_TWICE = re.compile(r"(\w[^\d\n]{2,40}?)\1(?=\s*\d|\s*$)")
# Section or page words some sites put where their name belongs ("og:site_name": "Blog").
_GENERIC = frozenset({"blog", "home", "homepage", "news", "articles", "website", "opinion"})
_LEGAL_FORM = re.compile(r"[\s,]+(?:inc|llc|ltd|plc|gmbh|s\.?a|corp|co)\.?$", re.I)


def clean_name(raw: str | None) -> str | None:
    """A name as stored: entities decoded, spaces collapsed, legal forms and rights notes cut."""
    if not raw or not isinstance(raw, str):
        return None
    name = _SPACE.sub(" ", html.unescape(raw)).strip()
    name = _RIGHTS.sub("", name)
    name = _LEGAL_FORM.sub("", name).strip(" .,;:|-–—·•")
    if not name or len(name) > MAX_NAME_CHARS or len(name.split()) > MAX_NAME_WORDS:
        return None
    if not any(ch.isalnum() for ch in name) or name.casefold() in _GENERIC:
        return None
    return name


@cache
def _suffixes():
    from publicsuffixlist import PublicSuffixList

    return PublicSuffixList()  # the list ships inside the package: nothing is downloaded


def registered_domain(url_or_host: str | None) -> str | None:
    """The registrable domain of a URL or host ("news.bbc.co.uk" -> "bbc.co.uk"), or None."""
    if not url_or_host:
        return None
    text = url_or_host.strip()
    host = urlsplit(text if "//" in text else f"//{text}").hostname
    if not host or "." not in host:
        return None
    try:
        host = host.encode("idna").decode("ascii")
    except UnicodeError:
        return None
    return _suffixes().privatesuffix(host.rstrip("."))


# --- HTML ---------------------------------------------------------------------------------


def _attrs(tag: str) -> dict[str, str]:
    return {m[1].lower(): m[2] or m[3] or m[4] or "" for m in _ATTR.finditer(tag)}


def _meta(page: str, names: tuple[str, ...]) -> str | None:
    for tag in _META.finditer(page):
        attrs = _attrs(tag[0])
        key = (attrs.get("property") or attrs.get("name") or "").lower()
        if key in names and attrs.get("content"):
            return attrs["content"]
    return None


def _og_site_name(page: str) -> str | None:
    return clean_name(_meta(page, ("og:site_name",)))


def _json_ld_publisher(page: str) -> str | None:
    for block in _LD_JSON.finditer(page):
        raw = html.unescape(block[1]) if "&quot;" in block[1] else block[1]
        for item in json_ld_objects(raw):
            publisher = item.get("publisher")
            for one in publisher if isinstance(publisher, list) else [publisher]:
                name = one.get("name") if isinstance(one, dict) else one
                if clean_name(name if isinstance(name, str) else None):
                    return clean_name(name)
    return None


def _application_name(page: str) -> str | None:
    return clean_name(_meta(page, ("application-name",)))


def _own_address(page: str) -> str | None:
    for tag in _LINK.finditer(page):
        attrs = _attrs(tag[0])
        if "canonical" in attrs.get("rel", "").lower().split():
            domain = registered_domain(attrs.get("href"))
            if domain:
                return domain
    return registered_domain(_meta(page, ("og:url",)))


HTML_RULES: tuple[Callable[[str], str | None], ...] = (
    _og_site_name,
    _json_ld_publisher,
    _application_name,
    _own_address,
)


def html_site(page: str) -> str | None:
    """The site an HTML page names, by HTML_RULES, or None."""
    head = page[:_HTML_SCAN]
    for rule in HTML_RULES:
        found = rule(head)
        if found:
            return found
    return None


# --- text dumps ---------------------------------------------------------------------------


def _is_name(text: str) -> bool:
    """A plausible publisher name: short, capitalised, and not a UI label ("Advertisement")."""
    return (
        clean_name(text) is not None
        and text[:1].isupper()
        and label_reason(text) is None
        and not text.rstrip().endswith((".", "?", "!"))
    )


def _trust_badge(lines: list[str], repeated: Container[str]) -> str | None:
    for line in lines:
        m = _TRUST.fullmatch(line)
        if m and _is_name(m[1]):
            return clean_name(m[1])
    return None


def _title_part(lines: list[str], repeated: Container[str]) -> str | None:
    """The site part of the title line: the one printed as a line of its own on other pages
    of the site, else the last part when it is short beside the headline."""
    if not lines:
        return None
    parts = [p.strip() for p in _TITLE_SEP.split(lines[0]) if p.strip()]
    if len(parts) < 2:
        return None
    for part in parts:
        if _is_name(part) and normalise_key(part) in repeated:
            return clean_name(part)
    last = parts[-1]
    if _is_name(last) and len(last.split()) <= 4 and len(last) < len(parts[0]):
        return clean_name(last)
    return None


def _logo_twice(lines: list[str], repeated: Container[str]) -> str | None:
    for line in lines[:_TEXT_HEAD_LINES]:
        m = _TWICE.match(line)
        if m and _is_name(m[1].strip()):
            return clean_name(m[1])
    return None


def _copyright(lines: list[str], repeated: Container[str]) -> str | None:
    for line in reversed(lines[-_TEXT_TAIL_LINES:]):
        lower = line.lower()
        # The pattern's search is most of this module's time; most lines hold no sign at all.
        if "©" not in line and "(c)" not in lower and "copyright" not in lower:
            continue
        m = _COPYRIGHT.search(line)
        if m:
            name = clean_name(_RIGHTS.sub("", m[1]).split(". ")[0])
            if name and _is_name(name):
                return name
    return None


def _source_line(lines: list[str], repeated: Container[str]) -> str | None:
    for line in reversed(lines[-_TEXT_TAIL_LINES:]):
        m = _SOURCE_LINE.fullmatch(line)
        if m and _is_name(m[1]):
            return clean_name(m[1])
    return None


# Order measured by bench/site_eval.py (docs/decisions.md): the title line first.
TEXT_RULES: tuple[Callable[[list[str], Container[str]], str | None], ...] = (
    _title_part,
    _trust_badge,
    _logo_twice,
    _copyright,
    _source_line,
)


def text_site(text: str, repeated: Container[str] = frozenset()) -> str | None:
    """The site a text dump prints in its chrome, by TEXT_RULES, or None.

    `repeated` holds the keys of lines printed on several pages of the corpus (the cleaner's
    chrome lines): a title part printed there too is the site's name."""
    lines = [line.strip() for line in text.split("\n") if line.strip()]
    for rule in TEXT_RULES:
        found = rule(lines, repeated)
        if found:
            return found
    return None
