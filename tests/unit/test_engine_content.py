"""Loading and validating Rasa content: merging, file:line errors, unknown references, conflicts."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

FIXTURES = Path(__file__).resolve().parents[1] / "data" / "engine_fixtures"
sys.path.insert(0, str(FIXTURES))

from bot.content import ContentErrors  # noqa: E402
from bot.engine.domain import fill_template, load_domain  # noqa: E402
from bot.engine.engine import Engine  # noqa: E402
from bot.engine.stories import load_flows  # noqa: E402

CONTENT = FIXTURES / "content"
BROKEN = FIXTURES / "broken"
DOMAIN = CONTENT / "domain" / "rasa"


def errors_of(fn) -> list[str]:
    with pytest.raises(ContentErrors) as exc:
        fn()
    return [str(e) for e in exc.value.errors]


def load_with_stories(*story_paths: Path) -> Engine:
    return Engine.load(DOMAIN, list(story_paths), config_path=FIXTURES / "none.yml",
                       actions_package="engine_fixture_actions")


def test_domain_files_are_merged():
    domain = load_domain(DOMAIN)
    assert "utter_groet" in domain.responses  # responses.yml
    assert "begroeting" in domain.intents  # domain.yml
    assert domain.forms["bestelformulier"].required_slots == ["product", "aantal", "opmerking"]
    assert domain.intents["inform"] == {"use_entities": ["aantal"]}
    assert domain.location("slots", "naam")[0].endswith("domain.yml")
    assert len(domain.responses["utter_groet"]) == 3


def test_duplicate_definition_across_domain_files_is_an_error():
    errors = errors_of(lambda: load_domain(BROKEN / "domain_duplicate"))
    assert len(errors) == 1
    assert errors[0].startswith("tests/data/engine_fixtures/broken/domain_duplicate/b.yml:6: 'naam' is al gedefinieerd in")
    assert "broken/domain_duplicate/a.yml:5" in errors[0]


def test_broken_domain_reports_every_problem_with_its_line():
    errors = errors_of(lambda: load_domain(BROKEN / "domain_bad"))
    path = "tests/data/engine_fixtures/broken/domain_bad/domain.yml"
    joined = "\n".join(errors)
    assert f"{path}:16: kleur: type: ongeldige waarde" in joined
    assert f"{path}:18: response 'groet' moet met 'utter_' beginnen" in joined
    assert f"{path}:20: response 'utter_leeg' heeft een lijst met varianten nodig" in joined


def test_domain_cross_references_are_checked(tmp_path):
    bad = tmp_path / "d.yml"
    bad.write_text((BROKEN / "domain_bad" / "domain.yml").read_text(encoding="utf-8")
                   .replace("    type: kleurtje\n", "    type: text\n")
                   .replace("  groet:\n", "  utter_groet:\n").replace("  utter_leeg: []\n", ""), encoding="utf-8")
    errors = errors_of(lambda: load_domain(bad))
    assert any(e.endswith(":7: slot 'niveau': een categorical slot heeft 'values' nodig") for e in errors)
    assert any(e.endswith(":10: slot 'aantal': onbekende entity 'bedrag'") for e in errors)
    assert any(e.endswith(":21: formulier 'formulier': onbekend slot 'onbekend' in required_slots") for e in errors)


def test_invalid_yaml_names_file_and_line(tmp_path):
    bad = tmp_path / "kapot.yml"
    bad.write_text('version: "3.1"\nintents:\n  - a\n  b: [\n', encoding="utf-8")
    errors = errors_of(lambda: load_domain(bad))
    assert len(errors) == 1 and "kapot.yml:" in errors[0] and "ongeldige YAML" in errors[0]


def test_unknown_step_and_missing_version():
    errors = errors_of(lambda: load_flows(BROKEN / "bad_steps"))
    path = "tests/data/engine_fixtures/broken/bad_steps/rules.yml"
    assert f"{path}:1: version ontbreekt (gebruik version: \"3.1\")" in errors
    assert f"{path}:5: regel 'zonder versie en met een rare stap': onbekende stap met actie" in errors


def test_unknown_references_in_rules_are_errors():
    errors = errors_of(lambda: load_with_stories(BROKEN / "unknown_refs"))
    path = "tests/data/engine_fixtures/broken/unknown_refs/rules.yml"
    assert f"{path}:5: regel 'onbekende intent': onbekende intent 'bestaat_niet' (niet in het domein)" in errors
    assert f"{path}:11: regel 'onbekende actie': onbekende actie of response 'utter_bestaat_niet'" in errors
    assert f"{path}:15: regel 'onbekend slot en formulier': onbekend formulier 'geen_formulier'" in errors
    assert f"{path}:20: regel 'onbekend slot en formulier': onbekend slot 'geen_slot'" in errors


def test_contradicting_rules_are_an_error():
    errors = errors_of(lambda: load_with_stories(BROKEN / "rules_conflict"))
    assert len(errors) == 1
    assert errors[0].startswith("tests/data/engine_fixtures/broken/rules_conflict/rules.yml:11: regel 'open vraag B' "
                                "spreekt regel 'open vraag A' (tests/data/engine_fixtures/broken/rules_conflict/"
                                "rules.yml:6) tegen")


def test_story_contradicting_a_rule_is_an_error():
    errors = errors_of(lambda: load_with_stories(BROKEN / "story_vs_rule"))
    assert errors == ["tests/data/engine_fixtures/broken/story_vs_rule/stories.yml:11: verhaal 'open vraag anders' "
                      "spreekt regel 'open vraag' (tests/data/engine_fixtures/broken/story_vs_rule/stories.yml:6) "
                      "tegen: het verhaal doet 'utter_tot_ziens', de regel 'action_fx_reageer'"]


def test_contradicting_stories_are_an_error():
    errors = errors_of(lambda: load_with_stories(BROKEN / "stories_conflict"))
    assert len(errors) == 1
    assert errors[0].startswith("tests/data/engine_fixtures/broken/stories_conflict/stories.yml:10: verhaal 'twee' "
                                "spreekt verhaal 'een'")


def test_domain_action_missing_from_the_actions_package_is_an_error(tmp_path):
    domain = tmp_path / "rasa"
    domain.mkdir()
    for f in DOMAIN.iterdir():
        (domain / f.name).write_text(f.read_text(encoding="utf-8"), encoding="utf-8")
    extra = domain / "extra.yml"
    extra.write_text('version: "3.1"\nactions:\n  - action_niet_gebouwd\n', encoding="utf-8")
    errors = errors_of(lambda: Engine.load(domain, [CONTENT / "stories"], config_path=tmp_path / "none.yml",
                                           actions_package="engine_fixture_actions"))
    assert errors == [f"{extra}:3: actie 'action_niet_gebouwd' staat in het domein maar bestaat niet in het "
                      "actiepakket 'engine_fixture_actions'"]


def test_checkpoints_and_or_expand_into_flows(tmp_path):
    stories = tmp_path / "s.yml"
    stories.write_text("""version: "3.1"
stories:
  - story: begin
    steps:
      - intent: begroeting
      - action: utter_groet
      - checkpoint: gegroet
  - story: vervolg
    steps:
      - checkpoint: gegroet
      - or:
          - intent: afscheid
          - intent: stoppen
      - action: utter_tot_ziens
""", encoding="utf-8")
    flows = load_flows(stories)
    assert len(flows) == 2
    assert [s.name for s in flows[0].steps] == ["begroeting", "utter_groet", "afscheid", "utter_tot_ziens"]
    assert [s.name for s in flows[1].steps][2] == "stoppen"


def test_template_filling_keeps_unknown_placeholders():
    assert fill_template("{a} en {b}", {"a": 1}) == "1 en {b}"


def test_missing_actions_package_is_a_content_error():
    errors = errors_of(lambda: Engine.load(DOMAIN, [CONTENT / "stories"], config_path=FIXTURES / "none.yml",
                                           actions_package="bestaat_niet_pakket"))
    assert errors == ["bestaat_niet_pakket: het actiepakket kan niet geladen worden: ModuleNotFoundError: "
                      "No module named 'bestaat_niet_pakket'"]


def test_bad_config_is_reported_with_its_line(tmp_path):
    config = tmp_path / "config.yml"
    config.write_text("policies:\n  - name: MemoizationPolicy\n    max_history: nul\n", encoding="utf-8")
    errors = errors_of(lambda: Engine.load(DOMAIN, [CONTENT / "stories"], config_path=config,
                                           actions_package="engine_fixture_actions"))
    assert errors == [f"{config}:3: max_history moet een positief geheel getal zijn"]


def test_validator_registry_reports_errors_and_crashes():
    from bot.content import ContentError
    from bot.engine import validators as v

    def broken():
        raise ContentErrors([ContentError("domain/x.yml", 4, "kapot")])

    def missing():
        import bot.bestaat_niet  # noqa: F401 - a missing part is a finding, not a skip

    def crash():
        raise RuntimeError("boem")

    outcomes = v.run_all((v.Validator("goed", lambda: "in orde"), v.Validator("fout", broken),
                          v.Validator("weg", missing), v.Validator("crash", crash)))
    assert [o.summary for o in outcomes] == ["in orde", None, None, None]
    assert [str(e) for e in outcomes[1].errors] == ["domain/x.yml:4: kapot"]
    assert str(outcomes[2].errors[0]).startswith("weg: controle mislukt: ModuleNotFoundError")
    assert str(outcomes[3].errors[0]) == "crash: controle mislukt: RuntimeError: boem"
    assert [x.name for x in v.VALIDATORS] == ["labels", "beroepsprofiel", "herkenningspatronen", "scenario's",
                                              "feedback", "Rasa-domein en verhalen", "teststories"]
