"""Fixtures for the web tests: a real index of the real seeds plus one hostile page, built once.

Test modules load this as a plugin (pytest_plugins) and also import its constants; it holds
no asserts, so PYTEST_DONT_REWRITE spares pytest's warning about an already-imported module.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from indexer.build import build_index
from indexer.config import Config
from webapp import create_app

SEEDS = Path(__file__).resolve().parents[1] / "seeds"

# A page built to break a careless template: markup in its file name, title and text.
EVIL_NAME = "<img src=x onerror=alert(1)>.txt"
EVIL_TEXT = """Zorblax <script>alert(1)</script> headline

The zorblax committee met on Tuesday <img src=x onerror=alert(2)> to discuss the zorblax budget.

A second zorblax paragraph says <script>alert(3)</script> and "quotes" & ampersands.
"""
# The API's search response, keys in the documented order.
TOP_KEYS = [
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
]
HIT_KEYS = ["id", "title", "date", "source", "site", "story", "versions", "score", "snippet"]

# Search inputs a client can send; each must answer 200 or 400, never 5xx.
BAD_INPUTS = [
    {"q": "korea", "page": "0"},
    {"q": "korea", "page": "-1"},
    {"q": "korea", "page": "abc"},
    {"q": "korea", "page": "99999999999999999999999"},
    {"q": "korea", "per_page": "10000"},
    {"q": "korea", "per_page": "0"},
    {"q": "korea", "per_page": "x"},
    {},
    {"q": ""},
    {"q": "   "},
    {"q": "korea", "from": "garbage"},
    {"q": "korea", "to": "2021-02-31"},
    {"q": "korea", "from": "2023-01-01", "to": "2020-01-01"},
    {"q": "korea", "sort": "bogus"},
    {"q": "korea", "source": "../../etc/passwd"},
    {"q": "x" * 5000},
    {"q": "korea " * 900},
    {"q": "korea\x01\x02\x1b[31m\x7f"},
    {"q": "korea\x00china"},
    {"q": '"unbalanced quote'},
    {"q": '"'},
    {"q": "-"},
    {"q": "-korea"},
    {"q": "title:"},
    {"q": "(("},
    {"q": "))"},
    {"q": "*"},
    {"q": "a*"},
    {"q": "AND OR NOT"},
    {"q": "source:"},
    {"q": "\ufffd\u202e\u200b"},
    {"q": "<script>alert(1)</script>"},
    {"q": "korea", "site": "<script>alert(1)</script>"},
    {"q": "korea", "collapse": "maybe"},
    {"q": "korea", "collapse": "false"},
]

# The inputs that are plainly wrong: these must be refused with 400.
MUST_REFUSE = [
    {"q": "korea", "page": "0"},
    {"q": "korea", "page": "-1"},
    {"q": "korea", "page": "abc"},
    {"q": "korea", "per_page": "10000"},
    {},
    {"q": ""},
    {"q": "korea", "from": "garbage"},
    {"q": "korea", "sort": "bogus"},
    {"q": "korea", "collapse": "maybe"},
]


def _ids(cases: list[dict]) -> list[str]:
    return [repr(case)[:40] for case in cases]


BAD_INPUT_IDS = _ids(BAD_INPUTS)
MUST_REFUSE_IDS = _ids(MUST_REFUSE)


@pytest.fixture(scope="session")
def web_config(tmp_path_factory) -> Config:
    root = tmp_path_factory.mktemp("web")
    corpus = root / "corpus"
    shutil.copytree(SEEDS, corpus)
    (corpus / EVIL_NAME).write_text(EVIL_TEXT, encoding="utf-8")
    index = root / "index"
    build_index(corpus, index, full=True)
    return Config(corpus_dir=corpus, index_dir=index)


@pytest.fixture(scope="session")
def app(web_config):
    return create_app(web_config, TESTING=True)


@pytest.fixture
def client(app):
    return app.test_client()
