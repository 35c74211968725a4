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


class PosDict(dict[Any, Any]):
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


class PosList(list[Any]):
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


GENERIC_HINT = (
    "corrigez la syntaxe à cet endroit (voir le README, section « Pour l'équipe qui tient les connaissances à jour »)"
)


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

    class _CLoader(yaml.CSafeLoader):
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
    except yaml.YAMLError:  # pragma: no cover - non-marked errors are rare
        raise YamlSyntaxError("syntaxe invalide", Pos(1, 1)) from None


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
    "expected <block end>, but found '-'",
)
# "telephone:"04 ..."": a key glued to its value (an address "https://" after the colon is not).
_GLUED_KEY = re.compile(r"""^(\s*(?:-\s+)?)([a-z_][a-z0-9_]*):(["'\w+].*)$""")
_BLOCK_TEXT_KEY = re.compile(r"^(\s*)(?:-\s+)?([\w-]+)\s*:\s*[>|][-+]?\s*(?:#.*)?$")
_KEY_LINE = re.compile(r"""^(\s*)((?:-\s+)*)("[^"]*"|'[^']*'|[\w-]+)\s*:(?:\s|$)""")
_DASH_LINE = re.compile(r"^(\s*)-(?:\s|$)")
_VALUE_LINE = re.compile(r"""^(\s*(?:-\s+)*(?:"[^"]*"|'[^']*'|[^\s:"'#][^:#]*?)\s*:\s+)(\S.*?)\s*$""")


@dataclass(frozen=True)
class _Failure:
    """What PyYAML said, and the text it said it about."""

    text: str
    lines: list[str]
    problem: str
    context: str
    pmark: yaml.Mark | None
    cmark: yaml.Mark | None

    @property
    def pos(self) -> Pos:
        where = self.pmark or self.cmark
        return _pos(where) if where else Pos(1, 1)

    def line_at(self, mark: yaml.Mark) -> str:
        return self.lines[mark.line] if mark.line < len(self.lines) else ""


def _diagnose(text: str, exc: yaml.MarkedYAMLError) -> YamlSyntaxError:
    failure = _Failure(
        text, text.splitlines(), exc.problem or "", exc.context or "", exc.problem_mark, exc.context_mark
    )
    for rule in _RULES:
        found = rule(failure)
        if found is not None:
            return found
    return YamlSyntaxError("syntaxe invalide à cet endroit", failure.pos)


def _rule_no_space_after_colon(f: _Failure) -> YamlSyntaxError | None:
    """``telephone:"04 ..."``: PyYAML notices it on the next line; say it on the line itself."""
    mark = f.pmark or f.cmark
    if mark is None:
        return None
    for index in (mark.line, *([previous[0]] if (previous := _previous_content_line(f.lines, mark.line)) else [])):
        line = f.lines[index] if index < len(f.lines) else ""
        glued = _GLUED_KEY.match(line)
        if glued and not glued.group(3).startswith("//"):
            indent, key, rest = glued.groups()
            dash = "- " if indent.strip() else ""
            return YamlSyntaxError(
                "il manque une espace après « : »",
                Pos(index + 1, len(indent) + 1),
                f"écrivez {dash}{key}: {rest.strip()}",
            )
    return None


def _rule_quotes(f: _Failure) -> YamlSyntaxError | None:
    """A quoted text never closed, or closed too early by a quote inside it."""
    if f.context == "while scanning a quoted scalar" and f.cmark is not None:
        return _unclosed_quote(f.text, f.cmark, f.line_at(f.cmark))
    pmark = f.pmark
    if pmark is None:
        return None
    for token in reversed(_tokens_before(f.text, pmark)):
        # only scalar tokens have a quote style
        if isinstance(token, yaml.ScalarToken) and token.style in ('"', "'") and token.end_mark.line == pmark.line:
            if token.start_mark.line < token.end_mark.line:
                return _unclosed_quote(f.text, token.start_mark, f.line_at(token.start_mark))
            between = f.text[token.end_mark.index : pmark.index]
            next_char = f.text[pmark.index : pmark.index + 1]
            if between.strip() == "" and next_char not in ('"', "'", ""):
                return _closed_too_early(token, f.line_at(token.start_mark))
            return None
        if token.end_mark.line < pmark.line:
            return None
    return None


def _rule_flow(f: _Failure) -> YamlSyntaxError | None:
    """A list [...] or a block {...} that is never closed, or two items without a comma."""
    if f.context not in ("while parsing a flow sequence", "while parsing a flow mapping") or f.cmark is None:
        return None
    closing = "]" if "sequence" in f.context else "}"
    if f.pmark is not None and f.pmark.line > f.cmark.line:
        return YamlSyntaxError(
            f"« {f.text[f.cmark.index]} » jamais refermé : il manque « {closing} » à la fin de cette ligne",
            _pos(f.cmark),
            f'ajoutez « {closing} » après le dernier élément, par exemple regions: ["53", "52"]',
        )
    return YamlSyntaxError(
        "il manque une virgule entre deux éléments de la liste",
        f.pos,
        'séparez les éléments par « , », par exemple ["53", "52"]',
    )


def _rule_dash_and_colon(f: _Failure) -> YamlSyntaxError | None:
    """ "-id: x" (no space after the dash), or a key written without its colon."""
    missing_colon = f.problem.startswith("could not find expected ':'") and f.cmark is not None
    mark = f.cmark if missing_colon else f.pmark
    dash = re.match(r"^(\s*)-(?=[^\s-])(.*?)\s*$", f.line_at(mark)) if mark is not None else None
    if dash and mark is not None:
        return YamlSyntaxError(
            "il manque une espace après « - »", Pos(mark.line + 1, len(dash.group(1)) + 1), f"écrivez - {dash.group(2)}"
        )
    if missing_colon and f.cmark is not None:
        return _block_text_indent(f.lines, f.cmark.line) or _missing_colon(f.lines, f.cmark)
    return None


def _rule_colon_in_text(f: _Failure) -> YamlSyntaxError | None:
    if not f.problem.startswith("mapping values are not allowed here") or f.pmark is None:
        return None
    suggestion = _quoted_value(f.line_at(f.pmark))
    return YamlSyntaxError(
        "deux-points « : » dans un texte sans guillemets",
        f.pos,
        f"mettez tout le texte entre guillemets : {suggestion}"
        if suggestion
        else 'mettez le texte qui contient « : » entre guillemets "..."',
    )


def _rule_tab(f: _Failure) -> YamlSyntaxError | None:
    if not f.problem.startswith("found character '\\t' that cannot start any token"):
        return None
    return YamlSyntaxError(
        "tabulation interdite", f.pos, "remplacez la tabulation par des espaces (2 espaces par niveau de décalage)"
    )


def _rule_special_start(f: _Failure) -> YamlSyntaxError | None:
    special = _special_start(f.text, f.problem, f.context, f.pmark, f.cmark)
    if special is None and f.problem.startswith("found undefined alias") and f.pmark is not None:
        special = ("*", f.pmark)
    if special is None:
        return None
    char, mark = special
    suggestion = _quoted_value(f.line_at(mark))
    return YamlSyntaxError(
        f"un texte sans guillemets ne peut pas commencer par « {char} »",
        _pos(mark),
        f"mettez le texte entre guillemets : {suggestion}" if suggestion else 'mettez le texte entre guillemets "..."',
    )


def _rule_indent(f: _Failure) -> YamlSyntaxError | None:
    if not f.problem.startswith(_INDENT_PROBLEMS) or f.pmark is None:
        return None
    return _block_text_indent(f.lines, f.pmark.line) or _bad_indent(f.lines, f.pmark)


def _rule_end_of_file(f: _Failure) -> YamlSyntaxError | None:
    if not f.problem.startswith("found unexpected end of stream"):
        return None
    return YamlSyntaxError(
        "le fichier s'arrête au milieu d'un texte ou d'une liste",
        f.pos,
        "refermez le guillemet, le crochet « ] » ou l'accolade « } » ouvert plus haut",
    )


def _rule_unexpected_text(f: _Failure) -> YamlSyntaxError | None:
    if not f.problem.startswith("expected <block end>, but found '<scalar>'") or f.pmark is None:
        return None
    pmark = f.pmark
    previous = _previous_content_line(f.lines, pmark.line)
    if previous is not None and not _KEY_LINE.match(f.line_at(pmark)):
        index, indent = previous
        if indent > pmark.column:
            return YamlSyntaxError(
                (
                    f"ligne mal décalée : elle commence par {_spaces(pmark.column)}, moins que la ligne {index + 1} du "
                    "même texte"
                ),
                Pos(pmark.line + 1, 1),
                f"alignez-la sur la ligne {index + 1} : {_spaces(indent)} en début de ligne",
            )
    return YamlSyntaxError(
        "texte inattendu à cet endroit",
        f.pos,
        "vérifiez qu'il ne manque pas « : » après une clé, et que les textes sont entre guillemets",
    )


# Most specific first: each rule recognises one hand-editing mistake, or passes.
_RULES = (
    _rule_no_space_after_colon,
    _rule_quotes,
    _rule_flow,
    _rule_dash_and_colon,
    _rule_colon_in_text,
    _rule_tab,
    _rule_special_start,
    _rule_indent,
    _rule_end_of_file,
    _rule_unexpected_text,
)


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
        hint = "dans un texte entre guillemets droits, écrivez « » ou l'apostrophe ' au lieu de \""
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
            return YamlSyntaxError(
                "il manque « - » en début de ligne",
                pos,
                f"écrivez - {line.strip()} (comme les autres éléments de la liste)",
            )
    match = re.match(r"""^\s*(-\s+)?([^\s:"']+)(:?)\s*(.*?)\s*$""", line)
    if not match:
        return YamlSyntaxError(
            "il manque « : » après le nom de la clé",
            pos,
            'écrivez la clé, « : », une espace puis la valeur, par exemple nom: "Bretagne"',
        )
    item_dash, key, colon, rest = match.groups()
    example = f"{'- ' if item_dash else ''}{key}: {rest}".rstrip()
    if colon:
        return YamlSyntaxError("il manque une espace après « : »", pos, f"écrivez {example}")
    return YamlSyntaxError(f"il manque « : » après « {key} »", pos, f"écrivez {example}")


def _block_text_indent(lines: list[str], index: int) -> YamlSyntaxError | None:
    """A line of a text under « reponse: >- » written less indented than the text."""
    line = lines[index] if index < len(lines) else ""
    if not line.strip() or line.lstrip().startswith("#"):
        return None
    spaces = len(line) - len(line.lstrip(" "))
    for above in range(index - 1, -1, -1):
        previous = lines[above]
        if not previous.strip() or previous.lstrip().startswith("#"):
            continue
        owner = _BLOCK_TEXT_KEY.match(previous)
        if owner is not None:
            key_col = len(previous) - len(previous.lstrip(" -"))
            if spaces > key_col:
                return None
            following = next((lines[i] for i in range(above + 1, index) if lines[i].strip()), line)
            expected = max(len(following) - len(following.lstrip(" ")), key_col + 2)
            key = owner.group(2)
            return YamlSyntaxError(
                (
                    f"ligne du texte de « {key} » pas assez décalée : elle commence par {_spaces(spaces)} au lieu de "
                    f"{expected}"
                ),
                Pos(index + 1, 1),
                (
                    f"ajoutez {_spaces(expected - spaces)} en début de ligne ({_spaces(expected)}, comme les autres "
                    f"lignes du texte de « {key} »)"
                ),
            )
        if len(previous) - len(previous.lstrip(" ")) <= spaces:
            return None
    return None


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
        return YamlSyntaxError(
            message, _pos(mark), "alignez-la sur les lignes du même bloc (même nombre d'espaces en début de ligne)"
        )
    best = min(candidates, key=lambda c: abs(c[0] - spaces))  # ties: the nearest line above
    return YamlSyntaxError(
        message,
        Pos(mark.line + 1, 1),
        f"alignez-la sur les lignes du même bloc : {_spaces(best[0])} en début de ligne, comme la ligne {best[1]}",
    )


def _spaces(count: int) -> str:
    return "aucune espace" if count == 0 else f"{count} espace{'s' if count > 1 else ''}"
