"""Checks on what people type: clear Dutch errors, nothing stored when it fails."""

from __future__ import annotations

import re
import unicodedata

from bot.web.errors import ApiError

# C0/C1 control characters except tab, newline and carriage return; also lone surrogates.
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff]")


# Characters that show nothing: format characters (zero-width space/joiners, BOM, soft hyphen,
# bidi marks: category Cf), variation selectors, the combining grapheme joiner and the blank
# fillers of Hangul and Braille. A message or name of only these (and spaces) is empty.
_INVISIBLE_EXTRA = frozenset("\u034f\u115f\u1160\u3164\uffa0\u2800") | frozenset(map(chr, range(0xFE00, 0xFE10)))


def _visible(ch: str) -> bool:
    return not (ch.isspace() or ch in _INVISIBLE_EXTRA or unicodedata.category(ch) == "Cf"
                or 0xE0100 <= ord(ch) <= 0xE01EF)


def clean_text(text: str, max_length: int, *, what: str = "Je bericht") -> str:
    text = unicodedata.normalize("NFC", text.replace("\r\n", "\n")).strip().lstrip("\ufeff").strip()
    if not any(map(_visible, text)):
        raise ApiError(422, "empty_text", f"{what} is leeg (of bevat alleen onzichtbare tekens). Typ eerst iets.")
    if len(text) > max_length:
        raise ApiError(
            422, "text_too_long", f"{what} is te lang: {len(text)} tekens, maximaal {max_length}. Maak het korter."
        )
    if _CONTROL.search(text):
        raise ApiError(422, "invalid_characters", f"{what} bevat ongeldige (onzichtbare of binaire) tekens.")
    return text


def clean_name(name: str) -> str:
    name = " ".join(name.split())
    return clean_text(name, 60, what="Je naam")


def check_identifier(value: str, what: str) -> str:
    """A name or id given by a client (REST sender, scenario id, difficulty): no control characters
    or lone surrogates, which PostgreSQL cannot store and JSON cannot send back. The bad value is
    not quoted in the error."""
    if _CONTROL.search(value):
        raise ApiError(422, "invalid_characters", f"{what} bevat ongeldige (onzichtbare of binaire) tekens.")
    return value
