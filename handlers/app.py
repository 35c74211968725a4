"""Build and run the python-telegram-bot ``Application`` (the only place that does).

Handlers are thin: they turn an ``Update`` into a :class:`~bot.dialogue.engine.UserInput`, hand
it to the :class:`~bot.service.Assistant`, and send the replies (HTML-escaped, split under
4,096 characters, inline keyboards, retried on flood control and transient errors, in order).
"""

from __future__ import annotations

import asyncio
import datetime as dt
import html
import logging
import os
import signal
from typing import TYPE_CHECKING, Any

from telegram import (
    BotCommand,
    BotCommandScopeChat,
    BotCommandScopeDefault,
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    KeyboardButton,
    ReplyKeyboardMarkup,
    Update,
)
from telegram.constants import ParseMode
from telegram.error import BadRequest, Conflict, Forbidden, NetworkError, TelegramError, TimedOut
from telegram.ext import (
    AIORateLimiter,
    Application,
    CallbackQueryHandler,
    CommandHandler,
    ContextTypes,
    MessageHandler,
    filters,
)

from bot import __version__
from bot.dialogue.buttons import ButtonAction, encode
from bot.dialogue.engine import Button, Conversation, Reply, UserInput
from bot.vocab import Action, EventType, InputKind
from handlers import staff

if TYPE_CHECKING:
    from bot.config import Config
    from bot.service import Assistant

__all__ = ["build_application", "send_replies", "serve", "split_text"]

log = logging.getLogger("handlers")

PUBLIC_COMMANDS = (
    ("start", "Commencer"),
    ("aide", "Comment m'utiliser"),
    ("recommencer", "Repartir de zéro"),
    ("confidentialite", "Ce que le service garde et pourquoi"),
    ("supprimer", "Effacer tout ce qui vous concerne"),
)
STAFF_COMMANDS = (
    ("reload", "Recharger les connaissances"),
    ("check", "Vérifier les connaissances"),
    ("apercu", "Aperçu d'une réponse : /apercu [AAAA-MM-JJ] message"),
    ("version", "Version du code et des connaissances"),
    ("stats", "Chiffres d'usage"),
)
MESSAGE_LIMIT = 4096
RETRIED_ENDPOINTS = frozenset(
    {"sendMessage", "editMessageText", "editMessageReplyMarkup", "answerCallbackQuery", "setMyCommands", "deleteMyCommands"}
)
LOCATION_LABEL = "📍 Partager ma position"


# -- sending ---------------------------------------------------------------------------------


def _utf16_len(text: str) -> int:
    return len(text.encode("utf-16-le")) // 2


def split_text(text: str, limit: int = MESSAGE_LIMIT) -> list[str]:
    """Split plain text so that each HTML-escaped piece stays under ``limit`` (UTF-16 units)."""
    pieces: list[str] = []
    current = ""

    def fits(candidate: str) -> bool:
        return _utf16_len(html.escape(candidate, quote=False)) <= limit

    for line in text.split("\n"):
        candidate = f"{current}\n{line}" if current else line
        if fits(candidate):
            current = candidate
            continue
        if current:
            pieces.append(current)
            current = ""
        while not fits(line):
            # a single line too long: cut it, preferably at a space
            low, high = 1, len(line)
            while low < high:
                mid = (low + high + 1) // 2
                if fits(line[:mid]):
                    low = mid
                else:
                    high = mid - 1
            cut = line.rfind(" ", 0, low)
            cut = cut if cut > low // 2 else low
            pieces.append(line[:cut])
            line = line[cut:].lstrip(" ")
        current = line
    if current or not pieces:
        pieces.append(current)
    return [p for p in pieces if p.strip()] or ["…"]


def _markup(reply: Reply) -> InlineKeyboardMarkup | ReplyKeyboardMarkup | None:
    if reply.buttons:
        return InlineKeyboardMarkup([[InlineKeyboardButton(b.label, callback_data=b.data) for b in row] for row in reply.buttons])
    if reply.request_location:
        return ReplyKeyboardMarkup(
            [[KeyboardButton(LOCATION_LABEL, request_location=True)]],
            resize_keyboard=True,
            one_time_keyboard=True,
            input_field_placeholder="Ville, code postal, département...",
        )
    return None


async def send_replies(bot: Any, chat_id: int, replies: tuple[Reply, ...] | list[Reply]) -> None:
    """Send each reply in order; the title goes in bold; everything else is escaped."""
    for reply in replies:
        pieces = split_text(reply.text, MESSAGE_LIMIT - _utf16_len(html.escape(reply.title)) - 10)
        for index, piece in enumerate(pieces):
            text = html.escape(piece, quote=False)
            if index == 0 and reply.title:
                text = f"<b>{html.escape(reply.title, quote=False)}</b>\n{text}"
            markup = _markup(reply) if index == len(pieces) - 1 else None
            await bot.send_message(chat_id, text, parse_mode=ParseMode.HTML, reply_markup=markup)


class RetryingRateLimiter(AIORateLimiter):
    """PTB's limiter (30 msg/s overall, 20/min per group, waits out 429s) plus retries on 5xx and time-outs."""

    def __init__(self, max_retries: int = 5) -> None:
        super().__init__(max_retries=max_retries)
        self._network_retries = max_retries

    async def process_request(self, callback, args, kwargs, endpoint, data, rate_limit_args):  # type: ignore[no-untyped-def,override]
        attempt = 0
        while True:
            try:
                return await super().process_request(callback, args, kwargs, endpoint, data, rate_limit_args)
            except BadRequest:
                raise
            except (TimedOut, NetworkError) as exc:
                if endpoint not in RETRIED_ENDPOINTS or attempt >= self._network_retries:
                    raise
                attempt += 1
                delay = min(0.2 * 2**attempt, 5.0)
                log.warning("%s failed (%s), retry %d in %.1f s", endpoint, type(exc).__name__, attempt, delay)
                await asyncio.sleep(delay)


# -- handlers --------------------------------------------------------------------------------


def _assistant(context: ContextTypes.DEFAULT_TYPE) -> Assistant:
    return context.application.bot_data["assistant"]


async def _run_turn(update: Update, context: ContextTypes.DEFAULT_TYPE, user_input: UserInput) -> None:
    """One turn, start to finish, while holding the chat's lock.

    Updates are processed concurrently (one person waiting on Telegram does not hold up the
    others), but the turns of one chat run one after the other, replies included: a person's
    replies always arrive in the order of their messages.
    """
    chat = update.effective_chat
    user = update.effective_user
    if chat is None or user is None:
        return
    assistant = _assistant(context)
    locks: dict[int, list[Any]] = context.application.bot_data.setdefault("chat_locks", {})
    entry = locks.setdefault(chat.id, [asyncio.Lock(), 0])
    entry[1] += 1
    try:
        async with entry[0]:
            turn = await assistant.process(user.id, chat.id, user_input, update.update_id)
            await send_replies(context.bot, chat.id, turn.replies)
            if Action.SCHEDULE_REMINDER in turn.actions:
                reminder_id = await assistant.schedule_reminder(user.id, chat.id, turn.state)
                if reminder_id is not None and context.application.job_queue is not None:
                    due = dt.datetime.now(dt.UTC) + dt.timedelta(days=assistant.config.reminder_days)
                    _schedule_job(context.application, reminder_id, due)
            # after /supprimer, a scheduled reminder job finds its row gone and sends nothing
    finally:
        entry[1] -= 1
        if entry[1] == 0:
            del locks[chat.id]


async def on_text(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Free text: the engine reads it."""
    message = update.effective_message
    if message is None or message.text is None:
        return
    await _run_turn(update, context, UserInput(InputKind.TEXT, message.text))


async def on_command(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Public commands (and staff commands, for staff)."""
    message = update.effective_message
    if message is None or message.text is None:
        return
    name = message.text.split()[0][1:].split("@")[0].lower()
    if name in staff.COMMANDS:
        if await staff.handle(update, context, name):
            return
    await _run_turn(update, context, UserInput(InputKind.COMMAND, message.text))


async def on_location(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """A shared location: the nearest commune."""
    message = update.effective_message
    if message is None or message.location is None:
        return
    await _run_turn(update, context, UserInput(InputKind.LOCATION, lat=message.location.latitude, lon=message.location.longitude))


async def on_button(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Every callback query is answered; the pressed keyboard is removed; the engine checks freshness."""
    query = update.callback_query
    if query is None:
        return
    try:
        await query.answer()
    except BadRequest:
        log.debug("callback query too old to answer")
    # The pressed keyboard is left as it is: removing it would cost one more request per tap
    # (Telegram allows ~30 per second in all); an old button answers "ce bouton a expiré".
    data = query.data if isinstance(query.data, str) else ""
    await _run_turn(update, context, UserInput(InputKind.BUTTON, data))


async def on_other(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Stickers, photos, voice...: a kind answer and the current step."""
    await _run_turn(update, context, UserInput(InputKind.TEXT, ""))


async def on_error(update: object, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Log the error; tell the person something went wrong, without details."""
    error = context.error
    if isinstance(error, Conflict):
        log.error("another instance is already polling with this bot token: stopping this one")
        context.application.bot_data["conflict"] = True
        context.application.stop_running()
        return
    if isinstance(error, (NetworkError, TimedOut)) and update is None:
        log.warning("network problem while polling (%s); polling resumes by itself", type(error).__name__)
        return
    log.error("error while handling an update", exc_info=error)
    if isinstance(update, Update) and update.effective_chat is not None:
        try:
            await context.bot.send_message(
                update.effective_chat.id,
                "Désolé, un problème technique m'empêche de répondre. Réessayez dans un instant, "
                "ou passez par le point d'entrée national : https://mon-cep.org",
            )
        except TelegramError:
            log.warning("could not tell the user about the error")


# -- jobs ------------------------------------------------------------------------------------


def _schedule_job(application: Application, reminder_id: int, due: dt.datetime) -> None:
    assistant: Assistant = application.bot_data["assistant"]
    delay = max(0.0, (due - dt.datetime.now(dt.UTC)).total_seconds())
    application.job_queue.run_once(_send_reminder, delay, data=reminder_id, name=f"reminder:{reminder_id}")  # type: ignore[union-attr]
    log.debug("reminder %s scheduled in %.0f s (store %s)", reminder_id, delay, assistant.store is not None)


async def _send_reminder(context: ContextTypes.DEFAULT_TYPE) -> None:
    assistant = _assistant(context)
    reminder_id = context.job.data if context.job else None  # type: ignore[union-attr]
    if assistant.store is None or not isinstance(reminder_id, int):
        return
    reminder = await assistant.store.reminder(reminder_id)
    if reminder is None:
        return  # deleted on request meanwhile
    state = Conversation.from_dict(await assistant.store.load_state(reminder.person))
    buttons = (
        (Button("Oui, c'est fait", encode(ButtonAction.BOOKING, "y", rev=state.rev)), Button("Pas encore", encode(ButtonAction.BOOKING, "w", rev=state.rev))),
        (Button("Plus besoin", encode(ButtonAction.BOOKING, "x", rev=state.rev)),),
    )
    try:
        await send_replies(context.bot, reminder.chat_id, [Reply(assistant.reminder_text(reminder.payload), buttons=buttons)])
    except Forbidden:
        log.info("reminder %s not delivered: the person blocked the bot", reminder_id)
    await assistant.store.done_reminder(reminder_id)
    await assistant.store.save_events_only(reminder.person, [{"type": EventType.REMINDER_SENT}])


async def _purge(context: ContextTypes.DEFAULT_TYPE) -> None:
    assistant = _assistant(context)
    if assistant.store is not None:
        counts = await assistant.store.purge(assistant.config.retention_days)
        log.info("daily purge: %s", counts)


async def _watch_knowledge(context: ContextTypes.DEFAULT_TYPE) -> None:
    assistant = _assistant(context)
    if assistant.knowledge_changed():
        await staff.reload_and_report(context.application, reason="modification des fichiers")


# -- building --------------------------------------------------------------------------------


async def _post_init(application: Application) -> None:
    assistant: Assistant = application.bot_data["assistant"]
    if assistant.store is not None and assistant.store.db is None:
        await assistant.store.open()
    await application.bot.set_my_commands([BotCommand(n, d) for n, d in PUBLIC_COMMANDS], scope=BotCommandScopeDefault())
    for staff_id in assistant.config.staff_ids:
        try:
            await application.bot.set_my_commands(
                [BotCommand(n, d) for n, d in PUBLIC_COMMANDS + STAFF_COMMANDS], scope=BotCommandScopeChat(staff_id)
            )
        except BadRequest:
            log.warning("could not set the staff commands for one staff chat (has it started the bot?)")
    if application.job_queue is not None:
        if assistant.store is not None:
            for reminder in await assistant.store.pending_reminders():
                _schedule_job(application, reminder.id, reminder.due_at)
        application.job_queue.run_repeating(_purge, interval=dt.timedelta(days=1), first=60, name="purge")
        if assistant.config.knowledge_watch_seconds > 0:
            assistant.knowledge_changed()  # remember the current files
            application.job_queue.run_repeating(_watch_knowledge, interval=assistant.config.knowledge_watch_seconds, first=assistant.config.knowledge_watch_seconds, name="watch")
    log.info("cep-bot %s ready (knowledge %s)", __version__, assistant.snapshot.version)


async def _post_shutdown(application: Application) -> None:
    assistant: Assistant = application.bot_data["assistant"]
    if assistant.store is not None:
        await assistant.store.close()
    log.info("stopped cleanly")


def build_application(config: Config, assistant: Assistant, *, token: str | None = None) -> Application:
    """The one place that builds the python-telegram-bot Application."""
    builder = (
        Application.builder()
        .token(token or config.token or "")
        .base_url(config.base_url)
        .rate_limiter(RetryingRateLimiter(config.max_retries))
        .post_init(_post_init)
        .post_shutdown(_post_shutdown)
        .get_updates_read_timeout(15)
        # several people at once; each chat's turns stay in order (see _run_turn)
        .concurrent_updates(64)
    )
    application = builder.build()
    application.bot_data["assistant"] = assistant
    application.add_handler(CommandHandler(staff.COMMANDS, on_command, filters=~filters.UpdateType.EDITED))
    application.add_handler(MessageHandler(filters.COMMAND & ~filters.UpdateType.EDITED, on_command))
    application.add_handler(MessageHandler(filters.LOCATION & ~filters.UpdateType.EDITED, on_location))  # not live-location edits
    application.add_handler(MessageHandler(filters.TEXT & ~filters.COMMAND & ~filters.UpdateType.EDITED, on_text))
    application.add_handler(CallbackQueryHandler(on_button))
    application.add_handler(MessageHandler(filters.ChatType.PRIVATE & ~filters.UpdateType.EDITED & ~filters.TEXT & ~filters.LOCATION, on_other))
    application.add_error_handler(on_error)
    return application


class _RedactToken(logging.Filter):
    """Never let the bot token reach a log line (httpx and tracebacks include URLs)."""

    def __init__(self, secrets: list[str]) -> None:
        super().__init__()
        self.secrets = [s for s in secrets if s]

    def filter(self, record: logging.LogRecord) -> bool:
        if not self.secrets:
            return True
        message = record.getMessage()
        redacted = message
        for secret in self.secrets:
            redacted = redacted.replace(secret, "[secret]")
        if redacted != message:
            record.msg, record.args = redacted, None
        if record.exc_info and record.exc_info[1] is not None:
            text = logging.Formatter().formatException(record.exc_info)
            for secret in self.secrets:
                text = text.replace(secret, "[secret]")
            record.exc_text = text
        return True


def setup_logging(config: Config) -> None:
    logging.basicConfig(level=getattr(logging, config.log_level, logging.INFO), format=config.log_format, force=True)
    redactor = _RedactToken([config.token or "", config.webhook_secret or ""])
    for handler in logging.getLogger().handlers:
        handler.addFilter(redactor)
    # HTTP client chatter (one line per request, with the token in the URL) stays quiet
    logging.getLogger("httpx").setLevel(logging.WARNING)
    logging.getLogger("httpcore").setLevel(logging.WARNING)
    logging.getLogger("apscheduler").setLevel(logging.WARNING)


def serve(config: Config) -> int:
    """Serve Telegram until SIGINT/SIGTERM (polling by default, webhook if configured)."""
    from bot.kb.load import check_knowledge  # noqa: PLC0415
    from bot.nlu.knowledge import build_knowledge  # noqa: PLC0415
    from bot.service import Assistant  # noqa: PLC0415
    from bot.storage import Store, load_or_create_key  # noqa: PLC0415

    os.environ.setdefault("PTB_TIMEDELTA", "1")
    setup_logging(config)
    report = check_knowledge(config.knowledge_dir)
    if report.snapshot is None:
        log.error("the knowledge base has errors, cannot start:\n%s", "\n".join(map(str, report.errors)))
        return 1
    store = Store(config.database, load_or_create_key(config.hash_key_file), keep_unknown=config.keep_not_understood)
    assistant = Assistant(config, build_knowledge(report.snapshot), store)
    del report  # the assistant holds the knowledge; a reload must be able to free it
    application = build_application(config, assistant)

    def on_sighup(*_: object) -> None:
        application.create_task(staff.reload_and_report(application, reason="signal SIGHUP"))

    async def install_sighup(app: Application) -> None:
        try:
            asyncio.get_running_loop().add_signal_handler(signal.SIGHUP, on_sighup)
        except (NotImplementedError, RuntimeError, AttributeError):
            log.debug("SIGHUP not available here")

    original_post_init = application.post_init

    async def post_init(app: Application) -> None:
        if original_post_init is not None:
            await original_post_init(app)
        await install_sighup(app)

    application.post_init = post_init
    if config.mode == "webhook":
        application.run_webhook(
            listen=config.webhook_listen,
            port=config.webhook_port,
            url_path=config.webhook_path,
            webhook_url=config.webhook_url,
            secret_token=config.webhook_secret,
            allowed_updates=Update.ALL_TYPES,
        )
    else:
        application.run_polling(allowed_updates=Update.ALL_TYPES, bootstrap_retries=3)
    if application.bot_data.get("conflict"):
        print("Une autre instance du bot tourne déjà avec ce jeton : celle-ci s'arrête.", flush=True)
        return 3
    return 0
