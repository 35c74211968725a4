"""Whether a name found in a message is a place, and how sure: areas and communes apart.

A region or département name is enough unless it is also an ordinary word ("le Lot", "la Manche");
a commune's name needs more evidence the smaller the town and the more ordinary its name ("Tours",
"Valence"). The evidence is what the words around the name say (:class:`Evidence`); each rule is
a small predicate named after the phenomenon it handles.
"""

from __future__ import annotations

from dataclasses import dataclass

from bot.nlu.place_model import (
    COMMON_MIDSIZE_DISCOUNT,
    FAIR,
    LARGE_TOWN,
    MIDSIZE_TOWN,
    NAMED_HOWS,
    NAMED_POPULATION,
    SHORT_AREA_LETTERS,
    SHORT_NAME_LETTERS,
    SMALL_TOWN,
    SMALL_TOWN_STRENGTH,
    STRONG,
    Entry,
)
from bot.nlu.place_text import DE_ELIDED, DE_WORDS

LEVEL_NONE = 0  # nothing before the name says a place follows
LEVEL_PREPOSITION = 1  # a preposition that often precedes a place ("à", "vers", "dans")
LEVEL_RESIDENCE = 2  # a verb of residence or a place noun ("j'habite", "la ville de")


@dataclass(frozen=True, slots=True)
class Evidence:
    """What the words around a name say about it being a place."""

    level: int  # LEVEL_NONE, LEVEL_PREPOSITION or LEVEL_RESIDENCE
    article: bool  # an article before the name ("le Havre")
    capital: bool  # written with a capital (not merely as the first word of the message)
    whole: bool  # the message is the name and filler words only ("moi c'est Lyon")
    clause_start: bool  # the name (or its article) starts a clause
    clause_end: bool  # the name ends the message or its clause
    one_word: bool
    next_word: str  # the word after the name ("" at the end)
    area_preposition: bool  # an area preposition before the name (and its article): "dans le Lot"

    @property
    def marked(self) -> bool:
        """Written as a name: a capital, or nothing else in the message."""
        return self.capital or self.whole

    @property
    def supported(self) -> bool:
        """Written as a name, or after a word that announces a place."""
        return self.marked or self.level >= LEVEL_PREPOSITION


def _ordinary_phrase(evidence: Evidence) -> bool:
    """ "la somme de", "le lot de", "à côté de": a one-word name followed by "de", written in lower case."""
    return evidence.one_word and evidence.next_word in DE_WORDS and not evidence.marked


def _alone_in_clause(evidence: Evidence) -> bool:
    """ "le Jura, on a...", "Calvados, côte fleurie": an area name that makes up its clause."""
    return evidence.clause_start and (evidence.article or evidence.clause_end)


def area_strength(entry: Entry, key: str, evidence: Evidence) -> float | None:
    """A region, département or outside place: its name is enough unless it is also an ordinary word."""
    if not entry.common and len(key) > SHORT_AREA_LETTERS:
        return STRONG
    if _ordinary_phrase(evidence):
        return None
    if evidence.marked or evidence.area_preposition:
        return STRONG
    if _alone_in_clause(evidence):
        return FAIR
    return None


def _size_strength(population: int) -> float:
    """Larger towns are surer: a village's name is often a surname or an ordinary word too."""
    if population >= LARGE_TOWN:
        return STRONG
    if population >= SMALL_TOWN:
        return FAIR
    return SMALL_TOWN_STRENGTH


def _bare_stripped_name(entry: Entry, evidence: Evidence, population: int) -> bool:
    """ "havre" for "le Havre" in lower case, with nothing announcing a place: not read (unless a large town)."""
    return (
        entry.stripped
        and not evidence.marked
        and evidence.level < LEVEL_PREPOSITION
        and (population < LARGE_TOWN or entry.common)
    )


def _common_word_strength(evidence: Evidence, population: int, base: float) -> float | None:
    """A town named like an ordinary word ("Tours", "Valence"): read only where a place is expected."""
    if _ordinary_phrase(evidence):
        return None
    if evidence.marked or evidence.level >= LEVEL_RESIDENCE:
        return base
    if population >= LARGE_TOWN and evidence.level >= LEVEL_PREPOSITION:
        return base
    if (
        population >= MIDSIZE_TOWN
        and evidence.clause_start
        and (evidence.level >= LEVEL_PREPOSITION or evidence.next_word not in DE_ELIDED)
    ):
        return base - COMMON_MIDSIZE_DISCOUNT
    return None


def commune_strength(entry: Entry, key: str, evidence: Evidence) -> float | None:
    """A commune (or a named place): by its size, and by the words around it when it is small or ordinary."""
    population = entry.top.population if entry.how not in NAMED_HOWS else NAMED_POPULATION
    base = _size_strength(population)
    if _bare_stripped_name(entry, evidence, population):
        return None
    if entry.common:
        return _common_word_strength(evidence, population, base)
    small_or_short = population < SMALL_TOWN or len(key) <= SHORT_NAME_LETTERS
    if evidence.one_word and small_or_short and not evidence.supported:
        return None  # a village or a three-letter name needs a capital, a context or the whole message
    return base
