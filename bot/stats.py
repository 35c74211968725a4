"""Usage figures from the anonymous events: ``cep-bot stats``, ``/stats``, and ``cep-bot purge``."""

from __future__ import annotations

import asyncio
import csv
import datetime as dt
from collections import Counter, defaultdict
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from bot.config import Config

__all__ = ["Summary", "run_purge", "run_stats", "summarise"]

COLUMNS = ("groupe", "conversations", "personnes", "reponses", "questions", "utile_oui", "utile_non", "satisfaction_pct", "rdv_pris", "rappels_demandes", "rappels_envoyes", "non_compris")
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
                f"{head}{row['conversations']} conversations ({row['personnes']} personnes), {row['reponses']} réponses, "
                f"{row['questions']} questions, utile : {row['utile_oui']} oui / {row['utile_non']} non ({pct}), "
                f"{row['rdv_pris']} rendez-vous déclarés, rappels : {row['rappels_demandes']} demandés / {row['rappels_envoyes']} envoyés, "
                f"{row['non_compris']} messages non compris"
            )
        return "\n".join(lines)


def summarise(events: list[tuple[str, str, str, dict[str, Any]]], by: str | None = None) -> Summary:
    """Count events, overall or per group (region, lot, source, situation, door)."""
    if by not in (None, "source", *DIMENSIONS):
        by = None
    group_of: dict[str, str] = {}
    if by == "source":
        for _, person, kind, data in events:
            if kind == "conversation_started":
                group_of[person] = data.get("source") or "(direct)"
    elif by is not None:
        field = DIMENSIONS[by]
        for _, person, kind, data in events:
            if kind == "answer":
                group_of[person] = str(data.get(field) or "(inconnu)")
    counters: dict[str, Counter[str]] = defaultdict(Counter)
    persons: dict[str, set[str]] = defaultdict(set)
    for _, person, kind, data in events:
        group = group_of.get(person, "(sans réponse)") if by else "total"
        counters[group][kind] += 1
        if kind == "satisfaction":
            counters[group]["utile_" + ("oui" if data.get("value") == "yes" else "non")] += 1
        if kind == "booking" and data.get("value") == "booked":
            counters[group]["rdv_pris"] += 1
        persons[group].add(person)
    rows = []
    for group in sorted(counters):
        c = counters[group]
        rated = c["utile_oui"] + c["utile_non"]
        rows.append(
            {
                "groupe": group,
                "conversations": c["conversation_started"],
                "personnes": len(persons[group]),
                "reponses": c["answer"],
                "questions": c["question"],
                "utile_oui": c["utile_oui"],
                "utile_non": c["utile_non"],
                "satisfaction_pct": round(100 * c["utile_oui"] / rated) if rated else "",
                "rdv_pris": c["rdv_pris"],
                "rappels_demandes": c["reminder_asked"],
                "rappels_envoyes": c["reminder_sent"],
                "non_compris": c["not_understood"],
            }
        )
    return Summary(rows, by)


async def _with_store(config: Config, action):  # type: ignore[no-untyped-def]
    from bot.storage import Store, load_or_create_key  # noqa: PLC0415

    async with Store(config.database, load_or_create_key(config.hash_key_file)) as store:
        return await action(store)


def run_stats(config: Config, since: dt.date | None, until: dt.date | None, by: str | None, csv_path: str | None) -> int:
    async def action(store):  # type: ignore[no-untyped-def]
        return await store.events(since, until)

    events = asyncio.run(_with_store(config, action))
    summary = summarise(events, by)
    period = f"du {since or 'début'} au {until or dt.date.today()}"
    print(f"Chiffres d'usage {period}" + (f", par {by}" if by else ""))
    print(summary.text)
    if csv_path:
        with open(csv_path, "w", newline="", encoding="utf-8") as handle:
            writer = csv.DictWriter(handle, fieldnames=COLUMNS)
            writer.writeheader()
            writer.writerows(summary.rows)
        print(f"Tableau écrit dans {csv_path}")
    return 0


def run_purge(config: Config) -> int:
    async def action(store):  # type: ignore[no-untyped-def]
        return await store.purge(config.retention_days)

    counts = asyncio.run(_with_store(config, action))
    print(f"Supprimé (plus de {config.retention_days} jours) : " + ", ".join(f"{k} {v}" for k, v in counts.items()))
    return 0
