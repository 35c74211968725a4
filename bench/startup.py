"""Start-up benchmark: process start -> first reply, and peak memory, for the bot and the echo bot.

Usage:
    python bench/startup.py              # 5 starts of each, alternating; medians
    python bench/startup.py --repeat 9
    python bench/startup.py --quick      # 1 start of each, short conversation (used by a test)
    python bench/startup.py --profile /tmp/start.prof   # one more start of the bot under cProfile

Each start: a fresh temporary folder (new database and hash key), the process is started and
"/start" is enqueued in the fake Bot API at once; the time to the first ``sendMessage`` for that
chat is the start time (it includes interpreter start, imports, loading and checking the knowledge,
opening the database, getMe/setMyCommands/deleteWebhook and the first getUpdates). Then peak RSS
(VmHWM in /proc/<pid>/status) after that first reply, and after a short conversation (place,
need button, a question, a correction...). The echo bot (bench/echo_bot.py) is the baseline.
"""

from __future__ import annotations

import argparse
import contextlib
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _common import (
    BOT_TOKEN,
    ECHO_TOKEN,
    BotProcess,
    Driver,
    FakeBotApi,
    bot_command,
    conversation,
    echo_command,
    median,
    print_machine,
    ratio,
    write_config,
)

START_TARGET_S = 1.5
RSS_TARGET_MB = 120


@dataclass
class StartResult:
    first_reply_s: float
    polling_s: float
    rss_first_mb: float
    rss_conv_mb: float
    rss_now_mb: float
    conversation_turns: int
    dropped: int


def first_reply_time(fake: FakeBotApi, chat: int, proc: BotProcess, timeout: float = 60.0) -> float:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        for call in fake.calls:
            if call.method == "sendMessage" and not call.failed and str(call.params.get("chat_id")) == str(chat):
                return call.time
        if not proc.alive():
            raise RuntimeError(f"process exited with {proc.proc.returncode if proc.proc else '?'}:\n{proc.log_tail()}")
        with contextlib.suppress(AssertionError):  # a 5 ms pause that wakes up on a new call
            fake.wait_until(lambda: False, timeout=0.005)
    raise RuntimeError(f"no reply within {timeout} s:\n{proc.log_tail()}")


def one_start(
    fake: FakeBotApi, kind: str, workdir: Path, chat: int, steps: int, quiet: float, profile_to: Path | None = None
) -> StartResult:
    fake.reset()
    if kind == "bot":
        config = write_config(workdir, fake.base_url)
        cmd, token = bot_command(config, profile_to=profile_to), BOT_TOKEN
    else:
        cmd, token = echo_command(fake.base_url), ECHO_TOKEN
    proc = BotProcess(cmd, token, log_dir=workdir)
    try:
        proc.start()
        fake.send_command(chat, "/start")  # at once: the bot finds it on its first getUpdates
        first = first_reply_time(fake, chat, proc)
        polling = next((c.time for c in fake.calls if c.method == "getUpdates"), first)
        rss_first = proc.peak_rss_mb()
        # a short conversation (the rest of the script, after /start), answered turn by turn
        time.sleep(quiet)  # let the /start turn finish
        driver = Driver(fake, {chat: conversation(chat, steps + 1)[1:]}, quiet=quiet, drop_after=20.0)
        turns = driver.run()
        rss_conv = proc.peak_rss_mb()
        rss_now = proc.rss_mb()
        return StartResult(
            first - proc.started_at,
            polling - proc.started_at,
            rss_first,
            rss_conv,
            rss_now,
            len(turns),
            sum(t.dropped for t in turns),
        )
    finally:
        proc.stop()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=None, help="starts of each bot (default 5, quick 1)")
    parser.add_argument(
        "--steps", type=int, default=None, help="conversation actions after /start (default 7, quick 2)"
    )
    parser.add_argument("--quick", action="store_true", help="tiny run, a few seconds")
    parser.add_argument(
        "--profile", type=Path, default=None, help="one more start of the bot under cProfile; stats written there"
    )
    args = parser.parse_args(argv)
    repeat = args.repeat or (1 if args.quick else 5)
    steps = args.steps or (2 if args.quick else 7)
    quiet = 0.15 if args.quick else 0.3
    print_machine()
    results: dict[str, list[StartResult]] = {"echo": [], "bot": []}
    with tempfile.TemporaryDirectory(prefix="cep-bench-start-") as tmp, FakeBotApi() as fake:
        for i in range(repeat):
            for kind in ("echo", "bot"):  # alternate, so that machine noise hits both alike
                r = one_start(fake, kind, Path(tmp) / f"{kind}-{i}", 700 + i, steps, quiet)
                results[kind].append(r)
                print(
                    f"  {kind:4} #{i + 1}: first reply {r.first_reply_s:.2f} s (polling at {r.polling_s:.2f} s), "
                    f"peak RSS {r.rss_first_mb:.0f} MB -> {r.rss_conv_mb:.0f} MB after {r.conversation_turns} turns",
                    flush=True,
                )
        if args.profile:
            one_start(fake, "bot", Path(tmp) / "profile", 799, steps, quiet, profile_to=args.profile)

    def med(kind: str, attr: str) -> float:
        return median([getattr(r, attr) for r in results[kind]])

    print(f"\nmedian of {repeat} start(s) each\n")
    header = (
        f"{'':24} {'start to first reply':>21} {'start to polling':>17} {'peak RSS after first reply':>27}"
        f" {'peak RSS after conversation':>28} {'RSS now':>8}"
    )
    print(header)
    print("-" * len(header))
    for kind, label in (("echo", "echo bot (baseline)"), ("bot", "bot (python -m bot ... run)")):
        print(
            f"{label:24} {med(kind, 'first_reply_s'):19.2f} s {med(kind, 'polling_s'):15.2f} s"
            f" {med(kind, 'rss_first_mb'):24.0f} MB {med(kind, 'rss_conv_mb'):25.0f} MB {med(kind, 'rss_now_mb'):5.0f} "
            "MB"
        )
    start_bot, start_echo = med("bot", "first_reply_s"), med("echo", "first_reply_s")
    rss_bot, rss_echo = med("bot", "rss_conv_mb"), med("echo", "rss_conv_mb")
    print(
        f"\nbot/echo: start {ratio(start_bot, start_echo):.1f}x (+{start_bot - start_echo:.2f} s), "
        f"peak RSS {ratio(rss_bot, rss_echo):.1f}x (+{rss_bot - rss_echo:.0f} MB)"
    )
    print(
        f"targets: start <= {START_TARGET_S} s: {'met' if start_bot <= START_TARGET_S else 'MISSED'} ({start_bot:.2f} "
        "s); "
        f"peak RSS <= {RSS_TARGET_MB} MB: {'met' if rss_bot <= RSS_TARGET_MB else 'MISSED'} ({rss_bot:.0f} MB)"
    )
    dropped = sum(r.dropped for rs in results.values() for r in rs)
    if dropped:
        print(f"PROBLEM: {dropped} conversation turns not answered")
    if args.profile:
        import pstats

        print(
            f"\nprofile of one bot start (to the end of the conversation), top 25 by cumulative time ({args.profile}):"
        )
        pstats.Stats(str(args.profile)).sort_stats("cumulative").print_stats(25)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
