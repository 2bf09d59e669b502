"""spaCy Matchers with a cheap pre-check: only run the patterns that can match this doc.

spaCy's Matcher tries every pattern at every token, and set/regex/extension predicates are
Python callbacks, so hundreds of rules cost milliseconds per utterance. Each pattern here
knows the words it needs (its non-optional tokens); a key's Matcher runs only when every
required word of at least one of its patterns occurs in the doc. Results are identical to
running all patterns, only faster.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any, Iterable

from spacy.matcher import Matcher
from spacy.tokens import Doc
from spacy.vocab import Vocab

_UNESCAPE = re.compile(r"\\(.)")
WORDS_KEY = "oefen_woorden"
NORMS_KEY = "oefen_normen"  # the list of token norms, in order
STARTS_KEY = "oefen_zinsbegin"  # token indices that open a sentence or clause
SENTENCE_STARTS_KEY = "oefen_zinsstart"  # token indices that open a sentence
_ANCHORS = {"oefen_zinsbegin": ("a", STARTS_KEY), "oefen_zinsstart": ("s", SENTENCE_STARTS_KEY)}


@dataclass(frozen=True)
class Requirement:
    """One required token: its norm in `words`, or starting with one of `prefixes`; or lemma."""

    words: frozenset[str] = frozenset()
    prefixes: tuple[str, ...] = ()
    lemmas: frozenset[str] = frozenset()

    def met(self, norms: set[str], lemmas: set[str], norm_text: str) -> bool:
        if self.lemmas:
            return bool(self.lemmas & lemmas)
        if self.words & norms:
            return True
        return bool(self.prefixes) and any(f" {p}" in norm_text for p in self.prefixes)


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


class FilteredMatcher:
    """A set of keyed spaCy Matchers, each run only when one of its patterns can match.

    Every pattern is indexed under one anchor: a word it needs (or a prefix or a lemma).
    For a doc only the patterns anchored on its words are checked in full.
    """

    def __init__(self, vocab: Vocab, validate: bool = True, common: Iterable[str] = ()):
        self.vocab = vocab
        self.common = frozenset(common) or _dutch_stop_words()
        self.validate = validate
        self.matchers: dict[Any, Matcher] = {}
        self.by_word: dict[str, list[tuple[Any, list[Requirement]]]] = {}
        self.by_lemma: dict[str, list[tuple[Any, list[Requirement]]]] = {}
        self.by_prefix: dict[str, list[tuple[str, Any, list[Requirement]]]] = {}  # first 3 letters
        self.always: set[Any] = set()

    def add(self, key: Any, patterns: Iterable[list[dict[str, Any]]]) -> None:
        matcher = self.matchers.get(key)
        if matcher is None:
            matcher = self.matchers[key] = Matcher(self.vocab, validate=self.validate)
        for pattern in patterns:
            match_id = "m"
            extension = pattern[0].get("_") if pattern else None
            if isinstance(extension, dict) and len(extension) == 1 and next(iter(extension)) in _ANCHORS:
                # "^" on the first word: checked after matching (much cheaper than a
                # per-token extension predicate inside spaCy's Matcher)
                match_id = _ANCHORS[next(iter(extension))][0]
                first = {k: v for k, v in pattern[0].items() if k != "_"}
                pattern = [first or {}, *pattern[1:]]
            matcher.add(match_id, [pattern])  # raises ValueError on a bad pattern
            self._index(key, requirements(pattern))

    def _index(self, key: Any, needed: list[Requirement] | None) -> None:
        if not needed:
            self.always.add(key)
            return
        plain = [r for r in needed if r.words and not r.prefixes and not r.lemmas]
        if plain:
            # anchor on the rarest requirement: no stop words, few alternatives
            # the anchor is met when the pattern is found through it: only the rest is checked
            anchor = min(plain, key=lambda r: (len(r.words & self.common), len(r.words)))
            rest = [r for r in needed if r is not anchor]
            for word in anchor.words:
                self.by_word.setdefault(word, []).append((key, rest))
            return
        lemma = [r for r in needed if r.lemmas]
        if lemma:
            rest = [r for r in needed if r is not lemma[0]]
            for word in lemma[0].lemmas:
                self.by_lemma.setdefault(word, []).append((key, rest))
            return
        anchor = needed[0]
        rest = needed[1:]
        for prefix in anchor.prefixes:
            self.by_prefix.setdefault(prefix[:3], []).append((prefix, key, rest))
        for word in anchor.words:
            self.by_word.setdefault(word, []).append((key, rest))

    def __len__(self) -> int:
        return len(self.matchers)

    @staticmethod
    def doc_words(doc: Doc) -> tuple[set[str], set[str], str]:
        """(norms, lemmas, " norm norm ...") of a doc; cached in doc.user_data by the normaliser."""
        cached = doc.user_data.get(WORDS_KEY)
        if cached is not None:
            return cached
        norms_list = [t.norm_ for t in doc]
        return set(norms_list), {t.lemma_ for t in doc}, " " + " ".join(norms_list)

    def keys_for(self, words: tuple[set[str], set[str], str], only: set[Any] | None = None) -> list[Any]:
        norms, lemmas, norm_text = words
        keys = set(self.always)
        candidates: list[tuple[Any, list[Requirement]]] = []
        for norm in norms:
            candidates.extend(self.by_word.get(norm, ()))
        for lemma in lemmas:
            candidates.extend(self.by_lemma.get(lemma, ()))
        if self.by_prefix:
            for norm in norms:
                for prefix, key, needed in self.by_prefix.get(norm[:3], ()):
                    if norm.startswith(prefix):
                        candidates.append((key, needed))
        for key, needed in candidates:
            if key in keys or (only is not None and key not in only):
                continue
            if not needed or all(r.met(norms, lemmas, norm_text) for r in needed):
                keys.add(key)
        if only is not None:
            keys &= only
        return sorted(keys, key=str)

    def __call__(
        self,
        doc: Doc,
        words: tuple[set[str], set[str], str] | None = None,
        only: set[Any] | None = None,
    ) -> list[tuple[Any, int, int]]:
        """Matches as (key, start, end); `only` limits the run to these keys."""
        found = []
        strings = self.vocab.strings
        anchors = {strings[kind]: doc.user_data.get(key, ()) for kind, key in _ANCHORS.values()}
        for key in self.keys_for(words or self.doc_words(doc), only):
            for match_id, start, end in self.matchers[key](doc):
                if match_id in anchors and start not in anchors[match_id]:
                    continue
                found.append((key, start, end))
        return found
