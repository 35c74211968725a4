"""`cep-bot check --compare REF`: replay stories and labelled sets against an edit and a reference."""

from __future__ import annotations

import datetime as dt
import io
import shutil
import subprocess
from pathlib import Path

import pytest

from bot.cli import main
from bot.compare import CompareError, compare, replays
from bot.nlu.knowledge import Knowledge

ROOT = Path(__file__).resolve().parent.parent
TODAY = dt.date(2026, 11, 26)
OLD = "      Le CEP est entièrement gratuit pour vous. Vous n'avez rien à payer,"
NEW = "      Le CEP est entièrement gratuit pour vous, sans frais. Vous n'avez rien à payer,"


def _tests(tmp_path: Path) -> Path:
    """A small tests folder: one story, one labelled set and a frozen set that must not be read."""
    tests = tmp_path / "tests"
    (tests / "data").mkdir(parents=True)
    story = (
        "histoires:\n  - nom: une question puis un lieu\n    etapes:\n"
        '      - dit: "c\'est payant ?"\n        attend: ["gratuit"]\n'
        '      - dit: "salariée à Rennes"\n        attend: ["Bretagne"]\n'
    )
    (tests / "stories.yaml").write_text(story, encoding="utf-8")
    labelled = '- text: "ça coûte combien ?"\n- text: "je suis à Lyon"\n'
    (tests / "data" / "jeu.yaml").write_text(labelled, encoding="utf-8")
    (tests / "data" / "jeu_gel.yaml").write_text('- text: "est-ce que c\'est gratuit ?"\n', encoding="utf-8")
    return tests


def _edit(folder: Path) -> None:
    path = folder / "questions.yaml"
    text = path.read_text(encoding="utf-8")
    assert OLD in text
    path.write_text(text.replace(OLD, NEW), encoding="utf-8")


def test_replays_skip_frozen_sets(tmp_path: Path) -> None:
    found = replays(_tests(tmp_path))
    assert [r.where for r in found] == ["stories.yaml « une question puis un lieu »", "jeu.yaml n° 1", "jeu.yaml n° 2"]


@pytest.mark.slow
def test_compare_with_a_copied_folder_lists_the_changed_answers(tmp_path: Path) -> None:
    tests = _tests(tmp_path)
    reference = tmp_path / "publie"
    shutil.copytree(ROOT / "knowledge", reference)
    edited = tmp_path / "knowledge"
    shutil.copytree(ROOT / "knowledge", edited)
    _edit(edited)
    report = compare(edited, str(reference), TODAY, tests)
    assert "Rejoué : 1 histoires et 2 messages des jeux étiquetés" in report
    assert "2 réponse(s) changent (1 changement(s) différent(s)) :" in report
    assert "stories.yaml « une question puis un lieu », étape 1 — dit: c'est payant ?" in report
    assert "aussi : jeu.yaml n° 1 — dit: ça coûte combien ?" in report
    assert "avant : Le CEP est entièrement gratuit pour vous. Vous" in report
    assert "après : Le CEP est entièrement gratuit pour vous, sans frais. Vous" in report
    assert "Lyon" not in report  # unchanged replies are not listed
    assert "est-ce que c'est gratuit" not in report  # the frozen set was not replayed


@pytest.mark.slow
def test_compare_with_a_git_version(tmp_path: Path) -> None:
    tests = _tests(tmp_path)
    repo = tmp_path / "depot"
    shutil.copytree(ROOT / "knowledge", repo / "knowledge")
    git = ["git", "-C", str(repo), "-c", "user.name=t", "-c", "user.email=t@example.org"]
    subprocess.run([*git, "init", "-q"], check=True)
    subprocess.run([*git, "add", "-A"], check=True)
    subprocess.run([*git, "commit", "-qm", "publié"], check=True)
    _edit(repo / "knowledge")
    report = compare(repo / "knowledge", "HEAD", TODAY, tests)
    assert "2 réponse(s) changent" in report
    assert compare(repo / "knowledge", str(repo / "knowledge"), TODAY, tests).endswith("Aucune réponse ne change.")
    with pytest.raises(CompareError, match="référence introuvable : « pas-une-version »"):
        compare(repo / "knowledge", "pas-une-version", TODAY, tests)


def test_check_prints_the_folder_first(small_knowledge: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code = main(["check", str(small_knowledge), "--date", TODAY.isoformat()])
    out = capsys.readouterr().out.splitlines()
    assert code == 0
    assert out[0] == f"Dossier vérifié : {small_knowledge.resolve()}"


def _notice(copy: Path) -> str:
    installed = (ROOT / "knowledge").resolve()
    return f"Connaissances utilisées : {copy.resolve()} (et non celles de l'installation : {installed})"


@pytest.mark.usefixtures("cli_shares_the_knowledge")
def test_ask_says_which_knowledge_when_not_installed_one(
    tmp_path: Path, small_knowledge: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    copy = tmp_path / "copie"
    shutil.copytree(small_knowledge, copy)
    _edit(copy)
    assert main(["ask", "--knowledge", str(copy), "c'est payant ?"]) == 0
    out = capsys.readouterr().out.splitlines()
    assert out[0] == _notice(copy)
    assert "sans frais" in out[1]
    assert main(["ask", "c'est payant ?"]) == 0
    out = capsys.readouterr().out.splitlines()
    assert not out[0].startswith("Connaissances utilisées") and "sans frais" not in out[0]


def test_chat_says_which_knowledge_on_its_first_line(
    tmp_path: Path, small_knowledge: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    copy = tmp_path / "copie"
    shutil.copytree(small_knowledge, copy)
    monkeypatch.setattr("sys.stdin", io.StringIO("c'est payant ?\n"))
    main(["chat", "--knowledge", str(copy)])
    assert capsys.readouterr().out.splitlines()[0] == _notice(copy)


def test_compared_engines_are_built_from_the_configuration(knowledge: Knowledge) -> None:
    """`check --compare` replays with the bot's own settings (a 30-day retention is quoted as 30)."""
    from bot.compare import _engine
    from bot.config import Config

    config = Config(Path("config.yaml"), Path("knowledge"), retention_days=30, reminder_days=10)
    engine = _engine(knowledge, dt.date(2026, 11, 28), config)
    assert (engine.retention_days, engine.reminder_days) == (30, 10)
    default = _engine(knowledge, dt.date(2026, 11, 28), None)
    assert default.retention_days != 30
