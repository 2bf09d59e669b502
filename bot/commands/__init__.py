"""The `oefengesprek` subcommands; each module exposes `register(subparsers)`."""

from __future__ import annotations

import sys

from bot.content import ContentErrors


def print_content_errors(exc: ContentErrors) -> None:
    """Every content error on its own stderr line, as `file:line: message`."""
    for error in exc.errors:
        print(error, file=sys.stderr)
