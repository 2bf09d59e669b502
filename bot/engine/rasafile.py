"""Reading one Rasa YAML file (domain or stories): a mapping, known top-level keys, a version."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from bot.content import ContentError, ContentErrors, line_of, load_yaml
from bot.paths import display_path

SUPPORTED_VERSIONS = ("3.0", "3.1")


def read_rasa_file(file: Path, allowed_keys, errors: list[ContentError], *, kind: str,
                   unknown_suffix: str = "", version_required: bool = False) -> dict[str, Any] | None:
    """The file's mapping, or None when it is empty or unreadable; problems go to `errors`.

    `kind` names the file in Dutch ("een domeinbestand"); `unknown_suffix` follows the
    message about an unknown top-level key.
    """
    shown = display_path(file)
    try:
        data = load_yaml(file)
    except ContentErrors as exc:
        errors.extend(exc.errors)
        return None
    if data is None:
        return None
    if not isinstance(data, dict):
        errors.append(ContentError(shown, line_of(data), f"{kind} moet een mapping zijn"))
        return None
    for key in data:
        if key not in allowed_keys:
            errors.append(ContentError(shown, line_of(data, key), f"onbekend onderdeel '{key}'{unknown_suffix}"))
    version = data.get("version")
    if version is None:
        if version_required:
            errors.append(ContentError(shown, line_of(data), 'version ontbreekt (gebruik version: "3.1")'))
    elif str(version) not in SUPPORTED_VERSIONS:
        errors.append(ContentError(shown, line_of(data, "version"),
                                   f"versie '{version}' wordt niet ondersteund (gebruik \"3.1\")"))
    return data
