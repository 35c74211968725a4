"""Frozen domain objects of the knowledge snapshot."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Any

from bot.kb.langue import Language
from bot.kb.lieux import PlaceLists
from bot.vocab import DetailTrait, Trait

__all__ = [
    "CONDITIONS",
    "DETAIL_TRAITS",
    "EMPLOYER_KINDS",
    "FOLLOW_UPS",
    "SMALL_TALK",
    "Commune",
    "Contact",
    "Departement",
    "DoorGuide",
    "Guides",
    "Lot",
    "Market",
    "Network",
    "Office",
    "OfficeDirectory",
    "Operator",
    "OutsidePlace",
    "PrepareItem",
    "Profile",
    "Question",
    "Region",
    "Rule",
    "SmallTalk",
    "Snapshot",
]

PROFILES = tuple(trait.value for trait in Trait)  # the profile ids the routing rules may name
# Details of a situation that refine a door but are not situations of their own (no button, no
# rule required for each alone): see bot.vocab.DetailTrait.
DETAIL_TRAITS = tuple(detail.value for detail in DetailTrait)
CONDITIONS = PROFILES + DETAIL_TRAITS  # what a rule's « si » may name
EMPLOYER_KINDS = (
    DetailTrait.FP_ETAT.value,
    DetailTrait.FP_TERRITORIALE.value,
    DetailTrait.FP_HOSPITALIERE.value,
    DetailTrait.MILITAIRE.value,
)
NETWORKS = (
    "operateur_regional",
    "france_travail",
    "apec",
    "cap_emploi",
    "mission_locale",
    "employeur_public",
    "employeur_etat",
    "employeur_territorial",
    "employeur_hospitalier",
    "defense_mobilite",
)
MODES = ("presentiel", "telephone", "visio", "email")


@dataclass(frozen=True, slots=True)
class Region:
    code: str
    name: str
    aliases: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class Departement:
    code: str
    name: str
    region: str
    aliases: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class Commune:
    insee: str
    kind: str  # COM, COMD, COMA, ARM, SRM
    name: str
    departement: str
    region: str
    population: int
    postal_codes: tuple[str, ...]
    lat: float | None
    lon: float | None


@dataclass(frozen=True, slots=True)
class Contact:
    phone: str | None = None
    website: str | None = None
    booking: str | None = None
    email: str | None = None
    places: str | None = None
    hours: str | None = None
    modes: tuple[str, ...] = ()
    source: str | None = None
    checked: dt.date | None = None
    to_check: str | None = None

    def as_json(self) -> dict[str, Any]:
        return {
            "phone": self.phone,
            "website": self.website,
            "booking": self.booking,
            "email": self.email,
            "places": self.places,
            "hours": self.hours,
            "modes": list(self.modes),
            "source": self.source,
            "checked": self.checked.isoformat() if self.checked else None,
            "to_check": self.to_check,
        }


@dataclass(frozen=True, slots=True)
class Operator:
    name: str
    website: str | None = None
    source: str | None = None


@dataclass(frozen=True, slots=True)
class Lot:
    id: str
    name: str
    regions: tuple[str, ...]
    operator: Operator
    contacts: Mapping[str, Contact]
    note: str | None = None


@dataclass(frozen=True, slots=True)
class Market:
    id: str
    name: str
    first_day: dt.date
    last_day: dt.date
    lots: tuple[Lot, ...]
    source: str | None = None

    def covers(self, day: dt.date) -> bool:
        return self.first_day <= day <= self.last_day

    def lot_for(self, region: str) -> Lot | None:
        for lot in self.lots:
            if region in lot.regions:
                return lot
        return None


@dataclass(frozen=True, slots=True)
class Network:
    id: str
    name: str
    serves: str
    description: str
    contact: Contact | None = None
    source: str | None = None


@dataclass(frozen=True, slots=True)
class DoorGuide:
    """How to book one door (knowledge/reservation.yaml): short texts, each from a source."""

    network: str
    finder: str | None  # the network's official page to find an office or book
    one_off: str  # first booking step for a one-off need
    support: str  # first booking step for support over time
    say: str  # what to say when booking
    next_step: str  # what happens next
    prepare: tuple[str, ...]
    questions: tuple[str, ...]  # ids of the frequent questions offered for this door
    hours: str | None = None
    remote: str | None = None
    cost: str | None = None
    source: str | None = None


@dataclass(frozen=True, slots=True)
class PrepareItem:
    """An item to prepare, shown when the person has all the traits of ``when``."""

    when: frozenset[str]
    text: str


@dataclass(frozen=True, slots=True)
class Office:
    """One local office of a network (knowledge/bureaux/*.csv), with its directory's source and date."""

    network: str
    name: str
    address: str
    departement: str
    phone: str | None
    website: str | None
    lat: float | None
    lon: float | None


@dataclass(frozen=True, slots=True)
class OfficeDirectory:
    network: str
    source: str
    date: str  # the date of the directory's data (what the person is told)
    by_departement: Mapping[str, tuple[Office, ...]]


# What a question after an answer may ask about (knowledge/conversation.yaml « relances »).
FOLLOW_UPS = ("distance", "telephone", "adresse", "horaires", "cout", "reserver", "preparer")
# Small talk the assistant answers briefly (knowledge/conversation.yaml « politesses »).
SMALL_TALK = ("bonjour", "merci", "oui", "non", "au_revoir", "abandon", "impolitesse")


@dataclass(frozen=True, slots=True)
class SmallTalk:
    kind: str
    phrases: tuple[str, ...]  # folded
    reply: str


@dataclass(frozen=True, slots=True)
class Guides:
    """Booking guides per door, preparation items by situation, local office directories, and the
    words of follow-up questions and small talk."""

    doors: Mapping[str, DoorGuide] = field(default_factory=dict)
    prepare: tuple[PrepareItem, ...] = ()
    offices: Mapping[str, OfficeDirectory] = field(default_factory=dict)
    follow_ups: tuple[tuple[str, tuple[str, ...]], ...] = ()  # (kind, folded phrases), in file order
    small_talk: Mapping[str, SmallTalk] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class Profile:
    id: str
    label: str
    button: str


@dataclass(frozen=True, slots=True)
class Rule:
    traits: frozenset[str]
    profile: str
    network: str
    alternatives: tuple[str, ...]
    explanation: str
    source: str | None = None


@dataclass(frozen=True, slots=True)
class Question:
    id: str
    theme: str
    phrasings: tuple[str, ...]
    answer: str
    sources: tuple[str, ...]
    concepts: tuple[str, ...] = ()  # what a message must touch to ask it (knowledge/langue/concepts.yaml)
    excludes: tuple[str, ...] = ()  # what a message must not touch (a case another question answers)
    situations: tuple[str, ...] = ()  # the situation traits this question is the case of (etudiant, handicap...)
    by_situation: bool = False  # the question of the person's situation answers this one for it ("qui a droit ?")
    answer_situated: str = ""  # the answer when the message told the place or the situation already (by_situation)


@dataclass(frozen=True, slots=True)
class OutsidePlace:
    name: str
    aliases: tuple[str, ...]
    postal_prefixes: tuple[str, ...]
    zone: tuple[float, float, float, float] | None = None  # lat min, lat max, lon min, lon max

    def contains(self, lat: float, lon: float) -> bool:
        return self.zone is not None and self.zone[0] <= lat <= self.zone[1] and self.zone[2] <= lon <= self.zone[3]


@dataclass(frozen=True, slots=True)
class AmbiguousAlias:
    alias: str
    regions: tuple[str, ...]


@dataclass(frozen=True, slots=True, eq=False)
class Snapshot:
    """Everything the assistant knows, validated; plain data, never mutated after loading.

    The understanding layer builds its indexes from it (``bot.nlu.knowledge``); the snapshot
    knows nothing of them.
    """

    regions: Mapping[str, Region]
    departements: Mapping[str, Departement]
    communes: tuple[Commune, ...]
    markets: tuple[Market, ...]  # sorted by first day
    networks: Mapping[str, Network]
    profiles: Mapping[str, Profile]
    rules: tuple[Rule, ...]
    questions: Mapping[str, Question]
    texts: Mapping[str, str]
    outside: tuple[OutsidePlace, ...]
    ambiguous_aliases: tuple[AmbiguousAlias, ...]
    version: str  # short content hash of the knowledge files
    loaded_at: dt.datetime
    geo_version: str = ""  # content hash of the geography and the communes alone (what place indexes depend on)
    language: Language = field(repr=False, default_factory=Language)
    lieux: PlaceLists = field(repr=False, default_factory=PlaceLists)  # knowledge/lieux/
    guides: Guides = field(repr=False, default_factory=Guides)  # knowledge/reservation.yaml

    def market_on(self, day: dt.date) -> Market | None:
        for market in self.markets:
            if market.covers(day):
                return market
        return None

    def text(self, key: str, **values: object) -> str:
        template = self.texts[key]
        return template.format(**values) if values else template


def frozen_map(data: dict[Any, Any]) -> Mapping[Any, Any]:
    return MappingProxyType(dict(data))
