"""Rewrites of the student's own sentence and deterministic text choice."""

from __future__ import annotations

import pytest

from bot.feedback.texts import choose, fill, rewrite_ja_maar, rewrite_u_vorm


@pytest.mark.parametrize("sentence, better", [
    ("Wat zoek je precies?", "Wat zoekt u precies?"),
    ("Heb je al een leverancier?", "Heeft u al een leverancier?"),
    ("Kun jij mij je ordernummer geven? Dank je wel.", "Kunt u mij uw ordernummer geven? Dank u wel."),
    ("Wat vind jij van jouw huidige printer?", "Wat vindt u van uw huidige printer?"),
    ("Je kunt hem morgen ophalen.", "U kunt hem morgen ophalen."),
    ("Kan ik je helpen?", "Kan ik u helpen?"),
    ("Ik stuur je de offerte vandaag.", "Ik stuur u de offerte vandaag."),
    ("Hoe heet je bedrijf?", "Hoe heet uw bedrijf?"),
    ("Hoe gaat het met je?", "Hoe gaat het met u?"),
    ("Mis je nog iets?", "Mist u nog iets?"),
    ("Wat kan ik voor je doen?", "Wat kan ik voor u doen?"),
    ("Ik heb je offerte hier.", "Ik heb uw offerte hier."),
    ("Werk je daar al lang?", "Werkt u daar al lang?"),
    ("Ik heb je gisteren gebeld.", "Ik heb u gisteren gebeld."),
    ("Bedankt voor je tijd.", "Bedankt voor uw tijd."),
])
def test_je_becomes_u_with_the_right_verb_form(sentence, better):
    assert rewrite_u_vorm(sentence) == better


def test_ja_maar_becomes_lsd_without_the_contradiction():
    better = rewrite_ja_maar("Ja, maar onze kwaliteit is veel beter.")
    assert "maar" not in better.lower() and "beter" not in better
    assert better.startswith("Ik begrijp uw punt.") and better.endswith("?")
    assert "verkeerd aangesloten" not in rewrite_u_vorm("Klopt, maar dan heb je hem verkeerd aangesloten.")


def test_sentence_without_ja_maar_gets_a_plain_lsd_question():
    assert rewrite_ja_maar("Dat klopt niet.") == "Ik begrijp uw punt. Mag ik vragen wat voor u het zwaarst weegt?"


def test_choice_is_deterministic_and_spreads():
    variants = ["a", "b", "c"]
    assert choose(variants, "check", 3) == choose(variants, "check", 3)
    assert {choose(variants, "check", n) for n in range(1, 30)} == set(variants)


def test_fill_drops_the_full_stop_of_a_quoted_sentence():
    assert fill("De klant zei '{klantzin}', en jij zei '{zin}'.", klantzin="Te duur.", zin="Oké!") == \
        "De klant zei 'Te duur', en jij zei 'Oké!'"


def test_long_customer_turns_are_quoted_by_their_last_sentences():
    from bot.feedback.texts import short_quote

    long = ("Ja, ik herinner het me. Ik heb die folder over de wasservice meegenomen; hij ligt hier nog ergens. "
            "Ik moet eerlijk zeggen dat het nu niet zo goed uitkomt. We zitten midden in een productieronde.")
    assert short_quote(long) == ("…Ik moet eerlijk zeggen dat het nu niet zo goed uitkomt. "
                                 "We zitten midden in een productieronde.")
    assert short_quote("Dat is te duur.") == "Dat is te duur."
