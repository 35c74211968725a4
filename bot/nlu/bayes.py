"""A third opinion on which question a message asks: a naive Bayes reader of the phrasings' and examples' stems.

The word matcher (:mod:`bot.nlu.questions`) scores the nearest phrasing; the surface reader
(:mod:`bot.nlu.surface`) compares letter groups. This reader learns, from all the phrasings of each
question at once, how likely each stem is under that question (multinomial naive Bayes, additive
smoothing) and names the question under which the message's known stems are likeliest. It weighs
the evidence of every phrasing of a question together rather than the single nearest one. Built at
load time from the phrasings and from the example messages of knowledge/langue/exemples.yaml (which
also teach it two labels that are no question: work questions the knowledge does not cover, and
messages that ask nothing): a question staff add in YAML gets it with no code change, and its few
counts are scaled up to the median question's (see :class:`BayesIndex`).
"""

from __future__ import annotations

import math
from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

__all__ = ["BayesIndex", "Likeliest"]

SMOOTHING = 0.5  # added to every stem count of every question


@dataclass(frozen=True, slots=True)
class Likeliest:
    """The likeliest question and its share of the probability among all questions."""

    id: str
    share: float


class BayesIndex:
    """Stem log-probabilities per question; :meth:`likeliest` is pure."""

    def __init__(self, phrasings: Iterable[tuple[str, Sequence[str]]]) -> None:
        """``phrasings`` are (question id, stems of one phrasing) pairs."""
        counts: dict[str, Counter[str]] = defaultdict(Counter)
        for qid, stems in phrasings:
            counts[qid].update(set(stems))
        vocab = {s for c in counts.values() for s in c}
        self.questions = sorted(counts)
        size = len(vocab)
        # A question with few phrasings and examples (one staff just added) would have its counts
        # drowned by the smoothing, spread over the whole vocabulary: its counts are scaled up to
        # the median question's total, never down.
        totals = {qid: sum(c.values()) for qid, c in counts.items()}
        median = sorted(totals.values())[len(totals) // 2] if totals else 0
        # log P(stem | question) for the stems a question's phrasings use, and the floor for the others
        self.floor: dict[str, float] = {}
        self.by_stem: dict[str, dict[str, float]] = defaultdict(dict)
        for qid, c in counts.items():
            scale = max(1.0, median / totals[qid])
            denominator = totals[qid] * scale + SMOOTHING * size
            self.floor[qid] = math.log(SMOOTHING / denominator)
            for s, n in c.items():
                self.by_stem[s][qid] = math.log((n * scale + SMOOTHING) / denominator) - self.floor[qid]

    def likeliest(self, stems: Iterable[str]) -> Likeliest | None:
        """The likeliest question for the known ``stems`` (unknown ones say nothing), or None."""
        known = [s for s in dict.fromkeys(stems) if s in self.by_stem]
        if not known:
            return None
        scores = {qid: self.floor[qid] * len(known) for qid in self.questions}
        for s in known:
            for qid, gain in self.by_stem[s].items():
                scores[qid] += gain
        best_id = max(scores, key=scores.__getitem__)
        top = scores[best_id]
        total = sum(math.exp(v - top) for v in scores.values())
        return Likeliest(best_id, round(1 / total, 4))
