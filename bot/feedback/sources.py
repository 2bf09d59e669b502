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
from typing import Any


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


# ScenarioInfo per loaded (immutable) Scenario object: id(scenario) -> (scenario, info). The
# entry keeps the scenario alive, so its id cannot be reused while the entry exists.
_INFOS: dict[int, tuple[Any, ScenarioInfo]] = {}
_INFOS_MAX = 64


def scenario_info(scenario: Any, fallback_id: str | None = None) -> ScenarioInfo:
    """Accept a Scenario object (contracts §4), a dict, an id, or None (then the tracker's id)."""
    if scenario is None and fallback_id:
        scenario = fallback_id
    if isinstance(scenario, str):
        try:
            from bot.scenarios import get_scenario

            scenario = get_scenario(scenario)
        except (ImportError, KeyError):
            # Not a loaded scenario (e.g. removed since): its id starts with the werkproces.
            match = re.match(r"(\d\.\d)", scenario)
            return ScenarioInfo(scenario, (match.group(1),) if match else (), (), None, None)
    if scenario is None:
        return ScenarioInfo(None, (), (), None, None)
    frozen = _is_frozen_scenario(scenario)
    if frozen:
        hit = _INFOS.get(id(scenario))
        if hit is not None and hit[0] is scenario:
            return hit[1]
    info = _scenario_info(scenario)
    if frozen:
        if len(_INFOS) >= _INFOS_MAX:
            _INFOS.clear()
        _INFOS[id(scenario)] = (scenario, info)
    return info


def _is_frozen_scenario(scenario: Any) -> bool:
    """A loaded bot.scenarios Scenario: immutable, so its ScenarioInfo can be kept."""
    config = getattr(type(scenario), "model_config", None)
    return isinstance(config, dict) and config.get("frozen") is True


def _scenario_info(scenario: Any) -> ScenarioInfo:

    def get(name: str, default: Any = None) -> Any:
        if isinstance(scenario, dict):
            return scenario.get(name, default)
        return getattr(scenario, name, default)

    def part(obj: Any, name: str) -> Any:
        if obj is None:
            return None
        return obj.get(name) if isinstance(obj, dict) else getattr(obj, name, None)

    persona = get("persona")
    persona_name = part(persona, "name")
    products: list[str] = []
    prices = tuple(float(p) for p in (part(x, "price") for x in get("catalogue") or ()) if isinstance(p, (int, float)))
    for product in get("catalogue") or ():
        for name in part(product, "names") or ():
            if name and str(name) not in products:
                products.append(str(name))
    return ScenarioInfo(
        id=get("id"),
        werkprocessen=tuple(str(w) for w in (get("werkprocessen") or ())),
        competencies=tuple(_names(get("competencies") or ())),
        rubric=get("rubric") or None,
        persona=persona_name,
        practice_hints=get("practice_hints", True) is not False,
        objections=tuple(_objections(get("objections") or ())),
        student_company=part(get("student_company"), "name"),
        customer_company=part(persona, "company"),
        initiative=get("initiative"),
        products=tuple(products),
        main_product=_main_product(scenario),
        prices=prices,
    )


def _main_product(scenario: Any) -> str | None:
    try:
        product = scenario.main_product()
    except Exception:  # noqa: BLE001 - a dict or an older object without it
        return None
    names = getattr(product, "names", None)
    return str(names[0]) if names else None


def _objections(items: Any) -> list[tuple[str, str]]:
    out = []
    for item in items:
        oid = item.get("id") if isinstance(item, dict) else getattr(item, "id", None)
        signal = item.get("signal") if isinstance(item, dict) else getattr(item, "signal", None)
        if oid and signal:
            out.append((str(oid), str(signal)))
    return out
