"""Screenshots of the results page's timeline for docs/: real pages, a real browser.

Indexes the WCXB dev pages (../shared/data/wcxb-dev, 823 real news and forum pages with dates
from 2000 to 2026), serves the app on a free loopback port, and photographs the results of
a few queries with Debian's Chromium (through Playwright, never a downloaded browser) at
desktop and phone widths:

    .venv/bin/python bench/timeline_screenshots.py            # -> docs/timeline-*.png
"""

from __future__ import annotations

import argparse
import gzip
import shutil
import sys
import threading
from pathlib import Path

import waitress

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from shared_data import shared_path  # noqa: E402

from indexer.build import build_index  # noqa: E402
from indexer.config import Config  # noqa: E402
from webapp import create_app  # noqa: E402

OUT = ROOT / "bench" / "out" / "timeline"
WIDTHS = {"desktop": {"width": 1280, "height": 900}, "phone": {"width": 390, "height": 844}}
# (file name, query): a story over a few years, and a common word over the whole collection.
SHOTS = [("timeline", "climate"), ("timeline-dense", "said")]


def corpus() -> Path:
    """The WCXB dev pages as plain .html files (the corpus reads files, not .gz)."""
    html = shared_path("wcxb-dev", "html")
    folder = OUT / "wcxb-dev"
    if not (folder / ".complete").exists():
        shutil.rmtree(folder, ignore_errors=True)
        folder.mkdir(parents=True)
        for page in sorted(html.glob("*.html.gz")):
            (folder / page.name.removesuffix(".gz")).write_bytes(gzip.decompress(page.read_bytes()))
        (folder / ".complete").touch()
    return folder


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=ROOT / "docs")
    args = parser.parse_args()
    from playwright.sync_api import sync_playwright

    pages = corpus()
    build_index(pages, OUT / "index")  # incremental: quick when nothing changed
    app = create_app(Config(corpus_dir=pages, index_dir=OUT / "index"))
    server = waitress.create_server(app, host="127.0.0.1", port=0, threads=4)
    threading.Thread(target=server.run, daemon=True).start()
    base = f"http://127.0.0.1:{server.effective_port}"
    chromium = shutil.which("chromium") or "/usr/bin/chromium"
    try:
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=chromium, args=["--no-sandbox"])
            for width, viewport in WIDTHS.items():
                phone = width == "phone"
                context = browser.new_context(
                    viewport=viewport,
                    is_mobile=phone,
                    has_touch=phone,
                    device_scale_factor=2 if phone else 1,
                )
                page = context.new_page()
                for name, q in SHOTS:
                    page.goto(f"{base}/search?q={q}")
                    page.locator("figure.timeline").wait_for()
                    # The top of the page: search box, summary, chart and the first results.
                    path = args.out / f"{name}-{width}.png"
                    page.screenshot(path=str(path))
                    print(path)
                context.close()
            browser.close()
    finally:
        server.close()


if __name__ == "__main__":
    main()
