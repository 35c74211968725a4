"""Example messages (knowledge/langue/exemples.yaml): checked with a line, and what the third reader learns from them.

The checker's rules run on a copy of the language folder (pure, no event loop); the reading tests
build the indexes of a copy of the knowledge where staff added or removed examples.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from bot.kb.langue import check_examples, read_language
from bot.nlu.bayes import BayesIndex
from bot.nlu.knowledge import load
from bot.nlu.questions import LEADS, NOT_QUESTIONS, NOTHING, OTHER_TOPIC, VETO
from bot.nlu.understand import understand
from bot.schema import Problem

ROOT = Path(__file__).resolve().parent.parent
KNOWLEDGE = ROOT / "knowledge"
FILE = "knowledge/langue/exemples.yaml"


@pytest.fixture(name="copy")
def _copy(tmp_path: Path) -> Path:
    shutil.copytree(KNOWLEDGE / "langue", tmp_path / "langue")
    return tmp_path


def _edit(copy: Path, old: str, new: str) -> list[str]:
    path = copy / "langue" / "exemples.yaml"
    text = path.read_text(encoding="utf-8")
    assert old in text, old
    path.write_text(text.replace(old, new, 1), encoding="utf-8")
    return path.read_text(encoding="utf-8").split("\n")


def _line(lines: list[str], fragment: str) -> int:
    return next(i for i, line in enumerate(lines) if fragment in line) + 1


QUESTIONS = tuple(load(KNOWLEDGE).snapshot.questions)


def _problems(copy: Path) -> list[Problem]:
    problems: list[Problem] = []
    language = read_language(copy, problems)
    check_examples(QUESTIONS, language, FILE, problems)
    return problems


# -- the checker ---------------------------------------------------------------------------------------------


def test_shipped_examples_are_read_and_clean() -> None:
    problems: list[Problem] = []
    language = read_language(KNOWLEDGE, problems)
    snapshot = load(KNOWLEDGE).snapshot
    check_examples(snapshot.questions, language, FILE, problems)
    assert problems == []
    examples = language.examples
    assert set(examples.questions) <= set(snapshot.questions)
    assert sum(map(len, examples.questions.values())) > 1000
    assert examples.other_topics and examples.nothing


def test_an_unknown_question_names_the_closest_one(copy: Path) -> None:
    lines = _edit(copy, "questions:\n", 'questions:\n  gratuits:\n    - "la séance me coûtera un bras ?"\n')
    problems = [p for p in _problems(copy) if p.severity == "error"]
    assert [str(p) for p in problems] == [
        str(
            Problem(
                FILE,
                _line(lines, "  gratuits:"),
                1,
                "« gratuits » n'est pas une question de questions.yaml",
                "écrivez « gratuit », la question la plus proche, si c'est bien elle",
            )
        )
    ]


def test_an_unknown_question_with_nothing_close_says_where_ids_are(copy: Path) -> None:
    _edit(copy, "questions:\n", 'questions:\n  zzz_rien_de_tel:\n    - "la séance me coûtera un bras ?"\n')
    (problem,) = [p for p in _problems(copy) if p.severity == "error"]
    assert problem.message == "« zzz_rien_de_tel » n'est pas une question de questions.yaml"
    assert "« id: »" in problem.hint


def test_a_message_filed_under_two_labels_is_an_error(copy: Path) -> None:
    # "c koi le cep en fait" is filed under its question: the same words, other case and marks
    lines = _edit(copy, "\nrien:\n", '\nrien:\n  - "C KOI le CEP, en fait ?!"\n')
    errors = [p for p in _problems(copy) if p.severity == "error"]
    first = _line(lines, '"c koi le cep en fait"')
    assert [(p.line, p.message, p.hint) for p in errors if "rangé" in p.message] == [
        (
            _line(lines, "C KOI le CEP, en fait ?!"),
            f"ce message est aussi rangé sous « qu_est_ce_que_cep » (ligne {first})",
            "gardez-le sous la question qu'il pose et retirez l'autre ligne",
        )
    ]


def test_a_message_written_twice_is_a_warning(copy: Path) -> None:
    lines = _edit(copy, "\nhors_sujet:\n", '\nhors_sujet:\n  - "Combien je vais toucher au chômage ?"\n')
    problems = _problems(copy)
    added = _line(lines, '  - "Combien je vais toucher au chômage ?"')  # the first of the two, now
    again = next(i for i, line in enumerate(lines) if i + 1 > added and "Combien je vais toucher au chômage ?" in line)
    assert [(p.line, p.severity, p.message) for p in problems if p.severity == "warning"] == [
        (again + 1, "warning", f"ce message est déjà écrit ligne {added}")
    ]


@pytest.mark.parametrize(
    ("old", "new", "message"),
    [
        ("\nrien:\n", "\nrien:\n  - 12\n", "« rien » : un message entre guillemets est attendu"),
        ("\nrien:\n", '\nrien:\n  - "  "\n', "« rien » : un message entre guillemets est attendu"),
        ("\nrien:\n", '\nexemple:\n  - "bonjour"\nrien:\n', "« exemple » n'est pas une partie de ce fichier"),
    ],
)
def test_malformed_entries_are_reported_with_their_line(copy: Path, old: str, new: str, message: str) -> None:
    lines = _edit(copy, old, new)
    errors = [p for p in _problems(copy) if p.severity == "error"]
    assert [p.message for p in errors] == [message]
    fragment = new.strip().split("\n")[1 if new.strip().startswith("rien") else 0]
    assert errors[0].line == _line(lines, fragment)


def test_a_part_that_is_not_a_list(copy: Path) -> None:
    path = copy / "langue" / "exemples.yaml"
    text = path.read_text(encoding="utf-8")
    path.write_text(text[: text.index("\nrien:\n")] + '\nrien: "bonjour"\n', encoding="utf-8")
    lines = path.read_text(encoding="utf-8").split("\n")
    errors = [p for p in _problems(copy) if p.severity == "error"]
    assert [(p.line, p.message) for p in errors] == [
        (_line(lines, 'rien: "bonjour"'), "« rien » : une liste de messages est attendue")
    ]


def test_an_unknown_question_stops_the_load_with_its_line(tmp_path: Path) -> None:
    """The whole chain (what `cep-bot check` prints): an unknown question in exemples.yaml, with its line."""
    from bot.kb.load import check_knowledge

    root = tmp_path / "knowledge"
    shutil.copytree(KNOWLEDGE, root)
    path = root / "langue" / "exemples.yaml"
    path.write_text(
        path.read_text(encoding="utf-8").replace(
            "questions:\n", 'questions:\n  cpff:\n    - "combien sur mon cpf svp"\n', 1
        ),
        encoding="utf-8",
    )
    line = _line(path.read_text(encoding="utf-8").split("\n"), "  cpff:")
    report = check_knowledge(root)
    assert [(p.file, p.line) for p in report.errors] == [(FILE, line)]
    assert report.errors[0].hint == "écrivez « cpf », la question la plus proche, si c'est bien elle"


# -- what the third reader learns ----------------------------------------------------------------------------


def test_a_small_question_is_not_drowned_by_the_big_ones() -> None:
    """Counts of a question with few phrasings are scaled up to the median question's: one stem it
    shares with a question of many examples still names it when it is the small question's word."""
    big = [("gros", ["prix", "cout", f"mot{i}"]) for i in range(60)] + [("gros", ["ami"])]
    other = [("autre", ["delai", f"autre{i}"]) for i in range(60)]
    small = [("petit", ["ami", "venir"]), ("petit", ["ami", "accompagner"])]
    assert BayesIndex(big + other + small).likeliest(["ami"]).id == "petit"  # type: ignore[union-attr]


def test_labels_that_are_no_question_are_never_offered() -> None:
    knowledge = load(KNOWLEDGE)
    assert {OTHER_TOPIC, NOTHING} == NOT_QUESTIONS
    assert set(knowledge.questions.bayes.questions) >= NOT_QUESTIONS
    # the third reader names a label that is no question, fairly sure (>= VETO, < LEADS): choices, never it
    u = understand("le conseiller peut m'aider à calculer ma retraite ?", knowledge)
    assert u.question is not None and u.question.third is not None
    assert u.question.third.id == OTHER_TOPIC and VETO <= u.question.third.share < LEADS
    assert u.questions == () and u.suggestions
    assert not set(u.suggestions) & NOT_QUESTIONS


def test_a_work_question_like_the_examples_is_declined_with_where_to_ask() -> None:
    """No subject of hors_sujet.yaml names it; the third reader, sure it resembles the « hors_sujet »
    examples, declines it with the « autre » reply, as the gate does for a named subject."""
    knowledge = load(KNOWLEDGE)
    text = "la prime d'activité c'est combien pour un salarié à mi-temps ?"
    assert knowledge.questions.gate.check(text) is None
    u = understand(text, knowledge)
    assert u.off_topic is not None and u.off_topic.id == "autre"
    assert u.off_topic.reply.startswith("Je ne peux pas répondre à cela")
    assert "https://www.service-public.fr" in u.off_topic.reply
    assert u.questions == () and u.suggestions == () and not u.situation.traits


def test_a_message_that_names_the_cep_is_declined_with_the_cep_questions_it_is_near() -> None:
    # « reconversion » names the CEP: the CEP questions the message is near are still offered, below the
    # decline (twelfth sitting; before, they were offered alone, and the person was not told where to ask)
    u = understand("je suis en reconversion, mon patron paie pas mes heures sup, c'est légal ?", load(KNOWLEDGE))
    assert u.question is not None and u.question.third is not None and u.question.third.id == OTHER_TOPIC
    assert u.off_topic is not None and u.off_topic.reply.startswith("Je ne peux pas répondre à cela")
    assert u.questions == () and u.suggestions != ()


def test_a_situation_told_without_asking_is_not_declined() -> None:
    """Like the gate, the learned decline needs a message that asks: this one tells a situation."""
    text = "ma rupture conventionnelle est signée, je suis indemnisé par france travail"
    u = understand(text, load(KNOWLEDGE))
    assert u.question is not None and u.question.third is not None
    assert u.question.third.id == OTHER_TOPIC and u.question.third.share >= LEADS and not u.question.asked
    assert u.off_topic is None
    assert "demandeur_emploi" in u.situation.traits


def test_a_cep_question_in_other_words_is_not_declined() -> None:
    """A story of a shop, then two CEP questions without the CEP's words: the third reader leans to
    work questions outside the CEP, but the word reading finds a question clearly: not declined."""
    u = understand(
        "Je tiens un petit commerce à Vannes depuis vingt ans et je pense à changer de vie. Qui peut "
        "m'aider à y voir clair, et est-ce que c'est payant ?",
        load(KNOWLEDGE),
    )
    assert u.off_topic is None
    assert "gratuit" in u.questions + u.suggestions


@pytest.mark.parametrize(
    "text",
    [
        "Pendant mes vacances, mon patron a le droit de m'appeler pour le boulot ?",
        "mon chef refuse mes jours de repos en juillet, il a le droit ?",
    ],
)
def test_one_work_question_the_third_reader_is_sure_of_is_declined_even_when_its_words_match(text: str) -> None:
    """One thing asked, no CEP word, the word reading high but not answered: the third reader, sure it is a
    work question outside the CEP, declines it with where to ask instead of offering CEP questions."""
    u = understand(text, load(KNOWLEDGE))
    assert u.off_topic is not None and u.questions == () and u.suggestions == ()


def test_several_things_asked_one_answered_the_third_reader_may_stop_it() -> None:
    """Two things asked, one part answered, and the third reader names another question: choices."""
    u = understand(
        "Je suis artisan à Dijon : vers qui me tourner pour un conseil, et est-ce que c'est gratuit ?", load(KNOWLEDGE)
    )
    assert u.questions == ()
    assert u.question is not None and u.question.third is not None
    assert {"gratuit", u.question.third.id} <= set(u.suggestions)


def test_a_message_that_asks_nothing_gets_no_choices() -> None:
    knowledge = load(KNOWLEDGE)
    text = "merci pour le rendez-vous d'hier, bonne journée ?"
    matched = knowledge.questions.match_many(text)
    assert matched is not None and matched.third is not None
    assert matched.third.id == NOTHING and matched.third.share >= LEADS
    u = understand(text, knowledge)
    assert u.questions == () and u.suggestions == () and u.off_topic is None


def test_staff_add_examples_and_a_new_wording_is_understood(tmp_path: Path) -> None:
    """Examples teach the reader words no phrasing uses: before, the message is only offered as a
    choice; after staff file three examples under its question, it is answered (no Python change)."""
    root = tmp_path / "knowledge"
    shutil.copytree(KNOWLEDGE, root)
    text = "si ça me saoule je peux tout plaquer en plein milieu ?"
    assert understand(text, load(root)).questions == ()
    _file_examples(
        root,
        "arreter",
        [
            "si ça me saoule je peux laisser tomber ?",
            "et si ça me saoule en cours de route ?",
            "je peux plaquer le suivi en plein milieu ?",
        ],
    )
    assert understand(text, load(root)).questions == ("arreter",)


def _file_examples(root: Path, qid: str, messages: list[str]) -> None:
    """As staff do: the messages written under the question's block of exemples.yaml (a copy)."""
    path = root / "langue" / "exemples.yaml"
    block = f"\n  {qid}:\n"
    lines = "".join(f'    - "{m}"\n' for m in messages)
    path.write_text(path.read_text(encoding="utf-8").replace(block, block + lines, 1), encoding="utf-8")


def test_staff_examples_teach_the_letter_group_reader_too(tmp_path: Path) -> None:
    """« ma boss reçoit un papier... » is nearest by letters to the summary document's phrasings, and both other
    readers follow: answered wrongly. Staff file the message as it was written, under its question: the
    letter-group reader compares the examples too, and a message like it is answered right."""
    root = tmp_path / "knowledge"
    shutil.copytree(KNOWLEDGE, root)
    text = "ma boss reçoit un papier quand je démarre ?"
    before = understand(text, load(root)).question
    assert before is not None and before.surface is not None and before.surface.id != "employeur_informe"
    _file_examples(
        root,
        "employeur_informe",
        ["mon chef reçoit un papier quand je démarre ?", "le patron reçoit un courrier si je commence ?"],
    )
    u = understand(text, load(root))
    assert u.question is not None and u.question.surface is not None
    assert u.question.surface.id == "employeur_informe"
    assert u.questions == ("employeur_informe",)


# -- reloads -----------------------------------------------------------------------------------------------------


def test_the_lexicon_version_ignores_the_examples(copy: Path) -> None:
    """The stems of a message depend on every language file but the examples: their hash says so."""
    problems: list[Problem] = []
    before = read_language(copy, problems).lexicon_version
    _edit(copy, "\nrien:\n", '\nrien:\n  - "une nouvelle ligne"\n')
    assert read_language(copy, problems).lexicon_version == before
    path = copy / "langue" / "synonymes.yaml"
    path.write_text(path.read_text(encoding="utf-8") + "\n# une ligne de plus\n", encoding="utf-8")
    assert read_language(copy, problems).lexicon_version not in ("", before)
    assert problems == []


def test_a_reload_with_the_same_lexicon_reads_no_example_again(monkeypatch: pytest.MonkeyPatch) -> None:
    from bot.kb.load import load_knowledge
    from bot.nlu.lexicon import Lexicon
    from bot.nlu.questions import QuestionIndex

    snapshot = load_knowledge(KNOWLEDGE)
    QuestionIndex(snapshot)  # the first build reads them all
    examples = snapshot.language.examples
    texts = {*examples.other_topics, *examples.nothing, *(t for ts in examples.questions.values() for t in ts)}
    texts -= {p for q in snapshot.questions.values() for p in q.phrasings}  # the phrasings are read each time
    assert len(texts) > 2000
    read: list[str] = []
    original = Lexicon.content_stems
    original_once = Lexicon.read_once

    def counting(self: Lexicon, text: str) -> list[str]:
        read.append(text)
        return original(self, text)

    def counting_once(self: Lexicon, text: str) -> tuple[tuple[str, ...], tuple[str, ...]]:
        read.append(text)
        return original_once(self, text)

    monkeypatch.setattr(Lexicon, "content_stems", counting)
    monkeypatch.setattr(Lexicon, "read_once", counting_once)
    again = QuestionIndex(snapshot)
    assert not set(read) & texts
    assert again.bayes.likeliest(["gratuit"]) == QuestionIndex(snapshot).bayes.likeliest(["gratuit"])
    # the letter-group reader compares the same examples, read once too
    assert again.surface.owner == QuestionIndex(snapshot).surface.owner
    assert len(again.surface.owner) > 2000
