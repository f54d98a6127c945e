"""Each named chrome rule of the classifier (indexer/line_rules.py), on lines of the real seeds."""

from __future__ import annotations

from pathlib import Path

import pytest

from indexer.lang import WORD
from indexer.line_rules import (
    CHROME_RULES,
    Context,
    rule_label,
    rule_links,
    rule_no_words,
    rule_notice,
    rule_other_language,
    rule_page_structure,
    rule_repeated_across,
    rule_repeated_here,
)
from indexer.text_lines import Block, Line, normalise_key

SEEDS = Path(__file__).resolve().parents[1] / "seeds"
ENGLISH = frozenset({"the", "a", "of", "and", "to", "in", "on", "is", "for", "with", "that"})


def seed_line(prefix: str, start: str) -> str:
    text = next(SEEDS.glob(f"{prefix}_*.txt")).read_text(encoding="utf-8")
    return next(line.strip() for line in text.split("\n") if line.strip().startswith(start))


def line(text: str, block: Block | None = None) -> Line:
    words = WORD.findall(text.lower())
    return Line(text, words, block or Block(text), key=normalise_key(text))


def ctx(**kw) -> Context:
    return Context(kw.get("doc_lang", "en"), ENGLISH, kw.get("repeated", frozenset()))


PARAGRAPH = seed_line("000", "Chinese President Xi Jinping spoke by phone")


@pytest.mark.parametrize("rule", CHROME_RULES)
def test_no_rule_fires_on_an_article_paragraph(rule) -> None:
    assert rule(line(PARAGRAPH), ctx()) is None


def test_no_words() -> None:
    assert rule_no_words(line("____"), ctx()) == "no words"
    assert rule_no_words(line("•••"), ctx()) == "no words"


def test_label() -> None:
    assert rule_label(line(seed_line("001", "Advertisement")), ctx()) == "ad label"
    assert rule_label(line(seed_line("002", "Reaction score")), ctx()) == "forum chrome"


def test_repeated_across_marks_the_line() -> None:
    menu = line(seed_line("004", "Same tag"))
    assert rule_repeated_across(menu, ctx(repeated={menu.key})) == "repeated line"
    assert menu.across


def test_repeated_here() -> None:
    c = ctx()
    c.seen.add(normalise_key(PARAGRAPH))
    assert rule_repeated_here(line(PARAGRAPH), c) == "repeated line"


def test_notice() -> None:
    assert rule_notice(line("Sponsored: Buy cheap flights"), ctx()) == "ad label"
    assert rule_notice(line("Your email address will not be published."), ctx()) == ("comment form")


def test_page_structure_and_links() -> None:
    assert rule_page_structure(line("x", Block("x", boiler="footer")), ctx()) == "footer"
    assert rule_links(line("Home News", Block("Home News", link=0.9)), ctx()) == "navigation"
    body = Block("Home News", link=0.6, main=True)
    assert rule_links(line("Home News", body), ctx()) is None


def test_other_language() -> None:
    headline = seed_line("003", "China Reaches Out")  # an English line: no verdict
    assert rule_other_language(line(headline), ctx()) is None
    vietnamese = line(seed_line("004", "Hàn-Trung hàn gắn quan hệ"))
    assert rule_other_language(vietnamese, ctx()) == "other language"
