"""One SQLite file, through aiosqlite: conversation states, anonymous events, reminders.

Privacy by construction:
- a person is a keyed hash (HMAC-SHA256) of their Telegram id; the key lives in its own file
  (mode 600), outside the database, created on first start: a copy of the database alone
  identifies nobody;
- events hold no name, no id and no free text, only codes (region, lot, profile, how...);
- reminders need the chat id to write to the person: it is stored sealed with the same key,
  and the row is deleted once the reminder is sent;
- texts that were not understood are kept only when the configuration allows it, scrubbed of
  e-mail addresses and long numbers, with no link to anybody: no person column, only the day,
  and identical texts counted together in a table ordered by text, not by arrival;
- ``delete_person`` removes every row about a person, ``purge`` everything older than the
  retention period; deleted content is overwritten (``secure_delete``) and the write-ahead
  log truncated afterwards;
- the inbox (updates received, not yet handled) and the outbox (messages committed, not yet
  accepted by Telegram) hold their content and chat ids sealed with the key, and each row is
  deleted as soon as it has been handled or sent;
- the database file (and so its write-ahead log, which SQLite creates with the same mode) is
  readable by its owner only (0600).

Durability: WAL mode. Each update received is written to the inbox before Telegram is told it
arrived; :meth:`Store.save_turn` commits, in one transaction, the new state of a conversation, the
turn's events, its replies (to the outbox) and the removal of the update from the inbox. A process
killed at any moment therefore loses nothing: at the next start the inbox is handled and the
outbox sent. (``synchronous=NORMAL``: a committed turn survives the death of the process; only a
power cut may lose the last few commits.)

A corrupt file is moved aside (never deleted) and a fresh one is created. A file that cannot be
written (permissions, read-only disk) is not corrupt: it is left alone and the store refuses to
open (:class:`DatabaseUnavailable`). A database that vanishes while the bot runs is noticed
(:meth:`Store.check_files`).
"""

from __future__ import annotations

import asyncio
import datetime as dt
import hashlib
import hmac
import json
import logging
import os
import re
import secrets
import sqlite3
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import aiosqlite

__all__ = ["DataVanished", "DatabaseUnavailable", "Outgoing", "Reminder", "Store", "load_or_create_key", "scrub"]

log = logging.getLogger(__name__)

SCHEMA_VERSION = 1
TABLES = ("meta", "conversations", "events", "reminders", "unknown_texts", "inbox", "outbox")
FILE_MODE = 0o600

REMINDERS_DDL = """CREATE TABLE IF NOT EXISTS reminders (
    id INTEGER PRIMARY KEY,
    person TEXT NOT NULL,
    chat TEXT NOT NULL,
    due_at TEXT NOT NULL,
    payload TEXT NOT NULL,
    created_at TEXT NOT NULL
)"""
UNKNOWN_DDL = """CREATE TABLE IF NOT EXISTS unknown_texts (
    day TEXT NOT NULL,
    text TEXT NOT NULL,
    count INTEGER NOT NULL,
    PRIMARY KEY (day, text)
) WITHOUT ROWID"""
SCHEMA = f"""
CREATE TABLE IF NOT EXISTS meta (
    name TEXT PRIMARY KEY,
    value TEXT NOT NULL
);
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
{REMINDERS_DDL};
CREATE INDEX IF NOT EXISTS reminders_person ON reminders(person);
{UNKNOWN_DDL};
CREATE TABLE IF NOT EXISTS inbox (
    update_id INTEGER PRIMARY KEY,
    received_at TEXT NOT NULL,
    payload TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS outbox (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    chat_key TEXT NOT NULL,
    chat TEXT NOT NULL,
    payload TEXT NOT NULL,
    created_at TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS outbox_chat ON outbox(chat_key, id);
"""

# the only sqlite error names that say "damaged": every other failure (busy, full, read-only,
# permission denied, cannot open...) leaves the file where it is
_CORRUPT = ("SQLITE_CORRUPT", "SQLITE_NOTADB")
_SEAL_BLOCK = 32  # bytes of key stream per HMAC-SHA256


class DatabaseUnavailable(RuntimeError):
    """The database cannot be used and was not (or could not be) replaced."""


class DataVanished(RuntimeError):
    """The database or the hashing key disappeared: recreating them silently would lose the data."""


class _Corrupt(sqlite3.DatabaseError):
    """What our own checks found: no SQLite header, or a failed quick_check."""


# -- the hashing key ---------------------------------------------------------------------------


def _aside_path(path: Path, label: str) -> Path:
    """A free name next to ``path`` (never overwrite an earlier file set aside)."""
    stamp = dt.datetime.now(dt.UTC).strftime("%Y%m%dT%H%M%S")
    candidate = path.with_name(f"{path.name}.{label}-{stamp}")
    n = 1
    while any(Path(str(candidate) + s).exists() for s in ("", "-wal", "-shm")):
        n += 1
        candidate = path.with_name(f"{path.name}.{label}-{stamp}-{n}")
    return candidate


def load_or_create_key(path: Path | str) -> bytes:
    """The hashing key; created (64 random hex characters, mode 600) when the file does not exist.

    An existing key is never overwritten: a file too short to be a key is moved aside first.
    Creation is atomic (written under a temporary name, then linked), so two processes starting
    at once end up with the same key.
    """
    path = Path(path)
    try:
        data = path.read_bytes().strip()
    except FileNotFoundError:
        data = None
    if data is not None:
        if len(data) >= 32:
            mode = path.stat().st_mode & 0o777
            if mode & 0o077:
                log.warning("hash key file %s was readable by others (mode %o): now 600", path, mode)
                path.chmod(0o600)
            return data
        aside = _aside_path(path, "invalid")
        log.error(
            "hash key file %s is invalid (%d bytes): moved aside to %s, a new key is created", path, len(data), aside
        )
        path.rename(aside)
    path.parent.mkdir(parents=True, exist_ok=True)
    key = secrets.token_hex(32).encode()
    tmp = path.with_name(f".{path.name}.{os.getpid()}.{secrets.token_hex(4)}.tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(key)
            handle.flush()
            os.fsync(handle.fileno())
        try:
            os.link(tmp, path)
        except FileExistsError:
            return load_or_create_key(path)  # another process created it first: use theirs
    finally:
        tmp.unlink(missing_ok=True)
    log.info("created a new hashing key in %s", path)
    return key


# -- helpers -------------------------------------------------------------------------------------

_EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")
_HANDLE = re.compile(r"(?<!\w)@\w{3,}")
_LONG_NUMBER = re.compile(r"(?:\+|\b)\d(?:[\s.-]?\d){5,}\b")
_URL = re.compile(r"\bhttps?://\S+", re.IGNORECASE)


def scrub(text: str, limit: int = 500) -> str:
    """A not-understood text as kept: no e-mail, @handle, URL or long number (phone, id)."""
    text = _URL.sub("[lien]", text)
    text = _EMAIL.sub("[e-mail]", text)
    text = _HANDLE.sub("[pseudo]", text)
    text = _LONG_NUMBER.sub("[numéro]", text)
    return " ".join(text.split())[:limit]


@dataclass(frozen=True, slots=True)
class Outgoing:
    """What a turn sends (committed with it): the chat, its messages as JSON, the update it handles."""

    chat_id: int
    messages: tuple[dict[str, Any], ...] = ()
    update_id: int | None = None


@dataclass(frozen=True, slots=True)
class Reminder:
    id: int
    person: str
    chat_id: int
    due_at: dt.datetime
    payload: dict[str, Any]


def _now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


def _event_rows(now: str, person: str, events: Iterable[dict[str, Any]]) -> list[tuple[str, str, str, str]]:
    return [
        (now, person, e["type"], json.dumps({k: v for k, v in e.items() if k != "type"}, ensure_ascii=False))
        for e in events
    ]


def _is_corrupt(exc: BaseException) -> bool:
    """Damage, as opposed to a file that cannot be opened or written (never moved aside)."""
    if isinstance(exc, _Corrupt):
        return True
    name = getattr(exc, "sqlite_errorname", "") or ""
    return name.startswith(_CORRUPT)


def _writable(path: Path) -> str | None:
    """Why the database at ``path`` cannot be written, in French, or None when it can."""
    folder = path.parent
    if not os.access(folder, os.W_OK | os.X_OK):
        return f"le dossier {folder} n'est pas accessible en écriture"
    for suffix in ("", "-wal", "-shm"):
        file = Path(str(path) + suffix)
        if file.exists() and not os.access(file, os.R_OK | os.W_OK):
            return f"le fichier {file} n'est pas accessible en lecture et écriture"
    return None


def _private(path: Path) -> None:
    """Create the database file with mode 600 (SQLite gives its -wal and -shm the same mode)."""
    fd = os.open(path, os.O_RDWR | os.O_CREAT, FILE_MODE)
    os.close(fd)
    for suffix in ("", "-wal", "-shm"):
        file = Path(str(path) + suffix)
        if file.exists() and file.stat().st_mode & 0o077:
            file.chmod(FILE_MODE)


# -- the store -----------------------------------------------------------------------------------


class Store:
    """Async access to the database; one connection (aiosqlite's thread), one writer at a time.

    ``repair`` (default): an unreadable or corrupt file found at :meth:`open` is moved aside and
    replaced by a new, empty one. Command-line tools open with ``repair=False`` and stop instead.
    """

    busy_timeout = 10.0  # seconds to wait for another process's write (``cep-bot purge`` while the bot runs)

    def __init__(self, path: Path | str, key: bytes, *, keep_unknown: bool = False, repair: bool = True) -> None:
        self.path = Path(path)
        self.key = key
        self.keep_unknown = keep_unknown
        self.repair = repair
        self.db: aiosqlite.Connection | None = None
        self.moved_aside: Path | None = None
        self._write = asyncio.Lock()
        self._identity: tuple[int, int] | None = None

    def person(self, user_id: int | str) -> str:
        """The anonymous handle of a Telegram user."""
        return hmac.new(self.key, str(user_id).encode(), hashlib.sha256).hexdigest()[:32]

    # -- sealed chat ids (reminders) ------------------------------------------------------------

    def _seal(self, chat_id: int) -> str:
        nonce = secrets.token_bytes(12)
        plain = str(int(chat_id)).encode()
        stream = hmac.new(self.key, b"chat:" + nonce, hashlib.sha256).digest()
        sealed = bytes(a ^ b for a, b in zip(plain, stream, strict=False))
        tag = hmac.new(self.key, b"tag:" + nonce + sealed, hashlib.sha256).digest()[:8]
        return (nonce + tag + sealed).hex()

    def _unseal(self, value: str) -> int | None:
        try:
            raw = bytes.fromhex(value)
        except ValueError:
            return None
        nonce, tag, sealed = raw[:12], raw[12:20], raw[20:]
        if not hmac.compare_digest(tag, hmac.new(self.key, b"tag:" + nonce + sealed, hashlib.sha256).digest()[:8]):
            return None  # sealed with another key
        stream = hmac.new(self.key, b"chat:" + nonce, hashlib.sha256).digest()
        return int(bytes(a ^ b for a, b in zip(sealed, stream, strict=False)).decode())

    def _stream(self, label: bytes, nonce: bytes, size: int) -> bytes:
        blocks = (size + _SEAL_BLOCK - 1) // _SEAL_BLOCK
        return b"".join(
            hmac.new(self.key, label + nonce + i.to_bytes(4, "big"), hashlib.sha256).digest() for i in range(blocks)
        )[:size]

    def seal_text(self, text: str) -> str:
        """``text`` readable only with the key (inbox and outbox content): nonce, tag, XOR stream."""
        nonce = secrets.token_bytes(12)
        plain = text.encode("utf-8")
        sealed = bytes(a ^ b for a, b in zip(plain, self._stream(b"text:", nonce, len(plain)), strict=True))
        tag = hmac.new(self.key, b"ttag:" + nonce + sealed, hashlib.sha256).digest()[:8]
        return (nonce + tag + sealed).hex()

    def unseal_text(self, value: str) -> str | None:
        try:
            raw = bytes.fromhex(value)
        except ValueError:
            return None
        nonce, tag, sealed = raw[:12], raw[12:20], raw[20:]
        if not hmac.compare_digest(tag, hmac.new(self.key, b"ttag:" + nonce + sealed, hashlib.sha256).digest()[:8]):
            return None
        plain = bytes(a ^ b for a, b in zip(sealed, self._stream(b"text:", nonce, len(sealed)), strict=True))
        return plain.decode("utf-8", errors="replace")

    def chat_key(self, chat_id: int) -> str:
        """A keyed hash of a chat id (outbox order per chat), distinct from :meth:`person`."""
        return hmac.new(self.key, b"chat:" + str(int(chat_id)).encode(), hashlib.sha256).hexdigest()[:32]

    # -- lifecycle ------------------------------------------------------------------------------

    async def open(self) -> Store:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        problem = _writable(self.path)
        if problem is not None:
            log.error("database %s cannot be written: %s", self.path, problem)
            raise DatabaseUnavailable(
                f"base de données {self.path} inutilisable : {problem} (droits ou disque en lecture seule)"
            )
        try:
            await self._connect()
        except (sqlite3.DatabaseError, OSError) as exc:
            await self._close_quietly()
            if not _is_corrupt(exc) or not self.repair:
                log.error("database %s cannot be opened: %s", self.path, exc)
                raise DatabaseUnavailable(f"base de données {self.path} inutilisable : {exc}") from exc
            self._move_aside(exc)
            await self._connect()
        self._identity = self._file_identity()
        return self

    def _file_identity(self) -> tuple[int, int] | None:
        try:
            stat = self.path.stat()
        except OSError:
            return None
        return (stat.st_dev, stat.st_ino)

    def check_files(self, key_file: Path | None = None) -> str | None:
        """Why the store can no longer be trusted (its file or the key vanished or was replaced), or None."""
        if self._identity is not None and self._file_identity() != self._identity:
            return f"la base de données {self.path} a disparu ou a été remplacée pendant le fonctionnement"
        if key_file is not None and not Path(key_file).exists():
            return f"la clé de hachage {key_file} a disparu pendant le fonctionnement"
        return None

    def _move_aside(self, exc: BaseException) -> None:
        aside = _aside_path(self.path, "corrupt")
        try:
            for suffix in ("", "-wal", "-shm"):
                source = Path(str(self.path) + suffix)
                if source.exists():
                    source.rename(Path(str(aside) + suffix))
        except OSError as move_error:
            log.error("database %s is unreadable (%s) and cannot be moved aside: %s", self.path, exc, move_error)
            raise DatabaseUnavailable(
                f"base de données {self.path} illisible et impossible à déplacer : {move_error}"
            ) from exc
        self.moved_aside = aside
        log.error(
            (
                "database %s is unreadable or corrupt (%s): moved aside to %s (kept for inspection), starting a new "
                "empty one"
            ),
            self.path,
            exc,
            aside,
        )

    async def _connect(self) -> None:
        # Look at the header before SQLite does: on a foreign file SQLite would still open and
        # then delete the -wal next to it, which must be kept with the file set aside.
        if self.path.exists() and self.path.stat().st_size > 0:
            with self.path.open("rb") as handle:
                header = handle.read(16)
            if header != b"SQLite format 3\x00":
                raise _Corrupt("file is not a database (no SQLite header)")
        _private(self.path)
        self.db = await aiosqlite.connect(self.path, timeout=self.busy_timeout)
        await self.db.execute("PRAGMA journal_mode=WAL")
        await self.db.execute("PRAGMA synchronous=NORMAL")
        await self.db.execute("PRAGMA secure_delete=ON")
        async with self.db.execute("PRAGMA quick_check") as cursor:
            row = await cursor.fetchone()
        if row is None or row[0] != "ok":
            raise _Corrupt(f"quick_check: {row[0] if row else 'no answer'}")
        async with self.db.execute("PRAGMA user_version") as cursor:
            version = (await cursor.fetchone() or (0,))[0]
        if version < SCHEMA_VERSION:
            await self._migrate(version)
        await self.db.executescript(SCHEMA)
        await self.db.execute(f"PRAGMA user_version={SCHEMA_VERSION}")
        await self._check_key()
        await self.db.commit()

    async def _columns(self, table: str) -> set[str]:
        async with self._db.execute(f"PRAGMA table_info({table})") as cursor:
            return {row[1] for row in await cursor.fetchall()}

    async def _migrate(self, version: int) -> None:
        """Version 0 (first release) kept the chat id in clear and texts with their time: convert, in one transaction."""
        db = self._db
        old_reminders = "chat_id" in await self._columns("reminders")
        old_texts = "at" in await self._columns("unknown_texts")
        if not (old_reminders or old_texts):
            return
        await db.execute("BEGIN IMMEDIATE")
        try:
            if old_reminders:
                async with db.execute(
                    "SELECT id, person, chat_id, due_at, payload, created_at FROM reminders"
                ) as cursor:
                    rows = await cursor.fetchall()
                await db.execute("DROP TABLE reminders")
                await db.execute(REMINDERS_DDL)
                await db.executemany(
                    "INSERT INTO reminders(id, person, chat, due_at, payload, created_at) VALUES (?, ?, ?, ?, ?, ?)",
                    [(r[0], r[1], self._seal(r[2]), r[3], r[4], r[5]) for r in rows],
                )
            if old_texts:
                async with db.execute("SELECT substr(at, 1, 10), text FROM unknown_texts") as cursor:
                    counts: dict[tuple[str, str], int] = {}
                    for day, text in await cursor.fetchall():
                        key = (day, scrub(text))
                        counts[key] = counts.get(key, 0) + 1
                await db.execute("DROP TABLE unknown_texts")
                await db.execute(UNKNOWN_DDL)
                await db.executemany(
                    "INSERT INTO unknown_texts(day, text, count) VALUES (?, ?, ?)", [(*k, n) for k, n in counts.items()]
                )
            await db.execute(f"PRAGMA user_version={SCHEMA_VERSION}")
            await db.commit()
        except BaseException:
            await db.rollback()
            raise
        log.info("database %s upgraded from schema %d to %d", self.path, version, SCHEMA_VERSION)

    async def _check_key(self) -> None:
        """Warn when the hashing key is not the one the database was filled with."""
        if not self.key:
            return  # a tool reading figures only (no key needed)
        check = hmac.new(self.key, b"cep-bot key check", hashlib.sha256).hexdigest()[:16]
        async with self._db.execute("SELECT value FROM meta WHERE name = 'key_check'") as cursor:
            row = await cursor.fetchone()
        if row is not None and row[0] != check:
            log.warning(
                "the hashing key is not the one this database was filled with: earlier conversations "
                "and reminders cannot be linked to anybody any more (they expire with the retention period)"
            )
        await self._db.execute("INSERT OR REPLACE INTO meta(name, value) VALUES ('key_check', ?)", (check,))

    async def _close_quietly(self) -> None:
        if self.db is not None:
            try:
                await self.db.close()
            except Exception:
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

    async def _transaction(self, statements: list[tuple[str, Any, bool]]) -> list[int]:
        """Run (sql, params, many) statements as one transaction; returns each rowcount."""
        db = self._db
        counts = []
        async with self._write:
            try:
                for sql, params, many in statements:
                    cursor = await (db.executemany(sql, params) if many else db.execute(sql, params))
                    counts.append(cursor.rowcount)
                    await cursor.close()
                await db.commit()
            except BaseException:
                await db.rollback()
                raise
        return counts

    async def _truncate_wal(self) -> None:
        """Write the log back into the file and empty it, so deleted rows leave no copy behind."""
        async with self._write:
            await self._db.execute("PRAGMA wal_checkpoint(TRUNCATE)")

    # -- conversations --------------------------------------------------------------------------

    async def load_state(self, person: str) -> dict[str, Any] | None:
        async with self._db.execute("SELECT state FROM conversations WHERE person = ?", (person,)) as cursor:
            row = await cursor.fetchone()
        if row is None:
            return None
        try:
            state = json.loads(row[0])
        except ValueError:
            state = None
        if isinstance(state, dict):
            return state
        log.warning("unreadable conversation state, starting afresh")
        return None

    async def save_turn(
        self,
        person: str,
        state: dict[str, Any],
        events: Iterable[dict[str, Any]] = (),
        unknown_texts: Iterable[str] = (),
        *,
        reminder: tuple[int, dt.datetime, dict[str, Any]] | None = None,
        outbox: Outgoing | None = None,
    ) -> int | None:
        """Commit the new state, the turn's events, the reminder asked (chat id, due, payload) and
        the replies (``outbox``: they leave the inbox's update) together, in one transaction;
        returns the reminder's id."""
        now = _now()
        db = self._db
        rows = _event_rows(now.isoformat(), person, events)
        texts = [t for t in (scrub(t) for t in unknown_texts) if t] if self.keep_unknown else []
        reminder_id = None
        async with self._write:
            try:
                await self._queue_outgoing(outbox, now)
                await (
                    await db.execute(
                        "INSERT INTO conversations(person, state, updated_at) VALUES (?, ?, ?) "
                        "ON CONFLICT(person) DO UPDATE SET state = excluded.state, updated_at = excluded.updated_at",
                        (person, json.dumps(state, ensure_ascii=False), now.isoformat()),
                    )
                ).close()
                if rows:
                    await (
                        await db.executemany("INSERT INTO events(at, person, type, data) VALUES (?, ?, ?, ?)", rows)
                    ).close()
                if texts:
                    await (
                        await db.executemany(
                            "INSERT INTO unknown_texts(day, text, count) VALUES (?, ?, 1) "
                            "ON CONFLICT(day, text) DO UPDATE SET count = count + 1",
                            [(now.date().isoformat(), t) for t in texts],
                        )
                    ).close()
                if reminder is not None:
                    reminder_id = await self._insert_reminder(person, *reminder)
                await db.commit()
            except BaseException:
                await db.rollback()
                raise
        return reminder_id

    async def save_events_only(self, person: str, events: Iterable[dict[str, Any]]) -> None:
        rows = _event_rows(_now().isoformat(), person, events)
        if rows:
            await self._transaction([("INSERT INTO events(at, person, type, data) VALUES (?, ?, ?, ?)", rows, True)])

    # -- inbox and outbox ----------------------------------------------------------------------

    def _outgoing_statements(self, outbox: Outgoing | None, now: dt.datetime) -> list[tuple[str, Any, bool]]:
        if outbox is None:
            return []
        statements: list[tuple[str, Any, bool]] = []
        if outbox.update_id is not None:
            statements.append(("DELETE FROM inbox WHERE update_id = ?", (outbox.update_id,), False))
        if outbox.messages:
            key, chat, at = self.chat_key(outbox.chat_id), self._seal(outbox.chat_id), now.isoformat()
            rows = [(key, chat, self.seal_text(json.dumps(m, ensure_ascii=False)), at) for m in outbox.messages]
            statements.append(
                ("INSERT INTO outbox(chat_key, chat, payload, created_at) VALUES (?, ?, ?, ?)", rows, True)
            )
        return statements

    async def _queue_outgoing(self, outbox: Outgoing | None, now: dt.datetime) -> None:
        """Inside a transaction already begun (the caller holds the write lock)."""
        for sql, params, many in self._outgoing_statements(outbox, now):
            await (await (self._db.executemany(sql, params) if many else self._db.execute(sql, params))).close()

    async def inbox_add(self, updates: Iterable[tuple[int, str]]) -> None:
        """Keep the raw updates (update id, JSON) until they are handled; one transaction."""
        at = _now().isoformat()
        rows = [(update_id, at, self.seal_text(raw)) for update_id, raw in updates]
        if rows:
            await self._transaction(
                [("INSERT OR IGNORE INTO inbox(update_id, received_at, payload) VALUES (?, ?, ?)", rows, True)]
            )

    async def inbox_done(self, update_id: int) -> None:
        await self._transaction([("DELETE FROM inbox WHERE update_id = ?", (update_id,), False)])

    async def inbox_pending(self) -> list[tuple[int, str]]:
        """Updates received but not handled (a crash, a stop), oldest first."""
        async with self._db.execute("SELECT update_id, payload FROM inbox ORDER BY received_at, update_id") as cursor:
            rows = await cursor.fetchall()
        found = [(int(r[0]), self.unseal_text(r[1])) for r in rows]
        return [(update_id, raw) for update_id, raw in found if raw is not None]

    async def outbox_for(self, chat_id: int) -> list[tuple[int, dict[str, Any] | None]]:
        """The messages of one chat not yet accepted by Telegram, in order."""
        async with self._db.execute(
            "SELECT id, payload FROM outbox WHERE chat_key = ? ORDER BY id", (self.chat_key(chat_id),)
        ) as cursor:
            rows = await cursor.fetchall()
        messages: list[tuple[int, dict[str, Any] | None]] = []
        for row_id, payload in rows:
            text = self.unseal_text(payload)
            try:
                messages.append((int(row_id), json.loads(text) if text is not None else None))
            except ValueError:
                messages.append((int(row_id), None))
        return messages

    async def outbox_chats(self) -> list[int]:
        """The chats with messages waiting, in the order of their oldest message."""
        async with self._db.execute("SELECT chat, MIN(id) FROM outbox GROUP BY chat_key ORDER BY MIN(id)") as cursor:
            rows = await cursor.fetchall()
        chats = [self._unseal(r[0]) for r in rows]
        return [c for c in chats if c is not None]

    async def outbox_done(self, row_id: int) -> None:
        await self._transaction([("DELETE FROM outbox WHERE id = ?", (row_id,), False)])

    async def reminder_to_outbox(self, reminder: Reminder, outbox: Outgoing, events: Iterable[dict[str, Any]]) -> bool:
        """Replace a due reminder by its message, in one transaction; False if it was deleted meanwhile."""
        now = _now()
        rows = _event_rows(now.isoformat(), reminder.person, events)
        db = self._db
        async with self._write:
            try:
                cursor = await db.execute("DELETE FROM reminders WHERE id = ?", (reminder.id,))
                deleted = cursor.rowcount
                await cursor.close()
                if deleted:
                    await self._queue_outgoing(outbox, now)
                    if rows:
                        await (
                            await db.executemany("INSERT INTO events(at, person, type, data) VALUES (?, ?, ?, ?)", rows)
                        ).close()
                await db.commit()
            except BaseException:
                await db.rollback()
                raise
        return bool(deleted)

    # -- reminders ------------------------------------------------------------------------------

    async def _insert_reminder(self, person: str, chat_id: int, due_at: dt.datetime, payload: dict[str, Any]) -> int:
        cursor = await self._db.execute(
            "INSERT INTO reminders(person, chat, due_at, payload, created_at) VALUES (?, ?, ?, ?, ?)",
            (
                person,
                self._seal(chat_id),
                due_at.isoformat(),
                json.dumps(payload, ensure_ascii=False),
                _now().isoformat(),
            ),
        )
        reminder_id = int(cursor.lastrowid or 0)
        await cursor.close()
        return reminder_id

    async def add_reminder(self, person: str, chat_id: int, due_at: dt.datetime, payload: dict[str, Any]) -> int:
        db = self._db
        async with self._write:
            try:
                reminder_id = await self._insert_reminder(person, chat_id, due_at, payload)
                await db.commit()
            except BaseException:
                await db.rollback()
                raise
        return reminder_id

    def _reminder(self, row: Any) -> Reminder | None:
        chat_id = self._unseal(row[2])
        if chat_id is None:
            log.warning("reminder %s was sealed with another hashing key: it cannot be sent", row[0])
            return None
        return Reminder(row[0], row[1], chat_id, dt.datetime.fromisoformat(row[3]), json.loads(row[4]))

    async def pending_reminders(self) -> list[Reminder]:
        async with self._db.execute(
            "SELECT id, person, chat, due_at, payload FROM reminders ORDER BY due_at"
        ) as cursor:
            rows = await cursor.fetchall()
        return [r for r in map(self._reminder, rows) if r is not None]

    async def reminder(self, reminder_id: int) -> Reminder | None:
        async with self._db.execute(
            "SELECT id, person, chat, due_at, payload FROM reminders WHERE id = ?", (reminder_id,)
        ) as cursor:
            row = await cursor.fetchone()
        return self._reminder(row) if row else None

    # -- privacy --------------------------------------------------------------------------------

    async def delete_person(self, person: str, outbox: Outgoing | None = None) -> dict[str, int]:
        """Remove every row about ``person`` (and queue ``outbox``, in the same transaction);
        returns how many rows per table."""
        tables = ("conversations", "events", "reminders")
        statements: list[tuple[str, Any, bool]] = [
            (f"DELETE FROM {t} WHERE person = ?", (person,), False)  # noqa: S608 - t is one of the three names above
            for t in tables
        ]
        statements += self._outgoing_statements(outbox, _now())
        counts = await self._transaction(statements)
        await self._truncate_wal()
        return dict(zip(tables, counts[: len(tables)], strict=True))

    async def purge(self, retention_days: int, now: dt.datetime | None = None) -> dict[str, int]:
        """Delete what is older than the retention period."""
        limit = (now or _now()) - dt.timedelta(days=retention_days)
        columns = (
            ("conversations", "updated_at", limit.isoformat()),
            ("events", "at", limit.isoformat()),
            ("reminders", "created_at", limit.isoformat()),
            ("unknown_texts", "day", limit.date().isoformat()),
        )
        counts = await self._transaction([(f"DELETE FROM {t} WHERE {c} < ?", (v,), False) for t, c, v in columns])  # noqa: S608 - fixed names
        await self._truncate_wal()
        return {t: n for (t, _, _), n in zip(columns, counts, strict=True)}

    # -- figures --------------------------------------------------------------------------------

    async def events(
        self, since: dt.date | None = None, until: dt.date | None = None
    ) -> list[tuple[str, str, str, dict[str, Any]]]:
        """(at, person, type, data) of every event in the period (``until`` included), oldest first."""
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

    async def unknown_texts(self) -> list[tuple[str, str, int]]:
        async with self._db.execute("SELECT day, text, count FROM unknown_texts ORDER BY day, text") as cursor:
            return [(str(r[0]), str(r[1]), int(r[2])) for r in await cursor.fetchall()]

    async def count(self, table: str) -> int:
        if table not in TABLES:
            raise ValueError(f"unknown table {table}")
        async with self._db.execute(f"SELECT COUNT(*) FROM {table}") as cursor:  # noqa: S608 - checked names
            row = await cursor.fetchone()
        return int(row[0]) if row else 0
