"""Pieces of the place index built from data: phrase sets, head words, named places.

All functions here are pure and work on folded text (``bot.textnorm.fold``): the word lists come
from ``knowledge/lieux/`` (:mod:`bot.kb.lieux`), never from Python tables.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import TypeVar

from bot.textnorm import fold, strip_article

T = TypeVar("T")

__all__ = ["HEAD_CONNECTORS", "PhraseSet", "head_of", "pick_by_size"]

# Words that join the parts of a compound commune name: the head word is what comes before.
HEAD_CONNECTORS = frozenset(
    ["sur", "sous", "en", "la", "le", "les", "l", "de", "d", "du", "des", "lez", "aux", "au", "a", "et"]
)
# Heads shared by more communes than this are generic words ("saint", "villeneuve"), not names.
MAX_HEAD_GROUP = 60
# A head word or an ambiguous name goes to its largest place only when it is this many times
# larger than every other one; otherwise the person is asked among the places within that ratio.
DOMINANCE_RATIO = 10
# At most this many places are offered as choices.
MAX_CHOICES = 4
# The longest context phrase, in words.
MAX_PHRASE_WORDS = 6


@dataclass(frozen=True, slots=True)
class PhraseSet:
    """Folded phrases, looked up as word tuples ending (or starting) at a position."""

    phrases: frozenset[tuple[str, ...]]
    longest: int
    last_words: frozenset[str] = frozenset()  # the last word of every phrase: most positions end none

    @classmethod
    def of(cls, texts: Iterable[str]) -> PhraseSet:
        phrases = frozenset(tuple(fold(t).split()) for t in texts if fold(t))
        longest = min(MAX_PHRASE_WORDS, max((len(p) for p in phrases), default=0))
        return cls(phrases, longest, frozenset(p[-1] for p in phrases))

    def ends_at(self, words: Sequence[str], end: int) -> int:
        """The length of the longest phrase ending just before ``end`` (0 when none)."""
        if end <= 0 or words[end - 1] not in self.last_words:
            return 0
        for size in range(min(self.longest, end), 0, -1):
            if tuple(words[end - size : end]) in self.phrases:
                return size
        return 0

    def spans(self, words: Sequence[str]) -> list[tuple[int, int]]:
        """Every (start, end) where a phrase occurs."""
        out: list[tuple[int, int]] = []
        for end in range(1, len(words) + 1):
            size = self.ends_at(words, end)
            if size:
                out.append((end - size, end))
        return out

    def __contains__(self, words: object) -> bool:
        return isinstance(words, tuple) and words in self.phrases


def head_of(folded_name: str) -> str | None:
    """The head word(s) of a compound name ("fos sur mer" -> "fos", "bourgoin jallieu" -> "bourgoin")."""
    parts = strip_article(folded_name).split()
    if len(parts) < 2:
        return None
    head: list[str] = []
    for part in parts:
        if part in HEAD_CONNECTORS and head:
            break
        head.append(part)
    if len(head) == len(parts):
        head = parts[:1]  # "bourgoin jallieu": no connector, the first word
    key = " ".join(head)
    return key if key != " ".join(parts) else None


def head_groups(names: Iterable[tuple[str, T]]) -> dict[str, list[T]]:
    """Head word -> the places whose name it starts (only heads of reasonable groups)."""
    groups: dict[str, list[T]] = defaultdict(list)
    for name, item in names:
        head = head_of(name)
        if head is not None:
            groups[head].append(item)
    return {head: items for head, items in groups.items() if len(items) <= MAX_HEAD_GROUP}


def pick_by_size(populations: Sequence[int]) -> tuple[int, ...]:
    """Indexes of the places to keep: one when it dominates, else those within the ratio (largest first)."""
    order = sorted(range(len(populations)), key=lambda k: -populations[k])
    if not order:
        return ()
    top = populations[order[0]]
    others = [populations[k] for k in order[1:]]
    if all(top >= DOMINANCE_RATIO * max(p, 1) for p in others):
        return (order[0],)
    kept = [k for k in order if populations[k] * DOMINANCE_RATIO >= top]
    return tuple(kept[:MAX_CHOICES])
