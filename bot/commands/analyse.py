"""`oefengesprek analyse`: analyse utterances given as JSON lines on stdin.

Input, one JSON object per line:
    {"speaker": "klant"|"leverancier"|"student", "text": "...", "previous": "..."}
(`previous` optional; optional `catalogue`: [{"id", "names"}]; optional `previous_labels`:
the signals of the previous line, as in docs/contracts.md §1). `--previous-labels a,b` gives
those signals for every line that has no `previous_labels` of its own (`--previous-labels ""`:
no signal). Output, one JSON line per
input line: Analysis.to_json() (labels, intent, entities, evidence, reaction where it
applies). A bad line gets {"error": "<Dutch message>", "line": n}; processing continues.
"""

from __future__ import annotations

import argparse
import json
import sys
from datetime import date
from typing import Any, BinaryIO, TextIO

from bot.commands import print_content_errors
from bot.content import ContentErrors
from bot.labels import SPEAKERS

MAX_TEXT = 2000


def register(subparsers) -> None:
    parser = subparsers.add_parser(
        "analyse",
        help="herken signalen en gesprekstechnieken in uitingen (JSON-regels via stdin)",
        description=(
            "Leest per regel een JSON-object {\"speaker\", \"text\", \"previous\"} van stdin en "
            "schrijft per regel het resultaat als JSON: labels, intent, entiteiten, bewijs en, "
            "als de vorige uiting een signaal bevatte, het oordeel over de reactie."
        ),
    )
    parser.add_argument("--datum", metavar="JJJJ-MM-DD", help="referentiedatum voor 'morgen', 'vrijdag' (standaard: vandaag)")
    parser.add_argument(
        "--previous-labels",
        metavar="SIGNAAL,SIGNAAL",
        help=(
            "de signalen van de vorige uiting, gescheiden door komma's (bijvoorbeeld "
            "weerstand.prijs,koopsignaal.instemming; leeg = geen signaal); het oordeel gaat dan "
            "over deze signalen en de vorige uiting wordt niet opnieuw herkend"
        ),
    )
    parser.set_defaults(handler=run)


def _error(message: str, line: int) -> dict[str, Any]:
    return {"error": message, "line": line}


def parse_previous_labels(value: str) -> list[str]:
    """"weerstand.prijs, klacht" → the names; an unknown name raises ValueError (Dutch)."""
    names = [name.strip() for name in value.split(",") if name.strip()]
    check_previous_labels(names)
    return names


def check_previous_labels(names: list[str]) -> None:
    from bot.labels import label_contract

    signals = set(label_contract().signals)
    unknown = [name for name in names if name not in signals]
    if unknown:
        raise ValueError(
            f"onbekend signaal in previous_labels: {', '.join(unknown)} "
            f"(kies uit {', '.join(label_contract().signals)})"
        )


def analyse_line(raw: bytes, number: int, reference: date | None,
                 previous_labels: list[str] | None = None) -> dict[str, Any]:
    """One input line → the output object (an analysis or an error). Never raises.
    `previous_labels` applies when the line has none of its own."""
    from bot.nlu import analyse

    try:
        text_line = raw.decode("utf-8")
    except UnicodeDecodeError:
        return _error("regel is geen geldige UTF-8-tekst", number)
    if "\x00" in text_line:
        return _error("regel bevat binaire tekens", number)
    if not text_line.strip():
        return _error("lege regel: verwacht een JSON-object met speaker en text", number)
    try:
        item = json.loads(text_line)
    except json.JSONDecodeError as exc:
        return _error(f"ongeldige JSON ({exc.msg}, kolom {exc.colno})", number)
    if not isinstance(item, dict):
        return _error("verwacht een JSON-object met speaker en text", number)
    speaker = item.get("speaker")
    text = item.get("text")
    previous = item.get("previous")
    catalogue = item.get("catalogue")
    if speaker not in SPEAKERS:
        return _error(f"onbekende of ontbrekende speaker {speaker!r}: kies uit {', '.join(SPEAKERS)}", number)
    if not isinstance(text, str) or not text.strip():
        return _error("text ontbreekt of is leeg", number)
    if len(text) > MAX_TEXT:
        return _error(f"text is te lang ({len(text)} tekens, maximaal {MAX_TEXT})", number)
    if previous is not None and not isinstance(previous, str):
        return _error("previous moet tekst zijn", number)
    if previous is not None and len(previous) > MAX_TEXT:
        return _error(f"previous is te lang ({len(previous)} tekens, maximaal {MAX_TEXT})", number)
    if catalogue is not None and not (
        isinstance(catalogue, list) and all(isinstance(p, dict) and "id" in p for p in catalogue)
    ):
        return _error("catalogue moet een lijst van objecten met id en names zijn", number)
    if "previous_labels" in item:
        previous_labels = item["previous_labels"]
        if not (isinstance(previous_labels, list) and all(isinstance(n, str) for n in previous_labels)):
            return _error("previous_labels moet een lijst van signaalnamen zijn", number)
        try:
            check_previous_labels(previous_labels)
        except ValueError as exc:
            return _error(str(exc), number)
    analysis = analyse(text, speaker=speaker, previous=previous, catalogue=catalogue, reference_date=reference,
                       previous_labels=previous_labels)
    return analysis.to_json()


def process(stream_in: BinaryIO, stream_out: TextIO, reference: date | None = None,
            previous_labels: list[str] | None = None) -> int:
    count = 0
    for number, raw in enumerate(stream_in, start=1):
        result = analyse_line(raw.rstrip(b"\r\n"), number, reference, previous_labels)
        stream_out.write(json.dumps(result, ensure_ascii=False) + "\n")
        stream_out.flush()
        count += 1
    return count


def run(args: argparse.Namespace) -> int:
    reference = None
    if args.datum:
        try:
            reference = date.fromisoformat(args.datum)
        except ValueError:
            print(f"ongeldige datum '{args.datum}': gebruik JJJJ-MM-DD", file=sys.stderr)
            return 2
    previous_labels = None
    if args.previous_labels is not None:
        try:
            previous_labels = parse_previous_labels(args.previous_labels)
        except ValueError as exc:
            print(f"--previous-labels: {exc}", file=sys.stderr)
            return 2
    try:
        from bot.nlu import get_recogniser

        get_recogniser()  # load once, before the first line; content errors end the run
    except ContentErrors as exc:
        print_content_errors(exc)
        return 1
    try:
        process(sys.stdin.buffer, sys.stdout, reference, previous_labels)
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:
        return 0
    return 0
