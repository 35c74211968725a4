"""Shared pytest configuration."""

import os

# PTB 22.x: opt in to timedelta durations, otherwise constructing RetryAfter emits a
# PTBDeprecationWarning, which filterwarnings=error turns into a failure.
os.environ.setdefault("PTB_TIMEDELTA", "1")
