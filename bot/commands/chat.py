"""`oefengesprek chat`: play a conversation interactively in the terminal."""

from __future__ import annotations

import argparse
import textwrap

from bot.commands import print_content_errors
from bot.commands.play import add_session_arguments, begin, error, write
from bot.content import ContentErrors

STOP_WORDS = ("stop", "/stop")


def register(subparsers) -> None:
    parser = subparsers.add_parser(
        "chat",
        help="oefen een gesprek in de terminal",
        description="Oefen een gesprek in de terminal. Typ 'stop' (of Ctrl-D) om te stoppen en je rapport te zien.",
    )
    add_session_arguments(parser)
    parser.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    from bot.engine import session
    from bot.scenarios import get_scenario

    result, code = begin(args)
    if result is None:
        return code
    scenario = get_scenario(result.state["scenario"])
    write(intro(scenario, result.state))
    show(result.messages)
    conversation = result.conversation
    finished = result.finished
    while not finished:
        try:
            text = input("jij> ")
        except (EOFError, KeyboardInterrupt):
            write("\n")
            break
        text = text.strip()
        if not text:
            continue
        if text.lower() in STOP_WORDS:
            break
        try:
            result = conversation.step(text)  # a failed turn leaves the conversation as it was
        except session.EngineError as exc:
            error(str(exc))
            continue
        except ContentErrors as exc:
            print_content_errors(exc)
            return 1
        finished = result.finished
        show(result.messages)
        if result.hint:
            write(f"  tip: {result.hint}\n")
    if finished:
        write("Het gesprek is afgelopen.\n")
    write(report_text(conversation.report()))
    return 0


def intro(scenario, state: dict) -> str:
    lines = [f"Oefengesprek: {scenario.title}", f"Niveau: {state['difficulty']} · modus: {state['mode']} · "
                                                f"seed: {state['seed']}", ""]
    briefing = getattr(scenario, "briefing", None)
    if briefing:
        for paragraph in str(briefing).split("\n\n"):
            lines.extend(textwrap.wrap(paragraph, 88) or [""])
            lines.append("")
    lines.append("Typ je antwoord en druk op Enter. Typ 'stop' om te stoppen.")
    lines.append("")
    return "\n".join(lines) + "\n"


def show(messages: list[dict]) -> None:
    for m in messages:
        write(f"{m['speaker']}: {m['text']}\n")


def report_text(report: dict) -> str:
    if not report:
        return "Er is (nog) geen rapport beschikbaar.\n"
    lines = ["", "Rapport"]
    if report.get("score") is not None:
        lines.append(f"Score: {report['score']}")
    for name, score in (report.get("competencies") or {}).items():
        lines.append(f"- {name}: {'—' if score is None else score}")
    for item in report.get("feedback") or []:
        kind = "goed" if item.get("kind") == "goed" else "verbeterpunt"
        turn = f"beurt {item['turn']}: " if item.get("turn") else ""
        lines.append(f"* {kind}: {turn}{item.get('text', '')}")
        if item.get("suggestion"):
            lines.append(f"  probeer: {item['suggestion']}")
    for missed in report.get("missed_signals") or []:
        lines.append(f"* gemist signaal ({missed.get('name') or 'signaal'}) in beurt {missed.get('turn')}: "
                     f"\"{missed.get('quote', '')}\"")
    return "\n".join(lines) + "\n"
