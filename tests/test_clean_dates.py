"""Choosing an HTML page's date (indexer/dates.py): metadata, the date printed under the
headline, the last-resort date line; each case is cut from a real wcxb-dev page (ids in
comments), and the last tests clean the real pages themselves."""

from __future__ import annotations

import gzip
import json

import pytest
from shared_data import require_shared

from indexer.clean import clean_bytes
from indexer.clean_html import parse_html
from indexer.dates import (
    SHOWN_NEAR,
    MetaDates,
    choose_date,
    first_date_line,
    header_dates,
    metadata_dates,
    shown_dates,
)


def test_metadata_publication_date_is_never_the_modified_one() -> None:
    meta = {  # 0007
        "article:published_time": "2025-01-29T20:47:55+00:00",
        "article:modified_time": "2025-08-19T13:25:59+00:00",
    }
    ld = [{"@type": "Article", "dateModified": "2025-08-19T13:25:59+00:00"}]
    dates = metadata_dates(meta, ld, [])
    assert dates.published == "2025-01-29"
    assert dates.stated == {"2025-01-29", "2025-08-19"}
    # 0244 prints its date in <meta name="published">, a name the list did not have.
    assert metadata_dates({"published": "July 17, 2025"}, [], []).published == "2025-07-17"
    assert metadata_dates({}, [{"datePublished": 20250101}], []) == MetaDates()


def test_dates_shown_under_the_headline() -> None:
    lines = [  # 0479, with a forum panel and an update line added from 0535 / 0037
        "Whatever",
        "The December Comfort Watches 2025, Day Eighteen: Starship Troopers",
        "Posted on December 18, 2025 Posted by John Scalzi 59 Comments",
        "Joined: Sun Dec 17, 2023 11:18 am",
        "Updated October 8, 2025",
    ]
    assert shown_dates(lines, lines[1]) == [("2025-12-18", 1)]
    assert shown_dates(lines, "A headline the page does not print") == []
    assert shown_dates(lines, None) == []


def test_a_panel_label_on_its_own_line_takes_the_next_lines_date() -> None:
    lines = [  # 0403, a XenForo thread: the panel prints "Joined" and its date apart
        "How close is China’s EUV project to eliminating ASML’s monopoly?",
        "Thread starter",
        "beijingwalker",
        "Start date",
        "Yesterday at 4:25 AM",
        "beijingwalker",
        "ELITE MEMBER",
        "Joined",
        "Nov 4, 2011",
        "Posted Dec 19, 2025",
    ]
    assert shown_dates(lines, lines[0]) == [("2025-12-19", 9)]


def test_a_date_that_reads_both_ways_is_read_as_the_metadata_states_it() -> None:
    lines = [  # 0236: published 8/1/2025, updated 8/27/2025; the metadata states both
        "2025 Renovation Trends & Why They’re Smart",
        "By:",
        "Great Day Editorial Team",
        "8/1/2025",
        "8/27/2025",
    ]
    stated = frozenset({"2025-08-01", "2025-08-27"})
    assert shown_dates(lines, lines[0], stated) == [("2025-08-01", 3), ("2025-08-27", 4)]
    # Without the metadata 8/1/2025 is August 1 in New York and January 8 in London: none.
    assert shown_dates(lines, lines[0]) == [("2025-08-27", 4)]


def test_a_shown_date_the_metadata_states_picks_among_its_dates() -> None:
    # 0007 prints its update date far below the headline; the metadata states both dates.
    dates = MetaDates("2025-01-29", frozenset({"2025-01-29", "2025-08-19"}))
    assert choose_date(dates, [("2025-08-19", 15)]) == "2025-08-19"


def test_a_date_right_under_the_headline_beats_the_metadata() -> None:
    # 0151: "August 25, 2024" on the line under the headline; its metadata says 2025-06-24.
    dates = MetaDates("2025-06-24", frozenset({"2025-06-24"}))
    assert choose_date(dates, [("2024-08-25", 4)]) == "2024-08-25"
    # Farther down an unconfirmed date may be a related story's: the metadata's stands.
    assert choose_date(dates, [("2024-08-25", 12)]) == "2025-06-24"
    # ... but it fills a gap.
    assert choose_date(MetaDates(), [("2024-08-25", 12)]) == "2024-08-25"
    assert choose_date(MetaDates(), []) is None


def test_a_date_inside_a_sentence_is_never_right_under_the_headline() -> None:
    lines = [  # 0559, a Vanilla thread: the first post opens with an earlier date
        "Higher Logic has terminated open source Vanilla",
        "Linc",
        "Admin",
        "On 2 Dec 2024, I received this message from Higher Logic's Director of Software"
        " Engineering:",
    ]
    shown = shown_dates(lines, lines[0])
    assert shown == [("2024-12-02", SHOWN_NEAR + 1)]
    assert choose_date(MetaDates("2025-03-01", frozenset({"2025-03-01"})), shown) == "2025-03-01"
    # A byline at the same place is the page's own.
    assert shown_dates(lines[:3] + ["Posted 2 Dec 2024"], lines[0]) == [("2024-12-02", 3)]


def test_first_date_line_is_a_short_line_not_a_panel() -> None:
    lines = [  # 0341: the page's only date is its update line
        "Registered: 2024-01-27",
        "Webcams in the park show the weather on January 2, 2025, and every day since then.",
        "Last updated: November 13, 2025",
    ]
    assert first_date_line(lines) == "2025-11-13"
    assert first_date_line(lines[:2]) is None


def test_the_cut_headers_dates_fill_the_gap_only() -> None:
    header = [  # 0461: the headline's <header>, cut before parsing, prints the byline
        "Hide Your Wallet",
        "Book Beat: Gothic Romance, Magical Realism, & More",
        "by Amanda · Dec 20, 2025 at 3:00 am · One comment so far",
    ]
    assert header_dates(MetaDates(), [], header) == [("2025-12-20", 20)]
    assert choose_date(MetaDates(), header_dates(MetaDates(), [], header)) == "2025-12-20"
    # 0315: the header prints the update date; the metadata's publication date is the truth.
    published = MetaDates("2022-07-21", frozenset({"2022-07-21", "2023-08-29"}))
    assert header_dates(published, [], ["29th August, 2023"]) == []
    # Update-labelled lines in the header do not count, as under the headline.
    assert header_dates(MetaDates(), [], ["Last updated on", "Updated November 19, 2025"]) == []


def test_the_headline_header_lines_are_kept_when_it_is_cut() -> None:
    path = require_shared("wcxb-dev", "html", "4218.html.gz")
    page = parse_html(gzip.decompress(path.read_bytes()).decode("utf-8"))
    assert "Dec 26, 2025" in page.header
    assert all("Dec 26, 2025" not in block.text for block in page.blocks)


def _html_date(page_id: str) -> str | None:
    path = require_shared("wcxb-dev", "html", f"{page_id}.html.gz")
    return clean_bytes(gzip.decompress(path.read_bytes()), f"{page_id}.html").date


@pytest.mark.parametrize(
    "page_id",
    [
        "0479",  # metadata in UTC (Dec 19); the page prints its local day, Dec 18
        "0007",  # the page prints its update date, which its metadata states as modified
        "0151",  # the page prints a date under the headline that its metadata does not state
        "0541",  # a forum thread: the first post's date, not a user panel's "Registered:"
        "4218",  # no date in the metadata: the byline in the cut headline <header> has it
        "0403",  # a thread whose user panel prints "Joined" on one line, the date below
        "0236",  # "8/1/2025" under the headline, read as the metadata's August 1
        "0559",  # a thread whose first post opens "On 2 Dec 2024, I received ..."
        "0315",  # the header prints the update date; the metadata's publication date stands
    ],
)
def test_real_pages_get_the_date_they_print(page_id: str) -> None:
    truth = json.loads(require_shared("wcxb-dev", "ground-truth.json").read_text())
    assert _html_date(page_id) == truth[page_id]["publish_date"]
