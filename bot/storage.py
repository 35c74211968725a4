"""One SQLite file, through aiosqlite: conversation states, anonymous events, reminders.

Privacy by construction:
- a person is a keyed hash (HMAC-SHA256) of their Telegram id; the key lives in its own file,
  outside the database, created on first start;
- events hold no name, no id and no free text; texts that were not understood may be kept
  only when the configuration allows it, with no link to anybody;
- reminders keep the chat id (needed to write to the person) until sent or deleted;
- ``delete_person`` removes every row about a person, ``purge`` everything older than the
  retention period.

Durability: WAL mode; the state of a conversation is committed after every turn, so a process
killed at any moment loses at most the message being processed.
A corrupt or unreadable file is moved aside (never deleted) and a fresh one is created.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import json
import logging
import os
import secrets
import sqlite3
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import aiosqlite

__all__ = ["Reminder", "Store", "load_or_create_key"]

log = logging.getLogger(__name__)

SCHEMA = """
CREATE TABLE IF NOT EXISTS conversations (
    person TEXT PRIMARY KEY,
    state TEXT NOT NULL,
    updated_at TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS events (
    id INTEGER PRIMARY KEY,
    at TEXT NOT NULL,
    person TEXT NOT NULL,
    type TEXT NOT NULL,
    data TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS events_at ON events(at);
CREATE INDEX IF NOT EXISTS events_person ON events(person);
CREATE TABLE IF NOT EXISTS reminders (
    id INTEGER PRIMARY KEY,
    person TEXT NOT NULL,
    chat_id INTEGER NOT NULL,
    due_at TEXT NOT NULL,
    payload TEXT NOT NULL,
    created_at TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS reminders_person ON reminders(person);
CREATE TABLE IF NOT EXISTS unknown_texts (
    id INTEGER PRIMARY KEY,
    at TEXT NOT NULL,
    text TEXT NOT NULL
);
"""


def load_or_create_key(path: Path) -> bytes:
    """The hashing key; created (32 random bytes, mode 600) when the file does not exist."""
    if path.exists():
        data = path.read_bytes().strip()
        if len(data) >= 32:
            return data
    path.parent.mkdir(parents=True, exist_ok=True)
    key = secrets.token_hex(32).encode()
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "wb") as handle:
        handle.write(key)
    log.info("created a new hashing key in %s", path)
    return key


@dataclass(frozen=True, slots=True)
class Reminder:
    id: int
    person: str
    chat_id: int
    due_at: dt.datetime
    payload: dict[str, Any]


def _now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


class Store:
    """Async access to the database; one connection, serialised by aiosqlite's thread."""

    def __init__(self, path: Path, key: bytes, *, keep_unknown: bool = False) -> None:
        self.path = Path(path)
        self.key = key
        self.keep_unknown = keep_unknown
        self.db: aiosqlite.Connection | None = None

    def person(self, user_id: int | str) -> str:
        """The anonymous handle of a Telegram user."""
        return hmac.new(self.key, str(user_id).encode(), hashlib.sha256).hexdigest()[:32]

    # -- lifecycle ----------------------------------------------------------------------------

    async def open(self) -> Store:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        try:
            await self._connect()
        except (sqlite3.DatabaseError, OSError) as exc:
            await self._close_quietly()
            aside = self.path.with_name(f"{self.path.name}.corrupt-{_now().strftime('%Y%m%dT%H%M%S')}")
            log.error("database %s is unreadable (%s): moved aside to %s, starting a new one", self.path, exc, aside)
            for suffix in ("", "-wal", "-shm"):
                source = Path(str(self.path) + suffix)
                if source.exists():
                    source.rename(Path(str(aside) + suffix))
            await self._connect()
        return self

    async def _connect(self) -> None:
        self.db = await aiosqlite.connect(self.path)
        await self.db.execute("PRAGMA journal_mode=WAL")
        await self.db.execute("PRAGMA synchronous=NORMAL")
        async with self.db.execute("PRAGMA quick_check") as cursor:
            row = await cursor.fetchone()
        if row is None or row[0] != "ok":
            raise sqlite3.DatabaseError(f"quick_check: {row[0] if row else 'no answer'}")
        await self.db.executescript(SCHEMA)
        await self.db.commit()

    async def _close_quietly(self) -> None:
        if self.db is not None:
            try:
                await self.db.close()
            except Exception:  # noqa: BLE001 - closing a broken connection
                log.debug("closing a broken connection failed", exc_info=True)
            self.db = None

    async def close(self) -> None:
        if self.db is not None:
            await self.db.close()
            self.db = None

    async def __aenter__(self) -> Store:
        return await self.open()

    async def __aexit__(self, *exc: object) -> None:
        await self.close()

    @property
    def _db(self) -> aiosqlite.Connection:
        if self.db is None:
            raise RuntimeError("store not opened")
        return self.db

    # -- conversations --------------------------------------------------------------------------

    async def load_state(self, person: str) -> dict[str, Any] | None:
        async with self._db.execute("SELECT state FROM conversations WHERE person = ?", (person,)) as cursor:
            row = await cursor.fetchone()
        if row is None:
            return None
        try:
            return json.loads(row[0])
        except ValueError:
            log.warning("unreadable conversation state, starting afresh")
            return None

    async def save_turn(self, person: str, state: dict[str, Any], events: list[dict[str, Any]], unknown_texts: list[str] = ()) -> None:  # type: ignore[assignment]
        """Commit the new state and the turn's events together."""
        now = _now().isoformat()
        db = self._db
        await db.execute(
            "INSERT INTO conversations(person, state, updated_at) VALUES (?, ?, ?) "
            "ON CONFLICT(person) DO UPDATE SET state = excluded.state, updated_at = excluded.updated_at",
            (person, json.dumps(state, ensure_ascii=False), now),
        )
        if events:
            await db.executemany(
                "INSERT INTO events(at, person, type, data) VALUES (?, ?, ?, ?)",
                [(now, person, e["type"], json.dumps({k: v for k, v in e.items() if k != "type"}, ensure_ascii=False)) for e in events],
            )
        if self.keep_unknown:
            await db.executemany("INSERT INTO unknown_texts(at, text) VALUES (?, ?)", [(now, t[:1000]) for t in unknown_texts])
        await db.commit()

    async def save_events_only(self, person: str, events: list[dict[str, Any]]) -> None:
        now = _now().isoformat()
        await self._db.executemany(
            "INSERT INTO events(at, person, type, data) VALUES (?, ?, ?, ?)",
            [(now, person, e["type"], json.dumps({k: v for k, v in e.items() if k != "type"}, ensure_ascii=False)) for e in events],
        )
        await self._db.commit()

    # -- reminders ------------------------------------------------------------------------------

    async def add_reminder(self, person: str, chat_id: int, due_at: dt.datetime, payload: dict[str, Any]) -> int:
        cursor = await self._db.execute(
            "INSERT INTO reminders(person, chat_id, due_at, payload, created_at) VALUES (?, ?, ?, ?, ?)",
            (person, chat_id, due_at.isoformat(), json.dumps(payload, ensure_ascii=False), _now().isoformat()),
        )
        await self._db.commit()
        return int(cursor.lastrowid or 0)

    async def pending_reminders(self) -> list[Reminder]:
        async with self._db.execute("SELECT id, person, chat_id, due_at, payload FROM reminders ORDER BY due_at") as cursor:
            rows = await cursor.fetchall()
        return [Reminder(r[0], r[1], r[2], dt.datetime.fromisoformat(r[3]), json.loads(r[4])) for r in rows]

    async def reminder(self, reminder_id: int) -> Reminder | None:
        async with self._db.execute("SELECT id, person, chat_id, due_at, payload FROM reminders WHERE id = ?", (reminder_id,)) as cursor:
            r = await cursor.fetchone()
        return Reminder(r[0], r[1], r[2], dt.datetime.fromisoformat(r[3]), json.loads(r[4])) if r else None

    async def done_reminder(self, reminder_id: int) -> None:
        await self._db.execute("DELETE FROM reminders WHERE id = ?", (reminder_id,))
        await self._db.commit()

    # -- privacy --------------------------------------------------------------------------------

    async def delete_person(self, person: str) -> dict[str, int]:
        """Remove every row about ``person``; returns how many rows per table."""
        counts = {}
        for table in ("conversations", "events", "reminders"):
            cursor = await self._db.execute(f"DELETE FROM {table} WHERE person = ?", (person,))  # noqa: S608 - fixed names
            counts[table] = cursor.rowcount
        await self._db.commit()
        return counts

    async def purge(self, retention_days: int, now: dt.datetime | None = None) -> dict[str, int]:
        """Delete what is older than the retention period."""
        limit = ((now or _now()) - dt.timedelta(days=retention_days)).isoformat()
        counts = {}
        for table, column in (("conversations", "updated_at"), ("events", "at"), ("reminders", "created_at"), ("unknown_texts", "at")):
            cursor = await self._db.execute(f"DELETE FROM {table} WHERE {column} < ?", (limit,))  # noqa: S608 - fixed names
            counts[table] = cursor.rowcount
        await self._db.commit()
        return counts

    # -- figures --------------------------------------------------------------------------------

    async def events(self, since: dt.date | None = None, until: dt.date | None = None) -> list[tuple[str, str, str, dict[str, Any]]]:
        query = "SELECT at, person, type, data FROM events WHERE 1=1"
        params: list[str] = []
        if since:
            query += " AND at >= ?"
            params.append(since.isoformat())
        if until:
            query += " AND at < ?"
            params.append((until + dt.timedelta(days=1)).isoformat())
        async with self._db.execute(query + " ORDER BY id", params) as cursor:
            rows = await cursor.fetchall()
        return [(r[0], r[1], r[2], json.loads(r[3])) for r in rows]

    async def count(self, table: str) -> int:
        async with self._db.execute(f"SELECT COUNT(*) FROM {table}") as cursor:  # noqa: S608 - fixed names
            row = await cursor.fetchone()
        return int(row[0]) if row else 0
