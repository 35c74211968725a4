"""Small talk and follow-up questions, read with the words of ``knowledge/conversation.yaml``.

Pure functions over folded text (lowercase, no accents, no punctuation): what kind of small talk a
message is *only* made of, and what a question after an answer asks about (booking, phone,
address, hours, remote meetings, cost, what to prepare).
"""

from __future__ import annotations

import re
from functools import lru_cache
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from bot.kb.model import Guides

__all__ = ["follow_up_kind", "small_talk_kind"]

# Words that may surround small talk without changing it ("merci beaucoup à vous", "ok super").
_FILLER = frozenset(
    [
        "a",
        "vous",
        "toi",
        "encore",
        "beaucoup",
        "bien",
        "vraiment",
        "et",
        "le",
        "la",
        "bot",
        "alors",
        "madame",
        "monsieur",
        "ah",
        "oh",
        "eh",
        "bah",
        "ben",
        "bon",
        "infiniment",
        "mille",
        "fois",
        "je",
        "comprends",
        "c",
        "est",
        "ca",
    ]
)


# Read in this order: rudeness before "nul" alone, thanks and goodbyes before yes/no.
_PRIORITY = ("impolitesse", "au_revoir", "merci", "abandon", "non", "oui", "bonjour")


@lru_cache(maxsize=8)
def _pattern(phrases: tuple[str, ...]) -> re.Pattern[str]:
    ordered = sorted(set(phrases), key=len, reverse=True)  # longest first: "merci beaucoup" before "merci"
    return re.compile(r"\b(?:" + "|".join(re.escape(p) for p in ordered) + r")\b") if ordered else re.compile(r"(?!)")


def small_talk_kind(guides: Guides, folded: str) -> str | None:
    """The kind of small talk ``folded`` is made of, or None when it says anything else.

    When a message holds several kinds ("ok merci"), thanks and goodbyes win over yes/no.
    """
    if not folded.strip():
        return None
    found: list[str] = []
    rest = folded
    ordered = sorted(
        guides.small_talk.items(), key=lambda item: _PRIORITY.index(item[0]) if item[0] in _PRIORITY else len(_PRIORITY)
    )
    for kind, talk in ordered:
        pattern = _pattern(talk.phrases)
        if pattern.search(rest):
            found.append(kind)
            rest = pattern.sub(" ", rest)
    if not found or any(word not in _FILLER for word in rest.split()):
        return None
    return found[0]


def follow_up_kind(guides: Guides, folded: str) -> str | None:
    """What a question after an answer asks about (the first kind of the file that matches)."""
    for kind, phrases in guides.follow_ups:
        if _pattern(phrases).search(folded):
            return kind
    return None
