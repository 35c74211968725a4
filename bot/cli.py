"""Command line: ``cep-bot [chat|ask|check|run|stats|purge]``.

With no sub-command: serve Telegram when a bot token is in the environment, otherwise chat in
the terminal. Each command imports what it uses when it runs (``check`` and ``ask`` never load
python-telegram-bot), hence the imports inside functions.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import logging
import os
import sys
from pathlib import Path
from typing import TYPE_CHECKING

from bot import __version__
from bot.config import Config, ConfigError, load_config

if TYPE_CHECKING:
    from bot.nlu.knowledge import Knowledge

__all__ = ["main"]

log = logging.getLogger("bot")


BROKEN_PIPE = 141  # exit status of a command whose output pipe was closed (128 + SIGPIPE), as the shell reports


def _date(value: str) -> dt.date:
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise argparse.ArgumentTypeError(f"date invalide « {value} » : écrivez AAAA-MM-JJ") from None


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="cep-bot", description="Assistant CEP : trouver son conseil en évolution professionnelle."
    )
    parser.add_argument("--version", action="version", version=f"cep-bot {__version__}")
    parser.add_argument(
        "--config", default=None, help="fichier de configuration (défaut : config.yaml du dossier courant)"
    )
    # --config is accepted before or after the sub-command ("cep-bot run --config x.yaml")
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument("--config", default=argparse.SUPPRESS, help="fichier de configuration")
    sub = parser.add_subparsers(dest="command")
    folder = argparse.ArgumentParser(add_help=False)
    folder.add_argument(
        "--knowledge",
        metavar="DIR",
        default=None,
        help="dossier de connaissances à utiliser (par exemple une copie modifiée, pour l'essayer avant de la publier)",
    )
    sub.add_parser("chat", parents=[common, folder], help="discuter avec l'assistant dans le terminal")
    ask = sub.add_parser(
        "ask", parents=[common, folder], help="ce que le bot comprend d'un message et ce qu'il répondrait"
    )
    ask.add_argument("--date", type=_date, default=None, help="répondre comme à cette date (AAAA-MM-JJ)")
    ask.add_argument("--json", action="store_true", help="une ligne JSON par message")
    ask.add_argument("text", nargs="*", help="le message (sinon : un message par ligne sur l'entrée standard)")
    check = sub.add_parser("check", parents=[common], help="vérifier les fichiers de connaissances")
    check.add_argument("dir", nargs="?", default=None, help="dossier à vérifier (défaut : knowledge)")
    check.add_argument("--date", type=_date, default=None, help="vérifier comme à cette date")
    check.add_argument(
        "--compare",
        metavar="REF",
        default=None,
        help="rejouer les histoires et les jeux étiquetés, et lister les réponses qui changent par rapport à REF "
        "(une version git du dossier, par exemple HEAD, ou un dossier copié)",
    )
    sub.add_parser("run", parents=[common], help="servir Telegram (jeton dans CEP_BOT_TOKEN)")
    stats = sub.add_parser("stats", parents=[common], help="chiffres d'usage anonymes")
    stats.add_argument("--since", type=_date, default=None)
    stats.add_argument("--until", type=_date, default=None)
    stats.add_argument("--by", choices=("region", "lot", "source", "situation", "door"), default=None)
    stats.add_argument("--csv", default=None, help="écrire aussi le tableau dans ce fichier CSV")
    sub.add_parser("purge", parents=[common], help="supprimer ce qui dépasse la durée de conservation")
    return parser


def _config(path: str | None) -> Config:
    if path:
        candidate = Path(path)
        if not candidate.is_file():
            print(
                f"{path}: fichier de configuration introuvable — vérifiez le chemin donné à --config", file=sys.stderr
            )
            raise SystemExit(2)
    else:
        # the current folder's config.yaml, else the one beside the code (a checkout run from elsewhere)
        candidate = Path("config.yaml")
        beside_code = Path(__file__).resolve().parent.parent / "config.yaml"
        if not candidate.is_file() and beside_code.is_file():
            candidate = beside_code
    try:
        return load_config(candidate)
    except ConfigError as exc:
        for problem in exc.problems:
            print(problem, file=sys.stderr)
        raise SystemExit(2) from None


def _other_knowledge(directory: Path) -> str | None:
    """A first line for ``ask`` and ``chat`` when they do not use the installation's knowledge."""
    beside_code = Path(__file__).resolve().parent.parent / "config.yaml"
    try:
        installed = load_config(beside_code).knowledge_dir
    except ConfigError:
        installed = beside_code.parent / "knowledge"
    if directory.resolve() == installed.resolve():
        return None
    return f"Connaissances utilisées : {directory.resolve()} (et non celles de l'installation : {installed.resolve()})"


def _knowledge(directory: Path, day: dt.date | None = None) -> Knowledge:
    from bot.kb.load import check_knowledge  # noqa: PLC0415 - each command imports only what it uses
    from bot.nlu.knowledge import build_knowledge  # noqa: PLC0415 - each command imports only what it uses

    report = check_knowledge(directory, today=day)
    if report.snapshot is None:
        print(report.render(), file=sys.stderr)
        print("La base de connaissances a des erreurs : corrigez-les (cep-bot check).", file=sys.stderr)
        raise SystemExit(1)
    return build_knowledge(report.snapshot)


def main(argv: list[str] | None = None) -> int:
    try:
        return _main(argv)
    except KeyboardInterrupt:  # Ctrl-C at any moment, even while the knowledge loads
        print("\nAu revoir !", file=sys.stderr)
        return 130
    except BrokenPipeError:  # `cep-bot ask < messages.txt | head`: the reader has all it wanted
        # what is still buffered for the closed pipe must not fail again when Python flushes it at exit
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        return BROKEN_PIPE


def _main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    command = args.command
    config = _config(args.config)
    if command == "check":
        from bot.kb.load import check_knowledge  # noqa: PLC0415 - each command imports only what it uses

        directory = Path(args.dir) if args.dir else config.knowledge_dir
        print(f"Dossier vérifié : {directory.resolve()}")
        report = check_knowledge(directory, today=args.date)
        print(report.render())
        if report.errors or not args.compare:
            return 1 if report.errors else 0
        return _compare(directory, args.compare, args.date, config)
    if command == "ask":
        return _ask(args, config)
    if command == "chat" or (command is None and not config.token):
        from bot.console import run_console  # noqa: PLC0415 - each command imports only what it uses

        directory = Path(args.knowledge) if getattr(args, "knowledge", None) else config.knowledge_dir
        notice = _other_knowledge(directory)
        if notice:
            print(notice)
        knowledge = _knowledge(directory)
        intro = (
            ""
            if command == "chat"
            else (
                "Mode terminal (aucun jeton de bot). Pour Telegram : export CEP_BOT_TOKEN=<jeton de @BotFather> puis "
                "relancez cep-bot."
            )
        )
        return run_console(knowledge, intro=intro, config=config)
    if command in (None, "run"):
        if not config.token:
            print(
                "Aucun jeton : définissez la variable d'environnement CEP_BOT_TOKEN (jeton donné par @BotFather).",
                file=sys.stderr,
            )
            return 2
        from handlers.app import serve  # noqa: PLC0415 - each command imports only what it uses

        return serve(config)
    if command == "stats":
        from bot.stats import run_stats  # noqa: PLC0415 - each command imports only what it uses

        return run_stats(config, args.since, args.until, args.by, args.csv)
    if command == "purge":
        from bot.stats import run_purge  # noqa: PLC0415 - each command imports only what it uses

        return run_purge(config)
    return 2


def _compare(directory: Path, reference: str, day: dt.date | None, config: Config) -> int:
    from bot.compare import CompareError, compare  # noqa: PLC0415 - each command imports only what it uses

    print()
    try:
        print(compare(directory, reference, day, config=config))
    except CompareError as exc:
        print(f"Comparaison impossible : {exc}", file=sys.stderr)
        return 2
    return 0


def _ask(args: argparse.Namespace, config: Config) -> int:
    from bot.ask import analyse  # noqa: PLC0415 - each command imports only what it uses

    day = args.date or dt.date.today()
    directory = Path(args.knowledge) if args.knowledge else config.knowledge_dir
    notice = _other_knowledge(directory)
    if notice:
        print(notice, file=sys.stderr if args.json else sys.stdout)  # JSON Lines stay parseable
    knowledge = _knowledge(directory)  # validated as of today; answered as of ``day``

    def one(text: str) -> str:
        try:
            result = analyse(text, knowledge, day, config)
        except Exception as exc:
            log.exception("cannot analyse a message")
            result = {"text": text, "error": type(exc).__name__}
            if not args.json:
                return f"(erreur : {type(exc).__name__})"
        return json.dumps(result, ensure_ascii=False) if args.json else result["reply"]

    if args.text:
        print(one(" ".join(args.text)))
        return 0
    for line in sys.stdin:
        text = line.rstrip("\n")
        sys.stdout.write(one(text) + "\n")
        if not args.json:
            sys.stdout.write("---\n")
        sys.stdout.flush()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
