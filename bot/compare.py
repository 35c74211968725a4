"""``cep-bot check --compare REF``: what an edit of the knowledge changes in the bot's answers.

The conversation stories (``tests/stories.yaml``) and the labelled message sets (``tests/data/*.yaml``,
except the frozen ``*_gel.yaml`` ones, which only their writer reads) are replayed against the
edited knowledge and against a reference version: a git version (``HEAD``, ``main``, a commit) of
the same folder, or a copied folder. Every reply that differs is listed, grouped when one edit
changes the same reply for many messages, so staff see the effect before it is served.
"""

from __future__ import annotations

import datetime as dt
import difflib
import io
import subprocess
import tarfile
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from bot.config import Config
from bot.dialogue.engine import Button, Conversation, Engine, Turn, UserInput
from bot.kb.load import check_knowledge
from bot.nlu.knowledge import Knowledge, build_knowledge
from bot.vocab import InputKind

__all__ = ["CompareError", "Replay", "compare", "replays", "resolve_reference"]

TESTS = Path(__file__).resolve().parent.parent / "tests"
STORIES = "stories.yaml"
FROZEN_SUFFIX = "_gel.yaml"  # held-out sets: never opened here
SHOWN_GROUPS = 40  # groups of changes printed in full; the rest are counted
SHOWN_EXAMPLES = 3  # messages quoted per group


class CompareError(Exception):
    """The comparison cannot run; the message says why and what to do, in French."""


@dataclass(frozen=True, slots=True)
class Step:
    """One action of a replay: what the person writes, taps or shares."""

    kind: str  # "dit", "appuie", "position", "commande"
    value: Any


@dataclass(frozen=True, slots=True)
class Replay:
    """A conversation to replay: a story (several steps) or one labelled message."""

    where: str  # "stories.yaml « nom »" or "questions_3.yaml n° 12"
    steps: tuple[Step, ...]


def replays(tests: Path = TESTS) -> list[Replay]:
    """The stories, then every message of the labelled sets (frozen sets excluded)."""
    found: list[Replay] = []
    stories = tests / STORIES
    if stories.is_file():
        data = yaml.safe_load(stories.read_text(encoding="utf-8")) or {}
        for story in data.get("histoires", []) if isinstance(data, dict) else []:
            if isinstance(story, dict) and isinstance(story.get("etapes"), list):
                steps = tuple(_step(s) for s in story["etapes"] if isinstance(s, dict))
                found.append(Replay(f"{STORIES} « {story.get('nom', '?')} »", tuple(s for s in steps if s is not None)))
    for path in sorted((tests / "data").glob("*.yaml")):
        if path.name.endswith(FROZEN_SUFFIX):
            continue
        items = yaml.safe_load(path.read_text(encoding="utf-8")) or []
        for number, item in enumerate(items if isinstance(items, list) else [], start=1):
            if isinstance(item, dict) and isinstance(item.get("text"), str):
                found.append(Replay(f"{path.name} n° {number}", (Step("dit", item["text"]),)))
    return found


def _step(raw: dict[str, Any]) -> Step | None:
    for kind in ("dit", "appuie", "position", "commande"):
        if kind in raw:
            return Step(kind, raw[kind])
    return None


def resolve_reference(edited: Path, reference: str, workdir: Path) -> Path:
    """The knowledge folder of ``reference``: a folder as given, or ``edited`` as of a git version."""
    folder = Path(reference)
    if folder.is_dir():
        copied_repository = (folder / "knowledge").is_dir() and not (folder / "questions.yaml").exists()
        return folder / "knowledge" if copied_repository else folder
    edited = edited.resolve()
    try:
        top = Path(_git(edited, "rev-parse", "--show-toplevel").decode().strip())
        inside = edited.relative_to(top)
        archive = _git(top, "archive", "--format=tar", reference, str(inside))
    except (CompareError, ValueError) as exc:
        raise CompareError(
            f"référence introuvable : « {reference} » — donnez un dossier de connaissances copié, "
            f"ou une version git du dossier {edited} "
            "(par exemple HEAD pour la dernière version enregistrée, main, ou un numéro de commit)"
        ) from exc
    with tarfile.open(fileobj=io.BytesIO(archive)) as tar:
        tar.extractall(workdir, filter="data")
    return workdir / inside


def _git(where: Path, *args: str) -> bytes:
    try:
        done = subprocess.run(["git", "-C", str(where), *args], capture_output=True, check=False, timeout=60)  # noqa: S603, S607 - fixed git command
    except (OSError, subprocess.TimeoutExpired) as exc:
        raise CompareError("git est introuvable") from exc
    if done.returncode != 0:
        raise CompareError(done.stderr.decode(errors="replace").strip())
    return done.stdout


def _load(folder: Path, day: dt.date, label: str) -> Knowledge:
    report = check_knowledge(folder, today=day)
    if report.snapshot is None:
        errors = "\n".join(str(p) for p in report.errors[:10])
        raise CompareError(f"les connaissances {label} ({folder}) ont des erreurs : corrigez-les d'abord\n{errors}")
    return build_knowledge(report.snapshot)


def _play(engine: Engine, replay: Replay) -> list[str]:
    """The bot's reply (text and buttons) to each step of ``replay``."""
    state: Conversation | None = None
    turn: Turn | None = None
    shown: list[str] = []
    for step in replay.steps:
        user = _input(step, turn)
        if user is None:
            shown.append(f"(pas de bouton contenant « {step.value} »)")
            break
        turn = engine.handle(state, user)
        state = turn.state
        lines = [reply.plain() for reply in turn.replies]
        lines.extend(f"[{b.label}]" for reply in turn.replies for row in reply.buttons for b in row)
        shown.append("\n".join(lines))
    return shown


def _input(step: Step, turn: Turn | None) -> UserInput | None:
    if step.kind == "dit":
        return UserInput.from_text(str(step.value))
    if step.kind == "commande":
        command = str(step.value)
        return UserInput.from_text(command if command.startswith("/") else "/" + command)
    if step.kind == "position":
        lat, lon = step.value
        return UserInput(InputKind.LOCATION, lat=float(lat), lon=float(lon))
    wanted = " ".join(str(step.value).casefold().split())
    buttons: list[Button] = [b for r in (turn.replies if turn else ()) for row in r.buttons for b in row]
    match = next((b for b in buttons if wanted in " ".join(b.label.casefold().split())), None)
    return UserInput(InputKind.BUTTON, match.data) if match else None


@dataclass(frozen=True, slots=True)
class Change:
    where: str
    said: str  # the message (or the step) whose reply changed
    before: str
    after: str


def _changes(before: Engine, after: Engine, plays: list[Replay]) -> Iterator[Change]:
    for replay in plays:
        old, new = _play(before, replay), _play(after, replay)
        for number, (step, was, now) in enumerate(zip(replay.steps, old, new, strict=False), start=1):
            if was != now:
                where = replay.where if len(replay.steps) == 1 else f"{replay.where}, étape {number}"
                yield Change(where, f"{step.kind}: {step.value}", was, now)
                break  # later steps follow from this one


def compare(
    edited: Path, reference: str, day: dt.date | None = None, tests: Path = TESTS, config: Config | None = None
) -> str:
    """The report staff read: what was replayed, and every reply that changed.

    Both engines are built from ``config`` when given (retention period, reminders...), as the bot is.
    """
    day = day or dt.date.today()
    plays = replays(tests)
    if not plays:
        raise CompareError(f"aucune conversation à rejouer : {tests / STORIES} et {tests / 'data'} sont introuvables")
    with tempfile.TemporaryDirectory(prefix="cep-compare-") as work:
        ref_dir = resolve_reference(edited, reference, Path(work))
        new = _engine(_load(edited, day, "modifiées"), day, config)
        old = _engine(_load(ref_dir, day, f"de référence « {reference} »"), day, config)
        changes = list(_changes(old, new, plays))
    return _render(edited.resolve(), reference, plays, changes)


def _engine(knowledge: Knowledge, day: dt.date, config: Config | None) -> Engine:
    return Engine.from_config(knowledge, config, today=day) if config is not None else Engine(knowledge, today=day)


def _render(edited: Path, reference: str, plays: list[Replay], changes: list[Change]) -> str:
    stories = sum(1 for p in plays if len(p.steps) != 1 or p.where.startswith(STORIES))
    lines = [
        f"Comparaison : {edited} (modifié) avec « {reference} » (référence)",
        (
            f"Rejoué : {stories} histoires et {len(plays) - stories} messages des jeux étiquetés "
            f"(hors jeux gelés *{FROZEN_SUFFIX})."
        ),
    ]
    if not changes:
        lines.append("Aucune réponse ne change.")
        return "\n".join(lines)
    groups: dict[tuple[str, ...], list[Change]] = {}
    for change in changes:  # one edit changes the same lines for many messages: say it once
        groups.setdefault(tuple(_diff(change.before, change.after)), []).append(change)
    lines.append(f"{len(changes)} réponse(s) changent ({len(groups)} changement(s) différent(s)) :")
    ordered = sorted(groups.values(), key=len, reverse=True)
    for group in ordered[:SHOWN_GROUPS]:
        lines.append("")
        first = group[0]
        others = f" (et {len(group) - 1} autre(s) message(s) : même changement)" if len(group) > 1 else ""
        lines.append(f"■ {first.where} — {first.said}{others}")
        lines.extend(f"    aussi : {c.where} — {c.said}" for c in group[1:SHOWN_EXAMPLES])
        lines.extend("    " + line for line in _diff(first.before, first.after))
    if len(ordered) > SHOWN_GROUPS:
        lines.append(f"\n… et {len(ordered) - SHOWN_GROUPS} autre(s) changement(s) non affiché(s).")
    return "\n".join(lines)


def _diff(before: str, after: str) -> list[str]:
    """The lines that differ: « - » before the edit, « + » after it."""
    out = []
    for line in difflib.ndiff(before.splitlines(), after.splitlines()):
        if line.startswith("- "):
            out.append("avant : " + line[2:])
        elif line.startswith("+ "):
            out.append("après : " + line[2:])
    return out or ["(même texte, boutons ou mise en forme différents)"]
