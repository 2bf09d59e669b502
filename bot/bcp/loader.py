"""Load profile/*.yml, validate every file and cross-check them; errors name file:line.

The BCP is fixed: it has exactly the kerntaken, werkprocessen and competencies below.
A copy that lacks one, adds one or misspells a name is reported, not half-loaded.
"""

from __future__ import annotations

import difflib
from functools import lru_cache
from pathlib import Path
from typing import Any

from bot.bcp.models import (
    BeroepFile,
    CompetentiesFile,
    KerntakenFile,
    WerkprocessenFile,
)
from bot.bcp.profile import Profile
from bot.content import ContentError, ContentErrors, line_of, load_yaml, validate
from bot.paths import display_path, profile_dir

BEROEP_FILE = "beroep.yml"
KERNTAKEN_FILE = "kerntaken.yml"
COMPETENTIES_FILE = "competenties.yml"
WERKPROCESSEN_FILE = "werkprocessen.yml"
PROFILE_FILES = (BEROEP_FILE, KERNTAKEN_FILE, COMPETENTIES_FILE, WERKPROCESSEN_FILE)

EXPECTED_KERNTAKEN = (1, 2, 3)
EXPECTED_WERKPROCESSEN = ("1.1", "1.2", "2.1", "2.2", "2.3", "2.4", "2.5", "2.6", "2.7", "3.1", "3.2", "3.3")
EXPECTED_COMPETENCIES = (
    "Samenwerken en overleggen",
    "Presenteren",
    "Formuleren en rapporteren",
    "Op de behoeften en verwachtingen van de klant richten",
    "Instructies en procedures opvolgen",
    "Overtuigen en beïnvloeden",
    "Analyseren",
    "Plannen en organiseren",
    "Onderzoeken",
    "Ondernemend en commercieel handelen",
    "Vakdeskundigheid toepassen",
)


def load_profile(directory: str | Path | None = None) -> Profile:
    """The profile from `directory` (default: profile/ under the content root).

    Loaded once per process and directory; raises ContentErrors (all problems at once,
    each with file:line) when the files are broken.
    """
    folder = Path(directory) if directory is not None else profile_dir()
    return _load_cached(folder.resolve())


def competency_names() -> tuple[str, ...]:
    """The 11 exact competency names, in profile order."""
    return load_profile().competency_names()


def werkproces_codes() -> tuple[str, ...]:
    """The 12 werkproces codes ("1.1" ... "3.3"), in profile order."""
    return tuple(w.code for w in load_profile().werkprocessen)


def clear_cache() -> None:
    """Forget loaded profiles (tests; a long-running process after content edits)."""
    _load_cached.cache_clear()


@lru_cache(maxsize=None)
def _load_cached(folder: Path) -> Profile:
    return read_profile(folder)


class _Collector:
    """Gathers errors from all files so that a teacher sees everything in one run."""

    def __init__(self) -> None:
        self.errors: list[ContentError] = []

    def add(self, path: Path, line: int | None, message: str) -> None:
        self.errors.append(ContentError(display_path(path), line, message))

    def load(self, model: type, path: Path) -> tuple[Any, Any]:
        """(raw YAML, validated model) or (raw or None, None) when it failed."""
        try:
            data = load_yaml(path)
        except ContentErrors as exc:
            self.errors.extend(exc.errors)
            return None, None
        try:
            return data, validate(model, data, path)
        except ContentErrors as exc:
            self.errors.extend(exc.errors)
            return data, None


def read_profile(folder: Path) -> Profile:
    """Uncached load of the four profile files in `folder`."""
    folder = Path(folder)
    errors = _Collector()
    paths = {name: folder / name for name in PROFILE_FILES}
    _, beroep = errors.load(BeroepFile, paths[BEROEP_FILE])
    kt_raw, kerntaken = errors.load(KerntakenFile, paths[KERNTAKEN_FILE])
    co_raw, competencies = errors.load(CompetentiesFile, paths[COMPETENTIES_FILE])
    wp_raw, werkprocessen = errors.load(WerkprocessenFile, paths[WERKPROCESSEN_FILE])

    if kerntaken:
        _check_kerntaken(errors, paths[KERNTAKEN_FILE], kt_raw, kerntaken)
    if competencies:
        _check_competencies(errors, paths[COMPETENTIES_FILE], co_raw, competencies, werkprocessen)
    if werkprocessen:
        _check_werkprocessen(
            errors, paths[WERKPROCESSEN_FILE], wp_raw, werkprocessen, kerntaken, competencies
        )
    if errors.errors:
        raise ContentErrors(errors.errors)

    return Profile(
        beroep=beroep.beroep,
        toelichting=kerntaken.toelichting,
        kerntaken=tuple(sorted(kerntaken.kerntaken, key=lambda k: k.code)),
        werkprocessen=tuple(sorted(werkprocessen.werkprocessen, key=_code_order)),
        competencies=competencies.competencies,
    )


def _code_order(werkproces) -> tuple[int, int]:
    major, minor = werkproces.code.split(".")
    return int(major), int(minor)


def _one_of(values) -> str:
    return ", ".join(str(v) for v in values)


def _suggest(word: str, options) -> str:
    close = difflib.get_close_matches(word, list(options), n=1, cutoff=0.6)
    return f"; bedoelt u '{close[0]}'?" if close else ""


def _check_kerntaken(errors: _Collector, path: Path, raw, parsed: KerntakenFile) -> None:
    items = raw["kerntaken"]
    seen: set[int] = set()
    for index, kerntaak in enumerate(parsed.kerntaken):
        line = line_of(items[index], "code") or line_of(items, index)
        if kerntaak.code in seen:
            errors.add(path, line, f"kerntaak {kerntaak.code} staat er twee keer in")
        elif kerntaak.code not in EXPECTED_KERNTAKEN:
            errors.add(
                path, line,
                f"kerntaak {kerntaak.code} bestaat niet in het BCP; het BCP heeft de kerntaken "
                f"{_one_of(EXPECTED_KERNTAKEN)}",
            )
        seen.add(kerntaak.code)
    for code in EXPECTED_KERNTAKEN:
        if code not in seen:
            errors.add(path, line_of(raw, "kerntaken"), f"kerntaak {code} ontbreekt")


def _check_competencies(
    errors: _Collector, path: Path, raw, parsed: CompetentiesFile, werkprocessen: WerkprocessenFile | None
) -> None:
    items = raw["competencies"]
    seen: set[str] = set()
    used = {name for w in werkprocessen.werkprocessen for name in w.competencies} if werkprocessen else None
    for index, competency in enumerate(parsed.competencies):
        line = line_of(items[index], "name") or line_of(items, index)
        if competency.name in seen:
            errors.add(path, line, f"competentie '{competency.name}' staat er twee keer in")
        elif competency.name not in EXPECTED_COMPETENCIES:
            errors.add(
                path, line,
                f"'{competency.name}' is geen competentie van dit BCP"
                f"{_suggest(competency.name, EXPECTED_COMPETENCIES)}",
            )
        elif used is not None and competency.name not in used:
            errors.add(path, line, f"competentie '{competency.name}' wordt door geen enkel werkproces genoemd")
        seen.add(competency.name)
    for name in EXPECTED_COMPETENCIES:
        if name not in seen:
            errors.add(path, line_of(raw, "competencies"), f"competentie '{name}' ontbreekt")


def _check_werkprocessen(
    errors: _Collector,
    path: Path,
    raw,
    parsed: WerkprocessenFile,
    kerntaken: KerntakenFile | None,
    competencies: CompetentiesFile | None,
) -> None:
    items = raw["werkprocessen"]
    known_kerntaken = {k.code for k in kerntaken.kerntaken} if kerntaken else None
    known_competencies = [c.name for c in competencies.competencies] if competencies else None
    seen: set[str] = set()
    for index, werkproces in enumerate(parsed.werkprocessen):
        item = items[index]
        code_line = line_of(item, "code") or line_of(items, index)
        code = werkproces.code
        if code in seen:
            errors.add(path, code_line, f"werkproces {code} staat er twee keer in")
        elif code not in EXPECTED_WERKPROCESSEN:
            errors.add(
                path, code_line,
                f"werkproces {code} bestaat niet in het BCP; het BCP heeft de werkprocessen "
                f"{_one_of(EXPECTED_WERKPROCESSEN)}",
            )
        seen.add(code)

        kerntaak_line = line_of(item, "kerntaak")
        if known_kerntaken is not None and werkproces.kerntaak not in known_kerntaken:
            errors.add(
                path, kerntaak_line,
                f"werkproces {code} hoort bij kerntaak {werkproces.kerntaak}, maar "
                f"kerntaken.yml kent alleen {_one_of(sorted(known_kerntaken))}",
            )
        elif code.split(".")[0] != str(werkproces.kerntaak):
            errors.add(
                path, kerntaak_line,
                f"werkproces {code} staat bij kerntaak {werkproces.kerntaak}, maar de code "
                f"begint met {code.split('.')[0]}",
            )

        names = item["competencies"]
        named: set[str] = set()
        for position, name in enumerate(werkproces.competencies):
            line = line_of(names, position)
            if name in named:
                errors.add(path, line, f"werkproces {code} noemt competentie '{name}' twee keer")
            elif known_competencies is not None and name not in known_competencies:
                errors.add(
                    path, line,
                    f"werkproces {code} noemt competentie '{name}', die niet in "
                    f"{COMPETENTIES_FILE} staat{_suggest(name, known_competencies)}",
                )
            named.add(name)
    for code in EXPECTED_WERKPROCESSEN:
        if code not in seen:
            errors.add(path, line_of(raw, "werkprocessen"), f"werkproces {code} ontbreekt")
