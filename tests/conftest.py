"""Shared pytest configuration."""

from __future__ import annotations

import os

# PTB 22.x: opt in to timedelta durations, otherwise constructing RetryAfter emits a
# PTBDeprecationWarning, which filterwarnings=error turns into a failure.
os.environ.setdefault("PTB_TIMEDELTA", "1")

import datetime as dt
import sys
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

if TYPE_CHECKING:
    from bot.kb.model import Snapshot
    from bot.nlu.knowledge import Knowledge

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(Path(__file__).resolve().parent))  # tests/fakebotapi.py, tests/harness.py

KNOWLEDGE = ROOT / "knowledge"


@pytest.fixture(scope="session", name="knowledge")
def _knowledge() -> Knowledge:
    """The shipped knowledge and its indexes, loaded once for the whole run (the only copy)."""
    from shipped import shipped_knowledge

    return shipped_knowledge()


@pytest.fixture(scope="session", name="snapshot")
def _snapshot(knowledge: Knowledge) -> Snapshot:
    """The shipped knowledge snapshot (plain data), the one of ``knowledge``."""
    return knowledge.snapshot


@pytest.fixture(scope="session", name="small_knowledge")
def _small_knowledge(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A small, valid copy of ``knowledge/`` built once per run (tests/small_knowledge.py); copy it before editing."""
    from small_knowledge import build_small_knowledge

    return build_small_knowledge(tmp_path_factory.mktemp("small") / "knowledge")


@pytest.fixture(name="cli_shares_the_knowledge")
def _cli_shares_the_knowledge(knowledge: Knowledge, monkeypatch: pytest.MonkeyPatch) -> None:
    """In-process ``cep-bot ask``/``chat`` on the shipped folder get the session's copy instead of loading it
    again (the same folder, checked and indexed the same way); any other folder is loaded as usual."""
    import bot.cli

    real = bot.cli._knowledge

    def shared(directory: Path, day: dt.date | None = None) -> Knowledge:
        return knowledge if day is None and directory.resolve() == KNOWLEDGE.resolve() else real(directory, day)

    monkeypatch.setattr(bot.cli, "_knowledge", shared)


@pytest.fixture(name="today")
def _today() -> dt.date:
    return dt.date.today()
