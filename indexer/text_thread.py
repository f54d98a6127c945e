"""Forum threads in a text: post attributions, whether the text is a thread, what ends one."""

from __future__ import annotations

from indexer.text_head import HEAD_GAP
from indexer.text_lines import Line

# A thread: at least this many paragraphs open under a post attribution (user panel, date).
# There every run under an attribution is a post, kept when it scores THREAD_RUN_MIN.
THREAD_POSTS = 6
THREAD_RUN_MIN = 86
# What ends a thread: the comment form or related stories under an article.
_THREAD_END = frozenset({"comment form", "related-stories list"})
# Lines that open a post of a thread: who wrote it and when.
_ATTRIBUTION = frozenset({"forum chrome", "timestamp", "dateline", "count"})


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
