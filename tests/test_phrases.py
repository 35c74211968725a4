"""The fast expression replacer gives exactly what one alternation of all expressions gives."""

from __future__ import annotations

import random
import re
from pathlib import Path

import pytest
import yaml

from bot.nlu.knowledge import Knowledge
from bot.nlu.phrases import PhraseReplacer, _first_chars

DATA = Path(__file__).parent / "data"


def _plain(patterns: list[str], meanings: list[str], text: str) -> str:
    """The reference: one ``re.sub`` of the whole alternation."""
    rx = re.compile(r"\b(?:" + "|".join(f"({p})" for p in patterns) + r")\b")
    return rx.sub(lambda m: meanings[(m.lastindex or 1) - 1], text)


@pytest.mark.parametrize(
    ("pattern", "first"),
    [
        ("feu vert", {"f"}),
        ("(?:est |c est )?destinee?s? a qui", {"e", "c", "d"}),
        ("(?<!on )s adresse", {"s"}),
        (r"\d+ ?h|une heure", set("0123456789") | {"u"}),
        ("[a-c]x|zz", {"a", "b", "c", "z"}),
        ("(?:m a|)pas", {"m", "p"}),
    ],
)
def test_first_letters_are_read_from_the_syntax(pattern: str, first: set[str]) -> None:
    assert _first_chars(pattern) == first


@pytest.mark.parametrize("pattern", [r"\w+ ok", "a?", ".x", r"[^a]b"])
def test_patterns_whose_first_letters_cannot_be_told(pattern: str) -> None:
    assert _first_chars(pattern) is None


def test_an_unreadable_pattern_keeps_the_plain_alternation() -> None:
    replacer = PhraseReplacer([r"\w+ ok", "feu vert"], [" X ", " accord "])
    assert replacer.by_first is None
    assert replacer.sub("il a donne son feu vert tout ok") == _plain(
        [r"\w+ ok", "feu vert"], [" X ", " accord "], "il a donne son feu vert tout ok"
    )


def test_order_wins_at_the_same_place_and_leftmost_place_first() -> None:
    patterns = ["pas du tout", "pas", "du tout", "tout"]
    meanings = [" A ", " B ", " C ", " D "]
    replacer = PhraseReplacer(patterns, meanings)
    for text in ["pas du tout", "du tout pas", "tout pas du", "rien", "pasdutout", "un pas  du tout"]:
        assert replacer.sub(text) == _plain(patterns, meanings, text)


def test_shipped_expressions_on_every_labelled_message(knowledge: Knowledge) -> None:
    """Every message of the working labelled sets, and shuffled words of them, read both ways."""
    lex = knowledge.questions.lex
    expressions = knowledge.snapshot.language.expressions
    patterns = [e.pattern for e in expressions]
    meanings = [f" {e.meaning} " for e in expressions]
    assert lex.phrases.by_first is not None  # the fast path is the one shipped
    reference = re.compile(r"\b(?:" + "|".join(f"({p})" for p in patterns) + r")\b")
    texts = []
    for path in sorted(DATA.glob("*.yaml")):
        if path.name.endswith("_gel.yaml"):
            continue
        items = yaml.safe_load(path.read_text(encoding="utf-8"))
        if isinstance(items, list):
            texts += [lex.normalize(i["text"]) for i in items if isinstance(i, dict) and isinstance(i.get("text"), str)]
    assert len(texts) > 1000
    rng = random.Random(7)
    words = " ".join(texts).split()
    texts += [" ".join(rng.choices(words, k=rng.randint(2, 30))) for _ in range(2000)]
    for text in texts:
        expected = reference.sub(lambda m: meanings[(m.lastindex or 1) - 1], text)
        assert lex.phrases.sub(text) == expected, text


def test_a_text_read_again_has_its_expressions_replaced_once(knowledge: Knowledge) -> None:
    """Each reader and each part of a message reads the same text again: the replacement is kept."""
    lex = knowledge.questions.lex
    lex.clear_caches()
    spelled = lex.normalize("mon patron doit donner son feu vert ?")
    first = lex.stems(spelled)
    assert lex.stems(spelled) == first and lex.surface_words("mon patron doit donner son feu vert ?")
    info = lex.replace.cache_info()
    assert (info.misses, info.hits) == (1, 2)
    lex.clear_caches()
    assert lex.replace.cache_info().currsize == 0 and lex.normalize.cache_info().currsize == 0
