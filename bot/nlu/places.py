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

import enum
import math
import re
from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from itertools import chain
from typing import TYPE_CHECKING

from rapidfuzz import process
from rapidfuzz.distance import OSA

from bot.nlu.place_abbrev import SHORT_JOINS
from bot.nlu.place_accept import (
    LEVEL_NONE,
    LEVEL_PREPOSITION,
    LEVEL_RESIDENCE,
    Evidence,
    area_strength,
    commune_strength,
)
from bot.nlu.place_index import PlaceTables
from bot.nlu.place_lists import PhraseSet, pick_by_size
from bot.nlu.place_model import (
    CLOSEST_CACHE_SIZE,
    COMPOUND_MAX_POP,
    CONF_ARRONDISSEMENT_ONLY,
    CONF_CONSISTENT,
    CONF_FIX_PER_EDIT,
    CONF_HEAD,
    CONF_KNOWN,
    CONF_LOCATION,
    CONF_NAME,
    CONF_NAME_WEAK,
    CONF_NAME_WEAKEST,
    CONF_POSTAL,
    CONF_REFINED,
    CONFIRM_BELOW,
    EMPTY,
    FAIR,
    FIX_HOWS,
    FUZZY_MIN_LETTERS,
    FUZZY_MIN_LETTERS_AREA,
    HOW_CONFIDENCE,
    LARGE_TOWN,
    LOOSE_STRENGTH,
    MIDSIZE_TOWN,
    SHORT_FUZZY_MIN_POP,
    STATUS_NUMBER_STRENGTH,
    STRENGTH_PER_EDIT,
    STRONG,
    VIENNE_TOWN_MIN_POP,
    WEAK_STRENGTH,
    Entry,
    PlaceRef,
    PlaceResult,
    Priority,
)
from bot.nlu.place_text import (
    AREA_PREPS,
    ARTICLES,
    COUNTRY_JOINS,
    DATE_ARTICLES,
    DATE_PREV,
    DE_WORDS,
    DEP_PLACE_PREV,
    DEP_PREV,
    DIGIT_WORDS,
    FILLER,
    IN_WORDS,
    LANDMARK,
    NAME_JOINS,
    NOT_DEP_PREV,
    NOT_PLACES,
    ORIGIN,
    PAST,
    PLACE_HEADS,
    PLACE_NOUNS,
    PLACE_PREPS,
    PRESENT,
    RESIDENCE,
    SKIPPABLE,
    STATUS_PREV,
    STOP_WORDS,
    UNIT_WORDS,
    WORK,
    Tokens,
    tokenize,
    tokenize_full,
)
from bot.textnorm import strip_article

if TYPE_CHECKING:
    from bot.kb.model import Commune, Snapshot

__all__ = ["CONFIRM_BELOW", "PlaceIndex", "PlaceRef", "PlaceResult"]

_tokenize = tokenize  # understand.py reads words with the place reader's tokenizer

_ARM_NUMBER = r"(\d{1,2}|[ivx]{1,5})"
_ARM_SUFFIX = r"(?:e|eme|ieme|er|ere|em|me|eme)"
_ARM = re.compile(rf"\b(paris|lyon|marseille) {_ARM_NUMBER} ?(?:{_ARM_SUFFIX})?(?: arrondissement| arr| arrdt)?\b")
_ARM_REVERSED = re.compile(
    rf"\b{_ARM_NUMBER} ?(?:(?:{_ARM_SUFFIX})(?: arrondissement| arr| arrdt)?|arrondissement|arr|arrdt)"
    r" (?:de |a |sur |dans |du )?(?:l )?(paris|lyon|marseille)\b"
)
_ARM_LIMITS = {"paris": ("751", 20), "lyon": ("6938", 9), "marseille": ("132", 16)}
_ROMAN = {"i": 1, "v": 5, "x": 10}
# "dans le 15e", "le 16ème arrondissement": an arrondissement without its city.
_BARE_ARM = re.compile(
    r"\b(?:dans|au|du|sur|le|j habite|je vis) (?:le )?(\d{1,2}) ?(?:e|eme|ieme|em|me)\b(?: arrondissement| arr| arrdt)?"
)
_POSTAL = re.compile(r"^(?:\d{5}|2[ab]\d{3})$")
# A second place of another region this close to the first one in score is asked about.
_TWO_PLACES_MARGIN = 1.0
# Readings sure enough to be offered beside another place (not demonyms, corrections or short forms).
_SOLID_HOWS = frozenset(("nom", "ancien_nom", "autre_nom", "lieu_connu", "numero"))
_REFINE_MARGIN = 1.5  # a more precise mention this much weaker than the primary one still refines it
# Role adjustments of moving verbs ("déménagé de X à Y"): X is the past, Y the present.
_MOVED_FROM = -1.5
_MOVED_TO = 1.25
_MAX_SKIPPED = 2  # a context phrase may be separated from the name by a preposition and an article
_FAR_KM = 30.0  # a shared location farther than this from every commune is outside France
_SEARCH_CELLS = 2  # the nearest commune is searched this many cells around the point (> _FAR_KM)
_EARTH_RADIUS_KM = 6371.0
_MAX_TEXT = 4096  # longer messages are read up to this many characters
# Role of a mention: where the person lives scores higher than where they work, used to live, or a landmark.
_ROLE_WINDOW = 6  # words looked at before the mention, within its clause
_NEAR_WINDOW = 3  # words just before the mention ("à côté de X")
_ROLE_HOME = 1.0
_ROLE_WORK = -1.0
_ROLE_PAST = -0.75
_ROLE_PRESENT = 0.25
_ROLE_LANDMARK = -0.75
_ARTICLE_PREPOSITIONS = frozenset(("au", "aux", "du", "des"))  # "au Havre" is "le Havre", "aux Lilas" "les Lilas"
_KIND_ORDER = {"commune": 0, "departement": 1, "region": 2, "outside": 3}  # from the most precise


class Role(enum.Flag):
    """What a place is to the person, from the words before it."""

    HOME = enum.auto()
    WORK = enum.auto()
    PAST = enum.auto()  # where the person used to be ("j'ai déménagé de Lyon")
    NOW = enum.auto()  # where the person is now ("muté à Brest")
    LANDMARK = enum.auto()  # "à côté de X"


@dataclass(slots=True)
class _Mention:
    start: int
    end: int
    entry: Entry
    key: str
    how: str
    strength: float
    role: float = 0.0
    loose: bool = False  # a bare number: only refines another mention
    flags: Role = field(default_factory=lambda: Role(0))

    @property
    def score(self) -> float:
        return self.strength + self.role


@dataclass
class PlaceIndex(PlaceTables):
    """Reads the place in a message from the tables of one snapshot's places."""

    snapshot: Snapshot = field(repr=False)

    def __post_init__(self) -> None:
        self._build()

    # -- lookup ------------------------------------------------------------------------------

    def find(self, text: str) -> PlaceResult:
        """The place named in ``text``, if any (pure, never raises on any string)."""
        tokens = tokenize_full(text[:_MAX_TEXT])
        words = tokens.words
        if not words:
            return EMPTY
        postal = self._postal_code(words)
        if postal is None:
            found = self._arrondissement(words)
            if found is not None:
                return replace(found, confidence=CONF_NAME)
        mentions = self._names(tokens)
        mentions.extend(self._dep_numbers(words, mentions))
        firm = [m for m in mentions if not m.loose]
        if (
            not firm
            or max(m.score for m in firm) < STRONG
            or max(m.strength for m in firm) < STRONG
            or all(m.entry.area for m in firm)
        ):
            mentions.extend(self._shortened(tokens, mentions, prefixes=True) or self._misspelt(tokens, mentions))
        elif any(m.how == "tete" for m in firm):
            mentions.extend(
                self._shortened(tokens, mentions, prefixes=False)
            )  # "Vitry s/ Seine" beats the head word "Vitry"
        named = self._choose(mentions, words)
        if postal is not None:
            return self._with_postal(postal, named)
        if named.found:
            return named
        return self._bare_arrondissement(words) or EMPTY

    # postal codes and arrondissements

    def _with_postal(self, postal: PlaceResult, named: PlaceResult) -> PlaceResult:
        """A postal code and a name: the same place, or ask when they disagree ("Rennes 44000")."""
        code = postal.place
        if code is None or not named.found or code.kind == "outside":
            return postal
        if named.place is None:  # a choice among homonyms: the code settles it
            inside = [c for c in named.candidates if c.departement is not None and c.departement == code.departement]
            return (
                replace(postal, place=replace(inside[0], postal_code=code.postal_code)) if len(inside) == 1 else postal
            )
        ref = named.place
        if ref.kind == "outside":
            return PlaceResult(None, (code, ref), how="code_postal", span=postal.span, matched=postal.matched)
        same = ref.region == code.region and (ref.departement is None or ref.departement == code.departement)
        if not same:
            return PlaceResult(None, (ref, code), how="code_postal", span=named.span, matched=named.matched)
        if ref.kind == "commune" and ref.commune != code.commune:
            commune = self.communes_by_insee.get(ref.commune or "")
            if commune is not None and code.postal_code in commune.postal_codes:
                return replace(named, place=replace(ref, postal_code=code.postal_code), confidence=CONF_POSTAL)
        return postal

    def _postal_candidates(self, words: list[str]) -> Iterable[tuple[int, int, str]]:
        """(start, end, code) of every postal code, "69007" or spaced "69 007"."""
        for i, word in enumerate(words):
            if not word[0].isdigit():
                continue  # both forms start with a digit (isdigit() accepts every digit that \d matches)
            if _POSTAL.match(word):
                yield i, i + 1, word
            elif (
                len(word) == 2
                and i + 1 < len(words)
                and len(words[i + 1]) == 3
                and (word + words[i + 1]) in self.postal
                and (word + words[i + 1]).isdigit()
            ):
                yield i, i + 2, word + words[i + 1]

    def _postal_code(self, words: list[str]) -> PlaceResult | None:
        for i, end, word in self._postal_candidates(words):
            nxt = words[end] if end < len(words) else ""
            if nxt in UNIT_WORDS or (i > 0 and words[i - 1] in ("n", "no", "numero", "tel", "siret", "siren")):
                continue
            code = word.upper() if word[:2] in ("2a", "2b") else word
            for prefix, ref in self.outside_prefixes:
                if code.startswith(prefix):
                    return PlaceResult(ref, how="code_postal", span=(i, end), matched=code, confidence=CONF_POSTAL)
            communes = self.postal.get(code)
            if communes:
                ref = replace(self._commune_ref(communes[0]), postal_code=code)
                return PlaceResult(ref, how="code_postal", span=(i, end), matched=code, confidence=CONF_POSTAL)
            dep = self._dep_from_postal(code)
            if dep is not None:
                d = self.snapshot.departements[dep]
                ref = PlaceRef(
                    "departement", d.name, region=d.region, departement=dep, postal_code=code, label=f"{d.name} ({dep})"
                )
                return PlaceResult(ref, how="code_postal", span=(i, end), matched=code, confidence=CONF_POSTAL)
        return None

    def _bare_arrondissement(self, words: list[str]) -> PlaceResult | None:
        """ "dans le 15e": the arrondissements of that number (Paris, Marseille, Lyon)."""
        text = " ".join(words)
        match = _BARE_ARM.search(text)
        if match is None:
            return None
        after = text[match.end() :].split()
        if after and after[0] in UNIT_WORDS:
            return None
        n = int(match.group(1))
        refs: list[PlaceRef] = []
        for prefix, limit in _ARM_LIMITS.values():
            commune = self.communes_by_insee.get(prefix + (f"{n:02d}" if len(prefix) == 3 else str(n)))
            if 1 <= n <= limit and commune is not None:
                refs.append(self._commune_ref(commune))
        start = len(text[: match.start(1)].split())
        span = (start, start + 1)
        if len(refs) == 1:
            return PlaceResult(
                refs[0], how="arrondissement", span=span, matched=match.group(0), confidence=CONF_ARRONDISSEMENT_ONLY
            )
        if refs:
            return PlaceResult(None, tuple(refs), how="arrondissement", span=span, matched=match.group(0))
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
            if (
                after
                and after[0] in UNIT_WORDS
                and not match.group(0).endswith(("e", "er", "eme", "arrondissement", "arr"))
            ):
                return None  # "Paris 2 ans", "Lyon 3 jours"
        insee = prefix + (f"{n:02d}" if len(prefix) == 3 else str(n))
        commune = self.communes_by_insee.get(insee)
        if commune is None:
            return None
        start = len(text[: match.start()].split())
        return PlaceResult(
            self._commune_ref(commune),
            how="nom",
            span=(start, start + len(match.group(0).split())),
            matched=match.group(0),
        )

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
            return LEVEL_RESIDENCE, article
        if prev in ("a", "au", "aux", "en", "sur", "dans", "vers", "pres", "chez") and (
            prev2 in RESIDENCE or prev2 in ("suis", "sommes", "est", "es", "etes")
        ):
            return LEVEL_RESIDENCE, article
        if prev in DE_WORDS and (prev2 in PLACE_NOUNS or prev2 in ORIGIN or prev2 in RESIDENCE):
            return LEVEL_RESIDENCE, article
        if prev in PLACE_PREPS:
            return LEVEL_PREPOSITION, article
        return LEVEL_NONE, article

    def _role(self, words: list[str], starts: list[bool], start: int) -> float:
        """Where the person lives (+) rather than works, used to live, or a landmark (-)."""
        role = 0.0
        lo = start
        while lo > 0 and start - lo < _ROLE_WINDOW and not starts[lo]:
            lo -= 1
        before = words[lo:start]
        near = words[max(lo, start - _NEAR_WINDOW) : start]
        if any(w in RESIDENCE for w in before):
            role += _ROLE_HOME
        elif any(w in WORK for w in before):
            role += _ROLE_WORK
        if any(w in PAST for w in before):
            role += _ROLE_PAST
        elif any(w in PRESENT for w in before):
            role += _ROLE_PRESENT
        if any(w in LANDMARK for w in near):
            role += _ROLE_LANDMARK
        return role

    def _phrase_before(
        self, phrases: PhraseSet, words: list[str], start: int, skippable: frozenset[str] = SKIPPABLE
    ) -> bool:
        """A phrase just before ``start``, maybe followed by a preposition and an article."""
        k = start
        for _ in range(_MAX_SKIPPED + 1):
            if phrases.ends_at(words, k):
                return True
            if k == 0 or words[k - 1] not in skippable:
                return False
            k -= 1
        return False

    def _role_and_flags(self, words: list[str], starts: list[bool], start: int) -> tuple[float, Role]:
        """The role score of a mention and what the place is to the person."""
        role = self._role(words, starts, start)
        flags = Role(0)
        if self._phrase_before(self.move_from, words, start):
            role += _MOVED_FROM
            flags |= Role.PAST
        elif self._phrase_before(self.move_to, words, start):
            role += _MOVED_TO
            flags |= Role.NOW
        if self._phrase_before(self.work_phrases, words, start):
            flags |= Role.WORK
        elif self._phrase_before(self.home_phrases, words, start):
            flags |= Role.HOME
        lo = max(0, start - _NEAR_WINDOW)
        if any(w in LANDMARK for w in words[lo:start]):
            flags |= Role.LANDMARK
        return role, flags

    def _whole(self, words: list[str], start: int, end: int) -> bool:
        return all(w in FILLER for w in words[:start]) and all(w in FILLER for w in words[end:])

    def _names(self, tokens: Tokens) -> list[_Mention]:
        words, starts = tokens.words, tokens.clause_start
        found: list[_Mention] = []
        taken = [False] * len(words)
        idioms = self.idioms.spans(words)
        for size, start in self._name_spans(words):
            if any(taken[start : start + size]):
                continue
            key = " ".join(words[start : start + size])
            entry = self.names.get(key)
            lead = start
            prev = words[start - 1] if start > 0 else ""
            if prev in _ARTICLE_PREPOSITIONS and not taken[start - 1]:
                # "au Havre" is "le Havre", "aux Lilas" "les Lilas"
                article = "le " if prev in ("au", "du") else "les "
                with_article = self.names.get(article + key)
                if with_article is not None and not with_article.stripped:
                    entry, key, lead = with_article, article + key, start - 1
            if entry is None or self._cancelled(tokens, lead, start + size, idioms):
                continue
            strength = self._accept(entry, key, tokens, start, start + size, lead)
            if strength is None:
                continue
            role, flags = self._role_and_flags(words, starts, lead)
            found.append(_Mention(lead, start + size, entry, key, entry.how, strength, role, flags=flags))
            for k in range(lead, start + size):
                taken[k] = True
        return found

    def _name_spans(self, words: list[str]) -> list[tuple[int, int]]:
        """(words, start) of every n-gram that may be a name, longest first, then from the left.

        A name of several words starts with a word of ``first_words`` (which says how long such
        names get); after "au"/"du" the n-gram may be a name with its article ("au Havre")."""
        n = len(words)
        longest = min(self.max_words, n)
        spans: list[tuple[int, int]] = []
        for start, word in enumerate(words):
            after_article = start > 0 and words[start - 1] in _ARTICLE_PREPOSITIONS
            reach = longest if after_article else min(self.first_words.get(word, 1), longest)
            spans.extend((size, start) for size in range(1, min(reach, n - start) + 1))
        spans.sort(key=_longest_first)
        return spans

    def _cancelled(self, tokens: Tokens, start: int, end: int, idioms: list[tuple[int, int]]) -> bool:
        """A name inside an idiom, after "je m'appelle" / "chez", or a piece of a longer name."""
        words = tokens.words
        if any(a <= start and end <= b for a, b in idioms):
            return True
        if self._phrase_before(self.not_after, words, start, NAME_JOINS):
            return True  # "je m'appelle Nancy", "chez Vittel", "rue de la Gare"
        if (
            start > 0
            and tokens.capitals[start - 1]
            and not tokens.clause_start[start - 1]
            and self.not_after.ends_at(words, start - 1)
        ):
            return True  # "il s'appelle Laurent Vienne": a first name, then the name
        n = len(words)
        if tokens.hyphen_before[start] or (end < n and tokens.hyphen_before[end]):
            return True  # "Truc-sur-Mer": "Mer" is a piece of an unknown compound name
        return self._inside_longer_name(tokens, start, end)

    def _starts_name(self, word: str) -> bool:
        return word in self.first_words or word in self.names

    def _inside_longer_name(self, tokens: Tokens, start: int, end: int) -> bool:
        """ "Val d'Europe", "Porte Maillot", "Val Tho": one word of a longer name the index does not know."""
        words, capitals = tokens.words, tokens.capitals
        entry = self.names.get(" ".join(words[start:end]))
        one_word = len(strip_article(" ".join(words[start:end])).split()) == 1
        if not one_word or entry is None or entry.area:
            return False
        if end + 1 < len(words) and words[end] in NAME_JOINS and capitals[end + 1] and not tokens.clause_start[end]:
            return not self._starts_name(words[end + 1])  # "Val d'Europe", not "Rennes en Bretagne"
        if entry.top.population >= COMPOUND_MAX_POP:
            return False  # a large town's name is that town's, even beside another name
        return (
            self._unknown_name_after(tokens, end)
            or self._unknown_name_joined_before(tokens, start)
            or self._unknown_name_before(tokens, start)
        )

    def _unknown_name_after(self, tokens: Tokens, end: int) -> bool:
        """ "Val Tho", "Port Marianne": a capitalised word that starts no name follows in the clause."""
        words = tokens.words
        return (
            end < len(words)
            and tokens.capitals[end]
            and not tokens.clause_start[end]
            and words[end] not in STOP_WORDS
            and not self._starts_name(words[end])
        )

    def _unknown_name_joined_before(self, tokens: Tokens, start: int) -> bool:
        """ "Olonne sur Mer": a capitalised word and a joining word before; the name ends a longer one."""
        words = tokens.words
        prev = start - 1
        joined = prev > 0 and words[prev] in NAME_JOINS and words[prev] not in ARTICLES
        return (
            joined
            and tokens.capitals[prev - 1]
            and words[prev - 1] not in FILLER
            and not self._starts_name(words[prev - 1])
        )

    def _unknown_name_before(self, tokens: Tokens, start: int) -> bool:
        """ "Porte Maillot", "Laurent Vienne": a capitalised word before makes one longer name."""
        words = tokens.words
        prev = start - 1
        return (
            prev >= 0
            and tokens.capitals[prev]
            and not tokens.clause_start[prev]
            and words[prev] not in STOP_WORDS
            and not self._starts_name(words[prev])
        )

    def _accept(self, entry: Entry, key: str, tokens: Tokens, start: int, end: int, lead: int) -> float | None:
        """How sure ``key`` at ``start:end`` is a place (None: it is not)."""
        strength = self._accept_base(entry, key, tokens, start, end, lead)
        if strength is None:
            return None
        if entry.weak:
            return min(strength, WEAK_STRENGTH)  # "je suis bretonne mais je vis à Paris": Paris
        if len(strip_article(key).split()) > 1 and not entry.common:
            return max(strength, FAIR)  # a name of several words is rarely anything else
        return strength

    def _accept_base(self, entry: Entry, key: str, tokens: Tokens, start: int, end: int, lead: int) -> float | None:
        """The strength of ``key`` read as a place before the demonym and long-name adjustments."""
        if key in STOP_WORDS or key.isdigit():
            return None
        evidence = self._evidence(tokens, start, end, lead)
        if entry.area:
            return area_strength(entry, key, evidence)
        return commune_strength(entry, key, evidence)

    def _evidence(self, tokens: Tokens, start: int, end: int, lead: int) -> Evidence:
        """What the words around ``start:end`` (with its article from ``lead``) say about a place there."""
        words, starts = tokens.words, tokens.clause_start
        level, article = self._context(words, lead)
        if lead != start:
            level = max(level, LEVEL_PREPOSITION)  # "au Havre": the article was a preposition
        before = words[lead - 1] if lead > 0 else ""
        if before in ARTICLES:
            before = words[lead - 2] if lead > 1 else ""
        nxt = words[end] if end < len(words) else ""
        return Evidence(
            level=level,
            article=article,
            capital=tokens.capitals[start] and not (start == 0 and not article),
            whole=self._whole(words, lead, end),
            clause_start=starts[lead] or (article and lead > 0 and starts[lead - 1]),
            clause_end=end == len(words) or starts[end],
            one_word=end - start == 1,
            next_word=nxt,
            area_preposition=before in AREA_PREPS,
        )

    # département numbers

    def _dep_numbers(self, words: list[str], mentions: list[_Mention]) -> list[_Mention]:
        """Département numbers phrased as a place ("dans le 29", "le 9-3"), never an age, a count or a date."""
        deps = self.snapshot.departements
        out: list[_Mention] = []
        ends = {m.end for m in mentions}
        taken = {k for m in mentions for k in range(m.start, m.end)}
        i = 0
        while i < len(words):
            code, span = _dep_code_at(words, i)
            if code is None or code not in deps or i in taken:
                i += 1
                continue
            if not _number_is_other_thing(words, i, span):
                mention = self._dep_mention(words, i, span, self._dep_ref(code), ends)
                if mention is not None:
                    out.append(mention)
            i += span
        return out

    @staticmethod
    def _dep_mention(words: list[str], i: int, span: int, ref: PlaceRef, ends: set[int]) -> _Mention | None:
        """The mention of a département number, by what precedes it (None: too little evidence)."""
        prev = words[i - 1] if i > 0 else ""
        nxt = words[i + span] if i + span < len(words) else ""
        entry = Entry(ref, priority=Priority.DEPARTEMENT)
        word = words[i]
        short = all(w in FILLER for w in words[:i]) and all(w in FILLER for w in words[i + span :])
        if prev in DEP_PREV or short or prev in DEP_PLACE_PREV:
            return _Mention(i, i + span, entry, word, "numero", STRONG, 0.0)
        if i in ends or (prev in IN_WORDS and i - 1 in ends):
            return _Mention(i, i + span, entry, word, "numero", LOOSE_STRENGTH, 0.0, loose=True)  # "Mâcon 71"
        if prev in STATUS_PREV and (not nxt or nxt in FILLER):
            return _Mention(i, i + span, entry, word, "numero", STATUS_NUMBER_STRENGTH, 0.0)  # "salarié 29"
        return None

    # spelling mistakes

    def _misspelt(self, tokens: Tokens, mentions: list[_Mention]) -> list[_Mention]:
        """The best spelling correction into a place name ("Montpelier", "clermont ferant"), if any."""
        words = tokens.words
        spans = [(m.start, m.end) for m in mentions]
        short_message = sum(1 for w in words if w not in FILLER) <= _SHORT_MESSAGE_WORDS
        best: tuple[tuple[float, ...], _Mention] | None = None
        for start in range(len(words)):
            level = self._misspelt_start(tokens, start, short_message)
            if level is None:
                continue
            for size in range(1, min(_MAX_FIX_WORDS, len(words) - start) + 1):
                end = start + size
                chunk = words[start:end]
                if any(w.isdigit() for w in chunk):
                    break
                if _overlaps_exact(spans, start, end) or chunk[-1] in STOP_WORDS:
                    continue
                found = self._correction(tokens, start, end, level)
                if found is not None and (best is None or found[0] > best[0]):
                    best = found
        return [best[1]] if best is not None else []

    def _misspelt_start(self, tokens: Tokens, start: int, short_message: bool) -> int | None:
        """Where a misspelt place may start: after a preposition, with a capital, at a clause start,
        or anywhere in a short message (None: not here). Returns the context level."""
        if not _may_start_name(tokens.words[start]):
            return None
        level, _article = self._context(tokens.words, start)
        if not (short_message or level >= LEVEL_PREPOSITION or tokens.capitals[start] or tokens.clause_start[start]):
            return None
        return level

    def _correctable(self, key: str, size: int, level: int) -> bool:
        """Words that may be a misspelt name: long enough, unknown, not an ordinary word of these messages."""
        letters = len(key) - size + 1
        if letters < FUZZY_MIN_LETTERS_AREA or key in self.names:
            return False
        return size != 1 or not (
            key in self.common_words or key in NOT_PLACES or (key in self.near_words and level < LEVEL_RESIDENCE)
        )

    def _correction(
        self, tokens: Tokens, start: int, end: int, level: int
    ) -> tuple[tuple[float, ...], _Mention] | None:
        """The correction of ``start:end`` and its rank (fewer edits, more words, an area, a larger place)."""
        size = end - start
        key = " ".join(tokens.words[start:end])
        if not self._correctable(key, size, level):
            return None
        match = self._closest(key)
        if match is None:
            return None
        name, distance = match
        entry = self.names[name]
        sure = entry.area or entry.top.population >= LARGE_TOWN
        strength = (STRONG if sure else FAIR) - STRENGTH_PER_EDIT * distance
        role = self._role(tokens.words, tokens.clause_start, start)
        mention = _Mention(start, end, entry, name, "faute", strength, role)
        rank = (-distance, size, -entry.priority if entry.area else -Priority.COMMUNE, entry.top.population)
        return rank, mention

    def _shortened(self, tokens: Tokens, mentions: list[_Mention], *, prefixes: bool) -> list[_Mention]:
        """ "Clermont-Fd", "Vitry s/ Seine", "Stras": names written short, read as "abrev" (confirmed)."""
        words, starts = tokens.words, tokens.clause_start
        taken = {k for m in mentions if m.how != "tete" for k in range(m.start, m.end)}
        found: list[_Mention] = []
        for start, word in enumerate(words):
            if start in taken or not _may_start_name(word):
                continue
            matches = self._compounds_at(words, start)
            size = max((n for _name, n in matches), default=1)
            names = [name for name, _n in matches]
            if not names and prefixes and self._may_be_prefix(tokens, start):
                names = self.abbreviations.prefix_of(word)
            entries = [self.names[n] for n in names if n in self.names]
            if not entries:
                continue
            best = max(entries, key=lambda e: e.top.population)
            if len(entries) > 1 and len(pick_by_size([e.top.population for e in entries])) > 1:
                continue  # several towns fit: too unsure to ask about one
            role, flags = self._role_and_flags(words, starts, start)
            how = "abrev" if size > 1 else "debut"  # "Clermont-Fd" is surer than "Stras"
            key = " ".join(words[start : start + size])
            found.append(_Mention(start, start + size, best, key, how, FAIR, role, flags=flags))
            taken.update(range(start, start + size))
        return found

    def _compounds_at(self, words: list[str], start: int) -> list[tuple[str, int]]:
        """Names of several words written short from ``start``, without a stop word of the message inside
        ("au port, je" is not "Port-Joinville")."""
        return [
            (name, n)
            for name, n in self.abbreviations.compounds_at(words, start)
            if not any(
                (w in STOP_WORDS or w in FILLER) and w not in SHORT_JOINS
                for w in words[start + 1 : start + n]
                if w not in name.split()
            )
        ]

    def _may_be_prefix(self, tokens: Tokens, start: int) -> bool:
        """A word that may be a large town's name cut short ("Stras"): written as a name or where a place
        is expected, and neither an ordinary word nor a name itself."""
        word = tokens.words[start]
        placed = (
            tokens.capitals[start]
            or self._context(tokens.words, start)[0] >= LEVEL_PREPOSITION
            or self._whole(tokens.words, start, start + 1)
        )
        return placed and word not in self.common_words and word not in self.near_words and word not in self.names

    def _pool(self, n: int, length: int, first: str, last: str) -> list[str]:
        """Names of ``n`` words within two letters of ``length`` that share the first or the last letter."""
        buckets = self._fuzzy
        return list(
            dict.fromkeys(
                chain.from_iterable(
                    buckets.get((n, size, tag), ())
                    for size in range(length - _MAX_EDITS, length + _MAX_EDITS + 1)
                    for tag in (first, "$" + last)
                )
            )
        )

    def _closest(self, key: str) -> tuple[str, int] | None:
        """The name within the allowed edits of ``key`` (same words count, short words exact)."""
        if key in self._closest_cache:
            return self._closest_cache[key]
        found = self._closest_uncached(key)
        if len(self._closest_cache) < CLOSEST_CACHE_SIZE:
            self._closest_cache[key] = found  # the same words come back in many messages
        return found

    def _closest_uncached(self, key: str) -> tuple[str, int] | None:
        parts = key.split()
        pool = self._pool(len(parts), len(key), key[0], key[-1])
        if not pool:
            return None
        found = process.extract(key, pool, scorer=OSA.distance, score_cutoff=_MAX_EDITS, limit=None)
        # the nearest names, alphabetical among equals: the same few whatever the order of the pool
        nearest = sorted((int(distance), name) for name, distance, _ in found)[:_FUZZY_CANDIDATES]
        good: list[tuple[int, int, bool, int, str]] = []
        for distance, name in nearest:
            if distance == 0 or _short_word_changed(parts, name.split()):
                continue  # "aix en provance" may be corrected, "ca coute" is not "la comte"
            entry = self.names[name]
            if distance > _allowed_edits(key, name, entry):
                continue
            if distance == _MAX_EDITS and _letters(name) < _TWO_EDITS_SAME_START and key[0] != name[0]:
                continue  # two edits in a shorter name: only with the same first letter
            pop = entry.top.population
            good.append((distance, entry.priority if entry.area else Priority.COMMUNE, entry.how != "nom", -pop, name))
        if not good:
            return None
        good.sort()
        distance, _, _, _, name = good[0]
        return name, distance

    # choice

    def _choose(self, mentions: list[_Mention], words: list[str]) -> PlaceResult:
        """The reading of all the mentions: the strongest, settled, split in two or refined by the others."""
        if not mentions:
            return EMPTY
        mentions = _without_corrected([self._vienne_rule(m, words) for m in mentions])
        firm = [m for m in mentions if not m.loose]
        if not firm:
            return EMPTY
        primary = _primary(firm)
        settled = self._abroad(primary, mentions, words) or self._settle(primary, mentions)
        if settled is not None:
            return settled
        two = self._two_places(primary, firm, words)
        if two is not None:
            return two
        return self._refine(primary, mentions, words)

    def _abroad(self, primary: _Mention, mentions: list[_Mention], words: list[str]) -> PlaceResult | None:
        """ "Valence en Espagne", "Abidjan, Côte d'Ivoire": a town followed by its foreign country."""
        if primary.entry.ref is not None and primary.entry.ref.kind == "outside":
            return None
        for m in mentions:
            ref = m.entry.ref
            if ref is None or ref.kind != "outside" or m.start <= primary.start:
                continue
            gap = words[primary.end : m.start]
            if len(gap) <= 1 and all(w in COUNTRY_JOINS for w in gap):
                return PlaceResult(ref, how=m.how, span=(m.start, m.end), matched=m.key, confidence=CONF_KNOWN)
        return None

    def _settle(self, primary: _Mention, mentions: list[_Mention]) -> PlaceResult | None:
        """An ambiguous name, or a name with homonyms, settled or filtered by the other mentions.

        "Saint-Denis, dans le 93", "Saint-Pierre (Martinique)", "St Maur dans le 94".
        """
        areas = [
            m.entry.ref
            for m in mentions
            if m is not primary and m.entry.ref is not None and m.entry.ref.kind in ("region", "departement")
        ]
        span = (primary.start, primary.end)
        if primary.entry.ref is None:
            cands = primary.entry.candidates
            for area in areas:
                inside = tuple(
                    c
                    for c in cands
                    if c.region == area.region and (area.departement is None or c.departement == area.departement)
                )
                if inside:
                    cands = inside
            if len(cands) == 1:
                return PlaceResult(
                    cands[0],
                    how=primary.how,
                    span=span,
                    matched=primary.key,
                    confidence=HOW_CONFIDENCE.get(primary.how, CONF_NAME),
                )
            return PlaceResult(None, cands, how=primary.how, span=span, matched=primary.key)
        ref = primary.entry.ref
        if ref.kind != "commune" or not areas:
            return None
        for area in areas:
            if area.region == ref.region and (area.departement is None or area.departement == ref.departement):
                return None  # consistent: refined below
        homonyms = self._homonyms_in(primary.key, areas)
        if homonyms is None:
            return None
        return PlaceResult(homonyms, how=primary.how, span=span, matched=primary.key, confidence=CONF_NAME)

    def _homonyms_in(self, key: str, areas: list[PlaceRef]) -> PlaceRef | None:
        """The largest commune named ``key`` (or with ``key`` as head word) inside one of ``areas``."""
        pool = list(self.homonyms.get(key) or self.homonyms.get(strip_article(key)) or ())
        single = self.names.get(key)
        if not pool and single is not None and single.ref is not None and single.ref.kind == "commune":
            commune = self.communes_by_insee.get(single.ref.commune or "")
            pool = [commune] if commune is not None else []
        pool += self.head_members.get(key, ())
        for area in areas:
            inside = [
                c
                for c in pool
                if c.region == area.region and (area.departement is None or c.departement == area.departement)
            ]
            if inside:
                return self._commune_ref(max(inside, key=lambda c: c.population))
        return None

    def _two_places(self, primary: _Mention, firm: list[_Mention], words: list[str]) -> PlaceResult | None:
        """Living in one region and working in another: ask which one to use."""
        if primary.entry.ref is None or primary.flags & Role.PAST or not _solid(primary) or _is_outside(primary):
            return None
        region = primary.entry.ref.region
        others = [m for m in firm if m is not primary and _other_region_place(m, region)]
        if not others:
            return None
        other = _strongest(others)
        roles = {primary.flags & (Role.HOME | Role.WORK), other.flags & (Role.HOME | Role.WORK)}
        home_and_work = roles == {Role.HOME, Role.WORK}
        if not home_and_work and (primary.flags & Role.NOW or other.score < primary.score - _TWO_PLACES_MARGIN):
            return None
        first, second = sorted((primary, other), key=lambda m: (not m.flags & Role.HOME, m.start))
        refs = (self._final_ref(first, words), self._final_ref(second, words))
        labels = tuple(_role_label(m) for m in (first, second))
        return PlaceResult(None, refs, how="deux_lieux", span=(first.start, first.end), matched=first.key, roles=labels)

    def _final_ref(self, m: _Mention, words: list[str]) -> PlaceRef:
        ref = m.entry.ref
        assert ref is not None
        return self._commune_for_dep(m, words) if ref.kind == "departement" else ref

    def _refine(self, primary: _Mention, mentions: list[_Mention], words: list[str]) -> PlaceResult:
        """A consistent, more precise mention refines the primary one ("Valence, dans la Drôme")."""
        ref = primary.entry.ref
        assert ref is not None
        chosen = primary
        if ref.kind != "outside":
            for m in mentions:
                if m is not primary and _refines(m, chosen, primary):
                    chosen = m
            final = chosen.entry.ref
            assert final is not None
            ref = self._commune_for_dep(chosen, words) if final.kind == "departement" else final
        confidence = self._confidence(chosen)
        if chosen is not primary:
            confidence = max(confidence, self._confidence(primary)) + CONF_REFINED
        elif ref.kind == "commune" and any(self._agrees(m, ref) for m in mentions if m is not chosen):
            confidence = max(confidence, min(CONF_NAME, confidence + CONF_CONSISTENT))  # "St Etienne (Loire)"
        return PlaceResult(
            ref, how=chosen.how, span=(chosen.start, chosen.end), matched=chosen.key, confidence=min(1.0, confidence)
        )

    @staticmethod
    def _agrees(m: _Mention, ref: PlaceRef) -> bool:
        area = m.entry.ref
        if area is None or area.kind not in ("region", "departement"):
            return False
        return area.region == ref.region and (area.departement is None or area.departement == ref.departement)

    @staticmethod
    def _confidence(m: _Mention) -> float:
        base = HOW_CONFIDENCE.get(m.how, CONF_NAME)
        if m.entry.shadowed:
            base = min(base, CONF_HEAD)
        if m.how == "faute":
            edits = (STRONG - m.strength) / STRENGTH_PER_EDIT  # "faute" mentions lose strength per edit
            return base - CONF_FIX_PER_EDIT * max(0.0, edits - 1)
        if m.strength < FAIR or (m.entry.common and m.strength < STRONG):
            return min(base, CONF_NAME_WEAKEST)  # little evidence, or an ordinary word ("maçon") read as a place
        if m.strength < STRONG:
            return min(base, CONF_NAME_WEAK)
        return base

    def _vienne_rule(self, m: _Mention, words: list[str]) -> _Mention:
        """ "dans la Vienne" is the département; "à Vienne" the town, when both exist."""
        if m.entry.priority != Priority.DEPARTEMENT or m.key not in self.commune_entries or m.how != "nom":
            return m
        commune_entry = self.commune_entries[m.key]
        top = commune_entry.top
        prev = words[m.start - 1] if m.start > 0 else ""
        dep = m.entry.ref
        if dep is None:
            return m
        if prev in ("a", "sur") and top.population >= VIENNE_TOWN_MIN_POP and top.region != dep.region:
            return _Mention(m.start, m.end, commune_entry, m.key, m.how, m.strength, m.role)
        return m

    def _commune_for_dep(self, m: _Mention, words: list[str]) -> PlaceRef:
        """ "Paris", "à Belfort": the commune that shares its département's name, unless the area is meant."""
        ref = m.entry.ref
        assert ref is not None
        if m.how != "nom":
            return ref
        commune_entry = self.commune_entries.get(strip_article(m.key)) or self.commune_entries.get(m.key)
        if commune_entry is None or commune_entry.ref is None or commune_entry.ref.departement != ref.departement:
            return ref
        prev = words[m.start - 1] if m.start > 0 else ""
        prev2 = words[m.start - 2] if m.start > 1 else ""
        if prev in ("dans", "en", "departement", "du", "dept", "region") or (
            prev in ARTICLES and prev2 in ("dans", "departement", "du")
        ):
            return ref
        return commune_entry.ref

    # -- location ------------------------------------------------------------------------------

    def locate(self, lat: float, lon: float) -> PlaceResult:
        """The nearest commune to a point, or an outside place when none is within 30 km."""
        if not (-90 <= lat <= 90 and -180 <= lon <= 180):
            return PlaceResult(
                PlaceRef("outside", "ce point", label="ce point"), how="localisation", confidence=CONF_LOCATION
            )
        for out in self.snapshot.outside:
            if out.contains(lat, lon):  # Monaco, Andorra: next to French communes, yet outside
                return PlaceResult(
                    PlaceRef("outside", out.name, label=out.name), how="localisation", confidence=CONF_LOCATION
                )
        cy, cx = self._cell(lat, lon)
        best: tuple[float, Commune] | None = None
        for dy in range(-_SEARCH_CELLS, _SEARCH_CELLS + 1):
            for dx in range(-_SEARCH_CELLS, _SEARCH_CELLS + 1):
                for commune in self._points.get((cy + dy, cx + dx), ()):
                    d = _haversine(lat, lon, commune.lat, commune.lon)  # type: ignore[arg-type]
                    if best is None or d < best[0]:
                        best = (d, commune)
        if best is None or best[0] > _FAR_KM:
            return PlaceResult(
                PlaceRef("outside", "ce point", label="ce point"), how="localisation", confidence=CONF_LOCATION
            )
        return PlaceResult(self._commune_ref(best[1]), how="localisation", confidence=CONF_LOCATION)


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
    return _EARTH_RADIUS_KM * 2 * math.asin(math.sqrt(min(1.0, a)))


# -- département numbers ------------------------------------------------------------------------

_DEP_NUMBER_MAX_DIGITS = 3  # "974"
_CORSICA_CODES = frozenset(("2a", "2b"))


def _dep_code_at(words: list[str], i: int) -> tuple[str | None, int]:
    """The département code written at ``i`` ("29", "2a", "neuf trois" after "le") and how many words it takes."""
    word = words[i]
    if word in _CORSICA_CODES:
        return word.upper(), 1
    if word.isdigit() and 1 <= len(word) <= _DEP_NUMBER_MAX_DIGITS:
        return (word if len(word) > 1 else "0" + word), 1
    if word in DIGIT_WORDS and i + 1 < len(words) and words[i + 1] in DIGIT_WORDS:
        if i == 0 or words[i - 1] not in DEP_PREV:
            return None, 2
        return DIGIT_WORDS[word] + DIGIT_WORDS[words[i + 1]], 2  # "le neuf trois", "le sept sept"
    return None, 1


def _number_is_other_thing(words: list[str], i: int, span: int) -> bool:
    """An age, a duration, a count, a date or a range: "j'ai 29 ans", "avant le 15", "du 15 au 20"."""
    prev = words[i - 1] if i > 0 else ""
    prev2 = words[i - 2] if i > 1 else ""
    nxt = words[i + span] if i + span < len(words) else ""
    if nxt in UNIT_WORDS or nxt.isdigit() or prev in NOT_DEP_PREV or (prev in ARTICLES and prev2 in NOT_DEP_PREV):
        return True
    if prev in DATE_ARTICLES and prev2 in DATE_PREV:
        return True  # "à partir du 12", "avant le 15": a date
    return nxt == "au" and i + span + 1 < len(words) and words[i + span + 1].isdigit()  # "du 15 au 20"


# -- spelling mistakes --------------------------------------------------------------------------

_SHORT_MESSAGE_WORDS = 3  # a message of this many content words may be a misspelt place anywhere
_MAX_FIX_WORDS = 4  # a correction covers at most this many words


def _overlaps_exact(spans: list[tuple[int, int]], start: int, end: int) -> bool:
    """A correction may cover an exact mention only if it is strictly longer ("clermont ferant")."""
    return any(a < end and start < b and not (start <= a and b <= end and end - start > b - a) for a, b in spans)


# -- choice -------------------------------------------------------------------------------------


def _longest_first(span: tuple[int, int]) -> tuple[int, int]:
    return -span[0], span[1]


def _strongest(mentions: list[_Mention]) -> _Mention:
    """The mention with the highest score, the earliest on a tie."""
    return max(mentions, key=lambda m: (m.score, -m.start))


def _is_outside(m: _Mention) -> bool:
    return m.entry.ref is not None and m.entry.ref.kind == "outside"


def _without_corrected(mentions: list[_Mention]) -> list[_Mention]:
    """A correction ("faute", "abrev", "debut") replaces the exact mentions inside its words."""
    fixes = [m for m in mentions if m.how in FIX_HOWS]
    if not fixes:
        return mentions
    return [m for m in mentions if m.how in FIX_HOWS or not any(f.start <= m.start and m.end <= f.end for f in fixes)]


def _primary(firm: list[_Mention]) -> _Mention:
    """The strongest mention; living abroad but working in France (or the reverse), the French side,
    which the service covers ("je vis à Genève et je travaille à Annemasse")."""
    primary = _strongest(firm)
    if _is_outside(primary):
        french = [m for m in firm if m.entry.ref is not None and not _is_outside(m) and not m.flags & Role.PAST]
        if french:
            return _strongest(french)
    return primary


def _solid(m: _Mention) -> bool:
    """A mention sure enough to be asked about beside another: a real name or a number, not a demonym."""
    return not m.entry.weak and m.how in _SOLID_HOWS


def _other_region_place(m: _Mention, region: str | None) -> bool:
    """A solid French place of another region, neither past nor a landmark: maybe where one works."""
    ref = m.entry.ref
    return (
        ref is not None
        and ref.kind != "outside"
        and ref.region != region
        and not m.flags & (Role.PAST | Role.LANDMARK)
        and m.strength >= FAIR
        and _solid(m)
    )


def _role_label(m: _Mention) -> str:
    if m.flags & Role.WORK:
        return "travail"
    return "domicile" if m.flags & Role.HOME else ""


def _refines(m: _Mention, chosen: _Mention, primary: _Mention) -> bool:
    """``m`` names a more precise place inside ``chosen`` (same region and département), close enough
    in score to ``primary``, or a bare number right after it ("Mâcon 71")."""
    other, current, first = m.entry.ref, chosen.entry.ref, primary.entry.ref
    if other is None or current is None or first is None or other.kind == "outside" or other.region != first.region:
        return False
    if _KIND_ORDER[other.kind] >= _KIND_ORDER[current.kind]:
        return False
    if current.departement is not None and other.departement != current.departement:
        return False
    if m.loose:
        return m.start in (primary.end, primary.end + 1)
    return m.score >= primary.score - _REFINE_MARGIN


_MAX_EDITS = 2  # a spelling mistake is at most two edits (OSA distance) away from the name
_FUZZY_CANDIDATES = 12  # the nearest names looked at for one misspelt word
_TWO_EDITS_LETTERS = 9  # names this long may be two edits away
_TWO_EDITS_SAME_START = 8  # shorter names two edits away must keep their first letter
_SHORT_WORD_LETTERS = 3  # words this short are never corrected ("ca", "la", "en")


def _letters(name: str) -> int:
    """The letters of a folded name, without its spaces."""
    return len(name) - len(name.split()) + 1


def _may_start_name(word: str) -> bool:
    """Neither a stop word, a filler word nor a number."""
    return not (word in STOP_WORDS or word in FILLER or word.isdigit())


def _short_word_changed(parts: list[str], name_parts: list[str]) -> bool:
    """A short word of the text differs from the name's: "ca coute" is not "la comte"."""
    return any(
        (len(a) <= _SHORT_WORD_LETTERS or len(b) <= _SHORT_WORD_LETTERS) and a != b
        for a, b in zip(parts, name_parts, strict=False)
    )


def _allowed_edits(key: str, name: str, entry: Entry) -> int:
    """How many edits may separate ``key`` from ``name``: two in long names, areas and towns of
    some size, one otherwise; in short names ("Nise", "Reins") one, and for large towns only."""
    letters = _letters(name)
    pop = entry.top.population
    if letters < FUZZY_MIN_LETTERS or len(key) < FUZZY_MIN_LETTERS:
        return 1 if pop >= SHORT_FUZZY_MIN_POP else 0
    return _MAX_EDITS if (letters >= _TWO_EDITS_LETTERS or entry.area or pop >= MIDSIZE_TOWN) else 1
