"""`oefengesprek scenarios`: list the practice scenarios (text or --json)."""

from __future__ import annotations

import json

from bot.commands import print_content_errors
from bot.content import ContentErrors


def register(subparsers) -> None:
    parser = subparsers.add_parser("scenarios", help="toon de oefenscenario's")
    parser.add_argument("--json", action="store_true", help="als JSON-lijst (voor de widget)")
    parser.set_defaults(handler=run)


def run(args) -> int:
    from bot.scenarios import load_scenarios

    try:
        scenarios = load_scenarios()
    except ContentErrors as exc:
        print_content_errors(exc)
        return 1
    if args.json:
        print(json.dumps([sc.summary() for sc in scenarios.values()], ensure_ascii=False, indent=2))
        return 0
    for sc in scenarios.values():
        role = f"speelt de {sc.summary()['counterpart']}"  # klant, leverancier, teamleider binnendienst
        print(f"{sc.id}  [{', '.join(sc.werkprocessen)}]  {sc.title}")
        print(f"    {sc.persona.name} ({sc.persona.company}) {role}; niveaus: {', '.join(sc.difficulties)}")
    return 0
