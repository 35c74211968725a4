"""The second opinion: the nearest phrasing by letter groups, and how it tempers confidence."""

from __future__ import annotations

from typing import Any

from bot.nlu.questions import CLEAR, CONFIDENT, QuestionMatch
from bot.nlu.surface import EXAMPLE_GROUPS, MAX_GROUPS, Nearest, SurfaceIndex
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


# -- example messages (eleventh sitting) --------------------------------------------------------------------

EXAMPLES = [
    ("confidentialite", ["mon", "boss", "il", "va", "etre", "au", "courant"]),
    ("distance", ["je", "peux", "faire", "ca", "en", "visio", "depuis", "chez", "moi"]),
]


def test_a_message_written_as_people_write_is_nearest_to_an_example() -> None:
    """No phrasing says « boss » or « au courant »; an example message does: with the examples, its question."""
    words = ["le", "boss", "il", "va", "etre", "au", "courant"]
    alone = SurfaceIndex(PHRASINGS, str.split).nearest_words(words)
    assert alone is not None and alone.id != "confidentialite"
    index = SurfaceIndex(PHRASINGS, str.split, EXAMPLES)
    near = index.nearest_words(words)
    assert near is not None and near.id == "confidentialite" and near.score > 0.9
    # a part of a message is compared to the phrasings only: the example is not read
    without = index.nearest_words(words, examples=False)
    assert without is None or without.score < near.score / 2


def test_examples_join_their_question_slice_and_phrasings_still_win_for_themselves() -> None:
    index = SurfaceIndex(PHRASINGS, str.split, EXAMPLES)
    assert [qid for qid, _, _ in index.spans] == ["confidentialite", "distance", "gratuit"]
    assert len(index.owner) == len(PHRASINGS) + len(EXAMPLES)
    near = index.nearest("est ce que c est gratuit")
    assert near is not None and near.id == "gratuit"
    near = index.nearest("en visio depuis chez moi")
    assert near is not None and near.id == "distance"


def test_an_example_is_compared_by_its_most_telling_groups_only() -> None:
    """A long story would otherwise be near everything: it keeps EXAMPLE_GROUPS groups, at unit length."""
    story = [f"mot{i}x" for i in range(3 * EXAMPLE_GROUPS)] + ["visio"]
    index = SurfaceIndex(PHRASINGS, str.split, [("distance", story)])
    example = index.owner.index("distance") + sum(1 for qid, _ in PHRASINGS if qid == "distance")
    groups = {g: w[list(i).index(example)] for g, (i, w) in index.example_postings.items() if example in i}
    assert 0 < len(groups) <= EXAMPLE_GROUPS
    assert abs(sum(w * w for w in groups.values()) - 1) < 1e-9
    assert not any(example in i for i, _ in index.postings.values())  # the phrasings' postings keep to them


def test_an_empty_example_is_left_out() -> None:
    index = SurfaceIndex(PHRASINGS, str.split, [("distance", [])])
    assert len(index.owner) == len(PHRASINGS)
