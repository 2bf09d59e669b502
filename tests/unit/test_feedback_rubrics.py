"""Rubric and feedback-text files: the shipped ones are valid, broken ones fail with file:line."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from bot.content import ContentErrors
from bot.feedback import load_feedback_texts, load_rubrics, validate_content
from bot.feedback.rubric import resolve
from bot.feedback.sources import ScenarioInfo, competency_names, werkproces_competencies
from bot.paths import domain_dir

FAMILIES = ("1.1", "2.1", "2.2", "2.3", "2.4", "2.5", "2.6", "2.7", "3.1", "3.2", "3.3")


def test_shipped_rubrics_and_texts_are_valid_and_fit_together():
    assert validate_content() == []


def test_every_scenario_family_has_its_own_rubric_on_top_of_the_basis():
    for code in FAMILIES:
        resolved = resolve(ScenarioInfo("x", (code,), (), None, None))
        assert resolved.ids[0] == "basis" and len(resolved.ids) == 2, code
        own = [c for c in resolved.checks if code in c.werkprocessen or not c.werkprocessen]
        assert own, code


def test_every_werkproces_check_names_a_competency_the_bcp_links_to_it():
    for rubric in load_rubrics().values():
        for check in rubric.checks:
            assert set(check.competenties) <= set(competency_names())
            for code in rubric.werkprocessen:
                linked = werkproces_competencies(code)
                if linked is not None:
                    assert set(check.competenties) & set(linked), (rubric.id, check.id)


def test_a_scenario_can_name_its_own_rubric_and_unknown_names_fail():
    resolved = resolve(ScenarioInfo("x", ("2.3",), (), "klacht", None))
    assert "excuses_bij_klacht" in [c.id for c in resolved.checks]
    assert "afsluitvraag_gesteld" not in [c.id for c in resolved.checks]
    with pytest.raises(KeyError):
        resolve(ScenarioInfo("x", ("2.3",), (), "bestaat_niet", None))


def test_two_werkprocessen_merge_rubrics_and_uitschakelen_drops_shared_checks():
    merged = [c.id for c in resolve(ScenarioInfo("x", ("2.3", "2.5"), (), None, None)).checks]
    assert "afsluitvraag_gesteld" in merged and "binnen_marge" in merged
    assert len(merged) == len(set(merged))
    supplier = [c.id for c in resolve(ScenarioInfo("x", ("2.7",), (), None, None)).checks]
    assert "koopsignaal_afsluitvraag" not in supplier and "u_vorm" in supplier


# --- broken rubrics --------------------------------------------------------------------------

BASE = "titel: Basis\nchecks:\n  - id: begroeting\n    tekst: begroette de klant\n    soort: zet_aanwezig\n" \
       "    zetten: [begroeting]\n    competenties: [Presenteren]\n"


def rubric_dir(tmp_path: Path, body: str, name: str = "proef.yml") -> Path:
    folder = tmp_path / "rubrics"
    folder.mkdir(exist_ok=True)
    (folder / "basis.yml").write_text(BASE, encoding="utf-8")
    (folder / name).write_text(body, encoding="utf-8")
    return folder


def errors_of(folder: Path):
    with pytest.raises(ContentErrors) as caught:
        load_rubrics(folder)
    return caught.value.errors


HEAD = 'titel: Proef\nwerkprocessen: ["2.3"]\nbasis: [basis]\nchecks:\n'


def test_unknown_check_kind_is_an_error_with_line(tmp_path):
    folder = rubric_dir(tmp_path, HEAD + "  - id: iets\n    tekst: doet iets\n    soort: gevoel\n"
                        "    competenties: [Presenteren]\n")
    (error,) = errors_of(folder)
    assert error.path.endswith("proef.yml") and error.line == 7
    assert "onbekende soort 'gevoel'" in error.message


def test_unknown_label_is_an_error_with_line(tmp_path):
    folder = rubric_dir(tmp_path, HEAD + "  - id: iets\n    tekst: doet iets\n    soort: zet_aanwezig\n"
                        "    competenties: [Overtuigen en beïnvloeden]\n    zetten: [smeken]\n")
    (error,) = errors_of(folder)
    assert error.line == 9 and "onbekende zet: smeken" in error.message


def test_unknown_signal_is_an_error(tmp_path):
    folder = rubric_dir(tmp_path, HEAD + "  - id: iets\n    tekst: doet iets\n    soort: reactie_op_signaal\n"
                        "    competenties: [Overtuigen en beïnvloeden]\n    signalen: [koopsignaal.haast]\n")
    (error,) = errors_of(folder)
    assert error.line == 9 and "onbekend signaal" in error.message


def test_unknown_competency_is_an_error_with_line(tmp_path):
    folder = rubric_dir(tmp_path, HEAD + "  - id: iets\n    tekst: doet iets\n    soort: zet_aanwezig\n"
                        "    zetten: [begroeting]\n    competenties: [Vriendelijk zijn]\n")
    (error,) = errors_of(folder)
    assert error.line == 9 and "onbekende competentie: Vriendelijk zijn" in error.message


def test_unknown_slot_is_an_error_with_line(tmp_path):
    folder = rubric_dir(tmp_path, HEAD + "  - id: iets\n    tekst: doet iets\n    soort: slot_voorwaarde\n"
                        "    competenties: [Overtuigen en beïnvloeden]\n    voorwaarde: {slot: humeur, is: goed}\n")
    (error,) = errors_of(folder)
    assert error.line == 9 and "onbekend slot 'humeur'" in error.message


def test_competency_outside_the_werkproces_is_an_error(tmp_path):
    if werkproces_competencies("2.5") is None:
        pytest.skip("profile not available")
    body = 'titel: Proef\nwerkprocessen: ["2.5"]\nchecks:\n  - id: iets\n    tekst: doet iets\n' \
           '    soort: zet_aanwezig\n    zetten: [begroeting]\n    competenties: [Presenteren]\n'
    (error,) = errors_of(rubric_dir(tmp_path, body))
    assert error.line == 8 and "hoort volgens het BCP" in error.message


def test_resultaat_not_in_the_bcp_is_an_error(tmp_path):
    if werkproces_competencies("2.3") is None:
        pytest.skip("profile not available")
    folder = rubric_dir(tmp_path, HEAD + "  - id: iets\n    tekst: doet iets\n    soort: zet_aanwezig\n"
                        "    zetten: [begroeting]\n    competenties: [Overtuigen en beïnvloeden]\n"
                        "    resultaat: De klant is blij.\n")
    (error,) = errors_of(folder)
    assert error.line == 10 and "resultaat" in error.message


def test_missing_base_duplicate_werkproces_and_duplicate_ids(tmp_path):
    check = BASE.split("checks:\n")[1].replace("Presenteren", "Overtuigen en beïnvloeden")
    (error,) = errors_of(rubric_dir(tmp_path, HEAD + check * 2))
    assert "check-id 'begroeting' komt twee keer voor" in error.message and error.line == 10
    empty = HEAD.replace("checks:\n", "checks: []\n")
    body = empty.replace("basis: [basis]", "basis: [fundament]")
    (error,) = errors_of(rubric_dir(tmp_path, body))
    assert error.line == 3 and "basis 'fundament' bestaat niet" in error.message
    folder = rubric_dir(tmp_path, empty)
    (folder / "tweede.yml").write_text(empty, encoding="utf-8")
    (error,) = errors_of(folder)
    assert error.line == 2 and "werkproces 2.3 heeft al een rubric" in error.message


def test_yaml_syntax_error_has_a_line(tmp_path):
    (error,) = errors_of(rubric_dir(tmp_path, HEAD + "  - id: [iets\n"))
    assert error.line and "ongeldige YAML" in error.message


# --- broken feedback texts ---------------------------------------------------------------------


def texts_copy(tmp_path: Path) -> Path:
    folder = tmp_path / "feedback"
    shutil.copytree(domain_dir() / "feedback", folder)
    return folder


def test_unknown_placeholder_is_an_error_with_line(tmp_path):
    folder = texts_copy(tmp_path)
    (folder / "extra.yml").write_text(
        "checks:\n  nieuw:\n    goed: ['Goed gedaan, {naam}.']\n    verbeterpunt: [x]\n    suggestie: [y]\n",
        encoding="utf-8")
    with pytest.raises(ContentErrors) as caught:
        load_feedback_texts(folder)
    (error,) = caught.value.errors
    assert error.path.endswith("extra.yml") and error.line == 3 and "{naam}" in error.message


def test_unknown_rewrite_and_missing_signal_name(tmp_path):
    folder = texts_copy(tmp_path)
    (folder / "extra.yml").write_text(
        "checks:\n  nieuw:\n    goed: [a]\n    verbeterpunt: [b]\n    suggestie: [c]\n    herschrijf: toveren\n",
        encoding="utf-8")
    names = (folder / "signalen.yml").read_text(encoding="utf-8")
    (folder / "signalen.yml").write_text(names.replace("  klacht: een klacht\n", ""), encoding="utf-8")
    with pytest.raises(ContentErrors) as caught:
        load_feedback_texts(folder)
    messages = {e.path.rsplit("/", 1)[-1]: (e.line, e.message) for e in caught.value.errors}
    assert messages["extra.yml"][0] == 6 and "toveren" in messages["extra.yml"][1]
    assert "naam ontbreekt voor signaal: klacht" in messages["signalen.yml"][1]


def test_check_without_text_and_text_without_check(tmp_path):
    folder = texts_copy(tmp_path)
    text = (folder / "checks-basis.yml").read_text(encoding="utf-8")
    start = text.index("  afscheid:")
    (folder / "checks-basis.yml").write_text(text[:start], encoding="utf-8")
    (folder / "extra.yml").write_text(
        "checks:\n  vergeten_check:\n    goed: [a]\n    verbeterpunt: [b]\n    suggestie: [c]\n", encoding="utf-8")
    errors = validate_content(None, folder)
    assert any("'afscheid' heeft geen feedbacktekst" in e.message and e.path.endswith("basis.yml") and e.line
               for e in errors)
    assert any("onbekende check 'vergeten_check'" in e.message and e.line == 2 for e in errors)


def test_bad_hint_rule_is_an_error_with_line(tmp_path):
    folder = texts_copy(tmp_path)
    hints = (folder / "hints.yml").read_text(encoding="utf-8")
    (folder / "hints.yml").write_text(hints.replace("als: {zet: [ja_maar]}", "als: {oordeel: [prima]}"),
                                      encoding="utf-8")
    with pytest.raises(ContentErrors) as caught:
        load_feedback_texts(folder)
    (error,) = caught.value.errors
    line = hints.splitlines().index("    als: {zet: [ja_maar]}") + 1
    assert error.line == line and "onbekend oordeel: prima" in error.message


def test_focus_weight_is_data_and_shows_in_the_formula(tmp_path):
    from bot.feedback.report import formula, overall_score

    folder = rubric_dir(tmp_path, HEAD.replace("checks:\n", "focusgewicht: 3\nchecks: []\n"))
    assert resolve(ScenarioInfo("x", ("2.3",), (), None, None), folder).focus_weight == 3
    assert resolve(ScenarioInfo("x", ("2.5",), (), None, None), folder).focus_weight == 2  # default
    assert "gewicht 3 voor de competenties van het scenario" in formula(3)
    assert overall_score({"A": 100.0, "B": 40.0}, ("A",), 3) == 85
    assert overall_score({"A": 100.0, "B": 40.0}, ("A",), 1) == 70


def test_every_shipped_scenario_gets_a_rubric_for_each_of_its_werkprocessen():
    from bot.feedback.sources import scenario_info
    from bot.scenarios import load_scenarios

    loaded = load_scenarios()
    scenarios = loaded.values() if isinstance(loaded, dict) else loaded
    for sc in scenarios:
        resolved = resolve(scenario_info(sc))
        covered = {code for rid in resolved.ids for code in load_rubrics()[rid].werkprocessen}
        assert set(sc.werkprocessen) <= covered, (sc.id, sc.werkprocessen, resolved.ids)
