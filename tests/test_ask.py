"""`cep-bot ask`: what the bot understands and would answer, one message or a batch."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from bot.cli import main

ROOT = Path(__file__).resolve().parent.parent
# the in-process calls answer from the session's copy of the shipped knowledge (conftest.py)
pytestmark = pytest.mark.usefixtures("cli_shares_the_knowledge")

KEYS = {
    "text",
    "place",
    "candidates",
    "profile",
    "network",
    "alternatives",
    "need",
    "question",
    "market",
    "lot",
    "operator",
    "reply",
}
PLACE_KEYS = {"region", "region_name", "departement", "commune", "commune_name", "postal_code", "outside"}


def _ask(capsys: pytest.CaptureFixture[str], *args: str) -> dict:  # type: ignore[type-arg]
    assert main(["ask", "--json", *args]) == 0
    return json.loads(capsys.readouterr().out)


def test_auto_entrepreneur_in_ajaccio(capsys: pytest.CaptureFixture[str]) -> None:
    """Region 94, independant, the regional operator, the 2024-2027 lot covering Corsica and its contacts."""
    result = _ask(capsys, "Auto-entrepreneur à Ajaccio")
    assert result.keys() >= KEYS and result["place"].keys() >= PLACE_KEYS
    assert (
        result["place"]["region"] == "94"
        and result["place"]["departement"] == "2A"
        and result["place"]["commune"] == "2A004"
    )
    assert result["profile"] == "independant" and result["network"] == "operateur_regional"
    assert result["market"] == "2024-2027"
    assert result["lot"] == {"id": "2024-paca-corse", "name": "Lot Provence-Alpes-Côte d'Azur et Corse"}
    assert result["operator"]["contacts"]["website"] == "https://pacacorse.avenir-actifs.org"
    assert result["candidates"] == []
    assert "https://mon-cep.org" in result["reply"] or "ponctuelle" in result["reply"]


def test_saint_denis_gives_two_candidates_and_no_region(capsys: pytest.CaptureFixture[str]) -> None:
    result = _ask(capsys, "Saint-Denis")
    assert result["place"]["region"] is None
    assert [c["region"] for c in result["candidates"]] == ["04", "11"]  # largest first
    assert {c["label"] for c in result["candidates"]} == {"Saint-Denis (La Réunion)", "Saint-Denis (93)"}
    assert all(set(c) == {"region", "departement", "commune", "label"} for c in result["candidates"])
    assert "Saint-Denis (93)" in result["reply"]


def test_candidates_in_the_same_lot_are_said_to_be(capsys: pytest.CaptureFixture[str]) -> None:
    result = _ask(capsys, "salariée dans les Antilles")
    assert result["place"]["region"] is None and len(result["candidates"]) == 2
    assert result["same_lot"] is True and result["lot"]["id"] == "2024-antilles-guyane"
    assert "même lot" in result["reply"]


def test_a_past_date_answers_from_the_past_market(capsys: pytest.CaptureFixture[str]) -> None:
    result = _ask(capsys, "--date", "2023-06-01", "salarié à Lyon")
    assert result["market"] == "2020-2023"
    assert result["lot"]["id"] == "2020-lot-2"
    assert result["operator"]["name"] == "Réseau EVA AURA"
    today = _ask(capsys, "salarié à Lyon")
    assert today["market"] == "2024-2027" and today["lot"]["id"] == "2024-ara"


def test_outside_and_unknown_places(capsys: pytest.CaptureFixture[str]) -> None:
    monaco = _ask(capsys, "je travaille à Monaco")
    assert monaco["place"]["outside"] is True and monaco["place"]["region"] is None and monaco["lot"] is None
    nothing = _ask(capsys, "bonjour")
    assert nothing["place"]["region"] is None and nothing["place"]["outside"] is None
    assert nothing["reply"]


@pytest.mark.slow
def test_plain_text_reply() -> None:
    result = subprocess.run(
        [sys.executable, "-m", "bot", "ask", "demandeur d'emploi à Rennes"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    assert "France Travail" in result.stdout and "<b>" not in result.stdout


def _ask_lines(lines: list[str], env: dict[str, str] | None = None) -> list[str]:
    """The lines ``cep-bot ask --json`` prints for ``lines`` given on its standard input, in a new process."""
    result = subprocess.run(
        [sys.executable, "-m", "bot", "ask", "--json"],
        cwd=ROOT,
        input="\n".join(lines) + "\n",
        capture_output=True,
        text=True,
        timeout=180,
        check=True,
        env=env,
    )
    return result.stdout.splitlines()


@pytest.mark.slow
def test_batch_from_stdin_gives_one_json_object_per_line_in_order() -> None:
    """JSON Lines, flushed line by line; a line it cannot handle still gets its object; never stops early."""
    lines = [
        "salariée à Lille",
        "",
        "🙂🙂🙂",
        "<b>x</b> & co",
        "x" * 5000,
        "29",
        "j'ai 29 ans",
        "Saint-Denis",
        "\x00\x07 bizarre",
        "fin",
    ]
    out = _ask_lines(lines)
    assert len(out) == len(lines)
    objects = [json.loads(line) for line in out]
    assert [o["text"] for o in objects] == lines
    assert all(o.keys() >= KEYS for o in objects)
    assert objects[0]["place"]["region"] == "32"
    assert objects[5]["place"]["departement"] == "29" and objects[6]["place"]["region"] is None


@pytest.mark.slow
def test_batch_output_is_flushed_line_by_line() -> None:
    """A consumer gets each result as soon as its line is read (the process is not waiting for the end)."""
    process = subprocess.Popen(
        [sys.executable, "-m", "bot", "ask", "--json"],
        cwd=ROOT,
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert process.stdin is not None and process.stdout is not None
        process.stdin.write("salarié à Brest\n")
        process.stdin.flush()
        first = json.loads(process.stdout.readline())  # would block forever without a flush
        assert first["place"]["region"] == "53"
        process.stdin.write("Nantes\n")
        process.stdin.close()
        assert json.loads(process.stdout.readline())["place"]["region"] == "52"
    finally:
        process.wait(timeout=60)
        if process.stdout is not None:
            process.stdout.close()


@pytest.mark.slow
def test_a_reader_that_stops_early_ends_the_batch_quietly() -> None:
    """`cep-bot ask < messages.txt | head -1`: the pipe closes after the first answer; the batch stops with
    the shell's status for a closed pipe, and no traceback."""
    process = subprocess.Popen(
        [sys.executable, "-m", "bot", "ask"],
        cwd=ROOT,
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    assert process.stdin is not None and process.stdout is not None and process.stderr is not None
    try:
        process.stdin.write("c'est gratuit ?\n")
        process.stdin.flush()
        assert "gratuit" in process.stdout.readline()
        process.stdout.close()  # the reader has all it wanted
        process.stdin.write("c'est gratuit ?\n" * 3000)  # more answers than a pipe holds
        process.stdin.close()
    except BrokenPipeError:  # the batch may already have stopped reading
        pass
    assert process.wait(timeout=120) == 141
    errors = process.stderr.read()
    process.stderr.close()
    assert "Traceback" not in errors and "BrokenPipe" not in errors, errors


@pytest.mark.slow
def test_cli_finds_its_configuration_from_another_folder(tmp_path: Path) -> None:
    """Run from elsewhere, cep-bot uses the config.yaml beside the code; a wrong --config is said clearly."""
    ok = subprocess.run(
        [sys.executable, "-m", "bot", "ask", "--json", "salarié à Brest"],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert ok.returncode == 0 and json.loads(ok.stdout)["lot"]["id"] == "2024-bretagne"
    bad = subprocess.run(
        [sys.executable, "-m", "bot", "ask", "--config", "nope.yaml", "x"],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert bad.returncode == 2 and "nope.yaml: fichier de configuration introuvable" in bad.stderr


@pytest.mark.slow
def test_the_same_message_gets_the_same_reading_in_every_process() -> None:
    """Sets and dicts of strings follow the process's hash seed: no reading may depend on their order.

    « cpf » and « temps de travail » weigh exactly the same: which of the two was the message's rarest
    word used to depend on the seed, and so did the question offered first.
    """
    items = yaml.safe_load((ROOT / "tests" / "data" / "questions_9.yaml").read_text(encoding="utf-8"))
    lines = [
        "Mon employeur peut-il refuser que j'utilise mon CPF pour une formation pendant mes heures de travail ?",
        *(item["text"].replace("\n", " ") for item in items[::3]),
    ]

    def readings(seed: str) -> list[tuple[object, ...]]:
        objects = [json.loads(line) for line in _ask_lines(lines, {**os.environ, "PYTHONHASHSEED": seed})]
        return [(o["questions"], o["suggestions"], o["place"]["region"], o["profile"]) for o in objects]

    first, second = readings("1"), readings("2")
    assert len(first) == len(lines) and first == second
