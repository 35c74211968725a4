"""What the assistant reads from: a knowledge snapshot and the indexes understanding builds from it.

Knowledge flows one way. ``bot.kb`` loads and validates the files into a plain, frozen
:class:`~bot.kb.model.Snapshot`; this module builds the place and question indexes from a
snapshot and holds the three together in one :class:`Knowledge`. The dialogue engine, ``ask``
and the service take a ``Knowledge``; a reload builds a new one and swaps one reference. The
snapshot never points at its indexes, so an old ``Knowledge`` is freed by reference counting as
soon as nothing holds it.
"""

from __future__ import annotations

import copy
import datetime as dt
import gc
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from bot.kb.load import load_knowledge
from bot.kb.model import Snapshot
from bot.nlu.places import PlaceIndex
from bot.nlu.questions import QuestionIndex

__all__ = ["Knowledge", "build_knowledge", "load"]


@dataclass(frozen=True, slots=True, eq=False)
class Knowledge:
    """One knowledge snapshot and the indexes built from it; swapped as a whole on reload."""

    snapshot: Snapshot
    places: PlaceIndex
    questions: QuestionIndex

    @property
    def version(self) -> str:
        return self.snapshot.version

    def __repr__(self) -> str:
        return f"Knowledge(version={self.snapshot.version!r})"


def build_knowledge(snapshot: Snapshot) -> Knowledge:
    """The indexes of ``snapshot`` (the place index is reused while the geography is unchanged)."""
    with _cyclic_gc_paused():
        return Knowledge(snapshot, _place_index(snapshot), QuestionIndex(snapshot))


def load(directory: str | Path, today: dt.date | None = None) -> Knowledge:
    """Load, validate and index a knowledge folder (raises ``KnowledgeError`` on any error)."""
    return build_knowledge(load_knowledge(directory, today=today))


@contextmanager
def _cyclic_gc_paused() -> Iterator[None]:
    """An index build allocates many small objects that all live on: the cyclic collector would
    scan them again and again for nothing (as in ``check_knowledge``)."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


# The place index depends only on the geography and the communes, which staff rarely change:
# a reload that touches markets, questions or texts reuses its tables (a third of the reload
# time). The cache holds one template whose ``snapshot`` is cleared, so that it never keeps an
# old snapshot alive.
_places_cache: dict[str, PlaceIndex] = {}


def _place_index(snapshot: Snapshot) -> PlaceIndex:
    key = snapshot.geo_version
    template = _places_cache.get(key) if key else None
    if template is None:
        built = PlaceIndex(snapshot)
        if key:
            template = copy.copy(built)
            template.snapshot = None  # type: ignore[assignment]  # a template answers nothing
            _places_cache.clear()
            _places_cache[key] = template
        return built
    clone = copy.copy(template)  # shares the (never mutated) tables, answers from the new snapshot
    clone.snapshot = snapshot
    return clone
