"""Fair handling of updates: one queue per chat, a shared number of slots.

The turns of one chat run one after the other (a person's replies come in the order of their
messages); different chats run side by side, at most ``slots`` at once. A chat takes a slot only
when it has something to run and gives it back after each update, so a backlog of hundreds of
messages from one chat holds one slot, never the slots other people need, and waits its turn
behind them like anybody else.
"""

from __future__ import annotations

import asyncio
import logging
from collections import deque
from collections.abc import Awaitable, Callable, Hashable
from typing import Generic, TypeVar

__all__ = ["ChatScheduler"]

log = logging.getLogger("handlers.scheduler")

T = TypeVar("T")
DEFAULT_SLOTS = 32


class ChatScheduler(Generic[T]):
    """``submit(chat, item)`` queues ``item``; ``handle(item)`` runs with per-chat order and shared slots."""

    def __init__(self, handle: Callable[[T], Awaitable[None]], slots: int = DEFAULT_SLOTS) -> None:
        self._handle = handle
        self._slots = asyncio.Semaphore(slots)
        self._queues: dict[Hashable, deque[T]] = {}
        self._workers: set[asyncio.Task[None]] = set()
        self._idle = asyncio.Event()
        self._idle.set()

    @property
    def backlog(self) -> int:
        """Items queued or running, all chats together."""
        return sum(len(q) for q in self._queues.values())

    def submit(self, chat: Hashable, item: T) -> None:
        queue = self._queues.get(chat)
        if queue is not None:
            queue.append(item)
            return
        self._queues[chat] = deque([item])
        self._idle.clear()
        task = asyncio.get_running_loop().create_task(self._work(chat), name="chat-worker")
        self._workers.add(task)
        task.add_done_callback(self._workers.discard)

    async def _work(self, chat: Hashable) -> None:
        queue = self._queues[chat]
        try:
            while queue:
                async with self._slots:
                    try:
                        await self._handle(queue[0])
                    except Exception:  # one update's failure never stops its chat's queue
                        log.exception("an update could not be handled")
                queue.popleft()
                # let the other chats waiting for a slot go first (fairness under a backlog)
                await asyncio.sleep(0)
        finally:
            if self._queues.get(chat) is queue:
                del self._queues[chat]
            if not self._queues:
                self._idle.set()

    async def join(self, seconds: float | None = None) -> bool:
        """Wait until every queue is empty; False if ``seconds`` passed first."""
        try:
            await asyncio.wait_for(self._idle.wait(), seconds)
        except TimeoutError:
            return False
        return True

    async def cancel(self) -> None:
        """Stop every worker (what was not handled stays in the inbox for the next start)."""
        for task in list(self._workers):
            task.cancel()
        await asyncio.gather(*self._workers, return_exceptions=True)
        self._queues.clear()
        self._idle.set()
