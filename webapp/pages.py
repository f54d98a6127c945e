"""The HTML pages: the search box, the results, and one document."""

from __future__ import annotations

import math
import re

from flask import Blueprint, abort, render_template, request, url_for
from markupsafe import escape

from indexer.highlight import highlight_text
from indexer.search import BadRequest, limit_query, parse_request

from .state import backend, limits

bp = Blueprint("pages", __name__)

# Ids are URL-safe hashes; anything else (dots, slashes, NUL) cannot name a document.
DOC_ID = re.compile(r"[A-Za-z0-9_-]{1,64}")
# The search parameters a link keeps when it changes one of them.
KEPT = ("q", "from", "to", "source", "site", "collapse", "sort", "per_page")
# Other versions of a story named on a result, at most (the rest are counted).
VERSION_LINKS = 5
# How many page numbers to show either side of the current one.
WINDOW = 3


@bp.app_template_global()
def search_url(**changes) -> str:
    """The current search's URL with `changes` applied (None or "" drops a parameter)."""
    params = {key: request.args.get(key) for key in KEPT}
    params.update(changes)
    return url_for("pages.results", **{k: v for k, v in params.items() if v not in (None, "")})


def form_values() -> dict:
    """What the search form shows: the request's own parameters, the query as searched (cut
    where the search cuts it; the results say so)."""
    values = {key: request.args.get(key, "") for key in KEPT}
    values["q"] = searched_query(values["q"])
    return values


def searched_query(q: str) -> str:
    """`q` cut by the search's own limit (indexer.search.limit_query)."""
    return limit_query(q, limits())[0]


def pagination(page: int, per_page: int, total: int) -> dict:
    """Previous/next and a window of page numbers, never past the deepest page we serve."""
    deepest = max(1, limits().max_depth // per_page)
    last = max(1, min(math.ceil(total / per_page), deepest))
    numbers = list(range(max(1, page - WINDOW), min(last, page + WINDOW) + 1))
    return {
        "page": page,
        "last": last,
        "prev": page - 1 if page > 1 else None,
        "next": page + 1 if page < last else None,
        "numbers": numbers,
    }


@bp.get("/")
def home():
    if "q" in request.args:
        return results()
    return render_template("home.html", form=form_values())


@bp.get("/search")
def results():
    if "q" not in request.args:
        return render_template("home.html", form=form_values())
    try:
        search_request = parse_request(request.args.to_dict(), limits())
    except BadRequest as exc:
        return render_template("results.html", form=form_values(), error=exc), 400
    response = backend().search(search_request, limits())
    # Collapsed, the pages list stories, not documents.
    listed = response.stories if search_request.collapse else response.total
    return render_template(
        "results.html",
        form=form_values(),
        response=response,
        pages=pagination(response.page, response.per_page, listed),
        versions={hit.id: version_links(hit.versions) for hit in response.results},
    )


def version_links(ids: list[str]) -> list[tuple[str, str]]:
    """(id, label) of a story's first VERSION_LINKS other copies: each by its site or file."""
    links = []
    for one in ids[:VERSION_LINKS]:
        doc = backend().document(one)
        if doc is not None:
            links.append((one, doc.site or doc.source))
    return links


@bp.get("/doc/<doc_id>")
def document(doc_id: str):
    if not DOC_ID.fullmatch(doc_id):
        abort(404)
    doc = backend().document(doc_id)
    if doc is None:
        abort(404)
    q = searched_query(request.args.get("q", "")).strip()
    # Both branches give safe HTML: highlight_text escapes the text before marking matches.
    paragraphs = [
        highlight_text(line, q) if q else str(escape(line))
        for line in doc.text.splitlines()
        if line.strip()
    ]
    title = doc.title or doc.source
    return render_template(
        "document.html",
        doc=doc,
        q=q,
        title=highlight_text(title, q) if q else str(escape(title)),
        paragraphs=paragraphs,
        related=backend().related(doc_id, n=5),
    )
