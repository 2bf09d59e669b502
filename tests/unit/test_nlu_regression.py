"""Regression cases (tests/data/nlu_regression.yml) on both spaCy pipeline paths.

`blank`: spacy.blank("nl") + lookup lemmatizer (what runs when no model is installed).
`model`: a saved pipeline loaded through OEFENGESPREK_SPACY_MODEL that tags POS like an
installed nl_core_news_sm (bot.nlu.testing.build_test_model), so the rules that read POS
are exercised too. Both must give the same labels and verdicts.
"""

from __future__ import annotations

import pytest

from bot.nlu.pipeline import MODEL_ENV
from bot.nlu.recogniser import Recogniser
from bot.nlu.testing import build_test_model, case_id, load_cases

CASES = load_cases()


@pytest.fixture(scope="session")
def test_model_path(tmp_path_factory):
    return build_test_model(tmp_path_factory.mktemp("spacy_model") / "nl_test_core_news_sm")


@pytest.fixture(scope="session")
def blank_recogniser():
    with pytest.MonkeyPatch.context() as patch:
        patch.delenv(MODEL_ENV, raising=False)
        return Recogniser()


@pytest.fixture(scope="session")
def model_recogniser(test_model_path):
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv(MODEL_ENV, str(test_model_path))
        return Recogniser()


@pytest.fixture(params=["blank", "model"])
def recogniser(request):
    return request.getfixturevalue(f"{request.param}_recogniser")


def test_the_loader_took_the_path_it_was_given(blank_recogniser, model_recogniser, test_model_path):
    assert blank_recogniser.model.source in ("blank", "installed")
    if blank_recogniser.model.source == "blank":
        assert blank_recogniser.model.name == "blank:nl"
        assert not blank_recogniser.model.has_pos
    assert model_recogniser.model.source == "env"
    assert model_recogniser.model.name == str(test_model_path)
    assert model_recogniser.model.has_pos
    assert model_recogniser.model.meta_name == "nl_core_news_sm"
    assert "attribute_ruler" in model_recogniser.nlp.pipe_names


def test_the_model_path_really_tags_pos(model_recogniser):
    doc = model_recogniser.doc("Kunt u morgen leveren?", "klant")
    assert [t.pos_ for t in doc][:2] == ["AUX", "PRON"]
    assert doc[0].lemma_ == "kunnen"


def test_pos_decides_inversion_on_the_model_path(model_recogniser, blank_recogniser):
    # "Print u veel in kleur" - without POS the verb list decides, with POS the tagger does;
    # both read it as a closed question.
    for recogniser in (model_recogniser, blank_recogniser):
        assert recogniser.analyse("print u veel in kleur", speaker="student").labels == ("gesloten_vraag",)
    # A word the tagger marks as adverb cannot open an inverted question.
    assert model_recogniser.analyse("dan kunt u het morgen ophalen", speaker="student").labels == ()


@pytest.mark.parametrize("case", CASES, ids=case_id)
def test_regression_case(recogniser, case):
    analysis = recogniser.analyse(case["text"], speaker=case["speaker"], previous=case.get("previous"))
    got = set(analysis.labels)
    why = [f"{e.label} <- {e.rule}: {e.text!r}" for e in analysis.evidence]
    if "labels" in case:
        assert got == set(case["labels"]), why
    if "bevat" in case:
        assert set(case["bevat"]) <= got, why
    if "niet" in case:
        assert not set(case["niet"]) & got, why
    if "verdict" in case:
        assert analysis.reaction is not None, f"no verdict; previous signals {analysis.previous_signals}"
        assert analysis.reaction.verdict == case["verdict"], (analysis.reaction, why)
