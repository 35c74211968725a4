"""Place reading scored on a labelled set with five outcomes, per family and overall.

Usage:
    python bench/places_eval.py              # the dev set tests/data/lieux_2.yaml
    python bench/places_eval.py -v           # also list every message of the dev set that is not right
    python bench/places_eval.py --frozen     # also the frozen set (aggregate figures only, never listed)

Each item of a set has ``text``, ``family``, ``expect`` (``region``, ``ask``, ``none`` or ``outside``),
``region`` (for ``expect: region``), optional ``confirm_ok`` (a confirmation naming the right place
counts as right), ``choices`` (for ``expect: ask``: acceptable readings, region codes or ``outside``).

What the understanding layer says is read as one of:
- a confident reading: a region (a place with ``confirm`` false) or « outside »;
- a question: a confirmation (one place, ``confirm`` true) or a choice among candidates;
- nothing.

Outcomes:
- ``right``;
- ``wrong_confident``: a confident region or « outside » that is wrong;
- ``missed``: nothing found where something was expected;
- ``asked_when_clear``: a question where the answer was clear (or where there was nothing to ask);
- ``not_asked``: a confident reading, among the acceptable ones, where the bot should have asked.
"""

from __future__ import annotations

import argparse
import collections
import sys
from dataclasses import dataclass, field
from enum import Enum
from pathlib import Path
from typing import Any

import yaml

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from bot.nlu.understand import understand  # noqa: E402

DEV = ROOT / "tests" / "data" / "lieux_2.yaml"
FROZEN = ROOT / "tests" / "data" / "lieux_2_gel.yaml"
OUTSIDE = "outside"


class Outcome(Enum):
    RIGHT = "right"
    WRONG_CONFIDENT = "wrong_confident"
    MISSED = "missed"
    ASKED_WHEN_CLEAR = "asked_when_clear"
    NOT_ASKED = "not_asked"


@dataclass(frozen=True, slots=True)
class Reading:
    """What the bot would do with the place of one message."""

    confident: str | None = None  # a region code or "outside" given without asking
    asked: tuple[str, ...] = ()  # readings offered in a question (confirmation or choice)
    label: str = ""

    @property
    def nothing(self) -> bool:
        return self.confident is None and not self.asked


def read_place(text: str, knowledge: Any) -> Reading:
    """The place reading of ``text`` in the scorer's vocabulary."""
    place = understand(text, knowledge).place
    ref = place.place
    confirm = bool(getattr(place, "confirm", False))
    if ref is not None:
        reading = OUTSIDE if ref.kind == OUTSIDE else (ref.region or "")
        if confirm:
            extra = tuple(OUTSIDE if c.kind == OUTSIDE else (c.region or "") for c in place.candidates)
            return Reading(asked=(reading, *extra), label=ref.label)
        return Reading(confident=reading, label=ref.label)
    if place.candidates:
        asked = tuple(OUTSIDE if c.kind == OUTSIDE else (c.region or "") for c in place.candidates)
        return Reading(asked=asked, label=" | ".join(c.label for c in place.candidates))
    return Reading()


def score_item(item: dict[str, Any], reading: Reading) -> Outcome:
    """The outcome of one labelled item."""
    expect = item["expect"]
    if expect == "ask":
        choices = {str(c) for c in item.get("choices") or ()}
        if reading.confident is not None:
            return Outcome.NOT_ASKED if reading.confident in choices else Outcome.WRONG_CONFIDENT
        if reading.asked:
            return Outcome.RIGHT if choices & set(reading.asked) else Outcome.ASKED_WHEN_CLEAR
        return Outcome.MISSED
    wanted = OUTSIDE if expect == OUTSIDE else (str(item["region"]) if expect == "region" else None)
    if reading.confident is not None:
        return Outcome.RIGHT if reading.confident == wanted else Outcome.WRONG_CONFIDENT
    if reading.asked:
        confirmed = len(reading.asked) == 1 or len(set(reading.asked)) == 1
        if wanted is not None and item.get("confirm_ok") and confirmed and reading.asked[0] == wanted:
            return Outcome.RIGHT
        return Outcome.ASKED_WHEN_CLEAR
    return Outcome.RIGHT if wanted is None else Outcome.MISSED


@dataclass
class PlaceScore:
    per_family: dict[str, collections.Counter[Outcome]] = field(
        default_factory=lambda: collections.defaultdict(collections.Counter)
    )
    failures: list[tuple[str, str, Outcome, Reading]] = field(default_factory=list)

    def total(self) -> collections.Counter[Outcome]:
        out: collections.Counter[Outcome] = collections.Counter()
        for counts in self.per_family.values():
            out.update(counts)
        return out


def evaluate(items: list[dict[str, Any]], knowledge: Any) -> PlaceScore:
    score = PlaceScore()
    for item in items:
        reading = read_place(item["text"], knowledge)
        outcome = score_item(item, reading)
        family = str(item.get("family", "?"))
        score.per_family[family][outcome] += 1
        if outcome is not Outcome.RIGHT:
            score.failures.append((family, item["text"], outcome, reading))
    return score


def load(path: Path) -> list[dict[str, Any]]:
    data = yaml.safe_load(path.read_text(encoding="utf-8")) or []
    return list(data["items"] if isinstance(data, dict) else data)


def _row(name: str, counts: collections.Counter[Outcome]) -> str:
    n = sum(counts.values()) or 1
    cells = " | ".join(f"{100 * counts[o] / n:5.1f} % ({counts[o]})" for o in Outcome)
    return f"| {name} | {sum(counts.values())} | {cells} |"


def table(title: str, score: PlaceScore, *, families: bool = True) -> str:
    head = "| family | n | " + " | ".join(o.value for o in Outcome) + " |"
    lines = [f"\n== {title} ==", head, "|" + " --- |" * (len(Outcome) + 2)]
    if families:
        lines.extend(_row(fam, counts) for fam, counts in sorted(score.per_family.items()))
    lines.append(_row("TOTAL", score.total()))
    return "\n".join(lines)


def report(knowledge: Any, *, frozen: bool = False, verbose: bool = False) -> list[tuple[str, PlaceScore]]:
    """Print the tables of the dev set and, when asked, of the frozen set (never its messages)."""
    out: list[tuple[str, PlaceScore]] = []
    if DEV.exists():
        dev = evaluate(load(DEV), knowledge)
        print(table(f"places, {DEV.name} (dev)", dev))
        if verbose:
            for family, text, outcome, reading in dev.failures:
                got = reading.confident or ("? " + ",".join(reading.asked) if reading.asked else "-")
                print(f"  ✗ [{family}] {outcome.value}: {text!r} -> {got} {reading.label}")
        out.append((DEV.name, dev))
    if frozen and FROZEN.exists():
        gel = evaluate(load(FROZEN), knowledge)
        print(table(f"places, {FROZEN.name} (FROZEN: aggregate only)", gel))
        out.append((FROZEN.name, gel))
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("-v", "--verbose", action="store_true", help="list the dev set's messages that are not right")
    parser.add_argument("--frozen", action="store_true", help="also score the frozen set (aggregate only)")
    args = parser.parse_args(argv)
    from bot.nlu.knowledge import load as load_knowledge

    knowledge = load_knowledge(ROOT / "knowledge")
    report(knowledge, frozen=args.frozen, verbose=args.verbose)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
