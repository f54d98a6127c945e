"""Where the article is: each line's score, the best run of lines (Kadane) and further runs."""

from __future__ import annotations

from collections.abc import Sequence

from indexer.line_rules import SOFT_REASONS
from indexer.text_head import HEAD_GAP
from indexer.text_lines import Line
from indexer.text_thread import (
    THREAD_RUN_MIN,
    after_attribution,
    is_thread,
    short_posts,
    thread_ends_between,
)

# Cost, in characters of article text, of crossing one non-article block inside the article.
SHORT_COST = 28
# A short line also costs this much per character (a menu item, a label nobody named).
SHORT_PER_CHAR = 0.2
# A soft drop (a caption, a repeat, the dateline) inside the article.
SOFT_COST = 35
CHROME_COST = 120
# Weight of a short sentence (4-9 words): article-like, but so are captions and teasers.
NEAR_WEIGHT = 0.8
# Weight of a paragraph with no paragraph next to it.
ISOLATED = 0.5
# Another run of lines is kept when it scores this share of the best run (and at least
# SECOND_RUN_MIN characters' worth): a thread's further posts are runs of their own.
SECOND_RUN = 0.3
SECOND_RUN_MIN = 400
# A sentence ending in a colon introduces up to this many short lines: a list of the article.
LIST_MAX_ITEMS = 12
# Labels that usually end an article: crossing one costs as much as a short paragraph.
WALL_COST = 400
WALLS = frozenset(
    {
        "related-stories list",
        "comment counter",
        "footer",
        "share prompt",
        "comment form",
        "author box",
        "byline",
    }
)


def _has_text_neighbour(lines: list[Line], i: int, step: int) -> bool:
    j = i + step
    while 0 <= j < len(lines) and lines[j].reason in SOFT_REASONS:
        j += step
    return 0 <= j < len(lines) and lines[j].kind in ("good", "near")


def under_list_lead(lines: list[Line], i: int) -> bool:
    """An item of a list that a sentence ending in a colon introduces ("You will need:")."""
    for j in range(i - 1, max(-1, i - 1 - LIST_MAX_ITEMS), -1):
        above = lines[j]
        if above.kind in ("good", "near"):
            return above.text.endswith(":")
        if above.kind == "chrome" and above.reason not in SOFT_REASONS:
            return False
    return False


def line_scores(lines: list[Line]) -> list[float]:
    """Each line's worth as article text: paragraphs gain their length, everything else costs."""
    scores = []
    lead = -LIST_MAX_ITEMS - 1  # the last line ending in a colon (few pages have one)
    for i, line in enumerate(lines):
        if line.kind in ("good", "near") and line.text.endswith(":"):
            lead = i
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
            elif line.reason in SOFT_REASONS:
                scores.append(-SOFT_COST)
            else:
                scores.append(-CHROME_COST)
        else:
            # An item of a list the article introduces ("You will need:") costs nothing.
            listed = i - lead <= LIST_MAX_ITEMS and under_list_lead(lines, i)
            scores.append(0.0 if listed else -SHORT_COST - len(line.text) * SHORT_PER_CHAR)
    return scores


def best_run(scores: Sequence[float]) -> tuple[int, int, float]:
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


def more_runs(scores: Sequence[float], lo: int, hi: int, least: float) -> list[range]:
    """Runs of lines in scores[lo:hi] scoring at least `least`, best first, recursively."""
    if hi - lo < 1:
        return []
    start, end, best = best_run(scores[lo:hi])
    if best < least:
        return []
    start, end = start + lo, end + lo
    return [
        range(start, end),
        *more_runs(scores, lo, start, least),
        *more_runs(scores, end, hi, least),
    ]


def _start_under_headline(lines: list[Line], start: int, end: int, title_key: str) -> int:
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
            if lines[h].kind == "chrome" and lines[h].reason not in SOFT_REASONS:
                break
    return start


def _before_comments(lines: list[Line], scores: list[float]) -> list[float]:
    """The scores of the lines above a blog's comment section, when the article is there."""
    # The comments under a long post can outscore it (and they look like a thread): the
    # article is what precedes them, if a run there is worth a second run (else the header
    # is a byline's counter above the article: "0 Comment on <title>").
    head = next((i for i, line in enumerate(lines) if line.reason == "comment header"), None)
    if head is None or best_run(scores[:head])[2] < SECOND_RUN_MIN:
        return scores
    return scores[:head]


def _before_author_box(lines: list[Line], scores: list[float]) -> list[float]:
    """The scores of the lines above an author box that closes the best run's article."""
    # The bio and the author's archive list under it extend the run. Some sites print the
    # box above the article: it ends one only after a second run's worth of its text.
    boxes = [i for i, line in enumerate(lines) if line.reason == "author box"]
    if not boxes:
        return scores
    start, end, _ = best_run(scores)
    for i in boxes:
        if start <= i < end and best_run(scores[start:i])[2] >= SECOND_RUN_MIN:
            return scores[:i]
    return scores


def find_region(lines: list[Line], title_key: str | None) -> tuple[int, int, list[range]]:
    """The best run of lines; when the headline is printed inside it, the article starts there.

    Also the other runs that score at least SECOND_RUN of the best one: the further posts of a
    thread, the article's continuation past a large box of chrome.
    """
    scores = _before_author_box(lines, _before_comments(lines, line_scores(lines)))
    start, end, best = best_run(scores)
    if best <= 0:
        # No paragraph anywhere (a table, a list, a one-line note): keep all that is not chrome.
        return 0, len(lines), []
    thread = is_thread(lines)
    least = THREAD_RUN_MIN if thread else max(SECOND_RUN * best, SECOND_RUN_MIN)
    more = [
        run
        for run in more_runs(scores, 0, start, least) + more_runs(scores, end, len(lines), least)
        if after_attribution(lines, run.start)
        and not (thread and thread_ends_between(lines, (start, end), run))
    ]
    if thread:
        more += short_posts(lines, [range(start, end), *more])
    if title_key:
        start = _start_under_headline(lines, start, end, title_key)
    return start, end, more
