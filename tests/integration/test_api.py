"""The JSON API end to end with FastAPI's TestClient, on SQLite and on PostgreSQL."""

from __future__ import annotations

import pytest

from conftest import first_scenario, guest, start, user_texts

OPENING = "Goedemorgen, u spreekt met Sanne van Kantoorgemak. Waarmee kan ik u helpen?"


def count_rows(client, table: str) -> int:
    from sqlalchemy import text

    with client.app.state.db.read() as s:
        return s.execute(text(f"SELECT COUNT(*) FROM {table}")).scalar_one()


# --- happy path ---------------------------------------------------------------------------

def test_full_conversation_practice_mode(make_client, database_url):
    c = make_client(database_url)
    me = guest(c, "Sanne")
    sc = first_scenario(c)
    assert {"id", "title", "werkprocessen", "briefing", "persona", "difficulties"} <= set(sc)

    conv = start(c, scenario=sc["id"], mode="oefenen")
    assert conv["scenario"] == sc["id"] and conv["mode"] == "oefenen" and conv["status"] == "lopend"
    assert conv["scenario_info"]["persona"] == sc["persona"]
    for m in conv["messages"]:
        assert set(m) >= {"speaker", "text", "seq", "created_at"}

    r = c.post(f"/api/v1/sessions/{conv['id']}/messages", json={"text": OPENING})
    assert r.status_code == 200, r.text
    turn = r.json()
    assert turn["student_message"]["text"] == OPENING
    assert turn["student_message"]["speaker"] == "student"
    assert "analysis" in turn and "hint" in turn, "practice mode returns analysis and hint"
    assert isinstance(turn["analysis"], dict) and "labels" in turn["analysis"]
    assert all(m["speaker"] in ("klant", "leverancier", "coach") for m in turn["messages"])

    r = c.post(f"/api/v1/sessions/{conv['id']}/end")
    assert r.status_code == 200, r.text
    report = r.json()["report"]
    assert {"score", "competencies", "checks", "feedback"} <= set(report)

    full = c.get(f"/api/v1/sessions/{conv['id']}").json()
    assert full["status"] == "afgerond" and full["report"] == report
    texts = [m["text"] for m in full["messages"]]
    assert OPENING in texts
    student = [m for m in full["messages"] if m["speaker"] == "student"]
    assert student[0]["analysis"] is not None

    # ending twice returns the same stored report
    again = c.post(f"/api/v1/sessions/{conv['id']}/end")
    assert again.status_code == 200 and again.json()["report"] == report

    progress = c.get("/api/v1/me/progress").json()
    assert [a["id"] for a in progress["attempts"]] == [conv["id"]]
    assert progress["progress"]["attempts"] == 1
    assert set(progress["progress"]["competencies"]) >= set(report["competencies"])

    listed = c.get("/api/v1/sessions").json()["sessions"]
    assert [s["id"] for s in listed] == [conv["id"]]
    assert me["student"]["display_name"] == "Sanne"


def test_exam_mode_hides_analysis_until_the_end(make_client):
    c = make_client()
    guest(c)
    conv = start(c, mode="toets")
    r = c.post(f"/api/v1/sessions/{conv['id']}/messages", json={"text": OPENING})
    assert r.status_code == 200
    assert "analysis" not in r.json() and "hint" not in r.json()
    during = c.get(f"/api/v1/sessions/{conv['id']}").json()
    assert all("analysis" not in m for m in during["messages"])
    c.post(f"/api/v1/sessions/{conv['id']}/end")
    after = c.get(f"/api/v1/sessions/{conv['id']}").json()
    assert any("analysis" in m for m in after["messages"] if m["speaker"] == "student")


def test_conversation_continues_on_another_app_instance(make_client, database_url):
    """No state in process memory: a second app (another worker) serves the next turn."""
    a = make_client(database_url)
    me = guest(a)
    conv = start(a)
    a.post(f"/api/v1/sessions/{conv['id']}/messages", json={"text": OPENING})

    b = make_client(database_url)
    b.headers["Authorization"] = f"Bearer {me['token']}"
    r = b.post(f"/api/v1/sessions/{conv['id']}/messages", json={"text": "Waar gebruikt u de printer vooral voor?"})
    assert r.status_code == 200, r.text
    # back on the first instance: its cached state is one turn behind and must not be used
    third = "Hoeveel pagina's print u ongeveer per week?"
    r = a.post(f"/api/v1/sessions/{conv['id']}/messages", json={"text": third})
    assert r.status_code == 200, r.text
    full = b.get(f"/api/v1/sessions/{conv['id']}").json()
    assert [m["turn"] for m in full["messages"] if m["speaker"] == "student"] == [1, 2, 3]
    with a.app.state.db.read() as s:
        from bot.store.models import Conversation

        state = s.get(Conversation, conv["id"]).state
    assert user_texts(state)[-3:] == [OPENING, "Waar gebruikt u de printer vooral voor?", third]


def test_html_and_script_are_stored_and_returned_as_plain_text(make_client):
    c = make_client()
    guest(c)
    conv = start(c)
    evil = '<img src=x onerror=alert(1)> <script>alert("x")</script> & "quotes"'
    r = c.post(f"/api/v1/sessions/{conv['id']}/messages", json={"text": evil})
    assert r.status_code == 200
    assert r.headers["content-type"].startswith("application/json")
    full = c.get(f"/api/v1/sessions/{conv['id']}").json()
    assert any(m["text"] == evil for m in full["messages"])


# --- bad input: Dutch error, right status, nothing changes ------------------------------------

@pytest.mark.parametrize(
    ("kwargs", "status", "code", "dutch"),
    [
        ({"json": {"text": ""}}, 422, "empty_text", "leeg"),
        ({"json": {"text": "   \n\t "}}, 422, "empty_text", "leeg"),
        ({"json": {"text": "a" * 2001}}, 422, "text_too_long", "te lang"),
        ({"json": {"text": "hallo\x00wereld"}}, 422, "invalid_characters", "ongeldige"),
        ({"json": {"text": "bel\x07"}}, 422, "invalid_characters", "ongeldige"),
        ({"json": {"text": 42}}, 422, "validation_error", "moet tekst zijn"),
        ({"json": {}}, 422, "validation_error", "ontbreekt"),
        ({"json": ["text"]}, 422, "validation_error", "JSON-object"),
        ({"content": b'{"text": "hoi"', "headers": {"content-type": "application/json"}}, 400, "invalid_json", "geen geldige JSON"),
        ({"content": b"\xff\xfe\x00\x01binary", "headers": {"content-type": "application/json"}}, 400, "invalid_json", "geen geldige JSON"),
        ({"content": b"text=hoi", "headers": {"content-type": "application/x-www-form-urlencoded"}}, 415, "unsupported_media_type", "JSON"),
        ({"content": b'{"text": "' + b"a" * 70000 + b'"}', "headers": {"content-type": "application/json"}}, 413, "too_large", "te groot"),
    ],
)
def test_bad_messages_are_refused_in_dutch_and_change_nothing(make_client, kwargs, status, code, dutch):
    c = make_client()
    guest(c)
    conv = start(c)
    before = count_rows(c, "messages")
    r = c.post(f"/api/v1/sessions/{conv['id']}/messages", **kwargs)
    assert r.status_code == status, r.text
    body = r.json()
    assert body["code"] == code
    assert dutch in body["detail"]
    assert count_rows(c, "messages") == before
    assert c.get(f"/api/v1/sessions/{conv['id']}").json()["student_turns"] == 0


def test_exactly_max_length_is_accepted(make_client):
    c = make_client()
    guest(c)
    conv = start(c)
    r = c.post(f"/api/v1/sessions/{conv['id']}/messages", json={"text": "Goedemorgen. " + "a" * 1987})
    assert r.status_code == 200, r.text


def test_unknown_scenario_difficulty_mode(make_client):
    c = make_client()
    guest(c)
    r = c.post("/api/v1/sessions", json={"scenario": "bestaat-niet"})
    assert r.status_code == 422 and r.json()["code"] == "unknown_scenario" and "Onbekend scenario" in r.json()["detail"]
    sc = first_scenario(c)["id"]
    r = c.post("/api/v1/sessions", json={"scenario": sc, "difficulty": "extreem"})
    assert r.status_code == 422 and "moeilijkheid" in r.json()["detail"]
    r = c.post("/api/v1/sessions", json={"scenario": sc, "mode": "spelen"})
    assert r.status_code == 422 and "modus" in r.json()["detail"] and "oefenen" in r.json()["detail"]
    assert count_rows(c, "conversations") == 0


def test_unknown_session_and_route(make_client):
    c = make_client()
    guest(c)
    for r in (
        c.get("/api/v1/sessions/doesnotexist"),
        c.post("/api/v1/sessions/doesnotexist/messages", json={"text": "hallo"}),
        c.post("/api/v1/sessions/doesnotexist/end"),
    ):
        assert r.status_code == 404 and "bestaat niet" in r.json()["detail"]
    r = c.get("/api/v1/nergens")
    assert r.status_code == 404 and r.json()["detail"] == "Deze pagina of dit gegeven bestaat niet."
    r = c.delete("/api/v1/scenarios")
    assert r.status_code == 405 and "niet toegestaan" in r.json()["detail"]


def test_message_to_finished_conversation_is_refused(make_client):
    c = make_client()
    guest(c)
    conv = start(c)
    assert c.post(f"/api/v1/sessions/{conv['id']}/end").status_code == 200
    before = count_rows(c, "messages")
    r = c.post(f"/api/v1/sessions/{conv['id']}/messages", json={"text": "Nog één ding"})
    assert r.status_code == 409 and "al afgerond" in r.json()["detail"]
    assert count_rows(c, "messages") == before


def test_engine_failure_rolls_back_and_answers_in_dutch(make_client, real_engine):
    class Broken:
        """Test double: the real engine, except that step() fails."""

        def __getattr__(self, name):
            return getattr(real_engine, name)

        def step(self, state, text):
            raise RuntimeError("boom")

    c = make_client(engine=Broken())
    guest(c)
    conv = start(c)
    before = count_rows(c, "messages")
    r = c.post(f"/api/v1/sessions/{conv['id']}/messages", json={"text": OPENING})
    assert r.status_code == 500 and "niets opgeslagen" in r.json()["detail"]
    assert count_rows(c, "messages") == before
    assert c.get(f"/api/v1/sessions/{conv['id']}").json()["student_turns"] == 0


def test_invalid_state_is_a_dutch_409_and_stores_nothing(make_client, real_engine):
    class Corrupt:
        """Test double: the real engine, but the stored state it is given is not one start() made."""

        def __getattr__(self, name):
            return getattr(real_engine, name)

        def step(self, state, text):
            return real_engine.step({**state, "events": "kapot"}, text)

    c = make_client(engine=Corrupt())
    guest(c)
    conv = start(c)
    before = count_rows(c, "messages")
    r = c.post(f"/api/v1/sessions/{conv['id']}/messages", json={"text": OPENING})
    assert r.status_code == 409, r.text
    body = r.json()
    assert body["code"] == "invalid_state"
    assert "kan niet verder" in body["detail"] and "niets opgeslagen" in body["detail"]
    assert count_rows(c, "messages") == before
    assert c.get(f"/api/v1/sessions/{conv['id']}").json()["student_turns"] == 0


def test_failing_action_is_a_dutch_502_and_stores_nothing(make_client, monkeypatch):
    import bot.engine.actions as actions_module

    c = make_client()
    guest(c)
    conv = start(c)
    before = count_rows(c, "messages")

    def crash(make):
        raise RuntimeError("boom in een actie")

    monkeypatch.setattr(actions_module, "_run_coroutine", crash)
    r = c.post(f"/api/v1/sessions/{conv['id']}/messages", json={"text": OPENING})
    assert r.status_code == 502, r.text
    body = r.json()
    assert body["code"] == "action_failed"
    assert "niets opgeslagen" in body["detail"] and "boom" not in body["detail"]
    assert count_rows(c, "messages") == before
    assert c.get(f"/api/v1/sessions/{conv['id']}").json()["student_turns"] == 0

    monkeypatch.undo()  # the state stayed valid: the same message now works
    r = c.post(f"/api/v1/sessions/{conv['id']}/messages", json={"text": OPENING})
    assert r.status_code == 200, r.text
    assert c.get(f"/api/v1/sessions/{conv['id']}").json()["student_turns"] == 1


# --- who may do what ----------------------------------------------------------------------------

def test_other_guest_cannot_see_or_touch_my_conversation(make_client, database_url):
    mine = make_client(database_url)
    guest(mine, "Sanne")
    conv = start(mine)
    mine.post(f"/api/v1/sessions/{conv['id']}/messages", json={"text": OPENING})

    other = make_client(database_url)
    guest(other, "Bram")
    for r in (
        other.get(f"/api/v1/sessions/{conv['id']}"),
        other.post(f"/api/v1/sessions/{conv['id']}/messages", json={"text": "Ik kaap dit gesprek"}),
        other.post(f"/api/v1/sessions/{conv['id']}/end"),
    ):
        assert r.status_code == 404, r.text
    assert other.get("/api/v1/sessions").json()["sessions"] == []
    assert other.get("/api/v1/me/progress").json()["attempts"] == []
    assert mine.get(f"/api/v1/sessions/{conv['id']}").json()["status"] == "lopend"


def test_not_signed_in_and_forged_tokens(make_client):
    c = make_client()
    r = c.get("/api/v1/sessions")
    assert r.status_code == 401 and "niet aangemeld" in r.json()["detail"]
    me = guest(c)
    forged = me["token"].rsplit(".", 1)[0] + ".AAAA"
    r = c.get("/api/v1/me", headers={"Authorization": f"Bearer {forged}"})
    assert r.status_code == 401 and "ongeldig" in r.json()["detail"]
    # someone else's id with my signature does not work either
    parts = me["token"].split(".")
    parts[0] = "0" * 32
    r = c.get("/api/v1/me", headers={"Authorization": "Bearer " + ".".join(parts)})
    assert r.status_code == 401


def test_guest_access_off(make_client):
    c = make_client(guest_access=False)
    r = c.post("/api/v1/guest", json={"display_name": "Sanne"})
    assert r.status_code == 403 and "Gasttoegang staat uit" in r.json()["detail"]
    r = c.get("/api/v1/sessions")
    assert r.status_code == 401 and "school" in r.json()["detail"]
    r = c.post("/webhooks/rest/webhook", json={"sender": "x", "message": "hallo"})
    assert r.status_code == 401
    assert count_rows(c, "students") == 0


def test_guest_token_refused_after_guest_access_is_switched_off(make_client, database_url):
    on = make_client(database_url)
    me = guest(on)
    off = make_client(database_url, guest_access=False)
    r = off.get("/api/v1/me", headers={"Authorization": f"Bearer {me['token']}"})
    assert r.status_code == 403 and "Gasttoegang" in r.json()["detail"]


def test_trusted_header_identifies_school_users(make_client):
    c = make_client(guest_access=False, trusted_user_header="X-Remote-User", trusted_name_header="X-Remote-Name")
    h = {"X-Remote-User": "s123456@school.nl", "X-Remote-Name": "Sanne de Boer"}
    me = c.get("/api/v1/me", headers=h).json()
    assert me["student"]["display_name"] == "Sanne de Boer" and me["student"]["kind"] == "header"
    # state changes need the CSRF token (the proxy's session cookie is ambient)
    sc = first_scenario(c)["id"]
    r = c.post("/api/v1/sessions", json={"scenario": sc}, headers=h)
    assert r.status_code == 403 and r.json()["code"] == "csrf_failed"
    r = c.post("/api/v1/sessions", json={"scenario": sc}, headers={**h, "X-CSRF-Token": me["csrf_token"]})
    assert r.status_code == 201
    # the same person next time is the same student; someone else sees nothing
    assert c.get("/api/v1/me", headers=h).json()["student"]["id"] == me["student"]["id"]
    assert c.get("/api/v1/sessions", headers={"X-Remote-User": "other@school.nl"}).json()["sessions"] == []


# --- CSRF, cookies, rate limits, headers ---------------------------------------------------

def test_csrf_required_for_cookie_requests(make_client):
    c = make_client()
    me = guest(c)
    del c.headers["X-CSRF-Token"]
    sc = first_scenario(c)["id"]
    r = c.post("/api/v1/sessions", json={"scenario": sc})
    assert r.status_code == 403 and r.json()["code"] == "csrf_failed" and "Herlaad" in r.json()["detail"]
    r = c.post("/api/v1/sessions", json={"scenario": sc}, headers={"X-CSRF-Token": "verkeerd"})
    assert r.status_code == 403
    assert count_rows(c, "conversations") == 0
    r = c.post("/api/v1/sessions", json={"scenario": sc}, headers={"X-CSRF-Token": me["csrf_token"]})
    assert r.status_code == 201
    # reads need no token; bearer-token clients need none either (no ambient credential)
    assert c.get("/api/v1/sessions").status_code == 200
    c.cookies.clear()
    r = c.post("/api/v1/sessions", json={"scenario": sc}, headers={"Authorization": f"Bearer {me['token']}"})
    assert r.status_code == 201


def test_session_cookie_flags(make_client):
    c = make_client()
    r = c.post("/api/v1/guest", json={"display_name": "Sanne"})
    cookies = r.headers.get_list("set-cookie")
    session = next(h for h in cookies if h.startswith("oefengesprek_sessie="))
    csrf = next(h for h in cookies if h.startswith("oefengesprek_csrf="))
    assert "HttpOnly" in session and "SameSite=lax" in session and "Secure" not in session
    assert "HttpOnly" not in csrf

    https = make_client(base_url="https://testserver")
    session = next(
        h for h in https.post("/api/v1/guest", json={"display_name": "S"}).headers.get_list("set-cookie")
        if h.startswith("oefengesprek_sessie=")
    )
    assert "Secure" in session and "SameSite=lax" in session

    lms = make_client(base_url="https://testserver", frame_ancestors="https://lms.school.nl")
    r = lms.post("/api/v1/guest", json={"display_name": "S"})
    session = next(h for h in r.headers.get_list("set-cookie") if h.startswith("oefengesprek_sessie="))
    assert "Secure" in session and "SameSite=none" in session and "Partitioned" in session


def test_rate_limit_per_client(make_client, database_url):
    c = make_client(database_url, rate_limit_per_minute=3)
    guest(c)
    conv = start(c)  # 1
    assert c.post(f"/api/v1/sessions/{conv['id']}/messages", json={"text": OPENING}).status_code == 200  # 2
    assert c.post(f"/api/v1/sessions/{conv['id']}/messages", json={"text": "Wat zoekt u?"}).status_code == 200  # 3
    before = count_rows(c, "messages")
    r = c.post(f"/api/v1/sessions/{conv['id']}/messages", json={"text": "Nog een vraag"})
    assert r.status_code == 429 and "te veel" in r.json()["detail"]
    assert int(r.headers["Retry-After"]) >= 1
    assert count_rows(c, "messages") == before
    # the counter lives in the database: another app instance (worker) sees it too
    other = make_client(database_url, rate_limit_per_minute=3)
    other.cookies.update(c.cookies)
    other.headers["X-CSRF-Token"] = c.headers["X-CSRF-Token"]
    assert other.post(f"/api/v1/sessions/{conv['id']}/messages", json={"text": "Hallo?"}).status_code == 429
    # another student is not affected
    someone = make_client(database_url, rate_limit_per_minute=3)
    guest(someone, "Bram")
    assert someone.post("/api/v1/sessions", json={"scenario": conv["scenario"]}).status_code == 201


def test_guest_creation_limited_per_address(make_client):
    c = make_client(rate_limit_guests_per_hour=2)
    assert c.post("/api/v1/guest", json={"display_name": "A"}).status_code == 201
    assert c.post("/api/v1/guest", json={"display_name": "B"}).status_code == 201
    r = c.post("/api/v1/guest", json={"display_name": "C"})
    assert r.status_code == 429 and "Wacht" in r.json()["detail"]


def test_guest_name_validation(make_client):
    c = make_client()
    assert c.post("/api/v1/guest", json={"display_name": "  "}).status_code == 422
    assert c.post("/api/v1/guest", json={"display_name": "x" * 61}).status_code == 422
    r = c.post("/api/v1/guest", json={"display_name": "<b>Sanne</b>"})
    assert r.status_code == 201 and r.json()["student"]["display_name"] == "<b>Sanne</b>"


def test_security_headers_and_no_third_parties(make_client):
    c = make_client(frame_ancestors="https://lms.school.nl https://moodle.school.nl")
    r = c.get("/")
    assert r.status_code == 200 and 'lang="nl"' in r.text
    csp = r.headers["content-security-policy"]
    assert "default-src 'self'" in csp and "script-src 'self'" in csp
    assert "frame-ancestors 'self' https://lms.school.nl https://moodle.school.nl" in csp
    assert "unsafe-inline" not in csp and "unsafe-eval" not in csp
    assert r.headers["x-content-type-options"] == "nosniff"
    assert "x-frame-options" not in r.headers  # CSP frame-ancestors decides
    for page in ("/", "/embed", "/docs", "/static/app.js", "/widget.js"):
        body = c.get(page).text
        assert "http://" not in body.replace("http://testserver", "") and "https://cdn" not in body, page
    plain = make_client()
    assert plain.get("/").headers["x-frame-options"] == "SAMEORIGIN"
    assert "frame-ancestors 'self'" in plain.get("/").headers["content-security-policy"]


def test_embed_is_the_chat_page_in_compact_mode(make_client):
    c = make_client()
    page, embed = c.get("/"), c.get("/embed")
    assert page.status_code == 200 and embed.status_code == 200
    assert '<body class="embed">' in embed.text and '<body class="embed">' not in page.text
    assert 'class="foot"' in page.text and 'class="foot"' not in embed.text  # no link out of the iframe
    # one template: apart from the body class and the footer the markup is the same
    normalised = page.text.replace('<footer class="foot"><a href="/docs">API-documentatie</a></footer>', "")
    assert embed.text == normalised.replace("<body>", '<body class="embed">')


def test_docs_and_openapi_served_locally(make_client):
    c = make_client()
    spec = c.get("/openapi.json").json()
    assert "/api/v1/sessions" in spec["paths"] and "/webhooks/rest/webhook" in spec["paths"]
    docs = c.get("/docs")
    assert docs.status_code == 200 and "/static/docs.js" in docs.text
    assert "cdn" not in docs.text.lower()


def test_health_and_readiness(make_client, database_url):
    c = make_client(database_url)
    assert c.get("/healthz").json() == {"status": "ok"}
    r = c.get("/readyz")
    assert r.status_code == 200 and r.json()["checks"]["database"] == "ok"


def test_readiness_fails_when_the_engine_cannot_load(make_client, real_engine):
    class Broken:
        """Test double: the real engine, except that warming up fails (e.g. broken content)."""

        def __getattr__(self, name):
            return getattr(real_engine, name)

        def warm_up(self):
            raise RuntimeError("domain/scenarios/x.yml:3: kapot")

    c = make_client(engine=Broken(), warm_up=True)
    c.app.state.engine_ready.wait(10)  # the warm-up runs in the background
    r = c.get("/readyz")
    assert r.status_code == 503 and "kapot" in r.json()["checks"]["engine"]
    assert c.get("/healthz").status_code == 200


def test_turns_run_on_the_event_loop_only_for_sqlite_without_an_action_server(make_client, database_url, monkeypatch):
    """SQLite serialises every write anyway, so turns skip the thread pool; PostgreSQL (network
    round trips) and an action server (HTTP from inside the engine) keep them off the loop."""
    from bot.engine.actions import ENDPOINT_ENV

    monkeypatch.delenv(ENDPOINT_ENV, raising=False)
    c = make_client(database_url)
    assert c.app.state.conversations.inline is database_url.startswith("sqlite")
    guest(c)
    conv = start(c)
    assert c.post(f"/api/v1/sessions/{conv['id']}/messages", json={"text": OPENING}).status_code == 200
    assert c.post(f"/api/v1/sessions/{conv['id']}/end").status_code == 200

    monkeypatch.setenv(ENDPOINT_ENV, "http://127.0.0.1:1/webhook")
    assert make_client(database_url).app.state.conversations.inline is False
    assert make_client(database_url, turns_inline="on").app.state.conversations.inline is True
    monkeypatch.delenv(ENDPOINT_ENV)
    assert make_client(database_url, turns_inline="off").app.state.conversations.inline is False


def test_readiness_fails_without_database(make_client, tmp_path):
    c = make_client()
    c.app.state.db.engine.dispose()
    from bot.store.db import Database

    c.app.state.db = Database("postgresql://nobody@127.0.0.1:1/none")
    r = c.get("/readyz")
    assert r.status_code == 503 and r.json()["checks"]["database"] == "niet bereikbaar"


# --- Rasa REST channel --------------------------------------------------------------------

def test_rasa_rest_channel(make_client, database_url):
    c = make_client(database_url)
    r = c.post("/webhooks/rest/webhook", json={"sender": "leerling-1", "message": OPENING})
    assert r.status_code == 200, r.text
    replies = r.json()
    assert replies and all(set(m) == {"recipient_id", "text"} and m["recipient_id"] == "leerling-1" for m in replies)
    r = c.post("/webhooks/rest/webhook", json={"sender": "leerling-1", "message": "Waar gebruikt u hem voor?"})
    assert r.status_code == 200 and r.json()
    with c.app.state.db.read() as s:
        from sqlalchemy import select

        from bot.store.models import Conversation

        convs = list(s.scalars(select(Conversation)))
    assert len(convs) == 1 and convs[0].student_turns == 2 and convs[0].channel == "rest"

    # metadata chooses the scenario; unknown scenario → Dutch 422
    r = c.post("/webhooks/rest/webhook", json={"sender": "leerling-2", "message": "hallo", "metadata": {"scenario": "nope"}})
    assert r.status_code == 422 and "Onbekend scenario" in r.json()["detail"]
    sc = first_scenario(c)["id"]
    r = c.post("/webhooks/rest/webhook", json={"sender": "leerling-2", "message": "/start", "metadata": {"scenario": sc}})
    assert r.status_code == 200
    r = c.post("/webhooks/rest/webhook", json={"sender": "leerling-2", "message": ""})
    assert r.status_code == 422 and "leeg" in r.json()["detail"]
    r = c.post("/webhooks/rest/webhook", json={"sender": "leerling-1", "message": "/restart"})
    assert r.status_code == 200
    assert c.get("/webhooks/rest/").json() == {"status": "ok"}


def test_briefing_answers_are_no_beurt_in_the_store_and_the_report(make_client, database_url):
    """2.1: the four briefing answers are preparation (turn 0); the first sentence to the
    customer is beurt 1 in the stored messages, the turn count and the report's links."""
    c = make_client(database_url)
    guest(c, "Fenna")
    conv = start(c, scenario="2.1-voorbereiding-dispensers", mode="oefenen")
    send = lambda text: c.post(f"/api/v1/sessions/{conv['id']}/messages", json={"text": text})  # noqa: E731
    for answer in ("Een afspraak voor een gratis proefplaatsing.",
                   "Eerst vragen stellen over de situatie, dan het voordeel koppelen en afsluiten met een voorstel.",
                   "De ProRol Touchless als proefplaatsing, tegen lege dispensers en papier op de vloer.",
                   "Hoe gaat het bijvullen nu, en hoeveel dozen gebruikt u per maand?"):
        assert send(answer).status_code == 200
    first = "Goedemorgen meneer Smits, u spreekt met Fenna Vos van HygiënePlus Groothandel. Hoe gaat het bijvullen nu?"
    assert send(first).status_code == 200
    report = c.post(f"/api/v1/sessions/{conv['id']}/end").json()["report"]
    full = c.get(f"/api/v1/sessions/{conv['id']}").json()
    student = [m for m in full["messages"] if m["speaker"] == "student"]
    assert [m["turn"] for m in student] == [0, 0, 0, 0, 1]
    assert full["student_turns"] == 1 and report["turns"] == 1
    greeting = next(ch for ch in report["checks"] if ch["id"] == "begroeting")
    assert greeting["evidence_turn"] == 1 and greeting["quote"] == first
