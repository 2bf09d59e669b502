"""What feedback needs from other parts: BCP names, werkproces links, scenario facts.

Everything goes through the public APIs of `bot.bcp` (contracts: competency_names,
load_profile().werkproces(code)) and `bot.scenarios` (contracts §4). Where they cannot
answer (a broken profile, a scenario id that is not loaded, as in a transcript from a
scenario that was removed since) the functions below say "unknown" (None) or fall back to
what the id itself tells (its werkproces prefix); they never override real data.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from bot.scenarios.models import Scenario


@lru_cache(maxsize=1)
def competency_names() -> tuple[str, ...]:
    from bot.bcp import competency_names as names

    return tuple(names())


def _profile():
    try:
        from bot.bcp import load_profile
    except ImportError:
        return None
    try:
        return load_profile()
    except Exception:  # noqa: BLE001 - a broken profile is reported by its own validator
        return None


def _werkproces(code: str) -> Any:
    profile = _profile()
    if profile is None:
        return None
    try:
        return profile.werkproces(code)
    except (KeyError, LookupError, ValueError):
        return False  # profile loaded, code unknown
    except Exception:  # noqa: BLE001
        return None


def _names(items: Any) -> list[str]:
    out = []
    for item in items or ():
        name = item if isinstance(item, str) else getattr(item, "name", None) or getattr(item, "naam", None)
        if name:
            out.append(str(name))
    return out


def werkproces_known(code: str) -> bool | None:
    """True/False when the profile can tell; None when the profile is not available."""
    found = _werkproces(code)
    if found is None:
        return None
    return found is not False


def werkproces_competencies(code: str) -> tuple[str, ...] | None:
    found = _werkproces(code)
    if not found:
        return None
    for attr in ("competencies", "competenties"):
        if hasattr(found, attr):
            return tuple(_names(getattr(found, attr)))
    return None


def werkproces_results(code: str) -> tuple[str, ...] | None:
    found = _werkproces(code)
    if not found:
        return None
    for attr in ("results", "resultaten", "resultaat"):
        if hasattr(found, attr):
            value = getattr(found, attr)
            if isinstance(value, str):
                return (value,)
            return tuple(str(v if isinstance(v, str) else getattr(v, "text", v)) for v in value or ())
    return None


def normalise(text: str) -> str:
    return re.sub(r"[^0-9a-zà-ÿ]+", "", text.lower())


# --- scenarios ---------------------------------------------------------------------------


@dataclass(frozen=True)
class ScenarioInfo:
    id: str | None
    werkprocessen: tuple[str, ...]
    competencies: tuple[str, ...]
    rubric: str | None
    persona: str | None
    practice_hints: bool = True  # False: hints in practice mode only on request
    objections: tuple[tuple[str, str], ...] = ()  # (objection id, signal) from the scenario
    student_company: str | None = None  # the company the student works for
    customer_company: str | None = None  # the persona's company
    initiative: str | None = None  # "persona" (the customer calls/opens) or "student"
    products: tuple[str, ...] = ()  # every catalogue name of the scenario's products
    main_product: str | None = None  # how the scenario's main product is called
    prices: tuple[float, ...] = ()  # the catalogue's unit prices (euros excl. btw)
    role: str = "klant"  # who the bot plays: klant, or leverancier (2.7: the texts say "de leverancier")


def scenario_info(scenario: Scenario) -> ScenarioInfo:
    """What feedback needs of a loaded scenario (contracts §4). Worked out once per
    conversation: the engine's conversation object and a report each keep theirs."""
    products: list[str] = []
    for product in scenario.catalogue:
        for name in product.names:
            if name and str(name) not in products:
                products.append(str(name))
    main = scenario.main_product()
    return ScenarioInfo(
        id=scenario.id,
        werkprocessen=tuple(str(w) for w in scenario.werkprocessen),
        competencies=tuple(_names(scenario.competencies)),
        rubric=None,
        persona=scenario.persona.name,
        practice_hints=scenario.practice_hints is not False,
        objections=tuple(_objections(scenario.objections)),
        student_company=scenario.student_company.name,
        customer_company=scenario.persona.company,
        initiative=scenario.initiative,
        products=tuple(products),
        main_product=str(main.names[0]) if main is not None and main.names else None,
        prices=tuple(float(p.price) for p in scenario.catalogue),
        role=str(getattr(scenario, "role", None) or "klant"),
    )


def info_for_id(scenario_id: str | None) -> ScenarioInfo:
    """For a scenario known by its id only (a transcript's events): the loaded scenario, or
    for an id that is not loaded (removed since) what the id tells: its werkproces prefix."""
    from bot.scenarios import get_scenario

    if not scenario_id:
        return ScenarioInfo(None, (), (), None, None)
    try:
        return scenario_info(get_scenario(scenario_id))
    except KeyError:
        match = re.match(r"(\d\.\d)", scenario_id)
        return ScenarioInfo(scenario_id, (match.group(1),) if match else (), (), None, None)


def _objections(items: Any) -> list[tuple[str, str]]:
    return [(str(o.id), str(o.signal)) for o in items if o.id and o.signal]


def info_of(scenario: "Scenario | ScenarioInfo | str | None", events_scenario_id: str | None) -> ScenarioInfo:
    """The contracts §6 functions take the loaded Scenario, what feedback reads of one (a
    ScenarioInfo, as tests build it), its id, or None (then the id the events carry)."""
    if scenario is None or isinstance(scenario, str):
        return info_for_id(scenario or events_scenario_id)
    if isinstance(scenario, ScenarioInfo):
        return scenario
    return scenario_info(scenario)
