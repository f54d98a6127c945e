"""Each line's kind: the named chrome rules (first match decides), else paragraph or short line."""

from __future__ import annotations

import re
from collections.abc import Callable, Container
from dataclasses import dataclass, field

from indexer.lang import language
from indexer.line_patterns import BIO_MAX_WORDS, BIO_MIN_WORDS, author_name, label_reason, notice
from indexer.text_lines import SENTENCE_END, Line, is_data_row, stop_ratio

# A paragraph has at least this many words with enough function words among them.
GOOD_WORDS = 10
GOOD_STOP = 0.18
# This many consecutive rows of figures make a table worth keeping.
TABLE_MIN_ROWS = 5
# Link share above which a block is navigation (the page's article body tolerates more).
MAX_LINKS = 0.5
MAIN_LINKS = 0.7
_ALNUM = re.compile(r"[^\W_]")
# Dropped lines that often sit inside an article (a caption in the original language, a
# repeated caption, the dateline): they must not split it.
SOFT_REASONS = frozenset({"other language", "repeated line", "dateline", "caption", "no words"})
# What an author's name over a bio is first taken for: text, or the byline's repeat.
_NAME_AS = frozenset({"", "repeated line"})
# What a value printed beside a forum label (a count, a join date) is first taken for.
_FORUM_VALUE = frozenset({"", "comment counter", "dateline"})


@dataclass
class Context:
    """What the chrome rules know about the document besides the line itself."""

    doc_lang: str | None
    stop: frozenset[str]
    repeated: Container[str]  # keys of lines other documents of the corpus print too
    seen: set[str] = field(default_factory=set)  # keys of the lines above


def _other_language(line: Line, doc_lang: str | None, stop: frozenset[str]) -> bool:
    if doc_lang is None or len(line.words) < 3:
        return False
    # Cheap exit: a line full of the document's own function words is in its language.
    if stop_ratio(line.words, stop) >= 0.25:
        return False
    # Figures and codes (tables, scores) have no language.
    if sum(map(str.isalpha, line.words)) < 3:
        return False
    code = language(line.text, line.words)
    return code is not None and code != doc_lang


def rule_no_words(line: Line, ctx: Context) -> str | None:
    """Rules ("____"), bullets and stray symbols."""
    return "no words" if not line.words or not _ALNUM.search(line.text) else None


def rule_label(line: Line, ctx: Context) -> str | None:
    """A short line that is a known label (ad, share prompt, forum panel...)."""
    return label_reason(line.text) if len(line.words) <= 8 else None


# A post's stamp in a thread: a numeric date and clock time, often its post number
# ("11-29-2024, 09:03 AM #1", "Today, 10:12 PM"). Numeric month-first dates with dashes are
# not read as dates (ambiguous), but with a clock time beside them the line is an attribution.
_POST_STAMP = re.compile(
    r"(?:\d{1,2}[-/.]\d{1,2}[-/.]\d{2,4}|\d{4}-\d\d-\d\d|today|yesterday),?\s+"
    r"\d{1,2}:\d\d(?::\d\d)?(?:\s*[ap]\.?m\.?)?(?:\s+#\d+)?",
    re.I,
)


def rule_post_stamp(line: Line, ctx: Context) -> str | None:
    """A line that is only a post's date, time and number opens a post, like a dateline."""
    text = line.text
    if (text[0].isdigit() or text[0] in "TtYy") and len(line.words) <= 8:
        return "dateline" if _POST_STAMP.fullmatch(text) else None
    return None


# A relative time inside a post's attribution: "PS4Warrior 2 years ago #5", "Sir Judgementz ·
# 3 hours ago", "submitted 17 hours ago by X", "Asked 14 years, 10 months ago".
_AGO = re.compile(
    r"\b(?:\d+|an?|one|over an?) (?:second|minute|min|hour|hr|day|week|month|year)s?"
    r"(?:,? \d+ \w+)? ago\b"
)


def rule_relative_time(line: Line, ctx: Context) -> str | None:
    """A short line that states how long ago something was posted: a post's attribution."""
    if len(line.words) <= 10 and "ago" in line.words:
        return "timestamp" if _AGO.search(line.text.lower()) else None
    return None


def rule_repeated_across(line: Line, ctx: Context) -> str | None:
    """A short line that other documents of the corpus print too (site chrome)."""
    if len(line.words) <= 12 and line.key in ctx.repeated:
        line.across = True
        return "repeated line"
    return None


def rule_repeated_here(line: Line, ctx: Context) -> str | None:
    """A later copy of a line of this document."""
    return "repeated line" if line.key in ctx.seen else None


def rule_notice(line: Line, ctx: Context) -> str | None:
    """Comment forms, picture credits, cookie banners, ad lines written as sentences."""
    return notice(line.text, line.words) if len(line.words) < 80 else None


def rule_page_structure(line: Line, ctx: Context) -> str | None:
    """What the HTML around the block says it is (nav, footer, comments, ad...)."""
    return line.block.boiler


def rule_links(line: Line, ctx: Context) -> str | None:
    """A block that is mostly link text (the article body tolerates more)."""
    block = line.block
    return "navigation" if block.link > (MAIN_LINKS if block.main else MAX_LINKS) else None


def rule_other_language(line: Line, ctx: Context) -> str | None:
    """A line written in another language than the document."""
    return "other language" if _other_language(line, ctx.doc_lang, ctx.stop) else None


ChromeRule = Callable[[Line, Context], "str | None"]
# The chrome rules, cheapest first; the first that names a reason decides.
CHROME_RULES: tuple[ChromeRule, ...] = (
    rule_no_words,
    rule_label,
    rule_post_stamp,
    rule_relative_time,
    rule_repeated_across,
    rule_repeated_here,
    rule_notice,
    rule_page_structure,
    rule_links,
    rule_other_language,
)


def text_kind(line: Line, stop: frozenset[str]) -> str:
    """good (a paragraph), near (a short sentence) or short, for a line that is not chrome."""
    n = len(line.words)
    if n >= GOOD_WORDS and (not stop or stop_ratio(line.words, stop) >= GOOD_STOP):
        return "good"
    return "near" if n >= 4 and line.text[-1] in SENTENCE_END else "short"


def classify(
    lines: list[Line], doc_lang: str | None, stop: frozenset[str], repeated: Container[str]
) -> None:
    ctx = Context(doc_lang, stop, repeated)
    for line in lines:
        reason = None
        for rule in CHROME_RULES:
            reason = rule(line, ctx)
            if reason:
                if rule is rule_repeated_here:
                    line.copy_ctx = ctx  # to judge it alone if its first copy is not kept
                break
        ctx.seen.add(line.key)
        if reason:
            line.kind, line.reason = "chrome", reason
        else:
            line.kind = text_kind(line, stop)
    _mark_tables(lines)
    _mark_forum_values(lines)
    _mark_author_names(lines)


def kind_as_first_copy(line: Line, ctx: Context) -> str:
    """What a repeated line would be without its earlier copy ("" when still chrome)."""
    if any(rule(line, ctx) for rule in CHROME_RULES[_AFTER_REPEAT:]):
        return ""
    return text_kind(line, ctx.stop)


# The rules a later copy is still judged by when its first copy was not kept.
_AFTER_REPEAT = CHROME_RULES.index(rule_repeated_here) + 1


def _mark_tables(lines: list[Line]) -> None:
    """Rows of a table (several figures each) read as text when there are enough of them."""
    run: list[Line] = []
    for line in [*lines, None]:
        if line is not None and line.kind == "short" and is_data_row(line.words):
            run.append(line)
            continue
        if len(run) >= TABLE_MIN_ROWS:
            for row in run:
                row.kind = "near"
        run = []


def _mark_forum_values(lines: list[Line]) -> None:
    """A value printed under a forum label (user name, join date, counts) is chrome too."""
    for i, line in enumerate(lines):
        if line.reason == "forum chrome":
            for j in (i - 1, i + 1):
                near = lines[j] if 0 <= j < len(lines) else None
                if near and len(near.words) <= 4 and near.reason in _FORUM_VALUE:
                    lines[j].kind, lines[j].reason = "chrome", "forum chrome"


def _mark_author_names(lines: list[Line]) -> None:
    """The name over an author's bio is an author box's heading (see author_name)."""
    # Bios (a paragraph of 10-100 words) are fewer than short lines: look up from them.
    for j, bio in enumerate(lines):
        if not BIO_MIN_WORDS <= len(bio.words) <= BIO_MAX_WORDS:
            continue
        # A bio is the box's one paragraph; a product's blurb in a list runs on.
        if j + 1 < len(lines) and lines[j + 1].kind == "good":
            continue
        for name in lines[max(0, j - 2) : j]:
            # The byline above the article often printed the name first: a repeat is a name too.
            if (
                len(name.words) <= 6
                and name.reason in _NAME_AS
                and name.text[0].isupper()
                and author_name(name.text, bio.text)
            ):
                name.kind, name.reason = "chrome", "author box"
