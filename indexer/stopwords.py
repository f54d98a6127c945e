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


@cache
def english(use_nltk: bool = True) -> frozenset[str]:
    """English stopwords: NLTK's list if its corpus is installed (never downloaded), else ours."""
    if use_nltk:
        try:
            from nltk.corpus import stopwords

            return frozenset(stopwords.words("english")) | {"also", "said", "says"}
        except (LookupError, OSError, ImportError):
            pass
    return ENGLISH_FALLBACK


@cache
def foreign() -> dict[str, frozenset[str]]:
    """Function words of the other languages the cleaner can recognise."""
    return {lang: frozenset(words.split()) - ENGLISH_FALLBACK for lang, words in FOREIGN.items()}
