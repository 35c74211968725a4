"""The place tables of one knowledge snapshot: every name a place may be written with.

Built once per snapshot (and shared by later snapshots with the same geography, see
:mod:`bot.nlu.knowledge`); the reader (:mod:`bot.nlu.places`) only looks things up in them.
"""

from __future__ import annotations

import math
import re
import sys
from collections import defaultdict
from collections.abc import Iterable
from typing import TYPE_CHECKING

from bot.kb.lieux import NamedPlace, Target, WordDigests
from bot.nlu.place_abbrev import AbbreviationIndex
from bot.nlu.place_lists import HEAD_CONNECTORS, PhraseSet, head_groups, pick_by_size
from bot.nlu.place_model import (
    AREA_POPULATION,
    CELLS_PER_DEGREE,
    FUZZY_MIN_LETTERS,
    FUZZY_MIN_LETTERS_AREA,
    FUZZY_MIN_POP,
    KIND_PRIORITY,
    LARGE_TOWN,
    MAX_NAME_WORDS,
    NAMED_HOW,
    PREFIX_MIN_POP,
    SHORT_FUZZY_MIN_POP,
    Entry,
    PlaceRef,
    Priority,
)
from bot.nlu.place_text import STOP_WORDS
from bot.textnorm import fold, strip_article

if TYPE_CHECKING:
    from bot.kb.model import Commune, Snapshot

__all__ = ["PlaceTables"]

# Names are folded once each while building: through the cache they would fill it with tens of
# thousands of entries that the reader never asks for again (a peak of several megabytes).
_fold = fold.__wrapped__


def _context_words(snapshot: Snapshot) -> frozenset[str]:
    """Ordinary words of knowledge/lieux/contexte.yaml (never read as, or corrected into, a place)."""
    return frozenset(_fold(w) for w in snapshot.lieux.context.common_words if _fold(w))


class _Spellings:
    """The ways each name (without its article) is written, while building: most names are written
    only one way, as the name itself, so only the other ways are stored (a set per name would weigh
    megabytes at the peak of the build)."""

    def __init__(self) -> None:
        self.bare: set[str] = set()  # names written as themselves
        self.other: dict[str, list[str]] = {}  # name -> other ways ("le havre" for "havre")

    def add(self, key: str, written: str) -> None:
        if written == key:
            self.bare.add(key)
            return
        others = self.other.setdefault(key, [])
        if written not in others:
            others.append(written)

    def of(self, key: str) -> list[str]:
        """Every way ``key`` is written, in alphabetical order."""
        written = [*self.other.get(key, ()), *((key,) if key in self.bare else ())]
        return sorted(written)


class PlaceTables:
    """The tables of one snapshot's places, built once; :class:`bot.nlu.places.PlaceIndex` reads them.

    Names (folded, with and without their article) of regions, départements, outside places,
    communes (current, delegated, associated), head words of compound names ("Brive"), second
    names of merged communes, former names, demonyms, other names, well-known places and countries;
    communes by INSEE code, postal code and map cell; the pools of the spelling corrector and the
    abbreviation index.
    """

    snapshot: Snapshot
    common_words: frozenset[str]
    near_words: WordDigests
    names: dict[str, Entry]
    postal: dict[str, list[Commune]]
    communes_by_insee: dict[str, Commune]
    outside_prefixes: list[tuple[str, PlaceRef]]
    homonyms: dict[str, list[Commune]]
    commune_entries: dict[str, Entry]
    head_members: dict[str, list[Commune]]
    not_after: PhraseSet
    idioms: PhraseSet
    move_from: PhraseSet
    move_to: PhraseSet
    work_phrases: PhraseSet
    home_phrases: PhraseSet
    first_words: dict[str, int]  # first word of names of several words -> the most words of such a name
    max_words: int
    abbreviations: AbbreviationIndex
    _points: dict[tuple[int, int], list[Commune]]  # communes by map cell
    _fuzzy: dict[tuple[int, int, str], list[str]]  # names by (words, length, first letter or "$" + last)
    _closest_cache: dict[str, tuple[str, int] | None]  # spelling corrections already looked up

    def _build(self) -> None:
        """Build every table from ``self.snapshot``."""
        snap = self.snapshot
        self.common_words = snap.lieux.place_words | _context_words(snap)
        self.near_words = snap.lieux.near_words
        self.names = {}
        self.postal = defaultdict(list)
        self.communes_by_insee = {}
        self.outside_prefixes = []
        # every commune (current, delegated, associated) by folded name: homonyms filtered by area
        self.homonyms = defaultdict(list)
        context = snap.lieux.context
        self.not_after = PhraseSet.of(context.not_after)
        self.idioms = PhraseSet.of(context.idioms)
        self.move_from = PhraseSet.of(context.move_from)
        self.move_to = PhraseSet.of(context.move_to)
        self.work_phrases = PhraseSet.of(context.work)
        self.home_phrases = PhraseSet.of(context.home)
        self._index_areas()
        self._index_communes()
        self._index_named()
        self._index_countries()
        # first words of names of several words ("porte" of "porte maillot"); one-word names are keys
        self.first_words = {}
        for key in self.names:
            if " " in key:
                first = sys.intern(key.partition(" ")[0])
                self.first_words[first] = max(self.first_words.get(first, 0), len(key.split()))
        self.max_words = min(MAX_NAME_WORDS, max(len(key.split()) for key in self.names))
        self._index_fuzzy()
        fold.cache_clear()  # the names folded while building would otherwise stay cached
        big = [
            key
            for key, entry in self.names.items()
            if entry.ref is not None
            and entry.ref.kind == "commune"
            and entry.how == "nom"
            and entry.top.population >= PREFIX_MIN_POP
        ]
        self.abbreviations = AbbreviationIndex.build(
            (
                k
                for k, e in self.names.items()
                if not e.stripped and e.how in ("nom", "lieu_connu", "autre_nom") and not e.weak
            ),
            big,
        )

    def _region_ref(self, code: str) -> PlaceRef:
        region = self.snapshot.regions[code]
        return PlaceRef("region", region.name, region=code, label=region.name)

    def _add(self, key: str, entry: Entry) -> None:
        if not key:
            return
        # a name of several words is an ordinary phrase only for communes ("entre deux")
        entry.common = self._is_common(key) and " " not in strip_article(key)
        old = self.names.get(key)
        if (
            old is None
            or (old.stripped and not entry.stripped)
            or (old.stripped == entry.stripped and entry.priority < old.priority)
        ):
            self.names[key] = entry

    def _add_all(
        self, names: Iterable[str], ref: PlaceRef | None, priority: Priority, candidates: tuple[PlaceRef, ...] = ()
    ) -> None:
        for name in names:
            folded = _fold(name)
            for key, stripped in ((folded, False), (strip_article(folded), True)):
                self._add(key, Entry(ref, candidates, priority, stripped))
                # "pays de la loire" is also written "pays de loire"
                inner = re.sub(r" (?:de la|de l|du|des) ", " de ", f" {key} ").strip()
                if inner != key and " " in inner:
                    self._add(inner, Entry(ref, candidates, priority, True))

    def _index_areas(self) -> None:
        snap = self.snapshot
        for code, region in snap.regions.items():
            ref = self._region_ref(code)
            self._add_all((region.name, *region.aliases), ref, Priority.REGION)
        for alias in snap.ambiguous_aliases:
            cands = tuple(self._region_ref(code) for code in alias.regions if code in snap.regions)
            self._add_all((alias.alias,), None, Priority.ALIAS, cands)
        for code, dep in snap.departements.items():
            self._add_all((dep.name, *dep.aliases), self._dep_ref(code), Priority.DEPARTEMENT)
        for out in snap.outside:
            out_ref = PlaceRef("outside", out.name, label=out.name)
            self._add_all((out.name, *out.aliases), out_ref, Priority.OUTSIDE)
            self.outside_prefixes.extend((prefix, out_ref) for prefix in out.postal_prefixes)
        self.outside_prefixes.sort(key=lambda item: -len(item[0]))

    def _index_communes(self) -> None:
        """Communes by name (delegated and associated ones too), head words, former names."""
        self._points = defaultdict(list)
        groups, spellings = self._group_communes()
        self.homonyms = {key: items for key, items in groups.items() if len(items) > 1}  # single ones: their entry
        heads = head_groups((key, c) for key, items in groups.items() for c in items if c.kind != "COMA")
        self.head_members = heads
        self._index_commune_names(groups, spellings, heads)
        self._index_tails(groups, heads)
        self._index_former_names()
        for code in self.postal:
            self.postal[code].sort(key=lambda c: (c.kind != "ARM", -c.population))

    def _group_communes(self) -> tuple[dict[str, list[Commune]], _Spellings]:
        """Every commune by codes (see ``_index_commune_codes``); named communes grouped by name without
        article, with the ways that name is written."""
        groups: dict[str, list[Commune]] = defaultdict(list)
        spellings = _Spellings()
        for commune in self.snapshot.communes:
            self._index_commune_codes(commune)
            if commune.kind == "ARM" or not commune.region:
                continue
            full = _fold(commune.name)
            key = strip_article(full)  # "Le Lamentin" and "Lamentin" are homonyms
            same = groups[key]
            if not any(c.insee == commune.insee for c in same):  # a delegated commune named like its commune
                same.append(commune)
                spellings.add(key, full)
        return groups, spellings

    def _index_commune_names(
        self, groups: dict[str, list[Commune]], spellings: _Spellings, heads: dict[str, list[Commune]]
    ) -> None:
        """Each name's entry (a head word's when it is one) under its spellings; ``commune_entries`` keeps
        the communes hidden behind a region or département of the same name ("Vienne")."""
        named_heads = {head: None for head in heads if head not in self.common_words and head not in STOP_WORDS}
        for head in named_heads:
            spellings.add(head, head)
        # one name at a time (its entry is dropped once indexed), names first, then head words alone
        hidden: dict[str, Entry] = {}
        for key in [*groups, *(head for head in named_heads if head not in groups)]:
            if key in named_heads:
                entry = self._head_entry(key, groups.get(key, []), heads[key])
            else:
                entry = self._commune_entry(groups[key])
            self._index_spellings(key, entry, groups, spellings.of(key))
            if self._hidden(key):
                hidden[key] = entry
        self.commune_entries = {k: e for k, e in hidden.items() if self._hidden(k)}

    def _hidden(self, key: str) -> bool:
        """A region, département or outside place holds the name (a commune's name never turns back)."""
        return key in self.names and self.names[key].priority < Priority.COMMUNE

    def _index_commune_codes(self, commune: Commune) -> None:
        """A current commune or arrondissement by INSEE code, postal codes and map cell."""
        if commune.kind not in ("COM", "ARM"):
            return
        self.communes_by_insee.setdefault(commune.insee, commune)
        for code in commune.postal_codes:
            self.postal[code].append(commune)
        if commune.lat is not None and commune.lon is not None:
            self._points[self._cell(commune.lat, commune.lon)].append(commune)

    def _index_spellings(self, key: str, entry: Entry, groups: dict[str, list[Commune]], spellings: list[str]) -> None:
        """One name's entry under each way it is written, with and without its article."""
        for full in sorted(spellings):
            many = len(groups.get(key, ())) > 1 and full == key and entry.how == "nom"
            bare = [c for c in groups[key] if _fold(c.name) == key] if many else []
            if bare and len(bare) < len(groups[key]):
                # "Langon" without its article is not "Le Langon"; "au Lamentin" may be either
                self._add_commune_key(full, self._commune_entry(bare), stripped=False)
            else:
                self._add_commune_key(full, entry, stripped=False)
        if key not in spellings:
            self._add_commune_key(key, entry, stripped=True)

    def _index_former_names(self) -> None:
        """Names of merged communes, to their current commune ("Cherbourg-Octeville")."""
        for former in self.snapshot.lieux.former_names:
            current = self.communes_by_insee.get(former.insee)
            key = _fold(former.name)
            if current is not None and key not in self.names:
                self._add_commune_key(
                    key, Entry(self._commune_ref(current), priority=Priority.COMMUNE, how="ancien_nom"), stripped=False
                )

    def _named_ref(self, place: NamedPlace) -> PlaceRef | None:
        snap = self.snapshot
        label_name = place.names[0]
        if place.target is Target.COMMUNE:
            commune = self.communes_by_insee.get(place.code)
            if commune is None:
                return None
            ref = self._commune_ref(commune)
            label = ref.label if place.list_name != "lieux" else f"{label_name} ({commune.departement})"
            return PlaceRef("commune", ref.name, ref.region, ref.departement, ref.commune, ref.population, label=label)
        if place.target is Target.DEPARTEMENT:
            dep = snap.departements.get(place.code)
            return (
                None
                if dep is None
                else PlaceRef(
                    "departement",
                    label_name,
                    region=dep.region,
                    departement=place.code,
                    label=f"{label_name} ({place.code})",
                )
            )
        if place.target is Target.REGION:
            return self._region_ref(place.code) if place.code in snap.regions else None
        name = place.code if place.target is Target.HORS_CHAMP else label_name
        label = (
            f"{label_name} ({place.code})"
            if place.target is Target.HORS_CHAMP and _fold(label_name) != _fold(place.code)
            else label_name
        )
        return PlaceRef("outside", name, label=label)

    def _index_named(self) -> None:
        """Demonyms, other names and well-known places of knowledge/lieux/."""
        for place in self.snapshot.lieux.named:
            ref = self._named_ref(place)
            if ref is None:
                continue
            how = NAMED_HOW.get(place.list_name, "nom")
            priority = KIND_PRIORITY[ref.kind]
            for name in place.names:
                folded = _fold(name)
                for key, stripped in ((folded, False), (strip_article(folded), True)):
                    self._add_named(
                        key, Entry(ref, priority=priority, stripped=stripped, how=how, weak=how == "gentile")
                    )

    def _add_named(self, key: str, entry: Entry) -> None:
        """A name of knowledge/lieux/, unless a name of the index is surer."""
        if not key or key in STOP_WORDS:
            return
        entry.common = self._is_common(key) and " " not in key
        old = self.names.get(key)
        if old is None:
            self.names[key] = entry
            return
        clash = _clashes(old, entry)
        if clash and not entry.weak and old.ref is not None:
            self._settle_clash(key, old, old.ref, entry)
        elif (old.stripped and not entry.stripped and not clash) or old.how == "tete":
            self.names[key] = entry

    def _settle_clash(self, key: str, old: Entry, old_ref: PlaceRef, entry: Entry) -> None:
        """A commune and a known place of another region share the name: the much larger one, else ask
        ("Vieux-Port" is Marseille's; "Marigot" is asked about)."""
        known = entry.top
        size = known.population if known.kind == "commune" else (AREA_POPULATION if known.kind != "outside" else 0)
        kept = pick_by_size([old_ref.population, size]) if size else (0, 1)
        if kept == (1,):
            self.names[key] = entry
        elif kept != (0,):
            self.names[key] = Entry(
                None,
                (old_ref, known),
                priority=Priority.COMMUNE,
                stripped=entry.stripped and old.stripped,
                how=entry.how,
            )

    def _index_countries(self) -> None:
        for country in self.snapshot.lieux.countries:
            ref = PlaceRef("outside", country.name, label=country.name)
            for name in (country.name, *country.aliases):
                folded = _fold(name)
                for key, stripped in ((folded, False), (strip_article(folded), True)):
                    if key and key not in self.names and key not in STOP_WORDS:
                        entry = Entry(ref, priority=Priority.OUTSIDE, stripped=stripped, how="pays")
                        entry.common = self._is_common(key) and " " not in key
                        self.names[key] = entry

    def _index_fuzzy(self) -> None:
        # spelling mistakes: names of six letters or more, by (words, length, first or last letter)
        self._fuzzy = defaultdict(list)
        for key, entry in self.names.items():
            letters = len(key.replace(" ", ""))
            if entry.stripped or entry.weak or entry.how in ("pays", "tete"):
                continue
            short_ok = entry.ref is not None and entry.top.population >= SHORT_FUZZY_MIN_POP and entry.how == "nom"
            if letters < FUZZY_MIN_LETTERS and not short_ok:
                continue  # short names: only large towns' own names (the word lists are built for those)
            if letters < FUZZY_MIN_LETTERS_AREA:
                continue
            if not entry.area and entry.top.population < FUZZY_MIN_POP:
                continue
            n = len(key.split())
            self._fuzzy[(n, len(key), key[0])].append(key)
            self._fuzzy[(n, len(key), "$" + key[-1])].append(key)
        self._closest_cache = {}

    def _is_common(self, key: str) -> bool:
        """A name that is also ordinary French: "vers", "la côte", "entre deux"."""
        if key in self.common_words:
            return True
        return key in self.common_words or strip_article(key) in self.common_words

    def _dep_ref(self, code: str) -> PlaceRef:
        dep = self.snapshot.departements[code]
        return PlaceRef("departement", dep.name, region=dep.region, departement=code, label=f"{dep.name} ({code})")

    def _add_commune_key(self, key: str, entry: Entry, *, stripped: bool) -> None:
        if not key:
            return
        existing = self.names.get(key)
        # a region, département or outside place of that name wins over small communes;
        # an outside alias only loses to a sizeable French commune
        if (
            existing is not None
            and existing.priority < Priority.COMMUNE
            and (existing.priority != Priority.OUTSIDE or entry.top.population < LARGE_TOWN)
        ):
            return
        if existing is not None and existing.priority == Priority.COMMUNE and (stripped or not existing.stripped):
            return
        clone = Entry(entry.ref, entry.candidates, Priority.COMMUNE, stripped, how=entry.how, shadowed=entry.shadowed)
        clone.common = self._is_common(key)
        self.names[key] = clone

    def _commune_ref(self, commune: Commune) -> PlaceRef:
        snap = self.snapshot
        region = snap.regions.get(commune.region)
        if commune.departement.startswith("97") and region is not None:
            label = f"{commune.name} ({region.name})"
        else:
            label = f"{commune.name} ({commune.departement})"
        return PlaceRef(
            "commune",
            commune.name,
            region=commune.region,
            departement=commune.departement,
            commune=commune.insee,
            population=commune.population,
            label=label,
        )

    def _index_tails(self, groups: dict[str, list[Commune]], heads: dict[str, list[Commune]]) -> None:
        """ "Jallieu", "Courcouronnes": the second name of a merged commune ("Bourgoin-Jallieu")."""
        tails: dict[str, list[Commune]] = defaultdict(list)
        for key, items in groups.items():
            parts = key.split()
            if len(parts) == 2 and parts[0] in heads and not HEAD_CONNECTORS & set(parts):
                tails[parts[1]].extend(c for c in items if c.kind == "COM")
        for tail, items in tails.items():
            if (
                len(tail) < FUZZY_MIN_LETTERS_AREA
                or tail in self.names
                or tail in self.common_words
                or tail in STOP_WORDS
                or not items
            ):
                continue
            self._add_commune_key(tail, self._commune_entry(items, head=tail), stripped=False)

    def _head_entry(self, head: str, exact: list[Commune], compounds: list[Commune]) -> Entry:
        """A head word: its own communes keep it unless a compound name is ten times larger."""
        everyone = [*exact, *(c for c in compounds if c not in exact)]
        kept = [everyone[k] for k in pick_by_size([c.population for c in everyone])]
        if any(c in exact for c in kept):
            entry = self._commune_entry(exact)
            entry.shadowed = any(c not in exact for c in kept)  # "Montauban" / Montauban-de-Bretagne
            return entry
        return self._commune_entry(kept, head=head)

    def _commune_entry(self, communes: list[Commune], *, head: str | None = None) -> Entry:
        """One name's communes: the largest when it dominates or all share a region, else a choice.

        ``head``: the name is the head word of compound names ("brive" -> Brive-la-Gaillarde).
        """
        if len(communes) == 1 and head is None:
            return Entry(self._commune_ref(communes[0]), priority=Priority.COMMUNE)
        ranked = sorted(communes, key=lambda c: -c.population)
        kept = [ranked[k] for k in pick_by_size([c.population for c in ranked])]
        top = kept[0]
        how = (
            "tete" if head is not None and _fold(top.name) != head and strip_article(_fold(top.name)) != head else "nom"
        )
        if len(kept) == 1 or len({c.region for c in kept}) == 1:
            return Entry(self._commune_ref(top), priority=Priority.COMMUNE, how=how)
        return Entry(None, tuple(self._commune_ref(c) for c in kept), priority=Priority.COMMUNE, how=how)

    @staticmethod
    def _cell(lat: float, lon: float) -> tuple[int, int]:
        return (math.floor(lat * CELLS_PER_DEGREE), math.floor(lon * CELLS_PER_DEGREE))


def _clashes(old: Entry, entry: Entry) -> bool:
    """A commune's own name and a known place of another region."""
    return (
        old.priority == Priority.COMMUNE
        and old.ref is not None
        and old.how == "nom"
        and old.top.region != entry.top.region
    )
