"""The terminal channel: the same engine, buttons as numbered choices.

Type the number of a choice or any text; a location can be typed as "48.85, 2.35";
end of input (Ctrl-D) or Ctrl-C leaves cleanly.
"""

from __future__ import annotations

import sys
from typing import TYPE_CHECKING, TextIO

from bot.dialogue.engine import Button, Conversation, Engine, Reply, UserInput
from bot.vocab import InputKind

if TYPE_CHECKING:
    from bot.config import Config
    from bot.nlu.knowledge import Knowledge

__all__ = ["render_plain", "run_console"]


def render_plain(reply: Reply, numbered: list[Button] | None = None) -> str:
    """A reply as terminal text; buttons become "  1. label" lines (collected in ``numbered``)."""
    lines = [reply.plain()]
    for row in reply.buttons:
        for button in row:
            if numbered is not None:
                numbered.append(button)
                lines.append(f"  {len(numbered)}. {button.label}")
            else:
                lines.append(f"  [{button.label}]")
    if reply.request_location:
        lines.append("  (vous pouvez aussi taper des coordonnées, par exemple : 48.85, 2.35)")
    return "\n".join(lines)


def run_console(
    knowledge: Knowledge,
    stdin: TextIO | None = None,
    stdout: TextIO | None = None,
    *,
    intro: str = "",
    config: Config | None = None,
) -> int:
    """Chat in the terminal until end of input; returns the exit code."""
    stdin = stdin or sys.stdin
    stdout = stdout or sys.stdout
    engine = Engine.from_config(knowledge, config) if config is not None else Engine(knowledge)
    state = Conversation()
    interactive = stdin.isatty()

    def show(turn_replies: tuple[Reply, ...]) -> list[Button]:
        numbered: list[Button] = []
        for reply in turn_replies:
            stdout.write("\n" + render_plain(reply, numbered) + "\n")
        stdout.flush()
        return numbered

    if intro:
        stdout.write(intro + "\n")
    turn = engine.handle(state, UserInput(InputKind.COMMAND, "/start"))
    state = turn.state
    choices = show(turn.replies)
    try:
        while True:
            if interactive:
                stdout.write("\n> ")
                stdout.flush()
            line = stdin.readline()
            if not line:
                break
            text = line.strip()
            if not text:
                continue
            if not interactive:
                stdout.write(f"\n> {text}\n")
            if text.lower() in ("quit", "exit", "quitter", "/quitter"):
                break
            if text.isdecimal() and choices and 1 <= int(text) <= len(choices) and state.step != "place":
                user = UserInput(InputKind.BUTTON, choices[int(text) - 1].data)
            else:
                user = UserInput.from_text(text)
            turn = engine.handle(state, user)
            state = turn.state
            choices = show(turn.replies)
    except KeyboardInterrupt:
        pass
    stdout.write("\nAu revoir !\n")
    stdout.flush()
    return 0
