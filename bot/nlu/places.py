"""Find the place in a message: region, département, commune, postal code, location.

The index is built once per knowledge snapshot; :meth:`PlaceIndex.find` is a pure function of
the text. Strategy:

1. a postal code anywhere ("29200", "20090" -> Corse-du-Sud, "97411");
2. a municipal arrondissement ("Paris 15e", "dans le 9eme a lyon");
3. otherwise every possible mention is collected and weighed:
   - exact names (n-grams of folded words, longest first; "au Havre" is read "le Havre");
   - département numbers phrased as a place ("dans le 29", "le 9-3", "département 13"), never an
     age, a duration or a count;
   - spelling mistakes (one or two edits in names of six letters or more, only where a place
     may be: after a preposition, at the start of a clause, with a capital letter...).

   A name that is also an ordinary word ("Tours", "Valence", "la Côte") needs more evidence
   than a name that is not. Each mention gets a strength (how sure it is a place) and a role
   (where the person lives scores higher than where they work or a landmark "à côté de").
   The strongest mention wins (the earliest on a tie); a consistent, more precise mention
   refines it ("Valence, dans la Drôme" -> the commune; "la Réunion 974" -> the département),
   and a place of the same region settles an ambiguous name ("Saint-Denis, dans le 93").
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


def _words(text: str) -> frozenset[str]:
    return frozenset(text.split())


ARTICLES = _words("le la les l")
# Words after which a name is expected to be a place (weak evidence).
PLACE_PREPS = _words(
    "a au aux sur vers dans en pres proche chez habite habites habitons habitez habitent vis vit vivons "
    "reside residons residez residant residante base basee bases basees situe situee secteur cote coin "
    "region departement commune ville agglo agglomeration banlieue metropole"
)
# Verbs of residence and origin: "j'habite (à) X", "je vis à X", "je suis de X".
RESIDENCE = _words(
    "habite habites habitons habitez habitent habitant habitante vis vit vivons vivez vivent vivant reside "
    "residons residez resident residant residante demeure demeurons installe installee installes installees "
    "domicilie domiciliee base basee bases basees situe situee loge logee"
)
ORIGIN = _words("suis sommes viens venons originaire originaires natif native ne nee")
# Nouns after which "de X" names a place: "la mairie de Rennes", "la banlieue de Lyon".
PLACE_NOUNS = _words(
    "ville commune mairie region departement secteur coin agglo agglomeration banlieue metropole environs "
    "alentours cote pres proche loin centre nord sud est ouest bassin pays prefecture hopital chu gare "
    "quartier campagne peripherie communaute arrondissement canton"
)
# Nouns directly followed by the name: "ville Rennes", "région Bretagne".
PLACE_HEADS = _words("ville commune region departement dept dpt secteur agglo metropole")
# Area (region, département) context: "dans le Lot", "en Creuse", "du Nord".
AREA_PREPS = _words("dans en departement region du sur vers a au habite vis vit reside coin secteur pres proche")
# "à côté de X", "près de X", "vers X": X is a landmark rather than where one lives.
LANDMARK = _words("cote pres proche loin vers autour environs alentours limite frontiere direction")
WORK = _words("bosse bossons travaille travaillons taffe taff boulot job taf travail emploi poste mission missions stage boite entreprise")
PAST = _words("avant ancien ancienne anciennement etais etait etions grandi ne nee originaire autrefois quitte demenage vivais habitais")
PRESENT = _words("maintenant aujourd actuellement desormais depuis dorenavant")
# Before a number, words that make it a département ("dans le 29", "département 13").
DEP_PREV = _words("le du departement departements dept dpt dep depart l")
# A status just before a number that ends the message: "salarié 29", "auto-entrepreneur, 13".
STATUS_PREV = frozenset(
    "salarie salariee salaries salariees cdi cdd interim interimaire independant independante auto entrepreneur "
    "entrepreneuse autoentrepreneur microentrepreneur freelance artisan artisane commercant commercante cadre "
    "fonctionnaire agent chomage chomeur chomeuse emploi apprenti apprentie alternant alternante liberal liberale "
    "rqth".split()
)
# Before a number, words that make it an age, a duration or a count.
NOT_DEP_PREV = _words(
    "ai a as avons avez ont depuis pendant durant de des environ plus moins pres fois sur x par ou et les mes "
    "tes ses nos vos leurs ces entre bac niveau age agee ans n no numero tel siret siren echelon indice "
    "categorie grade coefficient cat classe code sommes etes sont etions serons etaient"
)
# After a number, words that make it anything but a place.
UNIT_WORDS = _words(
    "an ans annee annees mois jour jours j semaine semaines sem heure heures h hr min minute minutes "
    "enfant enfants gosses gamins fois euro euros eur e k ke keur km kilometres pourcent pct salarie salaries "
    "personne personnes employes collegues ans000 000 smic brut net nets bruts points pts printemps balais "
    "janvier fevrier mars avril mai juin juillet aout septembre octobre novembre decembre er eme e ieme "
    "ados ado filles fils bebes petits kilos kg m2 metres cdd cdi contrats postes boulots jobs ecoles fois "
    "candidatures entretiens refus reponses rdv rendez x"
)
DIGIT_WORDS = {"zero": "0", "un": "1", "deux": "2", "trois": "3", "quatre": "4", "cinq": "5", "six": "6", "sept": "7", "huit": "8", "neuf": "9"}
_STOP = _words(
    "a au aux le la les l un une des de du d et ou je j tu il elle on nous vous ils elles me m te t se s "
    "mon ma mes ton ta tes son sa ses en y ne n pas plus que qu qui quoi est suis es sommes etes sont "
    "ai as avons avez ont ce c cette ces pour par sur dans avec sans chez vers mais donc or ni car si "
    "oui non bonjour salut merci svp stp bonsoir hello coucou cep ok"
)
# Words that may surround a name in a message that is nothing but the place ("moi c'est Lyon").
FILLER = _words(
    "bonjour salut bonsoir hello coucou merci svp stp slt bjr cc re je j suis jsuis chui moi c est ca "
    "j habite habites habitons vis vit a au aux en dans le la les l sur pres de du d vers oui non voila "
    "ici ville commune region departement dept secteur coin on nous sommes ma mon mes chez nous perso "
    "actuellement maintenant aujourd hui toujours alors bah ben euh hein donc sinon svp merci beaucoup "
    "ok okay dacc daccord vivons reside"
)
# Words never corrected into a place: frequent in messages, absent from the dictionary.
NOT_PLACES = _words(
    "france travail master masters manager freelance freelances startup burnout burn bonjour bonsoir "
    "salariee salaries salariees merci jsuis reconversion entretien accompagnement conseiller conseillere "
    "formation formations interimaire interim alternance alternant alternante apprenti apprentie "
    "informatique auto entrepreneur entrepreneuse micro independant independante fonctionnaire "
    "contractuel contractuelle handicap handicape rqth chomage chomdu chomeur chomeuse demandeur "
    "demandeuse emploi boulot taff dispositif dispositifs conseil evolution professionnelle cadres "
    "teletravail visio telephone quelqu quelque pourrais voudrais aimerais souhaiterais "
    "franchement actuellement vraiment comment combien pourquoi quand"
)
_ARM_NUMBER = r"(\d{1,2}|[ivx]{1,5})"
_ARM_SUFFIX = r"(?:e|eme|ieme|er|ere|em|me|eme)"
_ARM = re.compile(rf"\b(paris|lyon|marseille) {_ARM_NUMBER} ?(?:{_ARM_SUFFIX})?(?: arrondissement| arr| arrdt)?\b")
_ARM_REVERSED = re.compile(
    rf"\b{_ARM_NUMBER} ?(?:(?:{_ARM_SUFFIX})(?: arrondissement| arr| arrdt)?|arrondissement|arr|arrdt)"
    r" (?:de |a |sur |dans |du )?(?:l )?(paris|lyon|marseille)\b"
)
_ARM_LIMITS = {"paris": ("751", 20), "lyon": ("6938", 9), "marseille": ("132", 16)}
_ROMAN = {"i": 1, "v": 5, "x": 10}
_POSTAL = re.compile(r"^(?:\d{5}|2[ab]\d{3})$")
_CLAUSE_BREAK = re.compile(r"[,;:.!?()\[\]\n/]|\s-\s")
_FAR_KM = 30.0
_FUZZY_MIN_POP = 2000  # communes smaller than this are not corrected into
_KIND_ORDER = {"commune": 0, "departement": 1, "region": 2, "outside": 3}


def _word_list(name: str) -> frozenset[str]:
    data = resources.files("bot.nlu").joinpath("data", name).read_bytes()
    lines = gzip.decompress(data).decode("utf-8").splitlines()
    return frozenset(line for line in lines if line and not line.startswith("#"))


@dataclass(slots=True)
class _Tokens:
    words: list[str]
    capitals: list[bool]
    clause_start: list[bool]


def _tokenize_full(text: str) -> _Tokens:
    """Folded words, whether each was written with a capital, and whether it starts a clause."""
    words: list[str] = []
    capitals: list[bool] = []
    starts: list[bool] = []
    last_end = 0
    for match in re.finditer(r"[^\W_]+", text):
        raw = match.group()
        folded = fold(raw)
        if not folded:
            continue
        gap = text[last_end : match.start()]
        last_end = match.end()
        new_clause = not words or bool(_CLAUSE_BREAK.search(gap))
        capital = (unicodedata.category(raw[0]) == "Lu" and not raw.isupper()) or (raw.isupper() and len(raw) > 1)
        for k, part in enumerate(folded.split()):
            words.append(part)
            capitals.append(capital and k == 0)
            starts.append(new_clause and k == 0)
    return _Tokens(words, capitals, starts)


def _tokenize(text: str) -> tuple[list[str], list[bool]]:
    """Folded words and, for each, whether it was written with a capital letter."""
    tokens = _tokenize_full(text)
    return tokens.words, tokens.capitals


@dataclass(slots=True)
class _Entry:
    ref: PlaceRef | None  # None when ambiguous
    candidates: tuple[PlaceRef, ...] = ()
    priority: int = 0  # region 0, ambiguous alias 1, departement 2, outside 3, commune 4
    stripped: bool = False  # reached by dropping a leading article ("havre")
    common: bool = False  # also an ordinary French word

    @property
    def top(self) -> PlaceRef:
        return self.ref if self.ref is not None else self.candidates[0]

    @property
    def area(self) -> bool:
        return self.priority < 4


@dataclass(slots=True)
class _Mention:
    start: int
    end: int
    entry: _Entry
    key: str
    how: str
    strength: float
    role: float = 0.0
    loose: bool = False  # a bare number: only refines another mention

    @property
    def score(self) -> float:
        return self.strength + self.role


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

        def add(key: str, entry: _Entry) -> None:
            if not key:
                return
            # a name of several words is an ordinary phrase only for communes ("entre deux")
            entry.common = self._is_common(key) and " " not in strip_article(key)
            old = self.names.get(key)
            if old is None or (old.stripped and not entry.stripped) or (old.stripped == entry.stripped and entry.priority < old.priority):
                self.names[key] = entry

        def add_all(names: tuple[str, ...], make: object) -> None:
            for name in names:
                folded = fold(name)
                for key, stripped in ((folded, False), (strip_article(folded), True)):
                    add(key, make(stripped))  # type: ignore[operator]
                    # "pays de la loire" is also written "pays de loire"
                    inner = re.sub(r" (?:de la|de l|du|des) ", " de ", f" {key} ").strip()
                    if inner != key and " " in inner:
                        add(inner, make(True))  # type: ignore[operator]

        for code, region in regions.items():
            ref = region_ref(code)
            add_all((region.name, *region.aliases), lambda stripped, ref=ref: _Entry(ref, priority=0, stripped=stripped))
        for alias in snap.ambiguous_aliases:
            cands = tuple(region_ref(code) for code in alias.regions if code in regions)
            add_all((alias.alias,), lambda stripped, cands=cands: _Entry(None, cands, priority=1, stripped=stripped))
        for code, dep in deps.items():
            ref = self._dep_ref(code)
            add_all((dep.name, *dep.aliases), lambda stripped, ref=ref: _Entry(ref, priority=2, stripped=stripped))
        for out in snap.outside:
            ref = PlaceRef("outside", out.name, label=out.name)
            add_all((out.name, *out.aliases), lambda stripped, ref=ref: _Entry(ref, priority=3, stripped=stripped))
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
        # spelling mistakes: names of six letters or more, by (words, length, first or last letter)
        self._fuzzy: dict[tuple[int, int, str], list[str]] = defaultdict(list)
        for key, entry in self.names.items():
            letters = len(key.replace(" ", ""))
            if letters < 6 or entry.stripped:
                continue
            if not entry.area and entry.top.population < _FUZZY_MIN_POP:
                continue
            n = len(key.split())
            self._fuzzy[(n, len(key), key[0])].append(key)
            self._fuzzy[(n, len(key), "$" + key[-1])].append(key)
        self._pool_cache: dict[tuple[int, int, str, str], tuple[str, ...]] = {}

    def _is_common(self, key: str) -> bool:
        """A name that is also ordinary French: "vers", "la côte", "entre deux"."""
        if key in self.common_words:
            return True
        return key in self.common_words or strip_article(key) in self.common_words

    def _dep_ref(self, code: str) -> PlaceRef:
        dep = self.snapshot.departements[code]
        return PlaceRef("departement", dep.name, region=dep.region, departement=code, label=f"{dep.name} ({code})")

    def _add_commune_key(self, key: str, entry: _Entry, *, stripped: bool) -> None:
        if not key:
            return
        existing = self.names.get(key)
        if existing is not None and existing.priority < 4:
            # a region, département or outside place of that name: it wins over small communes;
            # an outside alias only loses to a sizeable French commune
            if existing.priority == 3 and entry.top.population >= 20000:
                pass
            else:
                return
        if existing is not None and existing.priority == 4 and (stripped or not existing.stripped):
            return
        clone = _Entry(entry.ref, entry.candidates, 4, stripped)
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
        tokens = _tokenize_full(text[:4096])
        words = tokens.words
        if not words:
            return _EMPTY
        found = self._postal_code(words) or self._arrondissement(words)
        if found is not None:
            return found
        mentions = self._names(tokens)
        mentions.extend(self._dep_numbers(words, mentions))
        firm = [m for m in mentions if not m.loose]
        if not firm or max(m.score for m in firm) < 3.0 or max(m.strength for m in firm) < 3.0 or all(m.entry.area for m in firm):
            mentions.extend(self._misspelt(tokens, mentions))
        return self._choose(mentions, words)

    # postal codes and arrondissements

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
        if code.startswith("97"):
            return code[:3] if code[:3] in deps else None
        if code.startswith("20"):
            return "2A" if code[2] in "01" else "2B"
        return code[:2] if code[:2] in deps else None

    def _arrondissement(self, words: list[str]) -> PlaceResult | None:
        text = " ".join(words)
        if "paris" not in text and "lyon" not in text and "marseille" not in text:
            return None
        match = _ARM.search(text)
        if match is not None:
            city, number = match.group(1), match.group(2)
        else:
            match = _ARM_REVERSED.search(text)
            if match is None:
                return None
            number, city = match.group(1), match.group(2)
        n = int(number) if number.isdigit() else _roman(number)
        prefix, limit = _ARM_LIMITS[city]
        if n is None or not 1 <= n <= limit:
            return None
        if match.re is _ARM:
            after = text[match.end() :].split()
            if after and after[0] in UNIT_WORDS and not match.group(0).endswith(("e", "er", "eme", "arrondissement", "arr")):
                return None  # "Paris 2 ans", "Lyon 3 jours"
        insee = prefix + (f"{n:02d}" if len(prefix) == 3 else str(n))
        commune = self.communes_by_insee.get(insee)
        if commune is None:
            return None
        start = len(text[: match.start()].split())
        return PlaceResult(self._commune_ref(commune), how="nom", span=(start, start + len(match.group(0).split())), matched=match.group(0))

    # exact names

    def _context(self, words: list[str], start: int) -> tuple[int, bool]:
        """(evidence that a place follows: 0 none, 1 a preposition, 2 residence or a place noun; article before)."""
        prev = words[start - 1] if start > 0 else ""
        prev2 = words[start - 2] if start > 1 else ""
        prev3 = words[start - 3] if start > 2 else ""
        article = prev in ARTICLES
        if article:
            prev, prev2 = prev2, prev3
        if prev in RESIDENCE or prev in PLACE_HEADS:
            return 2, article
        if prev in ("a", "au", "aux", "en", "sur", "dans", "vers", "pres", "chez") and (prev2 in RESIDENCE or prev2 in ("suis", "sommes", "est", "es", "etes")):
            return 2, article
        if prev in ("de", "d", "du", "des") and (prev2 in PLACE_NOUNS or prev2 in ORIGIN or prev2 in RESIDENCE):
            return 2, article
        if prev in PLACE_PREPS:
            return 1, article
        return 0, article

    def _role(self, words: list[str], starts: list[bool], start: int) -> float:
        """Where the person lives (+) rather than works, used to live, or a landmark (-)."""
        role = 0.0
        lo = start
        while lo > 0 and start - lo < 6 and not starts[lo]:
            lo -= 1
        before = words[lo:start]
        near = words[max(lo, start - 3) : start]
        if any(w in RESIDENCE for w in before):
            role += 1.0
        elif any(w in WORK for w in before):
            role -= 1.0
        if any(w in PAST for w in before):
            role -= 0.75
        elif any(w in PRESENT for w in before):
            role += 0.25
        if any(w in LANDMARK for w in near):
            role -= 0.75
        return role

    def _whole(self, words: list[str], start: int, end: int) -> bool:
        return all(w in FILLER for w in words[:start]) and all(w in FILLER for w in words[end:])

    def _names(self, tokens: _Tokens) -> list[_Mention]:
        words, capitals, starts = tokens.words, tokens.capitals, tokens.clause_start
        found: list[_Mention] = []
        taken = [False] * len(words)
        n = len(words)
        for size in range(min(self.max_words, n), 0, -1):
            for start in range(n - size + 1):
                if any(taken[start : start + size]):
                    continue
                key = " ".join(words[start : start + size])
                entry = self.names.get(key)
                lead = start
                prev = words[start - 1] if start > 0 else ""
                if prev in ("au", "aux", "du", "des") and not taken[start - 1]:
                    # "au Havre" is "le Havre", "aux Lilas" "les Lilas"
                    article = "le " if prev in ("au", "du") else "les "
                    with_article = self.names.get(article + key)
                    if with_article is not None and not with_article.stripped:
                        entry, key, lead = with_article, article + key, start - 1
                if entry is None:
                    continue
                strength = self._accept(entry, key, tokens, start, start + size, lead)
                if strength is None:
                    continue
                found.append(_Mention(lead, start + size, entry, key, "nom", strength, self._role(words, starts, lead)))
                for k in range(lead, start + size):
                    taken[k] = True
        del capitals
        return found

    def _accept(self, entry: _Entry, key: str, tokens: _Tokens, start: int, end: int, lead: int) -> float | None:
        """How sure ``key`` at ``start:end`` is a place (None: it is not)."""
        words, capitals, starts = tokens.words, tokens.capitals, tokens.clause_start
        if key in _STOP or key.isdigit():
            return None
        size = end - start
        level, article = self._context(words, lead)
        capital = capitals[start] and not (start == 0 and not article)
        if lead != start:
            level = max(level, 1)
        whole = self._whole(words, lead, end)
        clause_start = starts[lead] or (article and lead > 0 and starts[lead - 1])
        nxt = words[end] if end < len(words) else ""
        followed_by_de = nxt in ("de", "d", "du", "des") and size == 1
        top = entry.top
        if entry.area:
            if not entry.common and len(key) > 3:
                return 3.0
            if followed_by_de and not capital and not whole:
                return None  # "la somme de", "le lot de"
            if capital or whole:
                return 3.0
            before = words[lead - 1] if lead > 0 else ""
            if before in ARTICLES:
                before = words[lead - 2] if lead > 1 else ""
            if before in AREA_PREPS:
                return 3.0
            if clause_start and (article or end == len(words) or starts[end]):
                return 2.5  # "le Jura, on a...", "Calvados, côte fleurie"
            return None
        pop = top.population
        base = 3.0 if pop >= 20000 else 2.5 if pop >= 2000 else 2.0
        if entry.stripped and not capital and not whole and level < 1:
            if pop < 20000 or entry.common:
                return None
        if entry.common:
            if followed_by_de and not capital and not whole:
                return None  # "à côté de", "en face de"
            if capital or whole or level >= 2:
                return base
            if pop >= 20000 and level >= 1:
                return base
            if pop >= 10000 and clause_start and (level >= 1 or not nxt or nxt not in ("de", "d")):
                return base - 0.25
            return None
        if size == 1 and pop < 2000:
            if capital or whole or level >= 1:
                return base
            return None
        if size == 1 and len(key) <= 3 and not (capital or whole or level >= 1):
            return None
        return base

    # département numbers

    def _dep_numbers(self, words: list[str], mentions: list[_Mention]) -> list[_Mention]:
        deps = self.snapshot.departements
        out: list[_Mention] = []
        ends = {m.end for m in mentions}
        taken = {k for m in mentions for k in range(m.start, m.end)}
        i = 0
        while i < len(words):
            word = words[i]
            span = 1
            code: str | None = None
            if word in ("2a", "2b"):
                code = word.upper()
            elif word.isdigit() and 1 <= len(word) <= 3:
                code = word if len(word) > 1 else "0" + word
            elif word in DIGIT_WORDS and i + 1 < len(words) and words[i + 1] in DIGIT_WORDS:
                code = DIGIT_WORDS[word] + DIGIT_WORDS[words[i + 1]]  # "le neuf trois", "le sept sept"
                span = 2
                if i == 0 or words[i - 1] not in DEP_PREV:
                    code = None
            if code is None or code not in deps or i in taken:
                i += 1
                continue
            prev = words[i - 1] if i > 0 else ""
            prev2 = words[i - 2] if i > 1 else ""
            nxt = words[i + span] if i + span < len(words) else ""
            if nxt in UNIT_WORDS or nxt.isdigit() or prev in NOT_DEP_PREV or (prev in ARTICLES and prev2 in NOT_DEP_PREV):
                i += span
                continue
            if prev in ("le", "l", "du") and prev2 in ("a", "avant", "apres", "pour", "jusqu", "depuis", "du", "au", "partir", "vers", "fin", "debut", "mi", "ce", "dici", "d"):
                i += span
                continue  # "à partir du 12", "avant le 15": a date
            if nxt == "au" and i + span + 1 < len(words) and words[i + span + 1].isdigit():
                i += span
                continue  # "du 15 au 20"
            entry = _Entry(self._dep_ref(code), priority=2)
            short = all(w in FILLER for w in words[:i]) and all(w in FILLER for w in words[i + span :])
            if prev in DEP_PREV or short or prev in ("dans", "en", "habite", "vis", "secteur", "coin", "region"):
                out.append(_Mention(i, i + span, entry, word, "numero", 3.0, 0.0))
            elif i in ends or (prev in ("en", "dans") and i - 1 in ends):
                out.append(_Mention(i, i + span, entry, word, "numero", 1.0, 0.0, loose=True))  # "Mâcon 71"
            elif prev in STATUS_PREV and (not nxt or nxt in FILLER):
                out.append(_Mention(i, i + span, entry, word, "numero", 2.0, 0.0))  # "salarié 29"
            i += span
        return out

    # spelling mistakes

    def _misspelt(self, tokens: _Tokens, mentions: list[_Mention]) -> list[_Mention]:
        words, capitals, starts = tokens.words, tokens.capitals, tokens.clause_start
        spans = [(m.start, m.end) for m in mentions]
        content = [w for w in words if w not in FILLER]
        short_message = len(content) <= 3
        best: tuple[tuple[float, ...], _Mention] | None = None
        for start in range(len(words)):
            first = words[start]
            if first in _STOP or first in FILLER or first.isdigit():
                continue
            level, _article = self._context(words, start)
            if not (short_message or level >= 1 or capitals[start] or starts[start]):
                continue
            for size in range(1, min(4, len(words) - start) + 1):
                end = start + size
                chunk = words[start:end]
                if any(w.isdigit() for w in chunk):
                    break
                # a correction may cover an exact mention only if it is strictly longer ("clermont ferant")
                if any(a < end and start < b and not (start <= a and b <= end and end - start > b - a) for a, b in spans):
                    continue
                if chunk[-1] in _STOP:
                    continue
                key = " ".join(chunk)
                letters = len(key) - size + 1
                if letters < 6 or key in self.names:
                    continue
                if size == 1 and (key in self.common_words or key in NOT_PLACES or (key in self.near_words and level < 2)):
                    continue
                match = self._closest(key)
                if match is None:
                    continue
                name, distance = match
                entry = self.names[name]
                strength = (3.0 if entry.area or entry.top.population >= 20000 else 2.5) - 0.5 * distance
                mention = _Mention(start, end, entry, name, "faute", strength, self._role(words, starts, start))
                rank = (-distance, size, -entry.priority if entry.area else -4, entry.top.population)
                if best is None or rank > best[0]:
                    best = (rank, mention)
        return [best[1]] if best is not None else []

    def _pool(self, n: int, length: int, first: str, last: str) -> tuple[str, ...]:
        cache_key = (n, length, first, last)
        pool = self._pool_cache.get(cache_key)
        if pool is None:
            items: set[str] = set()
            for k in range(length - 2, length + 3):
                items.update(self._fuzzy.get((n, k, first), ()))
                items.update(self._fuzzy.get((n, k, "$" + last), ()))
            pool = tuple(sorted(items))
            if len(self._pool_cache) < 50000:
                self._pool_cache[cache_key] = pool
        return pool

    def _closest(self, key: str) -> tuple[str, int] | None:
        """The name within the allowed edits of ``key`` (same words count, short words exact)."""
        parts = key.split()
        pool = self._pool(len(parts), len(key), key[0], key[-1])
        if not pool:
            return None
        matches = process.extract(key, pool, scorer=OSA.distance, score_cutoff=2, limit=12)
        good: list[tuple[int, int, int, str]] = []
        for name, distance, _ in matches:
            distance = int(distance)
            if distance == 0:
                continue
            name_parts = name.split()
            if any((len(a) <= 3 or len(b) <= 3) and a != b for a, b in zip(parts, name_parts, strict=False)):
                continue  # "aix en provance" may be corrected, "ca coute" is not "la comte"
            entry = self.names[name]
            letters = len(name) - len(name_parts) + 1
            pop = entry.top.population
            allowed = 2 if (letters >= 9 or entry.area or pop >= 10000) else 1
            if distance > allowed:
                continue
            if distance == 2 and letters < 8 and key[0] != name[0]:
                continue
            good.append((distance, entry.priority if entry.area else 4, -pop, name))
        if not good:
            return None
        good.sort()
        distance, _, _, name = good[0]
        return name, distance

    # choice

    def _choose(self, mentions: list[_Mention], words: list[str]) -> PlaceResult:
        if not mentions:
            return _EMPTY
        mentions = [self._vienne_rule(m, words) for m in mentions]
        fixes = [m for m in mentions if m.how == "faute"]
        if fixes:
            mentions = [m for m in mentions if m.how == "faute" or not any(f.start <= m.start and m.end <= f.end for f in fixes)]
        firm = [m for m in mentions if not m.loose]
        if not firm:
            return _EMPTY
        primary = max(firm, key=lambda m: (m.score, -m.start))
        if primary.entry.ref is not None and primary.entry.ref.kind == "outside":
            # living abroad but working in France (or the reverse): the service covers the
            # French side ("je vis à Genève et je travaille à Annemasse")
            french = [m for m in firm if m.entry.ref is not None and m.entry.ref.kind != "outside"]
            if french:
                primary = max(french, key=lambda m: (m.score, -m.start))
        # an ambiguous name settled by another place of one of its regions
        if primary.entry.ref is None:
            regions = {m.entry.ref.region for m in mentions if m is not primary and m.entry.ref is not None}
            for cand in primary.entry.candidates:
                if cand.region in regions:
                    return PlaceResult(cand, how=primary.how, span=(primary.start, primary.end), matched=primary.key)
            return PlaceResult(None, primary.entry.candidates, how=primary.how, span=(primary.start, primary.end), matched=primary.key)
        ref = primary.entry.ref
        chosen = primary
        if ref.kind != "outside":
            # a consistent, more precise mention refines it
            for m in mentions:
                other = m.entry.ref
                if m is primary or other is None or other.kind == "outside" or other.region != ref.region:
                    continue
                if _KIND_ORDER[other.kind] >= _KIND_ORDER[chosen.entry.ref.kind]:  # type: ignore[union-attr]
                    continue
                current = chosen.entry.ref
                if current.departement is not None and other.departement != current.departement:  # type: ignore[union-attr]
                    continue
                if m.loose and not (m.start == primary.end or m.start == primary.end + 1):
                    continue
                if not m.loose and m.score < primary.score - 1.5:
                    continue
                chosen = m
            ref = self._commune_for_dep(chosen, words) if chosen.entry.ref.kind == "departement" else chosen.entry.ref  # type: ignore[union-attr]
        return PlaceResult(ref, how=chosen.how, span=(chosen.start, chosen.end), matched=chosen.key)

    def _vienne_rule(self, m: _Mention, words: list[str]) -> _Mention:
        """"dans la Vienne" is the département; "à Vienne" the town, when both exist."""
        if m.entry.priority != 2 or m.key not in self.commune_entries or m.how != "nom":
            return m
        commune_entry = self.commune_entries[m.key]
        top = commune_entry.top
        prev = words[m.start - 1] if m.start > 0 else ""
        dep = m.entry.ref
        if dep is None:
            return m
        if prev in ("a", "sur") and top.population >= 5000 and top.region != dep.region:
            return _Mention(m.start, m.end, commune_entry, m.key, m.how, m.strength, m.role)
        return m

    def _commune_for_dep(self, m: _Mention, words: list[str]) -> PlaceRef:
        """"Paris", "à Belfort": the commune that shares its département's name, unless the area is meant."""
        ref = m.entry.ref
        assert ref is not None
        if m.how != "nom":
            return ref
        commune_entry = self.commune_entries.get(strip_article(m.key)) or self.commune_entries.get(m.key)
        if commune_entry is None or commune_entry.ref is None or commune_entry.ref.departement != ref.departement:
            return ref
        prev = words[m.start - 1] if m.start > 0 else ""
        prev2 = words[m.start - 2] if m.start > 1 else ""
        if prev in ("dans", "en", "departement", "du", "dept", "region") or (prev in ARTICLES and prev2 in ("dans", "departement", "du")):
            return ref
        return commune_entry.ref

    # -- location ------------------------------------------------------------------------------

    @staticmethod
    def _cell(lat: float, lon: float) -> tuple[int, int]:
        return (math.floor(lat * 5), math.floor(lon * 5))  # 0.2 degree cells

    def locate(self, lat: float, lon: float) -> PlaceResult:
        """The nearest commune to a point, or an outside place when none is within 30 km."""
        if not (-90 <= lat <= 90 and -180 <= lon <= 180):
            return PlaceResult(PlaceRef("outside", "ce point", label="ce point"), how="localisation")
        for out in self.snapshot.outside:
            if out.contains(lat, lon):  # Monaco, Andorra: next to French communes, yet outside
                return PlaceResult(PlaceRef("outside", out.name, label=out.name), how="localisation")
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


def _roman(text: str) -> int | None:
    total = 0
    values = [_ROMAN.get(ch) for ch in text]
    if any(v is None for v in values):
        return None
    for k, value in enumerate(values):
        assert value is not None
        nxt = values[k + 1] if k + 1 < len(values) else 0
        total += -value if nxt and nxt > value else value
    return total


def _haversine(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lon2 - lon1)
    a = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 6371.0 * 2 * math.asin(math.sqrt(min(1.0, a)))
