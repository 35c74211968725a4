"""Plugging a checker for new knowledge files into ``cep-bot check``.

``cep-bot check`` reads the shipped files section by section (geography, communes, markets,
networks, routing, questions, texts, sources), one method each in :mod:`bot.kb.load`. A module
that adds its own files under ``knowledge/`` (for example ``lieux/*.yaml`` or ``langue/*.yaml``)
declares them here once, at import time::

    register(ExtraSection(
        name="lieux",
        pattern="lieux/*.yaml",
        schema={"lieux": Field("list", required=True, item=Field("text"))},
        check=my_rules,          # optional: (data, validator, built) -> value kept in the report
    ))

Each matching file is parsed with positions, checked against ``schema`` (French messages with
file, line and column, like the shipped files), then given to ``check``, which may add problems
with ``validator.error(pos, message, hint)`` / ``validator.warning(...)`` and return what it built.
The returned values are in ``CheckReport.extras[name][relative path]``. Errors block publication
exactly like errors in the shipped files.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from bot.kb.model import (
    AmbiguousAlias,
    Commune,
    Departement,
    Market,
    Network,
    OutsidePlace,
    Profile,
    Question,
    Region,
    Rule,
)
from bot.schema import Checked, Field, Validator

__all__ = ["Built", "ExtraSection", "extra_sections", "register"]


@dataclass
class Built:
    """What the sections checked so far have built (read it in an extra section's ``check``)."""

    today: dt.date
    regions: dict[str, Region] = field(default_factory=dict)
    departements: dict[str, Departement] = field(default_factory=dict)
    outside: list[OutsidePlace] = field(default_factory=list)
    ambiguous: list[AmbiguousAlias] = field(default_factory=list)
    communes: list[Commune] = field(default_factory=list)
    markets: list[Market] = field(default_factory=list)
    contact_count: int = 0
    to_check: int = 0
    networks: dict[str, Network] = field(default_factory=dict)
    profiles: dict[str, Profile] = field(default_factory=dict)
    rules: list[Rule] = field(default_factory=list)
    questions: dict[str, Question] = field(default_factory=dict)
    texts: dict[str, str] = field(default_factory=dict)
    lieux: Any = None  # bot.kb.lieux.PlaceLists
    language: Any = None  # bot.kb.langue's language data
    extras: dict[str, dict[str, Any]] = field(default_factory=dict)


ExtraCheck = Callable[[Checked, Validator, Built], Any]


@dataclass(frozen=True)
class ExtraSection:
    """Files of ``knowledge/`` matching ``pattern``, checked against ``schema`` then ``check``."""

    name: str
    pattern: str  # a glob relative to the knowledge folder, e.g. "lieux/*.yaml"
    schema: Mapping[str, Field]
    check: ExtraCheck | None = None
    required: bool = False  # True: no matching file is an error


_REGISTRY: dict[str, ExtraSection] = {}


def register(section: ExtraSection) -> None:
    """Add (or replace, by name) a section checked by every ``cep-bot check`` and reload."""
    _REGISTRY[section.name] = section


def extra_sections() -> tuple[ExtraSection, ...]:
    return tuple(_REGISTRY.values())
