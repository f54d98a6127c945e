"""Support for the search tests (no tests here): a real index of the seeds and two pages."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from indexer.build import build_index
from indexer.config import SearchConfig
from indexer.live import LiveIndex

SEEDS = Path(__file__).resolve().parents[1] / "seeds"
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
    root = tmp_path_factory.mktemp("search")
    corpus = root / "corpus"
    shutil.copytree(SEEDS, corpus)
    (corpus / "zz_script.txt").write_text(SCRIPT_PAGE, encoding="utf-8")
    (corpus / "zz_title_only.txt").write_text(TITLE_ONLY_PAGE, encoding="utf-8")
    build_index(corpus, root / "index", full=True)
    s = LiveIndex(root / "index").searcher()
    yield s
    s.close()
