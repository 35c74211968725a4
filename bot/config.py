"""``config.yaml``: load, validate (``config.yaml:12:3: ...`` messages), and read secrets from the environment."""

from __future__ import annotations

import os
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from bot.schema import Field, Problem, Validator
from bot.yamlfile import read_yaml_file
from bot.yamlpos import Pos, PosDict, empty_mapping

__all__ = ["Config", "ConfigError", "load_config"]

TOKEN_VARS = ("CEP_BOT_TOKEN", "TELEGRAM_BOT_TOKEN")
SECRET_VAR = "CEP_WEBHOOK_SECRET"  # noqa: S105 - the name of the variable, not a secret
# Upper bounds of the numeric settings (the defaults are the fields of Config).
MAX_PORT = 65535
MAX_RETRIES = 50
MAX_RETENTION_DAYS = 3650
MAX_REMINDER_DAYS = 60

SCHEMA = {
    "knowledge_dir": Field("text"),
    "knowledge_watch_seconds": Field("scalar"),
    "database": Field("text"),
    "hash_key_file": Field("text"),
    "telegram": Field(
        "obj",
        schema={
            "base_url": Field("text"),
            "mode": Field("text", choices=("polling", "webhook")),
            "webhook": Field(
                "obj",
                schema={
                    "listen": Field("text"),
                    "port": Field("scalar"),
                    "url": Field("scalar"),
                    "path": Field("text"),
                },
            ),
            "staff_ids": Field("list", item=Field("scalar")),
            "max_retries": Field("scalar"),
            "token": Field("text"),
        },
    ),
    "privacy": Field("obj", schema={"retention_days": Field("scalar"), "keep_not_understood": Field("scalar")}),
    "reminders": Field("obj", schema={"delay_days": Field("scalar")}),
    "logging": Field(
        "obj", schema={"level": Field("text", choices=("DEBUG", "INFO", "WARNING", "ERROR")), "format": Field("text")}
    ),
}


class ConfigError(Exception):
    def __init__(self, problems: list[Problem]) -> None:
        self.problems = problems
        super().__init__("\n".join(str(p) for p in problems))


@dataclass(frozen=True)
class Config:
    path: Path
    knowledge_dir: Path
    knowledge_watch_seconds: float = 2.0
    database: Path = Path("data/cep-bot.sqlite3")
    hash_key_file: Path = Path("data/hash.key")
    base_url: str = "https://api.telegram.org/bot"
    mode: str = "polling"
    webhook_listen: str = "127.0.0.1"
    webhook_port: int = 8443
    webhook_url: str = ""
    webhook_path: str = "telegram"
    staff_ids: frozenset[int] = field(default_factory=frozenset)
    max_retries: int = 5
    retention_days: int = 180
    keep_not_understood: bool = False
    reminder_days: int = 3
    log_level: str = "INFO"
    log_format: str = "%(asctime)s %(levelname)s %(name)s: %(message)s"

    @property
    def token(self) -> str | None:
        """The bot token, from the environment only."""
        for name in TOKEN_VARS:
            value = os.environ.get(name, "").strip()
            if value:
                return value
        return None

    @property
    def webhook_secret(self) -> str | None:
        return os.environ.get(SECRET_VAR, "").strip() or None


def _int(v: Validator, data: dict[str, Any], key: str, pos: Pos, default: int, low: int, high: int) -> int:
    if key not in data:
        return default
    raw = data[key]
    try:
        value = int(str(raw))
    except ValueError:
        v.error(pos, f"« {key} » doit être un nombre entier, pas « {raw} »", f"écrivez par exemple {key}: {default}")
        return default
    if not low <= value <= high:
        v.error(pos, f"« {key} » doit être entre {low} et {high}", f"écrivez par exemple {key}: {default}")
        return default
    return value


_SECRET_WORDS = ("token", "jeton", "secret", "password", "mot_de_passe")
_TOKEN_RE = re.compile(r"(?<!\d)\d{5,}:[A-Za-z0-9_-]{30,}")  # the shape of a Telegram bot token


def _refuse_secrets(v: Validator, raw: Any) -> None:
    """Refuse a token or secret written in the file: secrets only come from the environment."""
    found: list[Pos] = []

    def walk(node: Any) -> None:
        if isinstance(node, PosDict):
            for key, value in node.items():
                if any(word in str(key).lower() for word in _SECRET_WORDS) or (
                    isinstance(value, str) and _TOKEN_RE.search(value)
                ):
                    found.append(node.key_pos[key])
                else:
                    walk(value)
        elif isinstance(node, list):
            for item in node:
                walk(item)

    walk(raw)
    if not found:
        return
    at = {(pos.line, pos.column) for pos in found}
    # The secret message replaces "clé inconnue" for the same key.
    v.problems = [p for p in v.problems if (p.line, p.column) not in at or not p.message.startswith("clé inconnue")]
    for pos in found:
        v.error(
            pos,
            "un jeton ou un secret ne doit jamais être écrit dans config.yaml",
            "supprimez cette ligne ; donnez le jeton du bot par la variable d'environnement CEP_BOT_TOKEN (et le "
            "secret du webhook par CEP_WEBHOOK_SECRET)",
        )


def load_config(path: str | Path = "config.yaml") -> Config:
    """Read and validate the configuration; raise :class:`ConfigError` listing every problem."""
    path = Path(path)
    base = path.parent
    name = path.name
    if not path.exists():
        return Config(
            path=path,
            knowledge_dir=base / "knowledge",
            database=base / "data/cep-bot.sqlite3",
            hash_key_file=base / "data/hash.key",
        )
    read = read_yaml_file(path, name, "remettez le fichier config.yaml livré avec le projet")
    if isinstance(read, Problem):
        raise ConfigError([read])
    # empty, or only comments: every setting takes its default
    raw = empty_mapping() if read.data is None else read.data
    v = Validator(name, read.lines)
    data: dict[str, Any] = v.obj(raw, SCHEMA, Pos(1, 1), "") or {}
    _refuse_secrets(v, raw)
    vpos = getattr(raw, "value_pos", {})
    tg = data.get("telegram", {})
    tg_raw = raw.get("telegram", {}) if isinstance(raw, dict) else {}
    tg_pos = getattr(tg_raw, "value_pos", {})
    wh = tg.get("webhook", {})
    wh_raw = tg_raw.get("webhook", {}) if isinstance(tg_raw, dict) else {}
    wh_pos = getattr(wh_raw, "value_pos", {})
    staff: set[int] = set()
    for value, spos in tg.get("staff_ids", []):
        if not str(value).lstrip("-").isdigit():
            v.error(
                spos,
                f"identifiant Telegram invalide « {value} »",
                "écrivez le numéro d'utilisateur Telegram, par exemple 123456789",
            )
        else:
            staff.add(int(value))
    privacy = data.get("privacy", {})
    p_raw = raw.get("privacy", {}) if isinstance(raw, dict) else {}
    p_pos = getattr(p_raw, "value_pos", {})
    keep = str(privacy.get("keep_not_understood", "false")).lower()
    if keep not in ("true", "false", "oui", "non"):
        v.error(
            p_pos.get("keep_not_understood", Pos(1, 1)),
            "« keep_not_understood » doit valoir true ou false",
            "écrivez keep_not_understood: false",
        )
    reminders = data.get("reminders", {})
    r_pos = getattr(raw.get("reminders", {}) if isinstance(raw, dict) else {}, "value_pos", {})
    logging_cfg = data.get("logging", {})
    mode = tg.get("mode", Config.mode)
    if mode == "webhook" and not wh.get("url", "").startswith("https://"):
        v.error(
            wh_pos.get("url", tg_pos.get("mode", Pos(1, 1))),
            "le mode webhook demande une adresse publique en https dans telegram.webhook.url",
            "écrivez url: https://votre-domaine/telegram sous « webhook: », ou revenez à mode: polling",
        )
    watch = data.get("knowledge_watch_seconds", str(Config.knowledge_watch_seconds))
    try:
        watch_seconds = float(watch)
    except ValueError:
        v.error(
            vpos.get("knowledge_watch_seconds", Pos(1, 1)),
            f"« knowledge_watch_seconds » doit être un nombre, pas « {watch} »",
            f"écrivez knowledge_watch_seconds: {Config.knowledge_watch_seconds:g}",
        )
        watch_seconds = Config.knowledge_watch_seconds
    config = Config(
        path=path,
        knowledge_dir=base / data.get("knowledge_dir", "knowledge"),
        knowledge_watch_seconds=watch_seconds,
        database=base / data.get("database", str(Config.database)),
        hash_key_file=base / data.get("hash_key_file", str(Config.hash_key_file)),
        base_url=tg.get("base_url", Config.base_url),
        mode=mode,
        webhook_listen=wh.get("listen", Config.webhook_listen),
        webhook_port=_int(v, wh, "port", wh_pos.get("port", Pos(1, 1)), Config.webhook_port, 1, MAX_PORT),
        webhook_url=wh.get("url", Config.webhook_url),
        webhook_path=wh.get("path", Config.webhook_path),
        staff_ids=frozenset(staff),
        max_retries=_int(
            v, tg, "max_retries", tg_pos.get("max_retries", Pos(1, 1)), Config.max_retries, 0, MAX_RETRIES
        ),
        retention_days=_int(
            v,
            privacy,
            "retention_days",
            p_pos.get("retention_days", Pos(1, 1)),
            Config.retention_days,
            1,
            MAX_RETENTION_DAYS,
        ),
        keep_not_understood=keep in ("true", "oui"),
        reminder_days=_int(
            v, reminders, "delay_days", r_pos.get("delay_days", Pos(1, 1)), Config.reminder_days, 1, MAX_REMINDER_DAYS
        ),
        log_level=logging_cfg.get("level", Config.log_level),
        log_format=logging_cfg.get("format", Config.log_format),
    )
    errors = sorted((p for p in v.problems if p.severity == "error"), key=lambda p: (p.line, p.column))
    if errors:
        raise ConfigError(errors)
    return config
