"""What the place reader produces and weighs: place references, results, entries and thresholds.

Shared by the index builder (:mod:`bot.nlu.place_index`), the acceptance rules
(:mod:`bot.nlu.place_accept`) and the reader (:mod:`bot.nlu.places`). Every threshold of the
place reader is named here, with the phenomenon it handles.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class PlaceRef:
    """A place the person may mean."""

    kind: str  # "region", "departement", "commune", "outside"
    name: str
    region: str | None = None
    departement: str | None = None
    commune: str | None = None
    population: int = 0
    postal_code: str | None = None
    label: str = ""  # for buttons: "Saint-Denis (93)"


@dataclass(frozen=True, slots=True)
class PlaceResult:
    """What the finder understood: one place, several candidates, or nothing."""

    place: PlaceRef | None = None
    candidates: tuple[PlaceRef, ...] = ()
    how: str | None = None  # nom, tete, code_postal, numero, faute, gentile, lieu_connu, deux_lieux...
    span: tuple[int, int] | None = None  # folded-token span of the match
    matched: str = ""
    confidence: float = 0.0  # how sure the place is right (0..1); 0 when nothing or a choice
    roles: tuple[str, ...] = ()  # with candidates of "deux_lieux": "domicile" / "travail" for each

    @property
    def confirm(self) -> bool:
        """One place, but not sure enough: the bot asks the person to confirm it."""
        return self.place is not None and self.confidence < CONFIRM_BELOW

    @property
    def outside(self) -> bool:
        return self.place is not None and self.place.kind == "outside"

    @property
    def found(self) -> bool:
        return self.place is not None or bool(self.candidates)


EMPTY = PlaceResult()


class Priority(enum.IntEnum):
    """Which kind of place keeps a name shared by several kinds (the lowest wins)."""

    REGION = 0
    ALIAS = 1  # a name of several regions ("la Bretagne historique" style aliases)
    DEPARTEMENT = 2
    OUTSIDE = 3
    COMMUNE = 4


# Confidence of a reading, by how it was found; below CONFIRM_BELOW the bot asks to confirm.
CONFIRM_BELOW = 0.75
CONF_POSTAL = 0.98
CONF_LOCATION = 0.98  # a shared Telegram location
CONF_NAME = 0.95
CONF_NAME_WEAK = 0.8  # a name accepted on weaker evidence (strength below STRONG)
CONF_NAME_WEAKEST = 0.6  # a name accepted on little evidence (strength below FAIR)
CONF_KNOWN = 0.9  # a name of knowledge/lieux/ (other name, well-known place, country)
CONF_FORMER = 0.85
CONF_NUMBER = 0.9
CONF_HEAD = 0.7  # "Brive" for Brive-la-Gaillarde: asked to confirm
CONF_DEMONYM = 0.7
CONF_FIX = 0.65  # a spelling mistake corrected, one edit
CONF_ABBREV = 0.8  # "Clermont-Fd", "Vitry s/ Seine": one name fits
CONF_PREFIX = 0.65  # "Stras", "Montpel'": asked to confirm
CONF_CONSISTENT = 0.15  # a region or département named beside the place and agreeing with it
FIX_HOWS = frozenset(("faute", "abrev", "debut"))  # readings that replace the exact mentions they cover
CONF_FIX_PER_EDIT = 0.15
CONF_REFINED = 0.05  # a consistent second mention ("Valence, dans la Drôme") adds this
CONF_ARRONDISSEMENT_ONLY = 0.9  # "dans le 19e": only Paris has one
# Strength of a mention: how sure the words are a place, before the role of the place is added.
STRONG = 3.0  # a place for sure: a name that is nothing else, or said where a place is expected
FAIR = 2.5  # probably a place: a middle-sized town, or an area name alone in its clause
SMALL_TOWN_STRENGTH = 2.0  # the name of a village: often also a surname or an ordinary word
COMMON_MIDSIZE_DISCOUNT = 0.25  # a town named like an ordinary word, read only from where it stands
LOOSE_STRENGTH = 1.0  # a bare number after a name ("Mâcon 71"): only refines that name
STATUS_NUMBER_STRENGTH = 2.0  # "salarié 29": a number after a status, ending the message
STRENGTH_PER_EDIT = 0.5  # a spelling correction loses this much per edit
WEAK_STRENGTH = 2.25  # a demonym loses to any real place name
# Population sizes that change how a name is read.
LARGE_TOWN = 20000  # a name this large is read as the town even without context
MIDSIZE_TOWN = 10000  # a town named like an ordinary word may start a clause; two edits may be corrected
SMALL_TOWN = 2000  # below this, a one-word name needs a capital, a context or the whole message
VIENNE_TOWN_MIN_POP = 5000  # "à Vienne": the town rather than the département, when it is this large
# Names this short need evidence even when they are nothing else ("Ain", "Var"; "Eu", "Us").
SHORT_AREA_LETTERS = 3
SHORT_NAME_LETTERS = 3
# The confidence of each way of finding a place, before the evidence of the mention lowers it.
HOW_CONFIDENCE = {
    "nom": CONF_NAME,
    "tete": CONF_HEAD,
    "ancien_nom": CONF_FORMER,
    "gentile": CONF_DEMONYM,
    "autre_nom": CONF_KNOWN,
    "lieu_connu": CONF_KNOWN,
    "pays": CONF_KNOWN,
    "numero": CONF_NUMBER,
    "faute": CONF_FIX,
    "abrev": CONF_ABBREV,
    "debut": CONF_PREFIX,
    "code_postal": CONF_POSTAL,
}
# Index building: which names are kept, corrected into and read from their start.
COMPOUND_MAX_POP = LARGE_TOWN  # a smaller commune's name beside an unknown capitalised word is part of a longer name
CELLS_PER_DEGREE = 5  # communes are bucketed by 0.2-degree cells of latitude and longitude
MAX_NAME_WORDS = 8  # names longer than this many words are not looked up whole
CLOSEST_CACHE_SIZE = 4096  # spelling corrections kept for reuse (well under 1 MB)
FUZZY_MIN_POP = SMALL_TOWN  # communes smaller than this are not corrected into
FUZZY_MIN_LETTERS = 6  # shorter names are corrected into only when the town is large
FUZZY_MIN_LETTERS_AREA = 4  # never correct into a name shorter than this
SHORT_FUZZY_MIN_POP = LARGE_TOWN  # a short name ("Nantes", "Lyon") may be corrected into above this size
# The priority of a named place of knowledge/lieux/, by its kind.
KIND_PRIORITY = {
    "region": Priority.REGION,
    "departement": Priority.DEPARTEMENT,
    "outside": Priority.OUTSIDE,
    "commune": Priority.COMMUNE,
}
# How a name of each list of knowledge/lieux/ is read (the result's ``how``).
NAMED_HOW = {"gentiles": "gentile", "autres_noms": "autre_nom", "lieux": "lieu_connu"}
NAMED_HOWS = frozenset(("autre_nom", "lieu_connu"))
NAMED_POPULATION = LARGE_TOWN  # a name of knowledge/lieux/ is as sure as the name of a sizeable town
PREFIX_MIN_POP = 40000  # "Stras", "Montpel": only large towns are read from the start of their name
AREA_POPULATION = 100000  # a known place spread over a département or region counts as this large


@dataclass(slots=True)
class Entry:
    """What a name in the index stands for: one place, or a choice among homonyms."""

    ref: PlaceRef | None  # None when ambiguous
    candidates: tuple[PlaceRef, ...] = ()
    priority: Priority = Priority.REGION
    stripped: bool = False  # reached by dropping a leading article ("havre")
    common: bool = False  # also an ordinary French word
    how: str = "nom"  # nom, tete (head word), ancien_nom, gentile, autre_nom, lieu_connu, pays
    weak: bool = False  # a demonym: weaker evidence than a name
    shadowed: bool = False  # compound names of comparable size start with this name: confirm

    @property
    def top(self) -> PlaceRef:
        return self.ref if self.ref is not None else self.candidates[0]

    @property
    def area(self) -> bool:
        return self.priority < Priority.COMMUNE
