"""Load and validate all scenarios once per process (per content root).

Files: domain/scenarios/<id>.yml, one scenario each; `_standaard.yml` holds the
effects, lines and hints every scenario inherits (a scenario may override them).
Files whose name starts with `_` are not scenarios. All problems of all files are
collected and raised together as ContentErrors with file:line.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import Any

from bot.content import ContentError, ContentErrors, load_yaml, validate
from bot.content.validation import locate
from bot.paths import PerContentSetting, display_path, domain_dir
from pydantic import BaseModel

from bot.scenarios.models import LEVELS, AnnotatedLine, Defaults, Scenario

DEFAULTS_FILE = "_standaard.yml"

# Lines the generic persona action needs; each must come from _standaard.yml or the scenario.
REQUIRED_LINES = (
    "opening",  # persona opens (initiative: persona) — may be absent for initiative: student
    "greeting_reply",
    "greeting_after_opening",
    "neutral",
    "short_answer",
    "no_more_needs",
    "informeel",
    "clarify",
    "goodbye_good",
    "goodbye_bad",
    "hangup",
    "after_end",
    "benefit_heard",
    "missed_signal",
    "bijverkoop",
    "contradicted",
    "concession_unasked",
    "toezegging_heard",
    "summary_confirmed",
    "summary_wrong",
    "identity_confirmed",
    "identity_other",
    "concession_unauthorised",
    "reminder_fallback",
    "topic_answered",
    "feit_prijs",
    "feit_aantal",
    "feit_levertijd",
    "feit_eigenschap",
    "no_progress_warning",
    "no_progress_end",
    "too_long_end",
    "after_deal_confirm",
)
# Generic lines whose _standaard.yml variants a scenario that replaced them may still use
# once its own variants were all said (see Scenario.standaard_lines).
FALLBACK_LINES = ("neutral", "clarify", "short_answer", "summary_confirmed", "summary_wrong", "toezegging_heard", "contradicted",
                  "benefit_heard", "topic_answered")
REQUIRED_HINTS = ("vragen", "afsluiten", "algemeen", "signaal")


def scenarios_dir() -> Path:
    return domain_dir() / "scenarios"


def _competency_names() -> tuple[str, ...]:
    from bot.bcp import competency_names

    return tuple(competency_names())


def _werkproces_codes() -> tuple[str, ...] | None:
    try:
        from bot.bcp import werkproces_codes  # type: ignore[attr-defined]
    except ImportError:
        return None
    try:
        return tuple(werkproces_codes())
    except Exception:  # profile not loadable: reported by `oefengesprek validate` itself
        return None


def _err(data: Any, loc: tuple, path: Path, message: str) -> ContentError:
    return ContentError(display_path(path), locate(data, loc), message)


def load_defaults(directory: Path | None = None) -> Defaults:
    path = (directory or scenarios_dir()) / DEFAULTS_FILE
    return validate(Defaults, load_yaml(path), path)


def _merge_defaults(data: Any, defaults: Defaults) -> Any:
    """Fill lines/hints/effects that the scenario does not set from the defaults (in place)."""
    if not isinstance(data, dict):
        return data
    own_lines = data.get("lines")
    if isinstance(own_lines, dict) and "standaard_lines" not in data:
        # The defaults a scenario replaced stay available: when every variant of its own
        # line was said, the persona can still say something new (no line twice).
        data["standaard_lines"] = {k: list(v) for k, v in defaults.lines.items() if k in own_lines and k in FALLBACK_LINES}
    for key in ("lines", "hints"):
        own = data.get(key)
        if own is None or isinstance(own, dict):
            merged = dict(getattr(defaults, key))
            merged.update(own or {})
            if own is None:
                data[key] = merged
            else:
                for k, v in merged.items():
                    own.setdefault(k, v)
    own_topics = data.get("topics")
    if own_topics is None or isinstance(own_topics, list):
        own_ids = {t.get("id") for t in (own_topics or []) if isinstance(t, dict)}
        inherited = [t.model_dump(exclude_defaults=True) for t in defaults.topics if t.id not in own_ids]
        if own_topics is None:
            data["topics"] = inherited
        else:
            own_topics.extend(inherited)
    own_effects = data.get("effects")
    if own_effects is None or isinstance(own_effects, dict):
        effects = {k: dict(v) for k, v in defaults.effects.items()}
        for move, deltas in (own_effects or {}).items():
            if isinstance(deltas, dict):
                effects.setdefault(move, {}).update(deltas)
            else:
                effects[move] = deltas
        if own_effects is None:
            data["effects"] = effects
        else:
            own_effects.clear()
            own_effects.update(effects)
    return data


def cross_check(sc: Scenario, data: Any, path: Path) -> list[ContentError]:
    """References between parts of one scenario, and names from the profile."""
    errors: list[ContentError] = []
    if path.stem != sc.id:
        errors.append(_err(data, ("id",), path, f"id '{sc.id}' moet gelijk zijn aan de bestandsnaam '{path.stem}'"))
    names = _competency_names()
    for i, comp in enumerate(sc.competencies):
        if comp not in names:
            errors.append(_err(data, ("competencies", i), path, f"'{comp}' is geen competentie uit het BCP; kies uit: {'; '.join(names)}"))
    codes = _werkproces_codes()
    if codes:
        for i, code in enumerate(sc.werkprocessen):
            if code not in codes:
                errors.append(_err(data, ("werkprocessen", i), path, f"werkproces '{code}' staat niet in het BCP"))
    product_ids = [p.id for p in sc.catalogue]
    for i, pid in enumerate(product_ids):
        if product_ids.index(pid) != i:
            errors.append(_err(data, ("catalogue", i, "id"), path, f"product-id '{pid}' komt twee keer voor"))
    need_ids = [n.id for n in sc.persona.needs]
    objection_ids = [o.id for o in sc.objections]
    for i, oid in enumerate(objection_ids):
        if objection_ids.index(oid) != i:
            errors.append(_err(data, ("objections", i, "id"), path, f"bezwaar-id '{oid}' komt twee keer voor"))
    if sc.focus_product and sc.focus_product not in product_ids:
        errors.append(_err(data, ("focus_product",), path, f"product '{sc.focus_product}' staat niet in de catalogus"))
    if sc.margin:
        for pid in sc.margin.min_unit_price:
            if pid not in product_ids:
                errors.append(_err(data, ("margin", "min_unit_price", pid), path, f"product '{pid}' staat niet in de catalogus"))
    if sc.quotation and sc.quotation.product not in product_ids:
        errors.append(_err(data, ("quotation", "product"), path, f"product '{sc.quotation.product}' staat niet in de catalogus"))
    for i, obj in enumerate(sc.objections):
        if obj.reveals and obj.reveals not in need_ids:
            errors.append(_err(data, ("objections", i, "reveals"), path, f"behoefte '{obj.reveals}' staat niet onder persona.needs"))
        if obj.need and obj.need not in need_ids:
            errors.append(_err(data, ("objections", i, "need"), path, f"behoefte '{obj.need}' staat niet onder persona.needs"))
        for oid in obj.when.after_resolved:
            if oid not in objection_ids:
                errors.append(_err(data, ("objections", i, "when", "after_resolved"), path, f"bezwaar '{oid}' bestaat niet"))
        if obj.concession and obj.signal != "weerstand.prijs":
            errors.append(_err(data, ("objections", i, "concession"), path, "concession hoort alleen bij een bezwaar met signaal weerstand.prijs"))
    signal_ids = [s.id for s in sc.signals]
    for kind, items in (("objections", sc.objections), ("signals", sc.signals)):
        for i, item in enumerate(items):
            for sid in item.when.after_signals:
                if sid not in signal_ids:
                    errors.append(_err(data, (kind, i, "when", "after_signals"), path, f"signaalregel '{sid}' bestaat niet"))
    for i, sig in enumerate(sc.signals):
        for oid in sig.when.after_resolved:
            if oid not in objection_ids:
                errors.append(_err(data, ("signals", i, "when", "after_resolved"), path, f"bezwaar '{oid}' bestaat niet"))
    for i, ans in enumerate(sc.answers):
        if ans.reveals and ans.reveals not in need_ids:
            errors.append(_err(data, ("answers", i, "reveals"), path, f"behoefte '{ans.reveals}' staat niet onder persona.needs"))
    topic_ids = [t.id for t in sc.topics]
    for i, tid in enumerate(topic_ids):
        if topic_ids.index(tid) != i:
            errors.append(_err(data, ("topics", i, "id"), path, f"onderwerp-id '{tid}' komt twee keer voor"))
    for i, topic in enumerate(sc.topics):
        if topic.need and topic.need not in need_ids:
            errors.append(_err(data, ("topics", i, "need"), path, f"behoefte '{topic.need}' staat niet onder persona.needs"))
    for loc, tid in _asks(sc, data):
        if tid not in topic_ids:
            known = ", ".join(topic_ids) or "(geen topics)"
            errors.append(_err(data, loc, path, f"onderwerp '{tid}' staat niet onder topics; kies uit: {known}"))
    for i, answer in enumerate(sc.answers):
        if answer.about and answer.about not in objection_ids:
            errors.append(_err(data, ("answers", i, "about"), path, f"bezwaar '{answer.about}' bestaat niet"))
        if answer.raises and answer.raises not in objection_ids:
            errors.append(_err(data, ("answers", i, "raises"), path, f"bezwaar '{answer.raises}' bestaat niet"))
    for oid in sc.close.requires_resolved:
        if oid not in objection_ids:
            errors.append(_err(data, ("close", "requires_resolved"), path, f"bezwaar '{oid}' bestaat niet"))
    if sc.close.min_needs > len(need_ids):
        errors.append(_err(data, ("close", "min_needs"), path, f"min_needs {sc.close.min_needs} is meer dan het aantal behoeften ({len(need_ids)})"))
    if sc.initiative == "persona" and "opening" not in sc.lines:
        errors.append(_err(data, ("lines",), path, "lines.opening ontbreekt (de persona opent het gesprek)"))
    for key in REQUIRED_LINES:
        if key != "opening" and key not in sc.lines:
            errors.append(_err(data, ("lines",), path, f"lines.{key} ontbreekt (ook niet in {DEFAULTS_FILE})"))
    for key in REQUIRED_HINTS:
        if key not in sc.hints:
            errors.append(_err(data, ("hints",), path, f"hints.{key} ontbreekt (ook niet in {DEFAULTS_FILE})"))
    for lvl in LEVELS:
        if lvl not in sc.levels:
            errors.append(_err(data, ("levels",), path, f"niveau '{lvl}' ontbreekt onder levels"))
    for i, obj in enumerate(sc.objections):
        if obj.concession:
            for lvl in sc.levels:
                if lvl not in obj.concession.accept_from:
                    errors.append(_err(data, ("objections", i, "concession", "accept_from"), path, f"niveau '{lvl}' ontbreekt"))
    return errors


def _asks(sc: Scenario, data: Any) -> list[tuple[tuple, str]]:
    """(location, topic id) of every `asks:` in the scenario: rules, objections and lines."""
    found: list[tuple[tuple, str]] = []
    for kind, items in (("objections", sc.objections), ("signals", sc.signals)):
        for i, item in enumerate(items):
            if item.asks:
                found.append(((kind, i, "asks"), item.asks))

    def walk(node: Any, loc: tuple) -> None:
        if isinstance(node, AnnotatedLine):
            if node.asks:
                found.append((loc + ("asks",), node.asks))
        elif isinstance(node, BaseModel):
            for name in type(node).model_fields:
                walk(getattr(node, name), loc + (name,))
        elif isinstance(node, dict):
            for k, v in node.items():
                walk(v, loc + (k,))
        elif isinstance(node, (list, tuple)):
            for i, v in enumerate(node):
                walk(v, loc + (i,))

    walk(sc, ())
    return found


def load_scenario_file(path: Path, defaults: Defaults) -> Scenario:
    data = load_yaml(path)
    _merge_defaults(data, defaults)
    sc = validate(Scenario, data, path)
    errors = cross_check(sc, data, path)
    if errors:
        raise ContentErrors(errors)
    return sc


def _load_all(directory: Path) -> dict[str, Scenario]:
    errors: list[ContentError] = []
    try:
        defaults = load_defaults(directory)
    except ContentErrors as exc:
        raise ContentErrors(exc.errors) from None
    scenarios: dict[str, Scenario] = {}
    for path in sorted(directory.glob("*.yml")):
        if path.name.startswith("_"):
            continue
        try:
            sc = load_scenario_file(path, defaults)
        except ContentErrors as exc:
            errors.extend(exc.errors)
            continue
        if sc.id in scenarios:
            errors.append(ContentError(display_path(path), None, f"scenario-id '{sc.id}' bestaat al"))
        scenarios[sc.id] = sc
    if errors:
        raise ContentErrors(errors)
    return scenarios


@lru_cache(maxsize=8)
def _cached(directory: str) -> dict[str, Scenario]:
    return _load_all(Path(directory))


# Every action asks for its scenario (some several times a turn), so the loaded scenarios are
# also kept by the content setting, which is cheaper to read than the resolved root.
_loaded = PerContentSetting(lambda: _cached(str(scenarios_dir())))


def load_scenarios() -> dict[str, Scenario]:
    """All scenarios by id (in file order), loaded once per content root."""
    return _loaded.get()


def get_scenario(scenario_id: str) -> Scenario:
    """One scenario; KeyError for an unknown id."""
    scenarios = load_scenarios()
    if scenario_id not in scenarios:
        raise KeyError(f"onbekend scenario '{scenario_id}'; beschikbaar: {', '.join(scenarios)}")
    return scenarios[scenario_id]


def clear_cache() -> None:
    _loaded.clear()
    _cached.cache_clear()
