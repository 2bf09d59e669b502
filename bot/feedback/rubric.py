"""Rubrics as data: domain/rubrics/*.yml, validated at load time with file:line errors.

A rubric file lists checks (see bot.feedback.checks for the kinds) and the werkprocessen it
covers. `basis: [basis]` pulls in shared checks first (a check with the same id replaces
the shared one; `uitschakelen:` drops shared checks that do not fit). A scenario gets the
rubric(s) of its werkprocessen, or the rubric it names itself (`rubric: <id>`).
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator

from bot.content import ContentError, ContentErrors, line_of, load_yaml, validate
from bot.feedback.checks import KINDS, CheckBase
from bot.feedback.sources import (
    ScenarioInfo,
    normalise,
    werkproces_competencies,
    werkproces_known,
    werkproces_results,
)
from bot.paths import PerContentSetting, content_setting, display_path, domain_dir

HINT_MODES = ("automatisch", "op_verzoek")


class RubricFile(BaseModel):
    model_config = ConfigDict(extra="forbid")
    titel: str = Field(min_length=3)
    werkprocessen: list[str] = Field(default_factory=list)
    basis: list[str] = Field(default_factory=list)
    uitschakelen: list[str] = Field(default_factory=list)
    hints: Literal["automatisch", "op_verzoek"] = "automatisch"
    focusgewicht: float | None = Field(default=None, ge=1)  # weight of the scenario's competencies
    checks: list[dict] = Field(default_factory=list)
    tips: list[dict] | None = None  # own hint rules, instead of domain/feedback/hints.yml

    @field_validator("werkprocessen", mode="before")
    @classmethod
    def _codes_as_text(cls, value: Any) -> Any:
        if isinstance(value, list):
            return [str(v) if isinstance(v, (int, float)) else v for v in value]
        return value


@dataclass(frozen=True)
class Rubric:
    id: str
    path: str
    titel: str
    werkprocessen: tuple[str, ...]
    basis: tuple[str, ...]
    uitschakelen: tuple[str, ...]
    hints: str
    checks: tuple[CheckBase, ...]
    focus_weight: float | None
    lines: dict  # line of each top-level key, for cross-file errors
    check_lines: dict  # line of each check, by id
    tips: tuple | None = None  # HintRule list replacing domain/feedback/hints.yml (e.g. no customer in 1.2)

    def line(self, key: str) -> int | None:
        return self.lines.get(key) or 1


@dataclass(frozen=True)
class ResolvedRubric:
    """The checks that apply to one scenario, in report order."""

    ids: tuple[str, ...]
    hints: str
    checks: tuple[CheckBase, ...]
    werkprocessen: tuple[str, ...]
    focus_weight: float = 2.0
    tips: tuple | None = None  # the rubric's own hint rules; None: domain/feedback/hints.yml


def rubrics_dir() -> Path:
    return domain_dir() / "rubrics"


def _load_check(data: Any, path: Path, index: int, rubric_wp: list[str]) -> CheckBase:
    shown = display_path(path)
    label = data.get("id", f"#{index + 1}") if isinstance(data, dict) else f"#{index + 1}"
    if not isinstance(data, dict):
        raise ContentErrors.single(shown, line_of(data), f"check {label}: moet een mapping zijn")
    kind = data.get("soort")
    if kind not in KINDS:
        line = line_of(data, "soort") or line_of(data)
        raise ContentErrors.single(
            shown, line, f"check '{label}': onbekende soort '{kind}'; bekend zijn: {', '.join(KINDS)}"
        )
    try:
        check = validate(KINDS[kind].model, data, path)
    except ContentErrors as exc:
        raise ContentErrors(
            [ContentError(e.path, e.line, f"check '{label}': {e.message}") for e in exc.errors]
        ) from None
    errors = _check_against_profile(check, data, shown, rubric_wp)
    if errors:
        raise ContentErrors(errors)
    return check


def _check_against_profile(check: CheckBase, data: Any, shown: str, rubric_wp: list[str]) -> list[ContentError]:
    """A check must give evidence for a competency and resultaat that the BCP ties to its
    werkprocessen. Skipped while the profile is not available."""
    errors = []
    codes = check.werkprocessen or rubric_wp
    if not codes:
        return errors
    linked: set[str] = set()
    known_profile = False
    for code in codes:
        competencies = werkproces_competencies(code)
        if competencies is not None:
            known_profile = True
            linked.update(competencies)
    if known_profile and not linked.intersection(check.competenties):
        errors.append(ContentError(
            shown, line_of(data, "competenties"),
            f"check '{check.id}': geen van de competenties hoort volgens het BCP bij werkproces "
            f"{', '.join(codes)} (daar horen: {'; '.join(sorted(linked))})",
        ))
    if check.resultaat:
        results = [r for code in codes for r in (werkproces_results(code) or ())]
        wanted = normalise(check.resultaat)
        if results and not any(wanted in normalise(r) or normalise(r) in wanted for r in results):
            errors.append(ContentError(
                shown, line_of(data, "resultaat"),
                f"check '{check.id}': resultaat komt niet voor bij werkproces {', '.join(codes)} in het BCP",
            ))
    return errors


def load_rubric_file(path: Path) -> Rubric:
    data = load_yaml(path)
    head = validate(RubricFile, data, path)
    shown = display_path(path)
    errors: list[ContentError] = []
    for code in head.werkprocessen:
        if werkproces_known(code) is False:
            errors.append(ContentError(shown, line_of(data, "werkprocessen"), f"onbekend werkproces '{code}'"))
    checks: list[CheckBase] = []
    seen: dict[str, int] = {}
    raw_checks = data.get("checks") or []
    for index, raw in enumerate(raw_checks):
        try:
            check = _load_check(raw, path, index, head.werkprocessen)
        except ContentErrors as exc:
            errors.extend(exc.errors)
            continue
        if check.id in seen:
            errors.append(ContentError(shown, line_of(raw_checks, index), f"check-id '{check.id}' komt twee keer voor"))
        seen[check.id] = index
        checks.append(check)
    tips = None
    if head.tips is not None:
        from bot.feedback.texts import HintRule  # texts reads the check kinds; imported late

        tips = []
        for raw in head.tips:
            try:
                tips.append(validate(HintRule, raw, path))
            except ContentErrors as exc:
                errors.extend(exc.errors)
    if errors:
        raise ContentErrors(errors)
    return Rubric(
        id=path.stem,
        path=shown,
        titel=head.titel,
        werkprocessen=tuple(head.werkprocessen),
        basis=tuple(head.basis),
        uitschakelen=tuple(head.uitschakelen),
        hints=head.hints,
        checks=tuple(checks),
        focus_weight=head.focusgewicht,
        lines={key: line_of(data, key) for key in ("werkprocessen", "basis", "uitschakelen")},
        check_lines={c.id: line_of(raw_checks, seen[c.id]) for c in checks},
        tips=tuple(tips) if tips is not None else None,
    )


def _cross_check(rubrics: dict[str, Rubric]) -> list[ContentError]:
    errors = []
    owner: dict[str, str] = {}
    for rubric in rubrics.values():
        for base in rubric.basis:
            if base not in rubrics:
                errors.append(ContentError(rubric.path, rubric.line("basis"), f"basis '{base}' bestaat niet in domain/rubrics/"))
            elif rubrics[base].basis:
                errors.append(ContentError(rubric.path, rubric.line("basis"), f"basis '{base}' mag zelf geen basis hebben"))
        base_ids = {c.id for base in rubric.basis if base in rubrics for c in rubrics[base].checks}
        for check_id in rubric.uitschakelen:
            if check_id not in base_ids:
                errors.append(ContentError(
                    rubric.path, rubric.line("uitschakelen"), f"uitschakelen: check '{check_id}' staat niet in de basis"))
        for code in rubric.werkprocessen:
            if code in owner:
                errors.append(ContentError(
                    rubric.path, rubric.line("werkprocessen"),
                    f"werkproces {code} heeft al een rubric ({owner[code]}); noem de rubric in het scenario"))
            else:
                owner[code] = rubric.id
    return errors


@lru_cache(maxsize=None)
def _load_all(directory: str) -> dict[str, Rubric]:
    rubrics: dict[str, Rubric] = {}
    errors: list[ContentError] = []
    paths = sorted(Path(directory).glob("*.yml"))
    if not paths:
        raise ContentErrors.single(display_path(Path(directory)), None, "geen rubrics gevonden (*.yml)")
    for path in paths:
        try:
            rubrics[path.stem] = load_rubric_file(path)
        except ContentErrors as exc:
            errors.extend(exc.errors)
    if not errors:
        errors = _cross_check(rubrics)
    if errors:
        raise ContentErrors(errors)
    return rubrics


_loaded = PerContentSetting(lambda: _load_all(str(rubrics_dir())))
_resolved: dict[tuple, ResolvedRubric] = {}


def load_rubrics(directory: str | Path | None = None) -> dict[str, Rubric]:
    """All rubrics by id (file stem); raises ContentErrors (file:line) when any is invalid.
    Loaded once per process per directory; `oefengesprek validate` calls this."""
    if directory:
        return _load_all(str(Path(directory)))
    return _loaded.get()


def resolve(info: ScenarioInfo, directory: str | Path | None = None) -> ResolvedRubric:
    """The rubric for a scenario (immutable; the same object for the same info and content)."""
    if directory:
        return _resolve(info, load_rubrics(directory))
    key = (info, content_setting())
    try:
        found = _resolved.get(key)
    except TypeError:  # a hand-made ScenarioInfo with lists: not hashable
        return _resolve(info, load_rubrics())
    if found is None:
        found = _resolve(info, load_rubrics())
        if len(_resolved) >= 256:
            _resolved.clear()
        _resolved[key] = found
    return found


def _resolve(info: ScenarioInfo, rubrics: dict[str, Rubric]) -> ResolvedRubric:
    if info.rubric:
        if info.rubric not in rubrics:
            raise KeyError(f"scenario {info.id} noemt rubric '{info.rubric}', die bestaat niet")
        chosen = [rubrics[info.rubric]]
    else:
        chosen = []
        for code in info.werkprocessen:
            for rubric in rubrics.values():
                if code in rubric.werkprocessen and rubric not in chosen:
                    chosen.append(rubric)
        if not chosen and "basis" in rubrics:
            chosen = [rubrics["basis"]]
    bases: list[str] = []
    disabled: set[str] = set()
    for rubric in chosen:
        for base in rubric.basis:
            if base not in bases:
                bases.append(base)
        disabled.update(rubric.uitschakelen)
    ordered: dict[str, CheckBase] = {}
    for base in bases:
        for check in rubrics[base].checks:
            if check.id not in disabled:
                ordered[check.id] = check
    for rubric in chosen:
        for check in rubric.checks:
            ordered[check.id] = check  # same id replaces the shared check
    werkprocessen = info.werkprocessen or tuple(w for r in chosen for w in r.werkprocessen)
    weights = [r.focus_weight for r in chosen + [rubrics[b] for b in bases] if r.focus_weight is not None]
    return ResolvedRubric(
        ids=tuple(bases + [r.id for r in chosen if r.id not in bases]),
        hints=chosen[0].hints if chosen else "automatisch",
        checks=tuple(ordered.values()),
        werkprocessen=tuple(werkprocessen),
        focus_weight=weights[0] if weights else 2.0,
        tips=next((r.tips for r in chosen if r.tips is not None), None),
    )
