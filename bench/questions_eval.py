"""Questions benchmark: right / wrong / choices / missed, per register and per theme.

Usage:
    python bench/questions_eval.py                 # sets 21 to 9 (working parts), then sets 8 to 3 and the old holdouts
    python bench/questions_eval.py -v              # also list every message that is not right (first set only)
    python bench/questions_eval.py --frozen        # add the frozen parts of sets 9 to 22 and set 22's working part (score only)
    python bench/questions_eval.py --cross         # sets 21 to 5, each read without its own example messages
    python bench/questions_eval.py FILE.yaml ...   # other labelled files

Since the fourth sitting of issue 11, the messages of sets 8 to 3 and of the old holdouts (working and
frozen parts) are example messages of knowledge/langue/exemples.yaml, which the third reader learns
from: their scores are memory, not understanding. Since the eighth sitting, the single-question
messages of the working parts of sets 10 to 15 are example messages too (since the thirteenth, those of
sets 16 to 21 as well): each of those sets is read by
indexes built without the examples it shares word for word, so its score is what the other sets taught.
Set 9 and the frozen parts of sets 9 to 22 are in no example (a few short common messages are, word for
word: those sets are read without them). The working parts of sets 21 to 9 are development sets (set
21's from the thirteenth sitting on); the frozen parts of sets 9 to 21 are judges of earlier sittings. Set 22
(both parts), written blind during the twelfth sitting, is the judge of the thirteenth: scored at its start
and once at its end, never read. Set 23 (both parts), written blind during the thirteenth sitting, is
kept out of every list: it is the next round's set. ``--cross`` gives a figure on messages the reader has not
learnt from for the other sets too: each of sets 21 to 5 is read by indexes built without the examples
that come from it (leave one set out; aggregate figures only).

Outcomes for a message that asks a covered question (``kind: question``):
- **right**: what was answered (with confidence) is the labelled question or an ``acceptable`` one,
  plus at most the questions of ``also``;
- **wrong**: another question was answered with confidence (what the person loses the service to);
- **choices**: nothing answered, and the labelled question is among the choices offered;
- **missed**: nothing answered, and the right question is not offered.
For a work question the knowledge does not cover (``kind: uncovered``) or a message that asks
nothing (``kind: nothing``): **answered** (a false positive), **offered** (choices only), or
**silent**. The old holdouts label ``question: null`` without saying which of the two: they are
counted as ``other``.

Label keys: text, register, kind (question | uncovered | nothing), question, also, acceptable, theme.
"""

from __future__ import annotations

import argparse
import collections
import sys
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from enum import Enum
from pathlib import Path
from typing import Any

import yaml

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

DATA = ROOT / "tests" / "data"
# the working parts of sets 21 to 9 are the development sets, each read without the examples it shares word
# for word: since the eighth sitting, the single-question messages of the working parts of sets 10 to 15 are
# example messages too (each set is then scored on what the others taught); set 9 is in no example; sets 8
# to 3 follow, example messages (memory). Since the thirteenth sitting the working parts of sets 16 to 21 are
# example messages too, in the same way. Set 16's working part was read from the ninth sitting on, set 17's
# from the tenth, sets 18's and 19's from the eleventh, set 20's from the twelfth, set 21's from the thirteenth.
DEV = DATA / "questions_21.yaml"
FRESH = (DEV, *(DATA / f"questions_{n}.yaml" for n in (20, 19, 18, 17, 16, 15, 14, 13, 12, 11, 10, 9)))
DEVS = (*FRESH, *(DATA / f"questions_{n}.yaml" for n in (8, 7, 6, 5, 4, 3)))
# the frozen parts, aggregate only, each read without the examples it shares word for word:
# - set 9's, the judge of the fourth sitting (89.6 % right, 2.4 % another question's answer, 0 of 18
#   uncovered answered; 73.6 / 5.6 % / 1 of 18 before it);
# - set 10's, written at the end of the fourth sitting, the judge of the fifth (scored once at its end);
# - set 11's, written blind during the fifth sitting by two other writers, scored once before its working
#   part was read (79.8 % right, 4.8 % another question's; 79.0 / 5.6 % with the code at the sitting's start);
# - set 12's, written blind at the end of the fifth sitting, the judge of the sixth (scored at its start:
#   85.6 % right, 1.6 % another question's, 2 of 18 uncovered answered; then once at its end);
# - set 13's, written blind during the sixth sitting, scored near its end with its working part (both unread);
#   the working part was then read as a development set, and the frozen part scored again at the end;
# - set 14's, written blind at the end of the sixth sitting, the judge of the seventh (scored at its start:
#   92.7 % right, 2.4 % another question's, 1 of 18 uncovered answered; then once at its end); its working
#   part was scored unread at the start of the seventh (the rules of the sixth judged on it), then read;
# - set 15 (both parts), written blind during the seventh sitting by two other writers, scored once at its
#   end with the code of its start and of its end; its working part was read in the eighth sitting;
# - set 16 (both parts), written blind during the seventh sitting, the judge of the eighth: scored at its
#   start and once at its end (aggregate only); its working part was read in the ninth sitting;
# - set 17 (both parts), written blind during the eighth sitting, the judge of the ninth: scored at its
#   start and four times at its end (aggregate only); its working part was read in the tenth sitting;
# - set 18 (both parts), written blind during the ninth sitting, the judge of the tenth: scored at its start
#   (93.6 % right, 1.6 % another question's, 1 of 36 uncovered answered) and once at its end (the same);
#   its working part was read in the eleventh sitting;
# - set 19 (both parts), written blind during the tenth sitting by two other writers, scored once at its end
#   with the code of its start (84.8 % right, 4.0 % another question's, 2 of 36) and of its end (85.2 %,
#   3.6 %, 2 of 36); its working part was read in the eleventh sitting;
# - set 20 (both parts), written blind during the tenth sitting, the judge of the eleventh: scored at its
#   start (83.6 % right, 6.0 % another question's, 1 of 36 uncovered answered) and once at its end (86.0 %,
#   4.8 %, 1 of 36); its working part was read in the twelfth sitting;
# - set 21 (both parts), written blind during the eleventh sitting, the judge of the twelfth: scored at its
#   start (83.2 % right, 4.8 % another question's, 3 of 36 uncovered answered) and once at its end (83.6 %,
#   4.8 %, 3 of 36); its working part was read in the thirteenth sitting;
# - set 22 (both parts), written blind during the twelfth sitting, the judge of the thirteenth: scored at
#   its start and once at its end (aggregate only).
# Set 23 (both parts), written blind during the thirteenth sitting, is kept out of every list: the next round's.
# The frozen parts of sets 8 to 3, each scored at the end of the round it judged, are example messages now.
FROZEN = DATA / "questions_22_gel.yaml"
FROZEN_SETS = (
    DATA / "questions_9_gel.yaml",
    DATA / "questions_10_gel.yaml",
    DATA / "questions_11_gel.yaml",
    DATA / "questions_12_gel.yaml",
    DATA / "questions_13_gel.yaml",
    DATA / "questions_14_gel.yaml",
    DATA / "questions_15_gel.yaml",
    DATA / "questions_16_gel.yaml",
    DATA / "questions_17_gel.yaml",
    DATA / "questions_18_gel.yaml",
    DATA / "questions_19_gel.yaml",
    DATA / "questions_20_gel.yaml",
    DATA / "questions_21_gel.yaml",
    DATA / "questions_22.yaml",
    FROZEN,
)
HOLDOUTS = (DATA / "questions_holdout.yaml", DATA / "questions_holdout_2.yaml")
# --cross: each set read without the examples that come from it (sets 8 to 5: both parts)
CROSS = (
    *((path,) for path in FRESH),
    *((DATA / f"questions_{n}.yaml", DATA / f"questions_{n}_gel.yaml") for n in (8, 7, 6, 5)),
)
PERCENT = 100.0


class Outcome(str, Enum):  # noqa: UP042 - printed with str(): keeps the member name
    RIGHT = "right"
    WRONG = "wrong"
    CHOICES = "choices"
    MISSED = "missed"
    ANSWERED = "answered"  # an uncovered question or a message asking nothing, answered as a CEP question
    OFFERED = "offered"  # the same, only offered choices
    SILENT = "silent"


COVERED = (Outcome.RIGHT, Outcome.WRONG, Outcome.CHOICES, Outcome.MISSED)
NOT_COVERED = (Outcome.ANSWERED, Outcome.OFFERED, Outcome.SILENT)


@dataclass(frozen=True, slots=True)
class Reading:
    """What the understanding layer made of a message: ids answered, ids offered (best first)."""

    answered: tuple[str, ...]
    offered: tuple[str, ...]


Reader = Callable[[str], Reading]


def understanding_reader(knowledge: Any) -> Reader:
    """The reader of the shipped understanding layer over ``knowledge`` (bot.nlu.knowledge)."""
    from bot.nlu.understand import understand

    def read(text: str) -> Reading:
        u = understand(text, knowledge)
        return Reading(tuple(u.questions), tuple(u.suggestions))

    return read


def kind_of(item: dict[str, Any]) -> str:
    if "kind" in item:
        return str(item["kind"])
    return "question" if item.get("question") else "other"


def judge(item: dict[str, Any], reading: Reading) -> Outcome:
    """The outcome of one labelled message."""
    if kind_of(item) != "question":
        if reading.answered:
            return Outcome.ANSWERED
        return Outcome.OFFERED if reading.offered else Outcome.SILENT
    good = {item["question"], *(item.get("acceptable") or ())}
    allowed = good | set(item.get("also") or ())
    answered = set(reading.answered)
    if answered:
        if answered & good and answered <= allowed:
            return Outcome.RIGHT
        return Outcome.WRONG
    return Outcome.CHOICES if good & set(reading.offered) else Outcome.MISSED


@dataclass
class Tally:
    """Outcome counts per group (register, theme, kind)."""

    cells: dict[str, collections.Counter[Outcome]] = field(
        default_factory=lambda: collections.defaultdict(collections.Counter)
    )

    def add(self, group: str, outcome: Outcome) -> None:
        self.cells[group][outcome] += 1


@dataclass
class Result:
    total: collections.Counter[Outcome] = field(default_factory=collections.Counter)
    by_kind: Tally = field(default_factory=Tally)
    by_register: Tally = field(default_factory=Tally)
    by_theme: Tally = field(default_factory=Tally)
    also_asked: int = 0  # second questions labelled in a message
    also_answered: int = 0  # ...and answered
    failures: list[tuple[Outcome, dict[str, Any], Reading]] = field(default_factory=list)

    def covered(self) -> int:
        return sum(self.total[o] for o in COVERED)

    def not_covered(self, kind: str | None = None) -> int:
        cells = self.by_kind.cells
        kinds = [kind] if kind else [k for k in cells if k != "question"]
        return sum(cells[k][o] for k in kinds for o in NOT_COVERED)


def evaluate(items: Iterable[dict[str, Any]], read: Reader) -> Result:
    result = Result()
    for item in items:
        reading = read(item["text"])
        outcome = judge(item, reading)
        kind = kind_of(item)
        result.total[outcome] += 1
        result.by_kind.add(kind, outcome)
        if kind == "question":
            result.by_register.add(str(item.get("register", "?")), outcome)
            result.by_theme.add(str(item.get("theme", "?")), outcome)
            for other in item.get("also") or ():
                result.also_asked += 1
                result.also_answered += other in reading.answered
        if outcome not in (Outcome.RIGHT, Outcome.SILENT):
            result.failures.append((outcome, item, reading))
    return result


def load(path: Path) -> list[dict[str, Any]]:
    return list(yaml.safe_load(path.read_text(encoding="utf-8")) or [])


def with_themes(items: list[dict[str, Any]], snapshot: Any) -> list[dict[str, Any]]:
    """Items without a theme label get their question's theme from the knowledge."""
    out = []
    for item in items:
        qid = item.get("question")
        if "theme" not in item and qid in snapshot.questions:
            out.append({**item, "theme": snapshot.questions[qid].theme})
        else:
            out.append(item)
    return out


def pct(part: int, whole: int) -> str:
    return f"{PERCENT * part / whole:5.1f} %" if whole else "    – "


def table(title: str, tally: Tally) -> list[str]:
    lines = [f"  {title:16} {'n':>4} {'right':>8} {'wrong':>8} {'choices':>8} {'missed':>8}"]
    for group, cell in sorted(tally.cells.items()):
        n = sum(cell[o] for o in COVERED)
        if n:
            lines.append(
                f"  {group:16} {n:4} {pct(cell[Outcome.RIGHT], n)} {pct(cell[Outcome.WRONG], n)} "
                f"{pct(cell[Outcome.CHOICES], n)} {pct(cell[Outcome.MISSED], n)}"
            )
    return lines


def summary(name: str, result: Result) -> dict[str, str]:
    """One line of the markdown table."""
    n = result.covered()
    rest = n - result.total[Outcome.RIGHT] - result.total[Outcome.WRONG]
    out = {
        "set": name,
        "questions": str(n),
        "right": pct(result.total[Outcome.RIGHT], n).strip(),
        "wrong": pct(result.total[Outcome.WRONG], n).strip(),
        "choices (of the rest)": pct(result.total[Outcome.CHOICES], rest).strip(),
        "missed": pct(result.total[Outcome.MISSED], n).strip(),
    }
    for kind in ("uncovered", "nothing", "other"):
        cell = result.by_kind.cells.get(kind)
        if cell:
            total = sum(cell[o] for o in NOT_COVERED)
            out[f"{kind} answered"] = f"{cell[Outcome.ANSWERED]}/{total}"
    return out


def report(name: str, result: Result, *, details: bool, verbose: bool) -> None:
    """Print the figures of one set; the messages themselves only when ``verbose``."""
    print(f"\n== {name} ==")
    n = result.covered()
    print(
        f"  covered questions {n}: right {pct(result.total[Outcome.RIGHT], n)}, "
        f"wrong {pct(result.total[Outcome.WRONG], n)}, choices {pct(result.total[Outcome.CHOICES], n)}, "
        f"missed {pct(result.total[Outcome.MISSED], n)}"
    )
    rest = n - result.total[Outcome.RIGHT] - result.total[Outcome.WRONG]
    print(
        f"  right question among the choices, of those neither right nor wrong: {pct(result.total[Outcome.CHOICES], rest)}"
    )
    if result.also_asked:
        print(f"  second questions of a message answered: {result.also_answered}/{result.also_asked}")
    for kind, cell in sorted(result.by_kind.cells.items()):
        if kind == "question":
            continue
        total = sum(cell[o] for o in NOT_COVERED)
        print(
            f"  {kind:10} {total:4} messages: answered {cell[Outcome.ANSWERED]} ({pct(cell[Outcome.ANSWERED], total).strip()}), "
            f"choices offered {cell[Outcome.OFFERED]}, silent {cell[Outcome.SILENT]}"
        )
    if details:
        for line in table("register", result.by_register):
            print(line)
        for line in table("theme", result.by_theme):
            print(line)
    if verbose:
        for outcome, item, reading in result.failures:
            expected = item.get("question") or item.get("kind", "-")
            print(
                f"  ✗ {outcome.value:8} [{item.get('register', '?')}] {item['text']!r}: attendu {expected}, "
                f"répondu {list(reading.answered)}, proposé {list(reading.offered)}"
            )


def markdown(rows: list[dict[str, str]]) -> None:
    if not rows:
        return
    keys = list(dict.fromkeys(k for row in rows for k in row))
    print("\n| " + " | ".join(keys) + " |")
    print("| " + " | ".join("---" for _ in keys) + " |")
    for row in rows:
        print("| " + " | ".join(row.get(k, "") for k in keys) + " |")


def run(knowledge: Any, paths: list[Path], *, frozen: bool, verbose: bool, quick: bool = False) -> list[dict[str, str]]:
    """Evaluate every set that exists; the frozen part last, its score only."""
    read = understanding_reader(knowledge)
    fresh = {p.resolve() for p in FRESH}
    rows = []
    for k, path in enumerate(paths):
        if not path.exists():
            continue
        items = with_themes(load(path), knowledge.snapshot)
        if quick:
            items = items[::10]
        # a development set in no example is read without the few examples it shares word for word
        own = path.resolve() in fresh
        result = evaluate(
            items, understanding_reader(without_examples(knowledge, (i["text"] for i in items))) if own else read
        )
        report(path.name, result, details=True, verbose=verbose and k == 0)
        rows.append(summary(path.name, result))
    for held_out in FROZEN_SETS if frozen else ():
        if not held_out.exists():
            continue
        # held out: only the aggregate figures are printed, never a message; read by indexes built without
        # the example messages it shares word for word (short common phrasings written independently)
        items = with_themes(load(held_out), knowledge.snapshot)
        result = evaluate(items, understanding_reader(without_examples(knowledge, (i["text"] for i in items))))
        report(f"FROZEN {held_out.name} (held out: score only)", result, details=True, verbose=False)
        rows.append(summary(f"FROZEN {held_out.name}", result))
    markdown(rows)
    return rows


def without_examples(knowledge: Any, texts: Iterable[str]) -> Any:
    """The indexes of ``knowledge`` rebuilt without the example messages among ``texts``."""
    from dataclasses import replace

    from bot.kb.langue import Examples, folded
    from bot.nlu.knowledge import build_knowledge

    left = {folded(t) for t in texts}

    def keep(messages: Iterable[str]) -> tuple[str, ...]:
        return tuple(m for m in messages if folded(m) not in left)

    examples = knowledge.snapshot.language.examples
    kept = Examples(
        {qid: keep(ms) for qid, ms in examples.questions.items()},
        examples.lines,
        keep(examples.other_topics),
        keep(examples.nothing),
    )
    language = replace(knowledge.snapshot.language, examples=kept)
    return build_knowledge(replace(knowledge.snapshot, language=language))


def cross(knowledge: Any) -> Result:
    """Sets 21 to 5, each read by indexes built without its own examples (aggregate figures only)."""
    pooled = Result()
    rows = []
    for paths in CROSS:
        items = [item for path in paths if path.exists() for item in with_themes(load(path), knowledge.snapshot)]
        if not items:
            continue
        result = evaluate(items, understanding_reader(without_examples(knowledge, (i["text"] for i in items))))
        name = paths[0].name.removesuffix(".yaml") + (" (both parts)" if len(paths) > 1 else " (working part)")
        rows.append(summary(f"CROSS {name}", result))
        pooled.total.update(result.total)
        for mine, theirs in (
            (pooled.by_kind, result.by_kind),
            (pooled.by_register, result.by_register),
            (pooled.by_theme, result.by_theme),
        ):
            for group, counts in theirs.cells.items():
                mine.cells[group].update(counts)
        pooled.also_asked += result.also_asked
        pooled.also_answered += result.also_answered
    report("CROSS pooled (each set without its own examples)", pooled, details=True, verbose=False)
    rows.append(summary("CROSS pooled", pooled))
    markdown(rows)
    return pooled


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "files", nargs="*", type=Path, help="labelled files (default: the dev set and the old holdouts)"
    )
    parser.add_argument(
        "-v", "--verbose", action="store_true", help="list the messages that are not right (first file only)"
    )
    parser.add_argument("--frozen", action="store_true", help="also score the frozen part (aggregate figures only)")
    parser.add_argument(
        "--cross", action="store_true", help="only sets 21 to 5, each without its own examples (aggregate only)"
    )
    parser.add_argument("--knowledge", type=Path, default=ROOT / "knowledge")
    args = parser.parse_args(argv)
    from bot.nlu.knowledge import load as load_knowledge

    knowledge = load_knowledge(args.knowledge)
    if args.cross:
        cross(knowledge)
        return 0
    frozen = {p.resolve() for p in FROZEN_SETS}
    paths = [p for p in args.files if p.resolve() not in frozen] or [*DEVS, *HOLDOUTS]
    run(knowledge, paths, frozen=args.frozen, verbose=args.verbose)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
