"""Restarts with real processes: ``python -m bot run`` against the fake Bot API, killed with SIGKILL.

The guarantee under test: the state of a conversation is committed to SQLite after every turn,
before the replies are sent, so a process killed at any moment loses at most the message being
processed, and every conversation continues from its last completed step.
"""

from __future__ import annotations

import datetime as dt
import json
import random
import sqlite3
import threading
import time
from collections.abc import Iterator
from contextlib import closing
from pathlib import Path

import pytest

from bot.storage import Store, load_or_create_key
from fakebotapi import FakeBotApi
from harness import button_data, texts
from proc import BotProcess

pytestmark = pytest.mark.slow

CHAT = 5550001
LYON = "J'habite à Lyon et je suis salarié"
LYON_LOT = "Auvergne-Rhône-Alpes"
USEFUL = "Cette réponse vous a-t-elle été utile ?"


def wait_welcome(fake: FakeBotApi, chat: int) -> dict:
    """/start gets one message: the welcome, then the place question (with the location keyboard)."""
    (welcome,) = fake.wait_for_replies(chat, 1, timeout=15)
    assert welcome["text"].startswith("Bonjour") and "\n\nOù habitez-vous" in welcome["text"]
    return welcome


def check_answer(answer: dict) -> None:
    """The answer ends with the satisfaction question; its first row of buttons is 👍/👎."""
    assert "Avenir Actifs" in answer["text"] and LYON_LOT in answer["text"]
    assert answer["text"].endswith("\n\n" + USEFUL)
    first_row = answer["reply_markup"]["inline_keyboard"][0]
    assert [b["text"] for b in first_row] == ["👍 Oui, utile", "👎 Non"]
    assert [b["callback_data"].split("|", 1)[1] for b in first_row] == ["u|y", "u|n"]


@pytest.fixture
def fake() -> Iterator[FakeBotApi]:
    with FakeBotApi() as server:
        yield server
    assert server.internal_errors == []


def rows(database: Path, sql: str, params: tuple = ()) -> list[tuple]:
    with closing(sqlite3.connect(database)) as db:
        return db.execute(sql, params).fetchall()


def state_of(bot: BotProcess, user_id: int) -> dict | None:
    person = Store(bot.database, load_or_create_key(bot.key_file)).person(user_id)
    found = rows(bot.database, "SELECT state FROM conversations WHERE person = ?", (person,))
    return json.loads(found[0][0]) if found else None


def events_of(bot: BotProcess, user_id: int) -> list[str]:
    person = Store(bot.database, load_or_create_key(bot.key_file)).person(user_id)
    return [r[0] for r in rows(bot.database, "SELECT type FROM events WHERE person = ? ORDER BY id", (person,))]


def wait_text(fake: FakeBotApi, chat: int, needle: str, timeout: float = 15) -> dict:
    """The first message of the bot in ``chat`` containing ``needle`` since the last wait."""
    cursor = fake.__dict__.setdefault("_test_cursor", {})

    def find() -> dict | None:
        sent = fake.sent(chat)
        for index in range(min(cursor.get(chat, 0), len(sent)), len(sent)):
            if needle.lower() in sent[index].get("text", "").lower():
                cursor[chat] = index + 1
                fake.mark_seen(chat)
                return sent[index]
        return None

    return fake.wait_until(
        find, timeout, f"no message with {needle!r} in chat {chat}: {[m.get('text', '')[:50] for m in fake.sent(chat)]}"
    )


def wait_quiet(fake: FakeBotApi, quiet: float = 0.5, timeout: float = 30) -> None:
    """Until the bot has sent nothing for ``quiet`` seconds."""
    deadline = time.monotonic() + timeout
    count = -1
    while time.monotonic() < deadline:
        time.sleep(quiet)
        now = len([c for c in fake.calls if c.method != "getUpdates"])
        if now == count:
            return
        count = now
    raise AssertionError("the bot kept sending")


def wait_confirmed(fake: FakeBotApi, timeout: float = 10) -> None:
    """The bot confirms fetched updates with the offset of its very next getUpdates call."""
    fake.wait_until(lambda: not fake.pending_updates, timeout, "updates still unconfirmed")


def wait_settled(fake: FakeBotApi, bot: BotProcess, timeout: float = 10) -> None:
    """Updates confirmed, and every accepted reply crossed off the outbox (between two steps)."""
    wait_confirmed(fake, timeout)
    fake.wait_until(
        lambda: rows(bot.database, "SELECT COUNT(*) FROM outbox") == [(0,)], timeout, "replies still in the outbox"
    )


def test_sigkill_between_two_steps_the_conversation_continues(tmp_path: Path, fake: FakeBotApi) -> None:
    with BotProcess(tmp_path, fake) as bot:
        fake.send_command(CHAT, "/start affiche-mairie")
        wait_welcome(fake, CHAT)
        fake.send_text(CHAT, LYON)
        (question,) = fake.wait_for_replies(CHAT, 1, timeout=15)
        assert "question ponctuelle" in question["text"]
        need_button = button_data(question, "accompagnement")
        wait_settled(fake, bot)
        assert state_of(bot, CHAT)["step"] == "need"

        bot.kill()
        assert not bot.running
        with closing(sqlite3.connect(bot.database)) as db:
            assert db.execute("PRAGMA integrity_check").fetchone() == ("ok",)

        sent_before = len(fake.sent(CHAT))
        bot.start()
        time.sleep(0.5)
        # nothing was pending, so nothing is re-delivered: the bot says nothing by itself
        assert len(fake.sent(CHAT)) == sent_before

        fake.press(CHAT, need_button)  # the button of the message sent before the kill
        (answer,) = fake.wait_for_replies(CHAT, 1, timeout=15)  # the answer carries the satisfaction question
        check_answer(answer)
        assert "Lyon (69)" in answer["text"]
        assert state_of(bot, CHAT)["step"] == "answered"
        assert events_of(bot, CHAT) == ["conversation_started", "place", "situation", "need", "answer"]
        assert bot.terminate() == 0
    assert "stopped cleanly" in bot.log()


def test_sigkill_while_the_reply_is_being_sent(tmp_path: Path, fake: FakeBotApi) -> None:
    """The reply is committed with the state, in the outbox: killed while Telegram refuses the reply,
    the step is kept and, at the next start, the reply is sent by itself (before: never sent)."""
    with BotProcess(tmp_path, fake) as bot:
        fake.send_command(CHAT, "/start")
        wait_welcome(fake, CHAT)
        fake.fail_next("sendMessage", status=502, count=1000)
        fake.send_text(CHAT, LYON)
        fake.wait_until(lambda: fake.calls_of("sendMessage", failed=True), 15, "the bot never tried to reply")
        bot.kill()
        assert len(fake.sent(CHAT)) == 1  # the question never arrived
        assert state_of(bot, CHAT)["step"] == "need"
        assert events_of(bot, CHAT) == ["conversation_started", "place", "situation"]
        assert rows(bot.database, "SELECT COUNT(*) FROM outbox") == [(1,)]

        next_id = fake._next_update_id
        fake.reset()  # Telegram works again (and forgets the test's earlier messages)
        fake._next_update_id = next_id  # like Telegram, update ids keep growing
        bot.start()
        question = wait_text(fake, CHAT, "question ponctuelle")  # nobody wrote: sent from the outbox
        assert rows(bot.database, "SELECT COUNT(*) FROM outbox") == [(0,)] or fake.wait_until(
            lambda: rows(bot.database, "SELECT COUNT(*) FROM outbox") == [(0,)], 10
        )
        fake.press(CHAT, button_data(question, "accompagnement"))
        answer = wait_text(fake, CHAT, "Avenir Actifs")
        check_answer(answer)
        assert events_of(bot, CHAT)[-2:] == ["need", "answer"]
        assert len(fake.sent(CHAT)) == 2, "each reply once"
        assert bot.terminate() == 0


def test_sigkill_at_random_moments_loses_no_completed_step(tmp_path: Path, fake: FakeBotApi) -> None:
    """Users keep writing while the process is killed twice at random moments; after each restart
    every conversation is where its last committed turn left it (state and events agree), and
    every one can be finished."""
    users = [CHAT + i for i in range(1, 25)]
    rng = random.Random(20240501)
    with BotProcess(tmp_path, fake) as bot:
        for _round in range(2):
            stop = threading.Event()

            def chat(stop: threading.Event = stop) -> None:
                for user in users:
                    if stop.is_set():
                        return
                    fake.send_command(user, "/start")
                    fake.send_text(user, LYON)
                    time.sleep(0.01)

            writer = threading.Thread(target=chat)
            writer.start()
            time.sleep(rng.uniform(0.05, 0.4))
            bot.kill()
            stop.set()
            writer.join()
            with closing(sqlite3.connect(bot.database)) as db:
                assert db.execute("PRAGMA integrity_check").fetchone() == ("ok",)
            for user in users:
                state, events = state_of(bot, user), events_of(bot, user)
                # one transaction per turn: a state at a step always comes with that step's events
                if state is None:
                    assert events == []
                elif state["step"] == "need":
                    assert events[-2:] == ["place", "situation"]
                else:
                    assert state["step"] == "place" and events[-1] == "conversation_started"
            bot.start()
            wait_confirmed(fake, 30)  # updates fetched but not confirmed before the kill come again
            wait_quiet(fake)

        # finish every conversation from wherever it is
        for user in users:
            fake.mark_seen(user)
            state = state_of(bot, user)
            if state is not None and state["step"] == "need":
                # a button of the last question the bot asked (a message of this chat: the press attaches to it)
                fake.press(user, f"{state['rev']}|n|accompagnement")
            else:
                fake.send_text(user, LYON)
                (question,) = fake.wait_for_replies(user, 1, timeout=15)
                fake.press(user, button_data(question, "accompagnement"))
        for user in users:
            (answer,) = fake.wait_for_replies(
                user, 1, timeout=20
            )  # one message: the answer and its satisfaction question
            check_answer(answer)
            assert state_of(bot, user)["step"] == "answered"
        time.sleep(0.3)
        assert all(fake.sent(user)[-1]["text"].endswith(USEFUL) for user in users), "nothing after the answer"
        assert bot.terminate() == 0


def test_reminder_survives_a_restart(tmp_path: Path, fake: FakeBotApi) -> None:
    """Asked before a SIGKILL, due while the bot is down: sent at the next start, with the
    contacts and the booking question; "Oui, c'est fait" records a booking."""
    with BotProcess(tmp_path, fake) as bot:
        fake.send_command(CHAT, "/start")
        wait_welcome(fake, CHAT)
        fake.send_text(CHAT, LYON)
        (question,) = fake.wait_for_replies(CHAT, 1, timeout=15)
        fake.press(CHAT, button_data(question, "accompagnement"))
        (answer,) = fake.wait_for_replies(CHAT, 1, timeout=15)
        check_answer(answer)
        fake.press(CHAT, button_data(answer, "Oui, utile"))  # the rating buttons are on the answer
        (offer,) = fake.wait_for_replies(CHAT, 1, timeout=15)
        fake.press(CHAT, button_data(offer, "Oui"))
        (noted,) = fake.wait_for_replies(CHAT, 1, timeout=15)
        assert "noté" in noted["text"]
        wait_settled(fake, bot)
        bot.kill()

        (due_at,) = rows(bot.database, "SELECT due_at FROM reminders")[0]
        assert dt.datetime.fromisoformat(due_at) > dt.datetime.now(dt.UTC) + dt.timedelta(days=2)
        past = (dt.datetime.now(dt.UTC) - dt.timedelta(minutes=5)).isoformat()
        with closing(sqlite3.connect(bot.database)) as db, db:
            db.execute("UPDATE reminders SET due_at = ?", (past,))

        bot.start()
        (reminder,) = fake.wait_for_replies(CHAT, 1, timeout=15)
        assert "avez-vous pu prendre rendez-vous" in reminder["text"]
        assert LYON_LOT in reminder["text"]
        fake.press(CHAT, button_data(reminder, "Oui, c'est fait"))
        (bravo,) = fake.wait_for_replies(CHAT, 1, timeout=15)
        assert "Bravo" in bravo["text"]
        assert rows(bot.database, "SELECT COUNT(*) FROM reminders") == [(0,)]
        assert events_of(bot, CHAT)[-2:] == ["reminder_sent", "booking"]
        assert bot.terminate() == 0
    assert "Bravo" in texts(fake.sent(CHAT))


def test_stats_and_purge_run_beside_the_running_bot(tmp_path: Path, fake: FakeBotApi) -> None:
    import os
    import subprocess
    import sys

    with BotProcess(tmp_path, fake) as bot:
        fake.send_command(CHAT, "/start")
        wait_welcome(fake, CHAT)
        env = {k: v for k, v in os.environ.items() if k != "CEP_BOT_TOKEN"}
        for command in ("stats", "purge"):
            result = subprocess.run(
                [sys.executable, "-m", "bot", "--config", str(bot.config_path), command],
                capture_output=True,
                text=True,
                env=env,
                timeout=60,
                check=False,
                cwd=tmp_path,
            )
            assert result.returncode == 0, result.stderr
        assert "Supprimé" in result.stdout
        fake.send_text(CHAT, LYON)  # the bot is not disturbed
        (question,) = fake.wait_for_replies(CHAT, 1, timeout=15)
        assert "question ponctuelle" in question["text"]
        assert bot.terminate() == 0
    assert not list((tmp_path / "data").glob("*.corrupt-*"))
