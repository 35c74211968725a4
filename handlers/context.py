"""Typed bot data for python-telegram-bot's ``ContextTypes`` (no string keys)."""

from __future__ import annotations

import asyncio
from enum import Enum
from typing import TYPE_CHECKING, Any, TypeAlias

from telegram.ext import Application, CallbackContext, ContextTypes, ExtBot

if TYPE_CHECKING:
    from bot.service import Assistant
    from handlers.delivery import Outbox

__all__ = ["CONTEXT_TYPES", "App", "BotData", "Context", "Exit"]


class Exit(Enum):
    """Why the process stops: exit status and the one French line an operator reads."""

    OK = (0, "")
    CONFLICT = (3, "Une autre instance du bot tourne déjà avec ce jeton : celle-ci s'arrête.")
    AUTH = (
        4,
        (
            "Telegram refuse le jeton du bot (erreur 401) : vérifiez CEP_BOT_TOKEN (jeton révoqué ou mal copié) ; "
            "le bot s'arrête."
        ),
    )
    DATA = (5, "Les données du bot ont disparu ou sont inutilisables : le bot s'arrête sans rien recréer.")

    @property
    def code(self) -> int:
        return int(self.value[0])

    @property
    def message(self) -> str:
        return str(self.value[1])


class BotData:
    """What every handler and job shares; built empty by python-telegram-bot, filled at build time."""

    def __init__(self) -> None:
        self._assistant: Assistant | None = None
        self.outbox: Outbox | None = None
        self.group_notices: dict[int, float] = {}  # group chat id -> when the last notice was sent
        self.exit: Exit | None = None
        self.exit_detail = ""
        self.stopping = asyncio.Event()

    def stop(self, reason: Exit, detail: str = "") -> None:
        """Ask the runtime to stop (the first reason given wins)."""
        if self.exit is None:
            self.exit, self.exit_detail = reason, detail
        self.stopping.set()

    @property
    def assistant(self) -> Assistant:
        if self._assistant is None:
            raise RuntimeError("the application was built without an assistant")
        return self._assistant

    @assistant.setter
    def assistant(self, value: Assistant) -> None:
        self._assistant = value


Context: TypeAlias = CallbackContext[ExtBot[Any], dict[Any, Any], dict[Any, Any], BotData]
# what handlers see as ``context.application`` (PTB types its other parameters loosely there)
App: TypeAlias = Application[Any, Any, Any, Any, BotData, Any]
CONTEXT_TYPES = ContextTypes(bot_data=BotData)
