"""Hand-written transcripts as Rasa events (for tests, demos and teacher examples).

    events = script_events([
        ("klant", "Goedemiddag, met Jansen.", []),
        ("student", "Goedemiddag, u spreekt met Sanne van Kantoorgemak.", ["begroeting"]),
        ("klant", "Hoe snel kunnen jullie leveren?", ["koopsignaal.levering"]),
        ("student", "Morgen al. Zal ik het voor u vastleggen?", ["afsluitvraag"], "goed"),
    ], slots={"uitkomst": "order"})

A line ("slot", name, value) sets a slot at that point (("slot", "uitkomst", "order") right
after the customer's yes marks the line that made the deal). Student lines carry the labels
the recogniser would give (and optionally its verdict); customer lines carry the signals. The events follow contracts §2.
"""

from __future__ import annotations

from typing import Any, Iterable

from bot.vocabulary import PRACTICE


def script_events(
    lines: Iterable[tuple],
    scenario: str | None = None,
    mode: str = PRACTICE,
    slots: dict[str, Any] | None = None,
) -> list[dict[str, Any]]:
    events: list[dict[str, Any]] = [
        {"event": "session_started", "metadata": {"scenario": scenario, "mode": mode}},
        {"event": "slot", "name": "mode", "value": mode},
    ]
    if scenario:
        events.append({"event": "slot", "name": "scenario", "value": scenario})
    last_signals: list[str] = []
    for line in lines:
        if line[0] == "slot":  # ("slot", name, value): a slot set at this point, e.g. the deal
            events.append({"event": "slot", "name": line[1], "value": line[2]})
            continue
        speaker, text, labels = line[0], line[1], list(line[2])
        verdict = line[3] if len(line) > 3 else None
        if speaker == "student":
            reaction = None
            if verdict:
                reaction = {"verdict": verdict, "reason": "", "competencies": [],
                            "signal": last_signals[0] if last_signals else None, "rule": "script"}
            events.append({
                "event": "user",
                "text": text,
                "parse_data": {
                    "text": text,
                    "intent": {"name": labels[0] if labels else "nlu_fallback", "confidence": 1.0},
                    "entities": [],
                    "labels": labels,
                    "evidence": [],
                    "reaction": reaction,
                    "previous_signals": list(last_signals),
                },
            })
            last_signals = []
        else:
            events.append({"event": "bot", "text": text, "metadata": {"speaker": speaker, "labels": labels}})
            last_signals = labels or last_signals
    for name, value in (slots or {}).items():
        events.append({"event": "slot", "name": name, "value": value})
    return events
