"""The index schema, and how a cleaned Document becomes the fields Whoosh stores."""

from __future__ import annotations

import json

from whoosh.analysis import LowercaseFilter
from whoosh.fields import ID, STORED, TEXT, Schema

from .analysis import SOURCE_PATTERN, NltkTokenizer, exact_analyzer, stemming_analyzer
from .document import Document, Removed

# Ranked fields: stemmed beside exact (names, exact phrases). A word query scores over all
# four. Stemmed positions are every word's own (stopwords leave gaps), so query word pairs can
# earn a proximity bonus ("boundary layers" near "boundary layer").
TEXT_FIELDS = ("title", "body", "title_exact", "body_exact")


# Bump when fields or analysis change: an index written with another version is rebuilt in
# full by the next `seedsearch index`, since its postings no longer match what queries expect.
# 4: `site` (the publisher) and the generation's stories file (indexer/stories.py).
# 5: stopwords leave position gaps in the stemmed fields (the proximity bonus counts them).
SCHEMA_VERSION = 5


def build_schema() -> Schema:
    """The schema every index generation is written with."""
    return Schema(
        id=ID(stored=True, unique=True),
        source=ID(stored=True, sortable=True),
        # The source path split into words, so `source:reuters` finds "reuters/2020/a.txt".
        source_words=TEXT(analyzer=NltkTokenizer(SOURCE_PATTERN) | LowercaseFilter(), phrase=False),
        # The publisher's name as the page gives it (indexer/site.py), for display and facets.
        site=ID(stored=True, sortable=True),
        date=ID(stored=True, sortable=True),
        year=ID(sortable=True),
        title=TEXT(analyzer=stemming_analyzer(), stored=True),
        body=TEXT(analyzer=stemming_analyzer()),
        title_exact=TEXT(analyzer=exact_analyzer(), phrase=True),
        body_exact=TEXT(analyzer=exact_analyzer(), phrase=True),
        text=STORED(),
        removed=STORED(),
    )


def document_fields(doc: Document) -> dict:
    """Keyword arguments for `writer.add_document`/`update_document` for one Document."""
    title = doc.title or ""
    fields = {
        "id": doc.id,
        "source": doc.source,
        "source_words": doc.source,
        "title": title,
        "body": doc.text,
        "title_exact": title,
        "body_exact": doc.text,
        "text": doc.text,
        "removed": json.dumps([{"text": r.text, "reason": r.reason} for r in doc.removed]),
    }
    if doc.site:
        fields["site"] = doc.site
    if doc.date:
        fields["date"] = doc.date
        fields["year"] = doc.date[:4]
    return fields


def stored_document(stored: dict) -> Document:
    """Rebuild the Document from a hit's stored fields (the inverse of `document_fields`)."""
    removed = [Removed(r["text"], r["reason"]) for r in json.loads(stored.get("removed") or "[]")]
    return Document(
        id=stored["id"],
        source=stored["source"],
        title=stored.get("title") or None,
        date=stored.get("date") or None,
        text=stored.get("text", ""),
        removed=removed,
        site=stored.get("site") or None,
    )
