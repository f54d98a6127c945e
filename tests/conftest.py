"""Shared fixtures: the real seed corpus, an index of it, and a real OpenSearch node, each once
per session where they are shared."""

from __future__ import annotations

import shutil
import sys
from pathlib import Path

import pytest
from opensearch_node import require_node, start_node

from indexer.build import build_index

ROOT = Path(__file__).resolve().parents[1]
SEEDS = ROOT / "seeds"
sys.path.insert(0, str(ROOT / "bench"))

# bench/shared_data.py is the one place tests and scripts find ../shared/data.


@pytest.fixture(scope="session")
def seeds() -> Path:
    """The real, read-only seed corpus."""
    return SEEDS


@pytest.fixture
def corpus(tmp_path: Path) -> Path:
    """A writable copy of the seed corpus."""
    target = tmp_path / "corpus"
    shutil.copytree(SEEDS, target)
    for path in target.iterdir():
        path.chmod(0o644)
    return target


@pytest.fixture(scope="session")
def seed_index(tmp_path_factory) -> Path:
    """An index of the real seeds, built once; tests must not write to it."""
    index_dir = tmp_path_factory.mktemp("seed-index")
    build_index(SEEDS, index_dir)
    return index_dir


@pytest.fixture(scope="session")
def opensearch_url(tmp_path_factory) -> str:
    """The URL of one real OpenSearch node, started once per run (tools/opensearch-node/run).

    Skips where Java or Maven is missing, unless SEEDSEARCH_REQUIRE_OPENSEARCH=1. The node is
    shared: each test uses index names of its own and deletes them."""
    require_node()
    node = start_node(tmp_path_factory.mktemp("opensearch-node"))
    yield node.url
    node.stop()
