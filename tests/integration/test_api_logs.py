"""Structured JSON logs and the generated secret key."""

from __future__ import annotations

import json
import logging
import stat

from bot.web.logs import JsonFormatter
from bot.web.settings import Settings, load_or_create_secret


def test_json_formatter_keeps_extra_fields():
    record = logging.LogRecord("oefengesprek.access", logging.INFO, __file__, 1, "request", None, None)
    record.method, record.path, record.status, record.duration_ms = "POST", "/api/v1/sessions", 201, 3.2
    line = json.loads(JsonFormatter().format(record))
    assert line["msg"] == "request" and line["level"] == "info"
    assert line["method"] == "POST" and line["status"] == 201 and line["duration_ms"] == 3.2
    assert line["ts"].endswith("Z")


def test_every_request_is_logged_with_status_and_duration(make_client, caplog):
    c = make_client()
    with caplog.at_level(logging.INFO, logger="oefengesprek.access"):
        r = c.get("/api/v1/nergens")
    records = [rec for rec in caplog.records if rec.name == "oefengesprek.access"]
    assert records, "no access log line"
    rec = records[-1]
    assert rec.path == "/api/v1/nergens" and rec.status == 404 and rec.duration_ms >= 0
    assert rec.request_id == r.headers["x-request-id"]


def test_secret_key_generated_once_and_private(tmp_path):
    path = tmp_path / "data" / "secret_key"
    first = load_or_create_secret(path)
    assert len(first) >= 32
    assert load_or_create_secret(path) == first
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert Settings(data_dir=tmp_path / "data").resolved_secret_key == first
    assert Settings(data_dir=tmp_path / "data", secret_key="vast").resolved_secret_key == b"vast"
