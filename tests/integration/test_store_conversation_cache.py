"""The live conversations a worker keeps: bounded, version-checked, owned by one turn at a
time, never the source of truth."""

from __future__ import annotations

from bot.engine import session
from bot.store.conversation_cache import ConversationCache
from conftest import guest, start

LINES = ["Goedemorgen, u spreekt met Sanne van Kantoorgemak.", "Waar gebruikt u de printer vooral voor?"]


def _live(seed: int = 1) -> session.Conversation:
    from bot.scenarios import load_scenarios

    return session.start(next(iter(load_scenarios())), seed=seed).conversation


def test_a_conversation_is_handed_out_once_and_only_for_its_version():
    cache = ConversationCache(size=4)
    live = _live()
    cache.keep("c1", 3, live)
    assert cache.take("c1", 5) is None, "another worker committed a newer turn"
    assert cache.take("c1", 3) is None, "a miss drops the stale entry"
    cache.keep("c1", 3, live)
    assert cache.take("c1", 3) is live
    assert cache.take("c1", 3) is None, "the turn that took it owns it until it keeps it again"
    assert cache.take("c2", 3) is None


def test_bounded_least_recently_kept():
    cache = ConversationCache(size=2)
    a, b, c = _live(1), _live(2), _live(3)
    cache.keep("a", 1, a)
    cache.keep("b", 1, b)
    cache.keep("a", 1, a)
    cache.keep("c", 1, c)
    assert len(cache) == 2
    assert cache.take("b", 1) is None and cache.take("a", 1) is a and cache.take("c", 1) is c


def test_failed_turn_leaves_no_cache_entry(make_client):
    """A turn that fails is rolled back: the conversation it took is not kept, and the next
    turn loads the committed one from the database."""
    c = make_client()
    guest(c, "S")
    conv = start(c)
    service = c.app.state.conversations
    version = len(conv["messages"])

    class Boom(Exception):
        pass

    def failing_step(state, text):
        raise Boom()

    service.engine.step = failing_step
    try:
        assert c.post(f"/api/v1/sessions/{conv['id']}/messages", json={"text": LINES[0]}).status_code == 500
    finally:
        del service.engine.step
    assert service.live.take(conv["id"], version) is None
    assert service.live.take(conv["id"], version + 1) is None
    r = c.post(f"/api/v1/sessions/{conv['id']}/messages", json={"text": LINES[0]})
    assert r.status_code == 200 and r.json()["messages"]


def test_turns_append_only_their_new_events_and_a_cold_worker_reads_the_same_state(make_client):
    """One events row per turn (the history is never rewritten); the state read from the
    database equals the live conversation's, and a cold worker continues it the same way."""
    from sqlalchemy import func, select

    from bot.store.models import Conversation, ConversationEvents

    c = make_client()
    guest(c, "S")
    conv = start(c)
    service = c.app.state.conversations
    for i, line in enumerate(LINES):
        if i == 1:
            service.live = ConversationCache()  # a cold worker: the conversation comes from the database
        assert c.post(f"/api/v1/sessions/{conv['id']}/messages", json={"text": line}).status_code == 200
    version = len(c.get(f"/api/v1/sessions/{conv['id']}").json()["messages"])
    live = service.live.take(conv["id"], version)
    assert live is not None
    with c.app.state.db.read() as s:
        stored = s.get(Conversation, conv["id"])
        rows = s.scalar(select(func.count()).select_from(ConversationEvents).where(ConversationEvents.conversation_id == conv["id"]))
        assert rows == 1 + len(LINES)  # the opening, then one row per turn
        assert stored.event_count == len(live.events)
        assert stored.state == live.state
