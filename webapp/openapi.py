"""The OpenAPI 3.1 description of the JSON API; per_page bounds come from the configured limits."""

from __future__ import annotations

from indexer.config import SearchConfig

from .pages import DOC_ID


def _ref(name: str) -> dict:
    return {"$ref": f"#/components/schemas/{name}"}


def _json(schema: dict, description: str) -> dict:
    return {"description": description, "content": {"application/json": {"schema": schema}}}


def _query(name: str, description: str, schema: dict, required: bool = False) -> dict:
    parameter = {
        "name": name,
        "in": "query",
        "required": required,
        "description": description,
        "schema": schema,
    }
    if not required:
        # HTML forms send empty fields; an empty optional parameter means its default.
        parameter["allowEmptyValue"] = True
    return parameter


NULLABLE_STRING = {"type": ["string", "null"]}
DATE = {"type": "string", "format": "date"}
# An optional parameter sent blank (as an HTML form sends an unused field) means "not given":
# the server strips whitespace (Python's, hence the extra control characters) before parsing.
BLANK = {"type": "string", "pattern": "^[\\s\\x1c-\\x1f\\x85]*$"}


def _or_blank(schema: dict) -> dict:
    return {"anyOf": [schema, BLANK]}


ERROR = _json(_ref("Error"), "The error, with a machine-readable code.")
# The feed is for feed readers: its errors are the error page, for whoever opens the link.
ERROR_PAGE = {
    "description": "An HTML page saying what is wrong.",
    "content": {"text/html": {"schema": {"type": "string"}}},
}

SCHEMAS = {
    "Error": {
        "type": "object",
        "required": ["error"],
        "properties": {
            "error": {
                "type": "object",
                "required": ["code", "message"],
                "properties": {"code": {"type": "string"}, "message": {"type": "string"}},
            }
        },
    },
    "FacetValue": {
        "type": "object",
        "required": ["value", "count"],
        "properties": {"value": {"type": "string"}, "count": {"type": "integer", "minimum": 0}},
    },
    "Hit": {
        "type": "object",
        "required": [
            "id",
            "title",
            "date",
            "source",
            "site",
            "story",
            "versions",
            "score",
            "snippet",
        ],
        "properties": {
            "id": {"type": "string"},
            "title": NULLABLE_STRING,
            "date": {"type": ["string", "null"], "description": "YYYY-MM-DD"},
            "source": {"type": "string", "description": "The page's path in the corpus."},
            "site": {
                "type": ["string", "null"],
                "description": "The publisher, as the page names itself (or its domain).",
            },
            "story": {
                "type": "string",
                "description": "The id shared by near-duplicate copies of one story.",
            },
            "versions": {
                "type": "array",
                "items": {"type": "string"},
                "description": "Ids of the story's other matching copies.",
            },
            "score": {"type": "number"},
            "snippet": {
                "type": "string",
                "description": "HTML: escaped text, matched words wrapped in <mark>.",
            },
        },
    },
    "SearchResponse": {
        "type": "object",
        "required": [
            "query",
            "parsed",
            "total",
            "stories",
            "page",
            "per_page",
            "took_ms",
            "relaxed",
            "notices",
            "suggestion",
            "facets",
            "facet_values",
            "results",
        ],
        "properties": {
            "query": {"type": "string", "description": "The query as searched (maybe trimmed)."},
            "parsed": {"type": "string", "description": "How the query was understood."},
            "total": {"type": "integer", "minimum": 0, "description": "Matching documents."},
            "stories": {
                "type": "integer",
                "minimum": 0,
                "description": "Distinct stories among them (near-duplicates count once).",
            },
            "page": {"type": "integer", "minimum": 1},
            "per_page": {"type": "integer", "minimum": 1},
            "took_ms": {"type": "number", "minimum": 0},
            "relaxed": {
                "type": "boolean",
                "description": "No document had all the words; results match any of them.",
            },
            "notices": {"type": "array", "items": {"type": "string"}},
            "suggestion": {
                "type": ["string", "null"],
                "description": "A corrected query worth trying (did you mean).",
            },
            "facets": {
                "type": "object",
                "required": ["source", "site", "year", "month"],
                "properties": {
                    "source": {"type": "array", "items": _ref("FacetValue")},
                    "site": {"type": "array", "items": _ref("FacetValue")},
                    "year": {"type": "array", "items": _ref("FacetValue")},
                    "month": {
                        "type": "array",
                        "description": "Every month (YYYY-MM) with matches, oldest first.",
                        "items": _ref("FacetValue"),
                    },
                },
            },
            "facet_values": {
                "type": "object",
                "description": "How many distinct values each facet has among all matches "
                "(facets lists the top 20).",
                "required": ["source", "site", "year", "month"],
                "properties": {
                    "source": {"type": "integer", "minimum": 0},
                    "site": {"type": "integer", "minimum": 0},
                    "year": {"type": "integer", "minimum": 0},
                    "month": {"type": "integer", "minimum": 0},
                },
            },
            "results": {"type": "array", "items": _ref("Hit")},
        },
    },
    "Removed": {
        "type": "object",
        "required": ["text", "reason"],
        "properties": {"text": {"type": "string"}, "reason": {"type": "string"}},
    },
    "Document": {
        "type": "object",
        "required": ["id", "source", "title", "date", "text", "removed", "site"],
        "properties": {
            "id": {"type": "string"},
            "source": {"type": "string"},
            "site": {"type": ["string", "null"], "description": "The publisher."},
            "title": NULLABLE_STRING,
            "date": NULLABLE_STRING,
            "text": {"type": "string", "description": "The kept paragraphs, one per line."},
            "removed": {
                "type": "array",
                "description": "What the cleaner dropped from the page, and why.",
                "items": _ref("Removed"),
            },
        },
    },
    "Health": {
        "type": "object",
        "required": ["status", "backend", "documents", "built_at", "generation"],
        "properties": {
            "status": {"const": "ok"},
            "backend": {"enum": ["whoosh", "opensearch"]},
            "documents": {"type": "integer", "minimum": 0},
            "built_at": NULLABLE_STRING,
            "generation": {"type": ["string", "integer", "null"]},
        },
    },
}


def _feed(parameters: list[dict]) -> dict:
    """/search.atom: the search's own parameters, answered as a feed."""
    return {
        "get": {
            "operationId": "searchFeed",
            "summary": "A search as an Atom 1.0 feed, newest articles first",
            "description": "The parameters of /api/search; sort is ignored (a feed is newest "
            "first). Entry ids are tag: URIs that stay the same across re-indexing.",
            "parameters": parameters,
            "responses": {
                "200": {
                    "description": "The feed.",
                    "content": {"application/atom+xml": {"schema": {"type": "string"}}},
                },
                "400": ERROR_PAGE,
                "503": ERROR_PAGE,
            },
        }
    }


def spec(search: SearchConfig) -> dict:
    """The API description for a server running with these search limits."""
    document = {
        "openapi": "3.1.0",
        "info": {
            "title": "seedsearch",
            "version": "1.0.0",
            "description": "Full-text search over cleaned news pages.",
        },
        "paths": {
            "/api/search": {
                "get": {
                    "operationId": "search",
                    "summary": "Search the documents",
                    "parameters": [
                        _query(
                            "q",
                            'The query: words, "phrases", -excluded, prefix*.',
                            {"type": "string", "minLength": 1, "pattern": "\\S"},
                            required=True,
                        ),
                        _query(
                            "page",
                            f"Result page, from 1 (page × per_page at most {search.max_depth}).",
                            _or_blank(
                                {"type": "integer", "minimum": 1, "maximum": search.max_depth}
                            ),
                        ),
                        _query(
                            "per_page",
                            "Results per page.",
                            _or_blank(
                                {
                                    "type": "integer",
                                    "minimum": 1,
                                    "maximum": search.max_per_page,
                                    "default": search.per_page,
                                }
                            ),
                        ),
                        _query("from", "Earliest date, inclusive (YYYY-MM-DD).", _or_blank(DATE)),
                        _query("to", "Latest date, inclusive (YYYY-MM-DD).", _or_blank(DATE)),
                        _query("source", "Only documents from this source.", {"type": "string"}),
                        _query("site", "Only documents from this publisher.", {"type": "string"}),
                        _query(
                            "collapse",
                            "One result per story (false: every copy).",
                            _or_blank({"enum": ["true", "false"], "default": "true"}),
                        ),
                        _query(
                            "sort",
                            "Result order.",
                            _or_blank({"enum": ["relevance", "newest"], "default": "relevance"}),
                        ),
                    ],
                    "responses": {
                        "200": _json(_ref("SearchResponse"), "One page of results."),
                        "400": ERROR,
                        "503": ERROR,
                    },
                }
            },
            "/api/doc/{id}": {
                "get": {
                    "operationId": "getDocument",
                    "summary": "One cleaned document, with its cleaning report",
                    "parameters": [
                        {
                            "name": "id",
                            "in": "path",
                            "required": True,
                            "schema": {"type": "string", "pattern": f"^(?:{DOC_ID.pattern})$"},
                        }
                    ],
                    "responses": {
                        "200": _json(_ref("Document"), "The document."),
                        "404": ERROR,
                        "503": ERROR,
                    },
                }
            },
            "/healthz": {
                "get": {
                    "operationId": "health",
                    "summary": "Whether an index is loaded, and which",
                    "responses": {
                        "200": _json(_ref("Health"), "The live index."),
                        "503": ERROR,
                    },
                }
            },
        },
        "components": {"schemas": SCHEMAS},
    }
    paths = document["paths"]
    paths["/search.atom"] = _feed(paths["/api/search"]["get"]["parameters"])
    return document
