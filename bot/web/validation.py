"""Checks on what people type: clear Dutch errors, nothing stored when it fails."""

from __future__ import annotations

import re
import unicodedata

from bot.web.errors import ApiError

# C0/C1 control characters except tab, newline and carriage return; also lone surrogates.
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff]")


def clean_text(text: str, max_length: int, *, what: str = "Je bericht") -> str:
    text = unicodedata.normalize("NFC", text.replace("\r\n", "\n")).strip()
    if not text:
        raise ApiError(422, "empty_text", f"{what} is leeg. Typ eerst iets.")
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
