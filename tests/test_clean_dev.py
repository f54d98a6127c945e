"""The cleaner on real pages of the article-extraction benchmark (dev split), README metric."""

from __future__ import annotations

import gzip
import json
import sys
from pathlib import Path

import pytest

from indexer.clean import clean_bytes

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "bench"))

from metric import score_page, summarise  # noqa: E402
from shared_data import SharedDataMissing, require_shared, shared_path  # noqa: E402

try:
    DATA = shared_path("article-extraction-dev")
except SharedDataMissing as missing:
    pytest.skip(str(missing), allow_module_level=True)

TRUTH = {
    k: v["articleBody"] for k, v in json.loads((DATA / "ground-truth.json").read_text()).items()
}


def page(prefix: str) -> tuple[str, bytes, bytes]:
    (page_id,) = [i for i in TRUTH if i.startswith(prefix)]
    html = gzip.decompress((DATA / "html" / f"{page_id}.html.gz").read_bytes())
    return page_id, html, (DATA / "text" / f"{page_id}.txt").read_bytes()


@pytest.mark.parametrize("prefix", ["f8ff621a0b9b", "33fe2471fd55", "65bf3048b500", "9e8c9f082a8d"])
def test_html_pages_score_well(prefix: str) -> None:
    page_id, html, _ = page(prefix)
    doc = clean_bytes(html, f"{page_id}.html")
    assert score_page(doc.text, TRUTH[page_id]).f1 >= 0.9


@pytest.mark.parametrize("prefix", ["f8ff621a0b9b", "c90731f051d0", "1f765c487806", "57b4dafd18cf"])
def test_text_dumps_score_well(prefix: str) -> None:
    page_id, _, dump = page(prefix)
    doc = clean_bytes(dump, f"{page_id}.txt")
    assert score_page(doc.text, TRUTH[page_id]).f1 >= 0.9
    # The dump starts with the page <title>; the headline is not article text.
    assert doc.title and doc.title not in doc.text.split("\n")


@pytest.mark.parametrize("kind", ["html", "text"])
def test_whole_dev_split_beats_no_cleaning(kind: str) -> None:
    scores = []
    for page_id, truth in TRUTH.items():
        _, html, dump = page(page_id)
        data, name = (html, f"{page_id}.html") if kind == "html" else (dump, f"{page_id}.txt")
        scores.append(score_page(clean_bytes(data, name).text, truth))
    summary = summarise(scores)
    assert summary.empty == 0
    # The raw dumps score 0.695; a cleaner must do much better on both inputs.
    assert summary.f1 >= 0.85


def test_scorer_reproduces_the_readme_anchor() -> None:
    # README: the raw dumps score F1 0.695, P 0.534, R 0.993.
    scores = [score_page(page(i)[2].decode("utf-8"), truth) for i, truth in TRUTH.items()]
    summary = summarise(scores)
    assert (round(summary.f1, 3), round(summary.precision, 3), round(summary.recall, 3)) == (
        0.695,
        0.534,
        0.993,
    )


def test_reuters_stories_keep_their_text() -> None:
    reuters = require_shared("reuters21578", "reuters21578.jsonl.gz")
    stories = []
    with gzip.open(reuters, "rt", encoding="utf-8") as lines:
        for line in lines:
            item = json.loads(line)
            if item["body"].strip():
                stories.append(item)
            if len(stories) == 500:
                break
    losing = 0
    for item in stories:
        doc = clean_bytes(f"{item['title']}\n\n{item['body']}".encode(), "r.txt")
        assert doc.title == " ".join(item["title"].split())
        # The headline goes to the title and "Reuter" is a sign-off; the story stays whole.
        if any(r.reason not in ("headline", "sign-off", "repeated line") for r in doc.removed):
            losing += 1
    assert losing <= 0.02 * len(stories)
