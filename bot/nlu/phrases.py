"""Replace expressions in a text, fast: each expression is tried only where its first letter stands.

``re.sub`` with one alternation of a hundred expressions tries every expression at every word of
a message (about 150 µs a message). Every expression of ``knowledge/langue/expressions.yaml``
starts at a word boundary with a letter or a digit, so the letters it can start with are read from
its syntax, and the expressions are grouped by first letter, in their order. At each word start,
only the group of that word's first letter is tried: the result is exactly that of the single
alternation (the first expression of the list that matches at the leftmost place wins), a few times
faster. An expression whose first letters cannot be read keeps the whole text on the plain
alternation.
"""

from __future__ import annotations

import re
import string
from collections.abc import Sequence
from typing import Any

sre_constants: Any
sre_parser: Any
try:  # the regular expression parser of the standard library (private, stable since 3.11)
    from re import _constants as sre_constants  # type: ignore[attr-defined,no-redef]  # private, no stubs
    from re import _parser as sre_parser  # type: ignore[attr-defined,no-redef]  # private, no stubs
except ImportError:  # pragma: no cover - a future Python without it: the plain alternation is used
    sre_parser = sre_constants = None
_REPEATS = (
    ()
    if sre_constants is None
    else tuple(
        getattr(sre_constants, name)
        for name in ("MAX_REPEAT", "MIN_REPEAT", "POSSESSIVE_REPEAT")
        if hasattr(sre_constants, name)
    )
)

__all__ = ["PhraseReplacer"]

WORD_START = re.compile(r"\b\w")
WORD_CHARS = frozenset(string.ascii_lowercase + string.digits)
_CATEGORY_CHARS = {"CATEGORY_DIGIT": frozenset(string.digits)}

FirstChars = tuple[frozenset[str] | None, bool]  # letters a pattern can start with (None: unknown), can it be empty


class PhraseReplacer:
    """Replace each expression (a regular expression) by its meaning, expressions tried in order."""

    def __init__(self, patterns: Sequence[str], meanings: Sequence[str]) -> None:
        self.patterns = list(patterns)
        self.meanings = list(meanings)
        starts = [_first_chars(p) for p in patterns]
        # the expressions each first letter may start, in their order (None: the plain alternation)
        self.by_first: dict[str, list[int]] | None = None
        self.whole: re.Pattern[str] | None = None
        if all(first is not None and first <= WORD_CHARS for first in starts):
            self.by_first = {}
            for index, first in enumerate(starts):
                for char in first or ():
                    self.by_first.setdefault(char, []).append(index)
        elif patterns:
            self.whole = _alternation(self.patterns)
        # each letter's alternation is compiled the first time a word starts with it: building them
        # all took 0.4 s at every start and reload
        self._compiled: dict[str, tuple[re.Pattern[str], list[str]]] = {}

    def sub(self, text: str) -> str:
        """``text`` with every expression replaced, as one ``re.sub`` of the alternation would."""
        if self.by_first is None:
            return self.whole.sub(self._whole_meaning, text) if self.whole is not None else text
        out: list[str] = []
        done = 0
        for start in WORD_START.finditer(text):
            at = start.start()
            if at < done:
                continue
            group = self._group(text[at])
            if group is None:
                continue
            match = group[0].match(text, at)
            if match is not None and match.end() > at:
                out += (text[done:at], group[1][(match.lastindex or 1) - 1])
                done = match.end()
        if not out:
            return text
        out.append(text[done:])
        return "".join(out)

    def _group(self, char: str) -> tuple[re.Pattern[str], list[str]] | None:
        """The alternation of the expressions ``char`` may start, and their meanings."""
        group = self._compiled.get(char)
        if group is None and self.by_first is not None and char in self.by_first:
            indexes = self.by_first[char]
            group = (_alternation([self.patterns[i] for i in indexes]), [self.meanings[i] for i in indexes])
            self._compiled[char] = group
        return group

    def _whole_meaning(self, match: re.Match[str]) -> str:
        return self.meanings[(match.lastindex or 1) - 1]


def _alternation(patterns: list[str]) -> re.Pattern[str]:
    return re.compile(r"\b(?:" + "|".join(f"({p})" for p in patterns) + r")\b")


def _first_chars(pattern: str) -> frozenset[str] | None:
    """The characters a match of ``pattern`` can start with, or None if that cannot be told."""
    if sre_parser is None:
        return None
    try:
        first, can_be_empty = _firsts(sre_parser.parse(pattern))
    except (re.error, TypeError, ValueError):
        return None
    return None if first is None or can_be_empty else first


def _firsts(items: Any) -> FirstChars:
    """First characters of a parsed sequence, and whether it can match the empty string."""
    out: set[str] = set()
    for op, arg in items:
        step = _step(op, arg)
        if step is None:
            continue  # zero width: \b, a lookbehind
        first, can_be_empty = step
        if first is None:
            return None, False
        out |= first
        if not can_be_empty:
            return frozenset(out), False
    return frozenset(out), True


def _step(op: Any, arg: Any) -> FirstChars | None:
    """First characters of one parsed item (None for an item of zero width)."""
    c = sre_constants
    if op in (c.AT, c.ASSERT, c.ASSERT_NOT):
        return None
    if op is c.LITERAL:
        return frozenset(chr(arg)), False
    if op is c.IN:
        return _char_set(arg), False
    if op is c.BRANCH:  # (None, branches)
        return _union([_firsts(branch) for branch in arg[1]])
    if op is c.SUBPATTERN:  # (group, add flags, del flags, items)
        return _firsts(arg[-1])
    if op in _REPEATS:  # (min, max, items)
        first, can_be_empty = _firsts(arg[2])
        return first, can_be_empty or arg[0] == 0
    return None, False


def _char_set(items: Any) -> frozenset[str] | None:
    out: set[str] = set()
    for op, arg in items:
        if op is sre_constants.LITERAL:
            out.add(chr(arg))
        elif op is sre_constants.RANGE:
            out.update(chr(x) for x in range(arg[0], arg[1] + 1))
        elif op is sre_constants.CATEGORY and str(arg) in _CATEGORY_CHARS:
            out |= _CATEGORY_CHARS[str(arg)]
        else:
            return None
    return frozenset(out)


def _union(parts: list[FirstChars]) -> FirstChars:
    out: set[str] = set()
    empty = False
    for first, can_be_empty in parts:
        if first is None:
            return None, False
        out |= first
        empty = empty or can_be_empty
    return frozenset(out), empty
