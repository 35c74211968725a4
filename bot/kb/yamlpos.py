"""YAML loading that remembers where every value came from.

Staff edit the knowledge by hand, so every message about it must name the file, the line and the
column. PyYAML's node tree has those marks; this loader keeps them beside the plain Python values:
mappings become :class:`PosDict` and sequences :class:`PosList`, both recording the position of
each key or item (1-based line and column).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import yaml

__all__ = ["Pos", "PosDict", "PosList", "YamlSyntaxError", "load_yaml"]


@dataclass(frozen=True, slots=True)
class Pos:
    """A place in a file, 1-based."""

    line: int
    column: int


class PosDict(dict):  # type: ignore[type-arg]
    """A dict that knows the position of itself, its keys and its values."""

    pos: Pos
    key_pos: dict[Any, Pos]
    value_pos: dict[Any, Pos]
    duplicate_keys: list[tuple[Any, Pos]]


class PosList(list):  # type: ignore[type-arg]
    """A list that knows the position of itself and of each item."""

    pos: Pos
    item_pos: list[Pos]


class YamlSyntaxError(Exception):
    """The file is not valid YAML; ``pos`` says where the parser stopped."""

    def __init__(self, message: str, pos: Pos) -> None:
        super().__init__(message)
        self.message = message
        self.pos = pos


def _mark(node: yaml.Node) -> Pos:
    return Pos(node.start_mark.line + 1, node.start_mark.column + 1)


class _Loader(yaml.SafeLoader):
    """SafeLoader whose containers carry positions.

    Timestamps stay strings: staff write dates as ``2024-01-01`` and the checker parses them
    itself, so that a wrong date gets a French message instead of a Python exception.
    """


# Keep dates as text (see the class docstring).
_Loader.yaml_implicit_resolvers = {
    first: [(tag, rx) for tag, rx in resolvers if tag != "tag:yaml.org,2002:timestamp"]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}


def _construct_mapping(loader: _Loader, node: yaml.MappingNode) -> PosDict:
    result = PosDict()
    result.pos = _mark(node)
    result.key_pos = {}
    result.value_pos = {}
    result.duplicate_keys = []
    loader.flatten_mapping(node)
    for key_node, value_node in node.value:
        key = loader.construct_object(key_node, deep=True)
        if isinstance(key, (list, dict)):
            key = str(key)
        value = loader.construct_object(value_node, deep=True)
        if key in result:
            result.duplicate_keys.append((key, _mark(key_node)))
        result[key] = value
        result.key_pos[key] = _mark(key_node)
        result.value_pos[key] = _mark(value_node)
    return result


def _construct_sequence(loader: _Loader, node: yaml.SequenceNode) -> PosList:
    result = PosList(loader.construct_object(child, deep=True) for child in node.value)
    result.pos = _mark(node)
    result.item_pos = [_mark(child) for child in node.value]
    return result


_Loader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _construct_mapping)
_Loader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_SEQUENCE_TAG, _construct_sequence)


def load_yaml(text: str) -> Any:
    """Parse one YAML document, keeping positions; raise :class:`YamlSyntaxError` if broken."""
    try:
        return yaml.load(text, Loader=_Loader)  # noqa: S506 - SafeLoader subclass
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        pos = Pos(mark.line + 1, mark.column + 1) if mark else Pos(1, 1)
        what = exc.problem or exc.context or "syntaxe YAML invalide"
        raise YamlSyntaxError(_french_yaml_problem(what), pos) from None
    except yaml.YAMLError as exc:  # pragma: no cover - non-marked errors are rare
        raise YamlSyntaxError(f"syntaxe YAML invalide ({exc})", Pos(1, 1)) from None


def _french_yaml_problem(problem: str) -> str:
    """Say PyYAML's complaint in words a non-programmer can act on."""
    table = {
        "mapping values are not allowed here": (
            "deux-points inattendu (un texte qui contient « : » doit être entre guillemets)"
        ),
        "could not find expected ':'": "il manque « : » après une clé",
        "found character '\\t' that cannot start any token": (
            "tabulation interdite (indentez avec des espaces)"
        ),
        "did not find expected key": "indentation incohérente : alignez cette ligne sur ses voisines",
        "found unexpected end of stream": "guillemet ou crochet non refermé avant la fin du fichier",
        "did not find expected '-' indicator": "élément de liste mal aligné (chaque élément commence par « - »)",
        "found undefined alias": "alias YAML inconnu (« * » suivi d'un nom jamais défini)",
        "expected <block end>, but found '<block sequence start>'": (
            "élément de liste mal indenté : alignez les « - » d'une même liste"
        ),
    }
    for english, french in table.items():
        if problem.startswith(english):
            return french
    return f"syntaxe YAML invalide ({problem})"
