"""The persona's slot handling (actions/persona/state.py) copies only what it changes:
a shallow copy of the slots and a private deep copy of its memory. These tests prove that
nothing leaks: not into the tracker an action receives, not into the module defaults, and
not from one conversation into another in the same process.
"""

from __future__ import annotations

import asyncio
import copy
import json

from actions.persona.core import persona_turn
from actions.persona.message import Message
from actions.persona.state import INITIAL_SLOTS, MEMORY_SLOT, Conversation, copy_value, new_memory
from bot.engine import session
from test_actions_support import PRINTER_DISCOVERY, Chat, executor, parse

PRINTER = "2.3-inbound-printer"
TURNS = [*PRINTER_DISCOVERY[:4], ("Zal ik de bestelling voor u vastleggen?", ["afsluitvraag"])]


def _chat_after(turns: int) -> Chat:
    chat = Chat(PRINTER, "gemiddeld", seed=3)
    for text, labels in TURNS[:turns]:
        chat.say(text, labels)
    return chat


def test_copy_value_copies_containers_and_keeps_their_types():
    value = {"a": [1, {"b": (2, [3])}], "c": "x", "d": None, "e": 1.5, "f": True, "g": {4, 5}}
    copied = copy_value(value)
    assert copied == value
    assert copied is not value and copied["a"] is not value["a"] and copied["a"][1] is not value["a"][1]
    assert type(copied["a"][1]["b"]) is tuple and copied["a"][1]["b"][1] is not value["a"][1]["b"][1]
    assert copied["g"] == value["g"] and copied["g"] is not value["g"]  # anything else: copy.deepcopy


def test_a_persona_turn_leaves_the_slots_it_was_given_untouched():
    chat = _chat_after(3)
    slots = copy.deepcopy(chat.slots)
    given = copy.deepcopy(slots)
    conv = Conversation(given)
    persona_turn(conv, Message.from_parse_data(parse("Wat kost dat?", ["open_vraag"])))
    events = conv.events()
    assert given == slots  # nothing changed in place, also not inside the memory
    assert conv.memory is not given[MEMORY_SLOT]
    changed = {e["name"] for e in events}
    assert MEMORY_SLOT in changed
    for name, value in conv.slots.items():  # every change is reported, nothing else
        assert (name in changed) == (value != slots.get(name) and not (name not in slots and value is None))


def test_the_action_does_not_change_the_tracker_it_receives():
    chat = _chat_after(2)
    chat.latest = parse(*TURNS[2])
    chat.events.append({"event": "user", "text": TURNS[2][0], "parse_data": chat.latest})
    tracker = chat.tracker()
    before = json.dumps(tracker, sort_keys=True)
    call = {"next_action": "action_persona_reageren", "tracker": tracker, "domain": chat.domain}
    result = asyncio.run(executor().run(call))
    assert result.events
    assert json.dumps(tracker, sort_keys=True) == before


def test_defaults_are_fresh_for_every_conversation_and_never_change():
    initial, memory = copy.deepcopy(INITIAL_SLOTS), new_memory()
    one, two = Conversation({"scenario": PRINTER}), Conversation({"scenario": PRINTER})
    for name, value in INITIAL_SLOTS.items():
        if isinstance(value, (list, dict)):
            assert one.slots[name] is not value and one.slots[name] is not two.slots[name]
    assert one.memory is not two.memory and one.memory["raised"] is not two.memory["raised"]
    one.add_to("open_bezwaren", "prijs")
    one.memory["raised"].append("prijs")
    one.memory["used"].setdefault("x", []).append(1)
    assert two.slots["open_bezwaren"] == [] and two.memory["raised"] == [] and two.memory["used"] == {}
    _chat_after(len(TURNS))  # a whole conversation through the actions
    assert INITIAL_SLOTS == initial and new_memory() == memory


def _play(scenario: str, seed: int, texts: list[str], state: dict | None = None):
    result = session.start(scenario, seed=seed) if state is None else None
    state = state or result.state
    out = []
    for text in texts:
        result = session.step(state, text)
        state = result.state
        out.append((result.messages, result.hint))
    return state, out


def test_conversations_in_one_process_do_not_leak_into_each_other():
    texts = [t for t, _ in TURNS]
    # alone: A from start to end
    _, alone = _play(PRINTER, 11, texts)
    # interleaved: A halfway, B (same scenario, other seed) entirely, then A again
    state_a, first = _play(PRINTER, 11, texts[:2])
    frozen = json.dumps(state_a, sort_keys=True)
    _play(PRINTER, 12, texts)
    _play(PRINTER, 11, texts)  # the same conversation again, in full, from its start
    assert json.dumps(state_a, sort_keys=True) == frozen  # A's state was not touched
    _, rest = _play(PRINTER, 11, texts[2:], state=state_a)
    assert first + rest == alone


def test_an_older_memory_gets_the_missing_parts_without_touching_the_given_one():
    old = {"needs": ["x"], "raised": ["prijs"]}
    conv = Conversation({"scenario": PRINTER, MEMORY_SLOT: old})
    assert old == {"needs": ["x"], "raised": ["prijs"]}
    assert list(conv.memory) == ["needs", "raised"] + [k for k in new_memory() if k not in ("needs", "raised")]
    assert conv.memory["needs"] == ["x"] and conv.memory["used"] == {}
    assert any(e["name"] == MEMORY_SLOT for e in conv.events())  # the completed memory is written back
