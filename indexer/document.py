"""The clean document: what the cleaner produces and the index stores."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field


@dataclass(frozen=True)
class Removed:
    """A piece of the page the cleaner dropped, and why."""

    text: str
    reason: str


@dataclass
class Document:
    """A cleaned article. `text` holds the kept paragraphs, one per line."""

    id: str
    source: str
    title: str | None
    date: str | None
    text: str
    removed: list[Removed] = field(default_factory=list)
    site: str | None = None  # the publisher (indexer/site.py); `source` stays the file name


class Skip(Exception):
    """A file that cannot become a document; the message says why."""


def doc_id(source: str) -> str:
    """A stable, URL-safe id for a corpus-relative path."""
    return hashlib.sha1(source.encode("utf-8", "surrogateescape")).hexdigest()[:16]
