"""Build the local office directories of ``knowledge/bureaux/`` from public open-data copies.

    python tools/build_offices.py CQUEST OKFNFR LESEMPLOIS

Each argument is a git directory (a clone or snapshot) of a public repository:

- CQUEST: github.com/cquest/annuaire-services-publics (commit f7713da, 2016-02-26): the DILA
  « Annuaire de l'administration – base de données locales » converted to JSON lines, one file per
  département (``data/annuaire-XX.sjson``), records dated mostly 2015. Used for the missions
  locales (726 offices, with a point) and for the centres de gestion missing from the 2019 extract.
- OKFNFR: github.com/okfnfr/dada-france-authorities (commit 6811933, 2019-10-22): an extract of the
  same DILA base made on 2019-08-11 (``emails_valide*.csv``; Licence Ouverte). Used for the
  centres de gestion (address, phone, site as of 2019).
- LESEMPLOIS: github.com/gip-inclusion/les-emplois, file
  ``itou/prescribers/management/commands/data/pole_emploi_agencies.csv`` at commit 89b55ad26
  (2019-11-13): Pôle emploi's list of its local agencies (type ALE), with a point.

Licence of the DILA data: Licence Ouverte v2.0, « Source : Service-Public.fr / DILA – Annuaire de
l'administration, Base de données locales ». No current directory (UNML coverage file, DILA base,
France Travail referential API) can be brought in here: see ../shared/notes/local-offices.md.
The files keep these dates: the bot shows each office with the date of its directory, beside the
network's official finder page.
"""

from __future__ import annotations

import csv
import io
import json
import re
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "knowledge" / "bureaux"
COLUMNS = ("departement", "nom", "adresse", "telephone", "site", "lat", "lon")
CQUEST_COMMIT = "f7713da"
OKFNFR_COMMIT = "6811933"
LESEMPLOIS_COMMIT = "89b55ad26"
LESEMPLOIS_FILE = "itou/prescribers/management/commands/data/pole_emploi_agencies.csv"
# Île-de-France: one CIG serves several départements (loi 84-53, art. 17 and 18).
CIG_SHARES = {"93": ("92", "94"), "78": ("91", "95")}
CORSICA_SPLIT = 20200  # postal codes below: Corse-du-Sud (2A), from it: Haute-Corse (2B)


def git_show(repo: Path, commit: str, path: str) -> str:
    return subprocess.run(
        ["git", "-C", str(repo), "show", f"{commit}:{path}"], check=True, capture_output=True, text=True
    ).stdout


def git_files(repo: Path, commit: str, folder: str) -> list[str]:
    out = subprocess.run(
        ["git", "-C", str(repo), "ls-tree", "--name-only", commit, folder + "/"],
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    return [line for line in out.splitlines() if line]


def dep_from_insee(code: str) -> str:
    return code[:3] if code.startswith("97") else code[:2]


def dep_from_postal(code: str) -> str:
    code = code.strip().zfill(5)
    if code.startswith("97"):
        return code[:3]
    if code.startswith("20"):
        return "2A" if int(code) < CORSICA_SPLIT else "2B"
    return code[:2]


def phone(text: str | None) -> str:
    """« +33 5 56 11 94 30 » -> « 05 56 11 94 30 » (mainland); other forms unchanged."""
    if not text:
        return ""
    digits = re.sub(r"[^\d+]", "", text)
    if digits.startswith("+33") and len(digits) == 12:
        national = "0" + digits[3:]
        return " ".join(national[i : i + 2] for i in range(0, 10, 2))
    return text.strip()


def site(value: object) -> str:
    if isinstance(value, list):
        value = value[0] if value else ""
    text = str(value or "").strip()
    return text if text.startswith("http") else ""


def cquest_records(repo: Path, kinds: set[str]) -> list[dict[str, object]]:
    records = []
    for path in git_files(repo, CQUEST_COMMIT, "data"):
        if not path.endswith(".sjson") or path.endswith("annuaire.sjson"):
            continue
        for line in git_show(repo, CQUEST_COMMIT, path).splitlines():
            if not line.strip():
                continue
            record = json.loads(line)
            if record.get("type") in kinds:
                records.append(record)
    return records


def cquest_row(record: dict[str, object]) -> dict[str, str]:
    address = record.get("writeAddress") or {}
    assert isinstance(address, dict)
    street = ", ".join(address.get("streetAddress") or [])
    where = f"{address.get('postalCode', '')} {address.get('addressLocality', '')}".strip()
    return {
        "departement": dep_from_insee(str(record.get("codeinsee") or "")),
        "nom": str(record.get("nom") or "").strip(),
        "adresse": ", ".join(p for p in (street, where) if p),
        "telephone": phone(str(record.get("contact_phone") or "")),
        "site": site(record.get("website")),
        "lat": str(record.get("latitude") or ""),
        "lon": str(record.get("longitude") or ""),
    }


def okfnfr_cdg(repo: Path) -> dict[str, dict[str, str]]:
    """Centres de gestion of the 2019 extract, by département."""
    found: dict[str, dict[str, str]] = {}
    for path in git_files(repo, OKFNFR_COMMIT, "."):
        if not path.startswith("emails_valide"):
            continue
        for row in csv.DictReader(io.StringIO(git_show(repo, OKFNFR_COMMIT, path))):
            if row.get("tag_string") != "cdg":
                continue
            notes = row.get("notes") or ""
            match = re.search(r"Adresse : (.*?)(?: \| |$)", notes)
            tel = re.search(r"Tél : (.*?)(?: \| |$)", notes)
            parts = [p.strip() for p in (match.group(1).split(",") if match else [])]
            if len(parts) >= 2 and parts[-2].isdigit():
                parts[-2] = parts[-2].zfill(5)  # "2302": the leading zero lost in the extract
            address = ", ".join(parts[:-2]) + (f", {parts[-2]} {parts[-1]}" if len(parts) >= 2 else "")
            insee = (row.get("#id") or "").split("-")[1] if "-" in (row.get("#id") or "") else ""
            found[dep_from_insee(insee)] = {
                "departement": dep_from_insee(insee),
                "nom": (row.get("name") or "").strip(),
                "adresse": address.strip(", "),
                "telephone": phone(tel.group(1)) if tel else "",
                "site": site(row.get("home_page")),
                "lat": "",
                "lon": "",
            }
    return found


def build_cdg(cquest: Path, okfnfr: Path) -> list[dict[str, str]]:
    old = {dep_from_insee(str(r.get("codeinsee"))): cquest_row(r) for r in cquest_records(cquest, {"cdg"})}
    new = okfnfr_cdg(okfnfr)
    rows: dict[str, dict[str, str]] = {}
    for dep in sorted(set(old) | set(new)):
        row = dict(new.get(dep) or old[dep])
        if dep in old:  # the 2015-16 copy has the point
            row["lat"], row["lon"] = old[dep]["lat"], old[dep]["lon"]
        rows[dep] = row
    for head, others in CIG_SHARES.items():
        for dep in others:
            if head in rows:
                rows[dep] = {**rows[head], "departement": dep}
    return [rows[d] for d in sorted(rows)]


def build_missions_locales(cquest: Path) -> list[dict[str, str]]:
    rows = [cquest_row(r) for r in cquest_records(cquest, {"mission_locale"})]
    return sorted(rows, key=lambda r: (r["departement"], r["nom"]))


def build_france_travail(lesemplois: Path) -> list[dict[str, str]]:
    rows = []
    for row in csv.DictReader(io.StringIO(git_show(lesemplois, LESEMPLOIS_COMMIT, LESEMPLOIS_FILE))):
        if row["TYPE_SITE"] != "ALE":
            continue
        street = ", ".join(p for p in (row["DC_COMPLEMENTADRSITEPHYSIQUE"], row["ADRESSE"]) if p and p != "NULL")
        rows.append(
            {
                "departement": dep_from_postal(row["CODE_POSTAL"]),
                "nom": "France Travail (ex-Pôle emploi) – " + row["NOM"].title(),
                "adresse": f"{street}, {row['CODE_POSTAL']} {row['COMMUNE'].title()}",
                "telephone": "",
                "site": "",
                "lat": row["DN_LATITUDE"].replace(",", "."),
                "lon": row["DN_LONGITUDE"].replace(",", "."),
            }
        )
    return sorted(rows, key=lambda r: (r["departement"], r["nom"]))


def write(name: str, rows: list[dict[str, str]]) -> None:
    OUT.mkdir(parents=True, exist_ok=True)
    with (OUT / name).open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=COLUMNS, lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)
    print(f"{name}: {len(rows)} offices, {len({r['departement'] for r in rows})} départements")


def main(argv: list[str]) -> int:
    if len(argv) != 3:
        print(__doc__, file=sys.stderr)
        return 2
    cquest, okfnfr, lesemplois = (Path(a) for a in argv)
    write("cdg.csv", build_cdg(cquest, okfnfr))
    write("mission_locale.csv", build_missions_locales(cquest))
    write("france_travail.csv", build_france_travail(lesemplois))
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
