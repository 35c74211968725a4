"""Sending to Telegram: replies cut into messages, keyboards, and the retry policy.

Imported by the ordinary handlers (``handlers.app``), the staff commands (``handlers.staff``) and
the outbox (``handlers.delivery``); it imports none of them.

Retry policy (the README's « Garantie de livraison » section states it for operators):

* a request that **certainly did not take effect** is retried: flood control (429, after the
  wait Telegram asks), a connection that could not be opened, no free connection in the pool;
* a request whose fate is **unknown** (a 5xx answer, a time-out or a dropped connection after
  the request left) is retried too, at most :data:`AMBIGUOUS_RETRIES` times: a reply the person
  never gets is worse than one they get twice. Each such fault can add at most one copy;
  a generous read time-out (:data:`SEND_READ_TIMEOUT`) keeps a slow answer from being one;
* a request Telegram **refused** (400, 403) is not retried; 401 (the token was revoked) stops
  the whole process (see :class:`TokenRefusedError`).
"""

from __future__ import annotations

import asyncio
import html
import logging
from collections.abc import Callable, Coroutine, Sequence
from dataclasses import dataclass
from enum import Enum
from typing import Any

import httpx
from telegram import Bot, InlineKeyboardButton, InlineKeyboardMarkup, KeyboardButton, ReplyKeyboardMarkup
from telegram.constants import ParseMode
from telegram.error import BadRequest, Forbidden, InvalidToken, NetworkError, RetryAfter, TelegramError, TimedOut
from telegram.ext import AIORateLimiter

from bot.dialogue.engine import Button, Reply

__all__ = [
    "AMBIGUOUS_RETRIES",
    "MESSAGE_LIMIT",
    "SEND_READ_TIMEOUT",
    "OutMessage",
    "Outcome",
    "RetryingRateLimiter",
    "TokenRefusedError",
    "classify",
    "render",
    "send_message",
    "send_replies",
    "split_text",
]

log = logging.getLogger("handlers.sending")

MESSAGE_LIMIT = 4096
TITLE_MARGIN = 10  # room for "<b>", "</b>" and the newline around a title
LOCATION_LABEL = "📍 Partager ma position"
LOCATION_PLACEHOLDER = "Ville, code postal, département..."
SEND_READ_TIMEOUT = 30.0  # seconds: Telegram answers in well under one; a slow answer is not a failure
AMBIGUOUS_RETRIES = 3  # after a 5xx or a time-out after sending: at least once, a few copies at worst
FIRST_DELAY = 0.2  # seconds before the first retry of a failed request; doubled each time
MAX_DELAY = 5.0
# httpx errors raised before a byte of the request left: the request certainly did not take effect
_NOT_SENT = (httpx.ConnectError, httpx.ConnectTimeout, httpx.PoolTimeout)


class TokenRefusedError(Exception):
    """Telegram refused the token (401, or 404 for a malformed one): nothing can work any more."""


class Outcome(Enum):
    """What a failed request means for retrying it."""

    NOT_SENT = "not_sent"  # certainly without effect: retry
    UNKNOWN = "unknown"  # may have taken effect: retry per the ambiguous policy
    REFUSED = "refused"  # Telegram said no: never retry
    AUTH = "auth"  # the token is refused: stop the process


def classify(error: BaseException) -> Outcome:
    """Tell a failure that certainly had no effect from one whose fate is unknown."""
    if isinstance(error, InvalidToken):
        return Outcome.AUTH
    if isinstance(error, RetryAfter):
        return Outcome.NOT_SENT
    if isinstance(error, (BadRequest, Forbidden)):
        return Outcome.REFUSED
    if isinstance(error, (TimedOut, NetworkError)):
        cause = error.__cause__
        if isinstance(cause, _NOT_SENT) or (isinstance(error, TimedOut) and "Pool timeout" in str(error)):
            return Outcome.NOT_SENT
        return Outcome.UNKNOWN
    return Outcome.REFUSED if isinstance(error, TelegramError) else Outcome.UNKNOWN


# -- rendering -----------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class OutMessage:
    """One Telegram message as it will be sent: HTML text and, on the last piece, the keyboard."""

    text: str
    buttons: tuple[tuple[Button, ...], ...] = ()
    request_location: bool = False

    def to_json(self) -> dict[str, Any]:
        return {
            "text": self.text,
            "buttons": [[[b.label, b.data] for b in row] for row in self.buttons],
            "location": self.request_location,
        }

    @classmethod
    def from_json(cls, data: Any) -> OutMessage | None:
        """The message stored in the outbox, or None when the row cannot be read."""
        try:
            rows = tuple(
                tuple(Button(str(label), str(value)) for label, value in row) for row in data.get("buttons", [])
            )
            return cls(str(data["text"]), rows, bool(data.get("location")))
        except (KeyError, TypeError, ValueError, AttributeError):
            return None

    def markup(self) -> InlineKeyboardMarkup | ReplyKeyboardMarkup | None:
        if self.buttons:
            return InlineKeyboardMarkup(
                [[InlineKeyboardButton(b.label, callback_data=b.data) for b in row] for row in self.buttons]
            )
        if self.request_location:
            return ReplyKeyboardMarkup(
                [[KeyboardButton(LOCATION_LABEL, request_location=True)]],
                resize_keyboard=True,
                one_time_keyboard=True,
                input_field_placeholder=LOCATION_PLACEHOLDER,
            )
        return None


def _utf16_len(text: str) -> int:
    return len(text.encode("utf-16-le")) // 2


def _cut_long_line(line: str, fits: Callable[[str], bool]) -> tuple[str, str]:
    """The longest head of ``line`` that fits (cut at a space when one is near), and the rest."""
    low, high = 1, len(line)
    while low < high:
        mid = (low + high + 1) // 2
        if fits(line[:mid]):
            low = mid
        else:
            high = mid - 1
    cut = line.rfind(" ", 0, low)
    cut = cut if cut > low // 2 else low
    return line[:cut], line[cut:].lstrip(" ")


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
        rest = line
        while not fits(rest):
            head, rest = _cut_long_line(rest, fits)
            pieces.append(head)
        current = rest
    if current or not pieces:
        pieces.append(current)
    return [p for p in pieces if p.strip()] or ["…"]


def render(replies: Sequence[Reply], *, keyboards: bool = True) -> list[OutMessage]:
    """The messages for ``replies``: the title in bold, everything else escaped, the keyboard last.

    ``keyboards=False`` (groups) drops every keyboard.
    """
    messages: list[OutMessage] = []
    for reply in replies:
        pieces = split_text(reply.text, MESSAGE_LIMIT - _utf16_len(html.escape(reply.title)) - TITLE_MARGIN)
        for index, piece in enumerate(pieces):
            text = html.escape(piece, quote=False)
            if index == 0 and reply.title:
                text = f"<b>{html.escape(reply.title, quote=False)}</b>\n{text}"
            last = index == len(pieces) - 1 and keyboards
            messages.append(OutMessage(text, reply.buttons if last else (), reply.request_location if last else False))
    return messages


async def send_message(bot: Bot, chat_id: int, message: OutMessage) -> None:
    """Send one rendered message (retries happen in the rate limiter)."""
    await bot.send_message(
        chat_id, message.text, parse_mode=ParseMode.HTML, reply_markup=message.markup(), read_timeout=SEND_READ_TIMEOUT
    )


async def send_replies(bot: Bot, chat_id: int, replies: Sequence[Reply]) -> None:
    """Send each reply in order, directly (staff reports, notices): not through the outbox."""
    for message in render(replies):
        await send_message(bot, chat_id, message)


# -- the rate limiter ----------------------------------------------------------------------------

RateLimitArgs = Any
OnAuthFailure = Callable[[], None]


class RetryingRateLimiter(AIORateLimiter):
    """PTB's limiter (30 msg/s overall, waits out 429s) plus the retry policy above.

    ``on_auth_failure`` is called once when Telegram refuses the token (the runtime stops then).
    """

    def __init__(self, max_retries: int = 5, on_auth_failure: OnAuthFailure | None = None) -> None:
        super().__init__(max_retries=max_retries)
        self._network_retries = max_retries
        self.on_auth_failure = on_auth_failure

    async def process_request(
        self,
        callback: Callable[..., Coroutine[Any, Any, bool | dict[str, Any] | list[dict[str, Any]]]],
        args: Any,
        kwargs: dict[str, Any],
        endpoint: str,
        data: dict[str, Any],
        rate_limit_args: RateLimitArgs | None,
    ) -> bool | dict[str, Any] | list[dict[str, Any]]:
        attempt = ambiguous = 0
        while True:
            try:
                return await super().process_request(callback, args, kwargs, endpoint, data, rate_limit_args)
            except TelegramError as exc:
                outcome = classify(exc)
                if outcome is Outcome.AUTH and self.on_auth_failure is not None:
                    self.on_auth_failure()
                if outcome in (Outcome.AUTH, Outcome.REFUSED) or attempt >= self._network_retries:
                    raise
                if outcome is Outcome.UNKNOWN:
                    ambiguous += 1
                    if ambiguous > AMBIGUOUS_RETRIES:
                        raise
                attempt += 1
                delay = _retry_delay(exc, attempt)
                log.warning(
                    "%s failed (%s, %s), retry %d in %.1f s",
                    endpoint,
                    type(exc).__name__,
                    outcome.value,
                    attempt,
                    delay,
                )
                await asyncio.sleep(delay)


def _retry_delay(error: TelegramError, attempt: int) -> float:
    if isinstance(error, RetryAfter):
        wait = error.retry_after
        seconds = wait.total_seconds() if hasattr(wait, "total_seconds") else float(wait)
        return seconds + FIRST_DELAY
    return float(min(FIRST_DELAY * 2**attempt, MAX_DELAY))
