"""YAML loading that remembers where every value came from.

Staff edit the knowledge by hand, so every message about it must name the file, the line and the
column. PyYAML's node tree has those marks; this loader keeps them beside the plain Python values:
mappings become :class:`PosDict` and sequences :class:`PosList`, both recording the position of
each key or item (1-based line and column).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

import yaml

__all__ = ["Pos", "PosDict", "PosList", "YamlSyntaxError", "empty_mapping", "load_yaml"]


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


def empty_mapping() -> PosDict:
    """What an empty file (or one with only comments) stands for: no keys, at line 1."""
    result = PosDict()
    result.pos = Pos(1, 1)
    result.key_pos = {}
    result.value_pos = {}
    result.duplicate_keys = []
    return result


class PosList(list):  # type: ignore[type-arg]
    """A list that knows the position of itself and of each item."""

    pos: Pos
    item_pos: list[Pos]


class YamlSyntaxError(Exception):
    """The file is not valid YAML; ``pos`` says where, ``hint`` what to write instead."""

    def __init__(self, message: str, pos: Pos, hint: str = "") -> None:
        super().__init__(message)
        self.message = message
        self.pos = pos
        self.hint = hint or GENERIC_HINT


GENERIC_HINT = "corrigez la syntaxe à cet endroit (voir le README, section « Pour l'équipe qui tient les connaissances à jour »)"


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

# The same loader on libyaml when PyYAML was built with it: about 20 times faster on the
# knowledge files. Errors are always re-read by the pure-Python loader, whose messages
# :func:`_diagnose` knows.
_FastLoader: type | None = None
if getattr(yaml, "__with_libyaml__", False):

    class _CLoader(yaml.CSafeLoader):  # type: ignore[name-defined,misc]
        yaml_implicit_resolvers = _Loader.yaml_implicit_resolvers

    _CLoader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _construct_mapping)
    _CLoader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_SEQUENCE_TAG, _construct_sequence)
    _FastLoader = _CLoader


def load_yaml(text: str) -> Any:
    """Parse one YAML document, keeping positions; raise :class:`YamlSyntaxError` if broken."""
    if _FastLoader is not None:
        try:
            return yaml.load(text, Loader=_FastLoader)  # noqa: S506 - SafeLoader subclass
        except yaml.YAMLError:
            pass  # read again below, for the position and message staff can act on
    try:
        return yaml.load(text, Loader=_Loader)  # noqa: S506 - SafeLoader subclass
    except yaml.MarkedYAMLError as exc:
        raise _diagnose(text, exc) from None
    except yaml.YAMLError as exc:  # pragma: no cover - non-marked errors are rare
        raise YamlSyntaxError(f"syntaxe YAML invalide ({exc})", Pos(1, 1)) from None


# -- saying what went wrong, where the staff member actually made the mistake -------------------
#
# PyYAML stops where it notices the problem, which is often one line after the mistake (a missing
# closing quote is noticed at the next quote) and speaks of tokens. Each rule below recognises a
# common hand-editing mistake, moves the position to where it was made and says what to write.

_INDENT_PROBLEMS = (
    "expected <block end>, but found '<block mapping start>'",
    "expected <block end>, but found '<block sequence start>'",
    "expected <block end>, but found '<block end>'",
    "did not find expected key",
    "did not find expected '-' indicator",
    "expected <block end>, but found '?'",
)
_KEY_LINE = re.compile(r"""^(\s*)((?:-\s+)*)("[^"]*"|'[^']*'|[\w-]+)\s*:(?:\s|$)""")
_DASH_LINE = re.compile(r"^(\s*)-(?:\s|$)")
_VALUE_LINE = re.compile(r"""^(\s*(?:-\s+)*(?:"[^"]*"|'[^']*'|[^\s:"'#][^:#]*?)\s*:\s+)(\S.*?)\s*$""")


def _diagnose(text: str, exc: yaml.MarkedYAMLError) -> YamlSyntaxError:
    lines = text.splitlines()
    problem = exc.problem or ""
    context = exc.context or ""
    pmark = exc.problem_mark
    cmark = exc.context_mark
    where = pmark or cmark
    pos = _pos(where) if where else Pos(1, 1)

    def line_at(mark: yaml.Mark) -> str:
        return lines[mark.line] if mark.line < len(lines) else ""

    # A quoted text that is never closed: the parser notices it at the next quote, often lines later.
    if context == "while scanning a quoted scalar" and cmark is not None:
        return _unclosed_quote(text, cmark, line_at(cmark))
    tokens = _tokens_before(text, pmark)
    if pmark is not None:
        for token in reversed(tokens):
            if getattr(token, "style", None) in ('"', "'") and token.end_mark.line == pmark.line:
                if token.start_mark.line < token.end_mark.line:
                    return _unclosed_quote(text, token.start_mark, line_at(token.start_mark))
                between = text[token.end_mark.index : pmark.index]
                next_char = text[pmark.index : pmark.index + 1]
                if between.strip() == "" and next_char not in ('"', "'", ""):
                    return _closed_too_early(token, line_at(token.start_mark))
                break
            if token.end_mark.line < pmark.line:
                break

    # A list [...] or a block {...} that is never closed, or two items without a comma.
    if context in ("while parsing a flow sequence", "while parsing a flow mapping") and cmark is not None:
        closing = "]" if "sequence" in context else "}"
        if pmark is not None and pmark.line > cmark.line:
            return YamlSyntaxError(
                f"« {text[cmark.index]} » jamais refermé : il manque « {closing} » à la fin de cette ligne",
                _pos(cmark),
                f'ajoutez « {closing} » après le dernier élément, par exemple regions: ["53", "52"]',
            )
        return YamlSyntaxError(
            "il manque une virgule entre deux éléments de la liste",
            pos,
            'séparez les éléments par « , », par exemple ["53", "52"]',
        )

    # "-id: x" or '-"texte"': a list item needs a space after the dash.
    mark = cmark if problem.startswith("could not find expected ':'") and cmark is not None else pmark
    dash = re.match(r"^(\s*)-(?=[^\s-])(.*?)\s*$", line_at(mark)) if mark is not None else None
    if dash and mark is not None:
        return YamlSyntaxError("il manque une espace après « - »", Pos(mark.line + 1, len(dash.group(1)) + 1), f"écrivez - {dash.group(2)}")
    if problem.startswith("could not find expected ':'") and cmark is not None:
        return _missing_colon(lines, cmark)

    if problem.startswith("mapping values are not allowed here") and pmark is not None:
        suggestion = _quoted_value(line_at(pmark))
        return YamlSyntaxError(
            "deux-points « : » dans un texte sans guillemets",
            pos,
            f"mettez tout le texte entre guillemets : {suggestion}" if suggestion else 'mettez le texte qui contient « : » entre guillemets "..."',
        )

    if problem.startswith("found character '\\t' that cannot start any token"):
        return YamlSyntaxError(
            "tabulation interdite",
            pos,
            "remplacez la tabulation par des espaces (2 espaces par niveau de décalage)",
        )

    special = _special_start(text, problem, context, pmark, cmark)
    if special is not None:
        char, mark = special
        suggestion = _quoted_value(line_at(mark))
        return YamlSyntaxError(
            f"un texte sans guillemets ne peut pas commencer par « {char} »",
            _pos(mark),
            f"mettez le texte entre guillemets : {suggestion}" if suggestion else 'mettez le texte entre guillemets "..."',
        )

    if problem.startswith(_INDENT_PROBLEMS) and pmark is not None:
        return _bad_indent(lines, pmark)

    if problem.startswith("found unexpected end of stream"):
        return YamlSyntaxError(
            "le fichier s'arrête au milieu d'un texte ou d'une liste",
            pos,
            "refermez le guillemet, le crochet « ] » ou l'accolade « } » ouvert plus haut",
        )
    if problem.startswith("found undefined alias"):
        suggestion = _quoted_value(line_at(pmark)) if pmark else ""
        return YamlSyntaxError(
            "un texte sans guillemets ne peut pas commencer par « * »",
            pos,
            f"mettez le texte entre guillemets : {suggestion}" if suggestion else 'mettez le texte entre guillemets "..."',
        )
    if problem.startswith("expected <block end>, but found '<scalar>'") and pmark is not None:
        previous = _previous_content_line(lines, pmark.line)
        if previous is not None and not _KEY_LINE.match(line_at(pmark)):
            index, indent = previous
            if indent > pmark.column:
                return YamlSyntaxError(
                    f"ligne mal décalée : elle commence par {_spaces(pmark.column)}, moins que la ligne {index + 1} du même texte",
                    Pos(pmark.line + 1, 1),
                    f"alignez-la sur la ligne {index + 1} : {_spaces(indent)} en début de ligne",
                )
        return YamlSyntaxError(
            "texte inattendu à cet endroit",
            pos,
            "vérifiez qu'il ne manque pas « : » après une clé, et que les textes sont entre guillemets",
        )
    return YamlSyntaxError(f"syntaxe YAML invalide ({problem or context})", pos)


def _pos(mark: yaml.Mark) -> Pos:
    return Pos(mark.line + 1, mark.column + 1)


def _tokens_before(text: str, mark: yaml.Mark | None) -> list[yaml.Token]:
    """The tokens of ``text`` up to ``mark`` (scanning stops at a scanner error)."""
    tokens: list[yaml.Token] = []
    if mark is None:
        return tokens
    try:
        for token in yaml.scan(text, Loader=yaml.SafeLoader):
            if token.start_mark.index >= mark.index:
                break
            tokens.append(token)
    except yaml.YAMLError:
        pass
    return tokens


def _unclosed_quote(text: str, start: yaml.Mark, line: str) -> YamlSyntaxError:
    quote = text[start.index]
    rest = line[start.column + 1 :].rstrip()
    if rest and quote not in rest and not any(c in rest for c in "[]{}"):
        hint = f"ajoutez {quote} à la fin du texte : {line.strip()}{quote}"
    else:
        hint = f"ajoutez {quote} à la fin du texte qui commence ici"
    return YamlSyntaxError(f"guillemet {quote} jamais refermé", _pos(start), hint)


def _closed_too_early(token: yaml.ScalarToken, line: str) -> YamlSyntaxError:
    """``"qui a droit au "cep""`` or ``'L'équipe'``: a quote inside the text ends it."""
    quote = token.style
    start, end = token.start_mark, token.end_mark
    prefix = line[: start.column].strip()
    inner = line[start.column + 1 :].rstrip()
    if inner.endswith(quote):
        inner = inner[:-1]
    if quote == "'":
        suggestion = f'{prefix} "{inner}"'.strip() if '"' not in inner else ""
        hint = "une apostrophe termine un texte commencé par ' : entourez plutôt le texte de guillemets droits"
    else:
        parts = inner.split('"')
        if len(parts) % 2 == 1:
            inner = "".join(part + ("« " if i % 2 == 0 else " »") for i, part in enumerate(parts[:-1])) + parts[-1]
            suggestion = f'{prefix} "{inner}"'.strip()
        else:
            suggestion = ""
        hint = 'dans un texte entre guillemets droits, écrivez « » ou l\'apostrophe \' au lieu de "'
    if suggestion:
        hint += f", par exemple {suggestion}"
    return YamlSyntaxError(
        f"ce guillemet {quote} termine le texte trop tôt : la suite de la ligne n'est pas comprise",
        Pos(end.line + 1, end.column),
        hint,
    )


def _missing_colon(lines: list[str], mark: yaml.Mark) -> YamlSyntaxError:
    pos = _pos(mark)
    line = lines[mark.line] if mark.line < len(lines) else ""
    previous = _previous_content_line(lines, mark.line)
    if previous is not None and ":" not in line:
        dash = _DASH_LINE.match(lines[previous[0]])
        if dash and len(dash.group(1)) == mark.column:
            return YamlSyntaxError("il manque « - » en début de ligne", pos, f"écrivez - {line.strip()} (comme les autres éléments de la liste)")
    match = re.match(r"""^\s*(-\s+)?([^\s:"']+)(:?)\s*(.*?)\s*$""", line)
    if not match:
        return YamlSyntaxError("il manque « : » après le nom de la clé", pos, 'écrivez la clé, « : », une espace puis la valeur, par exemple nom: "Bretagne"')
    dash, key, colon, rest = match.groups()
    example = f"{'- ' if dash else ''}{key}: {rest}".rstrip()
    if colon:
        return YamlSyntaxError("il manque une espace après « : »", pos, f"écrivez {example}")
    return YamlSyntaxError(f"il manque « : » après « {key} »", pos, f"écrivez {example}")


def _previous_content_line(lines: list[str], index: int) -> tuple[int, int] | None:
    """The closest line above ``index`` that is neither blank nor a comment: (index, indentation)."""
    for previous in range(index - 1, -1, -1):
        stripped = lines[previous].strip()
        if stripped and not stripped.startswith("#"):
            return previous, len(lines[previous]) - len(lines[previous].lstrip(" "))
    return None


def _quoted_value(line: str) -> str:
    """``note: Avant 2024: Catalys`` -> ``note: "Avant 2024: Catalys"`` (empty if unsure)."""
    match = _VALUE_LINE.match(line)
    if not match:
        dash = re.match(r"^\s*-\s+(\S.*?)\s*$", line)
        if dash and '"' not in dash.group(1):
            return f'- "{dash.group(1)}"'
        return ""
    prefix, value = match.groups()
    if '"' in value:
        return ""
    return f'{prefix.strip()} "{value}"'


def _special_start(
    text: str, problem: str, context: str, pmark: yaml.Mark | None, cmark: yaml.Mark | None
) -> tuple[str, yaml.Mark] | None:
    """A plain text starting with a YAML indicator (@ ` * & ! - ...)."""
    found = re.match(r"found character '(.)' that cannot start any token", problem)
    if found and pmark is not None:
        return found.group(1), pmark
    if context in ("while scanning an alias", "while scanning an anchor", "while scanning a tag") and cmark is not None:
        return text[cmark.index], cmark
    if problem.startswith("sequence entries are not allowed here") and pmark is not None:
        return "-", pmark
    if problem.startswith("could not determine a constructor for the tag") and pmark is not None:
        return "!", pmark
    return None


def _bad_indent(lines: list[str], mark: yaml.Mark) -> YamlSyntaxError:
    """A line whose indentation matches no open block; suggest the closest one above."""
    line = lines[mark.line] if mark.line < len(lines) else ""
    spaces = len(line) - len(line.lstrip(" "))
    is_item = bool(_DASH_LINE.match(line))
    candidates: list[tuple[int, int]] = []  # (spaces, 1-based line)
    limit = 10**6
    for index in range(mark.line - 1, -1, -1):
        previous = lines[index]
        key = _KEY_LINE.match(previous)
        dash = _DASH_LINE.match(previous)
        if not key and not dash:
            continue
        dash_col = len(dash.group(1)) if dash else None
        key_col = (len(key.group(1)) + len(key.group(2))) if key else None
        if key_col is not None and key_col < limit:
            if not is_item:
                candidates.append((key_col, index + 1))
            limit = key_col
        if dash_col is not None and dash_col < limit:
            if is_item:
                candidates.append((dash_col, index + 1))
            limit = dash_col
        if limit == 0:
            break
    message = f"ligne mal décalée : elle commence par {_spaces(spaces)}, ce qui ne la rattache à aucun bloc au-dessus"
    if not candidates:
        return YamlSyntaxError(message, _pos(mark), "alignez-la sur les lignes du même bloc (même nombre d'espaces en début de ligne)")
    best = min(candidates, key=lambda c: abs(c[0] - spaces))  # ties: the nearest line above
    return YamlSyntaxError(
        message,
        Pos(mark.line + 1, 1),
        f"alignez-la sur les lignes du même bloc : {_spaces(best[0])} en début de ligne, comme la ligne {best[1]}",
    )


def _spaces(count: int) -> str:
    return "aucune espace" if count == 0 else f"{count} espace{'s' if count > 1 else ''}"
