"""The SQLite store: key file, one transaction per turn, concurrency, reminders, purge, faults."""

from __future__ import annotations

import asyncio
import datetime as dt
import json
import logging
import sqlite3
import threading
from collections import Counter
from contextlib import closing
from pathlib import Path

import pytest
from fakebotapi import FakeBotApi
from harness import RunningBot, button_data, make_config

from bot.config import Config
from bot.dialogue.engine import UserInput
from bot.service import Assistant
from bot.storage import DatabaseUnavailable, Store, load_or_create_key, scrub

ROOT = Path(__file__).resolve().parent.parent
LYON = "J'habite à Lyon et je suis salarié"


def config(tmp_path: Path, **overrides) -> Config:  # type: ignore[no-untyped-def]
    from dataclasses import replace  # noqa: PLC0415

    base = Config(path=tmp_path / "config.yaml", knowledge_dir=ROOT / "knowledge", database=tmp_path / "cep.sqlite3",
                  hash_key_file=tmp_path / "hash.key", knowledge_watch_seconds=0)
    return replace(base, **overrides)


def new_store(tmp_path: Path, **kwargs) -> Store:  # type: ignore[no-untyped-def]
    return Store(tmp_path / "cep.sqlite3", load_or_create_key(tmp_path / "hash.key"), **kwargs)


# -- the hashing key --------------------------------------------------------------------------


def test_key_is_created_once_with_mode_600(tmp_path: Path) -> None:
    path = tmp_path / "secrets" / "hash.key"
    key = load_or_create_key(path)
    assert len(key) == 64
    assert path.stat().st_mode & 0o777 == 0o600
    assert load_or_create_key(path) == key  # never regenerated
    assert not list(path.parent.glob(".*tmp"))


def test_key_creation_is_atomic_between_processes_starting_together(tmp_path: Path) -> None:
    path = tmp_path / "hash.key"
    keys: list[bytes] = []
    threads = [threading.Thread(target=lambda: keys.append(load_or_create_key(path))) for _ in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert len(set(keys)) == 1 and path.read_bytes() == keys[0]


def test_an_invalid_key_file_is_moved_aside_not_overwritten(tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    path = tmp_path / "hash.key"
    path.write_bytes(b"short")
    key = load_or_create_key(path)
    assert key != b"short" and len(key) == 64
    (aside,) = tmp_path.glob("hash.key.invalid-*")
    assert aside.read_bytes() == b"short"
    assert "hash key file" in caplog.text and "moved aside" in caplog.text


def test_a_key_readable_by_others_is_made_private(tmp_path: Path) -> None:
    path = tmp_path / "hash.key"
    key = load_or_create_key(path)
    path.chmod(0o644)
    assert load_or_create_key(path) == key
    assert path.stat().st_mode & 0o777 == 0o600


def test_same_id_same_hash_across_restarts_another_hash_with_another_key(tmp_path: Path) -> None:
    first = Store(tmp_path / "db", load_or_create_key(tmp_path / "a.key")).person(123456789)
    again = Store(tmp_path / "db", load_or_create_key(tmp_path / "a.key")).person(123456789)
    other_key = Store(tmp_path / "db", load_or_create_key(tmp_path / "b.key")).person(123456789)
    assert first == again != other_key
    assert "123456789" not in first and len(first) == 32


async def test_opening_with_another_key_warns(tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    async with Store(tmp_path / "db", load_or_create_key(tmp_path / "a.key")):
        pass
    async with Store(tmp_path / "db", load_or_create_key(tmp_path / "a.key")):
        pass
    assert "hashing key is not the one" not in caplog.text
    async with Store(tmp_path / "db", load_or_create_key(tmp_path / "b.key")):
        pass
    assert "hashing key is not the one" in caplog.text


# -- one transaction per turn -------------------------------------------------------------------


async def test_state_and_events_are_committed_together_or_not_at_all(tmp_path: Path) -> None:
    async with new_store(tmp_path) as store:
        await store.save_turn("p0", {"step": "place"}, [{"type": "conversation_started"}])
        assert store.db is not None
        await store.db.execute("CREATE TRIGGER refuse BEFORE INSERT ON events WHEN NEW.type = 'boom' BEGIN SELECT RAISE(ABORT, 'no'); END")
        await store.db.commit()
        with pytest.raises(sqlite3.IntegrityError):
            await store.save_turn("p1", {"step": "need"}, [{"type": "place"}, {"type": "boom"}])
        await store.save_turn("p2", {"step": "place"}, [{"type": "conversation_started"}])  # commits: must not carry p1's half turn
    async with new_store(tmp_path) as store:
        assert await store.load_state("p1") is None
        assert [e[1] for e in await store.events()] == ["p0", "p2"]
        assert await store.load_state("p2") == {"step": "place"}


async def test_the_turn_is_committed_before_the_reply_is_sent(tmp_path: Path, knowledge) -> None:  # type: ignore[no-untyped-def]
    """What a channel holds when it sends the replies is already on disk: another connection sees it."""
    async with new_store(tmp_path) as store:
        assistant = Assistant(config(tmp_path), knowledge, store)
        await assistant.process(7, 7, UserInput("command", "/start"))
        await assistant.process(7, 7, UserInput("text", LYON))  # returns the replies to send
        with closing(sqlite3.connect(tmp_path / "cep.sqlite3")) as other:
            (state,) = other.execute("SELECT state FROM conversations").fetchone()
            types = [r[0] for r in other.execute("SELECT type FROM events ORDER BY id")]
        assert json.loads(state)["step"] == "need"
        assert types == ["conversation_started", "place", "situation"]


async def test_a_reminder_is_committed_with_the_turn_that_asks_for_it(tmp_path: Path, knowledge) -> None:  # type: ignore[no-untyped-def]
    async with new_store(tmp_path) as store:
        assistant = Assistant(config(tmp_path, reminder_days=3), knowledge, store)
        turn = None
        for ui in (UserInput("command", "/start"), UserInput("text", LYON)):
            turn = await assistant.process(7, 7, ui)
        turn = await assistant.process(7, 7, UserInput("button", f"{turn.state.rev}|n|accompagnement"))
        turn = await assistant.process(7, 7, UserInput("button", f"{turn.state.rev}|u|y"))
        turn = await assistant.process(7, 7, UserInput("button", f"{turn.state.rev}|r|y"))
        assert "schedule_reminder" in turn.actions
        (reminder,) = await store.pending_reminders()  # stored before any reply is sent
        assert reminder.chat_id == 7 and reminder.payload["region"] == "84"
        assert dt.timedelta(days=2, hours=23) < reminder.due_at - dt.datetime.now(dt.UTC) <= dt.timedelta(days=3)
        # the channel then asks for it: the same reminder, not a second one
        scheduled = await assistant.schedule_reminder(7, 7, turn.state)
        assert scheduled is not None and scheduled.id == reminder.id
        assert scheduled.due_at == reminder.due_at  # the due time is computed once, stored and scheduled alike
        assert await store.count("reminders") == 1


# -- many people at once ------------------------------------------------------------------------


async def _full_conversation(assistant: Assistant, user: int) -> int:
    """Six turns; returns the revision the conversation started from (random, see Conversation)."""
    turn = await assistant.process(user, user, UserInput("command", f"/start src{user % 3}"))
    start = turn.state.rev - 1
    turn = await assistant.process(user, user, UserInput("text", LYON))
    turn = await assistant.process(user, user, UserInput("button", f"{turn.state.rev}|n|accompagnement"))
    turn = await assistant.process(user, user, UserInput("button", f"{turn.state.rev}|u|{'y' if user % 2 else 'n'}"))
    turn = await assistant.process(user, user, UserInput("button", f"{turn.state.rev}|r|y"))
    turn = await assistant.process(user, user, UserInput("button", f"{turn.state.rev}|q|gratuit"))
    assert turn.state.step == "answered"
    return start


async def test_200_people_at_once_lose_no_event(tmp_path: Path, knowledge) -> None:  # type: ignore[no-untyped-def]
    users = range(1000, 1200)
    async with new_store(tmp_path) as store:
        assistant = Assistant(config(tmp_path), knowledge, store)
        starts = await asyncio.gather(*(_full_conversation(assistant, u) for u in users))
        counts = Counter(kind for _, _, kind, _ in await store.events())
        states = [Store.person(store, u) for u in users]
        loaded = [await store.load_state(p) for p in states]
        assert await store.count("reminders") == 200
    expected = {"conversation_started": 200, "place": 200, "situation": 200, "need": 200, "answer": 200,
                "satisfaction": 200, "reminder_asked": 200, "question": 200}
    assert dict(counts) == expected
    assert all(
        s is not None and s["step"] == "answered" and s["rev"] == start + 6 and s["need"] == "accompagnement"
        for s, start in zip(loaded, starts, strict=True)
    )
    assert len({s["source"] for s in loaded if s}) == 3


async def test_turns_of_one_person_are_serialised(tmp_path: Path, knowledge) -> None:  # type: ignore[no-untyped-def]
    """Two messages of the same person processed at once: neither update is lost."""
    async with new_store(tmp_path) as store:
        assistant = Assistant(config(tmp_path), knowledge, store)
        first = await assistant.process(9, 9, UserInput("command", "/start"))
        # an old button: one "stale_button" event per turn, whatever the order
        await asyncio.gather(*(assistant.process(9, 9, UserInput("button", "0|q|gratuit")) for _ in range(40)))
        state = await store.load_state(store.person(9))
        assert state is not None and state["rev"] == first.state.rev + 40
        assert await store.count("events") == 41
        assert len(assistant._person_locks) == 0  # no lock left behind


@pytest.mark.slow
async def test_200_people_at_once_through_telegram(tmp_path: Path, knowledge) -> None:  # type: ignore[no-untyped-def]
    """The real Application (updates processed one after the other) and the fake Bot API."""
    users = list(range(2000, 2200))
    with FakeBotApi() as fake:
        async with RunningBot(make_config(tmp_path, fake), knowledge) as bot:
            for user in users:
                fake.send_text(user, LYON)
            for user in users:
                (question,) = await fake.areplies(user, 1, timeout=60)
                assert "question ponctuelle" in question["text"]
            counts = Counter(kind for _, _, kind, _ in await bot.store.events())
            steps = Counter([(await bot.store.load_state(bot.store.person(u)) or {}).get("step") for u in users])
    assert counts == {"place": 200, "situation": 200}
    assert steps == {"need": 200}
    assert fake.internal_errors == []


# -- reminders ------------------------------------------------------------------------------------


async def test_the_chat_id_of_a_reminder_is_sealed(tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    due = dt.datetime.now(dt.UTC)
    async with new_store(tmp_path) as store:
        rid = await store.add_reminder(store.person(987654321), 987654321, due, {"region": "84"})
        assert (await store.reminder(rid)).chat_id == 987654321  # type: ignore[union-attr]
    with closing(sqlite3.connect(tmp_path / "cep.sqlite3")) as db:
        row = db.execute("SELECT * FROM reminders").fetchone()
    assert not any("987654321" in str(v) for v in row)
    async with Store(tmp_path / "cep.sqlite3", load_or_create_key(tmp_path / "other.key")) as store:
        assert await store.pending_reminders() == []  # unreadable without the key
    assert "sealed with another hashing key" in caplog.text


@pytest.mark.slow
async def test_reminders_are_rescheduled_and_sent_after_a_restart(tmp_path: Path, knowledge) -> None:  # type: ignore[no-untyped-def]
    """Asked in one Application, due while it is stopped, sent by a new Application on the same
    database, with the booking buttons; "Oui, c'est fait" records a booking."""
    chat = 4242
    with FakeBotApi() as fake:
        cfg = make_config(tmp_path, fake)
        async with RunningBot(cfg, knowledge):
            fake.send_text(chat, LYON)
            (question,) = await fake.areplies(chat, 1)
            fake.press(chat, button_data(question, "accompagnement"))
            (answer,) = await fake.areplies(chat, 1)  # the answer carries the satisfaction question and its buttons
            assert answer["text"].endswith("\n\nCette réponse vous a-t-elle été utile ?")
            fake.press(chat, button_data(answer, "Oui, utile"))
            (offer,) = await fake.areplies(chat, 1)
            fake.press(chat, button_data(offer, "Oui"))
            await fake.areplies(chat, 1)
        with closing(sqlite3.connect(cfg.database)) as db, db:
            db.execute("UPDATE reminders SET due_at = ?", ((dt.datetime.now(dt.UTC) - dt.timedelta(hours=1)).isoformat(),))
        async with RunningBot(cfg, knowledge) as bot:
            (reminder,) = await fake.areplies(chat, 1, timeout=15)
            assert "Petit rappel" in reminder["text"] and "Avenir Actifs" in reminder["text"]
            labels = [b["text"] for row in reminder["reply_markup"]["inline_keyboard"] for b in row]
            assert labels == ["Oui, c'est fait", "Pas encore", "Plus besoin"]
            fake.press(chat, button_data(reminder, "Oui, c'est fait"))
            await fake.areplies(chat, 1)
            kinds = [kind for _, _, kind, _ in await bot.store.events()]
            assert await bot.store.count("reminders") == 0
    assert kinds[-3:] == ["reminder_asked", "reminder_sent", "booking"]


# -- purge ------------------------------------------------------------------------------------------


async def _age(database: Path, days: int) -> None:
    old = dt.datetime.now(dt.UTC) - dt.timedelta(days=days)
    with closing(sqlite3.connect(database)) as db, db:
        db.execute("UPDATE conversations SET updated_at = ?", (old.isoformat(),))
        db.execute("UPDATE events SET at = ?", (old.isoformat(),))
        db.execute("UPDATE reminders SET created_at = ?", (old.isoformat(),))
        db.execute("UPDATE unknown_texts SET day = ?", (old.date().isoformat(),))


async def test_purge_deletes_only_what_is_older_than_the_retention(tmp_path: Path) -> None:
    async with new_store(tmp_path, keep_unknown=True) as store:
        await store.save_turn("old", {"step": "place"}, [{"type": "conversation_started"}], ["xyzzy plugh"])
        await store.add_reminder("old", 1, dt.datetime.now(dt.UTC), {})
    await _age(tmp_path / "cep.sqlite3", 200)
    async with new_store(tmp_path, keep_unknown=True) as store:
        await store.save_turn("new", {"step": "place"}, [{"type": "conversation_started"}], ["abracadabra"])
        assert await store.purge(180) == {"conversations": 1, "events": 1, "reminders": 1, "unknown_texts": 1}
        assert await store.load_state("old") is None and await store.load_state("new") is not None
        assert [e[1] for e in await store.events()] == ["new"]
        assert [t[1] for t in await store.unknown_texts()] == ["abracadabra"]
        assert await store.purge(180) == {"conversations": 0, "events": 0, "reminders": 0, "unknown_texts": 0}


@pytest.mark.slow
async def test_the_daily_purge_job(tmp_path: Path, knowledge) -> None:  # type: ignore[no-untyped-def]
    async with new_store(tmp_path) as store:
        await store.save_turn("old", {"step": "place"}, [{"type": "conversation_started"}])
    await _age(tmp_path / "cep.sqlite3", 40)
    with FakeBotApi() as fake:
        async with RunningBot(make_config(tmp_path, fake, retention_days=30), knowledge) as bot:
            (job,) = bot.app.job_queue.get_jobs_by_name("purge")  # type: ignore[union-attr]
            assert job.trigger.interval == dt.timedelta(days=1)  # type: ignore[attr-defined]
            await job.run(bot.app)
            assert await bot.store.count("conversations") == 0 and await bot.store.count("events") == 0


# -- faults ---------------------------------------------------------------------------------------


@pytest.mark.slow
async def test_a_corrupt_file_is_moved_aside_and_the_bot_keeps_serving(tmp_path: Path, knowledge, caplog: pytest.LogCaptureFixture) -> None:  # type: ignore[no-untyped-def]
    garbage = b"this is not a database\x00" * 500
    (tmp_path / "cep.sqlite3").write_bytes(garbage)
    (tmp_path / "cep.sqlite3-wal").write_bytes(b"junk wal")
    caplog.set_level(logging.ERROR, logger="bot.storage")
    with FakeBotApi() as fake:
        async with RunningBot(make_config(tmp_path, fake), knowledge):
            fake.send_command(77, "/start")
            (welcome,) = await fake.areplies(77, 1)  # the welcome and the place question: one message
            assert "Bonjour" in welcome["text"] and "Où habitez-vous" in welcome["text"]
            fake.send_text(77, LYON)
            (question,) = await fake.areplies(77, 1)
            assert "question ponctuelle" in question["text"]
    (aside,) = tmp_path.glob("cep.sqlite3.corrupt-*[0-9]")
    assert aside.read_bytes() == garbage
    assert Path(str(aside) + "-wal").read_bytes() == b"junk wal"
    (record,) = [r for r in caplog.records if "moved aside" in r.getMessage()]
    assert record.levelno == logging.ERROR and "unreadable or corrupt" in record.getMessage() and str(aside) in record.getMessage()
    with closing(sqlite3.connect(tmp_path / "cep.sqlite3")) as db:
        assert db.execute("SELECT COUNT(*) FROM events").fetchone() == (3,)


async def test_a_second_corruption_never_overwrites_the_first_file_set_aside(tmp_path: Path) -> None:
    for content in (b"first garbage" * 100, b"second garbage" * 100):
        (tmp_path / "cep.sqlite3").unlink(missing_ok=True)
        (tmp_path / "cep.sqlite3").write_bytes(content)
        async with new_store(tmp_path):
            pass
    kept = sorted(p.read_bytes()[:6] for p in tmp_path.glob("cep.sqlite3.corrupt-*") if not p.name.endswith(("-wal", "-shm")))
    assert kept == [b"first ", b"second"]


async def test_a_damaged_page_is_detected(tmp_path: Path) -> None:
    async with new_store(tmp_path) as store:
        for i in range(300):
            await store.save_turn(f"p{i}", {"step": "place", "pad": "x" * 200}, [{"type": "conversation_started"}])
        await store.db.execute("PRAGMA wal_checkpoint(TRUNCATE)")  # type: ignore[union-attr]
    data = bytearray((tmp_path / "cep.sqlite3").read_bytes())
    data[4096 * 3 : 4096 * 3 + 2000] = b"\xff" * 2000  # scribble over a b-tree page
    (tmp_path / "cep.sqlite3").write_bytes(bytes(data))
    async with new_store(tmp_path) as store:
        assert store.moved_aside is not None and store.moved_aside.exists()
        assert await store.count("conversations") == 0


async def test_a_busy_database_is_not_mistaken_for_a_corrupt_one(tmp_path: Path) -> None:
    path = tmp_path / "cep.sqlite3"
    with closing(sqlite3.connect(path, isolation_level=None)) as holder:
        holder.execute("CREATE TABLE t(x)")
        holder.execute("BEGIN EXCLUSIVE")
        store = new_store(tmp_path)
        store.busy_timeout = 0.2
        with pytest.raises(DatabaseUnavailable, match="locked"):
            await store.open()
        assert store.db is None
        holder.execute("ROLLBACK")
    assert not list(tmp_path.glob("*.corrupt-*"))
    async with new_store(tmp_path) as store:
        assert store.moved_aside is None


async def test_tools_never_repair(tmp_path: Path) -> None:
    (tmp_path / "cep.sqlite3").write_bytes(b"garbage" * 100)
    with pytest.raises(DatabaseUnavailable):
        await new_store(tmp_path, repair=False).open()
    assert (tmp_path / "cep.sqlite3").read_bytes() == b"garbage" * 100
    assert not list(tmp_path.glob("*.corrupt-*"))


# -- schema upgrade ---------------------------------------------------------------------------------


async def test_a_first_release_database_is_upgraded(tmp_path: Path) -> None:
    path = tmp_path / "cep.sqlite3"
    now = dt.datetime.now(dt.UTC).isoformat()
    with closing(sqlite3.connect(path)) as db, db:
        db.executescript(
            """
            CREATE TABLE conversations (person TEXT PRIMARY KEY, state TEXT NOT NULL, updated_at TEXT NOT NULL);
            CREATE TABLE events (id INTEGER PRIMARY KEY, at TEXT NOT NULL, person TEXT NOT NULL, type TEXT NOT NULL, data TEXT NOT NULL);
            CREATE TABLE reminders (id INTEGER PRIMARY KEY, person TEXT NOT NULL, chat_id INTEGER NOT NULL, due_at TEXT NOT NULL, payload TEXT NOT NULL, created_at TEXT NOT NULL);
            CREATE INDEX reminders_person ON reminders(person);
            CREATE TABLE unknown_texts (id INTEGER PRIMARY KEY, at TEXT NOT NULL, text TEXT NOT NULL);
            """
        )
        db.execute("INSERT INTO reminders VALUES (5, 'p', 31337, ?, '{}', ?)", (now, now))
        db.executemany("INSERT INTO unknown_texts(at, text) VALUES (?, ?)", [(now, "bof"), (now, "bof"), (now, "appelez le 0612345678")])
    async with new_store(tmp_path) as store:
        (reminder,) = await store.pending_reminders()
        assert (reminder.id, reminder.chat_id) == (5, 31337)
        assert sorted(await store.unknown_texts()) == [(now[:10], "appelez le [numéro]", 1), (now[:10], "bof", 2)]
    with closing(sqlite3.connect(path)) as db:
        assert "31337" not in str(db.execute("SELECT * FROM reminders").fetchall())
        assert db.execute("PRAGMA user_version").fetchone() == (1,)
        assert db.execute("SELECT name FROM sqlite_master WHERE name = 'reminders_person'").fetchone()


def test_scrub() -> None:
    assert scrub("écrivez à jean.dupont@example.org ou au +33 6 12 34 56 78, @jeannot") == "écrivez à [e-mail] ou au [numéro], [pseudo]"
    assert scrub("voir https://example.org/x?y=1 svp") == "voir [lien] svp"
    assert scrub("j'habite au 75011") == "j'habite au 75011"  # a postal code is not a phone number


@pytest.mark.bench
def test_bench_quick_runs() -> None:
    import subprocess  # noqa: PLC0415
    import sys  # noqa: PLC0415

    result = subprocess.run(  # noqa: S603
        [sys.executable, str(ROOT / "bench" / "storage.py"), "--quick"], capture_output=True, text=True, timeout=120, check=False
    )
    assert result.returncode == 0, result.stderr
    assert "persistence cost per update, ms" in result.stdout and "save_turn (state + 2 events)" in result.stdout


async def test_an_update_delivered_twice_is_processed_once_and_its_replies_replayed(tmp_path, knowledge) -> None:  # type: ignore[no-untyped-def]
    """After a crash between the commit and Telegram's confirmation, the same update_id is not processed again."""
    from bot.config import Config
    from bot.dialogue.engine import UserInput
    from bot.service import Assistant
    from bot.storage import Store, load_or_create_key

    config = Config(path=tmp_path / "c.yaml", knowledge_dir=tmp_path, database=tmp_path / "db.sqlite3", hash_key_file=tmp_path / "k")
    async with Store(config.database, load_or_create_key(config.hash_key_file)) as store:
        assistant = Assistant(config, knowledge, store)
        first = await assistant.process(5, 5, UserInput("text", "salariée à Lille"), update_id=41)
        again = await assistant.process(5, 5, UserInput("text", "salariée à Lille"), update_id=41)
        assert "replay" in again.actions
        assert [r.text for r in again.replies] == [r.text for r in first.replies]
        assert [r.buttons for r in again.replies] == [r.buttons for r in first.replies]
        assert again.state.rev == first.state.rev
        started = [e for e in await store.events() if e[2] in ("place", "situation")]
        assert len(started) == 2  # counted once, not twice
        nxt = await assistant.process(5, 5, UserInput("text", "je veux changer de métier"), update_id=42)
        assert "replay" not in nxt.actions and nxt.state.step == "answered"


async def test_a_lower_update_id_is_a_new_update_not_a_replay(tmp_path, knowledge) -> None:  # type: ignore[no-untyped-def]
    """Telegram restarts update ids at random after a week of silence: only a known id is a replay."""
    from bot.config import Config
    from bot.dialogue.engine import UserInput
    from bot.service import Assistant
    from bot.storage import Store, load_or_create_key

    config = Config(path=tmp_path / "c.yaml", knowledge_dir=tmp_path, database=tmp_path / "db.sqlite3", hash_key_file=tmp_path / "k")
    async with Store(config.database, load_or_create_key(config.hash_key_file)) as store:
        assistant = Assistant(config, knowledge, store)
        await assistant.process(6, 6, UserInput("text", "salariée à Lille"), update_id=900_000)
        later = await assistant.process(6, 6, UserInput("text", "je veux changer de métier"), update_id=12)
        assert "replay" not in later.actions and later.state.step == "answered"
