"""The assistant as a service: the current knowledge snapshot, the store, and one turn at a time.

Channels (Telegram, tests) call :meth:`Assistant.process`; it loads the person's state, runs
the engine, commits the new state with the turn's anonymous events, and carries out the
turn's actions (deletion, reminder). Knowledge reloads build a new snapshot off the event loop
and swap one reference: a turn always sees one whole snapshot.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import logging
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from bot.dialogue.engine import Conversation, Engine, Turn, UserInput
from bot.kb.load import CheckReport, check_knowledge

if TYPE_CHECKING:
    from bot.config import Config
    from bot.kb.model import Snapshot
    from bot.storage import Store

__all__ = ["Assistant", "ReloadResult"]

log = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class ReloadResult:
    ok: bool
    seconds: float
    report: CheckReport
    version: str


@dataclass
class Assistant:
    config: Config
    snapshot: Snapshot
    store: Store | None = None
    reloads: int = 0
    _reload_lock: asyncio.Lock = field(default_factory=asyncio.Lock)
    _mtimes: dict[str, float] = field(default_factory=dict)

    def engine(self) -> Engine:
        engine = Engine(self.snapshot)
        engine.retention_days = self.config.retention_days
        return engine

    async def process(self, user_id: int, chat_id: int, user_input: UserInput) -> Turn:
        """One turn for one person: load, think, save (committed before anything is sent)."""
        person = self.store.person(user_id) if self.store else str(user_id)
        state_data = await self.store.load_state(person) if self.store else None
        state = Conversation.from_dict(state_data)
        turn = self.engine().handle(state, user_input)
        if self.store is not None:
            if "delete_user" in turn.actions:
                await self.store.delete_person(person)
            else:
                unknown = [user_input.text] if any(e["type"] == "not_understood" for e in turn.events) and user_input.kind == "text" else []
                await self.store.save_turn(person, turn.state.to_dict(), list(turn.events), unknown)
        return turn

    async def schedule_reminder(self, user_id: int, chat_id: int, state: Conversation) -> int | None:
        if self.store is None:
            return None
        person = self.store.person(user_id)
        due = dt.datetime.now(dt.UTC) + dt.timedelta(days=self.config.reminder_days)
        payload = {
            "region": state.region,
            "place_label": state.place_label,
            "traits": state.traits,
            "need": state.need,
        }
        return await self.store.add_reminder(person, chat_id, due, payload)

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
        """Build a new snapshot in a worker thread; swap it in only if it has no error."""
        async with self._reload_lock:
            started = time.perf_counter()
            report = await asyncio.to_thread(check_knowledge, self.config.knowledge_dir)
            seconds = time.perf_counter() - started
            if report.snapshot is None:
                log.error("knowledge reload refused, keeping version %s:\n%s", self.snapshot.version, "\n".join(map(str, report.errors)))
                return ReloadResult(False, seconds, report, self.snapshot.version)
            self.snapshot = report.snapshot  # one reference swap
            self.reloads += 1
            self._mtimes = self.knowledge_mtimes()
            log.info("knowledge reloaded in %.0f ms: version %s", seconds * 1000, self.snapshot.version)
            return ReloadResult(True, seconds, report, self.snapshot.version)

    def reminder_text(self, payload: dict[str, Any]) -> str:
        """The reminder repeats where to book, from today's knowledge."""
        from bot.dialogue.render import final_answer  # noqa: PLC0415
        from bot.routing import route  # noqa: PLC0415

        rec = route(payload.get("traits") or [], payload.get("region"), dt.date.today(), self.snapshot)
        if rec.rule is None:
            body = self.snapshot.text("national")
        else:
            _, body = final_answer(self.snapshot, rec, payload.get("need"), payload.get("place_label"))
        return "Petit rappel : avez-vous pu prendre rendez-vous pour votre conseil en évolution professionnelle ?\n\n" + body
