"""Questions about the place: confirm one reading, or choose between two places.

The engine keeps the choices in ``Conversation.candidates`` (plain dicts, saved with the
conversation); this module marks them with what kind of question they are (``prompt``), says
the question in French and reads the answer. Pure functions: no engine state here.

- ``confirm``: one reading below the confidence threshold.
  « Vous parlez de Brive-la-Gaillarde (19) ? » [Oui] [Non, un autre lieu]
- ``deux_lieux``: two places in two regions.
  « Vous habitez à Creil (60) et travaillez à Paris (75) : lequel voulez-vous utiliser ? »
- otherwise: homonyms, asked by the engine's own question (``question_ambigu``).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from bot.textnorm import fold

if TYPE_CHECKING:
    from bot.nlu.places import PlaceRef, PlaceResult

__all__ = ["CONFIRM", "TWO_PLACES", "answer_to_confirm", "candidate_dicts", "prompt_of", "question"]

CONFIRM = "confirm"
TWO_PLACES = "deux_lieux"
YES = frozenset(
    (
        "oui",
        "ouais",
        "oui c est ca",
        "c est ca",
        "exactement",
        "tout a fait",
        "yes",
        "ok",
        "d accord",
        "voila",
        "oui oui",
        "bien sur",
    )
)
NO = frozenset(
    (
        "non",
        "non merci",
        "pas du tout",
        "nan",
        "no",
        "autre",
        "un autre lieu",
        "non un autre lieu",
        "ce n est pas ca",
        "c est pas ca",
    )
)
HOME, WORK = "domicile", "travail"

OTHER = "autre"  # the argument of the "another place" button
Row = tuple[tuple[str, str], ...]  # (label, argument of a place button: a candidate index or OTHER)


def candidate_dicts(result: PlaceResult, ref_dict: Callable[[PlaceRef], dict[str, Any]]) -> list[dict[str, Any]]:
    """The choices to keep in the conversation for ``result`` (empty when nothing is asked)."""
    if result.place is not None and result.confirm:
        return [{**_plain(result.place, ref_dict), "prompt": CONFIRM}]
    if result.place is not None:
        return []
    out = [_plain(ref, ref_dict) for ref in result.candidates]
    if result.how == TWO_PLACES:
        roles = result.roles or ("",) * len(out)
        out = [{**cand, "prompt": TWO_PLACES, "role": role} for cand, role in zip(out, roles, strict=False)]
    return out


def _plain(ref: PlaceRef, ref_dict: Callable[[PlaceRef], dict[str, Any]]) -> dict[str, Any]:
    data = ref_dict(ref)
    if ref.kind == "outside":
        data = {**data, "region": None, "outside": ref.name}
    return data


def prompt_of(candidates: list[dict[str, Any]]) -> str | None:
    return str(candidates[0].get("prompt")) if candidates and candidates[0].get("prompt") else None


def question(candidates: list[dict[str, Any]]) -> tuple[str, tuple[Row, ...]] | None:
    """The question and its buttons for a marked choice (None: the engine's homonym question)."""
    prompt = prompt_of(candidates)
    if prompt == CONFIRM:
        label = candidates[0]["label"]
        return f"Vous parlez de {label} ?", ((("Oui", "0"), ("Non, un autre lieu", OTHER)),)
    if prompt == TWO_PLACES:
        roles = {c.get("role"): c["label"] for c in candidates}
        if HOME in roles and WORK in roles:
            text = f"Vous habitez à {roles[HOME]} et travaillez à {roles[WORK]} : lequel voulez-vous utiliser ?"
        else:
            names = " et ".join(c["label"] for c in candidates)
            text = f"Vous citez {names} : lequel voulez-vous utiliser ?"
        rows = tuple(((c["label"][:60], str(i)),) for i, c in enumerate(candidates))
        return text, (*rows, (("Un autre lieu", OTHER),))
    return None


def answer_to_confirm(candidates: list[dict[str, Any]], text: str) -> bool | None:
    """For a confirmation: True for « oui », False for « non », None for anything else."""
    if prompt_of(candidates) != CONFIRM:
        return None
    folded = fold(text)
    if folded in YES:
        return True
    if folded in NO:
        return False
    return None
