"""The recogniser's behaviour beyond single labels: contract shape, intent, buttons,
evidence, exclusions, verdicts with competencies, speakers, determinism, caching."""

from __future__ import annotations

import pytest

from bot.bcp import competency_names
from bot.labels import label_contract
from bot.nlu import analyse, get_recogniser
from bot.nlu.normalise import fold

CONTRACT = label_contract()
QUESTION_MOVES = set(CONTRACT.vraag_voorrang)


def test_recogniser_is_loaded_once():
    assert get_recogniser() is get_recogniser()


def test_same_input_same_output():
    text = "Dat snap ik. Wat vindt u precies te duur?"
    first = analyse(text, previous="Dat is te duur.").to_json()
    for _ in range(3):
        assert analyse(text, previous="Dat is te duur.").to_json() == first


def test_json_shape_follows_the_contract():
    out = analyse("Ja, maar onze kwaliteit is beter.", speaker="student", previous="Te duur.").to_json()
    assert out["labels"] == ["ja_maar"]
    assert out["intent"] == "ja_maar"
    assert out["evidence"] == [{"label": "ja_maar", "rule": "ja_maar.schijninstemming", "text": "Ja, maar"}]
    assert set(out["reaction"]) == {"verdict", "reason", "competencies", "signal", "rule"}
    assert out["reaction"]["verdict"] == "fout"
    assert out["reaction"]["signal"] == "weerstand.prijs"


def test_every_label_has_evidence_with_a_rule_and_matched_text():
    analysis = analyse("goedemorgen, met Sam van Kantoorplein. heeft u even tijd?", speaker="student")
    assert analysis.labels == ("begroeting", "gesloten_vraag")
    assert [e.label for e in analysis.evidence] == list(analysis.labels)
    for evidence in analysis.evidence:
        assert evidence.rule and evidence.text
        assert fold(evidence.text) in fold(analysis.text)


def test_labels_come_in_contract_order():
    analysis = analyse("Ik begrijp het, wat bedoelt u precies?", speaker="student", previous="Te duur.")
    order = [*CONTRACT.signals, *CONTRACT.moves]
    assert list(analysis.labels) == sorted(analysis.labels, key=order.index)


@pytest.mark.parametrize(
    "text, previous, expected",
    [
        ("Zal ik de bestelling vastleggen?", None, "afsluitvraag"),
        ("Wat bedoelt u met te duur?", "Te duur.", "doorvragen"),
        ("Wat bedoelt u met te duur?", None, "open_vraag"),
        ("Hoe groot is uw bedrijf? En heeft u al een leverancier?", None, "open_vraag"),
        ("Heeft u al een leverancier? Zal ik een offerte maken?", None, "afsluitvraag"),
    ],
)
def test_one_question_move_per_utterance_by_precedence(text, previous, expected):
    labels = set(analyse(text, speaker="student", previous=previous).labels)
    assert labels & QUESTION_MOVES == {expected}


def test_doorvragen_needs_a_previous_utterance():
    without = analyse("Kunt u daar meer over vertellen?", speaker="student")
    assert "open_vraag" in without.labels and "doorvragen" not in without.labels
    with_previous = analyse("Kunt u daar meer over vertellen?", speaker="student", previous="We hebben veel storingen gehad.")
    assert "doorvragen" in with_previous.labels


def test_ja_maar_excludes_tegenspreken_in_the_same_sentence_only():
    same = analyse("Ja, maar dat klopt niet.", speaker="student")
    assert same.labels == ("ja_maar",)
    separate = analyse("Ja, maar het is de beste. Dat klopt niet wat u zegt.", speaker="student")
    assert set(separate.labels) == {"ja_maar", "tegenspreken"}


def test_a_rule_reads_across_a_full_stop_only_when_it_says_so():
    # ja_maar.maar_na_erkenning has `zinsgrens: over`: the acknowledgement and the "Maar" of the
    # next sentence make one ja-maar, and the acknowledgement no longer counts as begrip_tonen
    excuse = analyse("Dat snap ik. Maar onze stoelen gaan wel tien jaar mee.", previous="Te duur.")
    assert excuse.labels == ("ja_maar",)
    assert any(e.rule == "ja_maar.maar_na_erkenning" for e in excuse.evidence)
    # its tenzij is read in the second sentence too: a promise after "Maar" is no ja-maar
    promise = analyse("Wat vervelend. Maar ik ga het vandaag nog voor u regelen.", previous="Hij is kapot.")
    assert "ja_maar" not in promise.labels and "begrip_tonen" in promise.labels
    # and so is a question after "Maar": it asks, it does not argue
    assert "ja_maar" not in analyse("Ja. Maar hoeveel stuks heeft u nodig?", previous="Klinkt goed.").labels


def test_a_check_question_after_a_summary_checks_and_does_not_probe():
    text = "Ik vat het even samen: u wilt twintig stoelen voor de nieuwe vestiging. Klopt dat zo?"
    labels = analyse(text, previous="We openen een nieuwe vestiging en hebben twintig stoelen nodig.").labels
    assert set(labels) == {"samenvatten", "gesloten_vraag"}


def test_ja_en_is_not_ja_maar():
    assert "ja_maar" not in analyse("Ja, en bovendien leveren we gratis.", speaker="student").labels


def test_signals_only_for_customers_and_moves_only_for_students():
    signals, moves = set(CONTRACT.signals), set(CONTRACT.moves)
    for text in ("Zal ik de bestelling vastleggen?", "Dat is te duur, kunt u wat korting geven?", "Dank je wel!"):
        assert set(analyse(text, speaker="klant").labels) <= signals
        assert set(analyse(text, speaker="leverancier").labels) <= signals
        assert set(analyse(text, speaker="student").labels) <= moves


def test_informeel_is_judged_for_students_only_and_not_for_jullie():
    assert "informeel" in analyse("Dank je wel voor je tijd.", speaker="student").labels
    assert "informeel" not in analyse("Werken jullie met een vaste leverancier?", speaker="student").labels
    assert analyse("Tja, je weet maar nooit.", speaker="klant").labels == ()


def test_a_statement_about_delivery_is_not_a_question_about_delivery():
    assert analyse("De levering was vorige week.", speaker="klant").labels == ()
    assert analyse("Wanneer kunt u leveren?", speaker="klant").labels == ("koopsignaal.levering",)


def test_hypothetical_conditions_are_interest_not_buying():
    analysis = analyse("Als we ooit zouden overstappen, hoe zit het dan met de garantie?", speaker="klant")
    assert analysis.labels == ("interessesignaal",)


def test_question_without_question_mark():
    assert analyse("wnnr kan t geleverd worden", speaker="klant").labels == ("koopsignaal.levering",)
    assert analyse("heeft u al een leverancier", speaker="student").labels == ("gesloten_vraag",)
    assert analyse("mag ik vragen hoeveel mensen er werken", speaker="student").labels == ("open_vraag",)


def test_chat_normalisation_keeps_the_typed_text_in_evidence():
    analysis = analyse("k moet t ff met m'n baas overleggen", speaker="klant")
    assert analysis.labels == ("weerstand.bevoegdheid",)
    assert analysis.text == "k moet t ff met m'n baas overleggen"
    assert "m'n baas" in analysis.evidence[0].text or "overleggen" in analysis.evidence[0].text


def test_intent_is_the_most_specific_move_then_signal_then_fallback():
    assert analyse("Dat begrijp ik. Zal ik het voor u vastleggen?", speaker="student").intent == "afsluitvraag"
    assert analyse("Klinkt goed, maar te duur.", speaker="klant").intent == "koopsignaal.instemming"
    assert analyse("Het ordernummer is 44817.", speaker="student").intent == "nlu_fallback"
    assert analyse("vijf dozen", speaker="student").intent == "inform"


@pytest.mark.parametrize(
    "text, intent, entities",
    [
        ('/afsluitvraag', "afsluitvraag", []),
        ('/inform{"aantal": 50, "product": "stoel"}', "inform", [("aantal", 50), ("product", "stoel")]),
        ('/begroeting{}', "begroeting", []),
    ],
)
def test_rasa_button_syntax(text, intent, entities):
    analysis = analyse(text, speaker="student")
    assert analysis.explicit_intent
    assert analysis.intent == intent
    assert [(e.entity, e.value) for e in analysis.entities] == entities
    assert analysis.labels == ((intent,) if intent in CONTRACT.moves else ())


def test_button_with_broken_json_keeps_the_intent():
    analysis = analyse('/inform{"aantal": }', speaker="student")
    assert analysis.explicit_intent and analysis.intent == "inform" and analysis.entities == ()


def test_a_slash_in_normal_text_is_not_a_button():
    assert not analyse("50/50 verdeling is prima", speaker="klant").explicit_intent


def test_verdicts_name_real_bcp_competencies():
    names = set(competency_names())
    cases = [
        ("Hoe snel kunnen jullie leveren?", "Morgen al. Zal ik het vastleggen?", "goed"),
        ("Is die ook in het zwart?", "Ja. Waarom zoekt u hem in het zwart?", "goed"),
        ("Is die ook in het zwart?", "Ja. Waarvoor gaat u hem gebruiken?", "matig"),  # another aspect: open_vraag
        ("Dat is te duur.", "Ik geef u tien procent korting.", "fout"),
        ("De printer is kapot.", "Dat is vervelend, sorry. Ik stuur morgen een monteur.", "goed"),
        ("De printer is kapot.", "Welk type printer is het?", "matig"),
    ]
    for previous, text, verdict in cases:
        reaction = analyse(text, speaker="student", previous=previous).reaction
        assert reaction is not None and reaction.verdict == verdict, (text, reaction)
        assert reaction.reason and reaction.rule
        assert set(reaction.competencies) <= names and reaction.competencies


def test_no_verdict_without_a_signal_before():
    assert analyse("Hoeveel mensen werken er?", speaker="student", previous="Goedemorgen.").reaction is None
    assert analyse("Hoeveel mensen werken er?", speaker="student").reaction is None


def test_the_reply_answers_the_weightiest_signal():
    reaction = analyse("Dat begrijp ik.", speaker="student", previous="Klinkt goed, maar het is te duur.").reaction
    assert reaction.signal == "weerstand.prijs" and reaction.verdict == "goed"


def test_parse_data_for_the_tracker():
    data = analyse("Dat begrijp ik.", speaker="student", previous="Te duur.").to_parse_data()
    assert data["intent"] == {"name": "begrip_tonen", "confidence": 1.0}
    assert data["labels"] == ["begrip_tonen"]
    assert data["previous_signals"] == ["weerstand.prijs"]
    assert data["reaction"]["verdict"] == "goed"


def _all_patterns():
    """Every token pattern in domain/nlu/, with a "^" anchor taken off as the matcher does."""
    from bot.nlu.resources import resources

    res = resources()
    patterns = [p for rule in res.rules for p in (*rule.patterns, *rule.unless)]
    patterns += [p for block in res.blocks for p in block.patterns]
    patterns += [*res.open_invitations, *res.not_questions, *res.new_topic]
    patterns += [p for helper in res.helper_moves.values() for p in helper]
    return [[{k: v for k, v in p[0].items() if k != "_"}, *p[1:]] for p in patterns]


def _pattern_words(pattern) -> list[str]:
    words = []
    for token in pattern:
        spec = token.get("NORM")
        if isinstance(spec, str):
            words.append(spec)
        elif isinstance(spec, dict) and "IN" in spec:
            words.extend(spec["IN"])
        elif isinstance(spec, dict) and "REGEX" in spec:  # "^(?:word$|prefix)": the word, a prefix + "en"
            words.extend(part[:-1] if part.endswith("$") else part + "en" for part in spec["REGEX"][4:-1].split("|"))
    return [w.replace("\\", "") for w in words]


def test_token_sequences_find_what_spacys_matcher_finds():
    """The plain-Python matcher gives the same spans as spaCy's Matcher for every pattern in
    domain/nlu/, on random word sequences made of the pattern's own words and others."""
    import random

    import spacy
    from spacy.matcher import Matcher
    from spacy.tokens import Doc

    from bot.nlu.sequence import TokenSequence

    nlp = spacy.blank("nl")
    rng = random.Random(20261127)
    patterns = _all_patterns()
    others = sorted({w for p in patterns for w in _pattern_words(p)}) + [",", ".", "?", "x"]
    compared = with_matches = 0
    for pattern in patterns:
        sequence = TokenSequence.compile(pattern)
        if sequence is None:
            continue  # runs in spaCy's Matcher itself
        matcher = Matcher(nlp.vocab)
        matcher.add("p", [pattern])
        own = _pattern_words(pattern)
        for _ in range(25):
            words = [rng.choice(own) if rng.random() < 0.6 else rng.choice(others) for _ in range(rng.randint(1, 12))]
            doc = Doc(nlp.vocab, words=words)
            for token in doc:
                token.norm_ = token.text
            expected = sorted({(start, end) for _, start, end in matcher(doc)})
            assert sorted(set(sequence(words))) == expected, (pattern, words)
            compared += 1
            with_matches += bool(expected)
    assert compared > 1000 and with_matches > compared // 10


def test_token_sequences_leave_other_patterns_to_spacy():
    from bot.nlu.sequence import TokenSequence

    assert TokenSequence.compile([{"NORM": "snel"}, {"OP": "{0,4}"}, {"NORM": {"IN": ["leveren", "bezorgen"]}}])
    assert TokenSequence.compile([{"LOWER": "snel"}]) is None
    assert TokenSequence.compile([{"NORM": "snel", "OP": "+"}]) is None
    assert TokenSequence.compile([{"NORM": "snel", "OP": "!"}]) is None
    assert TokenSequence.compile([{"NORM": "snel", "_": {"oefen_zinsbegin": True}}]) is None
    assert TokenSequence.compile([{"NORM": "snel", "OP": "?"}]) is None  # nothing required


def test_to_json_and_parse_data_equal_the_asdict_deep_copies():
    """to_json/to_parse_data build their dicts directly; the output is what dataclasses.asdict gave,
    and nothing in it is shared with the (frozen) analysis or between the two."""
    from dataclasses import asdict

    from bot.nlu.analysis import Analysis, Entity, Evidence, Reaction

    a = Analysis(
        text="Die kost 649 euro, wat vindt u?", speaker="student", labels=("prijs_noemen", "open_vraag"),
        intent="open_vraag", entities=(Entity("bedrag", 649.0, "649 euro", 9, 17),),
        evidence=(Evidence("prijs_noemen", "r1", "kost 649 euro"), Evidence("open_vraag", "r2", "wat vindt u")),
        reaction=Reaction("goed", "Goed zo.", ("Klantgericht communiceren",), "prijs_bezwaar", "re1"),
        previous_signals=("prijs_bezwaar",),
    )
    old_evidence = [asdict(e) for e in a.evidence]
    out = a.to_json()
    assert out["evidence"] == old_evidence
    assert list(out) == ["speaker", "text", "labels", "intent", "entities", "evidence", "reaction"]
    parse = a.to_parse_data()
    assert parse["evidence"] == old_evidence
    assert parse["reaction"] == out["reaction"] == {"verdict": "goed", "reason": "Goed zo.",
                                                    "competencies": ["Klantgericht communiceren"],
                                                    "signal": "prijs_bezwaar", "rule": "re1"}
    assert parse["evidence"][0] is not out["evidence"][0]
    parse["evidence"][0]["text"] = "x"
    assert a.to_json()["evidence"][0]["text"] == "kost 649 euro"
    bare = Analysis(text="Hoi", speaker="student", labels=(), intent="nlu_fallback")
    assert bare.to_json()["evidence"] == [] and "reaction" not in bare.to_json()
    assert bare.to_parse_data()["reaction"] is None


# --- previous_labels: the signals of the previous line, known from the scenario ----------


def test_previous_labels_decide_the_verdict_instead_of_the_text():
    # the scripted line carries a price objection the recogniser would not find in "Tja."
    given = analyse("Wat vindt u precies te duur?", speaker="student", previous="Tja.",
                    previous_labels=["weerstand.prijs"])
    assert given.previous_signals == ("weerstand.prijs",)
    assert given.reaction is not None and given.reaction.signal == "weerstand.prijs"
    assert given.reaction.verdict == "goed"
    assert analyse("Wat vindt u precies te duur?", speaker="student", previous="Tja.").reaction is None


def test_empty_previous_labels_mean_no_signal_whatever_the_text_says():
    analysis = analyse("Ik geef u tien procent korting.", speaker="student", previous="Dat is te duur.",
                       previous_labels=[])
    assert analysis.reaction is None and analysis.previous_signals == ()
    assert analyse("Ik geef u tien procent korting.", speaker="student",
                   previous="Dat is te duur.").reaction.verdict == "fout"


def test_previous_labels_answer_the_weightiest_and_go_into_parse_data():
    analysis = analyse("Dat begrijp ik. Wat spreekt u aan in uw huidige leverancier?", speaker="student",
                       previous="Leuk aanbod, maar we hebben al een leverancier.",
                       previous_labels=["koopsignaal.instemming", "weerstand.concurrent"])
    assert analysis.reaction.signal == "weerstand.concurrent" and analysis.reaction.verdict == "goed"
    assert analysis.to_parse_data()["previous_signals"] == ["koopsignaal.instemming", "weerstand.concurrent"]


def test_the_previous_text_still_serves_as_context_with_given_labels():
    # doorvragen needs a reference to the previous line's words; the order fact comes from its text
    probe = analyse("Waarom zoekt u hem in het zwart?", speaker="student",
                    previous="Is die ook in het zwart leverbaar?", previous_labels=["interessesignaal"])
    assert "doorvragen" in probe.labels and probe.reaction.verdict == "goed"
    other = analyse("Hoeveel mensen werken er bij u?", speaker="student",
                    previous="Is die ook in het zwart leverbaar?", previous_labels=["interessesignaal"])
    assert other.labels == ("open_vraag",)
    confirm = analyse("Dan noteer ik vijftig stuks, levering vrijdag.", speaker="student",
                      previous="Doe er maar vijftig.", previous_labels=["koopsignaal.instemming"])
    assert confirm.reaction.verdict == "goed" and confirm.reaction.rule == "koop.na_akkoord_bevestigen"


def test_previous_labels_without_previous_text_still_give_a_verdict():
    analysis = analyse("Zal ik de bestelling voor u vastleggen?", speaker="student",
                       previous_labels=["koopsignaal.levering"])
    assert analysis.reaction.verdict == "goed"


def test_previous_labels_must_be_contract_signals():
    for wrong in (["weerstand.duur"], ["afsluitvraag"]):
        with pytest.raises(ValueError, match="previous_labels"):
            analyse("Prima.", speaker="student", previous="Te duur.", previous_labels=wrong)


def test_previous_labels_only_matter_for_a_student_reply():
    analysis = analyse("Dat is te duur.", speaker="klant", previous="Het kost 400 euro.",
                       previous_labels=["weerstand.prijs"])
    assert analysis.reaction is None and analysis.labels == ("weerstand.prijs",)
