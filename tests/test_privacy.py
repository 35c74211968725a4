"""Privacy: anonymous events, keyed hashes, texts not understood, /supprimer, /confidentialite.

Every check reads the database file itself (all tables, all rows, all columns), not the API.
"""

from __future__ import annotations

import datetime as dt
import json
import sqlite3
import time
from contextlib import closing
from pathlib import Path
from typing import Any

import pytest
from fakebotapi import FakeBotApi
from harness import RunningBot, button_data, make_config

from bot.storage import Store, load_or_create_key

pytestmark = pytest.mark.slow

USER = 987654321
NAME = "Zébulon"
OTHER = 123123123
MESSAGES = {
    "name": "Je m'appelle Zébulon Trucmuche",
    "not_understood": "xyzzy plugh frobnicate",
    "question": "Est-ce que c'est gratuit ?",
    "place_situation": "je suis salarié à Saint-Denis",
}
ALLOWED_EVENT_KEYS = {"source", "how", "region", "outside", "count", "profile", "need", "door", "market", "lot", "id", "step", "kind", "value", "days"}


def all_cells(database: Path) -> list[tuple[str, str, Any]]:
    """(table, column, value) of every cell of every table."""
    cells = []
    with closing(sqlite3.connect(database)) as db:
        tables = [r[0] for r in db.execute("SELECT name FROM sqlite_master WHERE type = 'table'")]
        for table in tables:
            cursor = db.execute(f"SELECT * FROM {table}")  # noqa: S608 - names from sqlite_master
            columns = [d[0] for d in cursor.description]
            for row in cursor:
                cells.extend((table, c, v) for c, v in zip(columns, row, strict=True))
    return cells


def mentions(database: Path, needle: str) -> list[tuple[str, str, Any]]:
    return [cell for cell in all_cells(database) if needle.lower() in str(cell[2]).lower()]


def raw_bytes(database: Path) -> bytes:
    return b"".join(p.read_bytes() for p in (database, Path(f"{database}-wal")) if p.exists())


async def expect(fake: FakeBotApi, chat: int, needle: str, timeout: float = 10) -> dict[str, Any]:
    """Wait for a new message of the bot in ``chat`` containing ``needle``; later ones stay unseen."""
    start = len(fake.sent(chat)) - 0
    deadline = time.monotonic() + timeout
    seen_before = getattr(fake, "_privacy_cursor", {}).get(chat, 0)
    while True:
        sent = fake.sent(chat)
        for index in range(seen_before, len(sent)):
            if needle.lower() in sent[index].get("text", "").lower():
                fake.__dict__.setdefault("_privacy_cursor", {})[chat] = index + 1
                return sent[index]
        if time.monotonic() > deadline:
            raise AssertionError(f"no message with {needle!r} in chat {chat}; got {[m.get('text', '')[:60] for m in sent[start - 5:]]}")
        import asyncio  # noqa: PLC0415

        await asyncio.sleep(0.01)


# -- a full conversation: the events, and nothing personal --------------------------------------


async def test_events_are_emitted_and_hold_nothing_personal(tmp_path: Path, knowledge) -> None:  # type: ignore[no-untyped-def]
    with FakeBotApi() as fake:
        cfg = make_config(tmp_path, fake)
        async with RunningBot(cfg, knowledge):
            fake.send_command(USER, "/start qr-affiche-42", first_name=NAME)
            await expect(fake, USER, "Où habitez-vous")
            fake.send_text(USER, MESSAGES["name"], first_name=NAME)
            await expect(fake, USER, "Où habitez-vous")
            fake.send_text(USER, MESSAGES["not_understood"], first_name=NAME)
            await expect(fake, USER, "Où habitez-vous")
            fake.send_text(USER, MESSAGES["question"], first_name=NAME)
            await expect(fake, USER, "Où habitez-vous")
            fake.send_text(USER, MESSAGES["place_situation"], first_name=NAME)
            ambiguous = await expect(fake, USER, "Saint-Denis")
            fake.press(USER, button_data(ambiguous, "Saint-Denis"), first_name=NAME)
            need = await expect(fake, USER, "question ponctuelle")
            fake.press(USER, button_data(need, "accompagnement"), first_name=NAME)
            answer = await expect(fake, USER, "utile ?")  # the answer carries the satisfaction question
            assert "À qui vous adresser" in answer["text"]
            fake.press(USER, button_data(answer, "Oui, utile"), first_name=NAME)
            offer = await expect(fake, USER, "rappelle")
            fake.press(USER, button_data(offer, "Oui"), first_name=NAME)
            await expect(fake, USER, "noté")
            # other ways to give a place
            fake.send_text(OTHER, "75011, je suis indépendant", first_name="Anatole")
            await expect(fake, OTHER, "question ponctuelle")
            fake.send_location(OTHER + 1, 45.76, 4.83, first_name="Berthe")
            await expect(fake, OTHER + 1, "situation")
            fake.send_text(OTHER + 2, "Lyon", first_name="Cunégonde")
            await expect(fake, OTHER + 2, "situation")
        with closing(sqlite3.connect(cfg.database)) as db, db:
            db.execute("UPDATE reminders SET due_at = ?", ((dt.datetime.now(dt.UTC) - dt.timedelta(minutes=1)).isoformat(),))
        async with RunningBot(cfg, knowledge):  # the reminder, after a restart
            reminder = await expect(fake, USER, "Petit rappel")
            fake.press(USER, button_data(reminder, "Oui, c'est fait"), first_name=NAME)
            await expect(fake, USER, "Bravo")

    store = Store(cfg.database, load_or_create_key(cfg.hash_key_file))
    with closing(sqlite3.connect(cfg.database)) as db:
        events = [(p, t, json.loads(d)) for p, t, d in db.execute("SELECT person, type, data FROM events ORDER BY id")]
        columns = [r[1] for r in db.execute("PRAGMA table_info(events)")]
    assert columns == ["id", "at", "person", "type", "data"]
    mine = [(t, d) for p, t, d in events if p == store.person(USER)]
    kinds = [t for t, _ in mine]
    assert kinds[0] == "conversation_started"
    assert kinds[-5:] == ["answer", "satisfaction", "reminder_asked", "reminder_sent", "booking"]
    assert {"not_understood", "question", "place_ambiguous", "situation", "place", "need"} <= set(kinds)
    data = dict(mine)
    assert data["conversation_started"] == {"source": "qr-affiche-42"}
    assert data["question"] == {"id": "gratuit", "how": "texte"}
    assert data["place"]["how"] == "bouton" and data["place_ambiguous"]["how"] == "nom"
    assert data["answer"]["door"] == "operateur_regional" and data["answer"]["lot"] and data["answer"]["market"]
    assert data["satisfaction"] == {"value": "yes"} and data["booking"] == {"value": "booked"}
    hows = {d["how"] for _, t, d in events if t == "place"}
    assert hows == {"bouton", "code_postal", "localisation", "nom"}
    # nothing but codes: known keys, short values without spaces (no free text)
    for _, _, d in events:
        assert set(d) <= ALLOWED_EVENT_KEYS, d
        assert all(v is None or isinstance(v, (bool, int)) or (isinstance(v, str) and " " not in v and len(v) <= 64) for v in d.values()), d
    # the persons are keyed hashes, the same for every event of one person
    assert {p for p, _, _ in events} == {store.person(u) for u in (USER, OTHER, OTHER + 1, OTHER + 2)}
    # no Telegram id, no name, no message text anywhere in the database
    for needle in [str(USER), str(OTHER), str(OTHER + 1), NAME, "Anatole", "Berthe", "Cunégonde", "Trucmuche", *MESSAGES.values(), "75011, je suis"]:
        assert mentions(cfg.database, needle) == [], needle
    for needle in (str(USER), NAME):
        assert needle.encode() not in raw_bytes(cfg.database)


async def test_texts_not_understood_are_not_kept_by_default(tmp_path: Path, knowledge) -> None:  # type: ignore[no-untyped-def]
    with FakeBotApi() as fake:
        cfg = make_config(tmp_path, fake)
        assert cfg.keep_not_understood is False
        async with RunningBot(cfg, knowledge):
            fake.send_text(USER, MESSAGES["not_understood"])
            await expect(fake, USER, "Où habitez-vous")
    assert mentions(cfg.database, "frobnicate") == []
    with closing(sqlite3.connect(cfg.database)) as db:
        assert db.execute("SELECT COUNT(*) FROM unknown_texts").fetchone() == (0,)
        assert db.execute("SELECT COUNT(*) FROM events WHERE type = 'not_understood'").fetchone() == (1,)


async def test_texts_not_understood_kept_when_allowed_without_any_link(tmp_path: Path, knowledge) -> None:  # type: ignore[no-untyped-def]
    with FakeBotApi() as fake:
        cfg = make_config(tmp_path, fake, keep_not_understood=True)
        async with RunningBot(cfg, knowledge):
            for user, text in ((USER, "zzz qqq 06 12 34 56 78"), (OTHER, "aaa bbb"), (OTHER + 1, "zzz qqq 06 12 34 56 78")):
                fake.send_text(user, text)
                await expect(fake, user, "Où habitez-vous")
    with closing(sqlite3.connect(cfg.database)) as db:
        columns = [r[1] for r in db.execute("PRAGMA table_info(unknown_texts)")]
        stored = db.execute("SELECT * FROM unknown_texts").fetchall()
    assert columns == ["day", "text", "count"]  # no person, no time of day, no row id
    today = dt.datetime.now(dt.UTC).date().isoformat()
    # in text order, not arrival order; identical texts counted together; phone number scrubbed
    assert stored == [(today, "aaa bbb", 1), (today, "zzz qqq [numéro]", 2)]
    assert mentions(cfg.database, "12 34 56") == []


# -- the key ----------------------------------------------------------------------------------------


async def test_person_hash_is_stable_across_restarts_and_depends_on_the_key(tmp_path: Path, knowledge) -> None:  # type: ignore[no-untyped-def]
    with FakeBotApi() as fake:
        cfg = make_config(tmp_path, fake, hash_key_file=tmp_path / "keys" / "hash.key", database=tmp_path / "db" / "cep.sqlite3")
        for _ in range(2):
            async with RunningBot(cfg, knowledge):
                fake.send_text(USER, "Lyon")
                await expect(fake, USER, "situation")
        key_file = tmp_path / "keys" / "hash.key"
        assert key_file.stat().st_mode & 0o777 == 0o600
        assert key_file.read_bytes() not in raw_bytes(cfg.database)  # the key is not in the database
        with closing(sqlite3.connect(cfg.database)) as db:
            persons = {r[0] for r in db.execute("SELECT person FROM events")}
        assert persons == {Store(cfg.database, load_or_create_key(key_file)).person(USER)}  # one person over two runs
        other = Store(cfg.database, load_or_create_key(tmp_path / "other.key")).person(USER)
        assert other not in persons


# -- /supprimer ---------------------------------------------------------------------------------------


async def test_supprimer_asks_then_deletes_every_row_about_the_person(tmp_path: Path, knowledge) -> None:  # type: ignore[no-untyped-def]
    with FakeBotApi() as fake:
        cfg = make_config(tmp_path, fake, keep_not_understood=True)
        async with RunningBot(cfg, knowledge) as bot:
            for user in (USER, OTHER):  # two people, each with state, events and a reminder
                fake.send_command(user, "/start pub")
                await expect(fake, user, "Où habitez-vous")
                fake.send_text(user, "J'habite à Lyon et je suis salarié")
                need = await expect(fake, user, "question ponctuelle")
                fake.press(user, button_data(need, "accompagnement"))
                answer = await expect(fake, user, "utile ?")  # the answer carries the satisfaction question
                fake.press(user, button_data(answer, "👎 Non"))
                offer = await expect(fake, user, "rappelle")
                fake.press(user, button_data(offer, "Oui"))
                await expect(fake, user, "noté")
            me, other = bot.store.person(USER), bot.store.person(OTHER)
            assert mentions(cfg.database, me) and len(await bot.store.pending_reminders()) == 2

            fake.send_command(USER, "/supprimer")
            confirm = await expect(fake, USER, "vraiment supprimer")
            assert mentions(cfg.database, me)  # nothing deleted before the confirmation
            fake.press(USER, button_data(confirm, "Non"))
            await expect(fake, USER, "Rien n'a été supprimé")
            assert len(await bot.store.pending_reminders()) == 2

            fake.send_command(USER, "/supprimer")
            confirm = await expect(fake, USER, "vraiment supprimer")
            fake.press(USER, button_data(confirm, "Oui"))
            done = await expect(fake, USER, "supprimé")
            assert "C'est fait" in done["text"]
            reminders = await bot.store.pending_reminders()
            assert [r.chat_id for r in reminders] == [OTHER]  # by chat id too
            assert mentions(cfg.database, me) == []  # no row in any table, by hash
            assert mentions(cfg.database, other)  # the other person is untouched
    assert me.encode() not in raw_bytes(cfg.database)  # not even in free pages or the log
    with closing(sqlite3.connect(cfg.database)) as db:
        for table in ("conversations", "events", "reminders"):
            assert db.execute(f"SELECT COUNT(*) FROM {table} WHERE person = ?", (me,)).fetchone() == (0,)  # noqa: S608
            assert db.execute(f"SELECT COUNT(*) FROM {table} WHERE person = ?", (other,)).fetchone()[0] > 0  # noqa: S608


async def test_supprimer_then_start_again(tmp_path: Path, knowledge) -> None:  # type: ignore[no-untyped-def]
    with FakeBotApi() as fake:
        cfg = make_config(tmp_path, fake)
        async with RunningBot(cfg, knowledge) as bot:
            fake.send_text(USER, "Lyon")
            await expect(fake, USER, "situation")
            fake.send_command(USER, "/supprimer")
            fake.press(USER, button_data(await expect(fake, USER, "vraiment"), "Oui"))
            await expect(fake, USER, "C'est fait")
            assert await bot.store.count("conversations") == 0 and await bot.store.count("events") == 0
            fake.send_command(USER, "/start")
            await expect(fake, USER, "Où habitez-vous")
            assert await bot.store.count("conversations") == 1


# -- /confidentialite -----------------------------------------------------------------------------------


@pytest.mark.parametrize("days", [42, 365])
async def test_confidentialite_says_what_why_and_how_long(tmp_path: Path, knowledge, days: int) -> None:  # type: ignore[no-untyped-def]
    with FakeBotApi() as fake:
        async with RunningBot(make_config(tmp_path, fake, retention_days=days), knowledge):
            fake.send_command(USER, "/confidentialite")
            reply = await expect(fake, USER, "garde")
    text = reply["text"]
    assert f"{days} jours" in text  # how long: the configured retention
    assert "conversation" in text and "anonymes" in text and "rappel" in text  # what
    assert "pour reprendre" in text  # why
    assert "/supprimer" in text
