"""`oefengesprek validate`: run every content check (registry in bot/engine/validators.py)."""

from __future__ import annotations

import argparse
import sys


def register(subparsers) -> None:
    parser = subparsers.add_parser(
        "validate",
        help="controleer alle inhoud (labels, profiel, patronen, scenario's, feedback, Rasa-domein, verhalen)",
        description=("Laadt en controleert alle inhoudsbestanden. Elke fout verschijnt als "
                     "'bestand:regel: melding'; de opdracht eindigt dan met code 1."),
    )
    parser.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    from bot.engine.validators import run_all

    outcomes = run_all()
    errors = [e for o in outcomes for e in (o.errors or [])]
    for error in errors:
        print(error)
    if errors:
        print(f"{len(errors)} {'fout' if len(errors) == 1 else 'fouten'} gevonden.", file=sys.stderr)
        return 1
    print("Alles in orde:")
    for o in outcomes:
        if o.summary:
            print(f"- {o.name}: {o.summary}")
    return 0
