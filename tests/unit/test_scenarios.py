"""Scenarios as data: every scenario loads; broken copies give Dutch errors with file:line."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from bot.bcp import competency_names, werkproces_codes
from bot.content import ContentErrors
from bot.labels import label_contract
from bot.scenarios import LEVELS, clear_cache, get_scenario, load_scenarios
from bot.scenarios.models import signals_of, text_of

ROOT = Path(__file__).resolve().parents[2]
FIRST_FOUR = (
    "2.3-inbound-printer",
    "2.2-acquisitie-koffie",
    "2.4-offerte-bureaustoelen",
    "2.5-onderhandelen-werkkleding",
)


@pytest.fixture(autouse=True)
def _fresh_cache():
    clear_cache()
    yield
    clear_cache()


@pytest.fixture
def content(tmp_path, monkeypatch):
    """A copy of the content folders in a temp root (OEFENGESPREK_CONTENT_DIR)."""
    for name in ("domain", "profile", "stories"):
        if (ROOT / name).exists():
            shutil.copytree(ROOT / name, tmp_path / name)
    monkeypatch.setenv("OEFENGESPREK_CONTENT_DIR", str(tmp_path))
    return tmp_path


def scenario_file(content: Path, scenario_id: str = "2.3-inbound-printer") -> Path:
    return content / "domain" / "scenarios" / f"{scenario_id}.yml"


def replace_in(path: Path, old: str, new: str) -> int:
    """Replace the first `old` and return its 1-based line number."""
    text = path.read_text(encoding="utf-8")
    assert old in text, f"{old!r} not in {path.name}"
    line = text[: text.index(old)].count("\n") + 1
    path.write_text(text.replace(old, new, 1), encoding="utf-8")
    return line


def errors_of(content: Path) -> list[str]:
    with pytest.raises(ContentErrors) as info:
        load_scenarios()
    return [str(e) for e in info.value.errors]


# ----- the real scenarios ----------------------------------------------------------------


def test_the_first_four_scenarios_load_with_their_werkproces():
    scenarios = load_scenarios()
    for sid in FIRST_FOUR:
        assert sid in scenarios
        assert scenarios[sid].werkprocessen == [sid.split("-")[0]]


def test_every_scenario_uses_profile_names_levels_and_known_labels():
    names = set(competency_names())
    codes = set(werkproces_codes())
    signals = set(label_contract().signals)
    for sc in load_scenarios().values():
        assert set(sc.competencies) <= names, sc.id
        assert set(sc.werkprocessen) <= codes, sc.id
        assert sc.difficulties == list(LEVELS), sc.id
        for obj in sc.objections:
            assert obj.signal in signals
        for rule in sc.signals:
            assert rule.signal in signals
        # every line a persona can say is filled without leftover braces
        for key, lines in sc.lines.items():
            for line in lines:
                assert "{" not in text_of(line).format_map(_Values()), (sc.id, key)
                assert set(signals_of(line)) <= signals


class _Values(dict):
    def __missing__(self, key):
        return "x"


def test_persona_speaks_u_form_to_business_contacts():
    """Persona lines address the student with u, never je/jij/jou (u-vorm, zakelijk)."""
    informal = re.compile(r"\b(je|jij|jou|jouw)\b", re.IGNORECASE)
    for sc in load_scenarios().values():
        if sc.persona.aanspreekvorm != "u":
            continue
        texts = [text_of(t) for lines in sc.lines.values() for t in lines]
        for obj in sc.objections:
            texts += [text_of(t) for t in [*obj.texts, *obj.progress, *obj.resolved, *obj.worse, *obj.reminder]]
        for rule in sc.signals:
            texts += [text_of(t) for t in rule.texts]
        for ans in sc.answers:
            texts += [text_of(t) for t in ans.texts]
        for text in texts:
            spoken = re.sub(r"'[^']*'", "", text)  # a quoted 'je' (remarking on it) is fine
            assert not informal.search(spoken), (sc.id, text)


def test_get_scenario_and_summary_contract():
    sc = get_scenario("2.3-inbound-printer")
    summary = sc.summary()
    for key in ("id", "title", "role", "werkprocessen", "competencies", "difficulties", "persona", "briefing"):
        assert key in summary
    assert summary["persona"]["name"] == "Ingrid de Vries"
    assert summary["persona"]["company"] == "Bakkerij De Vries"
    assert {"id": "printa-mf450", "names": list(sc.product("printa-mf450").names)} in sc.catalogue_for_nlu()
    with pytest.raises(KeyError):
        get_scenario("bestaat-niet")


def test_staffel_and_margin_data_make_sense():
    sc = get_scenario("2.4-offerte-bureaustoelen")
    chair = sc.product("ergoflex-300")
    assert chair.staffel_pct(9) == 0 and chair.staffel_pct(10) == 5 and chair.staffel_pct(25) == 10
    neg = get_scenario("2.5-onderhandelen-werkkleding")
    assert neg.margin.max_discount == 8
    price = neg.objection("prijs")
    assert all(v <= neg.margin.max_discount for v in price.concession.accept_from.values())


def test_cli_scenarios_json_lists_every_scenario():
    out = subprocess.run(
        [sys.executable, "-m", "bot", "scenarios", "--json"], cwd=ROOT, capture_output=True, text=True, check=True
    )
    items = json.loads(out.stdout)
    ids = [item["id"] for item in items]
    assert set(FIRST_FOUR) <= set(ids)
    for item in items:
        assert {"id", "title", "role", "werkprocessen", "competencies", "difficulties"} <= set(item)
        assert item["role"] in ("klant", "leverancier")


# ----- broken copies ---------------------------------------------------------------------


def test_unknown_move_in_objection_steps_names_file_and_line(content):
    path = scenario_file(content)
    line = replace_in(path, "gemiddeld: [[begrip_tonen, doorvragen, samenvatten], [voordeel_benoemen]]",
                      "gemiddeld: [[sorry_zeggen, doorvragen, samenvatten], [voordeel_benoemen]]")
    errors = errors_of(content)
    assert any(e.startswith(f"domain/scenarios/2.3-inbound-printer.yml:{line}:") and "sorry_zeggen" in e for e in errors), errors
    assert any("onbekende gespreksstap" in e for e in errors)


def test_wrong_competency_is_reported_with_the_profile_names(content):
    path = scenario_file(content)
    line = replace_in(path, "  - Vakdeskundigheid toepassen\n", "  - Vakkennis toepassen\n")
    errors = errors_of(content)
    assert any(e.startswith(f"domain/scenarios/2.3-inbound-printer.yml:{line}:") and "geen competentie uit het BCP" in e
               for e in errors), errors


def test_unknown_werkproces(content):
    path = scenario_file(content, "2.2-acquisitie-koffie")
    line = replace_in(path, 'werkprocessen: ["2.2"]', 'werkprocessen: ["2.9"]')
    errors = errors_of(content)
    assert any(f"2.2-acquisitie-koffie.yml:{line}:" in e and "2.9" in e for e in errors), errors


def test_bad_role(content):
    path = scenario_file(content, "2.2-acquisitie-koffie")
    line = replace_in(path, "role: klant", "role: koper")
    errors = errors_of(content)
    assert any(f"2.2-acquisitie-koffie.yml:{line}: role: ongeldige waarde" in e for e in errors), errors


def test_id_must_match_file_name(content):
    path = scenario_file(content)
    line = replace_in(path, "id: 2.3-inbound-printer", "id: 2.3-iets-anders")
    errors = errors_of(content)
    assert any(f"2.3-inbound-printer.yml:{line}:" in e and "bestandsnaam" in e for e in errors), errors


def test_unknown_placeholder(content):
    line = replace_in(scenario_file(content), "Hm, {prijs} euro...", "Hm, {bedrag} euro...")
    errors = errors_of(content)
    assert any(f"2.3-inbound-printer.yml:{line}:" in e and "onbekende invulplek {bedrag}" in e for e in errors), errors


def test_unknown_need(content):
    """Cross-references are checked once the file itself is valid."""
    line = replace_in(scenario_file(content), "    need: zuinig\n", "    need: snelheid\n")
    errors = errors_of(content)
    assert any(f"2.3-inbound-printer.yml:{line}:" in e and "behoefte 'snelheid'" in e for e in errors), errors


def test_missing_level_and_missing_field(content):
    path = scenario_file(content)
    text = path.read_text(encoding="utf-8")
    start = text.index("  moeilijk:\n    start:")
    path.write_text(text[:start], encoding="utf-8")  # drop the moeilijk level at the end
    replace_in(path, "goal: >-", "doel: >-")
    errors = errors_of(content)
    assert any("niveau 'moeilijk' ontbreekt" in e for e in errors) or any("goal" in e for e in errors), errors
    assert any("goal: verplicht veld ontbreekt" in e for e in errors), errors
    assert any("doel: onbekend veld" in e for e in errors), errors


def test_yaml_syntax_error_has_a_line(content):
    path = scenario_file(content, "2.4-offerte-bureaustoelen")
    line = replace_in(path, "  aantal: 25\n", "  aantal: [25\n")
    errors = errors_of(content)
    assert any(re.match(r"domain/scenarios/2\.4-offerte-bureaustoelen\.yml:\d+: ongeldige YAML", e) for e in errors), errors
    assert any(int(e.split(":")[1]) >= line for e in errors if "ongeldige YAML" in e)


def test_errors_in_several_files_are_all_reported(content):
    replace_in(scenario_file(content, "2.2-acquisitie-koffie"), "mood: gehaast", "mood: chagrijnig")
    replace_in(scenario_file(content, "2.5-onderhandelen-werkkleding"), "max_discount: 8", "max_discount: 180")
    errors = errors_of(content)
    assert any("2.2-acquisitie-koffie.yml" in e and "mood" in e for e in errors), errors
    assert any("2.5-onderhandelen-werkkleding.yml" in e and "max_discount" in e for e in errors), errors


def test_concession_accept_from_must_cover_all_levels(content):
    path = scenario_file(content, "2.5-onderhandelen-werkkleding")
    line = replace_in(path, "accept_from: {makkelijk: 4, gemiddeld: 5, moeilijk: 7}", "accept_from: {makkelijk: 4, gemiddeld: 5}")
    errors = errors_of(content)
    assert any(f":{line}:" in e and "moeilijk" in e for e in errors), errors


def test_a_teacher_can_add_a_scenario_without_python(content):
    """Copy a scenario, change id and persona: it loads and is listed by the CLI."""
    src = scenario_file(content)
    dst = content / "domain" / "scenarios" / "2.3-inbound-kopieerpapier.yml"
    text = src.read_text(encoding="utf-8").replace("id: 2.3-inbound-printer", "id: 2.3-inbound-kopieerpapier")
    dst.write_text(text.replace("name: Ingrid de Vries", "name: Anouk Jansen"), encoding="utf-8")
    scenarios = load_scenarios()
    assert scenarios["2.3-inbound-kopieerpapier"].persona.name == "Anouk Jansen"
    out = subprocess.run([sys.executable, "-m", "bot", "scenarios", "--json"], cwd=ROOT, capture_output=True,
                         text=True, env={**__import__("os").environ, "OEFENGESPREK_CONTENT_DIR": str(content)})
    assert out.returncode == 0, out.stderr
    assert "2.3-inbound-kopieerpapier" in [i["id"] for i in json.loads(out.stdout)]


def test_cli_prints_errors_and_fails_on_broken_content(content):
    replace_in(scenario_file(content), "role: klant", "role: koper")
    out = subprocess.run([sys.executable, "-m", "bot", "scenarios"], cwd=ROOT, capture_output=True, text=True,
                         env={**__import__("os").environ, "OEFENGESPREK_CONTENT_DIR": str(content)})
    assert out.returncode == 1
    assert "domain/scenarios/2.3-inbound-printer.yml:" in out.stderr
