"""One call that reads a message: place, situation, need and question."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from bot.nlu.places import PlaceResult, _tokenize
from bot.nlu.questions import QuestionMatch
from bot.nlu.situation import Situation, find_situation

from bot.vocab import PlaceKind

if TYPE_CHECKING:
    from bot.kb.model import Snapshot
    from bot.nlu.knowledge import Knowledge

__all__ = ["Understanding", "place_kind_word", "understand"]

MAX_CHARS = 4096
OVERSEAS_REGIONS = frozenset({"01", "02", "03", "04", "06"})
# Overseas collectivities with their own labour code (postal prefixes), the others, Monaco.
OWN_LABOUR_CODE = ("987", "988")
OTHER_OVERSEAS = ("975", "977", "978", "984", "986", "97133", "97150")


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
    def questions(self) -> tuple[str, ...]:
        """Every question answered with confidence, the main one first."""
        confident = self.confident_question
        return (confident,) if confident else ()

    @property
    def suggestions(self) -> tuple[str, ...]:
        """Questions offered as choices (best first) when none is answered with confidence."""
        q = self.question
        return (q.id,) if q is not None and not q.confident and q.possible else ()

    @property
    def anything(self) -> bool:
        return bool(self.place.found or self.situation.traits or self.situation.need or self.confident_question)


def place_kind_word(place: PlaceResult, snapshot: Snapshot) -> str | None:
    """Words for the kind of place found, as the question phrasings say it ("outremer region")."""
    if place.place is None:
        regions = {c.region for c in place.candidates}
        return "outremer" if regions and regions <= OVERSEAS_REGIONS else ("region" if regions else None)
    ref = place.place
    if ref.kind == PlaceKind.OUTSIDE:
        prefixes: tuple[str, ...] = ()
        for out in snapshot.outside:
            if out.name == ref.name:
                prefixes = out.postal_prefixes
                break
        if any(p.startswith(OWN_LABOUR_CODE) for p in prefixes):
            return "caledonie"
        if any(p.startswith(OTHER_OVERSEAS) for p in prefixes):
            return "outremer"
        if any(p.startswith("98000") for p in prefixes):
            return "monaco"
        return "etranger"
    return "outremer region" if ref.region in OVERSEAS_REGIONS else "region"


def understand(text: str, knowledge: Knowledge) -> Understanding:
    """Read ``text`` against ``knowledge`` (pure; never raises on any string)."""
    text = text[:MAX_CHARS]
    questions = knowledge.questions
    place = knowledge.places.find(text)
    ignore: frozenset[str] = frozenset()
    extra: tuple[str, ...] = ()
    if place.span is not None:
        words, _ = _tokenize(text)
        ignore = frozenset(questions.lex.content_stems(" ".join(words[place.span[0] : place.span[1]])))
        kind = place_kind_word(place, knowledge.snapshot)
        extra = tuple(kind.split()) if kind else ()
    situation = find_situation(text, questions.situation)
    situated = bool(situation.traits)
    question = questions.match(text, ignore=ignore, extra=extra, situated=situated, need=bool(situation.need))
    return Understanding(text, place, situation, question)
