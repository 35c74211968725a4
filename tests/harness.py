"""Run the real Application against the fake Bot API, in-process, for end-to-end tests."""

from __future__ import annotations

import shutil
from dataclasses import replace
from pathlib import Path
from typing import Any

from bot.config import Config
from bot.nlu.knowledge import Knowledge
from bot.service import Assistant
from bot.storage import Store, load_or_create_key
from fakebotapi import FakeBotApi
from handlers.app import build_application
from handlers.runtime import Runtime

ROOT = Path(__file__).resolve().parent.parent


def make_config(tmp_path: Path, fake: FakeBotApi, **overrides: Any) -> Config:
    config = Config(
        path=tmp_path / "config.yaml",
        knowledge_dir=ROOT / "knowledge",
        knowledge_watch_seconds=0,
        database=tmp_path / "cep.sqlite3",
        hash_key_file=tmp_path / "hash.key",
        base_url=fake.base_url,
        max_retries=8,
    )
    return replace(config, **overrides)


def copy_knowledge(tmp_path: Path, source: Path = ROOT / "knowledge") -> Path:
    """A copy of ``source`` (the shipped knowledge, or the ``small_knowledge`` fixture's) to edit in a test."""
    target = tmp_path / "knowledge"
    shutil.copytree(source, target)
    return target


class RunningBot:
    """The real python-telegram-bot Application, polling the fake server through the bot's own runtime."""

    def __init__(self, config: Config, knowledge: Knowledge, token: str = "123456:TEST-token-secret") -> None:
        self.config = config
        self.store = Store(
            config.database, load_or_create_key(config.hash_key_file), keep_unknown=config.keep_not_understood
        )
        self.assistant = Assistant(config, knowledge, self.store)
        self.app = build_application(config, self.assistant, token=token)
        self.runtime = Runtime(self.app)

    async def __aenter__(self) -> RunningBot:
        await self.runtime.start(poll_timeout=1)
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.runtime.stop()


def texts(messages: list[dict[str, Any]]) -> str:
    return "\n".join(m.get("text", "") for m in messages)


def buttons(message: dict[str, Any]) -> list[tuple[str, str]]:
    markup = message.get("reply_markup") or {}
    rows = markup.get("inline_keyboard") or []
    return [(b["text"], b.get("callback_data", "")) for row in rows for b in row]


def button_data(message: dict[str, Any], label_part: str) -> str:
    for label, data in buttons(message):
        if label_part.lower() in label.lower():
            return data
    raise AssertionError(f"no button containing {label_part!r} in {buttons(message)}")
