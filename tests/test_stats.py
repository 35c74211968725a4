"""Usage figures: ``cep-bot stats`` (and ``purge``) on a database filled through real turns; ``/stats``."""

from __future__ import annotations

import asyncio
import csv
import datetime as dt
import os
import sqlite3
import subprocess
import sys
from contextlib import closing
from dataclasses import replace
from pathlib import Path

import pytest

from bot.cli import main
from bot.config import load_config
from bot.dialogue.engine import UserInput
from bot.service import Assistant
from bot.stats import summarise
from bot.storage import Store, load_or_create_key
from fakebotapi import FakeBotApi
from harness import RunningBot

ROOT = Path(__file__).resolve().parent.parent
STAFF = 5005


def write_config(tmp_path: Path, retention_days: int = 180) -> Path:
    path = tmp_path / "config.yaml"
    path.write_text(
        f"knowledge_dir: {ROOT / 'knowledge'}\ndatabase: data/cep.sqlite3\nhash_key_file: data/hash.key\n"
        f"privacy:\n  retention_days: {retention_days}\n",
        encoding="utf-8",
    )
    return path


def fill(config_path: Path, knowledge) -> dict[str, str]:  # type: ignore[no-untyped-def]
    """Four people, real turns through the Assistant; returns their hashes."""
    return asyncio.run(_fill(config_path, knowledge))


async def _fill(config_path: Path, knowledge) -> dict[str, str]:  # type: ignore[no-untyped-def]
    config = load_config(config_path)
    store = Store(config.database, load_or_create_key(config.hash_key_file))
    async with store:
        assistant = Assistant(config, knowledge, store)

        async def turn(user: int, kind: str, text: str):  # type: ignore[no-untyped-def]
            return await assistant.process(user, user, UserInput(kind, text))

        async def press(user: int, action: str):  # type: ignore[no-untyped-def]
            state = await store.load_state(store.person(user))
            return await turn(user, "button", f"{state['rev']}|{action}")

        # 1: poster, Lyon, employee, long-term -> answer (ARA lot), useful, reminder, booked
        await turn(1, "command", "/start affiche")
        await turn(1, "text", "J'habite à Lyon et je suis salarié")
        await press(1, "n|accompagnement")
        await press(1, "u|y")
        await press(1, "r|y")
        await store.save_events_only(store.person(1), [{"type": "reminder_sent"}])
        await press(1, "b|y")
        # 2: flyer, Paris 11e, self-employed, a question, one-off -> answer (IDF), not useful
        await turn(2, "command", "/start flyer")
        await turn(2, "text", "75011")
        await press(2, "s|independant")
        await press(2, "q|gratuit")
        await press(2, "n|ponctuel")
        await press(2, "u|n")
        # 3: direct, a question and a message not understood, no answer
        await turn(3, "command", "/start")
        await press(3, "q|gratuit")
        await turn(3, "text", "xyzzy plugh")
        # 4: poster, Lyon again, employee, one-off -> answer (ARA lot), useful
        await turn(4, "command", "/start affiche")
        await turn(4, "text", "J'habite à Lyon et je suis salarié")
        await press(4, "n|ponctuel")
        await press(4, "u|y")
        return {str(u): store.person(u) for u in (1, 2, 3, 4)}


def stats(capsys: pytest.CaptureFixture[str], config_path: Path, *args: str) -> str:
    capsys.readouterr()
    assert main(["--config", str(config_path), "stats", *args]) == 0
    return capsys.readouterr().out


def row(out: str, group: str | None = None) -> list[str]:
    """The cells of a table line (the only data line, or the one of ``group``)."""
    lines = out.splitlines()
    body = lines[lines.index(next(line for line in lines if line.startswith("-"))) + 1 :]
    body = [line for line in body if line.strip() and not line.startswith("Tableau")]
    if group is None:
        (line,) = body
        return line.split()
    (line,) = [line for line in body if line.split()[0] == group]
    return line.split()[1:]


# columns: conversations personnes reponses questions utile_oui utile_non % rdv
#          rappels_demandes rappels_envoyes non_compris


def test_stats_totals(tmp_path: Path, knowledge, capsys: pytest.CaptureFixture[str]) -> None:  # type: ignore[no-untyped-def]
    config_path = write_config(tmp_path)
    fill(config_path, knowledge)
    out = stats(capsys, config_path)
    assert out.startswith("Chiffres d'usage du début au ")
    header = out.splitlines()[1]
    for word in ("conversations", "réponses", "questions", "utile oui", "rdv pris", "non compris"):
        assert word in header
    assert row(out) == ["4", "4", "3", "2", "2", "1", "67", "1", "1", "1", "1"]


def test_stats_by_dimension_and_csv(tmp_path: Path, knowledge, capsys: pytest.CaptureFixture[str]) -> None:  # type: ignore[no-untyped-def]
    config_path = write_config(tmp_path)
    fill(config_path, knowledge)
    by_source = stats(capsys, config_path, "--by", "source")
    assert row(by_source, "affiche")[:3] == ["2", "2", "2"]
    assert row(by_source, "flyer")[:3] == ["1", "1", "1"]
    assert row(by_source, "(direct)")[:4] == ["1", "1", "0", "1"]
    by_region = stats(capsys, config_path, "--by", "region")
    assert row(by_region, "84")[:3] == ["2", "2", "2"]  # Lyon twice
    assert row(by_region, "11")[:3] == ["1", "1", "1"]
    assert row(by_region, "(sans")[0] == "réponse)"
    by_lot = stats(capsys, config_path, "--by", "lot")
    assert row(by_lot, "2024-ara")[2] == "2"
    by_door = stats(capsys, config_path, "--by", "door")
    assert row(by_door, "operateur_regional")[2] == "3"
    by_situation = stats(capsys, config_path, "--by", "situation")
    assert row(by_situation, "salarie")[2] == "2" and row(by_situation, "independant")[2] == "1"

    target = tmp_path / "out.csv"
    out = stats(capsys, config_path, "--by", "source", "--csv", str(target))
    assert f"Tableau écrit dans {target}" in out
    with target.open(encoding="utf-8") as handle:
        table = {r["groupe"]: r for r in csv.DictReader(handle)}
    assert set(table) == {"affiche", "flyer", "(direct)"}
    assert (
        table["affiche"]["conversations"] == "2"
        and table["affiche"]["rdv_pris"] == "1"
        and table["flyer"]["utile_non"] == "1"
    )


def test_stats_period(tmp_path: Path, knowledge, capsys: pytest.CaptureFixture[str]) -> None:  # type: ignore[no-untyped-def]
    config_path = write_config(tmp_path)
    persons = fill(config_path, knowledge)
    with closing(sqlite3.connect(tmp_path / "data" / "cep.sqlite3")) as db, db:
        db.execute("UPDATE events SET at = '2025-01-15T10:00:00+00:00' WHERE person = ?", (persons["2"],))
    assert row(stats(capsys, config_path, "--until", "2025-01-15"))[:3] == ["1", "1", "1"]
    assert row(stats(capsys, config_path, "--since", "2025-01-16"))[:3] == ["3", "3", "2"]
    out = stats(capsys, config_path, "--since", "2025-01-15", "--until", "2025-01-15")
    assert out.splitlines()[0] == "Chiffres d'usage du 2025-01-15 au 2025-01-15"
    assert "Aucun événement" in stats(capsys, config_path, "--since", "2024-01-01", "--until", "2024-12-31")
    with pytest.raises(SystemExit):
        main(["--config", str(config_path), "stats", "--since", "15/01/2025"])


@pytest.mark.slow
def test_stats_in_a_subprocess(tmp_path: Path, knowledge) -> None:  # type: ignore[no-untyped-def]
    config_path = write_config(tmp_path)
    fill(config_path, knowledge)
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    env.pop("CEP_BOT_TOKEN", None)
    result = subprocess.run(
        [sys.executable, "-m", "bot", "--config", str(config_path), "stats", "--by", "region"],
        capture_output=True,
        text=True,
        env=env,
        timeout=60,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert "par region" in result.stdout and row(result.stdout, "84")[:3] == ["2", "2", "2"]


def test_stats_without_a_database_creates_nothing(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    config_path = write_config(tmp_path)
    assert main(["--config", str(config_path), "stats"]) == 1
    assert "Aucune base de données" in capsys.readouterr().err
    assert not (tmp_path / "data").exists()  # neither a database nor a key was created


def test_stats_on_a_corrupt_database_leaves_it_alone(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    config_path = write_config(tmp_path)
    (tmp_path / "data").mkdir()
    (tmp_path / "data" / "cep.sqlite3").write_bytes(b"garbage" * 10)
    assert main(["--config", str(config_path), "stats"]) == 1
    assert "inutilisable" in capsys.readouterr().err
    assert sorted(p.name for p in (tmp_path / "data").iterdir()) == ["cep.sqlite3"]


def test_purge_command(tmp_path: Path, knowledge, capsys: pytest.CaptureFixture[str]) -> None:  # type: ignore[no-untyped-def]
    config_path = write_config(tmp_path, retention_days=30)
    persons = fill(config_path, knowledge)
    old = (dt.datetime.now(dt.UTC) - dt.timedelta(days=31)).isoformat()
    database = tmp_path / "data" / "cep.sqlite3"
    with closing(sqlite3.connect(database)) as db, db:
        db.execute("UPDATE events SET at = ? WHERE person = ?", (old, persons["1"]))
        db.execute("UPDATE conversations SET updated_at = ? WHERE person = ?", (old, persons["1"]))
        db.execute("UPDATE reminders SET created_at = ?", (old,))
        before = db.execute("SELECT COUNT(*) FROM events WHERE person != ?", (persons["1"],)).fetchone()[0]
    capsys.readouterr()
    assert main(["--config", str(config_path), "purge"]) == 0
    out = capsys.readouterr().out
    assert out.startswith(
        "Supprimé (plus de 30 jours) : conversations 1, événements 9, rappels 1, messages non compris 0"
    )
    with closing(sqlite3.connect(database)) as db:
        assert db.execute("SELECT COUNT(*) FROM events WHERE person = ?", (persons["1"],)).fetchone() == (0,)
        assert db.execute("SELECT COUNT(*) FROM events").fetchone() == (before,)
        assert db.execute("SELECT COUNT(*) FROM conversations").fetchone() == (3,)


def test_summarise_counts_each_answer_in_its_own_group() -> None:
    events = [
        ("t", "a", "conversation_started", {"source": "x"}),
        ("t", "a", "answer", {"region": "84", "lot": "l1"}),
        ("t", "a", "answer", {"region": "11", "lot": "l2"}),  # changed place: a second answer
        ("t", "a", "satisfaction", {"value": "yes"}),
        ("t", "b", "conversation_started", {"source": None}),
    ]
    rows = {r["groupe"]: r for r in summarise(events, "region").rows}
    assert rows["84"]["reponses"] == 1 and rows["11"]["reponses"] == 1
    assert rows["11"]["utile_oui"] == 1 and rows["11"]["conversations"] == 1  # the person's last answer
    assert rows["(sans réponse)"]["conversations"] == 1
    total = summarise(events).rows
    assert [(r["groupe"], r["conversations"], r["personnes"], r["reponses"], r["satisfaction_pct"]) for r in total] == [
        ("total", 2, 2, 2, 100)
    ]
    assert summarise([]).text == "Aucun événement sur la période."


# -- /stats in Telegram ---------------------------------------------------------------------------------


@pytest.mark.slow
async def test_staff_stats_command_and_ordinary_help_for_others(tmp_path: Path, knowledge) -> None:  # type: ignore[no-untyped-def]
    config_path = write_config(tmp_path)
    await _fill(config_path, knowledge)
    with FakeBotApi() as fake:
        config = replace(
            load_config(config_path), base_url=fake.base_url, staff_ids=frozenset({STAFF}), knowledge_watch_seconds=0
        )
        async with RunningBot(config, knowledge):
            fake.send_command(STAFF, "/stats")
            (figures,) = await fake.areplies(STAFF, 1)
            assert "4 conversations (4 personnes), 3 réponses, 2 questions" in figures["text"]
            assert "utile : 2 oui / 1 non (67 %)" in figures["text"] and "1 rendez-vous déclarés" in figures["text"]
            fake.send_command(STAFF, "/stats source")
            (by_source,) = await fake.areplies(STAFF, 1)
            assert "[affiche] 2 conversations" in by_source["text"] and "[flyer] 1 conversations" in by_source["text"]

            fake.send_command(6006, "/stats")  # not staff
            (reply,) = await fake.areplies(6006, 1)  # the help, then the current question, in one message
            text = reply["text"]
            assert text.startswith("Je ne connais pas cette commande") and "/confidentialite" in text
            assert "\n\nReprenons : Où habitez-vous" in text
            assert "conversations (" not in text
