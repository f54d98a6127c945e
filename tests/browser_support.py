"""Shared by the browser tests: Debian's Chromium under Playwright, and the app on a real port.

Loaded as a plugin and imported for its helpers; it holds no asserts (PYTEST_DONT_REWRITE).
"""

from __future__ import annotations

import contextlib
import shutil
import threading
from pathlib import Path

import pytest
import waitress

CHROMIUM = shutil.which("chromium") or (
    "/usr/bin/chromium" if Path("/usr/bin/chromium").exists() else None
)
# Flags for a root, sandbox-less machine whose network reaches nothing but loopback.
ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


@contextlib.contextmanager
def serving(app):
    """Serve `app` with waitress on a free 127.0.0.1 port; yields the base URL."""
    server = waitress.create_server(app, host="127.0.0.1", port=0, threads=4)
    threading.Thread(target=server.run, daemon=True).start()
    try:
        yield f"http://127.0.0.1:{server.effective_port}"
    finally:
        server.close()


@contextlib.contextmanager
def chromium(sync_api):
    """The system Chromium, launched through Playwright (never a downloaded browser)."""
    with sync_api.sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        try:
            yield browser
        finally:
            browser.close()


@pytest.fixture(scope="module")
def browser():
    """One Chromium per test module (a plugin fixture: modules list this file in pytest_plugins)."""
    sync_api = pytest.importorskip("playwright.sync_api", reason="playwright is not installed")
    with chromium(sync_api) as launched:
        yield launched
