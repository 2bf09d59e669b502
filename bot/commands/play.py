"""`oefengesprek play`: play a whole conversation from stdin (one student turn per line)."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

from bot.commands import print_content_errors
from bot.content import ContentErrors
from bot.feedback.texts import load_feedback_texts
from bot.vocabulary import MODES, OUTCOME_SLOT, PRACTICE


def register(subparsers) -> None:
    parser = subparsers.add_parser(
        "play",
        help="speel een gesprek met beurten van stdin (één regel per beurt)",
        description=("Speelt een oefengesprek: elke regel op stdin is een beurt van de student. "
                     "Met --json komt er één JSON-object met transcript, uitkomst en rapport."),
    )
    add_session_arguments(parser)
    parser.add_argument("--json", action="store_true", help="schrijf het resultaat als één JSON-object")
    parser.add_argument("--events", action="store_true",
                        help="neem ook alle Rasa-gebeurtenissen op (met de regel die elke actie koos)")
    parser.set_defaults(handler=run)


def add_session_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--scenario", required=True, metavar="ID", help="scenario-id (zie `oefengesprek scenarios`)")
    parser.add_argument("--difficulty", metavar="NIVEAU", help="makkelijk, gemiddeld of moeilijk")
    parser.add_argument("--seed", type=int, metavar="N", help="zelfde seed = zelfde gesprek")
    parser.add_argument("--mode", default=PRACTICE, choices=MODES, help="oefenen (met tips) of toets")
    parser.add_argument("--briefing", type=Path, metavar="BESTAND",
                        help="antwoorden op de briefing (YAML of JSON); zonder: briefing overgeslagen")


def read_briefing(path: Path | None) -> dict | None:
    if path is None:
        return None
    from bot.content import load_yaml
    from bot.content.yamlfile import to_plain
    data = to_plain(load_yaml(path))
    if not isinstance(data, dict):
        raise ContentErrors.single(str(path), None, "de briefing moet een mapping met antwoorden zijn")
    return data


def error(message: str) -> None:
    print(f"fout: {message}", file=sys.stderr)


def begin(args: argparse.Namespace):
    """Start a session from the arguments; (result, exit code) with Dutch errors on stderr."""
    from bot.engine import session
    try:
        briefing = read_briefing(args.briefing)
        return session.start(args.scenario, difficulty=args.difficulty, seed=args.seed, mode=args.mode,
                             briefing=briefing), 0
    except session.UnknownScenario as exc:
        error(str(exc))
        return None, 2
    except session.InvalidArgument as exc:
        error(str(exc))
        return None, 2
    except ContentErrors as exc:
        print_content_errors(exc)
        return None, 2 if args.briefing and any(e.path == str(args.briefing) for e in exc.errors) else 1
    except session.EngineError as exc:
        error(str(exc))
        return None, 1


def run(args: argparse.Namespace) -> int:
    from bot.engine import session
    result, code = begin(args)
    if result is None:
        return code
    conversation = result.conversation
    hints: list[dict[str, Any]] = []
    turn = 0
    finished = result.finished
    for line in sys.stdin:
        text = line.strip()
        if not text:
            continue
        if finished:
            print("let op: het gesprek was al afgelopen; de overige regels zijn genegeerd", file=sys.stderr)
            break
        turn += 1
        try:
            result = conversation.step(text)
        except session.EngineError as exc:
            error(f"beurt {turn}: {exc}")
            return 1
        except ContentErrors as exc:
            print_content_errors(exc)
            return 1
        finished = result.finished
        if result.hint:
            # numbered like the report's "beurt": conversation turns only (no briefing answers)
            hints.append({"turn": conversation.student_turns, "hint": result.hint})
    try:
        report = conversation.report()
    except session.EngineError as exc:
        error(str(exc))
        return 1
    state = conversation.state
    tracker_slots = conversation.tracker.slots
    out = {
        "scenario": state["scenario"], "difficulty": state["difficulty"], "seed": state["seed"],
        "mode": state["mode"], "transcript": session.transcript(state["events"]),
        "outcome": tracker_slots.get(OUTCOME_SLOT), "finished": finished, "hints": hints, "report": report,
    }
    if getattr(args, "events", False):
        out["events"] = state["events"]
    if args.json:
        write(json.dumps(out, ensure_ascii=False, indent=2) + "\n")
    else:
        write(readable(out))
    return 0


def readable(out: dict) -> str:
    lines = []
    for item in out["transcript"]:
        who = "jij" if item["speaker"] == "student" else item["speaker"]
        lines.append(f"{who}: {item['text']}")
    lines.append(f"uitkomst: {load_feedback_texts().outcome_name(out['outcome'])}")
    report = out.get("report") or {}
    if report.get("score") is not None:
        lines.append(f"score: {report['score']}")
    return "\n".join(lines) + "\n"


def write(text: str) -> None:
    """UTF-8 whatever the terminal's locale."""
    stream = getattr(sys.stdout, "buffer", None)
    if stream is not None:
        sys.stdout.flush()
        stream.write(text.encode("utf-8"))
        stream.flush()
    else:
        sys.stdout.write(text)
