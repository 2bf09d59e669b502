"""The Rasa 3.x domain: loaded from several YAML files, merged, validated with file:line.

Merging follows Rasa's directory loading: the list sections (`intents`, `entities`,
`actions`, `e2e_actions`) are united (a name listed in two files is one name). For the
mapping sections (`slots`, `responses`, `forms`) a name defined in two files is an error:
Rasa 3 keeps the later file's definition with a warning, which silently hides one of the two
from a teacher. `session_config` may be given once. Every definition remembers the file and
line it came from.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator

from bot.content import ContentError, ContentErrors, line_of
from bot.content.validation import validate
from bot.engine.rasafile import read_rasa_file
from bot.paths import display_path

DOMAIN_KEYS = ("version", "intents", "entities", "slots", "responses", "actions", "forms",
               "session_config", "e2e_actions", "config")

ACTION_LISTEN = "action_listen"
ACTION_SESSION_START = "action_session_start"
ACTION_RESTART = "action_restart"
ACTION_DEFAULT_FALLBACK = "action_default_fallback"
ACTION_DEACTIVATE_LOOP = "action_deactivate_loop"
ACTION_BACK = "action_back"
ACTION_EXTRACT_SLOTS = "action_extract_slots"
ACTION_VALIDATE_SLOT_MAPPINGS = "action_validate_slot_mappings"
DEFAULT_ACTIONS = (ACTION_LISTEN, ACTION_RESTART, ACTION_SESSION_START, ACTION_DEFAULT_FALLBACK,
                   ACTION_DEACTIVATE_LOOP, ACTION_BACK, ACTION_EXTRACT_SLOTS)
REQUESTED_SLOT = "requested_slot"
SESSION_START_METADATA_SLOT = "session_started_metadata"
DEFAULT_INTENTS = ("restart", "back", "session_start", "nlu_fallback")

_TEMPLATE_VAR = re.compile(r"\{([A-Za-z_][A-Za-z0-9_]*)\}")


# --- pydantic models for one definition ------------------------------------------------

class MappingCondition(BaseModel):
    model_config = ConfigDict(extra="forbid")
    active_loop: str | None
    requested_slot: str | None = None


class SlotMapping(BaseModel):
    model_config = ConfigDict(extra="forbid")
    type: Literal["from_entity", "from_text", "from_intent", "from_trigger_intent", "custom"]
    entity: str | None = None
    role: str | None = None
    group: str | None = None
    value: Any = None
    intent: str | list[str] | None = None
    not_intent: str | list[str] | None = None
    conditions: list[MappingCondition] = Field(default_factory=list)
    action: str | None = None

    def intents(self, which: str) -> list[str]:
        value = getattr(self, which)
        if value is None:
            return []
        return [value] if isinstance(value, str) else list(value)


class SlotDef(BaseModel):
    model_config = ConfigDict(extra="forbid")
    type: Literal["text", "bool", "categorical", "float", "list", "any"]
    influence_conversation: bool | None = None
    initial_value: Any = None
    values: list[Any] | None = None
    min_value: float = 0.0
    max_value: float = 1.0
    mappings: list[SlotMapping] = Field(default_factory=list)

    @field_validator("values")
    @classmethod
    def _values_text(cls, value):
        return None if value is None else [str(v) for v in value]

    @property
    def featurised(self) -> bool:
        if self.type == "any":
            return False
        return True if self.influence_conversation is None else self.influence_conversation


class ResponseCondition(BaseModel):
    model_config = ConfigDict(extra="forbid")
    type: Literal["slot"]
    name: str
    value: Any


class ResponseVariation(BaseModel):
    model_config = ConfigDict(extra="allow")  # buttons, image, custom, channel, speaker, labels ...
    text: str | None = None
    condition: list[ResponseCondition] = Field(default_factory=list)
    channel: str | None = None


class FormDef(BaseModel):
    model_config = ConfigDict(extra="forbid")
    required_slots: list[str] = Field(default_factory=list)
    ignored_intents: str | list[str] = Field(default_factory=list)


class SessionConfig(BaseModel):
    model_config = ConfigDict(extra="forbid")
    session_expiration_time: float = 60
    carry_over_slots_to_new_session: bool = True


# --- the merged domain -------------------------------------------------------------------

@dataclass
class Domain:
    intents: dict[str, dict] = field(default_factory=dict)  # name -> {use_entities, ignore_entities}
    entities: list[str] = field(default_factory=list)
    slots: dict[str, SlotDef] = field(default_factory=dict)
    responses: dict[str, list[ResponseVariation]] = field(default_factory=dict)
    actions: list[str] = field(default_factory=list)  # custom actions (not responses, not forms)
    forms: dict[str, FormDef] = field(default_factory=dict)
    session_config: SessionConfig = field(default_factory=SessionConfig)
    e2e_actions: list[str] = field(default_factory=list)
    where: dict[tuple[str, str], tuple[str, int | None]] = field(default_factory=dict)
    _as_dict: dict | None = field(default=None, repr=False)
    _featurised_index: tuple | None = field(default=None, repr=False, compare=False)

    # names ---------------------------------------------------------------------------
    @property
    def action_names(self) -> set[str]:
        """Every action the domain knows: defaults, responses, custom actions, forms."""
        return {*DEFAULT_ACTIONS, *self.responses, *self.actions, *self.forms}

    def location(self, kind: str, name: str) -> tuple[str, int | None]:
        return self.where.get((kind, name), ("domain", None))

    # slots ---------------------------------------------------------------------------
    def initial_slots(self) -> dict[str, Any]:
        values = {name: s.initial_value for name, s in self.slots.items()}
        values.setdefault(REQUESTED_SLOT, None)
        values.setdefault(SESSION_START_METADATA_SLOT, None)
        return values

    def featurise(self, name: str, value: Any) -> Any:
        """The slot's conversation feature (what rules and stories see), Rasa-like."""
        slot = self.slots.get(name)
        if slot is None:
            return value  # requested_slot: its value
        if slot.type == "text":
            return value is not None
        if slot.type == "list":
            return bool(value)
        if slot.type == "bool":
            return None if value is None else bool(value)
        if slot.type == "categorical":
            if value is None:
                return None
            text = str(value).lower()
            known = [v.lower() for v in slot.values or []]
            return text if text in known else "__other__"
        if slot.type == "float":
            if value is None:
                return None
            try:
                number = float(value)
            except (TypeError, ValueError):
                return None
            return min(max(number, slot.min_value), slot.max_value)
        return None

    def featurised_slots(self) -> list[str]:
        """Slots with influence_conversation. Rasa 3.6 adds `requested_slot` with
        influence_conversation false, so rules and stories do not see it unless the domain
        defines it (then its own setting counts)."""
        return [n for n, s in self.slots.items() if s.featurised]

    def featurised_index(self) -> tuple[tuple[str, ...], frozenset[str]]:
        """The featurised slots sorted by name, and as a set (what every tracker needs);
        worked out once, like as_dict: the domain does not change after loading."""
        if self._featurised_index is None:
            names = tuple(sorted(self.featurised_slots()))
            self._featurised_index = (names, frozenset(names))
        return self._featurised_index

    def ignored_intents_for(self, slot: str) -> set[str]:
        """Intents of the forms that require `slot` with `ignored_intents` (Rasa adds them to
        every mapping's not_intent)."""
        out: set[str] = set()
        for form in self.forms.values():
            if slot in form.required_slots:
                ignored = form.ignored_intents
                out.update([ignored] if isinstance(ignored, str) else ignored)
        return out

    def entities_for(self, intent: str | None) -> set[str] | None:
        """Entity names that count for `intent` in conversation states (None: all)."""
        spec = self.intents.get(intent or "", {})
        if "use_entities" in spec:
            return set(spec["use_entities"] or [])
        if "ignore_entities" in spec:
            return set(self.entities) - set(spec["ignore_entities"] or [])
        return set(self.entities)

    # responses ------------------------------------------------------------------------
    def matching_variations(self, name: str, slots: dict[str, Any], channel: str | None = None
                            ) -> list[ResponseVariation]:
        """Variations whose slot conditions hold; conditional ones win over plain ones (Rasa)."""
        variations = [v for v in self.responses.get(name, []) if v.channel in (None, channel)]
        conditional = [v for v in variations if v.condition and all(
            _same_value(slots.get(c.name), c.value) for c in v.condition)]
        if conditional:
            return conditional
        return [v for v in variations if not v.condition]

    # the dict Rasa sends to the action server ---------------------------------------------
    def as_dict(self) -> dict[str, Any]:
        if self._as_dict is None:
            intents = [{name: spec} if spec else name for name, spec in self.intents.items()]
            slots = {}
            for name, slot in self.slots.items():
                data = slot.model_dump(exclude_none=True)
                data["influence_conversation"] = slot.featurised
                data.setdefault("initial_value", None)
                data["mappings"] = [m.model_dump(exclude_none=True) for m in slot.mappings]
                for m in data["mappings"]:
                    if not m.get("conditions"):
                        m.pop("conditions", None)
                if slot.type != "float":
                    data.pop("min_value", None)
                    data.pop("max_value", None)
                slots[name] = data
            for default in (REQUESTED_SLOT, SESSION_START_METADATA_SLOT):
                slots.setdefault(default, {"type": "any" if default != REQUESTED_SLOT else "text",
                                           "influence_conversation": False,
                                           "initial_value": None, "mappings": []})
            self._as_dict = {
                "version": "3.1",
                "config": {"store_entities_as_slots": True},
                "session_config": self.session_config.model_dump(),
                "intents": intents,
                "entities": list(self.entities),
                "slots": slots,
                "responses": {n: [v.model_dump(exclude_none=True, exclude_defaults=True) | (
                    {"text": v.text} if v.text is not None else {}) for v in vs]
                    for n, vs in self.responses.items()},
                "actions": list(self.actions),
                "forms": {n: {"required_slots": list(f.required_slots)} for n, f in self.forms.items()},
                "e2e_actions": list(self.e2e_actions),
            }
        return self._as_dict


def _same_value(actual: Any, expected: Any) -> bool:
    if isinstance(actual, str) and isinstance(expected, str):
        return actual.lower() == expected.lower()
    return actual == expected


def fill_template(text: str, values: dict[str, Any]) -> str:
    """Fill `{slot}` placeholders like Rasa: unknown names stay as they are."""
    def repl(m: re.Match) -> str:
        name = m.group(1)
        if name in values:
            value = values[name]
            return "None" if value is None else str(value)
        return m.group(0)
    return _TEMPLATE_VAR.sub(repl, text)


# --- loading -----------------------------------------------------------------------------

def domain_files(path: Path) -> list[Path]:
    if path.is_file():
        return [path]
    return sorted(p for p in path.rglob("*") if p.suffix in (".yml", ".yaml") and p.is_file())


def load_domain(path: Path) -> Domain:
    """Load and merge every domain file under `path`; raise ContentErrors listing all problems."""
    errors: list[ContentError] = []
    domain = Domain()
    files = domain_files(Path(path))
    if not files:
        raise ContentErrors.single(display_path(Path(path)), None, "geen Rasa-domeinbestanden gevonden")
    session_seen: str | None = None
    for file in files:
        shown = display_path(file)
        data = read_rasa_file(file, DOMAIN_KEYS, errors, kind="een domeinbestand", unknown_suffix=" in het domein")
        if data is None:
            continue
        _merge_intents(domain, data.get("intents"), shown, errors)
        _merge_names(domain, "entities", data.get("entities"), shown, errors)
        _merge_names(domain, "actions", data.get("actions"), shown, errors)
        _merge_names(domain, "e2e_actions", data.get("e2e_actions"), shown, errors)
        _merge_defs(domain, "slots", data.get("slots"), shown, errors, SlotDef)
        _merge_defs(domain, "forms", data.get("forms"), shown, errors, FormDef)
        _merge_responses(domain, data.get("responses"), shown, errors)
        if "session_config" in data:
            if session_seen:
                errors.append(ContentError(shown, line_of(data, "session_config"),
                                           f"session_config staat al in {session_seen}"))
            else:
                session_seen = shown
                try:
                    domain.session_config = validate(SessionConfig, data["session_config"] or {}, file)
                except ContentErrors as exc:
                    errors.extend(exc.errors)
    if not errors:
        errors.extend(check_domain(domain))
    if errors:
        raise ContentErrors(errors)
    return domain


def _merge_intents(domain: Domain, items: Any, shown: str, errors: list[ContentError]) -> None:
    if items is None:
        return
    if not isinstance(items, list):
        errors.append(ContentError(shown, line_of(items), "intents moet een lijst zijn"))
        return
    for i, item in enumerate(items):
        line = line_of(items, i)
        if isinstance(item, dict) and len(item) == 1:
            name, spec = next(iter(item.items()))
            spec = dict(spec or {})
            unknown = set(spec) - {"use_entities", "ignore_entities", "triggers"}
            if unknown:
                errors.append(ContentError(shown, line, f"intent '{name}': onbekend veld {', '.join(sorted(unknown))}"))
            for key in ("use_entities", "ignore_entities"):
                if key in spec and spec[key] is True:
                    spec.pop(key)
                elif key in spec and not isinstance(spec[key], list):
                    spec[key] = [] if spec[key] in (False, None) else spec[key]
        elif isinstance(item, str):
            name, spec = item, {}
        else:
            errors.append(ContentError(shown, line, "een intent is een naam of '{naam: {use_entities: ...}}'"))
            continue
        name = str(name)
        if name in domain.intents and spec and domain.intents[name] != spec:
            errors.append(ContentError(shown, line, f"intent '{name}' staat al met andere instellingen in "
                                                    f"{domain.location('intents', name)[0]}"))
            continue
        if name not in domain.intents or spec:
            domain.intents[name] = spec
        domain.where.setdefault(("intents", name), (shown, line))


def _merge_names(domain: Domain, kind: str, items: Any, shown: str, errors: list[ContentError]) -> None:
    if items is None:
        return
    if not isinstance(items, list):
        errors.append(ContentError(shown, line_of(items), f"{kind} moet een lijst zijn"))
        return
    target: list[str] = getattr(domain, kind)
    for i, item in enumerate(items):
        line = line_of(items, i)
        if isinstance(item, dict) and len(item) == 1:  # `- action_x: {send_domain: true}` / entity roles
            item = next(iter(item))
        if not isinstance(item, str) or not item:
            errors.append(ContentError(shown, line, f"{kind}: verwacht een naam, niet {item!r}"))
            continue
        if item not in target:
            target.append(item)
            domain.where[(kind, item)] = (shown, line)


def _merge_defs(domain: Domain, kind: str, items: Any, shown: str, errors: list[ContentError], model) -> None:
    if items is None:
        return
    if not isinstance(items, dict):
        errors.append(ContentError(shown, line_of(items), f"{kind} moet een mapping zijn"))
        return
    target = getattr(domain, kind)
    for name, spec in items.items():
        line = line_of(items, name)
        if name in target:
            first = domain.location(kind, name)
            errors.append(ContentError(shown, line, f"'{name}' is al gedefinieerd in {first[0]}:{first[1]}"))
            continue
        try:
            target[name] = validate(model, spec if spec is not None else {}, shown)
        except ContentErrors as exc:
            errors.extend(ContentError(e.path, e.line or line, f"{name}: {e.message}") for e in exc.errors)
            continue
        domain.where[(kind, name)] = (shown, line)


def _merge_responses(domain: Domain, items: Any, shown: str, errors: list[ContentError]) -> None:
    if items is None:
        return
    if not isinstance(items, dict):
        errors.append(ContentError(shown, line_of(items), "responses moet een mapping zijn"))
        return
    for name, variations in items.items():
        line = line_of(items, name)
        if name in domain.responses:
            first = domain.location("responses", name)
            errors.append(ContentError(shown, line, f"response '{name}' is al gedefinieerd in {first[0]}:{first[1]}"))
            continue
        if not str(name).startswith("utter_"):
            errors.append(ContentError(shown, line, f"response '{name}' moet met 'utter_' beginnen"))
            continue
        if not isinstance(variations, list) or not variations:
            errors.append(ContentError(shown, line, f"response '{name}' heeft een lijst met varianten nodig"))
            continue
        parsed = []
        for i, variation in enumerate(variations):
            try:
                v = validate(ResponseVariation, variation, shown)
            except ContentErrors as exc:
                errors.extend(ContentError(e.path, e.line or line, f"{name}: {e.message}") for e in exc.errors)
                continue
            if v.text is None and not (v.model_extra or {}):
                errors.append(ContentError(shown, line_of(variations, i), f"{name}: variant zonder tekst"))
                continue
            parsed.append(v)
            domain.where[("response_variation", f"{name}#{i}")] = (shown, line_of(variations, i))
        domain.responses[name] = parsed
        domain.where[("responses", name)] = (shown, line)


def check_domain(domain: Domain) -> list[ContentError]:
    """Cross-references inside the domain: slots, entities, intents, forms, templates."""
    errors: list[ContentError] = []

    def err(kind: str, name: str, message: str) -> None:
        path, line = domain.location(kind, name)
        errors.append(ContentError(path, line, message))

    for name, slot in domain.slots.items():
        if slot.type == "categorical" and not slot.values:
            err("slots", name, f"slot '{name}': een categorical slot heeft 'values' nodig")
        if slot.type == "categorical" and slot.initial_value is not None and \
                str(slot.initial_value).lower() not in [v.lower() for v in slot.values or []]:
            err("slots", name, f"slot '{name}': beginwaarde '{slot.initial_value}' staat niet in values")
        if slot.type == "any" and slot.influence_conversation:
            err("slots", name, f"slot '{name}': een slot van type any kan het gesprek niet beïnvloeden")
        for m in slot.mappings:
            if m.type == "from_entity" and not m.entity:
                err("slots", name, f"slot '{name}': from_entity heeft 'entity' nodig")
            if m.entity and m.entity not in domain.entities:
                err("slots", name, f"slot '{name}': onbekende entity '{m.entity}'")
            if m.type in ("from_intent", "from_trigger_intent") and m.value is None:
                err("slots", name, f"slot '{name}': {m.type} heeft 'value' nodig")
            for intent in m.intents("intent") + m.intents("not_intent"):
                if intent not in domain.intents:
                    err("slots", name, f"slot '{name}': onbekende intent '{intent}' in de mapping")
            for c in m.conditions:
                if c.active_loop is not None and c.active_loop not in domain.forms:
                    err("slots", name, f"slot '{name}': onbekend formulier '{c.active_loop}' in conditions")
                if c.requested_slot is not None and c.requested_slot not in domain.slots:
                    err("slots", name, f"slot '{name}': onbekend slot '{c.requested_slot}' in conditions")
            if m.action and m.action not in domain.actions:
                err("slots", name, f"slot '{name}': onbekende actie '{m.action}' in de mapping")
    for name, form in domain.forms.items():
        for slot in form.required_slots:
            if slot not in domain.slots:
                err("forms", name, f"formulier '{name}': onbekend slot '{slot}' in required_slots")
        ignored = [form.ignored_intents] if isinstance(form.ignored_intents, str) else form.ignored_intents
        for intent in ignored:
            if intent not in domain.intents:
                err("forms", name, f"formulier '{name}': onbekende intent '{intent}' in ignored_intents")
        if name in domain.actions:
            err("forms", name, f"'{name}' is zowel een formulier als een actie")
    for name, variations in domain.responses.items():
        for i, v in enumerate(variations):
            for c in v.condition:
                if c.name not in domain.slots:
                    path, line = domain.where.get(("response_variation", f"{name}#{i}"), ("domain", None))
                    errors.append(ContentError(path, line, f"{name}: voorwaarde op onbekend slot '{c.name}'"))
    for name in domain.actions:
        if name.startswith("utter_") and name not in domain.responses:
            pass  # Rasa allows custom actions named utter_*; nothing to check
    for name, spec in domain.intents.items():
        for key in ("use_entities", "ignore_entities"):
            for entity in spec.get(key, []) or []:
                if entity not in domain.entities:
                    err("intents", name, f"intent '{name}': onbekende entity '{entity}' in {key}")
    return errors
