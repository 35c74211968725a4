"""Benchmark of the understanding layer: accuracy on the labelled sets, speed, naive baseline.

Usage:
    python bench/understanding.py            # full run
    python bench/understanding.py --quick    # tiny run (a few hundred calls), used by a test
    python bench/understanding.py -v         # also list every wrong message of comprendre.yaml

What it does:
- evaluates ``tests/data/comprendre.yaml`` and, when present, ``tests/data/comprendre_validation.yaml``
  and the question-only sets ``tests/data/questions_holdout*.yaml``
  (reported separately): a message is correct when every label it carries matches; accuracy per
  category and overall;
- times :func:`bot.nlu.understand.understand` over at least 10,000 messages (cycling through the
  set), with the text caches emptied before each call so repeated messages are not helped by
  them; prints p50 / p99 per message in microseconds, wall clock and CPU time (the CPU time of
  this thread is what the code costs; the wall clock also counts other processes of the machine);
- runs a naive baseline, ``rapidfuzz.process.extractOne(message, all_place_names,
  processor=default_process)`` over every region, département and commune name, and prints its
  place accuracy on the place-labelled messages and its timing on a sample, and the speed ratio;
- scores the place reading on ``tests/data/lieux_2.yaml`` with five outcomes per family
  (``bench/places_eval.py``); ``--frozen`` adds the frozen set ``lieux_2_gel.yaml`` (aggregate only);
- ends with a markdown table.
"""

from __future__ import annotations

import argparse
import collections
import statistics
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml
from rapidfuzz import process, utils

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bot.nlu.knowledge import load
from bot.nlu.understand import understand
from bot.routing import pick_rule
from bot.textnorm import fold

sys.path.insert(0, str(Path(__file__).resolve().parent))
import places_eval
import questions_eval

from _common import percentile

LABELLED = ROOT / "tests" / "data" / "comprendre.yaml"
VALIDATION = ROOT / "tests" / "data" / "comprendre_validation.yaml"
# questions only, written by someone who never saw the phrasings, never used for tuning
HOLDOUTS = [ROOT / "tests" / "data" / name for name in ("questions_holdout.yaml", "questions_holdout_2.yaml")]
KEYS = ("region", "departement", "commune", "postal_code", "outside", "candidates", "profile", "need", "question")
PLACE_KEYS = ("region", "departement", "commune")


def observed(item_text: str, knowledge: Any) -> dict[str, Any]:
    """What the understanding layer says about one message, in the labels' vocabulary."""
    u = understand(item_text, knowledge)
    p = u.place.place
    rule = pick_rule(u.situation.traits, knowledge.snapshot)
    return {
        "region": p.region if p is not None and p.kind != "outside" else None,
        "departement": p.departement if p is not None else None,
        "commune": p.commune if p is not None else None,
        "postal_code": p.postal_code if p is not None else None,
        "outside": u.place.outside,
        "candidates": [c.region for c in u.place.candidates],
        "profile": rule.profile if rule is not None else None,
        "need": u.situation.need,
        "question": u.confident_question,
    }


def wrong_labels(item: dict[str, Any], got: dict[str, Any]) -> list[str]:
    """The labels of ``item`` that ``got`` does not match (empty when the message is right)."""
    bad = []
    for key in KEYS:
        if key not in item:
            continue
        expected, value = item[key], got[key]
        if key == "candidates":
            ok = sorted(expected or []) == sorted(value)
        elif key == "outside":
            ok = bool(expected) == bool(value)
        else:
            ok = expected == value
        if not ok:
            bad.append(f"{key}: attendu {expected!r}, obtenu {value!r}")
    return bad


@dataclass
class Score:
    per_category: dict[str, list[int]] = field(default_factory=lambda: collections.defaultdict(lambda: [0, 0]))
    failures: list[tuple[str, str, list[str]]] = field(default_factory=list)

    @property
    def right(self) -> int:
        return sum(v[0] for v in self.per_category.values())

    @property
    def total(self) -> int:
        return sum(v[1] for v in self.per_category.values())

    @property
    def accuracy(self) -> float:
        return self.right / self.total if self.total else 0.0


def evaluate(items: list[dict[str, Any]], knowledge: Any) -> Score:
    score = Score()
    for item in items:
        bad = wrong_labels(item, observed(item["text"], knowledge))
        cell = score.per_category[item.get("cat", "?")]
        cell[0] += not bad
        cell[1] += 1
        if bad:
            score.failures.append((item.get("cat", "?"), item["text"], bad))
    return score


def load_items(path: Path) -> list[dict[str, Any]]:
    return yaml.safe_load(path.read_text(encoding="utf-8")) or []


def time_understanding(texts: list[str], knowledge: Any, calls: int, clock: Any = time.perf_counter_ns) -> list[float]:
    """Microseconds per call, cycling through ``texts``; the fold cache is emptied before each call.

    ``clock=time.thread_time_ns`` measures this thread's CPU time instead of the wall clock:
    what other processes do then does not count.
    """
    for text in texts[:50]:  # warm up the interpreter, not the caches
        understand(text, knowledge)
    out = []
    for i in range(calls):
        text = texts[i % len(texts)]
        fold.cache_clear()
        knowledge.questions.lex.clear_caches()
        start = clock()
        understand(text, knowledge)
        out.append((clock() - start) / 1000)
    return out


# -- naive baseline ------------------------------------------------------------------------------


def baseline_names(snapshot: Any) -> dict[str, dict[str, str | None]]:
    """Every region, département and commune name -> what it designates (largest commune first)."""
    names: dict[str, dict[str, str | None]] = {}
    for code, region in snapshot.regions.items():
        for name in (region.name, *region.aliases):
            names.setdefault(name, {"region": code, "departement": None, "commune": None})
    for code, dep in snapshot.departements.items():
        for name in (dep.name, *dep.aliases):
            names.setdefault(name, {"region": dep.region, "departement": code, "commune": None})
    for commune in sorted(snapshot.communes, key=lambda c: -c.population):
        if commune.kind in ("COM", "ARM"):
            names.setdefault(
                commune.name, {"region": commune.region, "departement": commune.departement, "commune": commune.insee}
            )
    return names


def place_labelled(items: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Messages that name a French place (a non-empty region label)."""
    return [it for it in items if it.get("region")]


def place_right(item: dict[str, Any], got: dict[str, Any]) -> bool:
    return all(item[k] == got.get(k) for k in PLACE_KEYS if k in item)


def run_baseline(items: list[dict[str, Any]], knowledge: Any, sample: int) -> tuple[float, float, list[float], int]:
    """(baseline place accuracy, ours on the same messages, baseline µs per message, messages)."""
    names = baseline_names(knowledge.snapshot)
    choices = list(names)
    labelled = place_labelled(items)
    right = ours = 0
    timings: list[float] = []
    for i, item in enumerate(labelled[:sample] if sample else labelled):
        start = time.perf_counter_ns()
        match = process.extractOne(item["text"], choices, processor=utils.default_process)
        timings.append((time.perf_counter_ns() - start) / 1000)
        got = names[match[0]] if match else {}
        right += place_right(item, got)
        ours += place_right(item, observed(item["text"], knowledge))
        del i
    count = len(timings)
    return right / max(count, 1), ours / max(count, 1), timings, count


# -- report --------------------------------------------------------------------------------------


def print_score(title: str, score: Score, verbose: bool) -> None:
    print(f"\n== {title} ==")
    for cat, (ok, n) in sorted(score.per_category.items()):
        print(f"  {cat:22} {ok:4}/{n:<4} {100 * ok / n:5.1f} %")
    print(f"  {'TOTAL':22} {score.right:4}/{score.total:<4} {100 * score.accuracy:5.1f} %")
    if verbose:
        for cat, text, bad in score.failures:
            print(f"  ✗ [{cat}] {text!r}: {'; '.join(bad)}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="tiny run: few timed calls, small baseline sample")
    parser.add_argument("-v", "--verbose", action="store_true", help="list wrong messages")
    parser.add_argument("--calls", type=int, default=None, help="timed understand() calls (default 10000, quick 300)")
    parser.add_argument("--no-validation", action="store_true", help="skip comprendre_validation.yaml")
    parser.add_argument(
        "--frozen",
        action="store_true",
        help="also score the frozen sets lieux_2_gel.yaml and questions_{9,10,11}_gel.yaml (aggregate only)",
    )
    parser.add_argument(
        "--baseline-sample", type=int, default=None, help="messages for the baseline (default 250, quick 10)"
    )
    args = parser.parse_args(argv)
    calls = args.calls or (300 if args.quick else 10_000)
    sample = args.baseline_sample or (10 if args.quick else 250)

    start = time.perf_counter()
    knowledge = load(ROOT / "knowledge")
    load_s = time.perf_counter() - start
    items = load_items(LABELLED)
    if args.quick:
        items = items[::10]
    sets = [("comprendre.yaml", items)]
    if VALIDATION.exists() and not args.no_validation:
        validation = load_items(VALIDATION)
        sets.append(("comprendre_validation.yaml", validation[::10] if args.quick else validation))
    for path in HOLDOUTS:
        if path.exists() and not args.no_validation:
            holdout = [
                {**item, "cat": item.get("cat", "question" if item.get("question") else "hors_sujet")}
                for item in load_items(path)
            ]
            sets.append((path.name, holdout[::10] if args.quick else holdout))

    print(f"knowledge loaded in {load_s:.2f} s; {len(items)} labelled messages")
    scores = []
    for k, (title, data) in enumerate(sets):
        score = evaluate(data, knowledge)
        scores.append((title, score))
        # the validation set is held out: its messages are never listed, only its scores
        print_score(title, score, args.verbose and k == 0)

    # places: five outcomes per family (bench/places_eval.py); the frozen set only when asked
    place_scores = places_eval.report(knowledge, frozen=args.frozen)

    texts = [it["text"] for it in items]
    timings = time_understanding(texts, knowledge, calls)
    p50, p99 = percentile(timings, 0.50), percentile(timings, 0.99)
    cpu = time_understanding(texts, knowledge, calls, clock=time.thread_time_ns)
    c50, c99 = percentile(cpu, 0.50), percentile(cpu, 0.99)
    print(
        f"\nunderstand(): {len(timings)} calls, wall p50 {p50:.0f} µs, p99 {p99:.0f} µs, mean "
        f"{statistics.fmean(timings):.0f} µs"
    )
    print(f"understand(): {len(cpu)} calls, CPU p50 {c50:.0f} µs, p99 {c99:.0f} µs")

    base_acc, our_acc, base_t, base_n = run_baseline(items, knowledge, sample)
    b50, b99 = percentile(base_t, 0.50), percentile(base_t, 0.99)
    ratio = b50 / p50 if p50 else float("inf")
    print(
        f"baseline extractOne: place accuracy {100 * base_acc:.1f} % on {base_n} place-labelled messages "
        f"(ours {100 * our_acc:.1f} % on the same), p50 {b50:.0f} µs, p99 {b99:.0f} µs, "
        f"{ratio:.0f}x slower than understand() at p50"
    )

    print("\n| measure | value |\n| --- | --- |")
    for title, score in scores:
        print(f"| accuracy, {title} | {100 * score.accuracy:.1f} % ({score.right}/{score.total}) |")
    for title, score in scores:
        for cat, (ok, n) in sorted(score.per_category.items()):
            print(f"| {title}: {cat} | {100 * ok / n:.1f} % ({ok}/{n}) |")
    for title, pscore in place_scores:
        total = pscore.total()
        n = sum(total.values()) or 1
        print(
            f"| places, {title}: right / wrong-confident | {100 * total[places_eval.Outcome.RIGHT] / n:.1f} % / "
            f"{100 * total[places_eval.Outcome.WRONG_CONFIDENT] / n:.1f} % ({n}) |"
        )
    print(f"| understand() p50 / p99, wall clock ({len(timings)} calls) | {p50:.0f} µs / {p99:.0f} µs |")
    print(f"| understand() p50 / p99, CPU time ({len(cpu)} calls) | {c50:.0f} µs / {c99:.0f} µs |")
    print(f"| place accuracy, ours / baseline ({base_n} messages) | {100 * our_acc:.1f} % / {100 * base_acc:.1f} % |")
    print(f"| baseline p50 / p99 | {b50:.0f} µs / {b99:.0f} µs |")
    print(f"| speed ratio (baseline p50 / ours p50) | {ratio:.0f}x |")

    # questions: right / wrong / choices / missed per register and theme; the frozen part apart
    print("\n# Questions (bench/questions_eval.py)")
    questions_eval.run(
        knowledge,
        [*questions_eval.DEVS, *questions_eval.HOLDOUTS],
        frozen=args.frozen and not args.quick,
        verbose=False,
        quick=args.quick,
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
