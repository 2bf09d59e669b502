"""Shared fixtures: databases (SQLite and PostgreSQL), the web app, clients.

PostgreSQL: OEFENGESPREK_TEST_POSTGRES_URL (default postgresql://postgres@127.0.0.1:5432/test).
Each test run creates its own fresh database and drops it afterwards. When the server is
unreachable the PostgreSQL tests are skipped, unless CI is set: then they fail.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest

DEFAULT_PG = "postgresql://postgres@127.0.0.1:5432/test"
IN_CI = bool(os.environ.get("CI"))


def _pg_base_url() -> str:
    return os.environ.get("OEFENGESPREK_TEST_POSTGRES_URL", DEFAULT_PG)


def _unavailable(reason: str) -> None:
    if IN_CI:
        pytest.fail(f"{reason} (required because CI is set)")
    pytest.skip(reason)


@pytest.fixture(scope="session")
def postgres_url() -> Iterator[str]:
    """URL of a fresh, empty PostgreSQL database for this test run (dropped at the end)."""
    try:
        import psycopg
    except ImportError:  # pragma: no cover
        _unavailable("psycopg is not installed")
    base = _pg_base_url()
    try:
        admin = psycopg.connect(base, autocommit=True, connect_timeout=3)
    except Exception as exc:  # noqa: BLE001
        _unavailable(f"PostgreSQL unreachable at {base}: {exc}")
    name = f"oefengesprek_test_{uuid.uuid4().hex[:10]}"
    admin.execute(f'CREATE DATABASE "{name}"')
    from psycopg.conninfo import conninfo_to_dict

    params = conninfo_to_dict(base)
    params["dbname"] = name
    url = _as_url(params)
    try:
        yield url
    finally:
        admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        admin.close()


def _as_url(params: dict) -> str:
    user = params.get("user", "postgres")
    password = params.get("password")
    host = params.get("host", "127.0.0.1")
    port = params.get("port", "5432")
    auth = f"{user}:{password}@" if password else f"{user}@"
    return f"postgresql://{auth}{host}:{port}/{params['dbname']}"


@pytest.fixture()
def fresh_postgres_url(postgres_url: str) -> Iterator[str]:
    """The run's PostgreSQL database, emptied (all tables dropped) before and after the test."""
    from sqlalchemy import text

    from bot.store.db import make_engine

    def wipe() -> None:
        eng = make_engine(postgres_url)
        with eng.begin() as conn:
            conn.execute(text("DROP SCHEMA public CASCADE"))
            conn.execute(text("CREATE SCHEMA public"))
        eng.dispose()

    wipe()
    yield postgres_url
    wipe()


@pytest.fixture()
def sqlite_url(tmp_path: Path) -> str:
    return f"sqlite:///{tmp_path / 'oefengesprek.sqlite3'}"


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'oefengesprek.sqlite3'}"
    return request.getfixturevalue("fresh_postgres_url")


# --- the conversation engine ----------------------------------------------------------

@pytest.fixture(scope="session")
def real_engine():
    """The real engine (bot.engine.session + bot.scenarios + bot.feedback), loaded once per test run."""
    from bot.web.engine import RealEngine

    engine = RealEngine()
    engine.warm_up()
    return engine


# --- the web app ----------------------------------------------------------------------

@pytest.fixture()
def make_client(tmp_path: Path, real_engine):
    """Factory: a TestClient on a fresh app. Keyword arguments become Settings fields."""
    from fastapi.testclient import TestClient

    from bot.web.app import create_app
    from bot.web.settings import Settings

    clients = []

    def factory(database_url: str | None = None, *, engine=None, base_url: str = "http://testserver", **overrides):
        overrides.setdefault("warm_up", False)
        settings = Settings(
            data_dir=tmp_path / "data",
            database_url=database_url or f"sqlite:///{tmp_path / 'app.sqlite3'}",
            **overrides,
        )
        app = create_app(settings, engine=engine or real_engine)
        client = TestClient(app, base_url=base_url)
        client.__enter__()
        clients.append(client)
        return client

    yield factory
    for c in clients:
        c.__exit__(None, None, None)


def guest(client, name: str = "Sanne") -> dict:
    """Sign in as a guest; the client keeps the cookie and sends the CSRF header from now on."""
    r = client.post("/api/v1/guest", json={"display_name": name})
    assert r.status_code == 201, r.text
    data = r.json()
    client.headers["X-CSRF-Token"] = data["csrf_token"]
    return data


def first_scenario(client) -> dict:
    r = client.get("/api/v1/scenarios")
    assert r.status_code == 200
    scenarios = r.json()["scenarios"]
    assert scenarios, "no scenarios loaded"
    return scenarios[0]


def start(client, **body) -> dict:
    body.setdefault("scenario", first_scenario(client)["id"])
    r = client.post("/api/v1/sessions", json=body)
    assert r.status_code == 201, r.text
    return r.json()


def chromium_path() -> str | None:
    return shutil.which("chromium") or shutil.which("chromium-browser")


def user_texts(state) -> list[str]:
    """Texts of the Rasa `user` events in an engine state, in order."""
    found: list[str] = []

    def walk(node) -> None:
        if isinstance(node, dict):
            if node.get("event") == "user" and isinstance(node.get("text"), str):
                found.append(node["text"])
                return
            for v in node.values():
                walk(v)
        elif isinstance(node, list):
            for v in node:
                walk(v)

    walk(state)
    return found


def stop_process(proc: subprocess.Popen, timeout: float = 15) -> None:
    """End a server a test started: SIGTERM, then SIGKILL if it has not gone after `timeout` s."""
    proc.terminate()
    try:
        proc.wait(timeout=timeout)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait()


def free_port() -> int:
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class RunningServer:
    def __init__(self, base_url: str, process, log_path: Path) -> None:
        self.base_url = base_url
        self.process = process
        self.log_path = log_path


@pytest.fixture()
def run_server(tmp_path: Path):
    """Factory: start `python -m bot serve` on a free loopback port; stopped after the test."""
    import sys
    import time

    import httpx

    started: list[subprocess.Popen] = []

    def start(*, workers: int = 1, database_url: str | None = None, timeout: float = 120, **env_settings) -> RunningServer:
        port = free_port()
        data = tmp_path / f"server-{port}"
        data.mkdir()
        env = {k: v for k, v in os.environ.items() if not k.startswith("OEFENGESPREK_")}
        env["OEFENGESPREK_DATA_DIR"] = str(data)
        if database_url:
            env["OEFENGESPREK_DATABASE_URL"] = database_url
        for key, value in env_settings.items():
            env[f"OEFENGESPREK_{key.upper()}"] = str(value)
        env["PYTHONPATH"] = str(Path(__file__).resolve().parent.parent)
        log_path = data / "server.log"
        proc = subprocess.Popen(
            [sys.executable, "-m", "bot", "serve", "--host", "127.0.0.1", "--port", str(port), "--workers", str(workers)],
            cwd=data, env=env, stdout=open(log_path, "wb"), stderr=subprocess.STDOUT,
        )
        started.append(proc)
        base = f"http://127.0.0.1:{port}"
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if proc.poll() is not None:
                raise RuntimeError(f"server exited early:\n{log_path.read_text()[-3000:]}")
            try:
                if httpx.get(base + "/readyz", timeout=2).status_code == 200:
                    return RunningServer(base, proc, log_path)
            except httpx.HTTPError:
                pass
            time.sleep(0.25)
        try:
            ready = httpx.get(base + "/readyz", timeout=5).text
        except httpx.HTTPError as exc:
            ready = repr(exc)
        log_text = log_path.read_text()
        errors = [line for line in log_text.splitlines() if '"level": "error"' in line or "Traceback" in line]
        raise RuntimeError(f"server not ready after {timeout}s: /readyz says {ready}\n" + "\n".join(errors)[-3000:])

    yield start
    for proc in started:
        stop_process(proc)
