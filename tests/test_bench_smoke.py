"""The benchmark scripts still run: each one with ``--quick``, as a subprocess, within a time limit.

They start real processes (bots, a fake Bot API on 127.0.0.1) and print figures; here we only check
that they finish, exit 0, print their key figures and report no problem (no unanswered message,
no failed call). The figures themselves are not checked: the machine may be loaded.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

pytestmark = pytest.mark.bench

ROOT = Path(__file__).resolve().parent.parent
BENCH = ROOT / "bench"

OURS = {
    "e2e.py": ("updates/s", "CPU s per 1000 updates", "latency p50", "ratio bot/echo", "requests/update"),
    "startup.py": ("start to first reply", "peak RSS after first reply", "peak RSS after conversation", "bot/echo"),
    "reload.py": (
        "reload time: median",
        "messages answered during reloads",
        "dropped: 0",
        "no reload",
        "reload-task",
        "reload-command",
    ),
}
OTHERS = {
    "understanding.py": ("p50", "p99"),
    "storage.py": (),
}


def run_quick(script: str, timeout: float = 45.0) -> subprocess.CompletedProcess[str]:
    env = dict(os.environ, PTB_TIMEDELTA="1", PYTHONWARNINGS="ignore")
    env.pop("CEP_BOT_TOKEN", None)
    return subprocess.run(
        [sys.executable, str(BENCH / script), "--quick"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )


def check(result: subprocess.CompletedProcess[str], labels: tuple[str, ...]) -> None:
    output = f"--- stdout\n{result.stdout[-3000:]}\n--- stderr\n{result.stderr[-3000:]}"
    assert result.returncode == 0, output
    for label in labels:
        assert label in result.stdout, f"{label!r} not printed\n{output}"


@pytest.mark.parametrize("script", sorted(OURS))
def test_our_benchmark_runs_quick(script: str) -> None:
    result = run_quick(script)
    check(result, OURS[script])
    assert "PROBLEM" not in result.stdout, result.stdout[-3000:]
    assert "Traceback" not in result.stderr, result.stderr[-3000:]


@pytest.mark.parametrize("script", sorted(OTHERS))
def test_other_benchmark_runs_quick(script: str) -> None:
    if not (BENCH / script).exists():
        pytest.skip(f"bench/{script} is not there yet")
    result = run_quick(script)
    check(result, OTHERS[script])
    assert result.stdout.strip(), "no figure printed"
