"""The API's message view says why the customer said each line (contracts §2: `reason`)."""

from __future__ import annotations

from conftest import guest, start

from actions.persona.reply import REASONS


def test_customer_messages_carry_their_reason_in_the_api(make_client):
    c = make_client()
    guest(c, "Sanne")
    conv = start(c, scenario="2.3-inbound-printer", mode="oefenen")
    opening = [m for m in conv["messages"] if m["speaker"] == "klant"]
    assert opening and opening[0]["reason"] == "opening"
    r = c.post(f"/api/v1/sessions/{conv['id']}/messages", json={"text": "Ik hou eigenlijk meer van voetbal."})
    assert r.status_code == 200, r.text
    replies = r.json()["messages"]
    assert [m["reason"] for m in replies] == ["clarification"]
    full = c.get(f"/api/v1/sessions/{conv['id']}").json()
    for m in full["messages"]:
        if m["speaker"] == "student":
            assert m.get("reason") is None
        else:
            assert m["reason"] in REASONS
