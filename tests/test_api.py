"""The JSON API over a real index: shape, filters, errors, headers, OpenAPI, health."""

from __future__ import annotations

import re
import shutil
from concurrent.futures import ThreadPoolExecutor

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from webfixtures import (
    BAD_INPUT_IDS,
    BAD_INPUTS,
    HIT_KEYS,
    MUST_REFUSE,
    MUST_REFUSE_IDS,
    SEEDS,
    TOP_KEYS,
)

from indexer.build import build_index
from indexer.config import Config
from webapp import create_app

# Shared fixtures (app, client, the real index) live in tests/webfixtures.py.
pytest_plugins = ["webfixtures"]

SECURITY_HEADERS = {
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "Referrer-Policy": "no-referrer",
}


def api(client, **params):
    response = client.get("/api/search", query_string=params)
    assert response.status_code < 500, response.get_data(as_text=True)[:500]
    return response


def assert_error(response, status: int) -> dict:
    assert response.status_code == status
    assert response.mimetype == "application/json"
    body = response.get_json()
    assert set(body) == {"error"}
    assert isinstance(body["error"]["code"], str) and body["error"]["code"]
    assert isinstance(body["error"]["message"], str) and body["error"]["message"]
    return body["error"]


def test_search_shape(client):
    body = api(client, q="korea").get_json()
    assert list(body) == TOP_KEYS
    assert body["total"] >= 3 and body["page"] == 1 and body["per_page"] == 10
    assert body["results"], "the seeds are about Korea"
    assert set(body["facets"]) >= {"source", "year"}
    for hit in body["results"]:
        assert list(hit) == HIT_KEYS
        assert "<mark>" in hit["snippet"]
    for facet in body["facets"].values():
        for entry in facet:
            assert set(entry) == {"value", "count"} and entry["count"] > 0


def test_snippet_has_no_markup_but_mark(client):
    body = api(client, q="zorblax").get_json()
    [hit] = body["results"]
    tags = set(re.findall(r"<[^>]*>", hit["snippet"]))
    assert tags <= {"<mark>", "</mark>"}, tags
    assert "<mark>" in tags
    # The markup is still there, as text.
    assert "&lt;" in hit["snippet"]


def test_paging(client):
    first = api(client, q="korea", per_page=2).get_json()
    second = api(client, q="korea", per_page=2, page=2).get_json()
    assert len(first["results"]) == 2 and second["page"] == 2
    assert {h["id"] for h in first["results"]}.isdisjoint(h["id"] for h in second["results"])


def test_sort_newest(client):
    dates = [h["date"] for h in api(client, q="korea", sort="newest").get_json()["results"]]
    dated = [d for d in dates if d]
    assert len(dated) >= 2
    assert dated == sorted(dated, reverse=True)


def test_date_filter(client):
    body = api(client, q="korea", **{"from": "2023-01-01", "to": "2023-12-31"}).get_json()
    assert body["results"]
    assert all(h["date"] and h["date"].startswith("2023") for h in body["results"])
    everything = api(client, q="korea").get_json()
    assert body["total"] < everything["total"]


def test_source_filter(client):
    everything = api(client, q="korea").get_json()
    source = everything["facets"]["source"][0]["value"]
    body = api(client, q="korea", source=source).get_json()
    assert body["total"] == everything["facets"]["source"][0]["count"]
    assert all(source in h["source"] for h in body["results"])


@pytest.mark.parametrize("params", MUST_REFUSE, ids=MUST_REFUSE_IDS)
def test_wrong_parameters_are_400(client, params):
    assert_error(api(client, **params), 400)


@pytest.mark.parametrize("params", BAD_INPUTS, ids=BAD_INPUT_IDS)
def test_bad_input_never_5xx(client, params):
    response = api(client, **params)
    if response.status_code == 400:
        assert_error(response, 400)
    else:
        assert response.status_code == 200
        assert list(response.get_json()) == TOP_KEYS


def test_huge_query_in_url(client):
    response = client.get("/api/search?q=" + "abc%20" * 10_000)
    assert response.status_code in (200, 400)


@pytest.mark.parametrize("raw", ["%ff%fe", "%ed%a0%80", "%", "%zz", "korea%00", "a&q=b&q=c"])
def test_undecodable_query_strings(client, raw):
    response = client.get("/api/search?q=" + raw)
    assert response.status_code in (200, 400)
    assert response.mimetype == "application/json"


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(q=st.text(max_size=80), page=st.text(max_size=4), sort=st.text(max_size=8))
def test_fuzzed_queries_never_5xx(app, q, page, sort):
    response = app.test_client().get(
        "/api/search", query_string={"q": q, "page": page, "sort": sort}
    )
    assert response.status_code in (200, 400)
    body = response.get_json()
    assert ("error" in body) == (response.status_code == 400)


def test_document(client):
    hit = api(client, q="zorblax").get_json()["results"][0]
    response = client.get(f"/api/doc/{hit['id']}")
    assert response.status_code == 200
    doc = response.get_json()
    assert doc["id"] == hit["id"] and "zorblax" in doc["text"].lower()
    assert isinstance(doc["removed"], list)
    assert all(set(piece) == {"text", "reason"} for piece in doc["removed"])


@pytest.mark.parametrize(
    "path", ["/api/doc/0000000000000000", "/api/doc/..%2F..%2Fetc%2Fpasswd", "/api/doc/a%00b"]
)
def test_unknown_document_is_json_404(client, path):
    assert_error(client.get(path), 404)


def test_api_404_and_405_are_json(client):
    assert assert_error(client.get("/api/nothing-here"), 404)["code"] == "not_found"
    response = client.post("/api/search", data={"q": "korea"})
    assert assert_error(response, 405)["code"] == "method_not_allowed"
    assert "GET" in response.headers["Allow"]


def test_oversized_body_is_413(app, client):
    limit = app.config["MAX_CONTENT_LENGTH"]
    response = client.get("/api/search?q=korea", data=b"x" * (limit + 1))
    assert_error(response, 413)


def test_head(client):
    get = client.get("/api/search?q=korea")
    head = client.head("/api/search?q=korea")
    assert head.status_code == 200 and head.data == b""
    assert head.mimetype == get.mimetype == "application/json"


@pytest.mark.parametrize(
    "path", ["/api/search?q=korea", "/api/search", "/api/nothing", "/healthz", "/api/openapi.json"]
)
def test_security_headers(client, path):
    headers = client.get(path).headers
    for name, value in SECURITY_HEADERS.items():
        assert headers[name] == value
    assert "default-src 'self'" in headers["Content-Security-Policy"]


def test_healthz(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    body = response.get_json()
    assert body["status"] == "ok"
    assert body["documents"] == 6  # five seeds and the hostile page
    assert body["built_at"] and body["generation"]


def test_no_index_is_503(tmp_path):
    app = create_app(Config(corpus_dir=tmp_path, index_dir=tmp_path / "index"), TESTING=True)
    client = app.test_client()
    assert_error(client.get("/healthz"), 503)
    assert_error(client.get("/api/search?q=korea"), 503)
    page = client.get("/search?q=korea")
    assert page.status_code == 503 and page.mimetype == "text/html"


def test_openapi_is_valid(client):
    validator = pytest.importorskip("openapi_spec_validator")
    response = client.get("/api/openapi.json")
    assert response.status_code == 200
    spec = response.get_json()
    assert spec["openapi"].startswith("3.1")
    validator.validate(spec)


def _schema(spec: dict, name: str):
    jsonschema = pytest.importorskip("jsonschema")
    # $refs point into the spec itself, so the spec's components ride along in the root.
    root = {"$ref": f"#/components/schemas/{name}", "components": spec["components"]}
    return jsonschema.Draft202012Validator(root)


def test_responses_match_openapi(client):
    spec = client.get("/api/openapi.json").get_json()
    _schema(spec, "SearchResponse").validate(api(client, q="korea").get_json())
    _schema(spec, "SearchResponse").validate(api(client, q="qqqzzzxxx").get_json())
    _schema(spec, "Error").validate(api(client, q="").get_json())
    _schema(spec, "Health").validate(client.get("/healthz").get_json())
    doc_id = api(client, q="korea").get_json()["results"][0]["id"]
    _schema(spec, "Document").validate(client.get(f"/api/doc/{doc_id}").get_json())
    params = {p["name"] for p in spec["paths"]["/api/search"]["get"]["parameters"]}
    assert params == {"q", "page", "per_page", "from", "to", "source", "sort", "site", "collapse"}


def test_concurrent_requests(app):
    # Each waitress thread gets its own searcher; many at once must all answer correctly.
    def one(i: int):
        params = {"q": "korea", "page": i % 2 + 1, "per_page": 2}
        response = app.test_client().get("/api/search", query_string=params)
        return response.status_code, response.get_json()["total"]

    with ThreadPoolExecutor(max_workers=12) as pool:
        answers = list(pool.map(one, range(60)))
    assert {status for status, _ in answers} == {200}
    assert len({total for _, total in answers}) == 1


def test_new_index_generation_is_picked_up(tmp_path):
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    shutil.copy(sorted(SEEDS.iterdir())[0], corpus)
    build_index(corpus, tmp_path / "index", full=True)
    client = create_app(Config(corpus_dir=corpus, index_dir=tmp_path / "index")).test_client()
    before = client.get("/healthz").get_json()
    assert before["documents"] == 1
    assert client.get("/api/search?q=quokkaquest").get_json()["total"] == 0

    (corpus / "new.txt").write_text(
        "Quokkaquest expedition returns\n\n" + "The quokkaquest team came home on Monday. " * 5,
        encoding="utf-8",
    )
    build_index(corpus, tmp_path / "index")
    after = client.get("/healthz").get_json()
    assert after["documents"] == 2 and after["generation"] != before["generation"]
    assert client.get("/api/search?q=quokkaquest").get_json()["total"] == 1


def test_unexpected_failure_is_a_clean_500(tmp_path):
    # A generation folder with no Whoosh index in it: opening it fails deep inside Whoosh.
    index = tmp_path / "index"
    (index / "gen-000001").mkdir(parents=True)
    (index / "CURRENT").write_text("gen-000001\n", encoding="utf-8")
    client = create_app(Config(corpus_dir=tmp_path, index_dir=index)).test_client()
    error = assert_error(client.get("/api/search?q=korea"), 500)
    assert error["code"] == "internal_error" and "Traceback" not in error["message"]
    page = client.get("/search?q=korea")
    assert page.status_code == 500 and page.mimetype == "text/html"
    assert "Traceback" not in page.get_data(as_text=True)
    assert page.headers["X-Content-Type-Options"] == "nosniff"


@pytest.mark.parametrize("value", ["1_0", "+2", "٢", "1.0", "0x1"])
def test_page_numbers_are_plain_digits(client, value):
    response = client.get("/api/search", query_string={"q": "korea", "page": value})
    assert response.status_code == 400
    assert response.get_json()["error"]["code"] == "bad_page"
