"""The second opinion: the nearest phrasing by letter groups, and how it tempers confidence."""

from __future__ import annotations

from typing import Any

from bot.nlu.questions import CLEAR, CONFIDENT, QuestionMatch
from bot.nlu.surface import MAX_GROUPS, Nearest, SurfaceIndex
from bot.nlu.understand import Understanding

PHRASINGS = [
    ("gratuit", "est ce que c est gratuit"),
    ("gratuit", "combien ca coute"),
    ("confidentialite", "est ce confidentiel"),
    ("confidentialite", "mon employeur le saura"),
    ("distance", "peut on le faire par telephone"),
]


def _index() -> SurfaceIndex:
    return SurfaceIndex(PHRASINGS, str.split)


def test_typos_and_word_forms_find_their_phrasing() -> None:
    index = _index()
    near = index.nearest("confidenciel")
    assert near is not None and near.id == "confidentialite"
    near = index.nearest("ca coutera combien")
    assert near is not None and near.id == "gratuit"
    near = index.nearest("par telephonne")
    assert near is not None and near.id == "distance"


def test_nothing_shared_is_no_opinion() -> None:
    assert _index().nearest("xyzzy") is None
    assert _index().nearest("") is None


def test_a_phrasing_itself_is_nearest_to_itself() -> None:
    near = _index().nearest("est ce que c est gratuit")
    assert near is not None and near.id == "gratuit"
    assert near.score > 0.99


def test_a_long_message_keeps_its_most_telling_groups() -> None:
    words = ["bla"] * 3 + [f"mot{i}" for i in range(MAX_GROUPS)] + ["confidentiel"]
    near = _index().nearest_words(words)
    assert near is not None and near.id == "confidentialite"


def _match(score: float, surface: str | None, runner_up: float = 0.0) -> QuestionMatch:
    near = None if surface is None else Nearest(surface, 0.8)
    return QuestionMatch(
        "gratuit", score, "distance", runner_up, (("gratuit", score), ("distance", runner_up)), surface=near
    )


def test_confident_only_where_the_readers_agree() -> None:
    between = (CONFIDENT + CLEAR) / 2
    assert _match(between, "gratuit").confident
    assert not _match(between, "distance").confident
    assert not _match(between, None).confident
    assert _match(between, "distance").lexically_confident
    assert _match(CLEAR, "distance").confident  # a very high word score stands alone
    assert not _match(between, "gratuit", runner_up=between - 0.01).confident  # too close to the runner-up


def test_the_second_opinion_is_offered_beside_the_first(knowledge: Any) -> None:
    u = understand_stub(_match((CONFIDENT + CLEAR) / 2, "distance"))
    assert u.suggestions[:2] == ("gratuit", "distance")


def understand_stub(match: QuestionMatch) -> Understanding:
    from bot.nlu.places import PlaceResult
    from bot.nlu.understand import NO_SITUATION

    return Understanding("?", PlaceResult(None), NO_SITUATION, match)


def test_phrasings_of_one_question_written_apart_are_its_one_slice() -> None:
    """Each question scores its nearest phrasing, wherever staff wrote it in the file."""
    index = SurfaceIndex([*PHRASINGS, ("gratuit", "faut il payer quelque chose")], str.split)
    assert [qid for qid, _, _ in index.spans] == ["confidentialite", "distance", "gratuit"]
    near = index.nearest("faut il payer")
    assert near is not None and near.id == "gratuit"
    near = index.nearest("le saura t il mon employeur")
    assert near is not None and near.id == "confidentialite"
