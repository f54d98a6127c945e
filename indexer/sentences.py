"""Sentence boundaries that know abbreviations, initials and ellipses, with no data files.

The decisions are Punkt's (Kiss & Strunk 2006, "Unsupervised multilingual sentence boundary
detection", the method behind NLTK's PunktSentenceTokenizer), with its learned parameters
replaced by data: abbreviations from AP style (months, titles, states, company words) plus any
token with inner full stops ("U.S.", "a.m."); frequent sentence starters as a list of English
function words; and its orthographic context read from the document itself. NLTK's own
tokenizer costs 166 µs a Reuters story against 27 µs here (bench/sentence_eval.py), and
snippets split hit texts at query time: candidates are found by one regex in C, and only a
full stop after an abbreviation, an initial or an ellipsis needs a second look. Measurements
and the choices behind the lists: docs/decisions.md, "Sentence boundaries".
"""

from __future__ import annotations

import re

# Candidate ends: . ! ? or … (closing quotes and brackets stay with the sentence) before
# whitespace, or a line break (the cleaner keeps one paragraph per line). The pattern starts
# with its punctuation or newline character, so the engine skips ahead to those in C.
_CANDIDATE = re.compile(r"[.!?…\n](?:(?<=[.!?…])([\"'”’)\]»]*)\s+|(?<=\n)\n*)")
_OPENERS = "\"'“‘([«<"
_WORD = re.compile(r"\S*")
_LETTER_OR_DIGIT = re.compile(r"[^\W_]")
_LETTERS = re.compile(r"[^\W\d_]*")
_CLOSERS = ".,;:!?\"'”’)]»"
_INNER_STOPS = re.compile(r"(?:[^\W\d_]\.)+[^\W\d_]")  # u.s, a.m, e.g, n.y

# Abbreviations usually followed by more of the same sentence (AP style: months, titles,
# states; plus common company and reference words), lowercase, without the full stop.
_ABBREVIATIONS = """
    jan feb mar apr jun jul aug sep sept oct nov dec
    mr mrs ms messrs dr prof sen sens rep reps gov lt col gen maj capt cmdr adm sgt cpl pvt
    rev fr sr jr st hon pres supt insp det atty
    ala ariz ark calif colo conn del fla ga ill ind kan ky la md mass mich minn miss mo mont
    neb nev okla ore pa tenn tex vt va wash wis wyo
    inc corp co ltd bros cos dept univ assn
    vs etc approx est no nos vol fig pp ch sec ca cf al ave blvd rd mt ft lb lbs oz cal
"""
ABBREVIATIONS = frozenset(_ABBREVIATIONS.split())

# Punkt's "frequent sentence starters": after an abbreviation, one of these capitalised
# ends the sentence ("... ally, the U.S. Since taking office"). Closed-class words that open
# news sentences; not "and", "or", "to", "of", "is", which Reuters capitalises after "U.S."
# mid-sentence ("weather in the U.S. And Europe").
_SENTENCE_STARTERS = """
    a an the this that these those he she it they we i you his her its their our my your
    there here but so yet if when while since after before although though because
    in on at for by with under during despite however meanwhile also then
    what who how why where some many most all both each several such another
"""
SENTENCE_STARTERS = frozenset(_SENTENCE_STARTERS.split())


def sentence_spans(text: str, start: int = 0, end: int | None = None) -> list[tuple[int, int]]:
    """(start, end) of each sentence in text[start:end] (default: all of it), whitespace
    trimmed at both ends; the rest of `text` is read only as context."""
    end = len(text) if end is None else end
    result = []
    for m in _CANDIDATE.finditer(text, start, end):
        stop = m.start()
        if text[stop] == "\n":
            _add(text, start, stop, result)
        elif _ends_sentence(text, stop, m.end()):
            _add(text, start, m.end(1), result)  # closing quotes stay with the sentence
        else:
            continue
        start = m.end()
    _add(text, start, end, result)
    return result


def _add(text: str, start: int, end: int, result: list[tuple[int, int]]) -> None:
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    if end > start:
        result.append((start, end))


def _ends_sentence(text: str, stop: int, after: int) -> bool:
    """Whether the . ! ? or … at `stop` (its whitespace running to `after`) ends a sentence."""
    if "\n" in text[stop:after] or after >= len(text):
        return True
    following = _next_word(text, after)
    head = following[:1]
    if not head.isupper() and (head.islower() or not _LETTER_OR_DIGIT.search(following)):
        # No sentence starts in lowercase ('"No finance?" she said', "Sen. Cranston (D-Cal.
        # and", "non-U.S. source") or with bare punctuation ("Korea. .", '." – Milton Glaser').
        return False
    if text[stop] in "!?":
        return True
    space = text.rfind(" ", 0, stop)
    word_start = max(space, text.rfind("\n", space + 1, stop)) + 1
    # The last part of a compound: "Japan-U.S." is "U.S.", "(D-Cal." is "Cal.".
    token = text[word_start:stop].lstrip(_OPENERS).rsplit("-", 1)[-1]
    if text[stop] == "…" or token.endswith(".."):
        return _starts_sentence(following)  # an ellipsis: Punkt treats it as an abbreviation
    if len(token) == 1 and token.isalpha() and token.isupper():
        return _capital_only_at_starts(text, following)  # an initial: "J. Smith"
    if _is_abbreviation(token):
        return _starts_sentence(following)
    return True


def _next_word(text: str, i: int) -> str:
    return _WORD.match(text, i).group().lstrip(_OPENERS)


def _is_abbreviation(token: str) -> bool:
    low = token.lower()
    return low in ABBREVIATIONS or ("." in low and _INNER_STOPS.fullmatch(low) is not None)


def _starts_sentence(word: str) -> bool:
    """Punkt's test after an abbreviation: the next word is a capitalised frequent starter
    ("They're" counts as "they").

    (Its orthographic test never fires here when the document is the training text: the
    word after an abbreviation counts as capitalised inside a sentence.)"""
    return word[:1].isupper() and _LETTERS.match(word).group().lower() in SENTENCE_STARTERS


def _capital_only_at_starts(text: str, word: str) -> bool:
    """Punkt's orthographic heuristic, with the document as its training text: a capitalised
    word also written in lowercase, and never capitalised inside a sentence, starts one."""
    bare = word.rstrip(_CLOSERS)
    if not bare[:1].isupper() or not bare.isalpha():
        return False
    low = re.escape(bare.lower())
    if re.search(rf"(?<![\w.]){low}(?!\w)", text) is None:
        return False
    cap = re.escape(bare[0]) + low[1:]
    return re.search(rf"[a-z,;:] {cap}(?!\w)", text) is None
