"""Which language a line is in, from function words and script, cheaply."""

from __future__ import annotations

import re

from indexer.stopwords import english, foreign

WORD = re.compile(r"\w+")
# Letters only Vietnamese uses among Latin scripts (tone marks on vowels, ơ, ư, đ).
_VIETNAMESE = re.compile(r"[ạảấầẩẫậắằẳẵặẹẻẽếềểễệỉịọỏốồổỗộớờởỡợụủứừửữựỳỵỷỹđơư]")
_SCRIPTS = (
    ("zh", re.compile(r"[\u3040-\u30ff\u3400-\u9fff\uac00-\ud7af]")),
    ("ru", re.compile(r"[\u0400-\u04ff]")),
    ("ar", re.compile(r"[\u0600-\u06ff]")),
)


def stopword_ratio(words: list[str], use_nltk: bool = True) -> float:
    """Share of the (lower-cased) words that are English function words."""
    if not words:
        return 0.0
    return len(list(filter(english(use_nltk).__contains__, words))) / len(words)


def language(text: str, words: list[str] | None = None) -> str | None:
    """The language code of `text` ("en", "es", "vi", "zh"...) or None when it cannot tell."""
    if words is None:
        words = WORD.findall(text.lower())
    if not words:
        return None
    if not text.isascii():
        if len(_VIETNAMESE.findall(text)) * 4 >= len(words):
            return "vi"
        for code, script in _SCRIPTS:
            if len(script.findall(text)) * 2 >= len(text.replace(" ", "")):
                return code
    scores = {"en": len(list(filter(english().__contains__, words)))}
    for code, vocab in foreign().items():
        scores[code] = len(list(filter(vocab.__contains__, words)))
    best = max(scores, key=scores.__getitem__)
    # Two function words are the least evidence worth a verdict; ties stay unknown.
    if scores[best] < 2 or sorted(scores.values())[-2] == scores[best]:
        return None
    return best
