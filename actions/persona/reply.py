"""The persona's reply: a few parts joined into one utterance, with the signals they carry."""

from __future__ import annotations

from dataclasses import dataclass, field

from actions.persona.texts import LinePicker

# Lines that only fill a silence; dropped when the persona has something else to say.
FILLER_KEYS = {"neutral", "benefit_heard", "toezegging_heard", "greeting_reply", "greeting_after_opening",
               "summary_confirmed"}


@dataclass
class Part:
    text: str
    signals: list[str] = field(default_factory=list)
    filler: bool = False


@dataclass
class Reply:
    parts: list[Part] = field(default_factory=list)

    def add(self, text: str, signals: list[str] | None = None, filler: bool = False) -> None:
        if text:
            self.parts.append(Part(text, list(signals or []), filler))

    def add_line(self, picker: LinePicker, key: str) -> None:
        text, signals = picker.line(key)
        self.add(text, signals, filler=key in FILLER_KEYS)

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
