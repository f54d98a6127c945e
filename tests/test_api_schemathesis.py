"""Property tests generated from our own OpenAPI document: no 5xx, responses match the schemas."""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, settings

from indexer.config import SearchConfig
from webapp.openapi import spec

schemathesis = pytest.importorskip("schemathesis")
from schemathesis.specs.openapi.checks import positive_data_acceptance  # noqa: E402

# Shared fixtures (app, client, the real index) live in tests/webfixtures.py.
pytest_plugins = ["webfixtures"]

# The fixture app runs with the default limits, so this is the document it serves.
schema = schemathesis.openapi.from_dict(spec(SearchConfig()))


def test_served_document_is_the_one_tested(client):
    assert client.get("/api/openapi.json").get_json() == spec(SearchConfig())


@pytest.mark.slow
@schema.parametrize()
@settings(max_examples=40, deadline=None, suppress_health_check=list(HealthCheck))
def test_api_follows_its_openapi_document(case, app):
    # Checks: no server errors, status codes and bodies as documented, content types. A valid
    # page and a valid per_page may still reach past max_depth together (a documented 400),
    # which OpenAPI cannot express, so that one check is left out.
    case.call_and_validate(app=app, excluded_checks=[positive_data_acceptance])
