"""The per-process state cache: bounded, version-checked, never the source of truth."""

from __future__ import annotations

from bot.store.statecache import StateCache
from conftest import guest, start


def test_hit_only_for_the_same_version():
    cache = StateCache(size=4)
    cache.put("c1", 3, {"events": [1]})
    assert cache.get("c1", 3) == {"events": [1]}
    assert cache.get("c1", 5) is None, "another worker committed a newer turn"
    assert cache.get("c2", 3) is None


def test_bounded_least_recently_used():
    cache = StateCache(size=2)
    cache.put("a", 1, {})
    cache.put("b", 1, {})
    assert cache.get("a", 1) == {}
    cache.put("c", 1, {})
    assert cache.get("b", 1) is None and cache.get("a", 1) == {} and cache.get("c", 1) == {}


def test_failed_turn_leaves_no_cache_entry(make_client):
    """A turn that fails is rolled back and must not be cached under the next version."""
    c = make_client()
    guest(c, "S")
    conv = start(c)
    service = c.app.state.conversations
    real_step = service.engine.step
    version = len(conv["messages"])

    class Boom(Exception):
        pass

    def failing_step(state, text):
        raise Boom()

    service.engine.step = failing_step
    try:
        assert c.post(f"/api/v1/sessions/{conv['id']}/messages", json={"text": "Goedemorgen"}).status_code == 500
    finally:
        del service.engine.step
    assert service.engine.step == real_step
    assert service.states.get(conv["id"], version + 1) is None
    assert service.states.get(conv["id"], version) is not None


def test_turns_append_only_their_new_events_and_a_cold_worker_reads_the_same_state(make_client):
    """One events row per turn (the history is never rewritten); without the cache the state
    read from the database equals the one the engine returned."""
    from sqlalchemy import func, select

    from bot.store.models import Conversation, ConversationEvents

    c = make_client()
    guest(c, "S")
    conv = start(c)
    service = c.app.state.conversations
    texts = ["Goedemorgen, u spreekt met Sanne van Kantoorgemak.", "Waar gebruikt u de printer vooral voor?"]
    for i, line in enumerate(texts):
        if i == 1:
            service.states = StateCache()  # a cold worker: the state comes from the database
        assert c.post(f"/api/v1/sessions/{conv['id']}/messages", json={"text": line}).status_code == 200
    version = len(c.get(f"/api/v1/sessions/{conv['id']}").json()["messages"])
    cached = service.states.get(conv["id"], version)
    with c.app.state.db.read() as s:
        stored = s.get(Conversation, conv["id"])
        rows = s.scalar(select(func.count()).select_from(ConversationEvents).where(ConversationEvents.conversation_id == conv["id"]))
        assert rows == 1 + len(texts)  # the opening, then one row per turn
        assert stored.event_count == len(cached["events"])
        assert stored.state == cached


def test_save_state_rewrites_the_events_when_they_do_not_extend_the_stored_ones(tmp_path):
    from bot.store import migrate
    from bot.store import repository as repo
    from bot.store.db import Database
    from bot.store.models import Conversation

    db = Database(f"sqlite:///{tmp_path / 'x.sqlite3'}", pool_size=1)
    try:
        migrate.upgrade(db.engine)
        first = {"version": 1, "scenario": "s", "events": [{"event": "slot", "name": "a", "value": 1}]}
        with db.transaction() as conn:
            student = repo.create_student(conn, "S")
            conv, _ = repo.create_conversation(conn, student_id=student.id, scenario="s", difficulty=None,
                                               mode="oefenen", state=first)
            cid = conv.id
        longer = {**first, "events": first["events"] + [{"event": "user", "text": "hoi"}]}
        other = {**first, "mode": "toets", "events": [{"event": "slot", "name": "b", "value": 2}]}
        with db.transaction() as conn:
            conv = repo.lock_conversation(conn, cid, student.id)
            assert repo.load_state(conn, conv) == first
            repo.save_state(conn, conv, longer, first)  # appends one event
            repo.update_conversation(conn, conv)
        with db.transaction() as conn:
            conv = repo.lock_conversation(conn, cid, student.id)
            assert repo.load_state(conn, conv) == longer and conv.event_count == 2
            repo.save_state(conn, conv, other, longer)  # not an extension: everything is written again
            repo.update_conversation(conn, conv)
        with db.engine.connect() as conn:
            assert repo.lock_conversation(conn, cid, "someone else") is None, "only the student's own conversation"
        with db.read() as s:
            stored = s.get(Conversation, cid)
            assert stored.state == other and stored.event_count == 1
    finally:
        db.dispose()
