"""Knowledge reload benchmark: how long a reload takes, and what users see while it runs.

Usage:
    python bench/reload.py               # 10 reloads; then 10 users x 8 s per phase
    python bench/reload.py --users 20 --seconds 10 --reloads 20 --think 2
    python bench/reload.py --quick       # 2 reloads, 3 users x 1.2 s per phase (used by a test)

Part 1, in-process: ``Assistant.reload()`` (check the knowledge files in a worker thread, swap the
snapshot) repeated, idle; median and max, next to the first (cold) load of the same files.

Part 2: the real Application (tests/harness.py ``RunningBot``) polls the fake Bot API in this
process; K users talk continuously (full conversations; each action is sent once the previous one
is answered, after a short pause, so that the stream stays under the bot's rate limiter of 30
requests/s and latency is not queueing behind it). Three phases of the same length:
- ``no reload``: the baseline message stream;
- ``reload as a task``: reloads one after the other (a short pause between), run like the file
  watcher and SIGHUP do (``staff.reload_and_report`` as a task of the application);
- ``/reload command``: a staff user sends /reload through Telegram, again and again (the handler
  starts the reload as a task of the application; the window ends with the report in the staff chat).
A turn is "during a reload" when its interval (update enqueued -> last reply) overlaps a reload.
Every action must be answered: a turn with no reply within --drop-after seconds is dropped.

Part 3 (not in --quick): the same two-phase measure on the real process ``python -m bot ... run``
(the fake server alone in this process), reloaded by SIGHUP as the file watcher would: latency
during and outside reloads, the reload time it logs, and its RSS after each reload.
"""

from __future__ import annotations

import argparse
import asyncio
import logging
import re
import signal
import sys
import tempfile
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _common import (
    BOT_TOKEN,
    PLACES,
    ROOT,
    BotProcess,
    Driver,
    FakeBotApi,
    TurnResult,
    bot_command,
    calibrate,
    conversation,
    median,
    percentile,
    print_machine,
    ratio,
    write_config,
)
from bot.kb.load import check_knowledge
from bot.nlu.knowledge import build_knowledge
from bot.service import Assistant
from handlers import staff
from harness import RunningBot, make_config

RELOAD_TARGET_MS = 300
STAFF_CHAT = 999_999
CALIBRATION_STEPS = 15  # /start + two rounds of the 7-action cycle
CYCLE_FROM = 8  # users go on from the second round (same state as after /recommencer)


@dataclass
class Phase:
    name: str
    turns: list[TurnResult] = field(default_factory=list)
    windows: list[tuple[float, float]] = field(default_factory=list)
    reload_ms: list[float] = field(default_factory=list)
    failed_reloads: int = 0
    problems: list[str] = field(default_factory=list)

    def during(self) -> list[TurnResult]:
        return [t for t in self.turns if not t.dropped and _overlaps(t, self.windows)]

    def outside(self) -> list[TurnResult]:
        return [t for t in self.turns if not t.dropped and not _overlaps(t, self.windows)]

    @property
    def dropped(self) -> int:
        return sum(t.dropped for t in self.turns)


def _overlaps(turn: TurnResult, windows: list[tuple[float, float]]) -> bool:
    end = turn.last_at or turn.sent_at
    return any(turn.sent_at < w_end and end > w_start for w_start, w_end in windows)


def _ms(turns: list[TurnResult]) -> list[float]:
    return [1000 * t.latency for t in turns]


# -- part 1 ------------------------------------------------------------------------------------


async def reload_times(config, knowledge, count: int) -> tuple[list[float], list[float]]:  # type: ignore[no-untyped-def]
    """(wall ms of each ``await assistant.reload()``, ms the assistant itself reports)."""
    assistant = Assistant(config, knowledge, None)
    wall, reported = [], []
    for _ in range(count):
        start = time.perf_counter()
        result = await assistant.reload()
        wall.append(1000 * (time.perf_counter() - start))
        reported.append(1000 * result.seconds)
        if not result.ok:
            raise RuntimeError("reload refused: the knowledge has errors")
    return wall, reported


# -- part 2 ------------------------------------------------------------------------------------


def _driver(
    fake: FakeBotApi, args: argparse.Namespace, expected_by_variant: dict[int, list[int]], first_chat: int
) -> Driver:
    variants = len(expected_by_variant)
    steps = len(expected_by_variant[0])
    chats = {first_chat + i: conversation(i % variants, steps) for i in range(args.users)}
    expected = {chat: expected_by_variant[i % variants] for i, chat in enumerate(chats)}
    return Driver(
        fake,
        chats,
        expected,
        until=time.monotonic() + args.seconds,
        drop_after=args.drop_after,
        cycle=steps > CYCLE_FROM,
        cycle_from=CYCLE_FROM,
        think=args.think,
    )


async def run_phase(
    name: str,
    bot: RunningBot,
    fake: FakeBotApi,
    args: argparse.Namespace,
    expected: dict[int, list[int]],
    first_chat: int,
) -> Phase:
    phase = Phase(name)
    drop_after, pause = args.drop_after, args.pause
    driver = _driver(fake, args, expected, first_chat)
    task = asyncio.ensure_future(asyncio.to_thread(driver.run))
    await asyncio.sleep(min(0.3, args.seconds / 5))  # the stream is flowing before the first reload
    while not task.done():
        if name == "reload-task":
            before = bot.assistant.reloads
            start = time.monotonic()
            await bot.app.create_task(staff.reload_and_report(bot.app, reason="benchmark"))
            end = time.monotonic()
            if bot.assistant.reloads == before:
                phase.failed_reloads += 1
        elif name == "reload-command":
            seen = len(fake.calls)
            start = time.monotonic()
            fake.send_command(STAFF_CHAT, "/reload")
            end = await _staff_reply(fake, seen, drop_after)
            if end is None:
                phase.failed_reloads += 1
                end = time.monotonic()
        else:
            await asyncio.sleep(0.05)
            continue
        phase.windows.append((start, end))
        phase.reload_ms.append(1000 * (end - start))
        await asyncio.sleep(pause)
    phase.turns = await task
    if driver.failed_calls:
        phase.problems.append(f"{len(driver.failed_calls)} failed calls, e.g. {driver.failed_calls[0]}")
    if driver.error_replies:
        phase.problems.append(f"{driver.error_replies} 'problème technique' replies")
    mismatched = [t for t in phase.turns if t.mismatched]
    if mismatched:
        phase.problems.append(f"{len(mismatched)} turns got another number of replies than expected")
    await asyncio.sleep(0.2)
    for chat in driver.users:
        got = sum(1 for m in fake.sent(chat) if m["method"] == "sendMessage")
        want = sum(t.replies for t in phase.turns if t.chat == chat)
        if got != want:
            phase.problems.append(f"chat {chat}: {got} messages sent, {want} attributed to turns")
            break
    return phase


async def _staff_reply(fake: FakeBotApi, seen: int, within: float) -> float | None:
    deadline = time.monotonic() + within
    while time.monotonic() < deadline:
        for call in fake.calls[seen:]:
            if call.method == "sendMessage" and str(call.params.get("chat_id")) == str(STAFF_CHAT):
                return call.time
        await asyncio.sleep(0.005)
    return None


def print_phase_table(phases: list[Phase]) -> None:
    base = phases[0]
    base_p50 = percentile(_ms(base.outside()), 0.5)
    header = (
        f"{'phase':18} {'reloads':>8} {'turns':>6} {'during reload':>14} {'dropped':>8}"
        f" {'latency p50 outside':>20} {'p99 outside':>12} {'p50 during':>11} {'p99 during':>11} {'extra p50':>10} "
        f"{'updates/s':>10}"
    )
    print(header)
    print("-" * len(header))
    for p in phases:
        during, outside = _ms(p.during()), _ms(p.outside())
        ok = [t for t in p.turns if not t.dropped]
        span = (max((t.last_at or t.sent_at) for t in ok) - min(t.sent_at for t in ok)) if ok else 0.0
        extra = percentile(during, 0.5) - base_p50 if during else 0.0
        print(
            f"{p.name:18} {len(p.windows):8d} {len(p.turns):6d} {len(during):14d} {p.dropped:8d}"
            f" {percentile(outside, 0.5):17.1f} ms {percentile(outside, 0.99):9.1f} ms"
            f" {percentile(during, 0.5):8.1f} ms {percentile(during, 0.99):8.1f} ms {extra:+7.1f} ms"
            f" {ratio(len(ok), span):10.1f}"
        )
    for p in phases:
        if p.reload_ms:
            print(
                f"  {p.name}: reload window median {median(p.reload_ms):.0f} ms, max {max(p.reload_ms):.0f} ms under "
                f"load; {p.failed_reloads} failed"
            )
        for problem in p.problems:
            print(f"  PROBLEM ({p.name}): {problem}")


# -- part 3 ------------------------------------------------------------------------------------


def _logged_reloads(proc: BotProcess) -> list[float]:
    return [
        float(ms) for ms in re.findall(r"knowledge reloaded in (\d+) ms", proc.log_path.read_text(errors="replace"))
    ]


def _sighup_and_wait(proc: BotProcess, done_before: int, timeout: float = 30.0) -> float:
    """Send SIGHUP; return the monotonic time the bot logged the end of that reload."""
    assert proc.proc is not None
    proc.proc.send_signal(signal.SIGHUP)
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if len(_logged_reloads(proc)) > done_before:
            return time.monotonic()
        time.sleep(0.01)
    raise RuntimeError(f"reload not logged within {timeout} s:\n{proc.log_tail()}")


def process_reloads(
    fake: FakeBotApi, workdir: Path, args: argparse.Namespace
) -> tuple[list[Phase], list[float], list[float], float]:
    """The real process (``python -m bot ... run``), reloaded by SIGHUP, with users talking to it.

    Returns (phases "no reload" and "SIGHUP reloads", reload ms as logged, RSS MB after each
    reload, RSS MB before the first).
    """
    fake.reset()
    config = write_config(workdir, fake.base_url, level="INFO")  # the reload time is in an INFO line
    proc = BotProcess(bot_command(config), BOT_TOKEN, log_dir=workdir)
    rss: list[float] = []
    phases: list[Phase] = []
    try:
        proc.start()
        proc.wait_polling(fake)
        variants = min(len(PLACES), args.users)
        expected, _ = calibrate(fake, variants, CALIBRATION_STEPS, 30_000, quiet=args.quiet)
        before = proc.rss_mb()
        for index, name in enumerate(("no reload", "SIGHUP reloads")):
            phase = Phase(name)
            driver = _driver(fake, args, expected, 40_000 + 1000 * index)
            thread = threading.Thread(target=lambda d=driver, p=phase: setattr(p, "turns", d.run()), daemon=True)
            thread.start()
            time.sleep(min(0.3, args.seconds / 5))
            while thread.is_alive():
                if name == "no reload":
                    thread.join(0.05)
                    continue
                done = len(_logged_reloads(proc))
                start = time.monotonic()
                end = _sighup_and_wait(proc, done)
                phase.windows.append((start, end))
                phase.reload_ms.append(1000 * (end - start))
                rss.append(proc.rss_mb())
                time.sleep(args.pause)
            thread.join()
            if driver.failed_calls or driver.error_replies or any(t.mismatched for t in phase.turns):
                phase.problems.append(f"{len(driver.failed_calls)} failed calls, {driver.error_replies} error replies")
            phases.append(phase)
        return phases, _logged_reloads(proc), rss, before
    finally:
        proc.stop()


async def amain(args: argparse.Namespace) -> int:
    print_machine()
    logging.basicConfig(level=logging.WARNING)
    with tempfile.TemporaryDirectory(prefix="cep-bench-reload-") as tmp, FakeBotApi() as fake:
        config = make_config(Path(tmp), fake, staff_ids=frozenset({STAFF_CHAT}))
        start = time.perf_counter()
        report = check_knowledge(ROOT / "knowledge")
        if report.snapshot is None:
            print("the knowledge has errors: cannot benchmark", file=sys.stderr)
            return 1
        knowledge = build_knowledge(report.snapshot)
        cold_ms = 1000 * (time.perf_counter() - start)
        del report

        wall, reported = await reload_times(config, knowledge, args.reloads)
        print(f"\nPart 1: Assistant.reload() x {args.reloads}, idle")
        print(f"  first load (cold, check_knowledge in the main thread): {cold_ms:.0f} ms")
        print(
            f"  reload time: median {median(wall):.0f} ms, max {max(wall):.0f} ms (as reported by the assistant: "
            f"median {median(reported):.0f} ms)"
        )
        verdict = "met" if median(wall) <= RELOAD_TARGET_MS else "MISSED"
        print(
            f"  target reload <= {RELOAD_TARGET_MS} ms: {verdict}; reload/cold load {ratio(median(wall), cold_ms):.2f}x"
        )

        print(
            f"\nPart 2: {args.users} users talking for {args.seconds:.1f} s per phase (a pause of {args.think:.2f} s "
            "between"
            " an answer and the next action) while the knowledge reloads, in-process"
        )
        async with RunningBot(config, knowledge) as bot:
            variants = min(len(PLACES), args.users)
            steps = CYCLE_FROM if args.quick else CALIBRATION_STEPS
            expected, warmup = await asyncio.to_thread(calibrate, fake, variants, steps, 10_000, quiet=args.quiet)
            if any(t.dropped for t in warmup.turns) or warmup.error_replies:
                print(
                    f"  PROBLEM: warm-up had {sum(t.dropped for t in warmup.turns)} unanswered turns, "
                    f"{warmup.error_replies} error replies"
                )
            phases = []
            for index, name in enumerate(("no reload", "reload-task", "reload-command")):
                phase = await run_phase(name, bot, fake, args, expected, 20_000 + 1000 * index)
                phases.append(phase)
                print(f"  {name}: {len(phase.turns)} turns, {len(phase.windows)} reloads", flush=True)
        print()
        print_phase_table(phases)
        reloading = phases[1:]
        during_total = sum(len(p.during()) for p in reloading)
        dropped_total = sum(p.dropped for p in phases)
        worst = max((percentile(_ms(p.during()), 0.99) for p in reloading), default=0.0)
        base_p99 = percentile(_ms(phases[0].outside()), 0.99)
        print(
            f"\nmessages answered during reloads: {during_total}; dropped: {dropped_total}; "
            f"p99 during reloads {worst:.0f} ms vs {base_p99:.0f} ms without reload (+{worst - base_p99:.0f} ms)"
        )
        if args.process:
            print(
                f"\nPart 3: the real process (python -m bot ... run, its own process, the fake server in this one),"
                f" {args.users} users talking for {args.seconds:.1f} s per phase, reloads by SIGHUP (the file "
                "watcher's path)"
            )
            proc_phases, logged, rss, before = await asyncio.to_thread(
                process_reloads, fake, Path(tmp) / "process", args
            )
            print()
            print_phase_table(proc_phases)
            print(
                f"  reload time logged by the bot under load: median {median(logged):.0f} ms,"
                f" max {max(logged, default=0):.0f} ms"
            )
            print(
                f"  process RSS: {before:.0f} MB before the first reload; after each: "
                + ", ".join(f"{r:.0f}" for r in rss)
                + " MB"
            )
            print(f"  dropped: {sum(p.dropped for p in proc_phases)}")
        else:
            print("\nPart 3 (the real process reloaded by SIGHUP while users talk): skipped")
        if fake.internal_errors:
            print(f"fake server internal errors: {fake.internal_errors[:5]}")
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--reloads", type=int, default=None, help="idle reloads timed in part 1 (default 10, quick 2)")
    parser.add_argument("--users", type=int, default=None, help="users talking in part 2 (default 10, quick 3)")
    parser.add_argument(
        "--seconds", type=float, default=None, help="length of each phase of part 2 (default 8, quick 1.2)"
    )
    parser.add_argument("--pause", type=float, default=0.3, help="pause between two reloads (s)")
    parser.add_argument(
        "--think",
        type=float,
        default=None,
        help="a user's pause before its next action (default 1.0 s, quick 0.2): keeps the stream under the bot's 30 "
        "requests/s limiter",
    )
    parser.add_argument(
        "--drop-after", type=float, default=15.0, help="a turn not answered after this many seconds is dropped"
    )
    parser.add_argument(
        "--no-process", dest="process", action="store_false", help="skip part 3 (skipped anyway with --quick)"
    )
    parser.add_argument("--quick", action="store_true", help="tiny run, a few seconds")
    args = parser.parse_args(argv)
    args.process = args.process and not args.quick
    args.reloads = args.reloads or (2 if args.quick else 10)
    args.users = args.users or (3 if args.quick else 10)
    args.seconds = args.seconds or (1.2 if args.quick else 8.0)
    args.think = args.think if args.think is not None else (0.2 if args.quick else 1.0)
    args.quiet = 0.12 if args.quick else 0.3
    return asyncio.run(amain(args))


if __name__ == "__main__":
    raise SystemExit(main())
