"""Match a message against the frequent questions of the knowledge base.

Each phrasing becomes a set of word stems weighted by how rare they are across all phrasings
(IDF). A message scores, for each phrasing, the weighted share of the phrasing's stems it
contains, damped by how much of the message's known vocabulary the phrasing leaves unexplained.
Unknown words of five letters or more are corrected to the nearest known stem (typos). The best
question is returned with its score; the caller decides what is confident enough.
"""

from __future__ import annotations

import math
from collections import defaultdict
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from rapidfuzz import fuzz, process

from bot.textnorm import fold

if TYPE_CHECKING:
    from bot.kb.model import Snapshot

__all__ = ["CONFIDENT", "POSSIBLE", "QuestionIndex", "QuestionMatch", "stem"]

CONFIDENT = 0.62  # at or above: answer the question
POSSIBLE = 0.45  # between POSSIBLE and CONFIDENT: say we are not sure

STOPWORDS = frozenset(
    """a au aux le la les l un une des de du d et ou je j tu il elle on nous vous ils elles me m te t se s
    mon ma mes ton ta tes son sa ses notre nos votre vos leur leurs en y ne n pas que qu qui quoi
    est suis es sommes etes sont ete etre ai as avons avez ont avoir ce c cet cette ces ca cela ceci
    pour par sur dans avec chez vers mais donc or ni car si oui non bonjour salut merci svp stp bonsoir
    hello coucou ok alors bien tres trop aussi encore deja juste vraiment tout toute tous toutes
    moi toi lui eux quel quelle quels quelles est-ce estce voila bref genre hein bah ben euh svp
    faire fait fais peux peut pouvons pouvez veux veut voudrais voudrait aimerais souhaite souhaiterais
    dois doit devoir faut il y a cep conseil evolution professionnelle""".split()
)

# Everyday words mapped to the word the phrasings use.
SYNONYMS = {
    "gratos": "gratuit",
    "gratuite": "gratuit",
    "payer": "payant",
    "paye": "payant",
    "prix": "cout",
    "tarif": "cout",
    "boss": "employeur",
    "patron": "employeur",
    "patronne": "employeur",
    "chef": "employeur",
    "direction": "employeur",
    "rh": "employeur",
    "taf": "travail",
    "boulot": "travail",
    "job": "travail",
    "emploi": "travail",
    "rdv": "rendez",
    "visio": "distance",
    "telephone": "distance",
    "tel": "distance",
    "zoom": "distance",
    "teams": "distance",
    "chomdu": "chomage",
    "pole": "france",
    "reconvertir": "reconversion",
    "demissionner": "demission",
    "entreprise": "entreprise",
    "boite": "entreprise",
    "autoentrepreneur": "auto",
    "microentrepreneur": "micro",
    "fonctionnaires": "fonctionnaire",
}


def stem(word: str) -> str:
    """A crude French stem: enough to merge plural and feminine forms."""
    if len(word) > 4 and word.endswith(("s", "x")):
        word = word[:-1]
    if len(word) > 4 and word.endswith("e"):
        word = word[:-1]
    return word


def content_stems(text: str) -> list[str]:
    out = []
    for word in fold(text).split():
        word = SYNONYMS.get(word, word)
        if word in STOPWORDS or len(word) < 2 or word.isdigit():
            continue
        out.append(stem(SYNONYMS.get(stem(word), word)))
    return out


@dataclass(frozen=True, slots=True)
class QuestionMatch:
    id: str
    score: float
    runner_up: str | None = None
    runner_up_score: float = 0.0

    @property
    def confident(self) -> bool:
        return self.score >= CONFIDENT

    @property
    def possible(self) -> bool:
        return self.score >= POSSIBLE


@dataclass
class QuestionIndex:
    """Phrasings of one snapshot, ready to match."""

    snapshot: Snapshot = field(repr=False)

    def __post_init__(self) -> None:
        phrasings: list[tuple[str, list[str]]] = []
        for question in self.snapshot.questions.values():
            for phrasing in question.phrasings:
                stems = content_stems(phrasing)
                if stems:
                    phrasings.append((question.id, stems))
        doc_freq: dict[str, int] = defaultdict(int)
        for _, stems in phrasings:
            for s in set(stems):
                doc_freq[s] += 1
        total = max(len(phrasings), 1)
        self.idf = {s: math.log(1 + total / df) for s, df in doc_freq.items()}
        self.vocab = sorted(self.idf)
        self.phrasings = [(qid, {s: self.idf[s] for s in set(stems)}, sum(self.idf[s] for s in set(stems))) for qid, stems in phrasings]
        self.by_stem: dict[str, list[int]] = defaultdict(list)
        for index, (_, weights, _) in enumerate(self.phrasings):
            for s in weights:
                self.by_stem[s].append(index)

    def _known(self, stems: list[str]) -> set[str]:
        known: set[str] = set()
        for s in stems:
            if s in self.idf:
                known.add(s)
            elif len(s) >= 5:
                match = process.extractOne(s, self.vocab, scorer=fuzz.ratio, score_cutoff=84)
                if match is not None:
                    known.add(match[0])
        return known

    def match(self, text: str, ignore: frozenset[str] = frozenset()) -> QuestionMatch | None:
        """The closest question to ``text`` and its score in [0, 1], or None if nothing shares a word.

        ``ignore`` holds stems to leave out of the message (the place, already understood).
        """
        stems = [s for s in content_stems(text[:2000]) if s not in ignore]
        if not stems:
            return None
        known = self._known(stems)
        if not known:
            return None
        message_weight = sum(self.idf[s] for s in known)
        scores: dict[str, float] = {}
        seen: set[int] = set()
        for s in known:
            for index in self.by_stem.get(s, ()):
                if index in seen:
                    continue
                seen.add(index)
                qid, weights, total = self.phrasings[index]
                shared = sum(w for t, w in weights.items() if t in known)
                coverage = shared / total
                precision = shared / message_weight
                score = coverage * (0.55 + 0.45 * precision)
                if score > scores.get(qid, 0.0):
                    scores[qid] = score
        if not scores:
            return None
        ranked = sorted(scores.items(), key=lambda item: -item[1])
        best_id, best = ranked[0]
        runner_id, runner = ranked[1] if len(ranked) > 1 else (None, 0.0)
        return QuestionMatch(best_id, round(best, 4), runner_id, round(runner, 4))
