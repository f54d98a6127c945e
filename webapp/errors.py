"""Every failure becomes a clean answer: JSON for /api and /healthz, a plain page elsewhere."""

from __future__ import annotations

import logging

from flask import Flask, Response, jsonify, make_response, render_template, request
from werkzeug.exceptions import HTTPException

from indexer.backend import BackendUnavailable
from indexer.live import IndexMissing
from indexer.search import BadRequest

log = logging.getLogger(__name__)


def wants_json() -> bool:
    """Machine clients (the API, health checks) get JSON errors; people get pages."""
    path = request.path
    return path == "/api" or path.startswith("/api/") or path == "/healthz"


def error_response(status: int, code: str, message: str) -> Response:
    """The one error shape: {"error": {"code", "message"}} or the error page."""
    if wants_json():
        response = jsonify(error={"code": code, "message": message})
    else:
        page = render_template("error.html", status=status, code=code, message=message)
        response = make_response(page)
    response.status_code = status
    return response


def _http_error(exc: HTTPException) -> Response:
    code = (exc.name or "error").lower().replace("'", "").replace(" ", "_")
    response = error_response(exc.code or 500, code, exc.description or exc.name)
    # A 405 must still say which methods are allowed.
    for name, value in exc.get_headers():
        if name.lower() == "allow":
            response.headers[name] = value
    return response


def _bad_request(exc: BadRequest) -> Response:
    return error_response(400, exc.code, exc.message)


def _index_missing(exc: IndexMissing) -> Response:
    response = error_response(
        503, "index_unavailable", "There is no search index yet. Try again in a minute."
    )
    response.headers["Retry-After"] = "30"
    return response


def _backend_unavailable(exc: BackendUnavailable) -> Response:
    log.warning("search backend unavailable: %s", exc)
    response = error_response(
        503, "backend_unavailable", "The search engine is not answering. Try again in a minute."
    )
    response.headers["Retry-After"] = "30"
    return response


def _unexpected(exc: Exception) -> Response:
    # The traceback goes to the log, never to the client.
    log.exception("unhandled error on %s %s", request.method, request.path)
    return error_response(500, "internal_error", "Something went wrong on our side.")


def init_app(app: Flask) -> None:
    app.register_error_handler(HTTPException, _http_error)
    app.register_error_handler(BadRequest, _bad_request)
    app.register_error_handler(IndexMissing, _index_missing)
    app.register_error_handler(BackendUnavailable, _backend_unavailable)
    app.register_error_handler(Exception, _unexpected)
