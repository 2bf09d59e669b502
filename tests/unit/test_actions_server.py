"""Our actions run unchanged under the real `python -m rasa_sdk --actions actions` server and
answer exactly as the in-process ActionExecutor does."""

from __future__ import annotations

import asyncio
import os
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest

from test_actions_support import Chat, executor, parse, rasa_domain

ROOT = Path(__file__).resolve().parents[2]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def server():
    port = free_port()
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    proc = subprocess.Popen([sys.executable, "-m", "rasa_sdk", "--actions", "actions", "--port", str(port)],
                            cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.time() + 60
        while time.time() < deadline:
            if proc.poll() is not None:
                pytest.fail("action server stopped: " + proc.stderr.read().decode(errors="replace")[-2000:])
            try:
                if httpx.get(f"{url}/health", timeout=1).status_code == 200:
                    break
            except httpx.HTTPError:
                time.sleep(0.3)
        else:
            pytest.fail("action server did not start within 60 s")
        yield url
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()


def test_server_lists_and_runs_our_actions_like_the_executor(server):
    listed = {a["name"] for a in httpx.get(f"{server}/actions", timeout=10).json()}
    assert {"action_session_start", "action_persona_reageren", "action_verduidelijken",
            "action_gesprek_afronden", "validate_briefing_form"} <= listed

    chat = Chat("2.3-inbound-printer", seed=9)
    chat.latest = parse("Waarvoor gebruikt u de printer?", ["open_vraag"])
    chat.events.append({"event": "user", "text": chat.latest["text"], "parse_data": chat.latest})
    call = {"next_action": "action_persona_reageren", "sender_id": "test", "tracker": chat.tracker(),
            "domain": rasa_domain(), "version": "3.1.0"}
    over_http = httpx.post(f"{server}/webhook", json=call, timeout=20).json()
    in_process = asyncio.run(executor().run(call))
    assert over_http["events"] == [dict(e) for e in in_process.events]
    assert over_http["responses"] == in_process.responses
    assert over_http["responses"][0]["speaker"] == "klant"
    assert any(e["name"] == "beurt" and e["value"] == 1 for e in over_http["events"] if e["event"] == "slot")
