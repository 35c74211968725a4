"""A fake Telegram Bot API HTTP server for end-to-end tests.

The server speaks enough of the real Bot API for a python-telegram-bot (PTB) 22.x
bot to run against it unchanged, either in-process or as a subprocess::

    with FakeBotApi() as fake:
        app = Application.builder().token("123:ABC").base_url(fake.base_url).build()
        ...                                   # start polling
        fake.send_command(42, "/start hello")  # simulate the user
        replies = await fake.areplies(42, 1)   # wait for what the bot sent

Design notes:

* The server runs tornado in its OWN thread with its OWN asyncio loop, so it never
  depends on the loop of the test or the bot. Long polling (``getUpdates`` with a
  ``timeout``) is a coroutine and does not block other requests.
* URL form is ``/bot<token>/<method>``; any token is accepted. PTB posts form-encoded
  bodies where nested values (``reply_markup``...) are JSON strings. JSON and multipart
  bodies are accepted too.
* All shared state is protected by one lock, so every public method is safe to call
  from any thread (the test thread, an async test, the server thread).
* Like the real Telegram, the server rejects some invalid requests (too long text,
  broken HTML, oversized callback_data, double ``answerCallbackQuery``, "message is not
  modified"), so bugs surface in tests rather than in production.
* Faults (429 flood control, 502, network cuts, 409 conflicts) can be injected,
  randomly with a seeded RNG or deterministically with :meth:`FakeBotApi.fail_next`.
"""

from __future__ import annotations

import asyncio
import copy
import html
import json
import random
import re
import threading
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from types import TracebackType
from typing import Any, Literal, TypeVar

import tornado.httpserver
import tornado.netutil
import tornado.web

__all__ = [
    "BOT_USER",
    "DEFAULT_FAULT_METHODS",
    "ApiError",
    "Call",
    "FakeBotApi",
    "Faults",
    "check_html",
]

T = TypeVar("T")

#: The user returned by ``getMe`` and used as ``from`` of every bot message.
BOT_USER: dict[str, Any] = {
    "id": 1000,
    "is_bot": True,
    "first_name": "CEP",
    "username": "cep_test_bot",
    "can_join_groups": True,
    "can_read_all_group_messages": False,
    "supports_inline_queries": False,
}

#: Methods that random/forced faults apply to by default.
DEFAULT_FAULT_METHODS: frozenset[str] = frozenset(
    {"sendMessage", "editMessageText", "answerCallbackQuery"}
)

# Telegram limits (see telegram.constants.MessageLimit / InlineKeyboardButtonLimit).
MAX_TEXT_LENGTH = 4096
MAX_CALLBACK_DATA_BYTES = 64
MAX_CALLBACK_ANSWER_LENGTH = 200

# Request parameters that are free text and must never be JSON-decoded, even when the
# value happens to look like a number or JSON ("123", "[draft]", "true"...).
_TEXT_KEYS = frozenset(
    {
        "text", "caption", "description", "short_description", "name", "title",
        "query", "parse_mode", "callback_query_id", "inline_message_id", "url",
        "secret_token", "language_code", "ip_address", "emoji", "custom_emoji_id",
        "sticker", "photo", "document", "video", "audio", "voice", "animation",
        "video_note", "thumbnail", "file_id", "phone_number", "first_name",
        "last_name", "address", "foursquare_id", "question", "explanation",
        "payload", "provider_token", "currency", "start_parameter",
        "game_short_name", "certificate", "business_connection_id",
    }
)

_CONFLICT_DESCRIPTION = (
    "Conflict: terminated by other getUpdates request; "
    "make sure that only one bot instance is running"
)
_WEBHOOK_CONFLICT_DESCRIPTION = (
    "Conflict: can't use getUpdates method while webhook is active; "
    "use deleteWebhook to delete the webhook first"
)
_QUERY_TOO_OLD = (
    "Bad Request: query is too old and response timeout expired or query ID is invalid"
)
_NOT_MODIFIED = (
    "Bad Request: message is not modified: specified new message content and reply "
    "markup are exactly the same as a current content and reply markup of the message"
)


# --------------------------------------------------------------------------- data types


class ApiError(Exception):
    """An error answer of the Bot API (``{"ok": false, ...}``)."""

    def __init__(
        self, status: int, description: str, parameters: dict[str, Any] | None = None
    ) -> None:
        super().__init__(description)
        self.status = status
        self.description = description
        self.parameters = parameters

    def body(self) -> dict[str, Any]:
        """The JSON body Telegram would send for this error."""
        body: dict[str, Any] = {
            "ok": False,
            "error_code": self.status,
            "description": self.description,
        }
        if self.parameters:
            body["parameters"] = self.parameters
        return body


def _bad_request(detail: str) -> ApiError:
    return ApiError(400, f"Bad Request: {detail}")


@dataclass
class Call:
    """One request received by the fake server."""

    method: str
    params: dict[str, Any]
    time: float  # time.monotonic() when the request arrived
    token: str = ""
    failed: bool = False
    reason: str | None = None  # error description (or "network down") when failed
    status: int = 200  # HTTP status answered (0 when the connection was dropped)
    result: Any = None  # the "result" answered when the call succeeded


@dataclass
class Faults:
    """Random fault injection settings.

    One random draw is made per request whose method is in ``methods``: with
    probability ``fail_rate_429`` the call gets a 429 (``retry_after`` seconds), else
    with probability ``fail_rate_5xx`` a 502 Bad Gateway. The RNG is seeded with
    ``seed`` so runs are repeatable.
    """

    fail_rate_429: float = 0.0
    retry_after: int = 1
    fail_rate_5xx: float = 0.0
    methods: set[str] = field(default_factory=lambda: set(DEFAULT_FAULT_METHODS))
    seed: int = 0
    #: probability that a call is carried out (the message delivered) and then answered 502
    fail_rate_5xx_after: float = 0.0


@dataclass
class _Reply:
    """What the HTTP layer must answer."""

    status: int = 200
    body: dict[str, Any] | None = None
    drop: bool = False  # close the connection without answering


@dataclass
class _Forced:
    """A deterministic fault queued with :meth:`FakeBotApi.fail_next`."""

    method: str
    status: int
    remaining: int
    retry_after: int
    description: str | None
    after_delivery: bool = False  # carry the call out, then answer the error (or drop, status 0)
    delay: float = 0.0  # seconds to wait before answering (a slow Telegram)


# --------------------------------------------------------------------------- HTML check

_ALLOWED_TAGS = frozenset(
    {
        "b", "strong", "i", "em", "u", "ins", "s", "strike", "del", "a", "code",
        "pre", "tg-spoiler", "blockquote", "span",
    }
)
# <tag attr="v" attr2='v' attr3=v flag>  or  </tag>
_TAG_RE = re.compile(
    r"<(?P<close>/?)(?P<name>[A-Za-z][A-Za-z0-9-]*)"
    r"(?P<attrs>(?:\s+[A-Za-z_:][-A-Za-z0-9_:.]*"
    r"(?:\s*=\s*(?:\"[^\"]*\"|'[^']*'|[^\s\"'<>=`]+))?)*)\s*>"
)
_ATTR_RE = re.compile(
    r"([A-Za-z_:][-A-Za-z0-9_:.]*)(?:\s*=\s*(?:\"([^\"]*)\"|'([^']*)'|([^\s\"'<>=`]+)))?"
)
_ENTITY_RE = re.compile(r"&(?:amp|lt|gt|quot|#[0-9]{1,7}|#[xX][0-9a-fA-F]{1,6});")


def _parse_error(detail: str) -> ApiError:
    return _bad_request(f"can't parse entities: {detail}")


def check_html(text: str) -> str:
    """Validate Telegram-flavoured HTML and return the rendered plain text.

    Only the tags Telegram supports are allowed, they must be properly closed and
    nested, ``<span>`` needs ``class="tg-spoiler"``, and every ``&`` must start one of
    ``&amp; &lt; &gt; &quot; &#NN; &#xHH;``. Raises :class:`ApiError` (400 "Bad Request:
    can't parse entities: ...") otherwise.
    """

    def offset(index: int) -> int:
        # Telegram reports UTF-8 byte offsets.
        return len(text[:index].encode("utf-8"))

    stack: list[str] = []
    out: list[str] = []
    i = 0
    while i < len(text):
        char = text[i]
        if char == "<":
            match = _TAG_RE.match(text, i)
            if match is None:
                raise _parse_error(
                    f"Unsupported start tag at byte offset {offset(i)}"
                )
            name = match["name"].lower()
            if name not in _ALLOWED_TAGS:
                raise _parse_error(
                    f'Unsupported start tag "{name}" at byte offset {offset(i)}'
                )
            if match["close"]:
                if match["attrs"].strip():
                    raise _parse_error(
                        f'Unexpected attributes in end tag at byte offset {offset(i)}'
                    )
                if not stack:
                    raise _parse_error(
                        f'Unexpected end tag at byte offset {offset(i)}'
                    )
                if stack[-1] != name:
                    raise _parse_error(
                        f'Can\'t find end tag corresponding to start tag "{stack[-1]}"'
                    )
                stack.pop()
            else:
                attrs = {
                    m[1].lower(): m[2] or m[3] or m[4] or ""
                    for m in _ATTR_RE.finditer(match["attrs"])
                }
                if name == "span" and attrs.get("class") != "tg-spoiler":
                    raise _parse_error(
                        f'Unsupported start tag "span" at byte offset {offset(i)}'
                    )
                stack.append(name)
            i = match.end()
        elif char == "&":
            match = _ENTITY_RE.match(text, i)
            if match is None:
                raise _parse_error(
                    f"Character entity expected at byte offset {offset(i)}"
                )
            out.append(html.unescape(match.group()))
            i = match.end()
        else:
            out.append(char)
            i += 1
    if stack:
        raise _parse_error(f'Can\'t find end tag corresponding to start tag "{stack[-1]}"')
    return "".join(out)


def _utf16_len(text: str) -> int:
    """Length as Telegram counts it (UTF-16 code units)."""
    return len(text.encode("utf-16-le")) // 2


# --------------------------------------------------------------------------- params


def _maybe_json(key: str, value: Any, *, strict_prefix: bool) -> Any:
    """Decode a JSON-string parameter value (``reply_markup``, ``chat_id``, ...).

    Free-text keys are never decoded. With ``strict_prefix`` (JSON bodies) only objects
    and arrays are decoded; for form bodies scalars ("7", "true") are decoded too.
    """
    if not isinstance(value, str) or key in _TEXT_KEYS or not value:
        return value
    first = value.lstrip()[:1]
    allowed = "{[" if strict_prefix else '{["-0123456789tfn'
    if not first or first not in allowed:
        return value
    try:
        return json.loads(value)
    except ValueError:
        return value


def _decode_params(raw: dict[str, Any], *, strict_prefix: bool) -> dict[str, Any]:
    return {k: _maybe_json(k, v, strict_prefix=strict_prefix) for k, v in raw.items()}


def _norm_chat(chat_id: Any) -> int | str:
    """Normalise a chat id coming from a test or a request ("7" -> 7)."""
    if isinstance(chat_id, bool):
        raise TypeError("chat_id must be an int or str")
    if isinstance(chat_id, int):
        return chat_id
    text = str(chat_id).strip()
    try:
        return int(text)
    except ValueError:
        return text


# --------------------------------------------------------------------------- tornado


class _MethodHandler(tornado.web.RequestHandler):
    """Routes ``/bot<token>/<method>`` to :meth:`FakeBotApi._dispatch`."""

    def initialize(self, fake: FakeBotApi) -> None:
        self.fake = fake

    async def get(self, token: str, method: str) -> None:
        await self._handle(token, method)

    async def post(self, token: str, method: str) -> None:
        await self._handle(token, method)

    def _params(self) -> dict[str, Any]:
        raw: dict[str, Any] = {
            k: v[-1].decode("utf-8") for k, v in self.request.query_arguments.items()
        }
        content_type = self.request.headers.get("Content-Type", "")
        if content_type.startswith("application/json"):
            body = json.loads(self.request.body or b"{}")
            if not isinstance(body, dict):
                raise ValueError("JSON body must be an object")
            raw.update(body)
            return _decode_params(raw, strict_prefix=True)
        # Form-encoded and multipart bodies (tornado parses both).
        for key, values in self.request.body_arguments.items():
            raw[key] = values[-1].decode("utf-8")
        for key, files in self.request.files.items():
            upload = files[-1]
            raw[key] = {
                "filename": upload.filename,
                "content_type": upload.content_type,
                "size": len(upload.body),
            }
        return _decode_params(raw, strict_prefix=False)

    async def _handle(self, token: str, method: str) -> None:
        try:
            params = self._params()
        except ValueError as exc:
            reply = _Reply(400, _bad_request(f"can't parse request: {exc}").body())
        else:
            reply = await self.fake._dispatch(token, method, params)
        if reply.drop:
            # Simulated network cut: close the TCP connection without answering.
            self.detach().close()
            return
        self.set_status(reply.status)
        self.set_header("Content-Type", "application/json")
        self.finish(json.dumps(reply.body))


class _NotFoundHandler(tornado.web.RequestHandler):
    """Any other path: answer like Telegram does."""

    def prepare(self) -> None:
        self.set_status(404)
        self.set_header("Content-Type", "application/json")
        self.finish(json.dumps({"ok": False, "error_code": 404, "description": "Not Found"}))


def _no_log(handler: tornado.web.RequestHandler) -> None:
    """Silence tornado's access log."""


# --------------------------------------------------------------------------- the fake


class FakeBotApi:
    """Fake Telegram Bot API server (see the module docstring).

    Args:
        faults: random fault injection settings (default: none).
        max_poll_timeout: cap, in seconds, for the ``timeout`` of ``getUpdates``.
        reject_not_modified: answer 400 "message is not modified" to edits that change
            nothing, like Telegram.
        host: interface to listen on.
    """

    def __init__(
        self,
        *,
        faults: Faults | None = None,
        max_poll_timeout: float = 1.0,
        reject_not_modified: bool = True,
        host: str = "127.0.0.1",
    ) -> None:
        self.max_poll_timeout = max_poll_timeout
        self.reject_not_modified = reject_not_modified
        self.host = host
        self._lock = threading.RLock()
        self._cond = threading.Condition(self._lock)
        self._faults = faults or Faults()
        self._rng = random.Random(self._faults.seed)
        self._custom: dict[str, Callable[[dict[str, Any]], Any]] = {}
        self._reset_state_locked()
        # Server thread and loop (set while running).
        self._port: int | None = None
        self._thread: threading.Thread | None = None
        self._loop: asyncio.AbstractEventLoop | None = None
        self._wakeup: asyncio.Event | None = None
        self._stop_event: asyncio.Event | None = None
        self._ready = threading.Event()
        self._startup_error: BaseException | None = None
        self._stopping = False

    def _reset_state_locked(self) -> None:
        self._calls: list[Call] = []
        self._pending: list[dict[str, Any]] = []
        self._next_update_id = 1
        self._next_message_id: dict[int | str, int] = {}
        self._messages: dict[tuple[int | str, int], dict[str, Any]] = {}
        self._chat_names: dict[int | str, str] = {}
        self._sent: dict[int | str, list[dict[str, Any]]] = {}
        self._cursor: dict[int | str, int] = {}
        self._queries: dict[str, bool] = {}  # callback query id -> answered
        self._next_query = 1
        self._commands: dict[tuple[str, str], list[dict[str, Any]]] = {}
        self._descriptions: dict[tuple[str, str], str] = {}
        self._webhook: dict[str, Any] | None = None
        self._down_until: float | None = None
        self._down_mode: Literal["close", "502"] = "close"
        self._conflict = False
        self._forced: list[_Forced] = []
        #: Unexpected exceptions raised inside the fake itself (should stay empty).
        self.internal_errors: list[str] = []
        #: Calls carried out and then answered with an error or a dropped connection.
        self.delivered_then_failed = 0

    # ------------------------------------------------------------------ lifecycle

    def start(self) -> FakeBotApi:
        """Start the server thread; returns self once it accepts connections."""
        if self._thread is not None:
            raise RuntimeError("FakeBotApi already started")
        sockets = tornado.netutil.bind_sockets(0, self.host)
        self._port = sockets[0].getsockname()[1]
        self._stopping = False
        self._ready.clear()
        self._startup_error = None
        self._thread = threading.Thread(
            target=self._run, args=(sockets,), name=f"FakeBotApi:{self._port}", daemon=True
        )
        self._thread.start()
        if not self._ready.wait(10):
            raise RuntimeError("FakeBotApi did not start within 10 s")
        if self._startup_error is not None:
            self._thread.join(5)
            self._thread = None
            raise RuntimeError("FakeBotApi failed to start") from self._startup_error
        return self

    def stop(self) -> None:
        """Stop the server, close every connection and join the thread (idempotent)."""
        thread = self._thread
        if thread is None:
            return
        self._stopping = True
        loop, stop_event, wakeup = self._loop, self._stop_event, self._wakeup
        if loop is not None and stop_event is not None and wakeup is not None:
            try:
                loop.call_soon_threadsafe(stop_event.set)
                loop.call_soon_threadsafe(wakeup.set)
            except RuntimeError:  # loop already closed
                pass
        thread.join(10)
        if thread.is_alive():
            raise RuntimeError("FakeBotApi thread did not stop within 10 s")
        self._thread = None
        with self._cond:
            self._cond.notify_all()

    def __enter__(self) -> FakeBotApi:
        return self.start()

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.stop()

    @property
    def port(self) -> int:
        """TCP port the server listens on."""
        if self._port is None:
            raise RuntimeError("FakeBotApi not started")
        return self._port

    @property
    def base_url(self) -> str:
        """Value for ``ApplicationBuilder.base_url`` (PTB appends the token)."""
        return f"http://{self.host}:{self.port}/bot"

    @property
    def running(self) -> bool:
        return self._thread is not None and self._thread.is_alive()

    def _run(self, sockets: list[Any]) -> None:
        try:
            asyncio.run(self._serve(sockets))
        except BaseException as exc:  # pragma: no cover - reported by start()
            self._startup_error = exc
            for sock in sockets:
                sock.close()
        finally:
            self._ready.set()
            self._loop = None

    async def _serve(self, sockets: list[Any]) -> None:
        self._loop = asyncio.get_running_loop()
        self._wakeup = asyncio.Event()
        self._stop_event = asyncio.Event()
        app = tornado.web.Application(
            [(r"/bot([^/]+)/([A-Za-z0-9_]+)/?", _MethodHandler, {"fake": self})],
            default_handler_class=_NotFoundHandler,
            log_function=_no_log,
        )
        server = tornado.httpserver.HTTPServer(app)
        server.add_sockets(sockets)
        self._ready.set()
        try:
            await self._stop_event.wait()
        finally:
            server.stop()
            await server.close_all_connections()

    def _notify_pollers(self) -> None:
        """Wake up long-polling getUpdates (callable from any thread)."""
        loop, wakeup = self._loop, self._wakeup
        if loop is None or wakeup is None:
            return
        try:
            loop.call_soon_threadsafe(wakeup.set)
        except RuntimeError:  # loop closed meanwhile
            pass

    # ------------------------------------------------------------------ recording

    @property
    def calls(self) -> list[Call]:
        """Snapshot of every request received, in arrival order."""
        with self._lock:
            return list(self._calls)

    def calls_of(self, method: str, *, failed: bool | None = None) -> list[Call]:
        """Calls of one method, optionally filtered on ``failed``."""
        with self._lock:
            return [
                c
                for c in self._calls
                if c.method == method and (failed is None or c.failed == failed)
            ]

    def sent(self, chat_id: int | str) -> list[dict[str, Any]]:
        """Successful sendMessage/editMessageText params for a chat, in order.

        Each dict holds the request params (``text``, parsed ``reply_markup``,
        ``parse_mode``...) plus ``method`` and, for sendMessage, the new ``message_id``.
        """
        with self._lock:
            return copy.deepcopy(self._sent.get(_norm_chat(chat_id), []))

    def messages(self, chat_id: int | str) -> list[dict[str, Any]]:
        """Current state of the chat (user and bot messages, after edits/deletes)."""
        chat = _norm_chat(chat_id)
        with self._lock:
            found = [m for (c, _), m in self._messages.items() if c == chat]
            return copy.deepcopy(sorted(found, key=lambda m: m["message_id"]))

    @property
    def commands(self) -> list[dict[str, Any]]:
        """Commands stored by setMyCommands for the default scope and language."""
        with self._lock:
            return copy.deepcopy(self._commands.get(("default", ""), []))

    def commands_for(self, scope: dict[str, Any] | None = None, language_code: str = "") -> list[dict[str, Any]]:
        """Commands stored for a given scope/language."""
        with self._lock:
            return copy.deepcopy(self._commands.get((self._scope_key(scope), language_code), []))

    @property
    def pending_updates(self) -> list[dict[str, Any]]:
        """Updates not yet confirmed by the bot (via a getUpdates offset)."""
        with self._lock:
            return copy.deepcopy(self._pending)

    def reset(self) -> None:
        """Forget every call, message, update and fault (the server keeps running)."""
        with self._cond:
            self._reset_state_locked()
            self._faults = Faults()
            self._rng = random.Random(self._faults.seed)
            self._cond.notify_all()

    def on(self, method: str, func: Callable[[dict[str, Any]], Any]) -> None:
        """Implement (or override) a method: ``func(params)`` returns the result or
        raises :class:`ApiError`. It runs in the server thread, under the fake's lock."""
        with self._lock:
            self._custom[method] = func

    def _record_locked(
        self,
        method: str,
        params: dict[str, Any],
        token: str,
        *,
        failed: bool = False,
        reason: str | None = None,
        status: int = 200,
        result: Any = None,
    ) -> Call:
        call = Call(
            method=method,
            params=params,
            time=time.monotonic(),
            token=token,
            failed=failed,
            reason=reason,
            status=status,
            result=result,
        )
        self._calls.append(call)
        self._cond.notify_all()
        return call

    # ------------------------------------------------------------------ faults

    @property
    def faults(self) -> Faults:
        """Current random fault settings (mutable; see :meth:`set_faults`)."""
        return self._faults

    def set_faults(
        self,
        *,
        fail_rate_429: float = 0.0,
        retry_after: int = 1,
        fail_rate_5xx: float = 0.0,
        methods: Iterable[str] | None = None,
        seed: int = 0,
        fail_rate_5xx_after: float = 0.0,
    ) -> Faults:
        """Replace the random fault settings and reseed the RNG."""
        with self._lock:
            self._faults = Faults(
                fail_rate_429=fail_rate_429,
                retry_after=retry_after,
                fail_rate_5xx=fail_rate_5xx,
                methods=set(DEFAULT_FAULT_METHODS if methods is None else methods),
                seed=seed,
                fail_rate_5xx_after=fail_rate_5xx_after,
            )
            self._rng = random.Random(seed)
            return self._faults

    def fail_next(
        self,
        method: str,
        status: int = 429,
        count: int = 1,
        *,
        retry_after: int | None = None,
        description: str | None = None,
        after_delivery: bool = False,
    ) -> None:
        """Make the next ``count`` calls of ``method`` fail with ``status``
        (429 with ``parameters.retry_after``, 502, or any other code).

        ``after_delivery``: the call is carried out (a message is delivered) and only then
        answered with the error; status 0 closes the connection instead of answering."""
        with self._lock:
            self._forced.append(
                _Forced(
                    method=method,
                    status=status,
                    remaining=count,
                    retry_after=self._faults.retry_after if retry_after is None else retry_after,
                    description=description,
                    after_delivery=after_delivery,
                )
            )

    def slow_next(self, method: str, seconds: float, count: int = 1) -> None:
        """The next ``count`` calls of ``method`` are carried out at once but answered ``seconds`` later."""
        with self._lock:
            self._forced.append(
                _Forced(method=method, status=200, remaining=count, retry_after=0, description=None, delay=seconds)
            )

    def off(self, method: str) -> None:
        """Remove what :meth:`on` installed for ``method``."""
        with self._lock:
            self._custom.pop(method, None)

    def set_down(self, down: bool = True, mode: Literal["close", "502"] = "close") -> None:
        """Simulate a network cut: every request (and pending long poll) gets its
        connection closed (``mode="close"``) or a 502 answer, until ``set_down(False)``."""
        with self._lock:
            self._down_until = float("inf") if down else None
            self._down_mode = mode
        self._notify_pollers()

    def pause(self, seconds: float, mode: Literal["close", "502"] = "close") -> None:
        """Like ``set_down(True)`` for ``seconds`` seconds."""
        with self._lock:
            self._down_until = time.monotonic() + seconds
            self._down_mode = mode
        self._notify_pollers()

    def set_conflict(self, conflict: bool = True) -> None:
        """While set, getUpdates answers 409 Conflict (another instance is polling)."""
        with self._lock:
            self._conflict = conflict
        self._notify_pollers()

    def _is_down_locked(self) -> bool:
        if self._down_until is None:
            return False
        if time.monotonic() < self._down_until:
            return True
        self._down_until = None
        return False

    def _down_reply_locked(self, method: str, params: dict[str, Any], token: str) -> _Reply:
        if self._down_mode == "502":
            error = ApiError(502, "Bad Gateway")
            self._record_locked(method, params, token, failed=True, reason="network down", status=502)
            return _Reply(502, error.body())
        self._record_locked(method, params, token, failed=True, reason="network down", status=0)
        return _Reply(drop=True)

    def _after_fault_locked(self, method: str) -> _Forced | None:
        """A fault that lets the call happen first (forced, or drawn with ``fail_rate_5xx_after``)."""
        for forced in self._forced:
            if forced.method == method and forced.remaining > 0 and (forced.after_delivery or forced.delay):
                forced.remaining -= 1
                if forced.remaining == 0:
                    self._forced.remove(forced)
                return forced
        faults = self._faults
        if method in faults.methods and faults.fail_rate_5xx_after > 0 and self._rng.random() < faults.fail_rate_5xx_after:
            return _Forced(method, 502, 1, 0, None, after_delivery=True)
        return None

    def _fault_locked(self, method: str) -> ApiError | None:
        for forced in self._forced:
            if forced.method == method and forced.remaining > 0 and not (forced.after_delivery or forced.delay):
                forced.remaining -= 1
                if forced.remaining == 0:
                    self._forced.remove(forced)
                return self._fault_error(forced.status, forced.retry_after, forced.description)
        faults = self._faults
        if method not in faults.methods or (faults.fail_rate_429 <= 0 and faults.fail_rate_5xx <= 0):
            return None
        draw = self._rng.random()
        if draw < faults.fail_rate_429:
            return self._fault_error(429, faults.retry_after, None)
        if draw < faults.fail_rate_429 + faults.fail_rate_5xx:
            return self._fault_error(502, 0, None)
        return None

    @staticmethod
    def _fault_error(status: int, retry_after: int, description: str | None) -> ApiError:
        if status == 429:
            return ApiError(
                429,
                description or f"Too Many Requests: retry after {retry_after}",
                {"retry_after": retry_after},
            )
        if status == 502:
            return ApiError(502, description or "Bad Gateway")
        return ApiError(status, description or f"Error {status}")

    # ------------------------------------------------------------------ dispatch

    async def _dispatch(self, token: str, method: str, params: dict[str, Any]) -> _Reply:
        """Answer one request (runs in the server thread)."""
        method = _CANONICAL.get(method.lower(), method)
        try:
            with self._lock:
                if self._is_down_locked():
                    return self._down_reply_locked(method, params, token)
                fault = self._fault_locked(method)
                if fault is not None:
                    self._record_locked(
                        method, params, token, failed=True, reason=fault.description, status=fault.status
                    )
                    return _Reply(fault.status, fault.body())
                if method == "getUpdates" and method not in self._custom:
                    call_or_reply = self._start_get_updates_locked(token, params)
                    if isinstance(call_or_reply, _Reply):
                        return call_or_reply
                    call = call_or_reply
                else:
                    after = self._after_fault_locked(method)
                    reply = self._call_method_locked(token, method, params)
                    if after is None or reply.status != 200:
                        return reply
            if method != "getUpdates" or method in self._custom:
                return await self._answer_after(after, reply)
            return await self._long_poll(call)
        except Exception as exc:  # a bug in the fake: make it visible, answer 500
            with self._lock:
                self.internal_errors.append(f"{method}: {exc!r}")
                self._record_locked(method, params, token, failed=True, reason=repr(exc), status=500)
            return _Reply(500, {"ok": False, "error_code": 500, "description": "Internal Server Error"})

    async def _answer_after(self, after: _Forced, reply: _Reply) -> _Reply:
        """The call was carried out; now answer late, or with an error, or not at all."""
        if after.delay:
            await asyncio.sleep(after.delay)
            return reply
        with self._lock:
            self.delivered_then_failed += 1
        if after.status == 0:
            return _Reply(drop=True)
        return _Reply(after.status, self._fault_error(after.status, after.retry_after, after.description).body())

    def _call_method_locked(self, token: str, method: str, params: dict[str, Any]) -> _Reply:
        func = self._custom.get(method)
        if func is None:
            handler = getattr(self, f"_api_{method}", None) if method in _KNOWN else None
            if handler is None:
                self._record_locked(method, params, token, failed=True, reason="Not Found", status=404)
                return _Reply(404, {"ok": False, "error_code": 404, "description": "Not Found"})
            func = handler
        call = self._record_locked(method, params, token)
        try:
            result = func(params)
        except ApiError as error:
            call.failed, call.reason, call.status = True, error.description, error.status
            return _Reply(error.status, error.body())
        call.result = copy.deepcopy(result)
        self._cond.notify_all()
        return _Reply(200, {"ok": True, "result": result})

    # ------------------------------------------------------------------ getUpdates

    def _start_get_updates_locked(self, token: str, params: dict[str, Any]) -> Call | _Reply:
        if self._conflict or self._webhook is not None:
            description = _CONFLICT_DESCRIPTION if self._conflict else _WEBHOOK_CONFLICT_DESCRIPTION
            self._record_locked("getUpdates", params, token, failed=True, reason=description, status=409)
            return _Reply(409, ApiError(409, description).body())
        offset = int(params.get("offset") or 0)
        if offset > 0:
            # Updates below the offset are confirmed and forgotten.
            self._pending = [u for u in self._pending if u["update_id"] >= offset]
        elif offset < 0:
            self._pending = self._pending[offset:]
        return self._record_locked("getUpdates", params, token)

    async def _long_poll(self, call: Call) -> _Reply:
        params = call.params
        limit = min(max(int(params.get("limit") or 100), 1), 100)
        timeout = min(max(float(params.get("timeout") or 0), 0.0), self.max_poll_timeout)
        allowed = params.get("allowed_updates") or None
        deadline = time.monotonic() + timeout
        assert self._wakeup is not None
        while True:
            self._wakeup.clear()
            with self._lock:
                if self._is_down_locked():
                    # The network went down while the poll was pending.
                    call.failed, call.reason = True, "network down"
                    if self._down_mode == "502":
                        call.status = 502
                        return _Reply(502, ApiError(502, "Bad Gateway").body())
                    call.status = 0
                    return _Reply(drop=True)
                batch = [
                    u
                    for u in self._pending
                    if not allowed or any(key in u for key in allowed)
                ][:limit]
                if batch or self._stopping or time.monotonic() >= deadline:
                    result = copy.deepcopy(batch)
                    call.result = result
                    return _Reply(200, {"ok": True, "result": result})
            remaining = deadline - time.monotonic()
            try:
                await asyncio.wait_for(self._wakeup.wait(), min(0.1, max(remaining, 0.001)))
            except TimeoutError:
                pass

    # ------------------------------------------------------------------ API methods

    def _api_getMe(self, params: dict[str, Any]) -> Any:
        return dict(BOT_USER)

    def _api_logOut(self, params: dict[str, Any]) -> Any:
        return True

    def _api_close(self, params: dict[str, Any]) -> Any:
        return True

    def _api_deleteWebhook(self, params: dict[str, Any]) -> Any:
        self._webhook = None
        if params.get("drop_pending_updates") is True:
            self._pending.clear()
        return True

    def _api_setWebhook(self, params: dict[str, Any]) -> Any:
        url = params.get("url") or ""
        if not url:
            # Like Telegram: an empty url removes the webhook.
            self._webhook = None
        else:
            if not str(url).startswith("https://") and not str(url).startswith("http://"):
                raise _bad_request("bad webhook: An HTTPS URL must be provided for webhook")
            self._webhook = {"url": url, **{k: v for k, v in params.items() if k != "url"}}
        if params.get("drop_pending_updates") is True:
            self._pending.clear()
        return True

    def _api_getWebhookInfo(self, params: dict[str, Any]) -> Any:
        info: dict[str, Any] = {
            "url": self._webhook["url"] if self._webhook else "",
            "has_custom_certificate": False,
            "pending_update_count": len(self._pending),
        }
        if self._webhook:
            for key in ("max_connections", "ip_address", "allowed_updates"):
                if key in self._webhook:
                    info[key] = self._webhook[key]
        return info

    @staticmethod
    def _scope_key(scope: Any) -> str:
        if not scope or (isinstance(scope, dict) and scope.get("type") == "default"):
            return "default"
        return json.dumps(scope, sort_keys=True)

    def _api_setMyCommands(self, params: dict[str, Any]) -> Any:
        commands = params.get("commands")
        if not isinstance(commands, list) or len(commands) > 100:
            raise _bad_request("can't parse commands JSON object")
        for command in commands:
            if not isinstance(command, dict):
                raise _bad_request("can't parse BotCommand")
            name = command.get("command")
            desc = command.get("description")
            if not isinstance(name, str) or not re.fullmatch(r"[a-z0-9_]{1,32}", name):
                raise _bad_request("BOT_COMMAND_INVALID")
            if not isinstance(desc, str) or not 1 <= len(desc) <= 256:
                raise _bad_request("BOT_COMMAND_DESCRIPTION_INVALID")
        key = (self._scope_key(params.get("scope")), params.get("language_code") or "")
        self._commands[key] = [
            {"command": c["command"], "description": c["description"]} for c in commands
        ]
        return True

    def _api_deleteMyCommands(self, params: dict[str, Any]) -> Any:
        key = (self._scope_key(params.get("scope")), params.get("language_code") or "")
        self._commands.pop(key, None)
        return True

    def _api_getMyCommands(self, params: dict[str, Any]) -> Any:
        key = (self._scope_key(params.get("scope")), params.get("language_code") or "")
        return copy.deepcopy(self._commands.get(key, []))

    def _api_setMyDescription(self, params: dict[str, Any]) -> Any:
        self._descriptions[("description", params.get("language_code") or "")] = params.get("description") or ""
        return True

    def _api_setMyShortDescription(self, params: dict[str, Any]) -> Any:
        self._descriptions[("short_description", params.get("language_code") or "")] = (
            params.get("short_description") or ""
        )
        return True

    def _api_getMyDescription(self, params: dict[str, Any]) -> Any:
        return {"description": self._descriptions.get(("description", params.get("language_code") or ""), "")}

    def _api_getMyShortDescription(self, params: dict[str, Any]) -> Any:
        key = ("short_description", params.get("language_code") or "")
        return {"short_description": self._descriptions.get(key, "")}

    def _api_sendChatAction(self, params: dict[str, Any]) -> Any:
        self._chat_param(params)
        return True

    def _api_sendMessage(self, params: dict[str, Any]) -> Any:
        chat = self._chat_param(params)
        rendered = self._check_text(params.get("text"), params.get("parse_mode"))
        markup = self._check_markup(params.get("reply_markup"))
        message_id = self._new_message_id(chat)
        message: dict[str, Any] = {
            "message_id": message_id,
            "from": dict(BOT_USER),
            "chat": self._chat_json(chat),
            "date": int(time.time()),
            "text": rendered,
        }
        if markup is not None and "inline_keyboard" in markup:
            # Telegram only echoes inline keyboards in the returned Message.
            message["reply_markup"] = copy.deepcopy(markup)
        self._messages[(chat, message_id)] = message
        self._record_sent(chat, "sendMessage", params, message_id=message_id)
        return copy.deepcopy(message)

    def _api_editMessageText(self, params: dict[str, Any]) -> Any:
        rendered = self._check_text(params.get("text"), params.get("parse_mode"))
        markup = self._check_markup(params.get("reply_markup"))
        if params.get("inline_message_id"):
            return True
        chat, message = self._editable_message(params)
        new_markup = copy.deepcopy(markup) if markup is not None and "inline_keyboard" in markup else None
        if (
            self.reject_not_modified
            and message.get("text") == rendered
            and message.get("reply_markup") == new_markup
        ):
            raise _bad_request(_NOT_MODIFIED.removeprefix("Bad Request: "))
        message["text"] = rendered
        # Editing the text without reply_markup removes the inline keyboard.
        if new_markup is None:
            message.pop("reply_markup", None)
        else:
            message["reply_markup"] = new_markup
        message["edit_date"] = int(time.time())
        self._record_sent(chat, "editMessageText", params)
        return copy.deepcopy(message)

    def _api_editMessageReplyMarkup(self, params: dict[str, Any]) -> Any:
        markup = self._check_markup(params.get("reply_markup"))
        if params.get("inline_message_id"):
            return True
        _, message = self._editable_message(params)
        new_markup = markup if markup is not None and "inline_keyboard" in markup else None
        if self.reject_not_modified and message.get("reply_markup") == new_markup:
            raise _bad_request(_NOT_MODIFIED.removeprefix("Bad Request: "))
        if new_markup is None:
            message.pop("reply_markup", None)
        else:
            message["reply_markup"] = new_markup
        message["edit_date"] = int(time.time())
        return copy.deepcopy(message)

    def _api_deleteMessage(self, params: dict[str, Any]) -> Any:
        chat = self._chat_param(params)
        message_id = params.get("message_id")
        if not isinstance(message_id, int) or (chat, message_id) not in self._messages:
            raise _bad_request("message to delete not found")
        del self._messages[(chat, message_id)]
        return True

    def _api_answerCallbackQuery(self, params: dict[str, Any]) -> Any:
        query_id = str(params.get("callback_query_id") or "")
        if self._queries.get(query_id, True):
            # Unknown id, or already answered.
            raise _bad_request(_QUERY_TOO_OLD.removeprefix("Bad Request: "))
        text = params.get("text")
        if isinstance(text, str) and _utf16_len(text) > MAX_CALLBACK_ANSWER_LENGTH:
            raise _bad_request("MESSAGE_TOO_LONG")
        self._queries[query_id] = True
        return True

    # ------------------------------------------------------------------ API helpers

    def _chat_param(self, params: dict[str, Any]) -> int | str:
        raw = params.get("chat_id")
        if raw is None or raw == "":
            raise _bad_request("chat_id is empty")
        chat = _norm_chat(raw)
        if not isinstance(chat, int):
            raise _bad_request("chat not found")
        params["chat_id"] = chat
        return chat

    def _chat_json(self, chat: int | str) -> dict[str, Any]:
        return {"id": chat, "type": "private", "first_name": self._chat_names.get(chat, "Test")}

    def _new_message_id(self, chat: int | str) -> int:
        # Like a private chat: user and bot messages share one counter per chat.
        message_id = self._next_message_id.get(chat, 1)
        self._next_message_id[chat] = message_id + 1
        return message_id

    def _editable_message(self, params: dict[str, Any]) -> tuple[int | str, dict[str, Any]]:
        chat = self._chat_param(params)
        message_id = params.get("message_id")
        if not isinstance(message_id, int):
            raise _bad_request("message identifier is not specified")
        message = self._messages.get((chat, message_id))
        if message is None:
            raise _bad_request("message to edit not found")
        if message.get("from", {}).get("id") != BOT_USER["id"]:
            raise _bad_request("message can't be edited")
        return chat, message

    @staticmethod
    def _check_text(text: Any, parse_mode: Any) -> str:
        """Validate message text like Telegram; return the rendered text."""
        if text is None:
            raise _bad_request("message text is empty")
        text = str(text)
        if isinstance(parse_mode, str) and parse_mode.upper() == "HTML":
            rendered = check_html(text)
        else:
            rendered = text
        if not rendered.strip():
            raise _bad_request("message text is empty")
        if _utf16_len(rendered) > MAX_TEXT_LENGTH:
            raise _bad_request("message is too long")
        return rendered

    @staticmethod
    def _check_markup(markup: Any) -> dict[str, Any] | None:
        """Validate reply_markup (inline keyboards in depth)."""
        if markup is None or markup == "":
            return None
        if not isinstance(markup, dict):
            raise _bad_request("can't parse reply keyboard markup JSON object")
        if "inline_keyboard" not in markup:
            return markup
        rows = markup["inline_keyboard"]
        if not isinstance(rows, list) or not all(isinstance(row, list) for row in rows):
            raise _bad_request("can't parse inline keyboard button: InlineKeyboardButton must be an Object")
        kinds = (
            "callback_data", "url", "web_app", "login_url", "switch_inline_query",
            "switch_inline_query_current_chat", "switch_inline_query_chosen_chat",
            "copy_text", "callback_game", "pay",
        )
        for row in rows:
            for button in row:
                if not isinstance(button, dict) or not isinstance(button.get("text"), str):
                    raise _bad_request("can't parse inline keyboard button: Text must be a String")
                if not any(kind in button for kind in kinds):
                    raise _bad_request("text buttons are unallowed in the inline keyboard")
                if "callback_data" in button:
                    data = button["callback_data"]
                    if not isinstance(data, str) or not 1 <= len(data.encode("utf-8")) <= MAX_CALLBACK_DATA_BYTES:
                        raise _bad_request("BUTTON_DATA_INVALID")
        return markup

    def _record_sent(
        self, chat: int | str, method: str, params: dict[str, Any], *, message_id: int | None = None
    ) -> None:
        entry = copy.deepcopy(params)
        entry["method"] = method
        if message_id is not None:
            entry["message_id"] = message_id
        self._sent.setdefault(chat, []).append(entry)

    # ------------------------------------------------------------------ user simulation

    def _user_json(self, user_id: int, first_name: str) -> dict[str, Any]:
        return {"id": user_id, "is_bot": False, "first_name": first_name, "language_code": "fr"}

    def _user_message_locked(
        self, chat_id: int | str, user_id: int | None, first_name: str, **content: Any
    ) -> dict[str, Any]:
        chat = _norm_chat(chat_id)
        if not isinstance(chat, int):
            raise ValueError("simulated chats need an integer chat_id")
        self._chat_names[chat] = first_name
        message = {
            "message_id": self._new_message_id(chat),
            "from": self._user_json(chat if user_id is None else user_id, first_name),
            "chat": self._chat_json(chat),
            "date": int(time.time()),
            **content,
        }
        self._messages[(chat, message["message_id"])] = message
        return message

    def _enqueue_locked(self, kind: str, payload: dict[str, Any]) -> int:
        update_id = self._next_update_id
        self._next_update_id += 1
        self._pending.append({"update_id": update_id, kind: copy.deepcopy(payload)})
        self._cond.notify_all()
        return update_id

    def push_update(self, update: dict[str, Any]) -> int:
        """Enqueue a raw update dict (its ``update_id`` is assigned); returns the id."""
        with self._lock:
            update = copy.deepcopy(update)
            update["update_id"] = self._next_update_id
            self._next_update_id += 1
            self._pending.append(update)
            self._cond.notify_all()
            update_id = update["update_id"]
        self._notify_pollers()
        return update_id

    def send_text(
        self, chat_id: int | str, text: str, user_id: int | None = None, first_name: str = "Test"
    ) -> int:
        """Simulate the user sending a plain text message; returns the update_id."""
        with self._lock:
            message = self._user_message_locked(chat_id, user_id, first_name, text=text)
            update_id = self._enqueue_locked("message", message)
        self._notify_pollers()
        return update_id

    def send_command(
        self, chat_id: int | str, command: str, user_id: int | None = None, first_name: str = "Test"
    ) -> int:
        """Simulate "/cmd args": a text message with a ``bot_command`` entity."""
        if not command.startswith("/") or len(command) < 2:
            raise ValueError(f"not a command: {command!r}")
        head = command.split(maxsplit=1)[0]
        entity = {"type": "bot_command", "offset": 0, "length": _utf16_len(head)}
        with self._lock:
            message = self._user_message_locked(
                chat_id, user_id, first_name, text=command, entities=[entity]
            )
            update_id = self._enqueue_locked("message", message)
        self._notify_pollers()
        return update_id

    def send_location(
        self,
        chat_id: int | str,
        lat: float,
        lon: float,
        user_id: int | None = None,
        first_name: str = "Test",
    ) -> int:
        """Simulate the user sharing a location."""
        with self._lock:
            message = self._user_message_locked(
                chat_id, user_id, first_name, location={"latitude": lat, "longitude": lon}
            )
            update_id = self._enqueue_locked("message", message)
        self._notify_pollers()
        return update_id

    def press(
        self,
        chat_id: int | str,
        callback_data: str,
        message_id: int | None = None,
        user_id: int | None = None,
        first_name: str = "Test",
    ) -> int:
        """Simulate a tap on an inline button with ``callback_data``.

        The callback query is attached to ``message_id``, or by default to the last
        bot message of the chat. Raises LookupError if there is no such message.
        """
        chat = _norm_chat(chat_id)
        with self._lock:
            if message_id is None:
                bot_ids = [
                    mid
                    for (c, mid), m in self._messages.items()
                    if c == chat and m.get("from", {}).get("id") == BOT_USER["id"]
                ]
                if not bot_ids:
                    raise LookupError(f"no bot message in chat {chat} to press a button on")
                message_id = max(bot_ids)
            message = self._messages.get((chat, message_id))
            if message is None:
                raise LookupError(f"no message {message_id} in chat {chat}")
            query_id = f"cbq-{self._next_query}"
            self._next_query += 1
            self._queries[query_id] = False
            user = self._user_json(chat if user_id is None else int(user_id), first_name)
            query = {
                "id": query_id,
                "from": user,
                "chat_instance": f"ci-{chat}",
                "data": callback_data,
                "message": message,
            }
            update_id = self._enqueue_locked("callback_query", query)
        self._notify_pollers()
        return update_id

    # ------------------------------------------------------------------ waiting

    @staticmethod
    def _refuse_in_event_loop(name: str, alternative: str) -> None:
        try:
            asyncio.get_running_loop()
        except RuntimeError:
            return
        raise RuntimeError(
            f"{name}() would block this event loop (and an in-process bot with it); "
            f"use `await fake.{alternative}(...)` in async code"
        )

    def _take_replies_locked(self, chat: int | str, count: int) -> list[dict[str, Any]] | None:
        sent = self._sent.get(chat, [])
        start = self._cursor.get(chat, 0)
        if len(sent) - start < count:
            return None
        self._cursor[chat] = start + count
        return copy.deepcopy(sent[start : start + count])

    def _timeout_message_locked(self, chat: int | str, count: int, timeout: float) -> str:
        sent = self._sent.get(chat, [])
        new = sent[self._cursor.get(chat, 0) :]
        failed = [
            f"{c.method}({c.status}: {c.reason})"
            for c in self._calls
            if c.failed and _norm_chat(c.params.get("chat_id", "")) == chat
        ]
        return (
            f"expected {count} new replies in chat {chat} within {timeout} s, "
            f"got {len(new)}: {[(r['method'], r.get('text')) for r in new]}; "
            f"failed calls for this chat: {failed}; "
            f"last calls: {[c.method for c in self._calls[-10:]]}"
        )

    def wait_for_replies(
        self, chat_id: int | str, count: int = 1, timeout: float = 10.0
    ) -> list[dict[str, Any]]:
        """Block until ``count`` new sendMessage/editMessageText for the chat have been
        delivered since the last wait for that chat, and return them.

        Raises AssertionError (listing what was received) on timeout. Do not call it
        from a running event loop: use :meth:`areplies` there.
        """
        self._refuse_in_event_loop("wait_for_replies", "areplies")
        chat = _norm_chat(chat_id)
        deadline = time.monotonic() + timeout
        with self._cond:
            while True:
                got = self._take_replies_locked(chat, count)
                if got is not None:
                    return got
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    raise AssertionError(self._timeout_message_locked(chat, count, timeout))
                self._cond.wait(remaining)

    async def areplies(
        self, chat_id: int | str, count: int = 1, timeout: float = 10.0
    ) -> list[dict[str, Any]]:
        """Async :meth:`wait_for_replies`: polls with ``asyncio.sleep``."""
        chat = _norm_chat(chat_id)
        deadline = time.monotonic() + timeout
        while True:
            with self._lock:
                got = self._take_replies_locked(chat, count)
                if got is not None:
                    return got
                if time.monotonic() >= deadline:
                    raise AssertionError(self._timeout_message_locked(chat, count, timeout))
            await asyncio.sleep(0.01)

    def mark_seen(self, chat_id: int | str) -> None:
        """Treat every reply delivered so far in the chat as already waited for."""
        chat = _norm_chat(chat_id)
        with self._lock:
            self._cursor[chat] = len(self._sent.get(chat, []))

    def wait_until(
        self, predicate: Callable[[], T], timeout: float = 10.0, message: str = ""
    ) -> T:
        """Block until ``predicate()`` is truthy; return its value.

        Raises AssertionError on timeout. Not for use in a running event loop (see
        :meth:`auntil`).
        """
        self._refuse_in_event_loop("wait_until", "auntil")
        deadline = time.monotonic() + timeout
        while True:
            value = predicate()
            if value:
                return value
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                raise AssertionError(message or f"condition not met within {timeout} s")
            with self._cond:
                # Woken by any new call/update; re-check at least every 50 ms.
                self._cond.wait(min(remaining, 0.05))

    async def auntil(
        self, predicate: Callable[[], T], timeout: float = 10.0, message: str = ""
    ) -> T:
        """Async :meth:`wait_until`."""
        deadline = time.monotonic() + timeout
        while True:
            value = predicate()
            if value:
                return value
            if time.monotonic() >= deadline:
                raise AssertionError(message or f"condition not met within {timeout} s")
            await asyncio.sleep(0.01)


# Methods implemented by the fake (case-insensitive lookup, like Telegram).
_KNOWN = frozenset(
    name.removeprefix("_api_") for name in dir(FakeBotApi) if name.startswith("_api_")
) | {"getUpdates"}
_CANONICAL: dict[str, str] = {name.lower(): name for name in _KNOWN}
