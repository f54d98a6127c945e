"""What page chrome printed as text looks like: labels, notices, cookie and consent text."""

from __future__ import annotations

import re

# Labels that pages print around articles, matched against a whole short line.
_LABELS = re.compile(
    r"(?P<ad>advertisements?|advertising|ads?|sponsored( content)?|paid content|promoted|"
    r"story continues below( advertisement)?|continue reading( below)?)"
    r"|(?P<rt>reading time\b.*|\d+ min(ute)?s? read)"
    r"|(?P<trust>why you can trust\b.*)"
    # The author box under an article ("About the Author") and the bylines above or in it
    # ("Written by Jane Doe", "Medically reviewed by ...").
    r"|(?P<author>about the (authors?|writer|contributors?)|meet the (authors?|writer)|author bio)"
    r"|(?P<by>(written|reviewed|edited|fact[- ]checked|medically reviewed) by\b.*)"
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
    r"more on this( story)?|top stories|latest news|latest|editor'?s picks|"
    # Archive lists under the article: "Explore More Resources", "See all guides", "From the
    # Archive", "The Latest From the Blog", "You'll Also Love..." (not a gallery's "View all (4)").
    r"explore more\b.*|(view|see|explore) all( \d+)?( [^\W\d]+){0,4}|read more\b.*|"
    r"from (the|our) archives?|"
    r"the latest( from .*)?|you'?ll (also )?(love|like|enjoy)\b.*|latest insights|keep reading|"
    r"what to read next|(more|other) articles\b.*|"
    r"if you (liked|enjoyed) this( post| article)?,? you (might|may|will) also like)"
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
LABEL_REASONS = {
    "ad": "ad label",
    "rt": "reading time",
    "trust": "trust badge",
    "author": "author box",
    "by": "byline",
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


def notice(text: str, words: list[str]) -> str | None:
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


def label_reason(text: str) -> str | None:
    """The reason a short line is page chrome (ad label, share prompt...), or None."""
    norm = text.casefold().replace("’", "'").strip(" \t:|-–—•·›»>.,!")
    if len(norm) > 80:
        return None
    m = _LABELS.fullmatch(norm)
    return LABEL_REASONS[m.lastgroup] if m and m.lastgroup else None


# An author box without a heading: the author's name on a line, the bio under it opening
# with that name and saying who the person is ("Jane Doe / Jane is a freelance writer ...").
_BIO_NAME = re.compile(r"(?:About |By )?([A-Z][\w.-]+)(?: [A-Z][\w'’.-]+){0,3}(?: \(.{1,30}\))?")
_BIO_VERB = re.compile(
    r"(?: [\w'’.-]+){0,3}(?:’s|'s)? (?:is|was|has|had|covers|covered|writes|wrote|started|"
    r"founded|comes|joined|leads|holds|serves|brings|began|spent|loves|received|earned|"
    r"graduated)\b"
)
# A bio names a person (a pronoun) or a writer's role; a product's blurb names neither.
_BIO_PERSON = re.compile(
    r"\b(?:he|she|his|her|him|founder|co-founder|ceo|editor|writer|journalist|author|"
    r"contributor|reporter|columnist|freelance|blogger|photographer|economist|researcher|"
    r"professor)\b",
    re.I,
)
_NAME_LEADS = ("About ", "By ")
BIO_MIN_WORDS = 10
BIO_MAX_WORDS = 100


def author_name(name: str, bio: str) -> bool:
    """Whether a short line is the name over an author's bio (a paragraph of BIO_MIN_WORDS to
    BIO_MAX_WORDS words under it)."""
    # A cheap test first: most paragraphs do not open with the short line's first letter.
    if bio[:1] != name[:1] and not name.startswith(_NAME_LEADS):
        return False
    m = _BIO_NAME.fullmatch(name)
    if not m:
        return False
    first = m.group(1)
    return (
        bio.startswith(first)
        and _BIO_VERB.match(bio, len(first)) is not None
        and _BIO_PERSON.search(bio) is not None
    )
