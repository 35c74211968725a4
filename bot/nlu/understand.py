"""One call that reads a message: place, situation, need and question."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from bot.nlu.places import PlaceResult, _tokenize
from bot.nlu.questions import QuestionMatch, content_stems
from bot.nlu.situation import Situation, find_situation

if TYPE_CHECKING:
    from bot.kb.model import Snapshot

__all__ = ["Understanding", "understand"]

MAX_CHARS = 4096


@dataclass(frozen=True, slots=True)
class Understanding:
    text: str
    place: PlaceResult
    situation: Situation
    question: QuestionMatch | None

    @property
    def confident_question(self) -> str | None:
        return self.question.id if self.question is not None and self.question.confident else None

    @property
    def anything(self) -> bool:
        return bool(self.place.found or self.situation.traits or self.situation.need or self.confident_question)


def understand(text: str, snapshot: Snapshot) -> Understanding:
    """Read ``text`` against ``snapshot`` (pure; never raises on any string)."""
    text = text[:MAX_CHARS]
    place = snapshot.places.find(text)
    ignore: frozenset[str] = frozenset()
    if place.span is not None:
        words, _ = _tokenize(text)
        ignore = frozenset(content_stems(" ".join(words[place.span[0] : place.span[1]])))
    situation = find_situation(text)
    question = snapshot.faq.match(text, ignore=ignore)
    return Understanding(text, place, situation, question)
