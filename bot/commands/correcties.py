"""`oefengesprek correcties export`: teachers' corrections as labelled cases (dev-set format)."""

from __future__ import annotations

import argparse
import sys
from datetime import datetime, timezone


def register(subparsers) -> None:
    parser = subparsers.add_parser("correcties", help="correcties van docenten exporteren als gelabelde gevallen")
    sub = parser.add_subparsers(dest="correcties_command", metavar="OPDRACHT")
    export = sub.add_parser("export", help="schrijf de correcties als YAML (formaat van tests/data/nlu_dev.yml)",
                            description="Correcties van technieken en oordelen, zonder namen van studenten.")
    export.add_argument("--sinds", help="alleen correcties vanaf deze datum (JJJJ-MM-DD)")
    export.add_argument("--uit", help="schrijf naar dit bestand in plaats van naar stdout")
    export.set_defaults(handler=run_export)
    parser.set_defaults(handler=lambda _args: parser.print_help(sys.stderr) or 2)


def run_export(args: argparse.Namespace) -> int:
    from bot.commands.database import opened_database
    from bot.teaching.exports import corrections, corrections_yaml

    since = None
    if args.sinds:
        try:
            since = datetime.strptime(args.sinds, "%Y-%m-%d").replace(tzinfo=timezone.utc)
        except ValueError:
            print("fout: --sinds moet een datum zijn als 2026-12-01", file=sys.stderr)
            return 2
    with opened_database() as (_settings, db), db.read() as session:
        text = corrections_yaml(corrections(session, since))
    if args.uit:
        with open(args.uit, "w", encoding="utf-8") as fh:
            fh.write(text)
        print(f"Geschreven naar {args.uit}.", file=sys.stderr)
    else:
        sys.stdout.write(text)
    return 0
