"""Load ``knowledge/`` into one immutable :class:`~bot.kb.model.Snapshot`, or say what is wrong.

``check_knowledge`` returns every problem found (errors, then warnings) plus the snapshot when
there is no error; ``load_knowledge`` raises :class:`KnowledgeError` instead of returning a
snapshot built from broken files. A snapshot is only ever built from files that passed.
"""

from __future__ import annotations

import csv
import datetime as dt
import gc
import gzip
import hashlib
import io
import itertools
import re
import string
import sys
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from functools import partial
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from rapidfuzz import process, utils

from bot.kb.guides import (
    CONVERSATION_FILE,
    CONVERSATION_SCHEMA,
    GUIDES_FILE,
    GUIDES_SCHEMA,
    build_guides,
    conversation_words,
)
from bot.kb.langue import LANGUAGE_DIR, check_concepts, check_examples, read_language
from bot.kb.lieux import KnownCodes, check_lieux
from bot.kb.model import (
    CONDITIONS,
    MODES,
    NETWORKS,
    PROFILES,
    AmbiguousAlias,
    Commune,
    Contact,
    Departement,
    Guides,
    Lot,
    Market,
    Network,
    Operator,
    OutsidePlace,
    Profile,
    Question,
    Region,
    Rule,
    Snapshot,
    frozen_map,
)
from bot.kb.sections import Built, ExtraSection, extra_sections
from bot.schema import Checked, Field, Problem, Validator
from bot.textnorm import fold
from bot.yamlfile import read_yaml_file
from bot.yamlpos import Pos, empty_mapping

__all__ = ["CheckReport", "KnowledgeError", "check_knowledge", "load_knowledge"]

MARKETS_DIR = "marches"
STALE_AFTER_DAYS = 365
ENDING_SOON_DAYS = 180
# INSEE codes of the 18 regions, and the shape of a département code.
REGION_CODES = (
    "01",
    "02",
    "03",
    "04",
    "06",
    "11",
    "24",
    "27",
    "28",
    "32",
    "44",
    "52",
    "53",
    "75",
    "76",
    "84",
    "93",
    "94",
)
DEPARTEMENT_CODE = re.compile(r"^(?:0[1-9]|1\d|2[1-9AB]|[3-8]\d|9[0-5]|97[1-6])$")

# Texts staff may reword, and the placeholders each one may use.
TEXT_KEYS: dict[str, tuple[str, ...]] = {
    "accueil": (),
    "aide": (),
    "reserver_ponctuel": (),
    "reserver_accompagnement": (),
    "preparer": (),
    "national": (),
    "hors_champ": ("lieu",),
    "a_verifier": (),
    "confidentialite": ("jours",),
    "question_lieu": (),
    "question_situation": (),
    "question_emploi": (),
    "question_besoin": (),
    "question_ambigu": ("lieu",),
    "non_compris": (),
    "non_compris_court": (),
    "reprenons": (),
    "question_pas_sure": (),
    "questions_choix": (),
    "questions_suggerees": (),
    "questions_si_cep": (),
    "questions_selon_situation": (),
    "questions_proches": (),
    "questions_reformuler": (),
    "bouton_autre_chose": (),
    "bouton_pas_ma_question": (),
}

# -- schemas -----------------------------------------------------------------------------------

_CODE = Field("code", required=True, example='"53"')
_ALIASES = Field("list", item=Field("text"), example='["surnom 1", "surnom 2"]')

GEO_SCHEMA = {
    "communes": Field(
        "obj",
        required=True,
        schema={
            "fichier": Field("text", required=True, example="communes.csv.gz"),
            "provenance": Field("text", required=True),
            "source": Field("source"),
        },
    ),
    "regions": Field(
        "list",
        required=True,
        item=Field(
            "obj", schema={"code": _CODE, "nom": Field("text", required=True, example='"Bretagne"'), "alias": _ALIASES}
        ),
    ),
    "departements": Field(
        "list",
        required=True,
        item=Field(
            "obj",
            schema={
                "code": _CODE,
                "nom": Field("text", required=True, example='"Finistère"'),
                "region": Field("code", required=True, example='"53"'),
                "alias": _ALIASES,
            },
        ),
    ),
    "alias_ambigus": Field(
        "list",
        item=Field(
            "obj",
            schema={
                "alias": Field("text", required=True, example='"les Antilles"'),
                "regions": Field("list", required=True, item=Field("code"), example='["01", "02"]'),
            },
        ),
    ),
    "hors_champ": Field(
        "list",
        item=Field(
            "obj",
            schema={
                "nom": Field("text", required=True, example='"Monaco"'),
                "alias": _ALIASES,
                "codes_postaux": Field("list", item=Field("code"), example='["98000"]'),
                "zone": Field("list", item=Field("scalar"), example="[43.72, 43.76, 7.40, 7.44]"),
            },
        ),
    ),
}

CONTACT_SCHEMA = {
    "telephone": Field("phone", example='"09 72 01 02 03"'),
    "site": Field("url", example='"https://mon-cep.org"'),
    "reservation": Field("url", example='"https://..."'),
    "email": Field("email", example='"contact@exemple.fr"'),
    "lieux": Field("text"),
    "adresse": Field("text"),
    "horaires": Field("text", example='"du lundi au vendredi de 9h à 17h"'),
    "modes": Field("list", item=Field("text", choices=MODES), example="[presentiel, telephone, visio]"),
    "source": Field("source", example='"https://..."'),
    "verifie": Field("checkdate", example='"2026-01-31"'),
    "a_verifier": Field("text", example='"raison"'),
}

MARKET_SCHEMA = {
    "id": Field("text", required=True, example='"2024-2027"'),
    "nom": Field("text", required=True),
    "debut": Field("date", required=True, example='"2024-01-01"'),
    "fin": Field("date", required=True, example='"2027-12-31"'),
    "source": Field("source"),
    "lots": Field(
        "list",
        required=True,
        item=Field(
            "obj",
            schema={
                "id": Field("text", required=True, example='"2024-bretagne"'),
                "nom": Field("text", required=True, example='"Lot Bretagne"'),
                "regions": Field("list", required=True, item=Field("code"), example='["53"]'),
                "operateur": Field(
                    "obj",
                    required=True,
                    schema={
                        "nom": Field("text", required=True, example='"Mon CEP par Avenir Actifs"'),
                        "site": Field("url"),
                        "source": Field("source"),
                    },
                ),
                "note": Field("text"),
                "contacts": Field(
                    "map", item=Field("obj", schema=CONTACT_SCHEMA), example='contacts: {"53": {site: "https://..."}}'
                ),
            },
        ),
    ),
}

ROUTING_SCHEMA = {
    "profils": Field(
        "list",
        required=True,
        item=Field(
            "obj",
            schema={
                "id": Field("text", required=True, choices=PROFILES),
                "libelle": Field("text", required=True),
                "bouton": Field("text", required=True),
            },
        ),
    ),
    "regles": Field(
        "list",
        required=True,
        item=Field(
            "obj",
            schema={
                "si": Field("list", required=True, item=Field("text"), example="[salarie]"),
                "profil": Field("text", required=True, example="salarie"),
                "reseau": Field("text", required=True, example="operateur_regional"),
                "alternatives": Field("list", item=Field("text"), example="[apec]"),
                "explication": Field("text", required=True),
                "source": Field("source"),
            },
        ),
    ),
}

NETWORKS_SCHEMA = {
    "reseaux": Field(
        "list",
        required=True,
        item=Field(
            "obj",
            schema={
                "id": Field("text", required=True, choices=NETWORKS),
                "nom": Field("text", required=True),
                "public": Field("text", required=True),
                "description": Field("text", required=True),
                "contact": Field("obj", schema=CONTACT_SCHEMA),
                "source": Field("source"),
            },
        ),
    )
}

QUESTIONS_SCHEMA = {
    "questions": Field(
        "list",
        required=True,
        item=Field(
            "obj",
            schema={
                "id": Field("id", required=True, example="gratuit"),
                "theme": Field("text"),
                # absent or too short: "n'a aucune formulation" / "n'a qu'une formulation", said in _questions
                "formulations": Field("list", item=Field("text"), example='["C\'est payant ?", "Combien ça coûte ?"]'),
                "reponse": Field("text"),  # absent or empty: "n'a pas de réponse", said in _questions
                "sources": Field("list", item=Field("source"), example='["https://..."]'),
                "concepts": Field("list", item=Field("text"), example='["gratuit|payant"]'),
                "exclut": Field("list", item=Field("text"), example='["@cas_particuliers"]'),
                "situations": Field("list", item=Field("text"), example='["etudiant", "retraite"]'),
                "selon_situation": Field("text", choices=("oui", "non"), example="oui"),
                # the answer when the message told the place or the situation already (selon_situation: oui)
                "reponse_situee": Field("text"),
                "source": Field("source"),
            },
        ),
    )
}

TEXTS_SCHEMA = {key: Field("text", required=True) for key in TEXT_KEYS}

SOURCES_FILE = "sources.yaml"
SOURCES_SCHEMA = {
    "domaines_officiels": Field("list", required=True, item=Field("text"), example='["service-public.fr", "gouv.fr"]'),
    "pages": Field(
        "list",
        item=Field(
            "obj",
            schema={
                "adresse": Field("source", required=True, example='"https://..."'),
                "verifie": Field("checkdate", required=True, example='"2026-01-31"'),
                "date_page": Field("text", example='"2026-02-16"'),
                "note": Field("text"),
            },
        ),
    ),
}
_DOMAIN_RE = re.compile(r"^[a-z0-9-]+(?:\.[a-z0-9-]+)+$")


# -- results -----------------------------------------------------------------------------------


class KnowledgeError(Exception):
    """The knowledge files have errors; ``problems`` lists them all."""

    def __init__(self, problems: list[Problem]) -> None:
        self.problems = problems
        errors = [p for p in problems if p.severity == "error"]
        super().__init__(
            f"{len(errors)} erreur(s) dans la base de connaissances :\n" + "\n".join(map(str, errors[:20]))
        )


@dataclass
class CheckReport:
    problems: list[Problem] = field(default_factory=list)
    snapshot: Snapshot | None = None
    counts: dict[str, int] = field(default_factory=dict)
    extras: dict[str, dict[str, Any]] = field(default_factory=dict)  # see bot.kb.sections

    def without_snapshot(self) -> CheckReport:
        """The same report without its snapshot (to keep the messages, not the data)."""
        return CheckReport(self.problems, None, self.counts, self.extras)

    @property
    def errors(self) -> list[Problem]:
        return [p for p in self.problems if p.severity == "error"]

    @property
    def warnings(self) -> list[Problem]:
        return [p for p in self.problems if p.severity == "warning"]

    def summary(self) -> str:
        c = self.counts
        return (
            f"{c.get('regions', 0)} régions, {c.get('departements', 0)} départements, "
            f"{c.get('communes', 0)} communes, {c.get('markets', 0)} marchés, "
            f"{c.get('lots', 0)} lots, {c.get('contacts', 0)} contacts dont "
            f"{c.get('to_check', 0)} à vérifier, {c.get('questions', 0)} questions, "
            f"{c.get('examples', 0)} exemples de messages — "
            f"{len(self.errors)} erreur(s), {len(self.warnings)} avertissement(s)"
        )

    def render(self) -> str:
        lines = [str(p) for p in self.errors] + [f"{p} (avertissement)" for p in self.warnings]
        lines.append(self.summary())
        return "\n".join(lines)


# -- loading -----------------------------------------------------------------------------------


def load_knowledge(directory: str | Path, today: dt.date | None = None) -> Snapshot:
    """Build the snapshot, or raise :class:`KnowledgeError` listing every error."""
    report = check_knowledge(directory, today=today)
    if report.snapshot is None:
        raise KnowledgeError(report.problems)
    return report.snapshot


def check_knowledge(directory: str | Path, today: dt.date | None = None) -> CheckReport:
    """Validate every file of ``directory``; build the snapshot when nothing is wrong."""
    # The build allocates hundreds of thousands of small objects that all live on: the cyclic
    # garbage collector would scan them again and again for nothing (a third of the time).
    enabled = gc.isenabled()
    gc.disable()
    try:
        return _Checker(Path(directory), today or dt.date.today()).run()
    finally:
        if enabled:
            gc.enable()


class _Checker:
    def __init__(self, root: Path, today: dt.date) -> None:
        self.root = root
        self.today = today
        self.problems: list[Problem] = []
        self.hasher = hashlib.sha256()
        self.geo_hasher = hashlib.sha256()  # geography + communes: what the place index depends on
        self.geo_errors = False
        self.question_lines: dict[str, int] = {}
        self.cited: list[tuple[str, str, Pos]] = []  # (file, source address, where) of every source read
        self.built = Built(today)
        self.guides = Guides()  # knowledge/reservation.yaml (bot.kb.guides)
        self.geo: tuple[Checked, Validator] | None = None

    # helpers
    def _rel(self, path: Path) -> str:
        try:
            return str(path.relative_to(self.root.parent)) if self.root.parent != Path() else str(path)
        except ValueError:
            return str(path)

    def _parse(self, path: Path) -> tuple[Any, Validator] | None:
        validator = Validator(self._rel(path))
        read = read_yaml_file(
            path,
            validator.file,
            f"remettez le fichier {path.name} livré avec le projet (voir README, section « Pour l'équipe qui "
            "tient les connaissances à jour »)",
        )
        if isinstance(read, Problem):
            self.problems.append(read)
            return None
        self.hasher.update(path.name.encode() + b"\0" + read.raw)
        if path.name == "geographie.yaml":
            self.geo_hasher.update(read.raw)
        validator.lines = read.lines
        # an empty file: every required key will be reported missing
        return (empty_mapping() if read.data is None else read.data), validator

    def _validate(self, path: Path, schema: dict[str, Field]) -> tuple[Checked, Validator] | None:
        """Parse and check ``path`` against ``schema``; None when the file cannot be read at all."""
        parsed = self._parse(path)
        if parsed is None:
            return None
        data, validator = parsed
        checked = validator.obj(data, schema, Pos(1, 1), "")
        self.problems.extend(validator.problems)
        validator.problems = []
        self.cited.extend((validator.file, url, pos) for url, pos in validator.cited)
        validator.cited = []
        if checked is None:
            return None
        return checked, validator

    def run(self) -> CheckReport:
        report = CheckReport()
        for section in self._sections():
            section()
        b = self.built
        regions, departements, outside, ambiguous = b.regions, b.departements, b.outside, b.ambiguous
        communes = b.communes
        markets, contact_count, to_check = b.markets, b.contact_count, b.to_check
        networks = b.networks
        profiles, rules = b.profiles, b.rules
        questions = b.questions
        texts = b.texts
        report.extras = b.extras
        lieux = b.lieux
        language = b.language

        report.counts = {
            "regions": len(regions),
            "departements": len(departements),
            "communes": len(communes),
            "markets": len(markets),
            "lots": sum(len(m.lots) for m in markets),
            "contacts": contact_count,
            "to_check": to_check,
            "questions": len(questions),
            "examples": sum(map(len, language.examples.questions.values()))
            + len(language.examples.other_topics)
            + len(language.examples.nothing),
        }
        errors = [p for p in self.problems if p.severity == "error"]
        warnings = [p for p in self.problems if p.severity == "warning"]
        report.problems = errors + warnings
        if errors:
            return report

        snapshot = Snapshot(
            regions=frozen_map(regions),
            departements=frozen_map(departements),
            communes=tuple(communes),
            markets=tuple(sorted(markets, key=lambda m: m.first_day)),
            networks=frozen_map(networks),
            profiles=frozen_map(profiles),
            rules=tuple(rules),
            questions=frozen_map(questions),
            texts=frozen_map(texts),
            outside=tuple(outside),
            ambiguous_aliases=tuple(ambiguous),
            version=self.hasher.hexdigest()[:12],
            loaded_at=dt.datetime.now(dt.UTC),
            geo_version=self.geo_hasher.hexdigest(),
            language=language,
            lieux=lieux,
            guides=self.guides,
        )
        report.snapshot = snapshot
        return report

    def _sections(self) -> list[Callable[[], None]]:
        """The sections of the knowledge, checked in this order (each may use what came before)."""
        return [
            self._geography,
            self._communes,
            self._lieux,
            self._markets,
            self._networks,
            self._routing,
            self._questions,
            self._texts,
            self._guides,
            self._language,
            *(partial(self._extra, extra) for extra in extra_sections()),
            self._sources,
        ]

    def _lieux(self) -> None:
        """knowledge/lieux/: demonyms, other names, landmarks, countries, context words (bot.kb.lieux)."""
        b = self.built
        known = KnownCodes({c.insee for c in b.communes}, b.departements, b.regions, {o.name for o in b.outside})
        lists, problems, raw = check_lieux(self.root, self._rel, known)
        self.problems.extend(problems)
        self.hasher.update(raw)
        self.geo_hasher.update(raw)
        b.lieux = lists

    def _guides(self) -> None:
        """How to book each door (reservation.yaml, bot.kb.guides): after the questions it names."""
        validated = self._validate(self.root / GUIDES_FILE, GUIDES_SCHEMA)
        if validated is None:
            return
        data, v = validated
        guides = build_guides(data, v, self.root, frozenset(self.built.questions))
        self.problems.extend(v.problems)
        talk = self._validate(self.root / CONVERSATION_FILE, CONVERSATION_SCHEMA)
        if talk is not None:
            talk_data, tv = talk
            follow_ups, small_talk = conversation_words(talk_data, tv, fold)
            guides = replace(guides, follow_ups=follow_ups, small_talk=frozen_map(small_talk))
            self.problems.extend(tv.problems)
        self.guides = guides

    def _language(self) -> None:
        """knowledge/langue/ and the concepts of each question (bot.kb.langue)."""
        self.built.language = read_language(self.root, self.problems, self.hasher)
        check_concepts(
            self.built.questions.values(),
            self.built.language,
            self._rel(self.root / "questions.yaml"),
            self.question_lines,
            self.problems,
        )
        questions_file = self._rel(self.root / "questions.yaml")
        # the examples are checked against questions.yaml once it has no error (a question whose block
        # is broken is not built: every example of it would be reported too)
        if self.built.questions and not any(p.file == questions_file and p.severity == "error" for p in self.problems):
            check_examples(
                self.built.questions,
                self.built.language,
                self._rel(self.root / LANGUAGE_DIR / "exemples.yaml"),
                self.problems,
            )

    # -- geography ------------------------------------------------------------------------------

    def _geography(self) -> None:
        self.geo = self._validate(self.root / "geographie.yaml", GEO_SCHEMA)
        if self.geo is None:
            return
        data, v = self.geo
        names = _Names(
            v,
            {
                fold(item["alias"]): tuple(code for code, _ in item["regions"])
                for item, _pos in data.get("alias_ambigus", [])
                if "alias" in item and "regions" in item
            },
        )
        self._regions(data, v, names)
        self._departements(data, v, names)
        self._ambiguous(data, v)
        self._outside(data, v, names)
        regions = self.built.regions
        if "regions" in data and len(regions) != len(REGION_CODES):
            missing = [code for code in REGION_CODES if code not in regions]
            v.warning(
                data.key_pos.get("regions", Pos(1, 1)),
                f"{len(regions)} régions définies au lieu de {len(REGION_CODES)}",
                f"ajoutez les régions {', '.join(missing)}" if missing else "vérifiez la liste « regions »",
            )
        self.geo_errors = any(p.severity == "error" and p.file == v.file for p in [*self.problems, *v.problems])
        self.problems.extend(v.problems)
        v.problems = []

    def _regions(self, data: Checked, v: Validator, names: _Names) -> None:
        regions = self.built.regions
        first_line: dict[str, int] = {}
        for item, _pos in data.get("regions", []):
            if "code" not in item or "nom" not in item:
                continue
            code = item["code"]
            if code not in REGION_CODES:
                v.error(
                    item.where("code"),
                    f"code de région inconnu « {code} »",
                    f"les codes INSEE des régions sont : {', '.join(REGION_CODES)}",
                )
                continue
            if code in regions:
                v.error(
                    item.where("code"),
                    f"la région {code} est déjà définie ligne {first_line[code]}",
                    "gardez une seule entrée par code",
                )
                continue
            regions[code] = Region(code, item["nom"], tuple(a for a, _ in item.get("alias", [])))
            first_line[code] = item.where("code").line
            names.claim_all(item, f"la région {item['nom']} ({code})", code)

    def _departements(self, data: Checked, v: Validator, names: _Names) -> None:
        regions, departements = self.built.regions, self.built.departements
        first_line: dict[str, int] = {}
        for item, _pos in data.get("departements", []):
            if not {"code", "nom", "region"} <= item.keys():
                continue
            code = item["code"]
            if not DEPARTEMENT_CODE.match(code):
                v.error(
                    item.where("code"),
                    f"code de département inconnu « {code} »",
                    'écrivez un code de "01" à "95", "2A" ou "2B" pour la Corse, "971" à "976" pour l\'outre-mer',
                )
                continue
            if code in departements:
                v.error(
                    item.where("code"),
                    f"le département {code} est déjà défini ligne {first_line[code]}",
                    "gardez une seule entrée par code",
                )
                continue
            if regions and item["region"] not in regions:
                v.error(
                    item.where("region"),
                    f"code de région inconnu « {item['region']} » pour le département {code}",
                    f"utilisez un des codes de « regions » : {', '.join(sorted(regions))}",
                )
                continue
            departements[code] = Departement(
                code, item["nom"], item["region"], tuple(a for a, _ in item.get("alias", []))
            )
            first_line[code] = item.where("code").line
            names.claim_all(item, f"le département {item['nom']} ({code})", item["region"])

    def _ambiguous(self, data: Checked, v: Validator) -> None:
        regions = self.built.regions
        for item, _pos in data.get("alias_ambigus", []):
            for code, cpos in item.get("regions", []):
                if regions and code not in regions:
                    v.error(
                        cpos,
                        f"code de région inconnu « {code} »",
                        f"utilisez un des codes de « regions » : {', '.join(sorted(regions))}",
                    )
            if "alias" in item and "regions" in item:
                if len(item["regions"]) < 2:
                    v.error(
                        item.where("regions"),
                        f"l'alias ambigu « {item['alias']} » ne cite qu'une région",
                        "citez au moins deux régions, ou mettez-le dans les « alias » de la région",
                    )
                self.built.ambiguous.append(AmbiguousAlias(item["alias"], tuple(c for c, _ in item["regions"])))

    def _outside(self, data: Checked, v: Validator, names: _Names) -> None:
        for item, _pos in data.get("hors_champ", []):
            if "nom" not in item:
                continue
            for prefix, ppos in item.get("codes_postaux", []):
                if not prefix.isdigit() or not 2 <= len(prefix) <= 5:
                    v.error(
                        ppos,
                        f"début de code postal invalide « {prefix} »",
                        'écrivez de 2 à 5 chiffres entre guillemets, par exemple "975"',
                    )
            aliases = tuple(a for a, _ in item.get("alias", []))
            prefixes = tuple(p for p, _ in item.get("codes_postaux", []))
            self.built.outside.append(OutsidePlace(item["nom"], aliases, prefixes, _zone(item, v)))
            names.claim_all(item, f"le lieu hors champ « {item['nom']} »", None)

    def _communes(self) -> None:
        self.built.communes = self._read_communes(self.geo, self.built.regions, self.built.departements)

    def _read_communes(
        self,
        geo: tuple[Checked, Validator] | None,
        regions: dict[str, Region],
        departements: dict[str, Departement],
    ) -> list[Commune]:
        if geo is None or "communes" not in geo[0] or "fichier" not in geo[0]["communes"]:
            return []
        path = self.root / geo[0]["communes"]["fichier"]
        rel = self._rel(path)
        if not path.exists():
            where = geo[0]["communes"].where("fichier")
            self.problems.append(
                Problem(
                    geo[1].file,
                    where.line,
                    where.column,
                    f"fichier des communes introuvable : {path.name}",
                    "remettez le fichier communes.csv.gz livré avec le projet",
                )
            )
            return []
        raw = path.read_bytes()
        self.hasher.update(raw)
        self.geo_hasher.update(raw)
        parsed = _read_communes(raw, path.suffix == ".gz")
        if isinstance(parsed, str):
            hint = "remettez le fichier communes.csv.gz livré avec le projet"
            if parsed == "header":
                self.problems.append(
                    Problem(
                        rel,
                        1,
                        1,
                        "en-tête du fichier des communes inattendu",
                        "la première ligne doit être : " + ",".join(COMMUNE_COLUMNS),
                    )
                )
            else:
                self.problems.append(Problem(rel, 1, 1, "fichier des communes illisible", hint))
            return []
        rows, malformed = parsed
        bad = 0
        for line_no in malformed:
            bad += 1
            if bad <= 5:
                self.problems.append(
                    Problem(rel, line_no, 1, "ligne de commune mal formée", "9 colonnes : " + ",".join(COMMUNE_COLUMNS))
                )
        # After an error in geographie.yaml, unknown codes here would only repeat it.
        if not departements or self.geo_errors:
            return [commune for _line, commune in rows]
        communes: list[Commune] = []
        for line_no, commune in rows:
            if commune.departement not in departements or commune.region not in regions:
                bad += 1
                if bad <= 5:
                    self.problems.append(
                        Problem(
                            rel,
                            line_no,
                            1,
                            (
                                f"commune {commune.insee} : département {commune.departement} ou région "
                                f"{commune.region} "
                                "inconnu"
                            ),
                            "corrigez les codes ou ajoutez le département dans geographie.yaml",
                        )
                    )
                continue
            communes.append(commune)
        return communes

    # -- markets --------------------------------------------------------------------------------

    def _contact(self, data: Checked, pos: Pos, v: Validator, what: str) -> Contact:
        written = data.key_pos  # keys written in the file, even with a refused value
        if "source" not in written and "a_verifier" not in written:
            v.error(
                pos,
                f"{what} sans source",
                'ajoutez « source: "https://..." » et « verifie: "AAAA-MM-JJ" », ou « a_verifier: "raison" »',
            )
        elif "a_verifier" not in written and "verifie" not in written:
            v.error(
                pos,
                f"{what} sans date de vérification",
                'ajoutez « verifie: "AAAA-MM-JJ" » (date du dernier contrôle), ou « a_verifier: "raison" »',
            )
        elif "a_verifier" in written and "verifie" in written:
            v.error(
                data.key_pos["a_verifier"],
                f"{what} à la fois vérifié (« verifie ») et à vérifier (« a_verifier »)",
                (
                    "gardez « verifie » si vous avez contrôlé la source à cette date, sinon gardez « a_verifier » : "
                    "jamais les deux"
                ),
            )
        checked = data.get("verifie")
        if checked is not None:
            if checked > self.today:
                v.error(
                    data.where("verifie"),
                    f"{what} : date de vérification dans le futur ({checked.isoformat()})",
                    f"écrivez la date du dernier contrôle, au plus tard aujourd'hui ({self.today.isoformat()})",
                )
            elif (self.today - checked).days > STALE_AFTER_DAYS:
                v.warning(
                    data.where("verifie"),
                    f"{what} vérifié il y a plus de 12 mois ({checked.isoformat()})",
                    f'recontrôlez la source ; si elle est toujours juste, écrivez verifie: "{self.today.isoformat()}" (date du contrôle)',
                )
        return Contact(
            phone=data.get("telephone"),
            website=data.get("site"),
            booking=data.get("reservation"),
            email=data.get("email"),
            places=data.get("lieux") or data.get("adresse"),
            hours=data.get("horaires"),
            modes=tuple(m for m, _ in data.get("modes", [])),
            source=data.get("source"),
            checked=checked,
            to_check=data.get("a_verifier"),
        )

    def _markets(self) -> None:
        folder = self.root / MARKETS_DIR
        paths = sorted(folder.glob("*.yaml")) if folder.is_dir() else []
        if not paths:
            self.problems.append(
                Problem(
                    self._rel(folder),
                    1,
                    1,
                    "aucun marché défini",
                    "ajoutez un fichier marches/AAAA-AAAA.yaml (voir README)",
                )
            )
            return
        state = _MarketState()
        for path in paths:
            self._market_file(path, state)
        self.built.markets = [m for m, _v, _d in state.markets]
        if not state.broken_files:
            # A market file that cannot be read would make every period look wrong: say nothing more.
            self._market_periods(state.markets)

    def _market_file(self, path: Path, state: _MarketState) -> None:
        validated = self._validate(path, MARKET_SCHEMA)
        if validated is None:
            state.broken_files = True
            return
        data, v = validated
        if not {"id", "nom", "debut", "fin"} <= data.keys():
            state.broken_files = True
            return
        if data["id"] in state.market_ids:
            v.error(
                data.where("id"),
                f"identifiant de marché « {data['id']} » déjà utilisé par {state.market_ids[data['id']]}",
                "donnez à chaque marché un identifiant unique, par exemple « 2028-2031 »",
            )
        state.market_ids.setdefault(data["id"], path.name)
        if data["debut"] > data["fin"]:
            v.error(
                data.where("fin"),
                f"la fin du marché ({data['fin'].isoformat()}) est avant son début ({data['debut'].isoformat()})",
                "vérifiez « debut » et « fin »",
            )
            state.broken_files = True
        lots: list[Lot] = []
        covered: dict[str, str] = {}
        complete = True  # every lot readable: otherwise "region not covered" would be noise
        for lot_data, _lpos in data.get("lots", []):
            if not {"id", "nom", "regions", "operateur"} <= lot_data.keys() or "nom" not in lot_data["operateur"]:
                complete = False
                continue
            lots.append(self._lot(lot_data, data, path, v, covered, state))
        if complete and "lots" in data:
            for code in sorted(self.built.regions):
                if code not in covered:
                    v.error(
                        data.key_pos["lots"],
                        (
                            f"la région {code} ({self.built.regions[code].name}) n'est couverte par aucun lot du "
                            "marché "
                            f"{data['id']}"
                        ),
                        f'ajoutez "{code}" à la liste « regions » du lot qui la couvre',
                    )
        state.markets.append(
            (Market(data["id"], data["nom"], data["debut"], data["fin"], tuple(lots), data.get("source")), v, data)
        )
        self.problems.extend(v.problems)
        v.problems = []

    def _lot(
        self, lot_data: Checked, data: Checked, path: Path, v: Validator, covered: dict[str, str], state: _MarketState
    ) -> Lot:
        regions = self.built.regions
        lot_id = lot_data["id"]
        if lot_id in state.lot_ids:
            other_market, other_file, other_line = state.lot_ids[lot_id]
            where = f"ligne {other_line}" if other_file == path.name else f"{other_file}, ligne {other_line}"
            v.error(
                lot_data.where("id"),
                f"identifiant de lot « {lot_id} » déjà utilisé (marché {other_market}, {where})",
                "donnez à chaque lot un identifiant unique",
            )
        state.lot_ids.setdefault(lot_id, (data["id"], path.name, lot_data.where("id").line))
        lot_regions: list[str] = []
        for code, cpos in lot_data["regions"]:
            if regions and code not in regions:
                v.error(
                    cpos,
                    f"code de région inconnu « {code} »",
                    f"utilisez un des codes de geographie.yaml : {', '.join(sorted(regions))}",
                )
            elif code in covered:
                v.error(
                    cpos,
                    f"la région {code} est déjà couverte par le lot « {covered[code]} »",
                    "une région ne peut appartenir qu'à un seul lot par marché : retirez-la de l'un des deux lots",
                )
            else:
                covered[code] = lot_id
                lot_regions.append(code)
        contacts = self._lot_contacts(lot_data, lot_regions, v)
        for code in lot_regions:
            if code not in contacts and data["fin"] >= self.today:
                v.warning(
                    lot_data.where("id"),
                    f"aucun contact pour la région {code} dans le lot « {lot_id} »",
                    "ajoutez un bloc « contacts » sourcé ; en attendant, le bot renvoie vers mon-cep.org",
                )
        op = lot_data["operateur"]
        return Lot(
            lot_id,
            lot_data["nom"],
            tuple(lot_regions),
            Operator(op["nom"], op.get("site"), op.get("source")),
            frozen_map(contacts),
            lot_data.get("note"),
        )

    def _lot_contacts(self, lot_data: Checked, lot_regions: list[str], v: Validator) -> dict[str, Contact]:
        listed = {code for code, _ in lot_data["regions"]}
        contacts: dict[str, Contact] = {}
        for code, (cdata, kpos, _vpos) in lot_data.get("contacts", {}).items():
            if code not in lot_regions:
                if code not in listed:  # listed but refused: already said above
                    hint = (
                        f"utilisez un des codes du lot : {', '.join(lot_regions)}"
                        if lot_regions
                        else f'ajoutez d\'abord "{code}" à la liste « regions » du lot'
                    )
                    v.error(kpos, f"contacts pour la région « {code} », qui n'est pas dans ce lot", hint)
                continue
            contacts[code] = self._contact(cdata, kpos, v, f"contact de la région {code}")
            self.built.contact_count += 1
            self.built.to_check += contacts[code].to_check is not None
        return contacts

    def _market_periods(self, markets: list[tuple[Market, Validator, Checked]]) -> None:
        """Periods sorted, without overlap or gap; one in force today; a next one before the end."""
        ordered = sorted(markets, key=lambda item: item[0].first_day)
        for (prev, _pv, _pd), (cur, cv, cd) in itertools.pairwise(ordered):
            pos = cd.where("debut")
            day_after = (prev.last_day + dt.timedelta(days=1)).isoformat()
            if cur.first_day <= prev.last_day:
                cv.error(
                    pos,
                    (
                        f"le marché {cur.id} commence le {cur.first_day.isoformat()}, avant la fin du marché {prev.id} "
                        f"(le {prev.last_day.isoformat()}) : les deux se chevauchent"
                    ),
                    f'écrivez debut: "{day_after}", ou corrigez « fin » du marché {prev.id}',
                )
            elif cur.first_day > prev.last_day + dt.timedelta(days=1):
                last_gap_day = (cur.first_day - dt.timedelta(days=1)).isoformat()
                cv.error(
                    pos,
                    (
                        f"aucun marché du {day_after} au {last_gap_day} : trou entre le marché {prev.id} et le marché "
                        f"{cur.id}"
                    ),
                    f'écrivez debut: "{day_after}", ou corrigez « fin » du marché {prev.id}',
                )
            self.problems.extend(cv.problems)
            cv.problems = []
        current = [item for item in ordered if item[0].covers(self.today)]
        if ordered and not current:
            _last, lv, ld = ordered[-1]
            lv.error(
                ld.where("fin"),
                f"aucun marché en vigueur aujourd'hui ({self.today.isoformat()})",
                "ajoutez le marché en cours dans marches/ ou corrigez les dates « debut » et « fin »",
            )
            self.problems.extend(lv.problems)
        elif current:
            market, cv, cd = current[0]
            later = [m for m, _v, _d in ordered if m.first_day > market.last_day]
            if (market.last_day - self.today).days <= ENDING_SOON_DAYS and not later:
                days = (market.last_day - self.today).days
                cv.warning(
                    cd.where("fin"),
                    (
                        f"le marché {market.id} se termine le {market.last_day.isoformat()} (dans {days} jours) et "
                        "aucun "
                        "marché suivant n'est défini"
                    ),
                    (
                        "préparez le fichier du marché suivant dans marches/ (voir README, « Préparer le prochain "
                        "marché "
                        "»)"
                    ),
                )
                self.problems.extend(cv.problems)

    # -- networks, routing, questions, texts ----------------------------------------------------

    def _networks(self) -> None:
        validated = self._validate(self.root / "reseaux.yaml", NETWORKS_SCHEMA)
        networks = self.built.networks
        if validated is None:
            return
        data, v = validated
        written = {item["id"] for item, _pos in data.get("reseaux", []) if "id" in item}
        for item, _pos in data.get("reseaux", []):
            if not {"id", "nom", "public", "description"} <= item.keys():
                continue
            if item["id"] in networks:
                v.error(
                    item.where("id"),
                    f"le réseau « {item['id']} » est défini deux fois",
                    "gardez une seule entrée par identifiant",
                )
                continue
            contact = (
                self._contact(item["contact"], item.key_pos["contact"], v, f"contact du réseau {item['id']}")
                if "contact" in item
                else None
            )
            networks[item["id"]] = Network(
                item["id"], item["nom"], item["public"], item["description"], contact, item.get("source")
            )
        for missing in (n for n in NETWORKS if n not in written):
            v.error(
                data.key_pos.get("reseaux", Pos(1, 1)),
                f"le réseau « {missing} » n'est pas défini",
                f"ajoutez une entrée « - id: {missing} » dans « reseaux »",
            )
        self.problems.extend(v.problems)

    def _routing(self) -> None:
        validated = self._validate(self.root / "orientation.yaml", ROUTING_SCHEMA)
        if validated is None:
            return
        data, v = validated
        self._routing_profiles(data, v)
        seen = self._routing_rules(data, v)
        for profile in PROFILES:
            if frozenset([profile]) not in seen:
                v.error(
                    Pos(1, 1),
                    f"aucune règle pour le profil « {profile} » seul",
                    f"ajoutez une règle « si: [{profile}] »",
                )
        self.problems.extend(v.problems)

    def _routing_profiles(self, data: Checked, v: Validator) -> None:
        """orientation.yaml « profils »: each profile once, every known profile defined."""
        profiles = self.built.profiles
        written = {item["id"] for item, _pos in data.get("profils", []) if "id" in item}
        for item, _pos in data.get("profils", []):
            if not {"id", "libelle", "bouton"} <= item.keys():
                continue
            if item["id"] in profiles:
                v.error(
                    item.where("id"),
                    f"le profil « {item['id']} » est défini deux fois",
                    "gardez une seule entrée par identifiant",
                )
                continue
            profiles[item["id"]] = Profile(item["id"], item["libelle"], item["bouton"])
        for missing in (p for p in PROFILES if p not in written):
            v.error(
                data.key_pos.get("profils", Pos(1, 1)),
                f"le profil « {missing} » n'est pas défini",
                f"ajoutez une entrée « - id: {missing} » dans « profils »",
            )

    def _routing_rules(self, data: Checked, v: Validator) -> dict[frozenset[str], Pos]:
        """orientation.yaml « regles »: the valid rules go to ``built.rules``; return where each set of traits is."""
        seen: dict[frozenset[str], Pos] = {}
        for item, pos in data.get("regles", []):
            if not {"si", "profil", "reseau", "explication"} <= item.keys():
                continue
            ok = _rule_is_valid(item, v)
            traits = frozenset(t for t, _ in item["si"])
            if traits in seen:
                v.warning(
                    pos,
                    (
                        f"règle {sorted(traits)} déjà écrite plus haut (ligne {seen[traits].line}) : celle-ci ne "
                        "s'appliquera jamais"
                    ),
                    "supprimez l'une des deux",
                )
            seen.setdefault(traits, pos)
            if ok:
                self.built.rules.append(
                    Rule(
                        traits,
                        item["profil"],
                        item["reseau"],
                        tuple(a for a, _ in item.get("alternatives", [])),
                        item["explication"],
                        item.get("source"),
                    )
                )
        return seen

    def _questions(self) -> None:
        validated = self._validate(self.root / "questions.yaml", QUESTIONS_SCHEMA)
        questions = self.built.questions
        if validated is None:
            return
        data, v = validated
        owner: dict[str, tuple[str, int]] = {}  # folded phrasing -> (question id, line)
        first_line: dict[str, int] = {}
        for item, _pos in data.get("questions", []):
            if "id" not in item:
                continue
            qid = item["id"]
            if qid in first_line:
                v.error(
                    item.where("id"),
                    f"la question « {qid} » est déjà définie ligne {first_line[qid]}",
                    "donnez un identifiant unique à chaque question",
                )
                continue
            first_line[qid] = item.where("id").line
            phrasings = item.get("formulations", [])
            _check_phrasings(item, qid, v, owner)
            _check_theme(item, v)
            sources = tuple(s for s, _ in item.get("sources", [])) + ((item["source"],) if "source" in item else ())
            if not sources and not _refused(item, "sources") and not _refused(item, "source"):
                # The bot would serve this answer with no source at all: that is an error.
                v.error(
                    item.key_pos.get("sources", item.pos),
                    f"la question « {qid} » n'a pas de source",
                    "ajoutez « sources: » puis, en dessous, une ligne « - https://... » par page qui prouve la réponse",
                )
            for key in ("reponse", "reponse_situee"):
                if key in item:
                    _check_answer(item, qid, v, key)
            if "reponse_situee" in item and item.get("selon_situation") != "oui":
                v.warning(
                    item.key_pos.get("reponse_situee", item.pos),
                    f"« reponse_situee » de « {qid} » sans « selon_situation: oui » : elle ne serait jamais envoyée",
                    "ajoutez « selon_situation: oui » à la question, ou retirez « reponse_situee »",
                )
            if "reponse" not in item:
                if item.raw.get("reponse") is None:  # absent or empty; a wrong value was reported already
                    v.error(
                        item.key_pos.get("reponse", item.pos),
                        f"la question « {qid} » n'a pas de réponse",
                        (
                            "ajoutez « reponse: >- » puis, sur les lignes suivantes décalées de 6 espaces, le texte "
                            "envoyé à la personne"
                        ),
                    )
                continue
            concepts = tuple(c for c, _ in item.get("concepts", [])), tuple(c for c, _ in item.get("exclut", []))
            questions[qid] = Question(
                qid,
                item.get("theme", ""),
                tuple(p for p, _ in phrasings),
                item["reponse"],
                sources,
                *concepts,
                situations=tuple(t for t, _ in item.get("situations", [])),
                by_situation=item.get("selon_situation") == "oui",
                answer_situated=item.get("reponse_situee", "") if item.get("selon_situation") == "oui" else "",
            )
            self.question_lines[qid] = item.where("id").line
        self.problems.extend(v.problems)

    def _texts(self) -> None:
        validated = self._validate(self.root / "textes.yaml", TEXTS_SCHEMA)
        if validated is None:
            return
        data, v = validated
        pos = data.key_pos.__getitem__
        for key, text in data.items():
            allowed = TEXT_KEYS[key]
            try:
                fields = [name for _, name, _, _ in string.Formatter().parse(text) if name is not None]
            except ValueError:
                v.error(
                    pos(key),
                    f"accolade mal fermée dans « {key} »",
                    "écrivez {lieu} avec les deux accolades, ou retirez-les",
                )
                continue
            for name in fields:
                if name not in allowed:
                    hint = (
                        f"seuls ces mots peuvent aller entre accolades ici : {', '.join('{' + a + '}' for a in allowed)}"
                        if allowed
                        else "ce texte n'accepte pas d'accolades : retirez-les"
                    )
                    v.error(pos(key), f"mot entre accolades inconnu « {{{name}}} » dans « {key} »", hint)
        self.problems.extend(v.problems)
        self.built.texts = {key: str(value) for key, value in data.items()}

    # -- files added by other modules (bot.kb.sections.register) --------------------------------

    def _extra(self, extra: ExtraSection) -> None:
        paths = sorted(self.root.glob(extra.pattern))
        found = self.built.extras.setdefault(extra.name, {})
        if not paths and extra.required:
            self.problems.append(
                Problem(
                    self._rel(self.root / extra.pattern),
                    1,
                    1,
                    "fichier manquant",
                    f"ajoutez un fichier {extra.pattern} (voir README)",
                )
            )
        for path in paths:
            validated = self._validate(path, dict(extra.schema))
            if validated is None:
                continue
            data, v = validated
            found[str(path.relative_to(self.root))] = (
                extra.check(data, v, self.built) if extra.check is not None else data
            )
            self.problems.extend(v.problems)
            v.problems = []

    # -- sources: official sites and check dates -------------------------------------------------

    def _sources(self) -> None:
        """Warn about sources outside the official sites listed in sources.yaml, and stale checks."""
        path = self.root / SOURCES_FILE
        if not path.exists():
            self.problems.append(
                Problem(
                    self._rel(path),
                    1,
                    1,
                    "liste des sites officiels absente",
                    f"remettez le fichier {SOURCES_FILE} livré avec le projet",
                    "warning",
                )
            )
            return
        own = len(self.cited)
        validated = self._validate(path, SOURCES_SCHEMA)
        if validated is None:
            return
        data, v = validated
        del self.cited[own:]  # the register's own addresses are not citations
        domains: list[str] = []
        for domain, dpos in data.get("domaines_officiels", []):
            name = domain.lower().removeprefix("www.")
            if not _DOMAIN_RE.match(name):
                v.error(
                    dpos,
                    f"nom de site invalide « {domain} »",
                    "écrivez seulement le nom du site, sans https:// ni /, par exemple service-public.fr",
                )
                continue
            domains.append(name)
        seen: dict[str, int] = {}
        for page, _pos in data.get("pages", []):
            if "adresse" not in page:
                continue
            if page["adresse"] in seen:
                v.warning(
                    page.where("adresse"),
                    f"page déjà listée ligne {seen[page['adresse']]}",
                    "gardez une seule entrée par adresse",
                )
            seen.setdefault(page["adresse"], page.where("adresse").line)
            checked = page.get("verifie")
            if checked is not None and (self.today - checked).days > STALE_AFTER_DAYS:
                v.warning(
                    page.where("verifie"),
                    f"page lue il y a plus de 12 mois ({checked.isoformat()[:7] if checked.day == 1 else checked.isoformat()})",
                    f'relisez-la ; si elle dit toujours la même chose, écrivez verifie: "{self.today.isoformat()}"',
                )
            elif checked is not None and checked > self.today:
                v.error(
                    page.where("verifie"),
                    f"date de contrôle dans le futur ({checked.isoformat()})",
                    f"écrivez la date de la lecture, au plus tard aujourd'hui ({self.today.isoformat()})",
                )
        self.problems.extend(v.problems)
        if domains:
            self._unofficial(domains)

    def _unofficial(self, domains: list[str]) -> None:
        """One warning per cited address outside the official sites, at its first place."""
        first: dict[tuple[str, str], tuple[Pos, int]] = {}
        for file, url, pos in self.cited:
            host = (urlsplit(url).hostname or "").lower().removeprefix("www.")
            if any(host == d or host.endswith("." + d) for d in domains):
                continue
            where, count = first.get((file, url), (pos, 0))
            first[(file, url)] = (where, count + 1)
        for (file, url), (pos, count) in first.items():
            host = (urlsplit(url).hostname or "").lower().removeprefix("www.")
            again = f" (citée {count} fois dans ce fichier)" if count > 1 else ""
            self.problems.append(
                Problem(
                    file,
                    pos.line,
                    pos.column,
                    f"source hors des sites officiels : {host}{again}",
                    (
                        "cherchez la même information sur un site officiel (liste « domaines_officiels » de "
                        f"{SOURCES_FILE}) ; si ce site est officiel, ajoutez-le à cette liste"
                    ),
                    "warning",
                )
            )


# The families of questions documented in questions.yaml's header.
THEMES = ("eligibilite", "cout", "employeur", "fonctionnement", "dispositifs", "contacts", "chiffres", "territoires")
MIN_PHRASINGS = 2  # fewer: an error (the question would hardly ever be recognised)
ADVISED_PHRASINGS = 4  # fewer: a warning (the header asks for at least 4)
MAX_ANSWER_CHARS = 600


def _rule_is_valid(item: Checked, v: Validator) -> bool:
    """Report the unknown conditions, profile and networks of one routing rule; True when there are none."""
    ok = True
    for trait, tpos in item["si"]:
        if trait not in CONDITIONS:
            v.error(tpos, f"condition inconnue « {trait} »", f"conditions possibles : {', '.join(CONDITIONS)}")
            ok = False
    if item["profil"] not in PROFILES:
        v.error(
            item.where("profil"),
            f"profil inconnu « {item['profil']} »",
            f"profils possibles : {', '.join(PROFILES)}",
        )
        ok = False
    for net in [item["reseau"], *(a for a, _ in item.get("alternatives", []))]:
        if net not in NETWORKS:
            v.error(
                item.where("reseau" if net == item["reseau"] else "alternatives"),
                f"réseau inconnu « {net} »",
                f"réseaux possibles : {', '.join(NETWORKS)}",
            )
            ok = False
    return ok


def _refused(item: Checked, key: str) -> bool:
    """``key`` was written with a value the schema refused (and already reported)."""
    return key in item.key_pos and key not in item and item.raw.get(key) not in (None, [], "")


def _check_phrasings(item: Checked, qid: str, v: Validator, owner: dict[str, tuple[str, int]]) -> None:
    phrasings = item.get("formulations", [])
    if len(phrasings) < ADVISED_PHRASINGS and not _refused(item, "formulations"):
        where = item.key_pos.get("formulations", item.pos)
        if len(phrasings) < MIN_PHRASINGS:
            count = "n'a aucune formulation" if not phrasings else "n'a qu'une formulation"
            v.error(
                where,
                f"la question « {qid} » {count}",
                (
                    f"ajoutez au moins {ADVISED_PHRASINGS} façons de poser la question dans « formulations », une par "
                    "ligne commençant par « - »"
                ),
            )
        else:
            v.warning(
                where,
                f"la question « {qid} » n'a que {len(phrasings)} formulations",
                f"ajoutez-en pour arriver à au moins {ADVISED_PHRASINGS}, écrites comme les gens les écrivent",
            )
    mine: dict[str, int] = {}
    for phrasing, ppos in phrasings:
        same = " ".join(phrasing.casefold().split())  # the same words, capitals and spaces aside
        if same in mine:
            v.warning(
                ppos,
                f"la formulation « {phrasing} » est déjà écrite ligne {mine[same]} pour cette question",
                "supprimez l'une des deux lignes",
            )
        mine.setdefault(same, ppos.line)
        key = fold(phrasing)
        if key in owner and owner[key][0] != qid:
            other, line = owner[key]
            v.error(
                ppos,
                f"la formulation « {phrasing} » est déjà utilisée par la question « {other} » (ligne {line})",
                "gardez-la sous une seule des deux questions",
            )
        owner.setdefault(key, (qid, ppos.line))
        if '"' in phrasing:
            clean = phrasing.replace('"', "").strip()
            v.warning(
                ppos,
                f'guillemet " resté dans la formulation « {phrasing} »',
                f'écrivez - "{clean}" (un guillemet au début et un à la fin, aucun au milieu)',
            )


def _check_theme(item: Checked, v: Validator) -> None:
    theme = item.get("theme")
    if theme is not None and theme not in THEMES:
        guess = process.extractOne(theme, THEMES, processor=utils.default_process, score_cutoff=70)
        prefix = f"vouliez-vous dire « {guess[0]} » ? " if guess else ""
        v.warning(item.where("theme"), f"thème inconnu « {theme} »", f"{prefix}thèmes possibles : {', '.join(THEMES)}")


def _check_answer(item: Checked, qid: str, v: Validator, key: str = "reponse") -> None:
    answer = item[key]
    what, the_what = ("réponse", "la réponse") if key == "reponse" else (f"« {key} »", f"« {key} »")
    if len(answer) > MAX_ANSWER_CHARS:
        v.warning(
            item.where(key),
            f"{what} de « {qid} » trop longue : {len(answer)} caractères",
            (
                f"raccourcissez-la à {MAX_ANSWER_CHARS} caractères au plus (les détails peuvent aller dans une autre "
                "question)"
            ),
        )
    if "\n" in answer.strip():
        start = item.where(key).line  # the line after « reponse: >- » is the first of the text
        blank = next((i for i in range(start, len(v.lines)) if not v.lines[i].strip()), start)
        v.warning(
            Pos(blank + 1, 1),
            f"ligne vide au milieu de {the_what} de « {qid} »",
            "supprimez cette ligne vide (un retour à la ligne suffit, il devient une espace)",
        )


@dataclass
class _MarketState:
    """What the market files seen so far have claimed (ids), and whether one could not be read."""

    markets: list[tuple[Market, Validator, Checked]] = field(default_factory=list)
    lot_ids: dict[str, tuple[str, str, int]] = field(default_factory=dict)  # lot id -> (market, file, line)
    market_ids: dict[str, str] = field(default_factory=dict)  # market id -> file
    broken_files: bool = False


class _Names:
    """Every place name of geographie.yaml, to catch one name given to two places."""

    def __init__(self, v: Validator, declared: dict[str, tuple[str, ...]]) -> None:
        self.v = v
        self.declared = declared  # names declared ambiguous on purpose
        self.names: dict[str, tuple[str, Pos, str]] = {}  # name -> (what it designates, where, its region)

    def claim_all(self, item: Checked, label: str, region: str | None) -> None:
        self.claim(item["nom"], label, item.where("nom"), region)
        for alias, apos in item.get("alias", []):
            self.claim(alias, label, apos, region)

    def claim(self, name: str, label: str, pos: Pos, region: str | None) -> None:
        key = fold(name)
        if not key:
            return
        if key not in self.names:
            self.names[key] = (label, pos, region or "")
            return
        other, other_pos, other_region = self.names[key]
        same_place = other == label or (region is not None and region == other_region)
        if not same_place and key not in self.declared:
            self.v.error(
                pos,
                f"le nom « {name} » désigne déjà {other} (ligne {other_pos.line})",
                "supprimez ce doublon, ou déclarez-le dans « alias_ambigus » avec les régions concernées",
            )


def _zone(item: Checked, v: Validator) -> tuple[float, float, float, float] | None:
    """The rectangle [lat min, lat max, lon min, lon max] of a place outside France, if valid."""
    if "zone" not in item:
        return None
    try:
        numbers = tuple(float(z) for z, _ in item["zone"])
    except ValueError:
        numbers = ()
    if len(numbers) != 4 or not (numbers[0] < numbers[1] and numbers[2] < numbers[3]):
        v.error(
            item.where("zone"),
            "zone invalide",
            (
                "écrivez [latitude min, latitude max, longitude min, longitude max], par exemple [43.72, 43.76, 7.40, "
                "7.44]"
            ),
        )
        return None
    return numbers[0], numbers[1], numbers[2], numbers[3]


COMMUNE_COLUMNS = ("insee", "type", "name", "departement", "region", "population", "postal_codes", "lat", "lon")
_communes_cache: dict[str, tuple[list[tuple[int, Commune]], list[int]]] = {}


def _read_communes(raw: bytes, gzipped: bool) -> tuple[list[tuple[int, Commune]], list[int]] | str:
    """(line, commune) of each row and the lines of malformed rows; or "unreadable" / "header".

    The file is large (37 000 rows) and rarely changes while staff edit the YAML files around it:
    the last result is kept, keyed by the file's digest (communes are frozen, so sharing is safe).
    """
    digest = hashlib.sha256(raw).hexdigest()
    if digest in _communes_cache:
        return _communes_cache[digest]
    try:
        text = gzip.decompress(raw).decode("utf-8") if gzipped else raw.decode("utf-8")
    except (OSError, UnicodeDecodeError, EOFError):
        return "unreadable"
    reader = csv.reader(io.StringIO(text))
    if tuple(next(reader, ())) != COMMUNE_COLUMNS:
        return "header"
    rows: list[tuple[int, Commune]] = []
    malformed: list[int] = []
    postal_codes: dict[str, tuple[str, ...]] = {}  # communes that share their postal codes share one tuple
    for line_no, row in enumerate(reader, start=2):
        try:
            insee, kind, name, dep, reg, pop, postal, lat, lon = row
            rows.append(
                (
                    line_no,
                    Commune(
                        insee,
                        sys.intern(kind),  # a few kinds, 101 départements, 18 regions: one string each
                        name,
                        sys.intern(dep),
                        sys.intern(reg),
                        int(pop or 0),
                        postal_codes.setdefault(postal, tuple(sys.intern(p) for p in postal.split(";") if p)),
                        _coord(lat),
                        _coord(lon),
                    ),
                )
            )
        except ValueError:
            malformed.append(line_no)
    _communes_cache.clear()
    _communes_cache[digest] = (rows, malformed)
    return rows, malformed


def _coord(value: str) -> float | None:
    """A latitude or longitude, or None when missing ("" or "nan" in the source file)."""
    if not value:
        return None
    number = float(value)
    return None if number != number else number  # NaN
