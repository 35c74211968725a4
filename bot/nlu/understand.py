"""One call that reads a message: place, situation, need and question."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from bot.nlu.places import PlaceResult, _tokenize
from bot.nlu.questions import (
    CONFIDENT,
    LEADS,
    NOT_QUESTIONS,
    NOTHING,
    OTHER_TOPIC,
    SURFACE_CLOSE,
    VETO,
    QuestionIndex,
    QuestionMatch,
)
from bot.nlu.situation import Situation, find_situation
from bot.nlu.topics import OffTopic
from bot.vocab import PlaceKind

if TYPE_CHECKING:
    from bot.kb.model import Snapshot
    from bot.nlu.knowledge import Knowledge

__all__ = ["Understanding", "place_kind_word", "understand"]

MAX_CHARS = 4096
CHOICES = 3  # questions offered as buttons
SUGGEST = 0.2  # a question this likely is offered when none is sure
MANY_PARTS = 2  # parts that ask, from which a message asks several things
RUNNER_UP = 0.15  # a question this likely is offered after an answer, when it was not the one
OVERSEAS_REGIONS = frozenset({"01", "02", "03", "04", "06"})
# Overseas collectivities with their own labour code (postal prefixes), the others, Monaco.
OWN_LABOUR_CODE = ("987", "988")
OTHER_OVERSEAS = ("975", "977", "978", "984", "986", "97133", "97150")


NO_SITUATION = Situation(frozenset(), frozenset(), None, None)


@dataclass(frozen=True, slots=True)
class Understanding:
    text: str
    place: PlaceResult
    situation: Situation
    question: QuestionMatch | None
    off_topic: OffTopic | None = None  # a work question outside the CEP: declined, not a situation
    # a message that asks nothing outright but carries a question ("... mais j'ai peur que la Sécu me
    # coupe mes indemnités"): the one the third reader is sure of, offered, never answered
    implied: str | None = None

    @property
    def confident_question(self) -> str | None:
        return self.question.id if self.question is not None and self.question.confident else None

    @property
    def questions(self) -> tuple[str, ...]:
        """Every question answered with confidence, the main one first."""
        confident = self.confident_question
        if not confident or self.question is None:
            return ()
        return self.question.order or (confident,)

    @property
    def suggestions(self) -> tuple[str, ...]:
        """Questions offered as choices (best first) when none is answered with confidence."""
        q = self.question
        if q is None or q.confident:
            return ()
        if not q.asked:
            return (self.implied,) if self.implied else ()
        offered = [qid for qid, score in q.ranked[:CHOICES] if score >= SUGGEST]
        return _with_second_opinion(offered, q, 1)

    @property
    def runners_up(self) -> tuple[str, ...]:
        """The next likeliest questions after an answer ("Ce n'était pas ma question")."""
        q = self.question
        if q is None or not q.confident:
            return ()
        answered = set(self.questions)
        offered = [qid for qid, score in q.ranked if score >= RUNNER_UP]
        return tuple(qid for qid in _with_second_opinion(offered, q, 0) if qid not in answered)[:CHOICES]

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
    off_topic = questions.gate.check(text)
    if off_topic is not None and not _told_in_passing(text, questions):
        # "comment contester un licenciement ?" asks about labour law: no CEP answer, no situation
        return Understanding(text, place, NO_SITUATION, None, off_topic)
    situation = find_situation(text, questions.situation)
    situated = bool(situation.traits)
    question = questions.match_many(
        text, ignore=ignore, extra=extra, situated=situated, need=bool(situation.need), traits=situation.traits
    )
    if off_topic is not None and not _read_clearly(question):
        return Understanding(text, place, NO_SITUATION, None, off_topic)
    # the third reader sure that no question of the CEP is asked: a work question outside it is declined
    # with where to ask (as by the gate), a message that asks nothing gets no choices
    third = question.third if question is not None and not question.confident else None
    if third is not None and third.share >= LEADS:
        # (declined only in a message that asks, as by the gate: "je touche le chômage" tells a situation;
        # and, in a message that asks several things, only where the word reading finds no question clearly:
        # "Qui peut m'aider à y voir clair, et c'est payant ?" after a story of a shop is a CEP question
        # without the CEP's words; one thing asked and not answered is the third reader's to decline:
        # « Abandon de poste, chômage ? »)
        unclear = (
            question is not None
            and question.asked
            and (question.score < CONFIDENT or len(questions.question_parts(text)) < MANY_PARTS)
        )
        if third.id == OTHER_TOPIC and unclear and questions.gate.other is not None:
            # declined with where to ask; « Mon employeur peut-il m'imposer une formation pendant mes congés ? »
            # names a training: the CEP questions it is near are still offered below (it may be one)
            near = question if questions.gate.names_the_cep(text) else None
            return Understanding(text, place, NO_SITUATION, near, questions.gate.other)
        if third.id == NOTHING:
            return Understanding(text, place, situation, None)
    return Understanding(text, place, situation, question, implied=_implied(question, situation, questions))


def _told_in_passing(text: str, questions: QuestionIndex) -> bool:
    """Whether the work subject the gate found is told in the story only, not in the sentences that ask.

    "Le médecin du travail m'a conseillé une RQTH. [...] Vers qui me tourner pour être conseillée ?": the
    subject is the person's story, and the question names its own topic; whether the message is declined
    then depends on how clearly it asks a question of the CEP (:func:`_read_clearly`).
    """
    asked = " ".join(part for part, _ in questions.question_parts(text))
    # « Mon employeur annonce un plan social. Je fais quoi ? » asks about the subject of the story
    return questions.names_a_topic(asked) and not questions.gate.named_in(asked)


def _read_clearly(question: QuestionMatch | None) -> bool:
    """Whether a message is a question of the CEP beyond doubt: answered with confidence, and the third
    reader, which has learnt from the work questions the knowledge does not cover too, sure of the same one."""
    return (
        question is not None
        and question.confident
        and question.third is not None
        and question.third.id == question.id
        and question.third.share >= LEADS
    )


def _implied(question: QuestionMatch | None, situation: Situation, questions: QuestionIndex) -> str | None:
    """The question a message that asks nothing outright carries, when the third reader is sure of it.

    Not the question of the situation told: "agent territorial à la mairie de Nice" is routed to its
    door, it asks nothing more.
    """
    if question is None or question.confident or question.asked:
        return None
    third = question.third
    if third is None or third.share < LEADS or third.id in NOT_QUESTIONS:
        return None
    return None if third.id in questions.told_by(situation.traits) else third.id


def _with_second_opinion(offered: list[str], q: QuestionMatch, at: int) -> tuple[str, ...]:
    """``offered`` with the surface reader's nearest question put at ``at``, when it is close enough,
    and the third reader's likeliest after it when it stopped the answer.

    Where the readers disagree, their questions are offered instead of one guess.
    """
    offered = [*offered]
    near = q.surface
    if near is not None and near.score >= SURFACE_CLOSE and near.id not in offered:
        offered.insert(min(at, len(offered)), near.id)
        at += 1
    third = q.third
    if third is not None and third.share >= VETO and third.id not in offered and third.id not in NOT_QUESTIONS:
        offered.insert(min(at, len(offered)), third.id)
    return tuple(offered[:CHOICES])
