"""Issue 15 figures: poison updates, delivery under faults, fairness (in-process bot, fake Bot API).

    python bench/reliability.py                 # this tree
    python bench/reliability.py --tree /path    # another checkout (e.g. before the fix), same fake server
    python bench/reliability.py --quick         # fewer people, shorter windows

Figures printed:
* poison: ``getUpdates`` calls in a 10 s window after a poll without ``persistent_id`` arrives, the
  bytes logged meanwhile (root logger at INFO, as in production), and whether another person is
  answered;
* delivery: for each fault (none, 20 % 429, 10 % 502 before delivery, 20 % 502 after delivery,
  dropped connection after delivery, a 7 s slow answer), replies expected, delivered, lost,
  duplicated;
* fairness: 300 messages queued from one chat, then 20 other people: their wait (send to reply).
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import inspect
import io
import logging
import os
import statistics
import sys
import time
from pathlib import Path
from typing import Any

MINE = Path(__file__).resolve().parent.parent
os.environ.setdefault("PTB_TIMEDELTA", "1")

LYON = "J'habite à Lyon et je suis salarié"
SCRIPT = (("/start", 1), (LYON, 1), ("je veux changer de métier", 1))


def _setup(tree: Path) -> None:
    """The fake server of this tree (its fault modes), the bot and the harness of ``tree``."""
    sys.path.insert(0, str(MINE / "tests"))
    import fakebotapi  # noqa: F401 - loaded first: the harness of ``tree`` gets this one

    sys.path[:1] = [str(tree / "tests"), str(tree)]


def _knowledge(tree: Path) -> Any:
    from bot.kb.load import load_knowledge
    from harness import RunningBot

    snapshot = load_knowledge(tree / "knowledge")
    if "knowledge" in inspect.signature(RunningBot.__init__).parameters:
        from bot.nlu.knowledge import build_knowledge

        return build_knowledge(snapshot)
    return snapshot


async def _play(fake: Any, users: list[int], seconds: float) -> None:
    for step, _ in SCRIPT:
        for user in users:
            (fake.send_command if step.startswith("/") else fake.send_text)(user, step)
        deadline = time.monotonic() + seconds
        for user in users:
            with contextlib.suppress(AssertionError):  # counted as lost below
                await fake.areplies(user, 1, timeout=max(0.1, deadline - time.monotonic()))


async def delivery(knowledge: Any, users: int) -> None:
    import tempfile

    from fakebotapi import FakeBotApi
    from harness import RunningBot, make_config

    faults: list[tuple[str, dict[str, Any]]] = [
        ("no fault", {}),
        ("429 on 20 % of sends", {"fail_rate_429": 0.2}),
        ("502 before delivery, 10 %", {"fail_rate_5xx": 0.1}),
        ("502 after delivery, 20 %", {"fail_rate_5xx_after": 0.2}),
    ]
    print(f"\n## delivery ({users} people x {len(SCRIPT)} replies)\n")
    print("| fault | expected | delivered | lost | duplicated |\n|---|---|---|---|---|")
    for name, settings in [*faults, ("connection dropped after delivery, 1 in 5", {}), ("one answer 7 s slow", {})]:
        with tempfile.TemporaryDirectory() as tmp, FakeBotApi() as fake:
            async with RunningBot(make_config(Path(tmp), fake), knowledge):
                if settings:
                    fake.set_faults(seed=3, methods={"sendMessage"}, **settings)
                elif name.startswith("connection"):
                    fake.fail_next("sendMessage", status=0, count=users * len(SCRIPT) // 5, after_delivery=True)
                elif name.startswith("one answer"):
                    fake.slow_next("sendMessage", 7.0, count=1)
                group = list(range(1000, 1000 + users))
                await _play(fake, group, seconds=120)
                await asyncio.sleep(2.0)
                expected = users * sum(n for _, n in SCRIPT)
                got = [len(fake.sent(u)) for u in group]
                lost = sum(max(0, sum(n for _, n in SCRIPT) - g) for g in got)
                print(f"| {name} | {expected} | {sum(got)} | {lost} | {sum(got) - expected + lost} |")


async def poison(knowledge: Any, window: float) -> None:
    import tempfile

    from fakebotapi import FakeBotApi
    from harness import RunningBot, make_config

    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    root = logging.getLogger()
    root.addHandler(handler)
    root.setLevel(logging.INFO)
    update = {
        "message": {
            "message_id": 1,
            "date": 0,
            "chat": {"id": 5, "type": "private", "first_name": "Zoé"},
            "from": {"id": 5, "is_bot": False, "first_name": "Zoé"},
            "poll": {
                "id": "p",
                "question": "secret?",
                "options": [{"text": "a", "voter_count": 0}],
                "total_voter_count": 0,
                "is_closed": False,
                "is_anonymous": True,
                "type": "regular",
                "allows_multiple_answers": False,
            },
        }
    }
    with tempfile.TemporaryDirectory() as tmp, FakeBotApi() as fake:
        async with RunningBot(make_config(Path(tmp), fake), knowledge):
            before = len(fake.calls_of("getUpdates"))
            start = stream.tell()
            fake.push_update(update)
            fake.send_text(6, "Lyon")
            await asyncio.sleep(window)
            calls = len(fake.calls_of("getUpdates")) - before
            logged = len(stream.getvalue().encode()) - start
            answered = bool(fake.sent(6))
    root.removeHandler(handler)
    print(
        f"\n## poison update\n\ngetUpdates calls in {window:.0f} s: {calls}; bytes logged: {logged}; "
        f"the other person answered: {answered}"
    )


async def fairness(knowledge: Any, backlog: int) -> None:
    import tempfile

    from fakebotapi import FakeBotApi
    from harness import RunningBot, make_config

    with tempfile.TemporaryDirectory() as tmp, FakeBotApi() as fake:
        async with RunningBot(make_config(Path(tmp), fake), knowledge):
            for _ in range(backlog):
                fake.send_text(500, "bonjour")
            others = list(range(600, 620))
            sent_at = {}
            for user in others:
                fake.send_text(user, "Lyon")
                sent_at[user] = time.monotonic()
            waits = []
            for user in others:
                await fake.areplies(user, 1, timeout=600)
                (message,) = [c for c in fake.calls_of("sendMessage", failed=False) if c.params.get("chat_id") == user][
                    :1
                ]
                waits.append(message.time - sent_at[user])
            await fake.auntil(lambda: len(fake.sent(500)) >= backlog, timeout=600)
    print(
        f"\n## fairness ({backlog} messages queued from one chat, then 20 people)\n\n"
        f"wait of the 20 others: median {statistics.median(waits):.2f} s, max {max(waits):.2f} s"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--tree", type=Path, default=MINE)
    parser.add_argument("--quick", action="store_true")
    parser.add_argument("--only", choices=("poison", "delivery", "fairness"), default=None)
    args = parser.parse_args()
    _setup(args.tree.resolve())
    knowledge = _knowledge(args.tree.resolve())
    print(f"tree: {args.tree}")
    if args.only in (None, "poison"):
        asyncio.run(poison(knowledge, 5.0 if args.quick else 10.0))
    if args.only in (None, "delivery"):
        asyncio.run(delivery(knowledge, 10 if args.quick else 50))
    if args.only in (None, "fairness"):
        asyncio.run(fairness(knowledge, 100 if args.quick else 300))


if __name__ == "__main__":
    main()
