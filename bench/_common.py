"""Shared helpers of the benchmarks: the fake Bot API, bot subprocesses, simulated users, figures.

Everything runs on 127.0.0.1: the fake Telegram server (``tests/fakebotapi.py``) runs in a thread
of the benchmark process; the bots run as child processes (or in-process for ``reload.py``).

Times: the fake server stamps every request it receives with ``time.monotonic()`` (``Call.time``);
the simulated users stamp the moment an update is enqueued with the same clock, in the same
process, so "enqueued -> reply received by the server" is measured on one clock.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import os
import platform
import random
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
TESTS = ROOT / "tests"
for _path in (str(TESTS), str(ROOT)):
    if _path not in sys.path:
        sys.path.insert(0, _path)

os.environ.setdefault("PTB_TIMEDELTA", "1")

from fakebotapi import Call, FakeBotApi  # noqa: E402

__all__ = [
    "BOT_TOKEN",
    "ECHO_TOKEN",
    "PLACES",
    "ROOT",
    "BotProcess",
    "Driver",
    "FakeBotApi",
    "Step",
    "TurnResult",
    "bot_command",
    "calibrate",
    "child_env",
    "conversation",
    "echo_command",
    "load_average",
    "machine_info",
    "median",
    "percentile",
    "print_machine",
    "ratio",
    "write_config",
]

BOT_TOKEN = "123456:BENCH-bot-token"
ECHO_TOKEN = "654321:BENCH-echo-token"
CLK_TCK = os.sysconf("SC_CLK_TCK")

# -- figures ----------------------------------------------------------------------------------


def percentile(values: Sequence[float], q: float) -> float:
    """Nearest-rank percentile (q in 0..1); 0.0 for no values."""
    ordered = sorted(values)
    if not ordered:
        return 0.0
    index = min(len(ordered) - 1, max(0, round(q * (len(ordered) - 1))))
    return ordered[index]


def median(values: Sequence[float]) -> float:
    return statistics.median(values) if values else 0.0


def ratio(a: float, b: float) -> float:
    return a / b if b else float("nan")


def machine_info() -> dict[str, str]:
    model = "?"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    return {
        "nproc": str(len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()),
        "cpu": model,
        "python": platform.python_version(),
        "date": dt.datetime.now().strftime("%Y-%m-%d %H:%M"),
    }


def load_average() -> str:
    try:
        return " ".join(f"{x:.2f}" for x in os.getloadavg())
    except OSError:
        return "?"


def print_machine() -> None:
    m = machine_info()
    print(f"machine: {m['nproc']} cores, {m['cpu']}, Python {m['python']}, {m['date']}, load average {load_average()}")


# -- child processes ----------------------------------------------------------------------------


def child_env(token: str) -> dict[str, str]:
    env = dict(os.environ)
    env["PTB_TIMEDELTA"] = "1"
    env["CEP_BOT_TOKEN"] = token
    env.pop("TELEGRAM_BOT_TOKEN", None)
    env.pop("CEP_WEBHOOK_SECRET", None)
    env["PYTHONPATH"] = os.pathsep.join(p for p in (str(ROOT), env.get("PYTHONPATH", "")) if p)
    env.setdefault("PYTHONHASHSEED", "0")
    return env


def write_config(directory: Path, base_url: str, *, level: str = "WARNING", staff_ids: Iterable[int] = ()) -> Path:
    """A config.yaml for the real bot: the fake server, the repo's knowledge, a temporary database."""
    directory.mkdir(parents=True, exist_ok=True)
    staff = ", ".join(str(s) for s in staff_ids)
    text = f"""\
knowledge_dir: {ROOT / "knowledge"}
knowledge_watch_seconds: 0
database: {directory / "cep.sqlite3"}
hash_key_file: {directory / "hash.key"}
telegram:
  base_url: {base_url}
  mode: polling
  staff_ids: [{staff}]
  max_retries: 5
logging:
  level: {level}
"""
    path = directory / "config.yaml"
    path.write_text(text, encoding="utf-8")
    return path


def bot_command(
    config: Path, *, lift_rate_limit: bool = False, profile_to: Path | None = None, profile_on_signal: bool = False
) -> list[str]:
    """``python -m bot --config FILE run``; optionally with diagnostics (never the default).

    (``--config`` is an option of the top-level parser: ``python -m bot run --config FILE`` is refused.)
    ``lift_rate_limit`` replaces the bot's 30 requests/s limiter with an unlimited one (same retries),
    to tell the limiter's share from the bot's own cost. ``profile_to`` runs it under cProfile, from
    the start, or with ``profile_on_signal`` only between SIGUSR1 and SIGUSR2 (see :meth:`BotProcess.profile`).
    """
    args = ["--config", str(config), "run"]
    if not lift_rate_limit and profile_to is None:
        return [sys.executable, "-m", "bot", *args]
    code = [
        "import sys",
        "sys.argv = ['cep-bot'] + " + repr(args),
    ]
    if lift_rate_limit:
        code += [
            "from telegram.ext import AIORateLimiter",
            "import handlers.app as _app",
            "class _Unlimited(_app.RetryingRateLimiter):",
            "    def __init__(self, max_retries=5):",
            "        AIORateLimiter.__init__(self, overall_max_rate=0, group_max_rate=0, max_retries=max_retries)",
            "        self._network_retries = max_retries",
            "_app.RetryingRateLimiter = _Unlimited",
        ]
    code.append("from bot.cli import main")
    if profile_to is not None:
        code += [
            "import cProfile, signal",
            "_p = cProfile.Profile()",
            f"_out = {str(profile_to)!r}",
            "def _on(*_):",
            "    _p.enable()",
            "def _off(*_):",
            "    _p.disable()",
            "    _p.dump_stats(_out)",
            "signal.signal(signal.SIGUSR1, _on)",
            "signal.signal(signal.SIGUSR2, _off)",
        ]
        if not profile_on_signal:
            code.append("_p.enable()")
        code += (
            [
                "try:",
                "    main()",
                "finally:",
                "    _off()",
            ]
            if not profile_on_signal
            else ["raise SystemExit(main())"]
        )
    else:
        code.append("raise SystemExit(main())")
    return [sys.executable, "-c", "\n".join(code)]


def echo_command(base_url: str, *, rate_limiter: bool = False) -> list[str]:
    cmd = [sys.executable, str(ROOT / "bench" / "echo_bot.py"), "--base-url", base_url]
    return [*cmd, "--rate-limiter"] if rate_limiter else cmd


class BotProcess:
    """A bot child process: CPU times and peak RSS from /proc; always stopped on exit."""

    def __init__(self, cmd: list[str], token: str, *, log_dir: Path | None = None) -> None:
        self.cmd = cmd
        self.token = token
        self._log_dir = Path(log_dir or tempfile.mkdtemp(prefix="cep-bench-log-"))
        self.log_path = self._log_dir / f"bot-{os.getpid()}-{time.monotonic_ns()}.log"
        self.proc: subprocess.Popen[bytes] | None = None
        self.started_at = 0.0

    def start(self) -> BotProcess:
        self.log_path.parent.mkdir(parents=True, exist_ok=True)
        self._log = self.log_path.open("wb")  # closed in stop()
        self.started_at = time.monotonic()
        self.proc = subprocess.Popen(
            self.cmd, cwd=ROOT, env=child_env(self.token), stdout=self._log, stderr=subprocess.STDOUT
        )
        return self

    @property
    def pid(self) -> int:
        assert self.proc is not None
        return self.proc.pid

    def alive(self) -> bool:
        return self.proc is not None and self.proc.poll() is None

    def cpu_seconds(self) -> float:
        """utime + stime of the process (all its threads), in seconds."""
        raw = Path(f"/proc/{self.pid}/stat").read_text()
        fields = raw[raw.rindex(")") + 2 :].split()
        return (int(fields[11]) + int(fields[12])) / CLK_TCK

    def status_kb(self, key: str) -> int:
        for line in Path(f"/proc/{self.pid}/status").read_text().splitlines():
            if line.startswith(key + ":"):
                return int(line.split()[1])
        return 0

    def peak_rss_mb(self) -> float:
        return self.status_kb("VmHWM") / 1024

    def rss_mb(self) -> float:
        return self.status_kb("VmRSS") / 1024

    def wait_polling(self, fake: FakeBotApi, timeout: float = 30.0) -> float:
        """Block until the process polls getUpdates; returns the monotonic time it did."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            for call in fake.calls:
                if call.method == "getUpdates" and call.token == self.token:
                    return call.time
            if not self.alive():
                raise RuntimeError(
                    f"bot process exited with {self.proc.returncode if self.proc else '?'}:\n{self.log_tail()}"
                )
            time.sleep(0.01)
        raise RuntimeError(f"bot process did not poll within {timeout} s:\n{self.log_tail()}")

    def profile(self, on: bool) -> None:
        """Start (SIGUSR1) or stop and write (SIGUSR2) the profile of a ``profile_on_signal`` process."""
        assert self.proc is not None
        self.proc.send_signal(signal.SIGUSR1 if on else signal.SIGUSR2)

    def log_tail(self, lines: int = 30) -> str:
        try:
            return "\n".join(self.log_path.read_text(errors="replace").splitlines()[-lines:])
        except OSError:
            return ""

    def stop(self, timeout: float = 10.0) -> int | None:
        """SIGTERM (PTB shuts down cleanly), then SIGKILL if it does not exit in time."""
        proc = self.proc
        if proc is None:
            return None
        try:
            if proc.poll() is None:
                proc.send_signal(signal.SIGTERM)
                try:
                    proc.wait(timeout)
                except subprocess.TimeoutExpired:
                    proc.kill()
                    proc.wait(5)
        finally:
            self._log.close()
        return proc.returncode

    def __enter__(self) -> BotProcess:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()


# -- simulated users ----------------------------------------------------------------------------


@dataclass(frozen=True)
class Step:
    """One user action: ``text``, ``command`` or ``press`` (value = the end of the button's data)."""

    kind: str
    value: str


PLACES = (
    "salariée à Lille",
    "je suis salarié en CDI à Nantes",
    "auto-entrepreneur 31000",
    "je suis en CDD à Bordeaux",
    "salarié à Strasbourg",
)


def conversation(variant: int, messages: int) -> list[Step]:
    """A full conversation of ``messages`` user actions (cycling after the first 8).

    /start, place and situation, the need button, a question, a correction of the place,
    feedback button, reminder button, /recommencer; then again from the place.
    """
    place = PLACES[variant % len(PLACES)]
    head = Step("command", "/start")
    cycle = [
        Step("text", place),
        Step("press", "|n|accompagnement"),
        Step("text", "c'est payant ?"),
        Step("text", "non en fait je suis à Lyon"),
        Step("press", "|u|y"),
        Step("press", "|r|n"),
        Step("command", "/recommencer"),
    ]
    steps = [head]
    while len(steps) < messages:
        steps.append(cycle[(len(steps) - 1) % len(cycle)])
    return steps[:messages]


@dataclass
class TurnResult:
    chat: int
    index: int
    step: Step
    sent_at: float  # monotonic, when the update was enqueued
    first_at: float | None = None  # first reply (sendMessage) received by the server
    last_at: float | None = None  # last reply of the turn
    replies: int = 0
    expected: int | None = None  # replies the step should get (None: not known)
    dropped: bool = False

    @property
    def mismatched(self) -> bool:
        return not self.dropped and self.expected is not None and self.replies != self.expected

    @property
    def latency(self) -> float:
        return (self.last_at or self.sent_at) - self.sent_at

    @property
    def first_latency(self) -> float:
        return (self.first_at or self.sent_at) - self.sent_at


@dataclass
class _User:
    chat: int
    steps: list[Step]
    expected: list[int] | None
    index: int = 0
    turn: TurnResult | None = None
    replies: list[Call] = field(default_factory=list)
    last_keyboard: tuple[int, list[str]] | None = None  # (message_id, callback data)
    last_message_id: int | None = None
    next_at: float | None = None  # when a thinking user sends its next action


class Driver:
    """Closed-loop simulated users: each sends its next action once the previous turn is answered.

    A turn is answered when ``expected[i]`` replies (sendMessage) arrived for that chat, or, without
    expectations (calibration), when the chat has been quiet for ``quiet`` seconds after at least one
    reply. A turn not answered within ``drop_after`` seconds counts as dropped.
    Runs in the calling thread (never in the thread of an event loop).
    """

    def __init__(
        self,
        fake: FakeBotApi,
        users: dict[int, list[Step]],
        expected: dict[int, list[int]] | None = None,
        *,
        quiet: float = 0.3,
        drop_after: float = 30.0,
        until: float | None = None,
        cycle: bool = False,
        cycle_from: int = 1,
        think: float = 0.0,
    ) -> None:
        self.fake = fake
        self.users = {chat: _User(chat, steps, (expected or {}).get(chat)) for chat, steps in users.items()}
        self.quiet = quiet
        self.drop_after = drop_after
        self.until = until  # monotonic deadline: start no new turn after it
        self.cycle = cycle  # restart the script (at ``cycle_from``) instead of stopping at its end
        self.cycle_from = cycle_from
        self.think = think  # mean pause of a user between a complete answer and its next action
        self._rng = random.Random(0)  # think times are uniform in [0.5, 1.5] x think, repeatably
        self.turns: list[TurnResult] = []
        self.failed_calls: list[str] = []
        self.error_replies = 0
        self.missing_buttons = 0
        self.requests: dict[str, int] = {}  # Bot API calls by method while running (getUpdates excluded)
        self.limited_requests = 0  # calls carrying a chat_id (the ones AIORateLimiter counts)
        self.on_turn_done: Callable[[TurnResult], None] | None = None

    # actions

    def _send(self, user: _User) -> None:
        step = user.steps[user.index]
        chat = user.chat
        if step.kind == "press":
            data, message_id = self._button(user, step.value)
            sent_at = time.monotonic()
            self.fake.press(chat, data, message_id=message_id)
        elif step.kind == "command":
            sent_at = time.monotonic()
            self.fake.send_command(chat, step.value)
        else:
            sent_at = time.monotonic()
            self.fake.send_text(chat, step.value)
        user.turn = TurnResult(chat, user.index, step, sent_at)
        user.replies = []

    def _button(self, user: _User, suffix: str) -> tuple[str, int | None]:
        if user.last_keyboard is not None:
            message_id, datas = user.last_keyboard
            for data in datas:
                if data.endswith(suffix):
                    return data, message_id
            self.missing_buttons += 1
            return datas[0], message_id
        # no keyboard in this chat (the echo bot): press on its last message with the bare data
        return suffix.lstrip("|"), user.last_message_id

    # the loop

    def run(self) -> list[TurnResult]:
        seen = len(self.fake.calls)
        start = time.monotonic()
        for i, user in enumerate(self.users.values()):
            if self.think > 0:  # staggered, so that users do not act in bursts
                user.next_at = start + i * self.think / len(self.users)
            else:
                self._send(user)
        active = set(self.users)
        while active:
            calls = self.fake.calls
            new, seen = calls[seen:], len(calls)
            now = time.monotonic()
            for call in new:
                self._record(call)
            for chat in list(active):
                if not self._advance(self.users[chat], now):
                    active.discard(chat)
            if active and len(self.fake.calls) == seen:
                self._wait_for_calls(seen, active, now)
        return self.turns

    def _record(self, call: Call) -> None:
        """Count one Bot API call and give a reply to the user it is for."""
        if call.method != "getUpdates":
            self.requests[call.method] = self.requests.get(call.method, 0) + 1
            if "chat_id" in call.params:
                self.limited_requests += 1
        if call.method not in ("sendMessage", "editMessageText"):
            return
        try:
            chat = int(call.params.get("chat_id"))
        except (TypeError, ValueError):
            return
        user = self.users.get(chat)
        if user is None:
            return
        if call.failed:
            self.failed_calls.append(f"{call.method} {call.status} {call.reason}")
            return
        if call.method != "sendMessage":
            return
        if "problème technique" in str(call.params.get("text", "")):
            self.error_replies += 1
        markup = call.params.get("reply_markup")
        message_id = call.result.get("message_id") if isinstance(call.result, dict) else None
        user.last_message_id = message_id
        if isinstance(markup, dict) and markup.get("inline_keyboard"):
            rows = markup["inline_keyboard"]
            datas = [b.get("callback_data", "") for row in rows for b in row if b.get("callback_data")]
            if datas:
                user.last_keyboard = (message_id, datas)
        if user.turn is not None:
            user.replies.append(call)

    def _turn_done(self, user: _User, turn: TurnResult, now: float) -> bool:
        got = len(user.replies)
        if got:
            turn.first_at = user.replies[0].time
            turn.last_at = user.replies[-1].time
            turn.replies = got
        if user.expected is not None:
            turn.expected = user.expected[user.index]
            done = got >= turn.expected
        else:
            done = got > 0 and now - max(turn.last_at or 0.0, turn.sent_at) >= self.quiet
        if not done and now - turn.sent_at > self.drop_after:
            turn.dropped = True
            done = True
        return done

    def _advance(self, user: _User, now: float) -> bool:
        """Send a thinking user's next action when due, or close an answered turn; False once the user is done."""
        turn = user.turn
        if turn is None:  # thinking
            if user.next_at is not None and now >= user.next_at:
                user.next_at = None
                self._send(user)
            return True
        if not self._turn_done(user, turn, now):
            return True
        self.turns.append(turn)
        if self.on_turn_done is not None:
            self.on_turn_done(turn)
        user.turn = None
        user.index += 1
        if user.index >= len(user.steps):
            if not self.cycle:
                return False
            user.index = self.cycle_from
        if self.until is not None and time.monotonic() >= self.until:
            return False
        if self.think > 0:
            user.next_at = time.monotonic() + self.think * self._rng.uniform(0.5, 1.5)
        else:
            self._send(user)
        return True

    def _wait_for_calls(self, seen: int, active: set[int], now: float) -> None:
        """Sleep until a new call arrives or the next thinking user is due (at most 50 ms)."""
        wake = [u.next_at for u in self.users.values() if u.next_at is not None and u.chat in active]
        timeout = max(0.001, min(0.05, min(wake, default=now + 0.05) - time.monotonic()))
        with contextlib.suppress(AssertionError):  # wait_until raises when nothing came: fine
            self.fake.wait_until(lambda: len(self.fake.calls) > seen, timeout=timeout)

    # summaries

    def reply_counts(self) -> dict[int, list[int]]:
        """Replies per turn for each chat (for calibration)."""
        out: dict[int, list[int]] = {}
        for turn in sorted(self.turns, key=lambda t: (t.chat, t.index)):
            out.setdefault(turn.chat, []).append(turn.replies)
        return out


def calibrate(
    fake: FakeBotApi, variants: int, messages: int, first_chat: int, *, quiet: float = 0.3, attempts: int = 3
) -> tuple[dict[int, list[int]], Driver]:
    """How many replies each step of each conversation variant gets (and a warm-up).

    Two users per variant, turn ends detected by ``quiet`` seconds of silence; both must agree,
    otherwise (a loaded machine, a pause inside a turn) it starts again with twice the quiet time.
    """
    for attempt in range(attempts):
        base = first_chat + 100 * attempt
        users = {base + 10 * copy + v: conversation(v, messages) for v in range(variants) for copy in range(2)}
        driver = Driver(fake, users, quiet=quiet, drop_after=20.0)
        driver.run()
        counts = driver.reply_counts()
        result = {v: counts.get(base + v, []) for v in range(variants)}
        if all(counts.get(base + 10 + v) == result[v] and len(result[v]) == messages for v in range(variants)):
            return result, driver
        quiet *= 2
    raise RuntimeError(f"calibration: the number of replies per step is not stable ({counts})")
