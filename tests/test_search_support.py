"""Support for the search tests (no tests here): a real index of the seeds and two pages."""

from __future__ import annotations

import pytest
from seed_index import seed_searcher

from indexer.config import SearchConfig

SCRIPT_PAGE = """Zorblax <script>alert(1)</script> summit

The zorblax committee met on Tuesday to discuss <script>alert(2)</script> budgets & "quotes".

A second paragraph about the zorblax trilateral summit.
"""
TITLE_ONLY_PAGE = """Glorptastic headline news

This opening sentence never repeats the headline word. A second sentence follows it.

Later paragraphs talk about other things entirely.
"""
LIMITS = SearchConfig()


@pytest.fixture(scope="module")
def searcher(tmp_path_factory):
    pages = {"zz_script.txt": SCRIPT_PAGE, "zz_title_only.txt": TITLE_ONLY_PAGE}
    with seed_searcher(tmp_path_factory.mktemp("search"), pages) as s:
        yield s
