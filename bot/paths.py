"""Where the content folders live.

The content (domain/, stories/, profile/) sits next to the `bot` package in the
repository. OEFENGESPREK_CONTENT_DIR points elsewhere, e.g. a school's own copy.
"""

from __future__ import annotations

import os
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parent.parent


def content_root() -> Path:
    override = os.environ.get("OEFENGESPREK_CONTENT_DIR")
    return Path(override).resolve() if override else PROJECT_ROOT


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
