"""Many messages at once to one conversation: all stored, in order, none lost, never interleaved.

In one process (threads through the ASGI app) on SQLite and PostgreSQL, and across worker
processes of a real `serve --workers 2`.
"""

from __future__ import annotations

import threading

import httpx
import pytest

from conftest import guest, user_texts

N_MESSAGES = 12


def check_transcript(messages: list[dict], sent: list[str]) -> None:
    """Every student turn k is followed by its own replies, turns go 1..N, each text once."""
    seqs = [m["seq"] for m in messages]
    assert seqs == sorted(seqs) and len(set(seqs)) == len(seqs)
    assert seqs == list(range(1, len(seqs) + 1)), "no gaps in the sequence"
    student = [m for m in messages if m["speaker"] == "student"]
    assert sorted(m["text"] for m in student) == sorted(sent), "every message stored exactly once"
    assert [m["turn"] for m in student] == list(range(1, len(sent) + 1))
    current = 0
    for m in messages:
        if m["speaker"] == "student":
            assert m["turn"] == current + 1
            current = m["turn"]
        else:
            assert m["turn"] == current, "a reply belongs to the student turn right before it"


def fire_at_once(n: int, send) -> list:  # noqa: ANN001
    barrier = threading.Barrier(n)
    results: list = [None] * n

    def worker(i: int) -> None:
        barrier.wait()
        try:
            results[i] = send(i)
        except Exception as exc:  # noqa: BLE001
            results[i] = exc

    threads = [threading.Thread(target=worker, args=(i,)) for i in range(n)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=120)
    return results


def message_text(i: int) -> str:
    return f"Vraag {i}: wat vindt u belangrijk bij een printer?"


def test_simultaneous_messages_in_one_process(make_client, database_url):
    c = make_client(database_url, rate_limit_per_minute=0)
    guest(c)
    scenario = c.get("/api/v1/scenarios").json()["scenarios"][0]["id"]
    conv = c.post("/api/v1/sessions", json={"scenario": scenario}).json()
    sent = [message_text(i) for i in range(N_MESSAGES)]

    results = fire_at_once(
        N_MESSAGES, lambda i: c.post(f"/api/v1/sessions/{conv['id']}/messages", json={"text": sent[i]})
    )
    assert all(not isinstance(r, Exception) for r in results), results
    assert [r.status_code for r in results] == [200] * N_MESSAGES, [r.text for r in results if r.status_code != 200]

    full = c.get(f"/api/v1/sessions/{conv['id']}").json()
    assert full["student_turns"] == N_MESSAGES
    check_transcript(full["messages"], sent)
    # the engine state saw every message, in the stored order (no lost update)
    with c.app.state.db.read() as s:
        from bot.store.models import Conversation

        state = s.get(Conversation, conv["id"]).state
    stored_order = [m["text"] for m in full["messages"] if m["speaker"] == "student"]
    assert [t for t in user_texts(state) if t in sent] == stored_order


@pytest.mark.parametrize("backend", ["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def test_simultaneous_messages_across_worker_processes(run_server, backend, request):
    url = request.getfixturevalue("fresh_postgres_url") if backend == "postgresql" else None
    server = run_server(workers=2, database_url=url, rate_limit_per_minute=0)
    with httpx.Client(base_url=server.base_url, timeout=60) as http:
        me = http.post("/api/v1/guest", json={"display_name": "Sanne"}).json()
        auth = {"Authorization": f"Bearer {me['token']}"}
        scenario = http.get("/api/v1/scenarios").json()["scenarios"][0]["id"]
        conv = http.post("/api/v1/sessions", json={"scenario": scenario}, headers=auth).json()
    sent = [message_text(i) for i in range(N_MESSAGES)]

    def send(i: int):
        # one connection per request, so the requests spread over both worker processes
        with httpx.Client(base_url=server.base_url, timeout=60) as http:
            return http.post(f"/api/v1/sessions/{conv['id']}/messages", json={"text": sent[i]}, headers=auth)

    results = fire_at_once(N_MESSAGES, send)
    assert all(not isinstance(r, Exception) for r in results), results
    assert [r.status_code for r in results] == [200] * N_MESSAGES, [r.text for r in results if r.status_code != 200]
    with httpx.Client(base_url=server.base_url, timeout=60) as http:
        full = http.get(f"/api/v1/sessions/{conv['id']}", headers=auth).json()
    assert full["student_turns"] == N_MESSAGES
    check_transcript(full["messages"], sent)
