"""Chat-style normalisation, driven by domain/nlu/normalisatie.yml.

The original text is never changed: each token keeps its text and offsets, and only its
NORM (what the patterns compare with) becomes the standard Dutch word. "wnnr kan t
geleverd worden" gets the norms "wanneer kan het geleverd worden". Words typed together
("kzou") are split by tokenizer special cases into tokens whose texts still add up to the
original, so offsets stay true.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

_REPEATS = re.compile(r"(\w)\1{2,}")
_APOSTROPHES = str.maketrans({"’": "'", "‘": "'", "`": "'", "´": "'"})


@lru_cache(maxsize=4096)
def fold_char(char: str) -> str:
    """One character without its accent (é → e, ë → e), same length; others unchanged."""
    if ord(char) < 128:
        return char
    decomposed = unicodedata.normalize("NFKD", char)
    base = "".join(c for c in decomposed if not unicodedata.combining(c))
    return base if len(base) == 1 else char


class _FoldTable(dict):
    """str.translate table: code point → that character folded; filled on first use (up to
    4096 characters, as fold_char's cache: odd input cannot make it grow without bound)."""

    def __missing__(self, code: int) -> str:
        char = chr(code)
        folded = char.translate(_APOSTROPHES)
        folded = fold_char(folded) if len(folded) == 1 else folded
        if len(self) < 4096:
            self[code] = folded
        return folded


_FOLD_TABLE = _FoldTable()


def fold(text: str) -> str:
    """Lower case, accents folded, typographic apostrophes straightened; length preserved."""
    return text.lower().translate(_FOLD_TABLE)


class Normaliser:
    def __init__(self, replacements: dict[str, str], collapse_repeats: bool = True):
        self.replacements = {fold(k): fold(v) for k, v in replacements.items()}
        self.collapse_repeats = collapse_repeats
        self._cache: dict[str, str] = {}

    def norm(self, word: str) -> str:
        cached = self._cache.get(word)
        if cached is not None:
            return cached
        result = fold(word)
        lowered = word.lower()
        if result in self.replacements:
            result = self.replacements[result]
        elif self.collapse_repeats and _REPEATS.search(lowered):
            # "duuuur" → "duur", "zooooo" → "zo" when a replacement knows it; only letters
            # typed identically repeat ("reëel" and "ideeën" keep their three e's)
            squeezed = fold(_REPEATS.sub(r"\1\1", lowered))
            single = fold(_REPEATS.sub(r"\1", lowered))
            result = self.replacements.get(squeezed) or self.replacements.get(single) or squeezed
        if len(self._cache) < 50_000:
            self._cache[word] = result
        return result
