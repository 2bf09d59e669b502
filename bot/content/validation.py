"""Validate loaded YAML against pydantic models; errors point at file and line."""

from __future__ import annotations

from pathlib import Path
from typing import Any, TypeVar

from pydantic import BaseModel, ValidationError

from bot.content.errors import ContentError, ContentErrors
from bot.content.yamlfile import line_of
from bot.paths import display_path

Model = TypeVar("Model", bound=BaseModel)

_DUTCH_MESSAGES = {
    "missing": "verplicht veld ontbreekt",
    "extra_forbidden": "onbekend veld",
    "string_type": "moet tekst zijn",
    "int_type": "moet een geheel getal zijn",
    "int_parsing": "moet een geheel getal zijn",
    "float_type": "moet een getal zijn",
    "float_parsing": "moet een getal zijn",
    "bool_type": "moet true of false zijn",
    "bool_parsing": "moet true of false zijn",
    "list_type": "moet een lijst zijn",
    "dict_type": "moet een mapping (sleutel: waarde) zijn",
    "model_type": "moet een mapping (sleutel: waarde) zijn",
    "literal_error": "ongeldige waarde",
    "enum": "ongeldige waarde",
    "too_short": "te weinig elementen",
}


def locate(data: Any, loc: tuple) -> int | None:
    """Walk `loc` (a pydantic error location) through loaded YAML and return the deepest line."""
    node, line = data, line_of(data)
    for part in loc:
        # The key's (or item's) own line: an error about a value is shown where its key is
        # written, not where a nested list or mapping under it happens to start.
        line = line_of(node, part) or line_of(node) or line
        if isinstance(node, dict) and part in node:
            node = node[part]
        elif isinstance(node, list) and isinstance(part, int) and 0 <= part < len(node):
            node = node[part]
        else:
            break
    return line


def describe(error: dict) -> str:
    field = ".".join(str(p) for p in error["loc"])
    text = _DUTCH_MESSAGES.get(error["type"])
    if error["type"] in ("value_error", "assertion_error"):
        text = str(error.get("ctx", {}).get("error", error["msg"]))
    elif error["type"] in ("literal_error", "enum"):
        expected = error.get("ctx", {}).get("expected")
        text = f"ongeldige waarde, verwacht: {expected}" if expected else text
    text = text or error["msg"]
    return f"{field}: {text}" if field else text


def validate(model: type[Model], data: Any, path: str | Path) -> Model:
    """Build `model` from YAML data; raise ContentErrors with file:line for every problem."""
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        shown = display_path(Path(path))
        raise ContentErrors(
            [ContentError(shown, locate(data, tuple(e["loc"])), describe(e)) for e in exc.errors()]
        ) from None
