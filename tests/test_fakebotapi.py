"""Tests for the fake Bot API server, driven by a real python-telegram-bot Application."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
import threading
from collections.abc import AsyncIterator, Iterator
from contextlib import asynccontextmanager

import httpx
import pytest
from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Update
from telegram.error import BadRequest, Conflict, NetworkError
from telegram.ext import (
    AIORateLimiter,
    Application,
    CallbackQueryHandler,
    CommandHandler,
    ContextTypes,
)

from fakebotapi import BOT_USER, ApiError, FakeBotApi, check_html

pytestmark = pytest.mark.slow

CHAT = 42


@pytest.fixture
def fake() -> Iterator[FakeBotApi]:
    with FakeBotApi() as server:
        yield server
    assert not server.running
    assert server.internal_errors == []


async def start(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    payload = " ".join(context.args or []) or "none"
    keyboard = InlineKeyboardMarkup(
        [[InlineKeyboardButton("A", callback_data="pick:a"), InlineKeyboardButton("B", callback_data="pick:b")]]
    )
    assert update.effective_message is not None
    await update.effective_message.reply_text(
        f"<b>Hello</b> {update.effective_user.first_name} ({payload})",  # type: ignore[union-attr]
        parse_mode="HTML",
        reply_markup=keyboard,
    )


async def picked(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    query = update.callback_query
    assert query is not None and query.data is not None
    await query.answer("ok")
    await query.edit_message_text(f"You picked {query.data.split(':')[1]}")


def build_app(fake: FakeBotApi, *, rate_limiter: AIORateLimiter | None = None) -> Application:
    builder = Application.builder().token("123:ABC").base_url(fake.base_url)
    if rate_limiter is not None:
        builder = builder.rate_limiter(rate_limiter)
    app = builder.build()
    app.add_handler(CommandHandler("start", start))
    app.add_handler(CallbackQueryHandler(picked, pattern=r"^pick:"))
    return app


@asynccontextmanager
async def polling(app: Application) -> AsyncIterator[Application]:
    async with app:
        assert app.updater is not None
        await app.updater.start_polling(poll_interval=0, timeout=1)
        await app.start()
        try:
            yield app
        finally:
            await app.updater.stop()
            await app.stop()


async def test_start_then_button_flow(fake: FakeBotApi) -> None:
    async with polling(build_app(fake)):
        fake.send_command(CHAT, "/start hello", first_name="Ana")
        [reply] = await fake.areplies(CHAT, 1)
        assert reply["method"] == "sendMessage"
        assert reply["text"] == "<b>Hello</b> Ana (hello)"
        buttons = reply["reply_markup"]["inline_keyboard"][0]
        assert [b["callback_data"] for b in buttons] == ["pick:a", "pick:b"]

        fake.press(CHAT, "pick:b")
        [edit] = await fake.areplies(CHAT, 1)
        assert edit["method"] == "editMessageText"
        assert edit["text"] == "You picked b"
        assert edit["message_id"] == reply["message_id"]

        [answer] = fake.calls_of("answerCallbackQuery")
        assert not answer.failed and answer.params["text"] == "ok"
        # The chat now shows the edited text and no keyboard.
        bot_message = fake.messages(CHAT)[-1]
        assert bot_message["text"] == "You picked b" and "reply_markup" not in bot_message

    methods = [c.method for c in fake.calls]
    assert methods[:2] == ["getMe", "deleteWebhook"]
    assert "getUpdates" in methods
    assert fake.pending_updates == []  # both updates were confirmed by the bot


async def test_injected_429_is_retried_and_recorded(fake: FakeBotApi) -> None:
    fake.fail_next("sendMessage", status=429, retry_after=1)
    app = build_app(fake, rate_limiter=AIORateLimiter(max_retries=1))
    async with polling(app):
        fake.send_command(CHAT, "/start")
        [reply] = await fake.areplies(CHAT, 1, timeout=10)
        assert reply["text"].endswith("(none)")

    first, second = fake.calls_of("sendMessage")
    assert first.failed and first.status == 429
    assert first.reason == "Too Many Requests: retry after 1"
    assert not second.failed
    assert second.time - first.time >= 1.0
    assert len(fake.sent(CHAT)) == 1  # the failed attempt is not counted as delivered


async def test_validation_through_ptb(fake: FakeBotApi) -> None:
    app = Application.builder().token("123:ABC").base_url(fake.base_url).build()
    async with app:
        with pytest.raises(BadRequest, match="(?i)can't parse entities"):
            await app.bot.send_message(CHAT, "<b>x", parse_mode="HTML")
        message = await app.bot.send_message(CHAT, "<b>x</b> &amp;", parse_mode="HTML")
        assert message.text == "x &"
        assert message.from_user is not None and message.from_user.id == BOT_USER["id"]

        with pytest.raises(BadRequest, match="(?i)message is too long"):
            await app.bot.send_message(CHAT, "x" * 4097)
        await app.bot.send_message(CHAT, "x" * 4096)

        with pytest.raises(BadRequest, match="(?i)text is empty"):
            await app.bot.send_message(CHAT, "  ")

        too_long_data = InlineKeyboardMarkup([[InlineKeyboardButton("x", callback_data="é" * 33)]])
        with pytest.raises(BadRequest, match="(?i)BUTTON_DATA_INVALID"):
            await app.bot.send_message(CHAT, "hi", reply_markup=too_long_data)

        with pytest.raises(BadRequest, match="(?i)not modified"):
            await app.bot.edit_message_text("x &", chat_id=CHAT, message_id=message.message_id)

        await app.bot.set_my_commands([("start", "Begin"), ("help", "Help")])
        assert [c.command for c in await app.bot.get_my_commands()] == ["start", "help"]

    assert fake.commands == [
        {"command": "start", "description": "Begin"},
        {"command": "help", "description": "Help"},
    ]
    rejected = [c for c in fake.calls_of("sendMessage") if c.failed]
    assert [c.status for c in rejected] == [400, 400, 400, 400]
    assert "too long" in (rejected[1].reason or "")
    assert [s["text"] for s in fake.sent(CHAT)] == ["<b>x</b> &amp;", "x" * 4096]


async def test_double_answer_callback_query(fake: FakeBotApi) -> None:
    app = Application.builder().token("123:ABC").base_url(fake.base_url).build()
    async with app:
        await app.bot.send_message(CHAT, "pick one")
        fake.press(CHAT, "anything")
        query_id = fake.pending_updates[0]["callback_query"]["id"]
        assert await app.bot.answer_callback_query(query_id)
        with pytest.raises(BadRequest, match="(?i)query is too old"):
            await app.bot.answer_callback_query(query_id)


async def test_conflict_and_network_cut(fake: FakeBotApi) -> None:
    app = Application.builder().token("123:ABC").base_url(fake.base_url).build()
    async with app:
        fake.set_conflict(True)
        with pytest.raises(Conflict):
            await app.bot.get_updates(timeout=0)
        fake.set_conflict(False)

        fake.set_down(True)
        with pytest.raises(NetworkError):
            await app.bot.send_message(CHAT, "lost")
        fake.set_down(True, mode="502")
        with pytest.raises(NetworkError, match="Bad Gateway"):
            await app.bot.send_message(CHAT, "lost")
        fake.set_down(False)
        await app.bot.send_message(CHAT, "back")

    assert [c.reason for c in fake.calls_of("sendMessage", failed=True)] == ["network down"] * 2
    assert [s["text"] for s in fake.sent(CHAT)] == ["back"]


async def test_polling_survives_network_cut(fake: FakeBotApi) -> None:
    async with polling(build_app(fake)):
        fake.pause(0.5)  # pending and new requests get their connection closed
        fake.send_command(CHAT, "/start again")
        [reply] = await fake.areplies(CHAT, 1, timeout=10)
        assert reply["text"].endswith("(again)")
    assert any(c.reason == "network down" for c in fake.calls_of("getUpdates"))


def test_check_html() -> None:
    assert check_html("<b>x</b> &amp;") == "x &"
    assert check_html('<a href="https://e.x/?a=1&amp;b=2">l</a> <span class="tg-spoiler">s</span>') == "l s"
    assert check_html("<pre><code class=\"language-py\">1 &lt; 2</code></pre>") == "1 < 2"
    for bad in ("<b>x", "<b><i>x</b></i>", "x</b>", "<foo>x</foo>", "a & b", "<span>x</span>", "<br/>", "a < b"):
        with pytest.raises(ApiError, match="can't parse entities"):
            check_html(bad)


def test_seeded_faults_are_repeatable() -> None:
    def outcomes() -> list[int]:
        with FakeBotApi() as server, httpx.Client() as client:
            server.set_faults(fail_rate_429=0.3, fail_rate_5xx=0.2, seed=7)
            codes = []
            for i in range(20):
                r = client.post(f"{server.base_url}1:X/sendMessage", data={"chat_id": "5", "text": f"m{i}"})
                codes.append(r.status_code)
            # getMe is not in the fault set: never fails.
            assert client.get(f"{server.base_url}1:X/getMe").json()["result"]["id"] == 1000
            body = next(c for c in server.calls if c.status == 429)
            assert body.reason == "Too Many Requests: retry after 1"
            assert len(server.sent(5)) == codes.count(200)
        return codes

    first = outcomes()
    assert {200, 429, 502} <= set(first)
    assert outcomes() == first


def test_long_poll_does_not_block_other_requests(fake: FakeBotApi) -> None:
    url = fake.base_url + "1:X"
    result: dict[str, object] = {}

    def poll() -> None:
        with httpx.Client(timeout=5) as client:
            result["updates"] = client.post(f"{url}/getUpdates", data={"timeout": "1"}).json()["result"]

    thread = threading.Thread(target=poll)
    thread.start()
    with httpx.Client(timeout=5) as client:
        fake.wait_until(lambda: fake.calls_of("getUpdates"), timeout=2)
        r = client.post(f"{url}/sendMessage", json={"chat_id": 9, "text": "hi", "reply_markup": '{"inline_keyboard": []}'})
        assert r.json()["result"]["reply_markup"] == {"inline_keyboard": []}
        fake.send_location(9, 48.85, 2.35)
    thread.join(5)
    [update] = result["updates"]  # type: ignore[misc]
    assert update["message"]["location"] == {"latitude": 48.85, "longitude": 2.35}
    assert fake.wait_for_replies(9, 1)[0]["text"] == "hi"


BOT_SCRIPT = textwrap.dedent(
    """
    import sys
    from telegram.ext import Application, MessageHandler, filters

    async def echo(update, context):
        await update.message.reply_text("echo: " + update.message.text)

    app = Application.builder().token("999:SUB").base_url(sys.argv[1]).build()
    app.add_handler(MessageHandler(filters.TEXT, echo))
    app.run_polling(poll_interval=0, timeout=1)
    """
)


@pytest.mark.slow
def test_bot_in_subprocess(fake: FakeBotApi) -> None:
    env = {**os.environ, "PTB_TIMEDELTA": "1"}
    with subprocess.Popen(
        [sys.executable, "-c", BOT_SCRIPT, fake.base_url],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    ) as proc:
        try:
            fake.send_text(77, "bonjour")
            [reply] = fake.wait_for_replies(77, 1, timeout=30)
            assert reply["text"] == "echo: bonjour"
            assert {c.token for c in fake.calls} == {"999:SUB"}
        finally:
            proc.terminate()
            _, stderr = proc.communicate(timeout=15)
    assert proc.returncode == 0, stderr.decode()
