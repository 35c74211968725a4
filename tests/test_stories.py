"""Run the conversation stories of ``tests/stories.yaml`` through the engine (no Telegram).

One pytest case per story, named after it. The file is written by staff (see its header);
a malformed story fails with a French message saying what to fix.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml

from bot.dialogue.engine import Button, Conversation, Engine, Turn, UserInput

STORIES = Path(__file__).resolve().parent / "stories.yaml"
ACTIONS = ("dit", "appuie", "position", "commande")
CHECKS = ("attend", "boutons", "absent")


def _load() -> list[dict[str, Any]]:
    data = yaml.safe_load(STORIES.read_text(encoding="utf-8")) or {}
    stories = data.get("histoires") if isinstance(data, dict) else data
    if not isinstance(stories, list):
        raise ValueError(f"{STORIES.name} : il faut une liste « histoires: »")
    return stories


def _name(story: Any) -> str:
    return str(story.get("nom") or story.get("name") or "(sans nom)") if isinstance(story, dict) else "(histoire mal formée)"


STORY_LIST = _load()


def _norm(text: str) -> str:
    return " ".join(text.replace("’", "'").replace("\u00a0", " ").replace("\u202f", " ").casefold().split())


def _buttons(turn: Turn | None) -> list[Button]:
    if turn is None:
        return []
    return [b for reply in turn.replies for row in reply.buttons for b in row]


def _shown(turn: Turn) -> str:
    lines = []
    for reply in turn.replies:
        lines.append(reply.plain())
        lines.extend(f"  [{b.label}]" for row in reply.buttons for b in row)
    return "\n".join(lines)


def _check_shape(story: Any) -> list[str]:
    """Problems with a story's shape, in French, for staff."""
    if not isinstance(story, dict):
        return ["chaque histoire commence par « - nom: »"]
    problems = []
    unknown = set(story) - {"nom", "name", "etapes", "steps"}
    if unknown:
        problems.append(f"clé inconnue : {', '.join(sorted(unknown))} (attendu : nom, etapes)")
    steps = story.get("etapes", story.get("steps"))
    if not isinstance(steps, list) or not steps:
        return [*problems, "il faut une liste « etapes: » non vide"]
    for number, step in enumerate(steps, 1):
        if not isinstance(step, dict):
            problems.append(f"étape {number} : écrivez « - dit: ... » (ou appuie, position, commande)")
            continue
        actions = [k for k in ACTIONS if k in step]
        if len(actions) != 1:
            problems.append(f"étape {number} : il faut exactement une action parmi {', '.join(ACTIONS)}")
        unknown = set(step) - set(ACTIONS) - set(CHECKS)
        if unknown:
            problems.append(f"étape {number} : clé inconnue {', '.join(sorted(unknown))}")
        if not step.get("attend"):
            problems.append(f"étape {number} : « attend: » est obligatoire (au moins un morceau de texte)")
        for key in CHECKS:
            value = step.get(key, [])
            if not isinstance(value, list) or not all(isinstance(v, str) and v.strip() for v in value):
                problems.append(f"étape {number} : « {key}: » doit être une liste de textes, par exemple [\"Lyon\"]")
        if "position" in step:
            pos = step["position"]
            if not (isinstance(pos, list) and len(pos) == 2 and all(isinstance(x, int | float) for x in pos)):
                problems.append(f"étape {number} : « position: » s'écrit [latitude, longitude], par exemple [48.85, 2.35]")
    return problems


def _input(step: dict[str, Any], turn: Turn | None, where: str) -> UserInput:
    if "dit" in step:
        return UserInput.from_text(str(step["dit"]))
    if "commande" in step:
        command = str(step["commande"])
        return UserInput("command", command if command.startswith("/") else "/" + command)
    if "position" in step:
        lat, lon = step["position"]
        return UserInput("location", lat=float(lat), lon=float(lon))
    wanted = _norm(str(step["appuie"]))
    for button in _buttons(turn):
        if wanted in _norm(button.label):
            return UserInput("button", button.data)
    offered = [b.label for b in _buttons(turn)] or ["aucun bouton"]
    raise AssertionError(f"{where} : pas de bouton contenant « {step['appuie']} ». Boutons proposés : {offered}")


def test_the_stories_file_is_well_formed() -> None:
    names = [_name(s) for s in STORY_LIST]
    assert len(STORY_LIST) >= 12
    assert len(names) == len(set(names)), "deux histoires ont le même nom"
    problems = [f"« {_name(s)} » : {p}" for s in STORY_LIST for p in _check_shape(s)]
    assert problems == [], "\n".join(problems)


@pytest.mark.parametrize("story", STORY_LIST, ids=[_name(s) for s in STORY_LIST])
def test_story(story: dict[str, Any], knowledge: Any) -> None:
    problems = _check_shape(story)
    assert problems == [], "\n".join(problems)
    engine = Engine(knowledge)
    state: Conversation | None = None
    turn: Turn | None = None
    for number, step in enumerate(story.get("etapes", story.get("steps")), 1):
        action = next(k for k in ACTIONS if k in step)
        where = f"Histoire « {_name(story)} », étape {number} ({action}: {step[action]})"
        turn = engine.handle(state, _input(step, turn, where))
        state = turn.state
        shown = _shown(turn)
        text = _norm("\n".join(r.plain() for r in turn.replies))
        labels = [_norm(b.label) for b in _buttons(turn)]
        for button in _buttons(turn):
            assert len(button.data.encode("utf-8")) <= 64, f"{where} : données de bouton trop longues {button}"
        missing = [w for w in step.get("attend", []) if _norm(w) not in text]
        assert not missing, f"{where} : la réponse ne contient pas {missing}.\nRéponse du bot :\n{shown}"
        no_button = [w for w in step.get("boutons", []) if not any(_norm(w) in label for label in labels)]
        assert not no_button, f"{where} : pas de bouton contenant {no_button}.\nRéponse du bot :\n{shown}"
        present = [w for w in step.get("absent", []) if _norm(w) in text or any(_norm(w) in label for label in labels)]
        assert not present, f"{where} : la réponse contient {present}, qui devrait être absent.\nRéponse du bot :\n{shown}"
