"""Structured logs: one JSON object per line on stderr."""

from __future__ import annotations

import json
import logging
import time
import traceback
from pathlib import Path
from typing import Any

_STANDARD = set(logging.LogRecord("x", 0, "x", 0, "x", None, None).__dict__) | {"message", "asctime", "color_message"}


class JsonFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        out: dict[str, Any] = {
            "ts": time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(record.created)) + f".{int(record.msecs):03d}Z",
            "level": record.levelname.lower(),
            "logger": record.name,
            "msg": record.getMessage(),
        }
        for key, value in record.__dict__.items():
            if key not in _STANDARD and not key.startswith("_"):
                out[key] = value
        if record.exc_info:
            out["exc"] = self.formatException(record.exc_info)
        return json.dumps(out, ensure_ascii=False, default=str)


def failure_fields(exc: BaseException) -> dict[str, Any]:
    """What may be logged about a failure: the exception types and where they were raised.

    Never the messages or a traceback's text: a database error's message holds the SQL
    parameters (a student's message and name), and an engine error may quote the input.
    AVG: no log line carries what a student typed."""
    chain: list[str] = []
    seen: BaseException | None = exc
    while seen is not None and len(chain) < 4:
        chain.append(type(seen).__name__)
        orig = getattr(seen, "orig", None)  # SQLAlchemy's wrapped driver error
        if isinstance(orig, BaseException) and orig is not seen.__cause__:
            chain.append(type(orig).__name__)
        seen = seen.__cause__ or seen.__context__
    frames = traceback.extract_tb(exc.__traceback__)[-6:]
    out: dict[str, Any] = {
        "error": " <- ".join(chain),
        "where": [f"{Path(f.filename).name}:{f.lineno} {f.name}" for f in frames],
    }
    sqlstate = getattr(getattr(exc, "orig", None), "sqlstate", None)
    if sqlstate:
        out["sqlstate"] = sqlstate
    return out


def log_config(level: str = "info") -> dict[str, Any]:
    """A logging dictConfig for uvicorn and the app (uvicorn's own access log is off: we log requests)."""
    lvl = level.upper()
    return {
        "version": 1,
        "disable_existing_loggers": False,
        "formatters": {"json": {"()": "bot.web.logs.JsonFormatter"}},
        "handlers": {"stderr": {"class": "logging.StreamHandler", "formatter": "json", "stream": "ext://sys.stderr"}},
        "loggers": {
            "uvicorn": {"handlers": ["stderr"], "level": lvl, "propagate": False},
            "uvicorn.error": {"handlers": ["stderr"], "level": lvl, "propagate": False},
            "uvicorn.access": {"handlers": [], "level": "WARNING", "propagate": False},
            "oefengesprek": {"handlers": ["stderr"], "level": lvl, "propagate": False},
        },
    }
