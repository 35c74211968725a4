"""Staff-editable place lists of ``knowledge/lieux/``: read, checked, turned into plain data.

Files (all YAML, UTF-8; each entry names the place it means by a code, with a source or a note):

- ``gentiles.yaml``    key ``gentiles``: what people call themselves (« nantaise », « ch'ti »);
- ``autres_noms.yaml`` key ``autres_noms``: other names of a place (English, other languages,
  regional languages, old names, nicknames);
- ``lieux_connus.yaml`` key ``lieux``: well-known places that are not communes (business districts,
  stations, airports, islands, ski resorts, neighbourhoods, theme parks...);
- ``anciens_noms.csv`` insee,nom: former commune names (built by ``tools/build_gazetteer.py``);
- ``mots_lieux.txt.gz``, ``mots_proches.txt.gz``: folded French words, one a line (built by
  ``tools/build_wordlists.py``): place names that are also ordinary words, and words one or two
  edits from a place name, never corrected into it;
- ``pays.yaml``        key ``pays``: the countries in French (built by ``tools/build_gazetteer.py``);
- ``contexte.yaml``    the words around a name that change its reading (see :class:`PlaceContext`).

An entry of the first three lists::

    - noms: ["nantais", "nantaise"]     # one or more names, as people write them
      commune: "44109"                  # exactly one of: commune (INSEE code), departement,
                                        # region (INSEE codes), pays (ISO code), hors_champ (a name
                                        # of geographie.yaml's hors_champ)
      source: "https://..."             # a web page, or  note: "why this is true"
      type: gare                        # lieux_connus only (see LANDMARK_TYPES)

This module only reads and checks; the place index (``bot.nlu``) is built from the result.
"""

from __future__ import annotations

import csv
import gzip
import io
from array import array
from bisect import bisect_left
from collections.abc import Callable, Collection, Iterable, Iterator, Mapping
from dataclasses import dataclass, field, replace
from enum import Enum
from pathlib import Path
from typing import Any

from bot.schema import Checked, Field, Problem, Validator
from bot.textnorm import fold
from bot.yamlfile import read_yaml_file
from bot.yamlpos import Pos, YamlSyntaxError, load_yaml

__all__ = [
    "LANDMARK_TYPES",
    "LIEUX_DIR",
    "Country",
    "FormerName",
    "NamedPlace",
    "PlaceContext",
    "PlaceLists",
    "Target",
    "check_lieux",
]

LIEUX_DIR = "lieux"
FORMER_FILE = "anciens_noms.csv"
FORMER_COLUMNS = 2
PLACE_WORDS_FILE = "mots_lieux.txt.gz"
NEAR_WORDS_FILE = "mots_proches.txt.gz"


class Target(Enum):
    """What an entry points at."""

    COMMUNE = "commune"
    DEPARTEMENT = "departement"
    REGION = "region"
    PAYS = "pays"
    HORS_CHAMP = "hors_champ"


class ListName(Enum):
    GENTILES = "gentiles"
    AUTRES_NOMS = "autres_noms"
    LIEUX = "lieux"


LANDMARK_TYPES = (
    "quartier",
    "quartier_affaires",
    "technopole",
    "ville_nouvelle",
    "aeroport",
    "gare",
    "port",
    "ile",
    "station",
    "parc",
    "massif",
    "site",
    "zone",
    "autre",
)


@dataclass(frozen=True, slots=True)
class NamedPlace:
    """One entry of gentiles / autres_noms / lieux_connus."""

    names: tuple[str, ...]
    target: Target
    code: str
    list_name: str
    kind: str = ""  # lieux_connus: LANDMARK_TYPES
    source: str | None = None
    note: str | None = None


@dataclass(frozen=True, slots=True)
class Country:
    code: str  # ISO 3166-1 alpha-2
    name: str
    aliases: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class FormerName:
    """A name a commune's territory had (anciens_noms.csv, built by tools/build_gazetteer.py)."""

    insee: str
    name: str


@dataclass(frozen=True, slots=True)
class PlaceContext:
    """Words around a name that change how it is read (all as people write them)."""

    not_after: tuple[str, ...] = ()  # a name right after these is not a place (« je m'appelle »)
    idioms: tuple[str, ...] = ()  # phrases that look like places and never are (« au port »)
    move_from: tuple[str, ...] = ()  # the place after these is where the person used to be
    move_to: tuple[str, ...] = ()  # the place after these is where the person is now
    work: tuple[str, ...] = ()  # the place after these is where the person works
    home: tuple[str, ...] = ()  # the place after these is where the person lives
    common_words: tuple[str, ...] = ()  # ordinary French words never corrected into a place


class WordDigests:
    """A large set of words kept small, for membership only: a sorted array of their hashes.

    57,000 French words in a frozenset take ~5.5 MB; their 8-byte hashes take 0.45 MB. ``hash()`` of a string is
    stable within a process (the only place these digests live). A word outside the list that takes one of these
    64-bit hashes has a chance of about 3 in 10**15 a lookup, and would only be kept from being corrected into a
    place name.
    """

    __slots__ = ("_hashes",)

    def __init__(self, words: Iterable[str] = ()) -> None:
        self._hashes = array("q", sorted({hash(word) for word in words}))

    def __contains__(self, word: object) -> bool:
        if not isinstance(word, str):
            return False
        key = hash(word)
        i = bisect_left(self._hashes, key)
        return i < len(self._hashes) and self._hashes[i] == key

    def __len__(self) -> int:
        return len(self._hashes)

    def __eq__(self, other: object) -> bool:
        return isinstance(other, WordDigests) and self._hashes == other._hashes

    def __hash__(self) -> int:
        return hash(self._hashes.tobytes())

    def __repr__(self) -> str:
        return f"WordDigests({len(self)} words)"


@dataclass(frozen=True, slots=True)
class PlaceLists:
    demonyms: tuple[NamedPlace, ...] = ()
    other_names: tuple[NamedPlace, ...] = ()
    landmarks: tuple[NamedPlace, ...] = ()
    countries: tuple[Country, ...] = ()
    former_names: tuple[FormerName, ...] = ()
    place_words: frozenset[str] = frozenset()  # place names that are also ordinary French words
    near_words: WordDigests = field(default_factory=WordDigests)  # French words close to a place name: never corrected
    context: PlaceContext = field(default_factory=PlaceContext)

    @property
    def named(self) -> tuple[NamedPlace, ...]:
        return self.demonyms + self.other_names + self.landmarks


_NAMES = Field("list", required=True, item=Field("text"), example='["nantais", "nantaise"]')
_TARGETS: dict[str, Field] = {
    "commune": Field("code", example='"44109"'),
    "departement": Field("code", example='"44"'),
    "region": Field("code", example='"52"'),
    "pays": Field("code", example='"CI"'),
    "hors_champ": Field("text", example='"Monaco"'),
}
_ENTRY: dict[str, Field] = {"noms": _NAMES, **_TARGETS, "source": Field("source"), "note": Field("text")}
_LANDMARK: dict[str, Field] = {**_ENTRY, "type": Field("text", required=True, choices=LANDMARK_TYPES, example="gare")}
_PHRASES = Field("list", item=Field("text"), example='["je m\'appelle", "mon prénom est"]')
CONTEXT_SCHEMA: dict[str, Field] = {
    "pas_un_lieu_apres": _PHRASES,
    "expressions": _PHRASES,
    "venir_de": _PHRASES,
    "aller_a": _PHRASES,
    "travail": _PHRASES,
    "domicile": _PHRASES,
    "mots_courants": _PHRASES,
}
COUNTRY_SCHEMA: dict[str, Field] = {
    "code": Field("code", required=True, example='"CI"'),
    "nom": Field("text", required=True, example='"Côte d\'Ivoire"'),
    "alias": Field("list", item=Field("text"), example='["RCI"]'),
}
_FILES: tuple[tuple[str, ListName, dict[str, Field]], ...] = (
    ("gentiles.yaml", ListName.GENTILES, _ENTRY),
    ("autres_noms.yaml", ListName.AUTRES_NOMS, _ENTRY),
    ("lieux_connus.yaml", ListName.LIEUX, _LANDMARK),
)


@dataclass(frozen=True, slots=True)
class KnownCodes:
    """What an entry may point at."""

    communes: Collection[str]
    departements: Collection[str]
    regions: Collection[str]
    outside: Collection[str]  # names of geographie.yaml's hors_champ entries
    countries: Collection[str] = ()  # ISO codes of pays.yaml


@dataclass
class _Reader:
    root: Path
    rel: Callable[[Path], str]
    problems: list[Problem] = field(default_factory=list)
    raw: list[bytes] = field(default_factory=list)

    def read(self, name: str, key: str, item: Field) -> tuple[list[tuple[Any, Pos]], Validator] | None:
        path = self.root / LIEUX_DIR / name
        validator = Validator(self.rel(path))
        read = read_yaml_file(path, validator.file, f"remettez le fichier {LIEUX_DIR}/{name} livré avec le projet")
        if isinstance(read, Problem):
            self.problems.append(read)
            return None
        self.raw.append(name.encode() + b"\0" + read.raw)
        validator.lines = read.lines
        parsed = read.data
        checked = validator.obj(parsed, {key: Field("list", required=True, item=item)}, Pos(1, 1), "")
        self.problems.extend(validator.problems)
        validator.problems = []
        if checked is None or key not in checked:
            return None
        return list(checked[key]), validator

    def read_former(self, communes: Collection[str]) -> tuple[FormerName, ...]:
        path = self.root / LIEUX_DIR / FORMER_FILE
        rel = self.rel(path)
        if not path.exists():
            self.problems.append(
                Problem(
                    rel, 1, 1, "fichier manquant", f"remettez le fichier {LIEUX_DIR}/{FORMER_FILE} livré avec le projet"
                )
            )
            return ()
        data = path.read_bytes()
        self.raw.append(FORMER_FILE.encode() + b"\0" + data)
        out: list[FormerName] = []
        lines = data.decode("utf-8", "replace").splitlines()
        for line_no, row in enumerate(csv.reader(lines), start=1):
            if not row or row[0].startswith("#") or row == ["insee", "nom"]:
                continue
            if len(row) != FORMER_COLUMNS or not row[1].strip():
                self.problems.append(
                    Problem(rel, line_no, 1, "ligne mal formée", "deux colonnes : code INSEE, ancien nom")
                )
            elif row[0] not in communes:
                self.problems.append(
                    Problem(
                        rel,
                        line_no,
                        1,
                        f"commune inconnue « {row[0]} »",
                        "écrivez le code INSEE d'une commune actuelle",
                    )
                )
            else:
                out.append(FormerName(row[0], row[1].strip()))
        return tuple(out)

    def read_words(self, name: str) -> Iterator[str]:
        """The words of a word list, one a line (nothing where the file is missing or unreadable: a problem)."""
        path = self.root / LIEUX_DIR / name
        rel = self.rel(path)
        if not path.exists():
            self.problems.append(
                Problem(rel, 1, 1, "fichier manquant", f"remettez le fichier {LIEUX_DIR}/{name} livré avec le projet")
            )
            return iter(())
        data = path.read_bytes()
        self.raw.append(name.encode() + b"\0" + data)
        try:
            text = gzip.decompress(data).decode("utf-8")
        except (OSError, EOFError, UnicodeDecodeError):
            self.problems.append(Problem(rel, 1, 1, "fichier illisible", "régénérez-le avec tools/build_wordlists.py"))
            return iter(())
        # one line at a time: the 57,000 near words are never all held as strings (WordDigests)
        return (line for line in map(str.rstrip, io.StringIO(text)) if line and not line.startswith("#"))

    def read_context(self) -> PlaceContext:
        path = self.root / LIEUX_DIR / "contexte.yaml"
        validator = Validator(self.rel(path))
        if not path.exists():
            self.problems.append(
                Problem(
                    validator.file,
                    1,
                    1,
                    "fichier manquant",
                    f"remettez le fichier {LIEUX_DIR}/contexte.yaml livré avec le projet",
                )
            )
            return PlaceContext()
        data = path.read_bytes()
        self.raw.append(b"contexte.yaml\0" + data)
        try:
            parsed = load_yaml(data.decode("utf-8"))
        except (UnicodeDecodeError, YamlSyntaxError) as exc:
            pos = exc.pos if isinstance(exc, YamlSyntaxError) else Pos(1, 1)
            self.problems.append(
                Problem(
                    validator.file,
                    pos.line,
                    pos.column,
                    "fichier illisible",
                    "enregistrez le fichier en UTF-8 et vérifiez les guillemets",
                )
            )
            return PlaceContext()
        validator.lines = data.decode("utf-8", "replace").splitlines()
        checked = validator.obj(parsed, CONTEXT_SCHEMA, Pos(1, 1), "") or Checked()
        self.problems.extend(validator.problems)

        def phrases(key: str) -> tuple[str, ...]:
            return tuple(text for text, _pos in checked.get(key) or ())

        return PlaceContext(
            not_after=phrases("pas_un_lieu_apres"),
            idioms=phrases("expressions"),
            move_from=phrases("venir_de"),
            move_to=phrases("aller_a"),
            work=phrases("travail"),
            home=phrases("domicile"),
            common_words=phrases("mots_courants"),
        )


def _entry(item: Checked, pos: Pos, list_name: ListName, known: KnownCodes, validator: Validator) -> NamedPlace | None:
    targets = [key for key in _TARGETS if key in item]
    if len(targets) != 1:
        validator.error(
            pos, "chaque entrée désigne un seul lieu", "écrivez une seule de ces clés : " + ", ".join(_TARGETS)
        )
        return None
    if "source" not in item and "note" not in item:
        validator.error(
            pos,
            "entrée sans source ni note",
            'ajoutez source: "https://..." ou note: "pourquoi ce nom désigne ce lieu"',
        )
        return None
    target = Target(targets[0])
    code = str(item[targets[0]])
    allowed: Mapping[Target, Collection[str]] = {
        Target.COMMUNE: known.communes,
        Target.DEPARTEMENT: known.departements,
        Target.REGION: known.regions,
        Target.HORS_CHAMP: known.outside,
        Target.PAYS: known.countries,
    }
    if target in allowed and code not in allowed[target]:
        validator.error(item.where(targets[0]), f"{targets[0]} inconnu « {code} »", _code_hint(target))
        return None
    names = tuple(text for text, _pos in item["noms"])
    return NamedPlace(
        names, target, code, list_name.value, str(item.get("type", "")), item.get("source"), item.get("note")
    )


def _code_hint(target: Target) -> str:
    return {
        Target.COMMUNE: "écrivez le code INSEE de la commune (5 caractères, entre guillemets), pas son code postal",
        Target.DEPARTEMENT: 'écrivez le code du département entre guillemets, par exemple "44" ou "2A"',
        Target.REGION: 'écrivez le code INSEE de la région entre guillemets, par exemple "52"',
        Target.HORS_CHAMP: "écrivez le nom exact d'un lieu de la liste « hors_champ » de geographie.yaml",
        Target.PAYS: f'écrivez le code ISO à deux lettres d\'un pays de {LIEUX_DIR}/pays.yaml, par exemple "CI"',
    }.get(target, "vérifiez le code")


def _duplicates(lists: list[tuple[NamedPlace, Pos, Validator]]) -> None:
    """The same name pointing at two different places is refused (it would be a silent choice)."""
    seen: dict[str, tuple[Target, str]] = {}
    for entry, pos, validator in lists:
        for name in entry.names:
            key = fold(name)
            old = seen.setdefault(key, (entry.target, entry.code))
            if old != (entry.target, entry.code):
                validator.error(
                    pos,
                    f"« {name} » désigne déjà un autre lieu ({old[0].value} {old[1]})",
                    "gardez une seule entrée pour ce nom, ou précisez le nom",
                )


def check_lieux(root: Path, rel: Callable[[Path], str], known: KnownCodes) -> tuple[PlaceLists, list[Problem], bytes]:
    """Read and check ``root/lieux/``: (the lists, the problems found, the raw bytes for the hash)."""
    reader = _Reader(root, rel)
    countries: list[Country] = []
    read = reader.read("pays.yaml", "pays", Field("obj", schema=COUNTRY_SCHEMA))
    if read is not None:
        for item, _pos in read[0]:
            countries.append(
                Country(str(item["code"]), str(item["nom"]), tuple(t for t, _p in item.get("alias") or ()))
            )
    known = replace(known, countries=frozenset(c.code for c in countries))
    entries: dict[ListName, list[NamedPlace]] = {name: [] for name in ListName}
    placed: list[tuple[NamedPlace, Pos, Validator]] = []
    for file_name, list_name, schema in _FILES:
        read = reader.read(file_name, list_name.value, Field("obj", schema=schema))
        if read is None:
            continue
        items, validator = read
        for item, pos in items:
            entry = _entry(item, pos, list_name, known, validator)
            if entry is not None:
                entries[list_name].append(entry)
                placed.append((entry, pos, validator))
        _duplicates([p for p in placed if p[2] is validator])
        reader.problems.extend(validator.problems)
    context = reader.read_context()
    former = reader.read_former(known.communes)
    place_words, near_words = (
        frozenset(reader.read_words(PLACE_WORDS_FILE)),
        WordDigests(reader.read_words(NEAR_WORDS_FILE)),
    )
    lists = PlaceLists(
        demonyms=tuple(entries[ListName.GENTILES]),
        other_names=tuple(entries[ListName.AUTRES_NOMS]),
        landmarks=tuple(entries[ListName.LIEUX]),
        countries=tuple(countries),
        former_names=former,
        place_words=place_words,
        near_words=near_words,
        context=context,
    )
    return lists, reader.problems, b"\0".join(reader.raw)
