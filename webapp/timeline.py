"""The results page's timeline: the month facet laid out as a server-rendered SVG bar chart.

Only geometry and labels are computed here; templates/_timeline.html draws them. There is no
script and no inline style (the Content-Security-Policy allows neither): colours come from
style.css, sizes from SVG attributes. The chart is drawn at its natural size and scrolls
sideways in a narrow window instead of shrinking its labels out of legibility.
"""

from __future__ import annotations

import calendar
from collections.abc import Callable
from dataclasses import dataclass, field

from flask import request

from .pages import search_url

MONTHS = [
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
]
# A month's column: wide enough for "Sep" and a count above its bar while the chart fits a
# desktop results column; with more months the columns narrow down to MIN_SLOT, then scroll.
SLOT, MIN_SLOT, FIT = 28, 10, 800
LABELLED = 20  # columns this wide carry their month's name and count (10px text)
BAR_MAX = 96  # px, the busiest month's bar
TOP = 16  # room for the count above the tallest bar
ROW = 14  # a row of labels under the axis: month names, then years
YEAR_GAP = 34  # px from one year label to the next: a bold 11px "2024" and a space
PAD = 6
BREAK = 3  # this many empty months in a row are drawn as one break in the axis


@dataclass
class Bar:
    """One month with matches: its rectangle, its count and where it links."""

    month: str  # YYYY-MM
    count: int
    x: float
    y: float
    width: float
    height: float
    slot_x: float  # the whole column is the link's target, however short the bar
    slot_width: float
    href: str
    label: str  # "October 2023: 2 results", the link's accessible name and tooltip
    current: bool  # the search is already limited to this month

    @property
    def short(self) -> str:
        """The count as drawn above the bar: 1,234 as 1.2k, so it fits its column."""
        return _short(self.count)


@dataclass
class Tick:
    """A label under the axis: a month abbreviation or a year."""

    x: float
    y: float
    text: str
    kind: str = "month"  # or "year", or "break" (empty months left out)
    anchor: str = "middle"  # SVG text-anchor


@dataclass
class Chart:
    """Everything the template needs to draw the timeline."""

    width: int
    height: int
    baseline: int
    counts: bool  # whether columns are wide enough for a count above each bar
    caption: str
    bars: list[Bar] = field(default_factory=list)
    ticks: list[Tick] = field(default_factory=list)
    axis: list[tuple[float, float]] = field(default_factory=list)  # segments, gaps at breaks


def _index(month: str) -> int:
    return int(month[:4]) * 12 + int(month[5:7]) - 1


def _month(index: int) -> str:
    return f"{index // 12:04d}-{index % 12 + 1:02d}"


def month_range(month: str) -> tuple[str, str]:
    """The first and last day of a YYYY-MM month, as the from/to of a search."""
    year, number = int(month[:4]), int(month[5:7])
    last = calendar.monthrange(year, number)[1]
    return f"{month}-01", f"{month}-{last:02d}"


def month_name(month: str) -> str:
    return f"{MONTHS[int(month[5:7]) - 1]} {int(month[:4])}"


def _short(count: int) -> str:
    return f"{count / 1000:.1f}k".replace(".0k", "k") if count >= 1000 else str(count)


def _results(count: int) -> str:
    return f"{count:,} result{'' if count == 1 else 's'}"


def _slots(months: list[str]) -> list[str | None]:
    """The chart's columns, oldest first: every month from the first to the last, except
    that a run of BREAK or more empty months is one break column (None), so two bursts of
    coverage years apart stay side by side instead of a screen apart."""
    slots: list[str | None] = [months[0]]
    for before, month in zip(months, months[1:], strict=False):
        empty = _index(month) - _index(before) - 1
        if empty >= BREAK:
            slots.append(None)
        else:
            slots += [_month(_index(before) + k) for k in range(1, empty + 1)]
        slots.append(month)
    return slots


def layout(
    months: list[tuple[str, int]],
    total: int,
    link: Callable[[str, str], str],
    current: tuple[str | None, str | None] = (None, None),
) -> Chart | None:
    """The chart of `months` ([("2023-10", 2), ...], oldest first) among `total` matches;
    `link(first_day, last_day)` is a bar's URL. None when no match has a date."""
    if not months:
        return None
    counts = dict(months)
    slots = _slots([m for m, _ in months])
    slot = max(MIN_SLOT, min(SLOT, FIT // len(slots)))
    wide = slot >= LABELLED
    baseline = TOP + BAR_MAX
    dated = sum(counts.values())
    caption = f"{_results(dated)} by month, {month_name(months[0][0])} to "
    caption += month_name(months[-1][0])
    if dated < total:
        caption += f" ({_results(total - dated)} without a date not shown)"
    height = baseline + ROW * (2 if wide else 1) + 6
    chart = Chart(PAD * 2 + slot * len(slots), height, baseline, wide, caption + ".")
    peak = max(counts.values())
    year, year_x = None, -YEAR_GAP  # the last year labelled, and where
    axis_from = 0.0  # where the current axis segment began
    for i, month in enumerate(slots):
        x = PAD + i * slot
        if month is None:  # a break in the axis, marked on it
            chart.axis.append((axis_from, x))
            axis_from = x + slot
            chart.ticks.append(Tick(x + slot / 2, baseline + 4, "…", "break"))
            continue
        if month in counts:
            chart.bars.append(_bar(month, counts[month], peak, x, slot, baseline, link, current))
        if wide:
            name = MONTHS[int(month[5:7]) - 1][:3]
            chart.ticks.append(Tick(x + slot / 2, baseline + ROW, name))
        if month[:4] != year and x - year_x >= YEAR_GAP:
            year, year_x = month[:4], x
            row = baseline + ROW * (2 if wide else 1)
            chart.ticks.append(Tick(x, row, year, "year", "start"))
    chart.axis.append((axis_from, chart.width))
    return chart


def _bar(month, count, peak, x, slot, baseline, link, current) -> Bar:
    """Column `x` of width `slot`: a bar as tall as `count` is to the busiest month's."""
    first_day, last_day = month_range(month)
    height = max(2, round(count / peak * BAR_MAX))
    gap = max(1, slot // 7)
    label = f"{month_name(month)}: {_results(count)}"
    return Bar(
        month,
        count,
        x + gap,
        baseline - height,
        slot - 2 * gap,
        height,
        x,
        slot,
        link(first_day, last_day),
        label,
        current == (first_day, last_day),
    )


def chart_for(response) -> Chart | None:
    """The timeline of a search response on the results page, bars linking to their month."""

    def link(first_day: str, last_day: str) -> str:
        return search_url(**{"from": first_day, "to": last_day})

    current = (request.args.get("from"), request.args.get("to"))
    return layout(response.facets.get("month", []), response.total, link, current)
