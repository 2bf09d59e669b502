"""Objection handling in actions/persona/core.py: a need also blocks a final promise,
reminders are no new signal, and a question that completes a step gets no stock answer."""

from __future__ import annotations

from bot.scenarios import get_scenario
from bot.scenarios.models import text_of
from test_actions_support import Chat

KLACHT = "3.1-klacht-koffieautomaat"
INTERVIEW = "1.1-klantinterview-horeca"


def texts(sc_id: str, key: str) -> list[str]:
    return [text_of(t) for t in get_scenario(sc_id).lines[key]]


def test_a_final_promise_that_misses_the_need_does_not_resolve_the_complaint():
    """3.1: the machine must work by six tomorrow (need snel_koffie: a mechanic or a loan
    machine). 'Someone tomorrow' is a promise, but not one that meets the need."""
    vague = Chat(KLACHT, "makkelijk", seed=1)
    vague.say("Wat vervelend, mijn excuses daarvoor.", ["excuses"])
    vague.say("Ik zorg dat er morgen iemand naar kijkt.", ["toezegging"])
    assert "klacht-monteur" in vague.slot("open_bezwaren")
    assert "klacht-monteur" not in (vague.slot("opgeloste_bezwaren") or [])

    concrete = Chat(KLACHT, "makkelijk", seed=1)
    concrete.say("Wat vervelend, mijn excuses daarvoor.", ["excuses"])
    concrete.say("Ik stuur vandaag nog een monteur, en anders zet ik er een leenmachine neer.", ["toezegging"])
    assert "klacht-monteur" in concrete.slot("opgeloste_bezwaren")


def test_a_reminder_does_not_repeat_the_objections_signal():
    chat = Chat(KLACHT, "makkelijk", seed=1)
    assert "klacht" in chat.opening[0]["labels"]
    reply = chat.say("Onze automaten zijn heel betrouwbaar.", ["voordeel_benoemen"])  # not this step
    assert "klacht-monteur" in chat.slot("open_bezwaren")
    reminders = [text_of(t) for t in get_scenario(KLACHT).objection("klacht-monteur").reminder]
    assert any(r in reply["text"] for r in reminders), reply
    assert "klacht" not in reply["labels"], reply


def test_a_closed_question_that_completes_a_step_gets_no_stock_short_answer():
    chat = Chat(INTERVIEW, "makkelijk", seed=1)
    raised = chat.say("Goedemiddag meneer Hofstede, u spreekt met Sanne van Horeca Totaal.", ["begroeting"])
    assert "weerstand.tijd" in raised["labels"]
    reply = chat.say("Is dat goed?", ["gesloten_vraag"])  # completes the step, asks nothing the persona knows
    assert "geen-tijd" in chat.slot("opgeloste_bezwaren")
    assert not any(reply["text"].endswith(t) for t in texts(INTERVIEW, "short_answer")), reply
    # the resolution, then (the student never said how long) her question once more (topic duur)
    assert any(reply["text"].startswith(text_of(t)) for t in get_scenario(INTERVIEW).objection("geen-tijd").resolved)


def test_a_summary_of_her_point_is_confirmed_not_treated_as_talking_around_it():
    chat = Chat(KLACHT, "makkelijk", seed=1)
    before = chat.slot("irritatie")
    reply = chat.say("Als ik u goed begrijp, staat de automaat weer stil.", ["samenvatten"])  # not this step
    assert "klacht-monteur" in chat.slot("open_bezwaren")
    assert reply["reason"] == "objection" and "klacht" not in reply["labels"]
    assert chat.slot("irritatie") <= before  # no penalty for listening


def test_a_promise_that_comes_too_late_for_her_need_gets_told_so_and_resolves_nothing():
    chat = Chat(KLACHT, "makkelijk", seed=1)
    chat.say("Wat vervelend, mijn excuses daarvoor.", ["excuses"])
    reply = chat.say("Morgen komt er een monteur bij u langs.", ["toezegging"])
    need = get_scenario(KLACHT).need("snel_koffie")
    assert reply["text"] in [text_of(t).format(genoemd="Morgen") for t in need.too_late_reply]
    assert "klacht-monteur" in chat.slot("open_bezwaren")
    reply = chat.say("Dan zorg ik dat er vandaag voor vijf uur een leenmachine staat.", [])  # no move recognised
    assert "klacht-monteur" in chat.slot("opgeloste_bezwaren")


def test_a_question_that_takes_a_step_gets_its_answer_not_the_next_line_of_her_story():
    """3.1: 'Wanneer moet hij het uiterlijk weer doen?' takes the step of exploring the
    complaint; she answers when she needs it, not with the next part of her story (E17)."""
    chat = Chat(KLACHT, "gemiddeld", seed=2)
    chat.say("Goedemiddag, mijn excuses dat de monteur niet is gekomen.", ["begroeting", "excuses"])
    reply = chat.say("Wanneer moet de automaat het uiterlijk weer doen?", ["open_vraag"])
    assert "E17" not in reply["text"] and "zes uur" in reply["text"], reply
    assert reply["reason"] == "answer"
    assert chat.slot("open_bezwaren") == ["klacht-monteur"]  # the step counts, the complaint is open


def test_the_question_is_answered_not_the_statement_around_it():
    """'... u heeft gisteren gewacht. Wat doet de automaat precies?' asks about the fault."""
    chat = Chat(KLACHT, "gemiddeld", seed=1)
    reply = chat.say("Mijn excuses, u heeft gisteren voor niets gewacht. Wat doet de automaat precies?",
                     ["excuses", "begrip_tonen", "doorvragen"])
    assert "E17" in reply["text"], reply


def test_a_summary_with_a_question_gets_the_answer_not_just_a_confirmation():
    chat = Chat(KLACHT, "gemiddeld", seed=2)
    reply = chat.say("Dat had niet mogen gebeuren. Wat doet de automaat precies?", ["samenvatten", "doorvragen"])
    assert "E17" in reply["text"], reply


def test_a_fact_she_told_in_an_answer_is_not_told_again_as_part_of_her_story():
    """The fault code, first as the answer to a question, never comes back as a line of her
    story (the two lines say the same in other words)."""
    for seed in range(1, 6):
        chat = Chat(KLACHT, "moeilijk", seed=seed)
        said = [chat.say("Wat doet de automaat precies?", ["open_vraag"])["text"]]
        said.append(chat.say("Wat vervelend, mijn excuses.", ["excuses", "begrip_tonen"])["text"])
        said.append(chat.say("Hoe vaak is dit al gebeurd?", ["doorvragen"])["text"])
        said.append(chat.say("Dus hij doet het al weken niet goed.", ["samenvatten"])["text"])
        assert sum("E17" in s for s in said) == 1, (seed, said)


def _explored_complaint(level: str, seed: int = 1) -> Chat:
    chat = Chat(KLACHT, level, seed=seed)
    chat.say("Wat vervelend, mijn excuses daarvoor.", ["excuses", "begrip_tonen"])
    chat.say("Wat doet de automaat precies?", ["doorvragen"])
    if level == "moeilijk":
        chat.say("Dus hij geeft E17 en er moet morgen om zes uur koffie zijn.", ["samenvatten"])
    return chat


def test_a_plan_she_accepts_comes_with_what_still_keeps_her_from_a_yes():
    """Asked to agree to a concrete plan, she accepts it and voices her doubt in the same
    reply, so the student can answer it before saying goodbye."""
    chat = _explored_complaint("gemiddeld")
    reply = chat.say("Ik stuur vandaag om twee uur een monteur. Gaat u daarmee akkoord?", ["toezegging", "afsluitvraag"])
    assert "klacht-monteur" in chat.slot("opgeloste_bezwaren")
    assert "weerstand.twijfel" in reply["labels"] and chat.slot("open_bezwaren") == ["twijfel-beloftes"]


def test_a_plan_that_also_answers_her_doubt_is_accepted_at_once():
    for level in ("gemiddeld", "moeilijk"):
        chat = _explored_complaint(level)
        chat.say("Ik stuur vandaag om twee uur een monteur en ik bel u om vijf uur of alles werkt. Gaat u akkoord?",
                 ["toezegging", "afsluitvraag"])
        assert chat.slot("uitkomst") == "opgelost", level


def test_understanding_and_an_offer_that_meets_her_need_take_both_steps():
    """'Dat begrijp ik. Daarom bel ik u zelf om vijf uur.' is understanding and the promise
    she asked for; she is not told to ask for it again."""
    chat = _explored_complaint("gemiddeld")
    chat.say("Ik stuur vandaag om twee uur een monteur. Gaat u daarmee akkoord?", ["toezegging", "afsluitvraag"])
    reply = chat.say("Dat begrijp ik, na gisteren zou ik ook twijfelen. Daarom bel ik u zelf om vijf uur.",
                     ["begrip_tonen", "toezegging"])
    assert "twijfel-beloftes" in chat.slot("opgeloste_bezwaren"), reply
    assert "gisteren tussen acht en twaalf" not in reply["text"]  # 'gisteren' was no question


def test_a_goodbye_that_brings_a_plan_gets_her_doubt_and_the_call_goes_on():
    chat = _explored_complaint("gemiddeld")
    reply = chat.say("Ik stuur vandaag om twee uur een monteur. Tot ziens!", ["toezegging", "afscheid"])
    assert "weerstand.twijfel" in reply["labels"]
    assert not chat.slot("gesprek_beeindigd") and chat.slot("uitkomst") not in ("geen_deal", "afgebroken")
    chat.say("Dat begrijp ik. Ik bel u om vijf uur zelf of alles werkt.", ["begrip_tonen", "toezegging"])
    chat.say("Dank u wel, tot ziens!", ["afscheid"])
    assert chat.slot("uitkomst") == "opgelost" and chat.slot("gesprek_beeindigd")


def test_a_concrete_plan_after_exploring_is_not_answered_with_a_reminder():
    """moeilijk asks for a summary before the promise; a plan that meets her need in time
    (a mechanic today) after she was heard and asked is no reason for 'Wat gaat u eraan doen?'."""
    chat = Chat(KLACHT, "moeilijk", seed=2)
    chat.say("Wat vervelend, mijn excuses daarvoor.", ["excuses", "begrip_tonen"])
    chat.say("Wat doet de automaat precies?", ["doorvragen"])
    reply = chat.say("Ik zorg dat er vandaag om twee uur een monteur bij u is.", ["toezegging"])
    reminders = [text_of(t) for t in get_scenario(KLACHT).objection("klacht-monteur").reminder]
    assert reply["text"] not in reminders
    assert "klacht-monteur" in chat.slot("opgeloste_bezwaren")
