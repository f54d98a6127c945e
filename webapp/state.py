"""Per-app state: the one backend, and the search limits from the config."""

from __future__ import annotations

from flask import current_app

from indexer.backend import Backend
from indexer.config import Config, SearchConfig


def backend() -> Backend:
    """The app's backend: created once, it keeps its searchers (or connections) open."""
    return current_app.extensions["seedsearch.backend"]


def config() -> Config:
    return current_app.config["SEEDSEARCH"]


def limits() -> SearchConfig:
    return config().search
