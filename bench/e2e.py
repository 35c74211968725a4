"""End-to-end benchmark: the real bot process against the fake Bot API, with an echo bot as the floor.

Usage:
    python bench/e2e.py                       # 50 users x 8 messages, every phase
    python bench/e2e.py --users 20 --messages 16
    python bench/e2e.py --quick               # tiny run (used by tests/test_bench_smoke.py)
    python bench/e2e.py --rounds 3            # every phase 3 times, alternating; medians
    python bench/e2e.py --phases bot-unlimited --profile /tmp/bot.prof
                          # the timed part of the bot phases under cProfile (/tmp/bot.prof.<phase>), print the top

Phases, one after the other on the same fake server (127.0.0.1), each a fresh child process:
- ``echo``: ``bench/echo_bot.py``, the smallest PTB bot (no rate limiter): the floor;
- ``echo+limiter``: the same with PTB's ``AIORateLimiter()`` (30 requests/s), as the real bot has;
- ``bot``: ``python -m bot --config <temp config.yaml> run``, exactly as deployed;
- ``bot, limiter lifted``: the same process with its rate limiter replaced by an unlimited one
  (diagnostic only: tells the limiter's share from the bot's own cost).

Each phase: wait until the process polls, run one user per conversation variant (warm-up, and it
counts how many messages each step gets), then N users x M actions, closed loop (a user sends its
next action when the previous one is fully answered): /start, place and situation, need button,
"c'est payant ?", "non en fait je suis à Lyon", feedback and reminder buttons, /recommencer...

Figures: updates/s (first update enqueued -> last reply received), CPU seconds of the child per
1,000 updates (/proc/<pid>/stat utime+stime), latency p50/p99 from the update being enqueued in the
fake server to the last reply of its turn reaching the server (first reply too).
"""

from __future__ import annotations

import argparse
import pstats
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _common import (
    BOT_TOKEN,
    ECHO_TOKEN,
    PLACES,
    BotProcess,
    Driver,
    FakeBotApi,
    bot_command,
    calibrate,
    conversation,
    echo_command,
    median,
    percentile,
    print_machine,
    ratio,
    write_config,
)

PHASES = ("echo", "echo+limiter", "bot", "bot-unlimited")
LABELS = {
    "echo": "echo bot (floor)",
    "echo+limiter": "echo bot + AIORateLimiter",
    "bot": "bot (python -m bot ... run)",
    "bot-unlimited": "bot, limiter lifted (diag.)",
}


@dataclass
class PhaseResult:
    name: str
    updates: int
    wall: float
    cpu: float
    bench_cpu: float
    latencies_ms: list[float]
    first_ms: list[float]
    replies: int
    dropped: int
    problems: list[str]
    peak_rss_mb: float
    requests: int
    limited_requests: int

    @property
    def ups(self) -> float:
        return self.updates / self.wall if self.wall else 0.0

    @property
    def cpu_per_1k(self) -> float:
        return 1000 * self.cpu / self.updates if self.updates else 0.0


def run_phase(
    fake: FakeBotApi,
    name: str,
    workdir: Path,
    users: int,
    messages: int,
    *,
    profile_to: Path | None = None,
    quiet: float = 0.3,
) -> PhaseResult:
    fake.reset()
    base = {"echo": 100_000, "echo+limiter": 200_000, "bot": 300_000, "bot-unlimited": 400_000}[name]
    if name.startswith("echo"):
        cmd, token = echo_command(fake.base_url, rate_limiter=name == "echo+limiter"), ECHO_TOKEN
    else:
        config = write_config(workdir / name, fake.base_url)
        cmd = bot_command(
            config, lift_rate_limit=name == "bot-unlimited", profile_to=profile_to, profile_on_signal=True
        )
        token = BOT_TOKEN
    variants = min(len(PLACES), users)
    problems: list[str] = []
    with BotProcess(cmd, token, log_dir=workdir) as proc:
        proc.wait_polling(fake)
        by_variant, warmup = calibrate(fake, variants, messages, base, quiet=quiet)
        if warmup.failed_calls or warmup.error_replies or any(t.dropped for t in warmup.turns):
            problems.append(f"warm-up: {len(warmup.failed_calls)} failed calls, {warmup.error_replies} error replies")
        chats = {base + 1000 + i: conversation(i % variants, messages) for i in range(users)}
        expected = {chat: by_variant[i % variants] for i, chat in enumerate(chats)}
        driver = Driver(fake, chats, expected, drop_after=120.0)
        if profile_to is not None:
            proc.profile(True)
            time.sleep(0.05)
        cpu0, bench0 = proc.cpu_seconds(), time.process_time()
        turns = driver.run()
        cpu1, bench1 = proc.cpu_seconds(), time.process_time()
        if profile_to is not None:
            proc.profile(False)
        time.sleep(0.3)  # anything more than expected would show up here
        for chat, steps in expected.items():
            got = sum(1 for m in fake.sent(chat) if m["method"] == "sendMessage")
            if got != sum(steps):
                problems.append(f"chat {chat}: {got} messages, expected {sum(steps)}")
                break
        rss = proc.peak_rss_mb()
        if not proc.alive():
            problems.append(f"process died:\n{proc.log_tail()}")
    problems += [f"failed call: {c}" for c in driver.failed_calls[:5]]
    if driver.error_replies:
        problems.append(f"{driver.error_replies} 'problème technique' replies")
    mismatched = [t for t in turns if t.mismatched]
    if mismatched:
        t = mismatched[0]
        problems.append(
            f"{len(mismatched)} turns got another number of replies than expected, e.g. step {t.index} "
            f"({t.step.value!r}): {t.replies} for {t.expected}"
        )
    if driver.missing_buttons:
        problems.append(f"{driver.missing_buttons} presses without the expected button")
    start = min(t.sent_at for t in turns)
    end = max((t.last_at or t.sent_at) for t in turns)
    return PhaseResult(
        name=name,
        updates=len(turns),
        wall=end - start,
        cpu=cpu1 - cpu0,
        bench_cpu=bench1 - bench0,
        latencies_ms=[1000 * t.latency for t in turns if not t.dropped],
        first_ms=[1000 * t.first_latency for t in turns if not t.dropped],
        replies=sum(t.replies for t in turns),
        dropped=sum(t.dropped for t in turns),
        problems=problems,
        peak_rss_mb=rss,
        requests=sum(driver.requests.values()),
        limited_requests=driver.limited_requests,
    )


def _combined(rounds: list[PhaseResult]) -> PhaseResult:
    """Median of the rates over rounds; latencies pooled; problems gathered."""
    if len(rounds) == 1:
        return rounds[0]
    best = sorted(rounds, key=lambda r: r.ups)[len(rounds) // 2]  # the median round by throughput
    return PhaseResult(
        name=best.name,
        updates=best.updates,
        wall=best.wall,
        cpu=median([r.cpu_per_1k for r in rounds]) * best.updates / 1000,
        bench_cpu=median([r.bench_cpu for r in rounds]),
        latencies_ms=[x for r in rounds for x in r.latencies_ms],
        first_ms=[x for r in rounds for x in r.first_ms],
        replies=best.replies,
        dropped=sum(r.dropped for r in rounds),
        problems=[p for r in rounds for p in r.problems],
        peak_rss_mb=max(r.peak_rss_mb for r in rounds),
        requests=best.requests,
        limited_requests=best.limited_requests,
    )


def print_results(all_rounds: dict[str, list[PhaseResult]], users: int, messages: int) -> None:
    rounds = len(next(iter(all_rounds.values())))
    results = {name: _combined(rs) for name, rs in all_rounds.items()}
    print(f"\n{users} users x {messages} actions = {users * messages} updates per phase (closed loop)", end="")
    print(f"; {rounds} rounds: median updates/s and CPU, latencies pooled\n" if rounds > 1 else "\n")
    header = (
        f"{'phase':30} {'updates/s':>10} {'CPU s per 1000 updates':>23} {'latency p50':>12} {'p99':>9}"
        f" {'first reply p50':>16} {'msgs/update':>12} {'requests/update':>16} {'dropped':>8}"
    )
    print(header)
    print("-" * len(header))
    for r in results.values():
        print(
            f"{LABELS[r.name]:30} {r.ups:10.1f} {r.cpu_per_1k:23.2f} {percentile(r.latencies_ms, 0.5):9.1f} ms"
            f" {percentile(r.latencies_ms, 0.99):6.1f} ms {percentile(r.first_ms, 0.5):13.1f} ms"
            f" {r.replies / max(r.updates, 1):12.2f} {r.requests / max(r.updates, 1):9.2f}"
            f" ({r.limited_requests / max(r.updates, 1):.2f})"
            f" {r.dropped:8d}"
        )
    print(
        "  (requests/update: Bot API calls per update, getUpdates excluded; in brackets those with a chat_id, which "
        "AIORateLimiter counts)"
    )
    for name, rs in all_rounds.items():
        for r in rs:
            print(
                f"  {LABELS[name]}: {r.ups:.1f} updates/s, wall {r.wall:.2f} s, child CPU {r.cpu:.2f} s,"
                f" bench process CPU {r.bench_cpu:.2f} s, child peak RSS {r.peak_rss_mb:.0f} MB"
            )
            for problem in r.problems:
                print(f"    PROBLEM: {problem}")
    print()
    bot, echo = results.get("bot"), results.get("echo")
    if bot and echo:
        print(
            f"ratio bot/echo: throughput {100 * ratio(bot.ups, echo.ups):.0f} % (target >= 80 %), "
            f"CPU per update {ratio(bot.cpu_per_1k, echo.cpu_per_1k):.1f}x, "
            f"latency p50 {ratio(percentile(bot.latencies_ms, 0.5), percentile(echo.latencies_ms, 0.5)):.1f}x"
        )
    limited = results.get("echo+limiter")
    if bot and limited:
        print(f"ratio bot/(echo + same rate limiter): throughput {100 * ratio(bot.ups, limited.ups):.0f} %")
    lifted = results.get("bot-unlimited")
    if lifted and echo:
        print(
            f"ratio (bot, limiter lifted)/echo: throughput {100 * ratio(lifted.ups, echo.ups):.0f} %, "
            f"CPU per update {ratio(lifted.cpu_per_1k, echo.cpu_per_1k):.1f}x (diagnostic)"
        )
    if bot and lifted:
        print(f"rate limiter share: the bot reaches {lifted.ups:.1f} updates/s without it, {bot.ups:.1f} with it")


def profile_path(base: Path, phase: str) -> Path:
    return base.with_name(f"{base.name}.{phase}")


def print_profile(path: Path, top: int = 25) -> None:
    if not path.exists():
        print(f"(no profile written to {path})")
        return
    print(f"\nprofile of the bot process ({path}), top {top} by own time:")
    stats = pstats.Stats(str(path))
    stats.sort_stats("tottime").print_stats(top)
    print(f"top {top} by cumulative time:")
    stats.sort_stats("cumulative").print_stats(top)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--users", type=int, default=None, help="simulated users (default 50, quick 3)")
    parser.add_argument("--messages", type=int, default=None, help="actions per user (default 8, quick 4)")
    parser.add_argument(
        "--phases", default=None, help=f"comma-separated among {','.join(PHASES)} (default all; quick: echo,bot)"
    )
    parser.add_argument("--rounds", type=int, default=1, help="repeat all phases, alternating (median updates/s)")
    parser.add_argument("--quick", action="store_true", help="tiny run, a few seconds")
    parser.add_argument(
        "--profile", type=Path, default=None, help="run the bot phases under cProfile, stats in PROFILE.<phase>"
    )
    args = parser.parse_args(argv)
    users = args.users or (3 if args.quick else 50)
    messages = args.messages or (4 if args.quick else 8)
    phases = [p for p in (args.phases or ("echo,bot" if args.quick else ",".join(PHASES))).split(",") if p]
    unknown = [p for p in phases if p not in PHASES]
    if unknown:
        parser.error(f"unknown phase(s) {unknown}")
    print_machine()
    results: dict[str, list[PhaseResult]] = {name: [] for name in phases}
    with tempfile.TemporaryDirectory(prefix="cep-bench-e2e-") as tmp, FakeBotApi() as fake:
        for round_ in range(max(1, args.rounds)):
            for name in phases:
                profile = (
                    profile_path(args.profile, name)
                    if (args.profile and name.startswith("bot") and round_ == 0)
                    else None
                )
                workdir = Path(tmp) / f"round{round_}"
                result = run_phase(
                    fake, name, workdir, users, messages, profile_to=profile, quiet=0.15 if args.quick else 0.3
                )
                results[name].append(result)
                print(f"  {name}: {result.ups:.1f} updates/s", flush=True)
        if fake.internal_errors:
            print(f"fake server internal errors: {fake.internal_errors[:5]}")
    print_results(results, users, messages)
    if args.profile:
        for name in phases:
            if name.startswith("bot"):
                print_profile(profile_path(args.profile, name))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
