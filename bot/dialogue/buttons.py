"""Button callback data: one encoder and one decoder for ``"rev|action|argument"``.

Every inline button carries the conversation's revision, an action and an optional argument,
under Telegram's 64 bytes. The engine writes the data without the revision and stamps the
revision on the turn's replies (:func:`stamp`); channels and jobs that build buttons outside a
turn (the reminder) use :func:`encode` with ``rev``. :func:`decode` reads any string a client
sends back, without raising.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from enum import StrEnum

__all__ = ["MAX_BYTES", "ButtonAction", "ButtonData", "decode", "encode", "stamp"]

MAX_BYTES = 64  # Telegram's limit on callback data
SEPARATOR = "|"
_REVISION = re.compile(r"[0-9]{1,9}")


class ButtonAction(StrEnum):
    SITUATION = "s"  # argument: a profile id
    OTHER_SITUATIONS = "o"
    NO_SITUATION = "none"
    NEED = "n"  # argument: a need
    PLACE = "p"  # argument: a candidate's index, or "autre"
    CHANGE = "c"  # argument: "place", "sit" or "need"
    QUESTION = "q"  # argument: a question id, or "autre" (« Autre chose »)
    NOT_MINE = "nq"  # « Ce n'était pas ma question »; argument: the runners-up's positions ("3.17.22")
    USEFUL = "u"  # argument: "y" or "n"
    REMINDER = "r"  # argument: "y" or "n"
    BOOKING = "b"  # argument: "y" (booked), "w" (not yet), "x" (no longer needed)
    DELETE = "del"  # argument: "y" or "n"
    DETAIL = "d"  # argument: a bot.dialogue.answers.Detail value (how to book, what to prepare...)


@dataclass(frozen=True, slots=True)
class ButtonData:
    rev: int | None  # None when the data carries no readable revision
    action: str  # a ButtonAction value, or whatever an old or forged button says
    arg: str = ""


def encode(action: ButtonAction, arg: str = "", rev: int | None = None) -> str:
    """``[rev|]action[|arg]``; raises ``ValueError`` beyond 64 bytes or with a separator in ``arg``."""
    if SEPARATOR in arg:
        raise ValueError(f"a button argument cannot contain {SEPARATOR!r}: {arg!r}")
    data = SEPARATOR.join([*([str(rev)] if rev is not None else []), action.value, *([arg] if arg else [])])
    if len(data.encode("utf-8")) > MAX_BYTES:
        raise ValueError(f"button data over {MAX_BYTES} bytes: {data!r}")
    return data


def stamp(data: str, rev: int) -> str:
    """Prefix data written without a revision with the conversation's revision."""
    return f"{rev}{SEPARATOR}{data}"


def decode(data: str) -> ButtonData | None:
    """The parts of stamped data, or None when it has no action at all."""
    rev_part, *rest = data.split(SEPARATOR)
    if not rest:  # a revision and an action at least
        return None
    rev = int(rev_part) if _REVISION.fullmatch(rev_part) else None
    action, *args = rest
    return ButtonData(rev, action, args[0] if args else "")
