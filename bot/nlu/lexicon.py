"""Words of a message as the matcher compares them, from the language knowledge (plain data).

Text is folded (lowercase, no accents, no punctuation), texting forms are spelled out from one
table ("ki" -> "qui", "jsuis" -> "je suis"), expressions are replaced by the word they stand for
("feu vert" -> accord), stop words dropped, synonyms mapped ("patron" -> employeur) and words cut
to a light stem ("financer", "financement" -> "financ"). Every word list, expression and ending
comes from ``knowledge/langue/*.yaml``: this module only holds the algorithm.

A long word the language files do not know, one letter away (two for a very long word) from a
word their patterns spell out, is read as that word before the patterns run: "période de
reconverison" meets the expression of « période de reconversion », "médecine du travial" the
subject of occupational health; an article stuck to such a word is cut off ("pension
dinvalidite"). The stem reader corrects typos too, but after the expressions, the situation
patterns and the topic gate have read the text.
"""

from __future__ import annotations

import re
import sys
from collections import defaultdict
from collections.abc import Callable, Iterable
from functools import lru_cache, partial

from rapidfuzz import process
from rapidfuzz.distance import OSA

from bot.kb.langue import Language, expand_group
from bot.nlu.phrases import PhraseReplacer
from bot.textnorm import fold

__all__ = ["Lexicon"]

MIN_STEM = 4  # a stem keeps at least this many letters
SHORT_WORD = 4  # words this short are not stemmed
MIN_WORD = 2  # shorter words say nothing
CACHE_SIZE = 65536
NEVER = r"(?!)"
DOUBLED_ENDINGS = "lnmtrsp"  # "demissionn" -> "demission"
PLURAL_MARKS = "sx"
VERB_ENDING = "ent"  # "-ent" is cut only from words long enough: "vent" keeps it
VERB_ENDING_MIN = 5
TYPO_LENGTH = 7  # a word this long the language files do not know may be a typo of a word their patterns spell
TYPO_EDITS_LONG = 10  # from this length, two edits make a typo (one below)
TYPO_PREFIX = 2  # typos rarely touch the first letters
OPTIONAL_LETTER = re.compile(r"([a-z])\?")  # a letter a pattern makes optional ("periodes?")
# a word a pattern spells out whole: letters not glued to regex syntax ("accompagn\w*" is a stem, not a word)
PATTERN_WORD = re.compile(r"(?<![\\\w])[a-z]{" + str(TYPO_LENGTH) + r",}(?![\w\\(\[?*+{])")


class Lexicon:
    """Normalizer, stemmer and synonym map built once from a :class:`Language`."""

    def __init__(self, language: Language) -> None:
        self.language = language
        self.texting = dict(language.texting)
        self.fixes = [(re.compile(e.pattern), e.meaning) for e in language.texting_fixes]
        self.elision = re.compile(language.elision)
        self.stopwords = language.stopwords
        self.question_words = language.question_words
        self.synonyms = dict(language.synonyms)
        endings = sorted(language.endings, key=len, reverse=True)
        self.ending_rx = re.compile("(?:" + "|".join(map(re.escape, endings)) + ")$") if endings else re.compile(NEVER)
        self.stem_synonyms = {self.stem(k): v for k, v in self.synonyms.items() if self.stem(k) not in self.synonyms}
        expressions = language.expressions
        self.phrases = PhraseReplacer([e.pattern for e in expressions], [f" {e.meaning} " for e in expressions])
        self.asking = re.compile(language.asking)
        self.to_bot = re.compile(language.to_bot)
        self.asks_here = re.compile(language.asks_here, re.IGNORECASE)  # applied to the raw text
        self.same_question = re.compile(language.same_question)  # applied to a normalized piece
        # cached around a function of the tables alone: a cached bound method would keep the lexicon (and
        # its language, with every example message) alive in a reference cycle after a reload
        self.mend = lru_cache(maxsize=CACHE_SIZE)(_mender(language))
        self.normalize_once = partial(_normalize, self.texting, tuple(self.fixes), self.mend, fold.__wrapped__)
        self.normalize = lru_cache(maxsize=CACHE_SIZE)(
            partial(_normalize, self.texting, tuple(self.fixes), self.mend, fold)
        )
        # the same text is read again for each reader and each part of a message: its expressions are
        # replaced once (the replacer holds no reference to the lexicon: no cycle)
        self.replace = lru_cache(maxsize=CACHE_SIZE)(self.phrases.sub)
        self.lemmas = language.lemmas  # "inscris" -> "inscrire", for words known no other way

    # -- text ------------------------------------------------------------------------------------

    def clear_caches(self) -> None:
        """Forget the texts read so far (benchmarks time each message as if it were new)."""
        self.normalize.cache_clear()
        self.replace.cache_clear()
        self.mend.cache_clear()

    def stem(self, word: str) -> str:
        """A crude French stem: enough to merge plural, feminine and verb forms."""
        if len(word) <= SHORT_WORD or word.isdigit():
            return word
        if word[-1] in PLURAL_MARKS:
            word = word[:-1]
        match = self.ending_rx.search(word, MIN_STEM)
        if match is not None:
            cut = match.start()
            if match.group() != VERB_ENDING or cut >= VERB_ENDING_MIN:
                word = word[:cut]
        if len(word) > MIN_STEM and word[-1] == word[-2] and word[-1] in DOUBLED_ENDINGS:
            word = word[:-1]
        return word

    def canonical(self, word: str) -> str | None:
        """The stem ``word`` counts as, or None for a word that says nothing."""
        word = self.synonyms.get(word, word)
        if word in self.stopwords or len(word) < MIN_WORD or word.isdigit():
            return None
        if word in self.question_words:
            return word
        stemmed = self.stem(word)
        return self.stem(self.stem_synonyms.get(stemmed, self.synonyms.get(stemmed, word)))

    def stems(
        self, spelled: str, words: dict[str, str] | None = None, replace: Callable[[str], str] | None = None
    ) -> list[str]:
        """The stems of a normalized text; ``words`` receives, for each stem, the word it came from."""
        out = []
        for word in (replace or self.replace)(spelled).split():
            canonical = self.canonical(word)
            if canonical is not None:
                out.append(canonical)
                if words is not None:
                    words.setdefault(canonical, word)
        return out

    def surface_words(self, text: str) -> list[str]:
        """The words of ``text`` that say something, expressions replaced, not stemmed."""
        return [w for w in self.replace(self.normalize(text)).split() if w not in self.stopwords]

    def content_stems(self, text: str) -> list[str]:
        """The stems of ``text`` that count for matching, in order."""
        return self.stems(self.normalize(text))

    def read_once(self, text: str) -> tuple[tuple[str, ...], tuple[str, ...]]:
        """:meth:`content_stems` and :meth:`surface_words` of a text read once (an example message, at load):
        normalized once for both, and no cache keeps the text; each word is the one string of its spelling
        (thousands of messages share them)."""
        replaced = self.phrases.sub(self.normalize_once(text))
        said = tuple(sys.intern(w) for w in replaced.split() if w not in self.stopwords)
        return tuple(map(sys.intern, self.stems(replaced, replace=_as_is))), said

    def concept_groups(self, groups: Iterable[str]) -> list[list[frozenset[str]]]:
        """Each concept line as alternatives, each alternative the stems it needs (all of them)."""
        out = []
        for group in groups:
            expanded = expand_group(group, self.language.groups)
            alternatives = [frozenset(self.content_stems(words)) for words in expanded.split("|")]
            out.append([a for a in alternatives if a])
        return out


def _as_is(text: str) -> str:
    return text


def _mender(language: Language) -> Callable[[str], str]:
    """The function that reads a long unknown word as the pattern word it is a typo of (else as itself)."""
    patterns = [e.pattern for e in language.expressions]
    situation = language.situation
    patterns += [*situation.jobs, *(p for ps in situation.traits.values() for p in ps), *situation.jobless]
    patterns += [*situation.working]
    topics = language.other_topics
    patterns += [*topics.cep, *(p for topic in topics.topics for p in (*topic.patterns, *topic.unless))]
    # a letter a pattern makes optional ("periodes?", "demissionn?er"): the words with it and without it
    spelled = [variant for p in patterns for variant in (OPTIONAL_LETTER.sub("", p), OPTIONAL_LETTER.sub(r"\1", p))]
    targets = {word for pattern in spelled for word in PATTERN_WORD.findall(pattern)}
    known = set(targets) | set(language.stopwords) | set(language.synonyms) | set(language.lemmas)
    known |= set(language.lemmas.values()) | set(language.synonyms.values())
    for form, meaning in language.texting.items():
        known.add(form)
        known.update(meaning.split())
    by_prefix: dict[str, list[str]] = defaultdict(list)
    for word in sorted(targets):
        by_prefix[word[:TYPO_PREFIX]].append(word)

    elision = re.compile(language.elision)

    def mend(word: str) -> str:
        if word in known or not word.isalpha():
            return word
        cut = elision.match(word)
        if cut is not None and word[cut.end() :] in targets:
            return f"{word[: cut.end()]} {word[cut.end() :]}"  # "dinvalidite": the article stuck to a pattern word
        if len(word) < TYPO_LENGTH:
            return word
        edits = 1 if len(word) < TYPO_EDITS_LONG else 2
        found = process.extractOne(word, by_prefix.get(word[:TYPO_PREFIX], ()), scorer=OSA.distance, score_cutoff=edits)
        return word if found is None else found[0]

    return mend


def _normalize(
    texting: dict[str, str],
    fixes: tuple[tuple[re.Pattern[str], str], ...],
    mend: Callable[[str], str],
    folder: Callable[[str], str],
    text: str,
) -> str:
    """Folded ``text`` with texting forms spelled out ("ki paye" -> "qui paye") and typos of pattern words mended."""
    spelled = " ".join(mend(w) for w in " ".join(texting.get(w, w) for w in folder(text).split()).split())
    for rx, meaning in fixes:
        spelled = rx.sub(meaning, spelled)
    return " ".join(spelled.split())
