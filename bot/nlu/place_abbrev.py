"""Shortened names: « Clermont-Fd », « Aix-les-B », « Vitry s/ Seine », « St Naz », « Montpel' ».

Pure functions over folded words. A multi-word name matches when its first word is written in
full and each following word is written in full, cut short (« naz » for « nazaire ») or as its
consonant skeleton (« fd » for « ferrand », « pce » for « provence »); a single word matches the
start of a large town's name (« stras », « montpel »). The place index decides what to do with
the matches (they are read with less confidence than a name written in full).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

__all__ = ["SHORT_JOINS", "AbbreviationIndex", "abbreviates", "written_short"]

# A word cut short must keep at least this share of the name's word ("montpel" for "montpellier").
MIN_PREFIX_SHARE = 0.4
MIN_PREFIX_LETTERS = 4
MIN_SHORT_LETTERS = 2  # "Fd" for Ferrand; one letter only for "s/" (sur, sous)
SHORT_JOINS = frozenset(("s",))
JOINS = frozenset(["sur", "sous", "en", "la", "le", "les", "l", "de", "d", "du", "des", "lez", "aux", "au", "a", "et"])


def abbreviates(short: str, full: str) -> bool:
    """``short`` is ``full`` cut short or its skeleton: same first letter, letters in order.

    A joining word is never an abbreviation ("de" is not "Dore"), except "s" for "sur"/"sous".
    """
    if not short or short == full or len(short) >= len(full) or short[0] != full[0]:
        return False
    if short in JOINS or (len(short) < MIN_SHORT_LETTERS and short not in SHORT_JOINS):
        return False
    if full.startswith(short):
        return True
    k = 0
    for ch in full:
        if k < len(short) and ch == short[k]:
            k += 1
    return k == len(short)


def written_short(written: Sequence[str], parts: Sequence[str]) -> bool:
    """``written`` is the name ``parts`` with some words written short: each one cut short or as
    its skeleton, or only the last one as its first letter when the others are in full
    ("Aix-les-B", not "O:P")."""
    differing = 0
    failed_last = False  # the last word differs and is no abbreviation: only its first letter may do
    last = len(parts) - 1
    for k, (w, p) in enumerate(zip(written, parts, strict=True)):
        if w == p:
            continue
        differing += 1
        if not abbreviates(w, p):
            if k != last:
                return False
            failed_last = True
    if not differing:
        return False
    if not failed_last:
        return True
    one_letter = written[last]
    return (
        differing == 1
        and len(one_letter) == 1
        and len(written[0]) >= MIN_PREFIX_LETTERS - 1
        and parts[last].startswith(one_letter)
    )


@dataclass
class AbbreviationIndex:
    """Multi-word names by (first word, first letter of the second); large towns by first letter."""

    by_start: dict[tuple[str, str], list[str]]  # the names themselves (shared with the index's keys)
    big: dict[str, list[str]]

    @classmethod
    def build(cls, names: Iterable[str], big_names: Iterable[str]) -> AbbreviationIndex:
        by_start: dict[tuple[str, str], list[str]] = defaultdict(list)
        for name in names:
            first, _, rest = name.partition(" ")
            if rest:
                by_start[(first, rest[0])].append(name)
        big: dict[str, list[str]] = defaultdict(list)
        for name in big_names:
            if " " not in name:
                big[name[0]].append(name)
        return cls(dict(by_start), dict(big))

    def compounds_at(self, words: Sequence[str], start: int) -> list[tuple[str, int]]:
        """(name, words used) of the multi-word names written short from ``start``."""
        if start + 1 >= len(words) or not words[start + 1]:
            return []
        out: list[tuple[str, int]] = []
        for name in self.by_start.get((words[start], words[start + 1][0]), ()):
            parts = name.split()
            end = start + len(parts)
            if end <= len(words) and written_short(words[start:end], parts):
                out.append((name, len(parts)))
        return out

    def prefix_of(self, word: str) -> list[str]:
        """Large towns whose name starts with ``word`` (« stras » -> strasbourg)."""
        if len(word) < MIN_PREFIX_LETTERS:
            return []
        return [
            n
            for n in self.big.get(word[0], ())
            if n.startswith(word) and n != word and len(word) >= MIN_PREFIX_SHARE * len(n)
        ]
