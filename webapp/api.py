"""The JSON API: search, one document, the OpenAPI description, and the health check."""

from __future__ import annotations

from dataclasses import asdict

from flask import Blueprint, abort, jsonify, request

from indexer.search import parse_request
from indexer.serialize import response_json

from .openapi import spec
from .pages import DOC_ID
from .state import backend, limits

bp = Blueprint("api", __name__)


@bp.get("/api/search")
def api_search():
    # parse_request raises BadRequest, which errors.py turns into a 400 JSON error.
    search_request = parse_request(request.args.to_dict(), limits())
    return jsonify(response_json(backend().search(search_request, limits())))


@bp.get("/api/doc/<doc_id>")
def api_document(doc_id: str):
    doc = backend().document(doc_id) if DOC_ID.fullmatch(doc_id) else None
    if doc is None:
        abort(404, "No document has this id.")
    return jsonify(asdict(doc))


@bp.get("/api/openapi.json")
def openapi():
    return jsonify(spec(limits()))


@bp.get("/healthz")
def healthz():
    info = backend().info()
    return jsonify(
        status="ok",
        backend=backend().kind,
        documents=info.doc_count,
        built_at=info.built_at,
        generation=info.generation,
    )
