"""Shared pytest configuration."""

import os

# PTB 22.x: opt in to timedelta durations, otherwise constructing RetryAfter emits a
# PTBDeprecationWarning, which filterwarnings=error turns into a failure.
os.environ.setdefault("PTB_TIMEDELTA", "1")

import datetime as dt
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(Path(__file__).resolve().parent))  # tests/fakebotapi.py, tests/harness.py

KNOWLEDGE = ROOT / "knowledge"


@pytest.fixture(scope="session", name="snapshot")
def _snapshot():
    """The shipped knowledge, loaded once for the whole run."""
    from bot.kb.load import load_knowledge

    return load_knowledge(KNOWLEDGE)


@pytest.fixture(name="today")
def _today() -> dt.date:
    return dt.date.today()
