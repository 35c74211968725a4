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

from bot.yamlpos import Pos, PosDict, PosList

__all__ = ["Checked", "Field", "Problem", "Validator"]


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
    ``checkdate`` (the day something was checked: "AAAA-MM-JJ", or "AAAA-MM" when only the
    month is known, read as the first day of that month),
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
MONTH_RE = re.compile(r"^(\d{4})-(\d{2})$")


def normalise_phone(value: str) -> str:
    return re.sub(r"[\s.\-/]|\(0\)", "", value)


class Checked(dict[Any, Any]):
    """The values of a mapping that passed, with the positions of the mapping as written.

    ``key_pos`` and ``value_pos`` cover every key written in the file, including keys whose value
    was refused, so that later rules can point at the exact line and tell "absent" from "wrong".
    """

    pos: Pos
    key_pos: dict[Any, Pos]
    value_pos: dict[Any, Pos]
    raw: PosDict

    def where(self, key: str) -> Pos:
        """Position of the value of ``key``, or of the mapping itself when the key is absent."""
        return self.value_pos.get(key, self.pos)


class Validator:
    """Walks a parsed file against a schema and collects problems."""

    def __init__(self, file: str, lines: list[str] | None = None) -> None:
        self.file = file
        self.lines = lines or []  # the file's text, to quote a staff member's own line back
        self.problems: list[Problem] = []
        self.cited: list[tuple[str, Pos]] = []  # every source address read, where it was written

    def error(self, pos: Pos, message: str, hint: str) -> None:
        self.problems.append(Problem(self.file, pos.line, pos.column, message, hint, "error"))

    def warning(self, pos: Pos, message: str, hint: str) -> None:
        self.problems.append(Problem(self.file, pos.line, pos.column, message, hint, "warning"))

    # -- walking -----------------------------------------------------------------------------

    def obj(self, data: Any, schema: dict[str, Field], pos: Pos, what: str) -> Checked | None:
        """Check a mapping; return the values that passed (invalid ones are left out)."""
        if not isinstance(data, PosDict):
            if what:
                self.error(
                    pos, f"{what} doit contenir des lignes « clé: valeur », décalées en dessous", _example_obj(schema)
                )
            else:
                first = next(iter(schema), "nom")
                self.error(
                    pos,
                    "le fichier doit être fait de lignes « clé: valeur »",
                    (
                        "gardez la forme du fichier livré : des clés en début de ligne, sans « - » devant, comme « "
                        f"{first}: »"
                    ),
                )
            return None
        self._duplicates(data)
        result = Checked()
        result.pos = data.pos
        result.key_pos = dict(data.key_pos)
        result.value_pos = dict(data.value_pos)
        result.raw = data
        suggested: set[str] = set()
        for key, value in data.items():
            key_pos = data.key_pos[key]
            if key not in schema:
                guess = _closest(str(key), schema)
                if guess is not None and guess not in data:
                    suggested.add(guess)
                    self.error(key_pos, f"clé inconnue « {key} »", f"vouliez-vous dire « {guess} » ?")
                else:
                    self.error(key_pos, f"clé inconnue « {key} »", "clés possibles ici : " + ", ".join(schema))
                continue
            checked = self.value(value, schema[key], data.value_pos[key], str(key))
            if checked is not None:
                result[key] = checked
        for key, spec in schema.items():
            # A misspelt key already got "did you mean"; saying it is missing too would be noise.
            if spec.required and key not in data and key not in suggested:
                example = spec.example or "..."
                self.error(
                    data.pos, f"il manque la clé « {key} »{_in(what)}", f"ajoutez une ligne « {key}: {example} »"
                )
        return result

    def _duplicates(self, data: PosDict) -> None:
        """A key written twice; when the block's first key comes back, a block lost its « - »."""
        first_key = next(iter(data.key_pos), None)
        opening = self.lines[data.pos.line - 1] if 0 < data.pos.line <= len(self.lines) else ""
        for key, key_pos in data.duplicate_keys:
            if key == first_key and re.match(r"^\s*-\s", opening):
                line = self.lines[key_pos.line - 1].strip() if key_pos.line <= len(self.lines) else f"{key}: ..."
                self.error(
                    key_pos,
                    f"il manque « - » devant « {key}: » : un nouveau bloc commence à cette ligne",
                    f"écrivez - {line} en alignant le « - » sur celui de la ligne {data.pos.line}",
                )
                return  # the keys repeated after it belong to the same pasted block
            self.error(key_pos, f"la clé « {key} » apparaît deux fois", "gardez une seule ligne pour cette clé")

    def value(self, value: Any, spec: Field, pos: Pos, key: str) -> Any:
        if value is None:
            if spec.required:
                self.error(
                    pos, f"« {key} » est vide", f"écrivez une valeur, par exemple {key}: {spec.example or '...'}"
                )
            return None
        container = _CONTAINER_CHECKS.get(spec.kind)
        if container is not None:
            return container(self, value, spec, pos, key)
        return self.scalar(value, spec, pos, key)

    def _obj_value(self, value: Any, spec: Field, pos: Pos, key: str) -> Checked | None:
        return self.obj(value, spec.schema, pos, f"« {key} »")

    def _list(self, value: Any, spec: Field, pos: Pos, key: str) -> list[tuple[Any, Pos]] | None:
        """A list: (checked item, position) of each item that passed."""
        if not isinstance(value, PosList):
            self.error(pos, f"« {key} » doit être une liste, même pour un seul élément", _list_hint(value, spec, key))
            return None
        out = []
        item_spec = spec.item or Field("text")
        for index, item in enumerate(value):
            if item_spec.kind == "obj" and item is not None:
                checked = self.obj(item, item_spec.schema, value.item_pos[index], f"cet élément de « {key} »")
            else:
                checked = self.value(item, item_spec, value.item_pos[index], key)
            if checked is not None:
                out.append((checked, value.item_pos[index]))
        return out

    def _map(self, value: Any, spec: Field, pos: Pos, key: str) -> dict[str, tuple[Any, Pos, Pos]] | None:
        """Codes to blocks: code -> (checked block, position of the code, position of the block)."""
        if not isinstance(value, PosDict):
            self.error(pos, f"« {key} » doit associer des codes à des blocs", f"écrivez par exemple {spec.example}")
            return None
        out_map: dict[str, tuple[Any, Pos, Pos]] = {}
        for sub_key, sub_value in value.items():
            name = str(sub_key)
            if isinstance(sub_key, int) and not isinstance(sub_key, bool):
                name = f"{sub_key:02}"
                self.error(
                    value.key_pos[sub_key],
                    f"le code {sub_key} doit être entre guillemets",
                    f'écrivez "{name}": (avec les guillemets)',
                )
            checked = self.value(sub_value, spec.item or Field("text"), value.value_pos[sub_key], name)
            if checked is not None:
                out_map[name] = (checked, value.key_pos[sub_key], value.value_pos[sub_key])
        return out_map

    def scalar(self, value: Any, spec: Field, pos: Pos, key: str) -> Any:
        if spec.kind == "scalar":
            if isinstance(value, (PosDict, PosList)):
                self.error(
                    pos, f"« {key} » doit être une valeur simple", f"écrivez par exemple {key}: {spec.example or '...'}"
                )
                return None
            return str(value).lower() if isinstance(value, bool) else str(value)
        if not isinstance(value, str):
            return self._not_text(value, spec, pos, key)
        text = value.strip()
        if not text:
            self.error(pos, f"« {key} » est vide", f"écrivez une valeur, par exemple {key}: {spec.example or '...'}")
            return None
        if spec.choices and text not in spec.choices:
            guess = _closest(text, dict.fromkeys(spec.choices, None))
            prefix = f"vouliez-vous dire « {guess} » ? " if guess else ""
            self.error(
                pos,
                f"valeur inconnue « {text} » pour « {key} »",
                f"{prefix}valeurs possibles : {', '.join(spec.choices)}",
            )
            return None
        check = _KIND_CHECKS.get(spec.kind)
        return check(self, text, pos, key) if check is not None else text

    def written(self, pos: Pos) -> str:
        """The value as typed at ``pos`` (without a trailing comment), to quote it back unchanged."""
        line = self.lines[pos.line - 1] if 0 < pos.line <= len(self.lines) else ""
        rest = re.split(r"\s+#", line[pos.column - 1 :], maxsplit=1)[0]
        return re.split(r"[,\]}]", rest, maxsplit=1)[0].strip() if not rest.startswith(("'", '"')) else rest.strip()

    def _not_text(self, value: Any, spec: Field, pos: Pos, key: str) -> Any:
        """A value YAML did not read as text: say so with the value exactly as the person typed it."""
        line = self.lines[pos.line - 1] if 0 < pos.line <= len(self.lines) else ""
        item = re.match(r"^\s*-\s+(.*?)\s*$", line)
        if isinstance(value, PosDict) and len(value) == 1 and item and value.pos.line == pos.line:
            # "- qui a droit : tout le monde ?" is read as « clé: valeur » because of the colon.
            self.error(
                pos,
                "deux-points « : » dans un texte sans guillemets",
                f"mettez tout le texte entre guillemets : - {_quote(item.group(1))}",
            )
            return None
        if isinstance(value, (PosDict, PosList)) or not isinstance(value, (bool, int, float)):
            self.error(
                pos,
                f"« {key} » doit être un texte simple, pas une liste ni un bloc",
                f"écrivez par exemple {key}: {spec.example or '...'}",
            )
            return None
        written = self.written(pos) or str(value).lower()
        if isinstance(value, bool):
            self.error(
                pos,
                f"« {key} » : {written} est compris comme oui/non, pas comme un texte",
                f'mettez la valeur entre guillemets : {key}: "{written}"',
            )
            return None
        if spec.kind == "code":
            code = written if written.isdigit() else f"{value:02}" if isinstance(value, int) else ""
            self.error(
                pos,
                f"le code {written} doit être entre guillemets",
                f'écrivez "{code}" (avec les guillemets)' if code else "écrivez le code entre guillemets",
            )
            return code or None  # keep going: later rules then see the intended code, not a cascade
        if spec.kind == "phone":
            # Never a number YAML converted (0472000000 is read as octal): the digits as typed.
            self.error(
                pos,
                "numéro de téléphone sans guillemets",
                f'mettez le numéro entre guillemets, tel que vous l\'avez tapé : {key}: "{written}"',
            )
            return None
        self.error(pos, f"« {key} » doit être un texte", f'mettez la valeur entre guillemets : {key}: "{written}"')
        return None

    def _id(self, text: str, pos: Pos, key: str) -> str | None:
        if not ID_RE.match(text):
            self.error(
                pos,
                f"identifiant invalide « {text} »",
                "utilisez des minuscules sans accents, des chiffres, « - » ou « _ »",
            )
            return None
        return text

    def _source(self, text: str, pos: Pos, key: str) -> str | None:
        if not URL_RE.match(text):
            self.error(
                pos,
                f"source qui n'est pas une adresse web « {text} »",
                'écrivez l\'adresse de la page, par exemple "https://www.service-public.fr/..."',
            )
            return None
        if text.startswith("http://"):
            self.warning(pos, f"source en http « {text} »", "préférez l'adresse en https:// si la page existe en https")
        self.cited.append((text, pos))
        return text

    def _phone(self, text: str, pos: Pos, key: str) -> str | None:
        shown = phone_display(text)
        if shown is None:
            digits = normalise_phone(text)
            self.error(
                pos,
                f"« {text} » n'est pas un numéro de téléphone français{_phone_reason(digits)}",
                'écrivez 10 chiffres, par exemple "09 72 01 02 03", ou un numéro court comme "3949"',
            )
        return shown

    def _email(self, text: str, pos: Pos, key: str) -> str | None:
        if not EMAIL_RE.match(text):
            self.error(
                pos,
                f"adresse e-mail invalide « {text} »",
                'écrivez une adresse complète, par exemple "contact@exemple.fr"',
            )
            return None
        return text

    def _date(self, text: str, pos: Pos, key: str) -> dt.date | None:
        try:
            return dt.date.fromisoformat(text)
        except ValueError:
            self.error(
                pos, f"date invalide « {text} »", 'écrivez la date au format "AAAA-MM-JJ", par exemple "2026-01-31"'
            )
            return None

    def _checkdate(self, text: str, pos: Pos, key: str) -> dt.date | None:
        return self._check_date(text, pos)

    def _check_date(self, text: str, pos: Pos) -> dt.date | None:
        month = MONTH_RE.match(text)
        try:
            return dt.date(int(month.group(1)), int(month.group(2)), 1) if month else dt.date.fromisoformat(text)
        except ValueError:
            self.error(
                pos,
                f"date invalide « {text} »",
                'écrivez la date du contrôle au format "AAAA-MM-JJ" (ou "AAAA-MM" si seul le mois est connu), par exemple "2026-01-31"',
            )
            return None

    def _url(self, text: str, pos: Pos, key: str) -> str | None:
        if text.startswith("http://"):
            self.error(
                pos,
                f"lien non sécurisé (http) « {text} »",
                f'écrivez l\'adresse en https : {key}: "https://{text[len("http://") :]}"',
            )
            return None
        if not text.startswith("https://"):
            if "://" not in text and URL_RE.match("https://" + text):
                self.error(pos, f"lien incomplet « {text} » : il manque https://", f'écrivez {key}: "https://{text}"')
            else:
                self.error(
                    pos,
                    f"lien invalide « {text} »",
                    'écrivez l\'adresse complète en https://, par exemple "https://mon-cep.org"',
                )
            return None
        if not URL_RE.match(text):
            self.error(
                pos, f"lien mal formé « {text} »", 'écrivez une adresse complète, par exemple "https://mon-cep.org"'
            )
            return None
        return text


# How a value of each container kind is checked (the other kinds are scalars: Validator.scalar).
_CONTAINER_CHECKS: dict[str, Any] = {
    "obj": Validator._obj_value,
    "list": Validator._list,
    "map": Validator._map,
}


def _list_hint(value: Any, spec: Field, key: str) -> str:
    """What to write instead of ``value`` where a list was expected."""
    if isinstance(value, PosDict):
        return f"écrivez un élément par ligne, commençant par « - », par exemple {key}: {spec.example or '[...]'}"
    item_kind = spec.item.kind if spec.item else "text"
    if isinstance(value, bool) or not isinstance(value, (str, int, float)):
        example = spec.example or "[...]"
    elif item_kind == "scalar" and not isinstance(value, str):
        example = f"[{value}]"
    else:
        example = f"[{_quote(value if isinstance(value, str) or item_kind != 'code' else f'{value:02}')}]"
    return f"mettez la valeur entre crochets : {key}: {example}"


_KIND_CHECKS: dict[str, Any] = {
    "id": Validator._id,
    "url": Validator._url,
    "source": Validator._source,
    "phone": Validator._phone,
    "email": Validator._email,
    "date": Validator._date,
    "checkdate": Validator._checkdate,
}


def phone_display(text: str) -> str | None:
    """A French number as shown to people ("09 72 01 02 03", "3949"), or None if it is not one.

    Accepts what staff paste from web pages: dots, dashes, spaces, "+33 9 ...", "+33 (0)9 ...",
    "0033 9 ...".
    """
    digits = normalise_phone(text)
    if digits.startswith("0033"):
        digits = "+33" + digits[4:]
    if digits.startswith("+33"):
        rest = digits[3:]
        digits = "0" + rest.removeprefix("0")
    if not PHONE_RE.match(digits):
        return None
    if len(digits) == 10:
        return " ".join(digits[i : i + 2] for i in range(0, 10, 2))
    return digits


def _phone_reason(digits: str) -> str:
    if digits.startswith("+33"):
        rest = digits[3:]
        return f" (après +33, il faut 9 chiffres, pas {len(rest)})" if rest.isdigit() and len(rest) != 9 else ""
    if digits.startswith("+"):
        return " (indicatif étranger)"
    if not digits.isdigit():
        return " (il contient autre chose que des chiffres)"
    if len(digits) not in (4, 10):
        return f" ({len(digits)} chiffres au lieu de 10)"
    return ""


def _quote(value: Any) -> str:
    text = str(value)
    return f"'{text}'" if '"' in text and "'" not in text else f'"{text}"'


def _in(what: str) -> str:
    return f" dans {what}" if what else ""


def _closest(key: str, choices: dict[str, Any]) -> str | None:
    match = process.extractOne(key, list(choices), processor=utils.default_process, score_cutoff=70)
    return match[0] if match else None


def _example_obj(schema: dict[str, Field]) -> str:
    keys = [k for k, f in schema.items() if f.required] or list(schema)[:2]
    return "écrivez en dessous, décalées de 2 espaces, des lignes comme " + ", ".join(
        f"{k}: {schema[k].example or '...'}" for k in keys
    )
