"""`oefengesprek docent`: teacher accounts (add with a one-time set-password link, list,
new link, end all sessions)."""

from __future__ import annotations

import argparse
import sys


def register(subparsers) -> None:
    parser = subparsers.add_parser("docent", help="docentaccounts beheren",
                                   description="Docentaccounts aanmaken en beheren.")
    sub = parser.add_subparsers(dest="docent_command", metavar="OPDRACHT")
    add = sub.add_parser("add", help="maak een docent aan en toon een eenmalige link om een wachtwoord te kiezen")
    add.add_argument("--email", required=True, help="e-mailadres (ook de inlognaam)")
    add.add_argument("--naam", required=True, help="naam zoals studenten en collega's die zien")
    add.set_defaults(handler=run_add)
    link = sub.add_parser("link", help="maak een nieuwe eenmalige wachtwoordlink (de oude vervalt)")
    link.add_argument("--email", required=True)
    link.set_defaults(handler=run_link)
    lst = sub.add_parser("list", help="toon alle docenten")
    lst.set_defaults(handler=run_list)
    revoke = sub.add_parser("afmelden", help="beëindig alle sessies van een docent (bijv. bij een verloren laptop)")
    revoke.add_argument("--email", required=True)
    revoke.set_defaults(handler=run_revoke)
    parser.set_defaults(handler=lambda _args: parser.print_help(sys.stderr) or 2)


def _link(settings, token: str) -> str:  # noqa: ANN001
    return f"{settings.public_url.rstrip('/')}/docent/wachtwoord?token={token}"


def run_add(args: argparse.Namespace) -> int:
    from bot.commands.database import opened_database
    from bot.teaching import accounts

    with opened_database() as (settings, db):
        try:
            with db.transaction() as conn:
                teacher, token = accounts.add_teacher(conn, args.email, args.naam)
        except accounts.AccountError as exc:
            print(f"fout: {exc}", file=sys.stderr)
            return 1
    print(f"Docent {teacher.display_name} <{teacher.email}> aangemaakt.")
    print(f"Eenmalige link om een wachtwoord te kiezen (7 dagen geldig):\n{_link(settings, token)}")
    return 0


def _with_teacher(email: str, act) -> int:  # noqa: ANN001
    """Run `act(conn, teacher, settings)` for the teacher with this e-mail address (1 if none)."""
    from bot.commands.database import opened_database
    from bot.teaching import accounts

    with opened_database() as (settings, db), db.transaction() as conn:
        teacher = accounts.teacher_by_email(conn, email)
        if teacher is None:
            print(f"fout: geen docent met e-mailadres {email}", file=sys.stderr)
            return 1
        print(act(conn, teacher, settings))
    return 0


def run_link(args: argparse.Namespace) -> int:
    from bot.teaching import accounts

    return _with_teacher(args.email, lambda conn, teacher, settings: (
        f"Nieuwe eenmalige link voor {teacher.display_name} (7 dagen geldig):\n"
        f"{_link(settings, accounts.issue_setup_token(conn, teacher.id))}"))


def run_revoke(args: argparse.Namespace) -> int:
    from bot.teaching import accounts

    return _with_teacher(args.email, lambda conn, teacher, _settings: (
        f"{accounts.revoke_sessions(conn, teacher.id)} sessie(s) van {teacher.display_name} beëindigd."))


def run_list(_args: argparse.Namespace) -> int:
    from bot.commands.database import opened_database
    from bot.teaching import accounts

    with opened_database() as (_settings, db), db.read() as session:
        teachers = accounts.list_teachers(session)
    if not teachers:
        print("Nog geen docenten. Maak er een aan met: oefengesprek docent add --email … --naam …")
    for t in teachers:
        how = "wachtwoord" if t["has_password"] else ("schoollogin" if t["external_id"] else "nog geen wachtwoord")
        state = "" if t["active"] else "\tuitgeschakeld"
        print(f"{t['display_name']}\t{t['email'] or t['external_id']}\t{how}{state}")
    return 0
