"""Stopword lists: NLTK's English list when its data is installed, else a built-in one."""

from __future__ import annotations

from functools import cache

# The common English function words; used when NLTK's stopwords corpus is not installed.
_ENGLISH = """
a about above after again against all am an and any are as at be because been before being
below between both but by can could did do does doing down during each few for from
further had has have having he her here hers herself him himself his how i if in into is
it its itself just me more most my myself no nor not now of off on once only or other our
ours ourselves out over own same she should so some such than that the their theirs them
themselves then there these they this those through to too under until up very was we were
what when where which while who whom why will with would you your yours yourself
yourselves also said says may might must shall
"""
ENGLISH_FALLBACK = frozenset(_ENGLISH.split())

# NLTK's English list (nltk_data corpora/stopwords/english), used when that corpus is not
# installed: downloading it at run time is not allowed, and the list must not depend on it.
_NLTK_ENGLISH = """
    i me my myself we our ours ourselves you you're you've you'll you'd your yours yourself
    yourselves he him his himself she she's her hers herself it it's its itself they them their
    theirs themselves what which who whom this that that'll these those am is are was were be
    been being have has had having do does did doing a an the and but if or because as until
    while of at by for with about against between into through during before after above below
    to from up down in out on off over under again further then once here there when where why
    how all any both each few more most other some such no nor not only own same so than too
    very s t can will just don don't should should've now d ll m o re ve y ain aren aren't
    couldn couldn't didn didn't doesn doesn't hadn hadn't hasn hasn't haven haven't isn isn't ma
    mightn mightn't mustn mustn't needn needn't shan shan't shouldn shouldn't wasn wasn't weren
    weren't won won't wouldn wouldn't"""
NLTK_ENGLISH = frozenset(_NLTK_ENGLISH.split())

# Enough frequent function words per language to tell a line's language from its neighbours'.
# Words shared with English ("a", "in", "the"...) are left out so they do not vote twice.
FOREIGN = {
    "es": "el la los las del un una es por con para que se su al lo como más pero sus le ya o "
    "este sí porque esta entre cuando muy sin sobre también hasta hay donde quien desde todo "
    "nos durante uno les ni contra otros ese eso ante ellos esto mí antes algunos qué unos",
    "fr": "le la les des du une est et pour que qui dans ce il pas plus par sur se sont au avec "
    "son sa ses leur mais ou où nous vous ils elle été être cette aux ces très comme",
    "de": "der die das und ist nicht ein eine zu den von mit sich des auf für im dem auch es "
    "an als wie bei oder nach aus wird sind einer noch wurde hat sie wir ich",
    "it": "il di che è la per un una non sono della delle del con gli le si nel questo anche "
    "più ma da come alla dei ha",
    "pt": "de que não um uma os do da em para com por mais das dos como mas ao ele ela seu sua "
    "ou são foi está também pelo pela",
    "nl": "de het een van en is dat op te zijn met voor niet aan er maar ook als bij door om "
    "nog wordt dan",
    "id": "yang dan di ini itu dengan untuk tidak dari dalam akan pada juga ke karena tersebut "
    "bisa ada mereka oleh atau saat sudah telah kami kita adalah seperti namun lebih",
    "vi": "của và các là được có trong cho với người này những một không đã khi để đến từ "
    "theo về năm nhiều hai rằng sẽ cũng như tại đang bị vì nên thì mà nhưng hay hoặc nếu đó đây "
    "ra vào lên trên dưới sau trước giữa qua bởi việc ông bà họ chúng tôi ta mình nước cả mới",
}


def _installed_nltk_english() -> frozenset[str] | None:
    """NLTK's English list from its installed data, or None (it is never downloaded)."""
    try:
        from nltk.corpus import stopwords

        return frozenset(stopwords.words("english"))
    except (LookupError, OSError, ImportError):
        return None


@cache
def nltk_english(use_nltk: bool = True) -> frozenset[str]:
    """NLTK's English stopwords (the analyzers' list): installed data, else the identical copy."""
    return (_installed_nltk_english() if use_nltk else None) or NLTK_ENGLISH


@cache
def english(use_nltk: bool = True) -> frozenset[str]:
    """The cleaner's function words: NLTK's list plus reporting verbs, else our own list."""
    installed = _installed_nltk_english() if use_nltk else None
    return installed | {"also", "said", "says"} if installed else ENGLISH_FALLBACK


@cache
def foreign() -> dict[str, frozenset[str]]:
    """Function words of the other languages the cleaner can recognise."""
    return {lang: frozenset(words.split()) - ENGLISH_FALLBACK for lang, words in FOREIGN.items()}
