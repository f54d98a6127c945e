"""Cleaning slips seen on ordinary pages (issue 10, point 6), each on a real file."""

from __future__ import annotations

import gzip
import json
from pathlib import Path

from shared_data import require_shared

from indexer.clean import clean_bytes, clean_file
from indexer.line_patterns import label_reason

SEEDS = Path(__file__).resolve().parents[1] / "seeds"


def wcxb(page_id: str, kind: str) -> bytes:
    if kind == "html":
        path = require_shared("wcxb-dev", "html", f"{page_id}.html.gz")
        return gzip.decompress(path.read_bytes())
    return require_shared("wcxb-dev", "text", f"{page_id}.txt").read_bytes()


def test_leading_clock_time_is_dateline_chrome() -> None:
    path = next(SEEDS.glob("003_*.txt"))
    doc = clean_file(path, path.name)
    assert doc.text.startswith("China’s top diplomat will seek")
    assert ("17:04 -", "timestamp") in {(r.text, r.reason) for r in doc.removed}


def test_dateline_prefix_goes_whole_and_the_sentence_stays() -> None:
    # "WASHINGTON (January 24, 2017) — Mindfulness ..." lost its date but kept ") — ".
    doc = clean_bytes(wcxb("4557", "text"), "4557.txt")
    first = next(line for line in doc.text.split("\n") if "Mindfulness meditation is" in line)
    assert first.startswith("Mindfulness meditation is an increasingly popular treatment")
    assert ("WASHINGTON (January 24, 2017) —", "dateline") in {
        (r.text, r.reason) for r in doc.removed
    }
    assert doc.date == "2017-01-24"


def test_sponsored_lines_are_ad_labels() -> None:
    doc = clean_bytes(wcxb("0471", "text"), "0471.txt")
    assert "Sponsored: Resource Center" not in doc.text
    assert ("Sponsored: Resource Center", "ad label") in {(r.text, r.reason) for r in doc.removed}
    html = clean_bytes(wcxb("0471", "html"), "0471.html")
    assert "Building the Architecture of Decision Superiority" not in html.text


def test_h1_is_the_headline_over_a_title_with_site_suffix() -> None:
    # <title>: "Mindfulness Meditation ... Anxiety Disorder - Georgetown University Medical Center"
    doc = clean_bytes(wcxb("4557", "html"), "4557.html")
    headline = (
        "Mindfulness Meditation Training Lowers Biomarkers of Stress Response in Anxiety Disorder"
    )
    assert doc.title == headline
    assert headline not in doc.text.split("\n")
    assert ("headline", headline) in {(r.reason, r.text) for r in doc.removed}


def test_a_link_post_keeps_its_headline_as_text() -> None:
    # A Reddit link post: the <h1> is all the post says; it must not vanish as "headline".
    doc = clean_bytes(wcxb("0561", "html"), "0561.html")
    assert "FCC Chair to Europe: If You Restrict US Satellite Providers" in doc.text


def test_date_without_metadata_comes_from_the_page() -> None:
    # 0005 has no published-time metadata: htmldate reads the date the page prints.
    doc = clean_bytes(wcxb("0005", "html"), "0005.html")
    truth = json.loads(require_shared("wcxb-dev", "ground-truth.json").read_text())["0005"]
    assert doc.date == truth["publish_date"]


def _removed(doc) -> set[tuple[str, str]]:
    return {(r.text, r.reason) for r in doc.removed}


def test_written_out_share_buttons_are_share_prompts() -> None:
    # A WordPress share bar in a dump: each button a 9-word line, too long for the label list.
    doc = clean_bytes(wcxb("0479", "text"), "0479.txt")
    line = "Click to share on Bluesky (Opens in new window) Bluesky"
    assert line not in doc.text
    assert (line, "share prompt") in _removed(doc)


def test_a_blog_comment_section_is_not_the_article() -> None:
    # 59 comments under the post outscore it, and their names and dates look like a thread.
    doc = clean_bytes(wcxb("0479", "text"), "0479.txt")
    header = "59 Comments on “The December Comfort Watches 2025, Day Eighteen: Starship Troopers”"
    assert (header, "comment header") in _removed(doc)
    assert "What Paul Verhoeven is doing in Starship Troopers is very interesting." in doc.text
    assert "For the avoidance of doubt, I like the novel very much." not in doc.text


def test_a_comment_count_above_the_article_does_not_cut_it() -> None:
    # "0 Comment on <title>" is a byline's counter: nothing worth keeping is above it.
    doc = clean_bytes(wcxb("4642", "text"), "4642.txt")
    assert "This post may contain affiliate links." in doc.text


def test_a_relative_time_in_a_short_line_is_a_post_attribution() -> None:
    doc = clean_bytes(wcxb("0574", "text"), "0574.txt")
    assert ("Need2KnowLion 2 years ago #1", "timestamp") in _removed(doc)
    assert ("Asked 14 years, 10 months ago", "timestamp") in _removed(
        clean_bytes(wcxb("0172", "text"), "0172.txt")
    )


def test_consent_dialogs_are_cookie_notices() -> None:
    doc = clean_bytes(wcxb("0569", "text"), "0569.txt")
    # The IAB framework's purposes name no cookie; the dialog's headings name one.
    for line in (
        "Use limited data to select advertising 297 partners can use this purpose",
        "Manage Consent Preferences",
        "Cookie Settings",
    ):
        assert line not in doc.text
        assert (line, "cookie notice") in _removed(doc)
    assert "These cookies may be set through our site by our advertising partners" not in doc.text


def test_a_cookie_in_an_article_is_text() -> None:
    # One cookie word in a paragraph ("cookies disappearing from the jar ... track") is no banner.
    doc = clean_bytes(wcxb("4252", "text"), "4252.txt")
    assert "the cookies mysteriously disappearing from the jar" in doc.text


def test_newsletter_boxes_and_form_notes_are_chrome() -> None:
    doc = clean_bytes(wcxb("0329", "text"), "0329.txt")
    note = "This site uses Akismet to reduce spam. Learn how your comment data is processed."
    assert (note, "comment form") in _removed(doc)
    doc = clean_bytes(wcxb("0293", "text"), "0293.txt")
    box = "Get the latest HR industry news and trends straight to your inbox."
    assert (box, "subscription notice") in _removed(doc)


def test_add_a_comment_links_are_forum_chrome() -> None:
    # Under every post of a Q&A thread; as a short line it would cost less than chrome.
    doc = clean_bytes(wcxb("2827", "text"), "2827.txt")
    assert ("Add a comment |", "forum chrome") in _removed(doc)


def test_an_author_box_heading_ends_the_article() -> None:
    # An Almanac gardening article: "About The Author", the bio, an archive list and the
    # readers' comments ran on as one run with the article (F1 0.81 before).
    doc = clean_bytes(wcxb("4661", "text"), "4661.txt")
    assert "Celeste Longacre has been growing" not in doc.text
    assert "Let’s leave a clean planet to our children" in doc.text
    assert ("About The Author", "author box") in {(r.text, r.reason) for r in doc.removed}


def test_an_author_box_at_the_top_does_not_cut_the_article() -> None:
    # Motley Fool prints "About the Author" above the article: no article text precedes it.
    doc = clean_bytes(wcxb("4503", "text"), "4503.txt")
    assert "Matt Frankel, CFP, is a contributing Motley Fool" not in doc.text
    assert len(doc.text) > 5000


def test_bylines_are_chrome() -> None:
    for line in ("Written by Jane Doe", "Medically reviewed by Dr. A. Smith", "Fact-checked by"):
        assert label_reason(line) == "byline", line
    assert label_reason("Written in 1850, the letter") is None


def test_a_name_over_a_bio_is_an_author_box() -> None:
    # The Events Calendar blog: "Lauren" then "Lauren has written for ... She is a writer"
    # under the article, twice (F1 0.72 before).
    doc = clean_bytes(wcxb("0319", "text"), "0319.txt")
    assert "Lauren has written for The Events Calendar blog" not in doc.text
    assert "Consider hiring a planner to help with your next event" in doc.text


def test_a_product_over_its_blurb_is_no_author_box() -> None:
    # A website-builder review: "Wix" then "Wix has earned its reputation ..." and more
    # paragraphs about it; a name over a bio is one paragraph, a list's item runs on.
    doc = clean_bytes(wcxb("4860", "text"), "4860.txt")
    assert "Wix has earned its reputation as one of the most versatile" in doc.text


def test_archive_list_headings_are_related_lists() -> None:
    for line in (
        "Explore More Resources",
        "See all guides",
        "View all comments",
        "From the Archive",
        "The Latest From the Blog",
        "You’ll Also Love...",
        "Read More Articles",
        "If you liked this post you might also like:",
    ):
        assert label_reason(line) == "related-stories list", line
    assert label_reason("Explorers of the Arctic") is None


def test_view_all_comments_ends_a_blog_post() -> None:
    # A design blog's "Fix it Friday": the readers' comments under "View all comments" ran on
    # with the post (F1 0.76 before).
    doc = clean_bytes(wcxb("0121", "text"), "0121.txt")
    assert "Can we have a follow up post with pictures of the rooms" not in doc.text
