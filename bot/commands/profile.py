"""`oefengesprek profile`: show the professional profile (BCP) as an outline or as JSON."""

from __future__ import annotations

import argparse
import json
import sys
import textwrap

from bot.bcp import Profile, Werkproces, load_profile
from bot.commands import print_content_errors
from bot.content import ContentErrors

WIDTH = 92


def register(subparsers) -> None:
    parser = subparsers.add_parser(
        "profile",
        help="toon het beroepscompetentieprofiel (kerntaken, werkprocessen, competenties)",
        description=(
            "Toont het beroepscompetentieprofiel Commercieel medewerker binnendienst "
            "(ECABO 2010) uit profile/: als overzicht, of volledig als JSON."
        ),
    )
    parser.add_argument("--json", action="store_true", help="het hele profiel als JSON (UTF-8)")
    parser.add_argument(
        "--werkproces", metavar="CODE",
        help="alleen dit werkproces, volledig (bijv. 2.3)",
    )
    parser.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    try:
        profile = load_profile()
    except ContentErrors as exc:
        print_content_errors(exc)
        return 1
    if args.werkproces is not None:
        try:
            werkproces = profile.werkproces(args.werkproces)
        except KeyError as exc:
            print(exc.args[0], file=sys.stderr)
            return 1
        if args.json:
            _write(json.dumps(werkproces.model_dump(mode="json"), ensure_ascii=False, indent=2) + "\n")
        else:
            _write("\n".join(werkproces_detail(profile, werkproces)) + "\n")
        return 0
    if args.json:
        _write(json.dumps(profile.to_json(), ensure_ascii=False, indent=2) + "\n")
    else:
        _write("\n".join(outline(profile)) + "\n")
    return 0


def _write(text: str) -> None:
    """Write UTF-8 whatever the terminal's locale; a str-only stream gets str."""
    stream = sys.stdout
    encoding = (getattr(stream, "encoding", None) or "").lower().replace("-", "")
    buffer = getattr(stream, "buffer", None)
    if buffer is not None and encoding != "utf8":
        stream.flush()
        buffer.write(text.encode("utf-8"))
        buffer.flush()
    else:
        stream.write(text)


def _wrap(text: str, indent: str) -> list[str]:
    """Wrap each paragraph (newline-separated) and put an empty line between them."""
    lines: list[str] = []
    for paragraph in text.split("\n"):
        if lines:
            lines.append("")
        lines.extend(
            textwrap.wrap(
                paragraph, WIDTH, initial_indent=indent, subsequent_indent=indent, break_on_hyphens=False
            )
        )
    return lines


def _bullets(items, indent: str) -> list[str]:
    lines: list[str] = []
    for item in items:
        lines.extend(
            textwrap.wrap(
                item, WIDTH, initial_indent=indent + "- ", subsequent_indent=indent + "  ", break_on_hyphens=False
            )
        )
    return lines


def outline(profile: Profile) -> list[str]:
    """The profile as a readable Dutch outline (titles, competencies, results)."""
    beroep = profile.beroep
    bron = beroep.bron
    lines = [
        f"{bron.titel}",
        *_wrap(f"Ontwikkeld door {bron.ontwikkeld_door}.", ""),
        *_wrap(f"Vastgesteld door de {bron.vastgesteld_door} op {bron.vastgesteld_op} te {bron.vastgesteld_te}.", ""),
        "",
        *_wrap("Functiebenamingen: " + "; ".join(beroep.functiebenamingen) + ".", ""),
    ]
    for onderwerp in ("Werkomgeving", "Rol en verantwoordelijkheden"):
        try:
            part = beroep.onderdeel(onderwerp)
        except KeyError:
            continue
        lines += ["", f"{part.onderwerp}:"]
        for number, passage in enumerate(part.passages):
            lines += ([""] if number else []) + _wrap(passage.tekst, "  ")
    lines += ["", f"Kerntaken en werkprocessen ({len(profile.kerntaken)} kerntaken, "
              f"{len(profile.werkprocessen)} werkprocessen)"]
    for kerntaak in profile.kerntaken:
        lines += ["", f"Kerntaak {kerntaak.code}: {kerntaak.title}"]
        for werkproces in profile.werkprocessen_of(kerntaak.code):
            lines += ["", f"  {werkproces.code} {werkproces.title}"]
            lines += _wrap("Competenties: " + "; ".join(werkproces.competencies), "      ")
            lines.append("      Resultaat:")
            lines += _bullets(werkproces.resultaat, "        ")
    lines += ["", f"Competenties ({len(profile.competencies)})"]
    if not any(c.omschrijving or c.shl_code for c in profile.competencies):
        lines.append("(Het BCP noemt bij de werkprocessen alleen de namen; het geeft geen omschrijving of SHL-code.)")
    lines.append("")
    for competency in profile.competencies:
        codes = ", ".join(w.code for w in profile.werkprocessen_using(competency.name))
        shl = f" [{competency.shl_code}]" if competency.shl_code else ""
        lines.append(f"  - {competency.name}{shl} (werkprocessen {codes})")
        if competency.omschrijving:
            lines += _wrap(competency.omschrijving, "      ")
    lines += [
        "",
        "Volledige tekst per werkproces: oefengesprek profile --werkproces 2.3",
        "Alles als JSON: oefengesprek profile --json",
    ]
    return lines


def werkproces_detail(profile: Profile, werkproces: Werkproces) -> list[str]:
    """One werkproces in full: description, competencies, results, knowledge and skills."""
    kerntaak = profile.kerntaak(werkproces.kerntaak)
    lines = [
        f"Werkproces {werkproces.code} {werkproces.title}",
        f"Kerntaak {kerntaak.code}: {kerntaak.title}",
        "",
        "Beschrijving werkproces:",
        *_wrap(werkproces.omschrijving, "  "),
        "",
        "Competenties:",
        *_bullets(werkproces.competencies, "  "),
        "",
        "Resultaat:",
        *_bullets(werkproces.resultaat, "  "),
        "",
        "Vakkennis en vakvaardigheden",
        "  Kennis van:",
        *_bullets(werkproces.vakkennis.kennis, "    "),
        "  Vaardigheden:",
        *_bullets(werkproces.vakkennis.vaardigheden, "    "),
    ]
    return lines
