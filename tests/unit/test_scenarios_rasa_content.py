"""The Rasa content (domain/rasa/, stories/) stays in Rasa 3.x format and matches the
contract: intents = the student moves + inform + nlu_fallback, every contract slot with a
mapping, every action of the rules in the domain and in the actions package."""

from __future__ import annotations

from pathlib import Path

import yaml

from bot.labels import label_contract
from test_actions_support import executor, rasa_domain

ROOT = Path(__file__).resolve().parents[2]
RASA_DOMAIN_KEYS = {"version", "intents", "entities", "slots", "responses", "actions", "forms",
                    "session_config", "e2e_actions"}
CONTRACT_SLOTS = {
    "scenario", "difficulty", "seed", "mode", "interesse", "irritatie", "vertrouwen", "open_bezwaren",
    "opgeloste_bezwaren", "gegeven_signalen", "gemiste_signalen", "afspraken", "korting_gegeven",
    "korting_binnen_marge", "concessie_bij_eerste_bezwaar", "offerte_controle", "briefing", "uitkomst",
    "beurt", "misverstanden",
}
RASA_SLOT_TYPES = {"text", "bool", "categorical", "float", "list", "any"}


def domain_files() -> dict[str, dict]:
    return {p.name: yaml.safe_load(p.read_text(encoding="utf-8")) for p in sorted((ROOT / "domain" / "rasa").glob("*.yml"))}


def test_domain_files_use_only_rasa_keys_and_version_3_1():
    for name, data in domain_files().items():
        assert set(data) <= RASA_DOMAIN_KEYS, name
        assert data["version"] == "3.1", name


def test_intents_are_the_student_moves_plus_inform_and_fallback():
    intents = rasa_domain()["intents"]
    assert len(intents) == len(set(intents))
    assert set(label_contract().moves) | {"inform", "nlu_fallback"} <= set(intents)
    assert set(intents) - set(label_contract().moves) == {"inform", "nlu_fallback", "briefing_starten"}
    assert set(rasa_domain()["entities"]) == {"bedrag", "percentage", "aantal", "datum", "weekdag", "product"}


def test_every_contract_slot_exists_with_a_rasa_type_and_mapping():
    slots = rasa_domain()["slots"]
    assert CONTRACT_SLOTS <= set(slots)
    for name, slot in slots.items():
        assert slot["type"] in RASA_SLOT_TYPES, name
        assert slot.get("mappings"), name  # Rasa 3 requires explicit mappings
        for mapping in slot["mappings"]:
            assert mapping["type"] in {"custom", "from_text"}, name
    assert slots["uitkomst"]["values"] == ["lopend", "order", "afspraak", "offerte", "opgelost", "informatie", "geen_deal",
                                           "afgebroken"]
    assert slots["difficulty"]["values"] == ["makkelijk", "gemiddeld", "moeilijk"]


def test_rules_use_known_intents_and_actions_that_exist_in_the_package():
    domain = rasa_domain()
    rules = yaml.safe_load((ROOT / "stories" / "rules.yml").read_text(encoding="utf-8"))
    assert rules["version"] == "3.1"
    registered = set(executor().actions)
    known_actions = set(domain["actions"]) | set(domain["forms"])
    assert set(domain["actions"]) <= registered
    covered = set()
    for rule in rules["rules"]:
        for step in rule["steps"]:
            if "intent" in step:
                assert step["intent"] in domain["intents"], rule["rule"]
                covered.add(step["intent"])
            if "action" in step:
                assert step["action"] in known_actions, rule["rule"]
    assert covered == set(domain["intents"])  # every intent has a rule
    for form, spec in domain["forms"].items():
        for slot in spec["required_slots"]:
            assert f"action_ask_{slot}" in registered or f"utter_ask_{slot}" in domain.get("responses", {})
