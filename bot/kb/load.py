"""Load ``knowledge/`` into one immutable :class:`~bot.kb.model.Snapshot`, or say what is wrong.

``check_knowledge`` returns every problem found (errors, then warnings) plus the snapshot when
there is no error; ``load_knowledge`` raises :class:`KnowledgeError` instead of returning a
snapshot built from broken files. A snapshot is only ever built from files that passed.
"""

from __future__ import annotations

import csv
import datetime as dt
import gzip
import hashlib
import io
import string
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from bot.kb.model import (
    MODES,
    NETWORKS,
    PROFILES,
    AmbiguousAlias,
    Commune,
    Contact,
    Departement,
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
from bot.kb.schema import Field, Problem, Validator, normalise_phone
from bot.kb.yamlpos import Pos, YamlSyntaxError, load_yaml
from bot.textnorm import fold

__all__ = ["CheckReport", "KnowledgeError", "check_knowledge", "load_knowledge"]

FILES = ("geographie.yaml", "orientation.yaml", "reseaux.yaml", "questions.yaml", "textes.yaml")
MARKETS_DIR = "marches"
STALE_AFTER_DAYS = 365
ENDING_SOON_DAYS = 180

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
    "question_besoin": (),
    "question_ambigu": ("lieu",),
    "non_compris": (),
    "reprenons": (),
    "question_pas_sure": (),
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
        item=Field("obj", schema={"code": _CODE, "nom": Field("text", required=True, example='"Bretagne"'), "alias": _ALIASES}),
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
    "verifie": Field("date", example='"2026-01-31"'),
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
                "contacts": Field("map", item=Field("obj", schema=CONTACT_SCHEMA), example='contacts: {"53": {site: "https://..."}}'),
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
                "formulations": Field("list", required=True, item=Field("text"), example='["C\'est payant ?", "Combien ça coûte ?"]'),
                "reponse": Field("text", required=True, example="Non, le CEP est gratuit."),
                "sources": Field("list", item=Field("source"), example='["https://..."]'),
                "source": Field("source"),
            },
        ),
    )
}

TEXTS_SCHEMA = {key: Field("text", required=True) for key in TEXT_KEYS}


# -- results -----------------------------------------------------------------------------------


class KnowledgeError(Exception):
    """The knowledge files have errors; ``problems`` lists them all."""

    def __init__(self, problems: list[Problem]) -> None:
        self.problems = problems
        errors = [p for p in problems if p.severity == "error"]
        super().__init__(f"{len(errors)} erreur(s) dans la base de connaissances:\n" + "\n".join(map(str, errors[:20])))


@dataclass
class CheckReport:
    problems: list[Problem] = field(default_factory=list)
    snapshot: Snapshot | None = None
    counts: dict[str, int] = field(default_factory=dict)

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
            f"{c.get('to_check', 0)} à vérifier, {c.get('questions', 0)} questions — "
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
    return _Checker(Path(directory), today or dt.date.today()).run()


class _Checker:
    def __init__(self, root: Path, today: dt.date) -> None:
        self.root = root
        self.today = today
        self.problems: list[Problem] = []
        self.hasher = hashlib.sha256()

    # helpers
    def _rel(self, path: Path) -> str:
        try:
            return str(path.relative_to(self.root.parent)) if self.root.parent != Path() else str(path)
        except ValueError:
            return str(path)

    def _parse(self, path: Path) -> tuple[Any, Validator] | None:
        validator = Validator(self._rel(path))
        if not path.exists():
            self.problems.append(Problem(validator.file, 1, 1, "fichier manquant", f"créez {path.name} (voir README, section « Pour l'équipe »)"))
            return None
        raw = path.read_bytes()
        self.hasher.update(path.name.encode() + b"\0" + raw)
        try:
            text = raw.decode("utf-8")
        except UnicodeDecodeError as exc:
            line = raw[: exc.start].count(b"\n") + 1
            self.problems.append(Problem(validator.file, line, 1, "caractère illisible (le fichier n'est pas en UTF-8)", "enregistrez le fichier en UTF-8"))
            return None
        try:
            data = load_yaml(text)
        except YamlSyntaxError as exc:
            self.problems.append(Problem(validator.file, exc.pos.line, exc.pos.column, exc.message, "corrigez la syntaxe à cet endroit (voir README, section « Pour l'équipe »)"))
            return None
        if data is None:
            data = {}
        return data, validator

    def _validate(self, path: Path, schema: dict[str, Field]) -> tuple[dict[str, Any], Validator] | None:
        """Parse and check ``path``; the validator's ``key_pos`` gives top-level key positions."""
        parsed = self._parse(path)
        if parsed is None:
            return None
        data, validator = parsed
        checked = validator.obj(data, schema, Pos(1, 1), "")
        self.problems.extend(validator.problems)
        validator.problems = []
        if checked is None:
            return None
        key_pos = dict(getattr(data, "key_pos", {}))
        validator.key_pos = lambda key: key_pos.get(key, Pos(1, 1))  # type: ignore[attr-defined]
        return checked, validator

    def run(self) -> CheckReport:
        report = CheckReport()
        geo = self._validate(self.root / "geographie.yaml", GEO_SCHEMA)
        regions, departements, outside, ambiguous = self._geography(geo)
        communes = self._communes(geo, regions, departements)
        markets, contact_count, to_check = self._markets(regions)
        networks = self._networks()
        profiles, rules = self._routing(networks)
        questions = self._questions()
        texts = self._texts()

        report.counts = {
            "regions": len(regions),
            "departements": len(departements),
            "communes": len(communes),
            "markets": len(markets),
            "lots": sum(len(m.lots) for m in markets),
            "contacts": contact_count,
            "to_check": to_check,
            "questions": len(questions),
        }
        errors = [p for p in self.problems if p.severity == "error"]
        warnings = [p for p in self.problems if p.severity == "warning"]
        report.problems = errors + warnings
        if errors:
            return report

        from bot.nlu.places import PlaceIndex  # noqa: PLC0415 - avoid an import cycle
        from bot.nlu.questions import QuestionIndex  # noqa: PLC0415

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
            source_dir=str(self.root),
        )
        object.__setattr__(snapshot, "places", PlaceIndex(snapshot))
        object.__setattr__(snapshot, "faq", QuestionIndex(snapshot))
        report.snapshot = snapshot
        return report

    # -- geography ------------------------------------------------------------------------------

    def _geography(
        self, geo: tuple[dict[str, Any], Validator] | None
    ) -> tuple[dict[str, Region], dict[str, Departement], list[OutsidePlace], list[AmbiguousAlias]]:
        regions: dict[str, Region] = {}
        departements: dict[str, Departement] = {}
        outside: list[OutsidePlace] = []
        ambiguous: list[AmbiguousAlias] = []
        if geo is None:
            return regions, departements, outside, ambiguous
        data, v = geo
        # name -> (target, pos), where target is ("region", code) / ("dep", code) / ("out", name)
        names: dict[str, tuple[tuple[str, str], Pos, str]] = {}
        declared: dict[str, tuple[str, ...]] = {}
        for item, _pos in data.get("alias_ambigus", []):
            if "alias" in item and "regions" in item:
                declared[fold(item["alias"])] = tuple(code for code, _ in item["regions"])

        def claim(name: str, target: tuple[str, str], pos: Pos, region: str | None) -> None:
            key = fold(name)
            if not key:
                return
            if key in names:
                other, _other_pos, other_region = names[key]
                same_place = other == target or (region is not None and region == other_region and "out" not in (target[0], other[0]))
                if not same_place and key not in declared:
                    v.error(
                        pos,
                        f"le nom « {name} » désigne déjà un autre lieu ({other[1]})",
                        "supprimez ce doublon, ou déclarez-le dans « alias_ambigus » avec les régions concernées",
                    )
                return
            names[key] = (target, pos, region or "")

        for item, pos in data.get("regions", []):
            if "code" not in item or "nom" not in item:
                continue
            code = item["code"]
            if code in regions:
                v.error(pos, f"la région {code} est définie deux fois", "gardez une seule entrée par code")
                continue
            aliases = tuple(a for a, _ in item.get("alias", []))
            regions[code] = Region(code, item["nom"], aliases)
            claim(item["nom"], ("region", code), pos, code)
            for alias, apos in item.get("alias", []):
                claim(alias, ("region", code), apos, code)
        for item, pos in data.get("departements", []):
            if not {"code", "nom", "region"} <= item.keys():
                continue
            code = item["code"]
            if code in departements:
                v.error(pos, f"le département {code} est défini deux fois", "gardez une seule entrée par code")
                continue
            if regions and item["region"] not in regions:
                v.error(pos, f"code de région inconnu « {item['region']} » pour le département {code}", f"utilisez un des codes de « regions » : {', '.join(sorted(regions))}")
                continue
            aliases = tuple(a for a, _ in item.get("alias", []))
            departements[code] = Departement(code, item["nom"], item["region"], aliases)
            claim(item["nom"], ("dep", code), pos, item["region"])
            for alias, apos in item.get("alias", []):
                claim(alias, ("dep", code), apos, item["region"])
        for item, pos in data.get("alias_ambigus", []):
            for code, cpos in item.get("regions", []):
                if regions and code not in regions:
                    v.error(cpos, f"code de région inconnu « {code} »", f"utilisez un des codes de « regions » : {', '.join(sorted(regions))}")
            if "alias" in item and "regions" in item:
                if len(item["regions"]) < 2:
                    v.error(pos, f"l'alias ambigu « {item['alias']} » ne cite qu'une région", "citez au moins deux régions, ou mettez-le dans les « alias » de la région")
                ambiguous.append(AmbiguousAlias(item["alias"], tuple(c for c, _ in item["regions"])))
        for item, pos in data.get("hors_champ", []):
            if "nom" not in item:
                continue
            aliases = tuple(a for a, _ in item.get("alias", []))
            prefixes = tuple(p for p, _ in item.get("codes_postaux", []))
            for prefix, ppos in item.get("codes_postaux", []):
                if not prefix.isdigit() or not 2 <= len(prefix) <= 5:
                    v.error(ppos, f"début de code postal invalide « {prefix} »", 'écrivez de 2 à 5 chiffres entre guillemets, par exemple "975"')
            outside.append(OutsidePlace(item["nom"], aliases, prefixes))
            claim(item["nom"], ("out", item["nom"]), pos, None)
            for alias, apos in item.get("alias", []):
                claim(alias, ("out", item["nom"]), apos, None)
        if "regions" in data and len(regions) != 18:
            v.warning(Pos(1, 1), f"{len(regions)} régions définies au lieu de 18", "vérifiez la liste « regions »")
        self.problems.extend(v.problems)
        return regions, departements, outside, ambiguous

    def _communes(
        self,
        geo: tuple[dict[str, Any], Validator] | None,
        regions: dict[str, Region],
        departements: dict[str, Departement],
    ) -> list[Commune]:
        if geo is None or "communes" not in geo[0] or "fichier" not in geo[0]["communes"]:
            return []
        path = self.root / geo[0]["communes"]["fichier"]
        rel = self._rel(path)
        if not path.exists():
            self.problems.append(Problem(self._rel(self.root / "geographie.yaml"), 1, 1, f"fichier des communes introuvable : {path.name}", "remettez le fichier communes.csv.gz livré avec le projet"))
            return []
        raw = path.read_bytes()
        self.hasher.update(raw)
        try:
            text = gzip.decompress(raw).decode("utf-8") if path.suffix == ".gz" else raw.decode("utf-8")
        except (OSError, UnicodeDecodeError):
            self.problems.append(Problem(rel, 1, 1, "fichier des communes illisible", "remettez le fichier communes.csv.gz livré avec le projet"))
            return []
        communes: list[Commune] = []
        reader = csv.reader(io.StringIO(text))
        header = next(reader, None)
        expected = ["insee", "type", "name", "departement", "region", "population", "postal_codes", "lat", "lon"]
        if header != expected:
            self.problems.append(Problem(rel, 1, 1, "en-tête du fichier des communes inattendu", "la première ligne doit être : " + ",".join(expected)))
            return []
        bad = 0
        for line_no, row in enumerate(reader, start=2):
            try:
                insee, kind, name, dep, reg, pop, postal, lat, lon = row
                commune = Commune(
                    insee, kind, name, dep, reg, int(pop or 0), tuple(p for p in postal.split(";") if p),
                    _coord(lat), _coord(lon),
                )
            except ValueError:
                bad += 1
                if bad <= 5:
                    self.problems.append(Problem(rel, line_no, 1, "ligne de commune mal formée", "9 colonnes : " + ",".join(expected)))
                continue
            if departements and (dep not in departements or reg not in regions):
                bad += 1
                if bad <= 5:
                    self.problems.append(Problem(rel, line_no, 1, f"commune {insee} : département {dep} ou région {reg} inconnu", "corrigez les codes ou ajoutez le département dans geographie.yaml"))
                continue
            communes.append(commune)
        return communes

    # -- markets --------------------------------------------------------------------------------

    def _contact(self, data: dict[str, Any], pos: Pos, v: Validator, what: str) -> Contact:
        if "source" not in data and "a_verifier" not in data:
            v.error(pos, f"{what} sans source", 'ajoutez « source: "https://..." » et « verifie: "AAAA-MM-JJ" », ou « a_verifier: "raison" »')
        elif "a_verifier" not in data and "verifie" not in data:
            v.error(pos, f"{what} sans date de vérification", 'ajoutez « verifie: "AAAA-MM-JJ" » (date du dernier contrôle), ou « a_verifier: "raison" »')
        checked = data.get("verifie")
        if checked is not None:
            if checked > self.today:
                v.error(pos, f"{what} : date de vérification dans le futur ({checked.isoformat()})", "écrivez la date du dernier contrôle, au plus aujourd'hui")
            elif (self.today - checked).days > STALE_AFTER_DAYS:
                v.warning(pos, f"{what} vérifié il y a plus de 12 mois ({checked.isoformat()})", "recontrôlez la source et mettez à jour « verifie »")
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

    def _markets(self, regions: dict[str, Region]) -> tuple[list[Market], int, int]:
        folder = self.root / MARKETS_DIR
        markets: list[tuple[Market, Validator, dict[str, Any]]] = []
        contact_count = 0
        to_check = 0
        lot_ids: dict[str, str] = {}
        market_ids: set[str] = set()
        paths = sorted(folder.glob("*.yaml")) if folder.is_dir() else []
        if not paths:
            self.problems.append(Problem(self._rel(folder), 1, 1, "aucun marché défini", "ajoutez un fichier marches/AAAA-AAAA.yaml (voir README)"))
            return [], 0, 0
        for path in paths:
            validated = self._validate(path, MARKET_SCHEMA)
            if validated is None:
                continue
            data, v = validated
            data_pos = v.key_pos  # type: ignore[attr-defined]
            if not {"id", "nom", "debut", "fin"} <= data.keys():
                self.problems.extend(v.problems)
                continue
            if data["id"] in market_ids:
                v.error(data_pos("id"), f"identifiant de marché « {data['id']} » déjà utilisé", "donnez un identifiant unique, par exemple « 2028-2031 »")
            market_ids.add(data["id"])
            if data["debut"] > data["fin"]:
                v.error(data_pos("fin"), "la fin du marché est avant son début", "vérifiez « debut » et « fin »")
            lots: list[Lot] = []
            covered: dict[str, str] = {}
            for lot_data, lpos in data.get("lots", []):
                if not {"id", "nom", "regions", "operateur"} <= lot_data.keys() or "nom" not in lot_data["operateur"]:
                    continue
                lot_id = lot_data["id"]
                if lot_id in lot_ids:
                    v.error(lpos, f"identifiant de lot « {lot_id} » déjà utilisé (marché {lot_ids[lot_id]})", "donnez à chaque lot un identifiant unique")
                lot_ids[lot_id] = data["id"]
                lot_regions: list[str] = []
                for code, cpos in lot_data["regions"]:
                    if regions and code not in regions:
                        v.error(cpos, f"code de région inconnu « {code} »", f"utilisez un des codes de geographie.yaml : {', '.join(sorted(regions))}")
                        continue
                    if code in covered:
                        v.error(cpos, f"la région {code} est déjà couverte par le lot « {covered[code]} »", "une région ne peut appartenir qu'à un seul lot par marché")
                        continue
                    covered[code] = lot_id
                    lot_regions.append(code)
                contacts: dict[str, Contact] = {}
                for code, (cdata, kpos, _vpos) in lot_data.get("contacts", {}).items():
                    if code not in lot_regions:
                        v.error(kpos, f"contacts pour la région « {code} », qui n'est pas dans ce lot", f"utilisez un des codes du lot : {', '.join(lot_regions)}")
                        continue
                    contacts[code] = self._contact(cdata, kpos, v, f"contact de la région {code}")
                    contact_count += 1
                    to_check += contacts[code].to_check is not None
                for code in lot_regions:
                    if code not in contacts and data["fin"] >= self.today:
                        v.warning(lpos, f"aucun contact pour la région {code} dans le lot « {lot_id} »", "ajoutez un bloc « contacts » sourcé ; en attendant, le bot renvoie vers mon-cep.org")
                op = lot_data["operateur"]
                lots.append(
                    Lot(lot_id, lot_data["nom"], tuple(lot_regions), Operator(op["nom"], op.get("site"), op.get("source")), frozen_map(contacts), lot_data.get("note"))
                )
            for code in sorted(regions):
                if code not in covered:
                    v.error(data_pos("lots"), f"la région {code} ({regions[code].name}) n'est couverte par aucun lot du marché {data['id']}", f'ajoutez "{code}" à la liste « regions » du lot qui la couvre')
            market = Market(data["id"], data["nom"], data["debut"], data["fin"], tuple(lots), data.get("source"))
            markets.append((market, v, data))
            self.problems.extend(v.problems)
            v.problems = []
        # periods: sorted, no overlap, no gap; one in force today; a next one before the end
        ordered = sorted(markets, key=lambda item: item[0].first_day)
        for (prev, _pv, _pd), (cur, cv, _cd) in zip(ordered, ordered[1:], strict=False):
            pos = cv.key_pos("debut")  # type: ignore[attr-defined]
            if cur.first_day <= prev.last_day:
                cv.error(pos, f"le marché {cur.id} chevauche le marché {prev.id} (qui finit le {prev.last_day.isoformat()})", f'faites commencer ce marché le {(prev.last_day + dt.timedelta(days=1)).isoformat()}')
            elif cur.first_day > prev.last_day + dt.timedelta(days=1):
                cv.error(pos, f"trou entre le marché {prev.id} (fin le {prev.last_day.isoformat()}) et le marché {cur.id}", f'faites commencer ce marché le {(prev.last_day + dt.timedelta(days=1)).isoformat()}')
            self.problems.extend(cv.problems)
            cv.problems = []
        current = [item for item in ordered if item[0].covers(self.today)]
        if ordered and not current:
            last_market, lv, _ = ordered[-1]
            pos = lv.key_pos("fin")  # type: ignore[attr-defined]
            lv.error(pos, f"aucun marché en vigueur aujourd'hui ({self.today.isoformat()})", "ajoutez le marché en cours dans marches/ ou corrigez les dates « debut » et « fin »")
            self.problems.extend(lv.problems)
        elif current:
            market, cv, _ = current[0]
            later = [m for m, _v, _d in ordered if m.first_day > market.last_day]
            if (market.last_day - self.today).days <= ENDING_SOON_DAYS and not later:
                pos = cv.key_pos("fin")  # type: ignore[attr-defined]
                cv.warning(pos, f"le marché {market.id} se termine le {market.last_day.isoformat()} et aucun marché suivant n'est défini", "préparez le fichier du marché suivant dans marches/ (voir README)")
                self.problems.extend(cv.problems)
        return [m for m, _v, _d in markets], contact_count, to_check

    # -- networks, routing, questions, texts ----------------------------------------------------

    def _networks(self) -> dict[str, Network]:
        validated = self._validate(self.root / "reseaux.yaml", NETWORKS_SCHEMA)
        networks: dict[str, Network] = {}
        if validated is None:
            return networks
        data, v = validated
        for item, pos in data.get("reseaux", []):
            if not {"id", "nom", "public", "description"} <= item.keys():
                continue
            if item["id"] in networks:
                v.error(pos, f"le réseau « {item['id']} » est défini deux fois", "gardez une seule entrée par identifiant")
                continue
            contact = self._contact(item["contact"], pos, v, f"contact du réseau {item['id']}") if "contact" in item else None
            networks[item["id"]] = Network(item["id"], item["nom"], item["public"], item["description"], contact, item.get("source"))
        for missing in (n for n in NETWORKS if n not in networks):
            v.error(Pos(1, 1), f"le réseau « {missing} » n'est pas défini", f"ajoutez une entrée « - id: {missing} » dans « reseaux »")
        self.problems.extend(v.problems)
        return networks

    def _routing(self, networks: dict[str, Network]) -> tuple[dict[str, Profile], list[Rule]]:
        validated = self._validate(self.root / "orientation.yaml", ROUTING_SCHEMA)
        profiles: dict[str, Profile] = {}
        rules: list[Rule] = []
        if validated is None:
            return profiles, rules
        data, v = validated
        for item, pos in data.get("profils", []):
            if not {"id", "libelle", "bouton"} <= item.keys():
                continue
            if item["id"] in profiles:
                v.error(pos, f"le profil « {item['id']} » est défini deux fois", "gardez une seule entrée par identifiant")
                continue
            profiles[item["id"]] = Profile(item["id"], item["libelle"], item["bouton"])
        for missing in (p for p in PROFILES if p not in profiles):
            v.error(Pos(1, 1), f"le profil « {missing} » n'est pas défini", f"ajoutez une entrée « - id: {missing} » dans « profils »")
        seen: dict[frozenset[str], Pos] = {}
        for item, pos in data.get("regles", []):
            if not {"si", "profil", "reseau", "explication"} <= item.keys():
                continue
            ok = True
            for trait, tpos in item["si"]:
                if trait not in PROFILES:
                    v.error(tpos, f"condition inconnue « {trait} »", f"conditions possibles : {', '.join(PROFILES)}")
                    ok = False
            if item["profil"] not in PROFILES:
                v.error(pos, f"profil inconnu « {item['profil']} »", f"profils possibles : {', '.join(PROFILES)}")
                ok = False
            for net in [item["reseau"], *(a for a, _ in item.get("alternatives", []))]:
                if net not in NETWORKS:
                    v.error(pos, f"réseau inconnu « {net} »", f"réseaux possibles : {', '.join(NETWORKS)}")
                    ok = False
            traits = frozenset(t for t, _ in item["si"])
            if traits in seen:
                v.warning(pos, f"règle {sorted(traits)} déjà écrite plus haut (ligne {seen[traits].line}) : celle-ci ne s'appliquera jamais", "supprimez l'une des deux")
            seen.setdefault(traits, pos)
            if ok:
                rules.append(Rule(traits, item["profil"], item["reseau"], tuple(a for a, _ in item.get("alternatives", [])), item["explication"], item.get("source")))
        for profile in PROFILES:
            if frozenset([profile]) not in seen:
                v.error(Pos(1, 1), f"aucune règle pour le profil « {profile} » seul", f"ajoutez une règle « si: [{profile}] »")
        self.problems.extend(v.problems)
        return profiles, rules

    def _questions(self) -> dict[str, Question]:
        validated = self._validate(self.root / "questions.yaml", QUESTIONS_SCHEMA)
        questions: dict[str, Question] = {}
        if validated is None:
            return questions
        data, v = validated
        owner: dict[str, str] = {}
        for item, pos in data.get("questions", []):
            if "id" not in item:
                continue
            qid = item["id"]
            if qid in questions:
                v.error(pos, f"la question « {qid} » est définie deux fois", "donnez un identifiant unique à chaque question")
                continue
            phrasings = item.get("formulations", [])
            if len(phrasings) < 2:
                v.error(pos, f"la question « {qid} » a moins de deux formulations", "ajoutez au moins deux façons de poser la question dans « formulations »")
            for phrasing, ppos in phrasings:
                key = fold(phrasing)
                if key in owner and owner[key] != qid:
                    v.error(ppos, f"la formulation « {phrasing} » est déjà utilisée par la question « {owner[key]} »", "gardez-la sous une seule question")
                owner.setdefault(key, qid)
            sources = tuple(s for s, _ in item.get("sources", [])) + ((item["source"],) if "source" in item else ())
            if not sources:
                v.warning(pos, f"la question « {qid} » n'a pas de source", "ajoutez « sources: [\"https://...\"] »")
            if "reponse" not in item:
                continue
            questions[qid] = Question(qid, item.get("theme", ""), tuple(p for p, _ in phrasings), item["reponse"], sources)
        self.problems.extend(v.problems)
        return questions

    def _texts(self) -> dict[str, str]:
        validated = self._validate(self.root / "textes.yaml", TEXTS_SCHEMA)
        if validated is None:
            return {}
        data, v = validated
        pos = v.key_pos  # type: ignore[attr-defined]
        for key, text in data.items():
            allowed = TEXT_KEYS[key]
            try:
                fields = [name for _, name, _, _ in string.Formatter().parse(text) if name is not None]
            except ValueError:
                v.error(pos(key), f"accolade mal fermée dans « {key} »", "écrivez {lieu} avec les deux accolades, ou retirez-les")
                continue
            for name in fields:
                if name not in allowed:
                    hint = f"seuls ces mots peuvent aller entre accolades ici : {', '.join('{' + a + '}' for a in allowed)}" if allowed else "ce texte n'accepte pas d'accolades : retirez-les"
                    v.error(pos(key), f"mot entre accolades inconnu « {{{name}}} » dans « {key} »", hint)
        self.problems.extend(v.problems)
        return {key: str(value) for key, value in data.items()}


def phone_digits(phone: str) -> str:
    return normalise_phone(phone)


def _coord(value: str) -> float | None:
    """A latitude or longitude, or None when missing ("" or "nan" in the source file)."""
    if not value:
        return None
    number = float(value)
    return None if number != number else number  # NaN
