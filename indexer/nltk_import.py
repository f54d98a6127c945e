"""NLTK's tokenizer, stemmer and regex helper, imported without scipy.

Importing any part of NLTK runs its package `__init__`, which imports nearly all of NLTK, and
with it scipy.stats (for collocation and alignment statistics nothing here uses): in every
process that imports the indexer, scipy was ~63 MiB of its 141 MiB after the web app's
imports, and ~0.8 s of its start-up CPU (measured in docs/decisions.md, "Performance, round
9"). NLTK imports scipy only inside `try ... except ImportError` with its own fallbacks, so
scipy is refused only while NLTK is imported; a later import of scipy is not affected.
"""

from __future__ import annotations

import sys
from contextlib import contextmanager


class _RefuseScipy:
    """A meta path finder that makes `import scipy...` fail, as if scipy were not installed."""

    def find_spec(self, name: str, path=None, target=None):
        if name == "scipy" or name.startswith("scipy."):
            raise ModuleNotFoundError(f"no {name} while NLTK is imported", name=name)
        return None


@contextmanager
def _without_scipy():
    finder = _RefuseScipy()
    sys.meta_path.insert(0, finder)
    try:
        yield
    finally:
        sys.meta_path.remove(finder)


with _without_scipy():
    from nltk import redos
    from nltk.stem.snowball import SnowballStemmer
    from nltk.tokenize import RegexpTokenizer

__all__ = ["RegexpTokenizer", "SnowballStemmer", "redos"]
