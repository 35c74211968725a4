"""Run the real bot as a separate process (``python -m bot run``) against a FakeBotApi.

    with BotProcess(tmp_path, fake) as bot:   # writes config.yaml, starts, waits until polling
        fake.send_command(7, "/start")
        fake.wait_for_replies(7, 1)         # the welcome and the place question: one message
        bot.kill()                            # SIGKILL: no clean-up at all
        bot.start()                           # same config, same database, same key

The process gets the token in CEP_BOT_TOKEN (never in the config file); its log goes to
``tmp_path/bot-N.log`` (one file per start).
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

from fakebotapi import FakeBotApi

ROOT = Path(__file__).resolve().parent.parent
TOKEN = "424242:PROC-test-token"


def write_config(
    tmp_path: Path,
    fake: FakeBotApi,
    *,
    staff_ids: tuple[int, ...] = (),
    retention_days: int = 180,
    keep_not_understood: bool = False,
    level: str = "INFO",
) -> Path:
    """A config.yaml in ``tmp_path``: fake Bot API, the repo's knowledge, database and key in tmp."""
    staff = "[" + ", ".join(str(i) for i in staff_ids) + "]"
    text = f"""\
knowledge_dir: {ROOT / "knowledge"}
knowledge_watch_seconds: 0
database: {tmp_path / "data" / "cep.sqlite3"}
hash_key_file: {tmp_path / "data" / "hash.key"}
telegram:
  base_url: {fake.base_url}
  staff_ids: {staff}
  max_retries: 8
privacy:
  retention_days: {retention_days}
  keep_not_understood: {"true" if keep_not_understood else "false"}
logging:
  level: {level}
"""
    path = tmp_path / "config.yaml"
    path.write_text(text, encoding="utf-8")
    return path


class BotProcess:
    """One bot process at a time; :meth:`start` again after :meth:`kill` / :meth:`terminate`."""

    def __init__(self, tmp_path: Path, fake: FakeBotApi, **config: Any) -> None:
        self.tmp_path = tmp_path
        self.fake = fake
        self.config_path = write_config(tmp_path, fake, **config)
        self.database = tmp_path / "data" / "cep.sqlite3"
        self.key_file = tmp_path / "data" / "hash.key"
        self.proc: subprocess.Popen[bytes] | None = None
        self.starts = 0
        self.log_path: Path | None = None

    def start(self, timeout: float = 30.0) -> BotProcess:
        """Start ``python -m bot run`` and wait until it polls the fake server."""
        assert self.proc is None or self.proc.poll() is not None, "already running"
        self.starts += 1
        self.log_path = self.tmp_path / f"bot-{self.starts}.log"
        env = {
            k: v
            for k, v in os.environ.items()
            if k not in ("CEP_BOT_TOKEN", "TELEGRAM_BOT_TOKEN", "CEP_WEBHOOK_SECRET")
        }
        env.update(CEP_BOT_TOKEN=TOKEN, PTB_TIMEDELTA="1", PYTHONUNBUFFERED="1")
        env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(ROOT), env.get("PYTHONPATH", "")]))
        seen = len(self.fake.calls_of("getUpdates"))
        with Path(self.log_path).open("wb") as log:
            self.proc = subprocess.Popen(
                [sys.executable, "-m", "bot", "--config", str(self.config_path), "run"],
                cwd=self.tmp_path,
                env=env,
                stdout=log,
                stderr=subprocess.STDOUT,
            )
        deadline = time.monotonic() + timeout
        while len(self.fake.calls_of("getUpdates")) <= seen:
            if self.proc.poll() is not None:
                raise AssertionError(f"the bot exited with {self.proc.returncode} before polling:\n{self.log()}")
            if time.monotonic() > deadline:
                self.kill()
                raise AssertionError(f"the bot did not poll within {timeout} s:\n{self.log()}")
            time.sleep(0.02)
        return self

    @property
    def running(self) -> bool:
        return self.proc is not None and self.proc.poll() is None

    def kill(self) -> int:
        """SIGKILL: the process dies at once, without closing anything."""
        assert self.proc is not None
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGKILL)
        return self.proc.wait(10)

    def terminate(self, timeout: float = 20.0) -> int:
        """SIGTERM: a clean stop; returns the exit code."""
        assert self.proc is not None
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
        try:
            return self.proc.wait(timeout)
        except subprocess.TimeoutExpired:
            self.kill()
            raise AssertionError(f"the bot did not stop within {timeout} s after SIGTERM:\n{self.log()}") from None

    def log(self) -> str:
        return (
            self.log_path.read_text(encoding="utf-8", errors="replace")
            if self.log_path and self.log_path.exists()
            else ""
        )

    def __enter__(self) -> BotProcess:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        if self.proc is not None and self.proc.poll() is None:
            self.kill()
