"""Every content check of the project, as an explicit registry (`oefengesprek validate`).

A validator is a name (Dutch, for the summary) and a function that loads and checks one kind
of content. It returns a short Dutch summary on success and raises `ContentErrors` (file:line)
on problems; any other exception of a loader is reported as a finding too.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

from bot.content import ContentError, ContentErrors


@dataclass(frozen=True)
class Validator:
    name: str
    run: Callable[[], str]


@dataclass
class Outcome:
    name: str
    summary: str | None = None
    errors: list[ContentError] | None = None


def _labels() -> str:
    from bot.labels import label_contract
    contract = label_contract()
    return f"{len(contract.signals)} signalen, {len(contract.moves)} zetten"


def _profile() -> str:
    from bot import bcp
    bcp.clear_cache()
    return f"{len(bcp.load_profile().werkprocessen)} werkprocessen"


def _nlu() -> str:
    from bot.nlu import validate_patterns
    validate_patterns()
    return "in orde"


def _scenarios() -> str:
    from bot import scenarios
    scenarios.clear_cache()
    return f"{len(scenarios.load_scenarios())} geladen"


def _feedback() -> str:
    from bot.feedback import validate_content
    errors = validate_content()
    if errors:
        raise ContentErrors(errors)
    return "rubrics en teksten in orde"


def _rasa() -> str:
    from bot.engine.engine import Engine
    engine = Engine.load()
    d = engine.domain
    rules = sum(1 for f in engine.flows if f.kind == "rule")
    stories = sum(1 for f in engine.flows if f.kind == "story")
    return (f"{len(d.intents)} intents, {len(d.slots)} slots, {len(d.responses)} responses, "
            f"{len(d.actions)} acties, {len(d.forms)} formulieren, {rules} regels, {stories} verhalen")


def _test_stories() -> str:
    from bot.engine.domain import ACTION_DEFAULT_FALLBACK, load_domain
    from bot.engine.engine import check_references
    from bot.engine.replay import load_test_stories
    from bot.paths import domain_dir
    stories = load_test_stories()
    if not stories:
        return "geen teststories"
    errors = check_references(load_domain(domain_dir() / "rasa"), stories, ACTION_DEFAULT_FALLBACK)
    from bot.scenarios import load_scenarios
    try:
        known = set(load_scenarios())
    except ContentErrors:
        known = None  # reported by the scenarios' own validator
    for flow in stories:
        scenario = flow.metadata.get("scenario")
        if known is not None and scenario not in known:
            errors.append(ContentError(flow.path, flow.line, f"teststory '{flow.name}': onbekend scenario '{scenario}'"))
    if errors:
        raise ContentErrors(errors)
    return f"{len(stories)} geladen"


VALIDATORS: tuple[Validator, ...] = (
    Validator("labels", _labels),
    Validator("beroepsprofiel", _profile),
    Validator("herkenningspatronen", _nlu),
    Validator("scenario's", _scenarios),
    Validator("feedback", _feedback),
    Validator("Rasa-domein en verhalen", _rasa),
    Validator("teststories", _test_stories),
)


def run_all(validators: tuple[Validator, ...] | None = None) -> list[Outcome]:
    outcomes = []
    for v in VALIDATORS if validators is None else validators:
        try:
            outcomes.append(Outcome(v.name, summary=v.run()))
        except ContentErrors as exc:
            outcomes.append(Outcome(v.name, errors=exc.errors))
        except Exception as exc:  # noqa: BLE001 - a crashing loader is a finding, not a crash
            outcomes.append(Outcome(v.name, errors=[ContentError(v.name, None,
                                                                 f"controle mislukt: {type(exc).__name__}: {exc}")]))
    return outcomes
