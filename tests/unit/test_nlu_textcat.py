"""The trained classifier beside the rules (bot/nlu/textcat.py, trained by
bot/nlu/training/textcat.py): shipped, deterministic, and only heard where the rules are silent."""

from __future__ import annotations

import pytest

from bot.nlu.recogniser import Recogniser
from bot.nlu.textcat import MODEL_DIR, MODEL_RULE, TextClassifier, load, model_labels


@pytest.fixture(scope="module")
def classifier():
    loaded = load()
    assert loaded is not None, f"no trained model in {MODEL_DIR}: run python -m bot.nlu.training.textcat"
    return loaded


@pytest.fixture(scope="module")
def rules_only():
    return Recogniser(use_model=False)


class FixedScores(TextClassifier):
    """The shipped classifier's gating with scores chosen by the test."""

    def __init__(self, base: TextClassifier, scores: dict[str, float]):
        self.__dict__.update(base.__dict__)
        self.fixed = scores

    def scores_of_words(self, words):
        return {label: self.fixed.get(label, 0.0) for label in self.labels}


def test_the_model_ships_in_the_package_and_knows_the_right_labels(classifier):
    assert classifier.labels == model_labels()
    assert "open_vraag" not in classifier.labels and "informeel" not in classifier.labels
    assert "ja_maar" not in classifier.labels  # a fixed form the rules read
    size = sum(p.stat().st_size for p in MODEL_DIR.rglob("*") if p.is_file())
    assert size < 3_000_000


def test_training_is_deterministic(tmp_path, rules_only):
    from bot.nlu.training.textcat import build, digest, save, training_items

    items = training_items()[::15]
    for name in ("a", "b"):
        save(build(items, seed=7, recogniser=rules_only, epochs=2), tmp_path / name)
    assert digest(tmp_path / "a") == digest(tmp_path / "b")
    loaded = TextClassifier(tmp_path / "a")
    assert loaded.scores_of_words(["__klant__", "te", "duur"]) == loaded.scores_of_words(["__klant__", "te", "duur"])


def test_training_never_reads_a_held_out_set():
    import inspect

    from bot.nlu.training import textcat

    assert "heldout" not in inspect.getsource(textcat.training_items)


def test_the_fast_scores_equal_spacys_own_prediction(classifier):
    from spacy.tokens import Doc
    from spacy.util import load_config, load_model_from_config

    nlp = load_model_from_config(load_config(MODEL_DIR / "config.cfg"), auto_fill=True)
    pipe = nlp.get_pipe("textcat_multilabel")
    pipe.from_disk(MODEL_DIR / "textcat_multilabel", exclude=["vocab"])
    for words in (["__klant__", "dat", "is", "me", "te", "duur"], ["__student__", "ik", "bel", "u", "morgen", "terug"]):
        spacy_scores = pipe.model.predict([Doc(nlp.vocab, words=words)])[0].tolist()
        assert list(classifier.scores_of_words(words).values()) == pytest.approx(spacy_scores, abs=1e-6)


def test_a_signal_family_the_rules_found_stays_closed(classifier, rules_only):
    doc = rules_only.doc("Klinkt goed, maar het is te duur en ik heb geen tijd.", "klant")
    fixed = FixedScores(classifier, {"weerstand.tijd": 0.9, "koopsignaal.instemming": 0.5,
                                     "koopsignaal.levering": 0.4, "klacht": 0.2})
    added = dict(fixed.additions(doc, "klant", {"weerstand.prijs"}))
    assert added == {"koopsignaal.instemming": 0.5}  # weerstand taken; best per family; klacht below the threshold


def test_a_signal_needs_a_lower_score_than_a_students_move(classifier, rules_only):
    from bot.nlu.textcat import SIGNAL_THRESHOLD, THRESHOLD

    between = (SIGNAL_THRESHOLD + THRESHOLD) / 2
    assert SIGNAL_THRESHOLD < between < THRESHOLD
    customer = rules_only.doc("Hm, daar moet ik nog eens goed naar kijken hoor.", "klant")
    assert FixedScores(classifier, {"weerstand.uitstel": between}).additions(customer, "klant", set()) == [
        ("weerstand.uitstel", between)]
    student = rules_only.doc("Dat komt echt helemaal goed met die levering.", "student")
    assert FixedScores(classifier, {"toezegging": between}).additions(student, "student", set()) == []


def test_a_student_reply_gets_a_move_only_when_the_rules_found_none(classifier, rules_only):
    doc = rules_only.doc("Dat komt echt helemaal goed met die levering.", "student")
    fixed = FixedScores(classifier, {"toezegging": 0.6, "tegenspreken": 0.4, "weerstand.prijs": 0.9})
    assert fixed.additions(doc, "student", set()) == [("toezegging", 0.6)]
    assert fixed.additions(doc, "student", {"begrip_tonen"}) == []
    assert fixed.additions(doc, "student", {"open_vraag"}) == [("toezegging", 0.6)]  # question moves stay with the rules


def test_one_or_two_words_are_left_to_the_rules(classifier, rules_only):
    fixed = FixedScores(classifier, {"koopsignaal.instemming": 0.99})
    assert fixed.additions(rules_only.doc("ja graag", "klant"), "klant", set()) == []


def test_a_model_label_carries_evidence_without_a_rule(classifier):
    recogniser = Recogniser(use_model=False)
    line = "Wij zijn een bakkerij met twaalf medewerkers in Zwolle."
    assert recogniser.analyse(line, speaker="klant").labels == ()
    recogniser.textcat = FixedScores(classifier, {"weerstand.tijd": 0.8})
    analysis = recogniser.analyse(line, speaker="klant")
    assert analysis.labels == ("weerstand.tijd",)
    assert [(e.label, e.rule) for e in analysis.evidence] == [("weerstand.tijd", MODEL_RULE)]
    assert MODEL_RULE == "model:textcat"
    # the previous line it answers is read by the rules alone
    reply = recogniser.analyse("Wat vervelend.", speaker="student", previous=line)
    assert reply.previous_signals == ()


def test_the_model_can_be_switched_off(monkeypatch):
    monkeypatch.setenv("OEFENGESPREK_TEXTCAT", "uit")
    assert Recogniser().textcat is None


def test_no_signal_of_the_other_polarity_without_a_contrast(classifier, rules_only):
    fixed = FixedScores(classifier, {"weerstand.prijs": 0.9})
    plain = rules_only.doc("Die prijs is heel redelijk.", "klant")
    assert fixed.additions(plain, "klant", {"koopsignaal.instemming"}) == []
    contrast = rules_only.doc("Die prijs is redelijk, maar de levertijd valt me tegen.", "klant")
    assert fixed.additions(contrast, "klant", {"koopsignaal.instemming"}) == [("weerstand.prijs", 0.9)]


def test_a_label_the_rules_declined_stays_with_the_rules(classifier):
    # "ooit zouden overstappen": the rules block buying signals in a hypothetical question
    recogniser = Recogniser(use_model=False)
    line = "Als we ooit zouden overstappen, hoe zit het dan met de garantie?"
    assert recogniser.analyse(line, speaker="klant").labels == ("interessesignaal",)
    recogniser.textcat = FixedScores(classifier, {"koopsignaal.voorwaarden": 0.99})
    analysis = recogniser.analyse(line, speaker="klant")
    assert analysis.labels == ("interessesignaal",)
