"""A corpus whose coverage spans years: the seeds plus dated HTML articles, for the timeline.

The seeds have dated documents in two months only; a timeline also has to cope with bursts,
quiet months and gaps of years. These pages are real HTML files that go through the real
cleaner, which reads their dates from `article:published_time`. Holds no asserts.
"""

from __future__ import annotations

import html
import random
import shutil
from pathlib import Path

from hardening_support import article

SEEDS = Path(__file__).resolve().parents[1] / "seeds"
# Bursts of coverage with quiet months inside them, and gaps of years between them.
MONTHS = (
    [f"2015-{m:02d}" for m in (3, 4, 6)]
    + [f"2018-{m:02d}" for m in range(1, 13) if m not in (5, 9)]
    + [f"2019-{m:02d}" for m in (2, 3)]
    + [f"{y}-{m:02d}" for y in (2022, 2023, 2024) for m in range(1, 13) if (y * m) % 5]
)


def page(title: str, day: str, body: str) -> str:
    paragraphs = "".join(f"<p>{html.escape(p)}</p>" for p in body.split("\n\n")[1:] if p)
    return (
        "<!doctype html><html><head>"
        f"<title>{html.escape(title)}</title>"
        f'<meta property="article:published_time" content="{day}T08:00:00Z">'
        f"</head><body><article><h1>{html.escape(title)}</h1>{paragraphs}</article></body></html>"
    )


def make_dated_corpus(folder: Path, seed: int = 13) -> dict[str, str]:
    """The seeds plus one to four Korea articles in each of MONTHS; {file name: date}."""
    rng = random.Random(seed)
    shutil.copytree(SEEDS, folder)
    for path in folder.iterdir():
        path.chmod(0o644)
    dates = {}
    for month in MONTHS:
        for k in range(rng.randint(1, 4)):
            day = f"{month}-{rng.randint(1, 28):02d}"
            title = f"Korea report {k + 1} of {month} on regional affairs"
            name = f"dated_{month}_{k}.html"
            (folder / name).write_text(page(title, day, article(rng, title)), encoding="utf-8")
            dates[name] = day
    return dates
