"""A second opinion on which question a message asks: the nearest phrasing by letter groups.

The question matcher (:mod:`bot.nlu.questions`) reads words: stems, synonyms, concepts. This
reader looks only at the surface: each phrasing of ``knowledge/questions.yaml`` becomes a vector
of its three-letter groups (words padded with a space, stop words left out, expressions replaced
as the matcher replaces them), weighted by how rare each group is among phrasings and examples (TF-IDF,
sublinear counts, unit length). A message is compared to every phrasing (cosine) through an
inverted index, and each question scores its nearest phrasing. Letter groups survive typos,
texting spellings and word forms the stems do not know ("confidenciel", "demisioner").

The example messages of ``knowledge/langue/exemples.yaml`` are compared too, each by its most
telling letter groups (:data:`EXAMPLE_GROUPS`): a message written as people write is often nearer
to one of them than to any phrasing ("mon boss il sera au courant ?"). Each question scores its
nearest phrasing or example.

The two readers fail in different ways, so the matcher answers with confidence only when both
name the same question (or when its own score is very high), and the nearest question is offered
among the choices when they disagree. Like the matcher, this reader is built from the phrasings
and examples alone: a question staff add in YAML gets it with no code change.
"""

from __future__ import annotations

import heapq
import math
from array import array
from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass

__all__ = ["Nearest", "SurfaceIndex"]

GRAM = 3  # letters in a group
COMMON_SHARE = 0.1  # a group found in more phrasings and examples than this share tells little: left out (speed)
MAX_GROUPS = 40  # the most telling groups of a long message kept (speed; the same answers on the sets)
COMMON_MIN = 20  # ...and in more of them than this (a small knowledge keeps every group)
PAD = " "  # marks the start and end of a word, so "cep" gives " ce", "cep", "ep "
INDEX_TYPE = "I"  # array type of a document's index in a group's postings (unsigned, at least 2 bytes)
WEIGHT_TYPE = "d"  # array type of a group's weight there
EXAMPLE_GROUPS = 20  # the most telling letter groups of an example message that it is compared by (speed, memory)


@dataclass(frozen=True, slots=True)
class Nearest:
    """The question whose phrasing is nearest, and its cosine."""

    id: str
    score: float


class SurfaceIndex:
    """Letter-group vectors of the phrasings and examples, with an inverted index; :meth:`nearest` is pure."""

    def __init__(
        self,
        phrasings: Iterable[tuple[str, str]],
        words: Callable[[str], list[str]],
        examples: Iterable[tuple[str, Sequence[str]]] = (),
    ) -> None:
        """``phrasings`` are (question id, text) pairs; ``words`` gives the words of a text that count;
        ``examples`` are (question id, words of an example message, as ``words`` gives them) pairs."""
        self.words = words
        counts = [(qid, grams) for qid, text in phrasings if (grams := _grams(words(text)))]
        said_by = [(qid, said) for qid, said in examples if said]
        # how rare each group is, among phrasings and examples (an example's groups are counted and let go:
        # two thousand messages of letter groups at once would raise the peak memory for nothing)
        doc_freq = Counter(g for _, grams in counts for g in grams)
        for _, said in said_by:
            doc_freq.update(set(_all_grams(said)))
        total = max(len(counts) + len(said_by), 1)
        self.idf = {g: math.log(total / df) for g, df in doc_freq.items()}
        # grouped by question (stable), so that each question's phrasings and examples are one slice of the scores
        docs: list[tuple[str, Counter[str] | Sequence[str]]] = [*counts, *said_by]
        docs.sort(key=lambda pair: pair[0])
        self.owner: list[str] = [qid for qid, _ in docs]
        self.spans: list[tuple[str, int, int]] = []  # each question's phrasings and examples: owner[start:end]
        for index, qid in enumerate(self.owner):
            if self.spans and self.spans[-1][0] == qid:
                self.spans[-1] = (qid, self.spans[-1][1], index + 1)
            else:
                self.spans.append((qid, index, index + 1))
        # each group's phrasings and weights as two parallel compact arrays, for a fast inner loop; each
        # document's vector is made and let go in turn
        # (the phrasings' and the examples' apart: a part of a message is compared to the phrasings only)
        phrasing_postings: dict[str, tuple[array[int], array[float]]] = {}
        example_postings: dict[str, tuple[array[int], array[float]]] = {}
        for index, (_, doc) in enumerate(docs):
            if isinstance(doc, Counter):
                vector, postings = self._vector(doc), phrasing_postings
            else:
                vector, postings = self._telling(_grams(doc)), example_postings
            for g, weight in vector.items():
                found = postings.get(g)
                if found is None:
                    found = postings[g] = (array(INDEX_TYPE), array(WEIGHT_TYPE))
                found[0].append(index)
                found[1].append(weight)
        common = max(COMMON_SHARE * len(docs), COMMON_MIN)
        self.postings = {g: found for g, found in phrasing_postings.items() if doc_freq[g] <= common}
        self.example_postings = {g: found for g, found in example_postings.items() if doc_freq[g] <= common}

    def _vector(self, grams: Counter[str]) -> dict[str, float]:
        weights = {g: (1 + math.log(n)) * self.idf.get(g, 0.0) for g, n in grams.items()}
        norm = math.sqrt(sum(w * w for w in weights.values()))
        return {g: w / norm for g, w in weights.items() if w} if norm else {}

    def _telling(self, grams: Counter[str]) -> dict[str, float]:
        """The vector of an example message cut to its most telling groups, at unit length."""
        idf = self.idf
        weights = ((g, (1 + math.log(n)) * idf.get(g, 0.0) if n > 1 else idf.get(g, 0.0)) for g, n in grams.items())
        top = [(g, w) for g, w in heapq.nlargest(EXAMPLE_GROUPS, weights, key=_weight) if w]
        norm = math.sqrt(sum(w * w for _, w in top))
        return {g: w / norm for g, w in top} if norm else {}

    def nearest(self, text: str) -> Nearest | None:
        """The question of the phrasing or example nearest to ``text``, or None if no letter group is shared."""
        return self.nearest_words(self.words(text))

    def nearest_words(self, words: list[str], examples: bool = True) -> Nearest | None:
        """:meth:`nearest` for the words of a text, as ``words`` gives them; near the phrasings only without
        ``examples``."""
        shared = [0.0] * len(self.owner)
        vector = self._vector(_grams(words))
        if len(vector) > MAX_GROUPS:  # a long message: its most telling groups say where it is nearest
            vector = dict(sorted(vector.items(), key=lambda item: -item[1])[:MAX_GROUPS])
        hit = False
        for postings in (self.postings, self.example_postings) if examples else (self.postings,):
            for g, weight in vector.items():
                found = postings.get(g)
                if found is None:
                    continue
                hit = True
                indexes, weights = found
                for index, doc_weight in zip(indexes, weights, strict=True):
                    shared[index] += weight * doc_weight
        if not hit:
            return None
        # each question's nearest phrasing is the maximum of its slice (the first question wins a tie)
        score, qid = max(((max(shared[start:end]), qid) for qid, start, end in self.spans), key=lambda item: item[0])
        return Nearest(qid, round(score, 4))


def _weight(item: tuple[str, float]) -> float:
    return item[1]


def _grams(words: Sequence[str]) -> Counter[str]:
    return Counter(_all_grams(words))


def _all_grams(words: Sequence[str]) -> list[str]:
    """Every letter group of ``words``, repeats included (one list: counted at once, in C)."""
    return [
        padded[i : i + GRAM]
        for padded in (f"{PAD}{word}{PAD}" for word in words)
        for i in range(len(padded) - GRAM + 1)
    ]
