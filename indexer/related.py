"""More like this: articles sharing the most distinctive words of a given one."""

from __future__ import annotations

from . import highlight
from .ranking import ranking_searcher
from .search import Hit

KEY_TERMS = 12  # enough distinctive words to characterise a news story


def related(searcher, doc_id: str, n: int = 5) -> list[Hit]:
    """Up to `n` other articles most similar to `doc_id` (empty if the id is unknown)."""
    docnum = searcher.document_number(id=doc_id)
    if docnum is None:
        return []
    stored = searcher.stored_fields(docnum)
    text = " ".join(filter(None, [stored.get("title"), stored.get("text")]))
    results = ranking_searcher(searcher).more_like(
        docnum, "body", text=text, top=n + 1, numterms=KEY_TERMS
    )
    hits = []
    for hit in results:
        if hit.docnum == docnum:
            continue
        fields = hit.fields()
        snippet = highlight.opening(fields.get("text", ""))
        hits.append(
            Hit(
                id=fields["id"],
                title=fields.get("title") or None,
                date=fields.get("date") or None,
                source=fields["source"],
                score=round(float(hit.score), 4),
                snippet=snippet,
                fragments=[snippet] if snippet else [],
            )
        )
    return hits[:n]
