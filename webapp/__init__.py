"""The seedsearch web app: HTML pages and a JSON API over the live index."""

from __future__ import annotations

from flask import Flask

from indexer.backend import open_backend
from indexer.config import Config, load_config

from . import api, errors, pages, security


def create_app(config: Config | None = None, **overrides) -> Flask:
    """The app for `config` (default: the nearest config.toml); `overrides` go to app.config."""
    config = config or load_config()
    app = Flask(__name__)
    app.config.update(
        SEEDSEARCH=config,
        # Flask would take DEBUG from $FLASK_DEBUG; only tests may turn it on, via overrides.
        DEBUG=False,
        # Flask refuses larger bodies with 413; security.py also checks Content-Length up front.
        MAX_CONTENT_LENGTH=config.search.max_request_bytes,
    )
    app.config.update(overrides)
    # Keep responses in the order the API documents, not alphabetical.
    app.json.sort_keys = False
    app.jinja_env.trim_blocks = app.jinja_env.lstrip_blocks = True
    # One backend per app: its searchers (or connection pool) stay open across requests.
    app.extensions["seedsearch.backend"] = open_backend(config)

    app.register_blueprint(pages.bp)
    app.register_blueprint(api.bp)
    security.init_app(app)
    errors.init_app(app)
    return app
