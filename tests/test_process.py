"""The real ``cep-bot run`` process: secrets out of logs, clean SIGTERM, one instance per token."""

from __future__ import annotations

import json
import os
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest
from fakebotapi import FakeBotApi

pytestmark = pytest.mark.slow

ROOT = Path(__file__).resolve().parent.parent
TOKEN = "777777:AAE-very-secret-token_value"
WEBHOOK_SECRET = "webhook-secret-value-42"


def _config(tmp_path: Path, fake: FakeBotApi, level: str = "DEBUG") -> Path:
    path = tmp_path / "config.yaml"
    path.write_text(
        f"""knowledge_dir: {ROOT / "knowledge"}
knowledge_watch_seconds: 0
database: {tmp_path / "cep.sqlite3"}
hash_key_file: {tmp_path / "hash.key"}
telegram:
  base_url: {fake.base_url}
logging:
  level: {level}
""",
        encoding="utf-8",
    )
    return path


def _start(config: Path, log: Path) -> subprocess.Popen[bytes]:
    env = {**os.environ, "CEP_BOT_TOKEN": TOKEN, "CEP_WEBHOOK_SECRET": WEBHOOK_SECRET, "PTB_TIMEDELTA": "1"}
    with log.open("wb") as handle:  # the child keeps its own copy of the descriptor
        return subprocess.Popen(
            [sys.executable, "-m", "bot", "--config", str(config), "run"],
            cwd=ROOT,
            env=env,
            stdout=handle,
            stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL,
        )


def _stop(process: subprocess.Popen[bytes], sig: int = signal.SIGTERM) -> int:
    if process.poll() is None:
        process.send_signal(sig)
    try:
        return process.wait(timeout=20)
    except subprocess.TimeoutExpired:
        process.kill()
        return process.wait(timeout=5)


def test_token_absent_from_logs_and_sigterm_is_clean(tmp_path: Path) -> None:
    """At DEBUG level, through 502 and 429 answers, the token never appears; SIGTERM exits 0 with state saved."""
    log = tmp_path / "bot.log"
    with FakeBotApi() as fake:
        process = _start(_config(tmp_path, fake), log)
        try:
            fake.wait_until(lambda: fake.calls_of("getUpdates"), timeout=30, message="the bot never polled")
            fake.fail_next("sendMessage", status=502)
            fake.send_command(11, "/start")
            (welcome,) = fake.wait_for_replies(11, 1, timeout=30)  # the welcome and the place question: one message
            assert "Bonjour" in welcome["text"] and "Où habitez-vous" in welcome["text"]
            fake.fail_next("sendMessage", status=429, retry_after=1)
            fake.send_text(11, "salarié à Quimper")
            (question,) = fake.wait_for_replies(11, 1, timeout=30)
            assert "Que souhaitez-vous" in question["text"]
            assert len(fake.sent(11)) == 2, "each reply delivered once, through the 502 and the 429"
            assert [c.status for c in fake.calls_of("sendMessage", failed=True)] == [502, 429]
        finally:
            code = _stop(process)
    output = log.read_text(encoding="utf-8", errors="replace")
    assert code == 0, output[-2000:]
    assert "stopped cleanly" in output
    assert TOKEN not in output
    assert TOKEN.split(":")[1] not in output
    assert WEBHOOK_SECRET not in output
    rows = sqlite3.connect(tmp_path / "cep.sqlite3").execute("SELECT state FROM conversations").fetchall()
    assert len(rows) == 1 and '"need"' in rows[0][0] and '"region": "53"' in rows[0][0]


def test_a_second_instance_with_the_same_token_stops_with_a_clear_message(tmp_path: Path) -> None:
    """When Telegram answers 409 Conflict (another instance polls), the process says so and stops."""
    log = tmp_path / "bot.log"
    with FakeBotApi() as fake:
        fake.set_conflict(True)
        process = _start(_config(tmp_path, fake, level="INFO"), log)
        try:
            code = process.wait(timeout=40)
        except subprocess.TimeoutExpired:
            _stop(process, signal.SIGKILL)
            pytest.fail("the second instance kept running")
    output = log.read_text(encoding="utf-8", errors="replace")
    assert code == 3, output[-2000:]
    assert "Une autre instance du bot tourne déjà avec ce jeton" in output
    assert TOKEN not in output


def test_without_token_cep_bot_run_explains_how_to_connect(tmp_path: Path) -> None:
    """`cep-bot run` with no token says which variable to set and exits 2."""
    env = {k: v for k, v in os.environ.items() if k not in ("CEP_BOT_TOKEN", "TELEGRAM_BOT_TOKEN")}
    started = time.monotonic()
    result = subprocess.run([sys.executable, "-m", "bot", "run"], cwd=ROOT, env=env, capture_output=True, text=True, timeout=60, check=False)
    assert result.returncode == 2
    assert "CEP_BOT_TOKEN" in result.stderr
    assert time.monotonic() - started < 60


def _free_port() -> int:
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def test_webhook_mode_checks_the_secret_token_on_every_request(tmp_path: Path) -> None:
    """In webhook mode, a request without the secret header is refused (403); with it, the update is answered."""
    import json
    import urllib.error
    import urllib.request

    port = _free_port()
    log = tmp_path / "bot.log"
    with FakeBotApi() as fake:
        config = _config(tmp_path, fake, level="INFO")
        config.write_text(
            config.read_text(encoding="utf-8").replace(
                f"  base_url: {fake.base_url}\n",
                f"  base_url: {fake.base_url}\n  mode: webhook\n  webhook:\n    listen: 127.0.0.1\n    port: {port}\n"
                "    url: https://cep.example.org/telegram\n    path: telegram\n",
            ),
            encoding="utf-8",
        )
        process = _start(config, log)
        try:
            fake.wait_until(lambda: fake.calls_of("setWebhook"), timeout=30, message="no setWebhook")
            assert fake.calls_of("setWebhook")[-1].params.get("secret_token") == WEBHOOK_SECRET
            update = {
                "update_id": 1,
                "message": {
                    "message_id": 1,
                    "date": int(time.time()),
                    "chat": {"id": 31, "type": "private", "first_name": "A"},
                    "from": {"id": 31, "is_bot": False, "first_name": "A"},
                    "text": "bonjour",
                },
            }
            body = json.dumps(update).encode()
            url = f"http://127.0.0.1:{port}/telegram"

            def post(headers: dict[str, str]) -> int:
                request = urllib.request.Request(url, data=body, headers={"Content-Type": "application/json", **headers})
                for _ in range(50):
                    try:
                        with urllib.request.urlopen(request, timeout=5) as response:  # noqa: S310 - loopback only
                            return int(response.status)
                    except urllib.error.HTTPError as exc:
                        return int(exc.code)
                    except (ConnectionError, urllib.error.URLError):
                        time.sleep(0.2)
                raise AssertionError("webhook server never answered")

            assert post({}) == 403
            assert post({"X-Telegram-Bot-Api-Secret-Token": "wrong"}) == 403
            assert fake.sent(31) == []
            assert post({"X-Telegram-Bot-Api-Secret-Token": WEBHOOK_SECRET}) == 200
            replies = fake.wait_for_replies(31, 1, timeout=30)
            assert replies
        finally:
            code = _stop(process)
    output = log.read_text(encoding="utf-8", errors="replace")
    assert code == 0, output[-2000:]
    assert WEBHOOK_SECRET not in output and TOKEN not in output


def test_sighup_reloads_the_knowledge(tmp_path: Path) -> None:
    """`kill -HUP` (systemctl reload) rebuilds the snapshot; the process keeps serving."""
    import shutil

    knowledge = tmp_path / "knowledge"
    shutil.copytree(ROOT / "knowledge", knowledge)
    log = tmp_path / "bot.log"
    with FakeBotApi() as fake:
        config = _config(tmp_path, fake, level="INFO")
        config.write_text(config.read_text(encoding="utf-8").replace(str(ROOT / "knowledge"), str(knowledge)), encoding="utf-8")
        process = _start(config, log)
        try:
            fake.wait_until(lambda: fake.calls_of("getUpdates"), timeout=30, message="the bot never polled")
            process.send_signal(signal.SIGHUP)
            deadline = time.monotonic() + 30
            while "knowledge reloaded" not in log.read_text(encoding="utf-8", errors="replace"):
                assert time.monotonic() < deadline, "no reload after SIGHUP"
                time.sleep(0.1)
            fake.send_command(13, "/start")
            (welcome,) = fake.wait_for_replies(13, 1, timeout=30)  # the welcome and the place question: one message
            assert "Bonjour" in welcome["text"] and "Où habitez-vous" in welcome["text"]
        finally:
            code = _stop(process)
    assert code == 0


# -- issue 15: authentication, webhook hardening, vanished key ----------------------------------------


@pytest.mark.slow
@pytest.mark.parametrize("method", ["getMe", "getUpdates"])
def test_a_401_stops_the_process_with_one_french_line_and_no_token(tmp_path: Path, method: str) -> None:
    """Telegram refuses the token at start (getMe) or later (getUpdates): the process exits 4 with one French
    line, no traceback, no token (before: a traceback with the token, or alive and deaf forever)."""
    log = tmp_path / "bot.log"
    with FakeBotApi() as fake:
        fake.fail_next(method, status=401, count=10_000, description="Unauthorized")
        process = _start(_config(tmp_path, fake, level="INFO"), log)
        try:
            code = process.wait(timeout=60)
        except subprocess.TimeoutExpired:
            _stop(process, signal.SIGKILL)
            pytest.fail("the process kept running after a 401")
    output = log.read_text(encoding="utf-8", errors="replace")
    assert code == 4, output[-2000:]
    assert "Telegram refuse le jeton du bot (erreur 401)" in output
    assert "Traceback" not in output
    assert TOKEN not in output and TOKEN.split(":")[1] not in output


def _webhook_config(tmp_path: Path, fake: FakeBotApi, port: int) -> Path:
    config = _config(tmp_path, fake, level="INFO")
    config.write_text(
        config.read_text(encoding="utf-8").replace(
            f"  base_url: {fake.base_url}\n",
            f"  base_url: {fake.base_url}\n  mode: webhook\n  webhook:\n    listen: 127.0.0.1\n    port: {port}\n"
            "    url: https://cep.example.org/telegram\n    path: telegram\n",
        ),
        encoding="utf-8",
    )
    return config


@pytest.mark.slow
@pytest.mark.parametrize("secret", ["", "   ", "with space", "é" * 3, "x" * 257])
def test_webhook_mode_refuses_to_start_without_a_valid_secret(tmp_path: Path, secret: str) -> None:
    """An empty secret (or one Telegram would refuse) stops at once, before any request (before: accepted forged updates)."""
    with FakeBotApi() as fake:
        env = {**os.environ, "CEP_BOT_TOKEN": TOKEN, "CEP_WEBHOOK_SECRET": secret, "PTB_TIMEDELTA": "1"}
        result = subprocess.run(
            [sys.executable, "-m", "bot", "--config", str(_webhook_config(tmp_path, fake, _free_port())), "run"],
            cwd=ROOT, env=env, capture_output=True, text=True, timeout=60, check=False,
        )
        assert fake.calls == []
    assert result.returncode == 2
    assert "CEP_WEBHOOK_SECRET" in result.stderr and "Traceback" not in result.stderr


@pytest.mark.slow
def test_webhook_refuses_malformed_json_and_oversized_bodies_without_logging_them(tmp_path: Path) -> None:
    """Malformed JSON: 400 (before: 500); a 10 MB body: refused, never logged (before: logged whole)."""
    import http.client

    port = _free_port()
    log = tmp_path / "bot.log"
    marker = "PAYLOAD-MARKER-"
    with FakeBotApi() as fake:
        process = _start(_webhook_config(tmp_path, fake, port), log)
        try:
            fake.wait_until(lambda: fake.calls_of("setWebhook"), timeout=30, message="no setWebhook")

            def post(body: bytes) -> int:
                for _ in range(50):
                    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
                    try:
                        connection.request("POST", "/telegram", body=body, headers={
                            "Content-Type": "application/json", "X-Telegram-Bot-Api-Secret-Token": WEBHOOK_SECRET})
                        return connection.getresponse().status
                    except ConnectionRefusedError:
                        time.sleep(0.2)
                    except (ConnectionResetError, BrokenPipeError, http.client.RemoteDisconnected):
                        return 0  # the server closed the connection: refused
                    finally:
                        connection.close()
                raise AssertionError("webhook server never answered")

            assert post(b'{"update_id": 1, "message": ' + marker.encode() + b"}") == 400
            assert post(b'{"no_update_id": "' + marker.encode() + b'"}') == 400
            big = b'{"update_id": 2, "message": {"text": "' + (marker.encode() * 700_000) + b'"}}'
            assert post(big) in (0, 400, 413)
            assert fake.sent(31) == []
            update = {"update_id": 3, "message": {"message_id": 1, "date": int(time.time()), "text": "bonjour",
                      "chat": {"id": 31, "type": "private", "first_name": "A"}, "from": {"id": 31, "is_bot": False, "first_name": "A"}}}
            assert post(json.dumps(update).encode()) == 200
            assert fake.wait_for_replies(31, 1, timeout=30)
        finally:
            code = _stop(process)
    output = log.read_text(encoding="utf-8", errors="replace")
    assert code == 0, output[-2000:]
    assert marker not in output
    assert len(output) < 20_000, "no body in the log"


@pytest.mark.slow
def test_a_vanished_hash_key_is_not_recreated(tmp_path: Path) -> None:
    """The database exists but the key is gone: stop with a clear message (before: a new key, silently)."""
    log = tmp_path / "bot.log"
    with FakeBotApi() as fake:
        config = _config(tmp_path, fake, level="INFO")
        process = _start(config, log)
        fake.wait_until(lambda: fake.calls_of("getUpdates"), timeout=30, message="the bot never polled")
        assert _stop(process) == 0
        (tmp_path / "hash.key").unlink()
        process = _start(config, log)
        code = process.wait(timeout=60)
    assert code == 5
    assert "clé de hachage" in log.read_text(encoding="utf-8")
    assert not (tmp_path / "hash.key").exists()
