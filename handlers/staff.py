"""Staff commands: /reload, /check, /apercu [date] message, /version, /stats.

Only the Telegram ids listed in ``config.yaml`` (telegram.staff_ids) may use them, and only in a
private chat (a group never reaches them: see ``handlers.app.NotPrivate``); anyone else gets the
ordinary help, and the attempt is logged (without the person's id).
"""

from __future__ import annotations

import asyncio
import datetime as dt
import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from telegram.error import TelegramError

from bot import __version__
from bot.ask import analyse
from bot.dialogue.engine import Reply
from bot.kb.load import check_knowledge
from bot.stats import summarise
from handlers.sending import send_replies

if TYPE_CHECKING:
    from telegram import Update

    from bot.service import Assistant
    from handlers.context import App, Context

__all__ = ["COMMANDS", "handle", "reload_and_report"]

log = logging.getLogger("handlers.staff")

MAX_ERRORS_SHOWN = 30


@dataclass(frozen=True, slots=True)
class _Call:
    """One staff command as typed: the application, the chat, and the text after the command."""

    application: App
    chat_id: int
    rest: str

    @property
    def assistant(self) -> Assistant:
        return self.application.bot_data.assistant

    async def say(self, text: str) -> None:
        await _say(self.application, self.chat_id, text)


async def _say(application: App, chat_id: int, text: str) -> None:
    await send_replies(application.bot, chat_id, [Reply(text)])


async def reload_and_report(application: App, *, reason: str, chat_id: int | None = None) -> None:
    """Reload the knowledge; on failure keep the last good version and tell every staff chat."""
    assistant = application.bot_data.assistant
    result = await assistant.reload()
    if result.ok:
        text = (
            f"Connaissances rechargées ({reason}) en {result.seconds * 1000:.0f} ms : version {result.version}.\n"
            f"{result.report.summary()}"
        )
        targets = {chat_id} if chat_id is not None else set()
    else:
        errors = "\n".join(str(p) for p in result.report.errors[:MAX_ERRORS_SHOWN])
        text = (
            f"Rechargement refusé ({reason}) : la base a des erreurs. "
            f"Le bot continue avec la version {result.version}.\n\n{errors}"
        )
        targets = set(assistant.config.staff_ids) | ({chat_id} if chat_id is not None else set())
    for target in targets:
        try:
            await _say(application, target, text)
        except TelegramError:
            log.warning("could not report the reload to a staff chat")


async def _reload(call: _Call) -> None:
    # in the background: other people's messages keep being answered during the build
    call.application.create_task(reload_and_report(call.application, reason="commande /reload", chat_id=call.chat_id))


async def _check(call: _Call) -> None:
    report = await asyncio.to_thread(check_knowledge, call.assistant.config.knowledge_dir)
    await call.say(report.render())


async def _version(call: _Call) -> None:
    snap = call.assistant.snapshot
    await call.say(
        f"cep-bot {__version__}\n"
        f"Connaissances : version {snap.version}, chargées le {snap.loaded_at:%Y-%m-%d %H:%M} UTC"
    )


def _understood(result: dict[str, Any]) -> str:
    place = result["place"]
    where = place["commune_name"] or place["region_name"] or ("hors champ" if place["outside"] else "non trouvé")
    return (
        f"Lieu : {where} ; profil : {result['profile'] or '?'} ; porte : {result['network'] or '?'}"
        f" ; besoin : {result['need'] or '?'}"
        f" ; marché : {result['market'] or '?'} ; lot : {result['lot']['name'] if result['lot'] else '-'}"
        f" ; question : {result['question'] or '-'}"
    )


async def _apercu(call: _Call) -> None:
    day, rest = dt.date.today(), call.rest
    first, _, remainder = rest.partition(" ")
    try:
        day = dt.date.fromisoformat(first)
        rest = remainder.strip()
    except ValueError:
        pass
    if not rest:
        await call.say("Usage : /apercu [AAAA-MM-JJ] message")
        return
    result = analyse(rest, call.assistant.knowledge, day)
    await call.say(f"Aperçu au {day.isoformat()}\n{_understood(result)}\n\nRéponse :\n{result['reply']}")


async def _stats(call: _Call) -> None:
    store = call.assistant.store
    if store is None:
        await call.say("Aucune base de données.")
        return
    events = await store.events()
    await call.say(summarise(events, by=call.rest or None).text)


_HANDLERS: dict[str, Callable[[_Call], Awaitable[None]]] = {
    "reload": _reload,
    "check": _check,
    "apercu": _apercu,
    "version": _version,
    "stats": _stats,
}
COMMANDS = tuple(_HANDLERS)


async def handle(update: Update, context: Context, name: str) -> bool:
    """Run a staff command; return False (not handled) for anyone who is not staff."""
    assistant = context.bot_data.assistant
    user, chat, message = update.effective_user, update.effective_chat, update.effective_message
    if user is None or chat is None or message is None:
        return True
    if user.id not in assistant.config.staff_ids:
        log.warning("refused staff command /%s from a non-staff user", name)
        return False
    command = _HANDLERS.get(name)
    if command is None:
        return False
    args = (message.text or "").split(maxsplit=1)
    await command(_Call(context.application, chat.id, args[1].strip() if len(args) > 1 else ""))
    return True
