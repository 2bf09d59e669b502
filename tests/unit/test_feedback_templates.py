"""Every suggestion, tip and feedback text, rendered for every scenario as the student would
read it: no placeholders ('…', '...', '{x}'), no raw label names, no known bad Dutch, no
other scenario's products, the call's direction and the persona's gender respected."""

from __future__ import annotations

import re

import pytest

from bot.feedback.conversation import Conversation
from bot.feedback.rubric import resolve
from bot.feedback.sources import info_for_id
from bot.feedback.texts import REWRITES, fill, load_feedback_texts
from bot.feedback.values import OWN_NAME_UNKNOWN, scenario_values
from bot.labels import label_contract
from bot.scenarios import load_scenarios

SCENARIOS = sorted(load_scenarios())
TEXTS = load_feedback_texts()
BAD_FORMS = [
    r"\bmis u\b", r"\bvoor uw doen\b", r"\bheb u\b", r"\bwil u\b", r"\bkan u\b(?! ook)", r"\bzoek u\b",
    r"\bvind u\b", r"\bu heb\b", r"\bu wil\b(?!t)", r"\bhoe heet u bedrijf\b", r"\bwat is u\b",
    # 'goedmaken' is making up for a mistake; a 'ja, maar' undoes (doet teniet) the understanding
    r"\bmaakt? (je|u|jij)\b.{0,20}\bweer goed wat\b",
]
RAW_LABEL = re.compile(r"\b(weerstand|koopsignaal)\.\w+|\b[a-z]+_[a-z_]+\b")
SAMPLE = {"zin": "Wat zoekt u precies?", "klantzin": "Dat is me te duur.", "signaal": "een prijsbezwaar",
          "soort": "de prijs", "genoemd": "549 euro", "juist": "€ 649", "waarde": "5%"}


def _own_text(scenario_id: str) -> str:
    sc = load_scenarios()[scenario_id]
    parts = [sc.briefing, getattr(sc, "goal", "") or "", *(str(v) for v in (getattr(sc, "terms", None) or {}).values())]
    parts += [p.description for p in sc.catalogue] + [n for p in sc.catalogue for n in p.names]
    return " ".join(parts).lower()


def _other_products(scenario_id: str) -> set[str]:
    """Names of other scenarios' products that this scenario never mentions itself."""
    own = _own_text(scenario_id)
    others = set()
    for sid in SCENARIOS:
        if sid != scenario_id:
            others.update(n for n in info_for_id(sid).products if len(n) > 3 and n.lower() not in own)
    return others


def _rendered(scenario_id: str) -> list[tuple[str, str]]:
    """(where, text) for every text a student of this scenario can read."""
    info = info_for_id(scenario_id)
    values = {**scenario_values(Conversation((), ()), info, TEXTS), **SAMPLE}
    extra = TEXTS.scenario(scenario_id)
    out = []
    for check in resolve(info).checks:
        entry = TEXTS.checks[check.id]
        groups = {"goed": entry.goed, "verbeterpunt": entry.verbeterpunt,
                  "verbeterpunt_verboden": entry.verbeterpunt_verboden,
                  "suggestie": [v if isinstance(v, str) else v.tekst
                                for v in (extra.suggesties.get(check.id) if extra else None) or entry.suggestie]}
        for outcome, variants in entry.verbeterpunt_per_uitkomst.items():
            groups[f"verbeterpunt_per_uitkomst.{outcome}"] = variants
        for signal, variants in entry.suggestie_per_signaal.items():
            groups[f"suggestie_per_signaal.{signal}"] = variants
        for group, variants in groups.items():
            out.extend((f"{check.id}.{group}", fill(v, **values)) for v in variants)
    for rule in TEXTS.hints:
        variants = (extra.hints.get(rule.id) if extra else None) or rule.teksten
        out.extend((f"hint {rule.id}", fill(v, **values)) for v in variants)
    return out


def test_every_scenario_has_its_feedback_entry():
    assert sorted(TEXTS.scenarios) == SCENARIOS


@pytest.mark.parametrize("scenario_id", SCENARIOS)
def test_texts_read_right_for_this_scenario(scenario_id):
    extra = TEXTS.scenario(scenario_id)
    others = _other_products(scenario_id)
    problems = []
    for where, text in _rendered(scenario_id):
        low = text.lower()
        if "…" in text or "..." in text or "{" in text or "}" in text:
            problems.append(f"{where}: placeholder in {text!r}")
        if "[" in text and OWN_NAME_UNKNOWN not in text:
            problems.append(f"{where}: bracket placeholder in {text!r}")
        if RAW_LABEL.search(text):
            problems.append(f"{where}: raw label in {text!r}")
        for bad in BAD_FORMS:
            if re.search(bad, low):
                problems.append(f"{where}: bad Dutch {bad!r} in {text!r}")
        for name in others:
            if re.search(rf"\b{re.escape(name.lower())}\b", low):
                problems.append(f"{where}: other scenario's product {name!r} in {text!r}")
        if extra.richting == "uitgaand" and re.search(r"fijn dat u (belt|mij belt|ons belt)", low):
            problems.append(f"{where}: 'Fijn dat u belt' while the student calls: {text!r}")
        if re.search(r"\b(meneer|mevrouw)\b", low):
            wrong = "mevrouw" if extra.geslacht == "m" else "meneer"
            if wrong in low:
                problems.append(f"{where}: {wrong} for this persona: {text!r}")
        if extra.geslacht == "v" and re.search(r"\bde klant\b[^.?!]*\b(hij|zijn|hem)\b", low):
            problems.append(f"{where}: 'hij' for a female customer: {text!r}")
        if extra.geslacht == "m" and re.search(r"\bde klant\b[^.?!]*\b(zij|haar)\b", low):
            problems.append(f"{where}: 'zij' for a male customer: {text!r}")
    assert not problems, "\n".join(problems)


def test_label_names_are_dutch_for_every_label():
    contract = label_contract()
    for label in (*contract.signals, *contract.moves):
        name = TEXTS.label_name(label)
        assert name and not RAW_LABEL.search(name), (label, name)
    assert TEXTS.signal_name("weerstand.onbekend") == "een signaal"  # never the raw name


@pytest.mark.parametrize("sentence", [
    "Ja, maar onze printers zijn gewoon de beste.", "Klopt, maar dat is uw eigen schuld.",
    "Ja maar je moet wel even verder kijken dan de prijs.",
])
def test_a_ja_maar_rewrite_drops_the_contradiction(sentence):
    for rewrite in REWRITES.values():
        better = rewrite(sentence)
        rest = sentence.split("maar", 1)[1].strip(" ,.").lower()
        assert rest not in better.lower() and "maar" not in better.lower(), (rewrite, better)
        assert "…" not in better and "..." not in better


@pytest.mark.parametrize("scenario_id", SCENARIOS)
def test_no_nested_parentheses(scenario_id):
    # signal names carry an explanation in parentheses: a quote or a name in parentheses right
    # after them reads badly ("een koopsignaal (de klant vroeg ...) ('Hoe snel ...')")
    values = {**SAMPLE, "signaal": TEXTS.signal_name("koopsignaal.levering")}
    for where, text in _rendered(scenario_id):
        text = text.replace(SAMPLE["signaal"], values["signaal"])
        assert not re.search(r"\)\s*\(", text) and not re.search(r"\([^()]*\([^()]*\)[^()]*\)", text), (where, text)
