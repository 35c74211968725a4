"""Text folding shared by the knowledge checks and the understanding layer.

``fold`` turns any text into lowercase ASCII words separated by single spaces: accents dropped,
apostrophes, hyphens and punctuation turned into spaces, "st"/"ste" expanded to
"saint"/"sainte". Two spellings of the same name fold to the same string.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

__all__ = ["clauses", "fold", "normalize", "strip_article", "tokens"]

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


# Texting and spoken spellings, folded, and what they stand for.
_SMS = {
    "jsuis": "je suis", "jsui": "je suis", "jss": "je suis", "chui": "je suis", "chuis": "je suis", "chu": "je suis",
    "shui": "je suis", "jsus": "je suis", "suiis": "suis", "jai": "j ai", "jveux": "je veux", "jvx": "je veux",
    "jvoudrais": "je voudrais", "jsais": "je sais", "chais": "je sais", "jpeux": "je peux", "jpx": "je peux",
    "jbosse": "je bosse", "jtravaille": "je travaille", "jcherche": "je cherche", "jcrois": "je crois",
    "jpense": "je pense", "jhabite": "j habite", "jvis": "je vis", "jaimerais": "j aimerais", "jme": "je me",
    "koi": "quoi", "kwa": "quoi", "qoi": "quoi", "kel": "quel", "kelle": "quelle", "keske": "qu est ce que",
    "kesako": "qu est ce que", "pk": "pourquoi", "pq": "pourquoi", "pkoi": "pourquoi", "tt": "tout", "tte": "toute",
    "bcp": "beaucoup", "bcq": "beaucoup", "qd": "quand", "cb": "combien", "cmb": "combien", "cbien": "combien",
    "ds": "dans", "ac": "avec", "avc": "avec", "pr": "pour", "ts": "tous", "tjs": "toujours", "tjrs": "toujours",
    "mtn": "maintenant", "mnt": "maintenant", "dc": "donc", "ya": "il y a", "yen": "il y en", "ptit": "petit",
    "ptite": "petite", "pb": "probleme", "pbm": "probleme", "infos": "info", "rdvs": "rdv", "msg": "message",
    "dsl": "desole", "stp": "svp", "slt": "salut", "bjr": "bonjour", "bsr": "bonsoir", "cad": "c est a dire",
    "vrmt": "vraiment", "vraimen": "vraiment", "qqn": "quelqu un", "qqun": "quelqu un", "qlq": "quelque",
    "qqch": "quelque chose", "qqc": "quelque chose", "auj": "aujourd hui", "ajd": "aujourd hui",
    "mm": "meme", "oqp": "occupe", "taff": "taf", "chomdu": "chomage", "chomage": "chomage",
}


@lru_cache(maxsize=65536)
def normalize(text: str) -> str:
    """``fold`` plus texting spellings spelled out: "jsuis au chomdu" -> "je suis au chomage"."""
    return " ".join(_SMS.get(word, word) for word in fold(text).split())


_CLAUSE = re.compile(r"[,;:.!?()\[\]\n/]+|\s-\s|\s+(?:mais|et|donc|puis|car|sauf que|alors que|parce que|par contre|cependant|pourtant|maintenant|aujourd\W?hui|d[ée]sormais|actuellement)\s+", re.IGNORECASE)


def clauses(text: str) -> list[str]:
    """``text`` cut at punctuation and linking words, each piece normalized (empty pieces dropped)."""
    out = []
    for piece in _CLAUSE.split(text):
        folded = normalize(piece)
        if folded:
            out.append(folded)
    return out
