"""The floor of the end-to-end benchmarks: the smallest python-telegram-bot 22 bot that answers.

    CEP_BOT_TOKEN=123:ABC python bench/echo_bot.py --base-url http://127.0.0.1:PORT/bot [--rate-limiter]

Polls like the real bot (``run_polling``, every update type), echoes every text message (commands
included) with one ``sendMessage``, and answers every button press (``answerCallbackQuery``) plus
one ``sendMessage``, so each update gets exactly one message back. No state, no database, no
knowledge. ``--rate-limiter`` adds PTB's ``AIORateLimiter`` with its defaults, as the real bot has.
"""

from __future__ import annotations

import argparse
import logging
import os

os.environ.setdefault("PTB_TIMEDELTA", "1")

from telegram import Update
from telegram.ext import AIORateLimiter, Application, CallbackQueryHandler, ContextTypes, MessageHandler, filters


async def echo(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    message = update.effective_message
    if message is None or message.text is None:
        return
    await context.bot.send_message(message.chat_id, message.text)


async def button(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    query = update.callback_query
    if query is None:
        return
    await query.answer()
    if query.message is not None:
        await context.bot.send_message(query.message.chat.id, f"Bouton : {query.data}")


def build(token: str, base_url: str, *, rate_limiter: bool = False) -> Application:
    builder = Application.builder().token(token).base_url(base_url).get_updates_read_timeout(15)
    if rate_limiter:
        builder = builder.rate_limiter(AIORateLimiter())
    app = builder.build()
    app.add_handler(MessageHandler(filters.TEXT, echo))
    app.add_handler(CallbackQueryHandler(button))
    return app


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="minimal echo bot (benchmark floor)")
    parser.add_argument("--base-url", required=True, help="Bot API base URL, e.g. http://127.0.0.1:8081/bot")
    parser.add_argument("--token", default=None, help="bot token (default: $CEP_BOT_TOKEN)")
    parser.add_argument("--rate-limiter", action="store_true", help="use AIORateLimiter() like the real bot")
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.WARNING)
    token = args.token or os.environ.get("CEP_BOT_TOKEN") or "123:ECHO"
    build(token, args.base_url, rate_limiter=args.rate_limiter).run_polling(allowed_updates=Update.ALL_TYPES)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
