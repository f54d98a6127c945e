"""The cleaner on the real seed corpus: article kept, chrome gone, titles and dates right."""

from __future__ import annotations

from pathlib import Path

import pytest

from indexer.clean import clean_file
from indexer.document import Document, doc_id

SEEDS = Path(__file__).resolve().parents[1] / "seeds"


def seed(prefix: str) -> Document:
    path = next(SEEDS.glob(f"{prefix}_*.txt"))
    return clean_file(path, path.name)


def kept_lines(doc: Document) -> list[str]:
    return doc.text.split("\n")


def assert_kept(doc: Document, *fragments: str) -> None:
    for fragment in fragments:
        assert fragment in doc.text, fragment


def assert_gone(doc: Document, *lines: str) -> None:
    kept = kept_lines(doc)
    for line in lines:
        assert all(line not in k for k in kept), line


@pytest.mark.parametrize("prefix", ["000", "001", "002", "003", "004"])
def test_every_kept_line_comes_from_the_seed_once(prefix: str) -> None:
    path = next(SEEDS.glob(f"{prefix}_*.txt"))
    raw = path.read_text(encoding="utf-8")
    doc = clean_file(path, path.name)
    assert doc.id == doc_id(path.name)
    assert doc.source == path.name
    lines = kept_lines(doc)
    assert lines and all(lines)
    assert len(lines) == len(set(lines)), "a line is kept twice"
    for line in lines:
        assert line in raw


def test_000_no_headline_and_dateline_date() -> None:
    doc = seed("000")
    assert doc.title is None
    assert doc.date == "2021-02-09"
    assert doc.text.startswith("TOKYO")
    assert_kept(
        doc,
        "Chinese President Xi Jinping spoke by phone with South Korean President Moon Jae-in",
        "He is now working again to woo South Korea and mend Seoul-Tokyo ties",
    )
    assert len(kept_lines(doc)) == 18  # every paragraph of the dump


def test_001_scmp_chrome_removed() -> None:
    doc = seed("001")
    assert doc.title == (
        "Xi Jinping charms Moon Jae-in as China and US compete for an ally in South Korea"
    )
    assert doc.date is None
    assert_gone(doc, "Advertisement", "Reading Time", "Why you can trust SCMP")
    assert "2" not in kept_lines(doc)  # the comment counter
    assert_kept(
        doc,
        "Chinese President Xi Jinping and South Korean President Moon Jae-in agreed on Tuesday",
        "China attaches importance to South Korea’s roles",
        "Professor Park Won-gon, of Handong Global University",
    )
    reasons = {r.reason for r in doc.removed}
    assert {"ad label", "reading time", "trust badge"} <= reasons


def test_002_forum_chrome_removed_and_subheadings_kept() -> None:
    doc = seed("002")
    title = "South Korea, Japan Aim to Stabilize China Relations Despite US Partnership"
    assert doc.title == title
    assert doc.date == "2023-10-01"
    lines = kept_lines(doc)
    assert title not in lines
    for chrome in [
        "What's new",
        "beijingwalker",
        "ELITE MEMBER",
        "Joined",
        "Nov 4, 2011",
        "Messages",
        "65,191",
        "Reaction score",
        "-55",
        "Country",
        "China",
        "Location",
        "Back",
        "Top Bottom",
        "October 01, 2023 3:05 AM",
    ]:
        assert chrome not in lines, chrome
    # Sub-headings stay, in order, before the paragraph they introduce.
    sub = lines.index("Exchange views on key issues")
    assert lines[sub + 1].startswith("Apart from Xi’s potential Seoul visit")
    assert "A move to unblock lines of communication" in lines
    caption = [
        line for line in lines if line.startswith("Chinese President Xi Jinping makes a toast")
    ]
    assert len(caption) == 1  # the repeated caption is kept once
    assert lines[-1].startswith('"I’m sure the Japanese and Korean leaders')
    assert "forum chrome" in {r.reason for r in doc.removed}


def test_003_repeated_headline_and_spanish_fragment() -> None:
    doc = seed("003")
    assert doc.title == "China Reaches Out to Key U.S. Allies After Biden Election"
    assert doc.date is None  # "17:04" is a time, not a date
    assert doc.title not in doc.text
    assert "es un sitio web oficial" not in doc.text
    assert doc.text.endswith(
        "it is not in a position to organize a state visit during the pandemic."
    )
    assert_kept(doc, "Foreign Minister Wang Yi will visit Japan from Nov. 24-25")
    other = [r for r in doc.removed if r.reason == "other language"]
    assert [r.text for r in other] == ["es un sitio web oficial del Gobierno Argentino"]


def test_004_vietnamese_line_related_lists_and_footer() -> None:
    doc = seed("004")
    assert doc.title == "Many reasons why China-Korea relations will soon thaw"
    assert doc.date == "2023-10-02"  # 02/10/2023 on a Vietnamese site is day-first
    lines = kept_lines(doc)
    assert_gone(
        doc,
        "Báo Quốc Tế",
        "Hàn-Trung hàn gắn quan hệ",
        "Same tag",
        "Same category",
        "Same author",
        "Luc Yen, a hidden green gem",
        "Lotus color of Hue",
        "Hoa Minzy reveals messages",
        "Comment (0)",
        "No data",
        "No videos available",
    )
    for footer in ["Source", "Heritage", "Figure", "Business", "News", "Local", "Product"]:
        assert footer not in lines
    assert "Initiative from Beijing" in lines
    assert "Adjusting the level of US-Japan-Korea cooperation" in lines
    assert lines[0].startswith("There are many reasons for a China-South Korea summit")
    assert lines[-1].startswith("A senior official from the South Korean Foreign Ministry")
    reasons = {r.reason for r in doc.removed}
    assert {"other language", "related-stories list"} <= reasons
