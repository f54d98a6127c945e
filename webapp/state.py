"""Per-app state: the one LiveIndex, and the search limits from the config."""

from __future__ import annotations

from flask import current_app

from indexer.config import Config, SearchConfig
from indexer.live import LiveIndex


def live_index() -> LiveIndex:
    """The app's LiveIndex: created once, it keeps its searchers open across requests."""
    return current_app.extensions["seedsearch.index"]


def config() -> Config:
    return current_app.config["SEEDSEARCH"]


def limits() -> SearchConfig:
    return config().search
