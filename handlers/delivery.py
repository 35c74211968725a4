"""The outbox: replies committed with the conversation state, sent in order, removed once accepted.

A turn commits its replies to the outbox in the same transaction as the new state (see
:meth:`bot.service.Assistant.process`); :meth:`Outbox.flush` then sends that chat's waiting
messages in order and deletes each one as soon as Telegram has accepted it. What could not be
sent (Telegram unreachable, the process killed) stays and is sent by the next flush: the one of
the chat's next turn, the periodic sweep, or the next start. Telegram gives no way to tell
whether a request that failed ambiguously went through, so a message whose fate is unknown is
sent again: at least once, rarely twice (see :mod:`handlers.sending`).
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING

from telegram.error import TelegramError

from bot.locks import KeyedLock
from handlers.sending import Outcome, OutMessage, classify, send_message

if TYPE_CHECKING:
    from telegram import Bot

    from bot.storage import Store

__all__ = ["Outbox"]

log = logging.getLogger("handlers.delivery")


class Outbox:
    """Sends what the store's outbox holds, one chat at a time, in order."""

    def __init__(self, bot: Bot, store: Store) -> None:
        self.bot = bot
        self.store = store
        self._locks: KeyedLock[int] = KeyedLock()
        self.sent = 0
        self.dropped = 0

    async def flush(self, chat_id: int) -> bool:
        """Send the chat's waiting messages; True when none is left."""
        async with self._locks(chat_id):
            for row_id, data in await self.store.outbox_for(chat_id):
                message = OutMessage.from_json(data)
                if message is None:
                    log.error("an outbox row cannot be read: dropped")
                    await self.store.outbox_done(row_id)
                    self.dropped += 1
                    continue
                if not await self._send(chat_id, message):
                    return False
                await self.store.outbox_done(row_id)
        return True

    async def _send(self, chat_id: int, message: OutMessage) -> bool:
        """True when the message is done with (accepted, or refused for good)."""
        try:
            await send_message(self.bot, chat_id, message)
        except TelegramError as exc:
            outcome = classify(exc)
            if outcome is Outcome.REFUSED:
                # blocked by the person (403), or a message Telegram will never take (400)
                log.warning("a reply was refused by Telegram (%s): not sent", type(exc).__name__)
                self.dropped += 1
                return True
            log.warning(
                "a reply could not be sent yet (%s, %s): kept for the next attempt", type(exc).__name__, outcome.value
            )
            return False
        self.sent += 1
        return True

    async def flush_all(self) -> int:
        """Send everything waiting (at start, and periodically); returns the chats still waiting."""
        waiting = 0
        for chat_id in await self.store.outbox_chats():
            if not await self.flush(chat_id):
                waiting += 1
        return waiting
