"""Staff commands: /reload, /check, /apercu [date] message, /version, /stats.

Only the Telegram ids listed in ``config.yaml`` (telegram.staff_ids) may use them; anyone else
gets the ordinary help, and the attempt is logged (without the person's id).
"""

from __future__ import annotations

import asyncio
import datetime as dt
import logging
from typing import TYPE_CHECKING

from telegram.error import TelegramError

from bot import __version__

if TYPE_CHECKING:
    from telegram import Update
    from telegram.ext import Application, ContextTypes

    from bot.service import Assistant

__all__ = ["COMMANDS", "handle", "reload_and_report"]

log = logging.getLogger("handlers.staff")

COMMANDS = ("reload", "check", "apercu", "version", "stats")


async def _say(application: Application, chat_id: int, text: str) -> None:
    from handlers.app import send_replies  # noqa: PLC0415
    from bot.dialogue.engine import Reply  # noqa: PLC0415

    await send_replies(application.bot, chat_id, [Reply(text)])


async def reload_and_report(application: Application, *, reason: str, chat_id: int | None = None) -> None:
    """Reload the knowledge; on failure keep the last good version and tell every staff chat."""
    assistant: Assistant = application.bot_data["assistant"]
    result = await assistant.reload()
    if result.ok:
        text = f"Connaissances rechargées ({reason}) en {result.seconds * 1000:.0f} ms : version {result.version}.\n{result.report.summary()}"
        targets = {chat_id} if chat_id is not None else set()
    else:
        errors = "\n".join(str(p) for p in result.report.errors[:30])
        text = (
            f"Rechargement refusé ({reason}) : la base a des erreurs. Le bot continue avec la version {result.version}.\n\n{errors}"
        )
        targets = set(assistant.config.staff_ids) | ({chat_id} if chat_id is not None else set())
    for target in targets:
        try:
            await _say(application, target, text)
        except TelegramError:
            log.warning("could not report the reload to a staff chat")


async def handle(update: Update, context: ContextTypes.DEFAULT_TYPE, name: str) -> bool:
    """Run a staff command; return False (not handled) for anyone who is not staff."""
    assistant: Assistant = context.application.bot_data["assistant"]
    user = update.effective_user
    chat = update.effective_chat
    message = update.effective_message
    if user is None or chat is None or message is None:
        return True
    if user.id not in assistant.config.staff_ids:
        log.warning("refused staff command /%s from a non-staff user", name)
        return False
    application = context.application
    args = (message.text or "").split(maxsplit=1)
    rest = args[1].strip() if len(args) > 1 else ""
    if name == "reload":
        # in the background: other people's messages keep being answered during the build
        application.create_task(reload_and_report(application, reason="commande /reload", chat_id=chat.id))
    elif name == "check":
        from bot.kb.load import check_knowledge  # noqa: PLC0415

        report = await asyncio.to_thread(check_knowledge, assistant.config.knowledge_dir)
        await _say(application, chat.id, report.render())
    elif name == "version":
        snap = assistant.snapshot
        await _say(application, chat.id, f"cep-bot {__version__}\nConnaissances : version {snap.version}, chargées le {snap.loaded_at:%Y-%m-%d %H:%M} UTC")
    elif name == "apercu":
        from bot.ask import analyse  # noqa: PLC0415

        day = dt.date.today()
        first, _, remainder = rest.partition(" ")
        try:
            day = dt.date.fromisoformat(first)
            rest = remainder.strip()
        except ValueError:
            pass
        if not rest:
            await _say(application, chat.id, "Usage : /apercu [AAAA-MM-JJ] message")
        else:
            result = analyse(rest, assistant.knowledge, day)
            place = result["place"]
            understood = (
                f"Lieu : {place['commune_name'] or place['region_name'] or ('hors champ' if place['outside'] else 'non trouvé')}"
                f" ; profil : {result['profile'] or '?'} ; porte : {result['network'] or '?'} ; besoin : {result['need'] or '?'}"
                f" ; marché : {result['market'] or '?'} ; lot : {result['lot']['name'] if result['lot'] else '-'}"
                f" ; question : {result['question'] or '-'}"
            )
            await _say(application, chat.id, f"Aperçu au {day.isoformat()}\n{understood}\n\nRéponse :\n{result['reply']}")
    elif name == "stats":
        from bot.stats import summarise  # noqa: PLC0415

        if assistant.store is None:
            await _say(application, chat.id, "Aucune base de données.")
        else:
            events = await assistant.store.events()
            await _say(application, chat.id, summarise(events, by=rest or None).text)
    return True
