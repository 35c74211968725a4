"""Build the python-telegram-bot ``Application`` (the only place that does) and its handlers.

Handlers are thin: they turn an ``Update`` into a :class:`~bot.dialogue.engine.UserInput`, hand
it to the :class:`~bot.service.Assistant` (which commits the state and the replies, rendered by
:mod:`handlers.sending`, to the outbox in one transaction), then send the chat's outbox
(:mod:`handlers.delivery`). Updates come in through :mod:`handlers.intake` and are run, fairly and
in order per chat, by :mod:`handlers.scheduler`; :mod:`handlers.runtime` starts and stops it all.

Private chats only: in a group or a channel the bot never holds a conversation, shows no state,
no staff figure and no keyboard; a message addressed to it there gets one short notice (at most
one per group per hour) that points to a private chat. Other bots, and commands addressed to
another bot, are ignored everywhere.
"""

from __future__ import annotations

import datetime as dt
import logging
import time
from typing import TYPE_CHECKING, Any

from telegram import BotCommand, BotCommandScopeChat, BotCommandScopeDefault, Message, Update
from telegram.constants import ChatType
from telegram.error import BadRequest, Conflict, InvalidToken, NetworkError, TelegramError, TimedOut
from telegram.ext import (
    Application,
    ApplicationHandlerStop,
    BaseHandler,
    CallbackQueryHandler,
    CommandHandler,
    ExtBot,
    MessageHandler,
    filters,
)
from telegram.request import HTTPXRequest

from bot import __version__
from bot.dialogue.buttons import ButtonAction, encode
from bot.dialogue.engine import Button, Conversation, Reply, UserInput
from bot.storage import Outgoing
from bot.vocab import Action, EventType, InputKind
from handlers import staff
from handlers.context import CONTEXT_TYPES, App, Context, Exit
from handlers.delivery import Outbox
from handlers.intake import PollingBot
from handlers.sending import SEND_READ_TIMEOUT, RetryingRateLimiter, TokenRefusedError, render, send_replies, split_text

if TYPE_CHECKING:
    from bot.config import Config
    from bot.service import Assistant

__all__ = ["PUBLIC_COMMANDS", "build_application", "send_replies", "serve", "split_text"]

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
GROUP_NOTICE = (
    "Je réponds seulement en conversation privée, pour que ce que vous me confiez reste entre nous : "
    "écrivez-moi en privé ici : https://t.me/{username}"
)
GROUP_BUTTON_NOTICE = "Écrivez-moi en privé : je ne réponds pas dans les groupes."
GROUP_NOTICE_INTERVAL = 3600.0  # seconds: one notice per group per hour at most
GROUP_NOTICES_KEPT = 1000  # groups remembered (the oldest are forgotten beyond)
OUTBOX_SWEEP_SECONDS = 10.0
DATA_CHECK_SECONDS = 5.0
PURGE_FIRST_SECONDS = 60.0
CONNECTION_POOL = 64
GENERIC_ERROR = (
    "Désolé, un problème technique m'empêche de répondre. Réessayez dans un instant, "
    "ou passez par le point d'entrée national : https://mon-cep.org"
)


# -- private chats only ----------------------------------------------------------------------


def _command_target(text: str) -> str | None:
    """The bot a ``/command@bot`` names (lower case), "" for a bare command, None for no command."""
    if not text.startswith("/"):
        return None
    head = text.split(maxsplit=1)[0]
    return head.partition("@")[2].lower()


def _addressed_to_us(message: Message, username: str, bot_id: int) -> bool:
    text = message.text or message.caption or ""
    target = _command_target(text)
    if target is not None:
        return target in ("", username.lower())
    if f"@{username}".lower() in text.lower():
        return True
    replied = message.reply_to_message
    return replied is not None and replied.from_user is not None and replied.from_user.id == bot_id


class NotPrivate(BaseHandler[Update, Context, None]):
    """Takes (and stops) every update that must not reach a conversation.

    Other bots, commands for another bot, and anything from a group, a supergroup or a channel.
    """

    def __init__(self, bot: ExtBot[Any]) -> None:
        super().__init__(self._handle)
        self._bot = bot

    def _username(self) -> str:
        try:
            return self._bot.username.lower()
        except RuntimeError:  # not initialized yet (no getMe): no command can be ours
            return ""

    def check_update(self, update: object) -> bool:
        if not isinstance(update, Update):
            return False
        user = update.effective_user
        if user is not None and user.is_bot:
            return True
        message = update.effective_message
        target = _command_target(message.text or "") if message is not None else None
        if target and target != self._username():
            return True
        chat = update.effective_chat
        return chat is not None and chat.type != ChatType.PRIVATE

    async def _handle(self, update: Update, context: Context) -> None:
        try:
            await _group_notice(update, context)
        finally:
            raise ApplicationHandlerStop


async def _group_notice(update: Update, context: Context) -> None:
    chat, user = update.effective_chat, update.effective_user
    if chat is None or chat.type == ChatType.PRIVATE or (user is not None and user.is_bot):
        return
    query = update.callback_query
    if query is not None:  # a keyboard from before: answer the tap, say nothing in the group
        try:
            await query.answer(GROUP_BUTTON_NOTICE, show_alert=True)
        except BadRequest:
            log.debug("callback query too old to answer")
        return
    message = update.effective_message
    if message is None or not _addressed_to_us(message, context.bot.username, context.bot.id):
        return
    notices = context.bot_data.group_notices
    now = time.monotonic()
    if now - notices.get(chat.id, -GROUP_NOTICE_INTERVAL) < GROUP_NOTICE_INTERVAL:
        return
    if len(notices) >= GROUP_NOTICES_KEPT:
        for old in sorted(notices, key=notices.__getitem__)[: GROUP_NOTICES_KEPT // 2]:
            del notices[old]
    notices[chat.id] = now
    try:
        await context.bot.send_message(chat.id, GROUP_NOTICE.format(username=context.bot.username))
    except TelegramError as exc:
        log.warning("the private-chat notice could not be sent to a group (%s)", type(exc).__name__)


# -- turns -----------------------------------------------------------------------------------


def _render_json(replies: tuple[Reply, ...]) -> list[dict[str, Any]]:
    return [m.to_json() for m in render(replies)]


async def _run_turn(update: Update, context: Context, user_input: UserInput) -> None:
    """One turn: the assistant commits state and replies together, then the chat's outbox is sent.

    The scheduler runs one update per chat at a time, so a person's replies always arrive in the
    order of their messages.
    """
    chat = update.effective_chat
    user = update.effective_user
    if chat is None or user is None:
        return
    data = context.bot_data
    assistant = data.assistant
    outbox = data.outbox
    if outbox is None:  # no database: nothing to commit, send at once
        turn = await assistant.process(user.id, chat.id, user_input, update.update_id)
        await send_replies(context.bot, chat.id, turn.replies)
    else:
        turn = await assistant.process(user.id, chat.id, user_input, update.update_id, outbox=_render_json)
        await outbox.flush(chat.id)
    if Action.SCHEDULE_REMINDER in turn.actions:
        reminder = await assistant.schedule_reminder(user.id, chat.id, turn.state)
        if reminder is not None and context.application.job_queue is not None:
            _schedule_job(context.application, reminder.id, reminder.due_at)
    # after /supprimer, a scheduled reminder job finds its row gone and sends nothing


async def on_text(update: Update, context: Context) -> None:
    """Free text: the engine reads it."""
    message = update.effective_message
    if message is None or message.text is None:
        return
    await _run_turn(update, context, UserInput(InputKind.TEXT, message.text))


async def on_command(update: Update, context: Context) -> None:
    """Public commands (and staff commands, for staff)."""
    message = update.effective_message
    if message is None or message.text is None:
        return
    name = message.text.split()[0][1:].split("@")[0].lower()
    if name in staff.COMMANDS and await staff.handle(update, context, name):
        return
    await _run_turn(update, context, UserInput(InputKind.COMMAND, message.text))


async def on_location(update: Update, context: Context) -> None:
    """A shared location: the nearest commune."""
    message = update.effective_message
    if message is None or message.location is None:
        return
    await _run_turn(
        update, context, UserInput(InputKind.LOCATION, lat=message.location.latitude, lon=message.location.longitude)
    )


async def on_button(update: Update, context: Context) -> None:
    """Every callback query is answered; the engine checks freshness."""
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


async def on_other(update: Update, context: Context) -> None:
    """Stickers, photos, voice...: a kind answer and the current step."""
    await _run_turn(update, context, UserInput(InputKind.TEXT, ""))


async def on_error(update: object, context: Context) -> None:
    """Log the error; tell the person something went wrong, without details."""
    error = context.error
    if isinstance(error, Conflict):
        context.bot_data.stop(Exit.CONFLICT)
        return
    if isinstance(error, (TokenRefusedError, InvalidToken)):
        context.bot_data.stop(Exit.AUTH)
        return
    if isinstance(error, (NetworkError, TimedOut)) and update is None:
        log.warning("network problem (%s); it resumes by itself", type(error).__name__)
        return
    log.error("error while handling an update", exc_info=error)
    if (
        isinstance(update, Update)
        and update.effective_chat is not None
        and update.effective_chat.type == ChatType.PRIVATE
    ):
        try:
            await context.bot.send_message(update.effective_chat.id, GENERIC_ERROR)
        except TelegramError:
            log.warning("could not tell the user about the error")


# -- jobs ------------------------------------------------------------------------------------


def _schedule_job(application: App, reminder_id: int, due: dt.datetime) -> None:
    delay = max(0.0, (due - dt.datetime.now(dt.UTC)).total_seconds())
    if application.job_queue is not None:
        application.job_queue.run_once(_send_reminder, delay, data=reminder_id, name=f"reminder:{reminder_id}")
    log.debug("a reminder is scheduled in %.0f s", delay)


def _reminder_buttons(state: Conversation) -> tuple[tuple[Button, ...], ...]:
    return (
        (
            Button("Oui, c'est fait", encode(ButtonAction.BOOKING, "y", rev=state.rev)),
            Button("Pas encore", encode(ButtonAction.BOOKING, "w", rev=state.rev)),
        ),
        (Button("Plus besoin", encode(ButtonAction.BOOKING, "x", rev=state.rev)),),
    )


async def _send_reminder(context: Context) -> None:
    """The reminder's message goes to the outbox as the reminder row goes (one transaction)."""
    assistant = context.bot_data.assistant
    reminder_id = context.job.data if context.job else None
    store = assistant.store
    if store is None or not isinstance(reminder_id, int):
        return
    reminder = await store.reminder(reminder_id)
    if reminder is None:
        return  # deleted on request meanwhile
    state = Conversation.from_dict(await store.load_state(reminder.person))
    reply = Reply(assistant.reminder_text(reminder.payload), buttons=_reminder_buttons(state))
    outgoing = Outgoing(reminder.chat_id, tuple(_render_json((reply,))))
    if await store.reminder_to_outbox(reminder, outgoing, [{"type": EventType.REMINDER_SENT}]):
        outbox = context.bot_data.outbox
        if outbox is not None:
            await outbox.flush(reminder.chat_id)


async def _purge(context: Context) -> None:
    assistant = context.bot_data.assistant
    if assistant.store is not None:
        counts = await assistant.store.purge(assistant.config.retention_days)
        log.info("daily purge: %s", counts)


async def _watch_knowledge(context: Context) -> None:
    if context.bot_data.assistant.knowledge_changed():
        await staff.reload_and_report(context.application, reason="modification des fichiers")


async def _sweep_outbox(context: Context) -> None:
    """Messages that could not be sent (Telegram unreachable for a while) are sent again."""
    outbox = context.bot_data.outbox
    if outbox is not None:
        await outbox.flush_all()


async def _check_data(context: Context) -> None:
    """A database or key file that vanished while running stops the bot (see handlers.runtime)."""
    data = context.bot_data
    store = data.assistant.store
    if store is None or data.exit is not None:
        return
    problem = store.check_files(data.assistant.config.hash_key_file)
    if problem is not None:
        log.error("%s: stopping", problem)
        data.stop(Exit.DATA, problem)


# -- building --------------------------------------------------------------------------------


async def _set_commands(application: App) -> None:
    await application.bot.set_my_commands(
        [BotCommand(n, d) for n, d in PUBLIC_COMMANDS], scope=BotCommandScopeDefault()
    )
    for staff_id in application.bot_data.assistant.config.staff_ids:
        try:
            await application.bot.set_my_commands(
                [BotCommand(n, d) for n, d in PUBLIC_COMMANDS + STAFF_COMMANDS], scope=BotCommandScopeChat(staff_id)
            )
        except BadRequest:
            log.warning("could not set the staff commands for one staff chat (has it started the bot?)")


async def _post_init(application: App) -> None:
    data = application.bot_data
    assistant = data.assistant
    store = assistant.store
    if store is not None and store.db is None:
        await store.open()
    if store is not None:
        data.outbox = Outbox(application.bot, store)
    await _set_commands(application)
    queue = application.job_queue
    if queue is not None:
        if store is not None:
            for reminder in await store.pending_reminders():
                _schedule_job(application, reminder.id, reminder.due_at)
            queue.run_repeating(_sweep_outbox, interval=OUTBOX_SWEEP_SECONDS, first=OUTBOX_SWEEP_SECONDS, name="outbox")
            queue.run_repeating(_check_data, interval=DATA_CHECK_SECONDS, first=DATA_CHECK_SECONDS, name="data-check")
        queue.run_repeating(_purge, interval=dt.timedelta(days=1), first=PURGE_FIRST_SECONDS, name="purge")
        if assistant.config.knowledge_watch_seconds > 0:
            assistant.knowledge_changed()  # remember the current files
            seconds = assistant.config.knowledge_watch_seconds
            queue.run_repeating(_watch_knowledge, interval=seconds, first=seconds, name="watch")
    log.info("cep-bot %s ready (knowledge %s)", __version__, assistant.snapshot.version)


async def _post_shutdown(application: App) -> None:
    store = application.bot_data.assistant.store
    if store is not None:
        await store.close()
    log.info("stopped cleanly")


def _make_bot(config: Config, token: str, limiter: RetryingRateLimiter) -> PollingBot:
    return PollingBot(
        token,
        base_url=config.base_url,
        request=HTTPXRequest(connection_pool_size=CONNECTION_POOL, read_timeout=SEND_READ_TIMEOUT),
        get_updates_request=HTTPXRequest(connection_pool_size=1),
        rate_limiter=limiter,
    )


def build_application(config: Config, assistant: Assistant, *, token: str | None = None) -> App:
    """The one place that builds the python-telegram-bot Application (no updater: see handlers.intake)."""
    limiter = RetryingRateLimiter(config.max_retries)
    application: App = (
        Application.builder()
        .bot(_make_bot(config, token or config.token or "", limiter))
        .context_types(CONTEXT_TYPES)
        .updater(None)
        .post_init(_post_init)
        .post_shutdown(_post_shutdown)
        .build()
    )
    data = application.bot_data
    data.assistant = assistant

    def on_auth_failure() -> None:
        data.stop(Exit.AUTH)

    limiter.on_auth_failure = on_auth_failure
    application.add_handler(NotPrivate(application.bot), group=-1)
    application.add_handler(CommandHandler(staff.COMMANDS, on_command, filters=~filters.UpdateType.EDITED))
    application.add_handler(MessageHandler(filters.COMMAND & ~filters.UpdateType.EDITED, on_command))
    application.add_handler(
        MessageHandler(filters.LOCATION & ~filters.UpdateType.EDITED, on_location)
    )  # not live-location edits
    application.add_handler(MessageHandler(filters.TEXT & ~filters.COMMAND & ~filters.UpdateType.EDITED, on_text))
    application.add_handler(CallbackQueryHandler(on_button))
    application.add_handler(
        MessageHandler(
            filters.ChatType.PRIVATE & ~filters.UpdateType.EDITED & ~filters.TEXT & ~filters.LOCATION, on_other
        )
    )
    application.add_error_handler(on_error)
    return application


def serve(config: Config) -> int:
    """Serve Telegram until SIGINT/SIGTERM (polling by default, webhook if configured)."""
    from handlers.runtime import serve as run  # noqa: PLC0415 - runtime imports this module

    return run(config)
