"""/search.atom: a search as an Atom 1.0 feed (RFC 4287), newest articles first.

The request goes through the same parse_request and search() as the page and the API; only
the rendering differs. The XML is built with ElementTree, which escapes every title and text,
after dropping the characters XML 1.0 cannot carry at all (control characters, lone
surrogates): escaping cannot save those, and one of them makes the whole feed unreadable.
"""

from __future__ import annotations

import html
import re
import xml.etree.ElementTree as ET
from dataclasses import replace
from datetime import UTC, datetime
from urllib.parse import urlencode

from flask import Blueprint, Response, request, url_for

from indexer.search import Hit, parse_request

from .pages import KEPT
from .state import backend, limits

bp = Blueprint("feed", __name__)

ATOM = "http://www.w3.org/2005/Atom"
MIMETYPE = "application/atom+xml"
# Entry and feed ids are tag: URIs (RFC 4151) named after what they are, never after an index
# generation: a document's id is a hash of its corpus path, so a re-index keeps it.
TAG = "tag:seedsearch,2026:"
# The search parameters that define a feed (its id and links): not the order, since a feed is
# always newest first, nor the page size the reader happened to use on the results page.
FEED_PARAMS = tuple(key for key in KEPT if key not in ("sort", "per_page"))
_NOT_XML = re.compile("[^\t\n\r\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")
_MARK = re.compile("</?mark>")


def xml_text(text: str) -> str:
    """`text` without the characters XML 1.0 forbids (ElementTree escapes the rest)."""
    return _NOT_XML.sub("", text)


def plain(snippet: str) -> str:
    """A snippet (escaped text with <mark> around matches) as the plain text it shows."""
    return html.unescape(_MARK.sub("", snippet))


def rfc3339(day_or_time: str) -> str:
    """A YYYY-MM-DD article date (midnight UTC) or an ISO time stamp as an Atom date."""
    if len(day_or_time) == 10:
        return f"{day_or_time}T00:00:00Z"
    return datetime.fromisoformat(day_or_time).astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def _add(parent: ET.Element, tag: str, text: str | None = None, **attrs: str) -> ET.Element:
    element = ET.SubElement(parent, tag, {k: xml_text(v) for k, v in attrs.items()})
    if text is not None:
        element.text = xml_text(text)
    return element


def _entry(feed: ET.Element, hit: Hit, indexed: str) -> None:
    entry = _add(feed, "entry")
    _add(entry, "id", f"{TAG}doc:{hit.id}")
    _add(entry, "title", hit.title or hit.source, type="text")
    href = url_for("pages.document", doc_id=hit.id, _external=True)
    _add(entry, "link", rel="alternate", type="text/html", href=href)
    _add(entry, "updated", rfc3339(hit.date) if hit.date else indexed)
    if hit.date:
        _add(entry, "published", rfc3339(hit.date))
    _add(entry, "summary", plain(hit.snippet), type="text")


def feed_xml(response, params: dict[str, str], indexed: str) -> bytes:
    """The Atom document of one search response; `indexed` dates undated entries."""
    feed = ET.Element("feed", xmlns=ATOM)
    _add(feed, "id", f"{TAG}search?{urlencode(sorted(params.items()))}")
    _add(feed, "title", f"{response.query} · seedsearch", type="text")
    shown, total = len(response.results), response.total
    subtitle = f"The {shown} newest of {total:,} matching articles." if shown else "No matches yet."
    _add(feed, "subtitle", subtitle, type="text")
    updated = max(
        (rfc3339(hit.date) if hit.date else indexed for hit in response.results), default=indexed
    )
    _add(feed, "updated", updated)
    _add(feed, "link", rel="self", type=MIMETYPE, href=request.url)
    page = url_for("pages.results", _external=True, **params)
    _add(feed, "link", rel="alternate", type="text/html", href=page)
    _add(_add(feed, "author"), "name", "seedsearch")
    _add(feed, "generator", "seedsearch")
    for hit in response.results:
        _entry(feed, hit, indexed)
    return ET.tostring(feed, encoding="utf-8", xml_declaration=True)


def feed_params() -> dict[str, str]:
    """The current request's parameters that define its feed."""
    return {key: request.args[key] for key in FEED_PARAMS if request.args.get(key)}


@bp.app_template_global()
def feed_url() -> str:
    """The feed of the search on the current page (the results page links it)."""
    return url_for("feed.atom", **feed_params())


@bp.get("/search.atom")
def atom():
    # parse_request raises BadRequest, which errors.py answers with a 400 page saying why.
    search_request = replace(parse_request(request.args.to_dict(), limits()), sort="newest")
    response = backend().search(search_request, limits())
    built_at = backend().info().built_at
    indexed = rfc3339(built_at) if built_at else rfc3339(datetime.now(UTC).isoformat())
    feed = Response(feed_xml(response, feed_params(), indexed), mimetype=MIMETYPE)
    # Readers poll: the same feed (same index, same search) answers 304 Not Modified.
    feed.add_etag()
    return feed.make_conditional(request)
