"""Issue 15, in-process over the fake Bot API: poison updates, groups, auth errors, fairness, logs, files.

Each test drives the real Application through the bot's own runtime (``tests/harness.py``) against
``tests/fakebotapi.py`` on 127.0.0.1, and would fail on the code before the fix.
"""

from __future__ import annotations

import asyncio
import itertools
import logging
import os
import shutil
import sqlite3
import time
from pathlib import Path
from typing import Any

import pytest

from bot.storage import DatabaseUnavailable, Store, load_or_create_key
from fakebotapi import BOT_USER, FakeBotApi
from handlers.context import Exit
from harness import RunningBot, make_config

NAME = "Zébulon"
SECRET_TEXT = "mon voisin Trucmuche"
GROUP = -100777
BOT_LINK = f"https://t.me/{BOT_USER['username']}"

pytestmark = pytest.mark.slow  # drives the real Application over the fake Bot API


def poll_message(chat: int, user: int, first_name: str = NAME) -> dict[str, Any]:
    """A message with a poll as a Bot API server older than 9.6 sends it (no persistent_id)."""
    return {
        "message": {
            "message_id": 1,
            "date": int(time.time()),
            "chat": {"id": chat, "type": "private", "first_name": first_name},
            "from": {"id": user, "is_bot": False, "first_name": first_name},
            "poll": {
                "id": "p1",
                "question": SECRET_TEXT,
                "options": [{"text": "oui", "voter_count": 0}],
                "total_voter_count": 0,
                "is_closed": False,
                "is_anonymous": True,
                "type": "regular",
                "allows_multiple_answers": False,
            },
        }
    }


def group_message(
    text: str,
    *,
    user: int = 51,
    chat: int = GROUP,
    chat_type: str = "supergroup",
    is_bot: bool = False,
    entities: bool = True,
) -> dict[str, Any]:
    message: dict[str, Any] = {
        "message_id": 10,
        "date": int(time.time()),
        "chat": {"id": chat, "type": chat_type, "title": "Le groupe"},
        "from": {"id": user, "is_bot": is_bot, "first_name": NAME},
        "text": text,
    }
    if entities and text.startswith("/"):
        message["entities"] = [{"type": "bot_command", "offset": 0, "length": len(text.split(maxsplit=1)[0])}]
    return {"message": message}


# -- 1. what cannot be parsed is skipped ----------------------------------------------------------


async def test_an_update_that_cannot_be_parsed_is_dropped_and_everyone_else_answered(
    tmp_path: Path, knowledge: Any, caplog: pytest.LogCaptureFixture
) -> None:
    """A poll without persistent_id in the batch: confirmed and dropped with one line, the others answered.

    Before: PTB raised on the whole batch, asked again at once with the same offset (228 getUpdates in
    10 s), answered nobody and logged the batch (texts, ids, names) at CRITICAL on every try.
    """
    caplog.set_level(logging.DEBUG, logger="handlers")
    caplog.set_level(logging.DEBUG, logger="bot")
    with FakeBotApi() as fake:
        async with RunningBot(make_config(tmp_path, fake), knowledge):
            poison = fake.push_update(poll_message(71, 71))
            fake.send_text(72, "Lyon", first_name=NAME)
            (reply,) = await fake.areplies(72, 1, timeout=30)
            assert "situation" in reply["text"].lower()
            await fake.auntil(
                lambda: not fake.pending_updates, timeout=10, message="the poison update was never confirmed"
            )
            fake.send_text(73, "Quimper")
            assert await fake.areplies(73, 1, timeout=30)
            asking_again = [c for c in fake.calls_of("getUpdates") if int(c.params.get("offset") or 0) <= poison]
            assert len(asking_again) <= 2, "the batch with the poison update is fetched once, then confirmed"
            assert fake.sent(71) == []
    skipped = [r for r in caplog.records if "cannot be read" in r.getMessage()]
    assert len(skipped) == 1 and skipped[0].levelno == logging.WARNING
    assert skipped[0].getMessage() == f"update {poison} skipped: it cannot be read (TypeError)"
    log_text = "\n".join(r.getMessage() + str(r.exc_info or "") for r in caplog.records)
    for needle in (SECRET_TEXT, NAME, "'update_id'", "persistent_id"):
        assert needle not in log_text
    assert not [r for r in caplog.records if r.levelno >= logging.CRITICAL]


@pytest.mark.parametrize("answer", [[{"no_update_id": 1}, "junk"], {"not": "a list"}])
async def test_a_broken_get_updates_answer_is_asked_again_later_and_later(
    tmp_path: Path, knowledge: Any, answer: object
) -> None:
    """Junk or an update without update_id: the poller waits 1 s, 2 s, 4 s... instead of asking again at once."""
    with FakeBotApi() as fake:
        fake.on("getUpdates", lambda _params: answer)
        async with RunningBot(make_config(tmp_path, fake), knowledge):
            await fake.auntil(lambda: len(fake.calls_of("getUpdates")) >= 4, timeout=60)
            fake.off("getUpdates")
            times = [c.time for c in fake.calls_of("getUpdates")[:4]]
            gaps = [b - a for a, b in itertools.pairwise(times)]
            assert gaps[0] >= 0.9 and gaps[1] >= 1.9 and gaps[2] >= 3.9, gaps  # lower bounds only
            fake.send_text(74, "Lyon")
            assert await fake.areplies(74, 1, timeout=60), "polling resumes once the answers are sound"


# -- 4. private chats only -----------------------------------------------------------------------


async def test_groups_get_one_short_notice_and_nothing_private(tmp_path: Path, knowledge: Any) -> None:
    """In a group: one « écrivez-moi en privé » with a link, no keyboard, no state, no staff figures."""
    staff = 51
    with FakeBotApi() as fake:
        cfg = make_config(tmp_path, fake, staff_ids=frozenset({staff}))
        async with RunningBot(cfg, knowledge):
            fake.send_text(staff, "Je suis salariée à Quimper")  # a private conversation first
            (private,) = await fake.areplies(staff, 1)
            assert "ponctuelle" in private["text"]
            fake.push_update(group_message("/start"))
            (notice,) = await fake.areplies(GROUP, 1)
            assert "en privé" in notice["text"] and BOT_LINK in notice["text"]
            assert "reply_markup" not in notice
            for text in (
                "/start",
                "/stats",
                "Je suis à Lyon",
                f"@{BOT_USER['username']} où aller ?",
                "/aide@other_bot",
            ):
                fake.push_update(group_message(text))
            fake.push_update(group_message("/start", chat=-100888, chat_type="group"))  # another group
            (other,) = await fake.areplies(-100888, 1)
            assert BOT_LINK in other["text"]
            fake.push_update(group_message("bonjour", chat=-100999, chat_type="group"))  # not addressed to the bot
            fake.send_command(staff, "/version")  # the private chat still works, after all of that
            assert "version" in (await fake.areplies(staff, 1))[0]["text"].lower()
            await asyncio.sleep(0.3)
        assert len(fake.sent(GROUP)) == 1, "one notice per group, whatever is said there"
        assert fake.sent(-100999) == []
        for message in fake.sent(GROUP) + fake.sent(-100888):
            assert "Quimper" not in message["text"] and "salari" not in message["text"].lower()
            assert "reply_markup" not in message
    with sqlite3.connect(cfg.database) as db:
        assert db.execute("SELECT COUNT(*) FROM conversations").fetchone() == (1,), "no state for a group"


async def test_other_bots_and_commands_for_another_bot_are_ignored(tmp_path: Path, knowledge: Any) -> None:
    """A bot's message, or /start@another_bot, gets nothing, even in a private chat."""
    with FakeBotApi() as fake:
        async with RunningBot(make_config(tmp_path, fake), knowledge):
            fake.push_update(group_message("/start@another_bot", chat=81, user=81, chat_type="private"))
            fake.push_update(group_message("Lyon", chat=82, user=82, chat_type="private", is_bot=True))
            fake.push_update(group_message("/start", chat=GROUP, user=83, is_bot=True))
            fake.push_update(group_message(f"/start@{BOT_USER['username']}", chat=84, user=84, chat_type="private"))
            assert await fake.areplies(84, 1), "a command addressed to this bot is answered"
            await asyncio.sleep(0.3)
        assert fake.sent(81) == [] and fake.sent(82) == [] and fake.sent(GROUP) == []


async def test_a_button_pressed_in_a_group_changes_nothing(tmp_path: Path, knowledge: Any) -> None:
    with FakeBotApi() as fake:
        cfg = make_config(tmp_path, fake)
        async with RunningBot(cfg, knowledge):
            fake.push_update(
                {
                    "callback_query": {
                        "id": "cb-group",
                        "from": {"id": 91, "is_bot": False, "first_name": NAME},
                        "chat_instance": "x",
                        "data": "1|n|accompagnement",
                        "message": {
                            "message_id": 3,
                            "date": 0,
                            "chat": {"id": GROUP, "type": "group", "title": "g"},
                            "text": "old",
                        },
                    }
                }
            )
            await fake.auntil(lambda: not fake.pending_updates, timeout=10)
            await asyncio.sleep(0.3)
        assert fake.sent(GROUP) == []
    with sqlite3.connect(cfg.database) as db:
        assert db.execute("SELECT COUNT(*) FROM conversations").fetchone() == (0,)


# -- 5. authentication ---------------------------------------------------------------------------


async def test_a_401_while_polling_stops_the_runtime(tmp_path: Path, knowledge: Any) -> None:
    """The token revoked while running: the runtime stops with the AUTH exit (before: alive and deaf)."""
    with FakeBotApi() as fake:
        bot = RunningBot(make_config(tmp_path, fake), knowledge)
        async with bot:
            fake.fail_next("getUpdates", status=401, count=1000, description="Unauthorized")
            result = await asyncio.wait_for(bot.runtime.wait(), timeout=30)
        assert result is Exit.AUTH and Exit.AUTH.code != 0


async def test_a_401_on_a_send_stops_the_runtime(tmp_path: Path, knowledge: Any) -> None:
    with FakeBotApi() as fake:
        bot = RunningBot(make_config(tmp_path, fake), knowledge)
        async with bot:
            fake.fail_next("sendMessage", status=401, count=1000, description="Unauthorized")
            fake.send_text(95, "Lyon")
            result = await asyncio.wait_for(bot.runtime.wait(), timeout=30)
        assert result is Exit.AUTH


# -- 8. fairness ---------------------------------------------------------------------------------


async def test_one_chats_backlog_does_not_hold_up_the_others(tmp_path: Path, knowledge: Any) -> None:
    """300 messages queued from one chat, then 20 other people: each of them is answered long before the
    backlog is through (the backlog holds one slot). Order of delivery, not time, is what is checked."""
    flood, others = 500, list(range(600, 620))
    with FakeBotApi() as fake:
        async with RunningBot(make_config(tmp_path, fake), knowledge):
            for _ in range(300):
                fake.send_text(flood, "bonjour")
            for user in others:
                fake.send_text(user, "Lyon")
            for user in others:
                await fake.areplies(user, 1, timeout=120)
            done_at = len(fake.sent(flood))
            await fake.auntil(lambda: len(fake.sent(flood)) >= 300, timeout=300)
    assert done_at < 150, f"the 20 others were answered only after {done_at} of the 300 backlog replies"


# -- 9. logs ----------------------------------------------------------------------------------------


async def test_debug_logs_hold_no_id_name_or_text(
    tmp_path: Path, knowledge: Any, caplog: pytest.LogCaptureFixture
) -> None:
    """With the bot at DEBUG, telegram and httpx stay at WARNING; no line names the person or their text."""
    from handlers.runtime import setup_logging

    user = 918273645
    with FakeBotApi() as fake:
        cfg = make_config(tmp_path, fake, log_level="DEBUG")
        setup_logging(cfg)  # replaces the root handlers: give pytest's back
        logging.getLogger().addHandler(caplog.handler)
        try:
            caplog.set_level(logging.DEBUG, logger="handlers")
            caplog.set_level(logging.DEBUG, logger="bot")
            assert logging.getLogger("telegram").getEffectiveLevel() == logging.WARNING
            assert logging.getLogger("httpx").getEffectiveLevel() == logging.WARNING
            async with RunningBot(cfg, knowledge):
                fake.send_command(user, "/start", first_name=NAME)
                await fake.areplies(user, 1)
                fake.send_text(user, f"Je suis salarié à Lyon, {SECRET_TEXT}", first_name=NAME)
                await fake.areplies(user, 1)
        finally:
            logging.getLogger().handlers.clear()
    text = "\n".join(r.getMessage() for r in caplog.records)
    assert caplog.records, "the test must have captured something"
    for needle in (str(user), NAME, SECRET_TEXT, "Lyon"):
        assert needle not in text, needle


# -- 7. files -----------------------------------------------------------------------------------------


def _mode(path: Path) -> int | None:
    return path.stat().st_mode & 0o777 if path.exists() else None


def _set_aside(folder: Path) -> list[Path]:
    return list(folder.glob("*.corrupt-*"))


async def test_database_and_wal_are_private(tmp_path: Path, knowledge: Any) -> None:
    """Created with mode 0600 (before: 0644, world-readable)."""
    umask = os.umask(0o022)  # the usual default, under which SQLite alone creates 0644 files
    try:
        with FakeBotApi() as fake:
            cfg = make_config(tmp_path, fake)
            async with RunningBot(cfg, knowledge):
                fake.send_text(96, "Lyon")
                await fake.areplies(96, 1)
                assert _mode(Path(f"{cfg.database}-wal")) == 0o600
            assert _mode(cfg.database) == 0o600
    finally:
        os.umask(umask)


async def test_a_read_only_database_is_not_treated_as_corrupt(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """SQLite says the file is read-only: the store refuses to open, and nothing is moved aside or replaced."""
    import aiosqlite

    import bot.storage

    path = tmp_path / "cep.sqlite3"
    async with Store(path, load_or_create_key(tmp_path / "k")) as store:
        await store.save_turn(store.person(1), {"step": "need"})
    before = path.read_bytes()
    real_connect = aiosqlite.connect

    def read_only(database: Any, **kwargs: Any) -> Any:
        return real_connect(f"file:{database}?mode=ro", uri=True, **kwargs)

    monkeypatch.setattr(bot.storage.aiosqlite, "connect", read_only)
    with pytest.raises(DatabaseUnavailable):
        await Store(path, load_or_create_key(tmp_path / "k")).open()
    assert not _set_aside(tmp_path)
    assert path.read_bytes() == before


@pytest.mark.skipif(hasattr(os, "geteuid") and os.geteuid() == 0, reason="root ignores file modes")
async def test_a_database_without_write_permission_is_refused_not_replaced(tmp_path: Path) -> None:
    path = tmp_path / "cep.sqlite3"
    async with Store(path, load_or_create_key(tmp_path / "k")) as store:
        await store.save_turn(store.person(1), {"step": "need"})
    path.chmod(0o400)
    with pytest.raises(DatabaseUnavailable, match="écriture"):
        await Store(path, load_or_create_key(tmp_path / "k")).open()
    assert not _set_aside(tmp_path)


async def test_a_data_folder_removed_while_running_stops_the_bot(tmp_path: Path, knowledge: Any) -> None:
    """The database and key deleted under the running bot: it stops (status 5) instead of going on blind."""
    with FakeBotApi() as fake:
        data = tmp_path / "data"
        cfg = make_config(tmp_path, fake, database=data / "cep.sqlite3", hash_key_file=data / "hash.key")
        bot = RunningBot(cfg, knowledge)
        async with bot:
            fake.send_text(97, "Lyon")
            await fake.areplies(97, 1)
            shutil.rmtree(data)
            result = await asyncio.wait_for(bot.runtime.wait(), timeout=60)
        assert result is Exit.DATA and result.code == 5
    assert not (data / "hash.key").exists(), "no new key created silently"
