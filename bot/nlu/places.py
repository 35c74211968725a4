"""Find the place in a message: region, département, commune, postal code, location.

The index is built once per knowledge snapshot; :meth:`PlaceIndex.find` is a pure function of
the text. Strategy, in order: postal codes, municipal arrondissements, exact names (n-grams of
folded words, longest first), département numbers in a place phrasing, then spelling mistakes
(at most two edits, names of six letters or more, only where a place is expected).
"""

from __future__ import annotations

import gzip
import math
import re
import unicodedata
from collections import defaultdict
from dataclasses import dataclass, field
from importlib import resources
from typing import TYPE_CHECKING

from rapidfuzz import process
from rapidfuzz.distance import OSA

from bot.textnorm import fold, strip_article

if TYPE_CHECKING:
    from bot.kb.model import Commune, Snapshot

__all__ = ["PlaceIndex", "PlaceRef", "PlaceResult"]


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
    how: str | None = None  # nom, code_postal, numero, faute, localisation
    span: tuple[int, int] | None = None  # folded-token span of the match
    matched: str = ""

    @property
    def outside(self) -> bool:
        return self.place is not None and self.place.kind == "outside"

    @property
    def found(self) -> bool:
        return self.place is not None or bool(self.candidates)


_EMPTY = PlaceResult()

# Words after which a name is expected to be a place.
PLACE_PREPS = frozenset(
    "a au aux sur vers dans en habite habitons vis vit reside residant residente base basee situe situee pres proche "
    "region departement commune ville secteur cote coin agglo agglomeration banlieue bosse travaille taf depuis".split()
)
# Before a number, words that make it a département ("dans le 29", "département 13").
DEP_PREV = frozenset("le du departement departements dept dpt dep depart l".split())
# Before a number, words that make it an age, a duration or a count.
NOT_DEP_PREV = frozenset("ai a as avons avez ont depuis pendant durant de des environ plus moins pres fois".split())
# After a number, words that make it anything but a place.
UNIT_WORDS = frozenset(
    "an ans annee annees mois moi jour jours j semaine semaines sem heure heures h hr min minute minutes "
    "enfant enfants gosses gamins fois euro euros eur e k ke keur km kilometres pourcent pct salarie salaries "
    "personne personnes employes collegues ans000 000 smic brut net nets bruts points pts printemps balais "
    "janvier fevrier mars avril mai juin juillet aout septembre octobre novembre decembre er eme e ieme".split()
)
_STOP = frozenset(
    "a au aux le la les l un une des de du d et ou je j tu il elle on nous vous ils elles me m te t se s "
    "mon ma mes ton ta tes son sa ses en y ne n pas plus que qu qui quoi est suis es sommes etes sont "
    "ai as avons avez ont ce c cette ces pour par sur dans avec sans chez vers mais donc or ni car si "
    "oui non bonjour salut merci svp stp bonsoir hello coucou cep ok".split()
)
_GREETINGS = frozenset("bonjour salut bonsoir hello coucou merci svp stp je suis j habite a au en dans le la les l sur".split())
_STRONG_COMMUNE_PREV = frozenset("a habite habitons vis vit reside ville commune".split())
_STRONG_AREA_PREV = frozenset("dans en departement du region".split())
_ARM = re.compile(r"\b(paris|lyon|marseille) (\d{1,2}) ?(?:e|eme|ieme|er|ere|em)?(?: arrondissement| arr)?\b")
_ARM_REVERSED = re.compile(r"\b(\d{1,2}) ?(?:e|eme|ieme|er|ere|em)? ?(?:arrondissement|arr)(?: de)? (paris|lyon|marseille)\b")
_ARM_LIMITS = {"paris": ("751", 20), "lyon": ("6938", 9), "marseille": ("132", 16)}
_POSTAL = re.compile(r"^(?:\d{5}|2[ab]\d{3})$")
_MAX_FUZZY = 2
_FAR_KM = 30.0


def _word_list(name: str) -> frozenset[str]:
    data = resources.files("bot.nlu").joinpath("data", name).read_bytes()
    lines = gzip.decompress(data).decode("utf-8").splitlines()
    return frozenset(line for line in lines if line and not line.startswith("#"))


def _tokenize(text: str) -> tuple[list[str], list[bool]]:
    """Folded words and, for each, whether it was written with a capital letter."""
    folded_words: list[str] = []
    capitals: list[bool] = []
    for raw in re.findall(r"[^\W_]+", text):
        folded = fold(raw)
        if not folded:
            continue
        parts = folded.split()
        capital = unicodedata.category(raw[0]) == "Lu" and not raw.isupper() or (raw.isupper() and len(raw) > 1)
        for part in parts:
            folded_words.append(part)
            capitals.append(capital)
    return folded_words, capitals


@dataclass(slots=True)
class _Entry:
    ref: PlaceRef | None  # None when ambiguous
    candidates: tuple[PlaceRef, ...] = ()
    priority: int = 0  # region 0, ambiguous alias 1, departement 2, outside 3, commune 4
    stripped: bool = False  # reached by dropping a leading article ("havre")
    common: bool = False  # also an ordinary French word


@dataclass
class PlaceIndex:
    """Indexes of one snapshot's places."""

    snapshot: Snapshot = field(repr=False)

    def __post_init__(self) -> None:
        snap = self.snapshot
        self.common_words = _word_list("mots_lieux.txt.gz")
        self.near_words = _word_list("mots_proches.txt.gz")
        self.names: dict[str, _Entry] = {}
        self.postal: dict[str, list[Commune]] = defaultdict(list)
        self.communes_by_insee: dict[str, Commune] = {}
        self.outside_prefixes: list[tuple[str, PlaceRef]] = []
        regions = snap.regions
        deps = snap.departements

        def region_ref(code: str) -> PlaceRef:
            return PlaceRef("region", regions[code].name, region=code, label=regions[code].name)

        def dep_ref(code: str) -> PlaceRef:
            dep = deps[code]
            return PlaceRef("departement", dep.name, region=dep.region, departement=code, label=f"{dep.name} ({code})")

        def add(key: str, entry: _Entry) -> None:
            if not key:
                return
            entry.common = key in self.common_words or (" " not in strip_article(key) and strip_article(key) in self.common_words)
            old = self.names.get(key)
            if old is None or (old.stripped and not entry.stripped) or (old.stripped == entry.stripped and entry.priority < old.priority):
                self.names[key] = entry

        for code, region in regions.items():
            for name in (region.name, *region.aliases):
                add(fold(name), _Entry(region_ref(code), priority=0))
                add(strip_article(fold(name)), _Entry(region_ref(code), priority=0, stripped=True))
        for alias in snap.ambiguous_aliases:
            cands = tuple(region_ref(code) for code in alias.regions if code in regions)
            add(fold(alias.alias), _Entry(None, cands, priority=1))
            add(strip_article(fold(alias.alias)), _Entry(None, cands, priority=1, stripped=True))
        for code, dep in deps.items():
            for name in (dep.name, *dep.aliases):
                add(fold(name), _Entry(dep_ref(code), priority=2))
                add(strip_article(fold(name)), _Entry(dep_ref(code), priority=2, stripped=True))
        for out in snap.outside:
            ref = PlaceRef("outside", out.name, label=out.name)
            for name in (out.name, *out.aliases):
                add(fold(name), _Entry(ref, priority=3))
                add(strip_article(fold(name)), _Entry(ref, priority=3, stripped=True))
            self.outside_prefixes.extend((prefix, ref) for prefix in out.postal_prefixes)
        self.outside_prefixes.sort(key=lambda item: -len(item[0]))

        # communes: group by folded name; COMD/COMA only when no commune has that name
        groups: dict[str, list[Commune]] = defaultdict(list)
        secondary: dict[str, list[Commune]] = defaultdict(list)
        self._points: dict[tuple[int, int], list[Commune]] = defaultdict(list)
        for commune in snap.communes:
            if commune.kind in ("COM", "ARM"):
                self.communes_by_insee.setdefault(commune.insee, commune)
                for code in commune.postal_codes:
                    self.postal[code].append(commune)
                if commune.lat is not None and commune.lon is not None:
                    self._points[self._cell(commune.lat, commune.lon)].append(commune)
            if commune.kind == "COM":
                groups[fold(commune.name)].append(commune)
            elif commune.kind in ("COMD", "COMA"):
                secondary[fold(commune.name)].append(commune)
        for key, items in secondary.items():
            if key not in groups:
                groups[key].extend(c for c in items if c.region)
        self.commune_entries: dict[str, _Entry] = {}
        for key, items in groups.items():
            entry = self._commune_entry(items)
            self.commune_entries[key] = entry
            self._add_commune_key(key, entry, stripped=False)
        for key, entry in list(self.commune_entries.items()):
            self._add_commune_key(strip_article(key), entry, stripped=True)
        for code in self.postal:
            self.postal[code].sort(key=lambda c: (c.kind != "ARM", -c.population))
        self.max_words = min(8, max(len(key.split()) for key in self.names))
        # spelling-mistake buckets: (length, first letter) and (length, last letter)
        self._fuzzy: dict[tuple[int, str], list[str]] = defaultdict(list)
        for key in self.names:
            if len(key) >= 5:
                self._fuzzy[(len(key), key[0])].append(key)
                self._fuzzy[(len(key), "$" + key[-1])].append(key)

    def _add_commune_key(self, key: str, entry: _Entry, *, stripped: bool) -> None:
        if not key:
            return
        existing = self.names.get(key)
        if existing is not None and existing.priority < 4:
            # a region, département or outside place of that name: it wins over small communes;
            # an outside alias only loses to a sizeable French commune
            top = entry.ref or (entry.candidates[0] if entry.candidates else None)
            if existing.priority == 3 and top is not None and top.population >= 20000:
                pass
            else:
                return
        if existing is not None and existing.priority == 4 and (stripped or not existing.stripped):
            return
        clone = _Entry(entry.ref, entry.candidates, 4, stripped)
        clone.common = key in self.common_words or strip_article(key) in self.common_words
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

    def _commune_entry(self, communes: list[Commune]) -> _Entry:
        ranked = sorted(communes, key=lambda c: -c.population)
        top = ranked[0]
        others = ranked[1:]
        if not others or all(c.region == top.region for c in others):
            return _Entry(self._commune_ref(top), priority=4)
        if all(top.population >= 10 * max(c.population, 1) for c in others):
            return _Entry(self._commune_ref(top), priority=4)
        threshold = top.population / 10
        kept = [c for c in ranked if c.population >= threshold] or ranked
        if len({c.region for c in kept}) == 1:
            return _Entry(self._commune_ref(top), priority=4)
        return _Entry(None, tuple(self._commune_ref(c) for c in kept), priority=4)

    # -- lookup ------------------------------------------------------------------------------

    def find(self, text: str) -> PlaceResult:
        """The place named in ``text``, if any (pure, never raises on any string)."""
        words, capitals = _tokenize(text)
        if not words:
            return _EMPTY
        return (
            self._postal_code(words)
            or self._arrondissement(words)
            or self._names(words, capitals)
            or self._dep_number(words)
            or self._misspelt(words, capitals)
            or _EMPTY
        )

    def _postal_code(self, words: list[str]) -> PlaceResult | None:
        for i, word in enumerate(words):
            if not _POSTAL.match(word):
                continue
            nxt = words[i + 1] if i + 1 < len(words) else ""
            if nxt in UNIT_WORDS or (i > 0 and words[i - 1] in ("n", "no", "numero", "tel", "siret", "siren")):
                continue
            code = word.upper() if word[:2] in ("2a", "2b") else word
            for prefix, ref in self.outside_prefixes:
                if code.startswith(prefix):
                    return PlaceResult(ref, how="code_postal", span=(i, i + 1), matched=code)
            communes = self.postal.get(code)
            if communes:
                commune = communes[0]
                ref = self._commune_ref(commune)
                ref = PlaceRef(ref.kind, ref.name, ref.region, ref.departement, ref.commune, ref.population, code, ref.label)
                return PlaceResult(ref, how="code_postal", span=(i, i + 1), matched=code)
            dep = self._dep_from_postal(code)
            if dep is not None:
                d = self.snapshot.departements[dep]
                ref = PlaceRef("departement", d.name, region=d.region, departement=dep, postal_code=code, label=f"{d.name} ({dep})")
                return PlaceResult(ref, how="code_postal", span=(i, i + 1), matched=code)
        return None

    def _dep_from_postal(self, code: str) -> str | None:
        deps = self.snapshot.departements
        if code.startswith("97") and code[:3] in deps:
            return code[:3]
        if code.startswith("20"):
            return "2A" if code[2] in "01" else "2B"
        return code[:2] if code[:2] in deps and code[:2] not in ("20", "97") else None

    def _arrondissement(self, words: list[str]) -> PlaceResult | None:
        text = " ".join(words)
        match = _ARM.search(text)
        city, number = (match.group(1), match.group(2)) if match else (None, None)
        if match is None:
            match = _ARM_REVERSED.search(text)
            if match is None:
                return None
            number, city = match.group(1), match.group(2)
        prefix, limit = _ARM_LIMITS[city]
        n = int(number)
        if not 1 <= n <= limit:
            return None
        insee = prefix + (f"{n:02d}" if len(prefix) == 3 else str(n))
        commune = self.communes_by_insee.get(insee)
        if commune is None:
            return None
        start = len(text[: match.start()].split())
        return PlaceResult(self._commune_ref(commune), how="nom", span=(start, start + len(match.group(0).split())), matched=match.group(0))

    def _names(self, words: list[str], capitals: list[bool]) -> PlaceResult | None:
        found: list[tuple[int, int, _Entry, str]] = []
        taken = [False] * len(words)
        for size in range(min(self.max_words, len(words)), 0, -1):
            for start in range(len(words) - size + 1):
                if any(taken[start : start + size]):
                    continue
                key = " ".join(words[start : start + size])
                entry = self.names.get(key)
                if entry is None or not self._acceptable(entry, key, words, capitals, start, size):
                    continue
                found.append((start, start + size, entry, key))
                for k in range(start, start + size):
                    taken[k] = True
        if not found:
            return None
        found.sort(key=lambda item: item[0])
        return self._choose(found, words)

    def _in_context(self, words: list[str], start: int) -> bool:
        prev = words[start - 1] if start > 0 else ""
        prev2 = words[start - 2] if start > 1 else ""
        return prev in PLACE_PREPS or (prev in ("le", "la", "les", "l") and prev2 in PLACE_PREPS)

    def _strong_context(self, words: list[str], start: int, entry: _Entry) -> bool:
        """Context strict enough for a name that is also an ordinary word ("à Vers", "dans le Lot")."""
        prev = words[start - 1] if start > 0 else ""
        prev2 = words[start - 2] if start > 1 else ""
        if entry.priority == 4:
            return prev in _STRONG_COMMUNE_PREV
        return prev in _STRONG_AREA_PREV or (prev in ("le", "la", "les", "l") and prev2 in _STRONG_AREA_PREV)

    def _whole(self, words: list[str], start: int, size: int) -> bool:
        rest = words[:start] + words[start + size :]
        return all(w in _GREETINGS for w in rest)

    def _acceptable(self, entry: _Entry, key: str, words: list[str], capitals: list[bool], start: int, size: int) -> bool:
        if key in _STOP or key.isdigit():
            return False
        capital = capitals[start] and start > 0 or (start == 0 and capitals[0] and size == len(words))
        if entry.common or len(key) <= 2:
            # "vers", "lot", "cher", "le port": only where a place is clearly expected
            return capital or self._strong_context(words, start, entry) or self._whole(words, start, size)
        if entry.priority == 4 and size == 1:
            top = entry.ref or entry.candidates[0]
            if top.population < 2000:
                return capital or self._in_context(words, start) or self._whole(words, start, size)
        return True

    def _choose(self, found: list[tuple[int, int, _Entry, str]], words: list[str]) -> PlaceResult:
        results = []
        for start, end, entry, key in found:
            # "dans la Vienne" is the département; "à Vienne" the town, when both exist
            if entry.priority == 2 and key in self.commune_entries:
                commune_entry = self.commune_entries[key]
                prev = words[start - 1] if start > 0 else ""
                top = commune_entry.ref or commune_entry.candidates[0]
                if prev in ("a", "sur") and top.population >= 5000 and entry.ref and top.region != entry.ref.region:
                    entry = commune_entry
            results.append((start, end, entry, key))
        # a single resolved region shared by all: keep the most specific; otherwise the last one
        resolved = [r for r in results if r[2].ref is not None and r[2].ref.kind != "outside"]
        regions = {r[2].ref.region for r in resolved if r[2].ref}
        if resolved and len(regions) == 1 and len(resolved) == len(results):
            order = {"commune": 0, "departement": 1, "region": 2}
            start, end, entry, key = min(resolved, key=lambda r: (order[r[2].ref.kind], -r[0]))  # type: ignore[union-attr]
        elif len(results) > 1 and resolved and len(resolved) < len(results) and any(r[2].ref is None for r in results):
            # an ambiguous name next to a place that settles it ("Saint-Denis, dans le 93")
            start, end, entry, key = results[-1]
            for amb in (r for r in results if r[2].ref is None):
                for cand in amb[2].candidates:
                    if cand.region in regions:
                        return PlaceResult(cand, how="nom", span=(amb[0], amb[1]), matched=amb[3])
        else:
            start, end, entry, key = results[-1]
        if entry.ref is None:
            return PlaceResult(None, entry.candidates, how="nom", span=(start, end), matched=key)
        return PlaceResult(entry.ref, how="nom", span=(start, end), matched=key)

    def _dep_number(self, words: list[str]) -> PlaceResult | None:
        deps = self.snapshot.departements
        for i, word in enumerate(words):
            code = word.upper() if word in ("2a", "2b") else word
            if not (code in deps or (len(code) == 1 and code.isdigit() and "0" + code in deps)):
                continue
            code = "0" + code if len(code) == 1 else code
            prev = words[i - 1] if i > 0 else ""
            nxt = words[i + 1] if i + 1 < len(words) else ""
            if nxt in UNIT_WORDS or prev in NOT_DEP_PREV:
                continue
            if nxt.isdigit():
                continue  # "29 000", a phone number, a date
            short = len(words) <= 3 and all(w in _GREETINGS or w == word for w in words)
            if prev in DEP_PREV or short or (prev in PLACE_PREPS and prev not in ("a",)):
                d = deps[code]
                ref = PlaceRef("departement", d.name, region=d.region, departement=code, label=f"{d.name} ({code})")
                return PlaceResult(ref, how="numero", span=(i, i + 1), matched=word)
        return None

    def _misspelt(self, words: list[str], capitals: list[bool]) -> PlaceResult | None:
        best: tuple[int, int, int, int, str] | None = None  # (distance, -population, start, end, key)
        short_message = len([w for w in words if w not in _GREETINGS]) <= 3
        for start in range(len(words)):
            if not (short_message or self._in_context(words, start) or (capitals[start] and start > 0)):
                continue
            for size in range(1, min(4, len(words) - start) + 1):
                key = " ".join(words[start : start + size])
                if len(key) < 6 or key in self.near_words or words[start] in _STOP:
                    continue
                if any(w.isdigit() for w in words[start : start + size]):
                    break
                match = self._closest(key)
                if match is None:
                    continue
                name, distance = match
                entry = self.names[name]
                top = entry.ref or entry.candidates[0]
                candidate = (distance, -top.population, start, start + size, name)
                if best is None or candidate[:2] < best[:2]:
                    best = candidate
        if best is None:
            return None
        _, _, start, end, name = best
        entry = self.names[name]
        if entry.ref is None:
            return PlaceResult(None, entry.candidates, how="faute", span=(start, end), matched=name)
        return PlaceResult(entry.ref, how="faute", span=(start, end), matched=name)

    def _closest(self, key: str) -> tuple[str, int] | None:
        pool: set[str] = set()
        for length in range(len(key) - _MAX_FUZZY, len(key) + _MAX_FUZZY + 1):
            pool.update(self._fuzzy.get((length, key[0]), ()))
            pool.update(self._fuzzy.get((length, "$" + key[-1]), ()))
        if not pool:
            return None
        matches = process.extract(key, pool, scorer=OSA.distance, score_cutoff=_MAX_FUZZY, limit=8)
        if not matches:
            return None
        best_distance = min(m[1] for m in matches)
        closest = [m[0] for m in matches if m[1] == best_distance]

        def weight(name: str) -> tuple[int, int]:
            entry = self.names[name]
            top = entry.ref or entry.candidates[0]
            return (entry.priority if entry.priority < 4 else 4, -top.population)

        closest.sort(key=weight)
        return closest[0], int(best_distance)

    # -- location ------------------------------------------------------------------------------

    @staticmethod
    def _cell(lat: float, lon: float) -> tuple[int, int]:
        return (math.floor(lat * 5), math.floor(lon * 5))  # 0.2 degree cells

    def locate(self, lat: float, lon: float) -> PlaceResult:
        """The nearest commune to a point, or an outside place when none is within 30 km."""
        if not (-90 <= lat <= 90 and -180 <= lon <= 180):
            return PlaceResult(PlaceRef("outside", "ce point", label="ce point"), how="localisation")
        cy, cx = self._cell(lat, lon)
        best: tuple[float, Commune] | None = None
        for dy in range(-2, 3):
            for dx in range(-2, 3):
                for commune in self._points.get((cy + dy, cx + dx), ()):
                    d = _haversine(lat, lon, commune.lat, commune.lon)  # type: ignore[arg-type]
                    if best is None or d < best[0]:
                        best = (d, commune)
        if best is None or best[0] > _FAR_KM:
            return PlaceResult(PlaceRef("outside", "ce point", label="ce point"), how="localisation")
        return PlaceResult(self._commune_ref(best[1]), how="localisation")


def _haversine(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lon2 - lon1)
    a = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 6371.0 * 2 * math.asin(math.sqrt(min(1.0, a)))
