"""A tiny declarative schema for the knowledge files, with French messages for staff.

Each problem names the file, the line and the column, says what is wrong and what to write
instead. The schema only checks shapes (keys, types, formats); rules that look across files
(coverage of regions, periods of markets, duplicates...) live in :mod:`bot.kb.load`.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from typing import Any

from rapidfuzz import process, utils

from bot.kb.yamlpos import Pos, PosDict, PosList

__all__ = ["Field", "Problem", "Validator"]


@dataclass(frozen=True, slots=True)
class Problem:
    """One thing wrong (or doubtful) in the knowledge files."""

    file: str
    line: int
    column: int
    message: str
    hint: str
    severity: str = "error"  # "error" or "warning"

    def __str__(self) -> str:
        return f"{self.file}:{self.line}:{self.column}: {self.message} — {self.hint}"


@dataclass(frozen=True)
class Field:
    """What one key may hold.

    kind: ``text`` (non-empty string), ``id``, ``code`` (quoted code such as "01"),
    ``url`` (https only), ``source`` (http or https URL), ``phone``, ``email``, ``date``,
    ``list`` (of ``item``), ``map`` (string keys to ``item``), ``obj`` (keys of ``schema``).
    """

    kind: str
    required: bool = False
    item: Field | None = None
    schema: dict[str, Field] = field(default_factory=dict)
    example: str = ""
    choices: tuple[str, ...] = ()


PHONE_RE = re.compile(r"^(?:0[1-9]\d{8}|\+33[1-9]\d{8}|[13]\d{3})$")
EMAIL_RE = re.compile(r"^[^@\s]+@[^@\s]+\.[A-Za-z]{2,}$")
URL_RE = re.compile(r"^https?://[A-Za-z0-9.-]+\.[A-Za-z]{2,}(?::\d+)?(?:[/?#]\S*)?$")
ID_RE = re.compile(r"^[a-z0-9][a-z0-9_-]*$")


def normalise_phone(value: str) -> str:
    return re.sub(r"[\s.\-]", "", value)


class Validator:
    """Walks a parsed file against a schema and collects problems."""

    def __init__(self, file: str) -> None:
        self.file = file
        self.problems: list[Problem] = []

    def error(self, pos: Pos, message: str, hint: str) -> None:
        self.problems.append(Problem(self.file, pos.line, pos.column, message, hint, "error"))

    def warning(self, pos: Pos, message: str, hint: str) -> None:
        self.problems.append(Problem(self.file, pos.line, pos.column, message, hint, "warning"))

    # -- walking -----------------------------------------------------------------------------

    def obj(self, data: Any, schema: dict[str, Field], pos: Pos, what: str) -> dict[str, Any] | None:
        """Check a mapping; return the values that passed (invalid ones are left out)."""
        if not isinstance(data, PosDict):
            self.error(pos, f"{what} doit être une liste de clés « nom: valeur »", _example_obj(schema))
            return None
        for key, key_pos in data.duplicate_keys:
            self.error(key_pos, f"la clé « {key} » apparaît deux fois", "gardez une seule ligne pour cette clé")
        result: dict[str, Any] = {}
        for key, value in data.items():
            key_pos = data.key_pos[key]
            if key not in schema:
                self.error(key_pos, f"clé inconnue « {key} »", _did_you_mean(str(key), schema))
                continue
            checked = self.value(value, schema[key], data.value_pos[key], str(key))
            if checked is not None:
                result[key] = checked
        for key, spec in schema.items():
            if spec.required and key not in data:
                example = spec.example or "..."
                self.error(data.pos, f"il manque la clé « {key} »{_in(what)}", f"ajoutez une ligne « {key}: {example} »")
        return result

    def value(self, value: Any, spec: Field, pos: Pos, key: str) -> Any:
        if value is None:
            if spec.required:
                self.error(pos, f"« {key} » est vide", f"écrivez une valeur, par exemple {key}: {spec.example or '...'}")
            return None
        kind = spec.kind
        if kind == "obj":
            return self.obj(value, spec.schema, pos, f"« {key} »")
        if kind == "list":
            if not isinstance(value, PosList):
                self.error(pos, f"« {key} » doit être une liste", f"écrivez par exemple {key}: {spec.example or '[...]'}")
                return None
            out = []
            for index, item in enumerate(value):
                checked = self.value(item, spec.item or Field("text"), value.item_pos[index], key)
                if checked is not None:
                    out.append((checked, value.item_pos[index]))
            return out
        if kind == "map":
            if not isinstance(value, PosDict):
                self.error(pos, f"« {key} » doit associer des codes à des blocs", f"écrivez par exemple {spec.example}")
                return None
            out_map: dict[str, tuple[Any, Pos, Pos]] = {}
            for sub_key, sub_value in value.items():
                checked = self.value(sub_value, spec.item or Field("text"), value.value_pos[sub_key], str(sub_key))
                if checked is not None:
                    out_map[str(sub_key)] = (checked, value.key_pos[sub_key], value.value_pos[sub_key])
            return out_map
        return self.scalar(value, spec, pos, key)

    def scalar(self, value: Any, spec: Field, pos: Pos, key: str) -> Any:
        kind = spec.kind
        if kind == "scalar":
            if isinstance(value, (PosDict, PosList)):
                self.error(pos, f"« {key} » doit être une valeur simple", f"écrivez par exemple {key}: {spec.example or '...'}")
                return None
            return str(value).lower() if isinstance(value, bool) else str(value)
        if isinstance(value, bool) or not isinstance(value, (str, int, float)):
            example = spec.example or '"..."'
            self.error(pos, f"« {key} » doit être un texte simple", f"écrivez par exemple {key}: {example}")
            return None
        if kind == "code":
            if not isinstance(value, str):
                self.error(pos, f"le code {value} doit être entre guillemets", f'écrivez "{value:02}" (avec les guillemets)' if isinstance(value, int) else 'écrivez le code entre guillemets')
                return None
            return value
        text = str(value).strip() if isinstance(value, str) else None
        if text is None:
            self.error(pos, f"« {key} » doit être un texte", f'mettez la valeur entre guillemets : {key}: "{value}"')
            return None
        if not text:
            self.error(pos, f"« {key} » est vide", f"écrivez une valeur, par exemple {key}: {spec.example or '...'}")
            return None
        if spec.choices and text not in spec.choices:
            self.error(pos, f"valeur inconnue « {text} » pour « {key} »", f"valeurs possibles : {', '.join(spec.choices)}")
            return None
        if kind == "id" and not ID_RE.match(text):
            self.error(pos, f"identifiant invalide « {text} »", "utilisez des minuscules sans accents, des chiffres, « - » ou « _ »")
            return None
        if kind == "url":
            if not text.startswith("https://"):
                self.error(pos, f"lien non sécurisé ou incomplet « {text} »", 'écrivez l\'adresse complète en https://, par exemple "https://mon-cep.org"')
                return None
            if not URL_RE.match(text):
                self.error(pos, f"lien mal formé « {text} »", 'écrivez une adresse complète, par exemple "https://mon-cep.org"')
                return None
        if kind == "source":
            if not URL_RE.match(text):
                self.error(pos, f"source qui n'est pas une adresse web « {text} »", 'écrivez l\'adresse de la page, par exemple "https://www.service-public.fr/..."')
                return None
            if text.startswith("http://"):
                self.warning(pos, f"source en http « {text} »", "préférez l'adresse en https:// si la page existe en https")
        if kind == "phone":
            digits = normalise_phone(text)
            if not PHONE_RE.match(digits):
                self.error(pos, f"numéro de téléphone français invalide « {text} »", 'écrivez 10 chiffres, par exemple "09 72 01 02 03", ou un numéro court comme "3949"')
                return None
        if kind == "email" and not EMAIL_RE.match(text):
            self.error(pos, f"adresse e-mail invalide « {text} »", 'écrivez une adresse complète, par exemple "contact@exemple.fr"')
            return None
        if kind == "date":
            try:
                return dt.date.fromisoformat(text)
            except ValueError:
                self.error(pos, f"date invalide « {text} »", 'écrivez la date au format "AAAA-MM-JJ", par exemple "2026-01-31"')
                return None
        return text


def _in(what: str) -> str:
    return f" dans {what}" if what else ""


def _did_you_mean(key: str, schema: dict[str, Field]) -> str:
    match = process.extractOne(key, list(schema), processor=utils.default_process, score_cutoff=70)
    if match:
        return f"vouliez-vous dire « {match[0]} » ?"
    return "clés possibles : " + ", ".join(schema)


def _example_obj(schema: dict[str, Field]) -> str:
    required = [k for k, f in schema.items() if f.required] or list(schema)[:2]
    return "écrivez par exemple " + ", ".join(f"{k}: ..." for k in required)
