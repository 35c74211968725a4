"""Button callback data: one codec for the engine and the reminder job; vocabularies stay strings."""

from __future__ import annotations

import json
from typing import Any

import pytest

from bot.dialogue.buttons import MAX_BYTES, ButtonAction, ButtonData, decode, encode, stamp
from bot.dialogue.engine import Conversation, Engine, UserInput
from bot.vocab import EventType, InputKind, Step


def test_encode_then_decode_gives_back_revision_action_and_argument() -> None:
    data = encode(ButtonAction.BOOKING, "y", rev=1234567)
    assert data == "1234567|b|y"
    assert decode(data) == ButtonData(1234567, ButtonAction.BOOKING, "y")


def test_the_engine_stamps_data_written_without_a_revision() -> None:
    assert decode(stamp(encode(ButtonAction.OTHER_SITUATIONS), 42)) == ButtonData(42, "o", "")
    assert decode(stamp(encode(ButtonAction.QUESTION, "gratuit"), 7)) == ButtonData(7, "q", "gratuit")


@pytest.mark.parametrize(
    ("data", "expected"),
    [
        ("", None),
        ("no separator at all", None),
        ("abc|b|y", ButtonData(None, "b", "y")),  # no readable revision
        ("12|zz", ButtonData(12, "zz", "")),  # an unknown action decodes; the engine says it expired
        ("12|p|3|extra", ButtonData(12, "p", "3")),
    ],
)
def test_decode_reads_any_string_without_raising(data: str, expected: ButtonData | None) -> None:
    assert decode(data) == expected


def test_encode_refuses_data_telegram_would_refuse_or_that_would_not_decode() -> None:
    with pytest.raises(ValueError, match="64 bytes"):
        encode(ButtonAction.QUESTION, "é" * MAX_BYTES, rev=1)
    with pytest.raises(ValueError, match="cannot contain"):
        encode(ButtonAction.QUESTION, "a|b")


def _all_buttons(engine: Engine, script: list[UserInput]) -> list[str]:
    state, data = None, []
    for user in script:
        turn = engine.handle(state, user)
        state = turn.state
        data += [b.data for reply in turn.replies for row in reply.buttons for b in row]
    return data


def test_every_engine_button_decodes_to_a_known_action_and_the_current_revision(knowledge: Any) -> None:
    engine = Engine(knowledge)
    script = [
        UserInput(InputKind.COMMAND, "/start"),
        UserInput(InputKind.TEXT, "Saint-Denis"),
        UserInput(InputKind.TEXT, "je vis à Lyon"),
        UserInput(InputKind.COMMAND, "/supprimer"),
    ]
    data = _all_buttons(engine, script)
    assert data
    for item in data:
        button = decode(item)
        assert button is not None and button.rev is not None
        assert button.action in set(ButtonAction)


def test_vocabularies_are_their_strings_in_stored_states_and_events(knowledge: Any) -> None:
    turn = Engine(knowledge).handle(None, UserInput(InputKind.COMMAND, "/start"))
    stored = json.loads(json.dumps(turn.state.to_dict()))
    assert stored["step"] == "place"
    assert Conversation.from_dict(stored).step == Step.PLACE
    assert [e["type"] for e in json.loads(json.dumps(list(turn.events)))] == [EventType.CONVERSATION_STARTED.value]
