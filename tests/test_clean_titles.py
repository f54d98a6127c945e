"""Choosing the headline among an HTML page's title sources (indexer/titles.py)."""

from __future__ import annotations

from indexer.titles import TitleSources, agreement, choose_title

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
