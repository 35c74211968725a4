"""``knowledge/reservation.yaml``: how to book each door, what to prepare, local office directories.

Checked like the other knowledge files (French messages naming the line); the office directories
are CSV files under ``knowledge/bureaux/`` built by ``tools/build_offices.py``, each declared in the
YAML with its source and the date of its data.
"""

from __future__ import annotations

import csv
import io
from typing import TYPE_CHECKING

from bot.kb.model import (
    CONDITIONS,
    FOLLOW_UPS,
    NETWORKS,
    SMALL_TALK,
    DoorGuide,
    Guides,
    Office,
    OfficeDirectory,
    PrepareItem,
    SmallTalk,
    frozen_map,
)
from bot.schema import Field
from bot.yamlpos import Pos

if TYPE_CHECKING:
    from collections.abc import Callable
    from pathlib import Path

    from bot.schema import Checked, Validator

__all__ = [
    "CONVERSATION_FILE",
    "CONVERSATION_SCHEMA",
    "GUIDES_FILE",
    "GUIDES_SCHEMA",
    "OFFICE_COLUMNS",
    "build_guides",
    "conversation_words",
]

GUIDES_FILE = "reservation.yaml"
CONVERSATION_FILE = "conversation.yaml"
OFFICE_COLUMNS = ("departement", "nom", "adresse", "telephone", "site", "lat", "lon")

_TEXT = Field("text", required=True)
GUIDES_SCHEMA = {
    "portes": Field(
        "list",
        required=True,
        item=Field(
            "obj",
            schema={
                "reseau": Field("text", required=True, choices=NETWORKS),
                "trouver": Field("url"),
                "ponctuel": _TEXT,
                "accompagnement": _TEXT,
                "dire": _TEXT,
                "ensuite": _TEXT,
                "horaires": Field("text"),
                "distance": Field("text"),
                "cout": Field("text"),
                "preparer": Field("list", item=Field("text"), example='["votre CV"]'),
                "questions": Field("list", item=Field("text"), example="[gratuit, distance]"),
                "source": Field("source", required=True),
            },
        ),
    ),
    "preparer_selon_situation": Field(
        "list",
        item=Field(
            "obj",
            schema={
                "si": Field("list", required=True, item=Field("text"), example="[handicap]"),
                "texte": _TEXT,
                "source": Field("source", required=True),
            },
        ),
    ),
    "annuaires": Field(
        "list",
        item=Field(
            "obj",
            schema={
                "reseau": Field("text", required=True, choices=NETWORKS),
                "fichier": Field("text", required=True, example='"bureaux/cdg.csv"'),
                "source": Field("source", required=True),
                "date": Field("text", required=True, example='"2019"'),
            },
        ),
    ),
}


CONVERSATION_SCHEMA = {
    "relances": Field(
        "map", required=True, item=Field("list", item=Field("text")), example="relances: {telephone: [numero]}"
    ),
    "politesses": Field(
        "map",
        required=True,
        item=Field("obj", schema={"mots": Field("list", required=True, item=Field("text")), "reponse": _TEXT}),
        example='politesses: {merci: {mots: [merci], reponse: "Avec plaisir !"}}',
    ),
}


def conversation_words(
    data: Checked, v: Validator, fold: Callable[[str], str]
) -> tuple[tuple[tuple[str, tuple[str, ...]], ...], dict[str, SmallTalk]]:
    """The follow-up phrases (in file order) and the small talk of a checked conversation.yaml."""
    follow_ups: list[tuple[str, tuple[str, ...]]] = []
    for kind, (phrases, key_pos, _value_pos) in (data.get("relances") or {}).items():
        if kind not in FOLLOW_UPS:
            v.error(key_pos, f"relance inconnue « {kind} »", f"relances possibles : {', '.join(FOLLOW_UPS)}")
            continue
        follow_ups.append((kind, tuple(p for p in (fold(text) for text, _ in phrases) if p)))
    small: dict[str, SmallTalk] = {}
    for kind, (item, key_pos, _value_pos) in (data.get("politesses") or {}).items():
        if kind not in SMALL_TALK:
            v.error(key_pos, f"politesse inconnue « {kind} »", f"politesses possibles : {', '.join(SMALL_TALK)}")
            continue
        if "mots" in item and "reponse" in item:
            small[kind] = SmallTalk(
                kind, tuple(p for p in (fold(text) for text, _ in item["mots"]) if p), item["reponse"]
            )
    return tuple(follow_ups), small


def build_guides(data: Checked, v: Validator, root: Path, question_ids: frozenset[str]) -> Guides:
    """The guides of a checked ``reservation.yaml`` (problems go to ``v``)."""
    doors: dict[str, DoorGuide] = {}
    for item, _pos in data.get("portes", []):
        if "reseau" not in item or not {"ponctuel", "accompagnement", "dire", "ensuite"} <= item.keys():
            continue
        network = item["reseau"]
        if network in doors:
            v.error(
                item.where("reseau"),
                f"la porte « {network} » est décrite deux fois",
                "gardez une seule entrée par réseau",
            )
            continue
        questions = []
        for qid, qpos in item.get("questions", []):
            if question_ids and qid not in question_ids:
                # a warning: when questions.yaml has an error of its own, its questions may be missing here
                v.warning(
                    qpos,
                    f"question inconnue « {qid} » (elle ne sera pas proposée)",
                    "écrivez un identifiant de questions.yaml (par exemple gratuit)",
                )
            elif qid in question_ids:
                questions.append(qid)
        doors[network] = DoorGuide(
            network=network,
            finder=item.get("trouver"),
            one_off=item["ponctuel"],
            support=item["accompagnement"],
            say=item["dire"],
            next_step=item["ensuite"],
            prepare=tuple(text for text, _ in item.get("preparer", [])),
            questions=tuple(questions),
            hours=item.get("horaires"),
            remote=item.get("distance"),
            cost=item.get("cout"),
            source=item.get("source"),
        )
    prepare: list[PrepareItem] = []
    for item, _pos in data.get("preparer_selon_situation", []):
        if "si" not in item or "texte" not in item:
            continue
        when = frozenset(t for t, _ in item["si"])
        for trait, tpos in item["si"]:
            if trait not in CONDITIONS:
                v.error(tpos, f"situation inconnue « {trait} »", f"situations possibles : {', '.join(CONDITIONS)}")
        prepare.append(PrepareItem(when, item["texte"]))
    offices: dict[str, OfficeDirectory] = {}
    for item, _pos in data.get("annuaires", []):
        if not {"reseau", "fichier", "source", "date"} <= item.keys():
            continue
        directory = _read_offices(root, item["reseau"], item["fichier"], item.where("fichier"), v)
        if directory is not None:
            offices[item["reseau"]] = OfficeDirectory(
                item["reseau"], item["source"], item["date"], frozen_map(directory)
            )
    return Guides(frozen_map(doors), tuple(prepare), frozen_map(offices))


def _read_offices(root: Path, network: str, name: str, pos: Pos, v: Validator) -> dict[str, tuple[Office, ...]] | None:
    path = root / name
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError):
        v.error(
            pos,
            f"fichier d'annuaire illisible ou absent « {name} »",
            "relancez tools/build_offices.py, ou retirez cette entrée",
        )
        return None
    reader = csv.reader(io.StringIO(text))
    if tuple(next(reader, ())) != OFFICE_COLUMNS:
        v.error(pos, f"« {name} » n'a pas les bonnes colonnes", "première ligne attendue : " + ",".join(OFFICE_COLUMNS))
        return None
    by_dep: dict[str, list[Office]] = {}
    for row in reader:
        if len(row) != len(OFFICE_COLUMNS):
            continue
        dep, office_name, address, phone, site, lat, lon = row
        by_dep.setdefault(dep, []).append(
            Office(network, office_name, address, dep, phone or None, site or None, _float(lat), _float(lon))
        )
    return {dep: tuple(items) for dep, items in by_dep.items()}


def _float(text: str) -> float | None:
    try:
        return float(text)
    except ValueError:
        return None
