"""Find the article in a sequence of text blocks (lines of a dump, or blocks of an HTML page)."""

from __future__ import annotations

import re
from collections.abc import Callable, Container, Sequence
from dataclasses import dataclass, field

from indexer.dates import find_date
from indexer.document import Removed
from indexer.lang import WORD, language
from indexer.stopwords import english, foreign

# A paragraph has at least this many words with enough function words among them.
GOOD_WORDS = 10
GOOD_STOP = 0.18
# Cost, in characters of article text, of crossing one non-article block inside the article.
SHORT_COST = 35
CHROME_COST = 120
# Weight of a short sentence (4-9 words): article-like, but so are captions and teasers.
NEAR_WEIGHT = 0.6
# Weight of a paragraph with no paragraph next to it.
ISOLATED = 0.5
# How far below the headline the article may start (byline, date, share buttons, picture).
HEAD_GAP = 12
# This many consecutive rows of figures make a table worth keeping.
TABLE_MIN_ROWS = 5
MENU_SHARE = 0.3
# A short line heads a paragraph that follows with at most this many lines between (a
# product name over its spec lines, a heading over a picture credit).
SUBHEAD_GAP = 2
# A sentence ending in a colon introduces up to this many short lines: a list of the article.
LIST_MAX_ITEMS = 12
# Link share above which a block is navigation (the page's article body tolerates more).
MAX_LINKS = 0.5
MAIN_LINKS = 0.7
# Another run of lines is kept when it scores this share of the best run (and at least
# SECOND_RUN_MIN characters' worth): a thread's further posts are runs of their own.
SECOND_RUN = 0.3
SECOND_RUN_MIN = 400
# A thread: at least this many paragraphs open under a post attribution (user panel, date).
# There every run under an attribution is a post, kept when it scores THREAD_RUN_MIN.
THREAD_POSTS = 6
THREAD_RUN_MIN = 86
# Labels that usually end an article: crossing one costs as much as a short paragraph.
WALL_COST = 300
WALLS = frozenset(
    {"related-stories list", "comment counter", "footer", "share prompt", "comment form"}
)

_ALNUM = re.compile(r"[^\W_]")
_DIGIT = re.compile(r"\d")
_ABBREVIATION_END = re.compile(r"\b\w\.\w\.$")  # "... TO U.S." ends a headline, not a sentence
_CJK = re.compile(r"[\u3040-\u30ff\u3400-\u9fff\uac00-\ud7af]")
_SENTENCE_END = frozenset(".!?…:;\"'”’»)]")
_LAST_SENTENCE = re.compile(r"[.!?][\"'”’»)\]]?\s+(?=[^.!?]*$)")
# What closes a dateline after its date: "(January 24, 2017) — ", ", 2024 (Reuters) - ".
_DATELINE_TAIL = re.compile(r"\)?(?:\s*\([^()]{1,24}\))?\s*(?:[-–—|:]+\s*)?")
_TIMESTAMP = re.compile(
    r"\d\d?:\d\d(?::\d\d)?(?:\s*[aApP]\.?[mM]\.?)?(?:\s+[A-Z]{2,4})?\s*[-–—|]\s+"
)
_TITLE_SUFFIX = re.compile(r"\s+[-|–—:·•]\s+([^-|–—:·•]{2,40})$")

# Labels that pages print around articles, matched against a whole short line.
_LABELS = re.compile(
    r"(?P<ad>advertisements?|advertising|ads?|sponsored( content)?|paid content|promoted|"
    r"story continues below( advertisement)?|continue reading( below)?)"
    r"|(?P<rt>reading time\b.*|\d+ min(ute)?s? read)"
    r"|(?P<trust>why you can trust\b.*)"
    r"|(?P<cc>\d+ comments?|comments?( \(\d+\))?|no comments( yet)?|leave a (comment|reply)|"
    r"view comments|show comments)"
    # A bare number is a post's vote count or number in a thread (it opens the post), a
    # counter elsewhere: not the comment counter that ends an article.
    r"|(?P<num>\d+)"
    r"|(?P<share>share( (this|your|on|via|with)\b.*)?|shares?|tweet|e-?mail|"
    r"print|pin it|whatsapp|facebook|twitter|linkedin|reddit|copy link|copied|save)"
    r"|(?P<rel>same (tag|category|author)|related( content)?|"
    r"(related|recent|popular|latest|more|top|featured|trending|similar|recommended) (articles?|"
    r"posts?|stories|news|videos|reads|reading|links|blog posts|guides|questions|threads|"
    r"topics|discussions)|hot network questions|"
    r"read more|more stories|you may also like|you might also like|recommended( for you)?|"
    r"most (read|popular|viewed|shared)( in .*)?|trending( now)?|more from .*|see also|also read|"
    r"read next|latest videos|don'?t miss|see more\b.*|elsewhere on .*|more in .*|"
    r"more on this( story)?|top stories|latest news|latest|editor'?s picks)"
    r"|(?P<forum>what'?s new|joined|messages|reaction score|points|country|location|back|"
    r"top bottom|top|bottom|((elite|senior|full|new|junior|well-known|registered|banned) )?member|"
    r"moderator|administrator|reply|quote|report|like|likes|reactions|thread starter|add a comment|"
    r"#\d+|you are using an out of date browser.*|"
    r"(?:(?:posts|messages|likes|points|reputation|solutions|threads|reaction score|"
    r"trophy points|karma)\s*:?\s*[\d,.]+k?|[\d,.]+k?\s+(?:posts|messages|likes|points|"
    r"solutions|(?:gold |silver |bronze )?badges))(?:\s*[·•|,]\s*(?:joined\b.*|[\d,.]+k?\s+\w+))*)"
    r"|(?P<sub>(subscribe|sign in|sign up|log in|login|log out|register|newsletter|"
    r"create an account|already a subscriber)\b.*)"
    r"|(?P<empty>no data|no videos available|loading|no results|source|photo|image|video)"
    r"|(?P<nav>home|menu|search|skip to( main)? content|navigation|close|next|previous|prev|"
    r"more|all|show more|load more|back to top|scroll to top)"
    r"|(?P<foot>(©|copyright|\(c\)|all rights reserved|privacy policy|terms of (use|service)|"
    r"contact us|about us)\b.*)"
    r"|(?P<sign>reuters?|ap|afp)"
    r"|(?P<ts>(\d+|an?|one) (second|minute|min|hour|hr|day|week|month|year)s? ago\b.*)"
)
_LABEL_REASONS = {
    "ad": "ad label",
    "rt": "reading time",
    "trust": "trust badge",
    "cc": "comment counter",
    "share": "share prompt",
    "rel": "related-stories list",
    "forum": "forum chrome",
    "sub": "subscription notice",
    "empty": "empty widget",
    "nav": "navigation",
    "foot": "footer",
    "sign": "sign-off",
    "ts": "timestamp",
    "num": "count",
}
# Reasons that show the text came from a web page with its chrome around the article.
_WEB_CHROME = frozenset(_LABEL_REASONS.values()) - {"sign-off", "comment counter", "count"} | {
    "cookie notice",
    "comment form",
    "navigation",
    "footer",
    "sidebar",
    "hidden",
    "form",
    "page header",
    "comment header",
}
# Dropped lines that often sit inside an article (a caption in the original language, a
# repeated caption, the dateline): they must not split it.
_SOFT_REASONS = frozenset({"other language", "repeated line", "dateline", "caption", "no words"})
# How the first copy of a sub-heading goes when it was the table of contents above the article.
_MENU_ABOVE = frozenset({"navigation", "before article"})
# What ends a thread: the comment form or related stories under an article.
_THREAD_END = frozenset({"comment form", "related-stories list"})
# Lines that open a post of a thread: who wrote it and when.
_ATTRIBUTION = frozenset({"forum chrome", "timestamp", "dateline", "count"})
# What a value printed beside a forum label (a count, a join date) is first taken for.
_FORUM_VALUE = frozenset({"", "comment counter", "dateline"})
# Notices that are whole sentences: comment forms, picture credits ("(Image: GETTY)",
# "Photo: AP"), cookie banners. Cheap substring tests guard each pattern.
_FORM_PHRASES = (
    "your email address will not be published",
    "required fields are marked",
    "save my name, email",
    "leave a reply",
    "leave a comment",
    "post a comment",
    "notify me of follow-up",
    "notify me of new",
    "comments are closed",
    "comments are moderated",
    "uses akismet to reduce spam",
    "learn how your comment data is processed",
    "this field is for validation purposes",
)
# Newsletter boxes written as sentences: "Get the latest news delivered to your inbox."
_SUBSCRIBE_PHRASES = (
    "sign up for our newsletter",
    "subscribe to our newsletter",
    "delivered to your inbox",
    "straight to your inbox",
    "in your inbox",
    "unsubscribe at any time",
)
_CREDIT_END = re.compile(
    r"\((?:image|photo|picture|pictures|credit|source|getty)s?:[^()]{1,60}\)\s*$"
)
_CREDIT_START = ("image:", "images:", "photo:", "photos:", "picture:", "credit:", "photograph:")
_COOKIE = re.compile(r"\bcookies?\b")
# What a cookie banner says the cookies do ("We use cookies to ...", "Necessary cookies are
# essential for the website to function"); a cookie in a recipe or a story names none of it.
_COOKIE_WORDS = re.compile(
    r"\b(?:uses?|used|accept|consent|privacy|agree|settings|website|site|browser|device|"
    r"necessary|essential|functional|analytics?|advertising|tracking|third[- ]party|session|"
    r"preferences|personali[sz]ed|stores?|sets?)\b"
)
# A cookie heading names one such word: "Functional Cookies", "Cookie Settings".
COOKIE_HEADING_WORDS = 6
# Consent managers' texts (the IAB framework's purposes and the dialog around them) name
# no cookie in most lines: "Measure content performance 237 partners can use this purpose".
_CONSENT = re.compile(
    r"partners can use this|legitimate interest|store and/or access|iab vendor|"
    r"we and our (?:\d+ )?(?:[\w-]+ )?partners|our partners process|your privacy choices|"
    r"manage consent|consent preferences"
)
# Share buttons written out by blog engines: "Click to share on X (Opens in new window) X".
_SHARE_START = ("click to share", "click to email", "click to print")
# An ad's own label opening its text: "Sponsored: Buy cheap flights ...".
_AD_START = re.compile(
    r"(?:sponsored|advertisement|advertorial|promoted|paid (?:content|post|partner)|ad)"
    r"(?: by [^:]{1,40})?\s*[:|]\s"
)


# A blog's comment section opens with its count and the post's title: "59 Comments on
# “Starship Troopers”", "3 thoughts on “…”", "2 responses to “…”". A forum's "20 replies to
# this topic" opens the thread's posts instead.
_COMMENT_HEAD = re.compile(
    r"(?:\d+|one|no) (?:comments?|thoughts?|responses?|replies) (?:on|to) "
    r"(?!this (?:topic|thread|post|question|discussion)\b)\S"
)


# One word of every phrase below (comment forms, newsletter boxes, consent dialogs, comment
# headers, share buttons, cookies).
_NOTICE_WORDS = frozenset(
    [
        "email",
        "required",
        "reply",
        "comment",
        "comments",
        "notify",
        "akismet",
        "validation",
        "newsletter",
        "inbox",
        "unsubscribe",
        "partners",
        "legitimate",
        "store",
        "iab",
        "privacy",
        "consent",
        "click",
        "opens",
        "thoughts",
        "thought",
        "responses",
        "response",
        "replies",
        "cookie",
        "cookies",
    ]
)


def _cookie_notice(low: str) -> bool:
    """A cookie named with what it does on the site: two such words, or one in a heading."""
    if "cookie" not in low or not _COOKIE.search(low):
        return False
    found = set(_COOKIE_WORDS.findall(low))
    return len(found) >= 2 or bool(found) and len(low.split()) <= COOKIE_HEADING_WORDS


def _notice(text: str, words: list[str]) -> str | None:
    low = text.lower()
    # The phrase notices all hold one of these words: most lines skip their tests.
    phrased = not _NOTICE_WORDS.isdisjoint(words)
    if phrased and low[0] in "0123456789on" and _COMMENT_HEAD.match(low):
        return "comment header"
    if _AD_START.match(low):
        return "ad label"
    if phrased and any(phrase in low for phrase in _FORM_PHRASES):
        return "comment form"
    if phrased and any(phrase in low for phrase in _SUBSCRIBE_PHRASES):
        return "subscription notice"
    if low.startswith(_CREDIT_START) or text[-1] == ")" and _CREDIT_END.search(low[-80:]):
        return "caption"
    if phrased and (_cookie_notice(low) or _CONSENT.search(low)):
        return "cookie notice"
    if phrased and (low.startswith(_SHARE_START) or "(opens in new window)" in low):
        return "share prompt"
    return None


@dataclass
class Block:
    """One line of text with what the page says about it (HTML fills the hints)."""

    text: str
    link: float = 0.0  # share of the characters inside links
    boiler: str | None = None  # why the page structure marks it as chrome
    heading: bool = False
    main: bool = False  # inside the element the page marks as the article body
    item: bool = False  # a list item or a table row


@dataclass
class Result:
    """The article found in a sequence of blocks."""

    title: str | None
    date: str | None
    lines: list[str]
    removed: list[Removed] = field(default_factory=list)


@dataclass
class _Line:
    text: str
    words: list[str]
    block: Block
    kind: str = "short"  # good | near | short | chrome
    reason: str = ""
    key: str = ""
    across: bool = False  # dropped because other documents of the corpus print it too
    # A later copy of a line of this document: what its kind is, without the first copy, is
    # only worked out (with this context) when that copy was not kept.
    copy_ctx: _Context | None = None


def _cjk_words(run: str) -> list[str]:
    if not _CJK.search(run):
        return [run]
    return [run[i : i + 2] for i in range(0, len(run), 2)]


def normalise_key(text: str) -> str:
    """Compare lines by their words only, lower-cased (for duplicates and repetition)."""
    return " ".join(WORD.findall(text.lower()))


def label_reason(text: str) -> str | None:
    """The reason a short line is page chrome (ad label, share prompt...), or None."""
    norm = text.casefold().replace("’", "'").strip(" \t:|-–—•·›»>.,!")
    if len(norm) > 80:
        return None
    m = _LABELS.fullmatch(norm)
    return _LABEL_REASONS[m.lastgroup] if m and m.lastgroup else None


def _doc_language(lines: list[_Line], stop: frozenset[str]) -> str | None:
    """The main language: the one most words of the longer lines are written in."""
    words = hits = 0
    for line in lines:
        if len(line.words) >= 6:
            words += len(line.words)
            hits += len(list(filter(stop.__contains__, line.words)))
    # English text runs at 40-50% function words; 20% means English dominates.
    if words and hits >= 0.2 * words:
        return "en"
    votes: dict[str, int] = {}
    for line in lines:
        if len(line.words) >= 6:
            code = language(line.text, line.words)
            if code:
                votes[code] = votes.get(code, 0) + len(line.words)
    return max(votes, key=votes.__getitem__) if votes else None


def _stop_ratio(words: list[str], stop: frozenset[str]) -> float:
    return len(list(filter(stop.__contains__, words))) / len(words) if words else 0.0


def _other_language(line: _Line, doc_lang: str | None, stop: frozenset[str]) -> bool:
    if doc_lang is None or len(line.words) < 3:
        return False
    # Cheap exit: a line full of the document's own function words is in its language.
    if _stop_ratio(line.words, stop) >= 0.25:
        return False
    # Figures and codes (tables, scores) have no language.
    if sum(w.isalpha() for w in line.words) < 3:
        return False
    code = language(line.text, line.words)
    return code is not None and code != doc_lang


def _is_dateline(text: str) -> bool:
    """A short line that opens with a date ("Published Nov 18, 2019 at 4:07 PM")."""
    found = find_date(text[:60], False)
    return found is not None and found[1] <= 25


def _is_data_row(words: list[str]) -> bool:
    if len(words) < 3:
        return False  # most lines tested are menu items: skip the count
    figures = sum(w.isdigit() for w in words)
    return figures >= 2 and figures * 3 >= len(words)


@dataclass
class _Context:
    """What the chrome rules know about the document besides the line itself."""

    doc_lang: str | None
    stop: frozenset[str]
    repeated: Container[str]  # keys of lines other documents of the corpus print too
    seen: set[str] = field(default_factory=set)  # keys of the lines above


def rule_no_words(line: _Line, ctx: _Context) -> str | None:
    """Rules ("____"), bullets and stray symbols."""
    return "no words" if not line.words or not _ALNUM.search(line.text) else None


def rule_label(line: _Line, ctx: _Context) -> str | None:
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


def rule_post_stamp(line: _Line, ctx: _Context) -> str | None:
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


def rule_relative_time(line: _Line, ctx: _Context) -> str | None:
    """A short line that states how long ago something was posted: a post's attribution."""
    if len(line.words) <= 10 and "ago" in line.words:
        return "timestamp" if _AGO.search(line.text.lower()) else None
    return None


def rule_repeated_across(line: _Line, ctx: _Context) -> str | None:
    """A short line that other documents of the corpus print too (site chrome)."""
    if len(line.words) <= 12 and line.key in ctx.repeated:
        line.across = True
        return "repeated line"
    return None


def rule_repeated_here(line: _Line, ctx: _Context) -> str | None:
    """A later copy of a line of this document."""
    return "repeated line" if line.key in ctx.seen else None


def rule_notice(line: _Line, ctx: _Context) -> str | None:
    """Comment forms, picture credits, cookie banners, ad lines written as sentences."""
    return _notice(line.text, line.words) if len(line.words) < 80 else None


def rule_page_structure(line: _Line, ctx: _Context) -> str | None:
    """What the HTML around the block says it is (nav, footer, comments, ad...)."""
    return line.block.boiler


def rule_links(line: _Line, ctx: _Context) -> str | None:
    """A block that is mostly link text (the article body tolerates more)."""
    block = line.block
    return "navigation" if block.link > (MAIN_LINKS if block.main else MAX_LINKS) else None


def rule_other_language(line: _Line, ctx: _Context) -> str | None:
    """A line written in another language than the document."""
    return "other language" if _other_language(line, ctx.doc_lang, ctx.stop) else None


ChromeRule = Callable[[_Line, _Context], "str | None"]
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


def _text_kind(line: _Line, stop: frozenset[str]) -> str:
    """good (a paragraph), near (a short sentence) or short, for a line that is not chrome."""
    n = len(line.words)
    if n >= GOOD_WORDS and (not stop or _stop_ratio(line.words, stop) >= GOOD_STOP):
        return "good"
    return "near" if n >= 4 and line.text[-1] in _SENTENCE_END else "short"


def _classify(
    lines: list[_Line], doc_lang: str | None, stop: frozenset[str], repeated: Container[str]
) -> None:
    ctx = _Context(doc_lang, stop, repeated)
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
            line.kind = _text_kind(line, stop)
    _mark_tables(lines)
    _mark_forum_values(lines)


def _kind_as_first_copy(line: _Line, ctx: _Context) -> str:
    """What a repeated line would be without its earlier copy ("" when still chrome)."""
    if any(rule(line, ctx) for rule in CHROME_RULES[_AFTER_REPEAT:]):
        return ""
    return _text_kind(line, ctx.stop)


# The rules a later copy is still judged by when its first copy was not kept.
_AFTER_REPEAT = CHROME_RULES.index(rule_repeated_here) + 1


def _mark_tables(lines: list[_Line]) -> None:
    """Rows of a table (several figures each) read as text when there are enough of them."""
    run: list[_Line] = []
    for line in [*lines, None]:
        if line is not None and line.kind == "short" and _is_data_row(line.words):
            run.append(line)
            continue
        if len(run) >= TABLE_MIN_ROWS:
            for row in run:
                row.kind = "near"
        run = []


def _mark_forum_values(lines: list[_Line]) -> None:
    """A value printed under a forum label (user name, join date, counts) is chrome too."""
    for i, line in enumerate(lines):
        if line.reason == "forum chrome":
            for j in (i - 1, i + 1):
                near = lines[j] if 0 <= j < len(lines) else None
                if near and len(near.words) <= 4 and near.reason in _FORUM_VALUE:
                    lines[j].kind, lines[j].reason = "chrome", "forum chrome"


def _has_text_neighbour(lines: list[_Line], i: int, step: int) -> bool:
    j = i + step
    while 0 <= j < len(lines) and lines[j].reason in _SOFT_REASONS:
        j += step
    return 0 <= j < len(lines) and lines[j].kind in ("good", "near")


def _scores(lines: list[_Line]) -> list[float]:
    """Each line's worth as article text: paragraphs gain their length, everything else costs."""
    scores = []
    for i, line in enumerate(lines):
        if line.kind == "good":
            value = len(line.text) * (1.0 - line.block.link)
            # Teaser lists and comment threads interleave long lines with bylines and times;
            # article paragraphs come in runs (a caption or a repeat between them aside).
            if not _has_text_neighbour(lines, i, -1) and not _has_text_neighbour(lines, i, 1):
                value *= ISOLATED
            scores.append(value)
        elif line.kind == "near":
            scores.append(len(line.text) * NEAR_WEIGHT)
        elif line.kind == "chrome":
            if i and lines[i - 1].kind == "chrome" and lines[i - 1].reason == line.reason:
                # A box of chrome (a share bar, a related-links list) is one obstacle.
                scores.append(0.0)
            elif line.reason in WALLS and line.reason != line.block.boiler:
                scores.append(-WALL_COST)
            elif line.reason in _SOFT_REASONS:
                scores.append(-SHORT_COST)
            else:
                scores.append(-CHROME_COST)
        else:
            scores.append(-SHORT_COST - len(line.text) * 0.2)
    return scores


def _best_run(scores: Sequence[float]) -> tuple[int, int, float]:
    """The contiguous run of lines with the highest total score (Kadane): start, end, score."""
    best = (0, 0, 0.0)
    start, total = 0, 0.0
    for i, s in enumerate(scores):
        if total <= 0:
            start, total = i, 0.0
        total += s
        if total > best[2]:
            best = (start, i + 1, total)
    return best


def _more_runs(scores: Sequence[float], lo: int, hi: int, least: float) -> list[range]:
    """Runs of lines in scores[lo:hi] scoring at least `least`, best first, recursively."""
    if hi - lo < 1:
        return []
    start, end, best = _best_run(scores[lo:hi])
    if best < least:
        return []
    start, end = start + lo, end + lo
    return [
        range(start, end),
        *_more_runs(scores, lo, start, least),
        *_more_runs(scores, end, hi, least),
    ]


def _after_attribution(lines: list[_Line], start: int) -> bool:
    """Whether a post's attribution (user panel, date, time stamp) sits just above `start`."""
    return any(line.reason in _ATTRIBUTION for line in lines[max(0, start - HEAD_GAP) : start])


def _start_under_headline(lines: list[_Line], start: int, end: int, title_key: str) -> int:
    """The article starts under the headline when it is printed in or just above the run."""
    # Only the headline's first copy marks the start: a later one is a section heading.
    first = next((i for i, line in enumerate(lines) if line.key == title_key), len(lines))
    if start <= first < end:
        return first + 1
    if first < start:
        # Just above the run, with only text and soft drops (dateline, caption) between:
        # the article starts under the headline, standfirst included.
        for h in range(start - 1, max(-1, start - 1 - HEAD_GAP), -1):
            if lines[h].key == title_key:
                return h + 1
            if lines[h].kind == "chrome" and lines[h].reason not in _SOFT_REASONS:
                break
    return start


def _thread_ends_between(lines: list[_Line], best: tuple[int, int], run: range) -> bool:
    """A comment form or a related-stories list between the best run and another run."""
    # An article's comment section looks like a thread; it sits behind its comment form
    # or after the related stories. A forum prints neither between its posts.
    lo, hi = (best[1], run.start) if run.start >= best[1] else (run.stop, best[0])
    return any(line.reason in _THREAD_END for line in lines[lo:hi])


def _is_thread(lines: list[_Line]) -> bool:
    """Several posts, each a paragraph opening under its own attribution: a forum thread."""
    posts = 0
    attributed = False  # an attribution since the last paragraph
    for line in lines:
        if line.reason in _ATTRIBUTION:
            attributed = True
        elif line.kind == "good":
            posts += attributed
            attributed = False
    return posts >= THREAD_POSTS


def _before_comments(lines: list[_Line], scores: list[float]) -> list[float]:
    """The scores of the lines above a blog's comment section, when the article is there."""
    # The comments under a long post can outscore it (and they look like a thread): the
    # article is what precedes them, if a run there is worth a second run (else the header
    # is a byline's counter above the article: "0 Comment on <title>").
    head = next((i for i, line in enumerate(lines) if line.reason == "comment header"), None)
    if head is None or _best_run(scores[:head])[2] < SECOND_RUN_MIN:
        return scores
    return scores[:head]


def _region(lines: list[_Line], title_key: str | None) -> tuple[int, int, list[range]]:
    """The best run of lines; when the headline is printed inside it, the article starts there.

    Also the other runs that score at least SECOND_RUN of the best one: the further posts of a
    thread, the article's continuation past a large box of chrome.
    """
    scores = _before_comments(lines, _scores(lines))
    start, end, best = _best_run(scores)
    if best <= 0:
        # No paragraph anywhere (a table, a list, a one-line note): keep all that is not chrome.
        return 0, len(lines), []
    thread = _is_thread(lines)
    least = THREAD_RUN_MIN if thread else max(SECOND_RUN * best, SECOND_RUN_MIN)
    more = [
        run
        for run in _more_runs(scores, 0, start, least) + _more_runs(scores, end, len(lines), least)
        if _after_attribution(lines, run.start)
        and not (thread and _thread_ends_between(lines, (start, end), run))
    ]
    if title_key:
        start = _start_under_headline(lines, start, end, title_key)
    return start, end, more


def _title_like(line: _Line, doc_lang: str | None) -> bool:
    n = len(line.words)
    text = line.text
    return (
        2 <= n <= 30
        and len(text) <= 250
        and (not text.endswith(".") or text.isupper() or _ABBREVIATION_END.search(text))
        and not text.startswith(("- ", "• ", "* "))
        and find_date(text) is None
        and (doc_lang is None or text.isascii() or language(text, line.words) in (None, doc_lang))
    )


def _strip_suffix(text: str, keys: set[str]) -> str:
    """`Headline - Site` without the site name, when the page confirms where the name starts."""
    # Sites stack suffixes: "Headline | World | News". A suffix goes only when the page also
    # prints the headline without it: "SUGAR IMPORTS DOWN - USDA" keeps its source.
    stripped = text
    while (m := _TITLE_SUFFIX.search(stripped)) and len(m.group(1).split()) <= 4:
        stripped = stripped[: m.start()].strip()
        if normalise_key(stripped) in keys:
            return stripped
    return text


def _find_title(lines: list[_Line], doc_lang: str | None) -> str | None:
    """The headline: the first line unless it is a paragraph, skipping labels printed above it."""
    keys = {line.key for line in lines}
    for line in lines[:HEAD_GAP]:
        if line.reason and line.reason != "repeated line":
            continue  # labels printed above the headline (ads, forum menus)
        if _title_like(line, doc_lang):
            return _strip_suffix(line.text, keys)
        return None
    return None


def _day_first(text: str, doc_lang: str | None) -> bool | None:
    """Day-first unless the date sits in English; an English page's 02/10 stays ambiguous."""
    if doc_lang not in (None, "en"):
        return True
    if text.isascii():
        return None
    return True if language(text) not in (None, "en") else None


def _find_dateline(
    lines: list[_Line], start: int, doc_lang: str | None
) -> tuple[str, int, int, int] | None:
    """The date closest above the article start, or at the very start of its first line."""
    if start < len(lines):
        first = lines[start].text
        found = find_date(first[:40], _day_first(first[:40], doc_lang))
        if found and found[1] <= 12:
            return (*found, start)
    for i in range(start - 1, max(-1, start - 20), -1):
        line = lines[i]
        if line.reason == "forum chrome" or len(line.words) > 14:
            continue
        found = find_date(line.text, _day_first(line.text, doc_lang))
        if found:
            return (*found, i)
    return None


def _trailing_foreign(text: str, doc_lang: str | None) -> int | None:
    """Where a trailing fragment in another language begins (after the last sentence)."""
    if doc_lang is None or text[-1:] in _SENTENCE_END:
        return None
    ends = [m.end() for m in _LAST_SENTENCE.finditer(text)]
    if not ends:
        return None
    tail = text[ends[-1] :]
    words = WORD.findall(tail.lower())
    if len(words) < 3:
        return None
    code = language(tail, words)
    return ends[-1] if code is not None and code != doc_lang else None


def _make_lines(blocks: Sequence[Block]) -> list[_Line]:
    """One line per block with text: whitespace collapsed, words and comparison key."""
    lines: list[_Line] = []
    for block in blocks:
        text = " ".join(block.text.split())
        if text:
            words = WORD.findall(text.lower())
            key = " ".join(words)
            if not text.isascii() and _CJK.search(text):
                # Chinese and Japanese write no spaces: count about two characters as a word.
                words = [c for w in words for c in _cjk_words(w)]
            lines.append(_Line(text, words, block, key=key))
    return lines


def _stopwords(doc_lang: str | None) -> frozenset[str]:
    """The document language's function words (none known: length alone decides)."""
    return english() if doc_lang == "en" else foreign().get(doc_lang or "", frozenset())


def _mark_datelines(lines: list[_Line]) -> None:
    """Bylines with dates ("Published Nov 18, 2019 at 4:07 PM") are a page dump's chrome."""
    # In a plain story a short line opening with a date is a line of the story: web pages only.
    for line in lines:
        if line.kind != "chrome" and len(line.words) <= 10 and _is_dateline(line.text):
            line.kind, line.reason = "chrome", "dateline"


def _take_dateline(
    lines: list[_Line],
    region: tuple[int, int],
    title_key: str | None,
    doc_lang: str | None,
    removed: list[Removed],
) -> str | None:
    """The date printed just above the first paragraph, or opening it; its line is dropped."""
    start, end = region
    body = next(
        (i for i in range(start, end) if lines[i].kind == "good" and lines[i].key != title_key),
        start,
    )
    found = _find_dateline(lines, body, doc_lang)
    if not found:
        return None
    date, _, d_end, at = found
    line = lines[at]
    if at == body and len(line.words) > 14:
        # "SEOUL, June 14, 2024 - South Korea ...": drop the dateline, keep the sentence.
        d_end = _DATELINE_TAIL.match(line.text, d_end).end()
        removed.append(Removed(line.text[:d_end].strip(), "dateline"))
        line.text = line.text[d_end:].strip()
    elif len(line.words) <= 14:
        line.kind, line.reason = "chrome", "dateline"
    return date


@dataclass
class _Region:
    """Where the article is: its main run, further runs, and whether it is the whole text."""

    start: int
    end: int
    extra: set[int]
    whole: bool


def _outside_reason(line: _Line, i: int, region: _Region, related: bool) -> str:
    """Why a text line outside the article's runs goes, by where it sits."""
    if related and len(line.words) > 3:
        return "related-stories list"
    if i < region.start:
        return "navigation" if len(line.words) <= 8 else "before article"
    return "footer" if len(line.words) <= 8 else "after article"


def _revived_kind(lines: list[_Line], i: int, region: _Region, gone: dict[str, str]) -> str:
    """The kind of a later copy that is text after all ("" if not): in the article, heading
    a paragraph, its first copy gone with the menu above the article (a table of contents)."""
    line = lines[i]
    if (
        line.copy_ctx is None
        or gone.get(line.key) not in _MENU_ABOVE
        or not _in_region(line, i, region)
        or not _heads_paragraph(lines, i)
    ):
        return ""
    return _kind_as_first_copy(line, line.copy_ctx)


def _heads_paragraph(lines: list[_Line], i: int) -> bool:
    """A paragraph follows with at most SUBHEAD_GAP lines between (and the line is no date)."""
    following = lines[i + 1 : i + SUBHEAD_GAP + 2]
    return any(n.kind == "good" for n in following) and not _is_dateline(lines[i].text)


def _in_region(line: _Line, i: int, region: _Region) -> bool:
    return region.start <= i < region.end or line.block.main or i in region.extra


def _drop_reason(lines: list[_Line], i: int, region: _Region, related: bool) -> str | None:
    """Why a line that is not chrome is dropped (outside the article, a stray short line)."""
    line = lines[i]
    if not _in_region(line, i, region):
        return _outside_reason(line, i, region, related)
    if line.kind == "short" and not region.whole and not _keep_short(lines, i, region.end):
        return "short line in article"
    return None


def _keep_lines(
    lines: list[_Line],
    region: _Region,
    title_key: str | None,
    doc_lang: str | None,
    removed: list[Removed],
) -> list[str]:
    """The article's text lines in order; every dropped line goes to `removed` with its reason."""
    kept: list[str] = []
    gone: dict[str, str] = {}  # why each line's first copy was dropped ("" when kept)
    related = False
    for i, line in enumerate(lines):
        if title_key and line.key == title_key:
            removed.append(Removed(line.text, "headline"))
            continue
        if line.copy_ctx is not None:
            revived = _revived_kind(lines, i, region, gone)
            if revived:
                line.kind, line.reason = revived, ""
        if line.kind == "chrome":
            related = related or line.reason == "related-stories list"
            removed.append(Removed(line.text, line.reason))
            gone.setdefault(line.key, line.reason)
            continue
        reason = _drop_reason(lines, i, region, related)
        if reason:
            removed.append(Removed(line.text, reason))
            gone.setdefault(line.key, reason)
            continue
        gone[line.key] = ""  # kept: no later copy is needed
        text = line.text
        cut = _trailing_foreign(text, doc_lang) if line.kind == "good" else None
        if cut is not None:
            removed.append(Removed(text[cut:], "other language"))
            text = text[:cut].rstrip()
        kept.append(text)
    return kept


def _headline_as_text(kept: list[str], removed: list[Removed]) -> None:
    """A page whose only text is its headline (a link post): the headline is the text."""
    head = next((r for r in removed if r.reason == "headline"), None)
    if head:
        removed.remove(head)
        kept.append(head.text)


def clean_blocks(
    blocks: Sequence[Block],
    *,
    repeated: Container[str] = frozenset(),
    title: str | None = None,
    date: str | None = None,
) -> Result:
    """Keep the article's paragraphs in order; say why every other block was dropped."""
    lines = _make_lines(blocks)
    doc_lang = _doc_language(lines, english())
    stop = _stopwords(doc_lang)
    _classify(lines, doc_lang, stop, repeated)
    _spare_repeated_data(lines)
    web = _looks_like_web_page(lines)
    if web:
        _mark_datelines(lines)
    from_page = title is not None
    if title is None:
        title = _find_title(lines, doc_lang)
    title_key = normalise_key(title) if title else None
    # Nothing on the page looks like web chrome (a wire story, a clean dump): the region
    # search would only risk dropping tables and short lines of the story.
    start, end, more = _region(lines, title_key) if web else (0, len(lines), [])
    removed: list[Removed] = []
    if date is None:
        date = _take_dateline(lines, (start, end), title_key, doc_lang, removed)
    _strip_timestamp(lines, start, end, title_key, removed)
    region = _Region(start, end, {i for run in more for i in run}, (start, end) == (0, len(lines)))
    kept = _keep_lines(lines, region, title_key, doc_lang, removed)
    if not kept and from_page:
        # Only a headline the page's metadata confirms: a dump's first line is no evidence.
        _headline_as_text(kept, removed)
    return Result(title, date, kept, removed)


def _strip_timestamp(
    lines: list[_Line], start: int, end: int, title_key: str | None, removed: list[Removed]
) -> None:
    """A clock time opening the article ("17:04 - China's ...") is dateline chrome."""
    for line in lines[start:end]:
        if line.kind == "chrome" or line.key == title_key:
            continue
        m = _TIMESTAMP.match(line.text)
        if m and m.end() < len(line.text):
            removed.append(Removed(m.group().strip(), "timestamp"))
            line.text = line.text[m.end() :]
        return


def _spare_repeated_data(lines: list[_Line]) -> None:
    """Undo corpus-repetition drops where they would hit a story's own text.

    Wire stories repeat table headings ("Year", "Nine mths") and whole formula stories
    ("Qtly div six cts vs six cts prior" / "Pay April one") across thousands of documents.
    Next to a table row, or in a story without a single paragraph, such a line is the story.
    """
    no_paragraph = not any(line.kind == "good" for line in lines)
    for i, line in enumerate(lines):
        if not line.across:
            continue
        neighbours = lines[max(0, i - 1) : i] + lines[i + 1 : i + 2]
        if no_paragraph or any(_is_data_row(n.words) for n in neighbours):
            line.kind, line.reason, line.across = "short", "", False


def _looks_like_web_page(lines: list[_Line]) -> bool:
    """Chrome labels, or many lines around the text: a page dump, not a short clean story."""
    if any(line.reason in _WEB_CHROME for line in lines):
        return True
    # A story of a dozen lines or fewer has no room for a menu; a page dump is full of menu
    # items (short, no figures, no sentence ending).
    if len(lines) <= 12:
        return False
    menu = sum(
        1
        for line in lines
        if len(line.words) <= 8
        and line.text[-1] not in _SENTENCE_END
        and not _DIGIT.search(line.text)
    )
    return menu >= MENU_SHARE * len(lines)


def _keep_short(lines: list[_Line], i: int, end: int) -> bool:
    """A short line inside the article stays if it heads the next paragraph (a sub-heading)."""
    line = lines[i]
    if line.block.main:
        return True  # the page says this is article text
    if line.block.item:
        return True  # a list item or table row of the article ("Field of view: 152°")
    # A table inside the story: its rows and the headings next to them.
    if any(_is_data_row(lines[j].words) for j in range(max(0, i - 1), min(end, i + 2))):
        return True
    if len(line.words) > 20 or line.text.endswith(".") and len(line.words) < 4:
        return False
    if line.block.heading:
        return True
    if _under_list_lead(lines, i):
        return True
    return any(lines[j].kind == "good" for j in range(i + 1, min(end, i + SUBHEAD_GAP + 2)))


def _under_list_lead(lines: list[_Line], i: int) -> bool:
    """An item of a list that a sentence ending in a colon introduces ("You will need:")."""
    for j in range(i - 1, max(-1, i - 1 - LIST_MAX_ITEMS), -1):
        above = lines[j]
        if above.kind in ("good", "near"):
            return above.text.endswith(":")
        if above.kind == "chrome" and above.reason not in _SOFT_REASONS:
            return False
    return False


def reflow(text: str) -> list[str]:
    """Lines of a dump; hard-wrapped paragraphs (fixed-width text) joined into one line each."""
    raw = text.split("\n")
    lengths = sorted(len(r) for r in raw if r.strip())
    if len(lengths) < 3:
        return raw
    # Fixed-width text: a typical line is 40-90 characters and almost none is longer than 100.
    # Page dumps put a paragraph on one long line, so they never look like this.
    median = lengths[len(lengths) // 2]
    if not 40 <= median <= 90 or lengths[int(len(lengths) * 0.95)] > 100:
        return raw
    width = lengths[int(len(lengths) * 0.9)]
    out: list[str] = []
    joinable = False
    for r in raw:
        stripped = r.strip()
        if not stripped:
            out.append("")
            joinable = False
            continue
        # An indented line starts a paragraph; a sentence stopping short of the margin ends one.
        if joinable and r[:1] not in (" ", "\t"):
            out[-1] = out[-1] + " " + stripped
        else:
            out.append(stripped)
        joinable = len(r.rstrip()) >= 0.7 * width or stripped[-1] not in _SENTENCE_END
    return out
