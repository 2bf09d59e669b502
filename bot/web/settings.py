"""Settings via pydantic-settings; every field can be set as OEFENGESPREK_<NAME> (see README)."""

from __future__ import annotations

import os
import secrets
from functools import cached_property
from pathlib import Path
from typing import Literal

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="OEFENGESPREK_", extra="ignore")

    data_dir: Path = Path("data")
    database_url: str | None = None  # default: SQLite in data_dir
    guest_access: bool = True
    # How long a guest stays signed in (cookie and token). Short, for shared classroom computers:
    # the next student at the same computer must not continue as the previous one the next day.
    guest_session_hours: float = Field(12, gt=0, le=24 * 366)
    secret_key: str | None = None  # default: generated once, stored in data_dir/secret_key
    # Trusted header set by a school's authenticating reverse proxy (e.g. "X-Remote-User").
    # Only enable behind a proxy that strips this header from client requests.
    trusted_user_header: str | None = None
    trusted_name_header: str | None = None
    # With the trusted user header: a header holding the person's role ("docent", "teacher",
    # "instructor", "staff" sign in as a teacher; anything else as a student).
    trusted_role_header: str | None = None
    # Conversations older than this many months are removed by `oefengesprek opschonen`; 0 = keep.
    retention_months: int = Field(0, ge=0)
    # Where people reach the app (for links the CLI prints, e.g. a teacher's set-password link).
    public_url: str = "http://127.0.0.1:8000"
    # Seconds between rounds of the worker that sends queued grades to LMS gradebooks; 0 = off
    # (then run `oefengesprek lti verstuur` from cron).
    lti_grade_interval: float = Field(10.0, ge=0)
    # xAPI (optional, off by default): the LRS's xAPI endpoint (…/xAPI/) with Basic-auth key and secret.
    xapi_endpoint: str | None = None
    xapi_key: str | None = None
    xapi_secret: str | None = None
    rate_limit_per_minute: int = Field(60, ge=0)  # state-changing requests per client per minute; 0 = off
    rate_limit_guests_per_hour: int = Field(300, ge=0)  # new guest accounts per IP per hour; 0 = off
    max_message_length: int = Field(2000, ge=1)
    cookie_secure: Literal["auto", "always", "never"] = "auto"
    frame_ancestors: str = ""  # space-separated origins allowed to embed the widget, e.g. "https://lms.school.nl"
    default_scenario: str | None = None  # scenario for new REST senders; default: the first scenario
    migrate_on_start: bool = True
    warm_up: bool = True  # load the NLU and scenarios at start-up instead of on the first turn
    log_level: str = "info"
    pool_size: int = Field(10, ge=1)
    # start/send/end on the event loop (auto: SQLite without an action server; see bot.web.app.turns_inline)
    turns_inline: Literal["auto", "on", "off"] = "auto"

    @property
    def guest_session_seconds(self) -> int:
        return max(1, int(self.guest_session_hours * 3600))

    @cached_property
    def resolved_database_url(self) -> str:
        if self.database_url:
            return self.database_url
        return f"sqlite:///{(self.data_dir / 'oefengesprek.sqlite3').resolve()}"

    @cached_property
    def frame_ancestor_list(self) -> list[str]:
        return [o for o in self.frame_ancestors.replace(",", " ").split() if o]

    @cached_property
    def resolved_secret_key(self) -> bytes:
        if self.secret_key:
            return self.secret_key.encode()
        return load_or_create_secret(self.data_dir / "secret_key")


def load_or_create_secret(path: Path) -> bytes:
    """Read the secret key file, creating it (mode 0600) exactly once even with several workers."""
    path.parent.mkdir(parents=True, exist_ok=True)
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        for _ in range(50):
            value = path.read_bytes().strip()
            if value:
                return value
            import time

            time.sleep(0.02)  # another process is writing it right now
        raise RuntimeError(f"secret key file {path} is empty")
    value = secrets.token_urlsafe(48).encode()
    with os.fdopen(fd, "wb") as fh:
        fh.write(value + b"\n")
    return value
