"""Issue 10 in the dialogue: confirming an unsure place, choosing between two places, ask --json.

Engine tests (pure: ``Engine.handle`` needs no event loop) and the ``cep-bot ask`` JSON contract.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from bot.ask import analyse
from bot.dialogue.engine import Button, Conversation, Engine, Turn, UserInput

TODAY = dt.date(2026, 3, 2)


@pytest.fixture(scope="module")
def engine(knowledge: Any) -> Engine:
    return Engine(knowledge, today=TODAY)


def buttons(turn: Turn) -> list[Button]:
    return [b for reply in turn.replies for row in reply.buttons for b in row]


def press(engine: Engine, state: Conversation, turn: Turn, label: str) -> Turn:
    button = next(b for b in buttons(turn) if b.label == label)
    return engine.handle(state, UserInput("button", button.data))


def text_of(turn: Turn) -> str:
    return "\n".join(r.text for r in turn.replies)


def test_an_unsure_place_is_confirmed_with_buttons_before_any_answer(engine: Engine) -> None:
    turn = engine.handle(None, UserInput.from_text("je vis à Brive"))
    assert "Vous parlez de Brive-la-Gaillarde (19) ?" in text_of(turn)
    assert [b.label for b in buttons(turn)] == ["Oui", "Non, un autre lieu"]
    assert turn.state.region is None  # nothing is used before the person says yes
    yes = press(engine, turn.state, turn, "Oui")
    assert yes.state.region == "75" and yes.state.commune == "19031"
    assert yes.state.place_label == "Brive-la-Gaillarde (19)"
    assert "Vous parlez de" not in text_of(yes)


def test_no_to_the_confirmation_asks_for_the_place_again(engine: Engine, snapshot: Any) -> None:
    turn = engine.handle(None, UserInput.from_text("je travaille à Fos"))
    assert "Vous parlez de Fos-sur-Mer (13) ?" in text_of(turn)
    no = press(engine, turn.state, turn, "Non, un autre lieu")
    assert no.state.region is None and not no.state.candidates
    assert snapshot.text("question_lieu") in text_of(no)


def test_typed_oui_confirms_too(engine: Engine) -> None:
    turn = engine.handle(None, UserInput.from_text("je bosse à Bourgoin"))
    yes = engine.handle(turn.state, UserInput.from_text("oui"))
    assert yes.state.region == "84" and yes.state.commune == "38053"


def test_a_sure_place_is_not_confirmed(engine: Engine) -> None:
    turn = engine.handle(None, UserInput.from_text("je vis à Rennes"))
    assert "Vous parlez de" not in text_of(turn)
    assert turn.state.region == "53"


def test_two_places_in_two_regions_are_asked_about(engine: Engine) -> None:
    turn = engine.handle(None, UserInput.from_text("J'habite à Creil et je travaille à Paris"))
    assert "Vous habitez à Creil (60) et travaillez à Paris (75) : lequel voulez-vous utiliser ?" in text_of(turn)
    assert [b.label for b in buttons(turn)] == ["Creil (60)", "Paris (75)", "Un autre lieu"]
    work = press(engine, turn.state, turn, "Paris (75)")
    assert work.state.region == "11"


def test_an_outside_choice_gives_the_outside_answer(engine: Engine, snapshot: Any) -> None:
    turn = engine.handle(None, UserInput.from_text("un restaurant à Marigot"))
    labels = [b.label for b in buttons(turn)]
    assert labels[:2] == ["Le Marigot (Martinique)", "Marigot (Saint-Martin)"]
    outside = press(engine, turn.state, turn, "Marigot (Saint-Martin)")
    assert outside.state.region is None
    assert snapshot.text("hors_champ", lieu="Saint-Martin") in text_of(outside)


def test_ask_json_adds_confidence_and_confirm(knowledge: Any) -> None:
    sure = analyse("je vis à Rennes", knowledge, TODAY)
    assert sure["place"]["confirm"] is False and sure["place"]["confidence"] >= 0.75
    assert sure["candidates"] == []
    unsure = analyse("je vis à Brive", knowledge, TODAY)
    assert unsure["place"]["confirm"] is True and 0 < unsure["place"]["confidence"] < 0.75
    assert [c["commune"] for c in unsure["candidates"]] == ["19031"]  # the choice the bot asks about
    nothing = analyse("bonjour", knowledge, TODAY)
    assert nothing["place"]["confidence"] == 0.0 and nothing["place"]["confirm"] is False
