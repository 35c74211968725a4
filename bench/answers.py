"""Length and completeness of the first answer, over the stories and a set of first messages.

    .venv/bin/python bench/answers.py [--quick]

For every conversation (each story of ``tests/stories.yaml`` and each persona below), it drives the
engine and records the first message that gives a door (a reply with a title): its length in
characters (title + text, as the person reads it), and whether it holds a door, a contact (or an
official finder page) and a first booking step. It also counts identical replies sent twice in a row.
Prints the median and maximum, the share of answers within 700 characters, and the misses.
"""

from __future__ import annotations

import argparse
import datetime as dt
import re
import statistics
import sys
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

import yaml

from bot.dialogue.engine import Conversation, Engine, Reply, Turn, UserInput
from bot.nlu.knowledge import load

LIMIT = 700
TODAY = dt.date(2026, 3, 2)
# The persons of issue 12: one list of messages each (the first gives situation and place, or
# the next ones do). Written from the issue, before the new answers.
PERSONAS: tuple[tuple[str, ...], ...] = (
    ("Je suis salariée à Lille et je veux changer de métier",),
    ("indépendant à Ajaccio, juste une question",),
    ("Je suis demandeur d'emploi à Lyon",),
    ("chômeur à Nantes",),
    ("j'ai 20 ans et je cherche du travail à Rennes",),
    ("j'ai 19 ans, sans emploi, j'habite à Lens",),
    ("je suis cadre à Lyon",),
    ("cadre au chômage à Bordeaux",),
    ("je suis travailleur handicapé et je cherche un emploi à Metz",),
    ("j'ai une RQTH et je suis salarié à Toulouse, je veux me reconvertir",),
    ("Je suis fonctionnaire à Rennes",),
    ("aide-soignante titulaire à l'hôpital de Brest",),
    ("agent territorial à la mairie de Nice",),
    ("je suis militaire à Toulon et je veux préparer ma reconversion",),
    ("professeur des écoles à Dijon",),
    ("je suis en préavis, encore salarié deux mois, à Grenoble",),
    ("saisonnier à Chamonix, je veux changer de voie",),
    ("intermittent du spectacle à Paris",),
    ("j'ai 23 ans, je viens d'avoir mon master, je cherche du travail à Montpellier",),
    ("auto-entrepreneur à Marseille, je voudrais être accompagné",),
    ("Lyon", "salarié", "ponctuelle"),
    ("Bordeaux", "demandeur d'emploi"),
    ("salariée en CDD à Caen, accompagnement",),
    ("je suis infirmière à l'hôpital public de Strasbourg",),
    ("gendarme à Orléans",),
    ("artisan à Quimper, je veux un conseil ponctuel",),
    ("je suis handicapé sans emploi à Amiens",),
    ("salarié à Saint-Denis de La Réunion, je veux me reconvertir",),
    ("je travaille dans une collectivité territoriale à Poitiers",),
    ("jeune diplômé de 24 ans à Tours, je cherche mon premier emploi",),
    ("vendeuse en CDI à Limoges, je veux changer de métier",),
    ("policier à Lille",),
)
CONTACT = re.compile(r"https?://\S+|\b0\d(?: ?\d\d){4}\b|\b39 ?49\b|mon-cep\.org", re.IGNORECASE)
BOOKING = re.compile(r"Première étape : ", re.IGNORECASE)  # the first booking step, as the short answer says it


def _text(reply: Reply) -> str:
    return reply.plain()


def _press(turn: Turn, wanted: str) -> UserInput | None:
    for reply in turn.replies:
        for row in reply.buttons:
            for button in row:
                if wanted.casefold() in button.label.casefold():
                    return UserInput("button", button.data)
    return None


def _story_inputs(story: dict[str, Any]) -> list[tuple[str, Any]]:
    steps = story.get("etapes") or []
    out: list[tuple[str, Any]] = []
    for step in steps:
        out.extend((key, step[key]) for key in ("dit", "appuie", "position", "commande") if key in step)
    return out


def run_conversation(engine: Engine, inputs: list[tuple[str, Any]], *, answer_need: bool = False) -> dict[str, Any]:
    """Drive one conversation; return the first answer's figures and the repetitions.

    With ``answer_need``, a question about the need (one-off or support) is answered with the
    « question ponctuelle » button: the person's second message.
    """
    state: Conversation | None = None
    turn: Turn | None = None
    first: Reply | None = None
    repeats = 0
    previous: tuple[str, ...] = ()
    for key, value in inputs:
        user: UserInput | None
        if key == "dit":
            user = UserInput.from_text(str(value))
        elif key == "commande":
            user = UserInput("command", str(value))
        elif key == "position":
            user = UserInput("location", lat=float(value[0]), lon=float(value[1]))
        else:
            user = _press(turn, str(value)) if turn is not None else None
            if user is None:
                user = UserInput.from_text(str(value))
        turn = engine.handle(state, user)
        state = turn.state
        texts = tuple(_text(r) for r in turn.replies)
        if texts and texts == previous:
            repeats += 1
        previous = texts
        if first is None:
            first = next((r for r in turn.replies if r.title), None)
    if first is None and answer_need and turn is not None:
        need = _press(turn, "ponctuelle")
        if need is not None:
            turn = engine.handle(state, need)
            first = next((r for r in turn.replies if r.title), None)
    if first is None:
        return {"answered": False, "repeats": repeats}
    text = _text(first)
    return {
        "answered": True,
        "length": len(text),
        "contact": bool(CONTACT.search(text)),
        "booking": bool(BOOKING.search(text)),
        "repeats": repeats,
        "text": text,
    }


def _summary(name: str, results: list[dict[str, Any]]) -> list[str]:
    answered = [r for r in results if r["answered"]]
    lengths = [r["length"] for r in answered]
    if not lengths:
        return [f"{name}: no answer"]
    within = sum(1 for n in lengths if n <= LIMIT)
    return [
        f"{name}: conversations {len(results)}, answered {len(answered)}",
        (
            f"  first answer length: median {statistics.median(lengths):.0f}, max {max(lengths)}, min {min(lengths)}, "
            f"<= {LIMIT}: {within}/{len(lengths)}"
        ),
        (
            f"  with a contact: {sum(r['contact'] for r in answered)}/{len(answered)}; "
            f"with a booking step: {sum(r['booking'] for r in answered)}/{len(answered)}"
        ),
        f"  identical replies twice in a row: {sum(r['repeats'] for r in results)}",
    ]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--quick", action="store_true", help="the personas only")
    parser.add_argument("--show", action="store_true", help="print each persona's first answer")
    args = parser.parse_args(argv)
    engine = Engine(load(ROOT / "knowledge"), today=TODAY)
    persona_results = [
        run_conversation(engine, [("dit", m) for m in messages], answer_need=True) for messages in PERSONAS
    ]
    lines = _summary(f"personas ({len(PERSONAS)} first messages)", persona_results)
    if not args.quick:
        data = yaml.safe_load((ROOT / "tests" / "stories.yaml").read_text(encoding="utf-8")) or {}
        stories = data.get("histoires", [])
        story_results = [run_conversation(engine, _story_inputs(s)) for s in stories]
        lines += _summary(f"stories ({len(stories)})", story_results)
        lines += _summary("all", persona_results + story_results)
    missing = [
        " / ".join(m)
        for m, r in zip(PERSONAS, persona_results, strict=True)
        if not (r["answered"] and r["contact"] and r["booking"])
    ]
    lines.append(f"personas without door + contact + booking step: {len(missing)}")
    lines.extend(f"  - {m}" for m in missing)
    if args.show:
        for messages, result in zip(PERSONAS, persona_results, strict=True):
            print(
                f"\n=== {' / '.join(messages)} ({result.get('length', '-')} characters)\n{result.get('text', '(no answer)')}"
            )
    print("\n".join(lines))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
