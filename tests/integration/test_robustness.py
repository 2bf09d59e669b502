"""Issue 13: retries, failures and hostile input (SQLite and PostgreSQL).

Each test reproduces a finding of the robustness probe: a retried send stored twice, a 500
that logged the student's text, a database outage answered 500, a stale token answered 500,
unchecked REST-channel input.
"""

from __future__ import annotations

import json
import logging
import uuid

import pytest
import sqlalchemy.exc

from conftest import first_scenario, guest, start

OPENING = "Goedemorgen, u spreekt met Sanne van Kantoorgemak. Waarmee kan ik u helpen?"
SECRET_TEXT = "Mijn geheime zin over de Zwoebeltrix-printer"
SECRET_NAME = "Quirijntje Vlaskamp"


def count_rows(client, table: str) -> int:
    from sqlalchemy import text

    with client.app.state.db.read() as s:
        return s.execute(text(f"SELECT COUNT(*) FROM {table}")).scalar_one()


def send(client, conv_id: str, text: str, key: str | None = None, **headers):
    if key is not None:
        headers["Idempotency-Key"] = key
    return client.post(f"/api/v1/sessions/{conv_id}/messages", json={"text": text}, headers=headers)


# --- 2. idempotency ------------------------------------------------------------------------------

def test_a_retried_send_gets_the_stored_reply_and_never_a_second_turn(make_client, database_url):
    c = make_client(database_url)
    guest(c)
    conv = start(c)
    key = str(uuid.uuid4())
    first = send(c, conv["id"], OPENING, key)
    assert first.status_code == 200, first.text
    assert "idempotent-replayed" not in first.headers
    messages = count_rows(c, "messages")

    # the answer got lost (worker killed after the commit): the widget sends it again, same key
    again = send(c, conv["id"], OPENING, key)
    assert again.status_code == 200
    assert again.json() == first.json()
    assert again.headers["idempotent-replayed"] == "true"
    assert count_rows(c, "messages") == messages
    assert c.get(f"/api/v1/sessions/{conv['id']}").json()["student_turns"] == 1

    # another worker (another app on the same database) gives the same stored reply
    other = make_client(database_url)
    other.headers.update(c.headers)
    other.cookies.update(c.cookies)
    assert send(other, conv["id"], OPENING, key).json() == first.json()
    assert count_rows(c, "messages") == messages

    # the same key with a different text is a mistake of the client: Dutch 422, nothing stored
    r = send(c, conv["id"], "Waar gebruikt u de printer voor?", key)
    assert r.status_code == 422
    assert r.json()["code"] == "idempotency_key_reused" and "ander verzoek" in r.json()["detail"]
    assert count_rows(c, "messages") == messages

    # a new key is a new turn
    assert send(c, conv["id"], "Waar gebruikt u de printer voor?", str(uuid.uuid4())).status_code == 200
    assert c.get(f"/api/v1/sessions/{conv['id']}").json()["student_turns"] == 2


def test_a_retried_goodbye_gets_its_reply_not_already_finished(make_client):
    c = make_client()
    guest(c)
    conv = start(c)
    send(c, conv["id"], OPENING, str(uuid.uuid4()))
    key = str(uuid.uuid4())
    bye = send(c, conv["id"], "Dank u wel voor het gesprek, tot ziens!", key)
    assert bye.status_code == 200
    if not bye.json()["finished"]:
        assert c.post(f"/api/v1/sessions/{conv['id']}/end").status_code == 200
    assert c.get(f"/api/v1/sessions/{conv['id']}").json()["status"] == "afgerond"
    again = send(c, conv["id"], "Dank u wel voor het gesprek, tot ziens!", key)
    assert again.status_code == 200 and again.json() == bye.json()
    # without the key the finished conversation still refuses a new message
    assert send(c, conv["id"], "Nog één ding").status_code == 409


def test_keys_belong_to_one_student(make_client):
    c = make_client()
    guest(c, "Sanne")
    mine = start(c)
    key = str(uuid.uuid4())
    assert send(c, mine["id"], OPENING, key).status_code == 200
    other = make_client()
    guest(other, "Noor")
    theirs = start(other)
    # the same key from another student is their own, new request
    r = send(other, theirs["id"], OPENING, key)
    assert r.status_code == 200 and "idempotent-replayed" not in r.headers


def test_a_retried_start_gives_the_same_conversation(make_client):
    c = make_client()
    guest(c)
    sc = first_scenario(c)["id"]
    key = str(uuid.uuid4())
    one = c.post("/api/v1/sessions", json={"scenario": sc}, headers={"Idempotency-Key": key})
    two = c.post("/api/v1/sessions", json={"scenario": sc}, headers={"Idempotency-Key": key})
    assert one.status_code == two.status_code == 201
    assert one.json()["id"] == two.json()["id"]
    assert count_rows(c, "conversations") == 1


@pytest.mark.parametrize("bad", ["", "x" * 256, "sleutel met spaties", "é"])
def test_an_invalid_key_is_refused_in_dutch(make_client, bad):
    c = make_client()
    guest(c)
    conv = start(c)
    r = c.post(f"/api/v1/sessions/{conv['id']}/messages", json={"text": OPENING},
               headers={"Idempotency-Key": bad.encode("utf-8")})
    assert r.status_code in (400, 422), r.text
    assert r.json()["detail"].endswith(".") and "Idempotency-Key" in r.json()["detail"]
    assert count_rows(c, "messages") == len(conv["messages"])


def test_rest_channel_retries_by_header_or_message_id(make_client, database_url):
    c = make_client(database_url)
    hook = "/webhooks/rest/webhook"
    first = c.post(hook, json={"sender": "lln-1", "message": OPENING}, headers={"Idempotency-Key": "m-1"})
    assert first.status_code == 200
    again = c.post(hook, json={"sender": "lln-1", "message": OPENING}, headers={"Idempotency-Key": "m-1"})
    assert again.json() == first.json() and again.headers["idempotent-replayed"] == "true"
    body = {"sender": "lln-1", "message": "Waar gebruikt u hem voor?", "metadata": {"message_id": "abc-2"}}
    second = c.post(hook, json=body)
    assert c.post(hook, json=body).json() == second.json()
    with c.app.state.db.read() as s:
        from sqlalchemy import select

        from bot.store.models import Conversation

        convs = list(s.scalars(select(Conversation)))
    assert len(convs) == 1 and convs[0].student_turns == 2
    body["message"] = "Iets anders"
    assert c.post(hook, json=body).status_code == 422


# --- 3. failures: 500 keeps the answer Dutch and the logs clean; 503 for a database outage ---------

class _Unserialisable:
    """An analysis value the JSON column cannot store: the INSERT fails with the student's text in its parameters."""


def test_an_unexpected_failure_is_a_dutch_500_and_logs_no_student_text(make_client, real_engine, caplog):
    class Leaky:
        def __getattr__(self, name):
            return getattr(real_engine, name)

        def step(self, state, text):
            turn = real_engine.step(state, text)
            turn.analysis = {"kapot": _Unserialisable()}
            return turn

    c = make_client(engine=Leaky())
    with caplog.at_level(logging.DEBUG):
        guest(c, SECRET_NAME)
        conv = start(c)
        r = send(c, conv["id"], SECRET_TEXT)
    assert r.status_code == 500
    assert r.json()["code"] == "internal_error" and "niet veranderd" in r.json()["detail"]
    assert count_rows(c, "messages") == len(conv["messages"])
    _assert_clean_logs(caplog, [SECRET_TEXT, "Zwoebeltrix", SECRET_NAME, "Vlaskamp"])
    failures = [rec for rec in caplog.records if rec.getMessage() == "request failed"]
    assert failures and "StatementError" in failures[-1].error and not failures[-1].exc_info


def test_no_log_line_carries_a_students_text_or_name(make_client, real_engine, monkeypatch, caplog):
    """AVG: turns, REST messages, engine failures (whose exceptions quote the input), crashed
    actions, invalid states and a database outage, all logged at DEBUG: the text and the name never appear."""
    import bot.engine.actions as actions_module

    failing = {"how": None}

    class Flaky:
        def __getattr__(self, name):
            return getattr(real_engine, name)

        def step(self, state, text):
            if failing["how"] == "engine":
                raise ValueError(f"kan '{text}' niet lezen")
            if failing["how"] == "state":
                return real_engine.step({**state, "events": text}, text)
            return real_engine.step(state, text)

    c = make_client(engine=Flaky())
    with caplog.at_level(logging.DEBUG):
        guest(c, SECRET_NAME)
        conv = start(c)
        assert send(c, conv["id"], SECRET_TEXT).status_code == 200
        for how, status in (("engine", 500), ("state", 409)):
            failing["how"] = how
            assert send(c, conv["id"], SECRET_TEXT + " " + how).status_code == status
        failing["how"] = None

        def crash(make):
            raise RuntimeError(f"actie kapot bij {SECRET_TEXT}")

        monkeypatch.setattr(actions_module, "_run_coroutine", crash)
        assert send(c, conv["id"], SECRET_TEXT + " actie").status_code == 502
        monkeypatch.undo()
        r = c.post("/webhooks/rest/webhook", json={"sender": SECRET_NAME, "message": SECRET_TEXT})
        assert r.status_code == 200
        assert c.post(f"/api/v1/sessions/{conv['id']}/end").status_code == 200
        monkeypatch.setattr(type(c.app.state.db), "transaction", _outage)
        assert send(c, conv["id"], SECRET_TEXT).status_code == 503
    assert any(rec.levelno >= logging.ERROR for rec in caplog.records)
    _assert_clean_logs(caplog, [SECRET_TEXT, "Zwoebeltrix", SECRET_NAME, "Vlaskamp"])


def _assert_clean_logs(caplog, secrets: list[str]) -> None:
    from bot.web.logs import JsonFormatter

    formatter = JsonFormatter()
    lines = [formatter.format(rec) for rec in caplog.records]
    assert lines, "nothing was logged"
    for line in lines:
        for secret in secrets:
            assert secret not in line, line[:300]


def _outage(*_args, **_kwargs):
    raise sqlalchemy.exc.OperationalError(
        "INSERT INTO messages (text) VALUES (?)", {"text": SECRET_TEXT}, Exception("connection refused")
    )


def test_a_database_outage_is_a_dutch_503_with_retry_after(make_client, monkeypatch, caplog):
    c = make_client()
    guest(c)
    conv = start(c)
    monkeypatch.setattr(type(c.app.state.db), "transaction", _outage)
    with caplog.at_level(logging.DEBUG):
        r = send(c, conv["id"], SECRET_TEXT)
    assert r.status_code == 503
    assert int(r.headers["retry-after"]) > 0
    body = r.json()
    assert body["code"] == "database_unavailable" and "database" in body["detail"] and "opnieuw" in body["detail"]
    _assert_clean_logs(caplog, [SECRET_TEXT])


@pytest.mark.postgres
def test_postgres_going_away_is_a_503_and_the_app_recovers_when_it_is_back(make_client, postgres_url):
    """A real outage: the app's database is dropped under it (connections killed), then recreated."""
    import psycopg
    from psycopg.conninfo import conninfo_to_dict

    from bot.store import migrate
    from bot.store.db import make_engine

    params = conninfo_to_dict(postgres_url)
    name = f"oefengesprek_outage_{uuid.uuid4().hex[:8]}"
    admin = psycopg.connect(postgres_url, autocommit=True)
    admin.execute(f'CREATE DATABASE "{name}"')
    url = postgres_url.rsplit("/", 1)[0] + f"/{name}"
    try:
        c = make_client(url)
        guest(c)
        conv = start(c)
        admin.execute(f'DROP DATABASE "{name}" WITH (FORCE)')
        r = send(c, conv["id"], SECRET_TEXT)
        assert r.status_code == 503 and r.headers["retry-after"]
        assert c.get("/readyz").status_code == 503
        admin.execute(f'CREATE DATABASE "{name}"')
        eng = make_engine(url)
        migrate.upgrade(eng)
        eng.dispose()
        assert c.get("/readyz").status_code == 200
        # the token is still valid, the student is gone with the old database: sign in again
        r = c.post("/api/v1/sessions", json={"scenario": first_scenario(c)["id"]})
        assert r.status_code == 401 and "opnieuw aan" in r.json()["detail"]
    finally:
        admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        admin.close()
    assert params  # (the admin URL was the run's database)


# --- 4. a valid token for a student who no longer exists -------------------------------------------

def _delete_student(client, student_id: str) -> None:
    from sqlalchemy import delete

    from bot.store.models import Student

    with client.app.state.db.write() as s:
        s.execute(delete(Student).where(Student.id == student_id))


def test_a_token_of_a_deleted_student_is_401_with_the_sign_in_message(make_client, database_url):
    c = make_client(database_url)
    me = guest(c)
    sc = first_scenario(c)["id"]
    _delete_student(c, me["student"]["id"])
    r = c.post("/api/v1/sessions", json={"scenario": sc})
    assert r.status_code == 401
    assert r.json()["code"] == "invalid_session" and "Meld je opnieuw aan" in r.json()["detail"]
    bearer = {"Authorization": f"Bearer {me['token']}"}
    r = c.post("/webhooks/rest/webhook", json={"sender": "x", "message": "hallo"}, headers=bearer)
    assert r.status_code == 401 and "opnieuw aan" in r.json()["detail"]
    assert c.get("/api/v1/me").status_code == 401


# --- 5. REST-channel and text input checks ----------------------------------------------------------

def _raw_post(client, path: str, raw: str):
    return client.post(path, content=raw.encode(), headers={"Content-Type": "application/json"})


def test_a_lone_surrogate_in_the_scenario_is_a_dutch_422_without_the_value(make_client):
    c = make_client()
    r = _raw_post(c, "/webhooks/rest/webhook", '{"sender": "s1", "message": "hallo", "metadata": {"scenario": "x\\ud800y"}}')
    assert r.status_code == 422, r.text
    assert "ongeldige" in r.json()["detail"] and "x" not in r.json()["detail"].split("ongeldige")[0][-3:]
    assert "\ufffd" not in r.text and "\\ud800" not in r.text
    guest(c)
    r = _raw_post(c, "/api/v1/sessions", '{"scenario": "\\udfff"}')
    assert r.status_code == 422 and "scenario" in r.json()["detail"] and "ongeldige tekens" in r.json()["detail"]


def test_a_nul_in_the_sender_is_a_dutch_422(make_client, database_url):
    c = make_client(database_url)
    r = c.post("/webhooks/rest/webhook", json={"sender": "a\x00b", "message": "hallo"})
    assert r.status_code == 422 and r.json()["code"] == "invalid_characters"
    assert count_rows(c, "students") == 0


@pytest.mark.parametrize("text", ["\u200b", "\u200b\u200c\u200d", "\ufeff", "\ufeff \u2060 ", "\u00ad", "\u3164", "\u2800\ufe0f"])
def test_messages_of_only_invisible_characters_are_not_stored(make_client, text):
    c = make_client()
    guest(c)
    conv = start(c)
    before = count_rows(c, "messages")
    r = send(c, conv["id"], text)
    assert r.status_code == 422 and r.json()["code"] == "empty_text" and "leeg" in r.json()["detail"]
    r = c.post("/webhooks/rest/webhook", json={"sender": "s2", "message": text})
    assert r.status_code == 422 and "leeg" in r.json()["detail"]
    assert count_rows(c, "messages") == before


def test_visible_text_with_joiners_and_a_leading_bom_is_kept(make_client):
    c = make_client()
    guest(c)
    conv = start(c)
    r = send(c, conv["id"], "\ufeffGoedemorgen 👩‍💻")
    assert r.status_code == 200
    assert r.json()["student_message"]["text"] == "Goedemorgen 👩‍💻"


@pytest.mark.parametrize("name", ["\u200b\u200b", "\ufeff", " \u2060 "])
def test_a_display_name_of_invisible_characters_is_refused(make_client, name):
    c = make_client()
    r = c.post("/api/v1/guest", json={"display_name": name})
    assert r.status_code == 422 and "naam" in r.json()["detail"].lower()
    assert count_rows(c, "students") == 0


def test_rest_errors_are_json_with_dutch_details(make_client):
    c = make_client()
    r = c.post("/webhooks/rest/webhook", json={"sender": "s3", "message": "hallo", "metadata": {"mode": ["x"]}})
    assert r.status_code == 422 and json.loads(r.text)["detail"]


# --- 6. shared classroom computers: a short guest lifetime and a logout that clears the cookie -----

def _set_cookies(response) -> dict[str, str]:
    return {h.split("=", 1)[0]: h for h in response.headers.get_list("set-cookie")}


def test_a_guest_session_lasts_twelve_hours_by_default_and_is_configurable(make_client):
    import time

    from bot.web.security import make_session_token

    c = make_client()
    cookies = _set_cookies(c.post("/api/v1/guest", json={"display_name": "Sanne"}))
    assert "Max-Age=43200" in cookies["oefengesprek_sessie"] and "Max-Age=43200" in cookies["oefengesprek_csrf"]
    me = c.get("/api/v1/me").json()["student"]
    key = c.app.state.settings.resolved_secret_key
    old = make_session_token(key, me["id"], "guest", now=time.time() - 13 * 3600)
    r = c.get("/api/v1/me", headers={"Authorization": f"Bearer {old}"})
    assert r.status_code == 401 and "opnieuw aan" in r.json()["detail"]
    fresh = make_session_token(key, me["id"], "guest", now=time.time() - 11 * 3600)
    assert c.get("/api/v1/me", headers={"Authorization": f"Bearer {fresh}"}).status_code == 200

    short = make_client(guest_session_hours=1)
    cookies = _set_cookies(short.post("/api/v1/guest", json={"display_name": "Noor"}))
    assert "Max-Age=3600" in cookies["oefengesprek_sessie"]
    r = short.get("/api/v1/me", headers={"Authorization": f"Bearer {fresh}"})
    assert r.status_code == 401


def test_logout_clears_both_cookies_and_needs_the_csrf_token(make_client):
    c = make_client()
    me = guest(c)
    assert c.post("/api/v1/logout", headers={"X-CSRF-Token": "fout"}).status_code == 403
    r = c.post("/api/v1/logout")
    assert r.status_code == 200 and r.json() == {"status": "afgemeld"}
    cookies = _set_cookies(r)
    for name in ("oefengesprek_sessie", "oefengesprek_csrf"):
        assert "Max-Age=0" in cookies[name] and "SameSite=lax" in cookies[name] and "Path=/" in cookies[name]
    assert "oefengesprek_sessie" not in c.cookies
    assert c.get("/api/v1/me").status_code == 401  # the next student at this computer starts fresh
    # a stale or unknown session can always be cleared (also under the path /api/v1/auth/logout)
    c.cookies.set("oefengesprek_sessie", "kapot")
    assert c.post("/api/v1/logout").status_code == 200
    assert c.post("/api/v1/auth/logout").status_code == 200
    assert me  # (signed in before)


def test_logout_inside_an_lms_iframe_deletes_the_partitioned_cookie_with_the_same_attributes(make_client):
    lms = make_client(base_url="https://testserver", frame_ancestors="https://lms.school.nl")
    signed_in = _set_cookies(lms.post("/api/v1/guest", json={"display_name": "Sanne"}))
    lms.headers["X-CSRF-Token"] = lms.get("/api/v1/me").json()["csrf_token"]
    r = lms.post("/api/v1/logout")
    assert r.status_code == 200
    cleared = _set_cookies(r)
    for name in ("oefengesprek_sessie", "oefengesprek_csrf"):
        for attribute in ("Secure", "SameSite=none", "Partitioned", "Path=/"):
            assert attribute in signed_in[name] and attribute in cleared[name], (name, attribute)
        assert "Max-Age=0" in cleared[name]
