"""A small but valid copy of the shipped knowledge, for tests that run the whole checker or loader many times.

``cep-bot check`` on the shipped ``knowledge/`` reads 37 000 communes, a long lemma table, word lists
of 57 000 words, 1 600 local offices and some 1 200 named places: half a second per run. The checker
tests break one thing at a time in a copy and re-run it, so they work on this copy instead (the
``small_knowledge`` fixture of conftest.py, built once per session): every file of the shipped folder,
unchanged, except the large generated lists, cut to their first entries (the communes to those the
kept entries and a few tests name, plus the most populated one of each département; the countries to
those the kept entries name plus the first few; one office per département). It is derived from the
shipped files at each run, so it follows them when staff edit them. ``test_small_knowledge_has_no_error``
checks that it passes the checker; ``test_shipped_knowledge_has_no_error`` (marked slow) checks the
shipped folder in full and that both give the same warnings.

The files the checker tests edit (markets, questions, geography, networks, texts, sources, language)
are copied whole, so that a test anchored on a lot, a question id or a département finds it here too.
"""

from __future__ import annotations

import csv
import gzip
import io
import itertools
import shutil
from pathlib import Path

import yaml

KNOWLEDGE_DIR = Path(__file__).resolve().parent.parent / "knowledge"

# How much of each large list to keep: enough for every rule to see a few valid entries.
NAMED_PLACES_KEPT = 20  # entries of lieux/gentiles.yaml, lieux_connus.yaml, autres_noms.yaml
FORMER_NAMES_KEPT = 20  # rows of lieux/anciens_noms.csv
LEMMAS_KEPT = 200  # rows of langue/lemmes.tsv
WORDS_KEPT = 500  # words of lieux/mots_lieux.txt.gz and lieux/mots_proches.txt.gz
COMMUNES_PER_DEPARTEMENT = 1  # the most populated ones, beside those the kept entries name
# named by tests/test_places_readings.py and test_knowledge_cache.py: Saint-Brieuc, Quimper, Florac Trois Rivières
COMMUNES_TESTS_NAME = ("22278", "29232", "48061")
COUNTRIES_KEPT = 10  # entries of lieux/pays.yaml, beside those the kept entries name
OFFICES_PER_DEPARTEMENT = 1  # rows of each bureaux/*.csv

NAMED_PLACE_FILES = ("lieux/gentiles.yaml", "lieux/lieux_connus.yaml", "lieux/autres_noms.yaml")
WORD_FILES = ("lieux/mots_lieux.txt.gz", "lieux/mots_proches.txt.gz")
LEMMAS = "langue/lemmes.tsv"
FORMER = "lieux/anciens_noms.csv"
COMMUNES = "communes.csv.gz"
COUNTRIES = "lieux/pays.yaml"
OFFICES = "bureaux"


def build_small_knowledge(dest: Path) -> Path:
    """Write the small copy of ``knowledge/`` to ``dest`` (which must not exist); return ``dest``."""
    shutil.copytree(KNOWLEDGE_DIR, dest)
    named: set[str] = set()
    countries: set[str] = set()
    for name in NAMED_PLACE_FILES:
        communes, countries_named = _cut_named_places(dest / name)
        named |= communes
        countries |= countries_named
    _cut_countries(dest / COUNTRIES, countries)
    named |= _cut_former_names(dest / FORMER)
    for path in sorted((dest / OFFICES).glob("*.csv")):
        _cut_offices(path)
    _cut_lines(dest / LEMMAS, LEMMAS_KEPT)
    for name in WORD_FILES:
        _cut_words(dest / name)
    _cut_communes(dest / COMMUNES, named | set(COMMUNES_TESTS_NAME))
    return dest


def _cut_named_places(path: Path) -> tuple[set[str], set[str]]:
    """Keep the first entries of the file's list; return the communes and countries they name."""
    head, entries = _entries(path)
    kept = entries[:NAMED_PLACES_KEPT]
    path.write_text("".join([head, *kept]), encoding="utf-8")
    ((_key, data),) = yaml.safe_load("".join([head, *kept])).items()
    return {str(e["commune"]) for e in data if "commune" in e}, {str(e["pays"]) for e in data if "pays" in e}


def _cut_countries(path: Path, named: set[str]) -> None:
    head, entries = _entries(path)
    kept = [
        text
        for index, text in enumerate(entries)
        if index < COUNTRIES_KEPT or str(yaml.safe_load(text)[0]["code"]) in named
    ]
    path.write_text("".join([head, *kept]), encoding="utf-8")


def _entries(path: Path) -> tuple[str, list[str]]:
    """The text of a file holding one list, cut before each of its items: (what comes first, the items).

    Cutting the text (not parsing and dumping it) keeps the shipped layout, so that a test appending
    an entry written like the shipped ones still gets a valid file.
    """
    lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
    starts = [index for index, line in enumerate(lines) if line.lstrip(" ").startswith("- ")]
    indent = min(len(lines[i]) - len(lines[i].lstrip(" ")) for i in starts)
    starts = [i for i in starts if len(lines[i]) - len(lines[i].lstrip(" ")) == indent]
    bounds = [*starts, len(lines)]
    return "".join(lines[: starts[0]]), ["".join(lines[a:b]) for a, b in itertools.pairwise(bounds)]


def _cut_offices(path: Path) -> None:
    """Keep the first offices of each département."""
    rows = list(csv.reader(io.StringIO(path.read_text(encoding="utf-8"))))
    per_departement: dict[str, int] = {}
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(rows[0])
    for row in rows[1:]:
        if row and per_departement.setdefault(row[0], 0) < OFFICES_PER_DEPARTEMENT:
            per_departement[row[0]] += 1
            writer.writerow(row)
    path.write_text(out.getvalue(), encoding="utf-8")


def _cut_former_names(path: Path) -> set[str]:
    lines = path.read_text(encoding="utf-8").splitlines()
    head = [line for line in lines if line.startswith("#") or line == "insee,nom"]
    rows = [line for line in lines if line not in head][:FORMER_NAMES_KEPT]
    path.write_text("\n".join([*head, *rows]) + "\n", encoding="utf-8")
    return {row.split(",", 1)[0] for row in rows}


def _cut_lines(path: Path, kept: int) -> None:
    """Keep the comment lines and the first ``kept`` other lines."""
    lines = path.read_text(encoding="utf-8").splitlines()
    comments = [line for line in lines if line.startswith("#")]
    rows = [line for line in lines if line.strip() and not line.startswith("#")][:kept]
    path.write_text("\n".join([*comments, *rows]) + "\n", encoding="utf-8")


def _cut_words(path: Path) -> None:
    lines = gzip.decompress(path.read_bytes()).decode("utf-8").splitlines()
    comments = [line for line in lines if line.startswith("#")]
    words = [line for line in lines if line and not line.startswith("#")][:WORDS_KEPT]
    path.write_bytes(gzip.compress("\n".join([*comments, *words]).encode("utf-8") + b"\n"))


def _cut_communes(path: Path, named: set[str]) -> None:
    """Keep the communes ``named`` and the most populated ones of each département."""
    rows = list(csv.reader(io.StringIO(gzip.decompress(path.read_bytes()).decode("utf-8"))))
    header, body = rows[0], rows[1:]
    insee, departement, population = (header.index(column) for column in ("insee", "departement", "population"))
    largest: dict[str, list[list[str]]] = {}
    for row in sorted(body, key=lambda row: -int(row[population] or 0)):
        kept = largest.setdefault(row[departement], [])
        if len(kept) < COMMUNES_PER_DEPARTEMENT:
            kept.append(row)
    chosen = {id(row) for rows_of in largest.values() for row in rows_of}
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(header)
    writer.writerows(row for row in body if id(row) in chosen or row[insee] in named)
    path.write_bytes(gzip.compress(out.getvalue().encode("utf-8")))
