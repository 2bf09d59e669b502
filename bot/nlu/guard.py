"""The NLU's entry guard: bounded time and bounded memory for any input (issue 13).

Time. spaCy's tokenizer strips punctuation, symbols and emoji off a run of characters
without spaces one at a time, and every step rescans the rest of the run: its cost grows
with the run's length times the number of such characters in it. A run of 2,000 "!" or
"€" took 0.4-1.5 s, all of it on the server's event loop. `bounded()` rewrites only such
runs: in a run whose length times its count of characters that are neither letters nor
digits exceeds RUN_BUDGET, a mark repeated more than three times is cut to three; if the
run is still costly, it is split into its words and single other characters, separated by
spaces (the tokens the tokenizer would have cut anyway, now without the rescans), of which
the first MAX_PIECES are kept (so 2,000 marks never become 2,000 tokens).
Normal Dutch never comes near the budget (the costliest run in the labelled sets, the
test stories and the scenarios scores 87, e.g. "2.5-onderhandelen-werkkleding"; a web
address like "sanne@kantoorgemak.nl" scores 42), so its text, and so its analysis, is
unchanged; tests/unit/test_nlu_guard.py proves that on every labelled set. What the
tokenizer still does for unchanged runs is bounded by the budget: at worst about
2,000 / 17 runs of 16 marks each, a few milliseconds.

Memory. Every new word (a typo, a made-up product name) added a string and a lexeme to
the shared vocabulary for as long as the process lived (+9.5 MB per 1,000 conversations
of new words). `guarded()` lets the vocabulary learn the first LEARN_LIMIT new strings
(the words students use again and again are among them, and stay cached: a word seen
before is tokenized from the cache, twice as fast); after that it runs each analysis
inside spaCy's memory zone, which forgets what the analysis added. The results are plain
Python values, so they are identical either way. Memory zones must not overlap, so
analyses run one at a time (they hold the GIL anyway).
"""

from __future__ import annotations

import re
import threading
from collections.abc import Callable
from typing import TypeVar

RUN_BUDGET = 256
LEARN_LIMIT = 20_000  # new strings the shared vocabulary may keep for good (about 20 MB at most)
_LONG_RUN = re.compile(r"\S{17,}")  # a run of <= 16 characters is within budget whatever it holds
_RUN = re.compile(r"\S+")
# letters and digits (\w without "_") stay together; every other character is one piece
_PIECE = re.compile(r"[^\W_]+|[\W_]")
_REPEAT = re.compile(r"([\W_])\1{3,}")
MAX_PIECES = 64  # of one costly run: words and marks beyond this carry nothing a rule could read
_ZONE_LOCK = threading.RLock()
_zone_depth = threading.local()

T = TypeVar("T")


def _cost(run: str) -> int:
    return len(run) * sum(1 for ch in run if not ch.isalnum())


def _split_if_costly(match: re.Match) -> str:
    run = match.group()
    if _cost(run) <= RUN_BUDGET:
        return run
    run = _REPEAT.sub(r"\1\1\1", run)  # "!!!!!!!!" says no more than "!!!"
    if _cost(run) <= RUN_BUDGET:
        return run
    return " ".join(_PIECE.findall(run)[:MAX_PIECES])


def bounded(text: str) -> str:
    """`text` itself when no run without spaces is costly to tokenize; else those runs split up."""
    if len(text) <= 16 or not _LONG_RUN.search(text):
        return text
    split = _RUN.sub(_split_if_costly, text)
    return text if split == text else split


def guarded(nlp, fn: Callable[[], T]) -> T:  # noqa: ANN001 - a spaCy Language
    """Call `fn` (an analysis with `nlp`); inside a memory zone once the vocabulary has learned
    LEARN_LIMIT new strings. Nested calls share the outer zone."""
    with _ZONE_LOCK:
        if getattr(_zone_depth, "n", 0):
            return fn()
        strings = len(nlp.vocab.strings)
        base = nlp.__dict__.setdefault("_oefengesprek_vocab_base", strings)
        if strings < base + LEARN_LIMIT:
            return fn()
        _zone_depth.n = 1
        try:
            with nlp.memory_zone():
                return fn()
        finally:
            _zone_depth.n = 0
