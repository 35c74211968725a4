"""Pure pieces of the place reader: tokenizer, phrase sets, short-written names, name spans."""

from __future__ import annotations

import pytest

from bot.nlu.place_abbrev import written_short
from bot.nlu.place_lists import PhraseSet
from bot.nlu.place_text import tokenize_full


def test_tokens_keep_capitals_clauses_and_hyphens() -> None:
    tokens = tokenize_full("Bonjour, j'habite Saint-Malo")
    assert tokens.words == ["bonjour", "j", "habite", "saint", "malo"]
    assert tokens.capitals == [True, False, False, True, True]
    assert tokens.clause_start == [True, True, False, False, False]
    assert tokens.hyphen_before == [False, False, False, False, True]


def test_a_word_folding_into_two_keeps_its_marks_on_the_first() -> None:
    tokens = tokenize_full("à Nice½ ici")  # "½" folds into "1 2": one written word, three folded ones
    assert tokens.words == ["a", "nice1", "2", "ici"]
    assert tokens.capitals == [False, True, False, False]
    assert tokens.clause_start == [True, False, False, False]


def test_a_word_folding_into_nothing_joins_the_gaps_around_it() -> None:
    # "٣" (an Arabic-Indic digit) folds into nothing: the comma before it still starts a clause
    tokens = tokenize_full("Lyon, ٣ Paris")
    assert tokens.words == ["lyon", "paris"]
    assert tokens.clause_start == [True, True]


def test_capitals_are_letters_written_as_a_name() -> None:
    tokens = tokenize_full("LYON lyon Lyon A É Évry")  # one capital letter alone is not a name
    assert tokens.capitals == [True, False, True, False, False, True]


def test_a_phrase_set_finds_the_longest_phrase_ending_at_a_position() -> None:
    phrases = PhraseSet.of(["je m'appelle", "m'appelle", "chez"])
    words = ["bonjour", "je", "m", "appelle", "nancy"]
    assert phrases.ends_at(words, 4) == 3
    assert phrases.ends_at(words, 3) == 0
    assert phrases.ends_at(words, 0) == 0
    assert phrases.spans(words) == [(1, 4)]


@pytest.mark.parametrize(
    ("written", "name", "expected"),
    [
        ("clermont fd", "clermont ferrand", True),  # skeleton
        ("saint naz", "saint nazaire", True),  # cut short
        ("vitry s seine", "vitry sur seine", True),  # "s/" for "sur"
        ("aix les b", "aix les bains", True),  # one letter, last word only
        ("aix l b", "aix les bains", False),  # one letter elsewhere too
        ("o p", "orly parc", False),  # one letter after too short a first word
        ("clermont ferrand", "clermont ferrand", False),  # written in full: not short
        ("saint x", "saint nazaire", False),
        ("clermont fd x", "clermont ferrand x", True),
    ],
)
def test_names_written_short(written: str, name: str, expected: bool) -> None:
    assert written_short(written.split(), name.split()) is expected
