"""HTML pages: blocks of visible text with link density and chrome hints, plus page metadata."""

from __future__ import annotations

import functools
import html
import json
import re
from collections.abc import Iterator
from dataclasses import dataclass
from itertools import accumulate
from typing import NamedTuple

from bs4 import BeautifulSoup, NavigableString, PageElement, Tag

from indexer.clean_text import Block
from indexer.dates import MetaDates, metadata_dates
from indexer.document import Removed
from indexer.titles import TitleSources, choose_title

# Before parsing, elements that never hold article text are cut out of the markup: scripts,
# styles and comments are most of a modern page's bytes, and headers, navigation, footers and
# asides a third of its tags, so BeautifulSoup builds a much smaller tree. JSON-LD scripts stay
# for their metadata. The cut is a linear scan with str.find, so unclosed tags cost nothing.
_OPENERS = re.compile(
    r"<!--|<(script|style|svg|noscript|iframe|template|select|button|nav|footer|aside|header)\b",
    re.I,
)
_CHROME_TAGS = frozenset({"nav", "footer", "aside", "header"})
# A <figure> is a picture and its caption, unless it holds a table or a quotation
# (WordPress sets every table in <figure class="wp-block-table">).
_FIGURE_CONTENT = ("table", "blockquote")
# Items of a list or rows of a table: short lines that are text inside an article.
_ITEMS = frozenset({"li", "tr"})
_ANY_TAG = re.compile(r"<[^>]*>")
_H1 = re.compile(r"<h1\b(?:[^>\"']|\"[^\"]*\"|'[^']*')*>(.*?)</h1", re.I | re.S)
_SIZE_CHECKS = 50
# A <noscript> with this much text is the page's content, not a "please enable JavaScript".
NOSCRIPT_PAGE = 1000
# A <header> holding this share of the page's paragraph text is the page's body (Webflow
# templates wrap the whole story in <header class="section...">), not its masthead.
HEADER_PAGE = 0.6
_BODY_CLOSE = re.compile(r"</body", re.I)
_PARAGRAPH = re.compile(r"<p\b[^>]*>(.*?)</p\s*>", re.I | re.S)
# An <article> holding this share of the page's text is the story's wrapper: on a page that
# marks no body of its own, its blocks are article text (0.5 kept more promo boxes: AED worse).
WRAPPER_SHARE = 0.8
# The article's container (mark_container): the smallest element holding this share of the
# page's prose, on a page with at least CONTAINER_MIN characters of it whose marked body (if
# any) holds less than MARKED_SHARE of it (a teaser or widget named "post-content"). Prose
# is paragraphs of PROSE_CHARS or more that end a sentence, at most PROSE_LINKS in links
# (50, not 80: short forum posts are prose too; round 9).
CONTAINER_SHARE = 0.8
CONTAINER_MIN = 500
MARKED_SHARE = 0.3
PROSE_CHARS = 50
PROSE_LINKS = 0.3
_PROSE_END = frozenset(".!?:;\"'”’»)")
# A container named as navigation whose text is at least NAMED_PROSE prose, with at most
# NAMED_LINKS of it in links, is text (prose_named_chrome). Related lists, bylines, footers,
# share bars and ads measured worse (their prose is teasers and bios): navigation only.
_NAMED_ONLY = frozenset({"navigation"})
NAMED_PROSE = 0.5
NAMED_LINKS = 0.1
# A body with less text than this outside its chrome states nothing (a script renders it).
EMPTY_BODY = 200
# Markup left after the cut is parsed up to this size (the largest dev page has 0.12 M):
# BeautifulSoup needs about 2 s per million characters of dense tags.
MAX_MARKUP = 1_500_000
_DROP_TAGS = (
    "script",
    "style",
    "template",
    "svg",
    "iframe",
    "head",
    "select",
    "button",
    "input",
    "textarea",
    "option",
    "canvas",
    "object",
    "embed",
)
_BLOCK_TAGS_WORDS = """
address article aside blockquote body center dd details dialog dir div dl dt fieldset
figcaption figure footer form frameset h1 h2 h3 h4 h5 h6 header hgroup hr html li main
menu nav noframes ol p pre section summary table tbody tfoot thead tr ul br
"""
_BLOCK_TAGS = frozenset(_BLOCK_TAGS_WORDS.split())
_HEADINGS = frozenset(f"h{i}" for i in range(1, 7))
_TAG_REASONS = {
    "header": "page header",
    "nav": "navigation",
    "footer": "footer",
    "aside": "sidebar",
    "form": "form",
    "figcaption": "caption",
    "figure": "caption",
    "menu": "navigation",
}
# Class/id words that name chrome containers; matched as whole words of the attribute.
_CLASS_REASONS = re.compile(
    r"(?:^|[\s_-])(?:(?P<nav>nav|navbar|navigation|menu|breadcrumbs?|masthead|topbar)"
    r"|(?P<foot>footer|copyright)"
    r"|(?P<comments>comments?|disqus|replies)"
    r"|(?P<share>share|sharing|social|sharebar)"
    r"|(?P<related>related|recommended|more-stories|read-more|outbrain|taboola|trending)"
    r"|(?P<ad>ad|ads|adslot|adunit|adsbygoogle|advert|advertisement|advertorial|sponsor|sponsored|promo|dfp)"
    r"|(?P<sub>newsletter|subscribe|subscription|paywall|signup)"
    r"|(?P<consent>cookie|cookies|consent|gdpr|onetrust|cookiebot)"
    r"|(?P<sig>signatures?|membersignature|usersignature|postsignature)"
    r"|(?P<caption>caption|credit|byline|author|bio|tags|keywords|gallery|slideshow|carousel|lightbox)"
    r")(?:$|[\s_-])",
    re.I,
)
_CLASS_LABELS = {
    "nav": "navigation",
    "foot": "footer",
    "comments": "comments",
    "share": "share prompt",
    "related": "related-stories list",
    "ad": "ad label",
    "sub": "subscription notice",
    "consent": "cookie notice",
    "sig": "signature",
    "caption": "caption or byline",
}
_PANEL_ROLES = frozenset({"region", "tabpanel"})
_STREAMED = re.compile(r"S:[0-9a-z]+$")
_NEVER_THE_PAGE = _CLASS_LABELS["consent"]
_BIO = _CLASS_LABELS["caption"]
_MAIN_ITEMPROPS = frozenset({"articleBody", "text"})
# Class names and microdata that name the article body itself ("article-body", "entry-content"),
# or a forum post's (XenForo's "message-body", "messageText"), or the field a CMS fills from
# its rich-text editor (Webflow's "w-richtext", Invision's "ipsType_richText").
_MAIN = re.compile(
    r"(?:^|\s)(?:(?:article|story|entry|post|main|message)[-_]{0,2}(?:body|content|text)"
    r"|[\w-]*articlebody[\w-]*)(?:$|\s)"
    r"|(?:^|[\s_-])rich[-_]?text(?:$|[\s_-])",
    re.I,
)


@dataclass
class Page:
    """What an HTML page holds: text blocks and its own metadata."""

    blocks: list[Block]
    title: str | None
    dates: MetaDates  # what the metadata states (indexer/dates.py chooses among them)
    removed: list[Removed]  # chrome cut out before parsing
    header: list[str]  # lines of the cut <header> that held the headline (byline, date)


def _json_ld(scripts: list[Tag]) -> list[dict]:
    """The JSON-LD objects of the page (flattened @graph), ignoring malformed ones."""
    return [item for script in scripts for item in json_ld_objects(script.string or "")]


def json_ld_objects(raw: str) -> list[dict]:
    """The objects of one JSON-LD block, lists and @graph flattened; none if it is malformed."""
    try:
        data = json.loads(raw)
    except (ValueError, TypeError, RecursionError):  # RecursionError: hostile nesting
        return []
    found: list[dict] = []
    stack = [data]
    while stack:
        item = stack.pop()
        if isinstance(item, list):
            stack.extend(item)
        elif isinstance(item, dict):
            found.append(item)
            if "@graph" in item:
                stack.append(item["@graph"])
    return found


_TITLE_META = ("og:title", "twitter:title")


_META_TAGS = frozenset({"meta", "script", "time", "title"})
# A thread page (forum, Q&A): its posts are the content, even inside "comments" containers.
# schema.org's types for a thread and its posts (FAQ Question/Answer blocks sit on articles
# too, so they are no evidence), and the generator tags of the common forum engines.
_THREAD_TYPES = frozenset({"DiscussionForumPosting", "QAPage", "SocialMediaPosting"})
_THREAD_ITEMTYPE = re.compile(rf"schema\.org/(?:{'|'.join(sorted(_THREAD_TYPES))})\b")
_FORUM_ENGINES = re.compile(
    r"\b(?:discourse|xenforo|vbulletin|phpbb|invision|mybb|smf|simple machines|nodebb|flarum|"
    r"vanilla|burning board|woltlab)\b",
    re.I,
)
# On a thread page these container classes hold the posts and their authors.
_THREAD_CONTENT = frozenset({"comments", "caption or byline"})


class _Meta(NamedTuple):
    title: str | None
    dates: MetaDates
    thread: bool  # the metadata says the page is a discussion thread
    description: str  # the longest of its descriptions ("" if none)
    bios: frozenset[str]  # the openings of its authors' biographies (JSON-LD Person)


_DESCRIPTIONS = ("og:description", "description", "twitter:description")


def _metadata(tags: list[Tag], h1: str | None) -> _Meta:
    """Title and publication dates from og/article meta, JSON-LD, <h1>, <time> and <title>;
    whether the metadata says the page is a discussion thread; its description."""
    meta: dict[str, str] = {}
    scripts: list[Tag] = []
    times: list[str] = []
    page_title = None
    for tag in tags:
        if tag.name == "meta":
            content = tag.get("content")
            key = tag.get("property") or tag.get("name") or tag.get("itemprop")
            if isinstance(key, str) and isinstance(content, str) and content.strip():
                meta.setdefault(key.lower(), content.strip())
        elif tag.name == "script":
            if tag.get("type") == "application/ld+json":
                scripts.append(tag)
        elif tag.name == "time":
            value = tag.get("datetime")
            if isinstance(value, str):
                times.append(value)
        elif page_title is None and tag.string:
            page_title = tag.string.strip()
    ld = _json_ld(scripts)
    headline = next((i["headline"] for i in ld if isinstance(i.get("headline"), str)), None)
    sources = TitleSources(
        h1=h1,
        og=next((meta[k] for k in _TITLE_META if k in meta), None),
        ld=html.unescape(headline).strip() or None if headline else None,
        title=page_title or None,
        site=meta.get("og:site_name"),
    )
    title = choose_title(sources)
    description = max((meta.get(k, "") for k in _DESCRIPTIONS), key=len)
    return _Meta(
        title or None,
        metadata_dates(meta, ld, times),
        _thread_metadata(meta, ld),
        description,
        author_bios(ld),
    )


# A biography is matched on its opening this long (a page may print it cut, or go on).
BIO_OPENING = 60


def _opening(text: str) -> str:
    return " ".join(html.unescape(_ANY_TAG.sub(" ", text)).split())[:BIO_OPENING].casefold()


def author_bios(ld: list[dict]) -> frozenset[str]:
    """The openings of the JSON-LD Person descriptions: the author box's text (Yoast and
    most SEO plugins copy the author's biography there), so its printed copy is chrome."""
    found = set()
    for item in ld:
        kind = item.get("@type")
        description = item.get("description")
        if (kind == "Person" or isinstance(kind, list) and "Person" in kind) and isinstance(
            description, str
        ):
            opening = _opening(description)
            if len(opening) >= BIO_OPENING:
                found.add(opening)
    return frozenset(found)


def mark_bios(blocks: list[Block], bios: frozenset[str]) -> None:
    """Blocks that print an author's biography are the author box, not the article."""
    if not bios:
        return
    for block in blocks:
        if len(block.text) >= BIO_OPENING and _opening(block.text) in bios:
            block.boiler = block.boiler or _BIO


def _thread_metadata(meta: dict[str, str], ld: list[dict]) -> bool:
    """A forum engine's generator tag, or a schema.org discussion / Q&A type in JSON-LD."""
    if _FORUM_ENGINES.search(meta.get("generator", "")):
        return True
    for item in ld:
        kind = item.get("@type")
        kinds = kind if isinstance(kind, list) else [kind]
        if any(k in _THREAD_TYPES for k in kinds if isinstance(k, str)):
            return True
    return False


def _class_words(tag: Tag) -> str:
    """The element's class, id and data-role (Invision names parts of a post by it), one
    string (empty for most elements)."""
    attrs = tag.attrs
    if "class" not in attrs and "id" not in attrs and "data-role" not in attrs:
        return ""
    return " ".join(
        " ".join(v) if isinstance(v, list) else str(v)
        for v in (attrs.get("class"), attrs.get("id"), attrs.get("data-role"))
        if v
    )


def _is_main(tag: Tag, words: str) -> bool:
    """Whether the page marks this element as the article body."""
    # schema.org: an article's body, and the text of each post of a discussion or Q&A page.
    if tag.attrs.get("itemprop") in _MAIN_ITEMPROPS:
        return True
    return bool(words) and _names_body(words)


# Pages repeat a few class strings on thousands of elements: each is matched once.
@functools.lru_cache(maxsize=4096)
def _names_body(words: str) -> bool:
    return _MAIN.search(words) is not None


@functools.lru_cache(maxsize=4096)
def _class_label(words: str) -> str | None:
    m = _CLASS_REASONS.search(words)
    return _CLASS_LABELS[m.lastgroup] if m and m.lastgroup else None


def _is_folded_text(attrs: dict) -> bool:
    """A hidden element whose text the reader unfolds or the page shows once loaded: an
    accordion or tab panel (WAI-ARIA's region / tabpanel roles), or a React streaming
    segment (<div hidden id="S:0">, moved into place by a script)."""
    return attrs.get("role") in _PANEL_ROLES or bool(_STREAMED.match(str(attrs.get("id", ""))))


def _author_box(attrs: dict) -> bool:
    """schema.org microdata's author item: the author's own box (name, photo, biography)."""
    return attrs.get("itemprop") == "author" and "itemscope" in attrs


def _chrome_reason(tag: Tag, words: str) -> str | None:
    """Why this element is chrome (its tag, role, visibility or class name), or None."""
    if tag.name in _TAG_REASONS:
        if tag.name == "figure" and tag.find(_FIGURE_CONTENT) is not None:
            return None  # a table or quotation set in a <figure> (WordPress blocks) is text
        return _TAG_REASONS[tag.name]
    attrs = tag.attrs
    if not attrs:
        return None
    style = attrs.get("style")
    hidden = (
        attrs.get("hidden") is not None
        or attrs.get("aria-hidden") == "true"
        or isinstance(style, str)
        and "display:none" in style.replace(" ", "")
    )
    if hidden and not _is_folded_text(attrs):
        return "hidden"
    if _author_box(attrs):
        return _BIO
    role = attrs.get("role")
    if role in ("navigation", "banner", "contentinfo", "complementary"):
        return "navigation" if role in ("navigation", "banner") else "footer"
    return _class_label(words) if words else None


# A walk frame: the children still to visit, the element, and what entering it changed
# (block boundary, heading, article body, inside a link).
_Frame = tuple[Iterator[PageElement], Tag | None, bool, bool, bool, bool]


class _Walker:
    """Depth-first walk that cuts the text into blocks at block-level tags."""

    def __init__(self, root: Tag) -> None:
        self.blocks: list[Block] = []
        self.parts: list[str] = []
        self.link_chars = 0
        self.root = root
        self.total: int | None = None
        self.size_checks = 0
        self.meta_tags: list[Tag] = []  # collected on the way: no second pass for metadata
        self.reasons: list[str | None] = [None]
        self.heading = 0
        self.item = 0  # inside a list item or table row
        self.main = 0
        self.h1: str | None = None  # the first headline outside page chrome
        self.thread = False  # schema.org microdata names a discussion thread
        # The blocks [start, end) of each <article> outside chrome, in document order, and
        # those still open (innermost last); tested only on pages that mark no body.
        self.articles: list[list[int]] = []
        self.open_articles: list[list[int]] = []
        # The blocks [starts[i], ends[i]) of every block-level element, in the order they open,
        # and the indexes of those still open: flat lists of ints, so no object per element
        # is added for the garbage collector to trace with the whole tree alive.
        self.starts: list[int] = []
        self.ends: list[int] = []
        self.open_spans: list[int] = []
        self.named: list[int] = []  # the spans of elements chrome by class name alone
        self.forms: list[tuple[int, str | None]] = []  # each <form>'s span, the reason around

    def mark_wrapper(self) -> None:
        """On a page that marks no body, the <article> holding WRAPPER_SHARE of its text is
        its body (measured on the blocks, so no subtree is read again)."""
        if not self.articles or any(b.main for b in self.blocks):
            return
        total = sum(len(b.text) for b in self.blocks)
        for start, end in self.articles:
            if sum(len(b.text) for b in self.blocks[start:end]) > WRAPPER_SHARE * total:
                for block in self.blocks[start:end]:
                    block.main = True
                return

    def _most_of_page(self, tag: Tag) -> bool:
        # Each test reads the element's whole subtree. An element that fails stays chrome and
        # nothing inside it is tested again, so failed tests read disjoint subtrees: linear.
        # Only a pass lets its descendants be tested too, so passes have a budget (a page of
        # thousands of nested "footer" wrappers stays linear); real pages need a handful.
        if self.size_checks >= _SIZE_CHECKS:
            return False
        if self.total is None:
            self.total = len(self.root.get_text())
        most = len(tag.get_text()) > 0.4 * self.total
        self.size_checks += most
        return most

    def flush(self) -> None:
        text = "".join(self.parts).strip()
        if text:
            size = len(text)
            self.blocks.append(
                Block(
                    text,
                    min(1.0, self.link_chars / size),
                    self.reasons[-1],
                    self.heading > 0,
                    self.main > 0,
                    self.item > 0,
                )
            )
        self.parts, self.link_chars = [], 0

    def walk(self, root: Tag) -> None:
        """Depth-first with an explicit stack: pages nest deeper than Python can recurse."""
        # A frame: the children still to visit, and what entering its element changed.
        stack: list[_Frame] = [(iter(root.children), None, False, False, False, False)]
        while stack:
            children, tag, block, heading, main, in_link = stack[-1]
            child = next(children, None)
            if child is None:
                stack.pop()
                if tag is not None:
                    self._leave(tag, block, heading, main)
                continue
            if isinstance(child, NavigableString):
                if type(child) is NavigableString:  # not a comment, doctype or CDATA
                    text = str(child)
                    self.parts.append(text)
                    if in_link:
                        self.link_chars += len(text.strip())
                continue
            if isinstance(child, Tag):
                frame = self._enter(child, in_link)
                if frame is not None:
                    stack.append(frame)

    def _enter(self, child: Tag, in_link: bool) -> _Frame | None:
        """Start an element: its block boundary and hints; None for elements never read."""
        if child.name in _META_TAGS:
            self.meta_tags.append(child)
        if child.name in _DROP_TAGS:
            return None
        is_block = child.name in _BLOCK_TAGS
        if is_block:
            self.flush()
            self.open_spans.append(len(self.starts))
            self.starts.append(len(self.blocks))
            self.ends.append(-1)
            itemtype = child.attrs.get("itemtype") if child.attrs else None
            if isinstance(itemtype, str) and _THREAD_ITEMTYPE.search(itemtype):
                self.thread = True
        words = _class_words(child) if is_block else ""
        reason = _chrome_reason(child, words) if is_block else None
        # A container holding most of the page's text is the page, not a sidebar; but a
        # consent manager's dialog (its vendor and purpose lists) can outweigh a short thread.
        # Nor is an author box (read the page's whole text only for a container that may be).
        if (
            reason
            and reason != _NEVER_THE_PAGE
            and self.reasons[-1] is None
            and not _author_box(child.attrs)
            and self._most_of_page(child)
        ):
            reason = None
        if reason in _NAMED_ONLY and self.reasons[-1] is None and _class_label(words) == reason:
            self.named.append(self.open_spans[-1])  # chrome by its class name alone
        elif child.name == "form" and reason and self.reasons[-1] in _THREAD_CONTENT:
            self.forms.append((self.open_spans[-1], self.reasons[-1]))
        self.reasons.append(reason or self.reasons[-1])
        is_heading = child.name in _HEADINGS
        self.item += child.name in _ITEMS
        is_main = is_block and _is_main(child, words)
        if child.name == "article" and self.reasons[-1] is None:
            self.open_articles.append([len(self.blocks), -1])
            self.articles.append(self.open_articles[-1])
        self.heading += is_heading
        self.main += is_main
        link = in_link or child.name == "a"
        return (iter(child.children), child, is_block, is_heading, is_main, link)

    def _leave(self, tag: Tag, block: bool, heading: bool, main: bool) -> None:
        """End an element: its own text is flushed while its hints still apply."""
        if tag.name == "h1" and self.h1 is None and self.reasons[-1] is None:
            self.h1 = " ".join("".join(self.parts).split()) or None
        if block:
            self.flush()
            self.ends[self.open_spans.pop()] = len(self.blocks)
        elif tag.name in ("td", "th"):
            self.parts.append(" ")
        self.heading -= heading
        self.item -= tag.name in _ITEMS
        self.main -= main
        if tag.name == "article" and self.reasons[-1] is None:  # as when _enter opened it
            self.open_articles.pop()[1] = len(self.blocks)
        self.reasons.pop()


def _visible_chars(text: str, start: int, end: int) -> int:
    return len(" ".join(_ANY_TAG.sub(" ", text[start:end]).split()))


def _cut_elements(text: str, removed: list[Removed], h1s: list[str], byline: list[str]) -> str:
    """The markup without scripts, styles, comments and page chrome (reported in `removed`).

    Articles often print their headline in a <header>: its <h1> is kept in `h1s`, and the
    lines of the first such header (its byline and date) in `byline`.
    """
    lower = text.lower()
    out: list[str] = []
    pos = 0
    unclosed: set[str] = set()  # once a closing tag is missing, later ones are missing too
    paragraphs: list[int] = []  # the page's paragraph characters, counted when first needed
    while match := _OPENERS.search(text, pos):
        name = (match.group(1) or "!--").lower()
        opening_end = text.find(">", match.end())
        if name in unclosed or opening_end < 0:
            out.append(text[pos : match.end()])
            pos = match.end()
            continue
        if name == "script" and "ld+json" in lower[match.end() : opening_end]:
            out.append(text[pos : opening_end + 1])
            pos = opening_end + 1
            continue
        close = "-->" if name == "!--" else f"</{name}"
        end = lower.find(close, match.end())
        end = end if end < 0 or name == "!--" else lower.find(">", end)
        if end < 0:
            unclosed.add(name)
            out.append(text[pos : match.end()])
            pos = match.end()
            continue
        end += 3 if name == "!--" else 1
        if name == "noscript" and _visible_chars(text, opening_end + 1, end) >= NOSCRIPT_PAGE:
            # A page served to crawlers inside <noscript> (Discourse forums): the page itself.
            out.append(text[pos : match.start()])
            pos = opening_end + 1
            continue
        if name == "header" and (h1 := _H1.search(text, match.end(), end)):
            h1s.append(" ".join(html.unescape(_ANY_TAG.sub(" ", h1.group(1))).split()))
            if not byline:
                byline.extend(_markup_lines(text[match.start() : end]))
        if name in _CHROME_TAGS:
            visible = " ".join(html.unescape(_ANY_TAG.sub(" ", text[match.start() : end])).split())
            if (
                name == "header"
                and len(visible) >= NOSCRIPT_PAGE  # else a masthead: logo, menu, search
                and _holds_paragraphs(text, match.start(), end, paragraphs)
            ):
                out.append(text[pos : opening_end + 1])  # parsed: the walker sees its sections
                pos = opening_end + 1
                continue
            if visible:
                removed.append(Removed(visible, _TAG_REASONS[name]))
        out.append(text[pos : match.start()])
        out.append(" ")
        pos = end
    out.append(text[pos:])
    return "".join(out)


def _paragraph_chars(text: str, start: int = 0, end: int | None = None) -> int:
    found = _PARAGRAPH.finditer(text, start, len(text) if end is None else end)
    inner = " ".join(m.group(1) for m in found)
    return _visible_chars(inner, 0, len(inner))


def _holds_paragraphs(text: str, start: int, end: int, page: list[int]) -> bool:
    """Whether the element text[start:end] holds HEADER_PAGE of the page's paragraph text."""
    if not page:
        page.append(_paragraph_chars(text))
    return _paragraph_chars(text, start, end) >= HEADER_PAGE * page[0] > 0


# Tags that end a line of a header's markup (its headline, byline, date, category).
_LINE_TAGS = re.compile(r"</?(?:p|div|span|li|h[1-6]|br|time|ul|address)\b[^>]*>", re.I)


def _markup_lines(markup: str) -> list[str]:
    """The non-empty text lines of a piece of markup, cut at block and inline-line tags."""
    parts = (html.unescape(_ANY_TAG.sub(" ", part)) for part in _LINE_TAGS.split(markup))
    return [line for line in (" ".join(p.split()) for p in parts) if line]


def _split_head(text: str) -> tuple[str | None, str]:
    """The <head> element and the rest of the page (the head is parsed on its own)."""
    lower = text.lower()
    start = lower.find("<head")
    if start < 0 or lower[start + 5 : start + 6] not in (">", " ", "\n", "\t", "\r"):
        return None, text
    end = lower.find("</head", start)
    if end < 0:
        return None, text
    end = lower.find(">", end)
    end = len(text) if end < 0 else end + 1
    return text[start:end], text[:start] + " " + text[end:]


def _text_after_body(text: str) -> bool:
    """Whether more text follows the first </body> than precedes it: a template that closes
    an empty <body> early and prints the page after it (the parser puts that text outside)."""
    found = _BODY_CLOSE.search(text)
    if found is None:
        return False
    end = found.start()
    after = _visible_chars(text, end, len(text))
    return after >= NOSCRIPT_PAGE and after > _visible_chars(text, 0, end)


def parse_html(text: str) -> Page:
    """Parse a page with BeautifulSoup (lxml) into blocks and metadata."""
    stripped: list[Removed] = []
    h1s: list[str] = []
    byline: list[str] = []
    head, text = _split_head(_cut_elements(text, stripped, h1s, byline))
    if len(text) > MAX_MARKUP:
        stripped.append(
            Removed(f"[last {len(text) - MAX_MARKUP} characters]", "page too large: cut")
        )
        text = text[:MAX_MARKUP]
    # The head is parsed on its own, for metadata only: the body tree stays smaller.
    soups = [BeautifulSoup(head, "lxml")] if head else []
    soup = BeautifulSoup(text.encode(), "lxml", from_encoding="utf-8")
    root = soup if _text_after_body(text) else soup.body or soup
    walker = _Walker(root)
    walker.walk(root)
    walker.flush()
    tags = [t for s in soups for t in s.find_all(list(_META_TAGS))]
    if root is not soup and soup.head:
        tags += soup.head.find_all(list(_META_TAGS))  # a head the regex did not find
    h1 = walker.h1 or next((h for h in h1s if h), None)
    meta = _metadata(tags + walker.meta_tags, h1)
    mark_bios(walker.blocks, meta.bios)
    spans = list(zip(walker.starts, walker.ends, strict=True))
    prose_forms(walker.blocks, [(spans[i], outer) for i, outer in walker.forms])
    if meta.thread or walker.thread:
        _posts_as_content(walker.blocks)
    prose_named_chrome(walker.blocks, [spans[i] for i in walker.named])
    walker.mark_wrapper()
    mark_container(walker.blocks, spans)
    if sum(len(b.text) for b in walker.blocks if not b.boiler) < EMPTY_BODY:
        _empty_body_text(walker.blocks, meta.description)
    elif sum(map(_prose, walker.blocks)) < EMPTY_BODY and _discussion(walker.blocks):
        _posts_as_content(walker.blocks)  # its own text is menus and counts: a thread
    return Page(walker.blocks, meta.title, meta.dates, stripped, byline)


def _empty_body_text(blocks: list[Block], description: str) -> None:
    """The text of a page whose body states nothing outside its chrome: its comments when it
    has them (a link shared on Lobsters or Hacker News: the discussion is the page), else
    its metadata description, the opening of a text a script renders (Discourse threads)."""
    if sum(len(b.text) for b in blocks if b.boiler in _THREAD_CONTENT) >= EMPTY_BODY:
        _posts_as_content(blocks)
    elif len(description) >= EMPTY_BODY:
        blocks.append(Block(html.unescape(description).rstrip("….").rstrip(), main=True))


def _posts_as_content(blocks: list[Block]) -> None:
    """On a thread page the comment containers are the posts: not chrome."""
    for block in blocks:
        if block.boiler in _THREAD_CONTENT:
            block.boiler = None


def _prose(block: Block, *, chrome: bool = False) -> int:
    """A block's weight as article prose: its length when it is a sentence-ending paragraph
    of few links outside chrome (or in it, with `chrome`; readability's candidate
    paragraphs), else nothing."""
    text = block.text
    if block.boiler and not chrome or block.link > PROSE_LINKS or len(text) < PROSE_CHARS:
        return 0
    return len(text) if text.rstrip()[-1:] in _PROSE_END else 0


def _is_prose(blocks: list[Block]) -> bool:
    """Whether these blocks are NAMED_PROSE prose with at most NAMED_LINKS in links."""
    chars = sum(len(b.text) for b in blocks)
    links = sum(b.link * len(b.text) for b in blocks)
    prose = sum(_prose(b, chrome=True) for b in blocks)
    return chars > 0 and links <= NAMED_LINKS * chars and prose >= NAMED_PROSE * chars


def prose_forms(blocks: list[Block], forms: list[tuple[tuple[int, int], str | None]]) -> None:
    """A <form> inside a comment container whose text is prose is a post wrapped for
    in-place editing (old Reddit's usertext), not a reply form: it is part of the comment."""
    for (start, end), outer in forms:
        inside = blocks[start:end]
        if _is_prose(inside):
            for block in inside:
                if block.boiler == _TAG_REASONS["form"]:
                    block.boiler = outer


def _discussion(blocks: list[Block]) -> bool:
    """Whether the comment containers hold EMPTY_BODY of prose."""
    return sum(_prose(b, chrome=True) for b in blocks if b.boiler in _THREAD_CONTENT) >= EMPTY_BODY


def prose_named_chrome(blocks: list[Block], named: list[tuple[int, int]]) -> None:
    """An element chrome by its class name alone ("content-nav-section") whose text is prose
    with few links is text: menus are links (Boilerpipe's link-density test on the element)."""
    for start, end in named:
        inside = blocks[start:end]
        if _is_prose(inside):
            reason = inside[0].boiler
            for block in inside:
                if block.boiler == reason:
                    block.boiler = None


def mark_container(blocks: list[Block], spans: list[tuple[int, int]]) -> None:
    """On a page that marks no body (or one with under MARKED_SHARE of its prose), the
    smallest element holding CONTAINER_SHARE of the page's prose is the article's container:
    its blocks are article text (readability and Boilerpipe pick the node that holds the
    paragraphs; its short lines and lists go with it)."""
    prose = [_prose(block) for block in blocks]
    prefix = [0, *accumulate(prose)]
    total = prefix[-1]
    marked = sum(p for p, block in zip(prose, blocks, strict=True) if block.main)
    if total < CONTAINER_MIN or marked >= MARKED_SHARE * total:
        return
    best: tuple[int, int] | None = None
    for start, end in spans:
        if prefix[end] - prefix[start] >= CONTAINER_SHARE * total and (
            best is None or end - start < best[1] - best[0]
        ):
            best = (start, end)
    if best is None or best[1] - best[0] >= len(blocks):
        return
    start, end = best
    # From its first paragraph to its last: what trails them (share widgets, source lists,
    # "related" boxes) is left to the text rules.
    while prefix[start + 1] == prefix[start]:
        start += 1
    while prefix[end - 1] == prefix[end]:
        end -= 1
    for block in blocks[start:end]:
        block.main = True
