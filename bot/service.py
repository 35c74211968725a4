"""The assistant as a service: the current knowledge snapshot, the store, and one turn at a time.

Channels (Telegram, tests) call :meth:`Assistant.process`; it loads the person's state, runs
the engine, commits the new state with the turn's anonymous events, and carries out the
turn's actions (deletion, reminder). The commit happens before the channel sends anything:
a process killed at any moment loses at most the message being processed. Turns of one
person are serialised (a per-person lock), turns of different people run concurrently.
Knowledge reloads build a new snapshot off the event loop and swap one reference: a turn
always sees one whole snapshot.
"""

from __future__ import annotations

import asyncio
import ctypes
import datetime as dt
import logging
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, cast

from bot.dialogue.engine import Button, Conversation, Engine, Reply, Turn, UserInput
from bot.dialogue.render import final_answer
from bot.kb.load import CheckReport, check_knowledge
from bot.locks import KeyedLock
from bot.nlu.knowledge import Knowledge, build_knowledge
from bot.routing import route
from bot.storage import Outgoing
from bot.vocab import Action, EventType, InputKind

if TYPE_CHECKING:
    from collections.abc import Callable

    from bot.config import Config
    from bot.kb.model import Snapshot
    from bot.storage import Store

    Renderer = Callable[[tuple[Reply, ...]], list[dict[str, Any]]]

__all__ = ["Assistant", "ReloadResult", "ScheduledReminder", "release_memory"]

log = logging.getLogger(__name__)

RECENT_UPDATES = 20  # update ids remembered per person to recognise a re-delivered update


@dataclass(frozen=True, slots=True)
class ReloadResult:
    ok: bool
    seconds: float
    report: CheckReport
    version: str


@dataclass(frozen=True, slots=True)
class ScheduledReminder:
    id: int
    due_at: dt.datetime  # computed once, when the turn that asked for it was committed


@dataclass
class Assistant:
    config: Config
    knowledge: Knowledge  # swapped as a whole by reload()
    store: Store | None = None
    reloads: int = 0
    _reload_lock: asyncio.Lock = field(default_factory=asyncio.Lock)
    _mtimes: dict[str, float] = field(default_factory=dict)
    _person_locks: KeyedLock[str] = field(default_factory=KeyedLock)
    _stored_reminders: dict[str, ScheduledReminder] = field(
        default_factory=dict
    )  # stored by process(), for schedule_reminder()

    @property
    def snapshot(self) -> Snapshot:
        return self.knowledge.snapshot

    def engine(self) -> Engine:
        return Engine.from_config(self.knowledge, self.config)

    async def process(
        self,
        user_id: int,
        chat_id: int,
        user_input: UserInput,
        update_id: int | None = None,
        *,
        outbox: Renderer | None = None,
    ) -> Turn:
        """One turn for one person: load, think, save (committed before anything is sent).

        The new state, the turn's events and, when the person asked for one, the reminder are
        committed in one transaction; the channel sends the replies afterwards.

        ``update_id`` (Telegram's) makes a turn idempotent: an update delivered again after a
        crash between the commit and Telegram's confirmation is not processed twice; its
        stored replies are returned instead (action ``replay``), so the person still gets them.

        ``outbox`` (a channel's renderer): the replies are rendered and committed to the store's
        outbox in the turn's transaction, which also removes ``update_id`` from the inbox; the
        channel then sends the outbox (a replayed update adds nothing: its replies went there
        the first time).
        """
        person = self.store.person(user_id) if self.store else str(user_id)
        async with self._person_locks(person):
            return await self._process(person, chat_id, user_input, update_id, outbox)

    async def _process(
        self, person: str, chat_id: int, user_input: UserInput, update_id: int | None, render: Renderer | None = None
    ) -> Turn:
        store = self.store
        data = await store.load_state(person) if store else None
        state = Conversation.from_dict(data)
        recent = data.get("recent_updates") if data else None
        if update_id is not None and isinstance(recent, list) and update_id in recent:
            # the same update delivered again after a crash (Telegram's ids are not always
            # increasing: after a week of silence they restart at random, hence a set of ids)
            log.info("update delivered again after a restart: replaying its replies")
            replies = _replies_from_json(data.get("last_replies")) if data and update_id == recent[-1] else ()
            return Turn(state, replies, (), (Action.REPLAY,))
        turn = self.engine().handle(state, user_input)
        if store is not None:
            outgoing = Outgoing(chat_id, tuple(render(turn.replies)), update_id) if render is not None else None
            if Action.DELETE_USER in turn.actions:
                self._stored_reminders.pop(person, None)
                await store.delete_person(person, outbox=outgoing)
            else:
                # texts kept anonymously (when configured): not understood, or feedback after a 👎
                kept = (EventType.NOT_UNDERSTOOD, EventType.FEEDBACK)
                not_understood = user_input.kind == InputKind.TEXT and any(e["type"] in kept for e in turn.events)
                reminder = None
                due = self.reminder_due()
                if Action.SCHEDULE_REMINDER in turn.actions:
                    reminder = (chat_id, due, self.reminder_payload(turn.state))
                saved = turn.state.to_dict()
                if update_id is not None:
                    previous = [u for u in (data or {}).get("recent_updates", []) if isinstance(u, int)]
                    saved["recent_updates"] = [*previous, update_id][-RECENT_UPDATES:]
                    saved["last_replies"] = _replies_to_json(turn.replies)
                reminder_id = await store.save_turn(
                    person,
                    saved,
                    turn.events,
                    [user_input.text] if not_understood else [],
                    reminder=reminder,
                    outbox=outgoing,
                )
                if reminder_id is not None:
                    self._stored_reminders[person] = ScheduledReminder(reminder_id, due)
        return turn

    def reminder_due(self) -> dt.datetime:
        return dt.datetime.now(dt.UTC) + dt.timedelta(days=self.config.reminder_days)

    @staticmethod
    def reminder_payload(state: Conversation) -> dict[str, Any]:
        """What the reminder needs to repeat the contacts: no free text, no id."""
        return {
            "region": state.region,
            "place_label": state.place_label,
            "traits": list(state.traits),
            "need": state.need,
        }

    async def schedule_reminder(self, user_id: int, chat_id: int, state: Conversation) -> ScheduledReminder | None:
        """The reminder the last turn stored (with its state), or one stored now: its id and due time."""
        if self.store is None:
            return None
        person = self.store.person(user_id)
        stored = self._stored_reminders.pop(person, None)
        if stored is not None:
            return stored
        due = self.reminder_due()
        return ScheduledReminder(await self.store.add_reminder(person, chat_id, due, self.reminder_payload(state)), due)

    # -- knowledge reload ---------------------------------------------------------------------

    def knowledge_mtimes(self) -> dict[str, float]:
        root = Path(self.config.knowledge_dir)
        return {str(p): p.stat().st_mtime for p in sorted(root.rglob("*")) if p.is_file()}

    def knowledge_changed(self) -> bool:
        current = self.knowledge_mtimes()
        if not self._mtimes:
            self._mtimes = current
            return False
        if current != self._mtimes:
            self._mtimes = current
            return True
        return False

    async def reload(self) -> ReloadResult:
        """Build new knowledge in a worker thread; swap it in only if it has no error."""
        async with self._reload_lock:
            started = time.perf_counter()
            report, knowledge = await asyncio.to_thread(_check_and_index, self.config.knowledge_dir)
            seconds = time.perf_counter() - started
            if knowledge is None:
                log.error(
                    "knowledge reload refused, keeping version %s:\n%s",
                    self.snapshot.version,
                    "\n".join(map(str, report.errors)),
                )
                return ReloadResult(False, seconds, report, self.snapshot.version)
            self.knowledge = knowledge  # one reference swap
            del knowledge
            release_memory()
            self.reloads += 1
            self._mtimes = self.knowledge_mtimes()
            log.info("knowledge reloaded in %.0f ms: version %s", seconds * 1000, self.snapshot.version)
            return ReloadResult(True, seconds, report.without_snapshot(), self.snapshot.version)

    def reminder_text(self, payload: dict[str, Any]) -> str:
        """The reminder repeats where to book, from today's knowledge."""
        rec = route(payload.get("traits") or [], payload.get("region"), dt.date.today(), self.snapshot)
        if rec.rule is None:
            body = self.snapshot.text("national")
        else:
            _, body = final_answer(self.snapshot, rec, payload.get("need"), payload.get("place_label"))
        return (
            "Petit rappel : avez-vous pu prendre rendez-vous pour votre conseil en évolution professionnelle ?\n\n"
            + body
        )


def release_memory() -> None:
    """Hand the heap the previous knowledge and the reload's worker thread used back to the system.

    The previous indexes are freed as soon as nothing refers to them (they hold no reference cycle:
    ``tests/test_knowledge_cache.py``), but glibc keeps the freed heap. ``malloc_trim`` gives back what
    it can (about a millisecond); elsewhere than glibc, nothing. With both, the real process settles
    at 132-143 MB after reloads instead of growing to 157 MB (``bench/reload.py``, part 3): the old and
    the new knowledge live side by side while one is built, and the heap keeps that room.
    """
    trim = _malloc_trim()
    if trim is not None:
        trim(0)


def _malloc_trim() -> Callable[[int], int] | None:
    """glibc's ``malloc_trim``, or None elsewhere (musl, macOS)."""
    try:
        return cast("Callable[[int], int] | None", getattr(ctypes.CDLL(None), "malloc_trim", None))
    except OSError:
        return None


def _check_and_index(directory: Path) -> tuple[CheckReport, Knowledge | None]:
    report = check_knowledge(directory)
    return report, (build_knowledge(report.snapshot) if report.snapshot is not None else None)


def _replies_to_json(replies: tuple[Reply, ...]) -> list[dict[str, Any]]:
    return [
        {
            "text": r.text,
            "title": r.title,
            "buttons": [[[b.label, b.data] for b in row] for row in r.buttons],
            "location": r.request_location,
        }
        for r in replies
    ]


def _replies_from_json(data: Any) -> tuple[Reply, ...]:
    replies = []
    for item in data if isinstance(data, list) else []:
        try:
            rows = tuple(
                tuple(Button(str(label), str(value)) for label, value in row) for row in item.get("buttons", [])
            )
            replies.append(Reply(str(item["text"]), str(item.get("title", "")), rows, bool(item.get("location"))))
        except (KeyError, TypeError, ValueError, AttributeError):
            continue
    return tuple(replies)
