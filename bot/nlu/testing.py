"""Helpers for the recogniser tests and benchmarks: a stand-in "installed model", case files.

The real nl_core_news_sm cannot be downloaded here; build_test_model() saves a small
pipeline that behaves like one for our rules (lemmas and POS) so that the installed-model
path of bot.nlu.pipeline is tested too.
"""

from __future__ import annotations

from pathlib import Path

import yaml

DATA_DIR = Path(__file__).resolve().parent.parent.parent / "tests" / "data"

# Verbs and pronouns the test model tags, so that rules that read POS are exercised.
AUX = ["kunt", "kun", "kan", "kunnen", "heeft", "hebt", "heb", "hebben", "is", "zijn", "bent", "ben",
       "wilt", "wil", "willen", "zal", "zullen", "zou", "zouden", "mag", "mogen", "moet", "moeten", "wordt"]
VERBS = ["gebruikt", "gebruiken", "werkt", "werken", "bestelt", "bestellen", "print", "zit", "zitten",
         "leveren", "levert", "krijg", "krijgt", "gaat", "gaan", "doet", "doen", "weet", "vindt", "komt",
         "spreek", "kent", "neemt", "past", "lukt", "zoekt", "bezorgen", "zet", "stuur", "vertelt", "zegt"]
PRONOUNS = ["u", "jullie", "je", "jij", "we", "wij", "ik", "ze", "zij", "hij", "het", "er"]


def build_test_model(path: Path) -> Path:
    """A small saved pipeline that looks like an installed model: lookup lemmas + POS.

    blank Dutch + the lookup lemmatizer + an attribute_ruler that tags common verbs and
    pronouns (as a trained tagger would), meta name "core_news_sm".
    """
    import spacy

    nlp = spacy.blank("nl")
    ruler = nlp.add_pipe("attribute_ruler")
    nlp.add_pipe("lemmatizer", config={"mode": "lookup"})
    nlp.initialize()  # loads the lookup tables; clears the ruler, so patterns come after
    ruler.add(patterns=[[{"LOWER": {"IN": AUX}}]], attrs={"POS": "AUX"})
    ruler.add(patterns=[[{"LOWER": {"IN": VERBS}}]], attrs={"POS": "VERB"})
    ruler.add(patterns=[[{"LOWER": {"IN": PRONOUNS}}]], attrs={"POS": "PRON"})
    ruler.add(patterns=[[{"LOWER": {"IN": ["dan", "nu", "daar", "dus", "toch", "ook", "goedemorgen"]}}]], attrs={"POS": "ADV"})
    nlp.meta["name"] = "core_news_sm"
    nlp.meta["version"] = "0.0.1"
    nlp.to_disk(path)
    return path


def load_cases(name: str = "nlu_regression.yml") -> list[dict]:
    with (DATA_DIR / name).open(encoding="utf-8") as handle:
        data = yaml.safe_load(handle)
    cases = []
    for index, case in enumerate(data["cases"]):
        if isinstance(case, list):
            speaker, text, labels = case
            case = {"speaker": speaker, "text": text, "labels": labels}
        case = dict(case)
        case["index"] = index
        cases.append(case)
    return cases


def case_id(case: dict) -> str:
    return f"{case['index']:03d}-{case['speaker']}-{case['text'][:40]}"
