"""Custom actions over HTTP: start the REAL rasa_sdk action server and play through it."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest

ROOT = Path(__file__).resolve().parents[2]
FIXTURES = ROOT / "tests" / "data" / "engine_fixtures"
sys.path.insert(0, str(FIXTURES))

import fixture_nlu  # noqa: E402

from bot.engine.engine import Engine  # noqa: E402
from conftest import stop_process  # noqa: E402

CONTENT = FIXTURES / "content"
SCRIPT = ["Goedemorgen", "zullen we het zo doen?", "ik wil bestellen", "een printer", "0", "nul", "5",
          "graag snel", "weiger"]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_server(package: str):
    port = free_port()
    env = {**os.environ, "SANIC_HOST": "127.0.0.1",  # rasa_sdk listens on 0.0.0.0 unless told otherwise
           "PYTHONPATH": os.pathsep.join([str(FIXTURES), str(ROOT), os.environ.get("PYTHONPATH", "")])}
    proc = subprocess.Popen([sys.executable, "-m", "rasa_sdk", "--actions", package, "--port", str(port)],
                            cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"action server stopped: {proc.stdout.read().decode(errors='replace')[-2000:]}")
        try:
            if httpx.get(f"http://127.0.0.1:{port}/health", timeout=1).status_code == 200:
                return proc, f"http://127.0.0.1:{port}/webhook"
        except httpx.HTTPError:
            time.sleep(0.2)
    proc.kill()
    raise RuntimeError("action server did not start within 60 s")


def play(engine: Engine) -> list[dict]:
    tracker = engine.new_tracker("server")
    engine.start_session(tracker, {"seed": 11})
    for line in SCRIPT:
        engine.handle_message(tracker, line, fixture_nlu.analyse(line).to_parse_data())
    return [{k: v for k, v in e.items() if k != "timestamp"} for e in tracker.events]


def load(endpoint: str | None) -> Engine:
    return Engine.load(CONTENT / "domain" / "rasa", [CONTENT / "stories"], config_path=FIXTURES / "none.yml",
                       actions_package="engine_fixture_actions", endpoint=endpoint, nlu=fixture_nlu.analyse)


@pytest.fixture(scope="module")
def fixture_server():
    proc, url = start_server("engine_fixture_actions")
    yield url
    stop_process(proc, timeout=10)


def test_conversation_over_the_action_server_equals_in_process(fixture_server):
    over_http = play(load(fixture_server))
    in_process = play(load(None))
    assert over_http == in_process
    names = [e["name"] for e in over_http if e["event"] == "action"]
    assert "validate_bestelformulier" not in names  # form validation is part of the form action
    assert "action_fx_reageer" in names and names.count("bestelformulier") >= 4
    assert any(e["event"] == "action_execution_rejected" and e["name"] == "action_fx_weiger" for e in over_http)
    texts = [e["text"] for e in over_http if e["event"] == "bot"]
    assert "Dat aantal kan niet." in texts and "Met Jansen van Bakkerij De Korf." in texts


def test_real_actions_package_over_the_server(monkeypatch):
    """The project's own `actions` package served by rasa_sdk, driven by the session façade."""
    from bot.engine import engine as engine_module
    from bot.engine import session

    proc, url = start_server("actions")
    try:
        monkeypatch.setenv("OEFENGESPREK_ACTION_ENDPOINT", url)
        engine_module.clear_cache()
        from bot.scenarios import load_scenarios
        scenario_id = next(iter(load_scenarios()))
        over_http = session.start(scenario_id, seed=5, mode="oefenen")
        r = session.step(over_http.state, "Goedemorgen, u spreekt met Sanne van Kantoorgemak.")
        monkeypatch.delenv("OEFENGESPREK_ACTION_ENDPOINT")
        engine_module.clear_cache()
        local = session.start(scenario_id, seed=5, mode="oefenen")
        r_local = session.step(local.state, "Goedemorgen, u spreekt met Sanne van Kantoorgemak.")
        assert over_http.messages == local.messages
        assert r.messages == r_local.messages and r.messages
    finally:
        engine_module.clear_cache()
        stop_process(proc, timeout=10)


def test_unreachable_action_server_is_a_clear_error():
    from bot.engine.errors import ActionFailed

    engine = Engine.load(CONTENT / "domain" / "rasa", [CONTENT / "stories"], config_path=FIXTURES / "none.yml",
                         actions_package="engine_fixture_actions", endpoint=f"http://127.0.0.1:{free_port()}/webhook",
                         nlu=fixture_nlu.analyse)
    tracker = engine.new_tracker("weg")
    with pytest.raises(ActionFailed) as exc:
        engine.start_session(tracker, {"seed": 1})
    assert "is niet bereikbaar" in str(exc.value)
