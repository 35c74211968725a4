"""A general question asked about the person's own case, typing slips, a third reader, and the data behind them.

- ``situations`` under a question of knowledge/questions.yaml links it to the situation traits it is
  the case of: "je suis étudiant et je bosse le soir, qui peut bénéficier du cep ?" asks who has the
  right, for a student, and gets the student's answer (the general question hands its score over).
- An article stuck to the next word without its apostrophe ("laccord", ``elision`` in
  knowledge/langue/textos.yaml) and two swapped letters ("confidnetiel") are read as the word meant.

Every sentence here is new: none is a phrasing of questions.yaml or a message of a labelled set.
"""

from __future__ import annotations

import re
import shutil
from pathlib import Path
from typing import Any

import pytest

from bot.kb.load import KnowledgeError, load_knowledge
from bot.nlu.knowledge import load
from bot.nlu.understand import understand

# -- the general question, asked about the person's case ------------------------------------------------


@pytest.mark.parametrize(
    ("text", "case"),
    [
        ("je suis étudiant et je travaille le soir, qui peut bénéficier du cep ?", "etudiant_retraite"),
        ("je suis auto-entrepreneur, qui peut m'aider ?", "independant"),
    ],
)
def test_a_general_question_about_ones_case_gets_the_case(knowledge: Any, text: str, case: str) -> None:
    assert understand(text, knowledge).questions == (case,)


def test_the_case_must_be_the_persons_own(knowledge: Any) -> None:
    """A status named but not told as one's own, or two statuses told, hands nothing over."""
    salaried = understand("je suis salarié, qui peut bénéficier du cep ?", knowledge)
    assert salaried.questions == ("eligibilite_qui",)  # no question is the employee's case
    # the cost is asked, not who has the right: the student's question gives way
    assert understand("je suis étudiant, c'est gratuit ?", knowledge).questions == ("gratuit",)


def _without_situations(root: Path, qid: str) -> None:
    path = root / "questions.yaml"
    text = path.read_text(encoding="utf-8")
    block = re.search(rf"\n  - id: {qid}\n(?:    .*\n|      .*\n)*?    situations:\n(?:      - .*\n)+", text)
    assert block is not None
    cut = re.sub(r"    situations:\n(?:      - .*\n)+", "", block.group(0))
    path.write_text(text.replace(block.group(0), cut), encoding="utf-8")


def test_the_link_is_data(tmp_path: Path, small_knowledge: Path) -> None:
    """Without ``situations`` under the student's question, the general question's score is not handed over."""
    root = tmp_path / "knowledge"
    shutil.copytree(small_knowledge, root)
    text = "je suis étudiant et je travaille le soir, qui peut bénéficier du cep ?"
    linked = understand(text, load(root))
    assert linked.questions == ("etudiant_retraite",)
    _without_situations(root, "etudiant_retraite")
    unlinked = understand(text, load(root)).question
    assert unlinked is not None and linked.question is not None
    # (the student's own words still point to it, more weakly: the other readers may still answer it)
    assert unlinked.score < linked.question.score - 0.2


def test_only_a_question_answered_by_situation_hands_over(tmp_path: Path, small_knowledge: Path) -> None:
    """``selon_situation: oui`` marks the general questions whose answer depends on the situation."""
    root = tmp_path / "knowledge"
    shutil.copytree(small_knowledge, root)
    text = "je suis étudiant et je travaille le soir, qui peut bénéficier du cep ?"
    path = root / "questions.yaml"
    content = path.read_text(encoding="utf-8")
    flag = "  - id: eligibilite_qui\n    theme: eligibilite\n    selon_situation: oui\n"
    assert flag in content
    handed = understand(text, load(root)).question
    path.write_text(content.replace(flag, flag.replace("oui", "non")), encoding="utf-8")
    kept = understand(text, load(root)).question
    assert handed is not None and kept is not None
    assert kept.score < handed.score - 0.2
    path.write_text(content.replace(flag, flag.replace("oui", "peut-etre")), encoding="utf-8")
    with pytest.raises(KnowledgeError) as caught:
        load_knowledge(root)
    assert any("selon_situation" in p.message or "oui, non" in p.hint for p in caught.value.problems)


def test_the_part_that_asks_who_is_read_with_the_situation_told(knowledge: Any) -> None:
    """ "Je suis X. Vers qui me tourner, et c'est payant ?" asks two things: X's door, and the cost."""
    text = "Je suis agent de la fonction publique hospitalière. Vers qui dois-je me tourner pour un CEP, et est-ce que c'est payant ?"
    assert set(understand(text, knowledge).questions) == {"fonctionnaire", "gratuit"}
    # a status told beside a question that does not depend on it adds nothing
    assert understand("je suis à mon compte, ça se passe comment concrètement ?", knowledge).questions == (
        "deroulement_niveaux",
    )


def test_an_unknown_situation_is_reported_with_its_line(tmp_path: Path, small_knowledge: Path) -> None:
    root = tmp_path / "knowledge"
    shutil.copytree(small_knowledge, root)
    path = root / "questions.yaml"
    lines = path.read_text(encoding="utf-8").splitlines()
    start = lines.index("  - id: etudiant_retraite")
    index = next(i for i in range(start, len(lines)) if lines[i] == "      - retraite")
    lines[index] = "      - retraitee"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    with pytest.raises(KnowledgeError) as caught:
        load_knowledge(root)
    problems = [p for p in caught.value.problems if "retraitee" in p.message]
    assert len(problems) == 1
    assert problems[0].file == "knowledge/questions.yaml"
    assert problems[0].line == start + 1
    assert "retraite" in problems[0].hint and "etudiant" in problems[0].hint


# -- typing slips ----------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "question"),
    [
        ("il faut lautorisation de mon patron ?", "accord_employeur"),  # "l'autorisation"
        ("lentretien dure combien de temps ?", "duree_rendez_vous"),  # "l'entretien"
        ("le cep est-il vraiment gratiut ?", "gratuit"),  # two letters swapped
        ("c'est possible à distacne ?", "distance"),
    ],
)
def test_slips_are_read_as_the_word_meant(knowledge: Any, text: str, question: str) -> None:
    assert understand(text, knowledge).questions == (question,)


def test_the_elision_is_data(tmp_path: Path, small_knowledge: Path) -> None:
    root = tmp_path / "knowledge"
    shutil.copytree(small_knowledge, root)
    text = "il faut lautorisation de mon patron ?"
    assert understand(text, load(root)).questions == ("accord_employeur",)
    path = root / "langue" / "textos.yaml"
    content = path.read_text(encoding="utf-8")
    assert "\nelision: " in content
    path.write_text(re.sub(r"\nelision: .*\n", "\n", content), encoding="utf-8")  # optional: absent, not read
    assert understand(text, load(root)).questions == ()


def test_a_stuck_article_needs_a_vowel_after_it(knowledge: Any) -> None:
    """ "jvis" is no "j'" before "vis": the elision pattern wants a vowel or an h after the article."""
    elision = knowledge.questions.lex.elision
    assert elision.match("laccord") is not None
    assert elision.match("jvis") is None


# -- a third reader: naive Bayes over the phrasings' stems ---------------------------------------------------


def test_the_third_reader_weighs_every_phrasing_of_a_question() -> None:
    from bot.nlu.bayes import BayesIndex

    index = BayesIndex(
        [
            ("cout", ["prix", "cep"]),
            ("cout", ["payer", "cep"]),
            ("cout", ["gratuit"]),
            ("duree", ["temps", "cep"]),
            ("duree", ["longtemps"]),
        ]
    )
    found = index.likeliest(["payer", "prix", "inconnu"])
    assert found is not None and found.id == "cout" and found.share > 0.8
    assert index.likeliest(["inconnu"]) is None  # words no phrasing uses say nothing
    shared = index.likeliest(["cep"])  # a word both use: not sure
    assert shared is not None and shared.share < 0.6


def _match(**kwargs: Any) -> Any:
    from bot.nlu.bayes import Likeliest
    from bot.nlu.questions import QuestionMatch
    from bot.nlu.surface import Nearest

    values: dict[str, Any] = {"id": "gratuit", "score": 0.6, "runner_up_score": 0.2}
    values.update(kwargs)
    if isinstance(values.get("surface"), str):
        values["surface"] = Nearest(values["surface"], 0.7)
    if isinstance(values.get("third"), tuple):
        values["third"] = Likeliest(*values["third"])
    return QuestionMatch(**values)


def test_a_third_reader_sure_of_another_question_stops_the_answer() -> None:
    assert _match(surface="gratuit", third=("gratuit", 0.9)).confident
    assert _match(surface="gratuit", third=("cpf", 0.3)).confident  # not sure: no veto
    assert not _match(surface="gratuit", third=("cpf", 0.6)).confident
    assert not _match(score=0.9, surface="cpf", third=("cpf", 0.6)).confident  # even a high word score


def test_a_third_reader_sure_of_the_same_question_backs_the_word_reading() -> None:
    assert not _match(surface="cpf").confident  # the surface reader disagrees: choices
    assert _match(surface="cpf", third=("gratuit", 0.9)).confident
    assert not _match(surface="cpf", third=("gratuit", 0.9), asked=False).confident  # a statement asks nothing
    assert not _match(score=0.4, surface="cpf", third=("gratuit", 0.9)).confident  # the word reading too low


def test_the_third_reader_in_the_whole_chain(knowledge: Any) -> None:
    # the words and the letters read "à distance"; the stems, all phrasings and examples together, are
    # sure of abroad: the third reader leads
    abroad = understand(
        "Je vis au Portugal où je suis salarié depuis quatre ans. Je peux faire le CEP en visio depuis là-bas ?",
        knowledge,
    )
    assert abroad.questions == ("etranger",)
    assert abroad.question is not None and abroad.question.led
    # the same story, asking nothing: the third reader leads only a message that asks
    told = understand("Je vis au Portugal où je suis salarié depuis quatre ans.", knowledge)
    assert told.questions == () and (told.question is None or not told.question.led)
    # the letters read another question; the words and the stems agree on Monaco
    assert understand("Je bosse à Monaco depuis deux ans, le CEP français me concerne ?", knowledge).questions == (
        "monaco",
    )


def test_a_message_asking_several_things_is_not_stopped_whole() -> None:
    """The third reader names one of the questions of a message that asks several: no veto on the whole."""
    assert _match(surface="gratuit", third=("cpf", 0.9), single=False).confident


# -- one question, several verbs -----------------------------------------------------------------------------


QUIT_AND_CLAIM = "Puis-je quitter mon emploi et percevoir le chômage pour changer de métier ?"


def test_verbs_joined_by_et_ask_one_question(knowledge: Any) -> None:
    assert understand(QUIT_AND_CLAIM, knowledge).questions == ("demission_reconversion",)
    # two clauses are still two questions
    assert set(understand("c'est combien de temps et c'est payant ?", knowledge).questions) == {
        "duree_accompagnement",
        "gratuit",
    }


def test_the_same_question_pattern_is_data(tmp_path: Path, small_knowledge: Path) -> None:
    root = tmp_path / "knowledge"
    shutil.copytree(small_knowledge, root)
    path = root / "langue" / "mots.yaml"
    content = path.read_text(encoding="utf-8")
    assert "\nmeme_question: " in content
    path.write_text(re.sub(r"\nmeme_question: .*\n", "\n", content), encoding="utf-8")  # optional: absent, not read
    # without the pattern the message is cut in two parts (the whole message's reading then names which
    # question the parts ask together: see _placed)
    assert len(load(root).questions._question_parts(QUIT_AND_CLAIM)) == 2
    assert len(load(small_knowledge).questions._question_parts(QUIT_AND_CLAIM)) == 1


# -- a story, then one question ------------------------------------------------------------------------------


def test_the_question_after_a_story_is_read_alone(knowledge: Any) -> None:
    """The story's words weigh on the reading of the whole; the question sentence, read alone by the three
    readers and backed by the reading of the whole, is answered."""
    text = (
        "Je viens de déménager de Nancy à Rennes pour suivre ma compagne, et j'avais commencé des démarches avec "
        "un organisme dans le Grand Est. Maintenant je vis en Bretagne. C'est le même organisme partout ou chaque "
        "région a le sien ?"
    )
    assert understand(text, knowledge).questions == ("operateur_region",)


def test_a_question_that_only_asks_how_after_a_story_is_not_answered(knowledge: Any) -> None:
    reading = understand("Ma voiture est en panne depuis hier. Je dois aller au travail. Je fais comment ?", knowledge)
    assert reading.questions == ()
