"""Choosing the headline among an HTML page's title sources (indexer/titles.py)."""

from __future__ import annotations

from indexer.clean import clean_bytes
from indexer.titles import (
    TitleSources,
    agreement,
    choose_title,
    text_title,
    without_date_prefix,
    without_tagline,
)

# Each case is a real wcxb-dev page's sources (ids in comments), cut to what the rule reads.


def test_h1_confirmed_by_metadata_wins_over_title_with_suffix() -> None:
    sources = TitleSources(  # 4557
        h1="Mindfulness Meditation Training Lowers Biomarkers of Stress Response",
        title="Mindfulness Meditation Training Lowers Biomarkers of Stress Response"
        " - Georgetown University Medical Center",
    )
    assert choose_title(sources) == sources.h1


def test_h1_naming_the_site_loses_to_the_metadata_title() -> None:
    sources = TitleSources(  # 0454: the h1 is the site's "Home" link
        h1="Docker Community Forums",
        title="Confusing resolver structure - Docker Community Forums",
    )
    assert choose_title(sources) == "Confusing resolver structure"
    sources = TitleSources(h1="Soliant", og="The 2025 Best States | Soliant", site="Soliant")
    assert choose_title(sources) == "The 2025 Best States"


def test_short_unconfirmed_h1_is_a_section_name() -> None:
    sources = TitleSources(h1="Blog", og="Packing Tips Guide", title="Packing Tips Guide")  # 0072
    assert choose_title(sources) == "Packing Tips Guide"


def test_metadata_naming_only_the_site_loses_to_the_h1() -> None:
    sources = TitleSources(  # 4008: Reddit's <title> is the site's slogan
        h1="Best Laptop for College to Buy in 2026?",
        title="Reddit - The heart of the internet",
        site="Reddit",
    )
    assert choose_title(sources) == sources.h1


def test_json_ld_headline_breaks_a_tie() -> None:
    sources = TitleSources(  # 0026
        h1="The Best Tax Prep Software of 2025",
        og="Best Tax Preparation Software",
        ld="The Best Tax Prep Software of 2025",
    )
    assert choose_title(sources) == sources.h1


def test_title_alone_loses_its_site_suffix() -> None:
    assert choose_title(TitleSources(title="Go ahead, self-host Postgres | Pierce Freeman")) == (
        "Go ahead, self-host Postgres"
    )
    assert choose_title(TitleSources()) is None


def test_agreement_is_word_bag_f1() -> None:
    assert agreement("A b c", "a B c") == 1.0
    assert agreement("a b", "c d") == 0.0
    assert agreement(None, "x") == 0.0


def test_a_section_tail_after_a_pipe_is_cut() -> None:
    sources = TitleSources(  # 0055
        h1="Best Residential Movers in NYC 2025 | Top 19 Companies",
        title="Best Residential Movers in NYC 2025 | Top 19 Companies | Supermove",
    )
    assert choose_title(sources) == "Best Residential Movers in NYC 2025"
    assert without_tagline("Ads | Blog", TitleSources()) == "Ads | Blog"  # one word: no headline


def test_a_dash_subtitle_is_cut_only_when_another_source_leaves_it_out() -> None:
    og = "The Pros and Cons Living in a Tiny Home - What You Should Consider Before Moving In"
    sources = TitleSources(h1="The pros and cons of living in a tiny home", og=og)  # 4565
    assert without_tagline(og, sources) == "The Pros and Cons Living in a Tiny Home"
    assert without_tagline(og, TitleSources(og=og)) == og  # no other source: kept whole
    headline = "The No. 1 most popular workout of 2024 — and 5 fitness trends to expect in 2025"
    sources = TitleSources(h1=headline, og=headline)  # 0034: the dash is part of the headline
    assert choose_title(sources) == headline


def test_a_title_part_the_json_ld_headline_confirms_is_not_the_site_name() -> None:
    sources = TitleSources(  # 0241: the site's name is the longer part of the <title>
        h1="Blog",
        og="For Hire Livery Insurance - American Business Insurance Services, Inc.",
        ld="For Hire Livery Insurance",
        title="For Hire Livery Insurance - American Business Insurance Services, Inc.",
        site="American Business Insurance Services, Inc.",
    )
    assert choose_title(sources) == "For Hire Livery Insurance"


def test_an_html_page_whose_only_text_is_its_headline_keeps_its_title() -> None:
    # A link post (0575, Lobsters, before its comments counted as its text): the headline
    # is all its text; it was left without a title.
    page = (
        "<html><head><title>Rust Project goals for 2024 | Lobsters</title>"
        '<meta property="og:title" content="Rust Project goals for 2024"></head>'
        '<body><h1><a href="https://example.org/goals">Rust Project goals for 2024</a></h1>'
        "</body></html>"
    )
    doc = clean_bytes(page.encode(), "0575.html")
    assert doc.title == "Rust Project goals for 2024"
    assert doc.text == "Rust Project goals for 2024"


def test_a_breadcrumb_h1_is_a_section_name() -> None:
    sources = TitleSources(  # 0380, arXiv
        h1="Computer Science > Artificial Intelligence",
        og="AlignMerge - Alignment-Preserving Large Language Model Merging via Fisher-Guided"
        " Geometric Constraints",
        site="arXiv.org",
    )
    assert choose_title(sources) == sources.og


def test_forum_title_site_and_view_parts_around_the_topic() -> None:
    # 0540, phpBB: "Site • View topic - Topic", the only title source.
    title = "NationStates • View topic - 2025-26 Football Season: MLS is Back!"
    assert choose_title(TitleSources(title=title)) == "2025-26 Football Season: MLS is Back!"


def test_a_date_the_headline_opens_with_is_cut() -> None:
    assert without_date_prefix("Dec 18 2025 Preparing a transition in Debusine") == (
        "Preparing a transition in Debusine"  # 0450
    )
    version = '2024.4.4 -> 2024.5.0 issue: stuck on "Home Assistant is starting"'  # 0503
    assert without_date_prefix(version) == version
    assert without_date_prefix("2024-01-01") == "2024-01-01"


def test_text_dump_title_loses_its_site_name() -> None:
    # wcxb-dev text dumps' <title> lines: 0046, 0008, and a seed's wire headline that keeps it.
    assert text_title("Best Cloud Computing Stocks of 2025 | The Motley Fool") == (
        "Best Cloud Computing Stocks of 2025"
    )
    assert text_title("8 Recent Trends in Photography - Flatworld Solutions") == (
        "8 Recent Trends in Photography"
    )
    wire = "U.S. SUGAR IMPORTS DOWN IN WEEK - USDA"
    assert text_title(wire) == wire
    long_tail = "The No. 1 most popular workout of 2024 — and 5 fitness trends to expect in 2025"
    assert text_title(long_tail) == long_tail
    assert text_title(None) is None
