"""The JSON API: search, one document, the OpenAPI description, and the health check."""

from __future__ import annotations

from dataclasses import asdict

from flask import Blueprint, abort, jsonify, request

from indexer.search import SearchResponse, get_document, parse_request, search

from .openapi import spec
from .pages import DOC_ID
from .state import limits, live_index

bp = Blueprint("api", __name__)

# Facets the API always lists, even when a search has no values for them.
FACETS = ("source", "year")


def response_json(response: SearchResponse) -> dict:
    """The documented JSON shape of one search (see openapi.py)."""
    facets = {name: [] for name in FACETS}
    for name, values in response.facets.items():
        facets[name] = [{"value": value, "count": count} for value, count in values]
    return {
        "query": response.query,
        "parsed": response.parsed,
        "total": response.total,
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
                "score": hit.score,
                "snippet": hit.snippet,
            }
            for hit in response.results
        ],
    }


@bp.get("/api/search")
def api_search():
    # parse_request raises BadRequest, which errors.py turns into a 400 JSON error.
    search_request = parse_request(request.args.to_dict(), limits())
    return jsonify(response_json(search(live_index().searcher(), search_request, limits())))


@bp.get("/api/doc/<doc_id>")
def api_document(doc_id: str):
    doc = get_document(live_index().searcher(), doc_id) if DOC_ID.fullmatch(doc_id) else None
    if doc is None:
        abort(404, "No document has this id.")
    return jsonify(asdict(doc))


@bp.get("/api/openapi.json")
def openapi():
    return jsonify(spec(limits()))


@bp.get("/healthz")
def healthz():
    info = live_index().info()
    return jsonify(
        status="ok", documents=info.doc_count, built_at=info.built_at, generation=info.generation
    )
