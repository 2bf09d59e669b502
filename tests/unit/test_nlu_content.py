"""The recogniser's data is validated at load time: clear Dutch errors with file and line."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from bot.content import ContentErrors
from bot.nlu import validate_patterns
from bot.nlu.dsl import PatternError, compile_patterns
from bot.nlu.resources import load_resources
from bot.paths import domain_dir

SOURCE = domain_dir() / "nlu"


@pytest.fixture
def content(tmp_path) -> Path:
    target = tmp_path / "nlu"
    shutil.copytree(SOURCE, target)
    return target


def _replace(path: Path, old: str, new: str) -> int:
    """Replace the first `old` in a file; return the 1-based line where it was."""
    text = path.read_text(encoding="utf-8")
    index = text.index(old)
    path.write_text(text[:index] + new + text[index + len(old):], encoding="utf-8")
    return text[:index].count("\n") + 1


def _errors(root: Path) -> list:
    with pytest.raises(ContentErrors) as info:
        load_resources(root)
    return info.value.errors


def test_the_shipped_content_is_valid():
    validate_patterns()
    resources = load_resources()
    assert len(resources.rules) > 50
    assert {rule.label for rule in resources.rules} >= {"koopsignaal.levering", "afsluitvraag", "informeel"}


def test_unknown_label_names_file_and_line(content):
    line = _replace(content / "regels" / "koopsignalen.yml", "label: koopsignaal.levering", "label: koopsignaal.leverin")
    errors = _errors(content)
    assert any(
        e.path.endswith("koopsignalen.yml") and e.line == line and "onbekend label 'koopsignaal.leverin'" in e.message
        for e in errors
    ), errors


def test_a_move_in_a_signal_file_is_refused(content):
    _replace(content / "regels" / "weerstand.yml", "label: weerstand.prijs", "label: afsluitvraag")
    assert any("onbekend label 'afsluitvraag'" in e.message for e in _errors(content))


def test_bad_pattern_names_file_and_line(content):
    path = content / "regels" / "klacht.yml"
    line = _replace(path, '      - "te laat|veel te laat', '      - "te laat||veel te laat')
    errors = _errors(content)
    assert any(e.path.endswith("klacht.yml") and e.line == line and "lege keuze" in e.message for e in errors), errors


def test_duplicate_rule_id(content):
    _replace(content / "regels" / "klacht.yml", "id: klacht.kapot_defect", "id: klacht.niet_geleverd")
    assert any("komt ook voor" in e.message for e in _errors(content))


def test_unknown_competency_in_reactions(content):
    line = _replace(content / "reacties.yml", "competenties: [Ondernemend en commercieel handelen, Op de", "competenties: [Commercieel zijn, Op de")
    errors = _errors(content)
    assert any(
        e.path.endswith("reacties.yml") and e.line and e.line <= line and "'Commercieel zijn' is geen competentie" in e.message
        for e in errors
    ), errors


def test_yaml_syntax_error(content):
    (content / "vragen.yml").write_text("vraagwoorden: [wat, hoe\nvoorzetsels: x\n", encoding="utf-8")
    errors = _errors(content)
    assert any(e.path.endswith("vragen.yml") and e.line and "ongeldige YAML" in e.message for e in errors), errors


def test_split_must_spell_the_word(content):
    _replace(content / "normalisatie.yml", "kzou: [k, zou]", "kzou: [k, wil]")
    assert any("vormen samen niet 'kzou'" in e.message for e in _errors(content))


def test_missing_required_field(content):
    _replace(content / "regels" / "zetten.yml", "    label: excuses\n", "")
    errors = _errors(content)
    assert any(e.path.endswith("zetten.yml") and "label" in e.message and "verplicht" in e.message for e in errors), errors


def test_all_problems_are_reported_at_once(content):
    _replace(content / "regels" / "koopsignalen.yml", "label: koopsignaal.levering", "label: x")
    _replace(content / "regels" / "zetten.yml", "label: excuses", "label: y")
    assert len(_errors(content)) >= 2


@pytest.mark.parametrize(
    "pattern, message",
    [
        ("", "niet-lege"),
        ("... leveren", "beginnen"),
        ("leveren ...", "eindigen"),
        ("a ... ... b", "direct na elkaar"),
        ("a||b", "lege keuze"),
        ("le*", "minstens 3 letters"),
        ("pos=VERB", "onbekende aanduiding"),
        ("(a|b", "haakjes"),
        ("woord?", "verplicht woord"),
        (" ... ".join(["a b|c d|e f|g h"] * 4), "te ingewikkeld"),
    ],
)
def test_pattern_errors(pattern, message):
    with pytest.raises(PatternError, match=message):
        compile_patterns(pattern)


def test_pattern_notation_compiles_to_spacy_tokens():
    (pattern,) = compile_patterns("hoe snel ... lever*")
    assert pattern[0] == {"NORM": "hoe"}
    assert pattern[2] == {"OP": "{0,4}"}
    assert pattern[3]["NORM"]["REGEX"].startswith("^(?:lever")
    alternatives = compile_patterns("te duur|prijzig ..2 (zal|mag) ik")
    assert len(alternatives) == 2  # the phrase "te duur" and the word "prijzig"
    assert alternatives[0][0] == {"NORM": "prijzig"}
    assert alternatives[1][:2] == [{"NORM": "te"}, {"NORM": "duur"}]
    assert alternatives[0][-2] == {"NORM": {"IN": ["mag", "zal"]}}
    (anchored,) = compile_patterns("^dus")
    assert anchored[0]["_"] == {"oefen_zinsbegin": True}
    (lemma,) = compile_patterns("lemma=leveren")
    assert lemma[0] == {"LEMMA": "leveren"}
    (folded,) = compile_patterns("Geïnteresseerd")
    assert folded[0] == {"NORM": "geinteresseerd"}


def test_reaction_facts_and_signal_subjects_must_exist(content):
    _replace(content / "reacties.yml", "na: [akkoord]", "na: [besteld]")
    _replace(content / "vragen.yml", "  weerstand.prijs: [prijs,", "  weerstand.duur: [prijs,")
    messages = [e.message for e in _errors(content)]
    assert any("'besteld' staat niet onder vorige_uiting" in m for m in messages), messages
    assert any("onbekend signaal 'weerstand.duur'" in m for m in messages), messages
