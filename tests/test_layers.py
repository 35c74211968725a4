"""Layers flow one way: channels -> dialogue -> understanding / routing -> knowledge.

Read from the source (every import, including those inside functions and under TYPE_CHECKING),
so that a lazy import cannot hide a dependency going the wrong way.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent

# package -> packages it must never import
FORBIDDEN = {
    "bot/kb": ("bot.nlu", "bot.dialogue", "bot.routing", "bot.service", "handlers"),
    "bot/nlu": ("bot.dialogue", "bot.service", "handlers"),
    "bot/dialogue": ("bot.service", "handlers"),
}


def imported_modules(path: Path) -> set[str]:
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found.add(node.module)
            found.update(f"{node.module}.{alias.name}" for alias in node.names)
    return found


@pytest.mark.parametrize("package", sorted(FORBIDDEN))
def test_no_import_against_the_flow(package: str) -> None:
    wrong = {
        f"{path.relative_to(ROOT)}: {module}"
        for path in sorted((ROOT / package).rglob("*.py"))
        for module in imported_modules(path)
        if module.startswith(FORBIDDEN[package])
    }
    assert not wrong, sorted(wrong)


def test_the_checker_sees_a_lazy_import(tmp_path: Path) -> None:
    source = tmp_path / "m.py"
    source.write_text("def f():\n    from bot.nlu.places import PlaceIndex\n    return PlaceIndex\n", encoding="utf-8")
    assert "bot.nlu.places" in imported_modules(source)
