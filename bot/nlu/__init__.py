"""The Dutch recogniser: signals in what a customer says, moves in what a student says.

    from bot.nlu import analyse
    a = analyse("wnnr kan t geleverd worden", speaker="klant")
    a.labels      # ("koopsignaal.levering",)

Loaded once per process (spaCy pipeline, compiled patterns, data from domain/nlu/).
`validate_patterns()` loads and checks all recogniser data and raises ContentErrors with
file:line; `oefengesprek validate` calls it.
"""

from __future__ import annotations

import threading
from dataclasses import replace
from datetime import date
from typing import Any

from bot.nlu.analysis import Analysis, Entity, Evidence, Reaction

__all__ = [
    "Analysis",
    "Entity",
    "Evidence",
    "Reaction",
    "analyse",
    "get_recogniser",
    "reset",
    "validate_patterns",
]

_LOCK = threading.Lock()
_RECOGNISER = None


def get_recogniser():
    """The process-wide recogniser (built on first use)."""
    global _RECOGNISER
    if _RECOGNISER is None:
        with _LOCK:
            if _RECOGNISER is None:
                from bot.nlu.recogniser import Recogniser

                _RECOGNISER = Recogniser()
    return _RECOGNISER


def reset() -> None:
    """Forget the loaded recogniser and data (tests; after editing domain/nlu/)."""
    global _RECOGNISER
    from bot.nlu.resources import resources

    with _LOCK:
        _RECOGNISER = None
        resources.cache_clear()


def analyse(
    text: str,
    speaker: str = "student",
    previous: str | None = None,
    catalogue: list[dict[str, Any]] | None = None,
    reference_date: date | None = None,
    previous_labels: list[str] | tuple[str, ...] | None = None,
) -> Analysis:
    """Analyse one utterance. See docs/contracts.md §1. `previous_labels`: the signals of the
    previous customer line as the scenario annotates them; when given, the verdict answers
    these instead of re-recognising `previous` (whose text still serves as context).

    Bounded in time and memory for any input (bot.nlu.guard): runs without spaces that would
    make the tokenizer slow are split first (normal text is passed on unchanged), and the
    analysis runs in a spaCy memory zone so new words do not stay in the vocabulary."""
    from bot.nlu.guard import bounded, guarded

    recogniser = get_recogniser()
    safe = bounded(text) if isinstance(text, str) else text
    before = bounded(previous) if isinstance(previous, str) else previous
    result = guarded(recogniser.nlp, lambda: recogniser.analyse(
        safe, speaker=speaker, previous=before, catalogue=catalogue, reference_date=reference_date,
        previous_labels=previous_labels))
    return result if safe is text else replace(result, text=text)


def validate_patterns(root=None) -> None:
    """Load and check every file in domain/nlu/ (also compiles the patterns with spaCy).

    Raises bot.content.ContentErrors naming file and line for each problem.
    """
    from pathlib import Path

    import spacy
    from spacy.matcher import Matcher

    from bot.content import ContentError, ContentErrors
    from bot.nlu.resources import load_resources

    res = load_resources(Path(root) if root else None)
    vocab = spacy.blank("nl").vocab
    errors: list[ContentError] = []
    for rule in res.rules:
        for pattern in (*rule.patterns, *rule.unless):
            try:
                Matcher(vocab, validate=True).add(rule.id, [pattern])
            except (ValueError, KeyError) as exc:
                path, _, line = rule.source.rpartition(":")
                errors.append(ContentError(path, int(line) if line.isdigit() else None,
                                           f"regel {rule.id}: ongeldig spaCy-patroon: {str(exc).splitlines()[0]}"))
    if errors:
        raise ContentErrors(errors)
