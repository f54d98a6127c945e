"""Forum threads in a text: post attributions, whether the text is a thread, what ends one."""

from __future__ import annotations

import re

from indexer.line_rules import SOFT_REASONS
from indexer.text_head import HEAD_GAP
from indexer.text_lines import SENTENCE_END, Line, is_data_row

# A thread: at least this many paragraphs open under a post attribution (user panel, date).
# There every run under an attribution is a post, kept when it scores THREAD_RUN_MIN.
THREAD_POSTS = 6
THREAD_RUN_MIN = 86
# What ends a thread: the comment form or related stories under an article.
_THREAD_END = frozenset({"comment form", "related-stories list"})
# Lines that open a post of a thread: who wrote it and when.
_ATTRIBUTION = frozenset({"forum chrome", "timestamp", "dateline", "count"})
# A line ending in one of these is a template whose value was a link or a widget ("X
# has marked this topic as solved on", "wrote on last edited by"): no post's text.
_FIELD = re.compile(r"[\w ]{1,20}: ")
_DANGLING = frozenset({"on", "by", "at", "in", "of", "to", "from"})


def after_attribution(lines: list[Line], start: int) -> bool:
    """Whether a post's attribution (user panel, date, time stamp) sits just above `start`."""
    return any(line.reason in _ATTRIBUTION for line in lines[max(0, start - HEAD_GAP) : start])


def thread_ends_between(lines: list[Line], best: tuple[int, int], run: range) -> bool:
    """A comment form or a related-stories list between the best run and another run."""
    # An article's comment section looks like a thread; it sits behind its comment form
    # or after the related stories. A forum prints neither between its posts.
    lo, hi = (best[1], run.start) if run.start >= best[1] else (run.stop, best[0])
    return any(line.reason in _THREAD_END for line in lines[lo:hi])


def is_thread(lines: list[Line]) -> bool:
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


def short_posts(lines: list[Line], runs: list[range]) -> list[range]:
    """The text lines of each post between the thread's kept runs, under its attribution.

    A post of one short line ("I'm ready!!") scores too little for a run of its own: between
    the first and the last post kept, the lines under each attribution that say something
    are its post (one range each)."""
    lo, hi = min(r.start for r in runs), max(r.stop for r in runs)
    posts = []
    for i in range(lo, hi):
        if lines[i].reason not in _ATTRIBUTION:
            continue
        j = i + 1
        # A quote's repeated lines or a caption inside the post do not end it.
        while j < hi and (lines[j].kind != "chrome" or lines[j].reason in SOFT_REASONS):
            j += 1
        posts += [range(k, k + 1) for k in range(i + 1, j) if _says_something(lines[k])]
    return posts


def _says_something(line: Line) -> bool:
    """A line of a post's text, not of a user card ("Greg Askew", "39.8k 6 gold badges")."""
    if line.kind == "chrome" or is_data_row(line.words) or line.words[-1] in _DANGLING:
        return False
    if line.text[-1] in SENTENCE_END:
        return True
    # A user panel's profile fields: "Joined: 9. Jul 2007, 20:02", "Primary OS: Windows".
    return len(line.words) >= 4 and not (len(line.words) <= 6 and _FIELD.match(line.text))
