"""The shipped knowledge, loaded once per test session (by the ``knowledge`` fixture or a module helper)."""

from __future__ import annotations

from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from bot.nlu.knowledge import Knowledge

KNOWLEDGE_DIR = Path(__file__).resolve().parent.parent / "knowledge"


@cache
def shipped_knowledge() -> Knowledge:
    """``knowledge/`` with its indexes; the one copy every test shares."""
    from bot.nlu.knowledge import load

    return load(KNOWLEDGE_DIR)


def _texts() -> dict[str, str]:
    import yaml

    data = yaml.safe_load((KNOWLEDGE_DIR / "textes.yaml").read_text(encoding="utf-8"))
    return {str(k): str(v) for k, v in data.items()}


TEXTS = _texts()  # knowledge/textes.yaml as shipped: labels and prompts the tests look for
