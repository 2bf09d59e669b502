"""A tiny keyword parser standing in for bot.nlu.analyse in the engine's unit tests."""

from __future__ import annotations

import re

from bot.nlu.analysis import Analysis, Entity

KEYWORDS = [("stop", "stoppen"), ("dag", "afscheid"), ("bestel", "bestellen"), ("goedemorgen", "begroeting"),
            ("opnieuw", "restart"), ("hoe", "open_vraag"), ("zullen", "afsluitvraag"), ("lus", "lus"),
            ("weiger", "weiger"), ("wacht", "wachten"), ("kapot", "kapot")]
LABELS = {"begroeting": ("begroeting",), "open_vraag": ("open_vraag",), "afsluitvraag": ("afsluitvraag",)}


def analyse(text, speaker="student", previous=None, catalogue=None, previous_labels=None):
    lowered = text.lower()
    intent = next((i for k, i in KEYWORDS if k in lowered), None)
    entities = [Entity("aantal", int(m.group()), m.group(), m.start(), m.end()) for m in re.finditer(r"\d+", text)]
    entities += [Entity("product", "printer", m.group(), m.start(), m.end()) for m in re.finditer("printer", lowered)]
    if intent is None:
        intent = "inform" if entities else "nlu_fallback"
    return Analysis(text=text, speaker=speaker, labels=LABELS.get(intent, ()), intent=intent,
                    entities=tuple(entities))
