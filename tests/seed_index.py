"""Support (no tests here): a real index of the seeds plus a few extra pages, for searching."""

from __future__ import annotations

import shutil
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path

from indexer.build import build_index
from indexer.live import LiveIndex

SEEDS = Path(__file__).resolve().parents[1] / "seeds"


@contextmanager
def seed_searcher(root: Path, extra_pages: Mapping[str, str]) -> Iterator:
    """Index the seeds plus `extra_pages` (file name -> text) under `root`; yield a searcher."""
    corpus = root / "corpus"
    shutil.copytree(SEEDS, corpus)
    for name, text in extra_pages.items():
        (corpus / name).write_text(text, encoding="utf-8")
    build_index(corpus, root / "index", full=True)
    searcher = LiveIndex(root / "index").searcher()
    try:
        yield searcher
    finally:
        searcher.close()
