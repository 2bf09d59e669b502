"""Where the content folders live.

The content (domain/, stories/, profile/) sits next to the `bot` package in the
repository. OEFENGESPREK_CONTENT_DIR points elsewhere, e.g. a school's own copy.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path
from typing import Generic, TypeVar

T = TypeVar("T")

PROJECT_ROOT = Path(__file__).resolve().parent.parent


def content_root() -> Path:
    override = os.environ.get("OEFENGESPREK_CONTENT_DIR")
    return Path(override).resolve() if override else PROJECT_ROOT


def content_setting() -> tuple:
    """What the content root depends on: OEFENGESPREK_CONTENT_DIR and, for a relative one, the
    working directory. A cheap key for content loaded once per root: resolving the root to a
    path takes tens of microseconds, and some content is asked for several times a turn."""
    override = os.environ.get("OEFENGESPREK_CONTENT_DIR")
    if not override:
        return (None, None)
    return (override, None if os.path.isabs(override) else os.getcwd())


class PerContentSetting(Generic[T]):
    """Content loaded once per content root: `get()` calls `load()` the first time a setting is seen."""

    def __init__(self, load: Callable[[], T]) -> None:
        self._load = load
        self._by_setting: dict[tuple, T] = {}

    def get(self) -> T:
        key = content_setting()
        found = self._by_setting.get(key)
        if found is None:
            found = self._by_setting[key] = self._load()
        return found

    def clear(self) -> None:
        self._by_setting.clear()


def domain_dir() -> Path:
    return content_root() / "domain"


def stories_dir() -> Path:
    return content_root() / "stories"


def profile_dir() -> Path:
    return content_root() / "profile"


def display_path(path: Path) -> str:
    """A path as a teacher wants to read it in an error: relative to the content root."""
    try:
        return str(Path(path).resolve().relative_to(content_root()))
    except ValueError:
        return str(path)
