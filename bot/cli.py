"""The `oefengesprek` command line: a registry of subcommands, each in bot/commands/.

Each command module exposes `register(subparsers)`, which adds its parser and sets
`handler` (a function taking the parsed args and returning an exit code).
Modules are imported only when listed here, so adding a command is one line.
"""

from __future__ import annotations

import argparse
import importlib
import sys

COMMAND_MODULES = (
    "bot.commands.analyse",
    "bot.commands.profile",
    "bot.commands.validate",
    "bot.commands.scenarios",
    "bot.commands.play",
    "bot.commands.chat",
    "bot.commands.serve",
    "bot.commands.docent",
    "bot.commands.correcties",
    "bot.commands.opschonen",
    "bot.commands.lti",
)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="oefengesprek",
        description="Oefengesprek: oefen verkoopgesprekken als commercieel medewerker binnendienst.",
    )
    subparsers = parser.add_subparsers(dest="command", metavar="COMMAND")
    for name in COMMAND_MODULES:
        importlib.import_module(name).register(subparsers)
    return parser


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    if not getattr(args, "handler", None):
        parser.print_help(sys.stderr)
        return 2
    return int(args.handler(args) or 0)


if __name__ == "__main__":
    raise SystemExit(main())
