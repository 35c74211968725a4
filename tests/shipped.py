"""The shipped knowledge, loaded once per test session (by the ``knowledge`` fixture or a module helper)."""

from __future__ import annotations

from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from bot.nlu.knowledge import Knowledge

KNOWLEDGE_DIR = Path(__file__).resolve().parent.parent / "knowledge"


@cache
def shipped_knowledge() -> Knowledge:
    """``knowledge/`` with its indexes; the one copy every test shares."""
    from bot.nlu.knowledge import load

    return load(KNOWLEDGE_DIR)
