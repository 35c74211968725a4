"""The language knowledge (knowledge/langue/*.yaml): read as plain data, checked with a line."""

from __future__ import annotations

import shutil
from pathlib import Path
from types import SimpleNamespace

import pytest

from bot.kb.langue import LANGUAGE_FILES, check_concepts, read_language
from bot.schema import Problem

ROOT = Path(__file__).resolve().parent.parent
KNOWLEDGE = ROOT / "knowledge"


@pytest.fixture(name="copy")
def _copy(tmp_path: Path) -> Path:
    shutil.copytree(KNOWLEDGE / "langue", tmp_path / "langue")
    return tmp_path


def read(root: Path) -> tuple[object, list[Problem]]:
    problems: list[Problem] = []
    return read_language(root, problems), problems


def test_shipped_language_is_clean() -> None:
    language, problems = read(KNOWLEDGE)
    assert problems == []
    assert language.synonyms["patron"] == "employeur"  # type: ignore[attr-defined]
    assert "salarie" in language.situation.traits  # type: ignore[attr-defined]


def test_every_file_is_shipped() -> None:
    assert {p.name for p in (KNOWLEDGE / "langue").glob("*.yaml")} == set(LANGUAGE_FILES)


def test_a_broken_pattern_is_reported_with_its_line(copy: Path) -> None:
    path = copy / "langue" / "expressions.yaml"
    lines = path.read_text(encoding="utf-8").splitlines()
    index = next(i for i, line in enumerate(lines) if line.startswith("  - motif:"))
    lines[index] = "  - motif: 'feu (vert'"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    _, problems = read(copy)
    assert [(p.file, p.line) for p in problems] == [("knowledge/langue/expressions.yaml", index + 1)]
    assert "motif invalide" in problems[0].message


def test_a_word_with_two_meanings_is_reported(copy: Path) -> None:
    path = copy / "langue" / "synonymes.yaml"
    text = path.read_text(encoding="utf-8").replace("synonymes:\n", "synonymes:\n  autre_sens: [patron]\n", 1)
    path.write_text(text, encoding="utf-8")
    _, problems = read(copy)
    assert any("« patron » a deux sens" in p.message for p in problems), problems


def test_a_meaning_written_twice_is_reported(copy: Path) -> None:
    path = copy / "langue" / "synonymes.yaml"
    text = path.read_text(encoding="utf-8").replace("synonymes:\n", "synonymes:\n  confidentiel: [motus]\n", 1)
    path.write_text(text, encoding="utf-8")
    _, problems = read(copy)
    assert any("« confidentiel » est écrit deux fois" in p.message for p in problems), problems


def test_a_texting_form_written_twice_is_reported(copy: Path) -> None:
    path = copy / "langue" / "textos.yaml"
    text = path.read_text(encoding="utf-8").replace("formes:\n", "formes:\n  ki: quand\n", 1)
    path.write_text(text, encoding="utf-8")
    _, problems = read(copy)
    assert any("« ki » est écrit deux fois" in p.message for p in problems), problems


def test_a_missing_file_is_reported(copy: Path) -> None:
    (copy / "langue" / "mots.yaml").unlink()
    _, problems = read(copy)
    assert [p.message for p in problems] == ["fichier manquant"]


def test_question_concepts_are_checked() -> None:
    language, _ = read(KNOWLEDGE)
    questions = [
        SimpleNamespace(id="sans_concepts", concepts=(), excludes=(), situations=()),
        SimpleNamespace(id="groupe_inconnu", concepts=("gratuit|@nulle_part",), excludes=(), situations=()),
    ]
    problems: list[Problem] = []
    check_concepts(
        questions, language, "knowledge/questions.yaml", {"sans_concepts": 10, "groupe_inconnu": 20}, problems
    )  # type: ignore[arg-type]
    assert [(p.line, p.severity) for p in problems] == [(10, "warning"), (20, "error")]
    assert "@nulle_part" in problems[1].message


def test_lemmas_are_read_and_checked(copy: Path) -> None:
    language, problems = read(KNOWLEDGE)
    assert language.lemmas["inscris"] == "inscrire"  # type: ignore[attr-defined]
    path = copy / "langue" / "lemmes.tsv"
    path.write_text(path.read_text(encoding="utf-8") + "sans_tabulation\ninscris\tinscrit\n", encoding="utf-8")
    _, problems = read(copy)
    assert [p.message for p in problems] == [
        "ligne mal formée",
        "« inscris » a deux formes de base : « inscrire » et « inscrit »",
    ]


def test_a_broken_sauf_pattern_is_reported_with_its_line(copy: Path) -> None:
    path = copy / "langue" / "hors_sujet.yaml"
    lines = path.read_text(encoding="utf-8").splitlines()
    index = lines.index("    sauf:") + 1
    lines[index] = "      - 'conseil (en'"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    _, problems = read(copy)
    assert [(p.file, p.line) for p in problems] == [("knowledge/langue/hors_sujet.yaml", index + 1)]
    assert "motif invalide" in problems[0].message
