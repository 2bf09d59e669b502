"""Token patterns with a cheap pre-check: only run the patterns that can match this doc.

spaCy's Matcher tries every pattern at every token, and set/regex predicates and the
optional tokens of gaps ("...") are expensive, so hundreds of rules cost milliseconds per
utterance. Each pattern here knows the words it needs (its non-optional tokens) and is run
on its own; for a doc only the patterns whose required words all occur in it are run.
A pattern in the rule notation runs as a TokenSequence on the token norms (same matches
as spaCy's Matcher, without its per-call overhead); any other pattern runs in a spaCy
Matcher. Results are the same as running every pattern, only faster (a rule with 40
patterns typically has one or two that can match a given utterance).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any, Iterable

from spacy.matcher import Matcher
from spacy.tokens import Doc
from spacy.vocab import Vocab

from bot.nlu.sequence import TokenSequence

_UNESCAPE = re.compile(r"\\(.)")
WORDS_KEY = "oefen_woorden"
NORMS_KEY = "oefen_normen"  # the list of token norms, in order
STARTS_KEY = "oefen_zinsbegin"  # token indices that open a sentence or clause
SENTENCE_STARTS_KEY = "oefen_zinsstart"  # token indices that open a sentence
# pattern extension on the first token → the doc.user_data key with the allowed start tokens
_ANCHORS = {"oefen_zinsbegin": STARTS_KEY, "oefen_zinsstart": SENTENCE_STARTS_KEY}

DocWords = tuple[set[str], set[str], str]  # (norms, lemmas, " norm norm ...")


@dataclass(frozen=True)
class Requirement:
    """One required token: its norm in `words`, or starting with one of `prefixes`; or lemma."""

    words: frozenset[str] = frozenset()
    prefixes: tuple[str, ...] = ()
    lemmas: frozenset[str] = frozenset()

    @property
    def spaced_prefixes(self) -> tuple[str, ...]:
        """The prefixes as they occur in the doc's " norm norm ..." text."""
        return tuple(f" {p}" for p in self.prefixes)


# A requirement as the per-doc check reads it: (lemmas, words, spaced prefixes); one of
# them is met when it shares an element with the doc (or, for prefixes, occurs in its text).
_Check = tuple[frozenset[str], frozenset[str], tuple[str, ...]]


def _checks(needed: list[Requirement]) -> tuple[_Check, ...]:
    return tuple((r.lemmas, r.words, r.spaced_prefixes) for r in needed)


def _values(spec: Any) -> list[str] | None:
    if isinstance(spec, str):
        return [spec]
    if isinstance(spec, dict) and "IN" in spec and len(spec) == 1:
        return [str(v) for v in spec["IN"]]
    return None


def _regex_options(spec: Any) -> tuple[list[str], list[str]] | None:
    """Words and prefixes from a regex made by bot.nlu.dsl ("^(?:a$|b)")."""
    if not (isinstance(spec, dict) and list(spec) == ["REGEX"]):
        return None
    regex = spec["REGEX"]
    if not (regex.startswith("^(?:") and regex.endswith(")")):
        return None
    words, prefixes = [], []
    for part in regex[4:-1].split("|"):
        if part.endswith("$") and not part.endswith("\\$"):
            words.append(_UNESCAPE.sub(r"\1", part[:-1]))
        else:
            prefixes.append(_UNESCAPE.sub(r"\1", part))
    return words, prefixes


def requirements(pattern: list[dict[str, Any]]) -> list[Requirement] | None:
    """The tokens a pattern cannot do without; None when unknown (always run it)."""
    needed = []
    for token in pattern:
        if token.get("OP") not in (None, "!", "+", "1"):
            continue
        attrs = {k: v for k, v in token.items() if k not in ("OP", "_")}
        if not attrs:
            continue
        if set(attrs) == {"NORM"}:
            values = _values(attrs["NORM"])
            if values is not None:
                needed.append(Requirement(words=frozenset(values)))
                continue
            options = _regex_options(attrs["NORM"])
            if options is not None:
                words, prefixes = options
                needed.append(Requirement(words=frozenset(words), prefixes=tuple(prefixes)))
                continue
            return None
        if set(attrs) == {"LEMMA"}:
            values = _values(attrs["LEMMA"])
            if values is not None:
                needed.append(Requirement(lemmas=frozenset(values)))
                continue
        return None  # other attributes: cannot pre-check, always run
    return needed


def _dutch_stop_words() -> frozenset[str]:
    from spacy.lang.nl.stop_words import STOP_WORDS

    return frozenset(STOP_WORDS)


@dataclass(frozen=True)
class _Pattern:
    """One token pattern: a TokenSequence, or else a spaCy Matcher of its own."""

    key: Any  # the key its matches are reported under
    order: tuple[str, int]  # run order: keys as strings, then the order patterns were added
    sequence: TokenSequence | None
    matcher: Matcher | None
    anchor: str | None  # doc.user_data key of the tokens the match must start at ("^", "^^")

    def spans(self, doc: Doc, norms: list[str]) -> list[tuple[int, int]]:
        if self.sequence is not None:
            return self.sequence(norms)
        return [(start, end) for _, start, end in self.matcher(doc)]


def _run_order(pattern: _Pattern) -> tuple[str, int]:
    return pattern.order


class FilteredMatcher:
    """Keyed token patterns; a doc runs only the patterns whose required words it has.

    Every pattern is indexed under one anchor: a word it needs (or a prefix or a lemma).
    For a doc only the patterns anchored on its words are checked for their other required
    words, and only those that have them all are run.
    """

    def __init__(self, vocab: Vocab, validate: bool = True, common: Iterable[str] = ()):
        self.vocab = vocab
        self.common = frozenset(common) or _dutch_stop_words()
        self.validate = validate
        self.keys: set[Any] = set()
        self.patterns: list[_Pattern] = []
        # anchor → (pattern number, the requirements still to check once the anchor is found)
        self.by_word: dict[str, list[tuple[int, tuple[_Check, ...]]]] = {}
        self.by_lemma: dict[str, list[tuple[int, tuple[_Check, ...]]]] = {}
        self.by_prefix: dict[str, list[tuple[str, int, tuple[_Check, ...]]]] = {}  # first 3 letters
        self.always: list[int] = []
        # checks the syntax of every pattern as spaCy would (bad patterns raise ValueError)
        self._validator = Matcher(vocab, validate=validate)

    def add(self, key: Any, patterns: Iterable[list[dict[str, Any]]]) -> None:
        self.keys.add(key)
        for pattern in patterns:
            anchor = None
            extension = pattern[0].get("_") if pattern else None
            if isinstance(extension, dict) and len(extension) == 1 and next(iter(extension)) in _ANCHORS:
                # "^" on the first word: checked after matching (much cheaper than a
                # per-token extension predicate inside spaCy's Matcher)
                anchor = _ANCHORS[next(iter(extension))]
                first = {k: v for k, v in pattern[0].items() if k != "_"}
                pattern = [first or {}, *pattern[1:]]
            self._validator.add("m", [pattern])  # raises ValueError on a bad pattern
            sequence = TokenSequence.compile(pattern)
            matcher = None
            if sequence is None:
                matcher = Matcher(self.vocab, validate=self.validate)
                matcher.add("m", [pattern])
            number = len(self.patterns)
            self.patterns.append(_Pattern(key, (str(key), number), sequence, matcher, anchor))
            self._index(number, requirements(pattern))

    def _index(self, number: int, needed: list[Requirement] | None) -> None:
        if not needed:
            self.always.append(number)
            return
        plain = [r for r in needed if r.words and not r.prefixes and not r.lemmas]
        if plain:
            # anchor on the rarest requirement: no stop words, few alternatives
            # the anchor is met when the pattern is found through it: only the rest is checked
            anchor = min(plain, key=lambda r: (len(r.words & self.common), len(r.words)))
            rest = _checks([r for r in needed if r is not anchor])
            for word in anchor.words:
                self.by_word.setdefault(word, []).append((number, rest))
            return
        lemma = [r for r in needed if r.lemmas]
        if lemma:
            rest = _checks([r for r in needed if r is not lemma[0]])
            for word in lemma[0].lemmas:
                self.by_lemma.setdefault(word, []).append((number, rest))
            return
        anchor = needed[0]
        rest = _checks(needed[1:])
        for prefix in anchor.prefixes:
            self.by_prefix.setdefault(prefix[:3], []).append((prefix, number, rest))
        for word in anchor.words:
            self.by_word.setdefault(word, []).append((number, rest))

    def __len__(self) -> int:
        return len(self.keys)

    @staticmethod
    def doc_words(doc: Doc) -> DocWords:
        """(norms, lemmas, " norm norm ...") of a doc; cached in doc.user_data by the normaliser."""
        cached = doc.user_data.get(WORDS_KEY)
        if cached is not None:
            return cached
        norms_list = [t.norm_ for t in doc]
        return set(norms_list), {t.lemma_ for t in doc}, " " + " ".join(norms_list)

    def candidates(self, words: DocWords, only: set[Any] | None = None) -> list[_Pattern]:
        """The patterns whose required words all occur in the doc, in run order."""
        norms, lemmas, norm_text = words
        entries: list[tuple[int, tuple[_Check, ...]]] = []  # (pattern, checks left) found by an anchor
        by_word = self.by_word
        for norm in norms:
            found = by_word.get(norm)
            if found is not None:
                entries += found
        if self.by_lemma:
            for lemma in lemmas:
                entries += self.by_lemma.get(lemma, ())
        if self.by_prefix:
            by_prefix = self.by_prefix
            for norm in norms:
                found = by_prefix.get(norm[:3])
                if found is not None:
                    entries += [(number, rest) for prefix, number, rest in found if norm.startswith(prefix)]
        chosen = set(self.always)
        for number, rest in entries:
            if number in chosen:
                continue
            for need_lemmas, need_words, need_prefixes in rest:
                if need_lemmas:
                    if need_lemmas.isdisjoint(lemmas):
                        break
                elif need_words.isdisjoint(norms) and not (
                    need_prefixes and any(p in norm_text for p in need_prefixes)
                ):
                    break
            else:
                chosen.add(number)
        patterns = self.patterns
        if only is not None:
            chosen = {number for number in chosen if patterns[number].key in only}
        if len(chosen) > 1:
            return sorted((patterns[number] for number in chosen), key=_run_order)
        return [patterns[number] for number in chosen]

    def __call__(
        self,
        doc: Doc,
        words: DocWords | None = None,
        only: set[Any] | None = None,
    ) -> list[tuple[Any, int, int]]:
        """Matches as (key, start, end), each once; `only` limits the run to these keys."""
        found: dict[tuple[Any, int, int], None] = {}
        candidates = self.candidates(words or self.doc_words(doc), only)
        if not candidates:
            return []
        norms = doc.user_data.get(NORMS_KEY)
        if norms is None or len(norms) != len(doc):
            norms = [t.norm_ for t in doc]
        for pattern in candidates:
            matches = pattern.spans(doc, norms)
            if not matches:
                continue
            starts = doc.user_data.get(pattern.anchor, ()) if pattern.anchor else None
            for start, end in matches:
                if starts is None or start in starts:
                    found[(pattern.key, start, end)] = None
        return list(found)
