"""A second opinion on which question a message asks: the nearest phrasing by letter groups.

The question matcher (:mod:`bot.nlu.questions`) reads words: stems, synonyms, concepts. This
reader looks only at the surface: each phrasing of ``knowledge/questions.yaml`` becomes a vector
of its three-letter groups (words padded with a space, stop words left out, expressions replaced
as the matcher replaces them), weighted by how rare each group is among phrasings (TF-IDF,
sublinear counts, unit length). A message is compared to every phrasing (cosine) through an
inverted index, and each question scores its nearest phrasing. Letter groups survive typos,
texting spellings and word forms the stems do not know ("confidenciel", "demisioner").

The two readers fail in different ways, so the matcher answers with confidence only when both
name the same question (or when its own score is very high), and the nearest question is offered
among the choices when they disagree. Like the matcher, this reader is built from the phrasings
alone: a question staff add in YAML gets it with no code change.
"""

from __future__ import annotations

import math
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass

__all__ = ["Nearest", "SurfaceIndex"]

GRAM = 3  # letters in a group
COMMON_SHARE = 0.1  # a group found in more phrasings than this share tells little: it is left out (speed)
MAX_GROUPS = 40  # the most telling groups of a long message kept (speed; the same answers on the sets)
COMMON_MIN = 20  # ...and in more phrasings than this (a small knowledge keeps every group)
PAD = " "  # marks the start and end of a word, so "cep" gives " ce", "cep", "ep "


@dataclass(frozen=True, slots=True)
class Nearest:
    """The question whose phrasing is nearest, and its cosine."""

    id: str
    score: float


class SurfaceIndex:
    """Letter-group vectors of the phrasings, with an inverted index; :meth:`nearest` is pure."""

    def __init__(self, phrasings: Iterable[tuple[str, str]], words: Callable[[str], list[str]]) -> None:
        """``phrasings`` are (question id, text) pairs; ``words`` gives the words of a text that count."""
        self.words = words
        counts = [(qid, _grams(words(text))) for qid, text in phrasings]
        # grouped by question (stable), so that each question's phrasings are one slice of the scores
        counts = sorted(((qid, grams) for qid, grams in counts if grams), key=lambda pair: pair[0])
        doc_freq = Counter(g for _, grams in counts for g in grams)
        total = max(len(counts), 1)
        self.idf = {g: math.log(total / df) for g, df in doc_freq.items()}
        self.owner: list[str] = [qid for qid, _ in counts]
        self.spans: list[tuple[str, int, int]] = []  # each question's phrasings: owner[start:end]
        for index, qid in enumerate(self.owner):
            if self.spans and self.spans[-1][0] == qid:
                self.spans[-1] = (qid, self.spans[-1][1], index + 1)
            else:
                self.spans.append((qid, index, index + 1))
        postings: dict[str, list[tuple[int, float]]] = defaultdict(list)
        for index, (_, grams) in enumerate(counts):
            for g, weight in self._vector(grams).items():
                postings[g].append((index, weight))
        # each group's phrasings and weights as two parallel tuples, for a fast inner loop
        common = max(COMMON_SHARE * len(counts), COMMON_MIN)
        self.postings: dict[str, tuple[tuple[int, ...], tuple[float, ...]]] = {
            g: (tuple(i for i, _ in pairs), tuple(w for _, w in pairs))
            for g, pairs in postings.items()
            if len(pairs) <= common
        }

    def _vector(self, grams: Counter[str]) -> dict[str, float]:
        weights = {g: (1 + math.log(n)) * self.idf.get(g, 0.0) for g, n in grams.items()}
        norm = math.sqrt(sum(w * w for w in weights.values()))
        return {g: w / norm for g, w in weights.items() if w} if norm else {}

    def nearest(self, text: str) -> Nearest | None:
        """The question of the phrasing nearest to ``text``, or None if no letter group is shared."""
        return self.nearest_words(self.words(text))

    def nearest_words(self, words: list[str]) -> Nearest | None:
        """:meth:`nearest` for the words of a text, as ``words`` gives them."""
        shared = [0.0] * len(self.owner)
        vector = self._vector(_grams(words))
        if len(vector) > MAX_GROUPS:  # a long message: its most telling groups say where it is nearest
            vector = dict(sorted(vector.items(), key=lambda item: -item[1])[:MAX_GROUPS])
        postings = self.postings
        hit = False
        for g, weight in vector.items():
            found = postings.get(g)
            if found is None:
                continue
            hit = True
            indexes, weights = found
            for index, phrasing_weight in zip(indexes, weights, strict=True):
                shared[index] += weight * phrasing_weight
        if not hit:
            return None
        # each question's nearest phrasing is the maximum of its slice (the first question wins a tie)
        score, qid = max(((max(shared[start:end]), qid) for qid, start, end in self.spans), key=lambda item: item[0])
        return Nearest(qid, round(score, 4))


def _grams(words: list[str]) -> Counter[str]:
    grams: Counter[str] = Counter()
    for word in words:
        padded = f"{PAD}{word}{PAD}"
        grams.update(padded[i : i + GRAM] for i in range(len(padded) - GRAM + 1))
    return grams
