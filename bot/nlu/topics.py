"""The topic gate: a work question that is not about the CEP gets « je ne peux pas répondre à cela ».

A message that names a work subject the knowledge does not cover (pay, dismissal, leave,
unemployment benefits, retirement...: ``knowledge/langue/hors_sujet.yaml``), asks something, and
does not speak of the CEP (an adviser, an accompaniment, a career change...) is about that
subject, not about the CEP: it gets no CEP answer and is not taken as a situation. The words
are data; this module only holds the rule.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

from bot.kb.langue import OtherTopics

__all__ = ["OffTopic", "TopicGate"]

NEVER = r"(?!)"


def _rx(patterns: tuple[str, ...]) -> re.Pattern[str]:
    return re.compile(r"\b(?:" + "|".join(patterns) + r")\b") if patterns else re.compile(NEVER)


@dataclass(frozen=True, slots=True)
class OffTopic:
    """A work subject the bot does not answer, and the reply that says where to ask."""

    id: str
    reply: str


class TopicGate:
    """Built once from the language knowledge; :meth:`check` is pure."""

    def __init__(self, words: OtherTopics, normalize: Callable[[str], str], asking: re.Pattern[str]) -> None:
        self.normalize = normalize
        self.asking = asking
        self.cep = _rx(words.cep)
        self.answer = words.answer
        # every subject in the file's order, with what gives the message back to the CEP: its « sauf », or the
        # general words of the CEP (« du_cep ») for a subject without one (a subject with « sauf » is declined
        # even where a training or the CPF is named)
        self.topics = [
            (topic, _rx(topic.patterns), _rx(topic.unless) if topic.unless else self.cep) for topic in words.topics
        ]
        other = words.other
        # the reply to a message the third reader is sure is a work question outside the CEP (it resembles the
        # « hors_sujet » examples); one that names the CEP gets it with the CEP questions it is near below
        self.other = (
            None if other is None else OffTopic(other.id, self.answer.format(sujet=other.subject, ou=other.where))
        )

    def names_the_cep(self, text: str) -> bool:
        """Whether ``text`` says it is about the CEP (an adviser, a reconversion, a training...)."""
        return bool(self.cep.search(self.normalize(text)))

    def check(self, text: str) -> OffTopic | None:
        """The subject ``text`` asks about when it is a work question outside the CEP, else None.

        The first subject of the file that the message names and that its own « sauf », or for a subject
        without one the general words of the CEP, do not give back to the CEP.
        """
        spelled = self.normalize(text)
        if not ("?" in text or self.asking.search(spelled)):
            return None
        return self.subject(spelled)

    def named_in(self, text: str) -> bool:
        """Whether ``text`` names a work subject the bot does not answer, asked or not (see :meth:`check`)."""
        return self.subject(self.normalize(text)) is not None

    def subject(self, spelled: str) -> OffTopic | None:
        """The first subject the normalized text ``spelled`` names and nothing in it gives back to the CEP."""
        for topic, rx, back in self.topics:
            if rx.search(spelled) and not back.search(spelled):
                return OffTopic(topic.id, self.answer.format(sujet=topic.subject, ou=topic.where))
        return None
