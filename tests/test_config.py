"""config.yaml: the shipped file loads and documents every setting; mistakes get ``config.yaml:line:col`` messages.

Each error test edits one line of the shipped config.yaml in a temporary folder and asserts the exact
problem; line numbers are read from the edited text, never hard-coded.
"""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pytest

from bot.cli import main
from bot.config import SCHEMA, Config, ConfigError, load_config
from bot.schema import Field, Problem
from bot.yamlpos import PosDict, load_yaml

ROOT = Path(__file__).resolve().parent.parent
SHIPPED = ROOT / "config.yaml"
TOKEN = "123456789:AAHdqTcvCH1vGWJxfSeofSAs0K5PALDsaw"  # the shape of a bot token, not a real one


class Edited:
    """The shipped config.yaml copied into a folder, with one line changed."""

    def __init__(self, folder: Path) -> None:
        self.path = folder / "config.yaml"
        self.path.write_text(SHIPPED.read_text(encoding="utf-8"), encoding="utf-8")

    @property
    def lines(self) -> list[str]:
        return self.path.read_text(encoding="utf-8").split("\n")

    def set(self, *anchors: str, to: str, keep_indent: bool = True) -> int:
        """Replace the line found by ``anchors`` (each searched after the previous); return its number."""
        lines = self.lines
        index = -1
        for anchor in anchors:
            index += 1
            while not lines[index].strip().startswith(anchor):
                index += 1
        indent = lines[index][: len(lines[index]) - len(lines[index].lstrip(" "))] if keep_indent else ""
        lines[index] = indent + to
        self.path.write_text("\n".join(lines), encoding="utf-8")
        return index + 1

    def insert_after(self, *anchors: str, line: str) -> int:
        """Insert ``line`` (with its own indentation) after the line found by ``anchors``; return its number."""
        lines = self.lines
        index = -1
        for anchor in anchors:
            index += 1
            while not lines[index].strip().startswith(anchor):
                index += 1
        lines.insert(index + 1, line)
        self.path.write_text("\n".join(lines), encoding="utf-8")
        return index + 2

    def col(self, line: int, fragment: str) -> int:
        return self.lines[line - 1].index(fragment) + 1

    def problems(self) -> list[str]:
        with pytest.raises(ConfigError) as raised:
            load_config(self.path)
        return [str(p) for p in raised.value.problems]


@pytest.fixture(name="cfg")
def _cfg(tmp_path: Path) -> Edited:
    return Edited(tmp_path)


def problem(line: int, column: int, message: str, hint: str) -> str:
    return str(Problem("config.yaml", line, column, message, hint))


# -- the shipped file ----------------------------------------------------------------------------


def test_shipped_config_loads() -> None:
    config = load_config(SHIPPED)
    assert config.path == SHIPPED
    assert config.knowledge_dir == ROOT / "knowledge"
    assert config.database == ROOT / "data/cep-bot.sqlite3"
    assert config.mode == "polling"
    assert config.log_level == "INFO"
    assert config.staff_ids == frozenset()


def test_shipped_config_shows_the_defaults(tmp_path: Path) -> None:
    """The file says « the value shown is the default »: an empty file must give the same settings."""
    (tmp_path / "config.yaml").write_text("# rien\n", encoding="utf-8")
    empty = load_config(tmp_path / "config.yaml")
    shipped = load_config(SHIPPED)
    for field in dataclasses.fields(Config):
        mine, theirs = getattr(shipped, field.name), getattr(empty, field.name)
        if isinstance(mine, Path):
            mine, theirs = mine.relative_to(ROOT), theirs.relative_to(tmp_path)
        assert mine == theirs, field.name


def test_missing_config_file_means_defaults(tmp_path: Path) -> None:
    config = load_config(tmp_path / "config.yaml")
    assert config.knowledge_dir == tmp_path / "knowledge"
    assert (config.mode, config.webhook_port, config.retention_days) == ("polling", 8443, 180)


def _keys(schema: dict[str, Field], prefix: str = "") -> list[str]:
    out = []
    for key, spec in schema.items():
        out.append(prefix + key)
        if spec.kind == "obj":
            out += _keys(spec.schema, f"{prefix}{key}.")
    return out


def _written(data: object, prefix: str = "") -> list[str]:
    out = []
    if isinstance(data, PosDict):
        for key, value in data.items():
            out.append(prefix + str(key))
            out += _written(value, f"{prefix}{key}.")
    return out


def test_every_setting_is_written_in_the_shipped_file() -> None:
    text = SHIPPED.read_text(encoding="utf-8")
    written = _written(load_yaml(text))
    settings = [key for key in _keys(SCHEMA) if key != "telegram.token"]  # the token never goes there
    assert sorted(settings) == sorted(written)


def test_shipped_file_says_where_secrets_come_from() -> None:
    text = SHIPPED.read_text(encoding="utf-8")
    header = text.split("\n\n")[0]
    assert "CEP_BOT_TOKEN" in header
    assert "CEP_WEBHOOK_SECRET" in header
    assert TOKEN.split(":", maxsplit=1)[0] not in text


# -- mistakes, each with its line and column -----------------------------------------------------


def test_unknown_key_with_did_you_mean(cfg: Edited) -> None:
    line = cfg.set("telegram:", "webhook:", "port:", to="prot: 8443")
    assert cfg.problems() == [
        problem(line, cfg.col(line, "prot"), "clé inconnue « prot »", "vouliez-vous dire « port » ?")
    ]


def test_unknown_top_level_key_lists_the_keys(cfg: Edited) -> None:
    line = cfg.insert_after("knowledge_dir:", line="couleur: bleu")
    assert cfg.problems() == [
        problem(
            line,
            1,
            "clé inconnue « couleur »",
            "clés possibles ici : knowledge_dir, knowledge_watch_seconds, database, hash_key_file, telegram, "
            "privacy, reminders, logging",
        )
    ]


def test_port_not_a_number(cfg: Edited) -> None:
    line = cfg.set("telegram:", "webhook:", "port:", to="port: abc")
    assert cfg.problems() == [
        problem(
            line,
            cfg.col(line, "abc"),
            "« port » doit être un nombre entier, pas « abc »",
            "écrivez par exemple port: 8443",
        )
    ]


def test_port_out_of_range(cfg: Edited) -> None:
    line = cfg.set("telegram:", "webhook:", "port:", to="port: 99999")
    assert cfg.problems() == [
        problem(line, cfg.col(line, "99999"), "« port » doit être entre 1 et 65535", "écrivez par exemple port: 8443")
    ]


def test_retention_not_a_number(cfg: Edited) -> None:
    line = cfg.set("privacy:", "retention_days:", to='retention_days: "six mois"')
    assert cfg.problems() == [
        problem(
            line,
            cfg.col(line, '"six'),
            "« retention_days » doit être un nombre entier, pas « six mois »",
            "écrivez par exemple retention_days: 180",
        )
    ]


@pytest.mark.parametrize(
    ("level", "hint"),
    [
        ("VERBOSE", "valeurs possibles : DEBUG, INFO, WARNING, ERROR"),
        ("info", "vouliez-vous dire « INFO » ? valeurs possibles : DEBUG, INFO, WARNING, ERROR"),
    ],
)
def test_bad_log_level(cfg: Edited, level: str, hint: str) -> None:
    line = cfg.set("logging:", "level:", to=f"level: {level}")
    assert cfg.problems() == [problem(line, cfg.col(line, level), f"valeur inconnue « {level} » pour « level »", hint)]


def test_unknown_mode(cfg: Edited) -> None:
    line = cfg.set("telegram:", "mode:", to="mode: webhooks")
    assert cfg.problems() == [
        problem(
            line,
            cfg.col(line, "webhooks"),
            "valeur inconnue « webhooks » pour « mode »",
            "vouliez-vous dire « webhook » ? valeurs possibles : polling, webhook",
        )
    ]


SECRET = problem(
    0,
    0,
    "un jeton ou un secret ne doit jamais être écrit dans config.yaml",
    "supprimez cette ligne ; donnez le jeton du bot par la variable d'environnement CEP_BOT_TOKEN (et le secret du "
    "webhook par CEP_WEBHOOK_SECRET)",
)


def _secret_at(line: int, column: int) -> str:
    return SECRET.replace("config.yaml:0:0:", f"config.yaml:{line}:{column}:", 1)


@pytest.mark.parametrize(
    ("anchor", "written"),
    [
        ("max_retries:", f'  token: "{TOKEN}"'),  # the key the code once accepted
        ("max_retries:", "  token:"),  # even empty: the key has no place here
        ("max_retries:", f'  bot_token: "{TOKEN}"'),  # any key named like a secret
        ("hash_key_file:", f"jeton: {TOKEN}"),
        ("max_retries:", f'  tokne: "{TOKEN}"'),  # no key name hint: the value looks like a token
    ],
)
def test_token_written_in_config_is_refused(cfg: Edited, anchor: str, written: str) -> None:
    line = cfg.insert_after(anchor, line=written)
    column = len(written) - len(written.lstrip(" ")) + 1
    problems = cfg.problems()
    assert problems == [_secret_at(line, column)]
    assert TOKEN not in "\n".join(problems)  # the message never repeats the secret


def test_token_in_a_url_is_refused(cfg: Edited) -> None:
    line = cfg.set("telegram:", "base_url:", to=f"base_url: https://api.telegram.org/bot{TOKEN}")
    assert cfg.problems() == [_secret_at(line, cfg.col(line, "base_url"))]


def test_webhook_mode_without_url(cfg: Edited) -> None:
    cfg.set("telegram:", "mode:", to="mode: webhook")
    line = next(i for i, text in enumerate(cfg.lines, start=1) if text.strip().startswith("url:"))
    assert cfg.problems() == [
        problem(
            line,
            cfg.col(line, '""'),
            "le mode webhook demande une adresse publique en https dans telegram.webhook.url",
            "écrivez url: https://votre-domaine/telegram sous « webhook: », ou revenez à mode: polling",
        )
    ]


def test_webhook_mode_with_http_url(cfg: Edited) -> None:
    cfg.set("telegram:", "mode:", to="mode: webhook")
    line = cfg.set("telegram:", "webhook:", "url:", to="url: http://cep.example.org/telegram")
    assert cfg.problems() == [
        problem(
            line,
            cfg.col(line, "http:"),
            "le mode webhook demande une adresse publique en https dans telegram.webhook.url",
            "écrivez url: https://votre-domaine/telegram sous « webhook: », ou revenez à mode: polling",
        )
    ]


def test_webhook_mode_with_https_url_loads(cfg: Edited) -> None:
    cfg.set("telegram:", "mode:", to="mode: webhook")
    cfg.set("telegram:", "webhook:", "url:", to="url: https://cep.example.org/telegram")
    config = load_config(cfg.path)
    assert (config.mode, config.webhook_url) == ("webhook", "https://cep.example.org/telegram")


def test_staff_id_not_a_number(cfg: Edited) -> None:
    line = cfg.set("telegram:", "staff_ids:", to="staff_ids: [123456789, abc]")
    assert cfg.problems() == [
        problem(
            line,
            cfg.col(line, "abc"),
            "identifiant Telegram invalide « abc »",
            "écrivez le numéro d'utilisateur Telegram, par exemple 123456789",
        )
    ]


def test_staff_ids_not_a_list(cfg: Edited) -> None:
    line = cfg.set("telegram:", "staff_ids:", to="staff_ids: 123456789")
    assert cfg.problems() == [
        problem(
            line,
            cfg.col(line, "123"),
            "« staff_ids » doit être une liste, même pour un seul élément",
            "mettez la valeur entre crochets : staff_ids: [123456789]",
        )
    ]


def test_keep_not_understood_not_a_boolean(cfg: Edited) -> None:
    line = cfg.set("privacy:", "keep_not_understood:", to="keep_not_understood: peut-être")
    assert cfg.problems() == [
        problem(
            line,
            cfg.col(line, "peut"),
            "« keep_not_understood » doit valoir true ou false",
            "écrivez keep_not_understood: false",
        )
    ]


def test_yaml_syntax_error_in_config(cfg: Edited) -> None:
    line = cfg.set("logging:", "level:", to="\tlevel: INFO", keep_indent=False)
    assert cfg.problems() == [
        problem(
            line,
            1,
            "tabulation interdite",
            "remplacez la tabulation par des espaces (2 espaces par niveau de décalage)",
        )
    ]


def test_every_problem_is_reported_at_once(cfg: Edited) -> None:
    first = cfg.set("telegram:", "webhook:", "port:", to="port: abc")
    second = cfg.set("logging:", "level:", to="level: VERBOSE")
    assert [p.split(":")[1] for p in cfg.problems()] == [str(first), str(second)]  # in the order of the file


def test_config_not_utf8(cfg: Edited) -> None:
    line = cfg.set("logging:", "level:", to="level: INFO")
    data = cfg.path.read_bytes().split(b"\n")
    data[line - 1] += " # défaut".encode("latin-1")
    cfg.path.write_bytes(b"\n".join(data))
    assert cfg.problems() == [
        problem(line, 1, "caractère illisible (le fichier n'est pas en UTF-8)", "enregistrez le fichier en UTF-8")
    ]


def test_cli_refuses_to_start_with_a_broken_config(cfg: Edited, capsys: pytest.CaptureFixture[str]) -> None:
    line = cfg.set("telegram:", "webhook:", "port:", to="port: abc")
    with pytest.raises(SystemExit) as raised:
        main(["--config", str(cfg.path), "check", str(ROOT / "knowledge")])
    assert raised.value.code == 2
    err = capsys.readouterr().err
    assert err.strip().split("\n") == [
        problem(
            line,
            cfg.col(line, "abc"),
            "« port » doit être un nombre entier, pas « abc »",
            "écrivez par exemple port: 8443",
        )
    ]


# -- secrets come from the environment -----------------------------------------------------------


@pytest.fixture(name="no_token")
def _no_token(monkeypatch: pytest.MonkeyPatch) -> pytest.MonkeyPatch:
    for name in ("CEP_BOT_TOKEN", "TELEGRAM_BOT_TOKEN", "CEP_WEBHOOK_SECRET"):
        monkeypatch.delenv(name, raising=False)
    return monkeypatch


def test_token_from_cep_bot_token(no_token: pytest.MonkeyPatch) -> None:
    no_token.setenv("CEP_BOT_TOKEN", f"  {TOKEN}\n")
    assert load_config(SHIPPED).token == TOKEN


def test_no_token_in_the_environment(no_token: pytest.MonkeyPatch) -> None:
    assert load_config(SHIPPED).token is None
    no_token.setenv("CEP_BOT_TOKEN", "   ")
    assert load_config(SHIPPED).token is None


def test_token_fallback_and_precedence(no_token: pytest.MonkeyPatch) -> None:
    no_token.setenv("TELEGRAM_BOT_TOKEN", "fallback:token")
    config = load_config(SHIPPED)
    assert config.token == "fallback:token"
    no_token.setenv("CEP_BOT_TOKEN", TOKEN)
    assert config.token == TOKEN  # read at each use, not frozen at load time


def test_webhook_secret_from_the_environment(no_token: pytest.MonkeyPatch) -> None:
    config = load_config(SHIPPED)
    assert config.webhook_secret is None
    no_token.setenv("CEP_WEBHOOK_SECRET", "s3cret")
    assert config.webhook_secret == "s3cret"
