"""A plain-Python matcher for the token patterns the rule notation produces.

spaCy's Matcher is general, but each call walks the doc's Token objects and calls back
into Python for every set or regex predicate; with one or two patterns per call that
overhead is most of the cost. The patterns compiled from domain/nlu/ (bot.nlu.dsl) are
simple: a sequence of steps, each a word test on the token's NORM (one word, a set of
words, or a regex) that is required, optional ("?"), or a gap of any words ("{0,4}").
For those a TokenSequence finds the same matches on the list of token norms: every
(start, end) with end > start whose tokens fit the steps, which is what spaCy's Matcher
returns for such a pattern (checked for every pattern in tests/unit/test_nlu_analysis.py).
Any other pattern (other attributes, "!", "+", "*", extension attributes) is left to spaCy.
"""

from __future__ import annotations

import re
from typing import Any, Callable

_GAP = re.compile(r"^\{(\d*),(\d+)\}$")
_QUANTIFIERS = {None: (1, 1), "1": (1, 1), "?": (0, 1)}

# A word test: None (any word), a frozenset (the norm is one of these words) or a
# function (a compiled regex's search, true when it finds something in the norm).
WordTest = frozenset | Callable[[str], Any] | None


def _word_test(token: dict[str, Any]) -> tuple[bool, WordTest]:
    """(understood, test) for the attributes of one pattern token."""
    attrs = {key: value for key, value in token.items() if key != "OP"}
    if not attrs:
        return True, None
    if list(attrs) != ["NORM"]:
        return False, None
    spec = attrs["NORM"]
    if isinstance(spec, str):
        return True, frozenset([spec])
    if isinstance(spec, dict) and len(spec) == 1:
        if isinstance(spec.get("IN"), list) and all(isinstance(v, str) for v in spec["IN"]):
            return True, frozenset(spec["IN"])
        if isinstance(spec.get("REGEX"), str):
            return True, re.compile(spec["REGEX"]).search  # as spaCy: re.search on the norm
    return False, None


def _quantifier(op: Any) -> tuple[int, int] | None:
    if op in _QUANTIFIERS:
        return _QUANTIFIERS[op]
    match = _GAP.match(op) if isinstance(op, str) else None
    if match:
        low, high = int(match.group(1) or 0), int(match.group(2))
        return (low, high) if low <= high else None
    return None


class TokenSequence:
    """One token pattern as steps (test, least, most): `least` to `most` words that pass."""

    def __init__(self, steps: list[tuple[WordTest, int, int]]):
        self.steps = steps
        first, least, _ = steps[0]
        # a required first word: only the tokens that pass it can start a match
        self.first = first if least >= 1 and first is not None else None

    @classmethod
    def compile(cls, pattern: list[dict[str, Any]]) -> TokenSequence | None:
        """The sequence for a spaCy token pattern, or None when it has other features."""
        steps = []
        for token in pattern:
            if not isinstance(token, dict):
                return None
            quantifier = _quantifier(token.get("OP"))
            understood, test = _word_test(token)
            if quantifier is None or not understood:
                return None
            if test is not None and quantifier[1] > 1:
                return None  # a repeated word test: not produced by the notation
            steps.append((test, *quantifier))
        if not steps or all(least == 0 for _, least, _ in steps):
            return None
        return cls(steps)

    def __call__(self, norms: list[str]) -> list[tuple[int, int]]:
        """All (start, end) spans of `norms` that fit the steps, by start then end."""
        size = len(norms)
        first = self.first
        if first is None:
            starts = range(size)
        elif type(first) is frozenset:
            starts = [i for i, norm in enumerate(norms) if norm in first]
        else:
            starts = [i for i, norm in enumerate(norms) if first(norm)]
        found = []
        for start in starts:
            positions = {start}
            for test, least, most in self.steps:
                reached = set()
                for position in positions:
                    if least == 0:
                        reached.add(position)
                    end = position
                    limit = min(position + most, size)
                    while end < limit:
                        norm = norms[end]
                        if test is not None and not (norm in test if type(test) is frozenset else test(norm)):
                            break
                        end += 1
                        if end - position >= least:
                            reached.add(end)
                positions = reached
                if not positions:
                    break
            found.extend((start, end) for end in sorted(positions) if end > start)
        return found
