"""`oefengesprek opschonen`: remove conversations older than the retention period (AVG).
Safe to run from cron: idempotent, one transaction, a dry-run mode that only counts."""

from __future__ import annotations

import argparse
import sys


def register(subparsers) -> None:
    parser = subparsers.add_parser(
        "opschonen", help="verwijder gesprekken ouder dan de bewaartermijn",
        description=("Verwijdert gesprekken (met berichten, gebeurtenissen en beoordelingen) die ouder zijn dan "
                     "de bewaartermijn, en gastaccounts zonder gesprekken. De termijn komt uit --maanden of "
                     "OEFENGESPREK_RETENTION_MONTHS."))
    parser.add_argument("--maanden", type=int, help="bewaartermijn in maanden (van 30 dagen)")
    parser.add_argument("--proef", "--dry-run", dest="proef", action="store_true",
                        help="alleen tellen wat verwijderd zou worden")
    parser.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    from bot.commands.database import opened_database
    from bot.teaching.privacy import clean_up

    with opened_database() as (settings, db):
        months = args.maanden if args.maanden is not None else settings.retention_months
        if not months or months < 1:
            print("Geen bewaartermijn ingesteld (gebruik --maanden N of OEFENGESPREK_RETENTION_MONTHS); niets gedaan.",
                  file=sys.stderr)
            return 2
        with db.transaction() as conn:
            result = clean_up(conn, months, dry_run=args.proef)
    verb = "zou verwijderen" if args.proef else "verwijderd"
    print(f"Bewaartermijn {months} maanden (ouder dan {result['cutoff'][:10]}): {result['conversations']} gesprekken "
          f"en {result['guests']} gastaccounts {verb}.")
    return 0
