"""`oefengesprek lti`: register LMS platforms (LTI 1.3), show the tool's URLs, rotate the tool's
key, send queued grades."""

from __future__ import annotations

import argparse
import sys


def register(subparsers) -> None:
    parser = subparsers.add_parser("lti", help="LTI 1.3-koppelingen met leeromgevingen beheren")
    sub = parser.add_subparsers(dest="lti_command", metavar="OPDRACHT")
    add = sub.add_parser("add-platform", help="registreer een leeromgeving (of voeg een deployment toe)")
    add.add_argument("--issuer", required=True)
    add.add_argument("--client-id", required=True)
    add.add_argument("--deployment-id", required=True, action="append", help="mag vaker worden gegeven")
    add.add_argument("--auth-login-url", required=True)
    add.add_argument("--auth-token-url", required=True)
    add.add_argument("--jwks-url", required=True)
    add.set_defaults(handler=run_add)
    lst = sub.add_parser("list-platforms", help="toon de geregistreerde leeromgevingen")
    lst.set_defaults(handler=run_list)
    remove = sub.add_parser("remove-platform", help="verwijder een registratie")
    remove.add_argument("--issuer", required=True)
    remove.add_argument("--client-id", required=True)
    remove.set_defaults(handler=run_remove)
    urls = sub.add_parser("urls", help="de adressen die de beheerder van de leeromgeving invult")
    urls.set_defaults(handler=run_urls)
    rotate = sub.add_parser("rotate-key", help="maak een nieuwe sleutel van de tool (de vorige blijft gepubliceerd)")
    rotate.set_defaults(handler=run_rotate)
    send = sub.add_parser("verstuur", help="verstuur de scores die klaarstaan voor de leeromgevingen")
    send.set_defaults(handler=run_send)
    parser.set_defaults(handler=lambda _args: parser.print_help(sys.stderr) or 2)


def run_add(args: argparse.Namespace) -> int:
    from bot.commands.database import opened_database
    from bot.lti import platforms

    with opened_database() as (_settings, db):
        try:
            with db.transaction() as conn:
                p = platforms.add_platform(conn, issuer=args.issuer, client_id=args.client_id,
                                           deployment_ids=args.deployment_id, auth_login_url=args.auth_login_url,
                                           auth_token_url=args.auth_token_url, jwks_url=args.jwks_url)
        except platforms.PlatformError as exc:
            print(f"fout: {exc}", file=sys.stderr)
            return 1
    print(f"Leeromgeving {p.issuer} (client {p.client_id}) geregistreerd; deployments: {', '.join(p.deployment_ids)}.")
    print("Herstart Oefengesprek zodat de leeromgeving het gesprek in een iframe mag tonen.")
    return 0


def run_list(_args: argparse.Namespace) -> int:
    from bot.commands.database import opened_database
    from bot.lti import platforms

    with opened_database() as (_settings, db), db.read() as session:
        found = platforms.all_platforms(session)
    if not found:
        print("Nog geen leeromgevingen geregistreerd.")
    for p in found:
        print(f"{p.issuer}\tclient {p.client_id}\tdeployments {', '.join(p.deployment_ids)}\n"
              f"\tlogin {p.auth_login_url}\n\ttoken {p.auth_token_url}\n\tjwks {p.jwks_url}")
    return 0


def run_remove(args: argparse.Namespace) -> int:
    from bot.commands.database import opened_database
    from bot.lti import platforms

    with opened_database() as (_settings, db), db.transaction() as conn:
        removed = platforms.remove(conn, args.issuer, args.client_id)
    if not removed:
        print(f"fout: geen leeromgeving {args.issuer} met client {args.client_id}", file=sys.stderr)
        return 1
    print(f"Leeromgeving {args.issuer} (client {args.client_id}) verwijderd.")
    return 0


def run_urls(_args: argparse.Namespace) -> int:
    from bot.web.settings import Settings

    base = Settings().public_url.rstrip("/")
    print(f"Login-URL (OIDC login initiation): {base}/lti/login")
    print(f"Launch-URL (redirect/target link URI): {base}/lti/launch")
    print(f"Deep-linking-URL: {base}/lti/launch")
    print(f"Publieke sleutels (JWKS): {base}/.well-known/jwks.json")
    print("Custom parameter per opdracht (zonder deep linking): scenario=<id>, optioneel difficulty= en mode=")
    return 0


def run_rotate(_args: argparse.Namespace) -> int:
    from bot.lti.keys import KeyStore
    from bot.web.settings import Settings

    key = KeyStore(Settings().data_dir).rotate()
    print(f"Nieuwe sleutel {key.kid}; de vorige blijft gepubliceerd tot de volgende rotatie.")
    return 0


def run_send(_args: argparse.Namespace) -> int:
    from bot.commands.database import opened_database
    from bot.lti.grades import process_due
    from bot.lti.keys import KeyStore

    with opened_database() as (settings, db):
        sent = process_due(db, KeyStore(settings.data_dir), limit=500)
    print(f"{sent} score(s) verstuurd.")
    return 0
