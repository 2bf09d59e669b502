"""The persona's reply: a few parts joined into one utterance, with the signals they carry
and the reason it was said (contracts §2: `reason` in the bot event's metadata)."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from actions.persona.texts import LinePicker

# Lines that only fill a silence; dropped when the persona has something else to say.
FILLER_KEYS = {"neutral", "benefit_heard", "toezegging_heard", "greeting_reply", "greeting_after_opening",
               "summary_confirmed"}

# Her goodbye; after another line in the same reply only its last sentence is said ("Klopt, zo is
# het. Tot ziens!", not "Klopt, zo is het. Goed, dan weten we waar we aan toe zijn. Dag!").
GOODBYE_KEYS = {"goodbye_good", "goodbye_bad"}
_SENTENCE = re.compile(r"[^.!?]+[.!?]+")

# Why a customer message was said (contracts §2). The message's reason is its weightiest part's.
REASONS = ("opening", "answer", "question", "objection", "signal", "move_reaction", "fact_correction",
           "clarification", "neutral", "closing", "after_deal")
_WEIGHT = {r: i for i, r in enumerate(("closing", "opening", "fact_correction", "objection", "signal",
                                        "question", "answer", "move_reaction", "after_deal",
                                        "clarification", "neutral"))}

# The reason of a line from `lines:` (by key); keys not listed are reactions to a move.
LINE_REASONS = {
    "opening": "opening",
    "neutral": "neutral",
    "summary_wrong": "move_reaction",
    "identity_confirmed": "answer",
    "identity_other": "answer",
    "clarify": "clarification",
    "off_topic": "clarification",
    "short_answer": "answer",
    "offer_yes": "answer",
    "time_ok": "answer",
    "arranged_confirmed": "answer",
    "no_more_needs": "answer",
    "catalogue_price": "answer",
    "catalogue_delivery": "answer",
    "catalogue_stock": "answer",
    "topic_answered": "answer",
    "accept_day": "closing",
    "remedy_confirmed": "answer",
    "goodbye_good": "closing",
    "goodbye_bad": "closing",
    "hangup": "closing",
    "after_end": "closing",
    "after_deal_end": "closing",
    "after_deal_hangup": "closing",
    "no_progress_end": "closing",
    "too_long_end": "closing",
    "no_progress_warning": "question",
    "feit_prijs": "fact_correction",
    "feit_aantal": "fact_correction",
    "feit_levertijd": "fact_correction",
    "feit_eigenschap": "fact_correction",
    "quote_error": "fact_correction",
    "quote_ok": "answer",
    "quote_partial": "answer",
    "quote_incomplete": "closing",
}


def line_reason(key: str) -> str:
    if key.startswith("after_deal_") and key not in LINE_REASONS:
        return "after_deal"
    return LINE_REASONS.get(key, "move_reaction")


@dataclass
class Part:
    text: str
    signals: list[str] = field(default_factory=list)
    filler: bool = False
    reason: str = "move_reaction"
    asks: str | None = None  # the topic this part asks the student about
    goodbye: bool = False  # her goodbye line (GOODBYE_KEYS)


@dataclass
class Reply:
    parts: list[Part] = field(default_factory=list)
    after_deal: bool = False  # said after the deal: every part but a closing one is `after_deal`

    def add(self, text: str, signals: list[str] | None = None, filler: bool = False,
            reason: str = "move_reaction", asks: str | None = None) -> None:
        if text:
            self.parts.append(Part(text, list(signals or []), filler, reason, asks))

    def add_line(self, picker: LinePicker, key: str) -> None:
        text, signals = picker.line(key)
        self.add(text, signals, filler=key in FILLER_KEYS, reason=line_reason(key), asks=picker.last_asks)
        if key in GOODBYE_KEYS and self.parts and self.parts[-1].text == text:
            self.parts[-1].goodbye = True

    def shorten_goodbye(self) -> None:
        """One closing line: after something else in this reply, the goodbye keeps its last sentence."""
        for i, part in enumerate(self.parts):
            if part.goodbye and i > 0:
                sentences = _SENTENCE.findall(part.text)
                if len(sentences) > 1:
                    part.text = sentences[-1].strip()

    def drop_fillers(self) -> None:
        self.parts = [p for p in self.parts if not p.filler]

    @property
    def empty(self) -> bool:
        return not self.parts

    def text(self) -> str:
        return " ".join(p.text for p in self.parts)

    def signals(self) -> list[str]:
        out: list[str] = []
        for part in self.parts:
            for s in part.signals:
                if s not in out:
                    out.append(s)
        return out

    def reason(self) -> str:
        """The weightiest reason of the parts (a signal after an answer makes it a signal)."""
        if not self.parts:
            return "neutral"
        best = min(self.parts, key=lambda p: _WEIGHT.get(p.reason, len(_WEIGHT))).reason
        if self.after_deal and best != "closing":
            return "after_deal"
        return best
