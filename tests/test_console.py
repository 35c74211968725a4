"""``cep-bot chat``: the terminal channel, run as a real process with scripted input."""

from __future__ import annotations

import os
import selectors
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
TIMEOUT = 30

pytestmark = pytest.mark.slow


def _env() -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in ("CEP_BOT_TOKEN", "TELEGRAM_BOT_TOKEN")}
    env["PYTHONUTF8"] = "1"
    return env


def chat(script: str, *extra: str) -> subprocess.CompletedProcess[str]:
    """Run ``python -m bot chat`` with ``script`` on standard input, until end of input."""
    return subprocess.run(
        [sys.executable, "-m", "bot", "chat", *extra],
        input=script,
        capture_output=True,
        text=True,
        encoding="utf-8",
        cwd=ROOT,
        env=_env(),
        timeout=TIMEOUT,
        check=False,
    )


def assert_clean(result: subprocess.CompletedProcess[str]) -> None:
    assert result.returncode == 0, result.stderr
    assert "Traceback" not in result.stderr and "Traceback" not in result.stdout
    assert result.stdout.rstrip().endswith("Au revoir !")


def test_salariee_in_lille_gets_the_hauts_de_france_lot() -> None:
    result = chat("Je suis salariée à Lille et je veux changer de métier\n")
    assert_clean(result)
    out = result.stdout
    assert "> Je suis salariée à Lille et je veux changer de métier" in out, "the script is echoed"
    answer = out.split("> Je suis salariée", 1)[1]
    assert "Hauts-de-France" in answer
    assert "https://hdf.avenir-actifs.org" in answer
    assert "Première étape" in answer and "être accompagné sur un projet" in answer
    assert "Comment réserver" in answer, "the details are numbered choices"


def test_chat_takes_the_retention_from_the_configuration(tmp_path: Path) -> None:
    """Bug fixed: ``cep-bot chat`` built its engine without the configuration and always said 180 days."""
    config = tmp_path / "config.yaml"
    config.write_text(f"knowledge_dir: {ROOT / 'knowledge'}\nprivacy:\n  retention_days: 30\n", encoding="utf-8")
    result = chat("/confidentialite\n", "--config", str(config))
    assert_clean(result)
    assert "30 jours" in result.stdout and "180 jours" not in result.stdout


def test_buttons_are_numbered_choices_and_a_number_selects() -> None:
    result = chat("Lyon\n2\n1\n")
    assert_clean(result)
    out = result.stdout
    situation = out.split("> Lyon", 1)[1].split("> 2", 1)[0]
    for number, label in enumerate(
        ["Salarié(e) du privé", "Indépendant(e)", "Demandeur d'emploi", "Agent public", "Une autre situation"], 1
    ):
        assert f"  {number}. {label}" in situation
    need = out.split("> 2", 1)[1].split("> 1", 1)[0]
    assert "  1. Une question ponctuelle" in need and "  2. Un accompagnement dans la durée" in need
    answer = out.split("> 1", 1)[1]
    assert "Les travailleurs indépendants" in answer, "2 chose « Indépendant(e) »"
    assert "question précise" in answer, "1 chose « Une question ponctuelle »"
    assert "https://ara.avenir-actifs.org" in answer


def test_a_number_that_is_no_choice_is_read_as_text() -> None:
    result = chat("Lyon\n²\n69\n")
    assert_clean(result)
    assert result.stdout.count("Quelle est votre situation") >= 2


def test_a_location_typed_as_coordinates() -> None:
    result = chat("50.6292, 3.0573\n1\n2\n")
    assert_clean(result)
    assert "vous pouvez aussi taper des coordonnées" in result.stdout
    answer = result.stdout.split("> 2", 1)[1]
    assert "Lille" in answer and "https://hdf.avenir-actifs.org" in answer


def test_end_of_input_exits_cleanly() -> None:
    result = chat("")
    assert_clean(result)
    assert "Où habitez-vous" in result.stdout
    assert result.stderr == ""


def _read_until(proc: subprocess.Popen[bytes], marker: bytes, timeout: float = TIMEOUT) -> bytes:
    """Read the process's output until ``marker`` shows up (without blocking forever)."""
    assert proc.stdout is not None
    seen = b""
    deadline = time.monotonic() + timeout
    with selectors.DefaultSelector() as selector:
        selector.register(proc.stdout, selectors.EVENT_READ)
        while marker not in seen:
            remaining = deadline - time.monotonic()
            if remaining <= 0 or (proc.poll() is not None and not selector.select(0)):
                raise AssertionError(f"{marker!r} not seen; output so far:\n{seen.decode(errors='replace')}")
            if selector.select(min(remaining, 0.5)):
                chunk = os.read(proc.stdout.fileno(), 65536)
                if not chunk:
                    raise AssertionError(f"output closed before {marker!r}:\n{seen.decode(errors='replace')}")
                seen += chunk
    return seen


def test_ctrl_c_exits_cleanly_without_a_traceback() -> None:
    proc = subprocess.Popen(
        [sys.executable, "-m", "bot", "chat"],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        cwd=ROOT,
        env=_env(),
    )
    try:
        assert proc.stdin is not None
        _read_until(proc, "Où habitez-vous".encode())
        proc.stdin.write(b"Lyon\n")
        proc.stdin.flush()
        _read_until(proc, b"5. Une autre situation")
        proc.send_signal(signal.SIGINT)  # Ctrl-C while waiting for the next line
        out, err = proc.communicate(timeout=TIMEOUT)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
    assert proc.returncode == 0, err.decode(errors="replace")
    assert b"Traceback" not in err and b"KeyboardInterrupt" not in err
    assert out.decode().rstrip().endswith("Au revoir !")
