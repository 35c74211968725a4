"""Start, run and stop the bot: intake (polling or webhook), fair scheduler, outbox, exit status.

At start, before anything new is read, the outbox left by the previous run is sent and the inbox
(updates received but not handled) is handled. The process stops with a non-zero status and one
French line on standard error when it cannot go on: Telegram refuses the token (401, status 4),
another instance polls with the same token (409, status 3), the data vanished (status 5).
"""

from __future__ import annotations

import asyncio
import json
import logging
import os
import signal
import sys
import threading
import traceback
from dataclasses import dataclass
from types import TracebackType
from typing import TYPE_CHECKING

from telegram import Update
from telegram.error import Conflict, InvalidToken

from bot.kb.load import check_knowledge
from bot.nlu.knowledge import build_knowledge
from bot.service import Assistant
from bot.storage import DatabaseUnavailable, Store, load_or_create_key
from handlers import staff
from handlers.app import build_application
from handlers.context import App, Exit
from handlers.intake import ALLOWED_UPDATES, POLL_TIMEOUT, SECRET_RE, Intake, PollingBot, WebhookServer, read_update
from handlers.scheduler import ChatScheduler
from handlers.sending import TokenRefusedError

if TYPE_CHECKING:
    from bot.config import Config

__all__ = ["Runtime", "WebhookSettings", "serve", "setup_logging"]

log = logging.getLogger("handlers.runtime")

DRAIN_SECONDS = 10.0  # at a clean stop, time given to the updates being handled (the rest stays in the inbox)
QUIET_LOGGERS = ("telegram", "httpx", "httpcore", "apscheduler", "tornado", "aiosqlite", "asyncio")
WEBHOOK_MAX_CONNECTIONS = 40


@dataclass(frozen=True, slots=True)
class WebhookSettings:
    listen: str
    port: int
    path: str
    url: str
    secret: str


def _chat_of(update: Update) -> object:
    if update.effective_chat is not None:
        return update.effective_chat.id
    if update.effective_user is not None:
        return ("user", update.effective_user.id)
    return ("update", update.update_id)


class Runtime:
    """The running bot: one Application, its intake, its scheduler."""

    def __init__(self, application: App) -> None:
        self.app = application
        self.data = application.bot_data
        self.store = self.data.assistant.store
        bot = application.bot
        if not isinstance(bot, PollingBot):
            raise TypeError("the application must be built by handlers.app.build_application")
        self.intake = Intake(bot, self.store, self._submit)
        self.scheduler: ChatScheduler[Update] = ChatScheduler(self._handle)
        self._in_flight: set[int] = set()
        self._poller: asyncio.Task[None] | None = None
        self._webhook: WebhookServer | None = None
        self._started = False

    # -- updates ----------------------------------------------------------------------------------

    def _submit(self, update: Update) -> None:
        if update.update_id in self._in_flight:
            return  # fetched again while the copy from the inbox is being handled
        self._in_flight.add(update.update_id)
        self.scheduler.submit(_chat_of(update), update)

    async def _handle(self, update: Update) -> None:
        try:
            await self.app.process_update(update)
        finally:
            self._in_flight.discard(update.update_id)
            if self.store is not None:
                try:
                    await self.store.inbox_done(update.update_id)
                except Exception as exc:  # noqa: BLE001 - handled anyway; a replay is recognised later
                    log.warning("an update could not be removed from the inbox (%s)", type(exc).__name__)

    async def _recover(self) -> None:
        """What the last run left: the outbox first (older replies), then the inbox."""
        outbox, store = self.data.outbox, self.store
        if outbox is None or store is None:
            return
        before = outbox.sent
        waiting = await outbox.flush_all()
        pending = await store.inbox_pending()
        for update_id, raw in pending:
            try:
                parsed = json.loads(raw)
            except ValueError:
                parsed = None
            _, update = read_update(parsed, self.intake.bot)
            if update is None:
                await store.inbox_done(update_id)
            else:
                self._submit(update)
        if outbox.sent > before or pending or waiting:
            log.info(
                "recovery: %d messages sent, %d chats still waiting, %d updates handled again",
                outbox.sent - before,
                waiting,
                len(pending),
            )

    async def _poll(self, poll_seconds: float) -> None:
        try:
            await self.intake.poll(poll_seconds, ALLOWED_UPDATES)
        except TokenRefusedError:
            self.data.stop(Exit.AUTH)
        except Conflict:
            self.data.stop(Exit.CONFLICT)

    # -- lifecycle -----------------------------------------------------------------------------

    async def start(self, webhook: WebhookSettings | None = None, poll_timeout: float = POLL_TIMEOUT) -> None:
        """Raises :class:`TokenRefusedError` when Telegram refuses the token."""
        self._started = True
        try:
            await self.app.initialize()
        except InvalidToken as exc:
            raise TokenRefusedError(str(exc)) from None
        if self.app.post_init is not None:
            await self.app.post_init(self.app)
        await self.app.start()
        await self._recover()
        if webhook is None:
            await self.app.bot.delete_webhook()
            self._poller = asyncio.get_running_loop().create_task(self._poll(poll_timeout), name="poller")
            return
        self._webhook = WebhookServer(self.intake, webhook.secret, webhook.path)
        self._webhook.listen(webhook.port, webhook.listen)
        await self.app.bot.set_webhook(
            webhook.url,
            secret_token=webhook.secret,
            allowed_updates=list(ALLOWED_UPDATES),
            max_connections=WEBHOOK_MAX_CONNECTIONS,
        )

    async def wait(self) -> Exit:
        await self.data.stopping.wait()
        return self.data.exit or Exit.OK

    async def stop(self, drain: float = DRAIN_SECONDS) -> None:
        if not self._started:
            return
        self._started = False
        if self._poller is not None:
            self._poller.cancel()
            await asyncio.gather(self._poller, return_exceptions=True)
            self._poller = None
        if self._webhook is not None:
            await self._webhook.close()
            self._webhook = None
        if not await self.scheduler.join(drain):
            log.warning(
                "stopping with %d updates not handled: they stay in the inbox for the next start",
                self.scheduler.backlog,
            )
            await self.scheduler.cancel()
        if self.app.running:
            await self.app.stop()
        if self.app._initialized:
            await self.app.shutdown()
        if self.app.post_shutdown is not None:
            await self.app.post_shutdown(self.app)


# -- logging ---------------------------------------------------------------------------------------


class _RedactSecrets(logging.Filter):
    """Never let the bot token (or the webhook secret) reach a log line, tracebacks included."""

    def __init__(self, secrets: list[str]) -> None:
        super().__init__()
        self.secrets = [s for s in secrets if s]

    def redact(self, text: str) -> str:
        for secret in self.secrets:
            text = text.replace(secret, "[secret]")
        return text

    def filter(self, record: logging.LogRecord) -> bool:
        if not self.secrets:
            return True
        message = record.getMessage()
        redacted = self.redact(message)
        if redacted != message:
            record.msg, record.args = redacted, None
        if record.exc_info and record.exc_info[1] is not None:
            record.exc_text = self.redact(logging.Formatter().formatException(record.exc_info))
        return True


def setup_logging(config: Config) -> None:
    """The bot's log: secrets redacted everywhere; library loggers stay at WARNING whatever the level.

    python-telegram-bot logs every request with its parameters at DEBUG (texts, chat ids, names)
    and httpx every URL (with the token): they never follow the bot's own level. The bot's own
    DEBUG lines name no person, id or text.
    """
    logging.basicConfig(level=getattr(logging, config.log_level, logging.INFO), format=config.log_format, force=True)
    redactor = _RedactSecrets([config.token or "", config.webhook_secret or ""])
    for handler in logging.getLogger().handlers:
        handler.addFilter(redactor)
    for name in QUIET_LOGGERS:
        logging.getLogger(name).setLevel(logging.WARNING)

    def excepthook(kind: type[BaseException], value: BaseException, tb: TracebackType | None) -> None:
        sys.stderr.write(redactor.redact("".join(traceback.format_exception(kind, value, tb))))

    def thread_excepthook(args: threading.ExceptHookArgs) -> None:
        if args.exc_value is not None:
            excepthook(args.exc_type, args.exc_value, args.exc_traceback)

    sys.excepthook = excepthook
    threading.excepthook = thread_excepthook


# -- serve -----------------------------------------------------------------------------------------


def _webhook_settings(config: Config) -> WebhookSettings | str | None:
    """The webhook settings, a French message when they cannot be used, or None in polling mode."""
    if config.mode != "webhook":
        return None
    secret = config.webhook_secret
    if not secret:
        return "Le mode webhook demande un secret : définissez CEP_WEBHOOK_SECRET (1 à 256 caractères A-Z a-z 0-9 _ -)."
    if not SECRET_RE.fullmatch(secret):
        return (
            "CEP_WEBHOOK_SECRET n'est pas accepté par Telegram : 1 à 256 caractères parmi A-Z a-z 0-9 _ et - seulement."
        )
    return WebhookSettings(config.webhook_listen, config.webhook_port, config.webhook_path, config.webhook_url, secret)


def _missing_key(config: Config) -> str | None:
    if config.database.exists() and not config.hash_key_file.exists():
        return (
            f"La clé de hachage {config.hash_key_file} a disparu alors que la base {config.database} existe : "
            "remettez la clé (sauvegarde) ; une nouvelle clé rendrait les données existantes inutilisables."
        )
    return None


async def _run(application: App, webhook: WebhookSettings | None) -> Exit:
    runtime = Runtime(application)
    data = application.bot_data
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(sig, data.stop, Exit.OK)

    def on_sighup() -> None:
        application.create_task(staff.reload_and_report(application, reason="signal SIGHUP"))

    loop.add_signal_handler(signal.SIGHUP, on_sighup)
    try:
        await runtime.start(webhook)
        result = await runtime.wait()
    except TokenRefusedError:
        result = Exit.AUTH
    except DatabaseUnavailable as exc:
        data.stop(Exit.DATA, str(exc))
        result = Exit.DATA
    finally:
        await runtime.stop()
    return result


def serve(config: Config) -> int:
    """Serve Telegram until SIGINT/SIGTERM; the exit status says why it stopped (see :class:`Exit`)."""
    os.environ.setdefault("PTB_TIMEDELTA", "1")
    setup_logging(config)
    webhook = _webhook_settings(config)
    problem = webhook if isinstance(webhook, str) else _missing_key(config)
    if problem is not None:
        print(problem, file=sys.stderr, flush=True)
        return 2 if isinstance(webhook, str) else Exit.DATA.code
    report = check_knowledge(config.knowledge_dir)
    if report.snapshot is None:
        log.error("the knowledge base has errors, cannot start:\n%s", "\n".join(map(str, report.errors)))
        return 1
    store = Store(config.database, load_or_create_key(config.hash_key_file), keep_unknown=config.keep_not_understood)
    assistant = Assistant(config, build_knowledge(report.snapshot), store)
    del report  # the assistant holds the knowledge; a reload must be able to free it
    application = build_application(config, assistant)
    result = asyncio.run(_run(application, webhook if isinstance(webhook, WebhookSettings) else None))
    if result.message:
        detail = application.bot_data.exit_detail
        print(f"{result.message}{f' ({detail})' if detail else ''}", file=sys.stderr, flush=True)
    return result.code
