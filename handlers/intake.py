"""Updates in: long polling or a webhook, each update read on its own, kept in the inbox first.

* Every update of a batch is read separately: one the library cannot parse (an unknown shape, a
  field missing) is dropped with a one-line log that names only its id and the error type, and
  is confirmed to Telegram with the others, so it is never fetched again. The raw payload is
  never logged.
* A ``getUpdates`` answer that cannot be used at all (not a list, no ``update_id`` anywhere, a
  network or server error) makes the poller wait before asking again, longer each time (1 s
  up to 30 s), instead of asking again at once.
* Each readable update is written to the inbox (sealed) before Telegram is told it arrived (the
  offset of the next ``getUpdates``, or the webhook's 200): a crash cannot lose it.
"""

from __future__ import annotations

import asyncio
import hmac
import json
import logging
import re
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Any

import tornado.httpserver
import tornado.web
from telegram import Update
from telegram.error import Conflict, InvalidToken, TelegramError
from telegram.ext import ExtBot

from handlers.sending import TokenRefusedError

if TYPE_CHECKING:
    from bot.storage import Store

__all__ = ["MAX_WEBHOOK_BODY", "SECRET_RE", "Intake", "PollingBot", "WebhookServer", "read_update"]

log = logging.getLogger("handlers.intake")

POLL_TIMEOUT = 10.0  # seconds a long poll waits for an update
POLL_READ_MARGIN = 5.0  # seconds added to the read time-out of a long poll
BACKOFF_FIRST = 1.0  # seconds to wait after a first broken getUpdates answer
BACKOFF_MAX = 30.0
MAX_WEBHOOK_BODY = 1024 * 1024  # bytes; a real update is a few kilobytes
SECRET_RE = re.compile(r"[A-Za-z0-9_-]{1,256}")  # Telegram's rule for secret_token
SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token"  # noqa: S105 - the header's name, not a secret
ALLOWED_UPDATES = ("message", "channel_post", "callback_query")


class PollingBot(ExtBot[Any]):
    """The bot, plus ``getUpdates`` returning the raw JSON, so that each update is read on its own."""

    async def get_raw_updates(self, offset: int | None, poll_seconds: float, allowed: Sequence[str]) -> object:
        data: dict[str, object] = {"timeout": poll_seconds, "allowed_updates": list(allowed)}
        if offset is not None:
            data["offset"] = offset
        return await self._post("getUpdates", data, read_timeout=poll_seconds + POLL_READ_MARGIN)


def read_update(raw: object, bot: ExtBot[Any]) -> tuple[int | None, Update | None]:
    """(its ``update_id``, the parsed update); None where missing or unreadable. Never logs content."""
    if not isinstance(raw, dict):
        return None, None
    update_id = raw.get("update_id")
    if not isinstance(update_id, int) or isinstance(update_id, bool):
        return None, None
    try:
        update = Update.de_json(raw, bot)
    except Exception as exc:  # noqa: BLE001 - any parsing failure: drop this update only
        log.warning("update %d skipped: it cannot be read (%s)", update_id, type(exc).__name__)
        return update_id, None
    return update_id, update


class Intake:
    """Reads, stores, then hands over updates (``submit``), from polling or from the webhook."""

    def __init__(self, bot: PollingBot, store: Store | None, submit: Callable[[Update], None]) -> None:
        self.bot = bot
        self.store = store
        self.submit = submit
        self.skipped = 0
        self.polls = 0

    async def accept(self, raws: Sequence[object]) -> int | None:
        """Store and submit the readable updates of a batch; returns the highest update id seen."""
        highest: int | None = None
        readable: list[tuple[Update, object]] = []
        for raw in raws:
            update_id, update = read_update(raw, self.bot)
            if update_id is None:
                self.skipped += 1
                log.warning("an update without a valid update_id was ignored")
                continue
            highest = update_id if highest is None else max(highest, update_id)
            if update is None:
                self.skipped += 1
            else:
                readable.append((update, raw))
        await self._keep(readable)
        for update, _ in readable:
            self.submit(update)
        return highest

    async def _keep(self, readable: list[tuple[Update, object]]) -> None:
        if self.store is None or not readable:
            return
        try:
            await self.store.inbox_add([(u.update_id, json.dumps(raw, ensure_ascii=False)) for u, raw in readable])
        except Exception as exc:  # noqa: BLE001 - a full disk: answer anyway (the turn will say so)
            log.error("the inbox cannot be written (%s): handling the updates without keeping them", type(exc).__name__)

    async def poll(self, poll_seconds: float = POLL_TIMEOUT, allowed: Sequence[str] = ALLOWED_UPDATES) -> None:
        """Long polling until cancelled. Raises :class:`TokenRefusedError` (401) and ``Conflict`` (409)."""
        offset: int | None = None
        failures = 0
        while True:
            self.polls += 1
            try:
                raws = await self.bot.get_raw_updates(offset, poll_seconds, allowed)
            except InvalidToken as exc:
                raise TokenRefusedError(str(exc)) from None
            except Conflict:
                raise
            except TelegramError as exc:
                failures += 1
                log.warning("getUpdates failed (%s): next try in %.0f s", type(exc).__name__, _backoff(failures))
                await asyncio.sleep(_backoff(failures))
                continue
            if not isinstance(raws, list):
                failures += 1
                log.warning(
                    "getUpdates answered something that is not a list of updates: next try in %.0f s",
                    _backoff(failures),
                )
                await asyncio.sleep(_backoff(failures))
                continue
            highest = await self.accept(raws)
            if raws and highest is None:
                # nothing in the batch can be confirmed: Telegram would send the same again at once
                failures += 1
                log.warning(
                    "getUpdates answered %d updates without update_id: next try in %.0f s",
                    len(raws),
                    _backoff(failures),
                )
                await asyncio.sleep(_backoff(failures))
                continue
            failures = 0
            if highest is not None:
                offset = highest + 1


def _backoff(failures: int) -> float:
    return float(min(BACKOFF_FIRST * 2 ** (failures - 1), BACKOFF_MAX))


# -- webhook -------------------------------------------------------------------------------------


class _WebhookHandler(tornado.web.RequestHandler):
    def initialize(self, intake: Intake, secret: str) -> None:
        self.intake = intake
        self.secret = secret

    async def post(self) -> None:
        given = self.request.headers.get(SECRET_HEADER, "")
        if not hmac.compare_digest(given.encode(), self.secret.encode()):
            log.warning("webhook: a request without the right secret header was refused")
            self.set_status(403)
            return
        try:
            raw = json.loads(self.request.body)
        except (ValueError, UnicodeDecodeError):
            log.warning("webhook: a request whose body is not JSON was refused (%d bytes)", len(self.request.body))
            self.set_status(400)
            return
        highest = await self.intake.accept([raw])
        # 200 also for an update that cannot be read: Telegram must not send it again
        self.set_status(200 if highest is not None else 400)

    def log_exception(self, typ: Any, _value: Any, _tb: Any) -> None:
        log.error("webhook: error while receiving an update (%s)", getattr(typ, "__name__", "?"))


def _no_access_log(handler: tornado.web.RequestHandler) -> None:
    """Tornado's access log would give every request a line: nothing of use, nothing personal."""


class WebhookServer:
    """A small HTTP server for Telegram's webhook: checks the secret, caps the body, never logs it."""

    def __init__(self, intake: Intake, secret: str, path: str) -> None:
        route = "/" + path.strip("/")
        self.app = tornado.web.Application(
            [(re.escape(route), _WebhookHandler, {"intake": intake, "secret": secret})], log_function=_no_access_log
        )
        self.server: tornado.httpserver.HTTPServer | None = None

    def listen(self, port: int, address: str) -> None:
        self.server = tornado.httpserver.HTTPServer(self.app, max_body_size=MAX_WEBHOOK_BODY)
        self.server.listen(port, address)

    async def close(self) -> None:
        if self.server is not None:
            self.server.stop()
            await self.server.close_all_connections()
            self.server = None
