"""Questions in the dialogue: answers, choices when unsure, « Ce n'était pas ma question », other topics.

Transport-free, like the engine: functions from an understanding to reply specifications (text and
button rows). Rasa's two-stage fallback is the model: below the confidence threshold the two or
three likeliest questions are offered as buttons with « Autre chose »; after an answer, one button
offers the runners-up. A message that asks several questions gets each answer (up to three).
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from typing import TYPE_CHECKING

from bot.dialogue.buttons import ButtonAction, encode
from bot.dialogue.render import question_answer

if TYPE_CHECKING:
    from bot.kb.model import Snapshot
    from bot.nlu.understand import Understanding

__all__ = [
    "NOT_MINE",
    "OTHER",
    "ButtonSpec",
    "ReplySpec",
    "answer_text",
    "answered_by_situation",
    "answers",
    "choices",
    "from_positions",
    "not_mine",
    "not_mine_row",
    "positions",
]

OTHER_ARG = "autre"  # the QUESTION button « Autre chose »
TITLE_CHARS = 48  # a question's label on a button
# the texts of knowledge/textes.yaml these replies use (staff reword them there)
NOT_MINE = "bouton_pas_ma_question"
OTHER = "bouton_autre_chose"
CHOOSE = "questions_choix"
SUGGESTED = "questions_suggerees"  # the lead when the message asked nothing outright
IF_CEP = "questions_si_cep"  # the lead under « je ne peux pas répondre à cela » when a CEP question may be meant
BY_SITUATION = "questions_selon_situation"  # a question the person's situation answers, asked beside it
RUNNERS_UP = "questions_proches"
REPHRASE = "questions_reformuler"
ORDER_MARK_BYTES = 2  # the mark of the question list a button's positions index (4 hex digits)
SEPARATOR = "."

ButtonSpec = tuple[str, str]  # label, data (bot.dialogue.buttons.encode)
ReplySpec = tuple[str, tuple[tuple[ButtonSpec, ...], ...]]  # text, rows of buttons


def positions(snapshot: Snapshot, ids: Sequence[str]) -> str:
    """Question ids as their positions in the knowledge, after a short mark of the list they index
    ("9f3a.3.17.22"): short enough for a button."""
    order = list(snapshot.questions)
    return SEPARATOR.join([_order_mark(order), *(str(order.index(q)) for q in ids if q in snapshot.questions)])


def from_positions(snapshot: Snapshot, arg: str) -> list[str]:
    """The ids :func:`positions` wrote; none when the questions were reordered, added or removed since
    (staff edited questions.yaml while the button waited): a position then names another question."""
    order = list(snapshot.questions)
    mark, _, rest = arg.partition(SEPARATOR)
    if mark != _order_mark(order):
        return []
    return [order[int(p)] for p in rest.split(SEPARATOR) if p.isdigit() and int(p) < len(order)]


def _order_mark(order: list[str]) -> str:
    return hashlib.blake2s("\n".join(order).encode("utf-8"), digest_size=ORDER_MARK_BYTES).hexdigest()


def title(snapshot: Snapshot, question_id: str) -> str:
    """A question as a button says it: its first phrasing, short."""
    phrasing = snapshot.questions[question_id].phrasings[0]
    if len(phrasing) > TITLE_CHARS:
        # cut between words, never inside one (« … heures de trava »)
        phrasing = phrasing[: TITLE_CHARS - 1].rsplit(" ", 1)[0].rstrip(" ,;:") + "…"
    return f"« {phrasing} »"


def choices(snapshot: Snapshot, ids: Sequence[str], lead: str = CHOOSE) -> ReplySpec:
    """The questions ``ids`` as buttons, one a row, then « Autre chose »; ``lead`` names the text above."""
    rows = tuple(((title(snapshot, q), encode(ButtonAction.QUESTION, q)),) for q in ids if q in snapshot.questions)
    return snapshot.text(lead), (*rows, ((snapshot.text(OTHER), encode(ButtonAction.QUESTION, OTHER_ARG)),))


def answers(snapshot: Snapshot, u: Understanding, situated: bool = False) -> list[ReplySpec]:
    """One reply per question answered, in the order asked.

    ``situated``: the conversation knows the place or the situation. A question whose answer depends on it
    (``selon_situation``: who has the right, where to go) is then answered by the door the dialogue gives
    next: its general answer, which asks for the place and the situation just told, becomes its
    ``reponse_situee`` (or, without one, one short lead of textes.yaml).
    """
    out: list[ReplySpec] = []
    led = False  # two such questions ("qui y a droit ? à qui m'adresser ?") get one lead: the door answers both
    for q in u.questions:
        lead = situated and answered_by_situation(snapshot, (q,))
        if not (lead and led):
            out.append((answer_text(snapshot, q, lead), ()))
        led = led or lead
    return out


def answer_text(snapshot: Snapshot, question_id: str, situated: bool) -> str:
    """A question's answer; ``situated`` (a question the person's situation answers, and the conversation knows
    it): its ``reponse_situee``, or the short lead of textes.yaml."""
    if situated:
        return question_answer(snapshot, question_id, situated=True) or snapshot.text(BY_SITUATION)
    return question_answer(snapshot, question_id)


def answered_by_situation(snapshot: Snapshot, ids: Sequence[str]) -> bool:
    """Whether every question of ``ids`` is answered by the person's situation (``selon_situation``)."""
    return bool(ids) and all(q in snapshot.questions and snapshot.questions[q].by_situation for q in ids)


def not_mine_row(snapshot: Snapshot, u: Understanding, offered: Sequence[str] = ()) -> tuple[ButtonSpec, ...]:
    """« Ce n'était pas ma question », offering the runners-up (or ``offered``, the questions a short lead
    answered for the situation); empty when there are none."""
    runners = offered or u.runners_up
    if not (runners and (u.questions or offered)):
        return ()
    return ((snapshot.text(NOT_MINE), encode(ButtonAction.NOT_MINE, positions(snapshot, runners))),)


def not_mine(snapshot: Snapshot, arg: str) -> ReplySpec:
    """The runners-up offered after « Ce n'était pas ma question »."""
    ids = from_positions(snapshot, arg)
    return choices(snapshot, ids, RUNNERS_UP) if ids else (snapshot.text(REPHRASE), ())
