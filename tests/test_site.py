"""The publisher (`site`) of real pages: the seeds, wcxb-dev pages by each rule, and the share
of wcxb-dev pages whose site names their own site; then the API's site field, facet and filter."""

from __future__ import annotations

import gzip
import json

import pytest
from site_eval import names_own_site
from webfixtures import SEEDS

from indexer import site
from indexer.clean import clean_file
from indexer.decode import decode
from indexer.document import doc_id

pytest_plugins = ["webfixtures"]

# What each seed prints about its publisher. 000, 002 and 003 are bare article text (002 a
# forum's copy of a VOA story, whose "told VOA" lines are quotes, not chrome): no site.
SEED_SITES = {
    "000_2cc68e9e30ca57b3.txt": None,
    "001_09996429d7cfd6fc.txt": "SCMP",  # "Why you can trust SCMP"
    "002_366b9a06e0d49ebc.txt": None,
    "003_a774dd404af8b464.txt": None,
    "004_d29238495a4c473e.txt": "Báo Quốc Tế",  # logo and name: "Báo Quốc TếBáo Quốc Tế02/10/2023"
}


@pytest.mark.parametrize("name", sorted(SEED_SITES))
def test_each_seed_names_its_site(name):
    assert clean_file(SEEDS / name, name).site == SEED_SITES[name]


def _wcxb(page_id: str) -> tuple[str, str, str]:
    from shared_data import require_shared

    folder = require_shared("wcxb-dev")
    html = decode(gzip.decompress((folder / "html" / f"{page_id}.html.gz").read_bytes()))
    text = (folder / "text" / f"{page_id}.txt").read_text(encoding="utf-8")
    url = json.loads((folder / "ground-truth.json").read_text(encoding="utf-8"))[page_id]["url"]
    return html, text, url


@pytest.mark.parametrize(
    ("page_id", "rule", "expected"),
    [
        ("0001", site._og_site_name, "Scratch Culinary Meal Prep"),
        ("0008", site._json_ld_publisher, "Flatworld Solutions"),
        ("0015", site._application_name, "Journey To College"),
        ("0003", site._own_address, "linkedin.com"),  # no name: the canonical link's domain
    ],
)
def test_html_rules_on_real_pages(page_id, rule, expected):
    html, _, url = _wcxb(page_id)
    assert site.html_site(html) == expected
    # The rule named is the one that found it: the rules before it found nothing.
    before = site.HTML_RULES[: site.HTML_RULES.index(rule)]
    assert all(r(html) is None for r in before)
    assert names_own_site(expected, url)


@pytest.mark.parametrize(
    ("page_id", "expected"),
    [
        ("0001", "Scratch Culinary Meal Prep"),  # "Headline | Scratch Culinary Meal Prep"
        ("0007", "GreatBigPhotographyWorld.com"),  # "© 2025 GreatBigPhotographyWorld.com"
        ("0054", "Move.org"),  # "Why you can trust Move.org"
    ],
)
def test_text_rules_on_real_dumps(page_id, expected):
    _, text, url = _wcxb(page_id)
    assert site.text_site(text) == expected
    assert names_own_site(expected, url)


def test_a_name_printed_across_pages_of_one_site_wins():
    """Three real PCWorld dumps: 'PCWorld' is the site, by their shared title part."""
    from indexer.clean import REPEAT_MIN_DOCS, line_keys

    dumps = [_wcxb(pid)[1] for pid in ("0212", "4014", "4603")]
    keys = [line_keys(d.encode(), "x.txt") for d in dumps]
    repeated = {k for k in set().union(*keys) if sum(k in ks for ks in keys) >= REPEAT_MIN_DOCS}
    assert {site.text_site(d, repeated) for d in dumps} == {"PCWorld"}


def test_share_of_wcxb_pages_naming_their_own_site():
    """bench/site_eval.py's figure, held: at least 80% of HTML pages, 55% of text dumps."""
    from shared_data import require_shared
    from site_eval import evaluate

    require_shared("wcxb-dev")
    counts = evaluate("wcxb-dev", show_wrong=False)
    for path, floor in (("html", 0.80), ("text", 0.55)):
        n = sum(counts[path].values())
        assert counts[path]["right"] / n >= floor, (path, counts[path])


def test_names_own_site_refuses_another_publisher():
    assert names_own_site("South China Morning Post", "https://www.scmp.com/news/x")
    assert not names_own_site("Reuters", "https://www.scmp.com/news/x")
    assert not names_own_site(None, "https://www.scmp.com/news/x")


def test_generic_and_overlong_names_are_no_site():
    assert site.clean_name("Blog") is None
    assert site.clean_name("This is a whole sentence that is not the name of any site") is None
    assert site.clean_name("Acme News, Inc. All rights reserved.") == "Acme News"


# --- the API and pages --------------------------------------------------------------------


def test_api_gives_site_in_results_and_document(client):
    body = client.get("/api/search", query_string={"q": "korea"}).get_json()
    sites = {hit["source"]: hit["site"] for hit in body["results"]}
    for name, expected in SEED_SITES.items():
        if name in sites:
            assert sites[name] == expected
    doc = client.get(f"/api/doc/{doc_id('001_09996429d7cfd6fc.txt')}").get_json()
    assert doc["site"] == "SCMP" and doc["source"] == "001_09996429d7cfd6fc.txt"


def test_site_facet_and_filter(client):
    body = client.get("/api/search", query_string={"q": "korea"}).get_json()
    facet = {f["value"]: f["count"] for f in body["facets"]["site"]}
    assert facet == {"SCMP": 1, "Báo Quốc Tế": 1}
    assert body["facet_values"]["site"] == 2
    only = client.get("/api/search", query_string={"q": "korea", "site": "SCMP"}).get_json()
    assert [h["source"] for h in only["results"]] == ["001_09996429d7cfd6fc.txt"]
    none = client.get("/api/search", query_string={"q": "korea", "site": "Nobody"}).get_json()
    assert none["total"] == 0


def test_source_filter_keeps_working(client):
    name = "004_d29238495a4c473e.txt"
    body = client.get("/api/search", query_string={"q": "korea", "source": name}).get_json()
    assert [h["source"] for h in body["results"]] == [name]


def test_pages_show_the_site(client):
    page = client.get("/search", query_string={"q": "korea"}).get_data(as_text=True)
    assert '<span class="site">SCMP</span>' in page
    assert "<h2>Site</h2>" in page and "site=SCMP" in page
    doc = client.get(f"/doc/{doc_id('004_d29238495a4c473e.txt')}").get_data(as_text=True)
    assert '<span class="site">Báo Quốc Tế</span>' in doc


def test_a_hostile_site_name_is_escaped(corpus, tmp_path):
    from indexer.build import build_index
    from indexer.config import Config
    from webapp import create_app

    (corpus / "evil.html").write_text(
        '<html><head><meta property="og:site_name" content="&lt;script&gt;alert(1)&lt;/script&gt;">'
        "</head><body><article><h1>Zorblax summit</h1><p>The zorblax committee met in Seoul "
        "on Tuesday to discuss the zorblax budget and the summit after it.</p>"
        "<p>A second zorblax paragraph, long enough to be kept as article text.</p>"
        "</article></body></html>",
        encoding="utf-8",
    )
    build_index(corpus, tmp_path / "index")
    client = create_app(
        Config(corpus_dir=corpus, index_dir=tmp_path / "index"), TESTING=True
    ).test_client()
    body = client.get("/api/search", query_string={"q": "zorblax"}).get_json()
    assert body["results"][0]["site"] == "<script>alert(1)</script>"
    page = client.get("/search", query_string={"q": "zorblax"}).get_data(as_text=True)
    assert "<script>alert(1)" not in page and "&lt;script&gt;alert(1)&lt;/script&gt;" in page
