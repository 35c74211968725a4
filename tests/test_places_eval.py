"""The five outcomes of bench/places_eval.py (pure scoring, no knowledge needed)."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "bench"))

from places_eval import Outcome, Reading, score_item

REGION = {"expect": "region", "region": "84"}


@pytest.mark.parametrize(
    ("item", "reading", "outcome"),
    [
        (REGION, Reading(confident="84"), Outcome.RIGHT),
        (REGION, Reading(confident="27"), Outcome.WRONG_CONFIDENT),
        (REGION, Reading(confident="outside"), Outcome.WRONG_CONFIDENT),
        (REGION, Reading(), Outcome.MISSED),
        (REGION, Reading(asked=("84",)), Outcome.ASKED_WHEN_CLEAR),
        ({**REGION, "confirm_ok": True}, Reading(asked=("84",)), Outcome.RIGHT),
        ({**REGION, "confirm_ok": True}, Reading(asked=("27",)), Outcome.ASKED_WHEN_CLEAR),
        (REGION, Reading(asked=("84", "27")), Outcome.ASKED_WHEN_CLEAR),
        ({"expect": "ask", "choices": ["02", "outside"]}, Reading(asked=("02", "outside")), Outcome.RIGHT),
        ({"expect": "ask", "choices": ["02", "outside"]}, Reading(confident="02"), Outcome.NOT_ASKED),
        ({"expect": "ask", "choices": ["02", "outside"]}, Reading(confident="04"), Outcome.WRONG_CONFIDENT),
        ({"expect": "ask", "choices": ["02", "outside"]}, Reading(asked=("04", "01")), Outcome.ASKED_WHEN_CLEAR),
        ({"expect": "ask", "choices": ["02", "outside"]}, Reading(), Outcome.MISSED),
        ({"expect": "none"}, Reading(), Outcome.RIGHT),
        ({"expect": "none"}, Reading(confident="11"), Outcome.WRONG_CONFIDENT),
        ({"expect": "none"}, Reading(asked=("11",)), Outcome.ASKED_WHEN_CLEAR),
        ({"expect": "outside"}, Reading(confident="outside"), Outcome.RIGHT),
        ({"expect": "outside"}, Reading(confident="84"), Outcome.WRONG_CONFIDENT),
        ({"expect": "outside"}, Reading(), Outcome.MISSED),
    ],
)
def test_outcomes(item: dict[str, object], reading: Reading, outcome: Outcome) -> None:
    assert score_item(item, reading) is outcome
