"""Search results as JSON: the one serializer behind the API and `seedsearch search --json`."""

from __future__ import annotations

from .search import SearchResponse

# Facets the JSON always lists, even when a search has no values for them.
FACETS = ("source", "site", "year", "month")


def response_json(response: SearchResponse) -> dict:
    """The documented JSON shape of one search (see webapp/openapi.py)."""
    facets = {name: [] for name in FACETS}
    for name, values in response.facets.items():
        facets[name] = [{"value": value, "count": count} for value, count in values]
    return {
        "query": response.query,
        "parsed": response.parsed,
        "total": response.total,
        "stories": response.stories,
        "page": response.page,
        "per_page": response.per_page,
        "took_ms": round(response.took_ms, 2),
        "relaxed": response.relaxed,
        "notices": list(response.notices),
        "suggestion": response.suggestion,
        "facets": facets,
        "facet_values": {name: response.facet_values.get(name, 0) for name in FACETS},
        "results": [
            {
                "id": hit.id,
                "title": hit.title,
                "date": hit.date,
                "source": hit.source,
                "site": hit.site,
                "story": hit.story,
                "versions": list(hit.versions),
                "score": hit.score,
                "snippet": hit.snippet,
            }
            for hit in response.results
        ],
    }
