"""Benchmark of persistence: what saving every turn costs.

Usage:
    python bench/storage.py            # full run (a few thousand turns and writes)
    python bench/storage.py --quick    # tiny run, a few seconds

What it measures (one process, a temporary SQLite file on the local disk):
- the cost per update: the same scripted conversations run through ``Assistant.process`` with the
  store (load state, engine, commit state + events) and without any store (engine only); the
  difference is what persistence adds to each update (mean, p50, p99, in ms);
- raw ``Store.save_turn`` writes per second (a realistic state and two events per turn), one at a
  time (as PTB processes updates) and 50 at once (concurrent turns share commits' I/O through
  one connection), with ``synchronous=NORMAL`` (the setting used: durable against a killed
  process) and ``synchronous=FULL`` (durable against a power cut too) for comparison;
- ``Store.load_state`` reads per second.
Ends with a markdown table.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import platform
import sqlite3
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bot.config import Config  # noqa: E402
from bot.dialogue.engine import Conversation, UserInput  # noqa: E402
from bot.nlu.knowledge import load  # noqa: E402
from bot.service import Assistant  # noqa: E402
from bot.storage import Store, load_or_create_key  # noqa: E402

SCRIPT = (
    ("command", "/start affiche"),
    ("text", "J'habite à Lyon et je suis salarié"),
    ("button", "n|accompagnement"),
    ("button", "u|y"),
    ("text", "Est-ce que c'est gratuit ?"),
    ("text", "75011, je suis indépendant"),
)


async def conversations(assistant: Assistant, users: int) -> list[float]:
    """Run SCRIPT for ``users`` people, one update at a time; seconds per update."""
    times: list[float] = []
    revs: dict[int, int] = {}
    for user in range(users):
        for kind, text in SCRIPT:
            data = f"{revs.get(user, 0)}|{text}" if kind == "button" else text
            started = time.perf_counter()
            turn = await assistant.process(10_000 + user, 10_000 + user, UserInput(kind, data))
            times.append(time.perf_counter() - started)
            revs[user] = turn.state.rev
    return times


def summary_ms(times: list[float]) -> tuple[float, float, float]:
    ordered = sorted(times)
    return (
        statistics.fmean(ordered) * 1000,
        ordered[len(ordered) // 2] * 1000,
        ordered[min(len(ordered) - 1, int(len(ordered) * 0.99))] * 1000,
    )


async def per_update(knowledge, folder: Path, users: int) -> dict[str, tuple[float, float, float]]:  # type: ignore[no-untyped-def]
    config = Config(
        path=folder / "config.yaml",
        knowledge_dir=ROOT / "knowledge",
        database=folder / "turns.sqlite3",
        hash_key_file=folder / "hash.key",
    )
    await conversations(Assistant(config, knowledge, None), 5)  # warm caches
    without = await conversations(Assistant(config, knowledge, None), users)
    async with Store(config.database, load_or_create_key(config.hash_key_file)) as store:
        with_store = await conversations(Assistant(config, knowledge, store), users)
    return {"without": summary_ms(without), "with": summary_ms(with_store)}


STATE = Conversation(
    step="need",
    region="84",
    departement="69",
    commune="69123",
    place_label="Lyon (69)",
    traits=["salarie"],
    source="affiche",
    rev=2,
).to_dict()
EVENTS = [{"type": "place", "how": "nom", "region": "84"}, {"type": "situation", "profile": "salarie", "how": "texte"}]


async def writes(folder: Path, name: str, count: int, *, synchronous: str, batch: int) -> float:
    """save_turn calls per second."""
    path = folder / f"{name}.sqlite3"
    async with Store(path, load_or_create_key(folder / "hash.key")) as store:
        assert store.db is not None
        await store.db.execute(f"PRAGMA synchronous={synchronous}")
        started = time.perf_counter()
        for first in range(0, count, batch):
            await asyncio.gather(
                *(store.save_turn(f"p{i % 500}", STATE, EVENTS) for i in range(first, min(count, first + batch)))
            )
        seconds = time.perf_counter() - started
    return count / seconds


async def reads(folder: Path, count: int) -> float:
    async with Store(folder / "NORMAL-1.sqlite3", load_or_create_key(folder / "hash.key")) as store:
        started = time.perf_counter()
        for i in range(count):
            await store.load_state(f"p{i % 500}")
        return count / (time.perf_counter() - started)


async def run(quick: bool) -> None:
    users = 30 if quick else 300
    count = 300 if quick else 3000
    knowledge = load(ROOT / "knowledge")
    with tempfile.TemporaryDirectory(prefix="cep-bench-", dir=os.environ.get("BENCH_DIR")) as tmp:
        folder = Path(tmp)
        print(
            f"python {platform.python_version()}, SQLite {sqlite3.sqlite_version}, {platform.machine()}, "
            f"{os.cpu_count()} CPU; files in {folder}"
        )
        print(f"{users} conversations x {len(SCRIPT)} updates, one at a time ...", flush=True)
        cost = await per_update(knowledge, folder, users)
        rates = {}
        for sync in ("NORMAL", "FULL"):
            for batch in (1, 50):
                print(f"{count} save_turn, synchronous={sync}, {batch} at a time ...", flush=True)
                rates[(sync, batch)] = await writes(folder, f"{sync}-{batch}", count, synchronous=sync, batch=batch)
        read_rate = await reads(folder, count)

    w, s = cost["without"], cost["with"]
    print()
    print("| measure | mean | p50 | p99 |")
    print("|---|---:|---:|---:|")
    print(f"| update without store (engine only), ms | {w[0]:.2f} | {w[1]:.2f} | {w[2]:.2f} |")
    print(f"| update with store (load + engine + commit), ms | {s[0]:.2f} | {s[1]:.2f} | {s[2]:.2f} |")
    print(f"| **persistence cost per update, ms** | **{s[0] - w[0]:.2f}** | {s[1] - w[1]:.2f} | {s[2] - w[2]:.2f} |")
    print()
    print("| raw store operation | per second |")
    print("|---|---:|")
    for (sync, batch), rate in rates.items():
        note = " (used)" if sync == "NORMAL" else ""
        print(f"| save_turn (state + 2 events), synchronous={sync}{note}, {batch} at a time | {rate:,.0f} |")
    print(f"| load_state | {read_rate:,.0f} |")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="a tiny run (a few seconds)")
    args = parser.parse_args()
    asyncio.run(run(args.quick))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
