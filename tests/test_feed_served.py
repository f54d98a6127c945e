"""Following a search the way a feed reader does: `seedsearch serve` over HTTP, while the
corpus grows and `seedsearch index` runs, with feedparser reading each poll."""

from __future__ import annotations

import random

import pytest
from hardening_support import Server, article, http_get, run_cli, write_config

from indexer import generations as gens

feedparser = pytest.importorskip("feedparser")
pytestmark = pytest.mark.slow


def poll(server: Server, query: str) -> feedparser.FeedParserDict:
    status, body, headers = http_get(f"{server.url}/search.atom?q={query}")
    assert status == 200 and headers["Content-Type"].startswith("application/atom+xml")
    parsed = feedparser.parse(body)
    assert not parsed.bozo, parsed.get("bozo_exception")
    return parsed


def dated_page(title: str, day: str, rng: random.Random) -> str:
    body = article(rng, title).split("\n\n", 1)[1]
    paragraphs = "".join(f"<p>{p}</p>" for p in body.split("\n\n") if p.strip())
    return (
        f'<html><head><title>{title}</title><meta property="article:published_time" '
        f'content="{day}"></head><body><article><h1>{title}</h1>{paragraphs}</article></body></html>'
    )


def test_a_reader_sees_a_new_article_first_and_old_entries_keep_their_ids(tmp_path, corpus):
    index = tmp_path / "index"
    config = write_config(tmp_path, corpus, index)
    assert run_cli(config, "index", "--quiet").returncode == 0
    with Server(config) as server:
        before = poll(server, "korea")
        assert before.entries
        # A new Korea article, dated after every seed, arrives and is indexed while serving.
        rng = random.Random(13)
        title = "Korea and China agree on a new summit"
        (corpus / "newest.html").write_text(dated_page(title, "2024-05-02", rng), "utf-8")
        assert run_cli(config, "index", "--quiet").returncode == 0
        assert server.wait_for_generation(gens.read_pointer(index))
        after = poll(server, "korea")
    # The reader's new entry is on top, and every entry it had already is still the same one.
    assert after.entries[0].title == title
    assert after.entries[0].updated.startswith("2024-05-02")
    assert [e.id for e in after.entries[1:]] == [e.id for e in before.entries]
    # The feed changed when its newest entry did (undated seeds count from the build time).
    assert after.feed.updated == max(e.updated for e in after.entries)
    assert after.feed.id == before.feed.id
