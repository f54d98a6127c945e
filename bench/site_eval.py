"""How often a page's `site` names the page's own site, on both dev sets, HTML and text dumps.

A site is right when it is the registered domain of the page's URL (from the ground truth), or
a name that spells that domain: the same letters ("The Guardian" ~ theguardian.com, "PCWorld"
~ pcworld.com, "Security.org"), one inside the other (4+ letters: "CNN Business" ~ cnn.com),
or its words' initials ("South China Morning Post" ~ scmp.com). Anything else counts as wrong,
even a true publisher name the domain does not spell (so the share is a lower bound; `--wrong`
lists them to read). Text dumps are read with the repeated lines of their whole set, as a
build reads them.

    .venv/bin/python bench/site_eval.py [--wrong]
"""

from __future__ import annotations

import argparse
import gzip
import json
import sys
import unicodedata
from collections import Counter
from pathlib import Path
from urllib.parse import urlsplit

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from shared_data import shared_path  # noqa: E402

from indexer.clean import REPEAT_MIN_DOCS, line_keys  # noqa: E402
from indexer.decode import decode  # noqa: E402
from indexer.site import html_site, registered_domain, text_site  # noqa: E402

SETS = ("wcxb-dev", "article-extraction-dev")
_MIN_INSIDE = 4


def name_key(name: str) -> str:
    """Accents dropped, "&" read as "and", letters and digits only, lower case."""
    folded = unicodedata.normalize("NFKD", name.replace("&", " and "))
    return "".join(ch for ch in folded.casefold() if ch.isalnum() and ch.isascii())


def _initials(name: str) -> str:
    return "".join(w[0] for w in name_key_words(name))


def name_key_words(name: str) -> list[str]:
    return [k for k in (name_key(w) for w in name.replace("-", " ").split()) if k]


def names_own_site(site: str | None, url: str) -> bool:
    """Whether `site` names the site of `url` (see the module docstring)."""
    domain = registered_domain(url)
    if not site or not domain:
        return False
    if registered_domain(site) == domain:
        return True
    host = urlsplit(url).hostname or ""
    # Every label of the host but the public suffix: "mitsloan.mit.edu" has "mitsloan".
    labels = [name_key(x) for x in host.removesuffix(domain).split(".") if x]
    labels.append(name_key(domain.split(".")[0]))
    return any(_spells(site, label) for label in labels if label and label != "www")


def _spells(site: str, label: str) -> bool:
    key = name_key(site)
    words = [w for w in name_key_words(site) if w != "the"]
    if not key:
        return False
    if key == label or "".join(words) == label:
        return True
    if min(len(key), len(label)) >= _MIN_INSIDE and (key in label or label in key):
        return True
    return len(label) >= 2 and label in (_initials(site), "".join(w[0] for w in words))


def _pages(name: str):
    folder = shared_path(name)
    truth = json.loads((folder / "ground-truth.json").read_text(encoding="utf-8"))
    for page_id in sorted(truth):
        url = truth[page_id].get("url") or ""
        html_file = folder / "html" / f"{page_id}.html.gz"
        text_file = folder / "text" / f"{page_id}.txt"
        yield page_id, url, html_file, text_file


def evaluate(name: str, show_wrong: bool) -> dict[str, Counter]:
    pages = list(_pages(name))
    texts = {pid: t.read_bytes() for pid, _, _, t in pages if t.exists()}
    counts = Counter(key for pid, data in texts.items() for key in line_keys(data, f"{pid}.txt"))
    repeated = {key for key, n in counts.items() if n >= REPEAT_MIN_DOCS}
    out = {"html": Counter(), "text": Counter()}
    for page_id, url, html_file, _ in pages:
        if not registered_domain(url):
            continue  # no URL in the ground truth: nothing to compare with
        found = {"html": html_site(decode(gzip.decompress(html_file.read_bytes())))}
        if page_id in texts:
            found["text"] = text_site(decode(texts[page_id]), repeated)
        for path, site in found.items():
            verdict = "none" if site is None else "right" if names_own_site(site, url) else "wrong"
            out[path][verdict] += 1
            if show_wrong and verdict == "wrong":
                print(f"  {name} {path} {page_id}: {site!r} for {url}")
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--wrong", action="store_true", help="list the pages whose site is wrong")
    args = parser.parse_args()
    print("| set | path | pages | names own site | wrong | none |")
    print("| --- | --- | --- | --- | --- | --- |")
    shares = {"html": [], "text": []}
    for name in SETS:
        for path, counts in evaluate(name, args.wrong).items():
            n = sum(counts.values())
            if not n:
                continue
            share = counts["right"] / n
            shares[path].append(share)
            print(
                f"| {name} | {path} | {n} | {share:.1%} | {counts['wrong'] / n:.1%} "
                f"| {counts['none'] / n:.1%} |"
            )
    for path, values in shares.items():
        if values:
            print(f"| mean | {path} | | {sum(values) / len(values):.1%} | | |")


if __name__ == "__main__":
    main()
