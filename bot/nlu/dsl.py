"""The pattern notation of domain/nlu/*.yml, compiled to spaCy Matcher token patterns.

A teacher writes a pattern the way a sales trainer describes a rule: words and short
phrases, with alternatives and gaps. Words are compared with the token's normalised form
(lower case, accents folded, chat spelling repaired, see domain/nlu/normalisatie.yml).

    hoe snel ... leveren          "hoe snel", then at most 4 other words, then "leveren"
    te duur|prijzig|veel geld     one of these phrases: "te duur", "prijzig" or "veel geld"
    (zal|mag|kan) ik ... noteren  a word group: one of these words, inside a phrase
    lever*                        a word that starts with "lever" (leveren, levertijd)
    ook?                          the word may be missing
    ...  /  ..N                   a gap of at most 4 / at most N (1-9) arbitrary words
    lemma=leveren                 a word whose lemma is "leveren" (geleverd, levert)
    ^dus|kortom                   the phrase opens a sentence (or a clause after a comma);
                                  a ^ on the first alternative holds for all of them
    ^^dus                         the phrase opens a sentence (not a clause after a comma)

So `|` separates alternatives between two gaps: "nog steeds niet|nog altijd niet ... binnen".
A pattern may also be written as a raw spaCy token pattern (a list of mappings); it is
then used as is. Every pattern is checked when loaded (see compile_patterns).
"""

from __future__ import annotations

import itertools
import re
from typing import Any

from bot.nlu.normalise import fold

GAP_DEFAULT = 4
SENTENCE_START = "oefen_zinsbegin"  # token extension: opens a sentence or a clause after a comma
SENTENCE_ONLY = "oefen_zinsstart"  # token extension: opens a sentence
MAX_EXPANSIONS = 200
_WORD = re.compile(r"^[\w€%'.,:/+&-]+$")
_GAP = re.compile(r"^(?:\.\.\.|…|\.\.[1-9])$")


class PatternError(ValueError):
    """A pattern that cannot be compiled; the message is Dutch and shown with file:line."""


def _word_token(options: list[str], source: str) -> dict[str, Any]:
    for option in options:
        bare = option[:-1] if option.endswith("*") else option
        if not bare or "*" in bare or not _WORD.match(bare):
            raise PatternError(f"ongeldig woord '{option}' in '{source}'")
        if option.endswith("*") and len(bare) < 3:
            raise PatternError(f"'{option}': een woordbegin met * moet minstens 3 letters hebben")
    if any(option.endswith("*") for option in options):
        parts = [re.escape(o[:-1]) if o.endswith("*") else re.escape(o) + "$" for o in options]
        return {"NORM": {"REGEX": "^(?:" + "|".join(parts) + ")"}}
    return {"NORM": options[0]} if len(options) == 1 else {"NORM": {"IN": sorted(set(options))}}


def _word(spec: str, source: str) -> dict[str, Any]:
    """One word of a phrase: plain, prefix*, (a|b) group, lemma=x, with optional '?'."""
    optional = spec.endswith("?") and len(spec) > 1
    if optional:
        spec = spec[:-1]
    if spec.startswith("lemma="):
        lemmas = spec[len("lemma="):].strip("()").split("|")
        if not all(lemma and _WORD.match(lemma) for lemma in lemmas):
            raise PatternError(f"ongeldige lemma-aanduiding '{spec}'")
        token: dict[str, Any] = {"LEMMA": lemmas[0]} if len(lemmas) == 1 else {"LEMMA": {"IN": lemmas}}
    elif "=" in spec:
        raise PatternError(f"onbekende aanduiding '{spec}' (bedoelt u lemma=...?)")
    elif spec.startswith("(") and spec.endswith(")"):
        inner = spec[1:-1]
        if not inner or "" in inner.split("|"):
            raise PatternError(f"lege woordgroep '{spec}'")
        token = _word_token(inner.split("|"), spec)
    elif "(" in spec or ")" in spec:
        raise PatternError(f"haakjes kloppen niet in '{spec}' (schrijf een woordgroep als (a|b) zonder spaties)")
    else:
        token = _word_token([spec], spec)
    if optional:
        token["OP"] = "?"
    return token


def _split_alternatives(segment: str) -> list[str]:
    """Split on '|' outside parentheses."""
    parts, depth, current = [], 0, []
    for char in segment:
        if char == "(":
            depth += 1
        elif char == ")":
            depth -= 1
        if char == "|" and depth == 0:
            parts.append("".join(current))
            current = []
        else:
            current.append(char)
    parts.append("".join(current))
    return parts


def _segment(words: list[str], source: str) -> list[list[dict[str, Any]]]:
    """A segment (words between gaps) → its alternatives, each a token list.

    Single-word alternatives are merged into one token (IN / REGEX) so that patterns do
    not multiply; each multi-word phrase is its own alternative.
    """
    text = " ".join(words)
    anchor = None
    if text.startswith("^^"):
        anchor, text = SENTENCE_ONLY, text[2:]
    elif text.startswith("^"):
        anchor, text = SENTENCE_START, text[1:]
    alternatives = [a.strip() for a in _split_alternatives(text)]
    if any(not a for a in alternatives):
        raise PatternError(f"lege keuze in '{source}' (twee | naast elkaar of aan het begin/eind)")
    singles: list[str] = []
    phrases: list[list[dict[str, Any]]] = []
    for alternative in alternatives:
        alternative = alternative.lstrip("^")
        parts = alternative.split()
        plain_single = len(parts) == 1 and not parts[0].endswith("?") and not parts[0].startswith("(") and "=" not in parts[0]
        if plain_single:
            singles.append(parts[0])
        else:
            phrases.append([_word(part, source) for part in parts])
    if singles:
        phrases.insert(0, [_word_token(singles, source)])
    if anchor:
        for phrase in phrases:
            phrase[0] = {**phrase[0], "_": {anchor: True}}
    return phrases


def compile_patterns(pattern: Any) -> list[list[dict[str, Any]]]:
    """One pattern (notation string or raw spaCy list) → one or more spaCy token patterns."""
    if isinstance(pattern, list):
        if not pattern or not all(isinstance(t, dict) for t in pattern):
            raise PatternError("een spaCy-patroon moet een niet-lege lijst van mappings zijn")
        return [[dict(t) for t in pattern]]
    if not isinstance(pattern, str) or not pattern.strip():
        raise PatternError("een patroon moet een niet-lege tekst zijn")
    parts = fold(pattern).split()
    if _GAP.match(parts[0]):
        raise PatternError(f"een patroon mag niet met '{parts[0]}' beginnen")
    if _GAP.match(parts[-1]):
        raise PatternError(f"een patroon mag niet met '{parts[-1]}' eindigen")
    segments: list[list[list[dict[str, Any]]]] = []
    gaps: list[dict[str, Any]] = []
    current: list[str] = []
    for part in parts:
        if _GAP.match(part):
            if not current:
                raise PatternError("twee gaten ('...') direct na elkaar")
            segments.append(_segment(current, pattern))
            size = GAP_DEFAULT if part in ("...", "…") else int(part[2])
            gaps.append({"OP": f"{{0,{size}}}"})
            current = []
        else:
            current.append(part)
    segments.append(_segment(current, pattern))
    combinations = 1
    for alternatives in segments:
        combinations *= len(alternatives)
    if combinations > MAX_EXPANSIONS:
        raise PatternError(f"patroon te ingewikkeld ({combinations} varianten); splits het in meerdere patronen")
    compiled = []
    for choice in itertools.product(*segments):
        tokens: list[dict[str, Any]] = []
        for index, phrase in enumerate(choice):
            if index:
                tokens.append(dict(gaps[index - 1]))
            tokens.extend(dict(t) for t in phrase)
        if all(t.get("OP") for t in tokens):
            raise PatternError("een patroon heeft minstens één verplicht woord nodig")
        compiled.append(tokens)
    return compiled


def compile_pattern(pattern: Any) -> list[dict[str, Any]]:
    """Backwards-compatible single-pattern form: the first expansion."""
    return compile_patterns(pattern)[0]
