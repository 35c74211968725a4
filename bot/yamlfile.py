"""Reading one YAML file staff edit, or the problem that stops it, as they must see it.

Shared by the knowledge checker (:mod:`bot.kb.load`, :mod:`bot.kb.lieux`) and the configuration
(:mod:`bot.config`): a missing file, bytes that are not UTF-8 (with the line of the first bad byte)
and broken YAML (with the line, the column and what to write instead) each come back as one
:class:`~bot.schema.Problem`.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from bot.schema import Problem
from bot.yamlpos import YamlSyntaxError, load_yaml

if TYPE_CHECKING:
    from pathlib import Path

__all__ = ["YamlFile", "read_yaml_file"]


@dataclass(frozen=True, slots=True)
class YamlFile:
    """A YAML file read and parsed."""

    raw: bytes  # the bytes as read (the knowledge version is a hash of them)
    lines: list[str]  # its lines, to quote a staff member's own line back
    data: Any  # the parsed document, with positions (bot.yamlpos); None for an empty file


def read_yaml_file(path: Path, file: str, missing_hint: str) -> YamlFile | Problem:
    """Read and parse ``path`` (called ``file`` in messages); ``missing_hint`` says how to restore it."""
    if not path.exists():
        return Problem(file, 1, 1, "fichier manquant", missing_hint)
    raw = path.read_bytes()
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        return Problem(
            file, line, 1, "caractère illisible (le fichier n'est pas en UTF-8)", "enregistrez le fichier en UTF-8"
        )
    try:
        data = load_yaml(text)
    except YamlSyntaxError as exc:
        return Problem(file, exc.pos.line, exc.pos.column, exc.message, exc.hint)
    return YamlFile(raw, text.splitlines(), data)
