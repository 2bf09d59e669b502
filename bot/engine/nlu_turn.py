"""The NLU call for a student turn: the reply is read against the customer line it answers.

The previous line is the last `bot` event of a customer speaker (`klant`/`leverancier`); coach
lines (briefing questions, instructions) never count. Its signals come from the event's
`metadata.labels`, the scenario's annotation (docs/contracts.md §2), so a verdict never
depends on re-recognising the customer's scripted line; only a line without that annotation
is left to the recogniser to read.
"""

from __future__ import annotations

from typing import Any

from bot.vocabulary import COACH, SPEAKERS_WITH_SIGNALS


def previous_customer_line(events: list[dict[str, Any]]) -> tuple[str | None, list[str] | None]:
    """(text, annotated signals or None) of the customer line a student turn answers.
    A bot event without a speaker (content that does not annotate) counts as the customer's."""
    for event in reversed(events):
        if event.get("event") != "bot" or not event.get("text"):
            continue
        metadata = event.get("metadata") or {}
        speaker = metadata.get("speaker")
        if speaker == COACH or (speaker is not None and speaker not in SPEAKERS_WITH_SIGNALS):
            continue
        labels = metadata.get("labels")
        return event["text"], (list(labels) if isinstance(labels, (list, tuple)) and speaker else None)
    return None, None


def analyse_student_turn(nlu, events: list[dict[str, Any]], text: str, catalogue: list | None = None):
    """Run the engine's NLU on a student reply with the previous customer line and its signals."""
    previous, labels = previous_customer_line(events)
    extra = {} if labels is None else {"previous_labels": labels}
    return nlu(text, speaker="student", previous=previous, catalogue=catalogue, **extra)
