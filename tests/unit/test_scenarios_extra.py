"""The seven extra scenarios (1.1, 2.1, 2.6, 2.7, 3.1, 3.2, 3.3): data, levels, replay.

Behaviour of whole conversations is in tests/stories/<id>.yml (replayed by
tests/integration/test_story_replay.py); these tests check what every play relies on.
"""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from bot.bcp import load_profile
from bot.engine.session import finish, start, step
from bot.scenarios import LEVELS, clear_cache, get_scenario

ROOT = Path(__file__).resolve().parents[2]
BRIEFINGS = ROOT / "tests" / "data" / "briefings"

# id -> (werkprocessen, role, initiative, success outcome)
EXTRA = {
    "1.1-klantinterview-horeca": (["1.1"], "klant", "student", "informatie"),
    "2.1-voorbereiding-dispensers": (["2.1", "2.3"], "klant", "student", "afspraak"),
    "2.6-orderprobleem-bureaus": (["2.6"], "klant", "persona", "opgelost"),
    "2.7-leverancier-toners": (["2.7"], "leverancier", "student", "opgelost"),
    "3.1-klacht-koffieautomaat": (["3.1"], "klant", "persona", "opgelost"),
    "3.2-beurslead-werkkleding": (["3.2"], "klant", "student", "afspraak"),
    "3.3-service-watertap": (["3.3"], "klant", "persona", "order"),
}
IDS = list(EXTRA)

# A neutral conversation that every scenario can take (greeting, questions, empathy, goodbye).
GENERIC_TURNS = (
    "Goedemorgen, u spreekt met Sam van de binnendienst.",
    "Kunt u mij vertellen hoe het nu bij u geregeld is?",
    "Dat begrijp ik. Wat bedoelt u daar precies mee?",
    "Als ik u goed begrijp, is dat voor u het belangrijkste.",
)


@pytest.fixture(autouse=True)
def _fresh_cache():
    clear_cache()
    yield
    clear_cache()


def _strip(events: list[dict]) -> list[dict]:
    return [{k: v for k, v in e.items() if k != "timestamp"} for e in events]


def _play(scenario_id: str, level: str, seed: int, turns=GENERIC_TURNS, briefing=None):
    r = start(scenario_id, difficulty=level, seed=seed, briefing=briefing)
    said = [m["text"] for m in r.messages]
    for text in turns:
        if r.finished:
            break
        r = step(r.state, text)
        said += [m["text"] for m in r.messages]
    return r, said


def _slot(state: dict, name: str):
    value = None
    for e in state["events"]:
        if e.get("event") == "slot" and e.get("name") == name:
            value = e.get("value")
    return value


# ----- data ----------------------------------------------------------------------------------


@pytest.mark.parametrize("sid", IDS)
def test_loads_with_werkproces_role_initiative_and_outcome(sid):
    werkprocessen, role, initiative, outcome = EXTRA[sid]
    sc = get_scenario(sid)
    assert sc.werkprocessen == werkprocessen
    assert sc.role == role
    assert sc.initiative == initiative
    assert sc.close.outcome == outcome
    assert sc.difficulties == list(LEVELS)
    assert sc.persona.aanspreekvorm == "u"


@pytest.mark.parametrize("sid", IDS)
def test_competencies_belong_to_the_scenarios_werkprocessen(sid):
    """Exact BCP names, and only competencies the profile ties to these werkprocessen."""
    sc = get_scenario(sid)
    profile = load_profile()
    allowed = {c for code in sc.werkprocessen for c in profile.werkproces(code).competencies}
    assert sc.competencies, sid
    assert set(sc.competencies) <= allowed, set(sc.competencies) - allowed


@pytest.mark.parametrize("sid", IDS)
def test_harder_levels_are_harder(sid):
    sc = get_scenario(sid)
    levels = [sc.levels[name] for name in LEVELS]
    irritation = [lvl.start.irritatie for lvl in levels]
    trust = [lvl.start.vertrouwen for lvl in levels]
    close_trust = [lvl.close_at.vertrouwen for lvl in levels]
    hangup = [lvl.hangup_at for lvl in levels]
    assert irritation == sorted(irritation) and irritation[0] < irritation[-1]
    assert trust == sorted(trust, reverse=True) and trust[0] > trust[-1]
    assert close_trust == sorted(close_trust) and close_trust[0] < close_trust[-1]
    assert hangup == sorted(hangup, reverse=True)
    # moeilijk has at least as many objections and resolution steps as makkelijk
    def work(level: str) -> int:
        return sum(len(o.steps_for(level)) for o in sc.objections if level in o.levels)
    assert work("makkelijk") <= work("gemiddeld") <= work("moeilijk")
    assert work("makkelijk") < work("moeilijk")


@pytest.mark.parametrize("sid", IDS)
def test_success_is_reachable_on_every_level(sid):
    """Objections the close needs exist on all levels; dependent objections can be raised."""
    sc = get_scenario(sid)
    for oid in sc.close.requires_resolved:
        assert set(sc.objection(oid).levels) == set(LEVELS), oid
    for obj in sc.objections:
        for dep in obj.when.after_resolved:
            assert set(obj.levels) <= set(sc.objection(dep).levels), (obj.id, dep)
    assert sc.close.min_needs <= len(sc.persona.needs)
    for need in sc.persona.needs:
        assert need.keywords and need.reveal


def test_complaint_scenarios_need_a_concrete_promise_and_supplier_needs_a_commitment():
    for sid in ("2.6-orderprobleem-bureaus", "3.1-klacht-koffieautomaat"):
        sc = get_scenario(sid)
        opening = [o for o in sc.objections if o.when.opening]
        assert [o.signal for o in opening] == ["klacht"], sid
        for level in LEVELS:
            assert "toezegging" in opening[0].steps_for(level)[-1], (sid, level)
            assert set(opening[0].steps_for(level)[0]) & {"excuses", "begrip_tonen"}, (sid, level)
        assert "toezegging" in sc.close.moves
    supplier = get_scenario("2.7-leverancier-toners")
    assert supplier.close.requires_resolved == ["uitstel-levering", "bevoegdheid-factuur"]
    assert {o.signal for o in supplier.objections} == {"weerstand.twijfel", "weerstand.uitstel", "weerstand.bevoegdheid"}


# ----- playing -------------------------------------------------------------------------------


@pytest.mark.parametrize("sid", IDS)
@pytest.mark.parametrize("level", LEVELS)
def test_a_seed_replays_exactly(sid, level):
    briefing = _briefing() if sid.startswith("2.1") else None
    a, said_a = _play(sid, level, seed=4242, briefing=briefing)
    b, said_b = _play(sid, level, seed=4242, briefing=briefing)
    assert said_a == said_b
    assert _strip(a.state["events"]) == _strip(b.state["events"])
    assert len(said_a) >= 3  # the persona answered every turn


@pytest.mark.parametrize("sid", [s for s in IDS if EXTRA[s][2] == "persona"])
def test_persona_opens_with_the_problem_and_seeds_vary_the_wording(sid):
    openings = set()
    for seed in range(12):
        r = start(sid, difficulty="gemiddeld", seed=seed)
        assert len(r.messages) == 1
        assert r.messages[0]["speaker"] == "klant"
        assert "klacht" in r.messages[0]["labels"]
        assert _slot(r.state, "open_bezwaren")
        openings.add(r.messages[0]["text"])
    assert len(openings) > 1


def test_supplier_speaks_as_leverancier_after_the_student_opens():
    r = start("2.7-leverancier-toners", difficulty="gemiddeld", seed=1)
    assert r.messages == []
    r = step(r.state, "Goedemorgen meneer Bosman, u spreekt met Lotte van Van Leeuwen Kantoorartikelen.")
    assert [m["speaker"] for m in r.messages] == ["leverancier"]
    assert "Bosman" in r.messages[0]["text"]


def _briefing(name: str = "2.1-voorbereiding-dispensers.yml") -> dict:
    return yaml.safe_load((BRIEFINGS / name).read_text(encoding="utf-8"))


def test_briefing_example_scores_full_and_weak_briefing_scores_low():
    good = start("2.1-voorbereiding-dispensers", difficulty="gemiddeld", seed=3, briefing=_briefing())
    weak = start("2.1-voorbereiding-dispensers", difficulty="gemiddeld", seed=3,
                 briefing=_briefing("2.1-voorbereiding-dispensers-zwak.yml"))
    good_slot, weak_slot = _slot(good.state, "briefing"), _slot(weak.state, "briefing")
    assert good_slot["score"] == 1.0
    assert all(p["ok"] for p in good_slot["punten"])
    assert weak_slot["score"] <= 0.25
    # the student calls: no persona line before the first turn, and no form once answered
    assert good.messages == [] or all(m["speaker"] != "klant" for m in good.messages)
    check = {c["id"]: c for c in finish(good.state)["checks"]}
    weak_check = {c["id"]: c for c in finish(weak.state)["checks"]}
    assert check["briefing_kwaliteit"]["passed"] is True
    assert weak_check["briefing_kwaliteit"]["passed"] is False


def test_briefing_form_is_required_without_answers():
    r = start("2.1-voorbereiding-dispensers", difficulty="gemiddeld", seed=3)
    active = [e for e in r.state["events"] if e.get("event") == "active_loop"]
    assert active and active[-1]["name"] == "briefing_form"
    assert _slot(r.state, "briefing") is None
    assert any("doel" in m["text"].lower() for m in r.messages)


def test_interview_persona_objects_to_selling():
    """1.1: trying to sell during a market interview raises an objection and irritates."""
    r, _ = _play("1.1-klantinterview-horeca", "gemiddeld", seed=8, turns=(
        "Goedemiddag meneer Hofstede, u spreekt met Sam van Horeca Totaal.",
        "Ik begrijp dat u het druk heeft. Het duurt maximaal vijf minuten, komt het nu uit?",
    ))
    assert _slot(r.state, "opgeloste_bezwaren") == ["geen-tijd"]
    before = _slot(r.state, "irritatie")
    r = step(r.state, "Wilt u er ook onze nieuwe vega burgers bij bestellen?")
    assert "verkoop" in r.messages[-1]["text"]
    assert "weerstand.twijfel" in r.messages[-1]["labels"]
    assert _slot(r.state, "open_bezwaren") == ["verkooppraatje"]
    assert _slot(r.state, "irritatie") > before


@pytest.mark.parametrize("sid", IDS)
def test_the_gemiddeld_success_story_also_succeeds_on_makkelijk(sid):
    """Makkelijk is really easier: the student lines that win on gemiddeld win there too."""
    stories = yaml.safe_load((ROOT / "tests" / "stories" / f"{sid}.yml").read_text(encoding="utf-8"))["stories"]
    story = next(s for s in stories if s["metadata"]["difficulty"] == "gemiddeld")
    lines = [step["user"] for step in story["steps"] if "user" in step]
    r, _ = _play(sid, "makkelijk", seed=story["metadata"]["seed"], turns=lines,
                 briefing=story["metadata"].get("briefing"))
    assert _slot(r.state, "uitkomst") == EXTRA[sid][3], sid


# --- after the deal the call goes on: no goodbye in the yes, interview-specific reactions ---

GOODBYE_WORDS = ("fijne dag", "tot ziens", "tot straks", "goedendag", "doei")


@pytest.mark.parametrize("scenario_id", sorted(p.stem for p in (ROOT / "domain" / "scenarios").glob("[0-9]*.yml")))
def test_accept_lines_do_not_say_goodbye(scenario_id):
    """The call stays open after the yes until the student's goodbye, so the persona's
    acceptance must not already take leave."""
    sc = get_scenario(scenario_id)
    for text in sc.close.accept:
        text = text if isinstance(text, str) else text.text
        lowered = text.lower().rstrip()
        assert not any(e in lowered for e in GOODBYE_WORDS), (scenario_id, text)
        assert not lowered.endswith((" dag.", " dag!")), (scenario_id, text)


def test_interview_has_its_own_after_deal_lines():
    """1.1 is an interview, not a sale: no orders, add-ons or discounts after the confirmed summary."""
    sc = get_scenario("1.1-klantinterview-horeca")
    defaults = yaml.safe_load((ROOT / "domain" / "scenarios" / "_standaard.yml").read_text(encoding="utf-8"))["lines"]
    keys = [k for k in defaults if k.startswith("after_deal_")]
    assert keys
    for key in keys:
        assert sc.lines[key] and sc.lines[key] != defaults[key], key
        for option in sc.lines[key]:
            text = (option if isinstance(option, str) else getattr(option, "text", str(option))).lower()
            assert "{product}" not in text and "afgesproken" not in text and "bestel" not in text, (key, text)


def test_briefing_feedback_names_the_subjects_the_questions_covered_and_missed():
    """2.1: the verdict on the prepared questions says what they are about, never a fixed list
    (the trainer got "verbruik, bijvullen, schoonmaak, begroting en wie er beslist" for questions
    about none of schoonmaak and who decides)."""
    from actions.persona.briefing import score_briefing
    from bot.scenarios import load_scenarios

    sc = load_scenarios()["2.1-voorbereiding-dispensers"]
    answers = {"doel": "afspraak voor een proefplaatsing", "aanpak": "", "aanbod": "",
               "vragen": "Hoe vaak zijn de dispensers leeg? Hoeveel papier gaat er per maand doorheen?"}
    [vragen] = [p for p in score_briefing(sc, answers)["punten"] if p["veld"] == "vragen"]
    assert vragen["ok"] is True
    said, missed = vragen["tekst"].split("Denk bijvoorbeeld ook aan een vraag over")
    assert "het bijvullen van de dispensers" in said and "het verbruik" in said
    assert "schoonmak" not in said and "beslist" not in said
    assert "het papier op de vloer" in missed and "de begroting" in missed
    answers["vragen"] = "En hebben de kinderen eigenlijk ook gym op school?"
    [vragen] = [p for p in score_briefing(sc, answers)["punten"] if p["veld"] == "vragen"]
    assert vragen["ok"] is False


def test_briefing_feedback_on_the_offer_and_approach_names_only_what_was_written():
    from actions.persona.briefing import score_briefing
    from bot.scenarios import load_scenarios

    sc = load_scenarios()["2.1-voorbereiding-dispensers"]
    answers = {"doel": "proefplaatsing", "vragen": "",
               "aanpak": "Eerst vragen stellen over zijn situatie, dan het voordeel koppelen en afsluiten.",
               "aanbod": "De ProRol Touchless, één vel per keer, minder papier op de vloer."}
    points = {p["veld"]: p for p in score_briefing(sc, answers)["punten"]}
    said, missed = points["aanbod"]["tekst"].split("Noem ook")
    assert "de ProRol Touchless" in said and "minder papier op de vloer" in said
    assert "proefplaatsing" not in said and "lege dispensers" not in said and "proefplaatsing" in missed
    said, missed = points["aanpak"]["tekst"].split("Denk ook aan")
    assert "voorstel" not in said and "samenvatten" in missed
