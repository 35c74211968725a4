"""Find the person's situation (traits such as salarie, cadre, handicap) and need in a message.

The message is cut into clauses (at punctuation and at linking words such as "mais", "et",
"maintenant"), each folded (lowercase, no accents) with texting spellings spelled out
("jsuis" -> "je suis"). Patterns run clause by clause. A match preceded in its clause by a
negation ("je ne suis plus salarié", "pas cadre", "ex-fonctionnaire"), by a word that puts it in
the past ("j'ai quitté la fonction publique", "j'étais artisan") or in a wish ("je veux me lancer
à mon compte", "devenir infirmière") does not count as a present trait. Several traits can be
present at once ("cadre au chômage", "salariée avec une RQTH"); the routing rules of the
knowledge base decide what they mean together.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

from bot.kb.langue import SituationWords
from bot.vocab import STATUS_TRAITS

__all__ = ["Situation", "SituationReader", "find_situation"]

MAX_CHARS = 4096
LOOK_BEHIND = 48  # characters before a match where a negation or a wish is looked for
LOOK_AHEAD = 8  # characters after a match where a negation is looked for
AGE_CONTEXT_BEFORE = 12
AGE_CONTEXT_AFTER = 20
MIN_AGE, MAX_AGE = 14, 80
YOUNG_MIN_AGE, YOUNG_MAX_AGE = 16, 25
EMPLOYER_KINDS = ("fp_etat", "fp_territoriale", "fp_hospitaliere")


@dataclass(frozen=True, slots=True)
class Situation:
    """Traits found (and those explicitly denied), the need, and an age if one was given."""

    traits: frozenset[str]
    denied: frozenset[str]
    need: str | None
    age: int | None


def _rx(patterns: tuple[str, ...]) -> re.Pattern[str]:
    return re.compile(r"\b(?:" + "|".join(patterns) + r")\b") if patterns else re.compile(r"(?!)")


class SituationReader:
    """The patterns of ``knowledge/langue/situation.yaml``, compiled once."""

    def __init__(self, words: SituationWords, normalize: Callable[[str], str]) -> None:
        self.normalize = normalize
        self.traits = {name: _rx(tuple(words.with_jobs(p) for p in pats)) for name, pats in words.traits.items()}
        self.needs = {name: _rx(pats) for name, pats in words.needs.items()}
        self.jobless = _rx(words.jobless)
        self.working = _rx(words.working)
        self.young = _rx(words.young)
        self.graduate = _rx(words.graduate)
        self.job_at_start = re.compile(words.with_jobs(words.job_at_start))
        self.contract_kept = re.compile(words.contract_kept)
        self.negation_before = re.compile(words.negation_before)
        self.negation_after = re.compile(words.negation_after)
        self.wish_before = re.compile(words.wish_before)
        self.age = re.compile(words.age)
        self.age_not_before = re.compile(words.age_not_before)
        self.age_not_after = re.compile(words.age_not_after)
        self.not_employee = re.compile(words.not_employee)
        self.clause_split = re.compile(words.clause_split, re.IGNORECASE)  # applied to the raw text
        self.not_enough = re.compile(words.not_enough)
        self.no_follow_up = re.compile(words.no_follow_up)

    def clauses(self, text: str) -> list[str]:
        """``text`` cut at punctuation and linking words, each piece normalized (empty pieces dropped)."""
        return [folded for folded in (self.normalize(piece) for piece in self.clause_split.split(text)) if folded]

    def negated(self, text: str, start: int, end: int) -> bool:
        before = text[max(0, start - LOOK_BEHIND) : start]
        after = text[end : end + LOOK_AHEAD]
        return bool(self.negation_before.search(before)) or bool(self.negation_after.match(after))

    def wished(self, text: str, start: int) -> bool:
        return bool(self.wish_before.search(text[max(0, start - LOOK_BEHIND) : start]))

    def present(self, pattern: re.Pattern[str], parts: list[str], *, wishes: bool = True) -> tuple[bool, bool]:
        """(found affirmatively in some clause, found only negated)."""
        found = denied = False
        for text in parts:
            for match in pattern.finditer(text):
                if self.negated(text, match.start(), match.end()):
                    denied = True
                elif wishes and self.wished(text, match.start()):
                    continue
                else:
                    found = True
        return found, denied and not found

    def find(self, text: str) -> Situation:
        """Traits, need and age found in ``text`` (pure; never raises)."""
        parts = self.clauses(text[:MAX_CHARS])
        whole = " ".join(parts)
        traits, denied = self._written_traits(parts)
        self._work_status(traits, denied, parts, whole)
        age = self.find_age(whole)
        graduate = bool(self.graduate.search(whole))
        self._youth(traits, parts, age, graduate=graduate)
        if not traits & STATUS_TRAITS and self.present(self.working, parts)[0]:
            traits.add("salarie")
        if "independant" in traits and "salarie" in traits and self.not_employee.search(whole):
            traits.discard("salarie")
        _refine(traits, graduate=graduate)
        return Situation(frozenset(traits), frozenset(denied - traits), self.need(parts), age)

    def _written_traits(self, parts: list[str]) -> tuple[set[str], set[str]]:
        """The traits of situation.yaml said in ``parts``, and those only said in the negative."""
        traits: set[str] = set()
        denied: set[str] = set()
        for trait, pattern in self.traits.items():
            found, only_denied = self.present(pattern, parts)
            if found:
                traits.add(trait)
            elif only_denied:
                denied.add(trait)
        return traits, denied

    def _work_status(self, traits: set[str], denied: set[str], parts: list[str], whole: str) -> None:
        """A job named at the start means employed; a lost job means job seeker (unless the contract goes on)."""
        # (a job named with another status told: "infirmière libérale", "infirmière à l'hôpital public")
        if not traits & STATUS_TRAITS and any(self.job_at_start.search(p) for p in parts):
            traits.add("salarie")
            denied.discard("salarie")
        if any(self.jobless.search(p) for p in parts):
            traits.add("demandeur_emploi")
            denied.discard("demandeur_emploi")
            if "salarie" in traits and not self.contract_kept.search(whole):
                traits.discard("salarie")

    def _youth(self, traits: set[str], parts: list[str], age: int | None, *, graduate: bool) -> None:
        """« jeune » from the words or the age said (a graduate's age alone does not make them one)."""
        young_words = self.present(self.young, parts, wishes=False)[0]
        if (age is not None and YOUNG_MIN_AGE <= age <= YOUNG_MAX_AGE and not graduate) or young_words:
            traits.add("jeune")
        if age is not None and age > YOUNG_MAX_AGE:
            traits.discard("jeune")

    def find_age(self, whole: str) -> int | None:
        for match in self.age.finditer(whole):
            value = int(next(g for g in match.groups() if g))
            prefix = whole[max(0, match.start() - AGE_CONTEXT_BEFORE) : match.start()]
            if self.age_not_before.search(prefix):
                continue
            if self.age_not_after.match(whole[match.end() : match.end() + AGE_CONTEXT_AFTER]):
                continue
            if MIN_AGE <= value <= MAX_AGE:
                return value
        return None

    def need(self, parts: list[str]) -> str | None:
        """ "accompagnement" (several meetings) or "ponctuel" (one), or None when the message says neither."""
        follow = "suivi" in self.needs and self.present(self.needs["suivi"], parts, wishes=False)[0]
        ponctual = False
        pattern = self.needs.get("ponctuel")
        for text in parts if pattern is not None else ():
            if pattern is not None and pattern.search(text) and not self.not_enough.search(text):
                for match in pattern.finditer(text):
                    if not self.negated(text, match.start(), match.end()) or match.group().startswith("pas"):
                        ponctual = True
        refused = any(self.no_follow_up.search(p) for p in parts)
        if follow and not refused:
            return "accompagnement"
        if ponctual:
            return "ponctuel"
        project = "projet" in self.needs and self.present(self.needs["projet"], parts, wishes=False)[0]
        return "accompagnement" if project else None


def _refine(traits: set[str], *, graduate: bool) -> None:
    """The details that refine a door (issue 12), read with the traits of situation.yaml.

    A soldier or a "titulaire" is a public agent; an employer kind counts only for a public agent
    (and only when one kind was said); a notice period or seasonal work means employed; a graduate
    is not a student.
    """
    if traits & {"titulaire", "militaire"}:
        traits.add("agent_public")
    traits.discard("titulaire")
    kinds = [k for k in EMPLOYER_KINDS if k in traits]
    if "agent_public" not in traits or len(kinds) > 1 or "militaire" in traits:
        traits.difference_update(kinds)
    if "preavis" in traits and not traits & {"independant", "agent_public"}:
        traits.add("salarie")
        traits.discard("demandeur_emploi")
    if "saisonnier" in traits and not traits & {"independant", "agent_public", "demandeur_emploi"}:
        traits.add("salarie")
    if graduate and "etudiant" not in traits:
        traits.add("diplome")


def find_situation(text: str, reader: SituationReader) -> Situation:
    """Traits, need and age found in ``text`` with ``reader``'s patterns (pure; never raises)."""
    return reader.find(text)
