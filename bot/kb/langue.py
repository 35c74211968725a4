"""The language knowledge (knowledge/langue/*.yaml): read, checked, turned into plain data.

The understanding layer builds its indexes from :class:`Language`; nothing here knows how they
match. What is checked: every file is there and well formed, every pattern compiles, no word has
two meanings (a texting form or a synonym given twice, a word both meaningful and "sans
importance"), every group a question's concepts call (« @nom ») exists, and every question has
concepts (a warning: without them the matcher has only its phrasings to go on).
"""

from __future__ import annotations

import difflib
import hashlib
import re
import unicodedata
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from types import MappingProxyType
from typing import Any

from bot.schema import Problem
from bot.vocab import DetailTrait, Trait
from bot.yamlpos import Pos, PosDict, PosList, YamlSyntaxError, load_yaml

__all__ = [
    "LANGUAGE_FILES",
    "Examples",
    "Expression",
    "Language",
    "OtherTopic",
    "OtherTopics",
    "SituationWords",
    "check_concepts",
    "check_examples",
    "expand_group",
    "folded",
    "read_language",
]

LANGUAGE_DIR = "langue"
LANGUAGE_FILES = (
    "textos.yaml",
    "mots.yaml",
    "synonymes.yaml",
    "expressions.yaml",
    "concepts.yaml",
    "situation.yaml",
    "hors_sujet.yaml",
    "exemples.yaml",
)
EXAMPLES_FILE = "exemples.yaml"
JOBS_PLACEHOLDER = "{metiers}"
OTHER_TOPIC_ID = "autre"  # the subject of hors_sujet.yaml used for a work question no subject names
LEMMAS_FILE = "lemmes.tsv"
LEMMA_FIELDS = 2
GROUP_REF = "@"
REGEX_HINT = (
    "corrigez le motif (parenthèses appariées, « \\ » devant les caractères spéciaux) : voir l'en-tête du fichier"
)


@dataclass(frozen=True, slots=True)
class Expression:
    """A pattern of words and what it stands for (" " to drop it)."""

    pattern: str
    meaning: str


@dataclass(frozen=True, slots=True)
class SituationWords:
    """Patterns that tell a person's situation and need (see knowledge/langue/situation.yaml)."""

    jobs: tuple[str, ...] = ()
    traits: Mapping[str, tuple[str, ...]] = field(default_factory=lambda: MappingProxyType({}))
    jobless: tuple[str, ...] = ()
    contract_kept: str = r"(?!)"
    job_at_start: str = r"(?!)"
    working: tuple[str, ...] = ()
    negation_before: str = r"(?!)"
    negation_after: str = r"(?!)"
    wish_before: str = r"(?!)"
    age: str = r"(?!)"
    age_not_before: str = r"(?!)"
    age_not_after: str = r"(?!)"
    young: tuple[str, ...] = ()
    graduate: tuple[str, ...] = ()
    not_employee: str = r"(?!)"
    needs: Mapping[str, tuple[str, ...]] = field(default_factory=lambda: MappingProxyType({}))
    clause_split: str = r"(?!)"
    not_enough: str = r"(?!)"
    no_follow_up: str = r"(?!)"

    def with_jobs(self, pattern: str) -> str:
        """``pattern`` with ``{metiers}`` replaced by the alternation of job names."""
        return pattern.replace(JOBS_PLACEHOLDER, "|".join(self.jobs))


@dataclass(frozen=True, slots=True)
class OtherTopic:
    """A work subject the bot does not answer (pay, dismissal, leave...) and where to ask instead."""

    id: str
    subject: str
    where: str
    source: str
    patterns: tuple[str, ...]
    # « sauf »: a subject that has them is declined even in a message that speaks of a training or the
    # CPF (« du_cep »), unless one of these is there too (the CEP itself, an adviser)
    unless: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class OtherTopics:
    """knowledge/langue/hors_sujet.yaml: what names the CEP, the reply, the other subjects."""

    cep: tuple[str, ...] = ()
    answer: str = ""
    topics: tuple[OtherTopic, ...] = ()
    other: OtherTopic | None = None  # « autre »: a work question like the examples of exemples.yaml, no subject named


@dataclass(frozen=True, slots=True)
class Examples:
    """knowledge/langue/exemples.yaml: messages as people write them, each with what it asks."""

    questions: Mapping[str, tuple[str, ...]] = field(default_factory=lambda: MappingProxyType({}))
    lines: Mapping[str, int] = field(default_factory=lambda: MappingProxyType({}))  # where each question's block is
    other_topics: tuple[str, ...] = ()  # work questions the knowledge does not cover
    nothing: tuple[str, ...] = ()  # messages that ask nothing


EXAMPLE_KEYS = {"questions": "questions", "hors_sujet": "other_topics", "rien": "nothing"}
EXAMPLE_HINT = 'une ligne par message, « - "le message" » (guillemets droits ; un guillemet dans le message : \\")'


@dataclass(frozen=True, slots=True)
class Language:
    """Everything the understanding layer knows of French, as plain data."""

    texting: Mapping[str, str] = field(default_factory=lambda: MappingProxyType({}))
    texting_fixes: tuple[Expression, ...] = ()
    elision: str = r"(?!)"  # an article or pronoun stuck to the next word without its apostrophe ("laccord")
    stopwords: frozenset[str] = frozenset()
    question_words: frozenset[str] = frozenset()
    cues: tuple[str, ...] = ()  # words that say how something is asked, not what about
    asking: str = r"(?!)"
    to_bot: str = r"(?!)"
    asks_here: str = r"(?!)"
    same_question: str = r"(?!)"  # after "et" / "ou": the words that go on with the same question ("et toucher")
    endings: tuple[str, ...] = ()
    synonyms: Mapping[str, str] = field(default_factory=lambda: MappingProxyType({}))
    expressions: tuple[Expression, ...] = ()
    groups: Mapping[str, str] = field(default_factory=lambda: MappingProxyType({}))
    situation: SituationWords = field(default_factory=SituationWords)
    other_topics: OtherTopics = field(default_factory=OtherTopics)
    lemmas: Mapping[str, str] = field(default_factory=lambda: MappingProxyType({}))  # folded form -> folded lemma
    examples: Examples = field(default_factory=Examples)
    lexicon_version: str = ""  # hash of the files a message's stems depend on: every file but the examples


SITUATION_PATTERNS = {
    "contrat_en_cours": "contract_kept",
    "metier_en_tete": "job_at_start",
    "negation_avant": "negation_before",
    "negation_apres": "negation_after",
    "souhait_avant": "wish_before",
    "age": "age",
    "age_pas_avant": "age_not_before",
    "age_pas_apres": "age_not_after",
    "non_salarie": "not_employee",
    "coupures": "clause_split",
    "pas_assez": "not_enough",
    "pas_de_suivi": "no_follow_up",
}
SITUATION_LISTS = {
    "metiers": "jobs",
    "sans_emploi": "jobless",
    "travail": "working",
    "jeune": "young",
    "diplome": "graduate",
}
MOTS_PATTERNS = {"interrogation": "asking", "au_bot": "to_bot", "debut_de_question": "asks_here"}


class _Reader:
    """Reads the files of one folder, collecting problems (French, with file and line)."""

    def __init__(self, folder: Path, problems: list[Problem], hasher: Any | None) -> None:
        self.folder = folder
        self.problems = problems
        self.hasher = hasher if hasher is not None else hashlib.sha256()
        self.lexicon = hashlib.sha256()  # the files a message's stems depend on (all but the examples)
        self.file = ""

    def error(self, pos: Pos | None, message: str, hint: str, severity: str = "error") -> None:
        where = pos or Pos(1, 1)
        self.problems.append(Problem(self.file, where.line, where.column, message, hint, severity))

    def parse(self, name: str) -> PosDict | None:
        path = self.folder / name
        self.file = f"{self.folder.name}/{name}" if self.folder.name == LANGUAGE_DIR else str(path)
        self.file = f"knowledge/{self.file}" if self.folder.name == LANGUAGE_DIR else self.file
        if not path.exists():
            self.error(None, "fichier manquant", f"remettez le fichier {LANGUAGE_DIR}/{name} livré avec le projet")
            return None
        raw = path.read_bytes()
        self.hasher.update(f"{LANGUAGE_DIR}/{name}".encode() + b"\0" + raw)
        if name != EXAMPLES_FILE:
            self.lexicon.update(f"{name}\0".encode() + raw)
        try:
            data = load_yaml(raw.decode("utf-8"))
        except UnicodeDecodeError:
            self.error(None, "caractère illisible (le fichier n'est pas en UTF-8)", "enregistrez le fichier en UTF-8")
            return None
        except YamlSyntaxError as exc:
            self.error(exc.pos, exc.message, exc.hint)
            return None
        if not isinstance(data, PosDict):
            self.error(None, "le fichier doit contenir des clés « nom: valeur »", "reprenez la forme du fichier livré")
            return None
        for key, pos in data.duplicate_keys:
            self.error(pos, f"« {key} » est écrit deux fois", "gardez une seule ligne pour ce mot ou cette clé")
        return data

    def pattern(self, data: PosDict, key: str, value: Any = None, pos: Pos | None = None, jobs: str = "") -> str:
        """A pattern that compiles, or one that never matches after reporting the problem."""
        text = data.get(key) if value is None else value
        where = pos or data.key_pos.get(key)
        if not isinstance(text, str) or not text.strip():
            self.error(where or data.pos, f"« {key} » : un motif (texte entre apostrophes) est attendu", REGEX_HINT)
            return r"(?!)"
        problem = _regex_problem(text.replace(JOBS_PLACEHOLDER, jobs or "x"))
        if problem is not None:
            self.error(where, f"motif invalide : {problem}", REGEX_HINT)
            return r"(?!)"
        return text

    def patterns(self, data: PosDict, key: str, jobs: str = "") -> tuple[str, ...]:
        items = data.get(key)
        if not isinstance(items, PosList):
            self.error(
                data.key_pos.get(key, data.pos),
                f"« {key} » : une liste de motifs est attendue",
                "une ligne par motif, commençant par « - »",
            )
            return ()
        return tuple(self.pattern(data, key, item, pos, jobs) for item, pos in zip(items, items.item_pos, strict=True))

    def words(self, data: PosDict, key: str) -> tuple[str, ...]:
        value = data.get(key)
        if isinstance(value, str):
            return tuple(value.split())
        if isinstance(value, list):
            return tuple(str(v) for v in value)
        self.error(
            data.key_pos.get(key, data.pos),
            f"« {key} » : une liste de mots est attendue",
            "écrivez les mots séparés par des espaces",
        )
        return ()

    def expressions(self, data: PosDict, key: str) -> tuple[Expression, ...]:
        items = data.get(key) or []
        out = []
        for item, pos in zip(items, getattr(items, "item_pos", [data.pos] * len(items)), strict=True):
            if not isinstance(item, PosDict) or "motif" not in item or "sens" not in item:
                self.error(
                    pos,
                    "chaque expression a un « motif » et un « sens »",
                    "- motif: '...'  puis, dessous,  sens: '...'",
                )
                continue
            pattern = self.pattern(item, "motif")
            out.append(Expression(pattern, str(item["sens"] or " ")))
        return tuple(out)


def _meanings(reader: _Reader, data: PosDict, table: str) -> dict[str, str]:
    """word -> meaning from ``table`` (meaning: [words]); a word given two meanings is an error."""
    out: dict[str, str] = {}
    where: dict[str, int] = {}
    groups = data.get(table) or {}
    _duplicates(reader, groups)
    for meaning, words in groups.items():
        pos = groups.key_pos.get(meaning) if isinstance(groups, PosDict) else None
        for raw in words if isinstance(words, list) else []:
            word = str(raw)
            if word in out and out[word] != meaning:
                reader.error(
                    pos,
                    f"« {word} » a deux sens : « {out[word]} » (ligne {where[word]}) et « {meaning} »",
                    "gardez le mot sous un seul sens",
                )
                continue
            out[word] = str(meaning)
            where[word] = pos.line if pos else 1
    for word in reader.words(data, "sans_importance") if "sans_importance" in data else ():
        if word in out:
            reader.error(
                data.key_pos.get("sans_importance"),
                f"« {word} » est à la fois un synonyme de « {out[word]} » et sans importance",
                "gardez-le à un seul endroit",
            )
            continue
        out[word] = ""
    return out


def _duplicates(reader: _Reader, table: Any) -> None:
    for key, pos in getattr(table, "duplicate_keys", ()):
        reader.error(
            pos, f"« {key} » est écrit deux fois", "gardez une seule ligne pour ce mot (la dernière l'emporterait)"
        )


def _texting(reader: _Reader, data: PosDict) -> dict[str, str]:
    forms = data.get("formes") or {}
    _duplicates(reader, forms)
    out: dict[str, str] = {}
    for form, meaning in forms.items():
        if not isinstance(meaning, str):
            pos = forms.key_pos.get(form) if isinstance(forms, PosDict) else None
            reader.error(pos, f"« {form} » : le sens doit être un texte", 'écrivez  forme: "ce qu\'elle veut dire"')
            continue
        out[str(form)] = meaning
    return out


def _situation(reader: _Reader, data: PosDict) -> SituationWords:
    jobs = reader.patterns(data, "metiers")
    alternation = "|".join(jobs)
    values: dict[str, Any] = {"jobs": jobs}
    for key, attr in SITUATION_LISTS.items():
        if key != "metiers":
            values[attr] = reader.patterns(data, key, alternation)
    for key, attr in SITUATION_PATTERNS.items():
        values[attr] = reader.pattern(data, key, jobs=alternation)
    for key, attr in (("traits", "traits"), ("besoins", "needs")):
        table = data.get(key)
        if not isinstance(table, PosDict):
            reader.error(
                data.key_pos.get(key, data.pos),
                f"« {key} » : un bloc par nom est attendu",
                "reprenez la forme du fichier livré",
            )
            values[attr] = MappingProxyType({})
            continue
        values[attr] = MappingProxyType({str(name): reader.patterns(table, name, alternation) for name in table})
    return SituationWords(**values)


def read_language(knowledge: Path, problems: list[Problem], hasher: Any | None = None) -> Language:
    """The language files of ``knowledge/langue``; problems are appended to ``problems``."""
    reader = _Reader(knowledge / LANGUAGE_DIR, problems, hasher)
    values: dict[str, Any] = {}
    steps: list[tuple[str, Callable[[PosDict], None]]] = [
        (
            "textos.yaml",
            lambda d: values.update(
                texting=MappingProxyType(_texting(reader, d)),
                texting_fixes=reader.expressions(d, "corrections"),
                elision=reader.pattern(d, "elision") if "elision" in d else r"(?!)",  # optional
            ),
        ),
        ("mots.yaml", lambda d: _mots(reader, d, values)),
        ("synonymes.yaml", lambda d: values.update(synonyms=MappingProxyType(_meanings(reader, d, "synonymes")))),
        ("expressions.yaml", lambda d: values.update(expressions=reader.expressions(d, "expressions"))),
        (
            "concepts.yaml",
            lambda d: values.update(
                groups=MappingProxyType({str(k): str(v) for k, v in (d.get("groupes") or {}).items()})
            ),
        ),
        ("situation.yaml", lambda d: values.update(situation=_situation(reader, d))),
        ("hors_sujet.yaml", lambda d: values.update(other_topics=_other_topics(reader, d))),
        (EXAMPLES_FILE, lambda d: values.update(examples=_examples(reader, d))),
    ]
    for name, step in steps:
        data = reader.parse(name)
        if data is not None:
            step(data)
    values["lemmas"] = MappingProxyType(_lemmas(reader))
    return Language(**values, lexicon_version=reader.lexicon.hexdigest())


# Every check compiles the few hundred patterns of knowledge/langue/, more than re's own cache keeps:
# a reload or a check after an edit would compile them all again (most of a check's time).
PATTERNS_REMEMBERED = 4096


@lru_cache(maxsize=PATTERNS_REMEMBERED)
def _regex_problem(pattern: str) -> str | None:
    """Why ``pattern`` does not compile (re's message), or None when it does."""
    try:
        re.compile(pattern)
    except re.error as exc:
        return exc.msg
    return None


def _lemmas(reader: _Reader) -> dict[str, str]:
    """lemmes.tsv: "form<TAB>lemma" lines (# comments); optional, a few thousand lines."""
    path = reader.folder / LEMMAS_FILE
    if not path.exists():
        return {}
    raw = path.read_bytes()
    reader.hasher.update(f"{LANGUAGE_DIR}/{LEMMAS_FILE}".encode() + b"\0" + raw)
    reader.lexicon.update(raw)
    reader.file = f"knowledge/{LANGUAGE_DIR}/{LEMMAS_FILE}"
    out: dict[str, str] = {}
    for number, line in enumerate(raw.decode("utf-8", errors="replace").splitlines(), start=1):
        if not line.strip() or line.startswith("#"):
            continue
        fields = line.split("\t")
        if len(fields) != LEMMA_FIELDS or not all(f.strip() for f in fields):
            reader.error(Pos(number, 1), "ligne mal formée", "écrivez la forme, une tabulation, puis la forme de base")
            continue
        form, lemma = (f.strip() for f in fields)
        if form in out and out[form] != lemma:
            reader.error(
                Pos(number, 1),
                f"« {form} » a deux formes de base : « {out[form]} » et « {lemma} »",
                "gardez une seule ligne pour cette forme",
            )
            continue
        out[form] = lemma
    return out


def _other_topics(reader: _Reader, data: PosDict) -> OtherTopics:
    topics = []
    items = data.get("sujets") or []
    for item, pos in zip(items, getattr(items, "item_pos", [data.pos] * len(items)), strict=True):
        topic = _other_topic(reader, item, pos, ("id", "sujet", "ou", "source", "motifs"))
        if topic is not None:
            topics.append(topic)
    answer = str(data.get("reponse") or "")
    for name in ("{sujet}", "{ou}"):
        if name not in answer:
            reader.error(
                data.key_pos.get("reponse", data.pos),
                f"la réponse doit contenir {name}",
                "gardez {sujet} et {ou} dans le texte",
            )
    other = _other_topic(reader, data.get("autre"), data.key_pos.get("autre", data.pos), ("sujet", "ou", "source"))
    return OtherTopics(reader.patterns(data, "du_cep"), answer, tuple(topics), other)


def _other_topic(reader: _Reader, item: Any, pos: Pos, keys: tuple[str, ...]) -> OtherTopic | None:
    """One subject of hors_sujet.yaml (a block of « sujets », or « autre »), or None after reporting it."""
    missing = [k for k in keys if not isinstance(item, PosDict) or not item.get(k)]
    if missing:
        reader.error(
            pos,
            f"sujet incomplet : il manque {', '.join(missing)}",
            f"ce bloc a {', '.join(keys)} (voir l'en-tête du fichier)",
        )
        return None
    if not str(item["source"]).startswith("https://"):
        reader.error(
            item.key_pos.get("source"),
            "la source doit être une adresse https://",
            "indiquez la page publique qui justifie l'adresse donnée",
        )
    return OtherTopic(
        str(item.get("id") or OTHER_TOPIC_ID),
        str(item["sujet"]),
        str(item["ou"]),
        str(item["source"]),
        reader.patterns(item, "motifs") if "motifs" in keys else (),
        reader.patterns(item, "sauf") if "motifs" in keys and "sauf" in item else (),
    )


def _mots(reader: _Reader, data: PosDict, values: dict[str, Any]) -> None:
    values["stopwords"] = frozenset(reader.words(data, "mots_vides"))
    values["question_words"] = frozenset(reader.words(data, "mots_interrogatifs"))
    values["endings"] = reader.words(data, "terminaisons")
    values["cues"] = reader.words(data, "mots_de_demande") if "mots_de_demande" in data else ()
    for key, attr in MOTS_PATTERNS.items():
        values[attr] = reader.pattern(data, key)
    if "meme_question" in data:  # optional
        values["same_question"] = reader.pattern(data, "meme_question")


def expand_group(text: str, groups: Mapping[str, str]) -> str:
    """A concept line with its « @nom » references replaced by the groups they name."""
    return "|".join(
        groups.get(part[len(GROUP_REF) :], part) if part.startswith(GROUP_REF) else part for part in text.split("|")
    )


def _examples(reader: _Reader, data: PosDict) -> Examples:
    """The example messages, each kept once: one message filed under two labels is an error."""
    for key in data:
        if key not in EXAMPLE_KEYS:
            reader.error(
                data.key_pos.get(key),
                f"« {key} » n'est pas une partie de ce fichier",
                f"les parties sont : {', '.join(EXAMPLE_KEYS)} (voir l'en-tête)",
            )
    seen: dict[str, tuple[str, int]] = {}  # message, folded -> (label, line)

    def messages(items: Any, where: Pos, label: str, shown: str) -> tuple[str, ...]:
        if not isinstance(items, PosList):
            reader.error(where, f"« {shown} » : une liste de messages est attendue", EXAMPLE_HINT)
            return ()
        kept = []
        for item, pos in zip(items, items.item_pos, strict=True):
            if not isinstance(item, str) or not item.strip():
                reader.error(pos, f"« {shown} » : un message entre guillemets est attendu", EXAMPLE_HINT)
                continue
            key = folded(item)
            if key in seen:
                other, line = seen[key]
                if other == label:
                    reader.error(
                        pos, f"ce message est déjà écrit ligne {line}", "retirez l'une des deux lignes", "warning"
                    )
                else:
                    reader.error(
                        pos,
                        f"ce message est aussi rangé sous « {other} » (ligne {line})",
                        "gardez-le sous la question qu'il pose et retirez l'autre ligne",
                    )
                continue
            seen[key] = (label, pos.line)
            kept.append(item)
        return tuple(kept)

    questions: dict[str, tuple[str, ...]] = {}
    lines: dict[str, int] = {}
    block = data.get("questions")
    if block is not None and not isinstance(block, PosDict):
        reader.error(
            data.key_pos.get("questions"),
            "« questions » : un bloc par question est attendu",
            "l'identifiant de la question suivi de « : », puis ses messages dessous, en retrait",
        )
    elif block is not None:
        for key, pos in block.duplicate_keys:
            reader.error(pos, f"la question « {key} » a deux blocs", "réunissez ses messages sous un seul bloc")
        for qid, items in block.items():
            lines[str(qid)] = block.key_pos[qid].line
            questions[str(qid)] = messages(items, block.key_pos[qid], str(qid), str(qid))
    other = {
        attr: messages(data[key], data.key_pos[key], f"({key})", key)
        for key, attr in EXAMPLE_KEYS.items()
        if key != "questions" and key in data
    }
    return Examples(MappingProxyType(questions), MappingProxyType(lines), **other)


def folded(text: str) -> str:
    """A message as compared for duplicates: lower case, no accents, words only."""
    plain = unicodedata.normalize("NFKD", text.casefold()).encode("ascii", "ignore").decode()
    return " ".join(re.findall(r"\w+", plain))


def check_examples(questions: Iterable[str], language: Language, file: str, problems: list[Problem]) -> None:
    """Every question the examples are filed under is one of questions.yaml."""
    known = list(questions)
    ids = set(known)
    for qid, line in language.examples.lines.items():
        if qid in ids:
            continue
        close = difflib.get_close_matches(qid, known, n=1)
        hint = (
            f"écrivez « {close[0]} », la question la plus proche, si c'est bien elle"
            if close
            else "écrivez l'identifiant d'une question de questions.yaml (« id: » de chaque question)"
        )
        problems.append(Problem(file, line, 1, f"« {qid} » n'est pas une question de questions.yaml", hint))


def check_concepts(
    questions: Iterable[Any], language: Language, file: str, lines: Mapping[str, int], problems: list[Problem]
) -> None:
    """Every question has concepts, every « @nom » it calls is a group of concepts.yaml, and every
    situation it names is one the bot reads."""
    traits = [t.value for t in (*Trait, *DetailTrait)]
    for question in questions:
        line = lines.get(question.id, 1)
        problems.extend(
            Problem(
                file,
                line,
                1,
                f"la question « {question.id} » nomme la situation « {name} », que le bot ne connaît pas",
                f"écrivez l'une de : {', '.join(traits)}",
            )
            for name in question.situations
            if name not in traits
        )
        if not question.concepts:
            problems.append(
                Problem(
                    file,
                    line,
                    1,
                    f"la question « {question.id} » n'a pas de « concepts »",
                    'ajoutez « concepts: » puis une ligne « - "mot|autre mot" » par idée dont le message doit parler',
                    "warning",
                )
            )
        known = ", ".join("@" + g for g in language.groups)
        problems.extend(
            Problem(
                file,
                line,
                1,
                f"le groupe « {part} » n'existe pas",
                f"utilisez un groupe de langue/concepts.yaml : {known}",
            )
            for text in (*question.concepts, *question.excludes)
            for part in text.split("|")
            if part.startswith(GROUP_REF) and part[len(GROUP_REF) :] not in language.groups
        )
