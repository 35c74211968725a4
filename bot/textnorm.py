"""Text folding shared by the knowledge checks and the understanding layer.

(Texting forms and the cutting of a message into clauses are language knowledge: they live in
knowledge/langue and are applied by bot.nlu.lexicon and bot.nlu.situation.)

``fold`` turns any text into lowercase ASCII words separated by single spaces: accents dropped,
apostrophes, hyphens and punctuation turned into spaces, "st"/"ste" expanded to
"saint"/"sainte". Two spellings of the same name fold to the same string.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

__all__ = ["fold", "strip_article", "tokens"]

_NON_WORD = re.compile(r"[^a-z0-9]+")
_SAINTS = {"st": "saint", "ste": "sainte", "sts": "saints", "stes": "saintes"}
_ARTICLES = ("l ", "le ", "la ", "les ")
_LIGATURES = str.maketrans({"œ": "oe", "æ": "ae", "ß": "ss", "Œ": "oe", "Æ": "ae"})


@lru_cache(maxsize=65536)
def fold(text: str) -> str:
    """Lowercase, accent-free, punctuation-free form of ``text``."""
    text = text.translate(_LIGATURES).lower()
    text = unicodedata.normalize("NFKD", text)
    text = "".join(ch for ch in text if not unicodedata.combining(ch))
    words = _NON_WORD.sub(" ", text).split()
    return " ".join(_SAINTS.get(word, word) for word in words)


def tokens(text: str) -> list[str]:
    """The folded words of ``text``."""
    return fold(text).split()


def strip_article(folded: str) -> str:
    """``"le havre"`` -> ``"havre"``; leaves names without a leading article alone."""
    for article in _ARTICLES:
        if folded.startswith(article) and len(folded) > len(article):
            return folded[len(article) :]
    return folded
