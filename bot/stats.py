"""Usage figures from the anonymous events: ``cep-bot stats``, ``/stats``, and ``cep-bot purge``."""

from __future__ import annotations

import asyncio
import csv
import datetime as dt
import sys
from collections import Counter, defaultdict
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

from bot.storage import DatabaseUnavailable, Store
from bot.vocab import EventType

if TYPE_CHECKING:
    from collections.abc import Awaitable, Callable

    from bot.config import Config

_T = TypeVar("_T")

__all__ = ["Summary", "run_purge", "run_stats", "summarise"]

COLUMNS = (
    "groupe",
    "conversations",
    "personnes",
    "reponses",
    "questions",
    "utile_oui",
    "utile_non",
    "satisfaction_pct",
    "rdv_pris",
    "rappels_demandes",
    "rappels_envoyes",
    "non_compris",
)
DIMENSIONS = {"region": "region", "lot": "lot", "situation": "profile", "door": "door"}


@dataclass
class Summary:
    rows: list[dict[str, Any]]
    by: str | None

    @property
    def text(self) -> str:
        if not self.rows:
            return "Aucun événement sur la période."
        lines = []
        for row in self.rows:
            head = f"[{row['groupe']}] " if self.by else ""
            pct = f"{row['satisfaction_pct']} %" if row["satisfaction_pct"] != "" else "n/d"
            lines.append(
                f"{head}{row['conversations']} conversations ({row['personnes']} personnes), "
                f"{row['reponses']} réponses, {row['questions']} questions, "
                f"utile : {row['utile_oui']} oui / {row['utile_non']} non ({pct}), "
                f"{row['rdv_pris']} rendez-vous déclarés, "
                f"rappels : {row['rappels_demandes']} demandés / {row['rappels_envoyes']} envoyés, "
                f"{row['non_compris']} messages non compris"
            )
        return "\n".join(lines)

    def table(self) -> str:
        """Aligned columns for the terminal."""
        if not self.rows:
            return "Aucun événement sur la période."
        heads = {
            "groupe": self.by or "",
            "conversations": "conversations",
            "personnes": "personnes",
            "reponses": "réponses",
            "questions": "questions",
            "utile_oui": "utile oui",
            "utile_non": "utile non",
            "satisfaction_pct": "% utile",
            "rdv_pris": "rdv pris",
            "rappels_demandes": "rappels demandés",
            "rappels_envoyes": "rappels envoyés",
            "non_compris": "non compris",
        }
        columns = [c for c in COLUMNS if c != "groupe" or self.by]
        cells = [[heads[c] for c in columns]] + [
            [str(row[c]) if row[c] != "" else "-" for c in columns] for row in self.rows
        ]
        widths = [max(len(r[i]) for r in cells) for i in range(len(columns))]
        lines = []
        for n, r in enumerate(cells):
            lines.append(
                "  ".join(
                    v.ljust(w) if i == 0 and self.by else v.rjust(w)
                    for i, (v, w) in enumerate(zip(r, widths, strict=True))
                ).rstrip()
            )
            if n == 0:
                lines.append("  ".join("-" * w for w in widths))
        return "\n".join(lines)


Event = tuple[str, str, str, dict[str, Any]]  # (date, person, type, data)


def summarise(events: list[Event], by: str | None = None) -> Summary:
    """Count events, overall or per group (region, lot, source, situation, door).

    By source: every event goes to the group of the person's last deep link. By an answer
    dimension: each answer counts in its own group; the person's other events go to the group
    of their last answer ("(sans réponse)" when they got none).
    """
    if by not in (None, "source", *DIMENSIONS):
        by = None
    group_of = _person_groups(events, by)
    counters: dict[str, Counter[str]] = defaultdict(Counter)
    persons: dict[str, set[str]] = defaultdict(set)
    for _, person, kind, data in events:
        group = _event_group(by, group_of, person, kind, data)
        counters[group][kind] += 1
        if kind == EventType.SATISFACTION:
            counters[group]["utile_" + ("oui" if data.get("value") == "yes" else "non")] += 1
        if kind == EventType.BOOKING and data.get("value") == "booked":
            counters[group]["rdv_pris"] += 1
        persons[group].add(person)
    return Summary([_row(group, counters[group], len(persons[group])) for group in sorted(counters)], by)


def _person_groups(events: list[Event], by: str | None) -> dict[str, str]:
    """The group of each person: their last deep link (by source) or their last answer's value."""
    group_of: dict[str, str] = {}
    if by == "source":
        for _, person, kind, data in events:
            if kind == EventType.CONVERSATION_STARTED:
                group_of[person] = data.get("source") or "(direct)"
    elif by is not None:
        field = DIMENSIONS[by]
        for _, person, kind, data in events:
            if kind == EventType.ANSWER:
                group_of[person] = str(data.get(field) or "(inconnu)")
    return group_of


def _event_group(by: str | None, group_of: dict[str, str], person: str, kind: str, data: dict[str, Any]) -> str:
    if not by:
        return "total"
    if kind == EventType.ANSWER and by != "source":
        return str(data.get(DIMENSIONS[by]) or "(inconnu)")
    return group_of.get(person, "(direct)" if by == "source" else "(sans réponse)")


def _row(group: str, c: Counter[str], persons: int) -> dict[str, Any]:
    rated = c["utile_oui"] + c["utile_non"]
    return {
        "groupe": group,
        "conversations": c[EventType.CONVERSATION_STARTED],
        "personnes": persons,
        "reponses": c[EventType.ANSWER],
        "questions": c[EventType.QUESTION],
        "utile_oui": c["utile_oui"],
        "utile_non": c["utile_non"],
        "satisfaction_pct": round(100 * c["utile_oui"] / rated) if rated else "",
        "rdv_pris": c["rdv_pris"],
        "rappels_demandes": c[EventType.REMINDER_ASKED],
        "rappels_envoyes": c[EventType.REMINDER_SENT],
        "non_compris": c[EventType.NOT_UNDERSTOOD],
    }


def _missing(config: Config) -> bool:
    if Path(config.database).exists():
        return False
    print(
        f"Aucune base de données à {config.database} (le bot a-t-il déjà tourné ? vérifiez « database » dans "
        f"{config.path}).",
        file=sys.stderr,
    )
    return True


async def _with_store(config: Config, action: Callable[[Store], Awaitable[_T]]) -> _T:
    # Events and dates need no key (events are already anonymous); never repair from a tool:
    # a file the bot is using must not be moved aside by a command run at the same time.
    async with Store(config.database, b"", repair=False) as store:
        return await action(store)


def run_stats(
    config: Config, since: dt.date | None, until: dt.date | None, by: str | None, csv_path: str | None
) -> int:
    if _missing(config):
        return 1

    async def action(store: Store) -> list[tuple[str, str, str, dict[str, Any]]]:
        return await store.events(since, until)

    try:
        events = asyncio.run(_with_store(config, action))
    except DatabaseUnavailable as exc:
        print(exc, file=sys.stderr)
        return 1
    summary = summarise(events, by)
    period = f"du {since or 'début'} au {until or dt.date.today()}"
    print(f"Chiffres d'usage {period}" + (f", par {by}" if by else ""))
    print(summary.table())
    if csv_path:
        with Path(csv_path).open("w", newline="", encoding="utf-8") as handle:
            writer = csv.DictWriter(handle, fieldnames=COLUMNS)
            writer.writeheader()
            writer.writerows(summary.rows)
        print(f"Tableau écrit dans {csv_path}")
    return 0


def run_purge(config: Config) -> int:
    if _missing(config):
        return 1

    async def action(store: Store) -> dict[str, int]:
        return await store.purge(config.retention_days)

    try:
        counts = asyncio.run(_with_store(config, action))
    except DatabaseUnavailable as exc:
        print(exc, file=sys.stderr)
        return 1
    labels = {
        "conversations": "conversations",
        "events": "événements",
        "reminders": "rappels",
        "unknown_texts": "messages non compris",
    }
    print(
        f"Supprimé (plus de {config.retention_days} jours) : "
        + ", ".join(f"{labels.get(k, k)} {v}" for k, v in counts.items())
    )
    return 0
