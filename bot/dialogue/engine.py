"""The dialogue engine: (conversation state, user input) -> (new state, replies, events).

It knows nothing of Telegram or of terminals. Channels turn what the person did into a
:class:`UserInput` and the :class:`Reply` objects into messages and buttons.

Slot filling: place, situation and need are taken from whatever the person writes, in any
order, several at once; the engine asks only for what is missing, one thing at a time;
a correction overwrites a slot at any step; a question is answered at any step and the
conversation picks up where it was ("Reprenons : ...").
"""

from __future__ import annotations

import datetime as dt
import hashlib
import re
import secrets
from collections.abc import Callable
from dataclasses import asdict, dataclass, field, replace
from typing import TYPE_CHECKING, Any

from bot.config import Config
from bot.dialogue import place_prompt
from bot.dialogue import questions as dq
from bot.dialogue.answers import (
    DETAIL_LABELS,
    Detail,
    Place,
    alternatives_text,
    booking_text,
    door_contact_lines,
    follow_up_text,
    prepare_text,
    short_answer,
    what_may_help,
)
from bot.dialogue.buttons import SEPARATOR, ButtonAction, decode, encode, stamp
from bot.dialogue.conversation import follow_up_kind, small_talk_kind
from bot.dialogue.render import outside_answer, question_answer
from bot.nlu.understand import understand
from bot.routing import REGIONAL, Recommendation, pick_rule, route
from bot.textnorm import fold
from bot.vocab import (
    QUALIFIER_TRAITS,
    STATUS_TRAITS,
    Action,
    DetailTrait,
    EventType,
    InputKind,
    Need,
    PlaceKind,
    Step,
    Trait,
)

if TYPE_CHECKING:
    from collections.abc import Callable

    from bot.nlu.knowledge import Knowledge
    from bot.nlu.places import PlaceRef, PlaceResult
    from bot.nlu.understand import Understanding

__all__ = ["Button", "Conversation", "Engine", "Reply", "Turn", "UserInput"]

SITUATION_BUTTONS = (Trait.SALARIE, Trait.INDEPENDANT, Trait.DEMANDEUR_EMPLOI, Trait.AGENT_PUBLIC)
OTHER_BUTTONS = (Trait.CADRE, Trait.JEUNE, Trait.HANDICAP)
# The public employer's kind, offered as buttons when a public agent did not say it.
EMPLOYER_BUTTONS = {
    DetailTrait.FP_ETAT: "L'État (ministère, éducation...)",
    DetailTrait.FP_TERRITORIALE: "Une collectivité (mairie...)",
    DetailTrait.FP_HOSPITALIERE: "Un hôpital public",
    DetailTrait.MILITAIRE: "Les armées",
}
NEED_LABELS = {Need.PONCTUEL: "Une question ponctuelle", Need.ACCOMPAGNEMENT: "Un accompagnement dans la durée"}
FAQ_BUTTONS = 4
EMPLOYER_DOORS = frozenset({"employeur_public"})
# Questions of questions.yaml that a booking follow-up answers better for the door just given.
BOOKING_QUESTIONS = frozenset({"trouver_conseiller", "numero_telephone", "operateur_region", "avenir_actifs"})
ANSWERED_PROMPT = "Voulez-vous autre chose ?"
SAID_ABOVE = "Je vous ai donné cette information juste au-dessus. Voulez-vous autre chose ?"
NOT_WORKING_TRAITS = frozenset({DetailTrait.ETUDIANT, DetailTrait.RETRAITE})
PUBLIC_EMPLOYER_DOORS = frozenset(
    {"employeur_public", "employeur_etat", "employeur_territorial", "employeur_hospitalier", "defense_mobilite"}
)
QUESTION_FIRST = frozenset({"cout", "distance"})  # follow-ups a matching question of questions.yaml answers better
_CORRECTION = re.compile(
    r"\b(?:non|en fait|enfait|plutot|je me suis trompe\w*|erreur|pardon|correction|finalement|je voulais dire)\b"
)
_COORDS = re.compile(r"^\s*(-?[0-9]{1,2}(?:[.,][0-9]+)?)\s*[,; ]\s*(-?[0-9]{1,3}(?:[.,][0-9]+)?)\s*$")
_DECIMAL = re.compile(r"[.,][0-9]")
_NUMBER = re.compile(r"[0-9]{1,9}")


@dataclass(frozen=True, slots=True)
class Button:
    label: str
    data: str  # under 64 bytes: "rev|action|argument" (bot.dialogue.buttons)


@dataclass(frozen=True, slots=True)
class Reply:
    """One message: a bold title (optional), plain text, and choices."""

    text: str
    title: str = ""
    buttons: tuple[tuple[Button, ...], ...] = ()
    request_location: bool = False

    def plain(self) -> str:
        return f"{self.title}\n{self.text}" if self.title else self.text


@dataclass(frozen=True, slots=True)
class UserInput:
    kind: InputKind
    text: str = ""
    lat: float = 0.0
    lon: float = 0.0

    @classmethod
    def from_text(cls, text: str) -> UserInput:
        """Typed text; "/cmd args" becomes a command, "48.85, 2.35" a location."""
        stripped = text.strip()
        if stripped.startswith("/") and len(stripped) > 1:
            return cls(InputKind.COMMAND, stripped)
        match = _COORDS.match(stripped)
        if match and any(_DECIMAL.search(g) for g in match.groups()):
            # "48.85, 2.35" or "48,85 2,35"; not "59, 62" (two départements)
            lat, lon = (float(g.replace(",", ".")) for g in match.groups())
            return cls(InputKind.LOCATION, lat=lat, lon=lon)
        return cls(InputKind.TEXT, text)


@dataclass
class Conversation:
    """Everything remembered about one conversation (JSON-serialisable)."""

    step: str = Step.START  # a Step
    region: str | None = None
    departement: str | None = None
    commune: str | None = None
    place_label: str | None = None
    postal_code: str | None = None
    candidates: list[dict[str, Any]] = field(default_factory=list)
    traits: list[str] = field(default_factory=list)
    need: str | None = None
    source: str | None = None
    rev: int = field(
        default_factory=lambda: secrets.randbelow(9_000_000) + 1_000_000
    )  # random start: buttons of a deleted conversation never match
    answered: bool = False
    rated: bool = False
    return_step: str | None = None  # where to go back after a confirmation
    help_shown: bool = False  # the full help is shown once per conversation, shorter afterwards
    awaiting_feedback: bool = False  # after 👎: the next message is taken as feedback
    last_answer: str | None = None  # digest of the last answer sent: an unchanged answer is not re-sent
    last_door: str | None = None  # door, situation and need of the last answer
    last_reply: str | None = None  # digest of the last turn's replies: the same ones are not sent twice in a row

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict[str, Any] | None) -> Conversation:
        if not data:
            return cls()
        known = {k: v for k, v in data.items() if k in cls.__dataclass_fields__}
        return cls(**known)

    @property
    def has_place(self) -> bool:
        return self.region is not None


@dataclass(frozen=True, slots=True)
class Turn:
    state: Conversation
    replies: tuple[Reply, ...]
    events: tuple[dict[str, Any], ...] = ()
    actions: tuple[Action, ...] = ()


class _Out:
    """Collects what one turn says and does."""

    def __init__(self) -> None:
        self.replies: list[Reply] = []
        self.events: list[dict[str, Any]] = []
        self.actions: list[Action] = []

    def say(
        self, text: str, title: str = "", buttons: tuple[tuple[Button, ...], ...] = (), location: bool = False
    ) -> None:
        self.replies.append(Reply(text, title, buttons, location))

    def event(self, kind: str, **data: Any) -> None:
        self.events.append({"type": kind, **data})


MERGE_LIMIT = 3500  # characters: merged messages stay well under Telegram's 4,096


def _merge(replies: list[Reply]) -> list[Reply]:
    """Join a reply without choices to the next one: fewer messages, same words, same order.

    ("Reprenons : ..." after an answer, the welcome before the first question.) A reply with
    buttons or a location request ends a message; so does a title in the middle.
    """
    merged: list[Reply] = []
    for reply in replies:
        if merged:
            last = merged[-1]
            if (
                not last.buttons
                and not last.request_location
                and not reply.title
                and len(last.text) + len(reply.text) < MERGE_LIMIT
            ):
                merged[-1] = Reply(f"{last.text}\n\n{reply.text}", last.title, reply.buttons, reply.request_location)
                continue
        merged.append(reply)
    return merged


class Engine:
    """Pure dialogue logic over one knowledge snapshot and its indexes."""

    def __init__(
        self,
        knowledge: Knowledge,
        today: dt.date | None = None,
        *,
        retention_days: int = Config.retention_days,
        reminder_days: int = Config.reminder_days,
    ) -> None:
        self.knowledge = knowledge
        self.snapshot = knowledge.snapshot
        self._today = today
        self.retention_days = retention_days
        self.reminder_days = reminder_days
        self._buttons: dict[str, Callable[[Conversation, str, _Out], bool]] = {
            ButtonAction.SITUATION: self._b_situation,
            ButtonAction.OTHER_SITUATIONS: self._b_other,
            ButtonAction.NO_SITUATION: self._b_none,
            ButtonAction.NEED: self._b_need,
            ButtonAction.PLACE: self._b_place,
            ButtonAction.CHANGE: self._b_change,
            ButtonAction.QUESTION: self._b_question,
            ButtonAction.NOT_MINE: self._b_not_mine,
            ButtonAction.USEFUL: self._b_rating,
            ButtonAction.REMINDER: self._b_reminder,
            ButtonAction.BOOKING: self._b_booking,
            ButtonAction.DELETE: self._b_delete,
            ButtonAction.DETAIL: self._b_detail,
        }

    @classmethod
    def from_config(cls, knowledge: Knowledge, config: Config, today: dt.date | None = None) -> Engine:
        """The engine with the configuration's retention and reminder delays."""
        return cls(knowledge, today, retention_days=config.retention_days, reminder_days=config.reminder_days)

    @property
    def today(self) -> dt.date:
        return self._today or dt.date.today()

    # -- entry point --------------------------------------------------------------------------

    def handle(self, state: Conversation | None, user: UserInput) -> Turn:
        state = replace(state) if state is not None else Conversation()
        state.candidates = list(state.candidates)
        state.traits = list(state.traits)
        out = _Out()
        if user.kind == InputKind.COMMAND:
            self._command(state, user.text, out)
        elif user.kind == InputKind.BUTTON:
            self._button(state, user.text, out)
        elif user.kind == InputKind.LOCATION:
            self._location(state, user.lat, user.lon, out)
        else:
            self._text(state, user.text, out)
        state.rev += 1
        merged = _merge(out.replies)
        if user.kind != InputKind.COMMAND and state.step == Step.ANSWERED:
            # after an answer (follow-ups, questions); before it, asking the current question again is right
            merged = self._not_twice(state, merged)
        replies = tuple(self._stamp(reply, state.rev) for reply in merged)
        return Turn(state, replies, tuple(out.events), tuple(out.actions))

    @staticmethod
    def _not_twice(state: Conversation, replies: list[Reply]) -> list[Reply]:
        """The same replies as the turn before are not sent again: one line instead, same choices."""
        digest = hashlib.sha256("\n\n".join(r.plain() for r in replies).encode()).hexdigest()[:16]
        repeated = digest == state.last_reply and bool(replies)
        state.last_reply = digest
        if not repeated:
            return replies
        last = replies[-1]
        # the « utile ? » buttons go with the answer's question, which this one line does not ask again
        rows = tuple(row for row in last.buttons if not any(_is_rating(b) for b in row))
        return [Reply(SAID_ABOVE, buttons=rows, request_location=last.request_location)]

    @staticmethod
    def _stamp(reply: Reply, rev: int) -> Reply:
        """Prefix every button's data with the revision, so old buttons can be told apart."""
        if not reply.buttons:
            return reply
        rows = tuple(tuple(Button(b.label, stamp(b.data, rev)) for b in row) for row in reply.buttons)
        return replace(reply, buttons=rows)

    # -- commands -----------------------------------------------------------------------------

    def _command(self, state: Conversation, text: str, out: _Out) -> None:
        parts = text.split(maxsplit=1)
        name = parts[0][1:].split("@")[0].lower()
        args = parts[1].strip() if len(parts) > 1 else ""
        if name in ("start", "recommencer", "restart"):
            source = state.source
            if name == "start":
                source = re.sub(r"[^A-Za-z0-9_-]", "", args)[:64] or None
            fresh = Conversation(source=source, rev=state.rev)
            state.__dict__.update(fresh.__dict__)
            if name == "start":
                out.event(EventType.CONVERSATION_STARTED, source=source)
                out.say(self.snapshot.text("accueil"))
            else:
                out.event(EventType.CONVERSATION_RESTARTED, source=source)
                out.say("C'est reparti de zéro.")
            self._ask_next(state, out)
        elif name in ("aide", "help"):
            out.say(self.snapshot.text("aide"))
            self._resume(state, out)
        elif name == "confidentialite":
            out.say(self._privacy_text())
            self._resume(state, out)
        elif name == "supprimer":
            if state.step != Step.CONFIRM_DELETE:
                state.return_step = state.step
            state.step = Step.CONFIRM_DELETE
            out.say(
                "Voulez-vous vraiment supprimer tout ce que ce service garde sur vous "
                "(conversation en cours, statistiques anonymes liées, rappels) ? C'est définitif.",
                buttons=(
                    (
                        Button("Oui, tout supprimer", encode(ButtonAction.DELETE, "y")),
                        Button("Non, garder", encode(ButtonAction.DELETE, "n")),
                    ),
                ),
            )
        else:
            out.say("Je ne connais pas cette commande. " + self.snapshot.text("aide"))
            out.event(EventType.NOT_UNDERSTOOD, what="command")
            self._resume(state, out)

    def _privacy_text(self, days: int | None = None) -> str:
        return self.snapshot.text("confidentialite", jours=days if days is not None else self.retention_days)

    # -- buttons ------------------------------------------------------------------------------

    def _button(self, state: Conversation, data: str, out: _Out) -> None:
        button = decode(data)
        fresh = button is not None and button.rev == state.rev
        if button is not None and button.action in (ButtonAction.QUESTION, ButtonAction.NOT_MINE):
            fresh = True  # a question can be asked at any step
        if (
            button is not None
            and button.action in (ButtonAction.CHANGE, ButtonAction.DETAIL)
            and state.step == Step.ANSWERED
        ):
            # the answer's "change" and detail buttons stay usable after a rating or a question
            fresh = True
        handler = self._buttons.get(button.action) if button is not None and fresh else None
        if button is None or handler is None or not handler(state, button.arg, out):
            out.say("Ce bouton a expiré. Voici où nous en sommes.")
            out.event(EventType.STALE_BUTTON)
            self._resume(state, out, prefix=False)

    # Each button handler returns False when its argument does not fit the conversation.

    def _b_situation(self, state: Conversation, arg: str, out: _Out) -> bool:
        if arg in EMPLOYER_BUTTONS:
            self._set_traits(state, {Trait.AGENT_PUBLIC, arg}, replace_all=False)
        elif arg in self.snapshot.profiles:
            self._set_traits(state, {arg}, replace_all=True)
        else:
            return False
        out.event(EventType.SITUATION, profile=self._profile(state), how="bouton")
        self._ask_next(state, out)
        return True

    def _b_other(self, state: Conversation, _arg: str, out: _Out) -> bool:
        state.step = Step.SITUATION_OTHER
        self._ask_situation_other(out)
        return True

    def _b_none(self, state: Conversation, _arg: str, out: _Out) -> bool:
        state.step = Step.SITUATION
        self._general_answer(state, out)
        return True

    def _b_need(self, state: Conversation, arg: str, out: _Out) -> bool:
        if arg not in NEED_LABELS:
            return False
        state.need = arg
        out.event(EventType.NEED, need=arg, how="bouton")
        self._ask_next(state, out)
        return True

    def _b_place(self, state: Conversation, arg: str, out: _Out) -> bool:
        if _NUMBER.fullmatch(arg) and int(arg) < len(state.candidates):
            if self._choose_candidate(state, state.candidates[int(arg)], out):  # an outside place is answered there
                self._ask_next(state, out)
            return True
        if arg == "autre":
            state.candidates = []
            state.step = Step.PLACE
            self._ask_place(out)
            return True
        return False

    def _b_change(self, state: Conversation, arg: str, out: _Out) -> bool:
        self._change(state, arg, out)
        return True

    def _b_question(self, state: Conversation, arg: str, out: _Out) -> bool:
        if arg == dq.OTHER_ARG:
            out.event(EventType.QUESTION_OTHER)
            out.say(self.snapshot.text("question_pas_sure"))
            self._resume(state, out)
            return True
        if arg not in self.snapshot.questions:
            return False
        out.event(EventType.QUESTION, id=arg, how="bouton")
        situated = _situated(state) and dq.answered_by_situation(self.snapshot, (arg,))
        out.say(dq.answer_text(self.snapshot, arg, situated))
        self._go_on(state, situated and state.step == Step.ANSWERED, out)
        return True

    def _b_not_mine(self, _state: Conversation, arg: str, out: _Out) -> bool:
        out.event(EventType.QUESTION_NOT_MINE)
        self._say_all(out, [dq.not_mine(self.snapshot, arg)])
        return True

    def _b_rating(self, state: Conversation, arg: str, out: _Out) -> bool:
        if arg not in ("y", "n") or not state.answered:
            return False
        state.rated = True
        state.awaiting_feedback = arg == "n"
        out.event(EventType.SATISFACTION, value="yes" if arg == "y" else "no")
        text = (
            "Merci pour votre réponse."
            if arg == "y"
            else "Merci. Dites-moi ce qui manque : je ferai de mon mieux, et mon-cep.org reste disponible."
        )
        out.say(
            text
            + f" Voulez-vous que je vous le rappelle dans {self.reminder_days} jours, pour penser à prendre rendez-vous ?",
            buttons=(
                (
                    Button(f"Oui, dans {self.reminder_days} jours", encode(ButtonAction.REMINDER, "y")),
                    Button("Non merci", encode(ButtonAction.REMINDER, "n")),
                ),
            ),
        )
        return True

    def _b_reminder(self, state: Conversation, arg: str, out: _Out) -> bool:
        if arg not in ("y", "n") or not state.answered:
            return False
        if arg == "y":
            out.actions.append(Action.SCHEDULE_REMINDER)
            out.event(EventType.REMINDER_ASKED, days=self.reminder_days)
            out.say(
                f"C'est noté : je vous écrirai dans {self.reminder_days} jours. Vous pouvez l'annuler avec /supprimer."
            )
        else:
            out.say("Entendu. Bonne suite dans votre projet !")
        return True

    def _b_booking(self, _state: Conversation, arg: str, out: _Out) -> bool:
        value = {"y": "booked", "w": "not_yet", "x": "no_longer_needed"}.get(arg)
        if value is None:
            return False
        out.event(EventType.BOOKING, value=value)
        out.say(
            {
                "booked": "Bravo, et bon rendez-vous ! Pensez à préparer vos questions.",
                "not_yet": "Pas de souci. Les coordonnées restent ci-dessus, et mon-cep.org est toujours disponible.",
                "no_longer_needed": "Entendu, merci de m'avoir répondu.",
            }[value]
        )
        return True

    def _b_delete(self, state: Conversation, arg: str, out: _Out) -> bool:
        if arg not in ("y", "n") or state.step != Step.CONFIRM_DELETE:
            return False
        if arg == "y":
            out.actions.append(Action.DELETE_USER)
            fresh = Conversation(rev=state.rev)
            state.__dict__.update(fresh.__dict__)
            out.say(
                "C'est fait : tout ce que ce service gardait sur vous a été supprimé. Écrivez /start pour recommencer."
            )
        else:
            state.step = state.return_step or Step.START
            state.return_step = None
            out.say("Rien n'a été supprimé.")
            self._resume(state, out)
        return True

    def _b_detail(self, state: Conversation, arg: str, out: _Out) -> bool:
        if state.step != Step.ANSWERED or arg not in {d.value for d in Detail}:
            return False
        self.detail(state, Detail(arg), out)
        return True

    def _change(self, state: Conversation, what: str, out: _Out) -> None:
        state.answered = False
        state.rated = False
        if what == "place":
            self._clear_place(state)
            state.step = Step.PLACE
            self._ask_place(out)
        elif what == "sit":
            state.traits = []
            state.step = Step.SITUATION
            self._ask_situation(out)
        elif what == "need":
            state.need = None
            state.step = Step.NEED
            self._ask_need(out)
        else:
            self._resume(state, out, prefix=False)

    # -- location -----------------------------------------------------------------------------

    def _location(self, state: Conversation, lat: float, lon: float, out: _Out) -> None:
        result = self.knowledge.places.locate(lat, lon)
        self._apply_place(state, result, out)
        if result.outside:
            return
        self._ask_next(state, out)

    # -- free text ----------------------------------------------------------------------------

    def _text(self, state: Conversation, text: str, out: _Out) -> None:
        text = text[:4096]
        if self._text_at_step(state, text, out):
            return
        u = understand(text, self.knowledge)
        if u.off_topic is not None:
            # a work question outside the CEP: say where to ask, take nothing from it; the CEP questions it
            # is near, when it names a training or an adviser too, offered below
            out.event(EventType.OFF_TOPIC, topic=u.off_topic.id)
            out.say(u.off_topic.reply)
            if u.suggestions:
                self._say_all(out, [dq.choices(self.snapshot, u.suggestions, dq.IF_CEP)])
            self._resume(state, out)
            return
        folded = fold(text)
        if self._converse(state, u, folded, out):
            return
        changed = self._take_readings(state, u, folded, out)
        if changed is None:
            return
        if u.questions:
            self._answer_questions(state, u, changed, out)
            return
        door = False  # the person's door, given next, answers what was asked
        if u.suggestions:
            door = _situated(state) and dq.answered_by_situation(self.snapshot, u.suggestions)
            if door:
                # "Je suis salariée en CDI à Nantes, comment je prends rendez-vous ?": whichever of them was
                # asked (where to go, which operator, who has the right), the door given next answers it
                out.event(EventType.QUESTION_UNSURE, id=u.suggestions[0], choices=0)
                out.say(self.snapshot.text(dq.BY_SITUATION))
                self._add_row(out, dq.not_mine_row(self.snapshot, u, u.suggestions))
            else:
                # not sure: the likeliest questions as choices, even beside a place or a situation
                out.event(EventType.QUESTION_UNSURE, id=u.suggestions[0], choices=len(u.suggestions))
                asked = u.question is not None and u.question.asked
                self._say_all(out, [dq.choices(self.snapshot, u.suggestions, dq.CHOOSE if asked else dq.SUGGESTED)])
        if changed or (door and state.step == Step.ANSWERED):
            self._ask_next(state, out)
        elif u.suggestions:
            self._resume(state, out)
        else:
            self._not_understood(state, out)

    def _text_at_step(self, state: Conversation, text: str, out: _Out) -> bool:
        """Text that answers the pending step (a candidate's name, « oui » to /supprimer); True when handled."""
        if state.step == Step.AMBIGUOUS and self._pick_candidate(state, text, out):
            self._ask_next(state, out)
            return True
        if state.step == Step.CONFIRM_DELETE:
            talk = small_talk_kind(self.snapshot.guides, fold(text))
            if talk in ("oui", "non"):  # « oui » typed after /supprimer answers its question
                self._b_delete(state, "y" if talk == "oui" else "n", out)
                return True
            state.step = state.return_step or Step.START
            state.return_step = None
        return False

    def _take_readings(self, state: Conversation, u: Understanding, folded: str, out: _Out) -> bool | None:
        """Take the place, situation and need read in the text: whether any changed, or None when a place
        outside the regions was answered (nothing more to say)."""
        correction = bool(_CORRECTION.search(folded))
        changed = False
        if u.place.found:
            outside_now = self._apply_place(state, u.place, out)
            changed = True
            if outside_now:
                self._take_situation(state, u, correction, out)
                return None
        asks = u.question is not None and u.question.confident
        if self._take_situation(state, u, correction, out, from_question=asks):
            changed = True
        if u.situation.need:
            if state.need != u.situation.need:
                out.event(EventType.NEED, need=u.situation.need, how="texte")
            state.need = u.situation.need
            changed = True
        return changed

    def _answer_questions(self, state: Conversation, u: Understanding, changed: bool, out: _Out) -> None:
        for qid in u.questions:
            out.event(EventType.QUESTION, id=qid, how="texte")
        situated = _situated(state)
        self._say_all(out, dq.answers(self.snapshot, u, situated))
        door = situated and any(dq.answered_by_situation(self.snapshot, (q,)) for q in u.questions)
        self._go_on(state, changed or door, out)
        self._add_row(out, dq.not_mine_row(self.snapshot, u))

    def _go_on(self, state: Conversation, door: bool, out: _Out) -> None:
        """After answers: on to the next step (the person's door, given again when it was given already,
        where ``door``: what was told or asked leads there), else back to the step in hand."""
        if door:
            self._ask_next(state, out)
        else:
            self._resume(state, out)

    def _not_understood(self, state: Conversation, out: _Out) -> None:
        out.event(EventType.NOT_UNDERSTOOD, step=state.step)
        if state.help_shown:
            out.say(self.snapshot.text("non_compris_court"))
        else:
            state.help_shown = True
            out.say(self.snapshot.text("non_compris") + "\n\n" + self.snapshot.text("aide"))
        self._resume(state, out)

    # -- small talk, feedback, follow-ups (knowledge/conversation.yaml) -------------------------

    def _converse(self, state: Conversation, u: Understanding, folded: str, out: _Out) -> bool:
        """Feedback after 👎, small talk, a question about the answer just given; True when handled."""
        guides = self.snapshot.guides
        situated = bool(u.place.found or u.situation.traits or u.situation.need)
        if state.awaiting_feedback:
            state.awaiting_feedback = False
            if not situated:
                self._feedback(state, folded, out)
                return True
        talk = small_talk_kind(guides, folded)
        if talk is not None and not situated and not u.questions:
            self._small_talk(state, talk, out)
            return True
        kind = follow_up_kind(guides, folded) if state.step == Step.ANSWERED and not situated else None
        if kind is None:
            return False
        employer = self._recommendation(state).network in PUBLIC_EMPLOYER_DOORS  # their own terms: the guide says them
        if u.questions and (
            (kind in QUESTION_FIRST and not employer)
            or (kind == "reserver" and not set(u.questions) <= BOOKING_QUESTIONS)
        ):
            # "combien de temps dure un rendez-vous ?", "c'est payant ?": the sourced answer of questions.yaml
            return False
        self._follow_up(state, kind, out)
        return True

    def _small_talk(self, state: Conversation, kind: str, out: _Out) -> None:
        talk = self.snapshot.guides.small_talk[kind]
        out.event(EventType.SMALL_TALK, what=kind)
        if kind == "au_revoir" or (kind in ("merci", "abandon") and state.step == Step.ANSWERED):
            out.say(talk.reply)
            return
        if state.step == Step.ANSWERED:
            rec = self._recommendation(state)
            out.say(
                talk.reply + " " + ANSWERED_PROMPT,
                buttons=(*self._detail_buttons(state, rec), *self._change_buttons(state)),
            )
            return
        out.say(talk.reply)
        self._resume(state, out, prefix=False)

    def _follow_up(self, state: Conversation, kind: str, out: _Out) -> None:
        """A question about the answer just given, answered for its door and place."""
        rec = self._recommendation(state)
        out.event(EventType.FOLLOW_UP, what=kind, door=rec.network)
        place = self._place(state)
        network = rec.network or REGIONAL
        if kind == "reserver":
            self.detail(state, Detail.BOOK, out)
            return
        if kind == "preparer":
            self.detail(state, Detail.PREPARE, out)
            return
        out.say(follow_up_text(self.snapshot, rec, network, kind, place), buttons=self._detail_buttons(state, rec))

    def _feedback(self, state: Conversation, folded: str, out: _Out) -> None:
        """The message after 👎: thanked, counted (and kept anonymously when configured), then what may help."""
        out.event(EventType.FEEDBACK)
        thanks = "Merci, c'est noté : votre remarque sert à améliorer ce service."
        kind = follow_up_kind(self.snapshot.guides, folded) if state.step == Step.ANSWERED else None
        if kind is not None:
            out.say(thanks)
            self._follow_up(state, kind, out)
            return
        rec = self._recommendation(state)
        out.say(
            thanks + "\n\n" + what_may_help(self.snapshot, rec, self._place(state)),
            buttons=self._detail_buttons(state, rec),
        )

    @staticmethod
    def _add_row(out: _Out, row: tuple[dq.ButtonSpec, ...]) -> None:
        """A row of buttons under the turn's last message (after what it already offers)."""
        if row and out.replies:
            last = out.replies[-1]
            out.replies[-1] = replace(last, buttons=(*last.buttons, tuple(Button(label, data) for label, data in row)))

    @staticmethod
    def _say_all(out: _Out, specs: list[dq.ReplySpec]) -> None:
        for text, rows in specs:
            out.say(text, buttons=tuple(tuple(Button(label, data) for label, data in row) for row in rows))

    def _take_situation(
        self, state: Conversation, u: Any, correction: bool, out: _Out, *, from_question: bool = False
    ) -> bool:
        traits = set(u.situation.traits)
        denied = set(u.situation.denied)
        if from_question and state.traits and not correction:
            # "mon employeur sera-t-il au courant ?" asks about a case; it does not restate
            # the person's situation, which stays as it was
            return False
        if not traits and not denied:
            return False
        before = set(state.traits)
        current = before - denied
        if traits & STATUS_TRAITS:
            # a new status replaces the old one ("je me suis trompé, je suis indépendant")
            current -= STATUS_TRAITS
            if correction:
                current -= QUALIFIER_TRAITS - traits
        current |= traits
        self._set_traits(state, current, replace_all=True)
        if set(state.traits) != before:
            out.event(EventType.SITUATION, profile=self._profile(state), how="texte")
            return True
        return bool(traits)

    def _set_traits(self, state: Conversation, traits: set[str], *, replace_all: bool) -> None:
        merged = set(traits) if replace_all else set(state.traits) | traits
        state.traits = sorted(merged)
        if state.answered:
            state.rated = False

    def _profile(self, state: Conversation) -> str | None:
        rule = pick_rule(state.traits, self.snapshot)
        return rule.profile if rule else None

    # -- place --------------------------------------------------------------------------------

    def _clear_place(self, state: Conversation) -> None:
        state.region = state.departement = state.commune = state.place_label = state.postal_code = None
        state.candidates = []

    def _set_place_dict(self, state: Conversation, data: dict[str, Any]) -> None:
        self._clear_place(state)
        state.region = data.get("region")
        state.departement = data.get("departement")
        state.commune = data.get("commune")
        state.place_label = data.get("label")
        state.postal_code = data.get("postal_code")

    @staticmethod
    def _ref_dict(ref: PlaceRef) -> dict[str, Any]:
        return {
            "region": ref.region,
            "departement": ref.departement,
            "commune": ref.commune,
            "label": ref.label or ref.name,
            "postal_code": ref.postal_code,
        }

    def _apply_place(self, state: Conversation, result: PlaceResult, out: _Out) -> bool:
        """Store what the finder found; return True when the place is outside the regions."""
        if result.place is not None and result.place.kind == PlaceKind.OUTSIDE:
            out.event(EventType.PLACE, how=result.how, region=None, outside=True)
            out.say(outside_answer(self.snapshot, result.place.name), location=True)
            self._clear_place(state)
            state.step = Step.PLACE
            return True
        if result.place is not None and not result.confirm:
            self._set_place_dict(state, self._ref_dict(result.place))
            out.event(EventType.PLACE, how=result.how, region=state.region)
            return False
        candidates = place_prompt.candidate_dicts(result, self._ref_dict)
        if candidates:  # a choice, or one reading to confirm (bot.dialogue.place_prompt)
            self._clear_place(state)
            state.candidates = candidates
            out.event(EventType.PLACE_AMBIGUOUS, how=result.how, count=len(candidates))
        return False

    def _choose_candidate(self, state: Conversation, cand: dict[str, Any], out: _Out) -> bool:
        """Take one of the offered places; False when it is outside the regions (answered here)."""
        if cand.get("outside"):
            out.event(EventType.PLACE, how="bouton", region=None, outside=True)
            out.say(outside_answer(self.snapshot, str(cand["outside"])), location=True)
            self._clear_place(state)
            state.step = Step.PLACE
            return False
        self._set_place_dict(state, cand)
        out.event(EventType.PLACE, how="bouton", region=state.region)
        return True

    def _pick_candidate(self, state: Conversation, text: str, out: _Out) -> bool:
        yes = place_prompt.answer_to_confirm(state.candidates, text)
        if yes is not None:
            if yes:
                self._choose_candidate(state, state.candidates[0], out)
            else:
                self._clear_place(state)
                state.step = Step.PLACE
            return True
        folded = fold(text)
        numbered = folded.isdigit() and 1 <= int(folded) <= len(state.candidates) and len(state.candidates) < 10
        # "2" after a list of numbered choices (terminal), unless it names a département
        if numbered and not any(c.get("departement") == folded for c in state.candidates):
            self._set_place_dict(state, state.candidates[int(folded) - 1])
            out.event(EventType.PLACE, how="bouton", region=state.region)
            return True
        for cand in state.candidates:
            label = fold(cand["label"])
            region = self.snapshot.regions.get(cand["region"] or "")
            dep = cand.get("departement") or ""
            hints = {label, dep.lower(), fold(region.name) if region else ""}
            if (
                folded in hints
                or (region and fold(region.name) in folded)
                or (dep and re.search(rf"\b{re.escape(dep.lower())}\b", folded))
            ):
                self._set_place_dict(state, cand)
                out.event(EventType.PLACE, how="bouton", region=state.region)
                return True
        return False

    def _candidates_share_contact(self, state: Conversation) -> bool:
        market = self.snapshot.market_on(self.today)
        if market is None or not state.candidates:
            return False
        found = [market.lot_for(c["region"]) for c in state.candidates]
        lots = {lot.id if lot is not None else None for lot in found}
        if len(lots) != 1 or None in lots:
            return False
        lot = market.lot_for(state.candidates[0]["region"])
        contacts = {lot.contacts.get(c["region"]) for c in state.candidates} if lot else {None}
        return len(contacts) == 1

    # -- asking -------------------------------------------------------------------------------

    def _recommendation(self, state: Conversation) -> Recommendation:
        return route(state.traits, state.region, self.today, self.snapshot)

    def _ask_next(self, state: Conversation, out: _Out) -> None:
        """Ask for the first missing slot, or give the answer when nothing is missing."""
        rec = self._recommendation(state)
        needs_place = rec.rule is None or rec.needs_regional
        if state.candidates and needs_place:
            if (
                self._candidates_share_contact(state)
                and place_prompt.prompt_of(state.candidates) != place_prompt.CONFIRM
            ):
                # every candidate falls in the same lot with the same contacts: no need to ask
                first = state.candidates[0]
                labels = " ou ".join(dict.fromkeys(c["label"] for c in state.candidates))
                self._set_place_dict(state, {**first, "label": labels})
                out.say(f"{labels} : ces lieux relèvent du même lot, avec les mêmes contacts.")
                rec = self._recommendation(state)
            else:
                state.step = Step.AMBIGUOUS
                self._ask_ambiguous(state, out)
                return
        if needs_place and not state.has_place:
            state.step = Step.PLACE
            self._ask_place(out)
            return
        if rec.rule is None:
            state.step = Step.SITUATION
            self._ask_situation(out, state=state)
            return
        if rec.network == "operateur_regional" and state.need is None:
            state.step = Step.NEED
            self._ask_need(out)
            return
        self._answer(state, rec, out)

    def _resume(self, state: Conversation, out: _Out, *, prefix: bool = True) -> None:
        """Ask again the current step's question (after a digression)."""
        lead = self.snapshot.text("reprenons") + " " if prefix else ""
        step = state.step
        if step in (Step.START, Step.PLACE):
            self._ask_place(out, lead)
        elif step == Step.AMBIGUOUS and state.candidates:
            self._ask_ambiguous(state, out, lead)
        elif step == Step.SITUATION:
            self._ask_situation(out, lead, state=state)
        elif step == Step.SITUATION_OTHER:
            self._ask_situation_other(out, lead)
        elif step == Step.NEED:
            self._ask_need(out, lead)
        elif step == Step.CONFIRM_DELETE:
            out.say(
                "Voulez-vous vraiment tout supprimer ?",
                buttons=(
                    (
                        Button("Oui, tout supprimer", encode(ButtonAction.DELETE, "y")),
                        Button("Non, garder", encode(ButtonAction.DELETE, "n")),
                    ),
                ),
            )
        elif step == Step.ANSWERED:
            out.say(
                (lead or "") + ANSWERED_PROMPT,
                buttons=(*self._detail_buttons(state, self._recommendation(state)), *self._change_buttons(state)),
            )
        else:
            self._ask_place(out, lead)

    def _ask_place(self, out: _Out, lead: str = "") -> None:
        out.say(lead + self.snapshot.text("question_lieu"), location=True)

    def _ask_ambiguous(self, state: Conversation, out: _Out, lead: str = "") -> None:
        asked = place_prompt.question(state.candidates)
        if asked is not None:
            text, button_rows = asked
            out.say(
                lead + text,
                buttons=tuple(
                    tuple(Button(label, encode(ButtonAction.PLACE, arg)) for label, arg in row) for row in button_rows
                ),
            )
            return
        name = state.candidates[0]["label"].split(" (")[0]
        rows = tuple(
            (Button(c["label"][:60], encode(ButtonAction.PLACE, str(i))),) for i, c in enumerate(state.candidates[:8])
        )
        rows += ((Button("Un autre lieu", encode(ButtonAction.PLACE, "autre")),),)
        out.say(lead + self.snapshot.text("question_ambigu", lieu=name), buttons=rows)

    def _ask_situation(self, out: _Out, lead: str = "", *, state: Conversation | None = None) -> None:
        if state is not None and set(state.traits) & NOT_WORKING_TRAITS:
            # a student or a retiree: the CEP is theirs when they work or look for work
            rows = (
                (Button("J'ai un emploi", encode(ButtonAction.SITUATION, Trait.SALARIE)),),
                (Button("Je cherche un emploi", encode(ButtonAction.SITUATION, Trait.DEMANDEUR_EMPLOI)),),
                (Button("Ni l'un ni l'autre", encode(ButtonAction.NO_SITUATION)),),
            )
            out.say(lead + self.snapshot.text("question_emploi"), buttons=rows)
            return
        profiles = self.snapshot.profiles
        choices: tuple[tuple[Button, ...], ...] = tuple(
            (Button(profiles[p].button, encode(ButtonAction.SITUATION, p)),) for p in SITUATION_BUTTONS if p in profiles
        )
        choices += ((Button("Une autre situation", encode(ButtonAction.OTHER_SITUATIONS)),),)
        out.say(lead + self.snapshot.text("question_situation"), buttons=choices)

    def _ask_situation_other(self, out: _Out, lead: str = "") -> None:
        profiles = self.snapshot.profiles
        rows = tuple(
            (Button(profiles[p].button, encode(ButtonAction.SITUATION, p)),) for p in OTHER_BUTTONS if p in profiles
        )
        rows += ((Button("Aucune de ces situations", encode(ButtonAction.NO_SITUATION)),),)
        out.say(
            lead + "Laquelle de ces situations vous correspond ? Vous pouvez aussi la décrire en quelques mots.",
            buttons=rows,
        )

    def _ask_need(self, out: _Out, lead: str = "") -> None:
        rows = tuple((Button(label, encode(ButtonAction.NEED, need)),) for need, label in NEED_LABELS.items())
        out.say(lead + self.snapshot.text("question_besoin"), buttons=rows)

    def _change_buttons(self, state: Conversation | None = None) -> tuple[tuple[Button, ...], ...]:
        """Buttons on the final answer; the need only matters for the regional operator."""
        rows: tuple[tuple[Button, ...], ...] = (
            (
                Button("Changer de lieu", encode(ButtonAction.CHANGE, "place")),
                Button("Changer de situation", encode(ButtonAction.CHANGE, "sit")),
            ),
        )
        if state is None or self._recommendation(state).network == "operateur_regional":
            rows += ((Button("Changer de besoin", encode(ButtonAction.CHANGE, "need")),),)
        return rows

    # -- answers ------------------------------------------------------------------------------

    def _place(self, state: Conversation) -> Place:
        commune = self.knowledge.places.communes_by_insee.get(state.commune) if state.commune else None
        lat, lon = (commune.lat, commune.lon) if commune is not None else (None, None)
        return Place(state.place_label, state.departement, state.commune, lat, lon)

    def _answer(self, state: Conversation, rec: Recommendation, out: _Out) -> None:
        state.step = Step.ANSWERED
        state.answered = True
        place = self._place(state)
        title, body = short_answer(self.snapshot, rec, state.need, place)
        out.event(
            EventType.ANSWER,
            door=rec.network,
            profile=rec.profile,
            market=rec.market.id if rec.market else None,
            lot=rec.lot.id if rec.lot and rec.needs_regional else None,
            region=state.region,
        )
        buttons = (*self._detail_buttons(state, rec), *self._change_buttons(state))
        digest = hashlib.sha256(f"{title}\n{body}".encode()).hexdigest()[:16]
        door_key = f"{rec.network}|{','.join(sorted(state.traits))}|{state.need}"
        same_door = state.last_door == door_key and state.last_answer is not None
        previous = state.last_answer
        state.last_answer, state.last_door = digest, door_key
        if same_door and previous == digest:
            # nothing changed: one line, not the same answer again
            out.say(
                f"Ma réponse ne change pas : {self.snapshot.networks[rec.network or REGIONAL].name}, voir ci-dessus.",
                buttons=buttons,
            )
            return
        if same_door:
            # the same door, a new place: only what changed (the contact for this place)
            name = self.snapshot.networks[rec.network or REGIONAL].name
            lines = door_contact_lines(self.snapshot, rec, rec.network or REGIONAL, place)
            out.say(
                "\n".join([f"C'est toujours la même porte : {name}. Les coordonnées pour ce lieu :", *lines]),
                buttons=buttons,
            )
            return
        if not state.rated:
            # one message: the answer, then the satisfaction question with its two buttons
            body += "\n\nCette réponse vous a-t-elle été utile ?"
            buttons = (
                (
                    Button("👍 Oui, utile", encode(ButtonAction.USEFUL, "y")),
                    Button("👎 Non", encode(ButtonAction.USEFUL, "n")),
                ),
                *buttons,
            )
        out.say(body, title=title, buttons=buttons)

    def _detail_buttons(
        self, state: Conversation, rec: Recommendation, shown: Detail | None = None
    ) -> tuple[tuple[Button, ...], ...]:
        """« Comment réserver », « Que préparer », « Autres possibilités », « Questions fréquentes »."""
        details = [d for d in Detail if d is not shown and not (d is Detail.OTHERS and not rec.alternatives)]
        if (
            rec.network in EMPLOYER_DOORS
            and Trait.AGENT_PUBLIC in state.traits
            and not set(state.traits) & set(EMPLOYER_BUTTONS)
        ):
            # a public agent who did not say for whom: the employer's kind gives the right door
            rows = tuple(
                (Button(label, encode(ButtonAction.SITUATION, kind)),) for kind, label in EMPLOYER_BUTTONS.items()
            )
        else:
            rows = ()
        buttons = [Button(DETAIL_LABELS[d], encode(ButtonAction.DETAIL, d.value)) for d in details]
        return (*rows, *(tuple(buttons[i : i + 2]) for i in range(0, len(buttons), 2)))

    def detail(self, state: Conversation, what: Detail, out: _Out) -> None:
        """One detail of the answer, with the other details as buttons."""
        rec = self._recommendation(state)
        network = rec.network or REGIONAL
        place = self._place(state)
        buttons = self._detail_buttons(state, rec, shown=what)
        out.event(EventType.DETAIL, what=what.name.lower(), door=rec.network)
        if what is Detail.BOOK:
            out.say(booking_text(self.snapshot, rec, state.need), buttons=buttons)
        elif what is Detail.PREPARE:
            out.say(prepare_text(self.snapshot, network, state.traits, state.need), buttons=buttons)
        elif what is Detail.OTHERS:
            out.say(alternatives_text(self.snapshot, rec, place), buttons=buttons)
        else:
            guide = self.snapshot.guides.doors.get(network)
            ids = guide.questions[:FAQ_BUTTONS] if guide is not None else ()
            rows = tuple(
                (Button(self.snapshot.questions[q].phrasings[0][:60], encode(ButtonAction.QUESTION, q)),) for q in ids
            )
            out.say("Questions fréquentes : choisissez, ou écrivez votre question.", buttons=rows + buttons)

    def _general_answer(self, state: Conversation, out: _Out) -> None:
        """For a situation outside every rule: what the CEP is and the national entry point."""
        out.event(EventType.ANSWER, door=None, profile=None, market=None, lot=None, region=state.region)
        if set(state.traits) & NOT_WORKING_TRAITS and "etudiant_retraite" in self.snapshot.questions:
            # a student or a retiree without a job: the sourced eligibility answer, never a loop
            young = (
                " De 16 à 25 ans, la mission locale peut aussi vous recevoir." if Trait.JEUNE in state.traits else ""
            )
            out.say(
                question_answer(self.snapshot, "etudiant_retraite")
                + young
                + "\n\nSi vous reprenez ou cherchez un emploi, dites-le-moi : je vous indiquerai la porte.\n\n"
                + self.snapshot.text("national"),
                buttons=((Button("Choisir ma situation", encode(ButtonAction.CHANGE, "sit")),),),
            )
            return
        out.say(
            "Le CEP est ouvert à toute personne qui travaille ou cherche un emploi. "
            "Selon votre situation, la porte d'entrée change : décrivez-la en quelques mots "
            "(par exemple « salariée en CDD » ou « auto-entrepreneur »), ou passez par le point "
            "d'entrée national.\n\n" + self.snapshot.text("national"),
            buttons=((Button("Choisir ma situation", encode(ButtonAction.CHANGE, "sit")),),),
        )


def _is_rating(button: Button) -> bool:
    """A « utile ? » button (its data is not stamped with the revision yet)."""
    return button.data.split(SEPARATOR, 1)[0] == ButtonAction.USEFUL


def _situated(state: Conversation) -> bool:
    """Whether the conversation knows the person's place (or places to choose from) or situation, told in this
    message or before."""
    return state.has_place or bool(state.candidates) or bool(state.traits)
